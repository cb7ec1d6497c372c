/* bench_sink: the sink alone, fed ready records, against bare SQLite
 * writing the same rows into the same schema.
 *
 *   bench_sink bare DB ROWS TEXTFILE...
 *   bench_sink sink FEEDMILL DB ROWS TEXTFILE...
 *
 * Both sides write ROWS records built the same way: ~5 KB of text cut from
 * the TEXTFILEs at a different offset per row (real words for the FTS5
 * tokenizer), a title, five entities and ten keywords.
 *
 * bare: the database is created by feedmill's own store (same tables,
 * indexes and FTS triggers), then the rows go in with plain prepared
 * INSERTs (the document, its entities, its four simhash band rows), 500
 * per transaction, the sink's largest batch: the floor of what any
 * writer of this schema must pay. The sink does more: it checks each
 * message, looks the id up (idempotence), finds the nearest earlier
 * document by the bands and links it, and acknowledges.
 *
 * sink: `FEEDMILL sink` runs as its own process; this program pushes
 * every record to it as a RESULT over ipc:// and times until the last
 * ACK arrives, so decoding, the idempotence checks, batching and
 * acknowledging are all inside the figure.
 *
 * Prints one result line (bench.h). */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench.h"
#include "common/hash.h"
#include "common/log.h"
#include "proto/message.h"
#include "proto/wire.h"
#include "sink/store.h"

#define ROW_BYTES 5000
#define ROWS_PER_TXN 500

static char *pool;
static size_t pool_len;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_sink: %s: %s\n", what, detail);
    exit(1);
}

/* The TEXTFILEs end to end, repeated until any row fits anywhere. */
static void make_pool(const files_t *texts)
{
    if (texts->bytes == 0)
        die("text files", "empty");
    size_t copies = 4 * ROW_BYTES / texts->bytes + 1;
    pool = malloc(copies * texts->bytes + 1);
    if (!pool)
        die("memory", "out");
    for (size_t c = 0; c < copies; c++)
        for (size_t i = 0; i < texts->count; i++) {
            memcpy(pool + pool_len, texts->items[i].data, texts->items[i].len);
            pool_len += texts->items[i].len;
        }
    pool[pool_len] = '\0';
}

/* Row i: its text starts at a different offset, on a UTF-8 boundary. */
static record_t *make_record(size_t i)
{
    size_t start = (i * 7919) % (pool_len - 2 * ROW_BYTES);
    while (start > 0 && (pool[start] & 0xc0) == 0x80)
        start++;
    size_t end = start + ROW_BYTES;
    while ((pool[end] & 0xc0) == 0x80)
        end++;
    record_t *r = record_new();
    char label[64];
    snprintf(label, sizeof label, "bench row %zu", i);
    hash_doc_id(label, strlen(label), r->id);
    snprintf(label, sizeof label, "bench/row_%06zu.txt", i);
    r->source = xstrdup(label);
    r->kind = xstrdup("text");
    r->lang = xstrdup("ko");
    snprintf(label, sizeof label, "벤치마크 문서 %zu", i);
    r->title = xstrdup(label);
    r->published = xstrdup("2026-03-03");
    r->body = xstrndup(pool + start, end - start);
    for (int e = 0; e < 5; e++)
        record_add_entity(r, "money", "1조1천35억 엔", 1103500000000.0 + e, 1, "JPY");
    for (int k = 0; k < 10; k++) {
        snprintf(label, sizeof label, "키워드%d", k);
        record_add_keyword(r, label);
    }
    r->simhash = 0x9e3779b97f4a7c15ull * (i + 1);
    return r;
}

static void check(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        die(what, sqlite3_errmsg(db));
}

static void keywords_json(const record_t *r, buf_t *out)
{
    buf_reset(out);
    buf_putc(out, '[');
    for (size_t k = 0; k < r->keyword_count; k++) {
        if (k)
            buf_putc(out, ',');
        buf_put_json_string(out, r->keywords[k], strlen(r->keywords[k]));
    }
    buf_putc(out, ']');
}

