/* state: what the producer has seen, sent and had acknowledged, on disk.
 *
 * A producer that restarts (crash, deploy, reboot) resumes from here:
 * files acknowledged before are skipped without being read, files that
 * were in flight are sent again with their attempt count carried over, and
 * files never seen are read as new. A file is "the same" while its size
 * and modification time are; a changed file is new content, a new id.
 *
 * Writes are batched into transactions (state_tick). That is safe
 * because the state only ever lags the truth in the safe direction: a
 * send or an ACK lost in a crash makes the document go out once more, and
 * the sink absorbs the repeat as an unchanged row. */
#ifndef FEEDMILL_STATE_H
#define FEEDMILL_STATE_H

#include <stdint.h>

#include "proto/message.h"

typedef struct state state_t;

typedef enum {
    FILE_NEW,      /* never seen, or changed since */
    FILE_SENT,     /* sent, not acknowledged yet */
    FILE_DONE,     /* acknowledged: stored or already there */
    FILE_DEAD      /* acknowledged as dead-lettered */
} file_status_t;

typedef struct file_stamp {
    int64_t size;
    int64_t mtime_ns;
} file_stamp_t;

/* NULL with a reason in *error (malloc'd). */
state_t *state_open(const char *path, char **error);
/* Commits what is pending. */
void state_close(state_t **self);

/* *attempts gets the sends so far (0 for FILE_NEW). */
file_status_t state_lookup(state_t *self, const char *source, const file_stamp_t *stamp,
                           uint32_t *attempts);
void state_mark_sent(state_t *self, const char *source, const file_stamp_t *stamp,
                     const char *id, uint32_t attempts);
/* Every source with these bytes is done (or dead) at once. */
void state_mark_acked(state_t *self, const char *id, ack_status_t status);
void state_note_attempts(state_t *self, const char *id, uint32_t attempts);

/* Calls fn for each source recorded with this id (the files that held
 * these bytes). Returns how many, or -1 when the state cannot be read. */
int state_sources(state_t *self, const char *id,
                  void (*fn)(const char *source, void *ctx), void *ctx);
/* Forgets every file with this id, so the next run reads them again
 * whatever became of them (`feedmill retry`). */
void state_forget(state_t *self, const char *id);

/* Commits when enough changes or time have gone by since the last
 * commit. Returns -1 (and logs) when the state cannot be written. */
int state_tick(state_t *self);
int state_flush(state_t *self);

#endif
