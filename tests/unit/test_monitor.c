/* Unit tests for what operators see: common/metrics (exposition text,
 * labels, histograms, concurrent updates), common/log's JSON lines,
 * common/httpd (addresses, errors, no descriptor left behind),
 * common/monitor's options and sink/reasons. Requests over real HTTP are
 * in tests/integration/test_monitoring.sh. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/httpd.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/monitor.h"
#include "sink/reasons.h"
#include "testing.h"

static void test_render(void)
{
    metrics_t *m = metrics_new();
    metric_t *docs = metrics_counter(m, "feedmill_test_documents_total", "Documents.\nBy outcome",
                                     "outcome");
    metric_t *up = metrics_gauge(m, "feedmill_test_up", "Up", NULL);
    static const double bounds[] = { 0.005, 0.1, 1 };
    metric_t *h = metrics_histogram(m, "feedmill_test_seconds", "Time", bounds, 3);
    metric_add(docs, "stored", 2);
    metric_add(docs, "dead", 1);
    metric_add(docs, "a\"b\\c\nd", 1);
    metric_add(docs, "stored", -5);          /* a counter never goes down */
    metric_set(docs, "dead", 0);             /* nor is it lowered */
    metric_set(docs, "stored", 7);           /* raised to a total kept elsewhere */
    metric_set(up, NULL, 0.25);
    metric_observe(h, 0.001);
    metric_observe(h, 0.005);
    metric_observe(h, 0.5);
    metric_observe(h, 30);
    buf_t out = BUF_INIT;
    metrics_render(m, &out);
    CHECK_STR(out.data,
              "# HELP feedmill_test_documents_total Documents.\\nBy outcome\n"
              "# TYPE feedmill_test_documents_total counter\n"
              "feedmill_test_documents_total{outcome=\"a\\\"b\\\\c\\nd\"} 1\n"
              "feedmill_test_documents_total{outcome=\"dead\"} 1\n"
              "feedmill_test_documents_total{outcome=\"stored\"} 7\n"
              "# HELP feedmill_test_up Up\n"
              "# TYPE feedmill_test_up gauge\n"
              "feedmill_test_up 0.25\n"
              "# HELP feedmill_test_seconds Time\n"
              "# TYPE feedmill_test_seconds histogram\n"
              "feedmill_test_seconds_bucket{le=\"0.005\"} 2\n"
              "feedmill_test_seconds_bucket{le=\"0.1\"} 2\n"
              "feedmill_test_seconds_bucket{le=\"1\"} 3\n"
              "feedmill_test_seconds_bucket{le=\"+Inf\"} 4\n"
              "feedmill_test_seconds_sum 30.506\n"
              "feedmill_test_seconds_count 4\n");
    CHECK(metric_get(docs, "stored") == 7);
    CHECK(metric_get(docs, "missing") == 0);
    CHECK(metric_get(h, NULL) == 4);
    CHECK(metrics_text_value(out.data, "feedmill_test_documents_total{outcome=\"stored\"}", -1) == 7);
    CHECK(metrics_text_value(out.data, "feedmill_test_up", -1) == 0.25);
    CHECK(metrics_text_value(out.data, "feedmill_test_seconds_count", -1) == 4);
    CHECK(metrics_text_value(out.data, "feedmill_test", -1) == -1);   /* a prefix is not a sample */
    metric_forget(docs, "dead");
    metric_forget(docs, "never there");
    buf_reset(&out);
    metrics_render(m, &out);
    CHECK(!strstr(out.data, "outcome=\"dead\""));
    CHECK(strstr(out.data, "outcome=\"stored\"} 7\n") != NULL);

    /* An info metric: value 1, its facts as labels, escaped. */
    static const char *const facts[] = { "version", "1.2.3", "odd", "a\"b\\c", NULL };
    metrics_info(m, "feedmill_test_build_info", "Facts", facts);
    buf_reset(&out);
    metrics_render(m, &out);
    CHECK_MSG(strstr(out.data, "# TYPE feedmill_test_build_info gauge\n"
                               "feedmill_test_build_info{version=\"1.2.3\",odd=\"a\\\"b\\\\c\"} 1\n"),
              out.data);
    buf_free(&out);
    metrics_destroy(&m);
    CHECK(m == NULL);
}

