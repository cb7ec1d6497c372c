/* Unit tests for the producer's modules: walk, names, jsonl, linebuf,
 * inflight, ledger, and the state's compaction and its writes that fail. */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/hash.h"
#include "producer/inflight.h"
#include "producer/jsonl.h"
#include "producer/ledger.h"
#include "producer/linebuf.h"
#include "producer/names.h"
#include "producer/state.h"
#include "producer/walk.h"
#include "testing.h"

/* A folder of its own for one test, in the program's (testing_dir). */
static void test_folder(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", testing_dir(), name);
    CHECK_MSG(mkdir(path, 0700) == 0, path);
}

static char root[256];

static void touch(const char *relative)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("x", f);
        fclose(f);
    }
}

static void make_tree(void)
{
    char path[512];
    test_folder(root, sizeof root, "walk");
    const char *dirs[] = { "b", "b/inner", ".git", "a" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
        mkdir(path, 0700);
    }
    touch("z.txt");
    touch("b/2.txt");
    touch("b/1.txt");
    touch("b/inner/deep.html");
    touch(".git/config");
    touch(".hidden");
    touch("a/only.txt");
    touch("a/notes~");          /* work in progress: never an input */
    touch("b/draft.tmp");
    touch("b/download.part");
    touch("b/.swapfile.swp");
    /* A link back up the tree must not loop. */
    snprintf(path, sizeof path, "%s/b/loop", root);
    if (symlink(root, path) != 0)
        perror("symlink");
}

static void test_walk(void)
{
    make_tree();
    walk_t *walk = walk_new(NULL);
    char *error = NULL;
    CHECK(walk_add(walk, root, &error) == 0);
    CHECK(walk_add(walk, "/nonexistent/feedmill", &error) == -1);
    CHECK(error && strstr(error, "No such file"));
    free(error);

    const char *expected[] = { "a/only.txt", "b/1.txt", "b/2.txt", "b/inner/deep.html", "z.txt" };
    size_t seen = 0;
    const char *path;
    while ((path = walk_next(walk))) {
        if (seen < 5) {
            char want[512];
            snprintf(want, sizeof want, "%s/%s", root, expected[seen]);
            CHECK_STR(path, want);
        }
        seen++;
    }
    CHECK(seen == 5);
    CHECK(walk_next(walk) == NULL);
    CHECK(walk_skipped(walk) == 1);   /* b/loop, logged with its reason */
    walk_destroy(&walk);
    CHECK(walk == NULL);

    /* A single file given directly is yielded as is. */
    char file[512];
    snprintf(file, sizeof file, "%s/z.txt", root);
    walk = walk_new(NULL);
    CHECK(walk_add(walk, file, &error) == 0);
    CHECK_STR(walk_next(walk), file);
    CHECK(walk_next(walk) == NULL);
    walk_destroy(&walk);
}

static void test_names(void)
{
    names_t *names = names_new();
    CHECK(names_wanted(names, "article.html"));
    CHECK(names_wanted(names, "뉴스.txt"));
    CHECK(names_wanted(names, "tmp"));
    CHECK(names_wanted(names, "a.tmp.txt"));
    CHECK(!names_wanted(names, ".hidden"));
    CHECK(!names_wanted(names, ".article.html.Xa12b"));   /* rsync's temporary */
    CHECK(!names_wanted(names, "article.html~"));
    CHECK(!names_wanted(names, "article.html.tmp"));
    CHECK(!names_wanted(names, "article.html.part"));
    CHECK(!names_wanted(names, "article.html.swp"));
    CHECK(!names_wanted(names, ""));
    CHECK(names_wanted(names, "page.crdownload"));
    names_ignore(names, "*.crdownload");
    names_ignore(names, "draft-*");
    CHECK(!names_wanted(names, "page.crdownload"));
    CHECK(!names_wanted(names, "draft-1.txt"));
    CHECK(names_wanted(names, "final-1.txt"));
    CHECK(names_wanted(NULL, "final-1.txt"));
    names_destroy(&names);
    CHECK(names == NULL);
}

