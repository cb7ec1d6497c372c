/* state: the producer's durable memory, in SQLite. See state.h. */
#include "state.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/dbfault.h"
#include "common/hash.h"
#include "common/log.h"

enum {
    FLUSH_CHANGES = 500,
    FLUSH_MS = 200,
    /* Compaction (state_compact): rows of vanished files looked at per
     * step, and how often free pages go back to the file system. */
    PRUNE_ROWS = 256,
    VACUUM_MS = 60000,
    VACUUM_PAGES = 2000,
    /* A state that cannot be written: tried again (state_probe) after
     * 100 ms, doubling to 2 s; said again every 10 s while it lasts. */
    PROBE_FIRST_MS = 100,
    PROBE_MAX_MS = 2000,
    REPEAT_MS = 10000,
    /* The probe commits this many bytes (then deletes them): a disk with
     * room for a row of a few bytes but not for a document is not yet
     * writable again, and inputs that resumed would only fail again. */
    PROBE_BYTES = 64 * 1024,
};

/* The files table, named NAME. Its status check is written with OR, not
 * IN: SQLite 3.40 checks `status IN (...)` through a temporary b-tree,
 * opened and closed by every statement that writes a row (two a
 * document: 3 us each, measured). */
#define FILES_TABLE(name)                                                      \
    "CREATE TABLE IF NOT EXISTS " name "("                                     \
    "  source TEXT PRIMARY KEY NOT NULL,"                                      \
    "  size INTEGER NOT NULL,"                                                 \
    "  mtime_ns INTEGER NOT NULL,"                                             \
    "  id TEXT NOT NULL,"                                                      \
    "  status TEXT NOT NULL"                                                   \
    "    CHECK (status = 'sent' OR status = 'done' OR status = 'dead'),"      \
    "  attempts INTEGER NOT NULL,"                                             \
    "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"
#define FILES_INDEX "CREATE INDEX IF NOT EXISTS files_id ON files(id);"

static const char schema[] =
    FILES_TABLE("files")
    FILES_INDEX
    "CREATE TABLE IF NOT EXISTS spool("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  id TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  body BLOB NOT NULL,"
    "  error TEXT,"
    "  title TEXT, published TEXT, author TEXT, lang TEXT,"
    "  input TEXT);"   /* 'submission', else a line of a JSON-lines feed */
    "CREATE INDEX IF NOT EXISTS spool_id ON spool(id);"
    "CREATE TABLE IF NOT EXISTS partial("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT NOT NULL,"
    "  bytes BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS positions("
    "  name TEXT PRIMARY KEY NOT NULL,"
    "  position INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS notes("
    "  name TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT NOT NULL);";

static const char sql_lookup[] =
    "SELECT status, attempts, id FROM files WHERE source = ?1 AND size = ?2 AND mtime_ns = ?3";
static const char sql_sent[] =
    "INSERT INTO files(source, size, mtime_ns, id, status, attempts) "
    "VALUES (?1, ?2, ?3, ?4, 'sent', ?5) "
    "ON CONFLICT(source) DO UPDATE SET size = ?2, mtime_ns = ?3, id = ?4, status = 'sent', "
    "attempts = ?5, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
static const char sql_acked[] =
    "UPDATE files SET status = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
    "WHERE id = ?1 AND status = 'sent'";
static const char sql_attempts[] =
    "UPDATE files SET attempts = ?2 WHERE id = ?1 AND status = 'sent'";

struct state {
    char *path;
    sqlite3 *db;
    sqlite3_stmt *lookup, *sent, *acked, *attempts;
    int changes;            /* writes in the open transaction */
    int64_t opened;         /* clock_ms() of its first write */
    int64_t prune_after;    /* files.rowid where the next prune step starts */
    int64_t next_vacuum;    /* clock_ms() of the next incremental vacuum */
    uint64_t pruned;        /* rows of vanished files deleted since open */
    /* A write the disk refused. failing: writes are refused until a
     * probe commits; fault_since: the fault lasts, as operators see it,
     * from the first failure to the first commit of real writes after it
     * (a probe alone does not end it, so a disk with room for the probe
     * and not for the next document is one fault, not a line a second). */
    int failing;
    int64_t fault_since;    /* clock_ms() of its first failure; 0: none */
    dbfault_t fault;        /* the reason of the last failure */
    char error[256];        /* SQLite's message for it: the reason every refused
                             * write hands its caller (reason()) while it lasts */
    int error_code, error_errno;
    uint64_t fault_attempts;   /* failed writes and probes in this fault */
    int64_t probe_ms;       /* the current wait between probes */
    int64_t next_probe;
    int64_t last_said;      /* clock_ms() of the last line about the fault */
    int64_t read_said;      /* ... and about a read that failed */
};

