/* names: which file names are documents and which are someone's work in
 * progress.
 *
 * Editors, downloaders and copy tools write a file under a temporary
 * name and rename it when it is complete. Taking the temporary file would
 * store half a document as a permanent row, so these names are never
 * inputs: hidden names (".x", which also covers ".git" and the
 * "rsync-style" ".name.XXXXXX"), and names ending in "~", ".tmp", ".part"
 * or ".swp". Operators add patterns of their own (--ignore GLOB, matched
 * against the file name with fnmatch(3), e.g. "*.crdownload"). */
#ifndef FEEDMILL_NAMES_H
#define FEEDMILL_NAMES_H

typedef struct names names_t;

names_t *names_new(void);
void names_destroy(names_t **self);

/* Adds a glob that excludes matching file names. The pattern is copied. */
void names_ignore(names_t *self, const char *glob);

/* 1 when a file or folder called `name` (no slash) is to be read. */
int names_wanted(const names_t *self, const char *name);

#endif
