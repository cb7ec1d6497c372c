/* test_store: sink/store.c against real SQLite files.
 *
 * Each test works in its own file under one mkdtemp directory, removed at
 * the end. What the store wrote is checked with a second, raw SQLite
 * connection, the way users and `sqlite3` see the file. */
#include "sink/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/hash.h"
#include "testing.h"

/* A fresh database path for one test. */
static const char *db_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s.db", testing_dir(), name);
    return path;
}

/* ---- raw SQL, as a user would type it ------------------------------- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK) {
        fprintf(stderr, "FAIL: raw open %s: %s\n", path, sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

/* First column of the first row as text ("" for NULL or no row), or
 * "ERROR: ..." so a failing query shows in CHECK_STR output. */
static const char *raw_text(sqlite3 *db, const char *sql)
{
    static char out[512];
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "ERROR: %s", sqlite3_errmsg(db));
        return out;
    }
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(stmt, 0));
    else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        out[0] = '\0';
    else
        snprintf(out, sizeof out, "ERROR: %s", sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    return out;
}

static long long raw_int(sqlite3 *db, const char *sql)
{
    const char *text = raw_text(db, sql);
    if (strncmp(text, "ERROR", 5) == 0) {
        testing_fail(__FILE__, __LINE__, sql, text);
        return -1;
    }
    return atoll(text);
}

static int raw_exec(sqlite3 *db, const char *sql)
{
    char *message = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &message);
    if (rc != SQLITE_OK)
        testing_fail(__FILE__, __LINE__, sql, message);
    sqlite3_free(message);
    return rc;
}

/* Checks the FTS index against the documents table, entry by entry. */
static void check_fts_in_sync(const char *path)
{
    sqlite3 *db = raw_open(path);
    CHECK(raw_exec(db, "INSERT INTO documents_fts(documents_fts, rank) "
                       "VALUES ('integrity-check', 1)") == SQLITE_OK);
    sqlite3_close(db);
}

/* ---- records --------------------------------------------------------- */

/* A record whose id is the hash of `seed`, like a real document's. */
static record_t *make_record(const char *seed, const char *title, const char *body)
{
    record_t *r = record_new();
    hash_doc_id(seed, strlen(seed), r->id);
    r->source = xstrdup(seed);
    r->kind = xstrdup("text");
    r->lang = xstrdup("ko");
    r->title = title ? xstrdup(title) : NULL;
    r->body = body ? xstrdup(body) : NULL;
    r->simhash = 0x0123456789abcdefULL;
    return r;
}

static int expect_open_error(const char *path, store_mode_t mode, const char *want)
{
    char *error = NULL;
    store_t *store = store_open(path, mode, &error);
    int ok = store == NULL && error && strstr(error, want);
    if (!ok)
        testing_fail_str(__FILE__, __LINE__, "open error", error, want);
    else
        testing_passed++;
    store_close(&store);
    free(error);
    return ok;
}

static store_t *open_or_die(const char *path, store_mode_t mode)
{
    char *error = NULL;
    store_t *store = store_open(path, mode, &error);
    if (!store) {
        fprintf(stderr, "FAIL: store_open %s: %s\n", path, error);
        exit(1);
    }
    CHECK(error == NULL);
    return store;
}

static void pause_ms(long ms)
{
    struct timespec ts = { 0, ms * 1000000L };
    nanosleep(&ts, NULL);
}

/* Takes a current (version 4) file back to version 3's tables (its band
 * rows left empty: only downgrade_to_2 uses this, which drops them). */
/* Takes a current file back to version 7: full text written by a
 * trigger on insert. */
/* Takes a current file back to version 9: FTS5's default hashsize. */
/* Takes a current file back to version 10: no table of waiting rows. */
static void downgrade_to_10(sqlite3 *db)
{
    raw_exec(db, "DROP TABLE fts_pending; PRAGMA user_version = 10;");
}

static void downgrade_to_9(sqlite3 *db)
{
    downgrade_to_10(db);
    raw_exec(db, "DELETE FROM documents_fts_config WHERE k = 'hashsize'; PRAGMA user_version = 9;");
}

/* Takes a current file back to version 8: a trigger replaces a
 * rewritten row's full-text entry. */
static void downgrade_to_8(sqlite3 *db)
{
    downgrade_to_9(db);
    raw_exec(db,
             "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, body ON documents BEGIN\n"
             "    INSERT INTO documents_fts(documents_fts, rowid, title, body)\n"
             "    VALUES ('delete', old.rowid, old.title, old.body);\n"
             "    INSERT INTO documents_fts(rowid, title, body)\n"
             "    VALUES (new.rowid, new.title, new.body);\n"
             "END;\n"
             "PRAGMA user_version = 8;");
}

static void downgrade_to_7(sqlite3 *db)
{
    downgrade_to_8(db);
    raw_exec(db,
             "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN\n"
             "    INSERT INTO documents_fts(rowid, title, body)\n"
             "    VALUES (new.rowid, new.title, new.body);\n"
             "END;\n"
             "PRAGMA user_version = 7;");
}

/* Takes a current file back to version 6: no page types. */
static void downgrade_to_6(sqlite3 *db)
{
    downgrade_to_7(db);
    raw_exec(db, "ALTER TABLE documents DROP COLUMN page_type; PRAGMA user_version = 6;");
}

/* Takes a current file back to version 5: entities keyed by rowid,
 * with an index on doc_id and a foreign key. */
static void downgrade_to_5(sqlite3 *db)
{
    downgrade_to_6(db);
    raw_exec(db,
             "DROP TRIGGER documents_entities_delete;\n"
             "CREATE TABLE entities_5 (\n"
             "    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
             "    type TEXT NOT NULL, text TEXT NOT NULL, value REAL, unit TEXT,\n"
             "    ord INTEGER NOT NULL, offset INTEGER);\n"
             "INSERT INTO entities_5 SELECT doc_id, type, text, value, unit, ord, offset\n"
             "  FROM entities ORDER BY doc, ord;\n"
             "DROP TABLE entities;\n"
             "ALTER TABLE entities_5 RENAME TO entities;\n"
             "CREATE INDEX entities_doc ON entities(doc_id);\n"
             "CREATE INDEX entities_value ON entities(type, unit, value);\n"
             "PRAGMA user_version = 5;");
}

/* Takes a current file back to version 4, as written by a feedmill
 * before document_sources. */
static void downgrade_to_4(sqlite3 *db)
{
    downgrade_to_5(db);
    raw_exec(db, "DROP VIEW document_sources; DROP TABLE other_sources; PRAGMA user_version = 4;");
}

static void downgrade_to_3(sqlite3 *db)
{
    downgrade_to_4(db);
    raw_exec(db,
             "DROP TRIGGER documents_simhash_delete;\n"
             "DROP TABLE simhashes;\n"
             "CREATE TABLE simhash_bands (band INTEGER NOT NULL, value INTEGER NOT NULL,\n"
             "    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
             "    rank INTEGER NOT NULL, PRIMARY KEY (band, value, doc_id)) WITHOUT ROWID;\n"
             "INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 4);\n"
             "PRAGMA user_version = 3;");
}

/* Takes a current file back to version 2, as written by a feedmill
 * before near-duplicates and entity offsets. */
static void downgrade_to_2(sqlite3 *db)
{
    downgrade_to_3(db);
    raw_exec(db,
             "DROP INDEX documents_near_duplicate;\n"
             "ALTER TABLE documents DROP COLUMN near_duplicate_of;\n"
             "ALTER TABLE documents DROP COLUMN near_duplicate_distance;\n"
             "DROP TABLE simhash_bands;\n"
             "ALTER TABLE entities DROP COLUMN offset;\n"
             "DROP TRIGGER documents_fts_update;\n"
             "CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents BEGIN\n"
             "    INSERT INTO documents_fts(documents_fts, rowid, title, body)\n"
             "    VALUES ('delete', old.rowid, old.title, old.body);\n"
             "    INSERT INTO documents_fts(rowid, title, body)\n"
             "    VALUES (new.rowid, new.title, new.body);\n"
             "END;\n"
             "PRAGMA user_version = 2;");
}

/* ---- open and schema ------------------------------------------------ */

static void test_fresh_open_and_reopen(void)
{
    const char *path = db_path("fresh");
    store_t *store = open_or_die(path, STORE_READWRITE);
    char *error = (char *)"stale";   /* a success sets it to NULL, frees nothing */
    int64_t rows = -1;
    CHECK(store_count(store, STORE_DOCUMENTS, &rows, &error) == 0 && rows == 0);
    CHECK(error == NULL);
    store_close(&store);
    CHECK(store == NULL);
    store_close(&store);  /* closing twice is harmless */

    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK_STR(raw_text(db, "PRAGMA journal_mode"), "wal");
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                      "('documents', 'entities', 'dead_letters', 'documents_fts', "
                      "'documents_entities_delete', 'entities_value', "
                      "'documents_fts_delete', 'other_sources', "
                      "'document_sources')") == 9);
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema "
                      "WHERE name = 'documents_fts_insert'") == 0);
    CHECK(raw_int(db, "SELECT v FROM documents_fts_config WHERE k = 'hashsize'") == 16777216);
    char schema[512];
    snprintf(schema, sizeof schema, "%s",
             raw_text(db, "SELECT group_concat(name || sql) FROM sqlite_schema"));
    sqlite3_close(db);

    /* Reopening is a no-op: same version, same schema. */
    store = open_or_die(path, STORE_READWRITE);
    store_close(&store);
    store = open_or_die(path, STORE_READONLY);
    store_close(&store);
    db = raw_open(path);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK_STR(raw_text(db, "SELECT group_concat(name || sql) FROM sqlite_schema"),
              schema);
    sqlite3_close(db);
}

/* documents.worker (schema 2) holds the key a row came from; a version 1
 * file gains the column on open, its rows NULL; a repeat leaves the
 * first worker's name, a newer extractor's rewrite takes the new one. */
static void test_worker_column(void)
{
    const char *path = db_path("worker");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *r = make_record("doc-w", "title", "body");
    CHECK(store_put_document(store, r, 1, 1, "KEY-A", NULL) == STORE_NEW);
    CHECK(store_put_document(store, r, 1, 1, "KEY-B", NULL) == STORE_UNCHANGED);
    sqlite3 *db = raw_open(path);
    CHECK_STR(raw_text(db, "SELECT worker FROM documents"), "KEY-A");
    CHECK(store_put_document(store, r, 2, 1, "KEY-B", NULL) == STORE_UPDATED);
    CHECK_STR(raw_text(db, "SELECT worker FROM documents"), "KEY-B");
    store_close(&store);

    /* Back to version 1, as a file written before: upgraded on open. */
    downgrade_to_2(db);
    raw_exec(db, "ALTER TABLE documents DROP COLUMN worker; PRAGMA user_version = 1");
    sqlite3_close(db);
    store = open_or_die(path, STORE_READWRITE);
    db = raw_open(path);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK(raw_int(db, "SELECT count(*) FROM documents WHERE worker IS NULL") == 1);
    record_t *other = make_record("doc-x", "other", "text");
    CHECK(store_put_document(store, other, 1, 1, NULL, NULL) == STORE_NEW);
    CHECK(raw_int(db, "SELECT count(*) FROM documents WHERE worker IS NULL") == 2);
    sqlite3_close(db);
    record_destroy(&other);
    record_destroy(&r);
    store_close(&store);
}

