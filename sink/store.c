/* store: the SQLite database behind the sink, `search` and `stats`.
 *
 * One file, one writer (the sink, batching puts in transactions), any
 * number of readers. WAL mode lets readers work while the sink writes.
 * synchronous=NORMAL syncs at checkpoints, not at every commit: a crash
 * of the process loses nothing, a power cut may lose the last commits
 * (never the file), and the single writer keeps up with the workers.
 *
 * Idempotence is the point of this module. A document id is the hash of
 * its bytes, so re-ingesting a feed finds every row already there and
 * must write nothing: no new row, no rewrite, no re-indexing. A row is
 * only rewritten when a newer extractor produced it.
 *
 * Every statement is prepared once, when the store opens, and reused;
 * every SQLite result is checked, and a failure returns -1 or
 * STORE_ERROR with its reason in the caller's *error (store_reason).
 *
 * This file opens, migrates and closes a store and runs its
 * transactions; the SQL, the writes and the reads have files of their
 * own (store_int.h lists them). */
#include "sink/store_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/clock.h"
#include "common/dbfault.h"
#include "common/log.h"
#include "common/text.h"
#include "extract/simhash.h"

#define BUSY_TIMEOUT_MS 5000

/* ---- errors ---------------------------------------------------------- */

int store_fail(store_t *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    self->error_code = self->error_errno = 0;
    buf_reset(&self->error);
    buf_vprintf(&self->error, fmt, ap);
    va_end(ap);
    return -1;
}

/* "what: SQLite's reason". Call it before anything else touches the
 * connection: the next call replaces sqlite3_errmsg(). */
int store_fail_sqlite(store_t *self, const char *what)
{
    store_fail(self, "%s: %s", what, sqlite3_errmsg(self->db));
    self->error_code = sqlite3_extended_errcode(self->db);
    self->error_errno = sqlite3_system_errno(self->db);
    return -1;
}

int store_reason(store_t *self, int rc, char **error)
{
    if (error)
        *error = rc < 0 ? xstrdup(buf_str(&self->error)) : NULL;
    return rc;
}
/* ---- statements ------------------------------------------------------ */

/* Steps a statement that returns no rows, then resets it for next use.
 * (sqlite3_reset only repeats the step's error, reported already.) */
