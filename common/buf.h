/* buf: a growable byte buffer, always NUL-terminated.
 *
 * The one string builder of the project (extraction, JSON, SQL, logs).
 * A transparent struct on purpose: callers read data/len directly, and a
 * zeroed buf_t (BUF_INIT) is a valid empty buffer. Allocation failure
 * aborts: every caller would otherwise need the same unreachable branch. */
#ifndef FEEDMILL_BUF_H
#define FEEDMILL_BUF_H

#include <stddef.h>
#include <stdarg.h>

typedef struct buf {
    char *data;     /* NULL until the first append; then NUL-terminated */
    size_t len;     /* bytes used, not counting the terminating NUL */
    size_t cap;     /* bytes allocated */
} buf_t;

#define BUF_INIT { NULL, 0, 0 }

void buf_append(buf_t *self, const void *data, size_t len);
/* Room for extra more bytes and the NUL, for a caller that writes into
 * data + len itself (a read()), then adds to len and writes the NUL. */
void buf_reserve(buf_t *self, size_t extra);
void buf_puts(buf_t *self, const char *s);
void buf_putc(buf_t *self, char c);
void buf_printf(buf_t *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *self, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
void buf_put_json_string(buf_t *self, const char *s, size_t len);
void buf_truncate(buf_t *self, size_t len);
void buf_reset(buf_t *self);               /* empty, keeps the memory */
/* Gives the caller the string (never NULL: "" when empty); buf is emptied. */
char *buf_detach(buf_t *self);
void buf_free(buf_t *self);
/* Data as a C string, "" when nothing was appended yet. */
const char *buf_str(const buf_t *self);

/* Allocation helpers that abort on failure (see above). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
