/* store: the SQLite database the sink writes and `search`/`stats` read.
 *
 * Owns the schema (versioned with PRAGMA user_version, migrated forward
 * on open), the idempotent upsert of records, dead letters, full-text
 * search and summary counts. WAL mode: readers never block the writer.
 *
 * Invariant: a document id is in at most one of documents and
 * dead_letters. A success after earlier failures removes the dead letter;
 * a failure reported for an id already stored is ignored.
 *
 * Errors: every method that can fail takes a last `char **error`. On
 * failure (-1, or STORE_ERROR) *error is the reason, malloc'd, which the
 * caller frees; after a success it is NULL, and nothing was allocated.
 * error may be NULL when the caller only needs to know that it failed.
 * store_fault() is not a second channel for the reason: it says what
 * kind of fault the connection met last (its disk's state), which the
 * sink needs to choose between holding a batch and dead-lettering. */
#ifndef FEEDMILL_STORE_H
#define FEEDMILL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "proto/record.h"
#include "common/version.h"
#include "sink/near.h"

/* The number lives in common/version.h, with the others. */
#define STORE_SCHEMA_VERSION FEEDMILL_SCHEMA_VERSION

/* Near-duplicates: a new document is linked to the stored one whose
 * simhash differs from its own in the fewest bits, at most this many
 * (the earliest stored among equals), or to none. Candidates are found
 * by exact band of STORE_SIMHASH_BANDS (sink/near.h), which finds every
 * pair only below that many bits. */
#define STORE_NEAR_DUPLICATE_BITS NEAR_BITS
#define STORE_SIMHASH_BANDS NEAR_BANDS
/* A document is compared with at most this many documents per band: the
 * first ones stored with that band value. Thousands of copies of one
 * story share their bands; without the bound each new copy would be
 * compared with all of them, and the sink would slow with the feed. A
 * copy still finds one of the first ones, all within reach. Unrelated
 * documents share a band value by chance once a store holds about a
 * million: beyond that, a full bucket can hide a near-duplicate that
 * shares only that band. */
#define STORE_NEAR_CANDIDATES NEAR_CANDIDATES

typedef struct store store_t;

typedef enum {
    STORE_READWRITE = 0,   /* create if missing, migrate */
    STORE_READONLY = 1,    /* must exist and be at the current version */
    /* Write, migrate, but never create: the sink opening its database
     * again after a fault. A filesystem unmounted meanwhile must not
     * get a new, empty database in the folder under its mount point. */
    STORE_REOPEN = 2
} store_mode_t;

/* What a write did; negative is an error, its reason in *error. */
typedef enum {
    STORE_ERROR = -1,
    STORE_NEW = 1,        /* a row was inserted */
    STORE_UPDATED,        /* the row existed, written by an older extractor */
    STORE_UNCHANGED,      /* the row existed and was left as it was, its source known */
    STORE_DEAD,           /* a dead letter was written (or kept) */
    STORE_NEW_SOURCE,     /* the row existed and was left as it was; its source is new */
    STORE_MISSING         /* a source of a document that is not stored: nothing written */
} store_result_t;

typedef struct store_hit {
    const char *id;
    const char *source;
    const char *title;       /* NULL when unknown */
    const char *published;   /* NULL when unknown */
    const char *snippet;   /* a few words around the match, UTF-8 */
    double rank;           /* bm25: lower is better */
    const char *page_type; /* NULL when none */
} store_hit_t;

typedef struct store_stats {
    int64_t documents;
    int64_t sources;       /* rows of document_sources: every source of every document */
    int64_t dead_letters;
    int64_t entities;
    int64_t body_bytes;
    char earliest[32];     /* min(published) or "" */
    char latest[32];       /* max(published) or "" */
    /* Up to 8 most frequent languages and their counts. */
    char langs[8][16];
    int64_t lang_counts[8];
    int lang_count;
    /* Near-duplicate groups (a first document and those linked to it,
     * directly or through each other), and the documents in them. */
    int64_t near_duplicate_groups;
    int64_t near_duplicates;
} store_stats_t;

typedef int (*store_hit_fn)(const store_hit_t *hit, void *ctx);

/* NULL with a reason in *error (malloc'd) when the file cannot be opened,
 * is not a feedmill database, or is newer than this binary. */
store_t *store_open(const char *path, store_mode_t mode, char **error);
void store_close(store_t **self);

/* A connection that writes checkpoints its WAL on a thread of its own
 * (sink/checkpointer.h), and a transaction waits for the checkpoint
 * under way before it begins once the WAL holds pages pages or more
 * (CHECKPOINTER_MAX_PAGES unless set), so the WAL starts again from its
 * top: its size stays within about that plus one commit. For tests and
 * tuning. */
void store_set_wal_limit(store_t *self, int pages);

