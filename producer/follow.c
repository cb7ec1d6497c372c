/* follow: JSON-lines files followed like `tail -F`. See follow.h.
 *
 * Each followed path has up to two open files: `cur`, the file the path
 * names now, and `old`, the file it named before a rotation, read on
 * until it has been quiet for FOLLOW_GRACE_MS. Both positions are saved
 * (keys "follow:PATH ..." and "follow-old:PATH ..." in the positions
 * table), so a producer killed in the middle of a rotation finds both
 * files again by their inode. */
#include "follow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
#include "producer/linebuf.h"

enum {
    CHUNK = 64 * 1024,
    READ_BUDGET = 1 << 20,     /* bytes per file per follow_read: others get their turn */
    TAIL_BYTES = 64,           /* checked before a saved offset is trusted */
    DRAIN_CHECK_MS = 100,      /* a rotated-away file may have left the folder's events */
    NO_INOTIFY_CHECK_MS = 250,
};

#define FOLLOW_EVENTS (IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM \
                       | IN_DELETE | IN_ATTRIB | IN_ONLYDIR)

/* One open file being read. */
typedef struct reader {
    int fd;                 /* -1: none */
    int64_t dev, ino;
    int64_t read_at;        /* bytes read so far */
    int64_t offset;         /* end of the last complete line handed over */
    int64_t line;           /* lines handed over */
    uint64_t tail;          /* hash of the TAIL_BYTES before offset */
    int64_t size_seen, mtime_seen;   /* as of the last look: unchanged means nothing new */
    linebuf_t lines;
} reader_t;

typedef struct tail {
    char *path;
    reader_t cur, old;
    int64_t old_heard;      /* clock_ms() when old last gave bytes */
    int missing;            /* the path names nothing now (logged once) */
} tail_t;

struct follow {
    state_t *state;
    follow_line_fn *fn;
    void *ctx;
    int fd;                 /* inotify, or -1 */
    tail_t *tails;
    size_t count;
    int64_t next_check;     /* clock_ms() of the next look without an event */
    int more;               /* a file had more than READ_BUDGET waiting */
    int reload;             /* follow_rollback: reopen where the state says */
};

static void reader_reset(reader_t *r)
{
    *r = (reader_t){ .fd = -1 };
}

static void reader_close(reader_t *r)
{
    if (r->fd >= 0)
        close(r->fd);
    linebuf_free(&r->lines);
    reader_reset(r);
}

/* FNV-1a over the bytes before offset: cheap, and enough to tell "the
 * same file" from "another file that got the same inode number". */
static uint64_t tail_hash(int fd, int64_t offset, int *ok)
{
    unsigned char bytes[TAIL_BYTES];
    int64_t from = offset > TAIL_BYTES ? offset - TAIL_BYTES : 0;
    size_t want = (size_t)(offset - from);
    *ok = pread(fd, bytes, want, from) == (ssize_t)want;
    /* The basis the saved positions were made with, kept so that they
     * still match (FNV's own, HASH_FNV_BASIS, has one more digit). */
    return hash_fnv1a(1469598103934665603ull, bytes, want);
}

/* ---- saved positions ---------------------------------------------------- */

static const char *const fields[] = { "dev", "ino", "offset", "line", "tail" };

static char *key(const char *prefix, const char *path, int field)
{
    buf_t b = BUF_INIT;
    buf_printf(&b, "%s:%s %s", prefix, path, fields[field]);
    return buf_detach(&b);
}

static void save(follow_t *self, const char *prefix, const char *path, const reader_t *r)
{
    int64_t values[] = { r->dev, r->ino, r->offset, r->line, (int64_t)r->tail };
    int none = r->fd < 0;
    for (int i = 0; i < 5; i++) {
        char *name = key(prefix, path, i);
        state_set_position(self->state, name, none ? 0 : values[i], NULL);
        free(name);
    }
}

/* A saved reader, without its file: fd stays -1. 0 when none was saved. */
static int load(follow_t *self, const char *prefix, const char *path, reader_t *r)
{
    int64_t values[5];
    for (int i = 0; i < 5; i++) {
        char *name = key(prefix, path, i);
        values[i] = state_position(self->state, name);
        free(name);
    }
    reader_reset(r);
    r->dev = values[0];
    r->ino = values[1];
    r->offset = r->read_at = values[2];
    r->line = values[3];
    r->tail = (uint64_t)values[4];
    return r->ino != 0;
}

static void save_tail(follow_t *self, tail_t *t)
{
    save(self, "follow", t->path, &t->cur);
    save(self, "follow-old", t->path, &t->old);
}

