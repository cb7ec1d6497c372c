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
 * every SQLite result is checked, and a failure leaves its reason in
 * store_error() and returns -1 or STORE_ERROR. */
#include "sink/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "common/buf.h"
#include "common/dbfault.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/text.h"
#include "extract/simhash.h"

#define BUSY_TIMEOUT_MS 5000

/* ISO 8601 UTC with milliseconds, the format of the logs. */
#define SQL_NOW "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

/* Near-duplicates. A simhash splits into STORE_SIMHASH_BANDS bands of
 * 16 bits (band 0 is the top 16 bits, the first 4 hex digits), each a row
 * of simhash_bands, whose primary key (band, value, doc_id) is the index.
 * Two fingerprints within STORE_NEAR_DUPLICATE_BITS (3) differing bits
 * cannot differ in all 4 bands (pigeonhole), so every document within
 * the threshold shares at least one band exactly, and the candidates are
 * found by 4 index lookups, never by reading every simhash.
 *
 * SQL_NEAR_JOIN pairs a document d with each candidate c: a document
 * sharing a band with it, ingested before it (ingested_at, then rowid,
 * which ties of the same millisecond), within the threshold. Links only
 * ever point to an earlier row, so they never form a cycle: the links
 * are a forest, each tree a group, its root the group's first document.
 * The nearest candidate wins, the earliest among equals (SQL_NEAR_ORDER).
 * feedmill_simhash_distance and feedmill_simhash_band are C functions
 * this store registers on its connection (register_functions). */
#define STORE_STRINGIFY_(x) #x
#define STORE_STRINGIFY(x) STORE_STRINGIFY_(x)
_Static_assert(STORE_NEAR_DUPLICATE_BITS < STORE_SIMHASH_BANDS,
               "the bands find every pair within the threshold only below it");
#define SQL_NEAR_JOIN \
    "  FROM documents AS d\n" \
    "  JOIN simhash_bands AS own ON own.doc_id = d.id\n" \
    "  JOIN simhash_bands AS b ON b.band = own.band AND b.value = own.value\n" \
    "   AND b.rank < " STORE_STRINGIFY(STORE_NEAR_CANDIDATES) "\n" \
    "  JOIN documents AS c ON c.id = b.doc_id\n" \
    " WHERE (c.ingested_at, c.rowid) < (d.ingested_at, d.rowid)\n" \
    "   AND feedmill_simhash_distance(d.simhash, c.simhash) <= "          \
    STORE_STRINGIFY(STORE_NEAR_DUPLICATE_BITS) "\n"
#define SQL_NEAR_ORDER \
    "feedmill_simhash_distance(d.simhash, c.simhash), c.ingested_at, c.rowid"

/* migrations[v] takes a database from schema version v to v + 1; open
 * runs the missing steps in order, in one transaction, then sets
 * PRAGMA user_version. To change the schema, append a step (version 2
 * is migrations[1]: ALTER TABLE, CREATE INDEX, ...) and bump
 * STORE_SCHEMA_VERSION. Never edit a step that has shipped: databases in
 * the field have already run it.
 *
 * Full-text search: documents_fts indexes title and body without a copy
 * of them (external content, keyed by the rowid of documents; the
 * triggers are SQLite's documented pattern for keeping such an index in
 * sync). The tokenizer is unicode61, not trigram. Measured on this
 * machine, trigram makes the single writer about 4x slower (960 against
 * 3600 rows/s), and a trigram index cannot match a query shorter than
 * three characters, which rules out the two-syllable words most Korean
 * nouns are (협력, 정부). unicode61 splits on spaces and punctuation, so
 * a Korean token is a whole eojeol: the noun plus its particles, which
 * are always suffixes (싱가포르와, 협력을). A prefix query therefore
 * finds the noun in any of its forms: '"싱가포르"*' matches 싱가포르와,
 * and store_search() adds that '*' to every Hangul word. */
