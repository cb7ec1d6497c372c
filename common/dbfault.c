/* dbfault: what a failed SQLite write says of the disk. See dbfault.h. */
#include "dbfault.h"

#include <errno.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/statvfs.h>

#include "common/buf.h"

/* SQLite reports a disk that is full as SQLITE_FULL only when the write
 * came up short (ENOSPC); a quota (EDQUOT) or a filesystem remounted
 * read-only under an open file (EROFS) is an I/O error whose errno tells
 * it apart. */
dbfault_t dbfault_of(int code, int sys_errno)
{
    switch (code & 0xff) {
    case SQLITE_FULL:
        return DBFAULT_FULL;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
        return DBFAULT_READONLY;
    case SQLITE_IOERR:
        switch (sys_errno) {
        case ENOSPC:
        case EDQUOT:
            return DBFAULT_FULL;
        case EROFS:
        case EACCES:
        case EPERM:
            return DBFAULT_READONLY;
        default:
            return DBFAULT_IO;
        }
    default:
        return DBFAULT_NONE;
    }
}

const char *dbfault_name(dbfault_t fault)
{
    switch (fault) {
    case DBFAULT_FULL: return "disk_full";
    case DBFAULT_IO: return "io_error";
    case DBFAULT_READONLY: return "read_only";
    default: return "other";
    }
}

long long dbfault_free_bytes(const char *path)
{
    struct statvfs st;
    int rc = statvfs(path, &st);
    if (rc != 0) {
        char *copy = xstrdup(path);
        rc = statvfs(dirname(copy), &st);
        free(copy);
    }
    return rc == 0 ? (long long)st.f_bavail * (long long)st.f_frsize : -1;
}
