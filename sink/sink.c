/* sink: the single writer of the SQLite database.
 *
 *   workers, producer ──RESULT/FAILED──> PULL "results" ──> store (batched)
 *                                        PUSH ──ACK──> producer "acks"
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
 * (at most --batch rows): the batch grows with the load by itself.
 * --batch-ms MS instead holds a transaction open up to MS after its
 * first row. ACKs go out only after COMMIT returns: an ACK
 * means the row is on disk. A crash before that loses nothing, because
 * the producer resends whatever was not acknowledged and the upsert on
 * the content id makes the second write a no-op.
 *
 * On the acks socket the sink also says HELLO, with a session id new at
 * every start, as soon as it reaches the producer and every second: a
 * producer that sees a new session knows the sink restarted, and that
 * results it had received but not committed died with it, and resends
 * them at once instead of after --retry-after. A producer the sink cannot
 * reach is reported, since rows are then committed but never
 * acknowledged. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <zmq.h>

#include "cli/commands.h"
#include "common/args.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"
#include "extract/extract.h"
#include "proto/curve.h"
#include "proto/endpoints.h"
#include "proto/link.h"
#include "proto/wire.h"
#include "sink/store.h"

typedef struct ack {
    char id[DOC_ID_LEN + 1];
    ack_status_t status;
} ack_t;

typedef struct batch {
    ack_t *acks;
    size_t count;
    int64_t opened;          /* clock_ms() of the first write; 0 = no transaction */
    uint64_t new_rows, updated, unchanged, dead;
} batch_t;

enum { HELLO_MS = 1000 };

typedef struct sink {
    store_t *store;
    curve_t *curve;          /* CurveZMQ, and the context of every socket */
    void *ctx, *results, *acks;
    link_t *acks_link;
    link_t *results_link;    /* counts nothing: reports refused handshakes */
    char session[MESSAGE_SESSION_LEN + 1];
    int64_t last_hello;
    size_t batch_max;
    int64_t batch_ms;
    batch_t batch;
    uint64_t total_rows, total_dead, bad_messages;
} sink_t;

static ack_status_t write_result(sink_t *self, const message_t *msg)
{
    store_result_t r = store_put_document(self->store, msg->record, EXTRACT_VERSION, msg->attempt,
                                          msg->peer_key[0] ? msg->peer_key : NULL);
    if (r == STORE_NEW || r == STORE_UPDATED) {
        r == STORE_NEW ? self->batch.new_rows++ : self->batch.updated++;
        return ACK_STORED;
    }
    if (r == STORE_UNCHANGED) {
        self->batch.unchanged++;
        return ACK_UNCHANGED;
    }
    /* A record the database refuses is still not lost: it becomes a
     * dead letter carrying the database's reason. */
    buf_t why = BUF_INIT;
    buf_printf(&why, "cannot store record: %s", store_error(self->store));
    log_error("cannot store record id=%.12s source=%s error=%s", msg->id,
              log_q(msg->source), log_q(why.data));
    r = store_put_dead_letter(self->store, msg->id, msg->source, why.data, msg->attempt);
    buf_free(&why);
    if (r == STORE_ERROR)
        return 0;
    self->batch.dead++;
    return ACK_DEAD;
}

static ack_status_t write_failure(sink_t *self, const message_t *msg)
{
    store_result_t r = store_put_dead_letter(self->store, msg->id, msg->source, msg->error,
                                             msg->attempt);
    if (r == STORE_ERROR)
        return 0;
    if (r == STORE_UNCHANGED)
        return ACK_UNCHANGED;   /* a late failure of a document already stored */
    self->batch.dead++;
    log_warn("dead letter id=%.12s source=%s attempts=%u error=%s", msg->id,
             log_q(msg->source), msg->attempt, log_q(msg->error));
    return ACK_DEAD;
}

static void write_message(sink_t *self, const message_t *msg)
{
    if (!self->batch.opened) {
        if (store_begin(self->store) != 0) {
            log_error("cannot begin transaction error=%s", log_q(store_error(self->store)));
            return;
        }
        self->batch.opened = clock_ms();
    }
    ack_status_t status = msg->type == MSG_RESULT ? write_result(self, msg)
                                                  : write_failure(self, msg);
    if (!status) {
        /* Not written, so not acknowledged: the producer will resend. */
        log_error("write failed, leaving it to be resent id=%.12s error=%s", msg->id,
                  log_q(store_error(self->store)));
        return;
    }
    batch_t *b = &self->batch;
    b->acks = xrealloc(b->acks, (b->count + 1) * sizeof(ack_t));
    memcpy(b->acks[b->count].id, msg->id, sizeof msg->id);
    b->acks[b->count++].status = status;
}

