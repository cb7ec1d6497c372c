/* store_write: what the sink writes: documents, their entities and
 * near-duplicate links, and dead letters (see store.h for the rules of
 * idempotence: the same bytes never write twice).
 *
 * A put is several statements inside a savepoint, all or nothing inside
 * the caller's transaction; the near-duplicate candidates in memory
 * (sink/near.c) are undone with it. */
#include "sink/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

/* ---- documents ------------------------------------------------------- */

/* 1 with *extractor and *rowid when the id is stored, 0 when not, -1 on
 * error. */
static int stored_document(store_t *self, const char *id, int *extractor, int64_t *rowid)
{
    sqlite3_stmt *stmt = self->stmt[SQL_DOC_EXTRACTOR];
    if (store_bind_text(stmt, 1, id) != SQLITE_OK)
        return store_fail_sqlite(self, "looking up a document");
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *extractor = sqlite3_column_int(stmt, 0);
        *rowid = sqlite3_column_int64(stmt, 1);
    } else if (rc != SQLITE_DONE) {
        store_fail_sqlite(self, "looking up a document");
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void keywords_json(buf_t *out, const record_t *record)
{
    buf_reset(out);
    buf_putc(out, '[');
    for (size_t i = 0; i < record->keyword_count; i++) {
        if (i)
            buf_putc(out, ',');
        buf_put_json_string(out, record->keywords[i], strlen(record->keywords[i]));
    }
    buf_putc(out, ']');
}

/* ---- near-duplicates ------------------------------------------------- */

/* A document's near-duplicate link: the id it points to ("" for none). */
typedef struct {
    char id[DOC_ID_LEN + 1];
    int distance;
} link_t;

static int bind_link(sqlite3_stmt *stmt, int index, const link_t *link)
{
    if (!link->id[0])
        return sqlite3_bind_null(stmt, index) || sqlite3_bind_null(stmt, index + 1);
    return sqlite3_bind_text(stmt, index, link->id, -1, SQLITE_TRANSIENT)
           || sqlite3_bind_int(stmt, index + 1, link->distance);
}

/* The nearest document stored before `before` (a rowid) within
 * STORE_NEAR_DUPLICATE_BITS of simhash h, the earliest among equals
 * (near_find), into *link; link->id is "" when there is none. A
 * candidate whose row is gone is passed over for the next. */
static int nearest(store_t *self, uint64_t h, int64_t before, link_t *link)
{
    near_match_t match[NEAR_MAX_MATCHES];
    size_t n = near_find(self->near, h, before, match);
    sqlite3_stmt *stmt = self->stmt[SQL_NEAR_ID];
    link->id[0] = '\0';
    for (size_t i = 0; i < n && !link->id[0]; i++) {
        if (sqlite3_bind_int64(stmt, 1, match[i].doc)
            || sqlite3_bind_int64(stmt, 2, (sqlite3_int64)match[i].simhash))
            return store_fail_sqlite(self, "binding a near-duplicate");
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(stmt, 0);
            snprintf(link->id, sizeof link->id, "%s", id ? id : "");
            link->distance = match[i].distance;
        }
        sqlite3_reset(stmt);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return store_fail_sqlite(self, "finding a near-duplicate");
    }
    return 0;
}

