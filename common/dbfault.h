/* dbfault: what a failed SQLite write says of the disk under it.
 *
 * The sink (sink/diskfault.h) and the producer's state (producer/state.h)
 * both keep a write the disk refused and try it again later, rather than
 * dropping it; both name the reason and the free space in their log
 * lines. The reasons, and which SQLite codes and errno values mean
 * which, live here once. */
#ifndef FEEDMILL_DBFAULT_H
#define FEEDMILL_DBFAULT_H

typedef enum {
    DBFAULT_NONE = 0,   /* not the disk: a record refused, a lock not granted, ... */
    DBFAULT_FULL,       /* no space left (SQLITE_FULL, ENOSPC, EDQUOT) */
    DBFAULT_IO,         /* the operating system failed a read or a write */
    DBFAULT_READONLY    /* the file or its filesystem is read-only, or the file
                         * cannot be opened (SQLITE_READONLY, SQLITE_CANTOPEN, EROFS) */
} dbfault_t;

/* code: sqlite3_extended_errcode(), sys_errno: sqlite3_system_errno(). */
dbfault_t dbfault_of(int code, int sys_errno);
/* "disk_full", "io_error", "read_only", or "other" for DBFAULT_NONE. */
const char *dbfault_name(dbfault_t fault);
/* Bytes an unprivileged writer may still use on the filesystem that
 * holds path (its folder when the file itself is missing); -1 when
 * unknown. */
long long dbfault_free_bytes(const char *path);

#endif