static void send_acks(sink_t *self)
{
    for (size_t i = 0; i < self->batch.count; i++) {
        message_t ack = { .type = MSG_ACK, .status = self->batch.acks[i].status };
        memcpy(ack.id, self->batch.acks[i].id, sizeof ack.id);
        /* A producer that is gone or not keeping up resends later; the
         * ACK it misses now costs one idempotent rewrite, never a row. */
        if (wire_send(self->acks, &ack, ZMQ_DONTWAIT) != 0)
            log_debug("ack not delivered id=%.12s error=%s", ack.id, log_q(zmq_strerror(errno)));
    }
}

static void commit_batch(sink_t *self)
{
    batch_t *b = &self->batch;
    if (!b->opened)
        return;
    int64_t started = clock_ms();
    if (store_commit(self->store) != 0) {
        log_error("commit failed, batch will be resent rows=%zu error=%s", b->count,
                  log_q(store_error(self->store)));
        store_rollback(self->store);
    } else {
        send_acks(self);
        self->total_rows += b->new_rows + b->updated;
        self->total_dead += b->dead;
        log_info("committed batch rows=%zu new=%llu updated=%llu unchanged=%llu dead=%llu "
                 "commit_ms=%lld total_rows=%llu", b->count, (unsigned long long)b->new_rows,
                 (unsigned long long)b->updated, (unsigned long long)b->unchanged,
                 (unsigned long long)b->dead, (long long)(clock_ms() - started),
                 (unsigned long long)self->total_rows);
    }
    free(b->acks);
    *b = (batch_t){ 0 };
}

/* Reads what is waiting, up to a full batch. Returns 1 when nothing is
 * left waiting. */
static int on_results(sink_t *self)
{
    while (self->batch.count < self->batch_max) {
        message_t *msg;
        char error[256];
        wire_status_t status = wire_recv(self->results, ZMQ_DONTWAIT, &msg, error, sizeof error);
        if (status == WIRE_AGAIN || status == WIRE_FAILED)
            return 1;
        if (status == WIRE_BAD) {
            self->bad_messages++;
            log_warn("bad message on results socket error=%s", log_q(error));
            continue;
        }
        /* A key revoked while its connection stays open is not heard. */
        int admitted = curve_admits(self->curve, msg, "results");
        if (admitted && (msg->type == MSG_RESULT || msg->type == MSG_FAILED))
            write_message(self, msg);
        else if (admitted)
            log_warn("unexpected message on results socket type=%s", message_type_name(msg->type));
        message_destroy(&msg);
    }
    return 0;
}

/* Commit now: the batch is full, nothing more is waiting (--batch-ms 0),
 * or the batch has been open --batch-ms. */
static int commit_due(const sink_t *self, int drained)
{
    const batch_t *b = &self->batch;
    return b->opened && (b->count >= self->batch_max || (drained && self->batch_ms == 0)
                         || clock_ms() - b->opened >= self->batch_ms);
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
    if (link_on_event(self->acks_link)
        || (link_is_up(self->acks_link) && clock_ms() - self->last_hello >= HELLO_MS))
        send_hello(self);
    link_tick(self->acks_link, clock_ms());
}

static long poll_timeout(const sink_t *self)
{
    /* No producer connected: no HELLO is due, and a connection wakes the
     * poll through the link's monitor; still look round every HELLO_MS
     * for the link's warnings. (Counting from a stale last_hello would
     * make this 0, and the loop spin.) */
    int64_t wait = link_is_up(self->acks_link) ? self->last_hello + HELLO_MS - clock_ms()
                                               : HELLO_MS;
    if (self->batch.opened && self->batch.opened + self->batch_ms - clock_ms() < wait)
        wait = self->batch.opened + self->batch_ms - clock_ms();
    return wait < 0 ? 0 : (long)wait;
}

