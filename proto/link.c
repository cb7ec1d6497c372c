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
    char last_problem[128]; /* the last failure the monitor reported */
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

/* One event: two frames, [u16 event, u32 value] then the address. */
static int read_event(link_t *self, uint16_t *event)
{
    zmq_msg_t head, address;
    zmq_msg_init(&head);
    zmq_msg_init(&address);
    int ok = zmq_msg_recv(&head, self->monitor, ZMQ_DONTWAIT) >= 0
          && zmq_msg_recv(&address, self->monitor, ZMQ_DONTWAIT) >= 0
          && zmq_msg_size(&head) >= 6;
    if (ok)
        memcpy(event, zmq_msg_data(&head), sizeof *event);
    zmq_msg_close(&head);
    zmq_msg_close(&address);
    return ok;
}

int link_on_event(link_t *self)
{
    int came_up = 0;
    uint16_t event;
    while (self->watching && read_event(self, &event)) {
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
            snprintf(self->last_problem, sizeof self->last_problem, "nothing answers there");
            break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
            snprintf(self->last_problem, sizeof self->last_problem,
                     "the peer refused our credentials");
            break;
        default:
            snprintf(self->last_problem, sizeof self->last_problem,
                     "the handshake failed: not a feedmill peer of this kind?");
            break;
        }
    }
    return came_up;
}

int64_t link_last_disconnect(const link_t *self)
{
    return self->last_disconnect;
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