/* Keeps why the last call on the connection failed, before anything
 * else (a reset, a ROLLBACK) replaces SQLite's message. */
static void note_error(state_t *self)
{
    self->error_code = sqlite3_extended_errcode(self->db);
    self->error_errno = sqlite3_system_errno(self->db);
    snprintf(self->error, sizeof self->error, "%s", sqlite3_errmsg(self->db));
}

/* A write failed (note_error has its reason): the open transaction goes,
 * whatever it held, and nothing more is written until a probe commits.
 * Said at once, when the reason changes, and every REPEAT_MS. */
static int fail(state_t *self)
{
    /* A failed ROLLBACK may leave the transaction open: the next BEGIN
     * (write_step, state_probe) rolls back again first. */
    if (!sqlite3_get_autocommit(self->db))
        sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
    self->changes = 0;
    self->failing = 1;
    int64_t now = clock_ms();
    dbfault_t fault = dbfault_of(self->error_code, self->error_errno);
    int changed = !self->fault_since || fault != self->fault;
    if (!self->fault_since) {
        self->fault_since = now;
        self->fault_attempts = 0;
        self->probe_ms = PROBE_FIRST_MS;
    } else if (self->probe_ms < PROBE_MAX_MS) {
        self->probe_ms = self->probe_ms * 2 > PROBE_MAX_MS ? PROBE_MAX_MS : self->probe_ms * 2;
    }
    self->fault = fault;
    self->fault_attempts++;
    self->next_probe = now + self->probe_ms;
    if (changed || now - self->last_said >= REPEAT_MS) {
        log_error("producer state cannot be written, reading no new input until it can "
                  "path=%s reason=%s free_bytes=%lld for_s=%.1f attempts=%llu error=%s",
                  log_q(self->path), dbfault_name(fault), dbfault_free_bytes(self->path),
                  (now - self->fault_since) / 1000.0,
                  (unsigned long long)self->fault_attempts, log_q(self->error));
        self->last_said = now;
    }
    return -1;
}

/* Real writes committed: the fault, if any, is over. */
static void written(state_t *self)
{
    if (!self->fault_since)
        return;
    int64_t now = clock_ms();
    log_info("producer state written again path=%s reason_was=%s after_s=%.1f attempts=%llu "
             "free_bytes=%lld", log_q(self->path), dbfault_name(self->fault),
             (now - self->fault_since) / 1000.0, (unsigned long long)self->fault_attempts,
             dbfault_free_bytes(self->path));
    self->fault_since = 0;
    self->last_said = 0;
    self->error[0] = '\0';
}

/* The end of every writer: when rc < 0, *error gets why (malloc'd, the
 * caller frees it), else NULL; error may be NULL. Returns rc. A write
 * refused while failing has the fault's reason: it is why. */
static int reason(const state_t *self, int rc, char **error)
{
    if (error)
        *error = rc >= 0 ? NULL
               : xstrdup(self->error[0] ? self->error : "producer state cannot be written");
    return rc;
}

/* A read that failed (an I/O error): said, at most every REPEAT_MS; the
 * caller goes on with the safe answer. */
static void read_failed(state_t *self)
{
    int64_t now = clock_ms();
    if (self->read_said && now - self->read_said < REPEAT_MS)
        return;
    self->read_said = now;
    log_error("producer state cannot be read path=%s error=%s", log_q(self->path),
              log_q(sqlite3_errmsg(self->db)));
}

