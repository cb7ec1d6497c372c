/* figures: what operators see of the sink: the families of
 * feedmill_sink_* on --metrics and --metrics-file, /readyz, and the
 * status line every --status-interval (rates over the interval, the
 * totals in the database).
 *
 * The loop in sink.c counts what it does into these; this module owns
 * the metric declarations, the database's totals and the status line, so
 * the loop reads as what it does. */
#ifndef FEEDMILL_SINK_FIGURES_H
#define FEEDMILL_SINK_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "common/metrics.h"
#include "common/monitor.h"
#include "sink/batch.h"
#include "sink/diskfault.h"
#include "sink/store.h"

/* The families, and what the status line sums over its interval. */
typedef struct sink_figures {
    monitor_t *monitor;
    metric_t *documents, *text_bytes, *dead_letters, *bad_messages, *batches, *refused;
    metric_t *commit_seconds, *db_documents, *db_dead_letters, *db_sources_gauge, *last_commit;
    metric_t *extraction_seconds;
    metric_t *writer_busy;   /* seconds the writer spent writing, not waiting */
    metric_t *producer_connected;
    metric_t *store_errors;  /* counted by diskfault */
    diskfault_t *fault;      /* the database cannot be written: when to retry */
    int64_t db_rows;         /* rows in documents: counted at start, + each insert */
    int64_t db_sources;      /* rows in document_sources: counted at start, + each insert */
    int64_t db_dead;         /* rows in dead_letters, counted at each status line */
    /* Since the last status line. */
    uint64_t documents_now, text_bytes_now, dead_now, batches_now;
    uint64_t stored_now, updated_now, new_sources_now, unchanged_now;
    int64_t commit_ms_max;
    int64_t busy_us_now;
    int64_t busy_us_total;   /* since start: the "stopped" line's writer_busy_s */
} sink_figures_t;

/* Declares the families (not served until monitor_start) and the
 * diskfault state of the database at db. */
void figures_init(sink_figures_t *f, const monitor_options_t *opt, const char *db);
/* Frees what figures_init made. */
void figures_destroy(sink_figures_t *f);
/* The totals of the database itself, for the status line and gauges.
 * Returns 0, or -1 after logging why. */
int figures_load(sink_figures_t *f, store_t *store);
/* A committed batch, and how long its COMMIT took. */
void figures_count(sink_figures_t *f, const batch_t *b, int64_t commit_ms);
/* The writer spent us microseconds taking results, writing and
 * committing them (rather than waiting for them). */
void figures_busy(sink_figures_t *f, int64_t us);
/* /readyz: the database is open and the results socket bound (both done
 * before the loop starts); what is left is that the database takes
 * writes, and the producer (producer_up: its acks endpoint is reached). */
void figures_ready(sink_figures_t *f, int producer_up);
/* The status line over the last seconds, then its sums start again.
 * store: to count the dead letters, NULL inside a transaction (the count
 * would include rows not committed yet); held: the messages of the open
 * batch, which are held while diskfault is active. */
void figures_status(sink_figures_t *f, double seconds, store_t *store, int producer_up,
                    uint64_t bad_messages, size_t held);

#endif