int store_run(store_t *self, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        store_fail_sqlite(self, what);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Binds a string or NULL. SQLITE_STATIC: every caller steps and resets
 * the statement while the string is still alive, and rebinds before the
 * next step. */
int store_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
    if (!text)
        return sqlite3_bind_null(stmt, index);
    return sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

/* A source is bytes (common/text.h); the column holds its printable
 * form, which for the UTF-8 sources nearly all are is the source itself.
 * SQLite copies the text (TRANSIENT) because the printable form is freed
 * here. */
int store_bind_source(sqlite3_stmt *stmt, int index, const char *source)
{
    if (!source || text_is_utf8(source))
        return store_bind_text(stmt, index, source);
    char *printable = text_printable(source);
    int rc = sqlite3_bind_text(stmt, index, printable, -1, SQLITE_TRANSIENT);
    free(printable);
    return rc;
}

/* Runs SQL that is used once per open (pragmas, migrations). */
static int exec(store_t *self, const char *sql, const char *what)
{
    if (sqlite3_exec(self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail_sqlite(self, what);
    return 0;
}

/* The first column of the first row of a one-off query, as an integer. */
static int query_int(store_t *self, const char *sql, int *out)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return store_fail_sqlite(self, sql);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(stmt, 0);
    else
        store_fail_sqlite(self, sql);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}
/* ---- SQL functions ----------------------------------------------------- */

/* A simhash as stored: 16 hex digits (lowercase as written, either case
 * accepted). 1 and *out, or 0 for anything else (NULL, a number, ...). */
static int value_simhash(sqlite3_value *value, uint64_t *out)
{
    if (sqlite3_value_type(value) != SQLITE_TEXT)
        return 0;
    const unsigned char *hex = sqlite3_value_text(value);
    if (!hex || sqlite3_value_bytes(value) != 16)
        return 0;
    uint64_t h = 0;
    for (int i = 0; i < 16; i++) {
        unsigned char c = hex[i];
        int digit = c >= '0' && c <= '9' ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0)
            return 0;
        h = h << 4 | (uint64_t)digit;
    }
    *out = h;
    return 1;
}

/* Band n (0..STORE_SIMHASH_BANDS-1) of a simhash: band 0 is the top bits. */
static int64_t simhash_band(uint64_t h, int n)
{
    int bits = 64 / STORE_SIMHASH_BANDS;
    return (int64_t)((h >> (bits * (STORE_SIMHASH_BANDS - 1 - n)))
                     & ((UINT64_C(1) << bits) - 1));
}

/* feedmill_simhash_distance(a, b): the differing bits of two stored
 * simhashes, NULL unless both are simhashes. */
static void sql_simhash_distance(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    uint64_t a, b;
    (void)argc;
    if (value_simhash(argv[0], &a) && value_simhash(argv[1], &b))
        sqlite3_result_int(ctx, simhash_distance(a, b));
    else
        sqlite3_result_null(ctx);
}

/* feedmill_simhash_band(h, n): band n of a stored simhash, NULL unless h
 * is one and n a band number. */
static void sql_simhash_band(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    uint64_t h;
    (void)argc;
    int n = sqlite3_value_int(argv[1]);
    if (value_simhash(argv[0], &h) && sqlite3_value_type(argv[1]) == SQLITE_INTEGER
        && n >= 0 && n < STORE_SIMHASH_BANDS)
        sqlite3_result_int64(ctx, simhash_band(h, n));
    else
        sqlite3_result_null(ctx);
}

/* feedmill_simhash_int(h): a stored simhash as the 64-bit integer
 * simhashes holds (its bits, so half of them are negative), NULL unless
 * h is one. */
static void sql_simhash_int(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    uint64_t h;
    (void)argc;
    if (value_simhash(argv[0], &h))
        sqlite3_result_int64(ctx, (sqlite3_int64)h);
    else
        sqlite3_result_null(ctx);
}

/* Per connection, before any migration or statement uses them. Neither
 * is stored in the file: other SQLite programs read the links, they do
 * not need the functions. */
static int register_functions(store_t *self)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function_v2(self->db, "feedmill_simhash_distance", 2, flags,
                                   NULL, sql_simhash_distance, NULL, NULL, NULL)
            != SQLITE_OK
        || sqlite3_create_function_v2(self->db, "feedmill_simhash_band", 2, flags,
                                      NULL, sql_simhash_band, NULL, NULL, NULL)
               != SQLITE_OK
        || sqlite3_create_function_v2(self->db, "feedmill_simhash_int", 1, flags,
                                      NULL, sql_simhash_int, NULL, NULL, NULL)
               != SQLITE_OK)
        return store_fail_sqlite(self, "registering SQL functions");
    return 0;
}
/* ---- open, migrate, close ------------------------------------------- */

static int open_connection(store_t *self, store_mode_t mode)
{
    struct stat st;
    if (mode != STORE_READWRITE && stat(self->path, &st) != 0) {
        if (errno == ENOENT)
            return store_fail(self, "no database at %s", self->path);
        return store_fail(self, "%s: %s", self->path, strerror(errno));
    }
    int flags = mode == STORE_READONLY ? SQLITE_OPEN_READONLY
              : mode == STORE_REOPEN ? SQLITE_OPEN_READWRITE
              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    /* sqlite3_open_v2 hands back a handle even on failure, to read the
     * reason from; store_close releases it. */
    /* One connection is used by one thread: SQLite's per-connection
     * mutex only costs (NOMUTEX). Nor does the sink need SQLite's count
     * of its memory, which takes a global mutex on every allocation;
     * the setting only takes before SQLite's first use in the process,
     * and later calls change nothing (SQLITE_MISUSE, ignored). */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    flags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(self->path, &self->db, flags, NULL) != SQLITE_OK)
        return store_fail(self, "%s: %s", self->path, sqlite3_errmsg(self->db));
    if (sqlite3_busy_timeout(self->db, BUSY_TIMEOUT_MS) != SQLITE_OK)
        return store_fail_sqlite(self, "busy_timeout");
    return 0;
}

