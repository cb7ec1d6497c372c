/* diskfault: a database the sink cannot write, and when to try again.
 *
 * A BEGIN, a write or a COMMIT refused because the disk is full, failing
 * or read-only (store_fault) says nothing about the batch. The sink keeps
 * the batch's messages and writes them all again, reading no new results
 * meanwhile: the workers then wait on the results socket's high-water
 * mark, nothing is dropped for the producer to resend after
 * --retry-after, and the pipeline resumes within one backoff of the disk
 * healing. This module holds that state:
 *
 *   - when to try again: 100 ms after the first failure, doubling to 2 s;
 *   - what operators see: an error line at once, again every 10 s while
 *     it lasts (and when its reason changes), an info line when it heals,
 *     each with the path, the reason and the free space of the
 *     filesystem (statvfs); /readyz not ready with the reason; and every
 *     failed attempt counted in feedmill_sink_store_errors_total{reason}.
 *
 * Reasons (the metric's label and the lines' reason=): disk_full,
 * io_error, read_only, and other: a transaction refused for any other
 * cause (a lock not granted within the busy timeout, ...), held and
 * retried alike, and a record the database refuses, which is counted
 * but becomes a dead letter, never holding up the rest. */
#ifndef FEEDMILL_DISKFAULT_H
#define FEEDMILL_DISKFAULT_H

#include <stddef.h>
#include <stdint.h>

#include "common/metrics.h"
#include "sink/store.h"

typedef struct diskfault diskfault_t;

/* The reason label's values of feedmill_sink_store_errors_total, in the
 * order of its series, NULL-terminated (the sink's metric table,
 * sink/figures.c, declares the family with them). */
extern const char *const diskfault_reasons[];

/* path: the database, named in every line; errors: the sink's
 * feedmill_sink_store_errors_total family, counted by reason. */
diskfault_t *diskfault_new(const char *path, metric_t *errors);
void diskfault_destroy(diskfault_t **self_p);

/* A record the database refused for a reason of its own (counted as
 * `other`; the sink dead-letters it). */
void diskfault_record_refused(diskfault_t *self);

/* A transaction the database refused: fault is store_fault() of the
 * error (STORE_FAULT_NONE counts as `other`), held the messages the sink
 * keeps to write again. Counts it, logs it when due, and sets the time of
 * the next attempt. */
void diskfault_failed(diskfault_t *self, store_fault_t fault, const char *error, size_t held,
                      int64_t now);
/* A transaction committed: ends the fault, if any, with a line. */
void diskfault_cleared(diskfault_t *self, int64_t now);

/* 1 while the last transaction failed. */
int diskfault_active(const diskfault_t *self);
/* Milliseconds until the next attempt is due (0: now). */
int64_t diskfault_wait_ms(const diskfault_t *self, int64_t now);
/* 1 when the database should be opened again before the next attempt:
 * a connection that hit a read-only file or an I/O error stays that way
 * even once the filesystem is fixed. */
int diskfault_reopen(const diskfault_t *self);
/* For the status line: "writable", or the reason of the fault. */
const char *diskfault_state(const diskfault_t *self);
/* What /readyz says while active; NULL otherwise. */
const char *diskfault_missing(const diskfault_t *self);

#endif
