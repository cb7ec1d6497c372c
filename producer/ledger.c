/* ledger: per-worker credit. See ledger.h. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

typedef struct account {
    wire_peer_t worker;
    uint32_t credit;
} account_t;

struct ledger {
    account_t *accounts;
    size_t count;
    size_t cap;
};

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
    for (size_t i = 0; i < self->count; i++) {
        account_t *a = &self->accounts[i];
        if (a->worker.len == worker->len && !memcmp(a->worker.id, worker->id, worker->len))
            return a;
    }
    return NULL;
}

void ledger_grant(ledger_t *self, const wire_peer_t *worker, uint32_t credit)
{
    account_t *a = find(self, worker);
    if (!a) {
        if (self->count == self->cap) {
            self->cap = self->cap ? self->cap * 2 : 8;
            self->accounts = xrealloc(self->accounts, self->cap * sizeof(account_t));
        }
        a = &self->accounts[self->count++];
        a->worker = *worker;
        a->credit = 0;
    }
    /* A worker can never be owed more than the protocol's maximum, even
     * if it repeats READY: memory stays bounded whatever a peer sends. */
    a->credit = credit > MESSAGE_MAX_CREDIT - a->credit ? MESSAGE_MAX_CREDIT
                                                         : a->credit + credit;
}

const wire_peer_t *ledger_pick(const ledger_t *self)
{
    const account_t *best = NULL;
    for (size_t i = 0; i < self->count; i++)
        if (self->accounts[i].credit && (!best || self->accounts[i].credit > best->credit))
            best = &self->accounts[i];
    return best ? &best->worker : NULL;
}

void ledger_spend(ledger_t *self, const wire_peer_t *worker)
{
    account_t *a = find(self, worker);
    if (a && a->credit)
        a->credit--;
}

void ledger_forget(ledger_t *self, const wire_peer_t *worker)
{
    account_t *a = find(self, worker);
    if (!a)
        return;
    *a = self->accounts[--self->count];
}

size_t ledger_workers(const ledger_t *self)
{
    return self->count;
}
