/* producer: reads documents and deals them out to workers.
 *
 *   files ──walk/watch──> read ──DOC──> ROUTER "work"  <──READY── workers (DEALER)
 *   stdin, --follow FILE ─┐     │ unreadable: FAILED ──PUSH──> sink "results"
 *   ROUTER "submit" ──────┴─> spool (on disk, then ACCEPTED to the client)
 *   PULL "acks" <──ACK── sink, once the row is committed (then COMMITTED)
 *   Prometheus, probes ──HTTP──> --metrics: /metrics /healthz /readyz
 *
 * Over tcp:// the three bound sockets are CurveZMQ servers that admit only
 * the keys in --allow, and the PUSH to the sink a client naming the
 * sink's certificate (proto/curve.h); ACKs count only from that sink's
 * key. A worker that heartbeats but never finishes what it holds is
 * paused and its documents go to others, uncharged (expire()); but only
 * while the sink acknowledges others' documents: a sink that commits
 * nothing (its disk is full, it is stopped) is waited for, and no worker
 * is blamed.
 *
 * A document is read only when some worker has credit for it, so memory
 * holds a few documents per worker, never the feed. Each one stays in the
 * in-flight table until its ACK arrives; without one by --retry-after it
 * is sent again, and after --max-attempts it is reported to the sink as
 * FAILED so it ends in dead_letters with the reason.
 *
 * The state file (producer/state.h) remembers every file's fate, so a
 * restarted producer skips what was acknowledged and resends what was in
 * flight: kill -9 costs a short delay, never a document.
 *
 * Operators get a status line every --status-interval and the figures of
 * --metrics (producer/report.h), fed from the counts the loop keeps. */
#include "producer/producer.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "common/args.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/signals.h"
#include "producer/follow.h"
#include "producer/inflight.h"
#include "producer/jsonl.h"
#include "producer/ledger.h"
#include "producer/linebuf.h"
#include "producer/names.h"
#include "producer/options.h"
#include "producer/ownfiles.h"
#include "producer/report.h"
#include "producer/state.h"
#include "producer/submit.h"
#include "producer/summary.h"
#include "producer/walk.h"
#include "producer/watch.h"
#include "proto/curve.h"
#include "proto/endpoints.h"
#include "proto/link.h"
#include "proto/wire.h"

enum {
    /* A stop request waits for acknowledgements while they come, up to
     * --drain-timeout. Without one for this long, and with no worker or
     * no sink to bring any, waiting on is pointless: the drain ends early. */
    DRAIN_QUIET_MS = 5000,
    /* --watch: a file a scan finds must be this old (unchanged) to be
     * taken; a fresher one may still be being written. */
    SETTLE_MS = 1000,
    /* Workers heartbeat every second. After a connection on the work
     * socket closes, a worker not heard from within this long is the one
     * that left. */
    DISCONNECT_GRACE_MS = 2500,
    /* Spooled documents not yet sent: stdin, followed files and the
     * submission socket are read only below this, so a fast writer waits
     * on the pipe, the file or the socket, not in our memory or disk. */
    SPOOL_BACKLOG = 64,
    /* The sink says HELLO every second: silence this long is worth a
     * warning while documents wait for acknowledgement. */
    SINK_SILENCE_MS = 3000,
    /* A worker that holds documents past --retry-after while it and the
     * sink are alive gets nothing for this many times --retry-after. */
    PAUSE_RETRY_AFTERS = 5,
    /* A sink that acknowledges nothing is said again this often. */
    REPEAT_MS = 10000,
    /* Further sources of documents in flight (a feed repeating one story
     * from many URLs): reading waits above this many, so a feed of one
     * text a million times costs no more memory than a few SOURCES. */
    MORE_SOURCES_MAX = 4 * MESSAGE_MAX_SOURCES,
};


/* Inputs are counted in the words that fit them (files, lines of a
 * JSON-lines feed, submissions); every input ends as exactly one of
 * stored, updated, new_sources, unchanged, dead and skipped, the words
 * of the ACK (proto/message.h), so the run's summary adds up and each
 * figure matches the database (a new row, a new source of a row). */
typedef struct producer_counts {
    uint64_t documents;         /* inputs: files + lines + submissions */
    uint64_t files, lines, submissions;
    uint64_t skipped;           /* files acknowledged by an earlier run, not read */
    uint64_t stored, updated, new_sources, unchanged, dead;
    uint64_t retries, own_files;
    uint64_t bad_work, bad_acks;   /* messages that were not valid, per socket */
} producer_counts_t;

/* Standard input as a JSON-lines feed. A line is spooled (state.h) and
 * committed before it counts as read; lines are numbered across producer
 * restarts within one stream, for the source "stdin:LINE". */
typedef struct stdin_feed {
    int open;                   /* still reading */
    int is_pipe;                /* peeked with tee(2) before it is consumed */
    int is_file;                /* a regular file: read with pread(2) at offset */
    int64_t offset;             /* is_file: bytes taken and committed */
    int peek[2];                /* the private pipe tee(2) copies into */
    linebuf_t lines;              /* the line not yet complete */
    int64_t line;               /* lines taken so far */
    int64_t dev, ino;           /* the stream, as the state knows it */
    int reset_owed;             /* a new stream the state could not note yet */
} stdin_feed_t;

/* What the producer has heard of its peers, to say when one is missing. */
typedef struct peers {
    link_t *work_link;          /* connections of workers (bound: counted) */
    link_t *sink_link;          /* our connection to the sink's results */
    link_t *acks_link;          /* the sink's connection (bound: refusals only) */
    char sink_session[MESSAGE_SESSION_LEN + 1];   /* "" until a HELLO */
    int64_t sink_heard;         /* clock_ms() of the last HELLO, or start */
    int64_t workers_seen;       /* clock_ms() when a worker was last known */
    int64_t disconnect_handled; /* the last work-socket disconnect acted on */
    int64_t next_sink_warning, next_worker_warning;
    /* clock_ms() of the last ACK from the sink, for any document (or of
     * the start): without one since a document went out, the sink may be
     * what holds it up (sink_to_blame). */
    int64_t last_ack;
    int64_t silent_said;        /* the last "sink acknowledges nothing"; 0: not silent */
} peers_t;

/* The drain after a stop request (drained()). */
typedef struct drain {
    int64_t started;            /* clock_ms() of the stop request; 0 before */
    int64_t progress_at;        /* the last acknowledgement, or the start */
    uint64_t acked_at_start;    /* acknowledged() then */
    uint64_t acked_seen;        /* acknowledged() at the last look */
} drain_t;

typedef struct producer {
    producer_options_t opt;
    curve_t *curve;             /* CurveZMQ, and the context of every socket */
    void *ctx, *work, *acks, *sink;
    peers_t peers;
    walk_t *walk;
    int walk_done;
    int walked_once;            /* the first full walk is over */
    int rescan_owed;            /* a rescan was asked for during a walk */
    names_t *names;
    watch_t *watch;             /* --watch, else NULL */
    stdin_feed_t in;            /* "-": JSON lines from standard input */
    follow_t *follow;           /* --follow, else NULL */
    submit_t *submit;           /* --submit, else NULL */
    int64_t spool_cursor;       /* the last spooled document taken */
    int64_t next_compact;       /* clock_ms() of the next state_compact step */
    int spool_active;           /* a spooling input is open, or the spool
                                   held documents at start: only then is it
                                   consulted, so file feeds pay no query per
                                   document */
    ownfiles_t *own;
    inflight_t *inflight;
    ledger_t *ledger;
    state_t *state;
    producer_counts_t counts;
    report_t *report;           /* status line and metrics */
    drain_t drain;
} producer_t;

/* Reads a whole file, refusing more than max bytes without reading them. */
static uint8_t *read_document(const char *path, size_t max, size_t *len, char **error)
{
    buf_t msg = BUF_INIT;
    uint8_t *data = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        buf_printf(&msg, "cannot read file: %s", strerror(errno));
        goto fail;
    }
    if ((uint64_t)st.st_size > max) {
        buf_printf(&msg, "file is %lld bytes, over the --max-size limit of %zu",
                   (long long)st.st_size, max);
        goto fail;
    }
    /* One byte more than its size: a file that grows while we read it
     * shows up as a longer read, one that shrinks as a shorter one. */
    size_t want = (size_t)st.st_size + 1, got = 0;
    data = xmalloc(want);
    ssize_t n = 0;
    while (got < want && (n = read(fd, data + got, want - got)) > 0)
        got += (size_t)n;
    if (n < 0) {
        buf_printf(&msg, "cannot read file: %s", strerror(errno));
        goto fail;
    }
    if (got != (size_t)st.st_size) {
        buf_printf(&msg, "file changed while being read");
        goto fail;
    }
    close(fd);
    *len = got;
    return data;