static void test_refuses_what_it_cannot_use(void)
{
    /* Newer schema: refused by writers and readers, and left alone. */
    const char *path = db_path("newer");
    sqlite3 *db = raw_open(path);
    raw_exec(db, "CREATE TABLE documents(x); PRAGMA user_version = 99");
    sqlite3_close(db);
    char newer[128];
    snprintf(newer, sizeof newer, "database schema version 99 is newer than this feedmill "
             "(knows up to %d)", STORE_SCHEMA_VERSION);
    expect_open_error(path, STORE_READWRITE, newer);
    expect_open_error(path, STORE_READONLY, "is newer than this feedmill");
    db = raw_open(path);
    CHECK(raw_int(db, "PRAGMA user_version") == 99);
    sqlite3_close(db);

    /* Not SQLite at all: refused, file untouched. */
    path = db_path("garbage");
    char text[2048];
    memset(text, 'x', sizeof text);
    memcpy(text, "feedmill notes, not a database\n", 31);
    FILE *f = fopen(path, "wb");
    fwrite(text, 1, sizeof text, f);
    fclose(f);
    expect_open_error(path, STORE_READWRITE, "is not an SQLite database");
    expect_open_error(path, STORE_READONLY, "is not an SQLite database");
    size_t len;
    unsigned char *after = testing_read_file(path, &len);
    CHECK(len == sizeof text && memcmp(after, text, len) == 0);
    free(after);

    /* Somebody else's SQLite database: not migrated into. */
    path = db_path("foreign");
    db = raw_open(path);
    raw_exec(db, "CREATE TABLE notes(body TEXT)");
    sqlite3_close(db);
    expect_open_error(path, STORE_READWRITE, "not a feedmill one");

    /* Readers need an existing, migrated database. */
    char missing[256];
    snprintf(missing, sizeof missing, "%s", db_path("missing"));
    char want[300];
    snprintf(want, sizeof want, "no database at %s", missing);
    expect_open_error(missing, STORE_READONLY, want);
    CHECK(access(missing, F_OK) != 0);  /* and did not create it */
    /* Nor does the sink reopening its database after a fault: the file
     * may be on a filesystem unmounted meanwhile. */
    expect_open_error(missing, STORE_REOPEN, want);
    CHECK(access(missing, F_OK) != 0);
    path = db_path("empty");
    db = raw_open(path);
    raw_exec(db, "PRAGMA user_version = 0");
    sqlite3_close(db);
    expect_open_error(path, STORE_READONLY, "not a feedmill database yet");

    char *error = (char *)"untouched";
    CHECK(store_open(NULL, STORE_READWRITE, &error) == NULL);
    CHECK(error != NULL && strlen(error) > 0);
    free(error);
}

/* ---- documents ------------------------------------------------------- */

static void test_put_is_idempotent(void)
{
    const char *path = db_path("idempotent");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *r = make_record("doc-1", "엔화 약세", "일본 정부는 1조1천35억 엔을 투입했다.");
    r->published = xstrdup("2024-03-01");
    record_add_entity(r, "money", "1조1천35억 엔", 1103500000000.0, 1, "JPY");
    record_add_entity(r, "org", "일본 정부", 0, 0, NULL);
    record_add_keyword(r, "엔화");
    record_add_keyword(r, "say \"hi\"");

    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, r, 3, 1, NULL, NULL) == STORE_NEW);
    CHECK(store_commit(store, NULL) == 0);

    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 1);
    CHECK_STR(raw_text(db, "SELECT keywords FROM documents"), "[\"엔화\",\"say \\\"hi\\\"\"]");
    CHECK_STR(raw_text(db, "SELECT simhash FROM documents"), "0123456789abcdef");
    CHECK_STR(raw_text(db, "SELECT extractor || '/' || attempts || '/' || kind "
                           "|| '/' || lang || '/' || published FROM documents"),
              "3/1/text/ko/2024-03-01");
    CHECK(raw_int(db, "SELECT count(*) FROM documents WHERE ingested_at GLOB "
                      "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T"
                      "[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z' "
                      "AND updated_at = ingested_at") == 1);
    CHECK_STR(raw_text(db, "SELECT group_concat(ord || ':' || type || ':' || text "
                           "|| ':' || iif(value IS NULL, '-', printf('%.0f', value)) || ':' "
                           "|| coalesce(unit, '-'), '|') FROM entities"),
              "0:money:1조1천35억 엔:1103500000000:JPY|1:org:일본 정부:-:-");
    char before[512];
    snprintf(before, sizeof before, "%s",
             raw_text(db, "SELECT ingested_at || updated_at || rowid FROM documents"));
    char index_before[64];
    snprintf(index_before, sizeof index_before, "%s",
             raw_text(db, "SELECT count(*) || ':' || total(length(block)) "
                          "FROM documents_fts_data"));

    /* Same extractor again, then an older one: nothing is written, not
     * even the index. */
    pause_ms(5);
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, r, 3, 2, NULL, NULL) == STORE_UNCHANGED);
    CHECK(store_put_document(store, r, 2, 1, NULL, NULL) == STORE_UNCHANGED);
    CHECK(store_commit(store, NULL) == 0);
    CHECK(store_put_document(store, r, 3, 1, NULL, NULL) == STORE_UNCHANGED);  /* no batch */
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM entities") == 2);
    CHECK(raw_int(db, "SELECT attempts FROM documents") == 1);
    CHECK_STR(raw_text(db, "SELECT ingested_at || updated_at || rowid FROM documents"),
              before);
    CHECK_STR(raw_text(db, "SELECT count(*) || ':' || total(length(block)) "
                           "FROM documents_fts_data"), index_before);
    sqlite3_close(db);
    record_destroy(&r);
    store_close(&store);
}

static int count_hits(store_t *store, const char *query)
{
    return store_search(store, query, 100, NULL, NULL, NULL);
}

/* The same, with the reason of a failure (malloc'd) in *error. */
static int count_hits_why(store_t *store, const char *query, char **error)
{
    return store_search(store, query, 100, NULL, NULL, error);
}

static void test_newer_extractor_updates(void)
{
    const char *path = db_path("update");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *r = make_record("doc-2", "old title", "zebra crossing in Seoul");
    record_add_entity(r, "percent", "3%", 3, 1, "%");
    record_add_entity(r, "percent", "4%", 4, 1, "%");
    record_add_entity(r, "percent", "5%", 5, 1, "%");
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
    CHECK(count_hits(store, "zebra") == 1);
    record_destroy(&r);

    sqlite3 *db = raw_open(path);
    char ingested[64];
    snprintf(ingested, sizeof ingested, "%s",
             raw_text(db, "SELECT ingested_at FROM documents"));
    pause_ms(5);

    r = make_record("doc-2", "new title", "giraffe crossing in Busan");
    free(r->source);
    r->source = xstrdup("elsewhere/doc-2");
    record_add_entity(r, "money", "10 USD", 10, 1, "USD");
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, r, 2, 4, NULL, NULL) == STORE_UPDATED);
    CHECK(store_commit(store, NULL) == 0);

    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 1);
    CHECK_STR(raw_text(db, "SELECT title || '/' || extractor || '/' || attempts "
                           "|| '/' || source FROM documents"),
              "new title/2/4/doc-2");  /* source is where it was first seen */
    CHECK_STR(raw_text(db, "SELECT ingested_at FROM documents"), ingested);
    CHECK(raw_int(db, "SELECT updated_at > ingested_at FROM documents") == 1);
    CHECK_STR(raw_text(db, "SELECT group_concat(ord || ':' || text, '|') FROM entities"),
              "0:10 USD");

    /* The index follows the row: old words are gone, new ones found. */
    CHECK(count_hits(store, "zebra") == 0);
    CHECK(count_hits(store, "Seoul") == 0);
    CHECK(count_hits(store, "giraffe") == 1);
    CHECK(count_hits(store, "new title") == 1);
    CHECK(count_hits(store, "old") == 0);
    sqlite3_close(db);
    check_fts_in_sync(path);
    record_destroy(&r);
    store_close(&store);
}

static void test_failed_put_leaves_nothing(void)
{
    const char *path = db_path("failed");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *good = make_record("good", "t", "fine body");
    record_t *bad = make_record("bad", "t", NULL);  /* body is NOT NULL */
    record_add_entity(bad, "money", "1 USD", 1, 1, "USD");

    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, good, 1, 1, NULL, NULL) == STORE_NEW);
    char *error = NULL;
    CHECK(store_put_document(store, bad, 1, 1, NULL, &error) == STORE_ERROR);
    CHECK_MSG(error && strstr(error, bad->id) != NULL, error);
    CHECK_MSG(error && strstr(error, "NOT NULL") != NULL, error);
    free(error);
    /* The batch goes on without the bad record. */
    CHECK(store_commit(store, NULL) == 0);

    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM entities") == 0);

    /* A put that fails after its row and some entities are written
     * (entities.type is NOT NULL) is undone whole, inside a batch whose
     * earlier puts (a document with an entity, a dead letter, a
     * near-duplicate) stay, and whose later ones go on. */
    record_t *first = make_record("first", "t", "pay 5 USD");
    record_add_entity(first, "money", "5 USD", 5, 1, "USD");
    first->simhash = 0xfedcba9876543210ULL;   /* far from "good" */
    record_t *late = make_record("late", "t", "near copy");
    late->simhash = first->simhash ^ 0x1;
    record_t *half = make_record("half", "t", "half written");
    half->simhash = first->simhash ^ 0x3;
    record_add_entity(half, "money", "1 USD", 1, 1, "USD");
    entity_t *e = record_add_entity(half, "money", "2 USD", 2, 1, "USD");
    free(e->type);
    e->type = NULL;
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, first, 1, 1, "KEY", NULL) == STORE_NEW);
    CHECK(store_put_dead_letter(store, "dead-in-batch", "src", "boom", 2, NULL) == STORE_DEAD);
    CHECK(store_put_document(store, half, 1, 1, NULL, &error) == STORE_ERROR);
    CHECK_MSG(error && strstr(error, half->id) != NULL, error);
    CHECK_MSG(error && strstr(error, "NOT NULL") != NULL, error);
    free(error);
    CHECK(store_fault(store) == STORE_FAULT_NONE);
    CHECK(store_put_document(store, late, 1, 1, NULL, NULL) == STORE_NEW);
    CHECK(store_commit(store, NULL) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 3);
    CHECK(raw_int(db, "SELECT count(*) FROM documents WHERE source = 'half'") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM entities") == 1);
    CHECK_STR(raw_text(db, "SELECT worker FROM documents WHERE source = 'first'"), "KEY");
    CHECK_STR(raw_text(db, "SELECT error || attempts FROM dead_letters"), "boom2");
    CHECK(raw_int(db, "SELECT count(*) FROM simhashes") == 3);
    /* Its full-text entry went with it (queued for the commit, the
     * queue was written again with the puts: sink/store_fts.c); the
     * others are found. */
    CHECK(count_hits(store, "written") == 0);
    CHECK(count_hits(store, "USD") == 1);
    CHECK(count_hits(store, "copy") == 1);
    /* The undone document is no candidate: the copy links to "first". */
    CHECK_STR(raw_text(db, "SELECT n.source || ':' || d.near_duplicate_distance\n"
                           "  FROM documents AS d JOIN documents AS n ON n.id = d.near_duplicate_of\n"
                           " WHERE d.source = 'late'"), "first:1");
    sqlite3_close(db);
    check_fts_in_sync(path);
    record_destroy(&first);
    record_destroy(&late);
    record_destroy(&half);
    record_destroy(&good);
    record_destroy(&bad);
    store_close(&store);
}

