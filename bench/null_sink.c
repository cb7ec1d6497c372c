/* null_sink: a sink that acknowledges every result at once and writes
 * nothing, so that the producer's own capacity can be measured.
 *
 *   workers, producer ──RESULT/FAILED──> PULL RESULTS (bound)
 *                                        PUSH ──HELLO, ACK──> producer ACKS
 *
 *   null_sink RESULTS ACKS      e.g. null_sink ipc:///tmp/x/results ipc:///tmp/x/acks
 *
 * It speaks to the producer as `feedmill sink` does (sink/sink.c,
 * proto/README.md): it binds RESULTS, connects to the producer's ACKS,
 * says HELLO with one session for its whole life at once and every second,
 * and answers each RESULT with an ACK `stored` and each FAILED with an ACK
 * `dead`, with no database and no batching. The producer then waits on
 * nothing but itself and its workers.
 *
 * Runs until SIGTERM or SIGINT, then prints one line on stdout:
 *   results=N failed=N bad=N */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "bench.h"
#include "proto/wire.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: null_sink RESULTS ACKS\n");
        return 2;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    void *ctx = zmq_ctx_new();
    void *results = zmq_socket(ctx, ZMQ_PULL), *acks = zmq_socket(ctx, ZMQ_PUSH);
    int hwm = 0;
    zmq_setsockopt(acks, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(results, ZMQ_RCVHWM, &hwm, sizeof hwm);
    wire_configure(results, 0, -1);
    wire_configure(acks, 0, -1);
    if (zmq_bind(results, argv[1]) != 0 || zmq_connect(acks, argv[2]) != 0) {
        fprintf(stderr, "null_sink: %s or %s: %s\n", argv[1], argv[2], zmq_strerror(zmq_errno()));
        return 1;
    }

    message_t hello = { .type = MSG_HELLO };
    snprintf(hello.session, sizeof hello.session, "%016llx%016llx",
             (unsigned long long)time(NULL), (unsigned long long)getpid());
    unsigned long long done = 0, failed = 0, bad = 0;
    double last_hello = 0;
    while (!stop) {
        if (now() - last_hello >= 1.0) {
            wire_send(acks, &hello, ZMQ_DONTWAIT);
            last_hello = now();
        }
        zmq_pollitem_t item = { results, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, 1, 200) <= 0)
            continue;
        /* Everything waiting, then the next look at the clock. */
        for (;;) {
            message_t *msg = NULL;
            wire_status_t status = wire_recv(results, ZMQ_DONTWAIT, &msg, NULL);
            if (status == WIRE_AGAIN || status == WIRE_FAILED)
                break;
            if (status == WIRE_BAD || (msg->type != MSG_RESULT && msg->type != MSG_FAILED)) {
                bad++;
                message_destroy(&msg);
                continue;
            }
            message_t ack = { .type = MSG_ACK,
                              .status = msg->type == MSG_RESULT ? ACK_STORED : ACK_DEAD };
            memcpy(ack.id, msg->id, sizeof ack.id);
            msg->type == MSG_RESULT ? done++ : failed++;
            wire_send(acks, &ack, 0);
            message_destroy(&msg);
        }
    }
    printf("results=%llu failed=%llu bad=%llu\n", done, failed, bad);
    zmq_close(results);
    zmq_close(acks);
    zmq_ctx_term(ctx);
    return 0;
}
