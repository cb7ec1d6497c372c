/* worker: turns raw documents into records.
 *
 *   producer ROUTER "work" <──READY── DEALER ──> extract ──PUSH──> sink "results"
 *                          ──DOC───>
 *
 * Both sockets connect; over tcp:// they are CurveZMQ clients
 * (proto/curve.h) holding our --cert and naming the servers' public
 * certificates (--producer-cert, --sink-cert), so documents travel
 * encrypted and only to and from the real producer and sink.
 *
 * Each extraction runs in a sandboxed child process (workers/sandbox.h)
 * with a time limit: one long-lived child serves document after document
 * (the next one already waiting in its pipe, as they arrive: the DOC's
 * bytes as received, decoded by the child) and is replaced when it
 * crashes, outruns the limit or grows too big; a crash or a timeout is
 * charged to the document the child was on, the one behind it goes to
 * the next child uncharged. A document the extractor refuses goes to the sink as
 * FAILED (a dead letter); one that crashes the extractor or outruns the
 * limit is reported to the producer as a failed attempt (FAILED on the
 * work socket), which retries it up to its --max-attempts. Either way the
 * worker carries on.
 *
 * The worker asks for --credit documents up front and for more each time
 * it has finished half of them, so it never holds more than it can
 * process, and the producer deals it several at once: one wake-up of each
 * side for half a credit of documents, not one a document. Every DOC
 * ends as a RESULT or a FAILED with the reason: a document the extractor
 * refuses is a dead letter, never a silent drop. When the sink is slow,
 * the PUSH queue fills, the send blocks, the worker stops asking for work,
 * and the producer stops reading: backpressure all the way to the disk.
 *
 * If the producer restarts it has forgotten our credit; the link (the
 * socket monitor, proto/link.h) sees the reconnection and we announce
 * our room again. A producer or sink that cannot be reached is reported
 * within seconds, naming the endpoint, and again while it lasts. The
 * command line is workers/options.h's. */
#include "workers/worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "common/args.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"
#include "common/text.h"
#include "extract/extract.h"
#include "proto/curve.h"
#include "proto/link.h"
#include "proto/wire.h"
#include "workers/options.h"
#include "workers/sandbox.h"

enum { HEARTBEAT_MS = 1000 };

/* The extraction child is replaced once its resident memory passes this
 * after a document (a parser's leak or fragmentation never accumulates). */
#define CHILD_MAX_RSS ((size_t)1 << 30)

/* A DOC handed to the extraction child: its bytes as they came (the
 * child decodes them itself) and what we decoded of them, to name it. */
typedef struct job {
    zmq_msg_t frame;
    message_t *doc;
} job_t;

typedef struct worker {
    curve_t *curve;            /* CurveZMQ, and the context of every socket */
    void *ctx, *work, *results;
    link_t *work_link, *results_link;
    uint32_t credit;           /* capacity: documents it may hold at once */
    uint32_t held;             /* received and not finished */
    uint64_t received;         /* messages received on the work socket */
    uint64_t ready_received;   /* received when the last READY went out */
    uint64_t finished;         /* documents done with: answered, refused or failed */
    uint64_t ready_finished;   /* finished when the last READY went out */
    int64_t last_ready;
    int64_t time_limit_ms;
    uint64_t done, failed;
    sandbox_t *sandbox;        /* the extraction child */
    job_t jobs[SANDBOX_DEPTH]; /* in the child's pipe, oldest (jobs[first]) first */
    unsigned first, count;
    int pass_through;          /* --pass-through: no extraction (benchmarks) */
} worker_t;

/* READY states where we stand, not a delta (proto/README.md), so it is
 * safe to repeat: after every half credit of documents, on (re)connection,
 * and every second as the heartbeat that tells the producer we are alive. */
static void send_ready(worker_t *self)
{
    message_t ready = { .type = MSG_READY, .credit = self->credit - self->held,
                        .received = self->received };
    wire_send(self->work, &ready, ZMQ_DONTWAIT);
    self->last_ready = clock_ms();
    self->ready_received = self->received;
    self->ready_finished = self->finished;
}

/* READY again once half a credit of documents came in or went out since
 * the last one. Going out is what makes room: a worker whose credit the
 * extraction child's queue holds whole (--credit up to SANDBOX_DEPTH)
 * receives nothing more until it says so, and waited for its heartbeat,
 * a document a second at --credit 1. Coming in lets the producer count
 * the DOCs still on the wire as arrived. */
