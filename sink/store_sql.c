/* store_sql: the SQL of the store: the schema's migrations and every
 * statement it prepares. Kept apart from the C that runs it, so that the
 * schema reads in one place (as Fluent Bit's tail_sql.h does). */
#include <stddef.h>

#include "sink/store_int.h"

/* ISO 8601 UTC with milliseconds, the format of the logs. */
#define SQL_NOW "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

/* Schema 3's near-duplicates, which only the 2 -> 3 step below still
 * runs (schema 4 keeps the candidates in memory: sink/near.c). A simhash
 * splits into STORE_SIMHASH_BANDS bands of
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
const char *const store_migrations[STORE_SCHEMA_VERSION] = {
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
    /* 3 -> 4: the near-duplicate candidates move to memory (sink/near.c),
     * rebuilt at open from simhashes: one row per document appended to a
     * rowid table instead of four rows in three B-trees, and the link is
     * written with the row instead of by a second UPDATE. Full-text
     * merges wait for 16 segments of a level instead of 4: the writer
     * merges a quarter as often (measured: FTS5 work, the sink's biggest
     * cost, down by a fifth), and a query reads at most 16 segments per
     * level. Links already made stay as they are. */
    "CREATE TABLE simhashes (\n"
    "    doc     INTEGER PRIMARY KEY,  -- documents.rowid\n"
    "    simhash INTEGER NOT NULL      -- documents.simhash as a 64-bit integer\n"
    ");\n"
    "INSERT INTO simhashes (doc, simhash)\n"
    "SELECT rowid, feedmill_simhash_int(simhash) FROM documents\n"
    " WHERE feedmill_simhash_int(simhash) IS NOT NULL;\n"
    "DROP TABLE simhash_bands;\n"
    "CREATE TRIGGER documents_simhash_delete AFTER DELETE ON documents BEGIN\n"
    "    DELETE FROM simhashes WHERE doc = old.rowid;\n"
    "END;\n"
    "INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 16);\n",
    /* 4 -> 5: every source of a document. One row per text stays; the
     * files, URLs and FEED:LINEs that delivered the same bytes are the
     * rows of the view document_sources: the document's first source
     * (documents.source, first seen when it was ingested) and the others
     * (other_sources). Kept apart so that a new document costs no second
     * write keyed by its random id: measured, a table of every source
     * made the sink 6 % slower; other_sources grows only with copies. A
     * stored document's source is thus its first entry. */
    "CREATE TABLE other_sources (\n"
    "    id         TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "    source     TEXT NOT NULL,\n"
    "    first_seen TEXT NOT NULL,      -- ISO 8601 UTC: when it was first committed\n"
    "    PRIMARY KEY (id, source)\n"
    ") WITHOUT ROWID;\n"
    "CREATE VIEW document_sources (id, source, first_seen) AS\n"
    "    SELECT id, source, ingested_at FROM documents\n"
    "    UNION ALL\n"
    "    SELECT id, source, first_seen FROM other_sources;\n",
    /* 5 -> 6: entities keyed by their document's rowid. Measured, the
     * index on doc_id cost the store an eighth of its time: every
     * document's entities went into a random leaf of an index of 64-
     * character keys, a page written per document, and each entity's
     * foreign key was checked against documents. Keyed by (doc, ord), a
     * document's entities are appended at the end of one B-tree. doc_id
     * stays, as the column that names the document; deleting a document
     * deletes its entities by a trigger, as its simhash. The key's
     * columns come first, in its order: SQLite 3.40's integrity_check
     * misreads the NOT NULL columns of a WITHOUT ROWID table declared
     * otherwise (it reports NULLs that are not there). */
    "CREATE TABLE entities_6 (\n"
    "    doc    INTEGER NOT NULL,          -- documents.rowid\n"
    "    ord    INTEGER NOT NULL,          -- position in the document's list\n"
    "    doc_id TEXT NOT NULL,             -- documents.id\n"
    "    type   TEXT NOT NULL,\n"
    "    text   TEXT NOT NULL,\n"
    "    value  REAL,\n"
    "    unit   TEXT,\n"
    "    offset INTEGER,\n"
    "    PRIMARY KEY (doc, ord)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO entities_6 (doc_id, type, text, value, unit, ord, offset, doc)\n"
    "SELECT e.doc_id, e.type, e.text, e.value, e.unit, e.ord, e.offset, d.rowid\n"
    "  FROM entities AS e JOIN documents AS d ON d.id = e.doc_id;\n"
    "DROP TABLE entities;\n"
    "ALTER TABLE entities_6 RENAME TO entities;\n"
    "CREATE INDEX entities_value ON entities(type, unit, value);\n"
    "CREATE TRIGGER documents_entities_delete AFTER DELETE ON documents BEGIN\n"
    "    DELETE FROM entities WHERE doc = old.rowid;\n"
    "END;\n",
    /* 6 -> 7: what kind of web page each document is (extract/page_type.h):
     * NULL for plain text and for rows stored before, until a newer
     * extractor rewrites them. */
    "ALTER TABLE documents ADD COLUMN page_type TEXT;\n",
    /* 7 -> 8: a new row's full-text entry is written by the store
     * (SQL_FTS_INSERT), no longer by a trigger. A statement that fires a
     * trigger writing a virtual table opens a statement savepoint, and
     * FTS5 as Debian 12 ships it (SQLite 3.40) writes its pending terms
     * out as a new segment at every savepoint: each document became a
     * segment of its own, to be merged again and again (a third of the
     * sink's time in a run, measured with perf). Written by the store,
     * the terms of a whole batch make one segment at its commit. */
    "DROP TRIGGER documents_fts_insert;\n",
    /* 8 -> 9: a rewritten row's full-text entry is replaced by the store
     * too (SQL_FTS_OLD, SQL_FTS_DELETE, SQL_FTS_INSERT): through the
     * trigger, a batch of rewrites by a newer extractor was still a
     * segment per row, for the reason above. */
    "DROP TRIGGER documents_fts_update;\n",
    /* 9 -> 10: FTS5 keeps up to 16 MiB of a transaction's terms in memory
     * before it writes them out as a segment (its 'hashsize', 1 MiB by
     * default). A batch of 500 Korean news texts (3.5 MB) made four
     * segments or more at 1 MiB, each merged again later; it is one now.
     * Measured with bench_sink, alternating, 7 runs each: the sink over
     * the bench's 6000 texts 1.95 -> 1.76 s, over its 4067 mixed records
     * 1.38 -> 1.23 s; 4 MiB kept half of that, 64 MiB added nothing
     * sure. The sink's memory grows by at most that much during a
     * commit. A configuration row of the index, as 'automerge'. */
    "INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 16777216);\n",
    /* 10 -> 11: rows committed whose full-text entry waits (deferred
     * indexing, sink/store_fts.c): written with each row's commit,
     * emptied with the entries' group; a store opened to write indexes
     * whatever a crash left in it. */
    "CREATE TABLE fts_pending (\n"
    "    doc INTEGER PRIMARY KEY   -- documents.rowid whose full-text entry is not written yet\n"
    ");\n",
};

