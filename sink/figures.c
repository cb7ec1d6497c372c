/* figures: the sink's metrics, readiness and status line. See figures.h. */
#include "sink/figures.h"

#include <stdlib.h>

#include "common/clock.h"
#include "common/log.h"
#include "sink/reasons.h"

/* Seconds, from half a millisecond (a lone row) to seconds (a large
 * batch on a slow disk). */
static const double COMMIT_BUCKETS[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

/* The words of the ACK (proto/message.h), each shown from the start. */
static const char *const OUTCOMES[] = { "stored", "updated", "new_source", "unchanged", "dead",
                                        NULL };

/* Every family of feedmill_sink_*, in the order /metrics lists them (then
 * the last, store errors, counted by diskfault.c). */
static const metric_decl_t FIGURES[] = {
    { METRIC_SLOT(sink_figures_t, documents), .kind = METRIC_COUNTER,
      .name = "feedmill_sink_documents_total",
      .help = "Deliveries of a document by one source, committed, by outcome: stored (a new "
              "row), updated (rewritten by a newer extractor), new_source (a new source of a "
              "stored row), unchanged (row and source already there), dead (a dead letter)",
      .label = "outcome", .series = OUTCOMES },
    { METRIC_SLOT(sink_figures_t, text_bytes), .kind = METRIC_COUNTER,
      .name = "feedmill_sink_text_bytes_total",
      .help = "Bytes of extracted main text in the rows stored or updated" },
    { METRIC_SLOT(sink_figures_t, dead_letters), .kind = METRIC_COUNTER,
      .name = "feedmill_sink_dead_letters_total",
      .help = "Dead letters committed, by reason class (docs/operating.md, \"Metrics\")",
      .label = "reason" },
    { METRIC_SLOT(sink_figures_t, refused), .kind = METRIC_COUNTER,
      .name = "feedmill_sink_refused_peers_total",
      .help = "Connections and messages refused by CurveZMQ: unknown or revoked keys, clients "
              "without CURVE (logged, rate-limited)" },
    { METRIC_SLOT(sink_figures_t, bad_messages), .kind = METRIC_COUNTER,
      .name = "feedmill_sink_bad_messages_total",
      .help = "Messages on the results socket that were not valid and were dropped" },
    { METRIC_SLOT(sink_figures_t, batches), .kind = METRIC_COUNTER,
      .name = "feedmill_sink_batches_total",
      .help = "Transactions committed" },
    { METRIC_SLOT(sink_figures_t, extraction_seconds), .kind = METRIC_HISTOGRAM,
      .name = "feedmill_sink_extraction_seconds",
      .help = "Time a worker's extraction took, per document it extracted or refused (as the "
              "worker reports it)", METRIC_BUCKETS(COMMIT_BUCKETS) },
    { METRIC_SLOT(sink_figures_t, writer_busy), .kind = METRIC_COUNTER,
      .name = "feedmill_sink_writer_busy_seconds_total",
      .help = "Time the writer spent writing and committing results rather than waiting for "
              "them: a rate near 1 means the sink is the pipeline's limit, and more workers add "
              "nothing" },
    { METRIC_SLOT(sink_figures_t, commit_seconds), .kind = METRIC_HISTOGRAM,
      .name = "feedmill_sink_commit_seconds",
      .help = "Time COMMIT took, per batch", METRIC_BUCKETS(COMMIT_BUCKETS) },
    { METRIC_SLOT(sink_figures_t, db_documents), .kind = METRIC_GAUGE,
      .name = "feedmill_sink_database_documents",
      .help = "Rows in the documents table (every run's, not only this process's)" },
    { METRIC_SLOT(sink_figures_t, db_sources_gauge), .kind = METRIC_GAUGE,
      .name = "feedmill_sink_database_sources",
      .help = "Rows in the document_sources view: every source of every stored document" },
    { METRIC_SLOT(sink_figures_t, db_dead_letters), .kind = METRIC_GAUGE,
      .name = "feedmill_sink_database_dead_letters",
      .help = "Rows in the dead_letters table, as of the last status line" },
    { METRIC_SLOT(sink_figures_t, last_commit), .kind = METRIC_GAUGE,
      .name = "feedmill_sink_last_commit_timestamp_seconds",
      .help = "Unix time of the last commit; 0 until one" },
    { METRIC_SLOT(sink_figures_t, producer_connected), .kind = METRIC_GAUGE,
      .name = "feedmill_sink_producer_connected",
      .help = "1 while the producer's acks endpoint is reached" },
    { METRIC_SLOT(sink_figures_t, store_errors), .kind = METRIC_COUNTER,
      .name = "feedmill_sink_store_errors_total",
      .help = "Transactions and records the database refused, by reason: disk_full, io_error, "
              "read_only (the sink holds the batch and retries it), other",
      .label = "reason", .series = diskfault_reasons },
};

void figures_init(sink_figures_t *f, const monitor_options_t *opt, const char *db)
{
    f->monitor = monitor_new("sink", opt);
    metrics_t *m = monitor_metrics(f->monitor);
    metrics_declare(m, f, FIGURES, sizeof FIGURES / sizeof FIGURES[0]);
    for (int r = 0; r < REASON_COUNT; r++)
        metric_add(f->dead_letters, reason_name((reason_class_t)r), 0);
    f->fault = diskfault_new(db, f->store_errors);
}

void figures_destroy(sink_figures_t *f)
{
    diskfault_destroy(&f->fault);
    monitor_destroy(&f->monitor);
}

/* The totals of the database itself, for the status line and gauges. */
int figures_load(sink_figures_t *f, store_t *store)
{
    char *error = NULL;
    if (store_count(store, STORE_DOCUMENTS, &f->db_rows, &error) != 0
        || store_count(store, STORE_SOURCES, &f->db_sources, &error) != 0
        || store_count(store, STORE_DEAD_LETTERS, &f->db_dead, &error) != 0) {
        log_error("cannot count the rows of the database error=%s", log_q(error));
        free(error);
        return -1;
    }
    metric_set(f->db_documents, NULL, (double)f->db_rows);
    metric_set(f->db_sources_gauge, NULL, (double)f->db_sources);
    metric_set(f->db_dead_letters, NULL, (double)f->db_dead);
    return 0;
}

void figures_count(sink_figures_t *f, const batch_t *b, int64_t commit_ms)
{
    metric_add(f->documents, "stored", (double)b->new_rows);
    metric_add(f->documents, "updated", (double)b->updated);
    metric_add(f->documents, "new_source", (double)b->new_sources_count);
    metric_add(f->documents, "unchanged", (double)b->unchanged);
    metric_add(f->documents, "dead", (double)b->dead);
    metric_add(f->text_bytes, NULL, (double)b->text_bytes);
    for (int r = 0; r < REASON_COUNT; r++)
        if (b->dead_by_reason[r])
            metric_add(f->dead_letters, reason_name((reason_class_t)r),
                       (double)b->dead_by_reason[r]);
    metric_add(f->batches, NULL, 1);
    metric_observe(f->commit_seconds, commit_ms / 1000.0);
    f->db_rows += (int64_t)b->new_rows;
    metric_set(f->db_documents, NULL, (double)f->db_rows);
    f->db_sources += (int64_t)(b->new_rows + b->new_sources_count);
    metric_set(f->db_sources_gauge, NULL, (double)f->db_sources);
    f->stored_now += b->new_rows;
    f->updated_now += b->updated;
    f->new_sources_now += b->new_sources_count;
    f->unchanged_now += b->unchanged;
    metric_set(f->last_commit, NULL, clock_realtime_ms() / 1000.0);
    f->documents_now += b->count;
    f->text_bytes_now += b->text_bytes;
    f->dead_now += b->dead;
    f->batches_now++;
    if (commit_ms > f->commit_ms_max)
        f->commit_ms_max = commit_ms;
}

void figures_ready(sink_figures_t *f, int producer_up)
{
    metric_set(f->producer_connected, NULL, producer_up);
    const char *missing = diskfault_missing(f->fault);
    if (!missing && !producer_up)
        missing = "the producer's acks endpoint is not reached (is the producer up? --acks?)";
    monitor_set_ready(f->monitor, missing);
}

void figures_busy(sink_figures_t *f, int64_t us)
{
    if (us <= 0)
        return;
    f->busy_us_now += us;
    f->busy_us_total += us;
    metric_add(f->writer_busy, NULL, us / 1e6);
}

void figures_status(sink_figures_t *f, double seconds, store_t *store, int producer_up,
                    uint64_t bad_messages, size_t held)
{
    /* The share of the interval the writer was busy: near 1, the sink is
     * what holds the pipeline back (docs/operating.md). */
    double busy = seconds > 0 ? f->busy_us_now / 1e6 / seconds : 0;
    if (busy > 1)
        busy = 1;
    if (store && store_count(store, STORE_DEAD_LETTERS, &f->db_dead, NULL) == 0)
        metric_set(f->db_dead_letters, NULL, (double)f->db_dead);
    log_info("status interval_s=%.1f documents=%llu docs_per_s=%.1f mb_per_s=%.2f "
             "stored=%llu updated=%llu new_sources=%llu unchanged=%llu dead=%llu "
             "db_documents=%lld db_sources=%lld db_dead_letters=%lld batches=%llu "
             "commit_ms_max=%lld writer_busy=%.2f producer=%s bad_messages=%llu database=%s "
             "held=%zu", seconds,
             (unsigned long long)f->documents_now, f->documents_now / seconds,
             f->text_bytes_now / 1e6 / seconds, (unsigned long long)f->stored_now,
             (unsigned long long)f->updated_now, (unsigned long long)f->new_sources_now,
             (unsigned long long)f->unchanged_now, (unsigned long long)f->dead_now,
             (long long)f->db_rows, (long long)f->db_sources, (long long)f->db_dead,
             (unsigned long long)f->batches_now,
             (long long)f->commit_ms_max, busy, producer_up ? "connected" : "missing",
             (unsigned long long)bad_messages, diskfault_state(f->fault),
             diskfault_active(f->fault) ? held : 0);
    f->documents_now = f->text_bytes_now = f->dead_now = f->batches_now = 0;
    f->stored_now = f->updated_now = f->new_sources_now = f->unchanged_now = 0;
    f->commit_ms_max = 0;
    f->busy_us_now = 0;
}
