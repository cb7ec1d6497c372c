/* sink: the single writer of the SQLite database.
 *
 *   workers, producer ──RESULT/FAILED/SOURCES──> PULL "results"
 *       ──> reader thread (receive, decode) ──inproc PAIR──> store (batched)
 *                                        PUSH ──ACK──> producer "acks"
 *   Prometheus, probes ──HTTP──> --metrics: /metrics /healthz /readyz
 *
 * Over tcp:// "results" is a CurveZMQ server that admits only the keys in
 * --allow (workers and the producer), and the acks socket a client that
 * names the producer's certificate (proto/curve.h). Each row records the
 * key of the worker that sent it (documents.worker): the key the
 * connection authenticated with, never what the message says.
 *
 * Rows are written in transactions committed as soon as no more results
 * are waiting, so a lone document is on disk within milliseconds, while
 * results that pile up during a commit go into the next one together
 * (at most --batch rows): the batch grows with the load by itself. While
 * results stream in one at a time, a drained batch waits a little for
 * the next (group commit, below: within 20 ms) rather than pay a commit
 * for each. --batch-ms MS instead holds a transaction open up to MS after its
 * first row. ACKs go out only after COMMIT returns: an ACK
 * means the row is on disk. A crash before that loses nothing, because
 * the producer resends whatever was not acknowledged and the upsert on
 * the content id makes the second write a no-op.
 *
 * A transaction the database refuses (a full disk, an I/O error, a
 * read-only file: sink/diskfault.h) drops nothing: the batch keeps its
 * decoded messages until COMMIT succeeds, and is written again from them
 * after a short backoff, while no new result is read, so the workers wait
 * on the results socket's high-water mark. The sink says so every 10 s
 * and on /readyz, and resumes within 2 s of the disk healing.
 *
 * On the acks socket the sink also says HELLO, with a session id new at
 * every start, as soon as it reaches the producer and every second: a
 * producer that sees a new session knows the sink restarted, and that
 * results it had received but not committed died with it, and resends
 * them at once instead of after --retry-after. A producer the sink cannot
 * reach is reported, since rows are then committed but never
 * acknowledged.
 *
 * For operators (common/monitor.h, sink/figures.h): a status line every
 * --status-interval (rates over the interval, the totals in the
 * database), the figures of feedmill_sink_* on --metrics HOST:PORT and
 * --metrics-file, and /readyz once the database is open, the results
 * socket bound and the producer's acks endpoint reached. Each committed
 * batch is a debug line. The command line is sink/options.h's; the open
 * transaction's messages, sink/batch.h's. */
#include "sink/sink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <zmq.h>

#include "common/args.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/monitor.h"
#include "common/signals.h"
#include "extract/extract.h"
#include "proto/curve.h"
#include "proto/link.h"
#include "proto/wire.h"
#include "sink/batch.h"
#include "sink/diskfault.h"
#include "sink/figures.h"
#include "sink/options.h"
#include "sink/reader.h"
#include "sink/reasons.h"
#include "sink/store.h"

enum { HELLO_MS = 1000 };

typedef struct sink {
    store_t *store;
    const char *db;          /* its path, to open it again */
    curve_t *curve;          /* CurveZMQ, and the context of every socket */
    void *ctx, *results, *acks;
    reader_t *reader;        /* receives and decodes results on a second thread */
    int reader_stopped;      /* stopping: the results socket is read here again */
    int reader_idle;         /* the reader's last word: the socket was empty */
    int acks_dropping;       /* the last ACK found the queue full (warned once) */
    link_t *acks_link;
    link_t *results_link;    /* counts nothing: reports refused handshakes */
    char session[MESSAGE_SESSION_LEN + 1];
    int64_t last_hello;
    int64_t last_commit_ms;  /* clock_ms() of the last commit */
    int64_t index_retry_ms;  /* a failed write of waiting entries: not before then */
    size_t batch_max;
    int64_t batch_ms;
    batch_t batch;
    int64_t linger_until_us; /* a drained batch waits for more until then (group commit) */
    int64_t last_result_us;  /* when the last result was taken */
    int64_t gap_us;          /* the time between results, a moving average */
    uint64_t total_rows, total_dead, bad_messages;
    sink_figures_t fig;
} sink_t;

