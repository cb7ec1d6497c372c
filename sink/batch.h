/* batch: the messages of the sink's open transaction, and what writing
 * them did.
 *
 * They are kept until the transaction is committed: a transaction the
 * disk refuses is rolled back (SQLite may do so itself on SQLITE_FULL)
 * and written again from these (sink/diskfault.h), and each one's ACK
 * goes out only after COMMIT. Its counts are what the status line and
 * the metrics add up (sink/figures.h). Plain data, filled by sink.c. */
#ifndef FEEDMILL_SINK_BATCH_H
#define FEEDMILL_SINK_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "proto/message.h"
#include "sink/reasons.h"

/* A batch is committed once its messages hold this many bytes of text,
 * however few they are: they stay in memory until COMMIT. */
#define BATCH_BYTES_MAX ((size_t)32 << 20)

typedef struct batch {
    message_t **msgs;
    int *acks;               /* the ack_status_t each one earned when written */
    uint32_t *new_sources;   /* a SOURCES': how many of its sources were new */
    size_t count, size;
    size_t bytes;            /* the texts they hold, which BATCH_BYTES_MAX bounds */
    int64_t opened;          /* clock_ms() of the first write; 0 = no transaction */
    /* What the batch did, in the words of every count (message.h):
     * rows stored, updated; sources new to a stored row; deliveries
     * that changed nothing; dead letters. */
    uint64_t new_rows, updated, new_sources_count, unchanged, dead;
    uint64_t text_bytes;     /* bodies of the records written */
    uint64_t dead_by_reason[REASON_COUNT];
} batch_t;

/* The batch owns msg from now on; status is the ACK it earned. */
void batch_add(batch_t *b, message_t *msg, int status, uint32_t new_sources);
/* The bytes of text a message holds, as batch_t.bytes counts them. */
size_t batch_message_bytes(const message_t *msg);
/* The batch's figures start again (no transaction); its messages stay. */
void batch_restart(batch_t *b);
/* After a commit, or at exit: the messages go. */
void batch_clear(batch_t *b);
/* Everything goes, the arrays too; b is empty and can be used again. */
void batch_free(batch_t *b);

#endif
