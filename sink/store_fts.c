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
 * when the store rolls it back to write its puts again (store_write.c). */
#include "sink/store_int.h"

#include <stdlib.h>
#include <string.h>

struct store_fts_op {
    int64_t rowid;
    size_t seq;                 /* queue order, for rows with several */
    int delete;                 /* 1: the entry of (title, body) goes */
    char *title, *body;
};

static char *copy_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static store_fts_op_t *push(store_t *self)
{
    if (self->fts_count == self->fts_capacity) {
        self->fts_capacity = self->fts_capacity ? self->fts_capacity * 2 : 256;
        self->fts = xrealloc(self->fts, self->fts_capacity * sizeof *self->fts);
    }
    store_fts_op_t *op = &self->fts[self->fts_count];
    memset(op, 0, sizeof *op);
    op->seq = self->fts_count++;
    return op;
}

void store_fts_index(store_t *self, int64_t rowid, const char *title, const char *body)
{
    store_fts_op_t *op = push(self);
    op->rowid = rowid;
    op->title = copy_or_null(title);
    op->body = copy_or_null(body);
}

void store_fts_unindex(store_t *self, int64_t rowid, sqlite3_value *title, sqlite3_value *body)
{
    store_fts_op_t *op = push(self);
    op->rowid = rowid;
    op->delete = 1;
    op->title = copy_or_null((const char *)sqlite3_value_text(title));
    op->body = copy_or_null((const char *)sqlite3_value_text(body));
}

void store_fts_clear(store_t *self)
{
    for (size_t i = 0; i < self->fts_count; i++) {
        free(self->fts[i].title);
        free(self->fts[i].body);
    }
    self->fts_count = 0;
}

void store_fts_free(store_t *self)
{
    store_fts_clear(self);
    free(self->fts);
    self->fts = NULL;
    self->fts_capacity = 0;
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
    store_fts_clear(self);
    return rc;
}
