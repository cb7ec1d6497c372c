/* run_child: one component process of `feedmill run` (the sink, a
 * worker, the producer): its command line, how it is started, how its
 * exit is judged (restart with backoff, or give up) and the CPU it used.
 * cli/run.c supervises an array of them. A plain struct, not an opaque
 * one: the supervisor reads its state at every look round. */
#ifndef FEEDMILL_RUN_CHILD_H
#define FEEDMILL_RUN_CHILD_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

typedef struct child {
    const char *name;          /* "sink", "worker 3", "producer" */
    char **argv;               /* NULL-terminated, grows with the PATHs */
    int argc;
    pid_t pid;
    int pidfd;                 /* readable once pid exits (wait_for_exit), or -1 */
    int restarts;              /* consecutive quick deaths, for backoff */
    int64_t started_at;
    int64_t restart_at;        /* 0 = running or finished */
    int finished;              /* exited for good (the producer, at the end) */
    int exit_code;
    int total_restarts;        /* for feedmill_run_restarts_total */
    /* CPU seconds (user + system) of every process that ran as this
     * child, restarts included, with the processes it reaped itself: a
     * worker's extraction children. Known once each has exited. */
    double cpu_seconds;
} child_t;

/* A child to run `feedmill COMMAND`, named name in logs; not started. */
void child_init(child_t *c, const char *name, const char *command);
/* Appends one argument to its command line. */
void child_arg(child_t *c, const char *arg);
/* Frees what child_init and child_arg took (not the process). */
void child_free(child_t *c);
int child_is_producer(const child_t *c);
/* "sink", "worker" or "producer": the label of run's figures. */
const char *child_kind(const child_t *c);
/* Forks and execs exe with its command line. 0, or -1 (logged). */
int child_start(child_t *c, const char *exe);
/* It was reaped: no process now. */
void child_gone(child_t *c);
/* "killed by signal 9 (Killed)", "exited with status 1". */
void child_describe_exit(int status, char *out, size_t size);
/* It exited with status (reaped): finished (the producer), to be
 * restarted with backoff (restart_at), or -1 when the run cannot go on. */
int child_exited(child_t *c, int status);
/* User + system seconds of a rusage. */
double child_cpu_of(const struct rusage *ru);

#endif
