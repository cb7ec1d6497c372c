/* near: the near-duplicate candidates of a store, kept in memory.
 *
 * A simhash splits into NEAR_BANDS bands of 16 bits; two simhashes within
 * NEAR_BITS (3) differing bits are equal in at least one band
 * (pigeonhole). Each band value keeps a bucket of up to NEAR_CANDIDATES
 * documents, the first ones placed there: the candidates a new document
 * is compared with. A wire story copied thousands of times fills its
 * buckets once, and each further copy still compares with at most
 * NEAR_BANDS * NEAR_CANDIDATES documents.
 *
 * The store keeps the documents' simhashes in a rowid table and rebuilds
 * this index from it when it opens; here nothing is written to disk,
 * which is the point: schema 3 wrote four band rows into three B-trees
 * per document, most of the sink's time after full-text indexing.
 *
 * Memory is bounded whatever the feed: 4 x 65,536 buckets of at most 16
 * entries of 16 bytes, 64 MiB once every bucket is full (about a million
 * documents), a few MiB before.
 *
 * Changes are undoable, for the transactions behind them: near_mark()
 * names a point, near_undo() takes the index back to it (a rolled-back
 * transaction or savepoint), near_forget() drops the history (a commit). */
#ifndef FEEDMILL_SINK_NEAR_H
#define FEEDMILL_SINK_NEAR_H

#include <stddef.h>
#include <stdint.h>

#define NEAR_BITS 3
#define NEAR_BANDS 4
#define NEAR_CANDIDATES 16
/* The most candidates one simhash can have: every band's bucket full. */
#define NEAR_MAX_MATCHES (NEAR_BANDS * NEAR_CANDIDATES)

typedef struct near near_t;

/* A stored document within NEAR_BITS of a simhash. */
typedef struct {
    int64_t doc;         /* documents.rowid */
    uint64_t simhash;
    int distance;        /* differing bits, 0..NEAR_BITS */
} near_match_t;

near_t *near_new(void);
void near_destroy(near_t **self_p);

/* Places `doc` in the bucket of each of its bands that has room. */
void near_add(near_t *self, int64_t doc, uint64_t simhash);
/* Takes `doc` out of every bucket it is in (its simhash names them);
 * later documents of a full bucket do not move up. */
void near_remove(near_t *self, int64_t doc, uint64_t simhash);

/* The candidates of `simhash` within NEAR_BITS, each document once,
 * earlier than `before` (a rowid; INT64_MAX for any), nearest first and
 * the earliest among equals. Fills out[] (NEAR_MAX_MATCHES fit) and
 * returns how many. */
size_t near_find(const near_t *self, uint64_t simhash, int64_t before,
                 near_match_t out[NEAR_MAX_MATCHES]);

size_t near_mark(const near_t *self);
void near_undo(near_t *self, size_t mark);
void near_forget(near_t *self);

/* Entries held (a document counts once per band it is placed in). */
size_t near_entries(const near_t *self);

#endif