static void jsonl_fails(const char *line, const char *why)
{
    jsonl_doc_t doc;
    char *error = NULL;
    CHECK_MSG(jsonl_parse(line, strlen(line), &doc, &error) == -1, line);
    CHECK_MSG(error && strstr(error, why), error ? error : line);
    CHECK(doc.body == NULL && doc.url == NULL);
    free(error);
}

static void test_jsonl(void)
{
    jsonl_doc_t doc;
    char *error = NULL;
    const char *line = "{\"html\":\"<p>싱가포르\\u00e9와</p>\",\"url\":\"https://example.com/a\","
                       "\"title\":\"제목\",\"date\":\"2026-03-03\",\"author\":null,\"lang\":\"ko\","
                       "\"extra\":[1,2]}";
    CHECK(jsonl_parse(line, strlen(line), &doc, &error) == 0);
    CHECK(doc.len == strlen("<p>싱가포르é와</p>"));
    CHECK(doc.body && memcmp(doc.body, "<p>싱가포르é와</p>", doc.len) == 0);
    CHECK_STR(doc.url, "https://example.com/a");
    CHECK_STR(doc.hints.title, "제목");
    CHECK_STR(doc.hints.published, "2026-03-03");
    CHECK(doc.hints.author == NULL);
    CHECK_STR(doc.hints.lang, "ko");
    jsonl_doc_clear(&doc);

    line = "{\"text\":\"plain\"}";
    CHECK(jsonl_parse(line, strlen(line), &doc, &error) == 0);
    CHECK(doc.len == 5 && doc.url == NULL && !doc_hints_any(&doc.hints));
    jsonl_doc_clear(&doc);

    jsonl_fails("not json", "not JSON");
    jsonl_fails("[1,2]", "not a JSON object");
    jsonl_fails("{\"url\":\"x\"}", "no \"html\" or \"text\"");
    jsonl_fails("{\"html\":\"a\",\"text\":\"b\"}", "both");
    jsonl_fails("{\"html\":5}", "\"html\" is not a string");
    jsonl_fails("{\"html\":\"a\",\"html\":\"b\"}", "not JSON");
    jsonl_fails("{\"html\":\"a\",\"title\":7}", "\"title\" is not a string");
    jsonl_fails("{\"html\":\"a\",\"title\":\"x\\u0000y\"}", "NUL");
    /* A NUL in the document itself: refused, and the reason says so. */
    jsonl_fails("{\"text\":\"ab\\u0000c\"}", "\"text\" holds a NUL character (\\u0000) at byte 2");
    jsonl_fails("{\"html\":\"\\u0000\"}", "\"html\" holds a NUL character");
    jsonl_fails("{\"html\":\"a\"} trailing", "not JSON");
    jsonl_fails("", "not JSON");
}