static const char *const migrations[] = {
    /* 0 -> 1: the initial schema. */
    "CREATE TABLE documents (\n"
    "    id          TEXT PRIMARY KEY NOT NULL,\n"
    "    source      TEXT NOT NULL,\n"
    "    kind        TEXT NOT NULL,\n"
    "    title       TEXT,\n"
    "    published   TEXT,\n"
    "    author      TEXT,\n"
    "    lang        TEXT,\n"
    "    body        TEXT NOT NULL,\n"
    "    simhash     TEXT,\n"
    "    keywords    TEXT,               -- JSON array of strings\n"
    "    extractor   INTEGER NOT NULL,   -- EXTRACT_VERSION that wrote the row\n"
    "    attempts    INTEGER NOT NULL,\n"
    "    ingested_at TEXT NOT NULL,      -- ISO 8601 UTC\n"
    "    updated_at  TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE entities (\n"
    "    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "    type   TEXT NOT NULL,\n"
    "    text   TEXT NOT NULL,\n"
    "    value  REAL,\n"
    "    unit   TEXT,\n"
    "    ord    INTEGER NOT NULL          -- position in the document's list\n"
    ");\n"
    "CREATE INDEX entities_doc ON entities(doc_id);\n"
    "CREATE INDEX entities_value ON entities(type, unit, value);\n"
    "CREATE TABLE dead_letters (\n"
    "    id              TEXT PRIMARY KEY NOT NULL,\n"
    "    source          TEXT,\n"
    "    error           TEXT NOT NULL,\n"
    "    attempts        INTEGER NOT NULL,\n"
    "    first_failed_at TEXT NOT NULL,\n"
    "    last_failed_at  TEXT NOT NULL\n"
    ");\n"
    "CREATE VIRTUAL TABLE documents_fts USING fts5(\n"
    "    title, body,\n"
    "    content='documents', content_rowid='rowid',\n"
    "    tokenize='unicode61 remove_diacritics 2'\n"
    ");\n"
    "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN\n"
    "    INSERT INTO documents_fts(rowid, title, body)\n"
    "    VALUES (new.rowid, new.title, new.body);\n"
    "END;\n"
    "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN\n"
    "    INSERT INTO documents_fts(documents_fts, rowid, title, body)\n"
    "    VALUES ('delete', old.rowid, old.title, old.body);\n"
    "END;\n"
    "CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents BEGIN\n"
    "    INSERT INTO documents_fts(documents_fts, rowid, title, body)\n"
    "    VALUES ('delete', old.rowid, old.title, old.body);\n"
    "    INSERT INTO documents_fts(rowid, title, body)\n"
    "    VALUES (new.rowid, new.title, new.body);\n"
    "END;\n",
    /* 1 -> 2: which worker produced each row: the CurveZMQ public key its
     * connection authenticated with (NULL without CURVE, and for rows
     * written before). */
    "ALTER TABLE documents ADD COLUMN worker TEXT;\n",
    /* 2 -> 3: near-duplicates and entity offsets. The FTS update trigger
     * now fires only when title or body are written, so setting a link
     * does not re-index a document. Rows already there get their bands,
     * and their links as if each had been linked on arrival (to the
     * nearest earlier document); their entities' offsets stay NULL. */
    "ALTER TABLE documents ADD COLUMN near_duplicate_of TEXT\n"
    "    REFERENCES documents(id) ON DELETE SET NULL;\n"
    "ALTER TABLE documents ADD COLUMN near_duplicate_distance INTEGER;\n"
    "CREATE INDEX documents_near_duplicate ON documents(near_duplicate_of)\n"
    "    WHERE near_duplicate_of IS NOT NULL;\n"
    "CREATE TABLE simhash_bands (\n"
    "    band   INTEGER NOT NULL,  -- 0..3: bits 63..48, 47..32, 31..16, 15..0\n"
    "    value  INTEGER NOT NULL,  -- those 16 bits, 0..65535\n"
    "    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "    rank   INTEGER NOT NULL,  -- rows of this band value before it, up to 64\n"
    "    PRIMARY KEY (band, value, doc_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX simhash_bands_doc ON simhash_bands(doc_id);\n"
    "CREATE INDEX simhash_bands_bucket ON simhash_bands(band, value, rank);\n"
    "ALTER TABLE entities ADD COLUMN offset INTEGER;\n"
    "DROP TRIGGER documents_fts_update;\n"
    "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, body ON documents BEGIN\n"
    "    INSERT INTO documents_fts(documents_fts, rowid, title, body)\n"
    "    VALUES ('delete', old.rowid, old.title, old.body);\n"
    "    INSERT INTO documents_fts(rowid, title, body)\n"
    "    VALUES (new.rowid, new.title, new.body);\n"
    "END;\n"
    "INSERT INTO simhash_bands (band, value, doc_id, rank)\n"
    "SELECT band, value, id, min(rank, " STORE_STRINGIFY(STORE_NEAR_CANDIDATES) ") FROM (\n"
    "    SELECT n.band AS band, feedmill_simhash_band(d.simhash, n.band) AS value, d.id AS id,\n"
    "           row_number() OVER (PARTITION BY n.band, feedmill_simhash_band(d.simhash, n.band)\n"
    "                              ORDER BY d.ingested_at, d.rowid) - 1 AS rank\n"
    "      FROM documents AS d,\n"
    "           (SELECT 0 AS band UNION ALL SELECT 1 UNION ALL SELECT 2\n"
    "            UNION ALL SELECT 3) AS n\n"
    "     WHERE feedmill_simhash_band(d.simhash, n.band) IS NOT NULL);\n"
    "CREATE TEMP TABLE near_links AS\n"
    "SELECT id, near, distance FROM (\n"
    "    SELECT d.id AS id, c.id AS near,\n"
    "           feedmill_simhash_distance(d.simhash, c.simhash) AS distance,\n"
    "           row_number() OVER (PARTITION BY d.id ORDER BY " SQL_NEAR_ORDER ") AS rank\n"
    SQL_NEAR_JOIN
    ") WHERE rank = 1;\n"
    "UPDATE documents SET near_duplicate_of = l.near, near_duplicate_distance = l.distance\n"
    "  FROM temp.near_links AS l WHERE documents.id = l.id;\n"
    "DROP TABLE temp.near_links;\n",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration step per schema version");

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
    SQL_ENTITIES_DELETE,
    SQL_ENTITY_INSERT,
    SQL_BANDS_DELETE,
    SQL_BAND_INSERT,
    SQL_NEAR_FIND,
    SQL_NEAR_SET,
    SQL_NEAR_LINKED_TO,
    SQL_DEAD_DELETE,
    SQL_DEAD_UPSERT,
    SQL_SEARCH,
    SQL_STATS_TOTALS,
    SQL_STATS_LANGS,
    SQL_STATS_NEAR,
    SQL_COUNT_DOCUMENTS,
    SQL_COUNT_DEAD,
    SQL_COUNT
};

/* Documents bind the same parameters for insert and update:
 * ?1 id, ?2 source, ?3 kind, ?4 title, ?5 published, ?6 author, ?7 lang,
 * ?8 body, ?9 simhash, ?10 keywords, ?11 extractor, ?12 attempts.
 * An update keeps id, source and ingested_at: the row is still the one
 * first ingested from there, only extracted again. */