/* ---- reading ------------------------------------------------------------ */

typedef struct line_ctx {
    follow_t *self;
    tail_t *tail;
    reader_t *reader;
} line_ctx_t;

static void on_line(void *ctx, const char *line, size_t len, const char *too_long)
{
    line_ctx_t *c = ctx;
    c->reader->line++;
    c->self->fn(c->self->ctx, c->tail->path, c->reader->line, line, len, too_long);
}

/* Reads what r's file gained, up to budget bytes. Returns 1 when lines
 * were handed over (the position moved), and sets self->more when bytes
 * are left for the next call. */
static int read_more(follow_t *self, tail_t *t, reader_t *r, size_t budget)
{
    static char chunk[CHUNK];
    line_ctx_t ctx = { self, t, r };
    int moved = 0;
    size_t taken = 0;
    while (taken < budget) {
        ssize_t n = pread(r->fd, chunk, sizeof chunk, r->read_at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            log_warn("cannot read followed file source=%s error=%s", log_q(t->path),
                     log_q(strerror(errno)));
            return moved;   /* the next look tries again */
        }
        if (n == 0)
            return moved;
        size_t complete = linebuf_feed(&r->lines, chunk, (size_t)n, on_line, &ctx);
        if (complete) {
            r->offset = r->read_at + (int64_t)complete;
            moved = 1;
        }
        r->read_at += n;
        taken += (size_t)n;
    }
    self->more = 1;
    return moved;
}

/* The file is read again from its start: truncated in place, or its
 * bytes before our position are not the ones we read. */
static void restart_file(tail_t *t, const char *why)
{
    reader_t *r = &t->cur;
    log_warn("followed file %s, reading it from the start source=%s lines_before=%lld", why,
             log_q(t->path), (long long)r->line);
    linebuf_reset(&r->lines);
    r->read_at = r->offset = r->line = 0;
    r->tail = 0;
}

/* Has the file shrunk below what we read, or been rewritten before our
 * position? Only looked into when its size or time changed. */
static void check_rewrite(tail_t *t, const struct stat *st)
{
    reader_t *r = &t->cur;
    int64_t mtime = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    if (st->st_size == r->size_seen && mtime == r->mtime_seen)
        return;
    r->size_seen = st->st_size;
    r->mtime_seen = mtime;
    if (st->st_size < r->read_at) {
        restart_file(t, "was truncated");
        return;
    }
    int ok;
    if (r->offset > 0 && (tail_hash(r->fd, r->offset, &ok) != r->tail || !ok))
        restart_file(t, "was rewritten");
}

