/* watch: complete files below watched folders. See watch.h. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "producer/pathset.h"

enum { FALLBACK_POLL_MS = 5000 };

#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR | IN_EXCL_UNLINK)

typedef struct watched {
    int wd;
    char *path;
} watched_t;

typedef struct deferred {
    char *path;
    int64_t due;            /* clock_ms() of the next look */
} deferred_t;

struct watch {
    const names_t *names;
    int fd;                 /* inotify, or -1 when polling */
    int64_t poll_ms;        /* 0 with inotify */
    int64_t settle_ms;
    int64_t next_scan;      /* polling: clock_ms() of the next round */
    int rescan;             /* a rescan is owed (overflow, dropped queue) */
    watched_t *dirs;        /* sorted by wd: the kernel hands them out rising */
    size_t dir_count;
    deferred_t *deferred;
    size_t deferred_count, deferred_cap;
    pathset_t *deferred_set;
    char **ready;           /* FIFO: ready[head .. ready_count) */
    size_t ready_count, ready_head, ready_cap;
    pathset_t *ready_set;
    char *current;          /* the path watch_next returned last */
};

watch_t *watch_new(const names_t *names, int64_t poll_ms, int64_t settle_ms)
{
    watch_t *self = xcalloc(1, sizeof(watch_t));
    self->names = names;
    self->poll_ms = poll_ms;
    self->settle_ms = poll_ms > settle_ms ? poll_ms : settle_ms;
    self->fd = -1;
    if (!poll_ms) {
        self->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (self->fd < 0) {
            log_warn("inotify unavailable, rescanning instead error=%s interval_ms=%d",
                     log_q(strerror(errno)), FALLBACK_POLL_MS);
            self->poll_ms = FALLBACK_POLL_MS;
        }
    }
    self->next_scan = clock_ms() + self->poll_ms;
    self->deferred_set = pathset_new();
    self->ready_set = pathset_new();
    return self;
}

void watch_destroy(watch_t **self_p)
{
    watch_t *self = *self_p;
    if (!self)
        return;
    if (self->fd >= 0)
        close(self->fd);
    for (size_t i = 0; i < self->dir_count; i++)
        free(self->dirs[i].path);
    free(self->dirs);
    for (size_t i = 0; i < self->deferred_count; i++)
        free(self->deferred[i].path);
    free(self->deferred);
    for (size_t i = self->ready_head; i < self->ready_count; i++)
        free(self->ready[i]);
    free(self->ready);
    pathset_destroy(&self->deferred_set);
    pathset_destroy(&self->ready_set);
    free(self->current);
    free(self);
    *self_p = NULL;
}

/* ---- folders ---------------------------------------------------------- */