/* store_fault() tells the disk's faults, after which the sink holds its
 * batch, from a record's, which becomes a dead letter. */
static void test_fault_classes(void)
{
    const char *path = db_path("fault");
    store_t *store = open_or_die(path, STORE_READWRITE);
    CHECK(store_fault(store) == STORE_FAULT_NONE);
    CHECK(!store_read_only(store));
    record_t *bad = make_record("bad", "t", NULL);   /* body is NOT NULL */
    CHECK(store_begin(store, NULL) == 0);
    char *error = NULL;
    CHECK(store_put_document(store, bad, 1, 1, NULL, &error) == STORE_ERROR);
    CHECK_MSG(store_fault(store) == STORE_FAULT_NONE, error);
    free(error);
    CHECK(store_rollback(store, NULL) == 0);
    store_close(&store);
    CHECK(store_fault(NULL) == STORE_FAULT_NONE);

    /* A connection that can only read (BEGIN IMMEDIATE still passes). */
    store_t *reader = open_or_die(path, STORE_READONLY);
    CHECK(store_read_only(reader));
    record_t *good = make_record("good", "t", "fine body");
    CHECK(store_begin(reader, NULL) == 0);
    CHECK(store_put_document(reader, good, 1, 1, NULL, &error) == STORE_ERROR);
    CHECK_MSG(store_fault(reader) == STORE_FAULT_READONLY, error);
    free(error);
    store_rollback(reader, NULL);
    record_destroy(&good);
    /* A failure that is not SQLite's clears the class. */
    CHECK(store_put_document(reader, &(record_t){ 0 }, 1, 1, NULL, NULL) == STORE_ERROR);
    CHECK(store_fault(reader) == STORE_FAULT_NONE);
    store_close(&reader);
    record_destroy(&bad);
}

static void test_rollback_and_batch(void)
{
    const char *path = db_path("batch");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *r = make_record("rolled back", "t", "ephemeral words");
    record_add_entity(r, "date", "today", 0, 0, NULL);
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
    CHECK(store_rollback(store, NULL) == 0);
    record_destroy(&r);
    CHECK(count_hits(store, "ephemeral") == 0);

    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM entities") == 0);

    CHECK(store_begin(store, NULL) == 0);
    int new_rows = 0;
    for (int i = 0; i < 1000; i++) {
        char seed[32], body[128];
        snprintf(seed, sizeof seed, "batch-%d", i);
        snprintf(body, sizeof body, "문서 %d 번째 본문, 배치 테스트 batch%d", i, i);
        r = make_record(seed, seed, body);
        record_add_entity(r, "number", seed, i, 1, NULL);
        new_rows += store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW;
        record_destroy(&r);
    }
    CHECK(new_rows == 1000);
    /* Other connections see nothing before the commit (WAL snapshot). */
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 0);
    CHECK(store_commit(store, NULL) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 1000);
    CHECK(raw_int(db, "SELECT count(*) FROM entities") == 1000);
    CHECK(raw_int(db, "SELECT count(*) FROM documents_fts "
                      "WHERE documents_fts MATCH '\"배치\"*'") == 1000);
    CHECK(count_hits(store, "batch517") == 1);
    /* The batch's full text is one segment, written at its commit: not
     * one per document, each to be merged again (the migration 7 -> 8). */
    CHECK(raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx") == 1);
    sqlite3_close(db);
    check_fts_in_sync(path);

    /* Committing or rolling back with no transaction open is an error
     * with a reason, not a crash. */
    char *error = NULL;
    CHECK(store_commit(store, &error) == -1);
    CHECK(error && strlen(error) > 0);
    free(error);
    store_close(&store);
}

/* ---- dead letters ---------------------------------------------------- */

static void test_dead_letters(void)
{
    const char *path = db_path("dead");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *r = make_record("flaky", "t", "finally extracted");
    sqlite3 *db = raw_open(path);

    CHECK(store_put_dead_letter(store, r->id, "flaky", "timeout", 1, NULL) == STORE_DEAD);
    char first[64];
    snprintf(first, sizeof first, "%s",
             raw_text(db, "SELECT first_failed_at FROM dead_letters"));
    pause_ms(5);
    CHECK(store_put_dead_letter(store, r->id, NULL, "parse error", 3, NULL) == STORE_DEAD);
    CHECK(store_put_dead_letter(store, r->id, NULL, "late timeout", 2, NULL) == STORE_DEAD);
    CHECK(raw_int(db, "SELECT count(*) FROM dead_letters") == 1);
    CHECK_STR(raw_text(db, "SELECT source || '/' || error || '/' || attempts "
                           "FROM dead_letters"), "flaky/late timeout/3");
    CHECK_STR(raw_text(db, "SELECT first_failed_at FROM dead_letters"), first);
    CHECK(raw_int(db, "SELECT last_failed_at > first_failed_at FROM dead_letters") == 1);

    /* A success clears the dead letter... */
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, r, 1, 4, NULL, NULL) == STORE_NEW);
    CHECK(store_commit(store, NULL) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM dead_letters") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 1);

    /* ...and a late failure of a duplicate attempt is ignored. */
    CHECK(store_put_dead_letter(store, r->id, "flaky", "timeout", 5, NULL) == STORE_UNCHANGED);
    CHECK(raw_int(db, "SELECT count(*) FROM dead_letters") == 0);

    /* No id, no row: SQLite would otherwise accept a NULL primary key. */
    CHECK(store_put_dead_letter(store, NULL, "x", "boom", 1, NULL) == STORE_ERROR);
    char *error = NULL;
    CHECK(store_put_dead_letter(store, "", "x", "boom", 1, &error) == STORE_ERROR);
    CHECK_STR(error ? error : "(none)", "dead letter without an id");
    free(error);
    r->id[0] = '\0';
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_ERROR);
    CHECK(raw_int(db, "SELECT count(*) FROM dead_letters") == 0);
    sqlite3_close(db);
    record_destroy(&r);
    store_close(&store);
}

/* ---- search ---------------------------------------------------------- */

typedef struct {
    int calls;
    int stop_after;
    char first_id[DOC_ID_LEN + 1];
    char first_snippet[512];
    char first_title[128];
    double last_rank;
    int ordered;
    int no_published;   /* hits whose date is unknown: NULL, not "" */
} hits_t;

static int collect(const store_hit_t *hit, void *ctx)
{
    hits_t *h = ctx;
    if (h->calls == 0) {
        snprintf(h->first_id, sizeof h->first_id, "%s", hit->id);
        snprintf(h->first_snippet, sizeof h->first_snippet, "%s", hit->snippet);
        snprintf(h->first_title, sizeof h->first_title, "%s", hit->title ? hit->title : "(null)");
        h->ordered = 1;
    } else if (hit->rank < h->last_rank) {
        h->ordered = 0;
    }
    CHECK(hit->id && hit->source && hit->snippet);
    CHECK(!hit->published || *hit->published);   /* unknown is NULL, never "" */
    h->no_published += hit->published == NULL;
    h->last_rank = hit->rank;
    h->calls++;
    return h->stop_after && h->calls >= h->stop_after;
}

static void put(store_t *store, const char *seed, const char *title,
                const char *body, record_t **keep)
{
    record_t *r = make_record(seed, title, body);
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
    if (keep)
        *keep = r;
    else
        record_destroy(&r);
}

static void test_search(void)
{
    const char *path = db_path("search");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *korean, *often, *titled;
    CHECK(store_begin(store, NULL) == 0);
    put(store, "ko", "외교 소식", "정부는 싱가포르와 협력을 강화한다. 싱가포르와 협력", &korean);
    put(store, "en-1", "Markets", "The yen fell. Analysts expect the yen to fall again; "
        "yen, yen, yen.", &often);
    put(store, "en-2", "Weather", "Rain in Seoul; the yen is mentioned once.", NULL);
    put(store, "title", "Zanzibar report", "", &titled);
    put(store, "cafe", "Café", "The café opened near \"Seoul\" (today) AND NEAR( *", NULL);
    CHECK(store_commit(store, NULL) == 0);

    /* Korean: the noun finds the eojeol that starts with it. */
    hits_t h = { 0 };
    CHECK(store_search(store, "싱가포르", 10, collect, &h, NULL) == 1);
    CHECK_STR(h.first_id, korean->id);
    CHECK(h.no_published == 1);   /* no date: NULL, for search --json's null */
    CHECK_MSG(strstr(h.first_snippet, "[싱가포르와]") != NULL, h.first_snippet);
    CHECK(count_hits(store, "협력") == 1);
    CHECK(count_hits(store, "싱가포르 협력") == 1);   /* ANDed */
    CHECK(count_hits(store, "싱가포르 yen") == 0);
    CHECK(count_hits(store, "  \t정부\n ") == 1);
    CHECK(count_hits(store, "외교") == 1);             /* title */

    /* Latin words match exactly (no prefix), case- and accent-blind. */
    CHECK(count_hits(store, "yen") == 2);
    CHECK(count_hits(store, "ye") == 0);
    CHECK(count_hits(store, "YEN") == 2);
    CHECK(count_hits(store, "cafe") == 1);

    /* Best hit first: bm25 ranks the text that repeats the word. */
    memset(&h, 0, sizeof h);
    CHECK(store_search(store, "yen", 10, collect, &h, NULL) == 2);
    CHECK_STR(h.first_id, often->id);
    CHECK(h.ordered);
    CHECK_MSG(strstr(h.first_snippet, "[yen]") != NULL, h.first_snippet);

    /* A title-only document with an empty body shows its title. */
    memset(&h, 0, sizeof h);
    CHECK(store_search(store, "zanzibar", 10, collect, &h, NULL) == 1);
    CHECK_STR(h.first_id, titled->id);
    CHECK_STR(h.first_snippet, "Zanzibar report");
    CHECK_STR(h.first_title, "Zanzibar report");

    /* The callback stops the search; limit bounds it. */
    memset(&h, 0, sizeof h);
    h.stop_after = 1;
    CHECK(store_search(store, "yen", 10, collect, &h, NULL) == 1);
    CHECK(h.calls == 1);
    CHECK(store_search(store, "yen", 1, NULL, NULL, NULL) == 1);
    CHECK(store_search(store, "yen", 0, NULL, NULL, NULL) == 2);

    /* What users type is text, never FTS5 syntax. */
    const char *hostile[] = {
        "\"", "\"Seoul\"", "(today)", "Seoul AND", "AND", "OR NOT", "NEAR(",
        "NEAR(Seoul today)", "*", "Seoul*", "cafe\"\" OR \"yen", "title:yen",
        "-yen", "^yen", "{title}: yen", "\"싱가포르", "( Seoul", "Seoul )",
        "…", "\xff\xfe", "\xea\xb0",  /* invalid and cut-off UTF-8 */
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        /* A search, or the refusal of a query with nothing to search:
         * never an FTS5 syntax error. */
        char *error = NULL;
        int n = count_hits_why(store, hostile[i], &error);
        CHECK_MSG(n >= 0 || (store_search_words(hostile[i]) == 0 && error
                             && strstr(error, "nothing searchable")),
                  error);
        free(error);
    }
    CHECK(count_hits(store, "\"Seoul\"") == 2);
    CHECK(count_hits(store, "( Seoul") == 2);   /* the lone '(' is dropped */
    CHECK(count_hits(store, "(today)") == 1);
    CHECK(count_hits(store, "Seoul AND") == 1);  /* AND is a word here */
    CHECK(count_hits(store, "NEAR(") == 1);
    CHECK(count_hits(store, "*") == -1);

    /* An empty query is an error; the message says so. */
    char *error = NULL;
    CHECK(count_hits_why(store, "", &error) == -1);
    CHECK_STR(error ? error : "(none)", "empty search query");
    free(error);
    CHECK(count_hits(store, " \t\n") == -1);
    CHECK(store_search(store, NULL, 10, NULL, NULL, NULL) == -1);

    /* Users query the file directly this way; it must keep working. */
    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(*) FROM documents_fts "
                      "WHERE documents_fts MATCH '\"싱가포르\"*'") == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM documents_fts "
                      "WHERE documents_fts MATCH '\"협력\"*'") == 1);
    CHECK_STR(raw_text(db, "SELECT d.source FROM documents_fts "
                           "JOIN documents AS d ON d.rowid = documents_fts.rowid "
                           "WHERE documents_fts MATCH 'title:\"zanzibar\"'"), "title");
    sqlite3_close(db);

    /* A reader sees the same, while the writer holds a transaction. */
    store_t *reader = open_or_die(path, STORE_READONLY);
    CHECK(store_begin(store, NULL) == 0);
    put(store, "pending", "pending", "싱가포르 pending", NULL);
    CHECK(count_hits(reader, "싱가포르") == 1);
    CHECK(count_hits(store, "싱가포르") == 2);
    CHECK(store_rollback(store, NULL) == 0);
    error = NULL;
    CHECK(store_put_document(reader, korean, 9, 1, NULL, &error) == STORE_ERROR);
    CHECK_MSG(error && strstr(error, "readonly") != NULL, error);
    free(error);
    store_close(&reader);

    record_destroy(&korean);
    record_destroy(&often);
    record_destroy(&titled);
    store_close(&store);
    check_fts_in_sync(path);
}

