/* pathset: a string set. See pathset.h. */
#include "pathset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"

struct pathset {
    char **slots;       /* NULL = empty */
    size_t cap;         /* a power of two */
    size_t count;
};

static uint64_t hash(const char *s)
{
    return hash_fnv1a(HASH_FNV_BASIS, s, strlen(s));
}

pathset_t *pathset_new(void)
{
    pathset_t *self = xcalloc(1, sizeof(pathset_t));
    self->cap = 64;
    self->slots = xcalloc(self->cap, sizeof(char *));
    return self;
}

void pathset_clear(pathset_t *self)
{
    for (size_t i = 0; i < self->cap; i++) {
        free(self->slots[i]);
        self->slots[i] = NULL;
    }
    self->count = 0;
}

void pathset_destroy(pathset_t **self_p)
{
    pathset_t *self = *self_p;
    if (!self)
        return;
    pathset_clear(self);
    free(self->slots);
    free(self);
    *self_p = NULL;
}

/* The slot holding path, or the empty slot where it would go. */
static size_t find(const pathset_t *self, const char *path)
{
    size_t mask = self->cap - 1, i = hash(path) & mask;
    while (self->slots[i] && strcmp(self->slots[i], path) != 0)
        i = (i + 1) & mask;
    return i;
}

static void grow(pathset_t *self)
{
    char **old = self->slots;
    size_t old_cap = self->cap;
    self->cap *= 2;
    self->slots = xcalloc(self->cap, sizeof(char *));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            self->slots[find(self, old[i])] = old[i];
    free(old);
}

int pathset_add(pathset_t *self, const char *path)
{
    /* At most half full: probes stay short. */
    if ((self->count + 1) * 2 > self->cap)
        grow(self);
    size_t i = find(self, path);
    if (self->slots[i])
        return 0;
    self->slots[i] = xstrdup(path);
    self->count++;
    return 1;
}

int pathset_contains(const pathset_t *self, const char *path)
{
    return self->slots[find(self, path)] != NULL;
}

int pathset_remove(pathset_t *self, const char *path)
{
    size_t mask = self->cap - 1, i = find(self, path);
    if (!self->slots[i])
        return 0;
    free(self->slots[i]);
    self->slots[i] = NULL;
    self->count--;
    /* Backward shift: move later members of the run into the hole when
     * their home slot is not between the hole and them. */
    for (size_t j = (i + 1) & mask; self->slots[j]; j = (j + 1) & mask) {
        size_t home = hash(self->slots[j]) & mask;
        int between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!between) {
            self->slots[i] = self->slots[j];
            self->slots[j] = NULL;
            i = j;
        }
    }
    return 1;
}

size_t pathset_count(const pathset_t *self)
{
    return self->count;
}
