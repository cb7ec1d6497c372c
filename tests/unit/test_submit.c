/* Unit tests for producer/submit, the submission socket, over real
 * ZeroMQ sockets (ipc:// in a temporary folder, and tcp://127.0.0.1) and
 * a real state: a client's SUBMIT is answered ACCEPTED only once it is
 * in the committed spool, COMMITTED when asked and the sink committed
 * it, REJECTED with the reason for bad messages, for a refusing state
 * and for a spool write that fails (then never ACCEPTED). Waits are for
 * messages (zmq_poll, up to 10 s), never fixed sleeps. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zmq.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/hash.h"
#include "producer/state.h"
#include "producer/submit.h"
#include "proto/curve.h"
#include "proto/wire.h"
#include "testing.h"


/* A producer's side (curve, state, submission socket) and one client. */
typedef struct rig {
    curve_t *curve;
    state_t *state;
    submit_t *submit;
    void *client;
    char endpoint[800];
} rig_t;

static int rig_open(rig_t *r, const char *name, const char *endpoint, int insecure)
{
    memset(r, 0, sizeof *r);
    char *error = NULL;
    r->curve = curve_new(NULL, NULL, insecure, &error);
    CHECK_MSG(r->curve != NULL, error);
    free(error);
    error = NULL;
    TESTING_PATH(db, name);
    r->state = state_open(db, &error);
    CHECK_MSG(r->state != NULL, error);
    free(error);
    error = NULL;
    if (!r->curve || !r->state)
        return -1;
    r->submit = submit_new(curve_context(r->curve), r->curve, endpoint, r->state, &error);
    CHECK_MSG(r->submit != NULL, error);
    free(error);
    if (!r->submit)
        return -1;
    /* A wildcard port: the one the kernel gave. */
    size_t size = sizeof r->endpoint;
    CHECK(zmq_getsockopt(submit_socket(r->submit), ZMQ_LAST_ENDPOINT, r->endpoint, &size) == 0);
    r->client = zmq_socket(curve_context(r->curve), ZMQ_DEALER);
    wire_configure(r->client, 0, -1);
    CHECK(zmq_connect(r->client, r->endpoint) == 0);
    return 0;
}

static void rig_close(rig_t *r)
{
    if (r->client)
        zmq_close(r->client);
    submit_destroy(&r->submit);
    CHECK(r->submit == NULL);
    state_close(&r->state);
    curve_destroy(&r->curve);
}

static void send_submit(rig_t *r, uint64_t ref, const char *body, size_t len, const char *source,
                        int want_commit)
{
    message_t *m = message_new(MSG_SUBMIT);
    m->ref = ref;
    m->body = malloc(len ? len : 1);
    memcpy(m->body, body, len);
    m->body_len = len;
    m->source = source ? strdup(source) : NULL;
    m->want_commit = want_commit;
    CHECK(wire_send(r->client, m, 0) == 0);
    message_destroy(&m);
}

/* Serves the socket (submit_receive with limit and refuse) until the
 * client has n answers; returns them (NULL after 10 s without). */
typedef struct served {
    message_t *answers[16];
    int count;
    int spooled;            /* sum of submit_receive's returns */
    int most;               /* its largest return */
} served_t;

static void serve(rig_t *r, int n, int limit, const char *refuse, served_t *out)
{
    memset(out, 0, sizeof *out);
    int64_t deadline = clock_ms() + 10000;
    while (out->count < n && clock_ms() < deadline) {
        zmq_pollitem_t items[] = {
            { submit_socket(r->submit), 0, ZMQ_POLLIN, 0 },
            { r->client, 0, ZMQ_POLLIN, 0 },
        };
        if (zmq_poll(items, 2, 100) < 0)
            continue;
        if (items[0].revents & ZMQ_POLLIN) {
            int got = submit_receive(r->submit, limit, refuse);
            out->spooled += got;
            if (got > out->most)
                out->most = got;
        }
        if (items[1].revents & ZMQ_POLLIN) {
            message_t *m = NULL;
            char *error = NULL;
            CHECK(wire_recv(r->client, 0, &m, &error) == WIRE_OK);
            free(error);
            if (m && out->count < 16)
                out->answers[out->count++] = m;
            else
                message_destroy(&m);
        }
    }
    CHECK_MSG(out->count == n, "the client got its answers");
}

static void served_free(served_t *s)
{
    for (int i = 0; i < s->count; i++)
        message_destroy(&s->answers[i]);
    s->count = 0;
}

static message_t *answer(served_t *s, int i)
{
    static message_t none;
    none.type = (message_type_t)-1;
    return i < s->count ? s->answers[i] : &none;
}

