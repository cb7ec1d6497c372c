/* bench_sink: the sink alone, fed ready records, against bare SQLite
 * writing the same records.
 *
 *   bench_sink prepare CACHE FILE...
 *   bench_sink sink FEEDMILL DB CACHE
 *   bench_sink bare DB CACHE
 *   bench_sink schema DB CACHE
 *   bench_sink store DB CACHE
 *
 * prepare: runs the real extractor (extract_document, what `feedmill
 * extract` and the workers run; .gz pages are decompressed by it) over
 * every FILE once, and writes each record as the RESULT message a worker
 * would send (attempt 1, its extraction time) into CACHE: a 4-byte
 * little-endian length, then the encoded message, again and again. A
 * document the extractor refuses is left out, and so is one whose id (the
 * hash of its bytes) came before; the rest are shuffled in a fixed order,
 * so pages and texts arrive mixed as from many workers. Its result line
 * counts the records kept (html=, text=, duplicates=) and times the
 * extraction. The other modes read CACHE before their clock starts, so
 * every side of a comparison writes exactly the same records.
 *
 * sink: `FEEDMILL sink` runs as its own process; this program pushes
 * every RESULT to it over ipc:// from two sockets in turn (two senders,
 * like two workers), at most 2000 unacknowledged, and times from the
 * sink's HELLO to the last ACK, so decoding, the idempotence checks,
 * near-duplicates, batching and acknowledging are all inside the figure.
 * failed= counts the ACKs that were not `stored`; cpu= the CPU seconds
 * the sink's process used meanwhile, all its threads (the writer, the
 * reader, the checkpointer, ZeroMQ's): more than seconds= when they
 * overlap, and what the sink costs a machine that runs it.
 *
 * bare: what a user's own script would write instead of running the sink:
 *
 *   CREATE TABLE docs(id TEXT PRIMARY KEY, title TEXT, body TEXT NOT NULL);
 *   CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs',
 *       content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
 *   INSERT INTO docs(id, title, body) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING;
 *   INSERT INTO docs_fts(rowid, title, body) VALUES (?, ?, ?);   -- if a row was new
 *
 * FTS5 with external content (the text stored once), the sink's
 * tokenizer, WAL, synchronous=NORMAL, 500 rows per transaction, prepared
 * statements. ON CONFLICT DO NOTHING keeps a rerun of the script
 * idempotent, as the sink is. The index is written by the script, not by
 * the trigger SQLite's documentation gives: a statement whose trigger
 * writes a virtual table opens a statement savepoint, and FTS5 in SQLite
 * 3.40 (Debian 12's) writes a segment at each one, a segment per row.
 * That cost a script with the trigger a third of its speed (and the
 * sink, until schema 8, as much): the baseline is the faster script.
 *
 * schema: the same records written into a database created by feedmill's
 * own store (same tables, indexes and triggers) with plain prepared
 * INSERTs (the document, its full-text entry, its entities, its simhash
 * row), 500 per transaction: the floor of what any writer of feedmill's
 * schema pays.
 *
 * store: the same records through feedmill's store (store_put_document,
 * 500 per transaction) in this process, without sockets or messages:
 * the sink's line against this one is what its process adds.
 *
 * sink, bare, schema and store time only the writing, and print one result line
 * (bench.h); bytes= is the bodies' bytes. */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench.h"
#include "common/hash.h"
#include "common/log.h"
#include "extract/extract.h"
#include "proto/message.h"
#include "proto/wire.h"
#include "sink/store.h"

#define ROWS_PER_TXN 500
#define SENDERS 2
#define MAX_UNACKED 2000
#define SINK_START_SECONDS 30

#define STRINGIFY(x) #x
#define VERSION_TEXT(x) STRINGIFY(x)

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_sink: %s: %s\n", what, detail);
    exit(1);
}

/* ---- the cache of RESULT messages ------------------------------------ */

typedef struct cached {
    uint8_t *data;       /* one encoded RESULT */
    size_t len;
    record_t *record;    /* decoded, for the SQLite sides */
} cached_t;

typedef struct cache {
    cached_t *items;
    size_t count;
    size_t body_bytes;
} cache_t;

static void put_u32(FILE *f, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    fwrite(b, 1, 4, f);
}

