/* pathset: a set of strings (file paths), for de-duplicating queues.
 *
 * Open addressing with linear probing and backward-shift deletion, so
 * there are no tombstones and a set that churns for weeks never degrades.
 * The set stores its own copies. */
#ifndef FEEDMILL_PATHSET_H
#define FEEDMILL_PATHSET_H

#include <stddef.h>

typedef struct pathset pathset_t;

pathset_t *pathset_new(void);
void pathset_destroy(pathset_t **self);

/* 1 when added, 0 when it was already there. */
int pathset_add(pathset_t *self, const char *path);
int pathset_contains(const pathset_t *self, const char *path);
/* 1 when removed, 0 when it was not there. */
int pathset_remove(pathset_t *self, const char *path);
size_t pathset_count(const pathset_t *self);
void pathset_clear(pathset_t *self);

#endif