/* Query words with no letter, digit or private-use character: unicode61
 * keeps none of their characters in a token, so FTS5 would make each an
 * empty phrase that matches nothing and empties the whole AND. They are
 * ignored, like ASCII punctuation always was. */
static void test_search_ignores_symbols(void)
{
    const char *path = db_path("symbols");
    store_t *store = open_or_die(path, STORE_READWRITE);
    CHECK(store_begin(store, NULL) == 0);
    put(store, "alliance", "한·싱가포르 ‘AI 동맹’ 뜬다… 「전방위」 협력 😀",
        "AI 동맹 — 싱가포르와 협력을 강화한다. Ⅲ단계 ½ 계획 \xee\x80\x80 표시.", NULL);
    put(store, "other", "Markets", "The yen fell — again…", NULL);
    CHECK(store_commit(store, NULL) == 0);

    CHECK(count_hits(store, "AI 동맹 싱가포르") == 1);
    const char *with_symbols[] = {
        "AI 동맹 — 싱가포르",      /* em dash, Pd */
        "AI 동맹 … 싱가포르",      /* ellipsis, Po */
        "AI · 동맹 싱가포르",      /* middle dot, Po */
        "「 AI 동맹 」 싱가포르",   /* corner brackets, Ps/Pe */
        "AI 동맹 싱가포르 😀",      /* emoji, So */
        "🤖 AI 동맹 싱가포르",      /* emoji newer than SQLite's table */
        "AI ‘ 동맹 ’ 싱가포르 ※ ★ ₩ ～ → ©",
        "AI 동맹 —— …… ·· 싱가포르",
        "AI 동맹 싱가포르 \xe2\x80",  /* a cut-off dash: no character */
    };
    for (size_t i = 0; i < sizeof with_symbols / sizeof with_symbols[0]; i++) {
        int n = count_hits(store, with_symbols[i]);
        CHECK_MSG(n == 1, with_symbols[i]);
    }

    /* A symbol attached to a word does not hide the word. */
    CHECK(count_hits(store, "「싱가포르」") == 1);
    CHECK(count_hits(store, "—싱가포르…") == 1);
    CHECK(count_hits(store, "yen… —") == 1);
    CHECK(count_hits(store, "동맹 yen") == 0);   /* still ANDed */

    /* Letters and numbers outside Hangul and ASCII stay words: a
     * letter-number, a fraction, a private-use character. */
    CHECK(count_hits(store, "Ⅲ단계") == 1);
    CHECK(count_hits(store, "½") == 1);
    CHECK(count_hits(store, "\xee\x80\x80") == 1);
    CHECK(count_hits(store, "Ⅳ") == 0);

    /* Nothing but ignored words: a clear error, not zero hits and not
     * an FTS5 syntax error. */
    const char *nothing[] = { "—", "…", "·", "「", "😀", "— … · 「 」 😀", "-", "%", "\xff" };
    for (size_t i = 0; i < sizeof nothing / sizeof nothing[0]; i++) {
        char *error = NULL;
        CHECK_MSG(count_hits_why(store, nothing[i], &error) == -1, nothing[i]);
        CHECK_MSG(error && strstr(error, "nothing searchable") != NULL, error);
        free(error);
    }
    store_close(&store);
}

/* What the CLI asks before it opens a database. */
static void test_search_words(void)
{
    CHECK(store_search_words("AI 동맹 — 싱가포르") == 3);
    CHECK(store_search_words("  「싱가포르」\t… 😀\n") == 1);
    CHECK(store_search_words("-5%") == 1);
    CHECK(store_search_words("— … · 「 😀") == 0);
    CHECK(store_search_words("( ) * \"") == 0);
    CHECK(store_search_words(" \t") == 0);
    CHECK(store_search_words("") == 0);
    CHECK(store_search_words(NULL) == 0);
}

/* ---- stats ----------------------------------------------------------- */

static void test_stats(void)
{
    const char *path = db_path("stats");
    store_t *store = open_or_die(path, STORE_READWRITE);
    store_stats_t st;
    CHECK(store_stats(store, &st, NULL) == 0);
    CHECK(st.documents == 0 && st.dead_letters == 0 && st.entities == 0);
    CHECK(st.body_bytes == 0 && st.lang_count == 0);
    CHECK_STR(st.earliest, "");
    CHECK_STR(st.latest, "");

    const char *langs[] = { "ko", "ko", "ko", "en", "en", NULL, "ja" };
    const char *dates[] = { "2024-01-05", NULL, "2023-12-31", "2024-02-01",
                            "2024-01-01", NULL, NULL };
    int64_t bytes = 0;
    CHECK(store_begin(store, NULL) == 0);
    for (int i = 0; i < 7; i++) {
        char seed[16];
        snprintf(seed, sizeof seed, "s%d", i);
        record_t *r = make_record(seed, "t", i % 2 ? "본문" : "body");
        bytes += (int64_t)strlen(r->body);
        free(r->lang);
        r->lang = langs[i] ? xstrdup(langs[i]) : NULL;
        r->published = dates[i] ? xstrdup(dates[i]) : NULL;
        for (int e = 0; e < i; e++)
            record_add_entity(r, "number", "n", e, 1, NULL);
        CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
        record_destroy(&r);
    }
    CHECK(store_put_dead_letter(store, "deadbeef", "x", "boom", 3, NULL) == STORE_DEAD);
    CHECK(store_commit(store, NULL) == 0);

    CHECK(store_stats(store, &st, NULL) == 0);
    CHECK(st.documents == 7);
    CHECK(st.dead_letters == 1);
    CHECK(st.entities == 0 + 1 + 2 + 3 + 4 + 5 + 6);
    /* The counts run's summary reads instead (no body read) agree. */
    int64_t n = -1;
    CHECK(store_count(store, STORE_ENTITIES, &n, NULL) == 0 && n == st.entities);
    CHECK(store_count(store, STORE_DOCUMENTS, &n, NULL) == 0 && n == 7);
    CHECK(store_count(store, STORE_DEAD_LETTERS, &n, NULL) == 0 && n == 1);
    CHECK(store_count(store, STORE_SOURCES, &n, NULL) == 0 && n == st.sources);
    CHECK(st.body_bytes == bytes);   /* bytes, not characters: 본문 is 6 */
    CHECK(bytes == 4 * 4 + 3 * 6);
    CHECK_STR(st.earliest, "2023-12-31");
    CHECK_STR(st.latest, "2024-02-01");
    CHECK(st.lang_count == 4);
    CHECK_STR(st.langs[0], "ko");
    CHECK(st.lang_counts[0] == 3);
    CHECK_STR(st.langs[1], "en");
    CHECK(st.lang_counts[1] == 2);
    CHECK_STR(st.langs[2], "ja");    /* ties by name: ja before und */
    CHECK_STR(st.langs[3], "und");   /* no lang counts as undetermined */
    CHECK(st.lang_counts[3] == 1);

    store_t *reader = open_or_die(path, STORE_READONLY);
    store_stats_t st2;
    CHECK(store_stats(reader, &st2, NULL) == 0);
    CHECK(memcmp(&st, &st2, sizeof st) == 0);
    store_close(&reader);
    store_close(&store);
}

/* ---- near-duplicates ------------------------------------------------ */

#define BASE UINT64_C(0x0123456789abcdef)
#define BIT(n) (UINT64_C(1) << (n))

/* Stores a document with this simhash, named by seed. */
static void put_simhash(store_t *store, const char *seed, uint64_t simhash, int extractor,
                        store_result_t want)
{
    record_t *r = make_record(seed, seed, "near-duplicate test body");
    r->simhash = simhash;
    store_result_t got = store_put_document(store, r, extractor, 1, NULL, NULL);
    CHECK_MSG(got == want, seed);
    record_destroy(&r);
}

/* "seed>linked-seed:distance" or "seed>-" for the document with this
 * seed (sources are the seeds). */
static const char *link_of(sqlite3 *db, const char *seed)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT d.source || '>' || coalesce(n.source || ':' || d.near_duplicate_distance, '-')\n"
             "  FROM documents AS d LEFT JOIN documents AS n ON n.id = d.near_duplicate_of\n"
             " WHERE d.source = '%s'", seed);
    return raw_text(db, sql);
}

typedef struct {
    char text[1024];
} groups_text_t;

