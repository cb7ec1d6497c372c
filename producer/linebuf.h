/* linebuf: cuts a byte stream into lines, for the JSON-lines feeds
 * (standard input, followed files).
 *
 * Bytes come in chunks that end anywhere; a line is handed over only when
 * its newline has arrived, so a writer caught mid-line is never read as a
 * short document. A line longer than LINEBUF_MAX is not kept in memory: it
 * is counted, and handed over empty with a reason, so it still becomes a
 * dead letter that names it. */
#ifndef FEEDMILL_LINEBUF_H
#define FEEDMILL_LINEBUF_H

#include <stddef.h>

#include "common/buf.h"
#include "proto/message.h"

/* A JSON line holds at most a 64 MiB document, escaped: 3x. */
#define LINEBUF_MAX (3 * (size_t)MESSAGE_MAX_BODY)
#define LINEBUF_TOO_LONG "line longer than the 192 MiB a JSON line may take"

typedef struct linebuf {
    buf_t pending;          /* the start of the line not yet complete */
    int discarding;         /* inside a line too long to keep */
} linebuf_t;

#define LINEBUF_INIT { BUF_INIT, 0 }

/* Called with each complete line, without its newline; too_long is NULL
 * or the reason the line was not kept (then len is 0). */
typedef void linebuf_fn(void *ctx, const char *line, size_t len, const char *too_long);

/* Appends bytes; calls fn for every line they complete. Returns how many
 * of the bytes belong to complete lines (up to and including the last
 * newline); the rest waits in self. */
size_t linebuf_feed(linebuf_t *self, const char *bytes, size_t len, linebuf_fn *fn, void *ctx);
/* The end of the stream: an unfinished last line counts as a line. */
void linebuf_finish(linebuf_t *self, linebuf_fn *fn, void *ctx);
/* 1 when part of a line waits for its newline. */
int linebuf_partial(const linebuf_t *self);
/* Forgets the unfinished line (the stream was truncated or replaced). */
void linebuf_reset(linebuf_t *self);
void linebuf_free(linebuf_t *self);

#endif