/* The first read of the file: this is where a file that is not SQLite
 * shows itself (SQLite opens lazily). */
static int read_version(store_t *self, int *version)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(self->db, "PRAGMA user_version", -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            *version = sqlite3_column_int(stmt, 0);
    }
    if (rc == SQLITE_NOTADB)
        store_fail(self, "%s is not an SQLite database", self->path);
    else if (rc != SQLITE_ROW)
        store_fail(self, "%s: %s", self->path, sqlite3_errmsg(self->db));
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* A newer schema may mean anything (renamed columns, new invariants):
 * refuse it rather than write rows an older binary understands wrong. */
static int check_not_newer(store_t *self, int version)
{
    if (version > STORE_SCHEMA_VERSION)
        return store_fail(self, "%s: database schema version %d is newer than this "
                    "feedmill (knows up to %d)", self->path, version,
                    STORE_SCHEMA_VERSION);
    return 0;
}

/* A reader cannot migrate, so it needs the schema already in place. */
static int check_current(store_t *self, int version)
{
    if (version == 0)
        return store_fail(self, "%s is not a feedmill database yet (no schema); "
                    "the sink creates it", self->path);
    if (version < STORE_SCHEMA_VERSION)
        return store_fail(self, "%s: database schema version %d is older than this "
                    "feedmill (needs %d); run the sink once to migrate it",
                    self->path, version, STORE_SCHEMA_VERSION);
    return 0;
}

static int migrate_locked(store_t *self)
{
    int version = 0, tables = 0;
    /* Read again under the write lock: another process may have migrated
     * while this one waited for it. */
    if (read_version(self, &version) < 0 || check_not_newer(self, version) < 0)
        return -1;
    if (version == 0) {
        if (query_int(self, "SELECT count(*) FROM sqlite_schema", &tables) < 0)
            return -1;
        if (tables > 0)
            return store_fail(self, "%s is an SQLite database but not a feedmill one "
                        "(it has tables and no schema version)", self->path);
    }
    for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
        if (exec(self, store_migrations[v], "migrating the schema") < 0)
            return -1;
    }
    buf_reset(&self->scratch);
    buf_printf(&self->scratch, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
    return exec(self, buf_str(&self->scratch), "setting the schema version");
}

/* Brings the schema to STORE_SCHEMA_VERSION in one transaction: a crash
 * or error half way leaves the database as it was. */
static int migrate(store_t *self, int version)
{
    if (version == STORE_SCHEMA_VERSION)
        return 0;
    if (exec(self, "BEGIN IMMEDIATE", "migrating the schema") < 0)
        return -1;
    if (migrate_locked(self) < 0) {
        sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);  /* error kept */
        return -1;
    }
    if (exec(self, "COMMIT", "migrating the schema") < 0) {
        sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    log_info("store migrated path=%s from=%d to=%d", log_q(self->path),
             version, STORE_SCHEMA_VERSION);
    return 0;
}

/* journal_mode is a property of the file and cannot change inside a
 * transaction, so it is set before any migration. */
