/* ownfiles: recognising feedmill's own files. See ownfiles.h. */
#include "ownfiles.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"

typedef struct owned {
    dev_t dev;          /* the folder holding it */
    ino_t ino;
    char *name;         /* its file name in that folder */
} owned_t;

struct ownfiles {
    owned_t *files;
    size_t count;
};

/* SQLite's companions of a database, and of DB.producer, the state
 * `feedmill run` keeps beside its database. */
static const char *const companions[] = {
    "", "-wal", "-shm", "-journal",
    ".producer", ".producer-wal", ".producer-shm", ".producer-journal",
};

ownfiles_t *ownfiles_new(void)
{
    return xcalloc(1, sizeof(ownfiles_t));
}

void ownfiles_destroy(ownfiles_t **self_p)
{
    ownfiles_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->count; i++)
        free(self->files[i].name);
    free(self->files);
    free(self);
    *self_p = NULL;
}

/* Splits path into its folder ("." when it has none) and file name, and
 * finds the folder's identity. 0 on success. */
static int locate(const char *path, struct stat *folder, const char **name)
{
    const char *slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    int rc = stat(dir, folder);
    free(dir);
    return rc;
}

void ownfiles_add(ownfiles_t *self, const char *path)
{
    struct stat folder;
    const char *name;
    if (locate(path, &folder, &name) != 0 || !*name)
        return;
    self->files = xrealloc(self->files, (self->count + 1) * sizeof(owned_t));
    self->files[self->count++] = (owned_t){ folder.st_dev, folder.st_ino, xstrdup(name) };
}

/* 1 when name is owned's name plus one of the companion suffixes. */
static int same_name(const owned_t *owned, const char *name)
{
    size_t len = strlen(owned->name);
    if (strncmp(name, owned->name, len) != 0)
        return 0;
    for (size_t i = 0; i < sizeof companions / sizeof companions[0]; i++)
        if (!strcmp(name + len, companions[i]))
            return 1;
    return 0;
}

int ownfiles_match(const ownfiles_t *self, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    /* Names first: only a file called like ours costs a stat(). */
    int candidate = 0;
    for (size_t i = 0; i < self->count && !candidate; i++)
        candidate = same_name(&self->files[i], name);
    if (!candidate)
        return 0;
    struct stat folder;
    if (locate(path, &folder, &name) != 0)
        return 0;
    for (size_t i = 0; i < self->count; i++)
        if (self->files[i].dev == folder.st_dev && self->files[i].ino == folder.st_ino
            && same_name(&self->files[i], name))
            return 1;
    return 0;
}
