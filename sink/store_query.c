/* store_query: the store's reads: full-text search (with the query
 * parser that makes Korean words match their forms with particles),
 * statistics, dead letters read back, counts, breakdowns and
 * near-duplicate groups. Readers open the store read-only; the sink's
 * own connection reads through these too. */
#include "sink/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/text.h"

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

/* The hit's strings live until the next step: fn must copy what it keeps,
 * and may read the hit's sources (store_sources) but not search again. A
 * limit <= 0 means no limit. */
static int search_type(store_t *self, const char *query, const char *page_type, int limit,
                       store_hit_fn fn, void *ctx)
{
    const char *p = query ? query : "";
    while (is_space(*p))
        p++;
    if (!*p)
        return store_fail(self, "empty search query");
    if (fts_query(&self->scratch, p) == 0)
        return store_fail(self, "nothing searchable in the query: only punctuation and "
                    "symbols, which the index skips");
    /* The writer finds what its open transaction wrote, as with any
     * table: the queued full-text work goes to FTS5 first (store_fts.c),
     * with the entries of committed rows that wait for their group, in
     * the open transaction or in one of their own. */
    if (self->fts_count > 0 && (sqlite3_get_autocommit(self->db)
                                    ? store_index_waiting(self, NULL)
                                    : store_fts_write(self)) < 0)
        return -1;

    sqlite3_stmt *stmt = self->stmt[SQL_SEARCH];
    if (store_bind_text(stmt, 1, buf_str(&self->scratch))
        || sqlite3_bind_int(stmt, 2, limit > 0 ? limit : -1)
        || store_bind_text(stmt, 3, page_type))
        return store_fail_sqlite(self, "search");
    int hits = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        store_hit_t hit = {
            .id = column_or_empty(stmt, 0),
            .source = column_or_empty(stmt, 1),
            .title = (const char *)sqlite3_column_text(stmt, 2),
            .published = (const char *)sqlite3_column_text(stmt, 3),
            .snippet = column_or_empty(stmt, 4),
            .rank = sqlite3_column_double(stmt, 5),
            .page_type = (const char *)sqlite3_column_text(stmt, 6),
        };
        hits++;
        if (fn && fn(&hit, ctx) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        store_fail_sqlite(self, "search");
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? hits : -1;
}

int store_search_type(store_t *self, const char *query, const char *page_type, int limit,
                      store_hit_fn fn, void *ctx, char **error)
{
    return store_reason(self, search_type(self, query, page_type, limit, fn, ctx), error);
}

int store_search(store_t *self, const char *query, int limit, store_hit_fn fn, void *ctx,
                 char **error)
{
    return store_search_type(self, query, NULL, limit, fn, ctx, error);
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
        out->sources = sqlite3_column_int64(stmt, 6);
    } else {
        store_fail_sqlite(self, "stats");
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
        store_fail_sqlite(self, "stats");
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
        store_fail_sqlite(self, "stats");
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* The queries read one snapshot (the savepoint is a read transaction
 * when none is open), so the numbers agree while the sink commits. */
static int stats(store_t *self, store_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (store_run(self, self->stmt[SQL_SAVEPOINT], "stats") < 0)
        return -1;
    if (read_totals(self, out) < 0 || read_langs(self, out) < 0
        || read_near_totals(self, out) < 0
        || store_run(self, self->stmt[SQL_RELEASE], "stats") < 0) {
        store_savepoint_undo(self);
        return -1;
    }
    return 0;
}

int store_stats(store_t *self, store_stats_t *out, char **error)
{
    return store_reason(self, stats(self, out), error);
}

/* ---- dead letters, read back ------------------------------------------ */

static int dead_letters(store_t *self, const char *prefix,
                        int (*fn)(const store_dead_letter_t *letter, void *ctx), void *ctx)
{
    /* Ids are lowercase hex, so a prefix range is exact: no LIKE, no
     * escaping, and the primary key index answers it. */
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db,
                           "SELECT id, source, error, attempts FROM dead_letters\n"
                           " WHERE id >= ?1 AND id < ?1 || 'g' ORDER BY id",
                           -1, &stmt, NULL) != SQLITE_OK)
        return store_fail_sqlite(self, "reading dead letters");
    int count = 0, rc;
    if (store_bind_text(stmt, 1, prefix ? prefix : "") != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return store_fail_sqlite(self, "reading dead letters");
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
        store_fail_sqlite(self, "reading dead letters");
        count = -1;
    }
    sqlite3_finalize(stmt);
    return count;
}

int store_dead_letters(store_t *self, const char *prefix,
                       int (*fn)(const store_dead_letter_t *letter, void *ctx), void *ctx,
                       char **error)
{
    return store_reason(self, dead_letters(self, prefix, fn, ctx), error);
}

/* ---- counts and breakdowns -------------------------------------------- */