static void ready_if_due(worker_t *self)
{
    uint64_t half = (self->credit + 1) / 2;
    if (self->received - self->ready_received >= half
        || self->finished - self->ready_finished >= half)
        send_ready(self);
}

static void send_heartbeat(worker_t *self)
{
    if (clock_ms() - self->last_ready >= HEARTBEAT_MS)
        send_ready(self);
}

/* While the extraction child works: the heartbeat, and a stop request
 * ends the wait (the child is killed; what this worker held goes to
 * another worker as soon as the producer sees it leave, uncharged).
 * Without it a worker stopped during a long extraction waited out the
 * whole --time-limit. */
static int while_extracting(void *ctx)
{
    send_heartbeat(ctx);
    return signals_stop_requested();
}

/* Sends to the sink, waiting as long as the sink needs (backpressure) but
 * still answering a stop request. Returns 0 when sent. */
static int send_result(worker_t *self, const buf_t *encoded)
{
    while (!signals_stop_requested()) {
        if (wire_send_encoded(self->results, encoded->data, encoded->len, 0) == 0)
            return 0;
        int error = errno;
        if (error != EAGAIN && error != EINTR) {
            log_error("cannot send to sink error=%s", log_q(zmq_strerror(error)));
            return -1;
        }
        /* Waiting on a slow sink is not being dead. */
        send_heartbeat(self);
    }
    return -1;
}

/* What the sender knew (a JSON-lines feed's title, date, author, lang)
 * fills what the document itself did not yield; the document wins. */
static void apply_hints(record_t *record, const doc_hints_t *hints)
{
    if (!record->title && hints->title)
        record->title = xstrdup(hints->title);
    if (!record->published && hints->published)
        record->published = xstrdup(hints->published);
    if (!record->author && hints->author)
        record->author = xstrdup(hints->author);
    if ((!record->lang || !strcmp(record->lang, "und")) && hints->lang) {
        free(record->lang);
        record->lang = xstrdup(hints->lang);
    }
}

/* Runs in the sandbox child: the DOC, encoded as on the wire, in;
 * extraction; the encoded RESULT or FAILED out. */
static void extract_to_message(void *ctx, const uint8_t *request, size_t request_len, buf_t *out)
{
    (void)ctx;
    /* The page's bytes are read where they lie in the request. */
    message_t *doc = message_decode_view(request, request_len, NULL);
    if (!doc)
        return;   /* cannot happen: the worker encoded it; an empty answer is refused */
    char *error = NULL;
    struct timespec started, ended;
    clock_gettime(CLOCK_MONOTONIC, &started);
    record_t *record = extract_document_id(doc->source, doc->body, doc->body_len, doc->id,
                                           &error);
    clock_gettime(CLOCK_MONOTONIC, &ended);
    message_t answer = { 0 };
    answer.has_extract_seconds = 1;   /* the sink's feedmill_sink_extraction_seconds */
    answer.extract_seconds = (double)(ended.tv_sec - started.tv_sec)
                           + (ended.tv_nsec - started.tv_nsec) / 1e9;
    memcpy(answer.id, doc->id, sizeof answer.id);
    answer.source = doc->source;
    answer.attempt = doc->attempt;
    if (record) {
        /* The producer's id is authoritative: it named the document on
         * the wire, and the ACK must match it. */
        memcpy(record->id, doc->id, sizeof record->id);
        apply_hints(record, &doc->hints);
        answer.type = MSG_RESULT;
        answer.record = record;
    } else {
        answer.type = MSG_FAILED;
        answer.error = error;
    }
    uint8_t *data;
    size_t len;
    if (message_encode(&answer, &data, &len) == 0) {
        buf_append(out, data, len);
        free(data);
    }
    record_destroy(&record);
    free(error);
    message_destroy(&doc);
}

/* A crash or a timeout may be the machine's fault as much as the
 * document's: the producer decides, retrying up to its --max-attempts. */
static void report_failed_attempt(worker_t *self, const message_t *doc, const char *why)
{
    message_t failed = { .type = MSG_FAILED, .source = doc->source, .attempt = doc->attempt };
    memcpy(failed.id, doc->id, sizeof failed.id);
    buf_t error = BUF_INIT;
    buf_printf(&error, "extraction %s", why);
    failed.error = error.data;
    log_error("extraction failed id=%.12s source=%s attempt=%u reason=%s", doc->id,
              log_q(doc->source), doc->attempt, log_q(why));
    wire_send(self->work, &failed, ZMQ_DONTWAIT);
    buf_free(&error);
}

