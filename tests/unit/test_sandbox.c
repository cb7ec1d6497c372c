/* Unit tests for workers/sandbox: answers, crashes, hangs, big answers,
 * for one child per job and for the long-lived child. */
#include <signal.h>
#include <stdio.h>
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

static int count_idle(void *ctx)
{
    (*(int *)ctx)++;
    return 0;
}

/* A stop request after the second wait: idle says stop. */
static int stop_on_second(void *ctx)
{
    return ++*(int *)ctx >= 2;
}

static void bail_out(void *ctx, buf_t *out)
{
    (void)ctx;
    buf_puts(out, "partial");
    _exit(7);
}

/* ---- the long-lived child: requests are commands ---------------------- */

static void serve(void *ctx, const uint8_t *request, size_t len, buf_t *out)
{
    (void)ctx;
    if (len >= 5 && !memcmp(request, "crash", 5))
        raise(SIGSEGV);
    if (len >= 4 && !memcmp(request, "hang", 4))
        for (;;)
            pause();
    if (len >= 3 && !memcmp(request, "big", 3)) {
        /* 64 MB touched and kept: the child is now too big. */
        /* Every page touched through volatile, so the compiler cannot
         * drop the writes; never freed. */
        volatile char *keep = malloc(64 << 20);
        for (size_t i = 0; keep && i < (64u << 20); i += 4096)
            keep[i] = 1;
        buf_puts(out, keep ? "fat" : "thin");
        return;
    }
    if (len >= 6 && !memcmp(request, "mirror", 6)) {
        buf_append(out, request, len);   /* the whole request back */
        return;
    }
    if (len >= 3 && !memcmp(request, "how", 3)) {
        buf_puts(out, getenv("TEST_SANDBOX_EXECED") ? "exec" : "fork");
        return;
    }
    if (len >= 3 && !memcmp(request, "pid", 3)) {
        buf_printf(out, "%d", (int)getpid());
        return;
    }
    /* Echo, with the length: big requests arrive whole. */
    buf_printf(out, "%zu:", len);
    buf_append(out, request, len < 16 ? len : 16);
}

static int child_pid_of(sandbox_t *box)
{
    buf_t out = BUF_INIT;
    char *reason = NULL;
    int pid = -1;
    if (sandbox_call(box, "pid", 3, 5000, NULL, NULL, &out, &reason) == SANDBOX_DONE)
        pid = atoi(buf_str(&out));
    free(reason);
    buf_free(&out);
    return pid;
}

