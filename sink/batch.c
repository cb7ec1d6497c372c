/* batch: the messages of the open transaction. See batch.h. */
#include "sink/batch.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

void batch_restart(batch_t *b)
{
    b->opened = 0;
    b->new_rows = b->updated = b->new_sources_count = b->unchanged = b->dead = 0;
    b->text_bytes = 0;
    memset(b->dead_by_reason, 0, sizeof b->dead_by_reason);
}

void batch_clear(batch_t *b)
{
    for (size_t i = 0; i < b->count; i++)
        message_destroy(&b->msgs[i]);
    b->count = b->bytes = 0;
    batch_restart(b);
}

void batch_free(batch_t *b)
{
    batch_clear(b);
    free(b->msgs);
    free(b->acks);
    free(b->new_sources);
    *b = (batch_t){ 0 };
}

size_t batch_message_bytes(const message_t *msg)
{
    const record_t *r = msg->record;
    size_t bytes = (r && r->body ? strlen(r->body) : 0) + (msg->error ? strlen(msg->error) : 0);
    for (size_t i = 0; i < msg->source_count; i++)
        bytes += strlen(msg->sources[i]);
    return bytes;
}

void batch_add(batch_t *b, message_t *msg, int status, uint32_t new_sources)
{
    if (b->count == b->size) {
        b->size = b->size ? b->size * 2 : 64;
        b->msgs = xrealloc(b->msgs, b->size * sizeof *b->msgs);
        b->acks = xrealloc(b->acks, b->size * sizeof *b->acks);
        b->new_sources = xrealloc(b->new_sources, b->size * sizeof *b->new_sources);
    }
    b->msgs[b->count] = msg;
    b->new_sources[b->count] = new_sources;
    b->acks[b->count++] = status;
    b->bytes += batch_message_bytes(msg);
}