/* What became of a DOC the child had: a RESULT or FAILED for the sink,
 * or a failed attempt for the producer. */
static void finish(worker_t *self, const message_t *doc, sandbox_status_t status,
                   const buf_t *answer, const char *reason)
{
    if (status == SANDBOX_STOPPED) {
        /* Not the document's fault: no failed attempt is charged. */
        log_info("stopping during an extraction id=%.12s source=%s", doc->id, log_q(doc->source));
        return;
    }
    self->finished++;
    /* The answer goes to the sink as it is, and the sink reads and
     * checks all of it: here only what it is, and for which document.
     * Its record is not read (UTF-8 checks of every string, a malloc
     * for each): over 6000 texts the workers' CPU, children included,
     * fell 8-15% without that second reading. */
    message_t *decoded = status == SANDBOX_DONE
                             ? message_decode_outline((const uint8_t *)answer->data,
                                                      answer->len, NULL)
                             : NULL;
    if (decoded && ((decoded->type != MSG_RESULT && decoded->type != MSG_FAILED)
                    || strcmp(decoded->id, doc->id) != 0))
        message_destroy(&decoded);
    if (!decoded) {
        report_failed_attempt(self, doc, reason ? reason : "produced no valid answer");
        self->failed++;
        return;
    }
    if (decoded->type == MSG_FAILED)
        log_warn("document refused id=%.12s source=%s error=%s", doc->id,
                 log_q(doc->source), log_q(decoded->error));
    decoded->type == MSG_RESULT ? self->done++ : self->failed++;
    if (send_result(self, answer) == 0)
        log_debug("document done id=%.12s source=%s", doc->id, log_q(doc->source));
    message_destroy(&decoded);
}

static void job_clear(job_t *job)
{
    message_destroy(&job->doc);
    zmq_msg_close(&job->frame);
}

/* The DOC's bytes go to the child as they came: it decodes them itself,
 * so they are neither encoded again here nor copied. They stay in the
 * job's frame until the answer is taken (sandbox_send). */
static void start_job(worker_t *self, job_t *job, message_t *doc)
{
    job->doc = doc;
    char *reason = NULL;
    if (sandbox_send(self->sandbox, zmq_msg_data(&job->frame), zmq_msg_size(&job->frame),
                     &reason) != 0) {
        finish(self, doc, SANDBOX_FAILED, NULL, reason);
        free(reason);
        job_clear(job);
        return;
    }
    self->count++;
    self->held = self->count;
}

/* Waits for the oldest job's answer and sends it on. */
static void finish_oldest(worker_t *self)
{
    job_t *job = &self->jobs[self->first];
    buf_t answer = BUF_INIT;
    char *reason = NULL;
    sandbox_status_t status = sandbox_take(self->sandbox, self->time_limit_ms, while_extracting,
                                           self, &answer, &reason);
    self->first = (self->first + 1) % SANDBOX_DEPTH;
    self->count--;
    self->held = self->count;
    finish(self, job->doc, status, &answer, reason);
    job_clear(job);
    buf_free(&answer);
    free(reason);
}

/* --pass-through: the raw text is the record, in the worker's own
 * process. `make bench` measures the pipeline without extraction with it:
 * what transport, the producer and the sink cost alone. */
static void pass_through(worker_t *self, const message_t *doc)
{
    message_t answer = { .source = doc->source, .attempt = doc->attempt };
    memcpy(answer.id, doc->id, sizeof answer.id);
    record_t *record = NULL;
    if (doc->body_len && !text_utf8_problem((const char *)doc->body, doc->body_len)) {
        record = record_new();
        memcpy(record->id, doc->id, sizeof record->id);
        record->kind = xstrdup("text");
        record->body = xstrndup((const char *)doc->body, doc->body_len);
        answer.type = MSG_RESULT;
        answer.record = record;
    } else {
        answer.type = MSG_FAILED;
        answer.error = (char *)"empty or not UTF-8 (--pass-through takes UTF-8 text only)";
    }
    uint8_t *data;
    size_t len;
    if (message_encode(&answer, &data, &len) == 0) {
        buf_t encoded = { (char *)data, len, len };
        if (send_result(self, &encoded) == 0)
            answer.type == MSG_RESULT ? self->done++ : self->failed++;
        free(data);
    }
    self->finished++;
    record_destroy(&record);
}

