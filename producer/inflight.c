/* inflight: the producer's table of unacknowledged documents. See inflight.h. */
#include "inflight.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"

/* items[] keeps the entries in the order they were read (resends and
 * status lines walk it); index[] finds one by id: open addressing over
 * a power of two of slots, linear probing, removed entries left as
 * GONE so that probes for others pass over them. Ids are unique in the
 * table (both callers look an id up before adding it). At 6000 texts
 * with two workers, scanning items[] with strcmp for each document read
 * and each ACK was 5% of the producer's CPU with 60 entries; a rack of
 * workers keeps thousands in flight. */
#define GONE ((pending_t *)&gone_marker)
static const char gone_marker;

struct inflight {
    pending_t **items;
    size_t count;
    size_t cap;
    pending_t **index;    /* slots: NULL (never used), GONE or an entry */
    size_t slots;         /* a power of two, 0 before the first add */
    size_t taken;         /* slots not NULL: entries and GONE */
    size_t bytes;
    size_t more;          /* further sources over all entries */
    uint64_t added_bytes;
};

inflight_t *inflight_new(void)
{
    return xcalloc(1, sizeof(inflight_t));
}

/* The id's first 16 characters: ids are SHA-256 in hex, as good as
 * random already. */
static size_t id_hash(const char *id)
{
    return (size_t)hash_fnv1a(HASH_FNV_BASIS, id, strnlen(id, 16));
}

/* The slot holding id, or the NULL slot where a probe for it ends. */
static pending_t **slot_of(const inflight_t *self, const char *id)
{
    size_t mask = self->slots - 1;
    for (size_t i = id_hash(id) & mask;; i = (i + 1) & mask) {
        pending_t **slot = &self->index[i];
        if (!*slot || (*slot != GONE && !strcmp((*slot)->id, id)))
            return slot;
    }
}

/* Room for one more, and never more than three quarters of the slots
 * taken (GONE included), so that every probe ends at a NULL: the index
 * is rebuilt from items[] when that would be passed. */
static void index_reserve(inflight_t *self)
{
    if (self->slots && (self->taken + 1) * 4 <= self->slots * 3)
        return;
    size_t slots = 16;
    while ((self->count + 1) * 2 > slots)
        slots *= 2;
    free(self->index);
    self->index = xcalloc(slots, sizeof(pending_t *));
    self->slots = slots;
    self->taken = 0;
    for (size_t i = 0; i < self->count; i++) {
        *slot_of(self, self->items[i]->id) = self->items[i];
        self->taken++;
    }
}

static void pending_free(pending_t *entry)
{
    free(entry->source);
    free(entry->body);
    free(entry->error);
    doc_hints_clear(&entry->hints);
    free(entry->last_failure);
    for (size_t i = 0; i < entry->more_count; i++)
        free(entry->more[i]);
    free(entry->more);
    free(entry);
}

void inflight_destroy(inflight_t **self_p)
{
    inflight_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->count; i++)
        pending_free(self->items[i]);
    free(self->items);
    free(self->index);
    free(self);
    *self_p = NULL;
}

size_t inflight_count(const inflight_t *self)
{
    return self->count;
}

size_t inflight_bytes(const inflight_t *self)
{
    return self->bytes;
}

pending_t *inflight_at(inflight_t *self, size_t index)
{
    return index < self->count ? self->items[index] : NULL;
}

pending_t *inflight_find(inflight_t *self, const char *id)
{
    return self->slots ? *slot_of(self, id) : NULL;
}

pending_t *inflight_add(inflight_t *self, const char *id, const char *source,
                        uint8_t *body, size_t len, char *error)
{
    if (self->count == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 16;
        self->items = xrealloc(self->items, self->cap * sizeof(pending_t *));
    }
    pending_t *entry = xcalloc(1, sizeof(pending_t));
    memcpy(entry->id, id, DOC_ID_LEN + 1);
    entry->source = xstrdup(source);
    entry->body = body;
    entry->len = len;
    entry->error = error;
    entry->added_at = clock_ms();
    self->items[self->count++] = entry;
    index_reserve(self);
    pending_t **slot = slot_of(self, entry->id);
    if (!*slot)
        self->taken++;
    *slot = entry;
    self->bytes += len;
    self->added_bytes += len;
    return entry;
}

void inflight_remove(inflight_t *self, pending_t *entry)
{
    for (size_t i = 0; i < self->count; i++) {
        if (self->items[i] != entry)
            continue;
        memmove(&self->items[i], &self->items[i + 1],
                (self->count - i - 1) * sizeof(pending_t *));
        self->count--;
        pending_t **slot = slot_of(self, entry->id);
        if (*slot == entry)
            *slot = GONE;
        self->bytes -= entry->len;
        self->more -= entry->more_count;
        pending_free(entry);
        return;
    }
}

void inflight_add_source(inflight_t *self, pending_t *entry, const char *source)
{
    entry->more = xrealloc(entry->more, (entry->more_count + 1) * sizeof *entry->more);
    entry->more[entry->more_count++] = xstrdup(source);
    self->more++;
}

void inflight_drop_sources(inflight_t *self, pending_t *entry, size_t n)
{
    if (n > entry->more_count)
        n = entry->more_count;
    for (size_t i = 0; i < n; i++)
        free(entry->more[i]);
    memmove(entry->more, entry->more + n, (entry->more_count - n) * sizeof *entry->more);
    entry->more_count -= n;
    entry->more_sent = entry->more_sent > n ? entry->more_sent - n : 0;
    self->more -= n;
}

size_t inflight_more_count(const inflight_t *self)
{
    return self->more;
}

int64_t inflight_next_deadline(const inflight_t *self)
{
    int64_t next = 0;
    for (size_t i = 0; i < self->count; i++) {
        int64_t d = self->items[i]->deadline;
        if (d && (!next || d < next))
            next = d;
    }
    return next;
}

uint64_t inflight_added_bytes(const inflight_t *self)
{
    return self->added_bytes;
}

int64_t inflight_oldest(const inflight_t *self)
{
    int64_t oldest = 0;
    for (size_t i = 0; i < self->count; i++)
        if (!oldest || self->items[i]->added_at < oldest)
            oldest = self->items[i]->added_at;
    return oldest;
}