static int count_rows(store_t *self, store_table_t table, int64_t *out)
{
    static const int queries[] = {
        [STORE_DOCUMENTS] = SQL_COUNT_DOCUMENTS, [STORE_DEAD_LETTERS] = SQL_COUNT_DEAD,
        [STORE_SOURCES] = SQL_COUNT_SOURCES, [STORE_ENTITIES] = SQL_COUNT_ENTITIES,
    };
    sqlite3_stmt *stmt = self->stmt[queries[table]];
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    else
        store_fail_sqlite(self, "counting rows");
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_count(store_t *self, store_table_t table, int64_t *out, char **error)
{
    return store_reason(self, count_rows(self, table, out), error);
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
    /* Plain text, and rows stored before page types, have none. */
    [STORE_BY_PAGE_TYPE] = "SELECT coalesce(page_type, 'none'), count(*) AS n FROM documents\n"
                           " GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?1",
    /* The most recent days first; ingested_at is ISO 8601 UTC text. */
    [STORE_BY_DAY] = "SELECT substr(ingested_at, 1, 10), count(*) FROM documents\n"
                     " GROUP BY 1 ORDER BY 1 DESC LIMIT ?1",
    [STORE_BY_ERROR] = "SELECT error, count(*) AS n FROM dead_letters GROUP BY 1\n"
                       " ORDER BY n DESC, 1 LIMIT ?1",
    [STORE_BY_ORIGIN] = "SELECT " SQL_ORIGIN ", count(*) AS n FROM documents\n"
                        " GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?1",
};

static int breakdown(store_t *self, store_breakdown_t which, int limit,
                     int (*fn)(const char *key, int64_t count, void *ctx), void *ctx)
{
    if (which < 0 || which >= (int)(sizeof breakdowns / sizeof breakdowns[0]))
        return store_fail(self, "unknown breakdown %d", (int)which);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, breakdowns[which], -1, &stmt, NULL) != SQLITE_OK)
        return store_fail_sqlite(self, "breakdown");
    if (sqlite3_bind_int(stmt, 1, limit > 0 ? limit : -1) != SQLITE_OK) {
        store_fail_sqlite(self, "breakdown");
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
        store_fail_sqlite(self, "breakdown");
        count = -1;
    }
    sqlite3_finalize(stmt);
    return count;
}

int store_breakdown(store_t *self, store_breakdown_t which, int limit,
                    int (*fn)(const char *key, int64_t count, void *ctx), void *ctx,
                    char **error)
{
    return store_reason(self, breakdown(self, which, limit, fn, ctx), error);
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

static int near_groups(store_t *self, int limit,
                       int (*fn)(const store_near_group_t *group, void *ctx), void *ctx)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, sql_near_groups, -1, &stmt, NULL) != SQLITE_OK)
        return store_fail_sqlite(self, "near-duplicate groups");
    if (sqlite3_bind_int(stmt, 1, limit > 0 ? limit : -1) != SQLITE_OK) {
        store_fail_sqlite(self, "near-duplicate groups");
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
        store_fail_sqlite(self, "near-duplicate groups");
        count = -1;
    }
    sqlite3_finalize(stmt);
    return count;
}

int store_near_duplicate_groups(store_t *self, int limit,
                                int (*fn)(const store_near_group_t *group, void *ctx),
                                void *ctx, char **error)
{
    return store_reason(self, near_groups(self, limit, fn, ctx), error);
}

/* ---- sources ----------------------------------------------------------- */

static int sources_of(store_t *self, const char *id,
                      int (*fn)(const char *source, void *ctx), void *ctx)
{
    sqlite3_stmt *stmt = self->stmt[SQL_SOURCES_OF];
    if (store_bind_text(stmt, 1, id) != SQLITE_OK)
        return store_fail_sqlite(self, "reading sources");
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        count++;
        if (fn(column_or_empty(stmt, 0), ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        count = store_fail_sqlite(self, "reading sources");
    sqlite3_reset(stmt);
    return count;
}

int store_sources(store_t *self, const char *id,
                  int (*fn)(const char *source, void *ctx), void *ctx, char **error)
{
    return store_reason(self, sources_of(self, id, fn, ctx), error);
}

/* Only documents with other sources have more than one, and the
 * primary key of other_sources (id, source) hands those over grouped by
 * id: one pass over the copies, none over the documents. */
static const char sql_most_sources[] =
    "SELECT d.id, coalesce(d.title, d.source), s.n + 1\n"
    "  FROM (SELECT id, count(*) AS n FROM other_sources GROUP BY id) AS s\n"
    "  JOIN documents AS d ON d.id = s.id\n"
    " ORDER BY s.n DESC, d.ingested_at, d.id LIMIT ?1";

static int most_sources(store_t *self, int limit,
                        int (*fn)(const store_sourced_t *doc, void *ctx), void *ctx)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(self->db, sql_most_sources, -1, &stmt, NULL) != SQLITE_OK)
        return store_fail_sqlite(self, "documents with the most sources");
    if (sqlite3_bind_int(stmt, 1, limit > 0 ? limit : -1) != SQLITE_OK) {
        store_fail_sqlite(self, "documents with the most sources");
        sqlite3_finalize(stmt);
        return -1;
    }
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        store_sourced_t doc = {
            .id = column_or_empty(stmt, 0),
            .title = column_or_empty(stmt, 1),
            .sources = sqlite3_column_int64(stmt, 2),
        };
        count++;
        if (fn(&doc, ctx))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        store_fail_sqlite(self, "documents with the most sources");
        count = -1;
    }
    sqlite3_finalize(stmt);
    return count;
}

int store_most_sources(store_t *self, int limit,
                       int (*fn)(const store_sourced_t *doc, void *ctx), void *ctx,
                       char **error)
{
    return store_reason(self, most_sources(self, limit, fn, ctx), error);
}
