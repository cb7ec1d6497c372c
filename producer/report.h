/* report: what the producer shows operators: its status line and the
 * figures of feedmill_producer_* (common/monitor.h serves them).
 *
 * The producer's loop keeps its counts as it always has (documents,
 * acknowledgements by status, retries); once per loop turn it hands them
 * here with the in-flight table, and this module turns them into
 * counters, gauges and, every --status-interval, one line:
 *
 *   status interval_s=10.0 documents=120 docs_per_s=12.0 mb_per_s=0.35
 *     in_flight=8 oldest_unacked_s=1.2 workers=3 retries=0 inputs=1400
 *     files=1400 lines=0 submissions=0
 *     acknowledged=1392 stored=1300 updated=0 new_sources=80 unchanged=11
 *     dead=1 skipped=0 per_worker="0080000001:50 0080000002:70"
 *
 * Kept apart from producer.c so the main loop only gains a few calls. */
#ifndef FEEDMILL_REPORT_H
#define FEEDMILL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common/monitor.h"
#include "producer/inflight.h"

typedef struct report report_t;

/* The producer's running totals, as its loop counts them. */
typedef struct report_totals {
    uint64_t inputs;      /* documents taken from the inputs (summary's documents) */
    uint64_t files, lines, submissions;   /* the same, by kind of input */
    uint64_t skipped;     /* files acknowledged by an earlier run, not read */
    /* Acknowledgements, one per source of a document (message.h's words). */
    uint64_t stored, updated, new_sources, unchanged, dead;
    uint64_t retries;
    int input_pending;    /* inputs remain unread (a walk in progress, stdin open) */
    uint64_t bad_work, bad_acks, bad_submit;   /* invalid messages, per socket */
    uint64_t submitted;   /* documents accepted on the submission socket */
    uint64_t spooled;     /* spooled documents not yet sent (counted up to 256) */
    uint64_t refused;     /* peers refused by CurveZMQ */
} report_totals_t;

report_t *report_new(const monitor_options_t *opt);
void report_destroy(report_t **self_p);
/* Serves --metrics; -1 (logged) when it cannot. */
int report_start(report_t *self);
/* p was acknowledged: its read-to-commit latency, and one more document
 * for the worker that extracted it. */
void report_acked(report_t *self, const pending_t *p, int64_t now);
/* A worker left: its per-worker series goes, so labels do not pile up. */
void report_worker_lost(report_t *self, const wire_peer_t *worker);
/* Once per loop turn. missing is what /readyz lacks (NULL: ready). */
void report_tick(report_t *self, const report_totals_t *totals, const inflight_t *inflight,
                 size_t workers, const char *missing, int64_t now);

#endif