static void test_accepted(void)
{
    TESTING_PATH(endpoint, "submit");
    char ipc[800];
    snprintf(ipc, sizeof ipc, "ipc://%s", endpoint);
    rig_t r;
    if (rig_open(&r, "accepted.db", ipc, 0) == 0) {
        const char *body = "<p>한국어 문서</p>\xff";
        send_submit(&r, 7, body, strlen(body), "client:1", 0);
        served_t s;
        serve(&r, 1, 100, NULL, &s);
        char id[DOC_ID_LEN + 1];
        hash_doc_id(body, strlen(body), id);
        message_t *a = answer(&s, 0);
        CHECK(a->type == MSG_ACCEPTED);
        CHECK(a->ref == 7);
        CHECK_STR(a->id, id);
        CHECK(s.spooled == 1);
        CHECK(submit_accepted(r.submit) == 1 && submit_rejected(r.submit) == 0);
        served_free(&s);

        /* Once ACCEPTED, the document is in the spool on disk: another
         * connection to the file sees it. */
        TESTING_PATH(db, "accepted.db");
        char *error = NULL;
        state_t *other = state_open(db, &error);
        CHECK_MSG(other != NULL, error);
        free(error);
        spooled_t doc = { 0 };
        CHECK(other && state_spool_next(other, 0, &doc) == 1);
        CHECK_STR(doc.id, id);
        CHECK_STR(doc.source, "client:1");
        CHECK(doc.input == SPOOL_SUBMISSION);
        CHECK(doc.len == strlen(body) && doc.body && memcmp(doc.body, body, doc.len) == 0);
        state_spooled_clear(&doc);
        state_close(&other);

        /* Without a source, one is made up: submit:N, N counting on. */
        send_submit(&r, 8, "second", 6, NULL, 0);
        send_submit(&r, 9, "second", 6, NULL, 0);   /* the same bytes: the same id */
        serve(&r, 2, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_ACCEPTED && answer(&s, 0)->ref == 8);
        CHECK(answer(&s, 1)->type == MSG_ACCEPTED && answer(&s, 1)->ref == 9);
        CHECK_STR(answer(&s, 0)->id, answer(&s, 1)->id);
        served_free(&s);
        int64_t after = 0;
        int found = 0;
        while (state_spool_next(r.state, after, &doc) == 1) {
            found++;
            if (found == 2)
                CHECK_STR(doc.source, "submit:2");
            if (found == 3)
                CHECK_STR(doc.source, "submit:3");
            after = doc.seq;
            state_spooled_clear(&doc);
        }
        CHECK(found == 3);
        CHECK(submit_accepted(r.submit) == 3);

        /* An empty body is a document too. */
        send_submit(&r, 10, "", 0, "empty", 0);
        serve(&r, 1, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_ACCEPTED && answer(&s, 0)->ref == 10);
        served_free(&s);
    }
    rig_close(&r);
}

static void test_limit(void)
{
    TESTING_PATH(endpoint, "limit");
    char ipc[800];
    snprintf(ipc, sizeof ipc, "ipc://%s", endpoint);
    rig_t r;
    if (rig_open(&r, "limit.db", ipc, 0) == 0) {
        CHECK(submit_receive(r.submit, 0, NULL) == 0);
        char body[32];
        for (int i = 0; i < 5; i++) {
            int n = snprintf(body, sizeof body, "document %d", i);
            send_submit(&r, (uint64_t)i, body, (size_t)n, NULL, 0);
        }
        served_t s;
        serve(&r, 5, 2, NULL, &s);
        CHECK(s.spooled == 5);
        CHECK(s.most <= 2);
        for (int i = 0; i < 5; i++)
            CHECK(answer(&s, i)->type == MSG_ACCEPTED && answer(&s, i)->ref == (uint64_t)i);
        served_free(&s);
        CHECK(state_spool_waiting(r.state, 0, 100) == 5);
    }
    rig_close(&r);
}