/* 1 and the simhash stored for a row, 0 if it has none, -1 on error. */
static int stored_simhash(store_t *self, int64_t rowid, uint64_t *h)
{
    sqlite3_stmt *stmt = self->stmt[SQL_SIMHASH_GET];
    if (sqlite3_bind_int64(stmt, 1, rowid) != SQLITE_OK)
        return store_fail_sqlite(self, "reading a simhash");
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *h = (uint64_t)sqlite3_column_int64(stmt, 0);
    else if (rc != SQLITE_DONE)
        store_fail_sqlite(self, "reading a simhash");
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Records the simhash of row `rowid` in simhashes and in the candidates
 * (an update takes the old one out first). */
static int put_simhash(store_t *self, int64_t rowid, uint64_t h)
{
    uint64_t old = 0;
    int had = stored_simhash(self, rowid, &old);
    if (had < 0)
        return -1;
    sqlite3_stmt *stmt = self->stmt[SQL_SIMHASH_PUT];
    if (sqlite3_bind_int64(stmt, 1, rowid) || sqlite3_bind_int64(stmt, 2, (sqlite3_int64)h))
        return store_fail_sqlite(self, "binding a simhash");
    if (store_run(self, stmt, "writing a simhash") < 0)
        return -1;
    if (had)
        near_remove(self->near, rowid, old);
    near_add(self->near, rowid, h);
    return 0;
}

/* After an update changed the simhash of `id`, the documents linked to
 * it are linked again (to it, to another earlier one, or to none), so
 * every stored distance is one between stored simhashes. Their ids are
 * read first: relinking writes the column the read goes by. */
static int relink_linked_to(store_t *self, const char *id)
{
    sqlite3_stmt *stmt = self->stmt[SQL_NEAR_LINKED_TO];
    if (store_bind_text(stmt, 1, id) != SQLITE_OK)
        return store_fail_sqlite(self, "reading near-duplicate links");
    struct linked { char id[DOC_ID_LEN + 1]; int64_t rowid; } *docs = NULL;
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *linked = (const char *)sqlite3_column_text(stmt, 0);
        docs = xrealloc(docs, (count + 1) * sizeof *docs);
        snprintf(docs[count].id, sizeof docs[count].id, "%s", linked ? linked : "");
        docs[count++].rowid = sqlite3_column_int64(stmt, 1);
    }
    if (rc != SQLITE_DONE)
        store_fail_sqlite(self, "reading near-duplicate links");
    sqlite3_reset(stmt);
    int result = rc == SQLITE_DONE ? 0 : -1;
    sqlite3_stmt *set = self->stmt[SQL_NEAR_SET];
    for (size_t i = 0; i < count && result == 0; i++) {
        uint64_t h = 0;
        link_t link = { "", 0 };
        int has = stored_simhash(self, docs[i].rowid, &h);
        if (has < 0 || (has && nearest(self, h, docs[i].rowid, &link) < 0)) {
            result = -1;
            break;
        }
        if (store_bind_text(set, 1, docs[i].id) || bind_link(set, 2, &link))
            result = store_fail_sqlite(self, "binding a near-duplicate");
        else
            result = store_run(self, set, "linking a near-duplicate");
    }
    free(docs);
    return result;
}

/* ---- documents ------------------------------------------------------- */

/* Runs SQL_DOC_INSERT or SQL_DOC_UPDATE, which share their parameters. */
static int write_document(store_t *self, int which, const record_t *r, int extractor,
                          uint32_t attempts, const char *worker, const link_t *link)
{
    sqlite3_stmt *stmt = self->stmt[which];
    char simhash[17];
    record_simhash_hex(r, simhash);
    keywords_json(&self->scratch, r);
    if (store_bind_text(stmt, 1, r->id) || store_bind_source(stmt, 2, r->source)
        || store_bind_text(stmt, 3, r->kind) || store_bind_text(stmt, 4, r->title)
        || store_bind_text(stmt, 5, r->published) || store_bind_text(stmt, 6, r->author)
        || store_bind_text(stmt, 7, r->lang) || store_bind_text(stmt, 8, r->body)
        || store_bind_text(stmt, 9, simhash)
        || store_bind_text(stmt, 10, buf_str(&self->scratch))
        || sqlite3_bind_int(stmt, 11, extractor)
        || sqlite3_bind_int64(stmt, 12, attempts)
        || store_bind_text(stmt, 13, worker)
        || bind_link(stmt, 14, link)
        || store_bind_text(stmt, 16, r->page_type))
        return store_fail_sqlite(self, "binding a document");
    if (store_run(self, stmt, "writing a document") < 0)
        return -1;
    /* The lookup just found (or did not find) this id in this
     * transaction, so exactly one row was written. */
    if (sqlite3_changes(self->db) != 1)
        return store_fail(self, "writing a document: %d rows changed, expected 1",
                    sqlite3_changes(self->db));
    return 0;
}

/* A row's full-text entry, written by the store and not by a trigger
 * (the migrations 7 -> 8 and 8 -> 9 say why), at the commit
 * (store_fts.c says why). */
static void index_document(store_t *self, int64_t rowid, const record_t *r)
{
    store_fts_index(self, rowid, r->title, r->body);
}

