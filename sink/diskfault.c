/* diskfault: a database the sink cannot write (see diskfault.h). */
#include "sink/diskfault.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/dbfault.h"
#include "common/log.h"

enum {
    BACKOFF_FIRST_MS = 100,
    BACKOFF_MAX_MS = 2000,
    REPEAT_MS = 10000,     /* a fault that lasts is said again this often */
};

typedef enum { REASON_DISK_FULL, REASON_IO_ERROR, REASON_READ_ONLY, REASON_OTHER, REASONS } reason_t;

const char *const diskfault_reasons[REASONS + 1] = { "disk_full", "io_error", "read_only", "other",
                                                     NULL };

struct diskfault {
    char *path;
    metric_t *errors;        /* feedmill_sink_store_errors_total{reason} */
    int active;
    reason_t reason;         /* of the last failed attempt */
    int64_t since;           /* clock_ms() of the first failure of this fault */
    int64_t next_attempt;
    int64_t backoff_ms;
    int64_t last_said;       /* when the last line about it went out */
    uint64_t attempts;       /* failed, in this fault */
    buf_t missing;           /* /readyz's text */
};

diskfault_t *diskfault_new(const char *path, metric_t *errors)
{
    diskfault_t *self = xcalloc(1, sizeof *self);
    self->path = xstrdup(path);
    self->errors = errors;
    return self;
}

void diskfault_destroy(diskfault_t **self_p)
{
    diskfault_t *self = *self_p;
    if (!self)
        return;
    free(self->path);
    buf_free(&self->missing);
    free(self);
    *self_p = NULL;
}

static reason_t reason_of(store_fault_t fault)
{
    switch (fault) {
    case STORE_FAULT_FULL: return REASON_DISK_FULL;
    case STORE_FAULT_IO: return REASON_IO_ERROR;
    case STORE_FAULT_READONLY: return REASON_READ_ONLY;
    default: return REASON_OTHER;
    }
}

void diskfault_record_refused(diskfault_t *self)
{
    metric_add(self->errors, diskfault_reasons[REASON_OTHER], 1);
}

void diskfault_failed(diskfault_t *self, store_fault_t fault, const char *error, size_t held,
                      int64_t now)
{
    reason_t reason = reason_of(fault);
    metric_add(self->errors, diskfault_reasons[reason], 1);
    int changed = !self->active || reason != self->reason;
    if (!self->active) {
        self->active = 1;
        self->since = now;
        self->attempts = 0;
        self->backoff_ms = BACKOFF_FIRST_MS;
    } else if (self->backoff_ms < BACKOFF_MAX_MS) {
        self->backoff_ms = self->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
                                                                 : self->backoff_ms * 2;
    }
    self->reason = reason;
    self->attempts++;
    self->next_attempt = now + self->backoff_ms;
    if (changed || now - self->last_said >= REPEAT_MS) {
        log_error("database cannot be written, holding the batch and retrying path=%s "
                  "reason=%s free_bytes=%lld held=%zu for_s=%.1f attempts=%llu error=%s",
                  log_q(self->path), diskfault_reasons[reason], dbfault_free_bytes(self->path), held,
                  (now - self->since) / 1000.0,
                  (unsigned long long)self->attempts, log_q(error));
        self->last_said = now;
    }
    buf_reset(&self->missing);
    buf_printf(&self->missing, "the database cannot be written (%s): %s; %zu results held, "
               "retried every %lld ms", diskfault_reasons[reason], self->path, held,
               (long long)self->backoff_ms);
}

void diskfault_cleared(diskfault_t *self, int64_t now)
{
    if (!self->active)
        return;
    log_info("database written again path=%s reason_was=%s after_s=%.1f attempts=%llu "
             "free_bytes=%lld", log_q(self->path), diskfault_reasons[self->reason],
             (now - self->since) / 1000.0, (unsigned long long)self->attempts,
             dbfault_free_bytes(self->path));
    self->active = 0;
    self->last_said = 0;
}

int diskfault_active(const diskfault_t *self)
{
    return self->active;
}

int64_t diskfault_wait_ms(const diskfault_t *self, int64_t now)
{
    return self->next_attempt > now ? self->next_attempt - now : 0;
}

int diskfault_reopen(const diskfault_t *self)
{
    return self->active && (self->reason == REASON_READ_ONLY || self->reason == REASON_IO_ERROR);
}

const char *diskfault_state(const diskfault_t *self)
{
    return self->active ? diskfault_reasons[self->reason] : "writable";
}

const char *diskfault_missing(const diskfault_t *self)
{
    return self->active ? buf_str(&self->missing) : NULL;
}