static const char *const statements[SQL_COUNT] = {
    /* IMMEDIATE takes the write lock up front, so a busy database makes
     * BEGIN wait (busy_timeout) instead of failing mid-batch. */
    [SQL_BEGIN] = "BEGIN IMMEDIATE",
    [SQL_COMMIT] = "COMMIT",
    [SQL_ROLLBACK] = "ROLLBACK",
    /* A put is several statements; the savepoint makes it all or nothing
     * inside the caller's batch (or on its own, outside one). */
    [SQL_SAVEPOINT] = "SAVEPOINT store_op",
    [SQL_RELEASE] = "RELEASE store_op",
    [SQL_ROLLBACK_TO] = "ROLLBACK TO store_op",

    [SQL_DOC_EXTRACTOR] = "SELECT extractor FROM documents WHERE id = ?1",
    [SQL_DOC_INSERT] =
        "INSERT INTO documents (id, source, kind, title, published, author,\n"
        "    lang, body, simhash, keywords, extractor, attempts,\n"
        "    ingested_at, updated_at, worker)\n"
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,\n"
        "    " SQL_NOW ", " SQL_NOW ", ?13)",
    /* Insert and update leave the link NULL: write_near_duplicates sets
     * it once the row and its bands are written. */
    [SQL_DOC_UPDATE] =
        "UPDATE documents\n"
        "   SET kind = ?3, title = ?4, published = ?5, author = ?6, lang = ?7,\n"
        "       body = ?8, simhash = ?9, keywords = ?10, extractor = ?11,\n"
        "       attempts = ?12, updated_at = " SQL_NOW ", worker = ?13,\n"
        "       near_duplicate_of = NULL, near_duplicate_distance = NULL\n"
        " WHERE id = ?1",
    [SQL_ENTITIES_DELETE] = "DELETE FROM entities WHERE doc_id = ?1",
    [SQL_ENTITY_INSERT] =
        "INSERT INTO entities (doc_id, type, text, value, unit, ord, offset)\n"
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",

    [SQL_BANDS_DELETE] = "DELETE FROM simhash_bands WHERE doc_id = ?1",
    [SQL_BAND_INSERT] =
        /* rank: how many rows had this band value before, counted up to
         * STORE_NEAR_CANDIDATES (a bounded walk of the bucket's index). */
        "INSERT INTO simhash_bands (band, value, doc_id, rank) VALUES (?1, ?2, ?3,\n"
        "    (SELECT count(*) FROM (SELECT 1 FROM simhash_bands WHERE band = ?1 AND value = ?2\n"
        "                           LIMIT " STORE_STRINGIFY(STORE_NEAR_CANDIDATES) ")))",
    /* The nearest earlier document of ?1, by its stored bands. */
    [SQL_NEAR_FIND] =
        "SELECT c.id, feedmill_simhash_distance(d.simhash, c.simhash)\n"
        SQL_NEAR_JOIN
        "   AND d.id = ?1\n"
        " ORDER BY " SQL_NEAR_ORDER "\n"
        " LIMIT 1",
    [SQL_NEAR_SET] =
        "UPDATE documents SET near_duplicate_of = ?2, near_duplicate_distance = ?3\n"
        " WHERE id = ?1",
    [SQL_NEAR_LINKED_TO] =
        "SELECT id FROM documents WHERE near_duplicate_of = ?1",

    [SQL_DEAD_DELETE] = "DELETE FROM dead_letters WHERE id = ?1",
    /* Deliveries can arrive out of order, so attempts never go down. */
    [SQL_DEAD_UPSERT] =
        "INSERT INTO dead_letters (id, source, error, attempts,\n"
        "    first_failed_at, last_failed_at)\n"
        "VALUES (?1, ?2, ?3, ?4, " SQL_NOW ", " SQL_NOW ")\n"
        "ON CONFLICT (id) DO UPDATE\n"
        "   SET source = coalesce(excluded.source, dead_letters.source),\n"
        "       error = excluded.error,\n"
        "       attempts = max(dead_letters.attempts, excluded.attempts),\n"
        "       last_failed_at = excluded.last_failed_at",

    /* snippet() and bm25() only work while documents_fts is the outer
     * loop of the join; CROSS JOIN pins that order in SQLite. */
    [SQL_SEARCH] =
        "SELECT d.id, d.source, d.title, d.published,\n"
        "       coalesce(nullif(snippet(documents_fts, 1, '[', ']', '…', 10), ''),\n"
        "                d.title),\n"
        "       bm25(documents_fts)\n"
        "  FROM documents_fts CROSS JOIN documents AS d\n"
        "    ON d.rowid = documents_fts.rowid\n"
        " WHERE documents_fts MATCH ?1\n"
        " ORDER BY bm25(documents_fts)\n"
        " LIMIT ?2",

    /* length() of TEXT counts characters; the blob cast counts bytes. */
    [SQL_STATS_TOTALS] =
        "SELECT (SELECT count(*) FROM documents),\n"
        "       (SELECT count(*) FROM dead_letters),\n"
        "       (SELECT count(*) FROM entities),\n"
        "       (SELECT coalesce(sum(length(CAST(body AS BLOB))), 0) FROM documents),\n"
        "       (SELECT min(published) FROM documents),\n"
        "       (SELECT max(published) FROM documents)",
    [SQL_STATS_LANGS] =
        "SELECT coalesce(lang, 'und'), count(*) AS n FROM documents\n"
        " GROUP BY 1 ORDER BY n DESC, 1 LIMIT 8",
    /* Links form a forest (SQL_NEAR_JOIN), so the groups are the roots
     * something links to, and the documents in groups are the linked
     * ones plus one root per group, however deep the trees. */
    [SQL_STATS_NEAR] =
        "SELECT (SELECT count(DISTINCT l.near_duplicate_of)\n"
        "          FROM documents AS l JOIN documents AS r ON r.id = l.near_duplicate_of\n"
        "         WHERE l.near_duplicate_of IS NOT NULL AND r.near_duplicate_of IS NULL),\n"
        "       (SELECT count(*) FROM documents WHERE near_duplicate_of IS NOT NULL)",
    [SQL_COUNT_DOCUMENTS] = "SELECT count(*) FROM documents",
    [SQL_COUNT_DEAD] = "SELECT count(*) FROM dead_letters",
};

struct store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[SQL_COUNT];
    buf_t error;     /* last failure, "" when none yet */
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
};

/* ---- errors ---------------------------------------------------------- */