/* Group commit (--batch-ms 0). A commit costs about a millisecond
 * whatever it holds (FTS5 writes a new segment and merges, the WAL takes
 * the pages every row shares), so results that trickle in one at a time
 * at full rate, as web pages do from a few workers, would pay it once
 * each: 370 commits for 600 pages, 187 system calls a page. So once
 * the socket is drained, a batch waits for more until LINGER_FACTOR
 * times the last commit's duration has passed since it ended: commits
 * then take at most a twentieth of the sink's time (55-85 commits,
 * 137 system calls a page; the writer sleeps through the wait:
 * lingering()). The wait is only
 * worth it when more results are due within it: it is skipped unless
 * results have been coming at least two a wait (gap_us, a moving average
 * of the time between them), so a quiet feed's documents, one every
 * 20 ms or more, are committed at once as before; none waits more than
 * LINGER_MAX_US. */
#define LINGER_FACTOR 19
#define LINGER_MAX_US 20000

/* What writing a message did, when it earned no ACK. */
enum {
    WRITE_DROPPED = 0,   /* not written: the producer resends it */
    WRITE_FAULT = -1     /* the transaction failed: the batch is held (hold_batch) */
};

/* After a failed write: the disk's fault holds the whole batch; anything
 * else is the record's. */
static int write_failed(const sink_t *self)
{
    return store_fault(self->store) != STORE_FAULT_NONE ? WRITE_FAULT : WRITE_DROPPED;
}

static int write_result(sink_t *self, const message_t *msg, char **error)
{
    store_result_t r = store_put_document(self->store, msg->record, EXTRACT_VERSION, msg->attempt,
                                          msg->peer_key[0] ? msg->peer_key : NULL, error);
    if (r == STORE_NEW || r == STORE_UPDATED) {
        r == STORE_NEW ? self->batch.new_rows++ : self->batch.updated++;
        self->batch.text_bytes += msg->record->body ? strlen(msg->record->body) : 0;
        return r == STORE_NEW ? ACK_STORED : ACK_UPDATED;
    }
    if (r == STORE_NEW_SOURCE) {
        self->batch.new_sources_count++;
        return ACK_SOURCE;
    }
    if (r == STORE_UNCHANGED) {
        self->batch.unchanged++;
        return ACK_UNCHANGED;
    }
    if (write_failed(self) == WRITE_FAULT)
        return WRITE_FAULT;
    /* A record the database refuses is still not lost: it becomes a
     * dead letter carrying the database's reason. */
    diskfault_record_refused(self->fig.fault);
    buf_t why = BUF_INIT;
    buf_printf(&why, "cannot store record: %s", *error);
    free(*error);
    *error = NULL;
    log_error("cannot store record id=%.12s source=%s error=%s", msg->id,
              log_q(msg->source), log_q(why.data));
    r = store_put_dead_letter(self->store, msg->id, msg->source, why.data, msg->attempt, error);
    buf_free(&why);
    if (r == STORE_ERROR)
        return write_failed(self);
    self->batch.dead++;
    self->batch.dead_by_reason[REASON_DATABASE]++;
    return ACK_DEAD;
}

static int write_failure(sink_t *self, const message_t *msg, char **error)
{
    store_result_t r = store_put_dead_letter(self->store, msg->id, msg->source, msg->error,
                                             msg->attempt, error);
    if (r == STORE_ERROR)
        return write_failed(self);
    if (r == STORE_UNCHANGED)
        return ACK_UNCHANGED;   /* a late failure of a document already stored */
    self->batch.dead++;
    self->batch.dead_by_reason[reason_classify(msg->error)]++;
    log_warn("dead letter id=%.12s source=%s attempts=%u error=%s", msg->id,
             log_q(msg->source), msg->attempt, log_q(msg->error));
    return ACK_DEAD;
}

