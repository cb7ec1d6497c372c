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
/* Runs in the parent at least once a second while it waits (heartbeats). */
typedef void (*sandbox_idle_fn)(void *ctx);

typedef enum {
    SANDBOX_DONE,        /* out holds the child's whole answer */
    SANDBOX_CRASHED,     /* died by a signal or exited non-zero: see reason */
    SANDBOX_TIMED_OUT,   /* killed after limit_ms */
    SANDBOX_FAILED       /* could not start it (fork, pipe): see reason */
} sandbox_status_t;

/* *reason (malloc'd) is set for every status but SANDBOX_DONE. */
sandbox_status_t sandbox_run(sandbox_fn fn, void *ctx, int64_t limit_ms,
                             sandbox_idle_fn idle, void *idle_ctx,
                             buf_t *out, char **reason);

#endif