typedef struct hammer {
    metric_t *counter;
    metric_t *histogram;
} hammer_t;

static void *hammer_run(void *arg)
{
    hammer_t *h = arg;
    for (int i = 0; i < 20000; i++) {
        metric_add(h->counter, (i & 1) ? "odd" : "even", 1);
        metric_observe(h->histogram, i % 7);
    }
    return NULL;
}

/* Updates on one thread, renders on another, as the HTTP thread does:
 * totals come out exact (run under TSan to see the locking hold). */
static void test_concurrency(void)
{
    metrics_t *m = metrics_new();
    static const double bounds[] = { 1, 3 };
    hammer_t h = { metrics_counter(m, "feedmill_test_total", "n", "parity"),
                   metrics_histogram(m, "feedmill_test_values", "v", bounds, 2) };
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, hammer_run, &h) == 0);
    buf_t out = BUF_INIT;
    for (int i = 0; i < 200; i++) {
        buf_reset(&out);
        metrics_render(m, &out);
    }
    pthread_join(thread, NULL);
    buf_reset(&out);
    metrics_render(m, &out);
    CHECK(metrics_text_value(out.data, "feedmill_test_total{parity=\"odd\"}", 0) == 10000);
    CHECK(metrics_text_value(out.data, "feedmill_test_values_count", 0) == 20000);
    buf_free(&out);
    metrics_destroy(&m);
}

static void test_log_json(void)
{
    buf_t out = BUF_INIT;
    log_put_json(&out, "2026-11-21T04:30:00.123Z", "info ", "sink", 12,
                 "committed batch rows=12 ms=3.5 id=000123456789 error=\"a \\\"b\\\" c\" "
                 "msg=x level=-1 path=/a=b");
    CHECK_STR(out.data, "{\"time\":\"2026-11-21T04:30:00.123Z\",\"level\":\"info\","
                        "\"component\":\"sink\",\"pid\":12,\"msg\":\"committed batch\","
                        "\"rows\":12,\"ms\":3.5,\"id\":\"000123456789\",\"error\":\"a \\\"b\\\" c\","
                        "\"msg_\":\"x\",\"level_\":-1,\"path\":\"/a=b\"}\n");
    buf_reset(&out);
    /* A stray word among the fields joins the message; numbers with a
     * leading zero, or too long for a double, stay text. */
    log_put_json(&out, "t", "warn ", "producer", 1,
                 "all inputs read documents=5, watching for new files n=007 big=12345678901234567");
    CHECK_STR(out.data, "{\"time\":\"t\",\"level\":\"warn\",\"component\":\"producer\",\"pid\":1,"
                        "\"msg\":\"all inputs read watching for new files\",\"documents\":\"5,\","
                        "\"n\":\"007\",\"big\":\"12345678901234567\"}\n");
    buf_reset(&out);
    log_put_json(&out, "t", "error", "run", 1, "");
    CHECK_STR(out.data, "{\"time\":\"t\",\"level\":\"error\",\"component\":\"run\",\"pid\":1,"
                        "\"msg\":\"\"}\n");
    buf_free(&out);
    log_format_t f;
    CHECK(log_format_parse("json", &f) == 0 && f == LOG_FORMAT_JSON);
    CHECK(log_format_parse("logfmt", &f) == 0 && f == LOG_FORMAT_LOGFMT);
    CHECK(log_format_parse("JSON", &f) == -1);
}

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static void render_nothing(void *ctx, buf_t *out)
{
    (void)ctx;
    buf_puts(out, "");
}

