/* wire: messages on ZeroMQ sockets.
 *
 * One message is one frame (proto/README.md). A peer that sends several
 * frames, or bytes that do not decode, is a bad peer: its frames are
 * drained and reported as WIRE_BAD so the caller logs it and goes on. */
#ifndef FEEDMILL_WIRE_H
#define FEEDMILL_WIRE_H

#include <stddef.h>
#include <zmq.h>

#include "proto/message.h"

typedef enum {
    WIRE_OK,      /* *out holds a message */
    WIRE_AGAIN,   /* nothing to read now, or interrupted by a signal */
    WIRE_BAD,     /* bytes arrived but were not a valid message: see *error */
    WIRE_FAILED   /* the socket itself failed (zmq_errno()) */
} wire_status_t;

/* The depth of the ACK queue, at the sink's end and at the producer's.
 * Every document in flight may be acknowledged at once (one commit acks
 * up to a batch, and several commits pass while a busy producer reads
 * none), and an ACK that finds the queue full is dropped: its document
 * is sent again after --retry-after and written a second time for
 * nothing. ZeroMQ's default of 1000 was met by a test's 2000 documents
 * in flight; an ACK is about 100 bytes, so this bounds the queue at
 * about 10 MB. */
#define WIRE_ACK_HWM 100000

/* ROUTER peers are named by their routing id (at most 255 bytes). */
typedef struct wire_peer {
    unsigned char id[256];
    size_t len;
} wire_peer_t;

/* Returns 0, or -1 with errno set: EINVAL when the message breaks the
 * format's rules (nothing was sent), EAGAIN with ZMQ_DONTWAIT and a full
 * queue, EHOSTUNREACH for a vanished ROUTER peer, ... */
int wire_send(void *socket, const message_t *message, int flags);
int wire_send_to(void *router, const wire_peer_t *peer,
                 const message_t *message, int flags);

/* Sends bytes that are already one encoded message. */
int wire_send_encoded(void *socket, const void *data, size_t len, int flags);

/* WIRE_BAD comes with the reason in *error (malloc'd, the caller frees
 * it; error may be NULL); any other status leaves *error NULL: nothing is
 * allocated for a message that decodes. */
wire_status_t wire_recv(void *socket, int flags, message_t **out, char **error);
/* As wire_recv, and the message's bytes as they came stay in *frame
 * (initialised here) after WIRE_OK, for the caller to hand on unchanged
 * and then zmq_msg_close; after any other status it is closed already.
 * A DOC's body is not copied: it points into *frame (message_decode_view),
 * so the message is read, or destroyed, before the frame is closed. */
wire_status_t wire_recv_frame(void *socket, int flags, zmq_msg_t *frame, message_t **out,
                              char **error);
/* For ROUTER sockets: the first frame names the peer. */
wire_status_t wire_recv_from(void *router, int flags, wire_peer_t *peer,
                             message_t **out, char **error);

/* Sets the options every feedmill socket wants (linger, max message size,
 * a quick first reconnect that backs off). */
void wire_configure(void *socket, int linger_ms, long long max_message);

#endif
