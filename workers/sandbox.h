/* sandbox: runs one piece of work in a child process, bounded in time.
 *
 * Extraction parses untrusted bytes with C libraries. Whatever a document
 * does to it (a crash in a parser, an endless loop, a blow-up in memory)
 * must cost that document only, never the worker: so each extraction runs
 * in a forked child that writes its answer to a pipe and exits. The parent
 * waits at most the time limit, then kills it. A fork costs well under a
 * millisecond; extracting a page costs several. */
#ifndef FEEDMILL_SANDBOX_H
#define FEEDMILL_SANDBOX_H

#include <stdint.h>

#include "common/buf.h"

/* Runs in the child; appends its answer to out. */
typedef void (*sandbox_fn)(void *ctx, buf_t *out);
/* Runs in the parent at least once a second while it waits (heartbeats).
 * Non-zero: stop waiting (the caller is asked to stop): the child is
 * killed and the job left undone (SANDBOX_STOPPED). */
typedef int (*sandbox_idle_fn)(void *ctx);

typedef enum {
    SANDBOX_DONE,        /* out holds the child's whole answer */
    SANDBOX_CRASHED,     /* died by a signal or exited non-zero: see reason */
    SANDBOX_TIMED_OUT,   /* killed after limit_ms */
    SANDBOX_FAILED,      /* could not start it (fork, pipe): see reason */
    SANDBOX_STOPPED      /* idle asked to stop: the child was killed, the job not done */
} sandbox_status_t;

/* One job in a child of its own. *reason (malloc'd) is set for every
 * status but SANDBOX_DONE. */
sandbox_status_t sandbox_run(sandbox_fn fn, void *ctx, int64_t limit_ms,
                             sandbox_idle_fn idle, void *idle_ctx,
                             buf_t *out, char **reason);

/* ---- a long-lived child for many jobs ------------------------------------
 *
 * A fork per job costs the kernel more than a small document costs to
 * extract (page tables, exit, faults). So the worker keeps one child that
 * serves job after job over a pair of pipes, and replaces it only when it
 * must: it crashed (the job that killed it is reported, as before), it
 * outran the time limit (killed), or it grew past max_rss bytes of
 * resident memory, or served SANDBOX_MAX_JOBS jobs (a slow leak or heap
 * fragmentation in a parser never accumulates). Isolation is unchanged:
 * no job runs in the caller's process, and a poison job costs one child. */

enum { SANDBOX_MAX_JOBS = 10000 };

/* Runs in the child: answers one request. */
typedef void (*sandbox_serve_fn)(void *ctx, const uint8_t *request, size_t len, buf_t *out);

typedef struct sandbox sandbox_t;

/* The child is started at the first call, or by sandbox_start. */
sandbox_t *sandbox_new(sandbox_serve_fn fn, void *ctx, size_t max_rss);
/* Starts the child now. A caller that will have threads (ZeroMQ's) starts
 * it before them: a fork copies only the calling thread, and a lock
 * another thread held at that moment stays locked in the child forever.
 * glibc's malloc takes its own locks around fork(2); AddressSanitizer's
 * allocator, in the gcc 12 runtime, does not, and a child forked while a
 * ZeroMQ thread allocated hung at its first malloc (issue 15's worker
 * that did not stop). A child replaced later (a crash, a timeout, too
 * big) is forked from the threaded process: see
 * sandbox_exec_replacements. 0, or -1 with *reason (malloc'd). */
int sandbox_start(sandbox_t *self, char **reason);

/* Replacements are then a new program, not a copy of the caller: forked
 * and at once exec'd, path with argv (both kept, not copied: they must
 * outlive the sandbox), a program that calls sandbox_serve with the same
 * fn. A fork-only replacement copies a process whose other threads may
 * hold locks (see sandbox_start); exec makes a fresh one, at the cost
 * of a program start (tens of milliseconds) when a child crashed, outran
 * its limit, grew too big or served SANDBOX_MAX_JOBS jobs. */
void sandbox_exec_replacements(sandbox_t *self, const char *path, char *const *argv);

/* What an exec'd child runs: serves requests from fd 3 and answers on fd
 * 4 with fn, as a forked child does, until its parent closes them. Never
 * returns. */
enum { SANDBOX_EXEC_REQUESTS = 3, SANDBOX_EXEC_ANSWERS = 4 };
void sandbox_serve(sandbox_serve_fn fn, void *ctx) __attribute__((noreturn));
/* Stops the child. */
void sandbox_destroy(sandbox_t **self);

/* Hands request to the child and waits up to limit_ms for its answer,
 * calling idle at least once a second meanwhile. Statuses as above.
 * Only with no request pending (sandbox_send). */
sandbox_status_t sandbox_call(sandbox_t *self, const void *request, size_t len,
                              int64_t limit_ms, sandbox_idle_fn idle, void *idle_ctx,
                              buf_t *out, char **reason);

/* ---- requests in a row ----------------------------------------------------
 *
 * A child that finishes a job and finds the next one already in its pipe
 * goes on at once; one that must wait sleeps until its parent has sent
 * the answer on and fetched the next document, and on busy cores its
 * place goes meanwhile to another process (a switch of address space,
 * costly in a virtual machine, and caches refilled). So a caller may
 * hand over up to SANDBOX_DEPTH requests before taking the first answer:
 * `feedmill run` over Korean texts used 8% less CPU with two than with
 * one (medians of five alternating runs), and with eight than with two
 * 6% less again and 30% fewer context switches (6000 texts: 28,900 ->
 * 20,700 in the whole machine; medians of seven alternating runs: 2.49
 * -> 2.33 s); web pages, whose extraction dwarfs the handoff, 3% less.
 * Answers come in the order of the requests, and each has
 * the whole time limit, counted from when it became the next due. A
 * child that dies or outruns the limit is charged to the oldest request
 * only: the ones behind it go, whole and uncharged, to the next child. */

enum { SANDBOX_DEPTH = 8 };

/* Queues request for the child (started if need be) and writes what the
 * pipe takes. The bytes are the caller's, not copied: they must stay
 * valid until their answer is taken. 0, or -1 with *reason (malloc'd)
 * when no child could be started or SANDBOX_DEPTH are pending. */
int sandbox_send(sandbox_t *self, const void *request, size_t len, char **reason);
/* (A request may be written to a child that just died: the caller
 * ignores SIGPIPE, as the worker does, and gets EPIPE instead.) */
/* The answer of the oldest pending request, waiting up to limit_ms;
 * statuses as sandbox_call's, each about that request only. After
 * SANDBOX_STOPPED the others stay pending (they go to a new child if
 * taken). */
sandbox_status_t sandbox_take(sandbox_t *self, int64_t limit_ms, sandbox_idle_fn idle,
                              void *idle_ctx, buf_t *out, char **reason);
/* Requests sent and not taken. */
unsigned sandbox_pending(const sandbox_t *self);

/* Children started so far (the first counts): 1 while none had to be
 * replaced. */
uint64_t sandbox_children(const sandbox_t *self);

#endif