static watched_t *find_dir(watch_t *self, int wd)
{
    size_t lo = 0, hi = self->dir_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (self->dirs[mid].wd == wd)
            return &self->dirs[mid];
        if (self->dirs[mid].wd < wd)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void forget_dir(watch_t *self, int wd)
{
    watched_t *d = find_dir(self, wd);
    if (!d)
        return;
    free(d->path);
    size_t at = (size_t)(d - self->dirs);
    memmove(d, d + 1, (self->dir_count - at - 1) * sizeof(watched_t));
    self->dir_count--;
}

/* The kernel gives a folder already watched (moved, or reached through a
 * link) its old descriptor: then only its path changes. */
static int watch_one(watch_t *self, const char *dir)
{
    int wd = inotify_add_watch(self->fd, dir, DIR_EVENTS);
    if (wd < 0) {
        if (errno == ENOSPC)
            log_warn("inotify watch limit reached, rescanning instead path=%s interval_ms=%d "
                     "hint=%s", log_q(dir), FALLBACK_POLL_MS,
                     log_q("raise fs.inotify.max_user_watches"));
        else
            log_warn("cannot watch folder, rescanning instead path=%s error=%s", log_q(dir),
                     log_q(strerror(errno)));
        if (!self->poll_ms) {
            self->poll_ms = FALLBACK_POLL_MS;
            self->next_scan = clock_ms() + self->poll_ms;
        }
        return -1;
    }
    watched_t *known = find_dir(self, wd);
    if (known) {
        free(known->path);
        known->path = xstrdup(dir);
        return 0;
    }
    size_t at = self->dir_count;
    while (at > 0 && self->dirs[at - 1].wd > wd)
        at--;
    self->dirs = xrealloc(self->dirs, (self->dir_count + 1) * sizeof(watched_t));
    memmove(self->dirs + at + 1, self->dirs + at, (self->dir_count - at) * sizeof(watched_t));
    self->dirs[at] = (watched_t){ wd, xstrdup(dir) };
    self->dir_count++;
    return 0;
}

static char *join(const char *dir, const char *name)
{
    buf_t path = BUF_INIT;
    buf_puts(&path, dir);
    if (path.len == 0 || path.data[path.len - 1] != '/')
        buf_putc(&path, '/');
    buf_puts(&path, name);
    return buf_detach(&path);
}

/* Watches dir and the folders below it; with take_files, also defers
 * the files already there (a folder that appeared while we ran: its
 * files may predate our watch on it). depth stops link loops. */
static void watch_tree(watch_t *self, const char *dir, int take_files, int depth)
{
    if (depth > 64 || (self->fd >= 0 && watch_one(self, dir) != 0 && !take_files))
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *entry;
    while ((entry = readdir(d))) {
        if (!names_wanted(self->names, entry->d_name))
            continue;
        char *path = join(dir, entry->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            watch_tree(self, path, take_files, depth + 1);
        else if (take_files && S_ISREG(st.st_mode))
            watch_defer(self, path);
        free(path);
    }
    closedir(d);
}

int watch_add(watch_t *self, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return -1;
    if (self->fd >= 0)
        watch_tree(self, dir, 0, 0);
    return 0;
}

/* ---- queues ----------------------------------------------------------- */

/* Past the bound, queued paths are dropped and a rescan owed: the scan
 * finds every one of them again, at the cost of re-reading nothing
 * (the producer's state skips what is done). */
static int room(watch_t *self)
{
    if (self->deferred_count + (self->ready_count - self->ready_head) < WATCH_MAX_QUEUED)
        return 1;
    if (!self->rescan)
        log_warn("too many files waiting, dropping the queue and rescanning queued=%d",
                 WATCH_MAX_QUEUED);
    self->rescan = 1;
    return 0;
}

static void make_ready(watch_t *self, const char *path)
{
    if (pathset_contains(self->ready_set, path) || !room(self))
        return;
    /* Keep the FIFO's array small: slide the live part down once the
     * consumed part is at least half of it. */
    if (self->ready_head > 0 && self->ready_head * 2 >= self->ready_count) {
        memmove(self->ready, self->ready + self->ready_head,
                (self->ready_count - self->ready_head) * sizeof(char *));
        self->ready_count -= self->ready_head;
        self->ready_head = 0;
    }
    if (self->ready_count == self->ready_cap) {
        self->ready_cap = self->ready_cap ? 2 * self->ready_cap : 64;
        self->ready = xrealloc(self->ready, self->ready_cap * sizeof(char *));
    }
    self->ready[self->ready_count++] = xstrdup(path);
    pathset_add(self->ready_set, path);
}

void watch_defer(watch_t *self, const char *path)
{
    if (pathset_contains(self->deferred_set, path) || !room(self))
        return;
    /* Doubling: a flood of new files (up to WATCH_MAX_QUEUED) must not
     * cost a copy of the whole list per file. */
    if (self->deferred_count == self->deferred_cap) {
        self->deferred_cap = self->deferred_cap ? 2 * self->deferred_cap : 64;
        self->deferred = xrealloc(self->deferred, self->deferred_cap * sizeof(deferred_t));
    }
    self->deferred[self->deferred_count++] =
        (deferred_t){ xstrdup(path), clock_ms() + self->settle_ms };
    pathset_add(self->deferred_set, path);
}

int watch_too_fresh(const watch_t *self, const struct timespec *mtime)
{
    return clock_realtime_ms() - clock_realtime_ms_of(mtime) < self->settle_ms;
}

/* A deferred file whose modification time is settle_ms old is complete;
 * a fresher one waits again; a vanished one is dropped. */
static void settle(watch_t *self)
{
    int64_t now = clock_ms(), wall = clock_realtime_ms();
    size_t kept = 0;
    for (size_t i = 0; i < self->deferred_count; i++) {
        deferred_t *d = &self->deferred[i];
        struct stat st;
        int keep = 0;
        if (d->due <= now && stat(d->path, &st) == 0 && S_ISREG(st.st_mode)) {
            int64_t age = wall - clock_realtime_ms_of(&st.st_mtim);
            if (age >= self->settle_ms) {
                make_ready(self, d->path);
            } else {
                d->due = now + self->settle_ms - age;
                keep = 1;
            }
        } else if (d->due > now) {
            keep = 1;
        }
        if (keep) {
            self->deferred[kept++] = *d;
        } else {
            pathset_remove(self->deferred_set, d->path);
            free(d->path);
        }
    }
    self->deferred_count = kept;
}

/* ---- events ----------------------------------------------------------- */

static void on_event(watch_t *self, const struct inotify_event *ev)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        log_warn("inotify queue overflowed, rescanning");
        self->rescan = 1;
        return;
    }
    if (ev->mask & IN_IGNORED) {
        forget_dir(self, ev->wd);
        return;
    }
    watched_t *dir = find_dir(self, ev->wd);
    if (!dir || !ev->len || !names_wanted(self->names, ev->name))
        return;
    char *path = join(dir->path, ev->name);
    if (ev->mask & IN_ISDIR) {
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
            log_info("watching new folder path=%s", log_q(path));
            watch_tree(self, path, 1, 0);
        }
    } else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
        /* Complete now: no need to wait for it to settle. */
        if (pathset_remove(self->deferred_set, path)) {
            for (size_t i = 0; i < self->deferred_count; i++)
                if (!strcmp(self->deferred[i].path, path)) {
                    free(self->deferred[i].path);
                    self->deferred[i] = self->deferred[--self->deferred_count];
                    break;
                }
        }
        make_ready(self, path);
    }
    free(path);
}

