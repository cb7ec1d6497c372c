/* entity_list: entities found by several recognisers, put in document
 * order before they reach the record.
 *
 * Each recogniser (entities.c: money and percent; entities_contact.c:
 * dates, phone numbers, e-mail addresses, URLs; entities_names.c:
 * people, organisations, quotes) scans the body on its own and appends
 * spans with their byte offsets. entity_list_flush sorts them by offset,
 * drops a span that overlaps an earlier one (the first recogniser to
 * claim bytes keeps them: a phone number is not also a date), and hands
 * at most ENTITIES_MAX to the record, each with its start as offset. A
 * span without its own text is body[start..end), so an entity's text is
 * then exactly the bytes of the body at its offset. */
#ifndef FEEDMILL_EXTRACT_ENTITY_LIST_H
#define FEEDMILL_EXTRACT_ENTITY_LIST_H

#include <stddef.h>

#include "proto/record.h"

typedef struct span {
    size_t start, end;      /* bytes of the body */
    const char *type;       /* static: "money", "person", ... */
    double value;
    int has_value;
    char *unit;             /* owned, or NULL */
    char *text;             /* owned; NULL means body[start..end) */
    size_t order;           /* insertion order, to sort stably */
} span_t;

typedef struct entity_list {
    span_t *v;
    size_t n, cap;
} entity_list_t;

#define ENTITY_LIST_INIT { NULL, 0, 0 }

/* Appends a span; unit and text (may be NULL) are copied. Spans past
 * ENTITY_LIST_MAX are ignored: a body that holds that many is a table
 * dump. Returns 1 when stored. */
#define ENTITY_LIST_MAX 4000
int entity_list_add(entity_list_t *self, const char *type, size_t start, size_t end,
                    double value, int has_value, const char *unit, const char *text);

/* Sorts, drops overlaps, adds at most max entities to rec (texts taken
 * from body), and empties the list. */
void entity_list_flush(entity_list_t *self, const char *body, record_t *rec, size_t max);

void entity_list_free(entity_list_t *self);

#endif
