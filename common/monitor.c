/* monitor: status timer, metrics endpoint and file, readiness. See monitor.h. */
#include "monitor.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/args.h"
#include "common/clock.h"
#include "common/httpd.h"
#include "common/version.h"
#include "common/log.h"

enum { FILE_EVERY_MS = 1000 };

struct monitor {
    monitor_options_t opt;
    char component[32];
    metrics_t *metrics;
    metric_t *ready_gauge;
    httpd_t *httpd;
    void (*extra)(void *ctx, buf_t *out);
    void *extra_ctx;
    /* Read by the HTTP thread: guarded by lock. */
    pthread_mutex_t lock;
    buf_t missing;            /* "" when ready */
    int64_t last_status;      /* clock_ms() of the last status line */
    int64_t last_file;        /* of the last metrics file written */
    int file_failing;         /* warned once until a write succeeds again */
};

const args_option_t monitor_option_table[MONITOR_OPT_COUNT] = {
    [MONITOR_OPT_STATUS_INTERVAL] = { .name = "status-interval", .arg = "SECONDS",
        .help = "log a status line every SECONDS, also when idle (default 10; 0 turns it off)" },
    [MONITOR_OPT_METRICS] = { .name = "metrics", .arg = "HOST:PORT",
        .help = "serve /metrics (Prometheus text), /healthz and /readyz over HTTP (e.g. "
                "127.0.0.1:9464; port 0 picks one)" },
    [MONITOR_OPT_METRICS_FILE] = { .name = "metrics-file", .arg = "FILE",
        .help = "write the /metrics text to FILE every second (for node_exporter's textfile "
                "collector)" },
    [MONITOR_OPT_LOG_FORMAT] = { .name = "log-format", .arg = "FORMAT",
        .help = "logfmt (default) or json: one JSON object a line" },
};

void monitor_options_init(monitor_options_t *opt)
{
    *opt = (monitor_options_t){ .status_interval_ms = MONITOR_DEFAULT_STATUS_MS };
}

int monitor_option(monitor_options_t *opt, const char *command, int option, const char *value)
{
    double seconds;
    log_format_t format;
    switch (option) {
    case MONITOR_OPT_STATUS_INTERVAL:
        if (args_number(command, "--status-interval", value, 0, 86400, &seconds))
            return -1;
        opt->status_interval_ms = (int64_t)(seconds * 1000);
        if (seconds > 0 && opt->status_interval_ms < 100)
            opt->status_interval_ms = 100;
        return 0;
    case MONITOR_OPT_METRICS:
        opt->metrics = value;
        return 0;
    case MONITOR_OPT_METRICS_FILE:
        opt->metrics_file = value;
        return 0;
    case MONITOR_OPT_LOG_FORMAT:
        if (log_format_parse(value, &format) != 0) {
            fprintf(stderr, "feedmill %s: --log-format must be logfmt or json, not '%s'\n",
                    command, value);
            return -1;
        }
        log_set_format(format);
        /* Child processes (run's components, a worker's sandbox) log alike. */
        setenv("FEEDMILL_LOG_FORMAT", value, 1);
        return 0;
    default:
        return -1;
    }
}

int monitor_option_apply(void *opt, const char *command, int option, const char *value)
{
    return monitor_option(opt, command, option, value);
}

static void write_file_said(monitor_t *self);

monitor_t *monitor_new(const char *component, const monitor_options_t *opt)
{
    monitor_t *self = xcalloc(1, sizeof(monitor_t));
    self->opt = *opt;
    snprintf(self->component, sizeof self->component, "%s", component);
    if (pthread_mutex_init(&self->lock, NULL) != 0) {
        fprintf(stderr, "monitor: cannot create a mutex\n");
        abort();
    }
    self->metrics = metrics_new();
    char name[96];
    snprintf(name, sizeof name, "feedmill_%s_ready", component);
    self->ready_gauge = metrics_gauge(self->metrics, name,
                                      "1 when /readyz answers 200: database open, sockets "
                                      "bound, peers heard from", NULL);
    static const char *const build[] = {
        "version", FEEDMILL_VERSION,
        "extractor", FEEDMILL_STRINGIFY(FEEDMILL_EXTRACT_VERSION),
        "schema", FEEDMILL_STRINGIFY(FEEDMILL_SCHEMA_VERSION),
        NULL,
    };
    metrics_info(self->metrics, "feedmill_build_info",
                 "Always 1; its labels say the feedmill release, the extractor version and "
                 "the database schema this process runs", build);
    buf_puts(&self->missing, "starting");
    self->last_status = self->last_file = clock_ms();
    return self;
}

