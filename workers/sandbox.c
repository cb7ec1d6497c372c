/* sandbox: jobs in child processes with a deadline, one child per job or
 * one long-lived child for many. See sandbox.h. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"

/* The pipes' size: a whole document (most pages) in one write. */
#define SANDBOX_PIPE_BYTES ((size_t)1 << 20)

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

/* Drops the first n bytes, written already, from the *count parts at
 * *v: whole parts first, then the front of the next. */
static void iov_advance(struct iovec **v, int *count, size_t n)
{
    while (*count > 0 && n >= (*v)->iov_len) {
        n -= (*v)->iov_len;
        (*v)++;
        (*count)--;
    }
    if (*count > 0) {
        (*v)->iov_base = (char *)(*v)->iov_base + n;
        (*v)->iov_len -= n;
    }
}

/* The length and the bytes in one writev where the pipe takes them (it
 * is sized for a whole page: start_child), then the rest. */
static void write_framed(int fd, const unsigned char header[8], const char *data, size_t len)
{
    struct iovec iov[2] = { { (void *)header, 8 }, { (void *)data, len } };
    struct iovec *v = iov;
    int count = 2;
    while (count > 0) {
        ssize_t n = writev(fd, v, count);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(3);
        iov_advance(&v, &count, (size_t)n);
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
 * 1 on timeout, 2 when idle asks to stop, -1 on a read error. */
static int read_answer(int fd, int64_t deadline, sandbox_idle_fn idle, void *idle_ctx,
                       buf_t *out)
{
    char chunk[65536];
    for (;;) {
        if (idle && idle(idle_ctx))
            return 2;
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
    if (timed_out > 0)
        kill(pid, SIGKILL);
    int status = 0;
    wait_child(pid, &status);
    if (timed_out == 2) {
        *reason = xstrdup("stopped before the child answered");
        return SANDBOX_STOPPED;
    }
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

/* ---- a long-lived child -------------------------------------------------
 *
 * Framing on both pipes: an 8-byte little-endian length, then the bytes.
 * The child reads a request, serves it, writes the answer, and waits for
 * the next; it exits when the request pipe closes (the worker stopped or
 * died: PR_SET_PDEATHSIG covers a parent killed with -9 too). */

/* A request handed to the child and not answered yet: the caller's
 * bytes (valid until their answer is taken), their length header, and
 * how much of the two is in the pipe already. */
typedef struct job {
    const char *data;
    size_t len;
    unsigned char header[8];
    size_t written;         /* of the 8 + len bytes */
} job_t;

struct sandbox {
    sandbox_serve_fn fn;
    void *ctx;
    size_t max_rss;
    pid_t pid;              /* 0: no child now */
    int to_child, from_child;
    int statm;              /* the child's /proc/PID/statm, read after each job; -1 */
    int gone;               /* writing failed: the child is dead, its answers drain to EOF */
    uint64_t served;        /* jobs served by the current child */
    uint64_t children;
    const char *exec_path;  /* replacements exec this (sandbox_exec_replacements); NULL: fork only */
    char *const *exec_argv;
    /* Requests in the child's pipe, oldest first: the child answers them
     * in this order. The oldest one's time limit runs from first_since,
     * when its answer became the next due (the one before it was taken,
     * or it was sent to an idle child). */
    job_t jobs[SANDBOX_DEPTH];
    unsigned first, count;
    int64_t first_since;
};

sandbox_t *sandbox_new(sandbox_serve_fn fn, void *ctx, size_t max_rss)
{
    sandbox_t *self = xcalloc(1, sizeof(sandbox_t));
    self->fn = fn;
    self->ctx = ctx;
    self->max_rss = max_rss;
    self->to_child = self->from_child = self->statm = -1;
    return self;
}

/* 0 once all len bytes are read, -1 at EOF or on error. */
static int read_full(int fd, void *data, size_t len)
{
    char *p = data;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void put_length(unsigned char header[8], uint64_t len)
{
    for (int i = 0; i < 8; i++)
        header[i] = (unsigned char)(len >> (8 * i));
}

static uint64_t get_length(const unsigned char header[8])
{
    uint64_t len = 0;
    for (int i = 0; i < 8; i++)
        len |= (uint64_t)header[i] << (8 * i);
    return len;
}

/* The child keeps only its pipes and stdio. Copies of the worker's
 * sockets would keep its connections open after the worker closes them
 * (a peer would not see it leave) for as long as the child lives. */
static void close_other_fds(int in, int out)
{
    int lo = in < out ? in : out, hi = in < out ? out : in;
    int ok = (lo <= 3 || close_range(3, (unsigned)lo - 1, 0) == 0)
          && (hi <= lo + 1 || close_range((unsigned)lo + 1, (unsigned)hi - 1, 0) == 0)
          && close_range((unsigned)hi + 1, ~0u, 0) == 0;
    if (ok)
        return;
    /* No close_range (a kernel before 5.9): the slow way. */
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max > 0 ? max : 65536); fd++)
        if (fd != in && fd != out)
            close(fd);
}

__attribute__((noreturn))
static void serve_forever(sandbox_serve_fn fn, void *ctx, int in, int out)
{
    close_other_fds(in, out);
    signal(SIGINT, SIG_IGN);    /* the worker stops us, not the terminal */
    signal(SIGTERM, SIG_IGN);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        _exit(0);               /* the parent died before prctl */
    buf_t answer = BUF_INIT;
    unsigned char header[8];
    while (read_full(in, header, sizeof header) == 0) {
        uint64_t len = get_length(header);
        char *data = xmalloc(len ? len : 1);
        if (read_full(in, data, len) != 0)
            _exit(0);
        buf_reset(&answer);
        fn(ctx, (const uint8_t *)data, len, &answer);
        free(data);
        put_length(header, answer.len);
        write_framed(out, header, answer.data ? answer.data : "", answer.len);
        /* Big buffers go back: the parent judges our size between jobs. */
        if (answer.cap > (1u << 20))
            buf_free(&answer);
    }
    _exit(0);
}

void sandbox_serve(sandbox_serve_fn fn, void *ctx)
{
    serve_forever(fn, ctx, SANDBOX_EXEC_REQUESTS, SANDBOX_EXEC_ANSWERS);
}

/* In a child just forked from a process that may have threads: only
 * async-signal-safe calls until exec (no malloc: a lock another thread
 * held at the fork stays held here). The pipes move to the fds the
 * program expects, by way of fds above both so that neither overwrites
 * the other; dup2 leaves them open across exec, all else is close-on-exec
 * or closed by serve_forever. */
static void exec_child(const char *path, char *const *argv, int in, int out)
{
    int in_high = fcntl(in, F_DUPFD, 10), out_high = fcntl(out, F_DUPFD, 10);
    if (in_high < 0 || out_high < 0
        || dup2(in_high, SANDBOX_EXEC_REQUESTS) < 0 || dup2(out_high, SANDBOX_EXEC_ANSWERS) < 0)
        _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(path, argv);
    _exit(127);
}

static int start_child(sandbox_t *self, char **reason)
{
    int requests[2], answers[2];
    if (pipe2(requests, O_CLOEXEC) != 0) {
        *reason = describe("cannot create a pipe (%d): %s", strerror(errno), errno);
        return -1;
    }
    if (pipe2(answers, O_CLOEXEC) != 0) {
        *reason = describe("cannot create a pipe (%d): %s", strerror(errno), errno);
        close(requests[0]);
        close(requests[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        *reason = describe("cannot fork (%d): %s", strerror(errno), errno);
        close(requests[0]);
        close(requests[1]);
        close(answers[0]);
        close(answers[1]);
        return -1;
    }
    if (pid == 0) {
        if (self->children > 0 && self->exec_path)
            exec_child(self->exec_path, self->exec_argv, requests[0], answers[1]);
        close(requests[1]);
        close(answers[0]);
        serve_forever(self->fn, self->ctx, requests[0], answers[1]);
    }
    close(requests[0]);
    close(answers[1]);
    /* A whole document or answer fits in the pipe (most pages do, in
     * 1 MiB), so each crosses in one write and one read instead of one
     * 64 KiB round trip of both processes after another; and the
     * parent's ends never block: it tries first and polls only when the
     * pipe is full or the answer not there yet (a syscall a step
     * less). A smaller pipe (pipe-max-size) only costs round trips. */
    fcntl(requests[1], F_SETPIPE_SZ, SANDBOX_PIPE_BYTES);
    fcntl(answers[0], F_SETPIPE_SZ, SANDBOX_PIPE_BYTES);
    fcntl(requests[1], F_SETFL, O_NONBLOCK);
    fcntl(answers[0], F_SETFL, O_NONBLOCK);
    self->pid = pid;
    self->to_child = requests[1];
    self->from_child = answers[0];
    /* Kept open: one pread a job instead of an open, a read and a close
     * (syscalls are a worker's main cost beside the extraction). */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    self->statm = self->max_rss ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    self->served = 0;
    self->gone = 0;
    self->children++;
    return 0;
}

/* Ends the current child: kill, reap, and report how it ended in *status. */
static void stop_child(sandbox_t *self, int kill_it, int *status)
{
    if (!self->pid)
        return;
    close(self->to_child);
    close(self->from_child);
    if (self->statm >= 0)
        close(self->statm);
    self->to_child = self->from_child = self->statm = -1;
    if (kill_it)
        kill(self->pid, SIGKILL);
    int st = 0;
    wait_child(self->pid, &st);
    if (status)
        *status = st;
    self->pid = 0;
}

void sandbox_destroy(sandbox_t **self_p)
{
    sandbox_t *self = *self_p;
    if (!self)
        return;
    stop_child(self, 1, NULL);
    free(self);
    *self_p = NULL;
}

uint64_t sandbox_children(const sandbox_t *self)
{
    return self->children;
}

/* Resident memory of the child, from its statm ("size resident ...", in
 * pages); 0 when unknown. */
static size_t child_rss(const sandbox_t *self)
{
    char text[128];
    ssize_t n = self->statm >= 0 ? pread(self->statm, text, sizeof text - 1, 0) : -1;
    if (n <= 0)
        return 0;
    text[n] = '\0';
    char *end;
    strtoul(text, &end, 10);
    unsigned long resident = strtoul(end, &end, 10);
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

void sandbox_exec_replacements(sandbox_t *self, const char *path, char *const *argv)
{
    self->exec_path = path;
    self->exec_argv = argv;
}

int sandbox_start(sandbox_t *self, char **reason)
{
    return self->pid ? 0 : start_child(self, reason);
}

static job_t *job_at(sandbox_t *self, unsigned i)
{
    return &self->jobs[(self->first + i) % SANDBOX_DEPTH];
}

/* Writes what the pipe takes of the requests not yet in it, in order;
 * never waits (the fd does not block). A broken pipe means the child
 * died: its answers are then read to EOF, which says how. */
static void pump(sandbox_t *self)
{
    for (unsigned i = 0; i < self->count && !self->gone; i++) {
        job_t *job = job_at(self, i);
        while (job->written < 8 + job->len) {
            struct iovec iov[2];
            int parts = 0;
            if (job->written < 8)
                iov[parts++] = (struct iovec){ job->header + job->written, 8 - job->written };
            size_t from = job->written > 8 ? job->written - 8 : 0;
            if (job->len > from)
                iov[parts++] = (struct iovec){ (void *)(job->data + from), job->len - from };
            ssize_t n = writev(self->to_child, iov, parts);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN)
                return;   /* the pipe is full: the rest while we wait */
            if (n <= 0) {
                self->gone = 1;
                return;
            }
            job->written += (size_t)n;
        }
    }
}

static int unwritten(sandbox_t *self)
{
    return self->count > 0 && !self->gone
           && job_at(self, self->count - 1)->written < 8 + job_at(self, self->count - 1)->len;
}

/* The oldest request is done with (answered or failed). */
static void drop_first(sandbox_t *self)
{
    self->first = (self->first + 1) % SANDBOX_DEPTH;
    self->count--;
    self->first_since = clock_ms();
}

/* The child ended with requests still in its pipe: they go whole to the
 * next child, uncharged (the job that ended it was charged already). */
static void requeue(sandbox_t *self)
{
    for (unsigned i = 0; i < self->count; i++)
        job_at(self, i)->written = 0;
}

int sandbox_send(sandbox_t *self, const void *request, size_t len, char **reason)
{
    if (self->count == SANDBOX_DEPTH) {
        *reason = xstrdup("the extraction child has too many requests already");
        return -1;
    }
    if (!self->pid && start_child(self, reason) != 0)
        return -1;
    job_t *job = job_at(self, self->count);
    *job = (job_t){ .data = request, .len = len };
    put_length(job->header, len);
    if (self->count++ == 0)
        self->first_since = clock_ms();
    pump(self);
    return 0;
}

unsigned sandbox_pending(const sandbox_t *self)
{
    return self->count;
}

/* Reads the oldest request's answer into out, writing the requests
 * behind it meanwhile, until the deadline. The fds do not block: read
 * first, wait only when nothing is there yet (at most a second, then
 * idle). 0 when answered, 1 on timeout, 2 when idle asks to stop, -1
 * at EOF (the child died), -2 on a read error. */
static int read_answer_of_first(sandbox_t *self, int64_t deadline, sandbox_idle_fn idle,
                                void *idle_ctx, buf_t *out)
{
    unsigned char header[8];
    size_t got = 0;     /* header bytes */
    uint64_t want = 0;  /* answer bytes still to come, once the header is in */
    for (;;) {
        pump(self);
        ssize_t n;
        if (got < sizeof header) {
            n = read(self->from_child, header + got, sizeof header - got);
            if (n > 0 && (got += (size_t)n) == sizeof header && (want = get_length(header)) == 0)
                return 0;
        } else {
            /* A step at a time: the length is the child's word, and
             * memory grows only with bytes that came. */
            size_t step = want < SANDBOX_PIPE_BYTES ? (size_t)want : SANDBOX_PIPE_BYTES;
            buf_reserve(out, step);
            n = read(self->from_child, out->data + out->len, step);
            if (n > 0) {
                out->len += (size_t)n;
                out->data[out->len] = '\0';
                if ((want -= (uint64_t)n) == 0)
                    return 0;
            }
        }
        if (n > 0)
            continue;
        if (n == 0)
            return -1;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return -2;
        int64_t left = deadline - clock_ms();
        if (left <= 0)
            return 1;
        struct pollfd pfd[2] = { { self->from_child, POLLIN, 0 }, { self->to_child, POLLOUT, 0 } };
        int fds = unwritten(self) ? 2 : 1;
        int ready = poll(pfd, (nfds_t)fds, left > 1000 ? 1000 : (int)left);
        int poll_errno = errno;
        if (idle && idle(idle_ctx))
            return 2;
        if (ready < 0 && poll_errno != EINTR)
            return -2;
        if (ready > 0 && fds == 2 && (pfd[1].revents & (POLLERR | POLLHUP)))
            self->gone = 1;
    }
}

sandbox_status_t sandbox_take(sandbox_t *self, int64_t limit_ms, sandbox_idle_fn idle,
                              void *idle_ctx, buf_t *out, char **reason)
{
    if (self->count == 0) {
        *reason = xstrdup("no request is waiting for an answer");
        return SANDBOX_FAILED;
    }
    if (!self->pid && start_child(self, reason) != 0) {
        drop_first(self);
        return SANDBOX_FAILED;
    }
    int rc = read_answer_of_first(self, self->first_since + limit_ms, idle, idle_ctx, out);
    drop_first(self);
    if (rc == 0) {
        self->served++;
        if (self->served >= SANDBOX_MAX_JOBS
            || (self->max_rss && child_rss(self) > self->max_rss)) {
            /* A fresh one from the next job on; a request already in
             * this one's pipe goes to it again. */
            stop_child(self, 1, NULL);
            requeue(self);
        }
        return SANDBOX_DONE;
    }
    /* The child cannot serve another: half a request or half an answer
     * may be in the pipes, or it is dead. The requests behind this one
     * go to the next child. */
    int status = 0;
    stop_child(self, rc != -1, &status);
    requeue(self);
    if (rc == 2) {
        *reason = xstrdup("stopped before the child answered");
        return SANDBOX_STOPPED;
    }
    if (rc == 1) {
        *reason = describe("took longer than the time limit of %d ms%s", "", (int)limit_ms);
        return SANDBOX_TIMED_OUT;
    }
    /* The child died with this job: how it ended is the reason. */
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        *reason = describe("crashed with signal %d (%s)", strsignal(sig), sig);
    } else if (self->children > 1 && self->exec_path
               && (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127)) {
        *reason = describe("could not start the extraction program %2$s (exec: status %1$d)",
                           self->exec_path, WEXITSTATUS(status));
    } else {
        *reason = describe("exited with status %d%s", rc == -2 ? " (pipe read error)" : "",
                           WEXITSTATUS(status));
    }
    return SANDBOX_CRASHED;
}

sandbox_status_t sandbox_call(sandbox_t *self, const void *request, size_t len,
                              int64_t limit_ms, sandbox_idle_fn idle, void *idle_ctx,
                              buf_t *out, char **reason)
{
    if (self->count > 0) {
        *reason = xstrdup("sandbox_call with requests pending: take their answers first");
        return SANDBOX_FAILED;
    }
    if (sandbox_send(self, request, len, reason) != 0)
        return SANDBOX_FAILED;
    return sandbox_take(self, limit_ms, idle, idle_ctx, out, reason);
}