static int set_wal(store_t *self)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(self->db, "PRAGMA journal_mode = WAL", -1, &stmt,
                           NULL) != SQLITE_OK)
        return store_fail_sqlite(self, "journal_mode");
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        store_fail_sqlite(self, "journal_mode");
        sqlite3_finalize(stmt);
        return -1;
    }
    const char *mode = (const char *)sqlite3_column_text(stmt, 0);
    if (!mode || strcmp(mode, "wal") != 0)
        log_warn("store not in WAL mode, readers will block the sink "
                 "path=%s journal_mode=%s", log_q(self->path), mode ? mode : "?");
    sqlite3_finalize(stmt);
    return 0;
}

static int prepare_statements(store_t *self)
{
    for (int i = 0; i < SQL_COUNT; i++) {
        if (sqlite3_prepare_v3(self->db, store_statements[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &self->stmt[i],
                               NULL) != SQLITE_OK)
            return store_fail(self, "preparing \"%.40s...\": %s", store_statements[i],
                        sqlite3_errmsg(self->db));
    }
    return 0;
}

/* The candidates of every stored document, in the order they were
 * stored: the buckets fill as they did when each arrived. */
static int load_near(store_t *self)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, "SELECT doc, simhash FROM simhashes ORDER BY doc", -1,
                           &stmt, NULL) != SQLITE_OK)
        return store_fail_sqlite(self, "reading simhashes");
    self->near = near_new();
    int rc;
    size_t rows = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        near_add(self->near, sqlite3_column_int64(stmt, 0),
                 (uint64_t)sqlite3_column_int64(stmt, 1));
        if (++rows % 65536 == 0)
            near_forget(self->near);   /* nothing to undo: keep the log small */
    }
    near_forget(self->near);
    if (rc != SQLITE_DONE)
        store_fail_sqlite(self, "reading simhashes");
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* After each commit, with the WAL's size in pages. Replaces SQLite's
 * autocheckpoint, which would checkpoint right here, in the COMMIT. */
static int wal_hook(void *store, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    store_t *self = store;
    self->wal_pages = pages;
    checkpointer_kick(self->checkpointer, pages);
    return SQLITE_OK;
}

/* Rows a crash left waiting for their full-text entries (deferred
 * indexing, store_fts.c) get them from what they hold, in one
 * transaction with the emptying of fts_pending. */