/* Takes one message from the work socket: a DOC joins the child's
 * pipe, anything else is dealt with here. Returns 0 when there was
 * nothing to read. */
static int on_work(worker_t *self)
{
    job_t *job = &self->jobs[(self->first + self->count) % SANDBOX_DEPTH];
    message_t *msg;
    char *error = NULL;
    wire_status_t status = wire_recv_frame(self->work, ZMQ_DONTWAIT, &job->frame, &msg, &error);
    if (status == WIRE_AGAIN || status == WIRE_FAILED)
        return 0;
    /* Whatever arrived was counted as sent by the producer. */
    self->received++;
    if (status == WIRE_OK && msg->type == MSG_DOC && !self->pass_through) {
        log_debug("document taken id=%.12s source=%s attempt=%u", msg->id, log_q(msg->source),
                  msg->attempt);
        start_job(self, job, msg);
    } else {
        if (status == WIRE_BAD)
            log_warn("bad message on work socket error=%s", log_q(error));
        else if (msg->type != MSG_DOC)
            log_warn("unexpected message on work socket type=%s", message_type_name(msg->type));
        else
            pass_through(self, msg);
        message_destroy(&msg);   /* before its frame: a DOC's body lies in it */
        if (status == WIRE_OK)
            zmq_msg_close(&job->frame);
    }
    free(error);
    ready_if_due(self);
    return 1;
}

/* Every DOC already queued, one after the other, SANDBOX_DEPTH of them
 * in the child's pipe while it works (a poll a document would cost more
 * system calls than the document): the child finds the next one there
 * when it finishes one. A step takes a message in or an answer out; at
 * most 2 x credit steps, then the links get a look. */
static void work(worker_t *self)
{
    for (uint32_t i = 0; i < 2 * self->credit && !signals_stop_requested(); i++) {
        if (!(self->count < SANDBOX_DEPTH && on_work(self))) {
            if (self->count == 0)
                return;
            finish_oldest(self);
            ready_if_due(self);
        }
        send_heartbeat(self);
    }
}

static int worker_run(worker_t *self)
{
    while (!signals_stop_requested()) {
        /* The links only while down (proto/link.h): a busy worker polls
         * one socket. */
        zmq_pollitem_t items[3] = { { self->work, 0, ZMQ_POLLIN, 0 } };
        int count = 1;
        if (link_polled(self->work_link))
            items[count++] = (zmq_pollitem_t){ link_socket(self->work_link), 0, ZMQ_POLLIN, 0 };
        if (link_polled(self->results_link))
            items[count++] = (zmq_pollitem_t){ link_socket(self->results_link), 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(items, count, self->count ? 0 : HEARTBEAT_MS) < 0 && zmq_errno() != EINTR) {
            log_error("poll failed error=%s", log_q(zmq_strerror(zmq_errno())));
            return 1;
        }
        /* A (re)connection to the producer: a restarted producer knows
         * nothing of our credit, so we state it afresh. */
        if (link_check(self->work_link, clock_ms())) {
            log_info("connected to producer, asking for work credit=%u", self->credit);
            send_ready(self);
        }
        link_check(self->results_link, clock_ms());
        if ((items[0].revents & ZMQ_POLLIN) || self->count)
            work(self);
        send_heartbeat(self);
    }
    return 0;
}

/* The worker's routing id on the producer's work socket is NAME:PID, so
 * the producer's per-worker figures and status line name workers as
 * operators know them; the pid keeps two workers of one host apart (a
 * ROUTER refuses a second peer with an id in use). */
static void set_name(void *socket, const char *name)
{
    char host[256] = "worker";
    if (!name && gethostname(host, sizeof host - 1) == 0)
        host[sizeof host - 1] = '\0';
    char id[256];
    snprintf(id, sizeof id, "%.200s:%d", name ? name : host, (int)getpid());
    for (char *c = id; *c; c++)
        if (*c <= ' ' || *c > '~')
            *c = '_';   /* printable ASCII: a label anyone can read and type */
    zmq_setsockopt(socket, ZMQ_ROUTING_ID, id, strlen(id));
    log_info("started name=%s", log_q(id));
}

