/* submit: the submission socket. See submit.h. */
#include "submit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
#include "proto/link.h"
#include "proto/wire.h"

enum {
    /* Clients waiting for COMMITTED. The spool's backlog bounds them in
     * practice (the socket is read only while it is small); past this
     * many, a new request is accepted but not followed up, and said so. */
    MAX_WAITERS = 65536,
    /* A SUBMIT carries at most a 64 MiB body plus hints and source. */
    MAX_MESSAGE = 80 << 20,
};

typedef struct waiter {
    wire_peer_t peer;
    uint64_t ref;
    char id[DOC_ID_LEN + 1];
} waiter_t;

/* An answer owed once the spool is committed. */
typedef struct answer {
    wire_peer_t peer;
    message_t msg;
    int want_commit;        /* the client asked for COMMITTED */
} answer_t;

struct submit {
    void *socket;
    curve_t *curve;             /* CURVE over tcp://; not ours */
    link_t *link;               /* reports refused handshakes */
    state_t *state;
    waiter_t *waiters;
    size_t waiter_count, waiter_cap;
    int waiters_full_logged;
    unsigned long long accepted, rejected;
};

submit_t *submit_new(void *ctx, curve_t *curve, const char *endpoint, state_t *state,
                     char **error)
{
    submit_t *self = xcalloc(1, sizeof(submit_t));
    self->state = state;
    self->curve = curve;
    self->socket = zmq_socket(ctx, ZMQ_ROUTER);
    wire_configure(self->socket, 1000, MAX_MESSAGE);
    int on = 1;
    zmq_setsockopt(self->socket, ZMQ_ROUTER_MANDATORY, &on, sizeof on);
    self->link = link_new(ctx, self->socket, endpoint, NULL, NULL);
    link_on_refused(self->link, curve_refused, curve);
    if (curve_server(curve, self->socket, endpoint) != 0
        || zmq_bind(self->socket, endpoint) != 0) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "cannot bind the submission socket endpoint=%s error=%s",
                   log_q(endpoint), log_q(zmq_strerror(zmq_errno())));
        *error = buf_detach(&why);
        submit_destroy(&self);
        return NULL;
    }
    return self;
}

void submit_destroy(submit_t **self_p)
{
    submit_t *self = *self_p;
    if (!self)
        return;
    link_destroy(&self->link);
    if (self->socket)
        zmq_close(self->socket);
    free(self->waiters);
    free(self);
    *self_p = NULL;
}

void *submit_socket(submit_t *self)
{
    return self->socket;
}

unsigned long long submit_accepted(const submit_t *self)
{
    return self ? self->accepted : 0;
}

unsigned long long submit_rejected(const submit_t *self)
{
    return self ? self->rejected : 0;
}

static void reply(submit_t *self, const wire_peer_t *peer, const message_t *msg)
{
    /* A client that left, or whose queue is full, misses its answer; it
     * submits again and the document's id makes the repeat harmless. */
    if (wire_send_to(self->socket, peer, msg, ZMQ_DONTWAIT) != 0)
        log_debug("cannot answer a submitting client type=%s error=%s",
                  message_type_name(msg->type), log_q(zmq_strerror(errno)));
}

/* bad: the message was not a valid SUBMIT (counted), rather than a
 * document the spool could not take now. */
static void reject(submit_t *self, const wire_peer_t *peer, int has_ref, uint64_t ref,
                   const char *why, int bad)
{
    message_t msg = { .type = MSG_REJECTED, .ref = ref, .has_ref = has_ref,
                      .error = (char *)why };
    self->rejected += bad != 0;
    reply(self, peer, &msg);
}

static void add_waiter(submit_t *self, const wire_peer_t *peer, uint64_t ref, const char *id)
{
    if (self->waiter_count == MAX_WAITERS) {
        if (!self->waiters_full_logged)
            log_warn("too many clients wait for COMMITTED, new requests are accepted without "
                     "it waiting=%d", MAX_WAITERS);
        self->waiters_full_logged = 1;
        return;
    }
    if (self->waiter_count == self->waiter_cap) {
        self->waiter_cap = self->waiter_cap ? 2 * self->waiter_cap : 64;
        self->waiters = xrealloc(self->waiters, self->waiter_cap * sizeof(waiter_t));
    }
    waiter_t *w = &self->waiters[self->waiter_count++];
    w->peer = *peer;
    w->ref = ref;
    memcpy(w->id, id, sizeof w->id);
}