static int index_left_waiting(store_t *self)
{
    int waiting = 0;
    if (query_int(self, "SELECT count(*) FROM fts_pending", &waiting) < 0)
        return -1;
    if (waiting == 0)
        return 0;
    if (exec(self, "BEGIN IMMEDIATE;"
                   "INSERT INTO documents_fts (rowid, title, body)"
                   "  SELECT d.rowid, d.title, d.body FROM fts_pending AS p"
                   "  JOIN documents AS d ON d.rowid = p.doc ORDER BY p.doc;"
                   "DELETE FROM fts_pending;"
                   "COMMIT;", "indexing rows left waiting") < 0) {
        sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    log_info("indexed rows a stop left waiting for their full-text entries path=%s rows=%d",
             log_q(self->path), waiting);
    return 0;
}

static int open_store(store_t *self, store_mode_t mode)
{
    int version = 0;
    if (open_connection(self, mode) < 0 || register_functions(self) < 0
        || read_version(self, &version) < 0 || check_not_newer(self, version) < 0)
        return -1;
    if (mode == STORE_READONLY) {
        if (check_current(self, version) < 0)
            return -1;
    } else if (set_wal(self) < 0
               || exec(self, "PRAGMA synchronous = NORMAL", "synchronous") < 0
               /* The writer's page cache: 64 MiB instead of 2. The pages
                * a batch touches (the FTS5 segments being merged, the
                * id index, the last leaves of each table) then stay in
                * memory across batches instead of being read again. */
               || exec(self, "PRAGMA cache_size = -65536", "cache_size") < 0
               || migrate(self, version) < 0) {
        return -1;
    }
    /* Foreign keys off on the store's own connection, whatever SQLite
     * was built to default to (per connection: set on every open). With them on, every UPDATE of documents (a rewrite, a
     * new near-duplicate link) is a statement that may have to be undone
     * alone, so SQLite opens a statement savepoint for it, and FTS5
     * writes its pending terms out as a segment at every savepoint (the
     * migration 7 -> 8): a batch of rewrites was a segment a row. The
     * store keeps the references right itself: a link names a row it
     * just found, entities and sources are written with their row, and
     * nothing here deletes a document (whoever does, with foreign keys
     * on, gets the links cleared and the entities gone). */
    if (exec(self, "PRAGMA foreign_keys = OFF", "foreign_keys") < 0
        || prepare_statements(self) < 0)
        return -1;
    if (mode == STORE_READONLY) {
        /* Nothing to find links among: a write fails in SQLite anyway,
         * with the reason store_fault() knows. */
        self->near = near_new();
        return 0;
    }
    if (index_left_waiting(self) < 0)
        return -1;
    /* Checkpoints off the writer's path: sink/checkpointer.h. Migrations
     * above were checkpointed by SQLite, as before. */
    self->checkpointer = checkpointer_new(self->path);
    if (self->checkpointer)
        sqlite3_wal_hook(self->db, wal_hook, self);
    return load_near(self);
}

store_t *store_open(const char *path, store_mode_t mode, char **error)
{
    if (error)
        *error = NULL;
    if (!path || !*path) {
        if (error)
            *error = xstrdup("no database path given");
        return NULL;
    }
    store_t *self = xcalloc(1, sizeof *self);
    self->dead_letters_present = 1;   /* until a BEGIN looks */
    self->wal_limit = CHECKPOINTER_MAX_PAGES;
    self->path = xstrdup(path);
    if (open_store(self, mode) < 0) {
        if (error)
            *error = buf_detach(&self->error);
        store_close(&self);
        return NULL;
    }
    return self;
}

/* Closing with a transaction open rolls it back (SQLite does). */
void store_close(store_t **self_p)
{
    store_t *self = *self_p;
    if (!self)
        return;
    /* Entries still waiting are written now; a close that cannot leaves
     * them named in fts_pending, for the next open. */
    if (self->fts_waiting && self->db && sqlite3_get_autocommit(self->db)) {
        char *why = NULL;
        if (store_index_waiting(self, &why) < 0)
            log_warn("full-text entries left for the next open path=%s error=%s",
                     log_q(self->path), log_q(why));
        free(why);
    }
    for (int i = 0; i < SQL_COUNT; i++)
        sqlite3_finalize(self->stmt[i]);  /* NULL is a no-op */
    /* Its connection first: the writer's, closing last, then makes the
     * final checkpoint and removes the WAL. */
    checkpointer_destroy(&self->checkpointer);
    if (sqlite3_close(self->db) != SQLITE_OK)
        log_warn("store close failed path=%s error=%s", log_q(self->path),
                 log_q(sqlite3_errmsg(self->db)));
    near_destroy(&self->near);
    store_puts_clear(self);
    free(self->puts);
    store_fts_free(self);
    free(self->path);
    buf_free(&self->error);
    buf_free(&self->scratch);
    free(self);
    *self_p = NULL;
}

void store_set_wal_limit(store_t *self, int pages)
{
    self->wal_limit = pages;
}

/* Which codes and errno values mean which fault: common/dbfault.h. */
store_fault_t store_fault(const store_t *self)
{
    if (!self || !self->error_code)
        return STORE_FAULT_NONE;
    switch (dbfault_of(self->error_code, self->error_errno)) {
    case DBFAULT_FULL: return STORE_FAULT_FULL;
    case DBFAULT_IO: return STORE_FAULT_IO;
    case DBFAULT_READONLY: return STORE_FAULT_READONLY;
    default: return STORE_FAULT_NONE;
    }
}

int store_read_only(const store_t *self)
{
    return sqlite3_db_readonly(self->db, "main") == 1;
}
/* ---- transactions ---------------------------------------------------- */

int store_begin(store_t *self, char **error)
{
    store_puts_clear(self);
    /* A transaction that begins once the WAL is all copied writes it
     * again from its top: sink/checkpointer.h. */
    if (self->checkpointer && self->wal_pages >= self->wal_limit) {
        checkpointer_wait(self->checkpointer);
        self->wal_pages = 0;
    }
    if (store_run(self, self->stmt[SQL_BEGIN], "begin") < 0)
        return store_reason(self, -1, error);
    sqlite3_stmt *stmt = NULL;
    self->dead_letters_present = 1;   /* unless we learn otherwise */
    if (sqlite3_prepare_v2(self->db, "SELECT EXISTS (SELECT 1 FROM dead_letters)", -1, &stmt,
                           NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        self->dead_letters_present = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return store_reason(self, 0, error);
}

/* After a COMMIT (rc 0) or its failure. The candidates follow the
 * transaction: kept when it commits, undone when it does not (a COMMIT
 * that fails may leave it open, to be rolled back, or SQLite may have
 * rolled it back already). */
static int commit_ended(store_t *self, int rc, char **error)
{
    if (rc == 0 || sqlite3_get_autocommit(self->db))
        store_puts_clear(self);
    if (self->near && rc == 0)
        near_forget(self->near);
    else if (self->near && sqlite3_get_autocommit(self->db))
        near_undo(self->near, 0);
    return store_reason(self, rc, error);
}

/* The batch's full-text work goes to FTS5 first, as one segment
 * (store_fts.c), with any entries that waited for it. */
int store_commit(store_t *self, char **error)
{
    int rc = store_fts_write(self) == 0 ? store_run(self, self->stmt[SQL_COMMIT], "commit") : -1;
    return commit_ended(self, rc, error);
}

int store_commit_deferred(store_t *self, char **error)
{
    int64_t now = clock_ms();
    if (!store_fts_may_wait(self, now))
        return store_commit(self, error);
    int rc = store_fts_record_waiting(self) == 0
                 ? store_run(self, self->stmt[SQL_COMMIT], "commit") : -1;
    if (rc == 0)
        store_fts_committed_waiting(self, now);
    return commit_ended(self, rc, error);
}

int store_index_waiting(store_t *self, char **error)
{
    if (self->fts_waiting == 0)
        return store_reason(self, 0, error);
    if (!sqlite3_get_autocommit(self->db))
        return store_reason(self, store_fail(self, "writing waiting full-text entries: a "
                                                   "transaction is open"), error);
    int rc = store_run(self, self->stmt[SQL_BEGIN], "begin") == 0 && store_fts_write(self) == 0
                 && store_run(self, self->stmt[SQL_COMMIT], "commit") == 0 ? 0 : -1;
    if (rc < 0 && !sqlite3_get_autocommit(self->db))
        sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
    return store_reason(self, rc, error);
}

int64_t store_waiting_since_ms(const store_t *self)
{
    return self && self->fts_waiting ? self->fts_since_ms : 0;
}

int store_rollback(store_t *self, char **error)
{
    store_puts_clear(self);
    if (self->near)
        near_undo(self->near, 0);
    return store_reason(self, store_run(self, self->stmt[SQL_ROLLBACK], "rollback"), error);
}

/* Undoes the work since SQL_SAVEPOINT and ends it. The error that caused
 * the undo stays the message; an undo that fails too is appended (if
 * SQLite already rolled the whole transaction back, e.g. on SQLITE_FULL,
 * there is no savepoint left to undo). */
void store_savepoint_undo(store_t *self)
{
    sqlite3_stmt *steps[] = { self->stmt[SQL_ROLLBACK_TO], self->stmt[SQL_RELEASE] };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (sqlite3_step(steps[i]) != SQLITE_DONE)
            buf_printf(&self->error, " (undo: %s)", sqlite3_errmsg(self->db));
        sqlite3_reset(steps[i]);
    }
}