static void test_inflight(void)
{
    inflight_t *table = inflight_new();
    char id_a[DOC_ID_LEN + 1], id_b[DOC_ID_LEN + 1];
    hash_doc_id("a", 1, id_a);
    hash_doc_id("b", 1, id_b);
    pending_t *a = inflight_add(table, id_a, "a.txt", (uint8_t *)xstrdup("a"), 1, NULL);
    pending_t *b = inflight_add(table, id_b, "b.txt", NULL, 0, xstrdup("cannot read"));
    CHECK(inflight_count(table) == 2);
    CHECK(inflight_find(table, id_a) == a);
    CHECK(inflight_find(table, id_b) == b);
    CHECK(inflight_next_deadline(table) == 0);
    a->deadline = 500;
    b->deadline = 300;
    CHECK(inflight_next_deadline(table) == 300);
    inflight_remove(table, b);
    CHECK(inflight_count(table) == 1);
    CHECK(inflight_find(table, id_b) == NULL);
    CHECK(inflight_at(table, 0) == a);
    CHECK(inflight_next_deadline(table) == 500);
    for (int i = 0; i < 100; i++) {
        char id[DOC_ID_LEN + 1];
        hash_doc_id(&i, sizeof i, id);
        inflight_add(table, id, "many", NULL, 0, NULL);
    }
    CHECK(inflight_count(table) == 101);
    inflight_destroy(&table);
    CHECK(table == NULL);

    /* The index through growth and churn: thousands of entries, every
     * other one removed and read again, each found (or not) by its id,
     * in the order they were read. */
    enum { N = 3000 };
    static char ids[N][DOC_ID_LEN + 1];
    static pending_t *entries[N];
    table = inflight_new();
    for (int i = 0; i < N; i++) {
        hash_doc_id(&i, sizeof i, ids[i]);
        entries[i] = inflight_add(table, ids[i], "x", NULL, 0, NULL);
    }
    for (int i = 0; i < N; i += 2)
        inflight_remove(table, entries[i]);
    int found = 0, absent = 0;
    for (int i = 0; i < N; i++) {
        pending_t *p = inflight_find(table, ids[i]);
        found += i % 2 == 1 && p == entries[i];
        absent += i % 2 == 0 && p == NULL;
    }
    CHECK(found == N / 2 && absent == N / 2);
    for (int i = 0; i < N; i += 2)
        entries[i] = inflight_add(table, ids[i], "again", NULL, 0, NULL);
    found = 0;
    for (int i = 0; i < N; i++)
        found += inflight_find(table, ids[i]) == entries[i];
    CHECK(found == N);
    CHECK(inflight_count(table) == N);
    CHECK(inflight_at(table, 0) == entries[1] && inflight_at(table, N / 2) == entries[0]);
    for (int i = 0; i < N; i++)
        inflight_remove(table, entries[i]);
    CHECK(inflight_count(table) == 0 && inflight_find(table, ids[7]) == NULL);
    inflight_destroy(&table);
}

static void test_ledger(void)
{
    ledger_t *ledger = ledger_new();
    wire_peer_t w1 = { { 1, 2, 3 }, 3 }, w2 = { { 9 }, 1 };
    CHECK(ledger_pick(ledger) == NULL);
    ledger_update(ledger, &w1, 1, 0, 1000, "");
    ledger_update(ledger, &w2, 2, 0, 1000, "");
    CHECK(ledger_workers(ledger) == 2);
    const wire_peer_t *p = ledger_pick(ledger);
    CHECK(p && wire_peer_equal(p, &w2));
    ledger_spend(ledger, &w2);
    ledger_spend(ledger, &w2);
    p = ledger_pick(ledger);
    CHECK(p && wire_peer_equal(p, &w1));
    ledger_spend(ledger, &w1);
    CHECK(ledger_pick(ledger) == NULL);

    /* READY is absolute: repeating it grants nothing new while the two
     * DOCs sent to w2 are still on the wire ... */
    for (int i = 0; i < 100; i++)
        ledger_update(ledger, &w2, 2, 0, 1500, "");
    CHECK(ledger_pick(ledger) == NULL);
    /* ... it received one and works on it: one slot free, one DOC queued. */
    ledger_update(ledger, &w2, 1, 1, 1600, "");
    CHECK(ledger_pick(ledger) == NULL);
    /* It finished both: room for two again. */
    ledger_update(ledger, &w2, 2, 2, 1700, "");
    p = ledger_pick(ledger);
    CHECK(p && wire_peer_equal(p, &w2));
    ledger_spend(ledger, &w2);
    ledger_spend(ledger, &w2);
    CHECK(ledger_pick(ledger) == NULL);

    /* A worker met for the first time (a restarted producer) with a long
     * history: nothing of ours is on the wire, its free slots are real. */
    wire_peer_t w3 = { { 7, 7 }, 2 };
    ledger_update(ledger, &w3, 2, 5000, 1800, "");
    p = ledger_pick(ledger);
    CHECK(p && wire_peer_equal(p, &w3));

    /* Silence: w1 was last heard of at 1000, the others later. */
    wire_peer_t silent;
    CHECK(ledger_take_silent(ledger, 1200, &silent) == 1);
    CHECK(wire_peer_equal(&silent, &w1));
    CHECK(ledger_take_silent(ledger, 1200, &silent) == 0);
    CHECK(ledger_workers(ledger) == 2);

    CHECK(ledger_forget(ledger, &w3) == 1);
    CHECK(ledger_forget(ledger, &w3) == 0);
    CHECK(ledger_workers(ledger) == 1);
    CHECK(ledger_pick(ledger) == NULL);
    ledger_destroy(&ledger);
    CHECK(ledger == NULL);
}