void monitor_destroy(monitor_t **self_p)
{
    monitor_t *self = *self_p;
    if (!self)
        return;
    /* The thread goes first: it reads everything below. */
    httpd_stop(&self->httpd);
    /* The last figures stay for whoever reads the file after us. */
    if (self->opt.metrics_file)
        write_file_said(self);
    metrics_destroy(&self->metrics);
    buf_free(&self->missing);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

metrics_t *monitor_metrics(monitor_t *self)
{
    return self->metrics;
}

void monitor_extra(monitor_t *self, void (*fn)(void *ctx, buf_t *out), void *ctx)
{
    self->extra = fn;
    self->extra_ctx = ctx;
}

void monitor_render(monitor_t *self, buf_t *out)
{
    metrics_render(self->metrics, out);
    if (self->extra)
        self->extra(self->extra_ctx, out);
}

static void render_cb(void *ctx, buf_t *out)
{
    monitor_render(ctx, out);
}

static int ready_cb(void *ctx, buf_t *why)
{
    monitor_t *self = ctx;
    pthread_mutex_lock(&self->lock);
    int ready = self->missing.len == 0;
    if (!ready)
        buf_puts(why, buf_str(&self->missing));
    pthread_mutex_unlock(&self->lock);
    return ready;
}

int monitor_start(monitor_t *self)
{
    if (!self->opt.metrics)
        return 0;
    char *error = NULL;
    httpd_handlers_t handlers = { render_cb, ready_cb, self };
    self->httpd = httpd_start(self->opt.metrics, &handlers, &error);
    if (!self->httpd) {
        log_error("cannot serve metrics address=%s error=%s", log_q(self->opt.metrics),
                  log_q(error));
        free(error);
        return -1;
    }
    log_info("serving metrics address=%s paths=/metrics,/healthz,/readyz",
             log_q(httpd_address(self->httpd)));
    return 0;
}

void monitor_set_ready(monitor_t *self, const char *missing)
{
    pthread_mutex_lock(&self->lock);
    buf_reset(&self->missing);
    if (missing)
        buf_puts(&self->missing, missing);
    pthread_mutex_unlock(&self->lock);
    metric_set(self->ready_gauge, NULL, missing ? 0 : 1);
}

/* FILE.tmp, then rename: readers see the old text or the new, whole.
 * 0, or -1 with the reason (the system's) in *error, malloc'd. */
static int write_file(monitor_t *self, char **error)
{
    buf_t text = BUF_INIT, tmp = BUF_INIT;
    monitor_render(self, &text);
    buf_printf(&tmp, "%s.tmp", self->opt.metrics_file);
    FILE *f = fopen(tmp.data, "w");
    int ok = f && fwrite(text.data, 1, text.len, f) == text.len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp.data, self->opt.metrics_file) != 0)
        ok = 0;
    if (!ok) {
        *error = xstrdup(strerror(errno));
        unlink(tmp.data);
    }
    buf_free(&text);
    buf_free(&tmp);
    return ok ? 0 : -1;
}

/* The file is the monitor's to write, and operators are told here, once
 * until a write succeeds again (file_failing): no caller can do more. */
static void write_file_said(monitor_t *self)
{
    char *error = NULL;
    int ok = write_file(self, &error) == 0;
    if (!ok && !self->file_failing)
        log_warn("cannot write the metrics file path=%s error=%s",
                 log_q(self->opt.metrics_file), log_q(error));
    self->file_failing = !ok;
    free(error);
}

double monitor_tick(monitor_t *self, int64_t now)
{
    if (self->opt.metrics_file && now - self->last_file >= FILE_EVERY_MS) {
        self->last_file = now;
        write_file_said(self);
    }
    if (!self->opt.status_interval_ms || now - self->last_status < self->opt.status_interval_ms)
        return 0;
    double seconds = (now - self->last_status) / 1000.0;
    self->last_status = now;
    return seconds > 0 ? seconds : 0.001;
}

int64_t monitor_wait_ms(const monitor_t *self, int64_t now)
{
    int64_t wait = 60000;
    if (self->opt.metrics_file && self->last_file + FILE_EVERY_MS - now < wait)
        wait = self->last_file + FILE_EVERY_MS - now;
    if (self->opt.status_interval_ms
        && self->last_status + self->opt.status_interval_ms - now < wait)
        wait = self->last_status + self->opt.status_interval_ms - now;
    return wait < 0 ? 0 : wait;
}
