/* bare_sqlite: the bare SQLite insert rate, the ceiling of feedmill's
 * single-writer sink.
 *
 *   bare_sqlite [--fts] DB ROWS TEXTFILE...
 *
 * Creates DB (which must not exist yet) in WAL mode with
 * synchronous=NORMAL and one table with a PRIMARY KEY and nothing else,
 * then inserts ROWS rows of ~5 KB of text, 500 rows per transaction.
 * The text is cut from the TEXTFILEs (real documents, so the tokenizer
 * sees real words) at a different offset for every row; the key is 64 hex
 * digits in random order, like feedmill's SHA-256 ids.
 *
 * With --fts every row also goes into an FTS5 index over the text with the
 * unicode61 tokenizer (external content, so the text is stored once), in
 * the same transaction. Only the inserts and commits are timed; prints one
 * result line (bench.h). */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define ROW_BYTES 5000
#define ROWS_PER_TXN 500

static const char *SCHEMA =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE docs(id TEXT PRIMARY KEY, body TEXT NOT NULL);";
static const char *FTS_SCHEMA =
    "CREATE VIRTUAL TABLE docs_fts USING fts5(body, content='docs',"
    " content_rowid='rowid', tokenize='unicode61');";

typedef struct row {
    char id[65];
    const char *body;  /* points into the text pool */
    int len;
} row_t;

static void check(int rc, sqlite3 *db, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return;
    fprintf(stderr, "bare_sqlite: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

/* The TEXTFILEs end to end, repeated until any row fits anywhere. */
static char *make_pool(const files_t *texts, size_t *len)
{
    if (texts->bytes == 0) {
        fprintf(stderr, "bare_sqlite: the text files are empty\n");
        exit(2);
    }
    size_t copies = 4 * ROW_BYTES / texts->bytes + 1;
    char *pool = malloc(copies * texts->bytes + 1);
    if (!pool)
        exit(2);
    *len = 0;
    for (size_t c = 0; c < copies; c++)
        for (size_t i = 0; i < texts->count; i++) {
            memcpy(pool + *len, texts->items[i].data, texts->items[i].len);
            *len += texts->items[i].len;
        }
    pool[*len] = '\0';
    return pool;
}

/* A fixed pseudo-random sequence (splitmix64): same keys every run. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static int is_utf8_start(char c)
{
    return ((unsigned char)c & 0xC0) != 0x80;
}

/* Row i: a random key and ~ROW_BYTES of the pool cut on UTF-8 boundaries. */
static row_t make_row(size_t i, const char *pool, size_t pool_len)
{
    row_t row;
    for (int part = 0; part < 4; part++)
        snprintf(row.id + 16 * part, 17, "%016llx",
                 (unsigned long long)mix(4 * i + (size_t)part));
    size_t start = (size_t)mix(i) % (pool_len - ROW_BYTES - 8);
    while (!is_utf8_start(pool[start]))
        start++;
    size_t end = start + ROW_BYTES;
    while (!is_utf8_start(pool[end]))
        end--;
    row.body = pool + start;
    row.len = (int)(end - start);
    return row;
}

static void insert_row(sqlite3 *db, sqlite3_stmt *insert, sqlite3_stmt *index,
                       const row_t *row)
{
    sqlite3_bind_text(insert, 1, row->id, 64, SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, row->body, row->len, SQLITE_STATIC);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
    if (!index)
        return;
    sqlite3_bind_int64(index, 1, sqlite3_last_insert_rowid(db));
    sqlite3_bind_text(index, 2, row->body, row->len, SQLITE_STATIC);
    check(sqlite3_step(index), db, "index");
    sqlite3_reset(index);
}

int main(int argc, char **argv)
{
    int fts = argc > 1 && strcmp(argv[1], "--fts") == 0;
    if (argc - fts < 4) {
        fprintf(stderr, "usage: bare_sqlite [--fts] DB ROWS TEXTFILE...\n");
        return 2;
    }
    const char *path = argv[1 + fts];
    size_t rows = strtoul(argv[2 + fts], NULL, 10);
    files_t texts = files_load(argv + 3 + fts, argc - 3 - fts);

    size_t pool_len;
    char *pool = make_pool(&texts, &pool_len);
    row_t *table = malloc((rows + 1) * sizeof(row_t));
    size_t bytes = 0;
    for (size_t i = 0; i < rows; i++) {
        table[i] = make_row(i, pool, pool_len);
        bytes += (size_t)table[i].len;
    }

    sqlite3 *db;
    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                          NULL), db, path);
    check(sqlite3_exec(db, SCHEMA, NULL, NULL, NULL), db, "schema");
    if (fts)
        check(sqlite3_exec(db, FTS_SCHEMA, NULL, NULL, NULL), db, "fts schema");
    sqlite3_stmt *insert, *index = NULL;
    check(sqlite3_prepare_v2(db, "INSERT INTO docs(id, body) VALUES (?1, ?2)",
                             -1, &insert, NULL), db, "prepare");
    if (fts)
        check(sqlite3_prepare_v2(db, "INSERT INTO docs_fts(rowid, body) VALUES (?1, ?2)",
                                 -1, &index, NULL), db, "prepare fts");

    double start = now();
    for (size_t i = 0; i < rows; i++) {
        if (i % ROWS_PER_TXN == 0)
            check(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), db, "begin");
        insert_row(db, insert, index, &table[i]);
        if (i % ROWS_PER_TXN == ROWS_PER_TXN - 1 || i == rows - 1)
            check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
    }
    double seconds = now() - start;

    char version[64];
    snprintf(version, sizeof version, "sqlite-%s", sqlite3_libversion());
    print_result(rows, bytes, seconds, 0, version);
    sqlite3_finalize(insert);
    sqlite3_finalize(index);
    check(sqlite3_close(db), db, "close");
    free(table);
    free(pool);
    files_free(&texts);
    return 0;
}