/* A paused worker keeps its account (heartbeats count, its key is known)
 * but gets nothing until the pause is due. */
static void test_ledger_pause(void)
{
    ledger_t *ledger = ledger_new();
    wire_peer_t w1 = { { 1 }, 1 }, w2 = { { 2 }, 1 };
    char key[48];
    ledger_update(ledger, &w1, 2, 0, 1000, "KEY-ONE");
    ledger_update(ledger, &w2, 1, 0, 1000, "");
    CHECK(ledger_key(ledger, &w1) && !strcmp(ledger_key(ledger, &w1), "KEY-ONE"));
    CHECK(ledger_key(ledger, &w2) && !strcmp(ledger_key(ledger, &w2), ""));
    wire_peer_t stranger = { { 3 }, 1 };
    CHECK(ledger_key(ledger, &stranger) == NULL);
    ledger_pause(ledger, &w1, 5000);
    const wire_peer_t *p = ledger_pick(ledger);
    CHECK(p && wire_peer_equal(p, &w2));
    ledger_spend(ledger, &w2);
    CHECK(ledger_pick(ledger) == NULL);          /* w1 has room, but is paused */
    ledger_update(ledger, &w1, 2, 0, 2000, "KEY-ONE");
    CHECK(ledger_pick(ledger) == NULL);          /* a heartbeat does not end it */
    CHECK(ledger_resume_due(ledger, 4999, key, sizeof key) == 0);
    CHECK(ledger_resume_due(ledger, 5000, key, sizeof key) == 1);
    CHECK(!strcmp(key, "KEY-ONE"));
    CHECK(ledger_resume_due(ledger, 6000, key, sizeof key) == 0);
    p = ledger_pick(ledger);
    CHECK(p && wire_peer_equal(p, &w1));
    ledger_destroy(&ledger);
}

/* linebuf: lines handed over whole whatever the chunks, the unfinished
 * one waits, a line too long is reported, not kept. */
typedef struct { int count; char last[64]; size_t last_len; int too_long; } seen_lines_t;

static void on_test_line(void *ctx, const char *line, size_t len, const char *too_long)
{
    seen_lines_t *seen = ctx;
    seen->count++;
    seen->too_long += too_long != NULL;
    seen->last_len = len < sizeof seen->last ? len : sizeof seen->last - 1;
    memcpy(seen->last, line, seen->last_len);
    seen->last[seen->last_len] = '\0';
}

static void test_linebuf(void)
{
    linebuf_t lb = LINEBUF_INIT;
    seen_lines_t seen = { 0 };
    CHECK(linebuf_feed(&lb, "ab", 2, on_test_line, &seen) == 0 && seen.count == 0);
    CHECK(linebuf_partial(&lb));
    CHECK(linebuf_feed(&lb, "c\nde\nf", 7, on_test_line, &seen) == 5);
    CHECK(seen.count == 2 && strcmp(seen.last, "de") == 0);
    linebuf_finish(&lb, on_test_line, &seen);
    CHECK(seen.count == 3 && strcmp(seen.last, "f") == 0 && !linebuf_partial(&lb));

    /* Past LINEBUF_MAX a line is dropped, counted once, and the next one is whole. */
    size_t big = 1 << 20;
    char *chunk = malloc(big);
    memset(chunk, 'x', big);
    seen = (seen_lines_t){ 0 };
    for (size_t fed = 0; fed <= LINEBUF_MAX; fed += big)
        linebuf_feed(&lb, chunk, big, on_test_line, &seen);
    CHECK(seen.count == 0 && lb.pending.len == 0);
    CHECK(linebuf_feed(&lb, "x\nok\n", 5, on_test_line, &seen) == 5);
    CHECK(seen.count == 2 && seen.too_long == 1 && strcmp(seen.last, "ok") == 0);
    free(chunk);
    linebuf_free(&lb);
}

