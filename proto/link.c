/* link: watching a socket's connections. See link.h. */
#include "link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"

struct link {
    void *monitor;
    void *socket;
    char *endpoint, *peer, *hint;
    int up;                 /* connections with a completed handshake */
    int64_t down_since;     /* clock_ms() when the last one went, or start */
    int64_t last_disconnect;
    int quiet;              /* a bound socket: count, never log */
    int watching;           /* the monitor is running */
    int64_t next_warning;   /* clock_ms() of the next reminder while down */
    int ever_up;
    int warned;             /* a warning went out since it was last up */
    int64_t next_check;     /* link_check: clock_ms() of the next read while up */
    char last_problem[160]; /* the last failure the monitor reported */
    int64_t handshake_failed; /* clock_ms() of the last failed handshake */
    link_refused_fn *on_refused;   /* a bound socket's failed handshakes */
    void *refused_ctx;
};

link_t *link_new(void *ctx, void *socket, const char *endpoint, const char *peer,
                 const char *hint)
{
    link_t *self = xcalloc(1, sizeof(link_t));
    self->socket = socket;
    self->endpoint = xstrdup(endpoint);
    self->quiet = !peer;
    self->peer = xstrdup(peer ? peer : "");
    self->hint = xstrdup(hint ? hint : "");
    self->down_since = clock_ms();
    self->next_warning = self->down_since + LINK_FIRST_WARNING_MS;
    char address[64];
    snprintf(address, sizeof address, "inproc://link-%p", (void *)self);
    int events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED
               | ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
               | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
    /* The monitor socket exists even when monitoring cannot start, so
     * callers can always poll it (a NULL socket would poll fd 0). */
    self->monitor = zmq_socket(ctx, ZMQ_PAIR);
    if (!self->monitor)
        abort();   /* only a terminated context refuses a socket */
    self->watching = zmq_socket_monitor(socket, address, events) == 0
                  && zmq_connect(self->monitor, address) == 0;
    if (!self->watching)
        log_warn("cannot watch a connection, misconfiguration will go unreported "
                 "endpoint=%s error=%s", log_q(endpoint), log_q(zmq_strerror(zmq_errno())));
    return self;
}

void link_destroy(link_t **self_p)
{
    link_t *self = *self_p;
    if (!self)
        return;
    if (self->watching)
        zmq_socket_monitor(self->socket, NULL, 0);
    int linger = 0;
    zmq_setsockopt(self->monitor, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(self->monitor);
    free(self->endpoint);
    free(self->peer);
    free(self->hint);
    free(self);
    *self_p = NULL;
}

void *link_socket(link_t *self)
{
    return self->monitor;
}

int link_is_up(const link_t *self)
{
    return self->up > 0;
}

void link_on_refused(link_t *self, link_refused_fn *fn, void *ctx)
{
    self->on_refused = fn;
    self->refused_ctx = ctx;
}

/* One event: two frames, [u16 event, u32 value] then the address. */
static int read_event(link_t *self, uint16_t *event, uint32_t *value)
{
    zmq_msg_t head, address;
    zmq_msg_init(&head);
    zmq_msg_init(&address);
    int ok = zmq_msg_recv(&head, self->monitor, ZMQ_DONTWAIT) >= 0
          && zmq_msg_recv(&address, self->monitor, ZMQ_DONTWAIT) >= 0
          && zmq_msg_size(&head) >= 6;
    if (ok) {
        memcpy(event, zmq_msg_data(&head), sizeof *event);
        memcpy(value, (const char *)zmq_msg_data(&head) + sizeof *event, sizeof *value);
    }
    zmq_msg_close(&head);
    zmq_msg_close(&address);
    return ok;
}

/* What a failed handshake means, from either side. */
static const char *handshake_problem(uint16_t event, uint32_t value, int bound)
{
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        return bound ? "its key is not in the --allow folder"
                     : "the peer refused our key: is our public certificate in its --allow "
                       "folder?";
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
        && value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
        return bound ? "it does not speak CurveZMQ (no keys, or --insecure)"
                     : "one side speaks CurveZMQ and the other not (--insecure on one side "
                       "only?)";
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
        && value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
        return bound ? "its CurveZMQ handshake does not decrypt (it names another server key)"
                     : "the CurveZMQ handshake does not decrypt: does the --*-cert option name "
                       "this server's certificate?";
    return bound ? "the handshake did not complete: a peer without CurveZMQ or naming "
                   "another server key, one that hung up, or no ZeroMQ peer"
                 : "the handshake failed: a wrong server certificate (--producer-cert, "
                   "--sink-cert), --insecure on one side only, or not a feedmill peer of "
                   "this kind";
}

int link_on_event(link_t *self)
{
    int came_up = 0;
    uint16_t event;
    uint32_t value = 0;
    while (self->watching && read_event(self, &event, &value)) {
        int64_t now = clock_ms();
        switch (event) {
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
            if (self->up++ == 0) {
                /* Quietly on a normal start; said after a warning or a loss. */
                if (!self->quiet && (self->ever_up || self->warned))
                    log_info("reached the %s endpoint=%s", self->peer, log_q(self->endpoint));
                came_up = 1;
                self->ever_up = 1;
                self->warned = 0;
                self->last_problem[0] = '\0';
            }
            break;
        case ZMQ_EVENT_DISCONNECTED:
            self->last_disconnect = now;
            if (self->up > 0 && --self->up == 0) {
                self->down_since = now;
                self->next_warning = now + LINK_FIRST_WARNING_MS;
                if (!self->quiet)
                    log_info("lost the %s, reconnecting endpoint=%s", self->peer,
                             log_q(self->endpoint));
            }
            break;
        case ZMQ_EVENT_CONNECT_RETRIED:
            /* Every failed handshake is followed by a retry: the retry
             * must not hide why (a wrong key says more than "nothing
             * answers"), unless handshakes stopped failing a while ago. */
            if (now - self->handshake_failed > LINK_FIRST_WARNING_MS)
                snprintf(self->last_problem, sizeof self->last_problem, "nothing answers there");
            break;
        default:
            /* A client remembers why it failed, for its next warning. A
             * server tells its hook: zauth's refusals (AUTH) are logged
             * with address and key from zauth's own verdicts instead. */
            snprintf(self->last_problem, sizeof self->last_problem, "%s",
                     handshake_problem(event, value, self->quiet));
            self->handshake_failed = now;
            if (self->quiet && self->on_refused && event != ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
                self->on_refused(self->refused_ctx, self->endpoint, self->last_problem);
            break;
        }
    }
    return came_up;
}

int64_t link_last_disconnect(const link_t *self)
{
    return self->last_disconnect;
}

int link_polled(const link_t *self)
{
    return self->up == 0;
}

int link_check(link_t *self, int64_t now)
{
    if (self->up > 0 && now < self->next_check)
        return 0;
    self->next_check = now + LINK_CHECK_MS;
    int came_up = link_on_event(self);
    link_tick(self, now);
    return came_up;
}

void link_tick(link_t *self, int64_t now)
{
    if (self->quiet || !self->watching || self->up > 0 || now < self->next_warning)
        return;
    self->next_warning = now + LINK_REMINDER_MS;
    self->warned = 1;
    log_warn("cannot reach the %s for %.0f s endpoint=%s problem=%s hint=%s", self->peer,
             (now - self->down_since) / 1000.0, log_q(self->endpoint),
             log_q(self->last_problem[0] ? self->last_problem : "no connection yet"),
             log_q(self->hint));
}
