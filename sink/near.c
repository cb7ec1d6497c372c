/* near: the near-duplicate candidates of a store, kept in memory (see
 * near.h for what and why).
 *
 * Invariants: a bucket holds at most NEAR_CANDIDATES entries, in the
 * order they were placed; a document is in a bucket at most once; the
 * undo log holds every change since the last near_forget(), oldest
 * first, so undoing newest first restores each bucket exactly. */
#include "sink/near.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "extract/simhash.h"

#define BAND_BITS (64 / NEAR_BANDS)
#define BAND_VALUES (1u << BAND_BITS)

_Static_assert(NEAR_BITS < NEAR_BANDS, "the bands find every pair within the bits only below it");
_Static_assert(NEAR_CANDIDATES <= 255, "a bucket's count is a byte");

typedef struct {
    int64_t doc;
    uint64_t simhash;
} entry_t;

typedef struct {
    entry_t *entries;    /* NULL until something is placed */
    uint8_t count, capacity;
} bucket_t;

/* One change: `entry` was placed at `at` (added) or taken from there. */
typedef struct {
    uint32_t bucket;     /* band * BAND_VALUES + value */
    uint8_t at;
    uint8_t added;
    entry_t entry;
} change_t;

struct near {
    bucket_t *buckets;   /* NEAR_BANDS * BAND_VALUES, from the first near_add: 4 MiB
                          * a read-only store (search, stats, run's summary)
                          * never touches, nor frees bucket by bucket */
    change_t *log;
    size_t log_count, log_capacity;
    size_t entries;
    /* The buckets whose entries were allocated: what near_destroy frees.
     * Walking all 262 144 buckets instead cost a sink that stored a few
     * documents 16 ms at exit, on the path of every `run`'s end. */
    uint32_t *used;
    size_t used_count, used_capacity;
};

static uint32_t bucket_of(uint64_t simhash, int band)
{
    uint32_t value = (uint32_t)(simhash >> (BAND_BITS * (NEAR_BANDS - 1 - band)))
                     & (BAND_VALUES - 1);
    return (uint32_t)band * BAND_VALUES + value;
}

near_t *near_new(void)
{
    return xcalloc(1, sizeof(near_t));
}

void near_destroy(near_t **self_p)
{
    near_t *self = *self_p;
    if (!self)
        return;
    for (size_t k = 0; k < self->used_count; k++)
        free(self->buckets[self->used[k]].entries);
    free(self->used);
    free(self->buckets);
    free(self->log);
    free(self);
    *self_p = NULL;
}

static void log_change(near_t *self, uint32_t bucket, uint8_t at, int added, entry_t entry)
{
    if (self->log_count == self->log_capacity) {
        self->log_capacity = self->log_capacity ? self->log_capacity * 2 : 256;
        self->log = xrealloc(self->log, self->log_capacity * sizeof *self->log);
    }
    self->log[self->log_count++] = (change_t){ bucket, at, (uint8_t)added, entry };
}

/* Puts `entry` at position `at` of bucket `b`, moving later ones up.
 * Buckets grow 2, 4, 8, 16: most band values of a small store hold one
 * or two documents. */
static void bucket_insert(near_t *self, uint32_t i, uint8_t at, entry_t entry)
{
    bucket_t *b = &self->buckets[i];
    if (!b->entries) {
        if (self->used_count == self->used_capacity) {
            self->used_capacity = self->used_capacity ? self->used_capacity * 2 : 256;
            self->used = xrealloc(self->used, self->used_capacity * sizeof *self->used);
        }
        self->used[self->used_count++] = i;
    }
    if (b->count == b->capacity) {
        b->capacity = b->capacity ? (uint8_t)(b->capacity * 2) : 2;
        if (b->capacity > NEAR_CANDIDATES)
            b->capacity = NEAR_CANDIDATES;
        b->entries = xrealloc(b->entries, b->capacity * sizeof *b->entries);
    }
    memmove(&b->entries[at + 1], &b->entries[at], (size_t)(b->count - at) * sizeof *b->entries);
    b->entries[at] = entry;
    b->count++;
}

static void bucket_delete(bucket_t *b, uint8_t at)
{
    memmove(&b->entries[at], &b->entries[at + 1],
            (size_t)(b->count - at - 1) * sizeof *b->entries);
    b->count--;
}

void near_add(near_t *self, int64_t doc, uint64_t simhash)
{
    entry_t entry = { doc, simhash };
    if (!self->buckets)
        self->buckets = xcalloc((size_t)NEAR_BANDS * BAND_VALUES, sizeof *self->buckets);
    for (int band = 0; band < NEAR_BANDS; band++) {
        uint32_t i = bucket_of(simhash, band);
        bucket_t *b = &self->buckets[i];
        if (b->count >= NEAR_CANDIDATES)
            continue;
        log_change(self, i, b->count, 1, entry);
        bucket_insert(self, i, b->count, entry);
        self->entries++;
    }
}

void near_remove(near_t *self, int64_t doc, uint64_t simhash)
{
    for (int band = 0; self->buckets && band < NEAR_BANDS; band++) {
        uint32_t i = bucket_of(simhash, band);
        bucket_t *b = &self->buckets[i];
        for (uint8_t at = 0; at < b->count; at++) {
            if (b->entries[at].doc != doc)
                continue;
            log_change(self, i, at, 0, b->entries[at]);
            bucket_delete(b, at);
            self->entries--;
            break;
        }
    }
}

static int match_order(const void *a, const void *b)
{
    const near_match_t *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return (x->doc > y->doc) - (x->doc < y->doc);
}

size_t near_find(const near_t *self, uint64_t simhash, int64_t before,
                 near_match_t out[NEAR_MAX_MATCHES])
{
    size_t n = 0;
    for (int band = 0; self->buckets && band < NEAR_BANDS; band++) {
        const bucket_t *b = &self->buckets[bucket_of(simhash, band)];
        for (uint8_t at = 0; at < b->count; at++) {
            const entry_t *e = &b->entries[at];
            if (e->doc >= before)
                continue;
            int distance = simhash_distance(simhash, e->simhash);
            if (distance > NEAR_BITS)
                continue;
            /* Within the bits, a document shares up to NEAR_BANDS - 1
             * bands with this simhash: keep it once. */
            size_t k = 0;
            while (k < n && out[k].doc != e->doc)
                k++;
            if (k == n)
                out[n++] = (near_match_t){ e->doc, e->simhash, distance };
        }
    }
    qsort(out, n, sizeof *out, match_order);
    return n;
}

size_t near_mark(const near_t *self)
{
    return self->log_count;
}

void near_undo(near_t *self, size_t mark)
{
    while (self->log_count > mark) {
        const change_t *c = &self->log[--self->log_count];
        bucket_t *b = &self->buckets[c->bucket];
        if (c->added) {
            bucket_delete(b, c->at);
            self->entries--;
        } else {
            bucket_insert(self, c->bucket, c->at, c->entry);
            self->entries++;
        }
    }
}

void near_forget(near_t *self)
{
    self->log_count = 0;
    /* A bulk load or a huge batch leaves a big log behind: give it back. */
    if (self->log_capacity > 65536) {
        free(self->log);
        self->log = NULL;
        self->log_capacity = 0;
    }
}

size_t near_entries(const near_t *self)
{
    return self->entries;
}
