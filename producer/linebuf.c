/* linebuf: cuts a byte stream into lines. See lines.h. */
#include "linebuf.h"

#include <string.h>

/* A buffer that held one very long line gives its memory back, so one
 * big document does not pin hundreds of MiB for the rest of a feed. */
enum { KEEP_BYTES = 1 << 20 };

static void clear_pending(linebuf_t *self)
{
    if (self->pending.cap > KEEP_BYTES)
        buf_free(&self->pending);
    else
        buf_reset(&self->pending);
    self->discarding = 0;
}

size_t linebuf_feed(linebuf_t *self, const char *bytes, size_t len, linebuf_fn *fn, void *ctx)
{
    const char *p = bytes, *end = bytes + len;
    size_t complete = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t part = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (!self->discarding && self->pending.len + part > LINEBUF_MAX) {
            self->discarding = 1;
            buf_free(&self->pending);
        }
        if (!nl) {
            if (!self->discarding)
                buf_append(&self->pending, p, part);
            break;
        }
        if (self->discarding) {
            fn(ctx, "", 0, LINEBUF_TOO_LONG);
        } else if (self->pending.len) {
            buf_append(&self->pending, p, part);
            fn(ctx, self->pending.data, self->pending.len, NULL);
        } else {
            fn(ctx, p, part, NULL);   /* the common case: no copy */
        }
        clear_pending(self);
        p = nl + 1;
        complete = (size_t)(p - bytes);
    }
    return complete;
}

void linebuf_finish(linebuf_t *self, linebuf_fn *fn, void *ctx)
{
    if (self->discarding)
        fn(ctx, "", 0, LINEBUF_TOO_LONG);
    else if (self->pending.len)
        fn(ctx, self->pending.data, self->pending.len, NULL);
    clear_pending(self);
    buf_free(&self->pending);
}

int linebuf_partial(const linebuf_t *self)
{
    return self->pending.len > 0 || self->discarding;
}

void linebuf_reset(linebuf_t *self)
{
    clear_pending(self);
}

void linebuf_free(linebuf_t *self)
{
    buf_free(&self->pending);
    self->discarding = 0;
}