/* A statement outside the batch writes (PRAGMA incremental_vacuum). */
static int exec(state_t *self, const char *sql)
{
    if (self->failing)
        return -1;
    if (sqlite3_exec(self->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    note_error(self);
    return fail(self);
}

/* Pages freed by the spool (every document passes through it) and by
 * pruning go back to the file system bit by bit (state_compact), so the
 * file does not keep its high-water size for weeks. auto_vacuum must be
 * chosen before the first table exists; a state file made by an older
 * version is converted once, by VACUUM. */
static int use_incremental_vacuum(state_t *self)
{
    sqlite3_stmt *stmt = NULL;
    int mode = -1;
    if (sqlite3_prepare_v2(self->db, "PRAGMA auto_vacuum", -1, &stmt, NULL) == SQLITE_OK
        && sqlite3_step(stmt) == SQLITE_ROW)
        mode = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    if (mode == 2)
        return 0;
    if (sqlite3_exec(self->db, "PRAGMA auto_vacuum=INCREMENTAL", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    /* An empty database takes the mode as is; one with tables needs VACUUM. */
    sqlite3_stmt *tables = NULL;
    int has_tables = 0;
    if (sqlite3_prepare_v2(self->db, "SELECT 1 FROM sqlite_master LIMIT 1", -1, &tables, NULL)
            == SQLITE_OK && sqlite3_step(tables) == SQLITE_ROW)
        has_tables = 1;
    sqlite3_finalize(tables);
    if (!has_tables)
        return 0;
    log_info("converting the producer state to incremental vacuum, once");
    return sqlite3_exec(self->db, "VACUUM", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* States written before the spool said which input a document came
 * from get the column; their rows read as lines, as they then were
 * counted. */
static int add_spool_input(state_t *self)
{
    sqlite3_stmt *probe = NULL;
    int present = sqlite3_prepare_v2(self->db, "SELECT input FROM spool LIMIT 0", -1, &probe,
                                     NULL) == SQLITE_OK;
    sqlite3_finalize(probe);
    if (present)
        return 0;
    return sqlite3_exec(self->db, "ALTER TABLE spool ADD COLUMN input TEXT", NULL, NULL,
                        NULL) == SQLITE_OK ? 0 : -1;
}

/* States written before FILES_TABLE's check was spelled with OR get the
 * table again, rows and all, once (SQLite cannot change a check in
 * place). */
static int respell_files_check(state_t *self)
{
    sqlite3_stmt *probe = NULL;
    int old = sqlite3_prepare_v2(self->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                 "AND name = 'files' AND sql LIKE '%status IN (%'", -1, &probe,
                                 NULL) == SQLITE_OK
              && sqlite3_step(probe) == SQLITE_ROW;
    sqlite3_finalize(probe);
    if (!old)
        return 0;
    log_info("converting the producer state's files table, once");
    if (sqlite3_exec(self->db, "BEGIN IMMEDIATE; " FILES_TABLE("files_respelled")
                     "INSERT INTO files_respelled SELECT source, size, mtime_ns, id, status, "
                     "attempts, updated_at FROM files; DROP TABLE files; "
                     "ALTER TABLE files_respelled RENAME TO files; " FILES_INDEX "COMMIT",
                     NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    note_error(self);
    sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;   /* state_open says self->error: the failure's, not the ROLLBACK's */
}

state_t *state_open(const char *path, char **error)
{
    state_t *self = xcalloc(1, sizeof(state_t));
    self->path = xstrdup(path);
    buf_t why = BUF_INIT;
    /* NOMUTEX: the producer's one thread is the only user of the handle,
     * and SQLite's serializing mutex cost a lock and an unlock around
     * every call; nor does it need SQLite's count of its memory, a
     * global mutex on every allocation (as the sink's store: the setting
     * takes only before SQLite's first use in the process). */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2(path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK
        || sqlite3_busy_timeout(self->db, 5000) != SQLITE_OK
        || use_incremental_vacuum(self) != 0
        || sqlite3_exec(self->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA journal_size_limit=67108864;", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(self->db, schema, NULL, NULL, NULL) != SQLITE_OK
        || add_spool_input(self) != 0
        || respell_files_check(self) != 0
        || sqlite3_prepare_v2(self->db, sql_lookup, -1, &self->lookup, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(self->db, sql_sent, -1, &self->sent, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(self->db, sql_acked, -1, &self->acked, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(self->db, sql_attempts, -1, &self->attempts, NULL) != SQLITE_OK) {
        buf_printf(&why, "cannot open producer state %s: %s", path,
                   self->error[0] ? self->error
                   : self->db     ? sqlite3_errmsg(self->db) : "out of memory");
        *error = buf_detach(&why);
        state_close(&self);
        return NULL;
    }
    return self;
}

static int flush(state_t *self);

void state_close(state_t **self_p)
{
    state_t *self = *self_p;
    if (!self)
        return;
    if (self->changes)
        flush(self);   /* refused: fail() said so, and there is no one left to tell */
    sqlite3_finalize(self->lookup);
    sqlite3_finalize(self->sent);
    sqlite3_finalize(self->acked);
    sqlite3_finalize(self->attempts);
    sqlite3_close(self->db);
    free(self->path);
    free(self);
    *self_p = NULL;
}

int state_failing(const state_t *self)
{
    return self->failing;
}

const char *state_fault(const state_t *self)
{
    return self->failing ? dbfault_name(self->fault) : "writable";
}

const char *state_path(const state_t *self)
{
    return self->path;
}

/* Runs a bound write statement inside the batch transaction: 0, or -1
 * (fail()) when it, or the BEGIN before it, failed, or the state is
 * failing already. */
static int write_step(state_t *self, sqlite3_stmt *stmt)
{
    if (self->failing) {
        sqlite3_reset(stmt);
        return -1;
    }
    if (!self->changes) {
        if (!sqlite3_get_autocommit(self->db))
            sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
        if (sqlite3_exec(self->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            note_error(self);
            sqlite3_reset(stmt);
            return fail(self);
        }
        self->opened = clock_ms();
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        note_error(self);
        sqlite3_reset(stmt);
        return fail(self);
    }
    sqlite3_reset(stmt);
    self->changes++;
    return 0;
}

/* Commits PROBE_BYTES and deletes them again, in two transactions. */
int state_probe(state_t *self, int64_t now, char **error)
{
    if (!self->failing)
        return reason(self, 0, error);
    if (now < self->next_probe)
        return reason(self, -1, error);
    if (!sqlite3_get_autocommit(self->db))
        sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
    char insert[160];
    snprintf(insert, sizeof insert, "INSERT INTO partial(name, bytes) VALUES ('state probe', "
             "zeroblob(%d))", PROBE_BYTES);
    if (sqlite3_exec(self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(self->db, insert, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(self->db, "DELETE FROM partial WHERE name = 'state probe'", NULL, NULL,
                        NULL) != SQLITE_OK) {
        note_error(self);
        return reason(self, fail(self), error);
    }
    self->failing = 0;
    log_debug("producer state probe committed path=%s", log_q(self->path));
    return reason(self, 0, error);
}

file_status_t state_lookup(state_t *self, const char *source, const file_stamp_t *stamp,
                           uint32_t *attempts)
{
    file_status_t status = FILE_NEW;
    *attempts = 0;
    sqlite3_bind_text(self->lookup, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->lookup, 2, stamp->size);
    sqlite3_bind_int64(self->lookup, 3, stamp->mtime_ns);
    if (sqlite3_step(self->lookup) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(self->lookup, 0);
        status = !strcmp(s, "sent") ? FILE_SENT : !strcmp(s, "done") ? FILE_DONE : FILE_DEAD;
        *attempts = (uint32_t)sqlite3_column_int64(self->lookup, 1);
        /* A file that could not be read is named by its path's hash, not
         * its content's. Its failure (permissions, --max-size, an I/O
         * error) may be over without the size or mtime changing (chmod,
         * a larger limit): reading it again is cheap, so it is always
         * read again rather than skipped as "unchanged". */
        const char *id = (const char *)sqlite3_column_text(self->lookup, 2);
        char unread[DOC_ID_LEN + 1];
        hash_doc_id(source, strlen(source), unread);
        if (status == FILE_DEAD && id && !strcmp(id, unread)) {
            status = FILE_NEW;
            *attempts = 0;
        }
    }
    sqlite3_reset(self->lookup);
    return status;
}

int state_mark_sent(state_t *self, const char *source, const file_stamp_t *stamp,
                    const char *id, uint32_t attempts, char **error)
{
    sqlite3_bind_text(self->sent, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->sent, 2, stamp->size);
    sqlite3_bind_int64(self->sent, 3, stamp->mtime_ns);
    sqlite3_bind_text(self->sent, 4, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->sent, 5, attempts);
    return reason(self, write_step(self, self->sent), error);
}

int state_mark_acked(state_t *self, const char *id, ack_status_t status, char **error)
{
    sqlite3_bind_text(self->acked, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->acked, 2, status == ACK_DEAD ? "dead" : "done", -1, SQLITE_STATIC);
    return reason(self, write_step(self, self->acked), error);
}

int state_note_attempts(state_t *self, const char *id, uint32_t attempts, char **error)
{
    sqlite3_bind_text(self->attempts, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->attempts, 2, attempts);
    return reason(self, write_step(self, self->attempts), error);
}

/* A read's own reason: SQLite's message, taken before anything replaces it. */
static int read_reason(state_t *self, char **error)
{
    if (error)
        *error = xstrdup(sqlite3_errmsg(self->db));
    read_failed(self);
    return -1;
}

int state_sources(state_t *self, const char *id,
                  void (*fn)(const char *source, void *ctx), void *ctx, char **error)
{
    if (error)
        *error = NULL;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, "SELECT source FROM files WHERE id = ?1 ORDER BY source",
                           -1, &stmt, NULL) != SQLITE_OK)
        return read_reason(self, error);
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        fn((const char *)sqlite3_column_text(stmt, 0), ctx);
        count++;
    }
    if (rc != SQLITE_DONE)
        count = read_reason(self, error);
    sqlite3_finalize(stmt);
    return count;
}

/* One-off statements: the spool is not on the hot path of file feeds.
 * A write that cannot even be prepared fails like one that ran (fail():
 * its transaction goes); a read that cannot is said, and the caller
 * gives its safe answer. */
static sqlite3_stmt *prepare_read(state_t *self, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        read_failed(self);
        return NULL;
    }
    return stmt;
}

static sqlite3_stmt *prepare_write(state_t *self, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (self->failing)
        return NULL;
    if (sqlite3_prepare_v2(self->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        note_error(self);
        fail(self);
        return NULL;
    }
    return stmt;
}

/* write_step for a one-off statement, which it finalizes. */
static int write_once(state_t *self, sqlite3_stmt *stmt)
{
    int rc = write_step(self, stmt);
    sqlite3_finalize(stmt);
    return rc;
}

int state_forget(state_t *self, const char *id, char **error)
{
    sqlite3_stmt *stmt = prepare_write(self, "DELETE FROM files WHERE id = ?1");
    if (!stmt)
        return reason(self, -1, error);
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    return reason(self, write_once(self, stmt), error);
}

static void bind_or_null(sqlite3_stmt *stmt, int index, const char *text)
{
    if (text)
        sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, index);
}

int state_spool_add(state_t *self, spool_input_t input, const char *id, const char *source,
                    const uint8_t *body, size_t len, const char *failure,
                    const doc_hints_t *hints, char **error)
{
    sqlite3_stmt *stmt = prepare_write(self, "INSERT INTO spool(id, source, body, error, title, "
                                       "published, author, lang, input) VALUES (?1, ?2, ?3, "
                                       "?4, ?5, ?6, ?7, ?8, ?9)");
    if (!stmt)
        return reason(self, -1, error);
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, source, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(stmt, 3, body ? (const void *)body : "", len, SQLITE_STATIC);
    bind_or_null(stmt, 4, failure);
    bind_or_null(stmt, 5, hints ? hints->title : NULL);
    bind_or_null(stmt, 6, hints ? hints->published : NULL);
    bind_or_null(stmt, 7, hints ? hints->author : NULL);
    bind_or_null(stmt, 8, hints ? hints->lang : NULL);
    bind_or_null(stmt, 9, input == SPOOL_SUBMISSION ? "submission" : NULL);
    return reason(self, write_once(self, stmt), error);
}

static char *column_or_null(sqlite3_stmt *stmt, int column)
{
    const char *text = (const char *)sqlite3_column_text(stmt, column);
    return text ? xstrdup(text) : NULL;
}

int state_spool_next(state_t *self, int64_t after, spooled_t *out)
{
    sqlite3_stmt *stmt = prepare_read(self, "SELECT seq, id, source, body, error, title, "
                                            "published, author, lang, input FROM spool "
                                            "WHERE seq > ?1 ORDER BY seq LIMIT 1");
    if (!stmt)
        return 0;
    sqlite3_bind_int64(stmt, 1, after);
    int found = sqlite3_step(stmt) == SQLITE_ROW;
    if (found) {
        *out = (spooled_t){ .seq = sqlite3_column_int64(stmt, 0) };
        snprintf(out->id, sizeof out->id, "%s", (const char *)sqlite3_column_text(stmt, 1));
        out->source = column_or_null(stmt, 2);
        out->len = (size_t)sqlite3_column_bytes(stmt, 3);
        out->body = xmalloc(out->len ? out->len : 1);
        if (out->len)
            memcpy(out->body, sqlite3_column_blob(stmt, 3), out->len);
        out->error = column_or_null(stmt, 4);
        out->hints.title = column_or_null(stmt, 5);
        out->hints.published = column_or_null(stmt, 6);
        out->hints.author = column_or_null(stmt, 7);
        out->hints.lang = column_or_null(stmt, 8);
        const char *input = (const char *)sqlite3_column_text(stmt, 9);
        out->input = input && !strcmp(input, "submission") ? SPOOL_SUBMISSION : SPOOL_LINE;
    }
    sqlite3_finalize(stmt);
    return found;
}

int state_spool_waiting(state_t *self, int64_t after, int limit)
{
    sqlite3_stmt *stmt = prepare_read(self, "SELECT count(*) FROM (SELECT 1 FROM spool WHERE "
                                            "seq > ?1 LIMIT ?2)");
    if (!stmt)
        return limit;
    sqlite3_bind_int64(stmt, 1, after);
    sqlite3_bind_int(stmt, 2, limit);
    int count = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : limit;
    sqlite3_finalize(stmt);
    return count;
}

void state_spooled_clear(spooled_t *doc)
{
    free(doc->source);
    free(doc->body);
    free(doc->error);
    doc_hints_clear(&doc->hints);
    *doc = (spooled_t){ 0 };
}

int state_spool_remove(state_t *self, const char *id, int64_t seq, char **error)
{
    sqlite3_stmt *stmt = prepare_write(self, "DELETE FROM spool WHERE id = ?1 AND seq <= ?2");
    if (!stmt)
        return reason(self, -1, error);
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, seq);
    return reason(self, write_once(self, stmt), error);
}

int state_partial_append(state_t *self, const char *name, const void *bytes, size_t len,
                         char **error)
{
    sqlite3_stmt *stmt = prepare_write(self, "INSERT INTO partial(name, bytes) VALUES (?1, ?2)");
    if (!stmt)
        return reason(self, -1, error);
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(stmt, 2, len ? bytes : "", len, SQLITE_STATIC);
    return reason(self, write_once(self, stmt), error);
}

void state_partial_load(state_t *self, const char *name, buf_t *out)
{
    sqlite3_stmt *stmt = prepare_read(self, "SELECT bytes FROM partial WHERE name = ?1 "
                                            "ORDER BY seq");
    if (!stmt)
        return;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        buf_append(out, sqlite3_column_blob(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0));
    if (rc != SQLITE_DONE)
        read_failed(self);
    sqlite3_finalize(stmt);
}

int state_partial_clear(state_t *self, const char *name, char **error)
{
    sqlite3_stmt *stmt = prepare_write(self, "DELETE FROM partial WHERE name = ?1");
    if (!stmt)
        return reason(self, -1, error);
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    return reason(self, write_once(self, stmt), error);
}

int64_t state_position(state_t *self, const char *name)
{
    sqlite3_stmt *stmt = prepare_read(self, "SELECT position FROM positions WHERE name = ?1");
    if (!stmt)
        return 0;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    int64_t position = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    return position;
}

int state_set_position(state_t *self, const char *name, int64_t position, char **error)
{
    sqlite3_stmt *stmt = prepare_write(self, "INSERT INTO positions(name, position) VALUES "
                                             "(?1, ?2) ON CONFLICT(name) DO UPDATE SET "
                                             "position = ?2");
    if (!stmt)
        return reason(self, -1, error);
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, position);
    return reason(self, write_once(self, stmt), error);
}

int state_note(state_t *self, const char *name, char *out, size_t size)
{
    if (size)
        out[0] = '\0';
    sqlite3_stmt *stmt = prepare_read(self, "SELECT value FROM notes WHERE name = ?1");
    if (!stmt)
        return -1;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(stmt) == SQLITE_ROW;
    if (found && size)
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return found ? 0 : -1;
}

int state_set_note(state_t *self, const char *name, const char *value, char **error)
{
    sqlite3_stmt *stmt = prepare_write(self, "INSERT INTO notes(name, value) VALUES (?1, ?2) "
                                             "ON CONFLICT(name) DO UPDATE SET value = ?2");
    if (!stmt)
        return reason(self, -1, error);
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
    return reason(self, write_once(self, stmt), error);
}

static int flush(state_t *self)
{
    if (self->failing)
        return -1;
    if (!self->changes)
        return 0;
    if (sqlite3_exec(self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        note_error(self);
        return fail(self);
    }
    self->changes = 0;
    written(self);
    return 0;
}

int state_flush(state_t *self, char **error)
{
    return reason(self, flush(self), error);
}

/* A file that no longer exists needs no row: the row only serves to
 * skip the file when a scan finds it again. Rows still 'sent' stay: their
 * document is in flight. Should the file come back, it is read again and
 * the sink answers "unchanged", so pruning can cost a read, never a row.
 * Returns -1 when a delete was refused (the state is failing then). */
static int prune_step(state_t *self)
{
    sqlite3_stmt *stmt = prepare_read(self, "SELECT rowid, source FROM files WHERE rowid > ?1 "
                                            "AND status != 'sent' ORDER BY rowid LIMIT ?2");
    if (!stmt)
        return 0;   /* a read: said, and nothing pruned this time */
    sqlite3_bind_int64(stmt, 1, self->prune_after);
    sqlite3_bind_int(stmt, 2, PRUNE_ROWS);
    int64_t gone[PRUNE_ROWS];
    int gone_count = 0, seen = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        seen++;
        self->prune_after = sqlite3_column_int64(stmt, 0);
        const char *source = (const char *)sqlite3_column_text(stmt, 1);
        struct stat st;
        if (source && stat(source, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
            gone[gone_count++] = self->prune_after;
    }
    sqlite3_finalize(stmt);
    if (seen < PRUNE_ROWS)
        self->prune_after = 0;   /* the end: start over next time */
    sqlite3_stmt *del = gone_count ? prepare_write(self, "DELETE FROM files WHERE rowid = ?1")
                                   : NULL;
    int deleted = 0, refused = gone_count && !del;   /* prepare_write failed */
    for (int i = 0; del && i < gone_count; i++) {
        sqlite3_bind_int64(del, 1, gone[i]);
        if (write_step(self, del) != 0) {
            refused = 1;
            break;
        }
        deleted++;
    }
    sqlite3_finalize(del);
    /* Only the deletes that went into the transaction count. */
    self->pruned += (uint64_t)deleted;
    return refused ? -1 : 0;
}

static int compact(state_t *self, int64_t now)
{
    if (self->failing)
        return -1;
    int rc = prune_step(self);
    if (now < self->next_vacuum)
        return rc;
    self->next_vacuum = now + VACUUM_MS;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA incremental_vacuum(%d)", VACUUM_PAGES);
    return exec(self, sql) < 0 ? -1 : rc;   /* at once -1 when the prune failed */
}

int state_compact(state_t *self, int64_t now, char **error)
{
    return reason(self, compact(self, now), error);
}

uint64_t state_pruned(const state_t *self)
{
    return self->pruned;
}

int state_tick(state_t *self, char **error)
{
    if (self->failing)
        return reason(self, -1, error);
    if (self->changes >= FLUSH_CHANGES
        || (self->changes && clock_ms() - self->opened >= FLUSH_MS))
        return state_flush(self, error);
    return reason(self, 0, error);
}
