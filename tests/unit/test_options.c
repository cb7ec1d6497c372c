/* test_options: the producer's option table (producer/options.h) as the
 * producer and `feedmill run` use it, and the summary the producer hands
 * to run (producer/summary.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "producer/options.h"
#include "producer/summary.h"
#include "testing.h"

/* Every row has a name and help; getopt's values map back to the rows. */
static void test_table(void)
{
    struct option all[PRODUCER_OPT_COUNT], run[PRODUCER_OPT_COUNT];
    size_t n = producer_options_longopts(all, 0);
    size_t r = producer_options_longopts(run, 1);
    CHECK(n == PRODUCER_OPT_COUNT);
    CHECK(r > 0 && r < n);
    for (size_t i = 0; i < n; i++) {
        int id = producer_option_of(all[i].val);
        CHECK(id == (int)i);
        CHECK(producer_option_table[i].name && producer_option_table[i].help);
        CHECK((all[i].has_arg == required_argument) == (producer_option_table[i].arg != NULL));
    }
    CHECK(producer_option_of('h') == -1);
    CHECK(producer_option_of(PRODUCER_OPT_GETOPT + PRODUCER_OPT_COUNT) == -1);
    for (size_t i = 0; i < r; i++)
        CHECK(producer_option_table[producer_option_of(run[i].val)].run);
}

/* One function checks a value for both commands, with the same ranges. */
static void test_apply(void)
{
    producer_options_t opt;
    producer_options_init(&opt);
    CHECK(opt.drain_timeout_ms == PRODUCER_DRAIN_TIMEOUT_MS);
    CHECK(opt.max_attempts == 3);
    CHECK(producer_option_apply(&opt, "test", PRODUCER_OPT_RETRY_AFTER, "1.5") == 0);
    CHECK(opt.retry_after_ms == 1500);
    /* Each says why on stderr. */
    CHECK(producer_option_apply(&opt, "test", PRODUCER_OPT_RETRY_AFTER, "0.01") == -1);
    CHECK(producer_option_apply(&opt, "test", PRODUCER_OPT_MAX_ATTEMPTS, "4x") == -1);
    CHECK(producer_option_apply(&opt, "test", PRODUCER_OPT_DRAIN_TIMEOUT, "-1") == -1);
    CHECK(opt.retry_after_ms == 1500);
    CHECK(producer_option_apply(&opt, "test", PRODUCER_OPT_IGNORE, "*.log") == 0);
    CHECK(producer_option_apply(&opt, "test", PRODUCER_OPT_IGNORE, "*.bak") == 0);
    CHECK(opt.ignore_count == 2 && !strcmp(opt.ignore[1], "*.bak"));
    CHECK(producer_option_apply(&opt, "test", PRODUCER_OPT_WATCH, NULL) == 0 && opt.watch);
    producer_options_free(&opt);
}

/* Written and read back whole; another version or a missing key is an
 * error, never a silent 0. */
static void test_summary(void)
{
    char dir[] = "/tmp/test_options_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    producer_summary_t out = { .documents = 7, .files = 5, .lines = 2, .stored = 4,
                               .new_sources = 1, .dead = 2, .skipped_paths = 3 }, in;
    char *error = NULL;
    CHECK(producer_summary_write(&out, path, &error) == 0);
    CHECK(producer_summary_read(&in, path, &error) == 0);
    CHECK(memcmp(&in, &out, sizeof in) == 0);
    buf_t text = BUF_INIT;
    producer_summary_text(&out, &text);
    CHECK(strncmp(buf_str(&text), "documents=7 files=5 lines=2 submissions=0 skipped=0 stored=4 ",
                  61) == 0);
    buf_free(&text);

    FILE *f = fopen(path, "w");
    fputs("{\"version\":2,\"documents\":1}", f);
    fclose(f);
    CHECK(producer_summary_read(&in, path, &error) == -1 && error);
    free(error);
    error = NULL;
    f = fopen(path, "w");
    fputs("{\"version\":1,\"documents\":1}", f);
    fclose(f);
    CHECK(producer_summary_read(&in, path, &error) == -1 && error && strstr(error, "files"));
    free(error);
    error = NULL;
    unlink(path);
    CHECK(producer_summary_read(&in, path, &error) == -1 && error);
    free(error);
    rmdir(dir);
}

TESTING_MAIN(
    TEST(test_table),
    TEST(test_apply),
    TEST(test_summary))