static void test_committed(void)
{
    TESTING_PATH(endpoint, "committed");
    char ipc[800];
    snprintf(ipc, sizeof ipc, "ipc://%s", endpoint);
    rig_t r;
    if (rig_open(&r, "committed.db", ipc, 0) == 0) {
        send_submit(&r, 1, "asks", 4, NULL, 1);
        send_submit(&r, 2, "does not ask", 12, NULL, 0);
        served_t s;
        serve(&r, 2, 100, NULL, &s);
        char asks[DOC_ID_LEN + 1], quiet[DOC_ID_LEN + 1];
        memcpy(asks, answer(&s, 0)->id, sizeof asks);
        memcpy(quiet, answer(&s, 1)->id, sizeof quiet);
        CHECK(answer(&s, 0)->type == MSG_ACCEPTED && answer(&s, 1)->type == MSG_ACCEPTED);
        served_free(&s);

        /* The sink committed both: only the client that asked hears it,
         * once. A SUBMIT sent after is the barrier: its ACCEPTED comes
         * after anything sent before it on the same connection. */
        submit_committed(r.submit, quiet, ACK_STORED);
        submit_committed(r.submit, asks, ACK_UPDATED);
        submit_committed(r.submit, asks, ACK_STORED);
        send_submit(&r, 3, "barrier", 7, NULL, 0);
        serve(&r, 2, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_COMMITTED);
        CHECK(answer(&s, 0)->ref == 1);
        CHECK_STR(answer(&s, 0)->id, asks);
        CHECK(answer(&s, 0)->status == ACK_UPDATED);
        CHECK(answer(&s, 1)->type == MSG_ACCEPTED && answer(&s, 1)->ref == 3);
        served_free(&s);

        /* Two SUBMITs of the same bytes that both asked: both hear it. */
        send_submit(&r, 4, "twice", 5, NULL, 1);
        send_submit(&r, 5, "twice", 5, NULL, 1);
        serve(&r, 2, 100, NULL, &s);
        char twice[DOC_ID_LEN + 1];
        memcpy(twice, answer(&s, 0)->id, sizeof twice);
        served_free(&s);
        submit_committed(r.submit, twice, ACK_STORED);
        serve(&r, 2, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_COMMITTED && answer(&s, 1)->type == MSG_COMMITTED);
        CHECK(answer(&s, 0)->ref + answer(&s, 1)->ref == 9);
        CHECK(answer(&s, 0)->status == ACK_STORED && answer(&s, 1)->status == ACK_STORED);
        served_free(&s);
    }
    rig_close(&r);
}

