/* names: input and work-in-progress file names. See names.h. */
#include "names.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

static const char *const temporary_suffixes[] = { "~", ".tmp", ".part", ".swp" };

struct names {
    char **globs;
    size_t count;
};

names_t *names_new(void)
{
    return xcalloc(1, sizeof(names_t));
}

void names_destroy(names_t **self_p)
{
    names_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->count; i++)
        free(self->globs[i]);
    free(self->globs);
    free(self);
    *self_p = NULL;
}

void names_ignore(names_t *self, const char *glob)
{
    self->globs = xrealloc(self->globs, (self->count + 1) * sizeof(char *));
    self->globs[self->count++] = xstrdup(glob);
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

int names_wanted(const names_t *self, const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || name[0] == '.')
        return 0;
    for (size_t i = 0; i < sizeof temporary_suffixes / sizeof temporary_suffixes[0]; i++)
        if (ends_with(name, len, temporary_suffixes[i]))
            return 0;
    for (size_t i = 0; self && i < self->count; i++)
        if (fnmatch(self->globs[i], name, 0) == 0)
            return 0;
    return 1;
}