static cache_t cache_load(const char *path)
{
    char *paths[] = { (char *)path };
    files_t file = files_load(paths, 1);
    cache_t cache = { 0 };
    const uint8_t *p = (const uint8_t *)file.items[0].data, *end = p + file.items[0].len;
    while (p < end) {
        if (end - p < 4)
            die(path, "truncated (run bench_sink prepare again)");
        size_t len = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
        p += 4;
        if ((size_t)(end - p) < len)
            die(path, "truncated (run bench_sink prepare again)");
        char *why = NULL;
        message_t *m = message_decode(p, len, &why);
        if (!m || m->type != MSG_RESULT)
            die(path, m ? "holds a message that is not a RESULT" : why);
        cache.items = realloc(cache.items, (cache.count + 1) * sizeof *cache.items);
        if (!cache.items)
            die("memory", "out");
        cached_t *c = &cache.items[cache.count++];
        c->data = malloc(len);
        if (!c->data)
            die("memory", "out");
        memcpy(c->data, p, len);
        c->len = len;
        c->record = m->record;
        m->record = NULL;
        message_destroy(&m);
        cache.body_bytes += strlen(c->record->body);
        p += len;
    }
    files_free(&file);
    if (cache.count == 0)
        die(path, "holds no records");
    return cache;
}

static void cache_free(cache_t *cache)
{
    for (size_t i = 0; i < cache->count; i++) {
        free(cache->items[i].data);
        record_destroy(&cache->items[i].record);
    }
    free(cache->items);
}

/* qsort's comparison of record indices: by id, then by file order. */
static record_t **sorting;

static int by_id(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sorting[x]->id, sorting[y]->id);
    return c ? c : (x > y) - (x < y);
}

static int prepare(const char *cache_path, char **paths, int count)
{
    if (access(cache_path, F_OK) == 0)
        die(cache_path, "exists already: give a new path");
    files_t files = files_load(paths, count);
    record_t **records = calloc(files.count + 1, sizeof *records);
    double *seconds = calloc(files.count + 1, sizeof *seconds);
    if (!records || !seconds)
        die("memory", "out");
    size_t refused = 0, kept = 0, duplicates = 0;
    double start = now();
    for (size_t i = 0; i < files.count; i++) {
        char *error = NULL;
        double t = now();
        records[kept] = extract_document(files.items[i].path, (const uint8_t *)files.items[i].data,
                                         files.items[i].len, &error);
        seconds[kept] = now() - t;
        if (records[kept])
            kept++;
        else
            refused++;
        free(error);
    }
    double extraction = now() - start;
    if (kept == 0)
        die("prepare", "the extractor refused every file");

    /* The same bytes twice are one document: keep the first in file order. */
    size_t *sorted = malloc((kept + 1) * sizeof *sorted);
    if (!sorted)
        die("memory", "out");
    for (size_t i = 0; i < kept; i++)
        sorted[i] = i;
    sorting = records;
    qsort(sorted, kept, sizeof *sorted, by_id);
    for (size_t i = 1, first = sorted[0]; i < kept; i++) {
        if (strcmp(records[sorted[i]]->id, records[first]->id) != 0) {
            first = sorted[i];
            continue;
        }
        record_destroy(&records[sorted[i]]);
        duplicates++;
    }
    free(sorted);

    /* A fixed shuffle (Fisher-Yates, xorshift64), so every run and every
     * side sees the same order. */
    size_t *order = malloc((kept + 1) * sizeof *order);
    if (!order)
        die("memory", "out");
    for (size_t i = 0; i < kept; i++)
        order[i] = i;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = kept; i > 1; i--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t j = (size_t)(x % i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }

    FILE *f = fopen(cache_path, "wb");
    if (!f)
        die(cache_path, strerror(errno));
    size_t written = 0, html = 0, text = 0;
    for (size_t i = 0; i < kept; i++) {
        record_t *r = records[order[i]];
        if (!r)
            continue;
        message_t m = { .type = MSG_RESULT, .source = r->source, .attempt = 1, .record = r,
                        .has_extract_seconds = 1, .extract_seconds = seconds[order[i]] };
        memcpy(m.id, r->id, sizeof m.id);
        uint8_t *data;
        size_t len;
        if (message_encode(&m, &data, &len) != 0)
            die(r->source, "its record breaks the wire format");
        put_u32(f, (uint32_t)len);
        fwrite(data, 1, len, f);
        free(data);
        written++;
        r->kind && !strcmp(r->kind, "html") ? html++ : text++;
    }
    if (fclose(f) != 0)
        die(cache_path, strerror(errno));
    printf("items=%zu bytes=%zu seconds=%.6f failed=%zu version=extractor-%s html=%zu text=%zu "
           "duplicates=%zu\n",
           written, files.bytes, extraction, refused, VERSION_TEXT(EXTRACT_VERSION), html, text,
           duplicates);
    for (size_t i = 0; i < kept; i++)
        record_destroy(&records[i]);
    free(records);
    free(seconds);
    free(order);
    files_free(&files);
    return 0;
}