/* A SOURCES from the producer: more sources of a document it has seen
 * stored. Each is all or nothing by itself; one the database refuses is
 * not acknowledged, so the producer sends them all again. */
static int write_sources(sink_t *self, const message_t *msg, uint32_t *new_sources,
                         char **error)
{
    uint32_t fresh = 0;
    for (size_t i = 0; i < msg->source_count; i++) {
        store_result_t r = store_put_source(self->store, msg->id, msg->sources[i], error);
        if (r == STORE_ERROR)
            return write_failed(self);
        if (r == STORE_MISSING)
            log_warn("sources of a document not stored, not kept id=%.12s source=%s",
                     msg->id, log_q(msg->sources[i]));
        fresh += r == STORE_NEW_SOURCE;
    }
    *new_sources = fresh;
    self->batch.new_sources_count += fresh;
    self->batch.unchanged += msg->source_count - fresh;
    return fresh ? ACK_SOURCE : ACK_UNCHANGED;
}

/* Writes one message into the transaction, beginning one if need be.
 * Returns the ACK it earned, WRITE_DROPPED or WRITE_FAULT; a SOURCES'
 * count of new sources goes to *new_sources. WRITE_FAULT comes with the
 * store's reason in *why (malloc'd, for hold_batch; the caller frees it),
 * anything else with *why NULL. */
static int write_message(sink_t *self, const message_t *msg, uint32_t *new_sources, char **why)
{
    *new_sources = 0;
    *why = NULL;
    if (!self->batch.opened) {
        if (store_begin(self->store, why) != 0)
            return WRITE_FAULT;   /* whatever the cause: the batch waits, it is not the record's */
        self->batch.opened = clock_ms();
    }
    int status = msg->type == MSG_RESULT    ? write_result(self, msg, why)
                 : msg->type == MSG_SOURCES ? write_sources(self, msg, new_sources, why)
                                            : write_failure(self, msg, why);
    if (status == WRITE_DROPPED) {
        /* Not written, so not acknowledged: the producer will resend. */
        log_error("write failed, leaving it to be resent id=%.12s error=%s", msg->id,
                  log_q(*why));
    }
    if (status != WRITE_FAULT) {
        free(*why);
        *why = NULL;
    }
    return status;
}

/* The transaction failed, for the reason why (the failed call's): its
 * messages are kept to be written again when diskfault says so. The
 * fault is read before the ROLLBACK, whose own failure (nothing left to
 * roll back, after SQLite did it) would replace it; that failure's
 * reason is not wanted. */
static void hold_batch(sink_t *self, const char *why)
{
    diskfault_failed(self->fig.fault, store_fault(self->store), why,
                     self->batch.count, clock_ms());
    store_rollback(self->store, NULL);
    batch_restart(&self->batch);
}

/* A new result or failure into the transaction; the batch owns it. */
static void take_message(sink_t *self, message_t *msg)
{
    int64_t now = clock_us();
    if (self->last_result_us) {
        int64_t gap = now - self->last_result_us;
        self->gap_us = self->gap_us ? (self->gap_us * 3 + gap) / 4 : gap;
    }
    self->last_result_us = now;
    uint32_t new_sources;
    char *why;
    int status = write_message(self, msg, &new_sources, &why);
    if (status == WRITE_DROPPED) {
        message_destroy(&msg);
        return;
    }
    batch_add(&self->batch, msg, status, new_sources);
    if (status == WRITE_FAULT)
        hold_batch(self, why);
    free(why);
}

