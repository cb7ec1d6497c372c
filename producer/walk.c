/* walk: streaming recursive file listing. See walk.h. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/log.h"

typedef struct frame {
    char *dir;
    dev_t dev;          /* the directory's identity, for loop detection */
    ino_t ino;
    struct dirent **entries;
    int count;
    int next;
} frame_t;

struct walk {
    const names_t *names;
    char **roots;
    int root_count;
    int next_root;
    frame_t *stack;
    int depth;
    int stack_cap;
    char *current;
    unsigned long skipped;
    int quiet;           /* walk_quiet(): skips are counted, not logged */
};

walk_t *walk_new(const names_t *names)
{
    walk_t *self = xcalloc(1, sizeof(walk_t));
    self->names = names;
    return self;
}

static void frame_free(frame_t *frame)
{
    for (int i = 0; i < frame->count; i++)
        free(frame->entries[i]);
    free(frame->entries);
    free(frame->dir);
}

void walk_destroy(walk_t **self_p)
{
    walk_t *self = *self_p;
    if (!self)
        return;
    while (self->depth > 0)
        frame_free(&self->stack[--self->depth]);
    free(self->stack);
    for (int i = 0; i < self->root_count; i++)
        free(self->roots[i]);
    free(self->roots);
    free(self->current);
    free(self);
    *self_p = NULL;
}

int walk_add(walk_t *self, const char *path, char **error)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        buf_t msg = BUF_INIT;
        buf_printf(&msg, "%s: %s", path, strerror(errno));
        *error = buf_detach(&msg);
        return -1;
    }
    self->roots = xrealloc(self->roots, (self->root_count + 1) * sizeof(char *));
    self->roots[self->root_count++] = xstrdup(path);
    return 0;
}

/* scandir's filter takes no context: the cheap rule here, the rest
 * (temporary names, --ignore) in push_dir. */
static int visible(const struct dirent *entry)
{
    return entry->d_name[0] != '.';
}

/* Drops the entries whose names are not inputs; returns the new count. */
static int keep_wanted(const walk_t *self, struct dirent **entries, int count)
{
    int kept = 0;
    for (int i = 0; i < count; i++) {
        if (names_wanted(self->names, entries[i]->d_name))
            entries[kept++] = entries[i];
        else
            free(entries[i]);
    }
    return kept;
}

static void skip(walk_t *self, const char *path, const char *reason)
{
    self->skipped++;
    if (!self->quiet)
        log_warn("skipping path=%s reason=%s", log_q(path), log_q(reason));
}

void walk_quiet(walk_t *self)
{
    self->quiet = 1;
}

static void push_dir(walk_t *self, const char *dir, const struct stat *st)
{
    /* A directory already open above us was reached again through a
     * link: following it would walk the same files for ever. */
    for (int i = 0; i < self->depth; i++) {
        if (self->stack[i].dev == st->st_dev && self->stack[i].ino == st->st_ino) {
            buf_t why = BUF_INIT;
            buf_printf(&why, "symbolic link loop: leads back to %s", self->stack[i].dir);
            skip(self, dir, why.data);
            buf_free(&why);
            return;
        }
    }
    struct dirent **entries;
    int count = scandir(dir, &entries, visible, alphasort);
    if (count < 0) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "cannot read directory: %s", strerror(errno));
        skip(self, dir, why.data);
        buf_free(&why);
        return;
    }
    count = keep_wanted(self, entries, count);
    if (self->depth == self->stack_cap) {
        self->stack_cap = self->stack_cap ? self->stack_cap * 2 : 8;
        self->stack = xrealloc(self->stack, self->stack_cap * sizeof(frame_t));
    }
    self->stack[self->depth++] = (frame_t){ xstrdup(dir), st->st_dev, st->st_ino, entries, count, 0 };
}

/* Returns 1 when path is a file to yield; pushes it when a directory. */
static int visit(walk_t *self, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int error = errno;
        struct stat link;
        if (error == ELOOP)
            skip(self, path, "symbolic link loop: too many levels of links");
        else if (error == ENOENT && lstat(path, &link) == 0 && S_ISLNK(link.st_mode))
            skip(self, path, "broken symbolic link");
        else if (error == ENOENT && !self->quiet)
            log_warn("file vanished before it was read path=%s", log_q(path));
        else if (error != ENOENT)
            skip(self, path, strerror(error));
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        push_dir(self, path, &st);
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        skip(self, path, "not a regular file (FIFO, socket or device)");
        return 0;
    }
    return 1;
}

static void set_current(walk_t *self, char *path)
{
    free(self->current);
    self->current = path;
}

const char *walk_next(walk_t *self)
{
    for (;;) {
        if (self->depth > 0) {
            frame_t *top = &self->stack[self->depth - 1];
            if (top->next == top->count) {
                frame_free(top);
                self->depth--;
                continue;
            }
            buf_t path = BUF_INIT;
            size_t dir_len = strlen(top->dir);
            buf_puts(&path, top->dir);
            if (dir_len == 0 || top->dir[dir_len - 1] != '/')
                buf_putc(&path, '/');
            buf_puts(&path, top->entries[top->next++]->d_name);
            set_current(self, buf_detach(&path));
            if (visit(self, self->current))
                return self->current;
            continue;
        }
        if (self->next_root == self->root_count)
            return NULL;
        set_current(self, xstrdup(self->roots[self->next_root++]));
        if (visit(self, self->current))
            return self->current;
    }
}

void walk_restart(walk_t *self)
{
    while (self->depth > 0)
        frame_free(&self->stack[--self->depth]);
    self->next_root = 0;
}

unsigned long walk_skipped(const walk_t *self)
{
    return self->skipped;
}