static void read_events(watch_t *self)
{
    char events[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(self->fd, events, sizeof events);
        if (n <= 0) {
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                log_warn("cannot read inotify events error=%s", log_q(strerror(errno)));
            return;
        }
        for (char *p = events; p < events + n; ) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            on_event(self, ev);
            p += sizeof(struct inotify_event) + ev->len;
        }
    }
}

void watch_process(watch_t *self)
{
    if (self->fd >= 0)
        read_events(self);
    settle(self);
}

const char *watch_next(watch_t *self)
{
    if (self->ready_head == self->ready_count)
        return NULL;
    free(self->current);
    self->current = self->ready[self->ready_head++];
    pathset_remove(self->ready_set, self->current);
    return self->current;
}

int watch_fd(const watch_t *self)
{
    return self->fd;
}

int watch_rescan_due(watch_t *self, int64_t now_ms)
{
    if (self->poll_ms && now_ms >= self->next_scan) {
        self->next_scan = now_ms + self->poll_ms;
        self->rescan = 1;
    }
    if (!self->rescan)
        return 0;
    self->rescan = 0;
    return 1;
}

long watch_timeout(const watch_t *self, int64_t now_ms, long max_ms)
{
    int64_t next = now_ms + max_ms;
    if (self->poll_ms && self->next_scan < next)
        next = self->next_scan;
    for (size_t i = 0; i < self->deferred_count; i++)
        if (self->deferred[i].due < next)
            next = self->deferred[i].due;
    return next <= now_ms ? 0 : (long)(next - now_ms);
}

void watch_counts(const watch_t *self, size_t *dirs, size_t *deferred, size_t *ready)
{
    *dirs = self->dir_count;
    *deferred = self->deferred_count;
    *ready = self->ready_count - self->ready_head;
}
