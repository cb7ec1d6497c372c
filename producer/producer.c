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
 * --metrics (producer/report.h), fed from the counts the loop keeps.
 *
 * This file opens the sockets, polls, and starts, drains and stops; the
 * loop's other parts share its state through producer/loop.h: intake.c
 * reads inputs into the in-flight table, delivery.c sends documents out
 * and hears what comes back (READY, FAILED, HELLO, ACK). */
#include "producer/producer.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "common/args.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"
#include "producer/follow.h"
#include "producer/inflight.h"
#include "producer/ledger.h"
#include "producer/loop.h"
#include "producer/names.h"
#include "producer/options.h"
#include "producer/ownfiles.h"
#include "producer/report.h"
#include "producer/state.h"
#include "producer/stdin_feed.h"
#include "producer/submit.h"
#include "producer/summary.h"
#include "producer/walk.h"
#include "producer/watch.h"
#include "proto/curve.h"
#include "proto/link.h"
#include "proto/wire.h"

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
        .input_pending = !self->walk_done || stdin_feed_open(self->in),
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
                 "drain_timeout_s=%.1f", producer_sent_count(self), undelivered(self),
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
             && (!ledger_workers(self->ledger) || !producer_sink_alive(self)))
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
        if (!runs_forever(self) && self->walk_done && !stdin_feed_open(self->in)
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
        zmq_pollitem_t items[9] = {
            { self->work, 0, ZMQ_POLLIN, 0 },
            { self->acks, 0, ZMQ_POLLIN, 0 },
        };
        int count = 2;
        /* The links only while down (proto/link.h): each socket polled
         * costs four syscalls a time round, and a busy producer goes
         * round once or twice a document. */
        link_t *links[] = { self->peers.work_link, self->peers.sink_link, self->peers.acks_link };
        for (size_t i = 0; i < sizeof links / sizeof *links; i++)
            if (links[i] && link_polled(links[i]))
                items[count++] = (zmq_pollitem_t){ link_socket(links[i]), 0, ZMQ_POLLIN, 0 };
        if (self->watch && watch_fd(self->watch) >= 0)
            items[count++] = (zmq_pollitem_t){ NULL, watch_fd(self->watch), ZMQ_POLLIN, 0 };
        /* No new input while the state cannot be written: what would be
         * read could not be recorded (files) or kept (spooled lines and
         * submissions). What is in flight goes on. */
        int writable = state_probe(self->state, clock_ms(), NULL) == 0;
        /* The spooling inputs are read only while the spool's backlog is
         * small: a fast writer then waits on the pipe, the file or the
         * socket (backpressure). */
        int spool_room = !draining && writable
                         && (stdin_feed_open(self->in) || self->follow || self->submit)
                         && producer_spool_backlog_small(self);
        /* Meanwhile submissions are answered at once: REJECTED, why. */
        int refusing = !draining && !writable && self->submit;
        int read_in = spool_room && stdin_feed_open(self->in);
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
        /* Read only what the poll found waiting: a read that finds
         * nothing still costs ZeroMQ two system calls. */
        if (items[0].revents & ZMQ_POLLIN)
            producer_on_work_socket(self);
        if (items[1].revents & ZMQ_POLLIN)
            producer_on_ack(self);
        producer_watch_peers(self);
        if (read_in && (items[in_item].revents & (ZMQ_POLLIN | ZMQ_POLLERR)))
            stdin_feed_read(self->in);
        /* Lines and positions, one commit; or neither, and the lines come again. */
        if (spool_room && self->follow && follow_read(self->follow, clock_ms())
            && state_flush(self->state, NULL) != 0)
            producer_rollback_followed(self);
        if ((spool_room || refusing) && self->submit) {
            char refusal[160];
            snprintf(refusal, sizeof refusal, "the producer cannot write its spool (%s); "
                     "submit again later", state_fault(self->state));
            submit_receive(self->submit, SPOOL_BACKLOG, refusing ? refusal : NULL);
        }
        producer_reap_silent_workers(self);
        producer_send_due(self);
        if (!draining)
            producer_on_watch(self);
        producer_feed(self, draining || state_failing(self->state));
        state_tick(self->state, NULL);   /* refused: state_failing() stops new input above */
        if (clock_ms() >= self->next_compact) {
            state_compact(self->state, clock_ms(), NULL);
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
    if (type == ZMQ_PULL) {
        int hwm = WIRE_ACK_HWM;
        zmq_setsockopt(socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
    }
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
    state_note(self->state, STATE_SINK_SESSION, self->peers.earlier_session,
               sizeof self->peers.earlier_session);
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
    stdin_feed_destroy(&self->in);
    follow_destroy(&self->follow);
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
            self->stdin_wanted = 1;
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
        self->follow = follow_new(self->state, producer_take_followed_line, self);
        for (int i = 0; i < self->opt.follow_count; i++) {
            char *error = NULL;
            if (follow_add(self->follow, self->opt.follow[i], &error) != 0) {
                fprintf(stderr, "feedmill producer: %s\n", error);
                log_error("%s", error);
                free(error);
                return -1;
            }
        }
        if (state_flush(self->state, NULL) != 0)
            producer_rollback_followed(self);
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
    state_probe(self->state, INT64_MAX, NULL);
    char *error = NULL;
    if (state_flush(self->state, &error) == 0)
        return 0;
    log_error("producer state cannot be written at exit, the next run sends again what this "
              "one could not record path=%s reason=%s error=%s", log_q(state_path(self->state)),
              state_fault(self->state), log_q(error));
    free(error);
    return -1;
}

int producer_main(int argc, char **argv)
{
    producer_options_t opt;
    producer_options_init(&opt);
    int rc = args_start(&producer_command, &opt, argc, argv);
    if (rc >= 0) {
        producer_options_free(&opt);
        return rc;
    }
    /* Keys first: a network endpoint without them refuses to start. */
    const curve_peer_t peers[] = {
        { .endpoint = opt.work }, { .endpoint = opt.acks },
        { .endpoint = opt.sink, .server_cert = opt.sink_cert, .option = "--sink-cert" },
        { .endpoint = opt.submit },
    };
    curve_t *curve = curve_open("producer", opt.cert, opt.allow, opt.insecure, peers, 4);
    if (!curve) {
        producer_options_free(&opt);
        return 2;
    }
    producer_t *self = producer_new(&opt, curve);
    if (add_paths(self, argc, argv) != 0 || producer_connect(self) != 0
        || (self->stdin_wanted && !(self->in = stdin_feed_new(self->state, producer_take_stdin_line, self)))
        || open_feeds(self) != 0) {
        producer_destroy(&self);
        producer_options_free(&opt);
        return 1;
    }
    self->spool_active = stdin_feed_open(self->in) || self->follow || self->submit
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