static void send_acks(sink_t *self)
{
    for (size_t i = 0; i < self->batch.count; i++) {
        message_t ack = { .type = MSG_ACK, .status = (ack_status_t)self->batch.acks[i] };
        memcpy(ack.id, self->batch.msgs[i]->id, sizeof ack.id);
        if (self->batch.msgs[i]->type == MSG_SOURCES) {
            ack.has_new_sources = 1;
            ack.new_sources = self->batch.new_sources[i];
        }
        /* A producer that is gone or not keeping up resends later; the
         * ACK it misses now costs one idempotent rewrite, never a row. */
        if (wire_send(self->acks, &ack, ZMQ_DONTWAIT) == 0) {
            self->acks_dropping = 0;
        } else if (!self->acks_dropping) {
            self->acks_dropping = 1;
            log_warn("acks not delivered, the producer will resend those documents id=%.12s "
                     "error=%s", ack.id, log_q(zmq_strerror(errno)));
        }
    }
}

static void commit_batch(sink_t *self)
{
    batch_t *b = &self->batch;
    if (!b->opened)
        return;
    int64_t started_us = clock_us();
    char *why = NULL;
    /* The batch's full-text entries may wait for the next batches' and
     * be written with them, as one segment (sink/store_fts.c): under load
     * batches are as small as results come. Once results stop, they are
     * written (index_if_quiet). Not a held batch's retry: it writes
     * everything, as its first attempt would have had to in time, so
     * that a disk with room for the rows alone does not take them while
     * it cannot take their index. */
    int rc = diskfault_active(self->fig.fault) ? store_commit(self->store, &why)
                                               : store_commit_deferred(self->store, &why);
    if (rc != 0) {
        hold_batch(self, why);
        free(why);
        return;
    }
    diskfault_cleared(self->fig.fault, clock_ms());
    self->last_commit_ms = clock_ms();
    send_acks(self);
    int64_t ended_us = clock_us(), commit_ms = (ended_us - started_us) / 1000;
    int64_t linger_us = (ended_us - started_us) * LINGER_FACTOR;
    if (linger_us > LINGER_MAX_US)
        linger_us = LINGER_MAX_US;
    self->linger_until_us = self->gap_us * 2 < linger_us ? ended_us + linger_us : 0;
    self->total_rows += b->new_rows + b->updated;
    self->total_dead += b->dead;
    figures_count(&self->fig, b, commit_ms);
    /* The status line tells operators the same every interval. */
    log_debug("committed batch messages=%zu stored=%llu updated=%llu new_sources=%llu "
              "unchanged=%llu dead=%llu commit_ms=%lld total_rows=%llu", b->count,
              (unsigned long long)b->new_rows, (unsigned long long)b->updated,
              (unsigned long long)b->new_sources_count, (unsigned long long)b->unchanged,
              (unsigned long long)b->dead, (long long)commit_ms,
              (unsigned long long)self->total_rows);
    batch_clear(b);
}

/* A connection that met a read-only file or an I/O error stays unable to
 * write even once the filesystem is fixed: the database is opened again
 * (the old connection holds no transaction, it was rolled back). The old
 * one is closed first, and a new one that can only read is not kept, so
 * that while the sink waits, its operator can unmount the filesystem,
 * repair it and mount it again: open files would keep it busy. Returns 0
 * with a connection that can write, else -1 with the fault counted and
 * self->store NULL. */
static int reopen_store(sink_t *self)
{
    store_close(&self->store);
    char *error = NULL;
    store_t *store = store_open(self->db, STORE_REOPEN, &error);
    if (!store) {
        /* SQLite's code is gone with the connection; a file that cannot
         * be opened is classed as store_fault() classes SQLITE_CANTOPEN. */
        diskfault_failed(self->fig.fault, STORE_FAULT_READONLY, error, self->batch.count,
                         clock_ms());
        free(error);
        return -1;
    }
    if (store_read_only(store)) {
        store_close(&store);
        diskfault_failed(self->fig.fault, STORE_FAULT_READONLY,
                         "opened read-only: the file or its filesystem does not allow writing",
                         self->batch.count, clock_ms());
        return -1;
    }
    self->store = store;
    return 0;
}

/* The held batch, written again from its messages in a new transaction
 * and committed; a record refused now for a reason of its own is
 * dead-lettered or dropped as on its first write. */
