/* link: is the peer at the other end of a socket there, and since when?
 *
 * A misconfigured endpoint is the commonest operator error, and ZeroMQ
 * hides it: a connecting socket retries for ever in silence. A link
 * watches one socket's monitor events and says, within seconds and then
 * periodically, that the peer it needs has not been reached, naming the
 * endpoint and what to check; it logs when the peer comes and goes.
 *
 * Usage in a main loop: poll link_socket() with the other sockets only
 * while the link is down (link_polled), when its coming up is news worth
 * waking for, and call link_check() every time round. While the link is
 * up, its events (a peer leaving) are read every LINK_CHECK_MS at most:
 * each ZeroMQ socket in a zmq_poll costs two mailbox checks of two
 * syscalls each, before and after the wait, and a busy loop goes round
 * once or twice per document (issue 16 counted 150 syscalls a document
 * over the whole pipeline). Or, for a socket polled anyway: on POLLIN
 * call link_on_event(), and link_tick() once per loop. */
#ifndef FEEDMILL_LINK_H
#define FEEDMILL_LINK_H

#include <stdint.h>

typedef struct link link_t;

/* Starts watching socket (before it connects, so no event is missed).
 * peer names what is at the other end ("producer's work endpoint"), hint
 * what to check when it is missing ("is the producer running? is --work
 * right?"). Both are copied. A socket that binds has many peers coming
 * and going: give NULL for peer and hint, and the link only counts them
 * and notes when one left (link_last_disconnect), without logging. */
link_t *link_new(void *ctx, void *socket, const char *endpoint, const char *peer,
                 const char *hint);
void link_destroy(link_t **self);

/* The monitor socket, to poll for ZMQ_POLLIN. */
void *link_socket(link_t *self);

/* How often link_check reads the events of a link that is up. */
enum { LINK_CHECK_MS = 100 };

/* 1 while the link is down: poll link_socket() with the loop's sockets. */
int link_polled(const link_t *self);

/* Reads the pending events (always while the link is down, at most
 * every LINK_CHECK_MS while it is up) and gives the reminders. Returns 1
 * when the link has just come up, as link_on_event. */
int link_check(link_t *self, int64_t now);

/* Reads the pending events. Returns 1 when the link has just come up
 * (a handshake completed: a restarted peer is worth greeting), else 0. */
int link_on_event(link_t *self);

/* 1 while at least one connection to the peer is up. */
int link_is_up(const link_t *self);

/* A bound socket's handshakes that failed (a peer without CURVE, a wrong
 * server key, not ZMTP at all): fn(ctx, endpoint, problem) is called for
 * each from link_on_event(). Refusals by zauth are not reported here:
 * zauth itself names their address and key (proto/curve.h). */
typedef void link_refused_fn(void *ctx, const char *endpoint, const char *problem);
void link_on_refused(link_t *self, link_refused_fn *fn, void *ctx);

/* clock_ms() of the last connection that closed, 0 if none has. */
int64_t link_last_disconnect(const link_t *self);

/* Logs a warning when the peer has not been reached for a few seconds,
 * and again every so often while that lasts. */
void link_tick(link_t *self, int64_t now);

/* How long to warn after and between reminders, in milliseconds. */
enum { LINK_FIRST_WARNING_MS = 3000, LINK_REMINDER_MS = 30000 };

#endif