static int fail(store_t *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(store_t *self, const char *fmt, ...)
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
static int fail_sqlite(store_t *self, const char *what)
{
    fail(self, "%s: %s", what, sqlite3_errmsg(self->db));
    self->error_code = sqlite3_extended_errcode(self->db);
    self->error_errno = sqlite3_system_errno(self->db);
    return -1;
}

/* ---- statements ------------------------------------------------------ */

/* Steps a statement that returns no rows, then resets it for next use.
 * (sqlite3_reset only repeats the step's error, reported already.) */
static int run(store_t *self, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        fail_sqlite(self, what);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Binds a string or NULL. SQLITE_STATIC: every caller steps and resets
 * the statement while the string is still alive, and rebinds before the
 * next step. */
static int bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
    if (!text)
        return sqlite3_bind_null(stmt, index);
    return sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

/* A source is bytes (common/text.h); the column holds its printable
 * form, which for the UTF-8 sources nearly all are is the source itself.
 * SQLite copies the text (TRANSIENT) because the printable form is freed
 * here. */
static int bind_source(sqlite3_stmt *stmt, int index, const char *source)
{
    if (!source || text_is_utf8(source))
        return bind_text(stmt, index, source);
    char *printable = text_printable(source);
    int rc = sqlite3_bind_text(stmt, index, printable, -1, SQLITE_TRANSIENT);
    free(printable);
    return rc;
}

/* Runs SQL that is used once per open (pragmas, migrations). */
static int exec(store_t *self, const char *sql, const char *what)
{
    if (sqlite3_exec(self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail_sqlite(self, what);
    return 0;
}

/* The first column of the first row of a one-off query, as an integer. */
static int query_int(store_t *self, const char *sql, int *out)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(self, sql);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(stmt, 0);
    else
        fail_sqlite(self, sql);
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
               != SQLITE_OK)
        return fail_sqlite(self, "registering SQL functions");
    return 0;
}

/* ---- open, migrate, close ------------------------------------------- */

static int open_connection(store_t *self, store_mode_t mode)
{
    struct stat st;
    if (mode == STORE_READONLY && stat(self->path, &st) != 0) {
        if (errno == ENOENT)
            return fail(self, "no database at %s", self->path);
        return fail(self, "%s: %s", self->path, strerror(errno));
    }
    int flags = mode == STORE_READONLY
                    ? SQLITE_OPEN_READONLY
                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    /* sqlite3_open_v2 hands back a handle even on failure, to read the
     * reason from; store_close releases it. */
    if (sqlite3_open_v2(self->path, &self->db, flags, NULL) != SQLITE_OK)
        return fail(self, "%s: %s", self->path, sqlite3_errmsg(self->db));
    if (sqlite3_busy_timeout(self->db, BUSY_TIMEOUT_MS) != SQLITE_OK)
        return fail_sqlite(self, "busy_timeout");
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
        fail(self, "%s is not an SQLite database", self->path);
    else if (rc != SQLITE_ROW)
        fail(self, "%s: %s", self->path, sqlite3_errmsg(self->db));
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* A newer schema may mean anything (renamed columns, new invariants):
 * refuse it rather than write rows an older binary understands wrong. */
static int check_not_newer(store_t *self, int version)
{
    if (version > STORE_SCHEMA_VERSION)
        return fail(self, "%s: database schema version %d is newer than this "
                    "feedmill (knows up to %d)", self->path, version,
                    STORE_SCHEMA_VERSION);
    return 0;
}

/* A reader cannot migrate, so it needs the schema already in place. */
static int check_current(store_t *self, int version)
{
    if (version == 0)
        return fail(self, "%s is not a feedmill database yet (no schema); "
                    "the sink creates it", self->path);
    if (version < STORE_SCHEMA_VERSION)
        return fail(self, "%s: database schema version %d is older than this "
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
            return fail(self, "%s is an SQLite database but not a feedmill one "
                        "(it has tables and no schema version)", self->path);
    }
    for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
        if (exec(self, migrations[v], "migrating the schema") < 0)
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
        return fail_sqlite(self, "journal_mode");
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        fail_sqlite(self, "journal_mode");
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
        if (sqlite3_prepare_v3(self->db, statements[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &self->stmt[i],
                               NULL) != SQLITE_OK)
            return fail(self, "preparing \"%.40s...\": %s", statements[i],
                        sqlite3_errmsg(self->db));
    }
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
               || migrate(self, version) < 0) {
        return -1;
    }
    /* Per connection, not stored in the file: set on every open. */
    if (exec(self, "PRAGMA foreign_keys = ON", "foreign_keys") < 0)
        return -1;
    return prepare_statements(self);
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
    for (int i = 0; i < SQL_COUNT; i++)
        sqlite3_finalize(self->stmt[i]);  /* NULL is a no-op */
    if (sqlite3_close(self->db) != SQLITE_OK)
        log_warn("store close failed path=%s error=%s", log_q(self->path),
                 log_q(sqlite3_errmsg(self->db)));
    free(self->path);
    buf_free(&self->error);
    buf_free(&self->scratch);
    free(self);
    *self_p = NULL;
}

const char *store_error(const store_t *self)
{
    if (!self)
        return "store is not open";
    return buf_str(&self->error);
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

int store_begin(store_t *self)
{
    if (run(self, self->stmt[SQL_BEGIN], "begin") < 0)
        return -1;
    sqlite3_stmt *stmt = NULL;
    self->dead_letters_present = 1;   /* unless we learn otherwise */
    if (sqlite3_prepare_v2(self->db, "SELECT EXISTS (SELECT 1 FROM dead_letters)", -1, &stmt,
                           NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        self->dead_letters_present = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return 0;
}

int store_commit(store_t *self)
{
    return run(self, self->stmt[SQL_COMMIT], "commit");
}

int store_rollback(store_t *self)
{
    return run(self, self->stmt[SQL_ROLLBACK], "rollback");
}

/* Undoes the work since SQL_SAVEPOINT and ends it. The error that caused
 * the undo stays the message; an undo that fails too is appended (if
 * SQLite already rolled the whole transaction back, e.g. on SQLITE_FULL,
 * there is no savepoint left to undo). */
static void savepoint_undo(store_t *self)
{
    sqlite3_stmt *steps[] = { self->stmt[SQL_ROLLBACK_TO], self->stmt[SQL_RELEASE] };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (sqlite3_step(steps[i]) != SQLITE_DONE)
            buf_printf(&self->error, " (undo: %s)", sqlite3_errmsg(self->db));
        sqlite3_reset(steps[i]);
    }
}

/* ---- documents ------------------------------------------------------- */

/* 1 and *extractor when the id is stored, 0 when not, -1 on error. */
static int stored_extractor(store_t *self, const char *id, int *extractor)
{
    sqlite3_stmt *stmt = self->stmt[SQL_DOC_EXTRACTOR];
    if (bind_text(stmt, 1, id) != SQLITE_OK)
        return fail_sqlite(self, "looking up a document");
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *extractor = sqlite3_column_int(stmt, 0);
    else if (rc != SQLITE_DONE)
        fail_sqlite(self, "looking up a document");
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

/* Runs SQL_DOC_INSERT or SQL_DOC_UPDATE, which share their parameters. */
static int write_document(store_t *self, int which, const record_t *r,
                          int extractor, uint32_t attempts, const char *worker)
{
    sqlite3_stmt *stmt = self->stmt[which];
    char simhash[17];
    record_simhash_hex(r, simhash);
    keywords_json(&self->scratch, r);
    if (bind_text(stmt, 1, r->id) || bind_source(stmt, 2, r->source)
        || bind_text(stmt, 3, r->kind) || bind_text(stmt, 4, r->title)
        || bind_text(stmt, 5, r->published) || bind_text(stmt, 6, r->author)
        || bind_text(stmt, 7, r->lang) || bind_text(stmt, 8, r->body)
        || bind_text(stmt, 9, simhash)
        || bind_text(stmt, 10, buf_str(&self->scratch))
        || sqlite3_bind_int(stmt, 11, extractor)
        || sqlite3_bind_int64(stmt, 12, attempts)
        || bind_text(stmt, 13, worker))
        return fail_sqlite(self, "binding a document");
    if (run(self, stmt, "writing a document") < 0)
        return -1;
    /* The lookup just found (or did not find) this id in this
     * transaction, so exactly one row was written. */
    if (sqlite3_changes(self->db) != 1)
        return fail(self, "writing a document: %d rows changed, expected 1",
                    sqlite3_changes(self->db));
    return 0;
}

static int write_entities(store_t *self, const record_t *r)
{
    sqlite3_stmt *stmt = self->stmt[SQL_ENTITY_INSERT];
    for (size_t i = 0; i < r->entity_count; i++) {
        const entity_t *e = &r->entities[i];
        if (bind_text(stmt, 1, r->id) || bind_text(stmt, 2, e->type)
            || bind_text(stmt, 3, e->text)
            || (e->has_value ? sqlite3_bind_double(stmt, 4, e->value)
                             : sqlite3_bind_null(stmt, 4))
            || bind_text(stmt, 5, e->unit)
            || sqlite3_bind_int64(stmt, 6, (sqlite3_int64)i)
            || (e->has_offset && e->offset <= INT64_MAX
                    ? sqlite3_bind_int64(stmt, 7, (sqlite3_int64)e->offset)
                    : sqlite3_bind_null(stmt, 7)))
            return fail_sqlite(self, "binding an entity");
        if (run(self, stmt, "writing an entity") < 0)
            return -1;
    }
    return 0;
}

static int delete_by_id(store_t *self, int which, const char *id, const char *what)
{
    sqlite3_stmt *stmt = self->stmt[which];
    if (bind_text(stmt, 1, id) != SQLITE_OK)
        return fail_sqlite(self, what);
    return run(self, stmt, what);
}

/* ---- near-duplicates ------------------------------------------------- */

/* The record's bands, for SQL_NEAR_FIND to look up (this row's and any
 * later row's). An update has deleted the old ones. */
static int write_bands(store_t *self, const record_t *r)
{
    sqlite3_stmt *stmt = self->stmt[SQL_BAND_INSERT];
    for (int n = 0; n < STORE_SIMHASH_BANDS; n++) {
        if (sqlite3_bind_int(stmt, 1, n)
            || sqlite3_bind_int64(stmt, 2, simhash_band(r->simhash, n))
            || bind_text(stmt, 3, r->id))
            return fail_sqlite(self, "binding a simhash band");
        if (run(self, stmt, "writing a simhash band") < 0)
            return -1;
    }
    return 0;
}

/* Points the row `id` at its nearest earlier document, if any
 * (SQL_NEAR_JOIN). A row whose link is known to be NULL (just written)
 * is left alone when there is none; linked: the row may hold a link,
 * which is then cleared. Needs the row's bands. */
static int link_nearest(store_t *self, const char *id, int linked)
{
    sqlite3_stmt *find = self->stmt[SQL_NEAR_FIND];
    if (bind_text(find, 1, id) != SQLITE_OK)
        return fail_sqlite(self, "finding a near-duplicate");
    int rc = sqlite3_step(find);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fail_sqlite(self, "finding a near-duplicate");
        sqlite3_reset(find);
        return -1;
    }
    if (rc == SQLITE_DONE && !linked) {
        sqlite3_reset(find);
        return 0;
    }
    sqlite3_stmt *set = self->stmt[SQL_NEAR_SET];
    /* The found id lives until find is reset: SQLite copies it. */
    int bound = bind_text(set, 1, id)
             || (rc == SQLITE_ROW
                     ? sqlite3_bind_text(set, 2, (const char *)sqlite3_column_text(find, 0),
                                         -1, SQLITE_TRANSIENT)
                       || sqlite3_bind_int(set, 3, sqlite3_column_int(find, 1))
                     : sqlite3_bind_null(set, 2) || sqlite3_bind_null(set, 3));
    if (bound) {
        fail_sqlite(self, "binding a near-duplicate");
        sqlite3_reset(find);
        return -1;
    }
    sqlite3_reset(find);
    return run(self, set, "linking a near-duplicate");
}

/* After an update changed the simhash of `id`, the documents linked to
 * it are linked again (to it, to another earlier one, or to none), so
 * every stored distance is one between stored simhashes. Their ids are
 * read first: relinking writes the column the read goes by. */
static int relink_linked_to(store_t *self, const char *id)
{
    sqlite3_stmt *stmt = self->stmt[SQL_NEAR_LINKED_TO];
    if (bind_text(stmt, 1, id) != SQLITE_OK)
        return fail_sqlite(self, "reading near-duplicate links");
    char (*ids)[DOC_ID_LEN + 1] = NULL;
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *linked = (const char *)sqlite3_column_text(stmt, 0);
        ids = xrealloc(ids, (count + 1) * sizeof *ids);
        snprintf(ids[count++], sizeof *ids, "%s", linked ? linked : "");
    }
    if (rc != SQLITE_DONE)
        fail_sqlite(self, "reading near-duplicate links");
    sqlite3_reset(stmt);
    int result = rc == SQLITE_DONE ? 0 : -1;
    for (size_t i = 0; i < count && result == 0; i++)
        result = link_nearest(self, ids[i], 1);
    free(ids);
    return result;
}

/* Bands, then the link of a row just inserted or rewritten (whose link
 * the write left NULL), then for a rewrite the links made to it. */
static int write_near_duplicates(store_t *self, const record_t *r, int updated)
{
    if ((updated && delete_by_id(self, SQL_BANDS_DELETE, r->id, "replacing simhash bands") < 0)
        || write_bands(self, r) < 0 || link_nearest(self, r->id, 0) < 0)
        return -1;
    return updated ? relink_linked_to(self, r->id) : 0;
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

static store_result_t put_document(store_t *self, const record_t *r,
                                   int extractor, uint32_t attempts, const char *worker)
{
    int stored = 0;
    store_result_t result;
    switch (stored_extractor(self, r->id, &stored)) {
    case 0:
        if (write_document(self, SQL_DOC_INSERT, r, extractor, attempts, worker) < 0)
            return STORE_ERROR;
        result = STORE_NEW;
        break;
    case 1:
        /* Same bytes, so the same document: only a newer extractor has
         * anything to add. Anything else must not touch the row. */
        if (stored >= extractor)
            return STORE_UNCHANGED;
        if (write_document(self, SQL_DOC_UPDATE, r, extractor, attempts, worker) < 0
            || delete_by_id(self, SQL_ENTITIES_DELETE, r->id,
                            "replacing entities") < 0)
            return STORE_ERROR;
        result = STORE_UPDATED;
        break;
    default:
        return STORE_ERROR;
    }
    if (write_entities(self, r) < 0
        || write_near_duplicates(self, r, result == STORE_UPDATED) < 0)
        return STORE_ERROR;
    if (self->dead_letters_present
        && (delete_by_id(self, SQL_DEAD_DELETE, r->id, "clearing a dead letter") < 0
            || clear_unread_letter(self, r->id, r->source) < 0))
        return STORE_ERROR;
    return result;
}

store_result_t store_put_document(store_t *self, const record_t *record,
                                  int extractor, uint32_t attempts, const char *worker)
{
    if (!record->id[0])
        return fail(self, "document without an id");
    if (run(self, self->stmt[SQL_SAVEPOINT], "savepoint") < 0)
        return STORE_ERROR;
    store_result_t result = put_document(self, record, extractor, attempts, worker);
    if (result == STORE_ERROR) {
        /* Name the document: the sink logs this line and moves on. */
        buf_t message = BUF_INIT;
        buf_printf(&message, "document %s: %s", record->id, buf_str(&self->error));
        buf_free(&self->error);
        self->error = message;
        savepoint_undo(self);
        return STORE_ERROR;
    }
    if (run(self, self->stmt[SQL_RELEASE], "release") < 0) {
        savepoint_undo(self);
        return STORE_ERROR;
    }
    return result;
}

/* ---- dead letters ---------------------------------------------------- */

store_result_t store_put_dead_letter(store_t *self, const char *id,
                                     const char *source, const char *error,
                                     uint32_t attempts)
{
    int stored = 0;
    if (!id || !*id)
        return fail(self, "dead letter without an id");
    switch (stored_extractor(self, id, &stored)) {
    case 1:
        return STORE_UNCHANGED;  /* a late failure of a duplicate attempt */
    case 0:
        break;
    default:
        return STORE_ERROR;
    }
    sqlite3_stmt *stmt = self->stmt[SQL_DEAD_UPSERT];
    if (bind_text(stmt, 1, id) || bind_source(stmt, 2, source)
        || bind_text(stmt, 3, error ? error : "unknown error")
        || sqlite3_bind_int64(stmt, 4, attempts))
        return fail_sqlite(self, "binding a dead letter");
    self->dead_letters_present = 1;
    if (run(self, stmt, "writing a dead letter") < 0
        || clear_unread_letter(self, id, source) < 0)
        return STORE_ERROR;
    return STORE_DEAD;
}

/* ---- search ---------------------------------------------------------- */

static int is_hangul(uint32_t cp)
{
    return (cp >= 0xAC00 && cp <= 0xD7A3)     /* syllables */
        || (cp >= 0x1100 && cp <= 0x11FF)     /* jamo */
        || (cp >= 0x3130 && cp <= 0x318F)     /* compatibility jamo */
        || (cp >= 0xA960 && cp <= 0xA97F)     /* jamo extended-A */
        || (cp >= 0xD7B0 && cp <= 0xD7FF);    /* jamo extended-B */
}

/* Whether unicode61, as documents_fts is configured, keeps this
 * character in a token: its default token characters are the letters
 * (L*), numbers (N*) and private use (Co); every other character (the
 * punctuation — … · 「, symbols, emoji, spaces) only separates tokens.
 * utf8proc knows the categories of current Unicode. SQLite's own table
 * is older, and it keeps characters it does not know (emoji added since)
 * in tokens, so for those we ignore a word FTS5 could have matched: the
 * search then finds more, never nothing. */
static int is_token_char(utf8proc_int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_CO:
        return 1;
    default:
        return 0;
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
        || c == '\f';
}

/* How one word a user typed goes into the FTS5 query. */
typedef enum {
    WORD_IGNORED,   /* no token character: it would be an empty phrase */
    WORD_EXACT,     /* "word" */
    WORD_PREFIX     /* "word"*: Hangul, so the noun matches its eojeol */
} word_kind_t;

/* A word with no token character is ignored: the tokenizer turns it into
 * an empty phrase, an empty phrase matches no row, and ANDed with the
 * other words it would empty every search that contains a stray '(' or
 * '—'. Bytes that are not UTF-8 count as no character: extraction stores
 * only valid UTF-8, so they can never match. */
static word_kind_t classify_word(const char *word, size_t len)
{
    const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)word;
    int token = 0, hangul = 0;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            i++;
            continue;
        }
        i += (size_t)n;
        token |= is_token_char(cp);
        hangul |= is_hangul((uint32_t)cp);
    }
    if (!token)
        return WORD_IGNORED;
    return hangul ? WORD_PREFIX : WORD_EXACT;
}

/* Appends one searchable word as an FTS5 string: quoted, so no user
 * input is FTS5 syntax (AND, NEAR(, *, parentheses are just text). */
static void put_fts_word(buf_t *out, const char *word, size_t len, word_kind_t kind)
{
    if (out->len)
        buf_puts(out, " AND ");
    buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        if (word[i] == '"')
            buf_putc(out, '"');
        buf_putc(out, word[i]);
    }
    buf_putc(out, '"');
    if (kind == WORD_PREFIX)
        buf_putc(out, '*');
}