static int print_group(const store_near_group_t *g, void *ctx)
{
    groups_text_t *out = ctx;
    size_t used = strlen(out->text);
    snprintf(out->text + used, sizeof out->text - used, "%s%s:%lld:%d", used ? "|" : "",
             g->title, (long long)g->documents, g->max_distance);
    return 0;
}

static const char *groups_of(store_t *store, int limit)
{
    static groups_text_t out;
    out.text[0] = '\0';
    char *error = NULL;
    if (store_near_duplicate_groups(store, limit, print_group, &out, &error) < 0) {
        snprintf(out.text, sizeof out.text, "%s", error);
        free(error);
    }
    return out.text;
}

/* Distances 0, 2, 3 (one flipped bit in each of 3 bands: one band left
 * in common) are linked; 4 is not, whether it leaves 3 bands in common
 * (a candidate, too far) or none; the nearest wins, the earliest among
 * equals; links go through each other into one group. */
static void test_near_duplicates(void)
{
    const char *path = db_path("near");
    store_t *store = open_or_die(path, STORE_READWRITE);
    sqlite3 *db = raw_open(path);
    put_simhash(store, "a", BASE, 1, STORE_NEW);
    put_simhash(store, "four-spread", BASE ^ BIT(62) ^ BIT(46) ^ BIT(30) ^ BIT(14), 1, STORE_NEW);
    put_simhash(store, "four-one-band", BASE ^ 0xf, 1, STORE_NEW);
    put_simhash(store, "unrelated", ~BASE, 1, STORE_NEW);
    CHECK(store_begin(store, NULL) == 0);
    put_simhash(store, "same", BASE, 1, STORE_NEW);
    put_simhash(store, "two", BASE ^ 0x3, 1, STORE_NEW);
    put_simhash(store, "three", BASE ^ BIT(63) ^ BIT(47) ^ BIT(31), 1, STORE_NEW);
    put_simhash(store, "chained", BASE ^ BIT(63) ^ BIT(47) ^ BIT(31) ^ BIT(0), 1, STORE_NEW);
    put_simhash(store, "unrelated-too", ~BASE ^ BIT(40), 1, STORE_NEW);
    CHECK(store_commit(store, NULL) == 0);

    CHECK_STR(link_of(db, "a"), "a>-");
    CHECK_STR(link_of(db, "four-spread"), "four-spread>-");
    CHECK_STR(link_of(db, "four-one-band"), "four-one-band>-");
    CHECK_STR(link_of(db, "unrelated"), "unrelated>-");
    CHECK_STR(link_of(db, "same"), "same>a:0");
    CHECK_STR(link_of(db, "two"), "two>a:2");           /* four-one-band is 2 away too, later */
    CHECK_STR(link_of(db, "three"), "three>a:3");       /* same is 3 away too, later */
    CHECK_STR(link_of(db, "chained"), "chained>three:1");
    CHECK_STR(link_of(db, "unrelated-too"), "unrelated-too>unrelated:1");
    /* One simhash row per document, its bits as a 64-bit integer. */
    CHECK(raw_int(db, "SELECT count(*) FROM simhashes") == 9);
    CHECK(raw_int(db, "SELECT count(*) FROM simhashes AS s JOIN documents AS d\n"
                      "    ON d.rowid = s.doc AND d.source = 'a'\n"
                      " WHERE s.simhash = 0x0123456789abcdef AND d.simhash = '0123456789abcdef'")
          == 1);

    store_stats_t st;
    CHECK(store_stats(store, &st, NULL) == 0);
    CHECK(st.near_duplicate_groups == 2);
    CHECK(st.near_duplicates == 5 + 2);
    CHECK_STR(groups_of(store, 0), "a:5:3|unrelated:2:1");
    CHECK_STR(groups_of(store, 1), "a:5:3");

    /* A rewrite by a newer extractor links again, only to earlier rows:
     * "three" moves next to "chained", which came later, so it is
     * linked to nothing, and "chained" goes to it, now 1 bit away. */
    pause_ms(2);
    put_simhash(store, "three", BASE ^ BIT(63) ^ BIT(47) ^ BIT(31) ^ BIT(0) ^ BIT(20), 2,
                STORE_UPDATED);
    CHECK_STR(link_of(db, "three"), "three>-");
    CHECK_STR(link_of(db, "chained"), "chained>three:1");
    /* Now far from everything: "chained" has nothing within 3 bits. */
    put_simhash(store, "three", ~BASE ^ 0xff00, 3, STORE_UPDATED);
    CHECK_STR(link_of(db, "three"), "three>-");
    CHECK_STR(link_of(db, "chained"), "chained>-");
    CHECK(raw_int(db, "SELECT count(*) FROM simhashes") == 9);
    /* And back: "three" is linked to "a" again; "chained" stays unlinked
     * (links are made on arrival, and it arrived before this rewrite). */
    put_simhash(store, "three", BASE ^ BIT(63) ^ BIT(47) ^ BIT(31), 4, STORE_UPDATED);
    CHECK_STR(link_of(db, "three"), "three>a:3");
    CHECK_STR(link_of(db, "chained"), "chained>-");
    /* Re-ingesting changes nothing. */
    put_simhash(store, "same", BASE, 1, STORE_UNCHANGED);
    CHECK_STR(link_of(db, "same"), "same>a:0");

    /* Deleting a document unlinks those that pointed to it. */
    raw_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM documents WHERE source = 'unrelated'");
    CHECK_STR(link_of(db, "unrelated-too"), "unrelated-too>-");
    CHECK(raw_int(db, "SELECT count(*) FROM simhashes") == 8);
    CHECK(store_stats(store, &st, NULL) == 0);
    CHECK(st.near_duplicate_groups == 1 && st.near_duplicates == 4);
    CHECK_STR(groups_of(store, 5), "a:4:3");
    check_fts_in_sync(path);
    sqlite3_close(db);
    store_close(&store);
}

/* Thousands of copies of one story share their bands: a new copy is
 * compared with the first STORE_NEAR_CANDIDATES of each bucket only, and
 * still linked, to one of those; the same once the store is opened again
 * and its candidates are rebuilt from simhashes. */
static void test_near_duplicate_bound(void)
{
    const char *path = db_path("bound");
    store_t *store = open_or_die(path, STORE_READWRITE);
    CHECK(store_begin(store, NULL) == 0);
    for (int i = 0; i < STORE_NEAR_CANDIDATES + 20; i++) {
        char seed[16];
        snprintf(seed, sizeof seed, "copy%03d", i);
        put_simhash(store, seed, BASE, 1, STORE_NEW);
    }
    CHECK(store_commit(store, NULL) == 0);
    store_close(&store);
    store = open_or_die(path, STORE_READWRITE);
    put_simhash(store, "copy-after-reopen", BASE, 1, STORE_NEW);
    store_close(&store);
    sqlite3 *db = raw_open(path);
    _Static_assert(STORE_NEAR_CANDIDATES == 16, "the queries below say 16 (copy035 is the last of 36)");
    /* Each copy is linked, at distance 0, to one of the first 16. */
    CHECK_STR(raw_text(db, "SELECT count(*) FROM documents AS d JOIN documents AS n\n"
                           "    ON n.id = d.near_duplicate_of AND n.rowid <= 16\n"
                           " WHERE d.near_duplicate_distance = 0"), "36");
    CHECK_STR(raw_text(db, "SELECT n.rowid <= 16 FROM documents AS d JOIN documents AS n\n"
                           "    ON n.id = d.near_duplicate_of\n"
                           " WHERE d.source = 'copy-after-reopen'"), "1");
    CHECK_STR(raw_text(db, "SELECT count(*) FROM documents WHERE near_duplicate_of IS NULL"), "1");
    sqlite3_close(db);
}

/* The candidates follow the transactions: a rolled-back batch leaves none
 * behind, and a candidate deleted since (by someone else: the sink never
 * deletes) is passed over for the next nearest. */
static void test_near_duplicate_candidates(void)
{
    const char *path = db_path("candidates");
    store_t *store = open_or_die(path, STORE_READWRITE);
    sqlite3 *db = raw_open(path);
    CHECK(store_begin(store, NULL) == 0);
    put_simhash(store, "rolled-back", BASE, 1, STORE_NEW);
    CHECK(store_rollback(store, NULL) == 0);
    put_simhash(store, "first", BASE ^ 0x1, 1, STORE_NEW);
    CHECK_STR(link_of(db, "first"), "first>-");

    put_simhash(store, "second", BASE ^ 0x3, 1, STORE_NEW);
    CHECK_STR(link_of(db, "second"), "second>first:1");
    raw_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM documents WHERE source = 'first'");
    CHECK(raw_int(db, "SELECT count(*) FROM simhashes") == 1);   /* the trigger took it */
    put_simhash(store, "third", BASE, 1, STORE_NEW);
    CHECK_STR(link_of(db, "third"), "third>second:2");

    /* A put that fails undoes its candidate along with its row: the
     * document that failed cannot be linked to. */
    record_t *bad = make_record("bad", "t", "body");
    bad->simhash = BASE ^ 0x8000;
    entity_t *e = record_add_entity(bad, "money", "10 USD", 10, 1, "USD");
    free(e->type);
    e->type = NULL;   /* entities.type is NOT NULL: fails after the row */
    CHECK(store_put_document(store, bad, 1, 1, NULL, NULL) == STORE_ERROR);
    record_destroy(&bad);
    put_simhash(store, "fourth", BASE ^ 0x8000, 1, STORE_NEW);
    CHECK_STR(link_of(db, "fourth"), "fourth>third:1");

    /* The groups' walk goes down the links by their partial index. */
    CHECK_STR(raw_text(db, "SELECT count(*) FROM pragma_index_list('documents') "
                           "WHERE name = 'documents_near_duplicate' AND partial = 1"), "1");
    sqlite3_close(db);
    check_fts_in_sync(path);
    store_close(&store);
}

/* A version 2 file gains its bands and its links on upgrade, as if each
 * document had been linked when it arrived; entity offsets are NULL
 * there and set for rows written after. */
