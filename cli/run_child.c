/* run_child: one component process of `feedmill run`. See run_child.h. */
#include "cli/run_child.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"

void child_init(child_t *c, const char *name, const char *command)
{
    memset(c, 0, sizeof *c);
    c->pidfd = -1;
    c->name = xstrdup(name);
    child_arg(c, "feedmill");
    child_arg(c, command);
}

void child_arg(child_t *c, const char *arg)
{
    c->argv = xrealloc(c->argv, (size_t)(c->argc + 2) * sizeof(char *));
    c->argv[c->argc++] = xstrdup(arg);
    c->argv[c->argc] = NULL;
}

void child_free(child_t *c)
{
    if (c->pidfd >= 0)
        close(c->pidfd);
    for (int a = 0; a < c->argc; a++)
        free(c->argv[a]);
    free(c->argv);
    free((char *)c->name);
}

int child_is_producer(const child_t *c)
{
    return !strcmp(c->argv[1], "producer");
}

const char *child_kind(const child_t *c)
{
    return c->argv[1];
}

int child_start(child_t *c, const char *exe)
{
    /* SIGINT and SIGTERM stay blocked in the child until its own handler
     * is installed (common/signals.h): a stop that comes while it starts
     * waits for it, and is neither lost nor fatal. */
    sigset_t saved;
    signals_hold(&saved);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        signals_release(&saved);
    if (pid < 0) {
        log_error("cannot start child=%s error=%s", log_q(c->name), log_q(strerror(errno)));
        return -1;
    }
    if (pid == 0) {
        /* Children die with the supervisor, even on kill -9, and hear
         * signals only from it: a terminal's Ctrl-C reaches the
         * supervisor alone, which then stops each child exactly once. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);   /* the supervisor died before prctl */
        setpgid(0, 0);
        /* The sink is the one writer: for cheap documents (texts) it is
         * the pipeline's limit, and every moment it waits for a core
         * behind a worker's extraction is lost for good. The workers
         * (their extraction children inherit it) and the producer run as
         * SCHED_BATCH: the same share of the machine, but a sink woken
         * by results is not kept waiting behind them. 6000 texts, 2
         * workers: 4.40 -> 4.19 s (medians of 5, alternating); web
         * pages, limited by extraction, unchanged. */
        if (strcmp(child_kind(c), "sink") != 0) {
            struct sched_param batch = { 0 };
            sched_setscheduler(0, SCHED_BATCH, &batch);   /* a hint: failing costs nothing */
        }
        /* stdout is run's own (its summary); the producer's figures come
         * through --summary-file. */
        int null = child_is_producer(c) ? open("/dev/null", O_WRONLY) : -1;
        if (null >= 0 && dup2(null, STDOUT_FILENO) >= 0)
            close(null);
        execv(exe, c->argv);
        fprintf(stderr, "feedmill run: cannot exec %s: %s\n", exe, strerror(errno));
        _exit(127);
    }
    c->pid = pid;
    c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);   /* -1 on kernels before 5.3 */
    c->started_at = clock_ms();
    c->restart_at = 0;
    log_debug("started child=%s pid=%d", log_q(c->name), (int)pid);
    return 0;
}

/* The child was reaped. */
void child_gone(child_t *c)
{
    c->pid = 0;
    if (c->pidfd >= 0)
        close(c->pidfd);
    c->pidfd = -1;
}

void child_describe_exit(int status, char *out, size_t size)
{
    if (WIFSIGNALED(status))
        snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(out, size, "exited with status %d", WEXITSTATUS(status));
}

int child_exited(child_t *c, int status)
{
    char how[96];
    child_describe_exit(status, how, sizeof how);
    child_gone(c);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (child_is_producer(c) && (code == 0 || code == 3 || code == 4)) {
        c->finished = 1;
        c->exit_code = code;
        return 0;
    }
    if (code == 1 || code == 2 || code == 127) {
        log_error("child failed, not restarting child=%s reason=%s", log_q(c->name), log_q(how));
        return -1;
    }
    /* Backoff doubles with each quick death, so a child that cannot live
     * does not spin; one that ran a while starts over at 100 ms. */
    if (clock_ms() - c->started_at > 10000)
        c->restarts = 0;
    int64_t delay = 100LL << (c->restarts < 6 ? c->restarts : 6);
    if (delay > 5000)
        delay = 5000;
    c->restarts++;
    c->total_restarts++;
    c->restart_at = clock_ms() + delay;
    log_warn("child died, restarting child=%s reason=%s restart_in_ms=%lld restarts=%d",
             log_q(c->name), log_q(how), (long long)delay, c->restarts);
    return 0;
}

double child_cpu_of(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6
         + (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