static void retry_batch(sink_t *self)
{
    if ((!self->store || diskfault_reopen(self->fig.fault) || store_read_only(self->store))
        && reopen_store(self) != 0)
        return;
    batch_t *b = &self->batch;
    /* Whatever a failed ROLLBACK left open would refuse every BEGIN;
     * with nothing open, this fails harmlessly. */
    store_rollback(self->store, NULL);
    char *why = NULL;
    if (store_begin(self->store, &why) != 0) {
        hold_batch(self, why);
        free(why);
        return;
    }
    b->opened = clock_ms();
    size_t kept = 0;
    for (size_t i = 0; i < b->count; i++) {
        uint32_t new_sources;
        int status = write_message(self, b->msgs[i], &new_sources, &why);
        if (status == WRITE_FAULT) {
            while (i < b->count)
                b->msgs[kept++] = b->msgs[i++];
            b->count = kept;
            hold_batch(self, why);
            free(why);
            return;
        }
        if (status == WRITE_DROPPED) {
            b->bytes -= batch_message_bytes(b->msgs[i]);
            message_destroy(&b->msgs[i]);
            continue;
        }
        b->msgs[kept] = b->msgs[i];
        b->new_sources[kept] = new_sources;
        b->acks[kept++] = status;
    }
    b->count = kept;
    commit_batch(self);
}

/* The next result the reader decoded; once it is stopped, what is left
 * in the socket, read here. */
static reader_status_t next_result(sink_t *self, message_t **msg, char **error)
{
    reader_status_t status = reader_take(self->reader, msg, error);
    if ((status != READER_NONE && status != READER_IDLE) || !self->reader_stopped)
        return status;
    wire_status_t w = wire_recv(self->results, ZMQ_DONTWAIT, msg, error);
    return w == WIRE_OK ? READER_MESSAGE : w == WIRE_BAD ? READER_BAD : READER_IDLE;
}

/* Reads what is waiting, up to a full batch. Returns 1 when nothing is
 * left waiting. */
static int on_results(sink_t *self)
{
    while (self->batch.count < self->batch_max && self->batch.bytes < BATCH_BYTES_MAX) {
        /* A held batch is written again before anything new is read. */
        if (diskfault_active(self->fig.fault))
            return 0;
        message_t *msg;
        char *error = NULL;
        reader_status_t status = next_result(self, &msg, &error);
        /* The reader found the socket empty; but items may have come in
         * since, behind its word: only its last word counts. */
        if (status == READER_IDLE) {
            self->reader_idle = 1;
            if (self->reader_stopped)
                return 1;
            continue;
        }
        if (status == READER_NONE)
            return self->reader_idle;   /* 1: nothing more waits, commit (--batch-ms 0) */
        self->reader_idle = 0;
        if (status == READER_BAD) {
            self->bad_messages++;
            metric_add(self->fig.bad_messages, NULL, 1);
            log_warn("bad message on results socket error=%s", log_q(error));
            free(error);
            continue;
        }
        /* A key revoked while its connection stays open is not heard. */
        int admitted = curve_admits(self->curve, msg, "results");
        if (admitted && (msg->type == MSG_RESULT || msg->type == MSG_FAILED
                         || msg->type == MSG_SOURCES)) {
            if (msg->has_extract_seconds)
                metric_observe(self->fig.extraction_seconds, msg->extract_seconds);
            take_message(self, msg);
            continue;
        }
        if (admitted)
            log_warn("unexpected message on results socket type=%s", message_type_name(msg->type));
        message_destroy(&msg);
    }
    return 0;
}

/* Full-text entries waiting for their group are written once results
 * have stopped coming for SINK_QUIET_MS (a feed gone quiet: a search then
 * finds everything committed), or when the oldest has waited
 * STORE_FTS_WAIT_MS. Under load the next batch comes well within it. */
#define SINK_QUIET_MS 10

