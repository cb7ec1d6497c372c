/* reader: the sink's receiving and decoding thread. See reader.h. */
#include "sink/reader.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/signals.h"
#include "proto/wire.h"

/* What crosses the PAIR: a pointer to one of these, which the taker frees. */
typedef struct item {
    message_t *msg;          /* NULL: bytes that were not a valid message */
    char *error;             /* then why (malloc'd), handed to the taker */
} item_t;

struct reader {
    void *results;           /* the thread's while it runs */
    void *inside, *outside;  /* the PAIR: the thread's end, the writer's end */
    pthread_t thread;
    int running;             /* the thread was started and not joined */
    atomic_int stop;
};

static void item_free(item_t **item_p)
{
    item_t *item = *item_p;
    if (!item)
        return;
    message_destroy(&item->msg);
    free(item->error);
    free(item);
    *item_p = NULL;
}

/* One message off the results socket, decoded, or NULL when none waits
 * (or the socket failed: the context is ending). */
static item_t *receive(reader_t *self)
{
    item_t *item = xcalloc(1, sizeof *item);
    wire_status_t status = wire_recv(self->results, ZMQ_DONTWAIT, &item->msg, &item->error);
    if (status == WIRE_OK || status == WIRE_BAD)
        return item;
    free(item);
    return NULL;
}

/* Reads while there is something to read, and holds at most one item it
 * could not hand over yet: the PAIR is full, so it reads no more until
 * the writer takes some. Once the socket is empty after handing items
 * over, it says so with an empty frame: the writer commits when nothing
 * more is waiting, and without the frame it could not tell "the socket
 * is empty" from "the next item is on its way" (it committed one batch
 * in seven as often). The writer's wake-up frame (reader_stop) ends the
 * loop whatever it waits for. */
static void *run(void *arg)
{
    reader_t *self = arg;
    item_t *pending = NULL;
    int owe_idle = 0;   /* items went over since the last empty frame */
    while (!atomic_load(&self->stop)) {
        if (!pending)
            pending = receive(self);
        if (pending) {
            if (zmq_send(self->inside, &pending, sizeof pending, ZMQ_DONTWAIT)
                == (int)sizeof pending) {
                pending = NULL;   /* the writer's now */
                owe_idle = 1;
                continue;
            }
        } else if (owe_idle && zmq_send(self->inside, "", 0, ZMQ_DONTWAIT) == 0) {
            owe_idle = 0;
            continue;
        }
        int want_room = pending || owe_idle;
        zmq_pollitem_t items[2] = {
            { self->inside, 0, ZMQ_POLLIN | (want_room ? ZMQ_POLLOUT : 0), 0 },
            { self->results, 0, ZMQ_POLLIN, 0 },
        };
        if (zmq_poll(items, pending ? 1 : 2, -1) < 0) {
            if (zmq_errno() == EINTR)
                continue;
            break;   /* ETERM: the context is going */
        }
    }
    item_free(&pending);
    return NULL;
}

reader_t *reader_new(void *ctx, void *results)
{
    reader_t *self = xcalloc(1, sizeof *self);
    self->results = results;
    self->inside = zmq_socket(ctx, ZMQ_PAIR);
    self->outside = zmq_socket(ctx, ZMQ_PAIR);
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://feedmill-reader-%p", (void *)self);
    /* The pipe holds what each end's high-water mark allows: the queue
     * between the two threads is their sum. */
    int hwm = READER_QUEUE / 2, linger = 0;
    int ok = self->inside && self->outside
             && zmq_setsockopt(self->inside, ZMQ_SNDHWM, &hwm, sizeof hwm) == 0
             && zmq_setsockopt(self->outside, ZMQ_RCVHWM, &hwm, sizeof hwm) == 0
             && zmq_setsockopt(self->inside, ZMQ_LINGER, &linger, sizeof linger) == 0
             && zmq_setsockopt(self->outside, ZMQ_LINGER, &linger, sizeof linger) == 0
             && zmq_bind(self->outside, endpoint) == 0
             && zmq_connect(self->inside, endpoint) == 0;
    if (ok) {
        ok = signals_thread_start(&self->thread, run, self) == 0;
        self->running = ok;
    }
    if (!ok) {
        log_error("cannot start the results reader error=%s", log_q(zmq_strerror(zmq_errno())));
        reader_destroy(&self);
    }
    return self;
}

void reader_stop(reader_t *self)
{
    if (!self->running)
        return;
    atomic_store(&self->stop, 1);
    char wake = 0;
    zmq_send(self->outside, &wake, 1, ZMQ_DONTWAIT);
    pthread_join(self->thread, NULL);
    self->running = 0;
}

void reader_destroy(reader_t **self_p)
{
    reader_t *self = *self_p;
    if (!self)
        return;
    reader_stop(self);
    item_t *item;
    int n;
    while (self->outside && (n = zmq_recv(self->outside, &item, sizeof item, ZMQ_DONTWAIT)) >= 0)
        if (n == (int)sizeof item)
            item_free(&item);
    if (self->inside)
        zmq_close(self->inside);
    if (self->outside)
        zmq_close(self->outside);
    free(self);
    *self_p = NULL;
}

void *reader_socket(reader_t *self)
{
    return self->outside;
}

reader_status_t reader_take(reader_t *self, message_t **msg, char **error)
{
    if (error)
        *error = NULL;
    item_t *item;
    int n = zmq_recv(self->outside, &item, sizeof item, ZMQ_DONTWAIT);
    if (n == 0)
        return READER_IDLE;
    if (n != (int)sizeof item)
        return READER_NONE;
    reader_status_t status = item->msg ? READER_MESSAGE : READER_BAD;
    *msg = item->msg;
    item->msg = NULL;
    if (status == READER_BAD && error) {
        *error = item->error;   /* the taker's now */
        item->error = NULL;
    }
    item_free(&item);
    return status;
}