static int always_ready(void *ctx, buf_t *why)
{
    (void)ctx;
    (void)why;
    return 1;
}

static void test_httpd(void)
{
    httpd_handlers_t handlers = { render_nothing, always_ready, NULL };
    char *error = NULL;
    int before = open_fds();
    httpd_t *h = httpd_start("127.0.0.1:0", &handlers, &error);
    CHECK_MSG(h != NULL, error);
    if (!h) {
        free(error);
        return;
    }
    const char *address = httpd_address(h);
    CHECK(!strncmp(address, "127.0.0.1:", 10) && strcmp(address, "127.0.0.1:0") != 0);
    /* The same port again: the reason is the system's. */
    char *taken = NULL;
    httpd_t *twice = httpd_start(address, &handlers, &taken);
    CHECK(twice == NULL);
    CHECK(taken && strstr(taken, "Address already in use"));
    free(taken);
    httpd_stop(&h);
    CHECK(h == NULL);
    CHECK(open_fds() == before);
    httpd_stop(&h);   /* NULL is allowed */

    static const char *const bad[] = { "9464", "localhost", "127.0.0.1:", "127.0.0.1:x",
                                       "::1:9464", "[::1]9464" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *why = NULL;
        CHECK_MSG(httpd_start(bad[i], &handlers, &why) == NULL, bad[i]);
        CHECK(why && strstr(why, "HOST:PORT"));
        free(why);
    }
    h = httpd_start("[::1]:0", &handlers, &error);
    if (h) {   /* a machine without IPv6 cannot, and says so */
        CHECK(!strncmp(httpd_address(h), "[::1]:", 6));
        httpd_stop(&h);
    } else {
        free(error);
    }
}

static void test_options(void)
{
    monitor_options_t opt;
    monitor_options_init(&opt);
    CHECK(opt.status_interval_ms == 10000 && !opt.metrics && !opt.metrics_file);
    CHECK(monitor_option(&opt, "t", MONITOR_OPT_STATUS_INTERVAL, "2.5") == 0);
    CHECK(opt.status_interval_ms == 2500);
    CHECK(monitor_option(&opt, "t", MONITOR_OPT_STATUS_INTERVAL, "0") == 0);
    CHECK(opt.status_interval_ms == 0);
    CHECK(monitor_option(&opt, "t", MONITOR_OPT_STATUS_INTERVAL, "-1") == -1);
    CHECK(monitor_option(&opt, "t", MONITOR_OPT_LOG_FORMAT, "xml") == -1);
    CHECK(monitor_option(&opt, "t", MONITOR_OPT_METRICS, "127.0.0.1:1") == 0);
    CHECK_STR(opt.metrics, "127.0.0.1:1");
}

static void test_reasons(void)
{
    static const struct { const char *error, *reason; } cases[] = {
        { "cannot read file: Permission denied", "unreadable" },
        { "file changed while being read", "unreadable" },
        { "file is 40 bytes, over the --max-size limit of 10", "too_large" },
        { "gzip data expands beyond the 64 MiB limit", "too_large" },
        { "extraction took longer than the time limit of 30000 ms (3 attempts)", "timeout" },
        { "extraction crashed with signal 11 (Segmentation fault) (3 attempts)", "crashed" },
        { "no result after 3 attempts (the document's workers died, hung ...)", "lost" },
        { "not JSON: unexpected token at column 3", "bad_line" },
        { "no \"html\" or \"text\" member", "bad_line" },
        { "\"title\" is not a string", "bad_line" },
        { "cannot store record: disk I/O error", "database" },
        { "empty document", "refused" },
        { NULL, "refused" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(reason_name(reason_classify(cases[i].error)), cases[i].reason);
}

TESTING_MAIN(
    TEST(test_render),
    TEST(test_concurrency),
    TEST(test_log_json),
    TEST(test_httpd),
    TEST(test_options),
    TEST(test_reasons))