_Static_assert(sizeof store_migrations / sizeof store_migrations[0] == STORE_SCHEMA_VERSION,
               "one migration step per schema version");
/* Documents bind the same parameters for insert and update:
 * ?1 id, ?2 source, ?3 kind, ?4 title, ?5 published, ?6 author, ?7 lang,
 * ?8 body, ?9 simhash, ?10 keywords, ?11 extractor, ?12 attempts.
 * An update keeps id, source and ingested_at: the row is still the one
 * first ingested from there, only extracted again. */
const char *const store_statements[SQL_COUNT] = {
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

    [SQL_DOC_EXTRACTOR] = "SELECT extractor, rowid FROM documents WHERE id = ?1",
    [SQL_DOC_INSERT] =
        "INSERT INTO documents (id, source, kind, title, published, author,\n"
        "    lang, body, simhash, keywords, extractor, attempts,\n"
        "    ingested_at, updated_at, worker, near_duplicate_of,\n"
        "    near_duplicate_distance, page_type)\n"
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,\n"
        "    " SQL_NOW ", " SQL_NOW ", ?13, ?14, ?15, ?16)",
    /* The link (?14, ?15) is found before the row is written
     * (nearest()), so it is written with it. */
    [SQL_DOC_UPDATE] =
        "UPDATE documents\n"
        "   SET kind = ?3, title = ?4, published = ?5, author = ?6, lang = ?7,\n"
        "       body = ?8, simhash = ?9, keywords = ?10, extractor = ?11,\n"
        "       attempts = ?12, updated_at = " SQL_NOW ", worker = ?13,\n"
        "       near_duplicate_of = ?14, near_duplicate_distance = ?15, page_type = ?16\n"
        " WHERE id = ?1",
    /* Not triggers: see the migrations 7 -> 8 and 8 -> 9. An entry is
     * deleted with the very text it was indexed from, the row's before
     * it is rewritten (FTS5's external content 'delete'). */
    [SQL_FTS_INSERT] = "INSERT INTO documents_fts (rowid, title, body) VALUES (?1, ?2, ?3)",
    [SQL_FTS_OLD] = "SELECT title, body FROM documents WHERE rowid = ?1",
    [SQL_FTS_DELETE] =
        "INSERT INTO documents_fts (documents_fts, rowid, title, body)\n"
        "VALUES ('delete', ?1, ?2, ?3)",
    [SQL_PENDING_ADD] = "INSERT OR IGNORE INTO fts_pending (doc) VALUES (?1)",
    [SQL_PENDING_CLEAR] = "DELETE FROM fts_pending",
    [SQL_ENTITIES_DELETE] = "DELETE FROM entities WHERE doc = ?1",
    [SQL_ENTITY_INSERT] =
        "INSERT INTO entities (doc_id, type, text, value, unit, ord, offset, doc)\n"
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",

    [SQL_SIMHASH_GET] = "SELECT simhash FROM simhashes WHERE doc = ?1",
    [SQL_SIMHASH_PUT] = "INSERT OR REPLACE INTO simhashes (doc, simhash) VALUES (?1, ?2)",
    /* A candidate's id, if the row is still the one the candidate was
     * made from: someone may have deleted it since (the trigger takes
     * its simhash along), and its rowid may even have been reused. */
    [SQL_NEAR_ID] =
        "SELECT d.id FROM simhashes AS s JOIN documents AS d ON d.rowid = s.doc\n"
        " WHERE s.doc = ?1 AND s.simhash = ?2",
    [SQL_NEAR_SET] =
        "UPDATE documents SET near_duplicate_of = ?2, near_duplicate_distance = ?3\n"
        " WHERE id = ?1",
    [SQL_NEAR_LINKED_TO] =
        "SELECT id, rowid FROM documents WHERE near_duplicate_of = ?1",

    /* Another source of a stored document: not its first (asked first),
     * and one already known changes nothing, so the caller tells a new
     * source by the rows changed. Two statements, not one INSERT ...
     * SELECT ... WHERE NOT EXISTS: that one opened a statement savepoint
     * when it inserted nothing, and FTS5 wrote the batch's pending terms
     * out as a segment at each (the migration 7 -> 8). */
    [SQL_SOURCE_FIRST] = "SELECT 1 FROM documents WHERE id = ?1 AND source = ?2",
    [SQL_SOURCE_ADD] =
        "INSERT OR IGNORE INTO other_sources (id, source, first_seen)\n"
        "VALUES (?1, ?2, " SQL_NOW ")",
    /* The first source first, then by time: sources of one millisecond
     * come in the order of their names. */
    [SQL_SOURCES_OF] =
        "SELECT source FROM (\n"
        "    SELECT 0 AS k, '' AS t, source FROM documents WHERE id = ?1\n"
        "    UNION ALL\n"
        "    SELECT 1, first_seen, source FROM other_sources WHERE id = ?1)\n"
        " ORDER BY k, t, source",

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
        "       bm25(documents_fts), d.page_type\n"
        "  FROM documents_fts CROSS JOIN documents AS d\n"
        "    ON d.rowid = documents_fts.rowid\n"
        " WHERE documents_fts MATCH ?1 AND (?3 IS NULL OR d.page_type = ?3)\n"
        " ORDER BY bm25(documents_fts)\n"
        " LIMIT ?2",

    /* length() of TEXT counts characters; the blob cast counts bytes. */
    [SQL_STATS_TOTALS] =
        "SELECT (SELECT count(*) FROM documents),\n"
        "       (SELECT count(*) FROM dead_letters),\n"
        "       (SELECT count(*) FROM entities),\n"
        "       (SELECT coalesce(sum(length(CAST(body AS BLOB))), 0) FROM documents),\n"
        "       (SELECT min(published) FROM documents),\n"
        "       (SELECT max(published) FROM documents),\n"
        "       (SELECT count(*) FROM documents) + (SELECT count(*) FROM other_sources)",
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
    [SQL_COUNT_ENTITIES] = "SELECT count(*) FROM entities",
    [SQL_COUNT_SOURCES] =
        "SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM other_sources)",
};