/* The connection's state, not its error: whether the last failure was the
 * disk's rather than the record's. The sink keeps a batch the disk
 * refused and writes it again later (sink/diskfault.h), and dead-letters
 * a record the database refuses. The reason itself went to the failed
 * call's *error. */
typedef enum {
    STORE_FAULT_NONE = 0,   /* not the disk: a record refused, a lock not granted, ... */
    STORE_FAULT_FULL,       /* no space left (SQLITE_FULL, ENOSPC, EDQUOT) */
    STORE_FAULT_IO,         /* the operating system failed a read or a write */
    STORE_FAULT_READONLY    /* the file or its filesystem is read-only, or the file
                             * cannot be opened (SQLITE_READONLY, SQLITE_CANTOPEN, EROFS) */
} store_fault_t;
store_fault_t store_fault(const store_t *self);
/* 1 when this connection can only read: the file or its filesystem was
 * read-only when it was opened (SQLite then falls back to reading), and
 * only opening it again can write once that is fixed. */
int store_read_only(const store_t *self);

int store_begin(store_t *self, char **error);     /* 0 or -1 */
/* 0 or -1. The batch's full-text work is written first (store_fts.c);
 * when that or the COMMIT fails, the transaction may still be open:
 * roll it back and write the batch again (the sink does), never commit
 * it again, as its full-text work would be missing. */
int store_commit(store_t *self, char **error);
int store_rollback(store_t *self, char **error);  /* 0 or -1 */

/* Deferred indexing (sink/store_fts.c): store_commit, except that the
 * transaction's new full-text entries may wait for the next commits'
 * and be written with them as one segment, at most STORE_FTS_GROUP
 * entries or STORE_FTS_WAIT_MS after the oldest was committed. Its rows
 * are committed either way: they are found by id at once, and by
 * `feedmill search` once their entries are written. A crash loses no
 * entry: the next store opened to write writes them. 0 or -1, as
 * store_commit. */
#define STORE_FTS_GROUP 500
#define STORE_FTS_WAIT_MS 250
/* ... or once their text passes this many bytes (it is held in memory):
 * the index's in-memory size for a segment (schema 10's hashsize). */
#define STORE_FTS_BYTES ((size_t)16 << 20)
int store_commit_deferred(store_t *self, char **error);
/* Writes the waiting entries now, in a transaction of their own (none may
 * be open): a feed that went quiet. 0 (also when none wait) or -1. */
int store_index_waiting(store_t *self, char **error);
/* clock_ms() when the oldest waiting entry was committed; 0: none waits,
 * or no store (NULL). */
int64_t store_waiting_since_ms(const store_t *self);

/* Upsert by record->id; extractor is the EXTRACT_VERSION that made it,
 * worker the key of the worker that sent it (NULL when unknown).
 *
 * A new row is linked to its nearest stored near-duplicate (documents.
 * near_duplicate_of, near_duplicate_distance). A rewrite by a newer
 * extractor links the row again with its new simhash, among the
 * documents ingested before it, and links again the documents linked to
 * it. Links always point to an earlier document.
 *
 * A put that fails leaves nothing behind, and the puts before it in the
 * transaction stay. Inside a transaction, the store may write them again
 * to undo a failed one (store_write.c says why), so a record given to
 * it must stay alive and unchanged until the transaction commits or
 * rolls back (the sink's batch keeps its messages that long). */
store_result_t store_put_document(store_t *self, const record_t *record,
                                  int extractor, uint32_t attempts, const char *worker,
                                  char **error);
/* failure: why the document failed, the dead letter's error column. */
store_result_t store_put_dead_letter(store_t *self, const char *id,
                                     const char *source, const char *failure,
                                     uint32_t attempts, char **error);

/* Sources: every source that delivered a document's bytes is a row of
 * document_sources (its first is also documents.source). A put of a
 * document adds its record's source; this adds one more source of a
 * stored document: STORE_NEW_SOURCE, STORE_UNCHANGED when it was known,
 * STORE_MISSING when the document is not stored (a dead letter, or a row
 * deleted since): its sources are not kept. */
store_result_t store_put_source(store_t *self, const char *id, const char *source,
                                char **error);

/* Calls fn with each source of the document, the first first, until fn
 * returns non-zero. Returns how many were given to fn, or -1. */
int store_sources(store_t *self, const char *id,
                  int (*fn)(const char *source, void *ctx), void *ctx, char **error);

/* Full-text search over title and body. `query` is what a user types:
 * words are ANDed; a word containing Hangul also matches longer eojeol
 * it starts (싱가포르 finds 싱가포르와); a word without a letter, digit
 * or private-use character (— … · 「 emoji) is ignored, as the index
 * ignores it in documents. Calls fn per hit, best first, until it
 * returns non-zero. Returns the hit count, or -1 on failure, also when
 * the query has no word left to search (see store_search_words). */