fail:
    free(data);
    if (fd >= 0)
        close(fd);
    *error = buf_detach(&msg);
    return NULL;
}

/* After max-attempts sends the document goes to the sink as FAILED:
 * one that keeps taking workers down is not sent to them again. */
static void give_up(producer_t *self, pending_t *p)
{
    buf_t why = BUF_INIT;
    if (p->last_failure)
        buf_printf(&why, "%s (%u attempts)", p->last_failure, p->attempt);
    else
        buf_printf(&why, "no result after %u attempts (the document's workers died, hung "
                   "or were not acknowledged within %.0f s)", p->attempt,
                   self->opt.retry_after_ms / 1000.0);
    p->error = buf_detach(&why);
    log_warn("giving up on document id=%.12s source=%s attempts=%u", p->id,
             log_q(p->source), p->attempt);
}

/* Sends that count against --max-attempts. */
static uint32_t charged(const pending_t *p)
{
    return p->attempt - p->forgiven;
}

/* What goes to the sink itself, never to a worker: a FAILED (a document
 * given up on or unreadable), or a SOURCES (more sources of a committed
 * row). No worker is blamed for its delay, and a resend is no attempt. */
static int goes_to_sink(const pending_t *p)
{
    return p->error || p->sources_phase;
}

/* Queues a sent document to go out again at the next send_due: to a
 * worker, or to the sink as FAILED once it has had max-attempts. */
static void retry_now(producer_t *self, pending_t *p)
{
    self->counts.retries++;
    if (!goes_to_sink(p) && charged(p) >= self->opt.max_attempts)
        give_up(self, p);
    p->deadline = 0;
}

static size_t sent_count(producer_t *self);

static int sink_alive(const producer_t *self)
{
    return self->peers.sink_session[0] && clock_ms() - self->peers.sink_heard < SINK_SILENCE_MS;
}

/* A worker that is alive (it heartbeats) and holds a document past
 * --retry-after twice while the sink is alive too and acknowledges
 * others (expire()): it takes documents and does not finish them (a bug,
 * or hostile). The documents are not at fault:
 * they go to other workers without counting against --max-attempts, and
 * the worker is sent nothing for a while. */
static void pause_worker(producer_t *self, const wire_peer_t *worker)
{
    char key[48];
    snprintf(key, sizeof key, "%s", ledger_key(self->ledger, worker));
    int64_t pause = PAUSE_RETRY_AFTERS * self->opt.retry_after_ms;
    ledger_pause(self->ledger, worker, clock_ms() + pause);
    size_t held = 0;
    for (size_t i = 0; i < inflight_count(self->inflight); i++) {
        pending_t *p = inflight_at(self->inflight, i);
        if (p->deadline && !goes_to_sink(p) && wire_peer_equal(&p->worker, worker)) {
            p->forgiven++;
            retry_now(self, p);
            held++;
        }
    }
    log_warn("worker holds documents without finishing them, taking them back uncharged "
             "and sending it nothing for a while worker=%s documents=%zu pause_s=%.0f "
             "hint=%s", log_q(key[0] ? key : "(no key)"), held, pause / 1000.0,
             log_q("it heartbeats but sends no results: a bug, or a hostile worker "
                   "(remove its key from --allow to shut it out)"));
}

/* Another worker holds a document that is not acknowledged either. */
static int others_wait_too(producer_t *self, const pending_t *p)
{
    for (size_t i = 0; i < inflight_count(self->inflight); i++) {
        const pending_t *q = inflight_at(self->inflight, i);
        if (q != p && q->deadline && !goes_to_sink(q) && !wire_peer_equal(&q->worker, &p->worker))
            return 1;
    }
    return 0;
}

/* p passed its deadline: is it the sink that commits nothing (a full or
 * read-only disk holds its batch, it is stopped or hung) rather than p's
 * worker? Yes when the sink is silent. Yes when nothing was acknowledged
 * for anyone since p went out, and other workers' documents wait too,
 * or p is for the sink itself, or no other worker could take p anyway.
 * A worker that holds every waiting document while others idle leaves
 * the sink untested: then it is the worker that is suspect. */
static int sink_to_blame(producer_t *self, const pending_t *p)
{
    if (!sink_alive(self))
        return 1;
    if (self->peers.last_ack >= p->deadline - self->opt.retry_after_ms)
        return 0;
    return goes_to_sink(p) || others_wait_too(self, p) || ledger_workers(self->ledger) <= 1;
}

/* The sink commits nothing: p waits another --retry-after, neither
 * resent (the sink holds its result, or the worker does) nor charged,
 * its worker not blamed; said once per REPEAT_MS. */
static void wait_for_sink(producer_t *self, pending_t *p, int64_t now)
{
    p->deadline = now + self->opt.retry_after_ms;
    peers_t *peers = &self->peers;
    if (peers->silent_said && now - peers->silent_said < REPEAT_MS)
        return;
    peers->silent_said = now;
    int alive = sink_alive(self);
    log_warn("sink acknowledges nothing, waiting for it without blaming any worker "
             "in_flight=%zu since_s=%.0f sink=%s hint=%s", sent_count(self),
             (now - peers->last_ack) / 1000.0, alive ? "alive" : "silent",
             log_q(alive ? "the sink says HELLO but commits nothing: is its disk full or "
                           "read-only (its log says `database cannot be written`), or do the "
                           "workers' results not reach it (--results)? Or the only worker "
                           "holds them"
                         : "no word from the sink: is it running, and not stopped or hung?"));
}

/* A sent document whose deadline passed without an ACK. */
static void expire(producer_t *self, pending_t *p)
{
    int64_t now = clock_ms();
    if (sink_to_blame(self, p)) {
        p->suspect = 0;
        wait_for_sink(self, p, now);
        return;
    }
    /* Its worker is alive and so is the sink. The worker is paused only
     * after a second --retry-after in which the sink still acknowledges
     * (or still idles the others): a sink whose disk filled during the
     * first one has committed nothing since, and is waited for instead. */
    if (!goes_to_sink(p) && ledger_key(self->ledger, &p->worker)) {
        if (!p->suspect) {
            p->suspect = 1;
            p->deadline = now + self->opt.retry_after_ms;
            log_debug("no ack in time, giving the worker one more --retry-after id=%.12s "
                      "source=%s", p->id, log_q(p->source));
            return;
        }
        pause_worker(self, &p->worker);
        return;
    }
    if (!goes_to_sink(p) && charged(p) < self->opt.max_attempts)
        log_warn("no ack in time, resending id=%.12s source=%s attempt=%u", p->id,
                 log_q(p->source), p->attempt + 1);
    retry_now(self, p);
}

/* A worker that vanished or fell silent: what it held is resent now,
 * not after --retry-after. Each resend counts as an attempt, so a
 * document that keeps killing workers ends as a dead letter; unless
 * forgive says the worker is to blame (its key was revoked). */
static void abandon_worker(producer_t *self, const wire_peer_t *worker, const char *why,
                           int forgive)
{
    ledger_forget(self->ledger, worker);
    report_worker_lost(self->report, worker);
    size_t held = 0;
    for (size_t i = 0; i < inflight_count(self->inflight); i++) {
        pending_t *p = inflight_at(self->inflight, i);
        if (p->deadline && !goes_to_sink(p) && wire_peer_equal(&p->worker, worker)) {
            p->forgiven += forgive != 0;
            retry_now(self, p);
            held++;
        }
    }
    log_warn("worker lost, resending what it held reason=%s documents=%zu workers_left=%zu",
             log_q(why), held, ledger_workers(self->ledger));
}

/* A worker is presumed gone when silent for --worker-timeout (hung, or
 * its network vanished), or, much sooner, when a connection on the work
 * socket closed and it has not been heard from since: a worker that is
 * alive heartbeats every second, so after DISCONNECT_GRACE_MS the one
 * missing is the one whose connection closed (killed, crashed, stopped). */