static int64_t index_due_ms(const sink_t *self)
{
    /* (No store while a broken connection waits to be opened again: its
     * waiting entries are named in fts_pending, for the next open.) */
    int64_t since = store_waiting_since_ms(self->store);
    if (!since || self->batch.opened)
        return -1;
    int64_t quiet = self->last_commit_ms + SINK_QUIET_MS, aged = since + STORE_FTS_WAIT_MS;
    int64_t due = quiet < aged ? quiet : aged;
    return due > self->index_retry_ms ? due : self->index_retry_ms;
}

static void index_if_quiet(sink_t *self)
{
    int64_t due = index_due_ms(self);
    if (due < 0 || clock_ms() < due)
        return;
    char *why = NULL;
    /* A failure (a full disk, say) is tried again a second later, or
     * with the next batch, which then writes them and meets the fault
     * itself, held and retried as any batch. Nothing is lost meanwhile:
     * the rows are committed and named in fts_pending. */
    if (store_index_waiting(self->store, &why) != 0) {
        log_warn("full-text entries not written yet, they wait db=%s error=%s",
                 log_q(self->db), log_q(why));
        self->index_retry_ms = clock_ms() + 1000;
    }
    free(why);
}

/* Commit now: the batch is full; or nothing more is waiting (--batch-ms
 * 0: the reader's word, not a queue found empty for a moment while the
 * reader decodes the next result); or the batch has been open --batch-ms. */
static int commit_due(const sink_t *self, int drained)
{
    const batch_t *b = &self->batch;
    return b->opened && (b->count >= self->batch_max || b->bytes >= BATCH_BYTES_MAX
                         || (drained && self->batch_ms == 0 && clock_us() >= self->linger_until_us)
                         || (self->batch_ms > 0 && clock_ms() - b->opened >= self->batch_ms));
}

/* A drained batch waiting for more (group commit): results that come
 * meanwhile wait in the reader's queue, and are taken together when the
 * wait ends, rather than each waking this thread to add one row. */
static int lingering(const sink_t *self)
{
    return self->batch.opened && self->batch_ms == 0 && self->reader_idle
           && clock_us() < self->linger_until_us;
}

static void send_hello(sink_t *self)
{
    message_t hello = { .type = MSG_HELLO };
    memcpy(hello.session, self->session, sizeof hello.session);
    if (wire_send(self->acks, &hello, ZMQ_DONTWAIT) != 0)
        log_debug("hello not delivered error=%s", log_q(zmq_strerror(errno)));
    self->last_hello = clock_ms();
}

/* The heartbeat goes out only while the producer is connected, so a
 * missing producer does not find a queue of stale greetings later. */
static void say_hello(sink_t *self)
{
    if (link_check(self->acks_link, clock_ms())
        || (link_is_up(self->acks_link) && clock_ms() - self->last_hello >= HELLO_MS))
        send_hello(self);
}

static void tick(sink_t *self)
{
    int producer_up = link_is_up(self->acks_link);
    figures_ready(&self->fig, producer_up);
    double seconds = monitor_tick(self->fig.monitor, clock_ms());
    if (seconds > 0)
        figures_status(&self->fig, seconds, self->batch.opened ? NULL : self->store, producer_up,
                       self->bad_messages, self->batch.count);
}

static long poll_timeout(const sink_t *self)
{
    /* No producer connected: no HELLO is due, and a connection wakes the
     * poll through the link's monitor; still look round every HELLO_MS
     * for the link's warnings. (Counting from a stale last_hello would
     * make this 0, and the loop spin.) */
    int64_t wait = link_is_up(self->acks_link) ? self->last_hello + HELLO_MS - clock_ms()
                                               : HELLO_MS;
    if (monitor_wait_ms(self->fig.monitor, clock_ms()) < wait)
        wait = monitor_wait_ms(self->fig.monitor, clock_ms());
    /* --batch-ms 0: the reader's word that the socket is empty wakes the
     * poll, not a deadline (a deadline of 0 would make it spin while the
     * reader decodes the next result). */
    if (self->batch.opened && self->batch_ms > 0
        && self->batch.opened + self->batch_ms - clock_ms() < wait)
        wait = self->batch.opened + self->batch_ms - clock_ms();
    if (self->batch.opened && self->batch_ms == 0) {
        int64_t linger = (self->linger_until_us - clock_us() + 999) / 1000;
        if (linger > 0 && linger < wait)
            wait = linger;
    }
    int64_t due = index_due_ms(self);
    if (due >= 0 && due - clock_ms() < wait)
        wait = due - clock_ms();
    if (diskfault_active(self->fig.fault) && diskfault_wait_ms(self->fig.fault, clock_ms()) < wait)
        wait = diskfault_wait_ms(self->fig.fault, clock_ms());
    return wait < 0 ? 0 : (long)wait;
}