int store_search(store_t *self, const char *query, int limit,
                 store_hit_fn fn, void *ctx, char **error);
/* The same, among the documents of one page type (page_type NULL: all). */
int store_search_type(store_t *self, const char *query, const char *page_type, int limit,
                      store_hit_fn fn, void *ctx, char **error);

/* How many words of `query` store_search would use: 0 when it is empty
 * or has only ignored words, which callers report as a usage error. */
int store_search_words(const char *query);

int store_stats(store_t *self, store_stats_t *out, char **error);  /* 0 or -1 */

typedef struct store_dead_letter {
    const char *id;
    const char *source;    /* as stored (printable form), may be NULL */
    const char *error;
    int64_t attempts;
} store_dead_letter_t;

/* Calls fn for each dead letter whose id starts with prefix (every one
 * when prefix is NULL or ""), in id order, until fn returns non-zero.
 * Returns how many were passed to fn, or -1. */
int store_dead_letters(store_t *self, const char *prefix,
                       int (*fn)(const store_dead_letter_t *letter, void *ctx), void *ctx,
                       char **error);

/* Rows in one table, exact (count(*)): each reads that table's smallest
 * index, never the bodies (store_stats reads them all). */
typedef enum { STORE_DOCUMENTS, STORE_DEAD_LETTERS, STORE_SOURCES, STORE_ENTITIES } store_table_t;
int store_count(store_t *self, store_table_t table, int64_t *out,
                char **error);   /* 0 or -1 */

/* Counts grouped one way, largest first (days: latest first), at most
 * limit groups (<= 0: all). fn gets each group until it returns non-zero;
 * key is only valid during the call. Returns the groups passed, or -1. */
typedef enum {
    STORE_BY_KIND,     /* documents by kind */
    STORE_BY_LANG,     /* documents by language */
    STORE_BY_DAY,      /* documents by the UTC day they were ingested */
    STORE_BY_ERROR,    /* dead letters by error text */
    STORE_BY_ORIGIN,   /* documents by origin: a URL's scheme and host, a path's folder */
    STORE_BY_PAGE_TYPE /* documents by page type ("none": plain text, older rows) */
} store_breakdown_t;
int store_breakdown(store_t *self, store_breakdown_t which, int limit,
                    int (*fn)(const char *key, int64_t count, void *ctx), void *ctx,
                    char **error);

/* One group of near-duplicates; the strings are valid during the call. */
typedef struct store_near_group {
    const char *id;        /* the group's first document, its links' root */
    const char *title;     /* that document's title, or its source */
    int64_t documents;     /* in the group, the first one included */
    int max_distance;      /* the largest distance of a link in the group */
} store_near_group_t;

/* The largest near-duplicate groups first (the earliest first among
 * equals), at most limit (<= 0: all), to fn until it returns non-zero.
 * Returns the groups passed, or -1. */
int store_near_duplicate_groups(store_t *self, int limit,
                                int (*fn)(const store_near_group_t *group, void *ctx),
                                void *ctx, char **error);

/* A document delivered by more than one source; strings valid during
 * the call. */
typedef struct store_sourced {
    const char *id;
    const char *title;     /* its title, or its first source */
    int64_t sources;       /* rows of document_sources */
} store_sourced_t;

/* The documents with the most sources (at least 2), most first, the
 * earliest stored first among equals, at most limit (<= 0: all), to fn
 * until it returns non-zero. Returns the documents passed, or -1. */
int store_most_sources(store_t *self, int limit,
                       int (*fn)(const store_sourced_t *doc, void *ctx), void *ctx,
                       char **error);

/* ---- export ---------------------------------------------------------- */

/* Which documents store_export walks; NULL (or 0) is no condition. Times
 * compare with updated_at, the time the row was last written, as text:
 * ISO 8601 UTC (2026-12-03, 2026-12-03T08:46:02.123Z). */
typedef struct {
    const char *since;    /* written at or after */
    const char *until;    /* written before */
    const char *lang, *kind;
    const char *page_type;
    long long limit;
} store_export_filter_t;

/* One document: the record (as `feedmill extract` would print it) and
 * the columns beside it; valid during the callback only. */
typedef struct {
    record_t *record;
    const char *ingested_at, *updated_at;
    const char *near_duplicate_of;             /* NULL: none */
    int has_near_duplicate_distance, near_duplicate_distance;
    int extractor;
    long long attempts;
    const char *worker;                        /* NULL: unknown */
    char **sources;                            /* every source, the first first */
    size_t source_count;
} store_export_row_t;

/* Calls fn for each document, in the order they were first stored, all
 * from one snapshot of the database; fn returns non-zero to stop.
 * Returns how many were given to fn, or -1 with the reason in *error. */
long long store_export(store_t *self, const store_export_filter_t *filter,
                       int (*fn)(const store_export_row_t *row, void *ctx), void *ctx,
                       char **error);

#endif