static void reap_silent_workers(producer_t *self)
{
    wire_peer_t worker;
    int64_t now = clock_ms();
    char key[48];
    while (ledger_resume_due(self->ledger, now, key, sizeof key))
        log_info("pause over, sending documents to the worker again worker=%s",
                 log_q(key[0] ? key : "(no key)"));
    while (ledger_take_silent(self->ledger, now - self->opt.worker_timeout_ms, &worker))
        abandon_worker(self, &worker, "no heartbeat within --worker-timeout", 0);
    int64_t closed = link_last_disconnect(self->peers.work_link);
    if (closed > self->peers.disconnect_handled && now - closed >= DISCONNECT_GRACE_MS) {
        self->peers.disconnect_handled = closed;
        while (ledger_take_silent(self->ledger, closed, &worker))
            abandon_worker(self, &worker, "its connection closed and no heartbeat since", 0);
    }
}

/* A document the producer gave up on (or could not read) goes to the
 * sink as FAILED, carrying the number of extraction attempts made. */
static int send_failure(producer_t *self, pending_t *p)
{
    message_t msg = { .type = MSG_FAILED, .source = p->source, .error = p->error,
                      .attempt = p->attempt ? p->attempt : 1 };
    memcpy(msg.id, p->id, sizeof msg.id);
    return wire_send(self->sink, &msg, ZMQ_DONTWAIT);
}

/* The row of p is committed: the sink is told of p's further sources,
 * up to MESSAGE_MAX_SOURCES at once (the rest after its ACK). */
static int send_sources(producer_t *self, pending_t *p)
{
    size_t n = p->more_count < MESSAGE_MAX_SOURCES ? p->more_count : MESSAGE_MAX_SOURCES;
    message_t msg = { .type = MSG_SOURCES, .sources = p->more, .source_count = n };
    memcpy(msg.id, p->id, sizeof msg.id);
    if (wire_send(self->sink, &msg, ZMQ_DONTWAIT) != 0)
        return -1;
    p->more_sent = n;
    return 0;
}

/* Sends the DOC to the worker with the most room; -1 when none has any. */
static int send_doc(producer_t *self, pending_t *p)
{
    message_t msg = { .type = MSG_DOC, .source = p->source, .attempt = p->attempt + 1,
                      .body = p->body, .body_len = p->len, .hints = p->hints };
    memcpy(msg.id, p->id, sizeof msg.id);
    for (;;) {
        const wire_peer_t *picked = ledger_pick(self->ledger);
        if (!picked)
            return -1;
        wire_peer_t worker = *picked;
        if (wire_send_to(self->work, &worker, &msg, ZMQ_DONTWAIT) == 0) {
            ledger_spend(self->ledger, &worker);
            p->worker = worker;
            p->attempt++;
            return 0;
        }
        if (errno == EINVAL) {
            /* The DOC breaks the wire format's rules: no worker could
             * take it, ever. Nothing was sent, so no one else is hurt;
             * the document itself ends as a dead letter saying why. */
            p->error = xstrdup("document cannot be sent to workers: it breaks the wire "
                               "format's limits");
            log_error("cannot encode document id=%.12s source=%s", p->id, log_q(p->source));
            return send_failure(self, p);
        }
        /* EHOSTUNREACH: the worker is gone (ROUTER_MANDATORY tells us);
         * EAGAIN: its queue is full. Either way, not this one. */
        abandon_worker(self, &worker, zmq_strerror(errno), 0);
    }
}

/* Sends one pending document, as FAILED when it carries an error. Returns
 * 0 when sent, -1 when it must wait (no worker has room, or the sink's
 * queue is full). */
static int send_pending(producer_t *self, pending_t *p)
{
    int rc = p->sources_phase ? send_sources(self, p)
             : p->error       ? send_failure(self, p)
                              : send_doc(self, p);
    if (rc != 0)
        return -1;
    p->deadline = clock_ms() + self->opt.retry_after_ms;
    p->suspect = 0;
    return 0;
}

static void send_due(producer_t *self)
{
    int64_t now = clock_ms();
    for (size_t i = 0; i < inflight_count(self->inflight); i++) {
        pending_t *p = inflight_at(self->inflight, i);
        if (p->deadline && p->deadline <= now)
            expire(self, p);
        if (!p->deadline && send_pending(self, p) == 0 && p->attempt > 1)
            state_note_attempts(self->state, p->id, p->attempt);
    }
}

/* What the state says of a file: 0 to send it (with *attempts sends
 * already made by an earlier run), 1 to skip it (acknowledged before),
 * 2 when the watch holds it back until it is complete. */
static int seen_before(producer_t *self, const char *path, int from_scan,
                       file_stamp_t *stamp, uint32_t *attempts)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *stamp = (file_stamp_t){ -1, -1 };
        *attempts = 0;
        return 0;   /* reading it will fail and say why */
    }
    *stamp = (file_stamp_t){ st.st_size, (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec };
    file_status_t status = state_lookup(self->state, path, stamp, attempts);
    if (status == FILE_DONE || status == FILE_DEAD) {
        self->counts.skipped++;
        log_debug("unchanged since acknowledged, skipping source=%s", log_q(path));
        return 1;
    }
    if (status == FILE_SENT) {
        log_info("resuming document sent by an earlier run source=%s attempts=%u",
                 log_q(path), *attempts);
        return 0;
    }
    /* A scan cannot see a writer close the file: a fresh one waits until
     * it has settled, or until its close or move-in is seen. */
    if (self->watch && from_scan && watch_too_fresh(self->watch, &st.st_mtim)) {
        log_debug("too fresh to be complete, waiting source=%s", log_q(path));
        watch_defer(self->watch, path);
        return 2;
    }
    return 0;
}

/* Reads one file into the in-flight table (or onto its twin there). */
static void admit(producer_t *self, const char *path, const file_stamp_t *stamp, uint32_t attempts)
{
    size_t len = 0;
    char *error = NULL;
    uint8_t *body = read_document(path, self->opt.max_size, &len, &error);
    char id[DOC_ID_LEN + 1];
    /* An unreadable file has no content hash; its path names it. */
    if (body)
        hash_doc_id(body, len, id);
    else
        hash_doc_id(path, strlen(path), id);
    /* The wire carries at most MESSAGE_MAX_SOURCE bytes of source; a
     * deeper path (walks can build them) is named by its first bytes. */
    char *source = xstrndup(path, MESSAGE_MAX_SOURCE);
    pending_t *same = inflight_find(self->inflight, id);
    if (same) {
        inflight_add_source(self->inflight, same, source);
        log_debug("same content as a document in flight, one more source of it id=%.12s "
                  "source=%s", id, log_q(path));
        state_mark_sent(self->state, path, stamp, id, same->attempt);
        free(source);
        free(body);
        free(error);
        return;
    }
    if (error)
        log_error("cannot read document source=%s error=%s", log_q(path), log_q(error));
    pending_t *p = inflight_add(self->inflight, id, source, body, len, error);
    free(source);
    p->attempt = attempts;
    if (attempts >= self->opt.max_attempts && !p->error)
        give_up(self, p);
    send_pending(self, p);
    state_mark_sent(self->state, path, stamp, id, p->attempt);
}

/* A spooled document (a JSON line) into the in-flight table. It leaves
 * the spool when acknowledged. */
static void admit_spooled(producer_t *self, spooled_t *doc)
{
    self->counts.documents++;
    doc->input == SPOOL_SUBMISSION ? self->counts.submissions++ : self->counts.lines++;
    pending_t *same = inflight_find(self->inflight, doc->id);
    if (same) {
        /* Its spool row stays until the id is acknowledged, sources
         * and all: a restart finds it there and sends it again. */
        inflight_add_source(self->inflight, same, doc->source);
        log_debug("same content as a document in flight, one more source of it id=%.12s "
                  "source=%s", doc->id, log_q(doc->source));
        state_spooled_clear(doc);
        return;
    }
    pending_t *p = inflight_add(self->inflight, doc->id, doc->source, doc->error ? NULL : doc->body,
                                doc->error ? 0 : doc->len, doc->error ? xstrdup(doc->error) : NULL);
    if (doc->error)
        free(doc->body);
    p->hints = doc->hints;
    p->spooled = 1;
    doc->hints = (doc_hints_t){ 0 };
    free(doc->source);
    free(doc->error);
    *doc = (spooled_t){ 0 };
    send_pending(self, p);
}

/* One complete line of a JSON-lines feed into the spool: a document, or
 * a dead letter naming FEED:LINE and why. Blank lines are no documents. */