/* ---- SQLite sides ------------------------------------------------------ */

static void check(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        die(what, sqlite3_errmsg(db));
}

static void bind_text(sqlite3_stmt *stmt, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(stmt, i, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, i);
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

static const char *USER_SCHEMA =
    "PRAGMA journal_mode=WAL;\n"
    "PRAGMA synchronous=NORMAL;\n"
    "CREATE TABLE docs(id TEXT PRIMARY KEY, title TEXT, body TEXT NOT NULL);\n"
    "CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs',\n"
    "    content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');\n";

static int run_bare(const char *path, const cache_t *cache)
{
    sqlite3 *db;
    check(sqlite3_open(path, &db), db, "open");
    check(sqlite3_exec(db, USER_SCHEMA, NULL, NULL, NULL), db, "schema");
    sqlite3_stmt *insert, *index;
    check(sqlite3_prepare_v2(db, "INSERT INTO docs(id, title, body) VALUES (?1, ?2, ?3) "
                                 "ON CONFLICT(id) DO NOTHING", -1, &insert, NULL), db, "prepare");
    check(sqlite3_prepare_v2(db, "INSERT INTO docs_fts(rowid, title, body) VALUES (?1, ?2, ?3)",
                             -1, &index, NULL), db, "prepare");
    double start = now();
    for (size_t i = 0; i < cache->count; i++) {
        if (i % ROWS_PER_TXN == 0)
            check(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), db, "begin");
        const record_t *r = cache->items[i].record;
        bind_text(insert, 1, r->id);
        bind_text(insert, 2, r->title);
        bind_text(insert, 3, r->body);
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
        if (sqlite3_changes(db) == 1) {
            sqlite3_bind_int64(index, 1, sqlite3_last_insert_rowid(db));
            bind_text(index, 2, r->title);
            bind_text(index, 3, r->body);
            check(sqlite3_step(index), db, "index");
            sqlite3_reset(index);
        }
        if (i % ROWS_PER_TXN == ROWS_PER_TXN - 1 || i == cache->count - 1)
            check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
    }
    double seconds = now() - start;
    print_result(cache->count, cache->body_bytes, seconds, 0, sqlite3_libversion());
    sqlite3_finalize(insert);
    sqlite3_finalize(index);
    sqlite3_close(db);
    return 0;
}

static int run_schema(const char *path, const cache_t *cache)
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
    sqlite3_stmt *doc, *fts, *ent, *band;
    check(sqlite3_prepare_v2(db,
        "INSERT INTO documents (id, source, kind, title, published, author, lang, body, "
        "simhash, keywords, extractor, attempts, ingested_at, updated_at) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, " VERSION_TEXT(EXTRACT_VERSION) ", 1, "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        -1, &doc, NULL), db, "prepare");
    check(sqlite3_prepare_v2(db, "INSERT INTO documents_fts (rowid, title, body) "
                                 "VALUES (?1, ?2, ?3)", -1, &fts, NULL), db, "prepare");
    check(sqlite3_prepare_v2(db, "INSERT INTO entities (doc_id, type, text, value, unit, ord, "
                                 "offset, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &ent,
                             NULL),
          db, "prepare");
    check(sqlite3_prepare_v2(db, "INSERT INTO simhashes (doc, simhash) VALUES (?1, ?2)", -1,
                             &band, NULL), db, "prepare");
    buf_t kw = BUF_INIT;
    char hex[17];
    double start = now();
    for (size_t i = 0; i < cache->count; i++) {
        if (i % ROWS_PER_TXN == 0)
            check(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
        const record_t *r = cache->items[i].record;
        keywords_json(r, &kw);
        record_simhash_hex(r, hex);
        bind_text(doc, 1, r->id);
        bind_text(doc, 2, r->source);
        bind_text(doc, 3, r->kind);
        bind_text(doc, 4, r->title);
        bind_text(doc, 5, r->published);
        bind_text(doc, 6, r->author);
        bind_text(doc, 7, r->lang);
        bind_text(doc, 8, r->body);
        bind_text(doc, 9, hex);
        sqlite3_bind_text(doc, 10, kw.data, (int)kw.len, SQLITE_STATIC);
        check(sqlite3_step(doc), db, "insert document");
        sqlite3_reset(doc);
        sqlite3_int64 rowid = sqlite3_last_insert_rowid(db);   /* before the entities' */
        sqlite3_bind_int64(fts, 1, rowid);
        bind_text(fts, 2, r->title);
        bind_text(fts, 3, r->body);
        check(sqlite3_step(fts), db, "index document");
        sqlite3_reset(fts);
        for (size_t e = 0; e < r->entity_count; e++) {
            const entity_t *x = &r->entities[e];
            bind_text(ent, 1, r->id);
            bind_text(ent, 2, x->type);
            bind_text(ent, 3, x->text);
            if (x->has_value)
                sqlite3_bind_double(ent, 4, x->value);
            else
                sqlite3_bind_null(ent, 4);
            bind_text(ent, 5, x->unit);
            sqlite3_bind_int64(ent, 6, (sqlite3_int64)e);
            if (x->has_offset)
                sqlite3_bind_int64(ent, 7, (sqlite3_int64)x->offset);
            else
                sqlite3_bind_null(ent, 7);
            sqlite3_bind_int64(ent, 8, rowid);
            check(sqlite3_step(ent), db, "insert entity");
            sqlite3_reset(ent);
        }
        sqlite3_bind_int64(band, 1, rowid);
        sqlite3_bind_int64(band, 2, (sqlite3_int64)r->simhash);
        check(sqlite3_step(band), db, "insert simhash");
        sqlite3_reset(band);
        if (i % ROWS_PER_TXN == ROWS_PER_TXN - 1 || i == cache->count - 1)
            check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
    }
    double seconds = now() - start;
    print_result(cache->count, cache->body_bytes, seconds, 0, sqlite3_libversion());
    sqlite3_finalize(doc);
    sqlite3_finalize(fts);
    sqlite3_finalize(ent);
    sqlite3_finalize(band);
    sqlite3_close(db);
    buf_free(&kw);
    return 0;
}