static void test_upgrade_to_3(void)
{
    const char *path = db_path("upgrade3");
    store_t *store = open_or_die(path, STORE_READWRITE);
    put_simhash(store, "first", BASE, 1, STORE_NEW);
    put_simhash(store, "far", ~BASE, 1, STORE_NEW);
    put_simhash(store, "near", BASE ^ 0x5, 1, STORE_NEW);
    put_simhash(store, "nearer", BASE ^ 0x4, 1, STORE_NEW);
    record_t *r = make_record("with-entity", "t", "pay 10 USD now");
    entity_t *e = record_add_entity(r, "money", "10 USD", 10, 1, "USD");
    e->offset = 4;
    e->has_offset = 1;
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
    record_destroy(&r);
    store_close(&store);

    sqlite3 *db = raw_open(path);
    char links[512];
    snprintf(links, sizeof links, "%s",
             raw_text(db, "SELECT group_concat(source || '>' || "
                          "coalesce(near_duplicate_of, '-') || ':' || "
                          "coalesce(near_duplicate_distance, '-'), ' ') FROM documents"));
    CHECK(strstr(links, ":2") && strstr(links, ":1"));   /* near>first:2, nearer>first:1 */
    downgrade_to_2(db);
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'simhash_bands'") == 0);
    /* What version 2 fired on: a link written by hand re-indexes. */
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = "
                      "'documents_fts_update' AND sql LIKE '%UPDATE ON documents%'") == 1);

    store = open_or_die(path, STORE_READWRITE);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK(raw_int(db, "SELECT count(*) FROM simhashes") == 5);
    CHECK_STR(raw_text(db, "SELECT group_concat(source || '>' || "
                           "coalesce(near_duplicate_of, '-') || ':' || "
                           "coalesce(near_duplicate_distance, '-'), ' ') FROM documents"),
              links);
    CHECK(raw_int(db, "SELECT count(*) FROM entities WHERE offset IS NULL") == 1);  /* dropped */
    /* The store replaces a rewritten row's full-text entry: no trigger
     * (the migration 8 -> 9). */
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = "
                      "'documents_fts_update'") == 0);
    /* A new document links through the upgraded bands. */
    put_simhash(store, "later", BASE ^ BIT(40), 1, STORE_NEW);
    CHECK_STR(link_of(db, "later"), "later>first:1");
    sqlite3_close(db);
    check_fts_in_sync(path);
    store_close(&store);
}

/* A database written by schema 3 (tests/fixtures/schema3.sql, made by
 * feedmill itself) keeps its rows, links, entities and dead letters when
 * opened, is searched as before, and a new copy of one of its documents
 * links to it through the migrated simhashes. */
static void test_upgrade_to_4(void)
{
    const char *source_dir = getenv("FEEDMILL_SOURCE_DIR");
    char fixture[512];
    snprintf(fixture, sizeof fixture, "%s/tests/fixtures/schema3.sql",
             source_dir ? source_dir : ".");
    FILE *f = fopen(fixture, "r");
    CHECK_MSG(f != NULL, fixture);
    if (!f)
        return;
    buf_t sql = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&sql, chunk, n);
    fclose(f);
    const char *path = db_path("upgrade4");
    sqlite3 *db = raw_open(path);
    raw_exec(db, buf_str(&sql));
    buf_free(&sql);
    CHECK(raw_int(db, "PRAGMA user_version") == 3);
    CHECK(raw_int(db, "SELECT count(*) FROM simhash_bands") == 24);
    char before[4096];
    snprintf(before, sizeof before, "%s",
             raw_text(db, "SELECT group_concat(substr(id, 1, 8) || source || coalesce(substr(near_duplicate_of, 1, 8), '-')"
                          " || coalesce(near_duplicate_distance, '-') || length(body), ',')"
                          "  FROM documents"));
    CHECK(strstr(before, "in/010_copy.txt") != NULL);

    store_t *store = open_or_die(path, STORE_READWRITE);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'simhash_bands'") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM simhashes") == 6);
    CHECK_STR(raw_text(db, "SELECT group_concat(substr(id, 1, 8) || source || coalesce(substr(near_duplicate_of, 1, 8), '-')"
                           " || coalesce(near_duplicate_distance, '-') || length(body), ',')"
                           "  FROM documents"), before);
    CHECK(raw_int(db, "SELECT count(*) FROM entities") == 125);
    CHECK(raw_int(db, "SELECT count(*) FROM dead_letters") == 1);
    /* Entities are keyed by their document's rowid, in order; deleting a
     * document deletes them. */
    CHECK(raw_int(db, "SELECT count(*) FROM entities AS e JOIN documents AS d\n"
                      "    ON d.rowid = e.doc AND d.id = e.doc_id") == 125);
    CHECK_STR(raw_text(db, "PRAGMA integrity_check"), "ok");
    /* Each document's source is its first entry in document_sources. */
    CHECK(raw_int(db, "SELECT count(*) FROM document_sources") == 6);
    CHECK(raw_int(db, "SELECT count(*) FROM document_sources AS s JOIN documents AS d\n"
                      "    ON d.id = s.id AND d.source = s.source\n"
                      "   AND s.first_seen = d.ingested_at") == 6);
    CHECK(count_hits(store, "정부") >= 2);
    check_fts_in_sync(path);

    /* A new copy of the first document links to it (distance 0), the
     * earliest of its equals. */
    record_t *copy = make_record("copy-of-000", "copy", "copied text");
    copy->simhash = (uint64_t)raw_int(db, "SELECT s.simhash FROM simhashes AS s JOIN documents"
                                            " AS d ON d.rowid = s.doc"
                                            " WHERE d.source = 'in/000_f42b9ca64b9c6411.txt'");
    CHECK(store_put_document(store, copy, 1, 1, NULL, NULL) == STORE_NEW);
    record_destroy(&copy);
    CHECK_STR(link_of(db, "copy-of-000"), "copy-of-000>in/000_f42b9ca64b9c6411.txt:0");
    sqlite3_close(db);
    store_close(&store);

    /* Readers open it as any current store. */
    store = open_or_die(path, STORE_READONLY);
    CHECK(count_hits(store, "정부") >= 2);
    store_close(&store);

    db = raw_open(path);
    int64_t before_delete = raw_int(db, "SELECT count(*) FROM entities");
    int64_t its = raw_int(db, "SELECT count(*) FROM entities WHERE doc = "
                              "(SELECT doc FROM entities ORDER BY doc LIMIT 1)");
    CHECK(its > 0);
    raw_exec(db, "DELETE FROM documents WHERE rowid = (SELECT doc FROM entities ORDER BY doc LIMIT 1)");
    CHECK(raw_int(db, "SELECT count(*) FROM entities") == before_delete - its);
    CHECK(raw_int(db, "SELECT count(*) FROM entities WHERE doc NOT IN (SELECT rowid FROM documents)") == 0);
    sqlite3_close(db);
}

static int collect_source(const char *source, void *ctx)
{
    buf_t *out = ctx;
    buf_printf(out, "%s%s", out->len ? "|" : "", source);
    return 0;
}

static const char *sources_of(store_t *store, const char *id)
{
    static char text[1024];
    buf_t out = BUF_INIT;
    CHECK(store_sources(store, id, collect_source, &out, NULL) >= 0);
    snprintf(text, sizeof text, "%s", buf_str(&out));
    buf_free(&out);
    return text;
}

static int keep_most(const store_sourced_t *doc, void *ctx)
{
    buf_t *out = ctx;
    buf_printf(out, "%s%s:%lld", out->len ? " " : "", doc->title, (long long)doc->sources);
    return 0;
}

/* Every source that delivered a text is kept: one row, many sources, in
 * the order they came, across puts and SOURCES alike; a known source
 * changes nothing; the sources go with their row. */
static void test_sources(void)
{
    const char *path = db_path("sources");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *r = make_record("wire", "wire story", "the same wire story everywhere");
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_UNCHANGED);
    free(r->source);
    r->source = xstrdup("https://b.example/story");
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW_SOURCE);
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_UNCHANGED);
    /* A file name that is not UTF-8 is kept in its printable form. */
    CHECK(store_put_source(store, r->id, "in/\xb4\xba.txt", NULL) == STORE_NEW_SOURCE);
    CHECK(store_put_source(store, r->id, "in/\xb4\xba.txt", NULL) == STORE_UNCHANGED);
    CHECK(store_put_source(store, r->id, "wire", NULL) == STORE_UNCHANGED);
    char missing[DOC_ID_LEN + 1];
    hash_doc_id("never stored", 12, missing);
    CHECK(store_put_source(store, missing, "x", NULL) == STORE_MISSING);
    CHECK_STR(sources_of(store, r->id), "wire|https://b.example/story|in/\\xb4\\xba.txt");

    /* A newer extractor rewrites the row and keeps a new source too. */
    free(r->source);
    r->source = xstrdup("feed.jsonl:7");
    CHECK(store_put_document(store, r, 2, 1, NULL, NULL) == STORE_UPDATED);
    int64_t n = 0;
    CHECK(store_count(store, STORE_SOURCES, &n, NULL) == 0 && n == 4);

    /* Rolled back, a source is gone; inside a batch whose put fails for
     * a reason of its own, the sources before it stay. */
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_source(store, r->id, "rolled-back", NULL) == STORE_NEW_SOURCE);
    CHECK(store_rollback(store, NULL) == 0);
    CHECK(store_count(store, STORE_SOURCES, &n, NULL) == 0 && n == 4);
    record_t *bad = make_record("bad", "t", NULL);   /* body is NOT NULL */
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_source(store, r->id, "kept-1", NULL) == STORE_NEW_SOURCE);
    CHECK(store_put_document(store, bad, 2, 1, NULL, NULL) == STORE_ERROR);
    CHECK(store_put_source(store, r->id, "kept-2", NULL) == STORE_NEW_SOURCE);
    CHECK(store_commit(store, NULL) == 0);
    record_destroy(&bad);
    CHECK(store_count(store, STORE_SOURCES, &n, NULL) == 0 && n == 6);

    record_t *lone = make_record("lone", "lone story", "told once");
    CHECK(store_put_document(store, lone, 1, 1, NULL, NULL) == STORE_NEW);
    record_t *pair = make_record("pair-1", "pair story", "told twice");
    CHECK(store_put_document(store, pair, 1, 1, NULL, NULL) == STORE_NEW);
    CHECK(store_put_source(store, pair->id, "pair-2", NULL) == STORE_NEW_SOURCE);
    buf_t most = BUF_INIT;
    CHECK(store_most_sources(store, 10, keep_most, &most, NULL) == 2);
    CHECK_STR(buf_str(&most), "wire story:6 pair story:2");
    buf_free(&most);
    store_stats_t stats;
    CHECK(store_stats(store, &stats, NULL) == 0 && stats.sources == 9 && stats.documents == 3);

    /* Deleting a row takes its sources along. */
    sqlite3 *db = raw_open(path);
    raw_exec(db, "PRAGMA foreign_keys = ON");
    char sql[256];
    snprintf(sql, sizeof sql, "DELETE FROM documents WHERE id = '%s'", r->id);
    raw_exec(db, sql);
    CHECK(raw_int(db, "SELECT count(*) FROM document_sources") == 3);
    sqlite3_close(db);
    record_destroy(&r);
    record_destroy(&lone);
    record_destroy(&pair);
    store_close(&store);
}

static int keep_type(const char *key, int64_t count, void *ctx)
{
    buf_t *out = ctx;
    buf_printf(out, "%s%s:%lld", out->len ? " " : "", key, (long long)count);
    return 0;
}

static int count_hit(const store_hit_t *hit, void *ctx)
{
    buf_t *out = ctx;
    buf_printf(out, "%s%s", out->len ? " " : "", hit->page_type ? hit->page_type : "-");
    return 0;
}