static int sink_run(sink_t *self)
{
    while (!signals_stop_requested()) {
        /* While a batch is held, results wait in the socket and the
         * workers: not polled, or the poll would never sleep. */
        int held = diskfault_active(self->fig.fault);
        zmq_pollitem_t items[3] = {
            { reader_socket(self->reader), 0, held || lingering(self) ? 0 : ZMQ_POLLIN, 0 },
        };
        /* The links only while down (proto/link.h). */
        int count = 1;
        if (link_polled(self->acks_link))
            items[count++] = (zmq_pollitem_t){ link_socket(self->acks_link), 0, ZMQ_POLLIN, 0 };
        if (link_polled(self->results_link))
            items[count++] = (zmq_pollitem_t){ link_socket(self->results_link), 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(items, count, poll_timeout(self)) < 0 && zmq_errno() != EINTR) {
            log_error("poll failed error=%s", log_q(zmq_strerror(zmq_errno())));
            return 1;
        }
        /* What the writer does between polls is its busy time. */
        int64_t started_us = clock_us();
        if (held) {
            if (diskfault_wait_ms(self->fig.fault, clock_ms()) == 0)
                retry_batch(self);
        } else {
            int drained = on_results(self);
            if (commit_due(self, drained))
                commit_batch(self);
            else
                index_if_quiet(self);
        }
        figures_busy(&self->fig, clock_us() - started_us);
        say_hello(self);
        tick(self);
        link_check(self->results_link, clock_ms());
        curve_tick(self->curve);
        metric_set(self->fig.refused, NULL, (double)curve_refused_count(self->curve));
    }
    /* Drain what already arrived, then commit it: a clean stop loses no
     * work that reached us. A held batch gets one more try; if the disk
     * still refuses it, it is not acknowledged, and the producer sends it
     * again to the next sink. */
    reader_stop(self->reader);
    self->reader_stopped = 1;
    if (diskfault_active(self->fig.fault)) {
        retry_batch(self);
    } else {
        on_results(self);
        commit_batch(self);
    }
    if (diskfault_active(self->fig.fault) && self->batch.count > 0)
        log_error("stopping with results the database did not take, the producer will send "
                  "them again path=%s held=%zu reason=%s", log_q(self->db), self->batch.count,
                  diskfault_state(self->fig.fault));
    return 0;
}

static int sink_connect(sink_t *self, const char *results, const char *acks,
                        const char *producer_cert)
{
    self->ctx = curve_context(self->curve);
    self->results = zmq_socket(self->ctx, ZMQ_PULL);
    self->acks = zmq_socket(self->ctx, ZMQ_PUSH);
    wire_configure(self->results, 0, (long long)MESSAGE_MAX_BODY * 2);
    /* A small queue: results wait in the workers, which then stop asking
     * for work, rather than pile up here while a commit is slow. */
    int hwm = 100;
    zmq_setsockopt(self->results, ZMQ_RCVHWM, &hwm, sizeof hwm);
    wire_configure(self->acks, 1000, -1);
    hwm = WIRE_ACK_HWM;
    zmq_setsockopt(self->acks, ZMQ_SNDHWM, &hwm, sizeof hwm);
    /* Watched before it binds, so no refused handshake goes unsaid. */
    self->results_link = link_new(self->ctx, self->results, results, NULL, NULL);
    link_on_refused(self->results_link, curve_refused, self->curve);
    if (curve_server(self->curve, self->results, results) != 0
        || curve_client(self->curve, self->acks, acks, producer_cert) != 0)
        return -1;
    if (zmq_bind(self->results, results) != 0) {
        log_error("cannot bind endpoint=%s error=%s", log_q(results),
                  log_q(zmq_strerror(zmq_errno())));
        return -1;
    }
    self->acks_link = link_new(self->ctx, self->acks, acks, "producer's acks endpoint",
                               "is the producer running, and does --acks name the address "
                               "it binds? Rows are committed but the producer is not told, "
                               "so it will send them again");
    if (zmq_connect(self->acks, acks) != 0) {
        log_error("cannot connect endpoint=%s error=%s", log_q(acks),
                  log_q(zmq_strerror(zmq_errno())));
        return -1;
    }
    return 0;
}