/* A document's entities, keyed by its rowid (doc). */
static int write_entities(store_t *self, const record_t *r, int64_t doc)
{
    sqlite3_stmt *stmt = self->stmt[SQL_ENTITY_INSERT];
    for (size_t i = 0; i < r->entity_count; i++) {
        const entity_t *e = &r->entities[i];
        if (store_bind_text(stmt, 1, r->id) || store_bind_text(stmt, 2, e->type)
            || store_bind_text(stmt, 3, e->text)
            || (e->has_value ? sqlite3_bind_double(stmt, 4, e->value)
                             : sqlite3_bind_null(stmt, 4))
            || store_bind_text(stmt, 5, e->unit)
            || sqlite3_bind_int64(stmt, 6, (sqlite3_int64)i)
            || (e->has_offset && e->offset <= INT64_MAX
                    ? sqlite3_bind_int64(stmt, 7, (sqlite3_int64)e->offset)
                    : sqlite3_bind_null(stmt, 7))
            || sqlite3_bind_int64(stmt, 8, doc))
            return store_fail_sqlite(self, "binding an entity");
        if (store_run(self, stmt, "writing an entity") < 0)
            return -1;
    }
    return 0;
}

static int same_text(const unsigned char *a, const char *b)
{
    return a ? b && !strcmp((const char *)a, b) : !b;
}

/* A row about to be rewritten: its full-text entry goes, deleted with
 * the text it was made from, unless the rewrite keeps title and body
 * (a newer extractor often changes only metadata). *kept says which, so
 * the caller indexes the new text only when the old entry went. */
static int unindex_document(store_t *self, int64_t rowid, const record_t *r, int *kept)
{
    sqlite3_stmt *old = self->stmt[SQL_FTS_OLD];
    if (sqlite3_bind_int64(old, 1, rowid) != SQLITE_OK)
        return store_fail_sqlite(self, "binding a rewritten row's old text");
    int rc = sqlite3_step(old);
    if (rc != SQLITE_ROW) {
        int failed = rc == SQLITE_DONE
                         ? store_fail(self, "reading a rewritten row's old text: no row")
                         : store_fail_sqlite(self, "reading a rewritten row's old text");
        sqlite3_reset(old);
        return failed;
    }
    const unsigned char *title = sqlite3_column_text(old, 0), *body = sqlite3_column_text(old, 1);
    *kept = same_text(title, r->title) && same_text(body, r->body);
    if (!*kept)
        store_fts_unindex(self, rowid, sqlite3_column_value(old, 0), sqlite3_column_value(old, 1));
    sqlite3_reset(old);
    return 0;
}

static int delete_entities(store_t *self, int64_t doc)
{
    sqlite3_stmt *stmt = self->stmt[SQL_ENTITIES_DELETE];
    if (sqlite3_bind_int64(stmt, 1, doc) != SQLITE_OK)
        return store_fail_sqlite(self, "replacing entities");
    return store_run(self, stmt, "replacing entities");
}

static int delete_by_id(store_t *self, int which, const char *id, const char *what)
{
    sqlite3_stmt *stmt = self->stmt[which];
    if (store_bind_text(stmt, 1, id) != SQLITE_OK)
        return store_fail_sqlite(self, what);
    return store_run(self, stmt, what);
}

/* A file the producer could not read (permissions, size limit, I/O
 * error) has no content hash: its dead letter is named by the SHA-256 of
 * its source (proto/README.md). Once content from that source is stored
 * or dead-lettered under its own id, that dead letter describes a
 * failure that is over and goes, so the file is one row, not two. */
static int clear_unread_letter(store_t *self, const char *id, const char *source)
{
    if (!source)
        return 0;
    char unread[DOC_ID_LEN + 1];
    hash_doc_id(source, strlen(source), unread);
    if (!strcmp(unread, id))
        return 0;
    return delete_by_id(self, SQL_DEAD_DELETE, unread, "clearing an unread file's dead letter");
}

/* Another source of a stored document: 1 when it is new to it, 0 when
 * it was known (its first, documents.source, or another), -1 on error.
 * The source is bound in its printable form, as documents.source. */