/* page_type is stored, searched by and counted; text has none. */
static void test_page_types(void)
{
    const char *path = db_path("types");
    store_t *store = open_or_die(path, STORE_READWRITE);
    const char *const types[] = { "forum", "product", "product", NULL };
    for (int i = 0; i < 4; i++) {
        char seed[16];
        snprintf(seed, sizeof seed, "typed-%d", i);
        record_t *r = make_record(seed, seed, "tariff news from the port");
        r->page_type = types[i] ? xstrdup(types[i]) : NULL;
        r->simhash ^= (uint64_t)i << 40 | (uint64_t)i << 8 | (uint64_t)i << 20;
        CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
        record_destroy(&r);
    }
    buf_t got = BUF_INIT;
    CHECK(store_search_type(store, "tariff", "product", 10, count_hit, &got, NULL) == 2);
    CHECK_STR(buf_str(&got), "product product");
    buf_reset(&got);
    CHECK(store_search_type(store, "tariff", NULL, 10, count_hit, &got, NULL) == 4);
    CHECK(store_search_type(store, "tariff", "listing", 10, NULL, NULL, NULL) == 0);
    buf_reset(&got);
    CHECK(store_breakdown(store, STORE_BY_PAGE_TYPE, 0, keep_type, &got, NULL) == 3);
    CHECK_STR(buf_str(&got), "product:2 forum:1 none:1");
    buf_free(&got);
    store_close(&store);
}

/* A version 7 file: its rows stay found, and rows written after the
 * upgrade are indexed by the store, once each (no trigger doubles them). */
static void test_upgrade_to_8(void)
{
    const char *path = db_path("upgrade8");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *old = make_record("before-8", "old row", "harbour cranes before the upgrade");
    CHECK(store_put_document(store, old, 1, 1, NULL, NULL) == STORE_NEW);
    store_close(&store);
    sqlite3 *db = raw_open(path);
    downgrade_to_7(db);
    CHECK(raw_int(db, "PRAGMA user_version") == 7);

    store = open_or_die(path, STORE_READWRITE);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema "
                      "WHERE name = 'documents_fts_insert'") == 0);
    record_t *fresh = make_record("after-8", "new row", "harbour cranes after the upgrade");
    fresh->simhash = ~fresh->simhash;
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, fresh, 1, 1, NULL, NULL) == STORE_NEW);
    CHECK(store_commit(store, NULL) == 0);
    CHECK(count_hits(store, "harbour") == 2);
    CHECK(count_hits(store, "after") == 1);
    CHECK(count_hits(store, "before") == 1);
    /* A newer extractor rewrites the old row (the store replaces its
     * full-text entry: schema 9). */
    free(old->body);
    old->body = xstrdup("harbour tugboats, extracted again");
    CHECK(store_put_document(store, old, 2, 1, NULL, NULL) == STORE_UPDATED);
    CHECK(count_hits(store, "cranes") == 1);
    CHECK(count_hits(store, "tugboats") == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM documents_fts") == 2);
    sqlite3_close(db);
    store_close(&store);
    check_fts_in_sync(path);
    record_destroy(&old);
    record_destroy(&fresh);
}

/* Rows whose full-text entry holds word, every one (store_search stops
 * at its limit). */
static int fts_count(sqlite3 *db, const char *word)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH '\"%s\"'", word);
    return raw_int(db, sql);
}

/* Puts n documents "seed-i" (i from first) in one transaction and
 * commits it with deferred indexing: 0 or -1. */
static int put_deferred(store_t *store, const char *seed, int first, int n)
{
    if (store_begin(store, NULL) != 0)
        return -1;
    for (int i = first; i < first + n; i++) {
        char name[64], body[128];
        snprintf(name, sizeof name, "%s-%d", seed, i);
        snprintf(body, sizeof body, "waiting harbour %s row%d", seed, i);
        record_t *r = make_record(name, name, body);
        r->simhash = (uint64_t)(i + 7) * 0x9e3779b97f4a7c15ULL;
        int ok = store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW;
        record_destroy(&r);
        if (!ok)
            return -1;
    }
    return store_commit_deferred(store, NULL);
}

/* Deferred indexing: a batch's rows are committed at once, their
 * full-text entries wait (named in fts_pending) for later batches' and
 * are written with them as one segment; the writer's own search finds
 * them meanwhile; a rollback keeps them; a rewrite, a full group or a
 * quiet feed writes them; closing writes them. */
static void test_deferred_index(void)
{
    const char *path = db_path("deferred");
    store_t *store = open_or_die(path, STORE_READWRITE);
    sqlite3 *db = raw_open(path);
    CHECK(store_waiting_since_ms(store) == 0);
    CHECK(put_deferred(store, "first", 0, 10) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 10);
    CHECK(fts_count(db, "waiting") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 10);
    CHECK(store_waiting_since_ms(store) > 0);
    CHECK(put_deferred(store, "second", 0, 10) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 20);

    /* A transaction rolled back takes its own entries, not the waiting. */
    CHECK(store_begin(store, NULL) == 0);
    record_t *gone = make_record("rolled-back", "t", "waiting vanished");
    CHECK(store_put_document(store, gone, 1, 1, NULL, NULL) == STORE_NEW);
    CHECK(store_rollback(store, NULL) == 0);
    record_destroy(&gone);

    int segments = raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx");
    CHECK(store_index_waiting(store, NULL) == 0);
    CHECK(store_waiting_since_ms(store) == 0);
    CHECK(fts_count(db, "waiting") == 20);
    CHECK(fts_count(db, "vanished") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 0);
    CHECK(raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx") == segments + 1);
    check_fts_in_sync(path);

    /* The writer's search finds waiting entries. */
    CHECK(put_deferred(store, "third", 0, 5) == 0);
    CHECK(fts_count(db, "third") == 0);
    CHECK(count_hits(store, "third") == 5);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 0);

    /* A rewrite deletes its old entry at once: nothing waits with it. */
    CHECK(put_deferred(store, "fourth", 0, 3) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 3);
    record_t *again = make_record("first-0", "first-0", "rewritten tugboats");
    again->simhash = 7 * 0x9e3779b97f4a7c15ULL;
    CHECK(store_begin(store, NULL) == 0);
    CHECK(store_put_document(store, again, 2, 1, NULL, NULL) == STORE_UPDATED);
    CHECK(store_commit_deferred(store, NULL) == 0);
    record_destroy(&again);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 0);
    CHECK(fts_count(db, "tugboats") == 1 && fts_count(db, "fourth") == 3);
    CHECK(fts_count(db, "waiting") == 27);   /* 20 + 5 + 3 - the rewritten one */

    /* A full group is written at its commit. */
    CHECK(put_deferred(store, "group", 0, STORE_FTS_GROUP) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 0);
    CHECK(fts_count(db, "group") == STORE_FTS_GROUP);

    /* Closing writes what waits. */
    CHECK(put_deferred(store, "last", 0, 4) == 0);
    CHECK(fts_count(db, "last") == 0);
    store_close(&store);
    CHECK(fts_count(db, "last") == 4);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 0);
    sqlite3_close(db);
    check_fts_in_sync(path);
}

/* A crash (the process gone without closing) leaves committed rows
 * waiting; the next store opened to write indexes them, once. */
static void test_deferred_index_crash(void)
{
    const char *path = db_path("deferred-crash");
    store_t *store = open_or_die(path, STORE_READWRITE);
    store_close(&store);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        store_t *child = open_or_die(path, STORE_READWRITE);
        _exit(put_deferred(child, "crash", 0, 12) == 0 ? 0 : 1);   /* no close */
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
          && WEXITSTATUS(status) == 0);
    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == 12);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 12);
    CHECK(fts_count(db, "crash") == 0);
    store = open_or_die(path, STORE_READWRITE);
    CHECK(fts_count(db, "crash") == 12);
    CHECK(raw_int(db, "SELECT count(*) FROM fts_pending") == 0);
    store_close(&store);
    store = open_or_die(path, STORE_READWRITE);   /* once: nothing doubled */
    store_close(&store);
    CHECK(fts_count(db, "crash") == 12);
    sqlite3_close(db);
    check_fts_in_sync(path);
}

/* A version 10 file gets the table of waiting rows; its rows stay. */
static void test_upgrade_to_11(void)
{
    const char *path = db_path("upgrade11");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *old = make_record("before-11", "old row", "harbour cranes before the upgrade");
    CHECK(store_put_document(store, old, 1, 1, NULL, NULL) == STORE_NEW);
    record_destroy(&old);
    store_close(&store);
    sqlite3 *db = raw_open(path);
    downgrade_to_10(db);
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'fts_pending'") == 0);
    store = open_or_die(path, STORE_READWRITE);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'fts_pending'") == 1);
    CHECK(count_hits(store, "cranes") == 1);
    store_close(&store);
    sqlite3_close(db);
}

/* A version 9 file gets FTS5's larger hashsize, and from then on a
 * batch of full-size texts (500 of about 7 KB, 3.5 MB, as the sink
 * commits them under load) is one full-text segment: at FTS5's default
 * of 1 MiB it was several, each merged again later. Its rows stay found. */
