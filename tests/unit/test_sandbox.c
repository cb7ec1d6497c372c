/* Unit tests for workers/sandbox: answers, crashes, hangs, big answers. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "workers/sandbox.h"
#include "testing.h"

static void answer_hello(void *ctx, buf_t *out)
{
    buf_puts(out, ctx);
}

static void answer_big(void *ctx, buf_t *out)
{
    (void)ctx;
    /* Far more than a pipe holds: the parent must read while the child writes. */
    for (int i = 0; i < 300000; i++)
        buf_puts(out, "0123456789");
}

static void crash(void *ctx, buf_t *out)
{
    (void)ctx;
    (void)out;
    raise(SIGSEGV);
}

static void hang(void *ctx, buf_t *out)
{
    (void)ctx;
    (void)out;
    for (;;)
        pause();
}

static void count_idle(void *ctx)
{
    (*(int *)ctx)++;
}

static void bail_out(void *ctx, buf_t *out)
{
    (void)ctx;
    buf_puts(out, "partial");
    _exit(7);
}

int main(void)
{
    buf_t out = BUF_INIT;
    char *reason = NULL;

    CHECK(sandbox_run(answer_hello, "안녕", 5000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK_STR(buf_str(&out), "안녕");
    CHECK(reason == NULL);
    buf_reset(&out);

    CHECK(sandbox_run(answer_big, NULL, 10000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK(out.len == 3000000);
    buf_reset(&out);

    CHECK(sandbox_run(crash, NULL, 5000, NULL, NULL, &out, &reason) == SANDBOX_CRASHED);
    /* SIGSEGV; under AddressSanitizer, which catches it first, SIGABRT or
     * exit status 1 depending on its options. */
    CHECK_MSG(reason && (strstr(reason, "crashed with signal") || strstr(reason, "exited with status")),
              reason);
    free(reason);
    reason = NULL;

    int64_t started = clock_ms();
    int idles = 0;
    CHECK(sandbox_run(hang, NULL, 2500, count_idle, &idles, &out, &reason) == SANDBOX_TIMED_OUT);
    CHECK_MSG(idles >= 3, "the parent stays responsive (heartbeats) while the child works");
    free(reason);
    reason = NULL;
    started = clock_ms();
    CHECK(sandbox_run(hang, NULL, 200, NULL, NULL, &out, &reason) == SANDBOX_TIMED_OUT);
    int64_t took = clock_ms() - started;
    CHECK_MSG(took >= 200 && took < 5000, "the time limit is neither early nor ignored");
    CHECK_MSG(reason && strstr(reason, "time limit of 200 ms"), reason);
    free(reason);
    reason = NULL;

    buf_reset(&out);
    CHECK(sandbox_run(bail_out, NULL, 5000, NULL, NULL, &out, &reason) == SANDBOX_CRASHED);
    CHECK_MSG(reason && strstr(reason, "status 7"), reason);
    free(reason);

    buf_free(&out);
    return testing_done();
}