/* Opens path as the new current file, read from its start. */
static int open_current(tail_t *t)
{
    int fd = open(t->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    reader_reset(&t->cur);
    t->cur.fd = fd;
    t->cur.dev = (int64_t)st.st_dev;
    t->cur.ino = (int64_t)st.st_ino;
    t->cur.size_seen = -1;
    return 0;
}

/* Reads the old file to its end now and lets it go: its last line
 * counts even without a newline (its writer has moved on). */
static void finish_old(follow_t *self, tail_t *t)
{
    reader_t *r = &t->old;
    if (r->fd < 0)
        return;
    while (read_more(self, t, r, READ_BUDGET))
        ;
    line_ctx_t ctx = { self, t, r };
    linebuf_finish(&r->lines, on_line, &ctx);
    log_info("finished the rotated-away followed file source=%s lines=%lld", log_q(t->path),
             (long long)r->line);
    reader_close(r);
}

/* The path now names another file, or none: the current file becomes
 * the old one, read on through the grace time. */
static void rotate(follow_t *self, tail_t *t, int64_t now, int gone)
{
    finish_old(self, t);
    log_info("followed file %s, reading the old one until it is quiet source=%s "
             "lines=%lld", gone ? "was removed" : "was rotated", log_q(t->path),
             (long long)t->cur.line);
    t->old = t->cur;
    t->old_heard = now;
    reader_reset(&t->cur);
}

/* One look at one followed path. Returns 1 when positions moved. */
static int look(follow_t *self, tail_t *t, int64_t now)
{
    int moved = 0;
    if (t->old.fd >= 0) {
        if (read_more(self, t, &t->old, READ_BUDGET)) {
            t->old_heard = now;
            moved = 1;
        } else if (now - t->old_heard >= FOLLOW_GRACE_MS) {
            finish_old(self, t);
            moved = 1;
        }
    }
    if (t->cur.fd >= 0) {
        struct stat st;
        if (fstat(t->cur.fd, &st) == 0)
            check_rewrite(t, &st);
        moved |= read_more(self, t, &t->cur, READ_BUDGET);
    }
    /* Rotation is judged after reading what the current file has, so
     * the old file is mostly read before the new one starts. */
    struct stat now_st;
    int exists = stat(t->path, &now_st) == 0 && S_ISREG(now_st.st_mode);
    if (t->cur.fd >= 0 && (!exists || (int64_t)now_st.st_ino != t->cur.ino
                           || (int64_t)now_st.st_dev != t->cur.dev)) {
        rotate(self, t, now, !exists);
        moved = 1;
    }
    if (t->cur.fd < 0 && exists && open_current(t) == 0) {
        if (t->missing)
            log_info("followed file appeared source=%s", log_q(t->path));
        t->missing = 0;
        moved |= read_more(self, t, &t->cur, READ_BUDGET);
        moved = 1;   /* the new file's identity is saved even before a line */
    }
    if (t->cur.fd < 0 && !exists && !t->missing) {
        t->missing = 1;
        if (t->old.fd < 0)
            log_warn("followed file does not exist, waiting for it source=%s",
                     log_q(t->path));
    }
    if (moved) {
        int ok;
        if (t->cur.fd >= 0)
            t->cur.tail = tail_hash(t->cur.fd, t->cur.offset, &ok);
        if (t->old.fd >= 0)
            t->old.tail = tail_hash(t->old.fd, t->old.offset, &ok);
    }
    return moved;
}

/* ---- starting: where the last run stopped ------------------------------- */

/* Opens the file with saved's device and inode, checking the bytes before
 * its saved offset: at path itself, else anywhere in path's folder (a
 * rotation while we were stopped renames it there). -1 when gone. */
static int reopen(const char *path, reader_t *saved)
{
    buf_t dir = BUF_INIT;
    const char *slash = strrchr(path, '/');
    if (slash)
        buf_append(&dir, path, (size_t)(slash - path + 1));
    else
        buf_puts(&dir, "./");
    size_t dir_len = dir.len;
    struct stat st;
    int fd = -1;
    if (stat(path, &st) == 0 && (int64_t)st.st_ino == saved->ino
        && (int64_t)st.st_dev == saved->dev)
        fd = open(path, O_RDONLY | O_CLOEXEC);
    DIR *d = fd < 0 ? opendir(dir.data) : NULL;
    struct dirent *e;
    while (d && fd < 0 && (e = readdir(d)) != NULL) {
        if ((int64_t)e->d_ino != saved->ino)
            continue;
        buf_truncate(&dir, dir_len);
        buf_puts(&dir, e->d_name);
        if (stat(dir.data, &st) == 0 && S_ISREG(st.st_mode)
            && (int64_t)st.st_dev == saved->dev && (int64_t)st.st_ino == saved->ino)
            fd = open(dir.data, O_RDONLY | O_CLOEXEC);
    }
    if (d)
        closedir(d);
    buf_free(&dir);
    if (fd < 0)
        return -1;
    int ok;
    if (fstat(fd, &st) != 0 || st.st_size < saved->offset
        || tail_hash(fd, saved->offset, &ok) != saved->tail || !ok) {
        close(fd);
        return -1;   /* the inode number was reused by another file */
    }
    saved->fd = fd;
    saved->size_seen = -1;
    return 0;
}

/* Opens t's files where the state's last commit left them: at start,
 * and after a commit that failed (follow_rollback). A file rotated away
 * meanwhile is finished first; old_heard starts the grace time of the
 * old file. */
static void resume(follow_t *self, tail_t *t, int64_t old_heard)
{
    const char *path = t->path;
    struct stat st;
    reader_t saved_cur, saved_old;
    int had_cur = load(self, "follow", path, &saved_cur);
    int had_old = load(self, "follow-old", path, &saved_old);
    if (had_old && reopen(path, &saved_old) == 0) {
        t->old = saved_old;
        log_info("resuming a rotated-away followed file source=%s after_line=%lld",
                 log_q(path), (long long)saved_old.line);
    }
    if (had_cur && reopen(path, &saved_cur) == 0) {
        int renamed = stat(path, &st) != 0 || (int64_t)st.st_ino != saved_cur.ino;
        if (renamed) {
            /* Rotated while we were stopped: finish it as the old file. */
            finish_old(self, t);
            t->old = saved_cur;
            log_info("the followed file was rotated while stopped, finishing it first "
                     "source=%s after_line=%lld", log_q(path), (long long)saved_cur.line);
        } else {
            t->cur = saved_cur;
            log_info("resuming followed file source=%s after_line=%lld", log_q(path),
                     (long long)saved_cur.line);
        }
    } else if (had_cur) {
        log_warn("the followed file was replaced while stopped, reading the new one from "
                 "its start source=%s", log_q(path));
    }
    if (t->cur.fd < 0 && open_current(t) != 0) {
        t->missing = 1;
        log_warn("followed file does not exist, waiting for it source=%s", log_q(path));
    }
    t->old_heard = old_heard;
}

int follow_add(follow_t *self, const char *path, char **error)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "%s: --follow needs a regular file", path);
        *error = buf_detach(&why);
        return -1;
    }
    for (size_t i = 0; i < self->count; i++)
        if (!strcmp(self->tails[i].path, path))
            return 0;   /* named twice: followed once */
    self->tails = xrealloc(self->tails, (self->count + 1) * sizeof(tail_t));
    tail_t *t = &self->tails[self->count++];
    *t = (tail_t){ .path = xstrdup(path) };
    reader_reset(&t->cur);
    reader_reset(&t->old);
    resume(self, t, 0);   /* 0: the old file's writer had all our downtime */
    if (self->fd >= 0) {
        buf_t dir = BUF_INIT;
        const char *slash = strrchr(path, '/');
        buf_append(&dir, path, slash ? (size_t)(slash - path + (slash == path)) : 0);
        if (!slash)
            buf_puts(&dir, ".");
        if (inotify_add_watch(self->fd, dir.data, FOLLOW_EVENTS) < 0)
            log_warn("cannot watch the followed file's folder, looking every second instead "
                     "source=%s error=%s", log_q(path), log_q(strerror(errno)));
        buf_free(&dir);
    }
    self->next_check = 0;   /* read what is there at once */
    return 0;
}