static void test_upgrade_to_10(void)
{
    const char *path = db_path("upgrade10");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *old = make_record("before-10", "old row", "harbour cranes before the upgrade");
    CHECK(store_put_document(store, old, 1, 1, NULL, NULL) == STORE_NEW);
    record_destroy(&old);
    store_close(&store);
    sqlite3 *db = raw_open(path);
    downgrade_to_9(db);
    CHECK(raw_int(db, "SELECT count(*) FROM documents_fts_config WHERE k = 'hashsize'") == 0);

    store = open_or_die(path, STORE_READWRITE);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK(raw_int(db, "SELECT v FROM documents_fts_config WHERE k = 'hashsize'") == 16777216);
    CHECK(count_hits(store, "cranes") == 1);
    int segments = raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx");

    enum { ROWS = 500 };
    buf_t body = BUF_INIT;
    CHECK(store_begin(store, NULL) == 0);
    for (int i = 0; i < ROWS; i++) {
        char seed[32];
        snprintf(seed, sizeof seed, "full-size-%d", i);
        buf_truncate(&body, 0);
        /* Terms of their own (a number each) and shared ones: the
         * in-memory terms outgrow 1 MiB well before the batch ends. */
        for (int w = 0; body.len < 7000; w++)
            buf_printf(&body, "항만 크레인 harbour%d word%d_%d cranes%d ", w % 50, i, w, (i + w) % 97);
        record_t *r = make_record(seed, seed, buf_str(&body));
        r->simhash = (uint64_t)(i + 1) * 0x9e3779b97f4a7c15ULL;
        CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
        record_destroy(&r);
    }
    CHECK(store_commit(store, NULL) == 0);
    buf_free(&body);
    CHECK(raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx") == segments + 1);
    CHECK(fts_count(db, "word499_3") == 1);
    CHECK(count_hits(store, "cranes") == 1);
    sqlite3_close(db);
    store_close(&store);
    check_fts_in_sync(path);
}


/* A version 8 file loses its update trigger: rows rewritten after the
 * upgrade are found by their new words only, once each, whether they
 * were stored before the upgrade or after. A rewrite that keeps title
 * and body keeps the entry as it was. A batch of rewrites is one
 * full-text segment, written at its commit, whatever their order (with
 * the trigger, or with foreign keys on, every rewrite was a segment: the
 * migration 8 -> 9; written as they came, every rewrite of a lower
 * rowid than the one before: sink/store_fts.c). */
static void test_upgrade_to_9(void)
{
    const char *path = db_path("upgrade9");
    store_t *store = open_or_die(path, STORE_READWRITE);
    enum { ROWS = 300 };
    record_t *rows[ROWS];
    CHECK(store_begin(store, NULL) == 0);
    for (int i = 0; i < ROWS; i++) {
        char seed[32], body[128];
        snprintf(seed, sizeof seed, "rewrite-%d", i);
        snprintf(body, sizeof body, "harbour cranes row%d, 항만 크레인 %d", i, i);
        rows[i] = make_record(seed, seed, body);
        /* Far apart, so rewrites link nothing to anything. */
        rows[i]->simhash = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
        CHECK(store_put_document(store, rows[i], 1, 1, NULL, NULL) == STORE_NEW);
    }
    CHECK(store_commit(store, NULL) == 0);
    store_close(&store);
    sqlite3 *db = raw_open(path);
    downgrade_to_8(db);

    store = open_or_die(path, STORE_READWRITE);
    CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
    CHECK(raw_int(db, "SELECT count(*) FROM sqlite_schema "
                      "WHERE name = 'documents_fts_update'") == 0);
    CHECK(fts_count(db, "cranes") == ROWS);
    CHECK(raw_exec(db, "INSERT INTO documents_fts (documents_fts) VALUES ('optimize')") == SQLITE_OK);
    CHECK(raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx") == 1);

    /* Every row rewritten but the last, whose text stays: one batch, in
     * another order than the rows' (as workers finish them). */
    CHECK(store_begin(store, NULL) == 0);
    for (int k = 0; k < ROWS; k++) {
        int i = k * 7 % ROWS;
        if (i < ROWS - 1) {
            char body[128];
            snprintf(body, sizeof body, "harbour tugboats row%d, 항만 예인선 %d", i, i);
            free(rows[i]->body);
            rows[i]->body = xstrdup(body);
        }
        CHECK(store_put_document(store, rows[i], 2, 1, NULL, NULL) == STORE_UPDATED);
    }
    CHECK(store_commit(store, NULL) == 0);
    CHECK(fts_count(db, "cranes") == 1);
    CHECK(fts_count(db, "tugboats") == ROWS - 1);
    CHECK(fts_count(db, "harbour") == ROWS);
    CHECK(fts_count(db, "row7") == 1);
    CHECK(fts_count(db, "예인선") == ROWS - 1);
    CHECK(raw_int(db, "SELECT count(*) FROM documents_fts") == ROWS);
    /* The optimized segment, and the batch's. */
    CHECK(raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx") == 2);
    /* Still no trigger doubles a rewrite: once more, a new title. */
    free(rows[0]->title);
    rows[0]->title = xstrdup("lighthouse");
    CHECK(store_put_document(store, rows[0], 3, 1, NULL, NULL) == STORE_UPDATED);
    CHECK(fts_count(db, "lighthouse") == 1);
    CHECK(fts_count(db, "tugboats") == ROWS - 1);
    sqlite3_close(db);
    store_close(&store);
    check_fts_in_sync(path);
    for (int i = 0; i < ROWS; i++)
        record_destroy(&rows[i]);
}

/* Repeats in a batch of new rows (the same document again, from its
 * first source or from another) leave the batch one full-text segment:
 * checking a source opened a savepoint that wrote a segment each. */
static void test_repeats_in_a_batch(void)
{
    const char *path = db_path("repeats");
    store_t *store = open_or_die(path, STORE_READWRITE);
    enum { ROWS = 200 };
    record_t *first = make_record("repeated", "repeated", "the story everyone repeats");
    CHECK(store_put_document(store, first, 1, 1, NULL, NULL) == STORE_NEW);
    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx") == 1);
    CHECK(store_begin(store, NULL) == 0);
    int new_rows = 0, new_sources = 0, unchanged = 0;
    for (int i = 0; i < ROWS; i++) {
        char seed[32], body[96];
        snprintf(seed, sizeof seed, "fresh-%d", i);
        snprintf(body, sizeof body, "fresh story %d, 새 기사 %d", i, i);
        record_t *r = make_record(seed, seed, body);
        r->simhash = (uint64_t)(i + 1) * 0x9e3779b97f4a7c15ULL;
        new_rows += store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW;
        record_destroy(&r);
        /* The repeat: from its first source, then from a new one. */
        if (i % 2) {
            unchanged += store_put_document(store, first, 1, 1, NULL, NULL) == STORE_UNCHANGED;
        } else {
            char source[32];
            snprintf(source, sizeof source, "mirror-%d", i);
            free(first->source);
            first->source = xstrdup(source);
            new_sources += store_put_document(store, first, 1, 1, NULL, NULL) == STORE_NEW_SOURCE;
            free(first->source);
            first->source = xstrdup("repeated");
        }
    }
    CHECK(store_commit(store, NULL) == 0);
    CHECK(new_rows == ROWS && new_sources == ROWS / 2 && unchanged == ROWS / 2);
    CHECK(raw_int(db, "SELECT count(*) FROM other_sources") == ROWS / 2);
    CHECK(fts_count(db, "fresh") == ROWS);
    CHECK(raw_int(db, "SELECT count(DISTINCT segid) FROM documents_fts_idx") == 2);
    sqlite3_close(db);
    store_close(&store);
    check_fts_in_sync(path);
    record_destroy(&first);
}

/* entities.offset holds the entity's offset, NULL when the record had
 * none (from an older worker). */
static void test_entity_offsets(void)
{
    const char *path = db_path("offsets");
    store_t *store = open_or_die(path, STORE_READWRITE);
    record_t *r = make_record("offsets", "t", "환율은 1조1천35억 엔, 3.5% 올랐다.");
    entity_t *e = record_add_entity(r, "money", "1조1천35억 엔", 1103500000000.0, 1, "JPY");
    e->offset = strlen("환율은 ");
    e->has_offset = 1;
    e = record_add_entity(r, "percent", "3.5%", 3.5, 1, "%");
    e->offset = strstr(r->body, "3.5%") - r->body;
    e->has_offset = 1;
    record_add_entity(r, "org", "nobody knows", 0, 0, NULL);
    CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
    sqlite3 *db = raw_open(path);
    CHECK_STR(raw_text(db, "SELECT group_concat(ord || ':' || coalesce(offset, '-'), ' ') "
                           "FROM entities"), "0:10 1:29 2:-");
    /* In bytes: substr on the blob gives back the text. */
    CHECK(raw_int(db, "SELECT count(*) FROM entities AS e JOIN documents AS d ON d.id = e.doc_id "
                      "WHERE substr(CAST(d.body AS BLOB), e.offset + 1, "
                      "length(CAST(e.text AS BLOB))) = CAST(e.text AS BLOB)") == 2);
    sqlite3_close(db);
    record_destroy(&r);
    store_close(&store);
}

/* ---- checkpoints (sink/checkpointer.h) -------------------------------- */

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* The WAL is copied into the database by the store's own thread, and
 * starts again from its top once it holds the limit: commit after commit
 * its file stays within the limit plus about two commits, while far more
 * than that is written through it; every row is there, after each
 * commit and after closing (when the WAL is gone). Without the thread,
 * or without the wait, the file would hold all 40 MB written and more. */
static void test_wal_checkpointed_and_bounded(void)
{
    const char *path = db_path("wal");
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    store_t *store = open_or_die(path, STORE_READWRITE);
    enum { LIMIT = 1500, BATCHES = 40, DOCS = 10, BODY = 100000 };
    store_set_wal_limit(store, LIMIT);
    sqlite3 *db = raw_open(path);
    long long page = raw_int(db, "PRAGMA page_size");
    char *body = xcalloc(1, BODY + 32);
    long long largest = 0, before = 0;
    for (int b = 0; b < BATCHES; b++) {
        CHECK(store_begin(store, NULL) == 0);
        for (int d = 0; d < DOCS; d++) {
            char seed[32];
            snprintf(seed, sizeof seed, "wal-%d-%d", b, d);
            /* Words that differ from document to document: the index
             * grows too, as with real texts. */
            size_t n = 0;
            for (int w = 0; n + 16 < BODY; w++)
                n += (size_t)snprintf(body + n, BODY + 32 - n, "w%dx%d ", w % 997, b * DOCS + d);
            record_t *r = make_record(seed, seed, body);
            CHECK(store_put_document(store, r, 1, 1, NULL, NULL) == STORE_NEW);
            record_destroy(&r);
        }
        CHECK(store_commit(store, NULL) == 0);
        long long size = file_size(wal);
        if (size > before && size - before > largest)
            largest = size - before;
        before = size;
        CHECK(raw_int(db, "SELECT count(*) FROM documents") == (long long)(b + 1) * DOCS);
    }
    /* The WAL's header counts the times it started again from its top
     * (its checkpoint sequence number, big-endian at byte 12). */
    unsigned char header[16] = { 0 };
    FILE *f = fopen(wal, "rb");
    CHECK(f && fread(header, 1, sizeof header, f) == sizeof header);
    if (f)
        fclose(f);
    unsigned restarts = (unsigned)header[12] << 24 | (unsigned)header[13] << 16
                        | (unsigned)header[14] << 8 | header[15];
    CHECK(restarts >= 2);
    if (!(file_size(wal) <= LIMIT * page + 2 * largest + 65536))
        fprintf(stderr, "wal %lld bytes, limit %d pages of %lld, largest commit %lld\n",
                file_size(wal), (int)LIMIT, page, largest);
    CHECK(file_size(wal) <= LIMIT * page + 2 * largest + 65536);
    sqlite3_close(db);
    store_close(&store);
    CHECK(access(wal, F_OK) != 0);   /* the last connection's close took it in */
    db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(*) FROM documents") == BATCHES * DOCS);
    CHECK_STR(raw_text(db, "PRAGMA integrity_check"), "ok");
    sqlite3_close(db);
    check_fts_in_sync(path);
    free(body);
}

TESTING_MAIN_WITH(testing_dir_make, testing_dir_remove,
    TEST(test_fresh_open_and_reopen),
    TEST(test_worker_column),
    TEST(test_refuses_what_it_cannot_use),
    TEST(test_put_is_idempotent),
    TEST(test_newer_extractor_updates),
    TEST(test_failed_put_leaves_nothing),
    TEST(test_fault_classes),
    TEST(test_rollback_and_batch),
    TEST(test_dead_letters),
    TEST(test_search),
    TEST(test_search_ignores_symbols),
    TEST(test_search_words),
    TEST(test_stats),
    TEST(test_near_duplicates),
    TEST(test_near_duplicate_bound),
    TEST(test_near_duplicate_candidates),
    TEST(test_upgrade_to_4),
    TEST(test_upgrade_to_3),
    TEST(test_upgrade_to_8),
    TEST(test_upgrade_to_9),
    TEST(test_upgrade_to_10),
    TEST(test_upgrade_to_11),
    TEST(test_deferred_index),
    TEST(test_deferred_index_crash),
    TEST(test_repeats_in_a_batch),
    TEST(test_entity_offsets),
    TEST(test_sources),
    TEST(test_page_types),
    TEST(test_wal_checkpointed_and_bounded))