static int add_source(store_t *self, const char *id, const char *source)
{
    sqlite3_stmt *first = self->stmt[SQL_SOURCE_FIRST];
    if (store_bind_text(first, 1, id) || store_bind_source(first, 2, source))
        return store_fail_sqlite(self, "binding a source");
    int rc = sqlite3_step(first);
    int failed = rc != SQLITE_ROW && rc != SQLITE_DONE
                     ? store_fail_sqlite(self, "reading a document's first source") : 0;
    sqlite3_reset(first);
    if (failed)
        return -1;
    if (rc == SQLITE_ROW)
        return 0;
    sqlite3_stmt *stmt = self->stmt[SQL_SOURCE_ADD];
    if (store_bind_text(stmt, 1, id) || store_bind_source(stmt, 2, source))
        return store_fail_sqlite(self, "binding a source");
    if (store_run(self, stmt, "writing a source") < 0)
        return -1;
    return sqlite3_changes(self->db) == 1;
}

/* A new row is linked to the nearest document stored before it; a
 * rewritten one to the nearest stored before its first arrival (its
 * rowid), and then the rows linked to it are linked again. */
static store_result_t put_document(store_t *self, const record_t *r,
                                   int extractor, uint32_t attempts, const char *worker)
{
    int stored = 0;
    int64_t rowid = 0;
    link_t link;
    store_result_t result;
    switch (stored_document(self, r->id, &stored, &rowid)) {
    case 0:
        if (nearest(self, r->simhash, INT64_MAX, &link) < 0
            || write_document(self, SQL_DOC_INSERT, r, extractor, attempts, worker, &link) < 0)
            return STORE_ERROR;
        rowid = sqlite3_last_insert_rowid(self->db);
        index_document(self, rowid, r);
        if (put_simhash(self, rowid, r->simhash) < 0)
            return STORE_ERROR;   /* its source is documents.source: its first */
        result = STORE_NEW;
        break;
    case 1:
        /* Same bytes, so the same document: only a newer extractor has
         * anything to add to the row, and the source to its sources.
         * Anything else must not touch the row. */
        if (stored >= extractor) {
            switch (add_source(self, r->id, r->source)) {
            case 1: return STORE_NEW_SOURCE;
            case 0: return STORE_UNCHANGED;
            default: return STORE_ERROR;
            }
        }
        int kept = 0;
        if (nearest(self, r->simhash, rowid, &link) < 0
            || unindex_document(self, rowid, r, &kept) < 0
            || write_document(self, SQL_DOC_UPDATE, r, extractor, attempts, worker, &link) < 0)
            return STORE_ERROR;
        if (!kept)
            index_document(self, rowid, r);
        if (delete_entities(self, rowid) < 0
            || put_simhash(self, rowid, r->simhash) < 0
            || relink_linked_to(self, r->id) < 0
            || add_source(self, r->id, r->source) < 0)
            return STORE_ERROR;
        result = STORE_UPDATED;
        break;
    default:
        return STORE_ERROR;
    }
    if (write_entities(self, r, rowid) < 0)
        return STORE_ERROR;
    if (self->dead_letters_present
        && (delete_by_id(self, SQL_DEAD_DELETE, r->id, "clearing a dead letter") < 0
            || clear_unread_letter(self, r->id, r->source) < 0))
        return STORE_ERROR;
    return result;
}

/* ---- puts and their undo ---------------------------------------------- */

/* Why a put inside a transaction has no savepoint of its own: measured,
 * a SAVEPOINT and RELEASE around each document cost a tenth of the
 * sink's time and more (each page a put touches is first copied to the
 * statement journal, to be able to undo it). So a put runs bare, and is
 * remembered; if one fails for a reason of its own (a record the
 * database refuses, not the disk), the transaction is rolled back and
 * every put before it written again, which leaves it as if the failed
 * put had never run. Records are checked before they get here, so that
 * nearly never happens. A failure of the disk is left as it is: the
 * sink rolls the transaction back and writes its batch again later.
 * Outside a transaction, a put is its own, in a savepoint. */

void store_puts_clear(store_t *self)
{
    for (size_t i = 0; i < self->put_count; i++) {
        store_put_t *p = &self->puts[i];
        free(p->worker);
        free(p->id);
        free(p->source);
        free(p->error);
    }
    self->put_count = 0;
    store_fts_clear(self);
}