static void spool_line(producer_t *self, const char *feed, int64_t number, const char *line,
                       size_t len, const char *too_long)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    if (!len && !too_long)
        return;
    char id[DOC_ID_LEN + 1];
    buf_t name = BUF_INIT;
    buf_printf(&name, "%s:%lld", feed, (long long)number);
    /* The wire carries at most MESSAGE_MAX_SOURCE bytes of source. */
    char *source = xstrndup(name.data, MESSAGE_MAX_SOURCE);
    buf_free(&name);
    jsonl_doc_t doc;
    char *error = too_long ? xstrdup(too_long) : NULL;
    if (!error && jsonl_parse(line, len, &doc, &error) == 0) {
        hash_doc_id(doc.body, doc.len, id);
        state_spool_add(self->state, SPOOL_LINE, id, doc.url ? doc.url : source, doc.body, doc.len, NULL,
                        &doc.hints);
        jsonl_doc_clear(&doc);
    } else {
        /* Not a document: named by the line's bytes, so the same bad line
         * is one dead letter however often it comes. */
        hash_doc_id(line, len, id);
        log_warn("not a document line=%s error=%s", log_q(source), log_q(error));
        state_spool_add(self->state, SPOOL_LINE, id, source, NULL, 0, error, NULL);
    }
    free(error);
    free(source);
}

/* A line of standard input, numbered across restarts of one stream. */
static void take_stdin_line(void *ctx, const char *line, size_t len, const char *too_long)
{
    producer_t *self = ctx;
    self->in.line++;
    spool_line(self, "stdin", self->in.line, line, len, too_long);
    state_set_position(self->state, "stdin", self->in.line);
}

/* A line of a followed file (producer/follow.h keeps its position). */
static void take_followed_line(void *ctx, const char *path, int64_t line, const char *bytes,
                               size_t len, const char *too_long)
{
    spool_line(ctx, path, line, bytes, len, too_long);
}

/* Copies what standard input holds into chunk without taking it out:
 * from a pipe, tee(2) duplicates the bytes and they stay in the pipe
 * until consume_stdin(), once they are on disk; a file is read at the
 * committed offset, which moves only with the commit. So a producer
 * killed at any moment loses nothing a restarted one cannot read again.
 * A terminal is read directly. */
static ssize_t peek_stdin(stdin_feed_t *in, char *chunk, size_t size)
{
    if (in->is_file)
        return pread(STDIN_FILENO, chunk, size, in->offset);
    if (!in->is_pipe)
        return read(STDIN_FILENO, chunk, size);
    ssize_t n = tee(STDIN_FILENO, in->peek[1], size, SPLICE_F_NONBLOCK);
    if (n <= 0)
        return n;
    ssize_t got = 0, r = 0;
    while (got < n && (r = read(in->peek[0], chunk + got, (size_t)(n - got))) > 0)
        got += r;
    return r < 0 ? -1 : got;
}

static void consume_stdin(stdin_feed_t *in, char *chunk, size_t n)
{
    size_t done = 0;
    ssize_t r;
    while (in->is_pipe && done < n && (r = read(STDIN_FILENO, chunk, n - done)) > 0)
        done += (size_t)r;
}

/* The state notes a new stream: its identity, and nothing read of it. */
static void note_new_stream(producer_t *self)
{
    state_set_position(self->state, "stdin dev", self->in.dev);
    state_set_position(self->state, "stdin ino", self->in.ino);
    state_set_position(self->state, "stdin", 0);
    state_set_position(self->state, "stdin offset", 0);
    state_partial_clear(self->state, "stdin");
}

/* The commit of what read_stdin took failed: the state has none of it,
 * so memory forgets it too (line count, the unfinished line as the state
 * keeps it), and the bytes, still in the pipe or past the committed
 * offset, are read again once the state can be written. A terminal is
 * read directly: what it gave is lost with the commit. */
static void stdin_rollback(producer_t *self, int64_t line, int discarding)
{
    stdin_feed_t *in = &self->in;
    in->line = line;
    linebuf_reset(&in->lines);
    in->lines.discarding = discarding;
    if (!discarding && !in->reset_owed)
        state_partial_load(self->state, "stdin", &in->lines.pending);
    log_info("lines read from standard input not written, reading them again once the "
             "producer state can be written after_line=%lld", (long long)line);
}

/* Reads what standard input has, splits it into lines and spools them,
 * with the start of an unfinished line, and commits: only then are the
 * bytes taken from the pipe. At end of input a last line without its
 * newline still counts. */
