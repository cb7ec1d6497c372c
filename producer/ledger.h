/* ledger: how many more documents each worker has asked for.
 *
 * Load balancing by readiness: a worker says READY{credit:n} when it has
 * room for n more documents, and the producer only ever sends to a worker
 * with credit left. A slow worker therefore holds at most the few
 * documents it asked for, and a fast one is never starved. Workers appear
 * with their first READY and are forgotten when a send finds them gone. */
#ifndef FEEDMILL_LEDGER_H
#define FEEDMILL_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "proto/wire.h"

typedef struct ledger ledger_t;

ledger_t *ledger_new(void);
void ledger_destroy(ledger_t **self);

void ledger_grant(ledger_t *self, const wire_peer_t *worker, uint32_t credit);
/* The worker with the most credit, or NULL when nobody has any. */
const wire_peer_t *ledger_pick(const ledger_t *self);
void ledger_spend(ledger_t *self, const wire_peer_t *worker);
void ledger_forget(ledger_t *self, const wire_peer_t *worker);
size_t ledger_workers(const ledger_t *self);

#endif