static void remember_put(store_t *self, store_put_t put)
{
    if (self->put_count == self->put_capacity) {
        self->put_capacity = self->put_capacity ? self->put_capacity * 2 : 64;
        self->puts = xrealloc(self->puts, self->put_capacity * sizeof *self->puts);
    }
    self->puts[self->put_count++] = put;
}

static char *copy_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static store_result_t put_dead_letter(store_t *self, const char *id, const char *source,
                                      const char *error, uint32_t attempts);
static store_result_t put_source(store_t *self, const char *id, const char *source);

/* Rolls the transaction back and writes the remembered puts again, after
 * a put failed for a reason of its own. The failure stays the message.
 * If the transaction cannot be rebuilt, that is the disk's doing (the
 * same puts went in a moment ago): the error then says so and counts as
 * an I/O fault, for the sink to hold its batch and write it again. */
static void undo_failed_put(store_t *self)
{
    buf_t why = self->error;
    int code = self->error_code, os_errno = self->error_errno;
    self->error = (buf_t)BUF_INIT;
    near_undo(self->near, 0);
    store_fts_clear(self);   /* the puts queue it again */
    int ok = store_run(self, self->stmt[SQL_ROLLBACK], "rollback") == 0
             && store_run(self, self->stmt[SQL_BEGIN], "begin") == 0;
    self->dead_letters_present = 1;   /* whatever the rollback took */
    for (size_t i = 0; ok && i < self->put_count; i++) {
        const store_put_t *p = &self->puts[i];
        store_result_t r = p->record ? put_document(self, p->record, p->extractor,
                                                    p->attempts, p->worker)
                           : p->is_source ? put_source(self, p->id, p->source)
                           : put_dead_letter(self, p->id, p->source, p->error, p->attempts);
        ok = r != STORE_ERROR;
    }
    if (ok) {
        buf_free(&self->error);
        self->error = why;
        self->error_code = code;
        self->error_errno = os_errno;
        return;
    }
    buf_printf(&why, " (and writing the transaction again failed: %s)", buf_str(&self->error));
    int fault = store_fault(self) != STORE_FAULT_NONE;
    buf_free(&self->error);
    self->error = why;
    if (!fault) {
        self->error_code = SQLITE_IOERR;
        self->error_errno = 0;
    }
}

/* Names the document in the error: the sink logs this line. */
static void name_document(store_t *self, const char *id)
{
    buf_t message = BUF_INIT;
    buf_printf(&message, "document %s: %s", id, buf_str(&self->error));
    buf_free(&self->error);
    self->error = message;
}

static store_result_t put_document_undoable(store_t *self, const record_t *record,
                                            int extractor, uint32_t attempts, const char *worker)
{
    if (!record->id[0])
        return store_fail(self, "document without an id");
    if (sqlite3_get_autocommit(self->db)) {
        if (store_run(self, self->stmt[SQL_SAVEPOINT], "savepoint") < 0)
            return STORE_ERROR;
        size_t mark = near_mark(self->near);
        store_result_t result = put_document(self, record, extractor, attempts, worker);
        if (result != STORE_ERROR && store_fts_write(self) < 0)
            result = STORE_ERROR;
        if (result == STORE_ERROR)
            name_document(self, record->id);
        if (result == STORE_ERROR
            || store_run(self, self->stmt[SQL_RELEASE], "release") < 0) {
            store_fts_clear(self);
            store_savepoint_undo(self);
            near_undo(self->near, mark);
            return STORE_ERROR;
        }
        return result;
    }
    store_result_t result = put_document(self, record, extractor, attempts, worker);
    if (result == STORE_ERROR) {
        name_document(self, record->id);
        if (store_fault(self) == STORE_FAULT_NONE)
            undo_failed_put(self);
        return STORE_ERROR;
    }
    if (result != STORE_UNCHANGED)
        remember_put(self, (store_put_t){ .record = record, .extractor = extractor,
                                          .attempts = attempts,
                                          .worker = copy_or_null(worker) });
    return result;
}