/* Compaction forgets the files that are gone, keeps the rest and what is
 * still in flight. */
static void test_state_compact(void)
{
    char dir[600], path[700], db[700];
    test_folder(dir, sizeof dir, "compact");
    snprintf(db, sizeof db, "%s/state.db", dir);
    char *error = NULL;
    state_t *state = state_open(db, &error);
    CHECK(state != NULL);
    if (!state)
        return;
    file_stamp_t stamp = { 1, 1 };
    char id[DOC_ID_LEN + 1];
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/f%d", dir, i);
        FILE *f = fopen(path, "w");
        if (f)
            fclose(f);
        hash_doc_id(path, strlen(path), id);
        state_mark_sent(state, path, &stamp, id, 1, NULL);
        if (i < 3)
            state_mark_acked(state, id, ACK_STORED, NULL);   /* f3 stays in flight */
    }
    state_flush(state, NULL);
    for (int i = 1; i < 4; i++) {
        snprintf(path, sizeof path, "%s/f%d", dir, i);
        unlink(path);
    }
    CHECK(state_compact(state, 0, NULL) == 0);
    state_flush(state, NULL);
    CHECK(state_pruned(state) == 2);   /* f1 and f2; not f0 (exists), not f3 (sent) */
    uint32_t attempts;
    snprintf(path, sizeof path, "%s/f0", dir);
    CHECK(state_lookup(state, path, &stamp, &attempts) == FILE_DONE);
    snprintf(path, sizeof path, "%s/f1", dir);
    CHECK(state_lookup(state, path, &stamp, &attempts) == FILE_NEW);
    snprintf(path, sizeof path, "%s/f3", dir);
    CHECK(state_lookup(state, path, &stamp, &attempts) == FILE_SENT);
    state_close(&state);
}

/* An ACK removes the spool rows taken into flight, not a later row of
 * the same bytes from another source that was spooled meanwhile and not
 * read yet (deleting it lost that source, and run's count of lines). */
static void test_spool_remove_taken(void)
{
    char dir[600], db[700];
    test_folder(dir, sizeof dir, "spool");
    snprintf(db, sizeof db, "%s/state.db", dir);
    char *error = NULL;
    state_t *state = state_open(db, &error);
    CHECK(state != NULL);
    if (!state)
        return;
    const char *text = "the same wire story";
    char id[DOC_ID_LEN + 1];
    hash_doc_id(text, strlen(text), id);
    CHECK(state_spool_add(state, SPOOL_LINE, id, "https://one.example/a", (const uint8_t *)text,
                          strlen(text), NULL, NULL, NULL) == 0);
    spooled_t first;
    CHECK(state_spool_next(state, 0, &first) == 1);   /* taken into flight */
    CHECK(state_spool_add(state, SPOOL_LINE, id, "https://two.example/a", (const uint8_t *)text,
                          strlen(text), NULL, NULL, NULL) == 0);
    CHECK(state_spool_remove(state, id, first.seq, NULL) == 0);   /* the first's ACK */
    CHECK(state_flush(state, NULL) == 0);
    spooled_t second;
    CHECK(state_spool_next(state, 0, &second) == 1);
    CHECK(second.seq > first.seq);
    CHECK_STR(second.source, "https://two.example/a");
    CHECK(state_spool_remove(state, id, second.seq, NULL) == 0);
    spooled_t none;
    CHECK(state_spool_next(state, 0, &none) == 0);
    state_spooled_clear(&first);
    state_spooled_clear(&second);
    state_close(&state);
}

/* A note outlives the process: written, flushed, closed, and read by
 * the next open; a second write replaces it; a missing one reads empty. */