/* ---- the object --------------------------------------------------------- */

follow_t *follow_new(state_t *state, follow_line_fn *fn, void *ctx)
{
    follow_t *self = xcalloc(1, sizeof(follow_t));
    self->state = state;
    self->fn = fn;
    self->ctx = ctx;
    self->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (self->fd < 0)
        log_warn("inotify unavailable, followed files are looked at every %d ms error=%s",
                 NO_INOTIFY_CHECK_MS, log_q(strerror(errno)));
    return self;
}

void follow_destroy(follow_t **self_p)
{
    follow_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->count; i++) {
        reader_close(&self->tails[i].cur);
        reader_close(&self->tails[i].old);
        free(self->tails[i].path);
    }
    free(self->tails);
    if (self->fd >= 0)
        close(self->fd);
    free(self);
    *self_p = NULL;
}

size_t follow_count(const follow_t *self)
{
    return self ? self->count : 0;
}

int follow_fd(const follow_t *self)
{
    return self->fd;
}

long follow_timeout(const follow_t *self, int64_t now, long timeout)
{
    if (self->more || now >= self->next_check)
        return 0;
    int64_t wait = self->next_check - now;
    return wait < timeout ? (long)wait : timeout;
}

/* Empties the inotify queue: returns 1 when anything happened. Which
 * file it was does not matter: every followed file gets a look, and
 * there are few. */
static int drain_events(follow_t *self)
{
    if (self->fd < 0)
        return 0;
    char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int any = 0;
    while (read(self->fd, events, sizeof events) > 0)
        any = 1;
    return any;
}

void follow_rollback(follow_t *self)
{
    self->reload = 1;
    self->next_check = 0;
}

int follow_read(follow_t *self, int64_t now)
{
    int events = drain_events(self);
    if (!events && !self->more && !self->reload && now < self->next_check)
        return 0;
    self->more = 0;
    int moved = 0, draining = 0;
    /* After a failed commit: what was read since the last one is read
     * again, from the positions the state kept. */
    for (size_t i = 0; self->reload && i < self->count; i++) {
        tail_t *t = &self->tails[i];
        reader_close(&t->cur);
        reader_close(&t->old);
        t->missing = 0;
        resume(self, t, now);
        moved = 1;
    }
    self->reload = 0;
    for (size_t i = 0; i < self->count; i++) {
        tail_t *t = &self->tails[i];
        if (look(self, t, now)) {
            save_tail(self, t);
            moved = 1;
        }
        draining |= t->old.fd >= 0;
    }
    int64_t every = self->fd < 0 ? NO_INOTIFY_CHECK_MS
                  : draining ? DRAIN_CHECK_MS : FOLLOW_CHECK_MS;
    self->next_check = now + every;
    return moved;
}
