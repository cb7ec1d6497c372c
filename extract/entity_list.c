/* entity_list: spans from every recogniser, in document order. See
 * entity_list.h. */
#include "entity_list.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

int entity_list_add(entity_list_t *self, const char *type, size_t start, size_t end,
                    double value, int has_value, const char *unit, const char *text)
{
    if (self->n >= ENTITY_LIST_MAX || end <= start)
        return 0;
    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 16;
        self->v = xrealloc(self->v, self->cap * sizeof(span_t));
    }
    self->v[self->n] = (span_t){ start, end, type, value, has_value,
                                 unit ? xstrdup(unit) : NULL, text ? xstrdup(text) : NULL,
                                 self->n };
    self->n++;
    return 1;
}

/* By start, then by insertion: of two spans at one offset, the one a
 * recogniser earlier in entities_add found first wins. */
static int by_start(const void *a, const void *b)
{
    const span_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

void entity_list_flush(entity_list_t *self, const char *body, record_t *rec, size_t max)
{
    if (self->n > 1)                     /* qsort's array may not be NULL */
        qsort(self->v, self->n, sizeof(span_t), by_start);
    size_t claimed = 0, added = 0;      /* claimed: end of the last kept span */
    buf_t text = BUF_INIT;
    for (size_t i = 0; i < self->n; i++) {
        span_t *s = &self->v[i];
        /* Quotes hold other entities (the people and sums they name). */
        int nests = strcmp(s->type, "quote") == 0;
        if (added >= max || (!nests && s->start < claimed))
            continue;
        buf_reset(&text);
        if (s->text)
            buf_puts(&text, s->text);
        else
            buf_append(&text, body + s->start, s->end - s->start);
        entity_t *e = record_add_entity(rec, s->type, buf_str(&text), s->value,
                                        s->has_value, s->unit);
        e->offset = s->start;
        e->has_offset = 1;
        added++;
        if (!nests)
            claimed = s->end;
    }
    buf_free(&text);
    entity_list_free(self);
}

void entity_list_free(entity_list_t *self)
{
    for (size_t i = 0; i < self->n; i++) {
        free(self->v[i].unit);
        free(self->v[i].text);
    }
    free(self->v);
    self->v = NULL;
    self->n = self->cap = 0;
}
