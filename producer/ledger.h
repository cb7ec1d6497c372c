/* ledger: which workers exist and how many documents each has room for.
 *
 * Load balancing by readiness: every READY states a worker's absolute
 * situation (free slots, DOCs received so far; proto/README.md), and a
 * worker may be sent `free - (sent - received)` more documents: those
 * still on the wire are spoken for. A slow worker therefore holds at most
 * what it asked for, a fast one is never starved, and a repeated or lost
 * READY changes nothing. READY also arrives every second as a heartbeat;
 * a worker silent for longer than the worker timeout is presumed dead. */
#ifndef FEEDMILL_LEDGER_H
#define FEEDMILL_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "proto/wire.h"

typedef struct ledger ledger_t;

ledger_t *ledger_new(void);
void ledger_destroy(ledger_t **self);

/* Records a READY; a worker heard of for the first time is added. key
 * names it in logs: the CurveZMQ key of its connection, or "". */
void ledger_update(ledger_t *self, const wire_peer_t *worker, uint32_t free_slots,
                   uint64_t received, int64_t now, const char *key);
/* The worker with the most room, or NULL when nobody has any. Paused
 * workers are never picked. */
const wire_peer_t *ledger_pick(const ledger_t *self);
/* One DOC was sent to this worker. */
void ledger_spend(ledger_t *self, const wire_peer_t *worker);
/* Returns 1 when the worker was known. */
int ledger_forget(ledger_t *self, const wire_peer_t *worker);
/* The key a known worker's READY came with ("" without CURVE), or NULL
 * when the worker is not known (never heard of, forgotten, or silent
 * and taken by ledger_take_silent). */
const char *ledger_key(const ledger_t *self, const wire_peer_t *worker);
/* Picks nothing for this worker before `until`. */
void ledger_pause(ledger_t *self, const wire_peer_t *worker, int64_t until);
/* Ends the pauses due by now; copies one resumed worker's key to key
 * (CURVE_KEY_LEN + 1 bytes) and returns 1, or returns 0 when none. */
int ledger_resume_due(ledger_t *self, int64_t now, char *key, size_t key_size);
/* Forgets one worker last heard of before `cutoff` and copies it to
 * *worker; returns 0 when every worker is fresher than that. */
int ledger_take_silent(ledger_t *self, int64_t cutoff, wire_peer_t *worker);
size_t ledger_workers(const ledger_t *self);

int wire_peer_equal(const wire_peer_t *a, const wire_peer_t *b);

#endif
