/* reader: the sink's second thread, which receives and decodes results
 * so that the writer only writes.
 *
 *   workers, producer ──> PULL "results" ──> reader thread (recv, decode)
 *                                   inproc PAIR ──> the sink's loop (store)
 *
 * The sink commits on one core; decoding a message (proving the msgpack
 * sound, checking every field, copying the texts) is work that needs no
 * database, and on a second core it overlaps the writer's. The thread
 * owns the results socket from reader_new on; it hands each message
 * over as a pointer on an inproc PAIR, whose small high-water mark is
 * the backpressure: a writer that stops taking (a slow commit, a held
 * batch) stops the thread, then the socket's queue fills, then the
 * senders wait. At most READER_QUEUE decoded messages wait in between.
 *
 * The socket pattern stays the one the sink's comment draws; only the
 * decoding moved. Nothing is reordered: messages come out in the order
 * the socket gave them. */
#ifndef FEEDMILL_SINK_READER_H
#define FEEDMILL_SINK_READER_H

#include <stddef.h>

#include "proto/message.h"

/* Decoded messages that may wait between the thread and the writer. */
#define READER_QUEUE 32

typedef struct reader reader_t;

/* Starts the thread on `results` (a bound or connected socket of ctx that
 * nothing else touches from now on); NULL when it cannot start, with the
 * reason logged. */
reader_t *reader_new(void *ctx, void *results);
/* Stops the thread (it reads nothing more), frees what it had queued,
 * and gives the results socket back to the caller's thread to close. */
void reader_destroy(reader_t **self_p);

/* The thread reads nothing more and is gone: the results socket is the
 * caller's thread's again (a clean stop drains it), and reader_take
 * still hands over what was queued. Idempotent. */
void reader_stop(reader_t *self);

/* Poll it for ZMQ_POLLIN: something waits to be taken. */
void *reader_socket(reader_t *self);

typedef enum {
    READER_NONE,      /* nothing waits now, but more may be on its way */
    READER_IDLE,      /* the results socket was found empty: nothing more waits */
    READER_MESSAGE,   /* *msg is a decoded message, the caller's */
    READER_BAD        /* bytes that were not a valid message: *error says why */
} reader_status_t;

/* Takes the next message, without waiting. READER_BAD comes with the
 * reason in *error (malloc'd, the caller frees it; error may be NULL);
 * any other status leaves *error NULL. */
reader_status_t reader_take(reader_t *self, message_t **msg, char **error);

#endif
