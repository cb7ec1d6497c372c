/* store_fts: the full-text index's share of a transaction, handed to FTS5
 * at its end, in rowid order.
 *
 * FTS5 keeps the terms a transaction gives it in memory and writes them
 * out as one segment at the commit, unless it has to write them earlier:
 * at a savepoint (store_sql.c, the migrations 7 -> 8 and 8 -> 9), past
 * its memory budget (1 MB of terms), and whenever it is given a rowid
 * lower than the last one (its terms in memory are kept in rowid order).
 * New rows come in rowid order, but a batch's rewrites by a newer
 * extractor come in whatever order the workers finished them, among the
 * new rows: written as they came, nearly every rewrite cut the batch's
 * terms into one more segment, each to be merged again later.
 *
 * So a put queues its index work here (the entry a rewrite replaces, and
 * the row's new entry) and the store hands the queue to FTS5 before the
 * COMMIT, sorted by rowid, each row's work in the order it was queued
 * (a row inserted and rewritten in one batch: its first entry, deleted,
 * then its second). The texts are copies: an entry to delete is the
 * row's old text, which the row no longer holds by then, and a caller
 * may free a record once its put returns (the sink does not, but a
 * copy costs little beside what FTS5 then does with the text).
 *
 * The queue is the transaction's: emptied when it ends, either way, and
 * when the store rolls it back to write its puts again (store_write.c).
 *
 * Deferred indexing. FTS5 makes a segment of each transaction's entries,
 * and merges segments again later: a sink that commits 150-300 rows at a
 * time under load (as fast as results come) paid 10% more a row than at
 * 500. So store_commit_deferred may commit a transaction's rows and let
 * their new entries wait in this queue for the next commits', up to
 * STORE_FTS_GROUP entries or STORE_FTS_WAIT_MS, and write them as one
 * segment then. A waiting row is named in fts_pending, in the
 * transaction that commits it; the group's commit empties the table; a
 * store opened to write indexes whatever a crash left named there
 * (store.c). Only new entries wait: a rewrite's old entry is deleted with
 * the text it was made from, which the row no longer holds once
 * rewritten, so a transaction with one writes the whole queue. */
#include "sink/store_int.h"

#include <stdlib.h>
#include <string.h>

struct store_fts_op {
    int64_t rowid;
    size_t seq;                 /* queue order, for rows with several */
    int delete;                 /* 1: the entry of (title, body) goes */
    int waiting;                /* 1: its row is committed, named in fts_pending */
    char *title, *body;
};

static char *copy_or_null(store_t *self, const char *s)
{
    if (!s)
        return NULL;
    self->fts_bytes += strlen(s);
    return xstrdup(s);
}

static store_fts_op_t *push(store_t *self)
{
    if (self->fts_count == self->fts_capacity) {
        self->fts_capacity = self->fts_capacity ? self->fts_capacity * 2 : 256;
        self->fts = xrealloc(self->fts, self->fts_capacity * sizeof *self->fts);
    }
    store_fts_op_t *op = &self->fts[self->fts_count];
    memset(op, 0, sizeof *op);
    /* After the waiting ones, whatever their rowids: queue order. */
    op->seq = self->fts_count ? self->fts[self->fts_count - 1].seq + 1 : 0;
    self->fts_count++;
    return op;
}

void store_fts_index(store_t *self, int64_t rowid, const char *title, const char *body)
{
    store_fts_op_t *op = push(self);
    op->rowid = rowid;
    op->title = copy_or_null(self, title);
    op->body = copy_or_null(self, body);
}

void store_fts_unindex(store_t *self, int64_t rowid, sqlite3_value *title, sqlite3_value *body)
{
    store_fts_op_t *op = push(self);
    op->rowid = rowid;
    op->delete = 1;
    op->title = copy_or_null(self, (const char *)sqlite3_value_text(title));
    op->body = copy_or_null(self, (const char *)sqlite3_value_text(body));
}