static void read_stdin(producer_t *self)
{
    stdin_feed_t *in = &self->in;
    static char chunk[65536];
    ssize_t n = peek_stdin(in, chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    int64_t line = in->line;
    int discarding = in->lines.discarding;
    if (in->reset_owed)
        note_new_stream(self);
    if (n <= 0) {
        if (n < 0)
            log_error("cannot read standard input error=%s", log_q(strerror(errno)));
        linebuf_finish(&in->lines, take_stdin_line, self);
        state_partial_clear(self->state, "stdin");
        state_set_position(self->state, "stdin", 0);   /* this stream is done */
        state_set_position(self->state, "stdin offset", 0);
        if (state_flush(self->state) != 0) {
            stdin_rollback(self, line, discarding);   /* the end comes again */
            return;
        }
        in->open = 0;
        in->reset_owed = 0;
        log_info("standard input ended lines=%lld", (long long)in->line);
        return;
    }
    size_t complete = linebuf_feed(&in->lines, chunk, (size_t)n, take_stdin_line, self);
    if (complete)
        state_partial_clear(self->state, "stdin");
    if (complete < (size_t)n)
        state_partial_append(self->state, "stdin", chunk + complete,
                             in->lines.discarding ? 0 : (size_t)n - complete);
    if (in->is_file)
        state_set_position(self->state, "stdin offset", in->offset + n);
    if (state_flush(self->state) != 0) {
        stdin_rollback(self, line, discarding);
        return;
    }
    in->reset_owed = 0;
    consume_stdin(in, chunk, (size_t)n);
    in->offset += n;
}

/* "-": standard input is a JSON-lines feed. A restarted producer takes
 * up the stream where the last one committed: line count, and the start
 * of an unfinished line. */
static int open_stdin(producer_t *self)
{
    stdin_feed_t *in = &self->in;
    struct stat st;
    int known = fstat(STDIN_FILENO, &st) == 0;
    in->is_pipe = known && S_ISFIFO(st.st_mode);
    in->is_file = known && S_ISREG(st.st_mode);
    if (in->is_pipe && pipe2(in->peek, O_CLOEXEC) != 0) {
        log_error("cannot create a pipe error=%s", log_q(strerror(errno)));
        in->is_pipe = 0;
        return -1;
    }
    int flags = fcntl(STDIN_FILENO, F_GETFL);
    if (flags >= 0)
        fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
    /* The stream an earlier producer was reading, if it is this one (a
     * restart under `run`); any other stream starts afresh. */
    in->dev = known ? (int64_t)st.st_dev : -1;
    in->ino = known ? (int64_t)st.st_ino : -1;
    if (state_position(self->state, "stdin dev") != in->dev
        || state_position(self->state, "stdin ino") != in->ino) {
        note_new_stream(self);
        /* Not written: the first lines' commit notes it (read_stdin). */
        in->reset_owed = state_flush(self->state) != 0;
    }
    if (in->reset_owed)
        return 0;
    in->line = state_position(self->state, "stdin");
    in->offset = in->is_file ? state_position(self->state, "stdin offset") : 0;
    state_partial_load(self->state, "stdin", &in->lines.pending);
    if (in->line || in->lines.pending.len)
        log_info("resuming standard input after line=%lld", (long long)in->line);
    return 0;
}

/* The commit of lines of followed files failed: they are read again,
 * from the positions the state kept, once it can be written. */
static void rollback_followed(producer_t *self)
{
    follow_rollback(self->follow);
    log_info("lines of followed files not written, reading them again once the producer "
             "state can be written");
}

/* Few spooled documents wait to be taken into the in-flight table. */
static int spool_backlog_small(producer_t *self)
{
    return state_spool_waiting(self->state, self->spool_cursor, SPOOL_BACKLOG) < SPOOL_BACKLOG;
}

/* Room to read one more document: by count, and by bytes held for
 * resending (--max-in-flight); never less than one. */
static int has_room(producer_t *self)
{
    size_t count = inflight_count(self->inflight);
    return count == 0 || (count < self->opt.max_inflight
                          && inflight_bytes(self->inflight) < self->opt.max_inflight_bytes
                          && inflight_more_count(self->inflight) < MORE_SOURCES_MAX);
}

/* The next path to consider: from the walk (the PATHs at start, and
 * every rescan), then, with --watch, the files the watch saw completed.
 * *from_scan says which. */
static const char *next_input(producer_t *self, int *from_scan)
{
    if (!self->walk_done) {
        const char *path = walk_next(self->walk);
        if (path) {
            *from_scan = 1;
            return path;
        }
        self->walk_done = 1;
        if (!self->walked_once)
            log_info("all inputs read documents=%llu skipped=%llu%s",
                     (unsigned long long)self->counts.documents,
                     (unsigned long long)self->counts.skipped,
                     self->watch ? ", watching for new files" : "");
        self->walked_once = 1;
    }
    *from_scan = 0;
    return self->watch ? watch_next(self->watch) : NULL;
}

/* Reads new documents while some worker has room for them. */
static void feed(producer_t *self, int spool_only)
{
    while (has_room(self) && ledger_pick(self->ledger)) {
        spooled_t doc;
        if (self->spool_active && state_spool_next(self->state, self->spool_cursor, &doc)) {
            self->spool_cursor = doc.seq;
            admit_spooled(self, &doc);
            continue;
        }
        /* A file read now could not be recorded as sent: it waits. */
        if (spool_only || state_failing(self->state))
            return;
        int from_scan;
        const char *path = next_input(self, &from_scan);
        if (!path)
            return;
        if (ownfiles_match(self->own, path)) {
            if (!self->walked_once)
                log_info("not ingesting feedmill's own database file source=%s", log_q(path));
            self->counts.own_files += !self->walked_once;
            continue;
        }
        file_stamp_t stamp;
        uint32_t attempts;
        int seen = seen_before(self, path, from_scan, &stamp, &attempts);
        if (seen == 0) {
            self->counts.documents++;
            self->counts.files++;
            admit(self, path, &stamp, attempts);
        } else if (seen == 1 && !self->walked_once) {
            self->counts.documents++;   /* the summary counts skipped files too */
            self->counts.files++;
        }
    }
}

/* --watch: events in, and a new walk when the watch asks for one (a lost
 * event queue, a polling round). A walk in progress finishes first. */
static void on_watch(producer_t *self)
{
    if (!self->watch)
        return;
    watch_process(self->watch);
    if (watch_rescan_due(self->watch, clock_ms()))
        self->rescan_owed = 1;
    if (self->rescan_owed && self->walk_done) {
        self->rescan_owed = 0;
        walk_restart(self->walk);
        self->walk_done = 0;
        log_debug("rescanning the watched folders");
    }
}

/* A worker's extraction of this attempt crashed or ran out of time: try
 * again at once, elsewhere if possible, until --max-attempts. */
static void on_attempt_failed(producer_t *self, const message_t *msg)
{
    pending_t *p = inflight_find(self->inflight, msg->id);
    if (!p || goes_to_sink(p) || msg->attempt != p->attempt)
        return;   /* already resent or answered: this report is stale */
    free(p->last_failure);
    p->last_failure = xstrdup(msg->error);
    log_warn("attempt failed id=%.12s source=%s attempt=%u error=%s", p->id, log_q(p->source),
             p->attempt, log_q(msg->error));
    retry_now(self, p);
}

static void on_work_socket(producer_t *self)
{
    for (;;) {
        wire_peer_t peer;
        message_t *msg;
        char error[256];
        wire_status_t status = wire_recv_from(self->work, ZMQ_DONTWAIT, &peer, &msg,
                                              error, sizeof error);
        if (status == WIRE_AGAIN || status == WIRE_FAILED)
            return;
        if (status == WIRE_BAD) {
            log_warn("bad message on work socket error=%s", log_q(error));
            self->counts.bad_work++;
            continue;
        }
        if (!curve_admits(self->curve, msg, "work")) {
            /* Its key was revoked while connected: what it holds goes
             * elsewhere, and it is heard no more. */
            if (ledger_key(self->ledger, &peer))
                abandon_worker(self, &peer, "its key was removed from --allow", 1);
        } else if (msg->type == MSG_READY)
            ledger_update(self->ledger, &peer, msg->credit, msg->received, clock_ms(),
                          msg->peer_key);
        else if (msg->type == MSG_FAILED)
            on_attempt_failed(self, msg);
        else
            log_warn("unexpected message on work socket type=%s", message_type_name(msg->type));
        message_destroy(&msg);
    }
}

static void count_status(producer_counts_t *c, ack_status_t status, uint64_t n)
{
    switch (status) {
    case ACK_STORED: c->stored += n; break;
    case ACK_UPDATED: c->updated += n; break;
    case ACK_SOURCE: c->new_sources += n; break;
    case ACK_UNCHANGED: c->unchanged += n; break;
    case ACK_DEAD: c->dead += n; break;
    }
}

/* The ACK of p's document itself. A dead letter takes p's further
 * sources with it: the same bytes could not be processed from there
 * either. */
static void count_ack(producer_t *self, const pending_t *p, ack_status_t status)
{
    count_status(&self->counts, status, 1);
    if (status == ACK_DEAD)
        count_status(&self->counts, ACK_DEAD, p->more_count);
    if (status == ACK_DEAD)
        log_warn("document dead-lettered id=%.12s source=%s attempts=%u", p->id,
                 log_q(p->source), p->attempt);
    else
        log_debug("document committed id=%.12s source=%s status=%s", p->id,
                  log_q(p->source), ack_status_name(status));
}

/* The sink's HELLO. A new session means the sink restarted: whatever it
 * had received and not committed died with it, so every document out
 * with a worker or the sink is resent now rather than after
 * --retry-after. The resend is not charged to the documents: losing them
 * was the sink's doing. */
static void on_hello(producer_t *self, const message_t *msg)
{
    peers_t *peers = &self->peers;
    int64_t now = clock_ms();
    if (peers->sink_session[0] && strcmp(peers->sink_session, msg->session) != 0) {
        size_t resent = 0;
        for (size_t i = 0; i < inflight_count(self->inflight); i++) {
            pending_t *p = inflight_at(self->inflight, i);
            if (p->deadline && !goes_to_sink(p)) {
                p->forgiven++;
                retry_now(self, p);
                resent++;
            } else if (p->deadline) {
                p->deadline = 0;   /* a FAILED for the sink: send it again too */
                resent++;
            }
        }
        log_warn("sink restarted, resending what was in flight now documents=%zu", resent);
    } else if (!peers->sink_session[0] || now - peers->sink_heard > SINK_SILENCE_MS) {
        log_info("sink is acknowledging endpoint=%s", log_q(self->opt.acks));
    }
    memcpy(peers->sink_session, msg->session, sizeof peers->sink_session);
    peers->sink_heard = now;
    peers->next_sink_warning = 0;
}

/* Says so when a peer the producer needs has been missing for a few
 * seconds, and again every LINK_REMINDER_MS while it lasts: no worker
 * while documents wait, no word from the sink while documents wait for
 * acknowledgement, no connection to the sink's results endpoint. */
static void watch_peers(producer_t *self)
{
    peers_t *peers = &self->peers;
    int64_t now = clock_ms();
    size_t sent = 0, waiting = 0;
    for (size_t i = 0; i < inflight_count(self->inflight); i++)
        inflight_at(self->inflight, i)->deadline ? sent++ : waiting++;

    if (ledger_workers(self->ledger))
        peers->workers_seen = now;
    if (!ledger_workers(self->ledger) && (waiting || !self->walk_done)
        && now - peers->workers_seen >= LINK_FIRST_WARNING_MS
        && now >= peers->next_worker_warning) {
        peers->next_worker_warning = now + LINK_REMINDER_MS;
        log_warn("no worker connected for %.0f s, documents wait endpoint=%s documents=%zu "
                 "hint=%s", (now - peers->workers_seen) / 1000.0, log_q(self->opt.work),
                 waiting + !self->walk_done,
                 log_q("start workers with --work pointing at this address"));
    }

    if (sent && now - peers->sink_heard >= SINK_SILENCE_MS && now >= peers->next_sink_warning) {
        peers->next_sink_warning = now + LINK_REMINDER_MS;
        log_warn("%s for %.0f s, documents wait for acknowledgement endpoint=%s documents=%zu "
                 "hint=%s", peers->sink_session[0] ? "no word from the sink"
                                                   : "no sink has connected to the acks endpoint",
                 (now - peers->sink_heard) / 1000.0, log_q(self->opt.acks), sent,
                 log_q("is the sink running, and does its --acks name this address? "
                       "Documents it stores are not acknowledged and will be sent again"));
    }
    link_on_event(peers->sink_link);
    link_tick(peers->sink_link, now);
    link_on_event(peers->work_link);
    link_on_event(peers->acks_link);
    curve_tick(self->curve);
}

/* An ACK, for any document: the sink commits. One that was waited for
 * (wait_for_sink) has a backlog to commit first, what it held and what
 * queued up meanwhile: every document sent gets a whole --retry-after
 * from now before its worker can be blamed for it. */
static void sink_acknowledged(producer_t *self)
{
    peers_t *peers = &self->peers;
    int64_t now = clock_ms();
    if (peers->silent_said) {
        log_info("sink acknowledges again after_s=%.0f", (now - peers->last_ack) / 1000.0);
        for (size_t i = 0; i < inflight_count(self->inflight); i++) {
            pending_t *p = inflight_at(self->inflight, i);
            if (p->deadline && p->deadline < now + self->opt.retry_after_ms)
                p->deadline = now + self->opt.retry_after_ms;
            p->suspect = 0;
        }
    }
    peers->silent_said = 0;
    peers->last_ack = now;
}

/* p is done with: every source of it is acknowledged. */
static void finish(producer_t *self, pending_t *p, ack_status_t status)
{
    state_mark_acked(self->state, p->id, status);
    if (p->spooled)
        state_spool_remove(self->state, p->id);
    if (p->spooled && self->submit)
        submit_committed(self->submit, p->id, status);
    inflight_remove(self->inflight, p);
}

/* The sink's ACK for p: of its document, or of the SOURCES that follow
 * a committed row when the same bytes came from more than one source.
 * Returns 1 when p is finished. */
static int on_acked(producer_t *self, pending_t *p, const message_t *ack)
{
    if (!p->sources_phase) {
        count_ack(self, p, ack->status);
        report_acked(self->report, p, clock_ms());
        if (ack->status == ACK_DEAD || !p->more_count) {
            finish(self, p, ack->status);
            return 1;
        }
        p->sources_phase = 1;
        p->doc_status = ack->status;
    } else {
        uint32_t fresh = ack->new_sources <= p->more_sent ? ack->new_sources
                                                          : (uint32_t)p->more_sent;
        count_status(&self->counts, ACK_SOURCE, fresh);
        count_status(&self->counts, ACK_UNCHANGED, p->more_sent - fresh);
        inflight_drop_sources(self->inflight, p, p->more_sent);
        if (!p->more_count) {
            finish(self, p, p->doc_status);
            return 1;
        }
    }
    /* The sources (or the next of them) go out at once, as a DOC would. */
    p->deadline = 0;   /* if the sink's queue is full, send_due tries again */
    p->suspect = 0;
    send_pending(self, p);
    return 0;
}

/* ACKs arrive in bursts, one per sink commit. Each burst is committed to
 * the state at once, so a producer killed a moment later does not read
 * those files again. */
static void on_ack(producer_t *self)
{
    for (int acked = 0;; ) {
        message_t *msg;
        char error[256];
        wire_status_t status = wire_recv(self->acks, ZMQ_DONTWAIT, &msg, error, sizeof error);
        if (status == WIRE_AGAIN || status == WIRE_FAILED) {
            if (acked)
                state_flush(self->state);
            return;
        }
        if (status == WIRE_BAD) {
            log_warn("bad message on acks socket error=%s", log_q(error));
            self->counts.bad_acks++;
            continue;
        }
        /* Only the sink may say what is committed: an ACK from anyone
         * else would make us forget a document. */
        if (!curve_admits_named(self->curve, msg, "acks")) {
            message_destroy(&msg);
            continue;
        }
        if (msg->type == MSG_HELLO) {
            on_hello(self, msg);
            message_destroy(&msg);
            continue;
        }
        if (msg->type == MSG_ACK)
            sink_acknowledged(self);
        pending_t *p = msg->type == MSG_ACK ? inflight_find(self->inflight, msg->id) : NULL;
        /* An ACK for an id no longer in flight is the second answer to a
         * resent document: already counted. So is the answer to a
         * document (no "sources") once p has moved on to its sources,
         * and the other way round. */
        if (p && !msg->has_new_sources == !p->sources_phase)
            acked += on_acked(self, p, msg);
        else if (msg->type != MSG_ACK)
            log_warn("unexpected message on acks socket type=%s", message_type_name(msg->type));
        message_destroy(&msg);
    }
}

/* The counts into the status line and metrics. Ready once a worker is
 * connected and a sink has said HELLO lately. */
static void report_loop(producer_t *self)
{
    const producer_counts_t *c = &self->counts;
    report_totals_t totals = {
        .inputs = c->documents, .files = c->files, .lines = c->lines,
        .submissions = c->submissions, .skipped = c->skipped, .stored = c->stored,
        .updated = c->updated, .new_sources = c->new_sources,
        .unchanged = c->unchanged, .dead = c->dead, .retries = c->retries,
        .input_pending = !self->walk_done || self->in.open,
        .bad_work = c->bad_work, .bad_acks = c->bad_acks,
        .bad_submit = submit_rejected(self->submit), .submitted = submit_accepted(self->submit),
        .refused = curve_refused_count(self->curve),
    };
    if (self->spool_active)
        totals.spooled = (uint64_t)state_spool_waiting(self->state, self->spool_cursor,
                                                       SPOOL_BACKLOG * 4);
    int64_t now = clock_ms();
    char unwritable[160] = "";
    if (state_failing(self->state))
        snprintf(unwritable, sizeof unwritable, "the producer state cannot be written (%s), "
                 "no new input is read", state_fault(self->state));
    const char *missing = unwritable[0] ? unwritable
        : !ledger_workers(self->ledger) ? "no worker connected"
        : !self->peers.sink_session[0] || now - self->peers.sink_heard >= SINK_SILENCE_MS
            ? "no HELLO from a sink on the acks endpoint lately" : NULL;
    report_tick(self->report, &totals, self->inflight, ledger_workers(self->ledger), missing,
                now);
}

static long poll_timeout(producer_t *self)
{
    int64_t next = inflight_next_deadline(self->inflight);
    if (!next)
        return 1000;
    int64_t wait = next - clock_ms();
    return wait < 0 ? 0 : wait > 1000 ? 1000 : (long)wait;
}

/* Documents out with a worker or the sink, as opposed to read and
 * still waiting for credit. */
static size_t sent_count(producer_t *self)
{
    size_t sent = 0;
    for (size_t i = 0; i < inflight_count(self->inflight); i++)
        sent += inflight_at(self->inflight, i)->deadline != 0;
    return sent;
}

/* Documents taken in and not yet acknowledged: in flight (sent or
 * waiting for a worker's credit) and spooled (accepted from stdin, a
 * followed file or a client, not yet sent). */
static size_t undelivered(producer_t *self)
{
    size_t n = inflight_count(self->inflight);
    if (self->spool_active)
        n += (size_t)state_spool_waiting(self->state, self->spool_cursor, SPOOL_BACKLOG);
    return n;
}

/* Documents acknowledged so far: committed, unchanged or dead-lettered. */
static uint64_t acknowledged(const producer_t *self)
{
    const producer_counts_t *c = &self->counts;
    return c->stored + c->updated + c->new_sources + c->unchanged + c->dead;
}

/* Nothing taken in waits for acknowledgement: nothing in flight, nothing
 * in the spool. Spooled documents passed over (acknowledged out of order)
 * are gone round again. */
static int all_acknowledged(producer_t *self)
{
    if (inflight_count(self->inflight))
        return 0;
    if (!self->spool_active || state_spool_waiting(self->state, 0, 1) == 0)
        return 1;
    if (state_spool_waiting(self->state, self->spool_cursor, 1) == 0)
        self->spool_cursor = 0;
    return 0;
}

/* A stop request: read nothing more, and wait while what was taken in is
 * being committed (spooled documents are still sent meanwhile): as long
 * as acknowledgements keep coming, up to --drain-timeout. Nothing
 * acknowledged for DRAIN_QUIET_MS while no worker is connected or the
 * sink is silent ends it sooner: nobody would commit anything. Whatever
 * is left is sent by the next run: nothing is lost either way, and the
 * last line says how much that is. */
static int drained(producer_t *self)
{
    drain_t *d = &self->drain;
    int64_t now = clock_ms();
    if (!d->started) {
        d->started = d->progress_at = now;
        d->acked_at_start = d->acked_seen = acknowledged(self);
        self->walk_done = 1;
        log_info("stopping, waiting for documents in flight sent=%zu taken_in=%zu "
                 "drain_timeout_s=%.1f", sent_count(self), undelivered(self),
                 self->opt.drain_timeout_ms / 1000.0);
    }
    if (acknowledged(self) != d->acked_seen) {
        d->acked_seen = acknowledged(self);
        d->progress_at = now;
    }
    const char *reason;
    if (all_acknowledged(self))
        reason = "all_committed";
    else if (now - d->started >= self->opt.drain_timeout_ms)
        reason = "drain_timeout";
    else if (now - d->progress_at >= DRAIN_QUIET_MS
             && (!ledger_workers(self->ledger) || !sink_alive(self)))
        reason = !ledger_workers(self->ledger) ? "no_worker" : "no_sink";
    else
        return 0;
    size_t files = 0;
    for (size_t i = 0; i < inflight_count(self->inflight); i++)
        files += !inflight_at(self->inflight, i)->spooled;
    int spooled = self->spool_active ? state_spool_waiting(self->state, 0, INT_MAX) : 0;
    unsigned long long committed = acknowledged(self) - d->acked_at_start;
    double seconds = (now - d->started) / 1000.0;
    if (!files && !spooled)
        log_info("drained, stopping committed=%llu still_spooled=0 files_unacked=0 "
                 "seconds=%.2f reason=%s", committed, seconds, reason);
    else
        log_warn("stopping before every document was committed, the next run sends them "
                 "committed=%llu still_spooled=%d files_unacked=%zu seconds=%.2f reason=%s",
                 committed, spooled, files, seconds, reason);
    return 1;
}

/* The inputs that never end by themselves: only a stop request ends a
 * producer that watches, follows or takes submissions. */
static int runs_forever(const producer_t *self)
{
    return self->watch || self->follow || self->submit;
}

static int producer_run(producer_t *self)
{
    for (;;) {
        if (signals_stop_requested() && drained(self))
            return 0;
        int draining = self->drain.started != 0;
        spooled_t left;
        if (!runs_forever(self) && self->walk_done && !self->in.open
            && inflight_count(self->inflight) == 0) {
            if (!self->spool_active || !state_spool_next(self->state, 0, &left))
                return 0;
            state_spooled_clear(&left);
            /* Acknowledged, but the state could not drop them from the
             * spool: the next run sends them again (producer_main says so). */
            if (state_failing(self->state))
                return 0;
            /* Acknowledged out of order or resent: go round the spool again. */
            self->spool_cursor = 0;
        }
        zmq_pollitem_t items[8] = {
            { self->work, 0, ZMQ_POLLIN, 0 },
            { self->acks, 0, ZMQ_POLLIN, 0 },
            { link_socket(self->peers.work_link), 0, ZMQ_POLLIN, 0 },
            { link_socket(self->peers.sink_link), 0, ZMQ_POLLIN, 0 },
        };
        int count = 4;
        if (self->watch && watch_fd(self->watch) >= 0)
            items[count++] = (zmq_pollitem_t){ NULL, watch_fd(self->watch), ZMQ_POLLIN, 0 };
        /* No new input while the state cannot be written: what would be
         * read could not be recorded (files) or kept (spooled lines and
         * submissions). What is in flight goes on. */
        int writable = state_probe(self->state, clock_ms()) == 0;
        /* The spooling inputs are read only while the spool's backlog is
         * small: a fast writer then waits on the pipe, the file or the
         * socket (backpressure). */
        int spool_room = !draining && writable
                         && (self->in.open || self->follow || self->submit)
                         && spool_backlog_small(self);
        /* Meanwhile submissions are answered at once: REJECTED, why. */
        int refusing = !draining && !writable && self->submit;
        int read_in = spool_room && self->in.open;
        int in_item = count;
        if (read_in)
            items[count++] = (zmq_pollitem_t){ NULL, STDIN_FILENO, ZMQ_POLLIN, 0 };
        if (spool_room && self->follow && follow_fd(self->follow) >= 0)
            items[count++] = (zmq_pollitem_t){ NULL, follow_fd(self->follow), ZMQ_POLLIN, 0 };
        if ((spool_room || refusing) && self->submit)
            items[count++] = (zmq_pollitem_t){ submit_socket(self->submit), 0, ZMQ_POLLIN, 0 };
        long timeout = draining || !writable ? 100 : poll_timeout(self);
        if (self->watch && !draining)
            timeout = watch_timeout(self->watch, clock_ms(), timeout);
        if (spool_room && self->follow)
            timeout = follow_timeout(self->follow, clock_ms(), timeout);
        if (zmq_poll(items, count, timeout) < 0 && zmq_errno() != EINTR) {
            log_error("poll failed error=%s", log_q(zmq_strerror(zmq_errno())));
            return -1;
        }
        on_work_socket(self);
        on_ack(self);
        watch_peers(self);
        if (read_in && (items[in_item].revents & (ZMQ_POLLIN | ZMQ_POLLERR)))
            read_stdin(self);
        /* Lines and positions, one commit; or neither, and the lines come again. */
        if (spool_room && self->follow && follow_read(self->follow, clock_ms())
            && state_flush(self->state) != 0)
            rollback_followed(self);
        if ((spool_room || refusing) && self->submit) {
            char refusal[160];
            snprintf(refusal, sizeof refusal, "the producer cannot write its spool (%s); "
                     "submit again later", state_fault(self->state));
            submit_receive(self->submit, SPOOL_BACKLOG, refusing ? refusal : NULL);
        }
        reap_silent_workers(self);
        send_due(self);
        if (!draining)
            on_watch(self);
        feed(self, draining || state_failing(self->state));
        state_tick(self->state);
        if (clock_ms() >= self->next_compact) {
            state_compact(self->state, clock_ms());
            self->next_compact = clock_ms() + 1000;
        }
        report_loop(self);
    }
}

static link_t **socket_link(producer_t *self, int type)
{
    return type == ZMQ_ROUTER ? &self->peers.work_link
         : type == ZMQ_PULL ? &self->peers.acks_link : &self->peers.sink_link;
}

static void *open_socket(producer_t *self, int type, const char *endpoint, int bind)
{
    void *socket = zmq_socket(self->ctx, type);
    /* Watched from before the first connection (proto/link.h); a bound
     * socket's link reports the handshakes it refused. */
    if (bind) {
        *socket_link(self, type) = link_new(self->ctx, socket, endpoint, NULL, NULL);
        link_on_refused(*socket_link(self, type), curve_refused, self->curve);
    } else if (type == ZMQ_PUSH)
        self->peers.sink_link = link_new(self->ctx, socket, endpoint, "sink's results endpoint",
                                         "is the sink running, and does --sink name the "
                                         "address it binds with --results?");
    wire_configure(socket, 1000, type == ZMQ_PUSH ? -1 : 64 * 1024);
    if (type == ZMQ_ROUTER) {
        int on = 1;
        zmq_setsockopt(socket, ZMQ_ROUTER_MANDATORY, &on, sizeof on);
    }
    int rc = bind ? curve_server(self->curve, socket, endpoint)
                  : curve_client(self->curve, socket, endpoint, self->opt.sink_cert);
    if (rc == 0)
        rc = bind ? zmq_bind(socket, endpoint) : zmq_connect(socket, endpoint);
    if (rc != 0) {
        log_error("cannot %s endpoint=%s error=%s", bind ? "bind" : "connect",
                  log_q(endpoint), log_q(zmq_strerror(zmq_errno())));
        /* The link watches this socket: it goes first. */
        link_destroy(socket_link(self, type));
        zmq_close(socket);
        return NULL;
    }
    return socket;
}

static producer_t *producer_new(const producer_options_t *opt, curve_t *curve)
{
    producer_t *self = xcalloc(1, sizeof(producer_t));
    self->opt = *opt;
    self->curve = curve;
    self->names = names_new();
    for (int i = 0; i < opt->ignore_count; i++)
        names_ignore(self->names, opt->ignore[i]);
    self->walk = walk_new(self->names);
    if (opt->watch)
        self->watch = watch_new(self->names, opt->poll_ms, SETTLE_MS);
    self->own = ownfiles_new();
    self->inflight = inflight_new();
    self->ledger = ledger_new();
    self->ctx = curve_context(curve);
    self->peers.sink_heard = self->peers.workers_seen = self->peers.last_ack = clock_ms();
    self->report = report_new(&opt->monitor);
    return self;
}

static int producer_connect(producer_t *self)
{
    char *error = NULL;
    self->state = state_open(self->opt.state, &error);
    if (!self->state) {
        log_error("%s", error);
        free(error);
        return -1;
    }
    self->work = open_socket(self, ZMQ_ROUTER, self->opt.work, 1);
    self->acks = open_socket(self, ZMQ_PULL, self->opt.acks, 1);
    self->sink = open_socket(self, ZMQ_PUSH, self->opt.sink, 0);
    return self->work && self->acks && self->sink && report_start(self->report) == 0 ? 0 : -1;
}

static void producer_destroy(producer_t **self_p)
{
    producer_t *self = *self_p;
    link_destroy(&self->peers.work_link);
    link_destroy(&self->peers.sink_link);
    link_destroy(&self->peers.acks_link);
    if (self->work)
        zmq_close(self->work);
    if (self->acks)
        zmq_close(self->acks);
    if (self->sink)
        zmq_close(self->sink);
    submit_destroy(&self->submit);   /* its socket too, before the context ends */
    curve_destroy(&self->curve);
    walk_destroy(&self->walk);
    watch_destroy(&self->watch);
    linebuf_free(&self->in.lines);
    follow_destroy(&self->follow);
    if (self->in.is_pipe) {
        close(self->in.peek[0]);
        close(self->in.peek[1]);
    }
    names_destroy(&self->names);
    ownfiles_destroy(&self->own);
    state_close(&self->state);
    inflight_destroy(&self->inflight);
    ledger_destroy(&self->ledger);
    report_destroy(&self->report);
    free(self);
    *self_p = NULL;
}

/* --files0-from: paths ended by NUL bytes, so any file name (newlines
 * included) survives. A listed path that no longer exists is not an
 * error for the whole run: it is logged and skipped. */
static int add_listed_paths(producer_t *self, const char *list)
{
    FILE *f = fopen(list, "r");
    if (!f) {
        fprintf(stderr, "feedmill producer: %s: %s\n", list, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getdelim(&line, &cap, '\0', f)) > 0) {
        if (line[n - 1] == '\0')
            n--;
        if (n == 0)
            continue;
        line[n] = '\0';
        char *error = NULL;
        if (walk_add(self->walk, line, &error) != 0) {
            log_warn("listed path not found, skipping error=%s", log_q(error));
            free(error);
        }
    }
    free(line);
    fclose(f);
    return 0;
}

static int add_paths(producer_t *self, int argc, char **argv)
{
    for (int i = optind; i < argc; i++) {
        char *error = NULL;
        if (!strcmp(argv[i], "-")) {
            self->in.open = 1;
            continue;
        }
        if (walk_add(self->walk, argv[i], &error) != 0) {
            fprintf(stderr, "feedmill producer: %s\n", error);
            free(error);
            return -1;
        }
    }
    if (self->opt.files0_from && add_listed_paths(self, self->opt.files0_from) != 0)
        return -1;
    /* Watches go up before the first walk, so no file written meanwhile
     * falls between the two. */
    size_t watched = 0;
    for (int i = optind; self->watch && i < argc; i++)
        watched += watch_add(self->watch, argv[i]) == 0;
    if (self->watch)
        log_info("watching for new files folders=%zu mode=%s", watched,
                 watch_fd(self->watch) >= 0 ? "inotify" : "polling");
    ownfiles_add(self->own, self->opt.state);
    for (int i = 0; i < self->opt.skip_count; i++)
        ownfiles_add(self->own, self->opt.skip[i]);
    return 0;
}

/* --follow and --submit: the JSON-lines files and the socket. */
static int open_feeds(producer_t *self)
{
    if (self->opt.follow_count) {
        self->follow = follow_new(self->state, take_followed_line, self);
        for (int i = 0; i < self->opt.follow_count; i++) {
            char *error = NULL;
            if (follow_add(self->follow, self->opt.follow[i], &error) != 0) {
                fprintf(stderr, "feedmill producer: %s\n", error);
                log_error("%s", error);
                free(error);
                return -1;
            }
        }
        if (state_flush(self->state) != 0)
            rollback_followed(self);
        log_info("following files=%zu", follow_count(self->follow));
    }
    if (self->opt.submit) {
        char *error = NULL;
        self->submit = submit_new(self->ctx, self->curve, self->opt.submit, self->state, &error);
        if (!self->submit) {
            log_error("%s", error);
            free(error);
            return -1;
        }
        log_info("taking submissions endpoint=%s", log_q(self->opt.submit));
    }
    return 0;
}

/* The state at exit: what is pending is committed, once more tried if
 * the state was failing. -1 when it still cannot be written: the next run
 * repeats what this one could not record (sends again files and spooled
 * documents already acknowledged: the sink finds them unchanged), and
 * the producer exits 4 so that `run` and operators hear of it. */
static int last_commit(producer_t *self)
{
    state_probe(self->state, INT64_MAX);
    if (state_flush(self->state) == 0)
        return 0;
    log_error("producer state cannot be written at exit, the next run sends again what this "
              "one could not record path=%s reason=%s error=%s", log_q(state_path(self->state)),
              state_fault(self->state), log_q(state_error(self->state)));
    return -1;
}

int producer_main(int argc, char **argv)
{
    producer_options_t opt;
    int rc = producer_options_parse(&opt, argc, argv);
    if (rc >= 0) {
        producer_options_free(&opt);
        return rc;
    }
    log_init("producer");
    signals_install();
    /* Keys first: a network endpoint without them refuses to start. */
    char *error = NULL;
    curve_t *curve = curve_new(opt.cert, opt.allow, opt.insecure, &error);
    if (curve && (curve_check(curve, opt.work, NULL, NULL, &error) != 0
                  || curve_check(curve, opt.acks, NULL, NULL, &error) != 0
                  || curve_check(curve, opt.sink, opt.sink_cert, "--sink-cert", &error) != 0
                  || (opt.submit && curve_check(curve, opt.submit, NULL, NULL, &error) != 0)))
        curve_destroy(&curve);
    if (!curve) {
        fprintf(stderr, "feedmill producer: %s\n", error);
        free(error);
        producer_options_free(&opt);
        return 2;
    }
    producer_t *self = producer_new(&opt, curve);
    if (add_paths(self, argc, argv) != 0 || producer_connect(self) != 0
        || (self->in.open && open_stdin(self) != 0) || open_feeds(self) != 0) {
        producer_destroy(&self);
        producer_options_free(&opt);
        return 1;
    }
    self->spool_active = self->in.open || self->follow || self->submit
                         || state_spool_waiting(self->state, 0, 1) > 0;
    int64_t started = clock_ms();
    log_info("started work=%s acks=%s sink=%s", log_q(opt.work), log_q(opt.acks), log_q(opt.sink));
    int ok = producer_run(self) == 0;
    int state_ok = last_commit(self) == 0;
    producer_counts_t *c = &self->counts;
    /* One set of figures, one vocabulary (summary.h): the log's last line,
     * --summary's on stdout, and --summary-file's JSON for `feedmill run`. */
    producer_summary_t summary = {
        .documents = c->documents, .files = c->files, .lines = c->lines,
        .submissions = c->submissions, .skipped = c->skipped, .stored = c->stored,
        .updated = c->updated, .new_sources = c->new_sources, .unchanged = c->unchanged,
        .dead = c->dead, .retries = c->retries, .skipped_paths = walk_skipped(self->walk),
        .own_files = c->own_files,
    };
    buf_t figures = BUF_INIT;
    producer_summary_text(&summary, &figures);
    log_info("finished %s seconds=%.2f", buf_str(&figures), (clock_ms() - started) / 1000.0);
    if (opt.summary)
        printf("summary %s\n", buf_str(&figures));
    buf_free(&figures);
    char *summary_error = NULL;
    if (opt.summary_file
        && producer_summary_write(&summary, opt.summary_file, &summary_error) != 0) {
        log_error("cannot write the summary error=%s", log_q(summary_error));
        free(summary_error);
    }
    rc = !ok ? 1 : !state_ok ? 4 : c->dead ? 3 : 0;
    producer_destroy(&self);
    producer_options_free(&opt);
    return rc;
}
