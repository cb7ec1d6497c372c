/* follow: JSON-lines files followed like `tail -F` (--follow FILE).
 *
 * Appended lines are handed over as they arrive; a last line without its
 * newline waits for it. The file may be rotated under us:
 *   - renamed away and replaced (logrotate's default): the old file is
 *     read on until it has been quiet for FOLLOW_GRACE_MS, so lines its
 *     writer adds just after the rename are not lost, while the new file
 *     is read from its start;
 *   - truncated in place (copytruncate): read again from the start;
 *   - deleted and recreated, even when the new file gets the old inode
 *     number: the bytes before the saved position are checked, not just
 *     the inode.
 *
 * The read position (device, inode, offset of the last complete line,
 * line count, and a hash of the bytes just before the offset) is written
 * to the producer's state in the same transaction as the spooled lines,
 * so a restarted producer continues exactly after the last line it took:
 * nothing read twice, nothing skipped; a commit that fails sends the
 * reading back to those positions too (follow_rollback). A file rotated
 * while the producer was stopped is found again in its folder by its
 * inode and finished first. */
#ifndef FEEDMILL_FOLLOW_H
#define FEEDMILL_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "producer/state.h"

enum {
    FOLLOW_GRACE_MS = 2000,    /* a rotated-away file is read until quiet this long */
    FOLLOW_CHECK_MS = 1000,    /* a look at every file even without an event */
};

typedef struct follow follow_t;

/* One complete line of the followed file path, numbered from 1 within
 * that file; too_long is NULL or why the line was not kept. */
typedef void follow_line_fn(void *ctx, const char *path, int64_t line, const char *bytes,
                            size_t len, const char *too_long);

follow_t *follow_new(state_t *state, follow_line_fn *fn, void *ctx);
void follow_destroy(follow_t **self);

/* Starts following path (it need not exist yet). -1 with a reason in
 * *error (malloc'd) when it names something that cannot be followed. */
int follow_add(follow_t *self, const char *path, char **error);
size_t follow_count(const follow_t *self);

/* The inotify descriptor to poll, or -1 (then only timeouts drive it). */
int follow_fd(const follow_t *self);
/* Shortens timeout (ms) to when follow_read next has work. */
long follow_timeout(const follow_t *self, int64_t now, long timeout);
/* Takes the pending events, reads what the files gained (a bounded
 * amount per call) and hands over complete lines; the positions go into
 * the state's open transaction. Returns 1 when it handed over lines. */
int follow_read(follow_t *self, int64_t now);
/* The state's transaction with the lines and positions of the last
 * follow_read failed: the next follow_read first reopens every file at
 * the positions the state still has, so those lines come again, none
 * skipped and none twice. */
void follow_rollback(follow_t *self);

#endif
