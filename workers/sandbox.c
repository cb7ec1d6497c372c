/* sandbox: one job in a child process with a deadline. See sandbox.h. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"

static char *describe(const char *fmt, const char *detail, int number)
{
    buf_t msg = BUF_INIT;
    buf_printf(&msg, fmt, number, detail);
    return buf_detach(&msg);
}

static void write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(3);
        data += n;
        len -= (size_t)n;
    }
}

/* The child never returns: _exit skips atexit handlers and stdio
 * buffers that belong to the parent. */
static void run_child(sandbox_fn fn, void *ctx, int fd)
{
    buf_t answer = BUF_INIT;
    fn(ctx, &answer);
    write_all(fd, answer.data ? answer.data : "", answer.len);
    _exit(0);
}

/* Reads the child's answer until EOF or the deadline. Returns 0 at EOF,
 * 1 on timeout, -1 on a read error. */
static int read_answer(int fd, int64_t deadline, sandbox_idle_fn idle, void *idle_ctx,
                       buf_t *out)
{
    char chunk[65536];
    for (;;) {
        if (idle)
            idle(idle_ctx);
        int64_t left = deadline - clock_ms();
        if (left <= 0)
            return 1;
        struct pollfd pfd = { fd, POLLIN, 0 };
        int ready = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
        if (ready < 0 && errno != EINTR)
            return -1;
        if (ready <= 0)
            continue;
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n == 0)
            return 0;
        if (n < 0 && errno != EINTR && errno != EAGAIN)
            return -1;
        if (n > 0)
            buf_append(out, chunk, (size_t)n);
    }
}

static pid_t wait_child(pid_t pid, int *status)
{
    pid_t r;
    while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR)
        ;
    return r;
}

sandbox_status_t sandbox_run(sandbox_fn fn, void *ctx, int64_t limit_ms,
                             sandbox_idle_fn idle, void *idle_ctx,
                             buf_t *out, char **reason)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        *reason = describe("cannot create a pipe (%d): %s", strerror(errno), errno);
        return SANDBOX_FAILED;
    }
    pid_t pid = fork();
    if (pid < 0) {
        *reason = describe("cannot fork (%d): %s", strerror(errno), errno);
        close(fds[0]);
        close(fds[1]);
        return SANDBOX_FAILED;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(fn, ctx, fds[1]);
    }
    close(fds[1]);
    int timed_out = read_answer(fds[0], clock_ms() + limit_ms, idle, idle_ctx, out);
    close(fds[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    wait_child(pid, &status);
    if (timed_out == 1) {
        *reason = describe("took longer than the time limit of %d ms%s", "", (int)limit_ms);
        return SANDBOX_TIMED_OUT;
    }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        *reason = describe("crashed with signal %d (%s)", strsignal(sig), sig);
        return SANDBOX_CRASHED;
    }
    if (timed_out < 0 || WEXITSTATUS(status) != 0) {
        *reason = describe("exited with status %d%s", timed_out < 0 ? " (pipe read error)" : "",
                           WEXITSTATUS(status));
        return SANDBOX_CRASHED;
    }
    return SANDBOX_DONE;
}
