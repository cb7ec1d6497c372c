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
 * the sink absorbs the repeat as an unchanged row.
 *
 * A disk that refuses a write (full, failing, read-only) costs the whole
 * open transaction: it is rolled back, every write since the last commit
 * lost with it, and the state is "failing": each writer, and state_flush,
 * returns -1 at once without touching the file, until state_probe()
 * manages a small commit again. So a caller that must know its writes
 * are on disk (a spooling input, before it takes bytes from its source or
 * answers ACCEPTED) checks state_flush(), and on -1 puts back in memory
 * what it had taken: nothing is skipped, nothing counted twice. Other
 * writes (files sent, documents acknowledged) only lag, in the safe
 * direction above. The state says so itself: an error line naming the
 * path, the reason (common/dbfault.h) and the free space at once and
 * every 10 s while it lasts, an info line when a commit succeeds again.
 *
 * Errors: every method that can fail takes a last `char **error`: on -1,
 * *error is why (SQLite's message; while failing, the fault's), malloc'd,
 * which the caller frees; after a success it is NULL, nothing allocated.
 * A caller that only needs to know passes NULL. The reads that give a
 * safe answer when the file cannot be read (state_lookup: FILE_NEW, the
 * file is read again; state_position: 0; state_spool_next: none) do not
 * fail: a read that fails gives that answer. state_failing() and
 * state_fault() are the state's condition (is it refusing writes, and
 * for which kind of fault), for the loop's decisions and the status line
 * and /readyz: not a second way to learn why a call failed. */
#ifndef FEEDMILL_STATE_H
#define FEEDMILL_STATE_H

#include <stdint.h>

#include "common/buf.h"
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

/* The state's condition, not an error channel (see the top): 1 from a
 * write the disk refused until state_probe() succeeds. */
int state_failing(const state_t *self);
/* Which fault: "disk_full", "io_error", "read_only" or "other" while
 * failing, else "writable". */
const char *state_fault(const state_t *self);
const char *state_path(const state_t *self);
/* While failing, tries a small commit when one is due (100 ms after the
 * failure, doubling to 2 s; now is clock_ms(), or INT64_MAX to try at
 * once): 0 once the state can be written again, -1 while it cannot (or
 * the next try is not due yet). 0 when not failing. */
int state_probe(state_t *self, int64_t now, char **error);

/* *attempts gets the sends so far (0 for FILE_NEW). */
file_status_t state_lookup(state_t *self, const char *source, const file_stamp_t *stamp,
                           uint32_t *attempts);
/* Each writer returns 0, or -1 when the state cannot be written (see the
 * top: the open transaction is gone with it). */
int state_mark_sent(state_t *self, const char *source, const file_stamp_t *stamp,
                    const char *id, uint32_t attempts, char **error);
/* Every source with these bytes is done (or dead) at once. */
int state_mark_acked(state_t *self, const char *id, ack_status_t status, char **error);
int state_note_attempts(state_t *self, const char *id, uint32_t attempts, char **error);

/* Calls fn for each source recorded with this id (the files that held
 * these bytes). Returns how many, or -1 when the state cannot be read. */
int state_sources(state_t *self, const char *id,
                  void (*fn)(const char *source, void *ctx), void *ctx, char **error);
/* Forgets every file with this id, so the next run reads them again
 * whatever became of them (`feedmill retry`). */
int state_forget(state_t *self, const char *id, char **error);

/* ---- the spool: documents that cannot be read again ----------------
 *
 * Lines from standard input (and later the submission socket) exist
 * nowhere else once read: they are written here, in the same durable
 * transaction machinery, before they count as accepted, and leave only
 * when the sink has acknowledged them. A restarted producer finds them
 * here and sends them again. */

/* Which input a spooled document came from, for the counts' words. */
typedef enum { SPOOL_LINE = 0, SPOOL_SUBMISSION } spool_input_t;

typedef struct spooled {
    int64_t seq;            /* order of arrival */
    spool_input_t input;
    char id[DOC_ID_LEN + 1];
    char *source;
    uint8_t *body;
    size_t len;
    char *error;            /* set: not a document; it goes as a dead letter */
    doc_hints_t hints;
} spooled_t;

/* failure: set when it is not a document (it goes as a dead letter). */
int state_spool_add(state_t *self, spool_input_t input, const char *id, const char *source,
                    const uint8_t *body, size_t len, const char *failure,
                    const doc_hints_t *hints, char **error);
/* The first spooled document after seq: 1 and *out (free with
 * state_spooled_clear), or 0 when there is none. */
int state_spool_next(state_t *self, int64_t after, spooled_t *out);
void state_spooled_clear(spooled_t *doc);
/* How many are spooled after seq, counting up to at most limit. */
int state_spool_waiting(state_t *self, int64_t after, int limit);
/* The sink acknowledged it: its rows up to seq leave the spool. Rows of
 * the same id spooled after the ones taken into flight stay: they were
 * not part of what was acknowledged (another source of the same bytes,
 * still to be read), and deleting them lost that source. */
int state_spool_remove(state_t *self, const char *id, int64_t seq, char **error);

/* The start of a line read from a stream whose end has not come yet,
 * kept in pieces (appending is linear whatever the line's length), so
 * bytes taken from a pipe are on disk before they leave it. */
int state_partial_append(state_t *self, const char *name, const void *bytes, size_t len,
                         char **error);
/* Appends the kept pieces, in order, to out. */
void state_partial_load(state_t *self, const char *name, buf_t *out);
int state_partial_clear(state_t *self, const char *name, char **error);

/* Named positions in streams (lines read from standard input). */
int64_t state_position(state_t *self, const char *name);
int state_set_position(state_t *self, const char *name, int64_t position, char **error);

/* Named short texts remembered across runs (the sink's last session).
 * state_note copies the value into out (cut to size) and returns 0, or
 * -1 with out empty when there is none or it cannot be read. */
int state_note(state_t *self, const char *name, char *out, size_t size);
int state_set_note(state_t *self, const char *name, const char *value, char **error);

/* Keeps the state bounded over weeks of feeds: one step deletes the rows
 * of up to 256 files that no longer exist (their documents stay in the
 * database; only the "already sent" memory goes), walking the table a
 * step at a time, and now and then gives free pages back to the file
 * system. Call it about once a second. A writer like the others: -1 when
 * a delete or the vacuum was refused, and at once while failing (it does
 * nothing then). */
int state_compact(state_t *self, int64_t now, char **error);
/* Rows pruned since open. */
uint64_t state_pruned(const state_t *self);

/* Commits when enough changes or time have gone by since the last
 * commit. Returns -1 when the state cannot be written. */
int state_tick(state_t *self, char **error);
/* Commits now: 0, or -1 when the state cannot be written (then nothing
 * written since the last commit is on disk). */
int state_flush(state_t *self, char **error);

#endif