static int run_bare(const char *path, size_t rows)
{
    char *error = NULL;
    store_t *store = store_open(path, STORE_READWRITE, &error);
    if (!store)
        die("store_open", error);
    store_close(&store);   /* the schema is there; now plain SQL */
    sqlite3 *db;
    check(sqlite3_open(path, &db), db, "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                           "PRAGMA foreign_keys=ON;", NULL, NULL, NULL), db, "pragmas");
    sqlite3_stmt *doc, *ent, *band;
    check(sqlite3_prepare_v2(db,
        "INSERT INTO documents (id, source, kind, title, published, author, lang, body, "
        "simhash, keywords, extractor, attempts, ingested_at, updated_at) VALUES "
        "(?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9, 1, 1, "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        -1, &doc, NULL), db, "prepare");
    check(sqlite3_prepare_v2(db, "INSERT INTO entities (doc_id, type, text, value, unit, ord) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &ent, NULL), db, "prepare");
    check(sqlite3_prepare_v2(db, "INSERT INTO simhash_bands (band, value, doc_id, rank) "
                                 "VALUES (?1, ?2, ?3, 0)", -1, &band, NULL), db, "prepare");
    record_t **records = malloc(rows * sizeof *records);
    size_t bytes = 0;
    for (size_t i = 0; i < rows; i++) {
        records[i] = make_record(i);
        bytes += strlen(records[i]->body);
    }
    buf_t kw = BUF_INIT;
    char hex[17];
    double start = now();
    for (size_t i = 0; i < rows; i++) {
        if (i % ROWS_PER_TXN == 0)
            check(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
        const record_t *r = records[i];
        keywords_json(r, &kw);
        record_simhash_hex(r, hex);
        sqlite3_bind_text(doc, 1, r->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(doc, 2, r->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(doc, 3, r->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(doc, 4, r->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(doc, 5, r->published, -1, SQLITE_STATIC);
        sqlite3_bind_text(doc, 6, r->lang, -1, SQLITE_STATIC);
        sqlite3_bind_text(doc, 7, r->body, -1, SQLITE_STATIC);
        sqlite3_bind_text(doc, 8, hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(doc, 9, kw.data, (int)kw.len, SQLITE_STATIC);
        check(sqlite3_step(doc), db, "insert document");
        sqlite3_reset(doc);
        for (size_t e = 0; e < r->entity_count; e++) {
            const entity_t *x = &r->entities[e];
            sqlite3_bind_text(ent, 1, r->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ent, 2, x->type, -1, SQLITE_STATIC);
            sqlite3_bind_text(ent, 3, x->text, -1, SQLITE_STATIC);
            sqlite3_bind_double(ent, 4, x->value);
            sqlite3_bind_text(ent, 5, x->unit, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ent, 6, (sqlite3_int64)e);
            check(sqlite3_step(ent), db, "insert entity");
            sqlite3_reset(ent);
        }
        for (int n = 0; n < 4; n++) {
            sqlite3_bind_int(band, 1, n);
            sqlite3_bind_int64(band, 2, (sqlite3_int64)((r->simhash >> (48 - 16 * n)) & 0xffff));
            sqlite3_bind_text(band, 3, r->id, -1, SQLITE_STATIC);
            check(sqlite3_step(band), db, "insert band");
            sqlite3_reset(band);
        }
        if (i % ROWS_PER_TXN == ROWS_PER_TXN - 1 || i == rows - 1)
            check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
    }
    double seconds = now() - start;
    print_result(rows, bytes, seconds, 0, sqlite3_libversion());
    sqlite3_finalize(doc);
    sqlite3_finalize(ent);
    sqlite3_finalize(band);
    sqlite3_close(db);
    for (size_t i = 0; i < rows; i++)
        record_destroy(&records[i]);
    free(records);
    buf_free(&kw);
    return 0;
}

static int run_sink(const char *feedmill, const char *path, size_t rows)
{
    char dir[] = "/tmp/feedmill-bench-sink-XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp", strerror(errno));
    char results[128], acks[128];
    snprintf(results, sizeof results, "ipc://%s/results", dir);
    snprintf(acks, sizeof acks, "ipc://%s/acks", dir);

    /* The messages are encoded before the clock starts, like the bare
     * side's records: only the sink's work is timed. */
    uint8_t **encoded = malloc(rows * sizeof *encoded);
    size_t *lengths = malloc(rows * sizeof *lengths), bytes = 0;
    for (size_t i = 0; i < rows; i++) {
        record_t *r = make_record(i);
        message_t m = { .type = MSG_RESULT, .source = r->source, .attempt = 1, .record = r };
        memcpy(m.id, r->id, sizeof m.id);
        if (message_encode(&m, &encoded[i], &lengths[i]) != 0)
            die("encode", "a record breaks the wire format");
        bytes += strlen(r->body);
        record_destroy(&r);
    }

    void *ctx = zmq_ctx_new();
    void *push = zmq_socket(ctx, ZMQ_PUSH), *pull = zmq_socket(ctx, ZMQ_PULL);
    int hwm = 0;
    zmq_setsockopt(push, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (zmq_bind(pull, acks) != 0)
        die("bind acks", zmq_strerror(zmq_errno()));
    pid_t pid = fork();
    if (pid == 0) {
        setenv("FEEDMILL_LOG", getenv("BENCH_SINK_LOG") ? getenv("BENCH_SINK_LOG") : "warn", 1);
        execl(feedmill, feedmill, "sink", "--db", path, "--results", results, "--acks", acks,
              (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        die("fork", strerror(errno));
    if (zmq_connect(push, results) != 0)
        die("connect results", zmq_strerror(zmq_errno()));
    /* The sink says HELLO once connected: then it is ready. */
    message_t *msg = NULL;
    char why[256];
    while (wire_recv(pull, 0, &msg, why, sizeof why) != WIRE_OK || msg->type != MSG_HELLO)
        message_destroy(&msg);
    message_destroy(&msg);

    double start = now();
    size_t acked = 0, sent = 0;
    while (acked < rows) {
        while (sent < rows && sent - acked < 2000) {
            wire_send_encoded(push, encoded[sent], lengths[sent], 0);
            sent++;
        }
        if (wire_recv(pull, 0, &msg, why, sizeof why) == WIRE_OK && msg->type == MSG_ACK)
            acked++;
        message_destroy(&msg);
    }
    double seconds = now() - start;
    print_result(rows, bytes, seconds, 0, "feedmill sink");

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    zmq_close(push);
    zmq_close(pull);
    zmq_ctx_term(ctx);
    for (size_t i = 0; i < rows; i++)
        free(encoded[i]);
    free(encoded);
    free(lengths);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_sink: could not remove %s\n", dir);
    return 0;
}

int main(int argc, char **argv)
{
    int sink = argc > 1 && !strcmp(argv[1], "sink");
    int first_text = sink ? 5 : 4;
    if (argc <= first_text || (!sink && strcmp(argv[1], "bare") != 0)) {
        fprintf(stderr, "usage: bench_sink bare DB ROWS TEXTFILE...\n"
                        "       bench_sink sink FEEDMILL DB ROWS TEXTFILE...\n");
        return 2;
    }
    const char *db = argv[sink ? 3 : 2];
    setenv("FEEDMILL_LOG", "warn", 0);   /* store_open's "migrated" line is not a figure */
    log_init("bench_sink");
    size_t rows = (size_t)strtoul(argv[sink ? 4 : 3], NULL, 10);
    if (access(db, F_OK) == 0)
        die(db, "exists already: give a new path");
    files_t texts = files_load(argv + first_text, argc - first_text);
    make_pool(&texts);
    int rc = sink ? run_sink(argv[2], db, rows) : run_bare(db, rows);
    files_free(&texts);
    free(pool);
    return rc;
}