/* One SUBMIT into the spool; its ACCEPTED goes into answers, to be sent
 * after the commit. Returns -1 with the reason in *error when the spool
 * write failed: the state then rolled back the whole transaction, the
 * documents taken before this one included (producer/state.h). */
static int take(submit_t *self, const wire_peer_t *peer, message_t *msg, answer_t *answers,
                int *count, char **error)
{
    char id[DOC_ID_LEN + 1];
    hash_doc_id(msg->body, msg->body_len, id);
    answer_t *a = &answers[(*count)++];
    a->peer = *peer;
    a->msg = (message_t){ .type = MSG_ACCEPTED, .ref = msg->ref };
    a->want_commit = msg->want_commit;
    memcpy(a->msg.id, id, sizeof a->msg.id);
    int64_t number = state_position(self->state, "submit") + 1;
    char fallback[40];
    snprintf(fallback, sizeof fallback, "submit:%lld", (long long)number);
    const char *source = msg->source ? msg->source : fallback;
    if (state_set_position(self->state, "submit", number, error) != 0
        || state_spool_add(self->state, SPOOL_SUBMISSION, id, source, msg->body, msg->body_len, NULL,
                           &msg->hints, error) != 0)
        return -1;
    log_debug("document submitted id=%.12s source=%s ref=%llu", id, log_q(source),
              (unsigned long long)msg->ref);
    return 0;
}

int submit_receive(submit_t *self, int limit, const char *refuse)
{
    if (limit <= 0)
        return 0;
    link_on_event(self->link);
    answer_t *answers = xmalloc((size_t)limit * sizeof(answer_t));
    int count = 0, failed = 0;
    char *unwritten = NULL;   /* why the spool could not be written */
    while (count < limit && !failed) {
        wire_peer_t peer;
        message_t *msg = NULL;
        char *error = NULL;
        wire_status_t status = wire_recv_from(self->socket, ZMQ_DONTWAIT, &peer, &msg, &error);
        if (status == WIRE_AGAIN || status == WIRE_FAILED)
            break;
        if (status == WIRE_OK && !curve_admits(self->curve, msg, "submission")) {
            /* A key revoked while connected: not answered at all. */
        } else if (status == WIRE_BAD) {
            log_warn("bad message on the submission socket error=%s", log_q(error));
            reject(self, &peer, 0, 0, error, 1);
        } else if (msg->type != MSG_SUBMIT) {
            log_warn("unexpected message on the submission socket type=%s",
                     message_type_name(msg->type));
            reject(self, &peer, 0, 0, "only SUBMIT is accepted on the submission socket", 1);
        } else if (refuse) {
            reject(self, &peer, 1, msg->ref, refuse, 0);
        } else {
            failed = take(self, &peer, msg, answers, &count, &unwritten) != 0;
        }
        message_destroy(&msg);
        free(error);
    }
    /* The promise of ACCEPTED: the documents are on disk, every write
     * and the COMMIT succeeded. Else none of the batch is (the state
     * rolled the transaction back), and each is REJECTED: its client
     * submits again later. */
    int stored = count && !failed && state_flush(self->state, &unwritten) == 0;
    if (count && !stored) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "the producer cannot write its spool (%s: %s); submit again later",
                   state_fault(self->state), unwritten);
        log_warn("submitted documents rejected, the spool cannot be written documents=%d "
                 "error=%s", count, log_q(unwritten));
        for (int i = 0; i < count; i++)
            reject(self, &answers[i].peer, 1, answers[i].msg.ref, buf_str(&why), 0);
        buf_free(&why);
    }
    free(unwritten);
    for (int i = 0; stored && i < count; i++) {
        if (answers[i].want_commit)
            add_waiter(self, &answers[i].peer, answers[i].msg.ref, answers[i].msg.id);
        reply(self, &answers[i].peer, &answers[i].msg);
    }
    self->accepted += stored ? (unsigned long long)count : 0;
    free(answers);
    return stored ? count : 0;
}

void submit_committed(submit_t *self, const char *id, ack_status_t status)
{
    for (size_t i = 0; i < self->waiter_count; ) {
        waiter_t *w = &self->waiters[i];
        if (strcmp(w->id, id) != 0) {
            i++;
            continue;
        }
        message_t msg = { .type = MSG_COMMITTED, .ref = w->ref, .status = status };
        memcpy(msg.id, id, sizeof msg.id);
        reply(self, &w->peer, &msg);
        self->waiters[i] = self->waiters[--self->waiter_count];
    }
    if (self->waiter_count < MAX_WAITERS / 2)
        self->waiters_full_logged = 0;
}