static void test_state_notes(void)
{
    char dir[600], db[700];
    test_folder(dir, sizeof dir, "notes");
    snprintf(db, sizeof db, "%s/state.db", dir);
    state_t *state = state_open(db, NULL);
    CHECK(state != NULL);
    if (!state)
        return;
    char value[40] = "junk";
    CHECK(state_note(state, "sink session", value, sizeof value) == -1);
    CHECK_STR(value, "");
    CHECK(state_set_note(state, "sink session", "0123456789abcdef0123456789abcdef", NULL) == 0);
    CHECK(state_set_note(state, "sink session", "fedcba9876543210fedcba9876543210", NULL) == 0);
    CHECK(state_flush(state, NULL) == 0);
    state_close(&state);
    state = state_open(db, NULL);
    CHECK(state != NULL);
    if (!state)
        return;
    CHECK(state_note(state, "sink session", value, sizeof value) == 0);
    CHECK_STR(value, "fedcba9876543210fedcba9876543210");
    char small[5];
    CHECK(state_note(state, "sink session", small, sizeof small) == 0);
    CHECK_STR(small, "fedc");
    state_close(&state);
}

/* A state made before the files table's check was spelled with OR: the
 * table is made again at open, its rows kept, and the check still
 * refuses a status it does not know. */