/* The store layer alone: store_put_document() in 500-row transactions,
 * no sockets, no messages. What the sink's process adds is the sink's
 * line against this one. */
static int run_store(const char *path, const cache_t *cache)
{
    char *error = NULL;
    store_t *store = store_open(path, STORE_READWRITE, &error);
    if (!store)
        die("store_open", error);
    size_t not_stored = 0;
    double start = now();
    for (size_t i = 0; i < cache->count; i++) {
        if (i % ROWS_PER_TXN == 0 && store_begin(store, &error) != 0)
            die("begin", error);
        store_result_t result = store_put_document(store, cache->items[i].record,
                                                   EXTRACT_VERSION, 1, NULL, &error);
        if (result == STORE_ERROR)
            die("put", error);
        not_stored += result != STORE_NEW;
        if ((i % ROWS_PER_TXN == ROWS_PER_TXN - 1 || i == cache->count - 1)
            && store_commit(store, &error) != 0)
            die("commit", error);
    }
    double seconds = now() - start;
    print_result(cache->count, cache->body_bytes, seconds, not_stored, "feedmill-store");
    store_close(&store);
    return 0;
}

/* ---- the real sink ----------------------------------------------------- */

/* The sink's process and socket folder: stopped and removed at exit,
 * whichever way the run ends. */
static char sink_dir[] = "/tmp/feedmill-bench-sink-XXXXXX";
static pid_t sink_pid;

static void stop_sink(void)
{
    if (sink_pid > 0) {
        kill(sink_pid, SIGTERM);
        waitpid(sink_pid, NULL, 0);
        sink_pid = 0;
    }
    if (strstr(sink_dir, "XXXXXX"))
        return;   /* not made, or removed already */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", sink_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_sink: could not remove %s\n", sink_dir);
    memcpy(sink_dir + strlen(sink_dir) - 6, "XXXXXX", 6);
}


/* The next message on pull, waiting at most a second; dies if the sink
 * process has exited meanwhile (a broken sink must not hang the bench). */
static message_t *next_message(void *pull, pid_t sink)
{
    for (;;) {
        zmq_pollitem_t item = { pull, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, 1, 1000) > 0) {
            message_t *msg = NULL;
            char *why = NULL;
            if (wire_recv(pull, 0, &msg, &why) == WIRE_OK)
                return msg;
            free(why);
            continue;
        }
        int status;
        if (waitpid(sink, &status, WNOHANG) == sink) {
            sink_pid = 0;
            die("feedmill sink", "exited before acknowledging every record (BENCH_SINK_LOG=info "
                                 "shows why)");
        }
    }
}

/* CPU seconds the process has used so far, all its threads (user and
 * system: /proc/PID/stat fields 14 and 15), or -1. */
