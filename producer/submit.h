/* submit: the producer's submission socket, where programs push documents
 * (--submit ENDPOINT).
 *
 *   clients (DEALER) ──SUBMIT──> ROUTER "submit" ──ACCEPTED / REJECTED──> back
 *                                  later, if asked: COMMITTED
 *
 * A SUBMIT is answered ACCEPTED only once the document is in the spool and
 * the spool is committed to disk: from then on it ends as a row or a dead
 * letter whatever process is killed. While the spool cannot be written
 * (a full disk) it is answered REJECTED, with the reason, never ACCEPTED. A client that asked (`commit`) hears
 * COMMITTED when the sink has committed it, as long as this producer runs:
 * a restarted producer still delivers the document but has forgotten who
 * asked. proto/README.md specifies the messages. Over tcp:// the socket
 * is a CurveZMQ server like the producer's others: clients' keys go in
 * the producer's --allow folder. */
#ifndef FEEDMILL_SUBMIT_H
#define FEEDMILL_SUBMIT_H

#include <stddef.h>

#include "producer/state.h"
#include "proto/curve.h"
#include "proto/message.h"

typedef struct submit submit_t;

/* Binds endpoint, a CurveZMQ server when it is tcp:// (curve, not owned).
 * NULL with a reason in *error (malloc'd). */
submit_t *submit_new(void *ctx, curve_t *curve, const char *endpoint, state_t *state,
                     char **error);
void submit_destroy(submit_t **self);

void *submit_socket(submit_t *self);

/* Takes up to limit SUBMITs waiting on the socket, spools them, commits,
 * then answers each: ACCEPTED once the commit succeeded, else REJECTED
 * (the whole batch: a failed write rolls back its transaction). With
 * refuse set (the state cannot be written), every SUBMIT is REJECTED
 * with that reason and nothing is written. Returns how many documents
 * were spooled. */
int submit_receive(submit_t *self, int limit, const char *refuse);

/* The sink committed the document id: COMMITTED to every client that
 * asked for it. */
void submit_committed(submit_t *self, const char *id, ack_status_t status);

/* Documents accepted, and messages rejected as no valid SUBMIT, since
 * start (0 for NULL). */
unsigned long long submit_accepted(const submit_t *self);
unsigned long long submit_rejected(const submit_t *self);

#endif