static void test_state_respelled(void)
{
    char dir[600], db[700];
    test_folder(dir, sizeof dir, "respell");
    snprintf(db, sizeof db, "%s/state.db", dir);
    sqlite3 *raw = NULL;
    CHECK(sqlite3_open(db, &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw,
        "CREATE TABLE files(source TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL,"
        " mtime_ns INTEGER NOT NULL, id TEXT NOT NULL,"
        " status TEXT NOT NULL CHECK (status IN ('sent', 'done', 'dead')),"
        " attempts INTEGER NOT NULL, updated_at TEXT NOT NULL DEFAULT"
        " (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"
        "CREATE INDEX files_id ON files(id);"
        "INSERT INTO files(source, size, mtime_ns, id, status, attempts)"
        " VALUES ('/in/a.txt', 3, 4, 'abc', 'done', 1);",
        NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(raw);
    state_t *state = state_open(db, NULL);
    CHECK(state != NULL);
    if (!state)
        return;
    uint32_t attempts = 0;
    file_stamp_t stamp = { .size = 3, .mtime_ns = 4 };
    CHECK(state_lookup(state, "/in/a.txt", &stamp, &attempts) == FILE_DONE);
    CHECK(attempts == 1);
    state_close(&state);
    CHECK(sqlite3_open(db, &raw) == SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    CHECK(sqlite3_prepare_v2(raw, "SELECT sql FROM sqlite_master WHERE name = 'files'", -1,
                             &stmt, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(strstr((const char *)sqlite3_column_text(stmt, 0), "status IN (") == NULL);
    sqlite3_finalize(stmt);
    CHECK(sqlite3_exec(raw, "SELECT 1 FROM files INDEXED BY files_id WHERE id = 'abc'", NULL,
                       NULL, NULL) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, "UPDATE files SET status = 'lost'", NULL, NULL, NULL)
          == SQLITE_CONSTRAINT);
    sqlite3_close(raw);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* A write the disk refuses, for real: RLIMIT_FSIZE stops every file of
 * this process from growing, as a full filesystem would, and needs no
 * privilege to set or lift (SIGXFSZ ignored: the write fails instead).
 * The writer reports it; the whole transaction is rolled back, the write
 * before it too; every writer then refuses at once until a probe
 * commits; and once the limit is lifted the probe succeeds and writes
 * land again. */
static void test_state_write_fails(void)
{
    char dir[600], db[700], wal[700];
    test_folder(dir, sizeof dir, "full");
    snprintf(db, sizeof db, "%s/state.db", dir);
    snprintf(wal, sizeof wal, "%s/state.db-wal", dir);
    char *error = NULL;
    state_t *state = state_open(db, &error);
    CHECK(state != NULL);
    if (!state)
        return;
    CHECK(state_set_position(state, "line", 1, NULL) == 0);
    CHECK(state_flush(state, &error) == 0);
    CHECK_STR(state_fault(state), "writable");
    CHECK(error == NULL);

    struct rlimit saved, full;
    CHECK(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    long long biggest = file_size(db) > file_size(wal) ? file_size(db) : file_size(wal);
    full = saved;
    full.rlim_cur = (rlim_t)biggest;
    CHECK(setrlimit(RLIMIT_FSIZE, &full) == 0);

    /* 256 KiB fit in SQLite's page cache: the COMMIT is what fails. */
    size_t len = 256 * 1024;
    uint8_t *body = calloc(1, len);
    char id[DOC_ID_LEN + 1];
    hash_doc_id(body, len, id);
    CHECK(state_set_position(state, "line", 2, NULL) == 0);
    int added = state_spool_add(state, SPOOL_LINE, id, "stdin:2", body, len, NULL, NULL, NULL);
    int flushed = state_flush(state, &error);
    CHECK(added != 0 || flushed != 0);
    CHECK(flushed == -1);
    CHECK(state_failing(state));
    CHECK(strcmp(state_fault(state), "writable") != 0);
    CHECK(error && error[0] != '\0');   /* why, with the failure */
    free(error);
    error = NULL;
    /* Nothing of that transaction is on disk, nor in the connection. */
    CHECK(state_position(state, "line") == 1);
    CHECK(state_spool_waiting(state, 0, 10) == 0);
    /* Every writer refuses at once, the prepared ones too. */
    file_stamp_t stamp = { 1, 1 };
    CHECK(state_set_position(state, "line", 3, &error) == -1);
    CHECK(error && error[0] != '\0');   /* the fault's reason */
    free(error);
    error = NULL;
    CHECK(state_mark_sent(state, "/x", &stamp, id, 1, NULL) == -1);
    CHECK(state_mark_acked(state, id, ACK_STORED, NULL) == -1);
    CHECK(state_spool_remove(state, id, 1, NULL) == -1);
    CHECK(state_partial_append(state, "stdin", "ab", 2, NULL) == -1);
    CHECK(state_flush(state, NULL) == -1);
    CHECK(state_tick(state, NULL) == -1);
    CHECK(state_compact(state, clock_ms(), NULL) == -1);
    /* A probe not due yet does not try; one due fails while the disk is full. */
    CHECK(state_probe(state, clock_ms(), NULL) == -1);
    CHECK(state_probe(state, clock_ms() + 60000, NULL) == -1);
    CHECK(state_failing(state));

    CHECK(setrlimit(RLIMIT_FSIZE, &saved) == 0);
    signal(SIGXFSZ, old_handler);
    CHECK(state_probe(state, clock_ms() + 120000, NULL) == 0);
    CHECK(!state_failing(state));
    CHECK_STR(state_fault(state), "writable");
    CHECK(state_set_position(state, "line", 2, NULL) == 0);
    CHECK(state_spool_add(state, SPOOL_LINE, id, "stdin:2", body, len, NULL, NULL, NULL) == 0);
    CHECK(state_flush(state, &error) == 0);
    CHECK(error == NULL);
    state_close(&state);

    /* What a restart finds: the writes after the fault, and nothing of
     * the probe's. */
    state = state_open(db, &error);
    CHECK(state != NULL);
    if (state) {
        CHECK(state_position(state, "line") == 2);
        CHECK(state_spool_waiting(state, 0, 10) == 1);
        buf_t probe = BUF_INIT;
        state_partial_load(state, "state probe", &probe);
        CHECK(probe.len == 0);
        buf_free(&probe);
        state_close(&state);
    }
    free(body);
}

TESTING_MAIN_WITH(testing_dir_make, testing_dir_remove,
    TEST(test_linebuf),
    TEST(test_state_compact),
    TEST(test_spool_remove_taken),
    TEST(test_state_notes),
    TEST(test_state_respelled),
    TEST(test_state_write_fails),
    TEST(test_jsonl),
    TEST(test_names),
    TEST(test_walk),
    TEST(test_inflight),
    TEST(test_ledger),
    TEST(test_ledger_pause))