/* The FTS5 query for what a user typed: whitespace-separated words,
 * ANDed, into out unless it is NULL. Returns how many words it has. */
static int fts_query(buf_t *out, const char *input)
{
    int words = 0;
    if (out)
        buf_reset(out);
    for (const char *p = input ? input : ""; *p;) {
        while (is_space(*p))
            p++;
        const char *start = p;
        while (*p && !is_space(*p))
            p++;
        word_kind_t kind = classify_word(start, (size_t)(p - start));
        if (kind == WORD_IGNORED)
            continue;
        words++;
        if (out)
            put_fts_word(out, start, (size_t)(p - start), kind);
    }
    return words;
}

int store_search_words(const char *query)
{
    return fts_query(NULL, query);
}

static const char *column_or_empty(sqlite3_stmt *stmt, int column)
{
    const char *text = (const char *)sqlite3_column_text(stmt, column);
    return text ? text : "";
}

/* The hit's strings live until the next step: fn must copy what it keeps
 * and must not call back into this store. A limit <= 0 means no limit. */
int store_search(store_t *self, const char *query, int limit,
                 store_hit_fn fn, void *ctx)
{
    const char *p = query ? query : "";
    while (is_space(*p))
        p++;
    if (!*p)
        return fail(self, "empty search query");
    if (fts_query(&self->scratch, p) == 0)
        return fail(self, "nothing searchable in the query: only punctuation and "
                    "symbols, which the index skips");

    sqlite3_stmt *stmt = self->stmt[SQL_SEARCH];
    if (bind_text(stmt, 1, buf_str(&self->scratch))
        || sqlite3_bind_int(stmt, 2, limit > 0 ? limit : -1))
        return fail_sqlite(self, "search");
    int hits = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        store_hit_t hit = {
            .id = column_or_empty(stmt, 0),
            .source = column_or_empty(stmt, 1),
            .title = column_or_empty(stmt, 2),
            .published = column_or_empty(stmt, 3),
            .snippet = column_or_empty(stmt, 4),
            .rank = sqlite3_column_double(stmt, 5),
        };
        hits++;
        if (fn && fn(&hit, ctx) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        fail_sqlite(self, "search");
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? hits : -1;
}

/* ---- stats ----------------------------------------------------------- */

static void copy_column(char *dst, size_t size, sqlite3_stmt *stmt, int column)
{
    const char *text = column_or_empty(stmt, column);
    size_t len = strlen(text);
    if (len >= size)
        len = size - 1;
    memcpy(dst, text, len);
    dst[len] = '\0';
}

static int read_totals(store_t *self, store_stats_t *out)
{
    sqlite3_stmt *stmt = self->stmt[SQL_STATS_TOTALS];
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        out->documents = sqlite3_column_int64(stmt, 0);
        out->dead_letters = sqlite3_column_int64(stmt, 1);
        out->entities = sqlite3_column_int64(stmt, 2);
        out->body_bytes = sqlite3_column_int64(stmt, 3);
        copy_column(out->earliest, sizeof out->earliest, stmt, 4);
        copy_column(out->latest, sizeof out->latest, stmt, 5);
    } else {
        fail_sqlite(self, "stats");
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

static int read_langs(store_t *self, store_stats_t *out)
{
    sqlite3_stmt *stmt = self->stmt[SQL_STATS_LANGS];
    const int room = (int)(sizeof out->langs / sizeof out->langs[0]);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (out->lang_count == room)
            continue;  /* LIMIT says this cannot happen */
        int i = out->lang_count++;
        copy_column(out->langs[i], sizeof out->langs[i], stmt, 0);
        out->lang_counts[i] = sqlite3_column_int64(stmt, 1);
    }
    if (rc != SQLITE_DONE)
        fail_sqlite(self, "stats");
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int read_near_totals(store_t *self, store_stats_t *out)
{
    sqlite3_stmt *stmt = self->stmt[SQL_STATS_NEAR];
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        out->near_duplicate_groups = sqlite3_column_int64(stmt, 0);
        out->near_duplicates = sqlite3_column_int64(stmt, 1) + out->near_duplicate_groups;
    } else {
        fail_sqlite(self, "stats");
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* The queries read one snapshot (the savepoint is a read transaction
 * when none is open), so the numbers agree while the sink commits. */
int store_stats(store_t *self, store_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (run(self, self->stmt[SQL_SAVEPOINT], "stats") < 0)
        return -1;
    if (read_totals(self, out) < 0 || read_langs(self, out) < 0
        || read_near_totals(self, out) < 0
        || run(self, self->stmt[SQL_RELEASE], "stats") < 0) {
        savepoint_undo(self);
        return -1;
    }
    return 0;
}

/* ---- dead letters, read back ------------------------------------------ */

int store_dead_letters(store_t *self, const char *prefix,
                       int (*fn)(const store_dead_letter_t *letter, void *ctx), void *ctx)
{
    /* Ids are lowercase hex, so a prefix range is exact: no LIKE, no
     * escaping, and the primary key index answers it. */
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db,
                           "SELECT id, source, error, attempts FROM dead_letters\n"
                           " WHERE id >= ?1 AND id < ?1 || 'g' ORDER BY id",
                           -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(self, "reading dead letters");
    int count = 0, rc;
    if (bind_text(stmt, 1, prefix ? prefix : "") != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return fail_sqlite(self, "reading dead letters");
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        store_dead_letter_t letter = {
            .id = (const char *)sqlite3_column_text(stmt, 0),
            .source = (const char *)sqlite3_column_text(stmt, 1),
            .error = (const char *)sqlite3_column_text(stmt, 2),
            .attempts = sqlite3_column_int64(stmt, 3),
        };
        count++;
        if (fn(&letter, ctx))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fail_sqlite(self, "reading dead letters");
        count = -1;
    }
    sqlite3_finalize(stmt);
    return count;
}

/* ---- counts and breakdowns -------------------------------------------- */

int store_count(store_t *self, store_table_t table, int64_t *out)
{
    sqlite3_stmt *stmt = self->stmt[table == STORE_DOCUMENTS ? SQL_COUNT_DOCUMENTS
                                                             : SQL_COUNT_DEAD];
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    else
        fail_sqlite(self, "counting rows");
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* The origin of a source: the host of a URL (scheme://host/...), else
 * the folder of a path (rtrim with every other character of the string
 * strips the last component), else the source itself. */
#define SQL_ORIGIN \
    "CASE WHEN instr(source, '://') > 0 THEN\n" \
    "       substr(source, 1, instr(source, '://') + 2) ||\n" \
    "       substr(substr(source, instr(source, '://') + 3), 1,\n" \
    "              instr(substr(source, instr(source, '://') + 3) || '/', '/') - 1)\n" \
    "     WHEN instr(source, '/') > 0 THEN rtrim(source, replace(source, '/', ''))\n" \
    "     ELSE source END"

static const char *const breakdowns[] = {
    [STORE_BY_KIND] = "SELECT kind, count(*) AS n FROM documents GROUP BY 1\n"
                      " ORDER BY n DESC, 1 LIMIT ?1",
    [STORE_BY_LANG] = "SELECT coalesce(lang, 'und'), count(*) AS n FROM documents\n"
                      " GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?1",
    /* The most recent days first; ingested_at is ISO 8601 UTC text. */
    [STORE_BY_DAY] = "SELECT substr(ingested_at, 1, 10), count(*) FROM documents\n"
                     " GROUP BY 1 ORDER BY 1 DESC LIMIT ?1",
    [STORE_BY_ERROR] = "SELECT error, count(*) AS n FROM dead_letters GROUP BY 1\n"
                       " ORDER BY n DESC, 1 LIMIT ?1",
    [STORE_BY_ORIGIN] = "SELECT " SQL_ORIGIN ", count(*) AS n FROM documents\n"
                        " GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?1",
};

int store_breakdown(store_t *self, store_breakdown_t which, int limit,
                    int (*fn)(const char *key, int64_t count, void *ctx), void *ctx)
{
    if (which < 0 || which >= (int)(sizeof breakdowns / sizeof breakdowns[0]))
        return fail(self, "unknown breakdown %d", (int)which);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, breakdowns[which], -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(self, "breakdown");
    if (sqlite3_bind_int(stmt, 1, limit > 0 ? limit : -1) != SQLITE_OK) {
        fail_sqlite(self, "breakdown");
        sqlite3_finalize(stmt);
        return -1;
    }
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        count++;
        if (fn(column_or_empty(stmt, 0), sqlite3_column_int64(stmt, 1), ctx))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fail_sqlite(self, "breakdown");
        count = -1;
    }
    sqlite3_finalize(stmt);
    return count;
}

/* ---- near-duplicate groups ---------------------------------------------- */

/* Each group's members by walking the links down from its root (the
 * partial index documents_near_duplicate answers each step), then the
 * largest groups, the earliest root first among equals. */
static const char sql_near_groups[] =
    "WITH RECURSIVE member(id, root) AS (\n"
    "    SELECT DISTINCT l.near_duplicate_of, l.near_duplicate_of\n"
    "      FROM documents AS l JOIN documents AS r ON r.id = l.near_duplicate_of\n"
    "     WHERE l.near_duplicate_of IS NOT NULL AND r.near_duplicate_of IS NULL\n"
    "    UNION ALL\n"
    "    SELECT d.id, m.root FROM member AS m\n"
    "      JOIN documents AS d ON d.near_duplicate_of = m.id\n"
    ")\n"
    "SELECT r.id, coalesce(r.title, r.source), count(*) AS n,\n"
    "       max(coalesce(d.near_duplicate_distance, 0))\n"
    "  FROM member AS m JOIN documents AS r ON r.id = m.root\n"
    "  JOIN documents AS d ON d.id = m.id\n"
    " GROUP BY r.id ORDER BY n DESC, r.ingested_at, r.id LIMIT ?1";

int store_near_duplicate_groups(store_t *self, int limit,
                                int (*fn)(const store_near_group_t *group, void *ctx),
                                void *ctx)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, sql_near_groups, -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(self, "near-duplicate groups");
    if (sqlite3_bind_int(stmt, 1, limit > 0 ? limit : -1) != SQLITE_OK) {
        fail_sqlite(self, "near-duplicate groups");
        sqlite3_finalize(stmt);
        return -1;
    }
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        store_near_group_t group = {
            .id = column_or_empty(stmt, 0),
            .title = column_or_empty(stmt, 1),
            .documents = sqlite3_column_int64(stmt, 2),
            .max_distance = sqlite3_column_int(stmt, 3),
        };
        count++;
        if (fn(&group, ctx))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fail_sqlite(self, "near-duplicate groups");
        count = -1;
    }
    sqlite3_finalize(stmt);
    return count;
}

int store_explain_near_duplicate(store_t *self, buf_t *out)
{
    buf_t sql = BUF_INIT;
    buf_printf(&sql, "EXPLAIN QUERY PLAN %s", statements[SQL_NEAR_FIND]);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(self->db, buf_str(&sql), -1, &stmt, NULL);
    buf_free(&sql);
    if (rc != SQLITE_OK)
        return fail_sqlite(self, "explaining the near-duplicate lookup");
    buf_reset(out);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        buf_puts(out, column_or_empty(stmt, 3));   /* the detail column */
        buf_putc(out, '\n');
    }
    if (rc != SQLITE_DONE)
        fail_sqlite(self, "explaining the near-duplicate lookup");
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}
