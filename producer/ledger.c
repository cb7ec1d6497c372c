/* ledger: per-worker credit and liveness. See ledger.h. */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

typedef struct account {
    wire_peer_t worker;
    uint32_t free_slots;   /* as of its last READY */
    uint64_t received;     /* DOCs it had received then */
    uint64_t sent;         /* DOCs we have sent it, on its counter's scale */
    int64_t last_seen;
    int64_t paused_until;  /* 0, or picked for nothing before then */
    char key[48];          /* its CurveZMQ key, "" without CURVE */
} account_t;

struct ledger {
    account_t *accounts;
    size_t count;
    size_t cap;
};

int wire_peer_equal(const wire_peer_t *a, const wire_peer_t *b)
{
    return a->len == b->len && !memcmp(a->id, b->id, a->len);
}

ledger_t *ledger_new(void)
{
    return xcalloc(1, sizeof(ledger_t));
}

void ledger_destroy(ledger_t **self_p)
{
    if (!*self_p)
        return;
    free((*self_p)->accounts);
    free(*self_p);
    *self_p = NULL;
}

static account_t *find(const ledger_t *self, const wire_peer_t *worker)
{
    for (size_t i = 0; i < self->count; i++)
        if (wire_peer_equal(&self->accounts[i].worker, worker))
            return &self->accounts[i];
    return NULL;
}

static uint64_t room(const account_t *a)
{
    uint64_t on_wire = a->sent - a->received;
    return on_wire >= a->free_slots ? 0 : a->free_slots - on_wire;
}

void ledger_update(ledger_t *self, const wire_peer_t *worker, uint32_t free_slots,
                   uint64_t received, int64_t now, const char *key)
{
    account_t *a = find(self, worker);
    if (!a) {
        if (self->count == self->cap) {
            self->cap = self->cap ? self->cap * 2 : 8;
            self->accounts = xrealloc(self->accounts, self->cap * sizeof(account_t));
        }
        a = &self->accounts[self->count++];
        memset(a, 0, sizeof *a);
        a->worker = *worker;
    }
    /* First contact (or a worker also fed by another producer): nothing
     * of ours is on the wire beyond what it says it received. */
    if (received > a->sent)
        a->sent = received;
    a->free_slots = free_slots;
    a->received = received;
    a->last_seen = now;
    snprintf(a->key, sizeof a->key, "%s", key ? key : "");
}

const wire_peer_t *ledger_pick(const ledger_t *self)
{
    const account_t *best = NULL;
    for (size_t i = 0; i < self->count; i++)
        if (!self->accounts[i].paused_until && room(&self->accounts[i])
            && (!best || room(&self->accounts[i]) > room(best)))
            best = &self->accounts[i];
    return best ? &best->worker : NULL;
}

void ledger_spend(ledger_t *self, const wire_peer_t *worker)
{
    account_t *a = find(self, worker);
    if (a)
        a->sent++;
}

int ledger_forget(ledger_t *self, const wire_peer_t *worker)
{
    account_t *a = find(self, worker);
    if (a)
        *a = self->accounts[--self->count];
    return a != NULL;
}

const char *ledger_key(const ledger_t *self, const wire_peer_t *worker)
{
    const account_t *a = find(self, worker);
    return a ? a->key : NULL;
}

void ledger_pause(ledger_t *self, const wire_peer_t *worker, int64_t until)
{
    account_t *a = find(self, worker);
    if (a)
        a->paused_until = until;
}

int ledger_resume_due(ledger_t *self, int64_t now, char *key, size_t key_size)
{
    for (size_t i = 0; i < self->count; i++) {
        account_t *a = &self->accounts[i];
        if (a->paused_until && a->paused_until <= now) {
            a->paused_until = 0;
            snprintf(key, key_size, "%s", a->key);
            return 1;
        }
    }
    return 0;
}

int ledger_take_silent(ledger_t *self, int64_t cutoff, wire_peer_t *worker)
{
    for (size_t i = 0; i < self->count; i++) {
        if (self->accounts[i].last_seen < cutoff) {
            *worker = self->accounts[i].worker;
            self->accounts[i] = self->accounts[--self->count];
            return 1;
        }
    }
    return 0;
}

size_t ledger_workers(const ledger_t *self)
{
    return self->count;
}
