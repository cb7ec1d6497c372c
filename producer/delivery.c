/* delivery: the producer's documents out, and what comes back. See loop.h.
 *
 * A document goes to the worker with the most room, and stays in the
 * in-flight table until the sink's ACK says its row is committed. Without
 * one by --retry-after it goes out again; after --max-attempts it goes to
 * the sink as FAILED, a dead letter with the reason. A worker that falls
 * silent loses what it held to others at once; one that heartbeats but
 * holds a document past --retry-after is paused, and that document goes
 * to another uncharged, but only while the sink acknowledges others'
 * documents: a sink that commits nothing is waited for, and no worker is
 * blamed (sink_to_blame). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "producer/inflight.h"
#include "producer/ledger.h"
#include "producer/loop.h"
#include "producer/report.h"
#include "producer/state.h"
#include "producer/submit.h"
#include "producer/walk.h"
#include "proto/curve.h"
#include "proto/link.h"
#include "proto/message.h"
#include "proto/wire.h"

/* After max-attempts sends the document goes to the sink as FAILED:
 * one that keeps taking workers down is not sent to them again. */
void producer_give_up(producer_t *self, pending_t *p)
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
        producer_give_up(self, p);
    p->deadline = 0;
}

int producer_sink_alive(const producer_t *self)
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
    if (!producer_sink_alive(self))
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
    int alive = producer_sink_alive(self);
    log_warn("sink acknowledges nothing, waiting for it without blaming any worker "
             "in_flight=%zu since_s=%.0f sink=%s hint=%s", producer_sent_count(self),
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
void producer_reap_silent_workers(producer_t *self)
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
int producer_send_pending(producer_t *self, pending_t *p)
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

void producer_send_due(producer_t *self)
{
    int64_t now = clock_ms();
    for (size_t i = 0; i < inflight_count(self->inflight); i++) {
        pending_t *p = inflight_at(self->inflight, i);
        if (p->deadline && p->deadline <= now)
            expire(self, p);
        if (!p->deadline && producer_send_pending(self, p) == 0 && p->attempt > 1)
            state_note_attempts(self->state, p->id, p->attempt, NULL);
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

void producer_on_work_socket(producer_t *self)
{
    for (;;) {
        wire_peer_t peer;
        message_t *msg;
        char *error;
        wire_status_t status = wire_recv_from(self->work, ZMQ_DONTWAIT, &peer, &msg, &error);
        if (status == WIRE_AGAIN || status == WIRE_FAILED)
            return;
        if (status == WIRE_BAD) {
            log_warn("bad message on work socket error=%s", log_q(error));
            free(error);
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
 * was the sink's doing.
 *
 * The first HELLO of this run is compared with the session an earlier
 * run heard last (the state keeps it): a producer killed and restarted
 * resends its predecessor's documents, and their results may reach a
 * sink that dies before it ever says HELLO to the new producer. Without
 * the earlier session those results would wait out --retry-after. But
 * only when a sink died during this run, its connection to us closed:
 * at an ordinary start (everything stopped, then started again) the
 * sink is new since the last run, and the documents sent before its
 * HELLO are on their way to it, not lost. Everything in flight is resent
 * then, not only what went out before our connection closed: a worker's
 * connection can learn of the death later than ours, and the results it
 * wrote meanwhile are lost too (a test saw 4 of 1000 so). */
static void on_hello(producer_t *self, const message_t *msg)
{
    peers_t *peers = &self->peers;
    int64_t now = clock_ms();
    const char *known = peers->sink_session[0] ? peers->sink_session : peers->earlier_session;
    /* A closed connection not read yet (the sink's death comes before
     * its successor's HELLO). */
    link_check(peers->sink_link, now);
    int sink_died = peers->sink_session[0] || link_last_disconnect(peers->sink_link) > 0;
    int new_session = strcmp(known, msg->session) != 0;
    if (new_session) {
        /* Said to the state once per session; a write lost to a crash
         * only makes the next run resend once more. */
        char *error = NULL;
        if (state_set_note(self->state, STATE_SINK_SESSION, msg->session, &error) != 0) {
            log_debug("sink session not kept in the state error=%s", log_q(error));
            free(error);
        }
    }
    if (new_session && known[0] && sink_died) {
        size_t resent = 0;
        for (size_t i = 0; i < inflight_count(self->inflight); i++) {
            pending_t *p = inflight_at(self->inflight, i);
            if (!p->deadline)
                continue;
            if (!goes_to_sink(p)) {
                p->forgiven++;
                retry_now(self, p);
            } else {
                p->deadline = 0;   /* a FAILED for the sink: send it again too */
            }
            resent++;
        }
        log_warn("sink restarted, resending what was in flight now documents=%zu since=%s",
                 resent, peers->sink_session[0] ? "this_run" : "last_run");
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
void producer_watch_peers(producer_t *self)
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
    link_check(peers->sink_link, now);
    link_check(peers->work_link, now);
    link_check(peers->acks_link, now);
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
    state_mark_acked(self->state, p->id, status, NULL);
    if (p->spool_seq)
        state_spool_remove(self->state, p->id, p->spool_seq, NULL);
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
    producer_send_pending(self, p);
    return 0;
}

/* ACKs arrive in bursts, one per sink commit. Each burst is committed to
 * the state at once, so a producer killed a moment later does not read
 * those files again. */
void producer_on_ack(producer_t *self)
{
    for (int acked = 0;; ) {
        message_t *msg;
        char *error;
        wire_status_t status = wire_recv(self->acks, ZMQ_DONTWAIT, &msg, &error);
        if (status == WIRE_AGAIN || status == WIRE_FAILED) {
            if (acked)
                state_flush(self->state, NULL);
            return;
        }
        if (status == WIRE_BAD) {
            log_warn("bad message on acks socket error=%s", log_q(error));
            free(error);
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

/* Documents out with a worker or the sink, as opposed to read and
 * still waiting for credit. */
size_t producer_sent_count(producer_t *self)
{
    size_t sent = 0;
    for (size_t i = 0; i < inflight_count(self->inflight); i++)
        sent += inflight_at(self->inflight, i)->deadline != 0;
    return sent;
}
