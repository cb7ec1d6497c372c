/* walk: the files below a list of paths, one at a time.
 *
 * Streams instead of listing everything first, so a folder of millions
 * of files costs memory for one directory level at a time, not for the
 * whole tree. Order is deterministic (sorted names within a directory).
 * Names that are not inputs (producer/names.h: hidden, temporary,
 * --ignore) are skipped silently. Symbolic
 * links are followed, to files and to directories; a link that leads
 * back into a directory being walked (a loop), a broken link, a special
 * file (FIFO, socket, device) and an unreadable directory are skipped,
 * each logged with its reason and counted (walk_skipped). */
#ifndef FEEDMILL_WALK_H
#define FEEDMILL_WALK_H

typedef struct walk walk_t;

#include "producer/names.h"

/* names may be NULL (the default rules); it must outlive the walk. */
walk_t *walk_new(const names_t *names);
void walk_destroy(walk_t **self);

/* Queues a file or directory. Returns 0, or -1 with a message in *error
 * (malloc'd) when the path does not exist. */
int walk_add(walk_t *self, const char *path, char **error);

/* Next regular file, or NULL when done. The string stays valid until the
 * next call. */
const char *walk_next(walk_t *self);

/* Walks the roots again from the start (a rescan). */
void walk_restart(walk_t *self);

/* Logs nothing: for a second walk over the same paths (`feedmill run`
 * counting the inputs for its progress line) whose skips the producer's
 * own walk already reports. */
void walk_quiet(walk_t *self);

/* Paths skipped so far, for the summary. */
unsigned long walk_skipped(const walk_t *self);

#endif
