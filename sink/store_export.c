/* store_export: every stored document, one at a time, as a record with
 * its entities and keywords, for `feedmill export`.
 *
 * One read transaction covers the whole walk, so the export is one
 * consistent moment of the database however long it takes while the
 * sink writes (WAL: the sink is not slowed; its WAL only waits to be
 * checkpointed until the export ends). Memory holds one document at a
 * time: rows go in rowid order, which needs no sort, and each
 * document's entities are read by their key, the document's rowid. */
#include "sink/store_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_documents[] =
    "SELECT id, source, kind, lang, title, published, author, body, simhash, keywords,\n"
    "       ingested_at, updated_at, near_duplicate_of, near_duplicate_distance,\n"
    "       extractor, attempts, worker, rowid, page_type\n"
    "  FROM documents\n"
    " WHERE (?1 IS NULL OR updated_at >= ?1) AND (?2 IS NULL OR updated_at < ?2)\n"
    "   AND (?3 IS NULL OR lang = ?3) AND (?4 IS NULL OR kind = ?4)\n"
    "   AND (?6 IS NULL OR page_type = ?6)\n"
    " ORDER BY rowid\n"
    " LIMIT ?5";

static const char sql_entities[] =
    "SELECT type, text, value, unit, offset FROM entities WHERE doc = ?1 ORDER BY ord";

static char *column_dup(sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    return text ? xstrdup((const char *)text) : NULL;
}

static const char *column_text(sqlite3_stmt *stmt, int column)
{
    return (const char *)sqlite3_column_text(stmt, column);
}

/* The keywords column holds a JSON array of strings (store_write.c
 * writes it); anything else yields none. */
static void add_keywords(record_t *r, const char *json)
{
    if (!json)
        return;
    json_t *array = json_loads(json, 0, NULL);
    size_t i;
    json_t *item;
    if (json_is_array(array))
        json_array_foreach(array, i, item)
            if (json_is_string(item))
                record_add_keyword(r, json_string_value(item));
    json_decref(array);
}

static void set_simhash(record_t *r, const char *hex)
{
    r->simhash = 0;
    if (hex && strlen(hex) == 16)
        r->simhash = strtoull(hex, NULL, 16);
}

static int add_entities(store_t *self, sqlite3_stmt *stmt, int64_t doc, record_t *r)
{
    if (sqlite3_bind_int64(stmt, 1, doc) != SQLITE_OK)
        return store_fail_sqlite(self, "reading entities");
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *type = column_text(stmt, 0), *text = column_text(stmt, 1);
        entity_t *e = record_add_entity(r, type ? type : "", text ? text : "",
                                        sqlite3_column_double(stmt, 2),
                                        sqlite3_column_type(stmt, 2) != SQLITE_NULL,
                                        column_text(stmt, 3));
        if (sqlite3_column_type(stmt, 4) == SQLITE_INTEGER && sqlite3_column_int64(stmt, 4) >= 0) {
            e->offset = (uint64_t)sqlite3_column_int64(stmt, 4);
            e->has_offset = 1;
        }
    }
    if (rc != SQLITE_DONE)
        store_fail_sqlite(self, "reading entities");
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The row under `docs` as a record with the columns beside it. */
static int read_row(store_t *self, sqlite3_stmt *docs, sqlite3_stmt *entities,
                    store_export_row_t *row)
{
    record_t *r = record_new();
    const char *id = column_text(docs, 0);
    snprintf(r->id, sizeof r->id, "%s", id ? id : "");
    r->source = column_dup(docs, 1);
    r->kind = column_dup(docs, 2);
    r->page_type = column_dup(docs, 18);
    r->lang = column_dup(docs, 3);
    r->title = column_dup(docs, 4);
    r->published = column_dup(docs, 5);
    r->author = column_dup(docs, 6);
    r->body = column_dup(docs, 7);
    set_simhash(r, column_text(docs, 8));
    add_keywords(r, column_text(docs, 9));
    *row = (store_export_row_t){
        .record = r,
        .ingested_at = column_text(docs, 10),
        .updated_at = column_text(docs, 11),
        .near_duplicate_of = column_text(docs, 12),
        .has_near_duplicate_distance = sqlite3_column_type(docs, 13) != SQLITE_NULL,
        .near_duplicate_distance = sqlite3_column_int(docs, 13),
        .extractor = sqlite3_column_int(docs, 14),
        .attempts = sqlite3_column_int64(docs, 15),
        .worker = column_text(docs, 16),
    };
    return add_entities(self, entities, sqlite3_column_int64(docs, 17), r);
}

static int keep_source(const char *source, void *ctx)
{
    store_export_row_t *row = ctx;
    row->sources = xrealloc(row->sources, (row->source_count + 1) * sizeof *row->sources);
    row->sources[row->source_count++] = xstrdup(source);
    return 0;
}

static void free_sources(store_export_row_t *row)
{
    for (size_t i = 0; i < row->source_count; i++)
        free(row->sources[i]);
    free(row->sources);
}

static long long export(store_t *self, const store_export_filter_t *filter,
                        int (*fn)(const store_export_row_t *row, void *ctx), void *ctx)
{
    sqlite3_stmt *docs = NULL, *entities = NULL;
    if (sqlite3_prepare_v2(self->db, sql_documents, -1, &docs, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(self->db, sql_entities, -1, &entities, NULL) != SQLITE_OK) {
        store_fail_sqlite(self, "preparing the export");
        sqlite3_finalize(docs);
        return -1;
    }
    if (store_bind_text(docs, 1, filter->since) || store_bind_text(docs, 2, filter->until)
        || store_bind_text(docs, 3, filter->lang) || store_bind_text(docs, 4, filter->kind)
        || sqlite3_bind_int64(docs, 5, filter->limit > 0 ? filter->limit : -1)
        || store_bind_text(docs, 6, filter->page_type)) {
        store_fail_sqlite(self, "binding the export's filter");
        sqlite3_finalize(docs);
        sqlite3_finalize(entities);
        return -1;
    }
    /* One snapshot for every statement of the walk. */
    if (store_run(self, self->stmt[SQL_SAVEPOINT], "export") < 0) {
        sqlite3_finalize(docs);
        sqlite3_finalize(entities);
        return -1;
    }
    long long count = 0;
    int rc;
    while ((rc = sqlite3_step(docs)) == SQLITE_ROW) {
        store_export_row_t row = { 0 };
        int failed = read_row(self, docs, entities, &row) < 0
                     || store_sources(self, row.record->id, keep_source, &row, NULL) < 0;
        int stop = !failed && fn(&row, ctx);
        record_destroy(&row.record);
        free_sources(&row);
        if (failed) {
            count = -1;
            break;
        }
        count++;
        if (stop)
            break;
    }
    if (count >= 0 && rc != SQLITE_ROW && rc != SQLITE_DONE) {
        store_fail_sqlite(self, "reading documents");
        count = -1;
    }
    sqlite3_finalize(docs);
    sqlite3_finalize(entities);
    if (count < 0 || store_run(self, self->stmt[SQL_RELEASE], "export") < 0) {
        store_savepoint_undo(self);
        return -1;
    }
    return count;
}

long long store_export(store_t *self, const store_export_filter_t *filter,
                       int (*fn)(const store_export_row_t *row, void *ctx), void *ctx,
                       char **error)
{
    long long count = export(self, filter, fn, ctx);
    store_reason(self, count < 0 ? -1 : 0, error);
    return count;
}