/* Keeps the ops that pass keep (waiting, or none), in order; frees the
 * rest. */
static void drop(store_t *self, int keep_waiting)
{
    size_t kept = 0;
    for (size_t i = 0; i < self->fts_count; i++) {
        store_fts_op_t *op = &self->fts[i];
        if (keep_waiting && op->waiting) {
            self->fts[kept++] = *op;
            continue;
        }
        self->fts_bytes -= (op->title ? strlen(op->title) : 0) + (op->body ? strlen(op->body) : 0);
        free(op->title);
        free(op->body);
    }
    self->fts_count = kept;
    self->fts_waiting = kept;
    if (kept == 0)
        self->fts_since_ms = 0;
}

void store_fts_clear(store_t *self)
{
    drop(self, 1);
}

void store_fts_free(store_t *self)
{
    drop(self, 0);
    free(self->fts);
    self->fts = NULL;
    self->fts_capacity = 0;
}

static int by_seq(const void *a, const void *b)
{
    const store_fts_op_t *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_rowid(const void *a, const void *b)
{
    const store_fts_op_t *x = a, *y = b;
    if (x->rowid != y->rowid)
        return x->rowid < y->rowid ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int store_fts_write(store_t *self)
{
    if (self->fts_count == 0)
        return 0;   /* and no queue to sort: qsort wants an array */
    if (self->fts_waiting > 0 && store_run(self, self->stmt[SQL_PENDING_CLEAR],
                                           "emptying the rows waiting for their full-text entries") < 0) {
        drop(self, 1);
        return -1;
    }
    qsort(self->fts, self->fts_count, sizeof *self->fts, by_rowid);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < self->fts_count; i++) {
        const store_fts_op_t *op = &self->fts[i];
        sqlite3_stmt *stmt = self->stmt[op->delete ? SQL_FTS_DELETE : SQL_FTS_INSERT];
        if (sqlite3_bind_int64(stmt, 1, op->rowid) || store_bind_text(stmt, 2, op->title)
            || store_bind_text(stmt, 3, op->body))
            rc = store_fail_sqlite(self, "binding a full-text entry");
        else
            rc = store_run(self, stmt, op->delete ? "deleting a rewritten row's full-text entry"
                                                  : "indexing a document's text");
    }
    /* Written, the waiting entries go with the rest; not, they wait on
     * (the transaction that failed is rolled back, fts_pending with it).
     * Sorted, they are no longer first: queue order is restored. */
    if (rc < 0)
        qsort(self->fts, self->fts_count, sizeof *self->fts, by_seq);
    drop(self, rc < 0);
    return rc;
}

int store_fts_may_wait(const store_t *self, int64_t now_ms)
{
    if (self->fts_count == 0 || self->fts_count >= STORE_FTS_GROUP
        || self->fts_bytes >= STORE_FTS_BYTES
        || (self->fts_waiting > 0 && now_ms - self->fts_since_ms >= STORE_FTS_WAIT_MS))
        return 0;
    for (size_t i = self->fts_waiting; i < self->fts_count; i++)
        if (self->fts[i].delete)
            return 0;
    return 1;
}

int store_fts_record_waiting(store_t *self)
{
    sqlite3_stmt *stmt = self->stmt[SQL_PENDING_ADD];
    for (size_t i = self->fts_waiting; i < self->fts_count; i++) {
        if (sqlite3_bind_int64(stmt, 1, self->fts[i].rowid) != SQLITE_OK)
            return store_fail_sqlite(self, "naming a row whose full-text entry waits");
        if (store_run(self, stmt, "naming a row whose full-text entry waits") < 0)
            return -1;
    }
    return 0;
}

void store_fts_committed_waiting(store_t *self, int64_t now_ms)
{
    if (self->fts_waiting == 0)
        self->fts_since_ms = now_ms;
    for (size_t i = self->fts_waiting; i < self->fts_count; i++)
        self->fts[i].waiting = 1;
    self->fts_waiting = self->fts_count;
}
