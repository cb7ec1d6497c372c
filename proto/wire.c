/* wire: framing messages onto ZeroMQ sockets. See wire.h. */
#include "wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/buf.h"

/* Encodes into *data, or fails with errno EINVAL (the message breaks the
 * format's rules) before anything touches a socket. */
static int encode(const message_t *message, uint8_t **data, size_t *len)
{
    if (message_encode(message, data, len) != 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static int send_frame(void *socket, uint8_t *data, size_t len, int flags)
{
    int rc = zmq_send(socket, data, len, flags);
    int saved = errno;
    free(data);
    errno = saved;
    return rc < 0 ? -1 : 0;
}

int wire_send(void *socket, const message_t *message, int flags)
{
    uint8_t *data;
    size_t len;
    if (encode(message, &data, &len) != 0)
        return -1;
    return send_frame(socket, data, len, flags);
}

int wire_send_encoded(void *socket, const void *data, size_t len, int flags)
{
    return zmq_send(socket, data, len, flags) < 0 ? -1 : 0;
}

/* The message is encoded completely before the identity frame goes out:
 * an identity sent with SNDMORE and no frame after it would glue itself
 * to the next message for this peer and corrupt it, so one document's
 * encoding error would break another's delivery. ROUTER decides at the
 * first frame whether the peer is reachable; after that the body frame
 * cannot fail for want of room. */
int wire_send_to(void *router, const wire_peer_t *peer,
                 const message_t *message, int flags)
{
    uint8_t *data;
    size_t len;
    if (encode(message, &data, &len) != 0)
        return -1;
    if (zmq_send(router, peer->id, peer->len, flags | ZMQ_SNDMORE) < 0) {
        int saved = errno;
        free(data);
        errno = saved;
        return -1;
    }
    return send_frame(router, data, len, flags);
}

static int more_frames(void *socket)
{
    int more = 0;
    size_t size = sizeof more;
    zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &size);
    return more;
}

/* Discards the rest of a multi-frame message; returns how many frames. */
static int drain_frames(void *socket)
{
    int drained = 0;
    while (more_frames(socket)) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, socket, 0) < 0) {
            zmq_msg_close(&part);
            break;
        }
        zmq_msg_close(&part);
        drained++;
    }
    return drained;
}

static wire_status_t recv_status(void)
{
    return (zmq_errno() == EAGAIN || zmq_errno() == EINTR) ? WIRE_AGAIN : WIRE_FAILED;
}

/* Who sent it, as the connection knows: never what the message claims. */
static void note_sender(zmq_msg_t *frame, message_t *msg)
{
    const char *key = zmq_msg_gets(frame, "User-Id");
    const char *address = zmq_msg_gets(frame, "Peer-Address");
    snprintf(msg->peer_key, sizeof msg->peer_key, "%s", key ? key : "");
    snprintf(msg->peer_address, sizeof msg->peer_address, "%s", address ? address : "");
}

/* One message into *frame (kept open after WIRE_OK, closed otherwise)
 * and decoded into *out; with view, a DOC's body points into *frame
 * (message_decode_view). */
static wire_status_t recv_frame(void *socket, int flags, zmq_msg_t *frame, int view,
                                message_t **out, char **error)
{
    zmq_msg_init(frame);
    if (zmq_msg_recv(frame, socket, flags) < 0) {
        zmq_msg_close(frame);
        return recv_status();
    }
    int extra = drain_frames(socket);
    if (extra > 0) {
        if (error) {
            buf_t why = BUF_INIT;
            buf_printf(&why, "expected one frame, got %d", extra + 1);
            *error = buf_detach(&why);
        }
        zmq_msg_close(frame);
        return WIRE_BAD;
    }
    *out = view ? message_decode_view(zmq_msg_data(frame), zmq_msg_size(frame), error)
                : message_decode(zmq_msg_data(frame), zmq_msg_size(frame), error);
    if (!*out) {
        zmq_msg_close(frame);
        return WIRE_BAD;
    }
    note_sender(frame, *out);
    return WIRE_OK;
}

wire_status_t wire_recv_frame(void *socket, int flags, zmq_msg_t *frame, message_t **out,
                              char **error)
{
    *out = NULL;
    if (error)
        *error = NULL;
    return recv_frame(socket, flags, frame, 1, out, error);
}

static wire_status_t recv_body(void *socket, int flags, message_t **out, char **error)
{
    zmq_msg_t frame;
    wire_status_t status = recv_frame(socket, flags, &frame, 0, out, error);
    if (status == WIRE_OK)
        zmq_msg_close(&frame);
    return status;
}

wire_status_t wire_recv(void *socket, int flags, message_t **out, char **error)
{
    *out = NULL;
    if (error)
        *error = NULL;
    return recv_body(socket, flags, out, error);
}

wire_status_t wire_recv_from(void *router, int flags, wire_peer_t *peer,
                             message_t **out, char **error)
{
    *out = NULL;
    if (error)
        *error = NULL;
    zmq_msg_t frame;
    zmq_msg_init(&frame);
    if (zmq_msg_recv(&frame, router, flags) < 0) {
        zmq_msg_close(&frame);
        return recv_status();
    }
    peer->len = zmq_msg_size(&frame);
    if (peer->len > sizeof peer->id)
        peer->len = sizeof peer->id;
    memcpy(peer->id, zmq_msg_data(&frame), peer->len);
    zmq_msg_close(&frame);
    if (!more_frames(router)) {
        if (error)
            *error = xstrdup("empty message");
        return WIRE_BAD;
    }
    /* The rest arrives with the first frame: never blocks. */
    return recv_body(router, 0, out, error);
}

/* A connect made before the peer binds (every start: run starts its
 * children at once, and any restart) is retried after RECONNECT_MS,
 * doubling up to RECONNECT_MAX_MS. ZeroMQ's fixed 100 ms would add a
 * tenth of a second to every start, and keep retrying a peer that is gone
 * for good ten times a second. */
enum { RECONNECT_MS = 10, RECONNECT_MAX_MS = 1000 };

void wire_configure(void *socket, int linger_ms, long long max_message)
{
    int reconnect = RECONNECT_MS, reconnect_max = RECONNECT_MAX_MS;
    zmq_setsockopt(socket, ZMQ_LINGER, &linger_ms, sizeof linger_ms);
    zmq_setsockopt(socket, ZMQ_MAXMSGSIZE, &max_message, sizeof max_message);
    zmq_setsockopt(socket, ZMQ_RECONNECT_IVL, &reconnect, sizeof reconnect);
    zmq_setsockopt(socket, ZMQ_RECONNECT_IVL_MAX, &reconnect_max, sizeof reconnect_max);
}