static void test_long_lived(void)
{
    sandbox_t *box = sandbox_new(serve, NULL, 32 << 20);
    buf_t out = BUF_INIT;
    char *reason = NULL;
    int first = child_pid_of(box);
    for (int i = 0; i < 200; i++) {
        buf_reset(&out);
        CHECK(sandbox_call(box, "hello", 5, 5000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    }
    CHECK_STR(buf_str(&out), "5:hello");
    CHECK_MSG(child_pid_of(box) == first && sandbox_children(box) == 1,
              "one child serves job after job");

    /* A request far larger than a pipe holds. */
    size_t big = 5 << 20;
    char *request = malloc(big);
    memset(request, 'q', big);
    buf_reset(&out);
    CHECK(sandbox_call(box, request, big, 10000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK_STR(buf_str(&out), "5242880:qqqqqqqqqqqqqqqq");
    /* And an answer as large, byte for byte (both cross the 1 MiB pipes
     * in several writes and reads). */
    memcpy(request, "mirror", 6);
    for (size_t i = 6; i < big; i++)
        request[i] = (char)('a' + i % 23);
    buf_reset(&out);
    CHECK(sandbox_call(box, request, big, 10000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK(out.len == big && memcmp(out.data, request, big) == 0 && out.data[big] == '\0');
    free(request);

    /* A crash costs that job and that child; the next job gets a new one. */
    buf_reset(&out);
    CHECK(sandbox_call(box, "crash", 5, 5000, NULL, NULL, &out, &reason) == SANDBOX_CRASHED);
    CHECK_MSG(reason && (strstr(reason, "crashed with signal") || strstr(reason, "exited with status")),
              reason);
    free(reason);
    reason = NULL;
    int second = child_pid_of(box);
    CHECK(second > 0 && second != first && sandbox_children(box) == 2);

    /* The time limit holds, and the parent stays responsive meanwhile. */
    int idles = 0;
    int64_t started = clock_ms();
    CHECK(sandbox_call(box, "hang", 4, 1500, count_idle, &idles, &out, &reason) == SANDBOX_TIMED_OUT);
    int64_t took = clock_ms() - started;
    CHECK_MSG(took >= 1500 && took < 6000, "the time limit is neither early nor ignored");
    CHECK_MSG(idles >= 2, "heartbeats while the child works");
    CHECK_MSG(reason && strstr(reason, "time limit of 1500 ms"), reason);
    free(reason);
    reason = NULL;
    CHECK(kill(second, 0) != 0);   /* killed and reaped */
    int third = child_pid_of(box);
    CHECK(third > 0 && third != second);

    /* Past the memory bound the child is replaced after its job. */
    buf_reset(&out);
    CHECK(sandbox_call(box, "big", 3, 10000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK_STR(buf_str(&out), "fat");
    int fourth = child_pid_of(box);
    CHECK_MSG(fourth > 0 && fourth != third, "a child past its memory bound is replaced");
    CHECK(sandbox_children(box) == 4);

    sandbox_destroy(&box);
    CHECK(box == NULL);
    CHECK(kill(fourth, 0) != 0);
    buf_free(&out);
}

/* Takes the oldest answer; *text is its text (static) when done. */
static sandbox_status_t take(sandbox_t *box, int64_t limit_ms, const char **text)
{
    static buf_t out = BUF_INIT;
    char *reason = NULL;
    buf_reset(&out);
    sandbox_status_t status = sandbox_take(box, limit_ms, NULL, NULL, &out, &reason);
    free(reason);
    *text = buf_str(&out);
    return status;
}

/* Requests in a row: answered in order, each failure charged to its own
 * request, the ones behind it served by the next child. */
static void test_in_a_row(void)
{
    /* A request behind one that crashed the child may be written to the
     * dead child's pipe: EPIPE where the worker runs (signals_install
     * ignores SIGPIPE), as here. */
    signal(SIGPIPE, SIG_IGN);
    sandbox_t *box = sandbox_new(serve, NULL, 32 << 20);
    const char *text;
    char *reason = NULL;
    CHECK(sandbox_send(box, "hello", 5, &reason) == 0);
    CHECK(sandbox_send(box, "pid", 3, &reason) == 0);
    for (unsigned i = 2; i < SANDBOX_DEPTH; i++)
        CHECK(sandbox_send(box, "fill", 4, &reason) == 0);
    CHECK(sandbox_pending(box) == SANDBOX_DEPTH);
    /* No more than SANDBOX_DEPTH at once, and no call across them. */
    CHECK(sandbox_send(box, "more", 4, &reason) == -1 && reason);
    free(reason);
    reason = NULL;
    buf_t out = BUF_INIT;
    CHECK(sandbox_call(box, "hello", 5, 5000, NULL, NULL, &out, &reason) == SANDBOX_FAILED);
    free(reason);
    reason = NULL;
    CHECK(take(box, 5000, &text) == SANDBOX_DONE);
    CHECK_STR(text, "5:hello");
    CHECK(take(box, 5000, &text) == SANDBOX_DONE);
    int first = atoi(text);
    for (unsigned i = 2; i < SANDBOX_DEPTH; i++) {
        CHECK(take(box, 5000, &text) == SANDBOX_DONE);
        CHECK_STR(text, "4:fill");
    }
    CHECK(first > 0 && sandbox_pending(box) == 0);

    /* A crash costs its own request; the one behind it is answered by
     * the next child. */
    CHECK(sandbox_send(box, "crash", 5, &reason) == 0);
    CHECK(sandbox_send(box, "pid", 3, &reason) == 0);
    CHECK(take(box, 5000, &text) == SANDBOX_CRASHED);
    CHECK(take(box, 5000, &text) == SANDBOX_DONE);
    int second = atoi(text);
    CHECK(second > 0 && second != first && sandbox_children(box) == 2);
    /* And the request after a good one is charged when it crashes. */
    CHECK(sandbox_send(box, "hello", 5, &reason) == 0);
    CHECK(sandbox_send(box, "crash", 5, &reason) == 0);
    CHECK(take(box, 5000, &text) == SANDBOX_DONE);
    CHECK_STR(text, "5:hello");
    CHECK(take(box, 5000, &text) == SANDBOX_CRASHED);
    CHECK(sandbox_children(box) == 2);   /* the next is started by the next request */

    /* A request that outruns the limit: the one behind it gets a whole
     * limit of its own, from a new child. */
    CHECK(sandbox_send(box, "hang", 4, &reason) == 0);
    CHECK(sandbox_send(box, "hello", 5, &reason) == 0);
    int64_t started = clock_ms();
    CHECK(take(box, 700, &text) == SANDBOX_TIMED_OUT);
    CHECK(clock_ms() - started >= 700);
    CHECK(take(box, 700, &text) == SANDBOX_DONE);
    CHECK_STR(text, "5:hello");
    CHECK(sandbox_children(box) == 4);

    /* A request far larger than the pipe, behind another: written while
     * the first is awaited and answered, byte count intact. */
    size_t big = 5 << 20;
    char *request = malloc(big);
    memset(request, 'q', big);
    CHECK(sandbox_send(box, "hello", 5, &reason) == 0);
    CHECK(sandbox_send(box, request, big, &reason) == 0);
    CHECK(take(box, 10000, &text) == SANDBOX_DONE);
    CHECK_STR(text, "5:hello");
    CHECK(take(box, 10000, &text) == SANDBOX_DONE);
    CHECK_STR(text, "5242880:qqqqqqqqqqqqqqqq");
    free(request);

    /* A child past its memory bound is replaced after its job; the
     * request already in its pipe is served by the replacement. */
    int before = child_pid_of(box);
    CHECK(sandbox_send(box, "big", 3, &reason) == 0);
    CHECK(sandbox_send(box, "pid", 3, &reason) == 0);
    CHECK(take(box, 10000, &text) == SANDBOX_DONE);
    CHECK_STR(text, "fat");
    CHECK(take(box, 10000, &text) == SANDBOX_DONE);
    int after = atoi(text);
    CHECK_MSG(after > 0 && after != before, "the replacement serves the request behind");
    CHECK(kill(before, 0) != 0);
    CHECK(sandbox_children(box) == 5);

    /* Destroyed with a request pending: the child goes too. */
    CHECK(sandbox_send(box, "hang", 4, &reason) == 0);
    sandbox_destroy(&box);
    CHECK(kill(after, 0) != 0);
    buf_free(&out);
}

/* This program is also the exec'd child of test_exec_replacements: run
 * with TEST_SANDBOX_SERVE set, it serves before any test starts. */
__attribute__((constructor)) static void serve_when_execed(void)
{
    if (!getenv("TEST_SANDBOX_SERVE"))
        return;
    setenv("TEST_SANDBOX_EXECED", "1", 1);
    sandbox_serve(serve, NULL);
}

static const char *how_started(sandbox_t *box)
{
    static char how[16];
    buf_t out = BUF_INIT;
    char *reason = NULL;
    snprintf(how, sizeof how, "%s",
             sandbox_call(box, "how", 3, 10000, NULL, NULL, &out, &reason) == SANDBOX_DONE
                 ? buf_str(&out) : "failed");
    free(reason);
    buf_free(&out);
    return how;
}

/* With sandbox_exec_replacements, the first child is forked and every
 * replacement (after a crash, a timeout, a memory bound) is the program
 * started afresh, serving the same way; an exec that fails costs the job
 * with a reason that says so, not the worker. */
static void test_exec_replacements(void)
{
    static char *const argv[] = { "test_sandbox", NULL };
    setenv("TEST_SANDBOX_SERVE", "1", 1);   /* for the exec'd copies only: read at start */
    sandbox_t *box = sandbox_new(serve, NULL, 32 << 20);
    sandbox_exec_replacements(box, "/proc/self/exe", argv);
    CHECK_STR(how_started(box), "fork");
    buf_t out = BUF_INIT;
    char *reason = NULL;
    CHECK(sandbox_call(box, "crash", 5, 5000, NULL, NULL, &out, &reason) == SANDBOX_CRASHED);
    free(reason);
    reason = NULL;
    CHECK_STR(how_started(box), "exec");
    buf_reset(&out);
    CHECK(sandbox_call(box, "hello", 5, 10000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK_STR(buf_str(&out), "5:hello");
    CHECK(sandbox_call(box, "hang", 4, 500, NULL, NULL, &out, &reason) == SANDBOX_TIMED_OUT);
    free(reason);
    reason = NULL;
    CHECK_STR(how_started(box), "exec");
    CHECK(sandbox_children(box) == 3);
    sandbox_destroy(&box);

    /* A request written to a child that is already gone fails with EPIPE
     * where the worker runs (signals_install ignores SIGPIPE), as here. */
    signal(SIGPIPE, SIG_IGN);
    box = sandbox_new(serve, NULL, 32 << 20);
    sandbox_exec_replacements(box, "/nonexistent/feedmill", argv);
    CHECK(sandbox_call(box, "crash", 5, 5000, NULL, NULL, &out, &reason) == SANDBOX_CRASHED);
    free(reason);
    reason = NULL;
    CHECK(sandbox_call(box, "hello", 5, 5000, NULL, NULL, &out, &reason) == SANDBOX_CRASHED);
    CHECK_MSG(reason && strstr(reason, "could not start"), reason);
    free(reason);
    sandbox_destroy(&box);
    unsetenv("TEST_SANDBOX_SERVE");
    buf_free(&out);
}

/* sandbox_run: one request, one child. */
static void test_run_answers(void)
{
    buf_t out = BUF_INIT;
    char *reason = NULL;

    CHECK(sandbox_run(answer_hello, "안녕", 5000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK_STR(buf_str(&out), "안녕");
    CHECK(reason == NULL);
    buf_reset(&out);

    CHECK(sandbox_run(answer_big, NULL, 10000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK(out.len == 3000000);
    buf_free(&out);
}

static void test_run_crash(void)
{
    buf_t out = BUF_INIT;
    char *reason = NULL;

    CHECK(sandbox_run(crash, NULL, 5000, NULL, NULL, &out, &reason) == SANDBOX_CRASHED);
    /* SIGSEGV; under AddressSanitizer, which catches it first, SIGABRT or
     * exit status 1 depending on its options. */
    CHECK_MSG(reason && (strstr(reason, "crashed with signal") || strstr(reason, "exited with status")),
              reason);
    free(reason);
    buf_free(&out);
}

static void test_run_time_limit(void)
{
    buf_t out = BUF_INIT;
    char *reason = NULL;

    int idles = 0;
    CHECK(sandbox_run(hang, NULL, 2500, count_idle, &idles, &out, &reason) == SANDBOX_TIMED_OUT);
    CHECK_MSG(idles >= 3, "the parent stays responsive (heartbeats) while the child works");
    free(reason);
    reason = NULL;
    int64_t started = clock_ms();
    CHECK(sandbox_run(hang, NULL, 200, NULL, NULL, &out, &reason) == SANDBOX_TIMED_OUT);
    int64_t took = clock_ms() - started;
    CHECK_MSG(took >= 200 && took < 5000, "the time limit is neither early nor ignored");
    CHECK_MSG(reason && strstr(reason, "time limit of 200 ms"), reason);
    free(reason);
    buf_free(&out);
}

/* A stop request ends the wait long before the time limit: the child
 * is killed, the job left undone, and the next job gets a new child
 * (the stopped one may have half a request in its pipe). */
static void test_stop(void)
{
    sandbox_t *box = sandbox_new(serve, NULL, 0);
    char *reason = NULL;
    CHECK(sandbox_start(box, &reason) == 0 && sandbox_children(box) == 1);
    int first = child_pid_of(box);
    CHECK_MSG(first > 0 && sandbox_children(box) == 1, "sandbox_start started the child");
    buf_t out = BUF_INIT;
    int calls = 0;
    int64_t started = clock_ms();
    CHECK(sandbox_call(box, "hang", 4, 60000, stop_on_second, &calls, &out, &reason)
          == SANDBOX_STOPPED);
    CHECK_MSG(clock_ms() - started < 10000, "the stop ends the wait, not the time limit");
    CHECK_MSG(reason && strstr(reason, "stopped"), reason);
    free(reason);
    reason = NULL;
    CHECK_MSG(kill(first, 0) != 0, "the stopped child is gone");
    buf_reset(&out);
    CHECK(sandbox_call(box, "hello", 5, 5000, NULL, NULL, &out, &reason) == SANDBOX_DONE);
    CHECK_STR(buf_str(&out), "5:hello");
    CHECK(sandbox_children(box) == 2);
    sandbox_destroy(&box);

    /* One child per job: the same. */
    calls = 0;
    buf_reset(&out);
    started = clock_ms();
    CHECK(sandbox_run(hang, NULL, 60000, stop_on_second, &calls, &out, &reason)
          == SANDBOX_STOPPED);
    CHECK_MSG(clock_ms() - started < 10000, "sandbox_run: the stop ends the wait");
    free(reason);
    buf_free(&out);
}

static void test_run_exit_status(void)
{
    buf_t out = BUF_INIT;
    char *reason = NULL;

    CHECK(sandbox_run(bail_out, NULL, 5000, NULL, NULL, &out, &reason) == SANDBOX_CRASHED);
    CHECK_MSG(reason && strstr(reason, "status 7"), reason);
    free(reason);
    buf_free(&out);
}

TESTING_MAIN(
    TEST(test_in_a_row),
    TEST(test_long_lived),
    TEST(test_exec_replacements),
    TEST(test_stop),
    TEST(test_run_answers),
    TEST(test_run_crash),
    TEST(test_run_time_limit),
    TEST(test_run_exit_status))