static int sink_run(sink_t *self)
{
    while (!signals_stop_requested()) {
        zmq_pollitem_t items[] = {
            { self->results, 0, ZMQ_POLLIN, 0 },
            { link_socket(self->acks_link), 0, ZMQ_POLLIN, 0 },
            { link_socket(self->results_link), 0, ZMQ_POLLIN, 0 },
        };
        if (zmq_poll(items, 3, poll_timeout(self)) < 0 && zmq_errno() != EINTR) {
            log_error("poll failed error=%s", log_q(zmq_strerror(zmq_errno())));
            return 1;
        }
        int drained = on_results(self);
        if (commit_due(self, drained))
            commit_batch(self);
        say_hello(self);
        link_on_event(self->results_link);
        curve_tick(self->curve);
    }
    /* Drain what already arrived, then commit it: a clean stop loses no
     * work that reached us. */
    on_results(self);
    commit_batch(self);
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
    link_destroy(&self->acks_link);
    link_destroy(&self->results_link);
    if (self->results)
        zmq_close(self->results);
    if (self->acks)
        zmq_close(self->acks);
    curve_destroy(&self->curve);
    store_close(&self->store);
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: feedmill sink [OPTIONS]\n"
        "\n"
        "Receives records from workers and writes them to a SQLite database,\n"
        "acknowledging each to the producer once committed.\n"
        "\n"
        "  --db FILE           database to create or update (default feedmill.db)\n"
        "  --results ENDPOINT  bind for workers' results (default %s)\n"
        "  --acks ENDPOINT     the producer's acks endpoint (default %s)\n"
        "  --batch N           commit after N rows (default 500)\n"
        "  --batch-ms MS       hold a transaction open up to MS after its first row to\n"
        "                      gather more (default 0: commit as soon as no more results\n"
        "                      are waiting; under load batches grow by themselves)\n"
        "  --cert FILE         the sink's secret certificate (`feedmill keygen`); needed\n"
        "                      for tcp:// endpoints, which use CurveZMQ\n"
        "  --allow DIR         public certificates of the peers allowed to send results\n"
        "                      (workers, the producer); re-read when it changes, so\n"
        "                      removing a file revokes that key without a restart\n"
        "  --producer-cert FILE  the producer's public certificate (tcp:// --acks)\n"
        "  --insecure          plain TCP without CurveZMQ: anyone who reaches the\n"
        "                      ports can read and forge messages (logged as a warning)\n"
        "  -h, --help          this help\n",
        ENDPOINT_RESULTS_BIND, ENDPOINT_ACKS_CONNECT);
}

int sink_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, 0, 'd' },
        { "results", required_argument, 0, 'r' },
        { "acks", required_argument, 0, 'a' },
        { "batch", required_argument, 0, 'b' },
        { "batch-ms", required_argument, 0, 'm' },
        { "cert", required_argument, 0, 'C' },
        { "allow", required_argument, 0, 'A' },
        { "producer-cert", required_argument, 0, 'P' },
        { "insecure", no_argument, 0, 'I' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *db = "feedmill.db", *results = ENDPOINT_RESULTS_BIND, *acks = ENDPOINT_ACKS_CONNECT;
    long batch = 500, batch_ms = 0;
    const char *cert = NULL, *allow = NULL, *producer_cert = NULL;
    int insecure = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'r': results = optarg; break;
        case 'a': acks = optarg; break;
        case 'b':
            if (args_count("sink", "--batch", optarg, 1, 100000, &batch))
                return 2;
            break;
        case 'm':
            if (args_count("sink", "--batch-ms", optarg, 0, 60000, &batch_ms))
                return 2;
            break;
        case 'C': cert = optarg; break;
        case 'A': allow = optarg; break;
        case 'P': producer_cert = optarg; break;
        case 'I': insecure = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    log_init("sink");
    signals_install();
    char *error = NULL;
    curve_t *curve = curve_new("sink", cert, allow, insecure, &error);
    if (curve && (curve_check(curve, results, NULL, NULL, &error) != 0
                  || curve_check(curve, acks, producer_cert, "--producer-cert", &error) != 0))
        curve_destroy(&curve);
    if (!curve) {
        fprintf(stderr, "feedmill sink: %s\n", error);
        free(error);
        return 2;
    }
    sink_t self = { .curve = curve, .batch_max = (size_t)batch, .batch_ms = batch_ms };
    /* A new session per start: 128 random bits, as hex. */
    unsigned char random[MESSAGE_SESSION_LEN / 2];
    if (sodium_init() < 0) {
        log_error("cannot initialise libsodium");
        curve_destroy(&self.curve);
        return 1;
    }
    randombytes_buf(random, sizeof random);
    sodium_bin2hex(self.session, sizeof self.session, random, sizeof random);
    self.store = store_open(db, STORE_READWRITE, &error);
    if (!self.store) {
        log_error("cannot open database path=%s error=%s", log_q(db), log_q(error));
        free(error);
        curve_destroy(&self.curve);
        return 1;
    }
    int rc = 1;
    if (sink_connect(&self, results, acks, producer_cert) == 0) {
        log_info("started db=%s results=%s acks=%s", log_q(db), log_q(results), log_q(acks));
        rc = sink_run(&self);
        log_info("stopped rows=%llu dead=%llu bad_messages=%llu",
                 (unsigned long long)self.total_rows, (unsigned long long)self.total_dead,
                 (unsigned long long)self.bad_messages);
    }
    sink_close(&self);
    return rc;
}