static void sink_close(sink_t *self)
{
    reader_destroy(&self->reader);   /* before the results socket closes */
    link_destroy(&self->acks_link);
    link_destroy(&self->results_link);
    if (self->results)
        zmq_close(self->results);
    if (self->acks)
        zmq_close(self->acks);
    curve_destroy(&self->curve);
    batch_free(&self->batch);
    store_close(&self->store);
    figures_destroy(&self->fig);
}

int sink_main(int argc, char **argv)
{
    sink_options_t opt;
    sink_options_init(&opt);
    int rc = args_start(&sink_command, &opt, argc, argv);
    if (rc >= 0)
        return rc;
    const curve_peer_t peers[] = {
        { .endpoint = opt.results },
        { .endpoint = opt.acks, .server_cert = opt.producer_cert, .option = "--producer-cert" },
    };
    curve_t *curve = curve_open("sink", opt.cert, opt.allow, opt.insecure, peers, 2);
    if (!curve)
        return 2;
    sink_t self = { .curve = curve, .db = opt.db, .batch_max = opt.batch_max,
                    .batch_ms = opt.batch_ms };
    /* A new session per start: 128 random bits, as hex. */
    unsigned char random[MESSAGE_SESSION_LEN / 2];
    if (sodium_init() < 0) {
        log_error("cannot initialise libsodium");
        curve_destroy(&self.curve);
        return 1;
    }
    randombytes_buf(random, sizeof random);
    sodium_bin2hex(self.session, sizeof self.session, random, sizeof random);
    figures_init(&self.fig, &opt.monitor, opt.db);
    char *error = NULL;
    self.store = store_open(opt.db, STORE_READWRITE, &error);
    if (!self.store) {
        log_error("cannot open database path=%s error=%s", log_q(opt.db), log_q(error));
        free(error);
        figures_destroy(&self.fig);
        curve_destroy(&self.curve);
        return 1;
    }
    /* A database SQLite could open only for reading (a read-only file or
     * filesystem) is a fault like any other: said, not ready, and tried
     * again until it can be written. */
    if (store_read_only(self.store))
        diskfault_failed(self.fig.fault, STORE_FAULT_READONLY,
                         "opened read-only: the file or its filesystem does not allow writing",
                         0, clock_ms());
    rc = 1;
    if (figures_load(&self.fig, self.store) == 0
        && sink_connect(&self, opt.results, opt.acks, opt.producer_cert) == 0
        && monitor_start(self.fig.monitor) == 0
        && (self.reader = reader_new(self.ctx, self.results)) != NULL) {
        log_info("started db=%s results=%s acks=%s", log_q(opt.db), log_q(opt.results),
                 log_q(opt.acks));
        rc = sink_run(&self);
        log_info("stopped rows=%llu dead=%llu bad_messages=%llu writer_busy_s=%.3f",
                 (unsigned long long)self.total_rows, (unsigned long long)self.total_dead,
                 (unsigned long long)self.bad_messages, self.fig.busy_us_total / 1e6);
    }
    sink_close(&self);
    return rc;
}