static double process_cpu(pid_t pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    /* After the command name, which may hold spaces, in parentheses. */
    const char *p = strrchr(line, ')');
    unsigned long long utime, stime;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                     &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static int run_sink(const char *feedmill, const char *path, const cache_t *cache)
{
    const char *dir = mkdtemp(sink_dir);
    if (!dir)
        die("mkdtemp", strerror(errno));
    atexit(stop_sink);
    char results[128], acks[128];
    snprintf(results, sizeof results, "ipc://%s/results", dir);
    snprintf(acks, sizeof acks, "ipc://%s/acks", dir);

    void *ctx = zmq_ctx_new();
    void *push[SENDERS], *pull = zmq_socket(ctx, ZMQ_PULL);
    int hwm = 0, linger = 0;
    for (int s = 0; s < SENDERS; s++) {
        push[s] = zmq_socket(ctx, ZMQ_PUSH);
        zmq_setsockopt(push[s], ZMQ_SNDHWM, &hwm, sizeof hwm);
        zmq_setsockopt(push[s], ZMQ_LINGER, &linger, sizeof linger);
    }
    zmq_setsockopt(pull, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(pull, acks) != 0)
        die("bind acks", zmq_strerror(zmq_errno()));
    pid_t pid = fork();
    if (pid == 0) {
        setenv("FEEDMILL_LOG", getenv("BENCH_SINK_LOG") ? getenv("BENCH_SINK_LOG") : "warn", 1);
        execl(feedmill, feedmill, "sink", "--db", path, "--results", results, "--acks", acks,
              (char *)NULL);
        fprintf(stderr, "bench_sink: cannot run %s: %s\n", feedmill, strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        die("fork", strerror(errno));
    sink_pid = pid;
    for (int s = 0; s < SENDERS; s++)
        if (zmq_connect(push[s], results) != 0)
            die("connect results", zmq_strerror(zmq_errno()));
    /* The sink says HELLO once connected: then it is ready. */
    double deadline = now() + SINK_START_SECONDS;
    message_t *msg = NULL;
    while (!msg || msg->type != MSG_HELLO) {
        message_destroy(&msg);
        if (now() > deadline)
            die("feedmill sink", "no HELLO within 30 s");
        msg = next_message(pull, pid);
    }
    message_destroy(&msg);

    double start = now(), cpu_start = process_cpu(pid);
    size_t acked = 0, sent = 0, not_stored = 0;
    while (acked < cache->count) {
        while (sent < cache->count && sent - acked < MAX_UNACKED) {
            wire_send_encoded(push[sent % SENDERS], cache->items[sent].data,
                              cache->items[sent].len, 0);
            sent++;
        }
        msg = next_message(pull, pid);
        if (msg->type == MSG_ACK) {
            acked++;
            not_stored += msg->status != ACK_STORED;
        }
        message_destroy(&msg);
    }
    double seconds = now() - start, cpu_end = process_cpu(pid);
    print_result_cpu(cache->count, cache->body_bytes, seconds, not_stored, "feedmill-sink",
                     cpu_start >= 0 && cpu_end >= cpu_start ? cpu_end - cpu_start : seconds);

    stop_sink();
    for (int s = 0; s < SENDERS; s++)
        zmq_close(push[s]);
    zmq_close(pull);
    zmq_ctx_term(ctx);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_sink prepare CACHE FILE...\n"
                    "       bench_sink sink FEEDMILL DB CACHE\n"
                    "       bench_sink bare DB CACHE\n"
                    "       bench_sink schema DB CACHE\n"
                    "       bench_sink store DB CACHE\n"
                    "(DB and CACHE must not exist yet where they are written)\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    const char *mode = argv[1];
    setenv("FEEDMILL_LOG", "warn", 0);   /* store_open's "migrated" line is not a figure */
    log_init("bench_sink");
    if (!strcmp(mode, "prepare"))
        return argc < 4 ? usage() : prepare(argv[2], argv + 3, argc - 3);
    int sink = !strcmp(mode, "sink");
    if (argc != (sink ? 5 : 4) || (!sink && strcmp(mode, "bare") && strcmp(mode, "schema")
                                    && strcmp(mode, "store")))
        return usage();
    const char *db = argv[sink ? 3 : 2];
    if (access(db, F_OK) == 0)
        die(db, "exists already: give a new path");
    cache_t cache = cache_load(argv[sink ? 4 : 3]);
    int rc = sink ? run_sink(argv[2], db, &cache)
                  : !strcmp(mode, "bare") ? run_bare(db, &cache)
                  : !strcmp(mode, "store") ? run_store(db, &cache) : run_schema(db, &cache);
    cache_free(&cache);
    return rc;
}
