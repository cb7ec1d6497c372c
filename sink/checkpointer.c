/* checkpointer: the sink's checkpointing thread. See checkpointer.h. */
#include "sink/checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"

struct checkpointer {
    sqlite3 *db;              /* the thread's own connection */
    char *path;
    pthread_t thread;
    int running;              /* started and not joined */
    pthread_mutex_t lock;     /* guards what follows */
    pthread_cond_t wake;      /* to the thread: wanted or stop */
    pthread_cond_t idle;      /* from the thread: nothing under way nor wanted */
    int wanted, busy, stop;
    int failing;              /* the last attempt failed: said once until one succeeds */
    int copied_all;           /* the last one copied the whole WAL */
};

/* One PASSIVE checkpoint: copies what is committed, blocks no one.
 * 1 when it copied the whole WAL: not when a reader still reads pages
 * the WAL holds, or another connection was checkpointing. */
static int checkpoint(checkpointer_t *self)
{
    int wal_pages = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(self->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                       &wal_pages, &copied);
    if (rc == SQLITE_OK) {
        if (self->failing)
            log_info("checkpoints work again db=%s", log_q(self->path));
        self->failing = 0;
        log_debug("checkpoint wal_pages=%d copied=%d", wal_pages, copied);
        return copied == wal_pages;
    } else if (rc != SQLITE_BUSY && !self->failing) {
        /* (BUSY: another connection's checkpoint; the next kick tries.)
         * Nothing is lost: the WAL keeps every commit until a checkpoint
         * copies it, and readers read it. It only grows meanwhile. */
        log_warn("checkpoint failed, the WAL grows until one succeeds db=%s error=%s",
                 log_q(self->path), log_q(sqlite3_errmsg(self->db)));
        self->failing = 1;
    }
    return 0;
}

static void *run(void *arg)
{
    checkpointer_t *self = arg;
    pthread_mutex_lock(&self->lock);
    for (;;) {
        while (!self->wanted && !self->stop)
            pthread_cond_wait(&self->wake, &self->lock);
        if (self->stop)
            break;
        self->wanted = 0;
        self->busy = 1;
        pthread_mutex_unlock(&self->lock);
        int all = checkpoint(self);
        pthread_mutex_lock(&self->lock);
        self->copied_all = all;
        self->busy = 0;
        if (!self->wanted)
            pthread_cond_broadcast(&self->idle);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

checkpointer_t *checkpointer_new(const char *path)
{
    checkpointer_t *self = xcalloc(1, sizeof *self);
    self->path = xstrdup(path);
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->wake, NULL);
    pthread_cond_init(&self->idle, NULL);
    /* Its syncs are the writer's: a checkpoint syncs the WAL before it
     * copies and the database after, as SQLite's own would. */
    int ok = sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             NULL) == SQLITE_OK
             && sqlite3_exec(self->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL)
                    == SQLITE_OK;
    if (ok) {
        ok = signals_thread_start(&self->thread, run, self) == 0;
        self->running = ok;
    }
    if (!ok) {
        log_warn("cannot checkpoint on a thread of its own, the writer will db=%s error=%s",
                 log_q(path), log_q(self->db ? sqlite3_errmsg(self->db) : "out of memory"));
        checkpointer_destroy(&self);
    }
    return self;
}

void checkpointer_destroy(checkpointer_t **self_p)
{
    checkpointer_t *self = *self_p;
    if (!self)
        return;
    if (self->running) {
        pthread_mutex_lock(&self->lock);
        self->stop = 1;
        pthread_cond_signal(&self->wake);
        pthread_mutex_unlock(&self->lock);
        pthread_join(self->thread, NULL);
    }
    /* Not the last connection (the writer's is open), so closing it
     * neither checkpoints nor removes the WAL: the writer's close does. */
    sqlite3_close(self->db);
    pthread_cond_destroy(&self->wake);
    pthread_cond_destroy(&self->idle);
    pthread_mutex_destroy(&self->lock);
    free(self->path);
    free(self);
    *self_p = NULL;
}

void checkpointer_kick(checkpointer_t *self, int pages)
{
    if (pages < CHECKPOINTER_PAGES)
        return;
    pthread_mutex_lock(&self->lock);
    self->wanted = 1;
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
}

int checkpointer_wait(checkpointer_t *self)
{
    for (int tries = 0;; tries++) {
        pthread_mutex_lock(&self->lock);
        while ((self->wanted || self->busy) && !self->stop)
            pthread_cond_wait(&self->idle, &self->lock);
        int all = self->copied_all, again = !all && tries < CHECKPOINTER_RETRIES && !self->stop;
        if (again) {
            self->wanted = 1;
            pthread_cond_signal(&self->wake);
        }
        pthread_mutex_unlock(&self->lock);
        if (!again)
            return all;
        clock_sleep_ms(CHECKPOINTER_RETRY_MS);
    }
}
