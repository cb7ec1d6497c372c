/* watch: files below folders that become complete while feedmill runs.
 *
 * A file is complete when its writer closed it (IN_CLOSE_WRITE) or when
 * it was moved in under its final name (IN_MOVED_TO): that is how every
 * careful writer finishes a file, and a half-written file must never
 * become a row. New subfolders are watched as they appear, and the files
 * already in them when the watch started are taken once settled. When
 * the kernel's event queue overflows, or when inotify is not available
 * (NFS, SMB, the watch limit reached), the caller rescans instead
 * (watch_rescan_due); a file found by a scan is taken only once it has
 * not changed for the settle time, since a scan cannot see a close.
 *
 * Memory is bounded whatever the feed does: past WATCH_MAX_QUEUED paths
 * waiting, the queue is dropped and a rescan finds them again. */
#ifndef FEEDMILL_WATCH_H
#define FEEDMILL_WATCH_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "producer/names.h"

enum { WATCH_MAX_QUEUED = 65536 };

typedef struct watch watch_t;

/* poll_ms 0: inotify, falling back to rescans every 5 s when it cannot
 * be had; poll_ms > 0: rescans every poll_ms, no inotify. settle_ms is
 * how long a file found by a scan must stay unchanged (at least poll_ms
 * when polling). names must outlive the watch. */
watch_t *watch_new(const names_t *names, int64_t poll_ms, int64_t settle_ms);
void watch_destroy(watch_t **self);

/* Watches a folder and every folder below it. Returns 0, or -1 when it
 * is not a folder (the caller reads such a PATH once). */
int watch_add(watch_t *self, const char *dir);

/* A file found by a scan: taken by watch_next once it has not changed
 * for the settle time (or at once when its close or move-in is seen). */
void watch_defer(watch_t *self, const char *path);

/* 1 when a scan found path too fresh to be sure it is complete. */
int watch_too_fresh(const watch_t *self, const struct timespec *mtime);

/* The inotify descriptor to poll for input, or -1 when polling. */
int watch_fd(const watch_t *self);

/* Reads pending events and moves settled files to the ready queue. */
void watch_process(watch_t *self);

/* Next complete file, or NULL. The string stays valid until the next
 * call. */
const char *watch_next(watch_t *self);

/* 1 (once) when the folders must be scanned again: a lost event queue,
 * or the next polling round. */
int watch_rescan_due(watch_t *self, int64_t now_ms);

/* Milliseconds until watch_process has something time-based to do
 * (a settle deadline or a polling round), at most max_ms. */
long watch_timeout(const watch_t *self, int64_t now_ms, long max_ms);

/* Folders watched, files waiting to settle, files ready: for logs. */
void watch_counts(const watch_t *self, size_t *dirs, size_t *deferred, size_t *ready);

#endif