static void test_rejected(void)
{
    TESTING_PATH(endpoint, "rejected");
    char ipc[800];
    snprintf(ipc, sizeof ipc, "ipc://%s", endpoint);
    rig_t r;
    if (rig_open(&r, "rejected.db", ipc, 0) == 0) {
        served_t s;
        /* Bytes that are no message: REJECTED without a ref. */
        CHECK(zmq_send(r.client, "not msgpack", 11, 0) == 11);
        serve(&r, 1, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_REJECTED && !answer(&s, 0)->has_ref);
        CHECK(answer(&s, 0)->error && answer(&s, 0)->error[0]);
        served_free(&s);
        /* Two frames: a bad peer. */
        CHECK(zmq_send(r.client, "a", 1, ZMQ_SNDMORE) == 1);
        CHECK(zmq_send(r.client, "b", 1, 0) == 1);
        serve(&r, 1, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_REJECTED && !answer(&s, 0)->has_ref);
        served_free(&s);
        /* A valid message that is no SUBMIT. */
        message_t *ack = message_new(MSG_ACK);
        hash_doc_id("x", 1, ack->id);
        ack->status = ACK_STORED;
        CHECK(wire_send(r.client, ack, 0) == 0);
        message_destroy(&ack);
        serve(&r, 1, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_REJECTED);
        CHECK_MSG(answer(&s, 0)->error && strstr(answer(&s, 0)->error, "only SUBMIT"),
                  answer(&s, 0)->error);
        served_free(&s);
        CHECK(submit_rejected(r.submit) == 3);
        CHECK(submit_accepted(r.submit) == 0);

        /* The state cannot be written: every SUBMIT REJECTED with the
         * reason, nothing spooled, not counted as a bad message. */
        send_submit(&r, 41, "refused", 7, NULL, 1);
        send_submit(&r, 42, "refused too", 11, NULL, 0);
        serve(&r, 2, 100, "the disk is full", &s);
        for (int i = 0; i < 2; i++) {
            CHECK(answer(&s, i)->type == MSG_REJECTED && answer(&s, i)->has_ref);
            CHECK(answer(&s, i)->ref == (uint64_t)(41 + i));
            CHECK_STR(answer(&s, i)->error, "the disk is full");
        }
        CHECK(s.spooled == 0);
        served_free(&s);
        CHECK(state_spool_waiting(r.state, 0, 100) == 0);
        CHECK(submit_rejected(r.submit) == 3 && submit_accepted(r.submit) == 0);
        /* And the refused request for COMMITTED is not remembered. */
        char id[DOC_ID_LEN + 1];
        hash_doc_id("refused", 7, id);
        submit_committed(r.submit, id, ACK_STORED);
        send_submit(&r, 43, "accepted", 8, NULL, 0);
        serve(&r, 1, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_ACCEPTED && answer(&s, 0)->ref == 43);
        served_free(&s);
    }
    rig_close(&r);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* The spool cannot be written (the disk is "full": RLIMIT_FSIZE, as in
 * test_producer's test_state_write_fails): the whole batch is REJECTED
 * with the reason, none ACCEPTED, nothing left in the spool. */
static void test_spool_write_fails(void)
{
    TESTING_PATH(endpoint, "full");
    char ipc[800];
    snprintf(ipc, sizeof ipc, "ipc://%s", endpoint);
    rig_t r;
    if (rig_open(&r, "full.db", ipc, 0) == 0) {
        served_t s;
        send_submit(&r, 1, "before", 6, NULL, 0);
        serve(&r, 1, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_ACCEPTED);
        served_free(&s);

        TESTING_PATH(db, "full.db");
        TESTING_PATH(wal, "full.db-wal");
        struct rlimit saved, full;
        CHECK(getrlimit(RLIMIT_FSIZE, &saved) == 0);
        void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
        long long biggest = file_size(db) > file_size(wal) ? file_size(db) : file_size(wal);
        full = saved;
        full.rlim_cur = (rlim_t)biggest;
        CHECK(setrlimit(RLIMIT_FSIZE, &full) == 0);

        size_t len = 256 * 1024;
        char *big = calloc(1, len);
        send_submit(&r, 2, "small", 5, NULL, 1);
        send_submit(&r, 3, big, len, NULL, 0);
        serve(&r, 2, 100, NULL, &s);
        for (int i = 0; i < 2; i++) {
            CHECK(answer(&s, i)->type == MSG_REJECTED);
            CHECK(answer(&s, i)->has_ref && answer(&s, i)->ref == (uint64_t)(2 + i));
            CHECK_MSG(answer(&s, i)->error &&
                      strstr(answer(&s, i)->error, "cannot write its spool"),
                      answer(&s, i)->error);
        }
        CHECK(s.spooled == 0);
        served_free(&s);
        CHECK(state_failing(r.state));
        CHECK(submit_accepted(r.submit) == 1);

        CHECK(setrlimit(RLIMIT_FSIZE, &saved) == 0);
        signal(SIGXFSZ, old_handler);
        CHECK(state_probe(r.state, INT64_MAX, NULL) == 0);
        /* Only what was ACCEPTED is in the spool; submitted again, the
         * documents are taken. */
        CHECK(state_spool_waiting(r.state, 0, 100) == 1);
        send_submit(&r, 2, "small", 5, NULL, 0);
        send_submit(&r, 3, big, len, NULL, 0);
        serve(&r, 2, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_ACCEPTED && answer(&s, 1)->type == MSG_ACCEPTED);
        served_free(&s);
        CHECK(state_spool_waiting(r.state, 0, 100) == 3);
        free(big);
    }
    rig_close(&r);
}

static void test_endpoints(void)
{
    /* tcp:// on a port the kernel picks, --insecure (no keys). */
    rig_t r;
    if (rig_open(&r, "tcp.db", "tcp://127.0.0.1:*", 1) == 0) {
        CHECK_MSG(strncmp(r.endpoint, "tcp://127.0.0.1:", 16) == 0, r.endpoint);
        send_submit(&r, 99, "over tcp", 8, "tcp client", 0);
        served_t s;
        serve(&r, 1, 100, NULL, &s);
        CHECK(answer(&s, 0)->type == MSG_ACCEPTED && answer(&s, 0)->ref == 99);
        served_free(&s);
    }
    rig_close(&r);

    /* What cannot be bound says so, naming the endpoint. */
    char *error = NULL;
    curve_t *curve = curve_new(NULL, NULL, 0, &error);
    TESTING_PATH(db, "bad.db");
    state_t *state = state_open(db, &error);
    CHECK(curve && state);
    if (curve && state) {
        submit_t *s = submit_new(curve_context(curve), curve, "ipc:///nonexistent/folder/x",
                                 state, &error);
        CHECK(s == NULL);
        CHECK_MSG(error && strstr(error, "ipc:///nonexistent/folder/x"), error);
        free(error);
        error = NULL;
        /* tcp:// needs keys unless --insecure. */
        s = submit_new(curve_context(curve), curve, "tcp://127.0.0.1:*", state, &error);
        CHECK(s == NULL);
        CHECK_MSG(error && strstr(error, "cannot bind"), error);
        free(error);
        error = NULL;
        CHECK(submit_accepted(NULL) == 0 && submit_rejected(NULL) == 0);
        submit_destroy(&s);
    }
    state_close(&state);
    curve_destroy(&curve);
}

TESTING_MAIN_WITH(testing_dir_make, testing_dir_remove,
    TEST(test_accepted),
    TEST(test_limit),
    TEST(test_committed),
    TEST(test_rejected),
    TEST(test_spool_write_fails),
    TEST(test_endpoints))