store_result_t store_put_document(store_t *self, const record_t *record,
                                  int extractor, uint32_t attempts, const char *worker,
                                  char **error)
{
    store_result_t result = put_document_undoable(self, record, extractor, attempts, worker);
    return (store_result_t)store_reason(self, result, error);
}

/* ---- dead letters ---------------------------------------------------- */

static store_result_t put_dead_letter_undoable(store_t *self, const char *id,
                                               const char *source, const char *error,
                                               uint32_t attempts)
{
    if (!id || !*id)
        return store_fail(self, "dead letter without an id");
    if (sqlite3_get_autocommit(self->db)) {
        if (store_run(self, self->stmt[SQL_SAVEPOINT], "savepoint") < 0)
            return STORE_ERROR;
        store_result_t result = put_dead_letter(self, id, source, error, attempts);
        if (result == STORE_ERROR
            || store_run(self, self->stmt[SQL_RELEASE], "release") < 0) {
            store_savepoint_undo(self);
            return STORE_ERROR;
        }
        return result;
    }
    store_result_t result = put_dead_letter(self, id, source, error, attempts);
    if (result == STORE_ERROR) {
        if (store_fault(self) == STORE_FAULT_NONE)
            undo_failed_put(self);
        return STORE_ERROR;
    }
    if (result == STORE_DEAD)
        remember_put(self, (store_put_t){ .attempts = attempts, .id = xstrdup(id),
                                          .source = copy_or_null(source),
                                          .error = copy_or_null(error) });
    return result;
}

store_result_t store_put_dead_letter(store_t *self, const char *id,
                                     const char *source, const char *failure,
                                     uint32_t attempts, char **error)
{
    store_result_t result = put_dead_letter_undoable(self, id, source, failure, attempts);
    return (store_result_t)store_reason(self, result, error);
}

static store_result_t put_dead_letter(store_t *self, const char *id, const char *source,
                                      const char *error, uint32_t attempts)
{
    int stored = 0;
    int64_t rowid;
    switch (stored_document(self, id, &stored, &rowid)) {
    case 1:
        return STORE_UNCHANGED;  /* a late failure of a duplicate attempt */
    case 0:
        break;
    default:
        return STORE_ERROR;
    }
    sqlite3_stmt *stmt = self->stmt[SQL_DEAD_UPSERT];
    if (store_bind_text(stmt, 1, id) || store_bind_source(stmt, 2, source)
        || store_bind_text(stmt, 3, error ? error : "unknown error")
        || sqlite3_bind_int64(stmt, 4, attempts))
        return store_fail_sqlite(self, "binding a dead letter");
    self->dead_letters_present = 1;
    if (store_run(self, stmt, "writing a dead letter") < 0
        || clear_unread_letter(self, id, source) < 0)
        return STORE_ERROR;
    return STORE_DEAD;
}

/* ---- sources ---------------------------------------------------------- */

static store_result_t put_source(store_t *self, const char *id, const char *source)
{
    int stored = 0;
    int64_t rowid;
    switch (stored_document(self, id, &stored, &rowid)) {
    case 0:
        return STORE_MISSING;
    case 1:
        break;
    default:
        return STORE_ERROR;
    }
    switch (add_source(self, id, source)) {
    case 1: return STORE_NEW_SOURCE;
    case 0: return STORE_UNCHANGED;
    default: return STORE_ERROR;
    }
}

static store_result_t put_source_undoable(store_t *self, const char *id, const char *source)
{
    if (!id || !*id || !source || !*source)
        return store_fail(self, "source without an id or a source");
    if (sqlite3_get_autocommit(self->db)) {
        /* One statement writes: it is all or nothing by itself. */
        return put_source(self, id, source);
    }
    store_result_t result = put_source(self, id, source);
    if (result == STORE_ERROR) {
        if (store_fault(self) == STORE_FAULT_NONE)
            undo_failed_put(self);
        return STORE_ERROR;
    }
    if (result == STORE_NEW_SOURCE)
        remember_put(self, (store_put_t){ .is_source = 1, .id = xstrdup(id),
                                          .source = xstrdup(source) });
    return result;
}

store_result_t store_put_source(store_t *self, const char *id, const char *source, char **error)
{
    return (store_result_t)store_reason(self, put_source_undoable(self, id, source), error);
}
