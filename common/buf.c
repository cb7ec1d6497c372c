/* buf: growable NUL-terminated byte buffer. See buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "feedmill: out of memory allocating %zu bytes\n", n);
        abort();
    }
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "feedmill: out of memory allocating %zu x %zu bytes\n", n, size);
        abort();
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "feedmill: out of memory reallocating %zu bytes\n", n);
        abort();
    }
    return q;
}

/* As strndup: at most n bytes, fewer when s ends sooner. */
char *xstrndup(const char *s, size_t n)
{
    n = strnlen(s, n);
    char *copy = xmalloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

void buf_reserve(buf_t *self, size_t extra)
{
    size_t need = self->len + extra + 1;
    if (need <= self->cap)
        return;
    size_t cap = self->cap ? self->cap : 64;
    while (cap < need)
        cap *= 2;
    self->data = xrealloc(self->data, cap);
    self->cap = cap;
}

void buf_append(buf_t *self, const void *data, size_t len)
{
    buf_reserve(self, len);
    if (len)
        memcpy(self->data + self->len, data, len);
    self->len += len;
    self->data[self->len] = '\0';
}

void buf_puts(buf_t *self, const char *s)
{
    buf_append(self, s, strlen(s));
}

void buf_putc(buf_t *self, char c)
{
    buf_append(self, &c, 1);
}

void buf_vprintf(buf_t *self, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    buf_reserve(self, (size_t)n);
    vsnprintf(self->data + self->len, (size_t)n + 1, fmt, ap);
    self->len += (size_t)n;
}

void buf_printf(buf_t *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(self, fmt, ap);
    va_end(ap);
}

/* Control characters are escaped; bytes >= 0x80 pass through, so valid
 * UTF-8 stays readable. Callers hand us UTF-8 (extraction guarantees it). */
void buf_put_json_string(buf_t *self, const char *s, size_t len)
{
    buf_putc(self, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':  buf_puts(self, "\\\""); break;
        case '\\': buf_puts(self, "\\\\"); break;
        case '\n': buf_puts(self, "\\n"); break;
        case '\r': buf_puts(self, "\\r"); break;
        case '\t': buf_puts(self, "\\t"); break;
        case '\b': buf_puts(self, "\\b"); break;
        case '\f': buf_puts(self, "\\f"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                buf_printf(self, "\\u%04x", c);
            else
                buf_putc(self, (char)c);
        }
    }
    buf_putc(self, '"');
}

void buf_truncate(buf_t *self, size_t len)
{
    if (len < self->len) {
        self->len = len;
        self->data[len] = '\0';
    }
}

void buf_reset(buf_t *self)
{
    buf_truncate(self, 0);
}

char *buf_detach(buf_t *self)
{
    char *s = self->data ? self->data : xstrdup("");
    self->data = NULL;
    self->len = self->cap = 0;
    return s;
}

void buf_free(buf_t *self)
{
    free(self->data);
    self->data = NULL;
    self->len = self->cap = 0;
}

const char *buf_str(const buf_t *self)
{
    return self->data ? self->data : "";
}