static int worker_connect(worker_t *self, const worker_options_t *opt)
{
    const char *work = opt->work, *results = opt->results;
    self->work = zmq_socket(self->ctx, ZMQ_DEALER);
    set_name(self->work, opt->name);
    self->results = zmq_socket(self->ctx, ZMQ_PUSH);
    /* A DOC is at most a body plus its small envelope. */
    wire_configure(self->work, 0, (long long)MESSAGE_MAX_BODY + 65536);
    /* Results not yet taken by the sink are worth waiting a little for. */
    wire_configure(self->results, 2000, -1);
    /* Results wait here while the sink commits: a commit, with its
     * full-text work, takes 20 to 130 ms, in which two workers of Korean
     * texts finish up to 200 documents. With room for 16 they stopped
     * halfway through each long commit, and a core idled (10-20% of
     * every half second). The queue's memory is bounded all the same:
     * each result's document is unacknowledged, so the producer's
     * --max-in-flight holds them all. Results queued for a sink that is
     * killed are resent by the producer when it hears the next sink's
     * session (producer/delivery.c, on_hello). */
    int hwm = 256;
    zmq_setsockopt(self->results, ZMQ_SNDHWM, &hwm, sizeof hwm);
    int timeout = 500;
    zmq_setsockopt(self->results, ZMQ_SNDTIMEO, &timeout, sizeof timeout);

    self->work_link = link_new(self->ctx, self->work, work, "producer's work endpoint",
                               "is the producer running, and does --work name the address it binds?");
    self->results_link = link_new(self->ctx, self->results, results,
                                  "sink's results endpoint",
                                  "is the sink running, and does --results name the address it binds?");

    if (curve_client(self->curve, self->work, work, opt->producer_cert) != 0
        || curve_client(self->curve, self->results, results, opt->sink_cert) != 0)
        return -1;
    if (zmq_connect(self->work, work) != 0 || zmq_connect(self->results, results) != 0) {
        log_error("cannot connect work=%s results=%s error=%s", log_q(work), log_q(results),
                  log_q(zmq_strerror(zmq_errno())));
        return -1;
    }
    return 0;
}

static void worker_close(worker_t *self)
{
    /* Left in the child's pipe by a stop: the producer deals them to
     * another worker once it sees this one leave, uncharged. */
    for (; self->count > 0; self->count--, self->first = (self->first + 1) % SANDBOX_DEPTH)
        job_clear(&self->jobs[self->first]);
    link_destroy(&self->work_link);
    link_destroy(&self->results_link);
    if (self->work)
        zmq_close(self->work);
    if (self->results)
        zmq_close(self->results);
    curve_destroy(&self->curve);
}

/* A replacement extraction child is this program started afresh
 * (sandbox_exec_replacements): `feedmill extraction-child`, an internal
 * command that serves the worker on the pipes it was handed. The binary
 * is the worker's own, even if an upgrade replaced the file since. */
static char *const child_argv[] = { "feedmill", "extraction-child", NULL };

int worker_child_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    sandbox_serve(extract_to_message, NULL);
}

int worker_main(int argc, char **argv)
{
    worker_options_t opt;
    worker_options_init(&opt);
    int rc = args_start(&worker_command, &opt, argc, argv);
    if (rc >= 0)
        return rc;
    /* The extraction child first, while this process has one thread
     * (sandbox_start says why). */
    sandbox_t *sandbox = sandbox_new(extract_to_message, NULL, CHILD_MAX_RSS);
    sandbox_exec_replacements(sandbox, "/proc/self/exe", child_argv);
    char *error = NULL;
    if (!opt.pass_through && sandbox_start(sandbox, &error) != 0) {
        log_warn("extraction child not started, trying again at the first document error=%s",
                 log_q(error));
        free(error);
    }
    const curve_peer_t peers[] = {
        { .endpoint = opt.work, .server_cert = opt.producer_cert, .option = "--producer-cert" },
        { .endpoint = opt.results, .server_cert = opt.sink_cert, .option = "--sink-cert" },
    };
    curve_t *curve = curve_open("worker", opt.cert, NULL, opt.insecure, peers, 2);
    if (!curve) {
        sandbox_destroy(&sandbox);
        return 2;
    }
    worker_t self = { .curve = curve, .ctx = curve_context(curve), .credit = opt.credit,
                      .time_limit_ms = opt.time_limit_ms, .sandbox = sandbox,
                      .pass_through = opt.pass_through };
    rc = worker_connect(&self, &opt) == 0 ? worker_run(&self) : 1;
    log_info("stopped documents=%llu refused=%llu extraction_children=%llu",
             (unsigned long long)self.done, (unsigned long long)self.failed,
             (unsigned long long)sandbox_children(self.sandbox));
    sandbox_destroy(&self.sandbox);
    worker_close(&self);
    return rc;
}
