/* inflight: documents the producer has read and not yet seen acknowledged.
 *
 * This is what makes delivery at-least-once: an entry leaves only when the
 * sink's ACK says its row (or dead letter) is committed, and then its
 * further sources. Until then it is resent when its deadline passes,
 * with a growing attempt counter. Entries are keyed by document id, so
 * two files with the same bytes are one entry, extracted once: the
 * second is one more source of it, which the sink records (SOURCES,
 * proto/README.md) once the row is committed. Entries keep the order in
 * which they were read; an index finds one by id in constant time (a
 * rack of workers keeps thousands in flight). */
#ifndef FEEDMILL_INFLIGHT_H
#define FEEDMILL_INFLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "common/hash.h"
#include "proto/wire.h"

typedef struct pending {
    char id[DOC_ID_LEN + 1];
    char *source;
    uint8_t *body;       /* raw bytes, kept for resending */
    size_t len;
    char *error;         /* set when it goes to the sink as FAILED instead */
    char *last_failure;  /* why the last attempt failed, as a worker said */
    uint32_t attempt;    /* sends so far */
    uint32_t forgiven;   /* sends not charged to the document (a sink that
                            restarted lost them): attempt - forgiven counts
                            against --max-attempts */
    int64_t deadline;    /* clock_ms() to resend at; 0 = not sent yet */
    char **more;         /* further sources of the same bytes, owned */
    size_t more_count;
    size_t more_sent;    /* the first more_sent of them are in the SOURCES out now */
    int sources_phase;   /* the row is committed (doc_status says how); what is
                            left is telling the sink of more[] */
    ack_status_t doc_status;
    wire_peer_t worker;  /* who holds it, when it went out as a DOC */
    doc_hints_t hints;   /* what its feed said of it (JSON lines), owned */
    int spooled;         /* it lives in the state's spool until acknowledged */
    int64_t spool_seq;   /* the last spool row taken into it (its own or another
                            source's), 0 if none: what its ACK removes */
    int suspect;         /* past its deadline once, its worker and the sink alive:
                            a second time, the worker is paused (expire()) */
    int64_t added_at;    /* clock_ms() when it was read: for the latency to
                            its ACK and the age of the oldest one */
} pending_t;

typedef struct inflight inflight_t;

inflight_t *inflight_new(void);
void inflight_destroy(inflight_t **self);

size_t inflight_count(const inflight_t *self);
/* Raw bytes held for resending, over all entries. */
size_t inflight_bytes(const inflight_t *self);
pending_t *inflight_at(inflight_t *self, size_t index);
pending_t *inflight_find(inflight_t *self, const char *id);

/* Takes ownership of body and error (either may be NULL). */
pending_t *inflight_add(inflight_t *self, const char *id, const char *source,
                        uint8_t *body, size_t len, char *error);
/* One more source of entry's bytes, copied. */
void inflight_add_source(inflight_t *self, pending_t *entry, const char *source);
/* Forgets the first n of entry's further sources (the sink has them). */
void inflight_drop_sources(inflight_t *self, pending_t *entry, size_t n);
/* Further sources held over all entries: what bounds the memory of a
 * feed that repeats one document many times. */
size_t inflight_more_count(const inflight_t *self);
/* Frees the entry; indexes after it shift down by one. */
void inflight_remove(inflight_t *self, pending_t *entry);

/* Raw bytes of every entry ever added: what was read, for MB/s. */
uint64_t inflight_added_bytes(const inflight_t *self);
/* The earliest added_at of the entries, or 0 when there is none. */
int64_t inflight_oldest(const inflight_t *self);
/* Earliest deadline among sent entries, or 0 when none is sent. */
int64_t inflight_next_deadline(const inflight_t *self);

#endif
