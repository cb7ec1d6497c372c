/* lines: the paragraph list. See lines.h. */
#include "lines.h"

#include <stdlib.h>

#include "utf8.h"

void lines_push(lines_t *self, const char *s, size_t len, int heading,
                int list_item)
{
    if (len == 0)
        return;
    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 32;
        self->v = xrealloc(self->v, self->cap * sizeof(line_t));
    }
    line_t *l = &self->v[self->n++];
    l->text = xstrndup(s, len);
    l->len = len;
    l->width = utf8_width_upto(s, len, LINE_WIDTH_EXACT);
    l->heading = heading;
    l->list_item = list_item;
    l->drop = 0;
}

void lines_free(lines_t *self)
{
    for (size_t i = 0; i < self->n; i++)
        free(self->v[i].text);
    free(self->v);
    self->v = NULL;
    self->n = self->cap = 0;
}

void lines_join(const lines_t *self, buf_t *out)
{
    int first = 1;
    for (size_t i = 0; i < self->n; i++) {
        if (self->v[i].drop)
            continue;
        if (!first)
            buf_append(out, "\n\n", 2);
        buf_append(out, self->v[i].text, self->v[i].len);
        first = 0;
    }
}

size_t lines_next_kept(const lines_t *self, size_t i, int dir)
{
    while (dir > 0 ? i + 1 < self->n : i > 0) {
        i = dir > 0 ? i + 1 : i - 1;
        if (!self->v[i].drop)
            return i;
    }
    return (size_t)-1;
}
