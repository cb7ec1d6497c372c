/* store_int: what the store's files share, and nothing outside them
 * sees: the connection, its prepared statements by name, and the helpers
 * every statement goes through.
 *
 *   store.c        open, migrate, close; errors; transactions
 *   store_sql.c    the schema's migrations and every prepared statement
 *   store_write.c  documents, entities, near-duplicate links, dead letters
 *   store_query.c  search, statistics and the other reads
 *
 * Every helper that fails leaves its reason in self->error and returns -1;
 * each public method hands that reason to its caller's char **error as it
 * returns (store_reason), the one way a failure leaves the store. The
 * SQLite codes beside it stay: they are the connection's state, which
 * store_fault() reads. */
#ifndef FEEDMILL_SINK_STORE_INT_H
#define FEEDMILL_SINK_STORE_INT_H

#include <sqlite3.h>

#include "common/buf.h"
#include "sink/checkpointer.h"
#include "sink/near.h"
#include "sink/store.h"

/* The statements a store prepares once and reuses. */
enum {
    SQL_BEGIN,
    SQL_COMMIT,
    SQL_ROLLBACK,
    SQL_SAVEPOINT,
    SQL_RELEASE,
    SQL_ROLLBACK_TO,
    SQL_DOC_EXTRACTOR,
    SQL_DOC_INSERT,
    SQL_DOC_UPDATE,
    SQL_FTS_INSERT,
    SQL_FTS_OLD,
    SQL_FTS_DELETE,
    SQL_PENDING_ADD,
    SQL_PENDING_CLEAR,
    SQL_ENTITIES_DELETE,
    SQL_ENTITY_INSERT,
    SQL_SIMHASH_GET,
    SQL_SIMHASH_PUT,
    SQL_NEAR_ID,
    SQL_NEAR_SET,
    SQL_NEAR_LINKED_TO,
    SQL_SOURCE_FIRST,
    SQL_SOURCE_ADD,
    SQL_SOURCES_OF,
    SQL_DEAD_DELETE,
    SQL_DEAD_UPSERT,
    SQL_SEARCH,
    SQL_STATS_TOTALS,
    SQL_STATS_LANGS,
    SQL_STATS_NEAR,
    SQL_COUNT_DOCUMENTS,
    SQL_COUNT_DEAD,
    SQL_COUNT_SOURCES,
    SQL_COUNT_ENTITIES,
    SQL_COUNT
};

/* migrations[v] takes a database from schema version v to v + 1
 * (store_sql.c says how to add one); statements are prepared once per
 * open, in this order. */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];
extern const char *const store_statements[SQL_COUNT];

/* A put of the open transaction, kept to be written again should a later
 * put fail (store_write.c says why). A document's record is the
 * caller's (alive until the transaction ends: store.h); the strings are
 * copies. */
/* A row's full-text work queued for the commit (store_fts.c). */
typedef struct store_fts_op store_fts_op_t;

typedef struct {
    const record_t *record;        /* NULL: a dead letter, or a source */
    int is_source;                 /* 1: a source of a stored document (id, source) */
    int extractor;
    uint32_t attempts;
    char *worker, *id, *source, *error;
} store_put_t;

struct store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[SQL_COUNT];
    buf_t error;     /* the reason of the failure under way: store_reason hands it out */
    /* SQLite's extended result code behind that failure, and the errno of
     * the OS call behind it (0: not from SQLite, or no OS call failed):
     * what store_fault() classifies. */
    int error_code, error_errno;
    buf_t scratch;   /* keywords JSON, FTS query: reused across calls */
    /* Whether dead_letters may hold a row. Nearly always it holds none,
     * and then a stored document has no dead letter to clear: two
     * statements per row saved. Looked up again at every BEGIN (another
     * process may have written one), set by every dead letter we write. */
    int dead_letters_present;
    /* The near-duplicate candidates (sink/near.c), on a connection that
     * writes; its changes since the last commit are undone with the
     * transaction or savepoint that made them. */
    near_t *near;
    /* On a connection that writes: the thread that checkpoints its WAL
     * (sink/checkpointer.h); NULL leaves it to SQLite, in the COMMIT. */
    checkpointer_t *checkpointer;
    int wal_pages;   /* the WAL's size after the last commit, in pages */
    int wal_limit;   /* from which store_begin waits for the checkpointer */
    /* The puts of the open transaction, in order. */
    store_put_t *puts;
    size_t put_count, put_capacity;
    /* Their full-text index work, written at the commit (store_fts.c),
     * and the new entries of committed rows that wait for their group
     * (store_commit_deferred): fts_waiting of them, named in fts_pending,
     * the oldest committed at fts_since_ms. */
    store_fts_op_t *fts;
    size_t fts_count, fts_capacity;
    size_t fts_waiting;
    size_t fts_bytes;        /* the queue's text, which STORE_FTS_BYTES bounds */
    int64_t fts_since_ms;
};

/* The end of every public method: when rc < 0, *error gets the reason
 * (malloc'd, the caller frees it), else NULL; error may be NULL. Returns
 * rc. Nothing is allocated after a success. */
int store_reason(store_t *self, int rc, char **error);
/* Sets the error message ("" codes: not from SQLite); returns -1. */
int store_fail(store_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "what: SQLite's reason", with its codes for store_fault(); returns -1.
 * Call it before anything else touches the connection. */
int store_fail_sqlite(store_t *self, const char *what);
/* Steps a statement that returns no rows, then resets it: 0 or -1. */
int store_run(store_t *self, sqlite3_stmt *stmt, const char *what);
/* Undoes the work since SQL_SAVEPOINT and ends it, keeping the error
 * that caused the undo as the message. */
void store_savepoint_undo(store_t *self);
/* Forgets the puts of the transaction, which has ended, and their
 * full-text work. */
void store_puts_clear(store_t *self);

/* store_fts.c: a row's full-text work, queued (copied) until
 * store_fts_write. A new entry: */
void store_fts_index(store_t *self, int64_t rowid, const char *title, const char *body);
/* The entry of a row about to be rewritten, from its old values. */
void store_fts_unindex(store_t *self, int64_t rowid, sqlite3_value *title, sqlite3_value *body);
/* Hands the queue to FTS5 in rowid order, the waiting entries with it,
 * and empties fts_pending of them, in the open transaction (or
 * savepoint): 0 or -1. Either way the transaction's own entries go;
 * the waiting ones go only once written. */
int store_fts_write(store_t *self);
/* 1 when the transaction's entries may wait for their group: new
 * entries only (a rewrite's old entry is deleted with its text, which
 * the row no longer holds once rewritten), fewer than STORE_FTS_GROUP
 * in all, the oldest waiting less than STORE_FTS_WAIT_MS. */
int store_fts_may_wait(const store_t *self, int64_t now_ms);
/* Names the transaction's new entries in fts_pending: 0 or -1. */
int store_fts_record_waiting(store_t *self);
/* After the COMMIT that store_fts_record_waiting was part of: the
 * transaction's entries wait with the others. */
void store_fts_committed_waiting(store_t *self, int64_t now_ms);
/* Drops the open transaction's entries unwritten (it or its savepoint
 * went); the waiting ones stay. */
void store_fts_clear(store_t *self);
void store_fts_free(store_t *self);
/* Binds a string or NULL (SQLITE_STATIC: alive until the step). */
int store_bind_text(sqlite3_stmt *stmt, int index, const char *text);
/* Binds a source in its printable form (common/text.h). */
int store_bind_source(sqlite3_stmt *stmt, int index, const char *source);

#endif
