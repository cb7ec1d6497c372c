/* worker: `feedmill worker` extracts a record from each document the
 * producer deals, in a sandboxed child. Its socket diagram opens
 * workers/worker.c. */
#ifndef FEEDMILL_WORKERS_WORKER_H
#define FEEDMILL_WORKERS_WORKER_H

/* argv[0] is "worker"; returns the process exit status (--help says which). */
int worker_main(int argc, char **argv);

/* `feedmill extraction-child`: not for people. A worker starts it to
 * replace an extraction child (workers/sandbox.h,
 * sandbox_exec_replacements): it serves documents on fds 3 and 4 and
 * exits when the worker closes them. Never returns. */
int worker_child_main(int argc, char **argv) __attribute__((noreturn));

#endif
