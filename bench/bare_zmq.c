/* bare_zmq: the bare ZeroMQ transport, for reference: how fast a
 * document-sized message moves from one thread to another.
 *
 *   bare_zmq ENDPOINT COUNT SIZE      e.g. bare_zmq ipc:///tmp/x 100000 6000
 *
 * The main thread binds a PULL socket on ENDPOINT; a second thread
 * connects a PUSH socket and sends COUNT messages of SIZE bytes. Timed
 * from the start of the sender to the last message received; prints one
 * result line (bench.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bench.h"

typedef struct sender {
    void *ctx;
    const char *endpoint;
    size_t count;
    size_t size;
} sender_t;

static void check(int rc, const char *what)
{
    if (rc != -1)
        return;
    fprintf(stderr, "bare_zmq: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

static void *send_all(void *arg)
{
    sender_t *self = arg;
    char *message = calloc(1, self->size + 1);
    void *push = zmq_socket(self->ctx, ZMQ_PUSH);
    check(zmq_connect(push, self->endpoint), "connect");
    for (size_t i = 0; i < self->count; i++)
        check(zmq_send(push, message, self->size, 0), "send");
    zmq_close(push);  /* lingers until everything is delivered */
    free(message);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bare_zmq ENDPOINT COUNT SIZE\n");
        return 2;
    }
    sender_t sender = { zmq_ctx_new(), argv[1], strtoul(argv[2], NULL, 10),
                        strtoul(argv[3], NULL, 10) };
    void *pull = zmq_socket(sender.ctx, ZMQ_PULL);
    check(zmq_bind(pull, sender.endpoint), "bind");
    char *message = malloc(sender.size + 1);

    double start = now();
    pthread_t thread;
    pthread_create(&thread, NULL, send_all, &sender);
    size_t failed = 0;
    for (size_t i = 0; i < sender.count; i++)
        if (zmq_recv(pull, message, sender.size + 1, 0) != (int)sender.size)
            failed++;
    double seconds = now() - start;

    pthread_join(thread, NULL);
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    char version[64];
    snprintf(version, sizeof version, "libzmq-%d.%d.%d", major, minor, patch);
    print_result(sender.count, sender.count * sender.size, seconds, failed, version);
    free(message);
    zmq_close(pull);
    zmq_ctx_term(sender.ctx);
    return 0;
}
