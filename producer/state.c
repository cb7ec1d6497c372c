/* state: the producer's durable memory, in SQLite. See state.h. */
#include "state.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/hash.h"
#include "common/log.h"

enum { FLUSH_CHANGES = 500, FLUSH_MS = 200 };

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS files("
    "  source TEXT PRIMARY KEY NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  mtime_ns INTEGER NOT NULL,"
    "  id TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('sent', 'done', 'dead')),"
    "  attempts INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"
    "CREATE INDEX IF NOT EXISTS files_id ON files(id);";

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
    sqlite3 *db;
    sqlite3_stmt *lookup, *sent, *acked, *attempts;
    int changes;            /* writes in the open transaction */
    int64_t opened;         /* clock_ms() of its first write */
    int failed;             /* set once writing failed: logged, not repeated */
};

static int exec(state_t *self, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec(self->db, sql, NULL, NULL, &message) == SQLITE_OK)
        return 0;
    if (!self->failed)
        log_error("producer state cannot be written error=%s", log_q(message));
    self->failed = 1;
    sqlite3_free(message);
    return -1;
}

state_t *state_open(const char *path, char **error)
{
    state_t *self = xcalloc(1, sizeof(state_t));
    buf_t why = BUF_INIT;
    if (sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK
        || sqlite3_busy_timeout(self->db, 5000) != SQLITE_OK
        || sqlite3_exec(self->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(self->db, schema, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(self->db, sql_lookup, -1, &self->lookup, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(self->db, sql_sent, -1, &self->sent, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(self->db, sql_acked, -1, &self->acked, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(self->db, sql_attempts, -1, &self->attempts, NULL) != SQLITE_OK) {
        buf_printf(&why, "cannot open producer state %s: %s", path,
                   self->db ? sqlite3_errmsg(self->db) : "out of memory");
        *error = buf_detach(&why);
        state_close(&self);
        return NULL;
    }
    return self;
}

void state_close(state_t **self_p)
{
    state_t *self = *self_p;
    if (!self)
        return;
    if (self->changes)
        state_flush(self);
    sqlite3_finalize(self->lookup);
    sqlite3_finalize(self->sent);
    sqlite3_finalize(self->acked);
    sqlite3_finalize(self->attempts);
    sqlite3_close(self->db);
    free(self);
    *self_p = NULL;
}

/* Runs a bound write statement inside the batch transaction. */
static void write_step(state_t *self, sqlite3_stmt *stmt)
{
    if (!self->changes && exec(self, "BEGIN") == 0)
        self->opened = clock_ms();
    if (sqlite3_step(stmt) != SQLITE_DONE && !self->failed) {
        log_error("producer state cannot be written error=%s", log_q(sqlite3_errmsg(self->db)));
        self->failed = 1;
    }
    sqlite3_reset(stmt);
    self->changes++;
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

void state_mark_sent(state_t *self, const char *source, const file_stamp_t *stamp,
                     const char *id, uint32_t attempts)
{
    sqlite3_bind_text(self->sent, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->sent, 2, stamp->size);
    sqlite3_bind_int64(self->sent, 3, stamp->mtime_ns);
    sqlite3_bind_text(self->sent, 4, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->sent, 5, attempts);
    write_step(self, self->sent);
}

void state_mark_acked(state_t *self, const char *id, ack_status_t status)
{
    sqlite3_bind_text(self->acked, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->acked, 2, status == ACK_DEAD ? "dead" : "done", -1, SQLITE_STATIC);
    write_step(self, self->acked);
}

void state_note_attempts(state_t *self, const char *id, uint32_t attempts)
{
    sqlite3_bind_text(self->attempts, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->attempts, 2, attempts);
    write_step(self, self->attempts);
}

int state_sources(state_t *self, const char *id,
                  void (*fn)(const char *source, void *ctx), void *ctx)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, "SELECT source FROM files WHERE id = ?1 ORDER BY source",
                           -1, &stmt, NULL) != SQLITE_OK) {
        log_error("producer state cannot be read error=%s", log_q(sqlite3_errmsg(self->db)));
        return -1;
    }
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        fn((const char *)sqlite3_column_text(stmt, 0), ctx);
        count++;
    }
    if (rc != SQLITE_DONE) {
        log_error("producer state cannot be read error=%s", log_q(sqlite3_errmsg(self->db)));
        count = -1;
    }
    sqlite3_finalize(stmt);
    return count;
}

void state_forget(state_t *self, const char *id)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, "DELETE FROM files WHERE id = ?1", -1, &stmt, NULL)
        != SQLITE_OK) {
        log_error("producer state cannot be written error=%s", log_q(sqlite3_errmsg(self->db)));
        self->failed = 1;
        return;
    }
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    write_step(self, stmt);
    sqlite3_finalize(stmt);
}

int state_flush(state_t *self)
{
    if (!self->changes)
        return 0;
    self->changes = 0;
    return exec(self, "COMMIT");
}

int state_tick(state_t *self)
{
    if (self->changes >= FLUSH_CHANGES
        || (self->changes && clock_ms() - self->opened >= FLUSH_MS))
        return state_flush(self);
    return 0;
}
