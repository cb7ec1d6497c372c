/* report: the producer's status line and metrics. See report.h. */
#include "producer/report.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"

struct report {
    monitor_t *monitor;
    metric_t *inputs, *read_bytes, *documents, *skipped, *retries;
    metric_t *bad_messages, *submitted, *spooled, *refused;
    metric_t *in_flight, *in_flight_bytes, *oldest, *workers, *workers_lost;
    metric_t *per_worker, *latency, *input_pending;
    /* At the last status line, for the rates over the interval. */
    uint64_t acked_then, bytes_then;
};

/* From a lone document on an idle pipeline (milliseconds) to a backlog
 * that waits for workers (minutes). */
static const double LATENCY_BUCKETS[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                                          5, 10, 30, 60, 120, 300 };

/* The words of the ACK (proto/message.h), each shown from the start. */
static const char *const OUTCOMES[] = { "stored", "updated", "new_source", "unchanged", "dead",
                                        NULL };

/* Every family of feedmill_producer_*, in the order /metrics lists them. */
static const metric_decl_t FIGURES[] = {
    { METRIC_SLOT(report_t, inputs), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_inputs_total",
      .help = "Documents taken from the inputs (files, JSON lines), counting files of the first "
              "scan skipped as already acknowledged" },
    { METRIC_SLOT(report_t, read_bytes), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_read_bytes_total",
      .help = "Raw bytes of the documents read" },
    { METRIC_SLOT(report_t, documents), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_documents_total",
      .help = "Inputs acknowledged by the sink, by outcome: stored (a new row), updated "
              "(rewritten by a newer extractor), new_source (a new source of a stored row), "
              "unchanged (row and source already there), dead (a dead letter)",
      .label = "outcome", .series = OUTCOMES },
    { METRIC_SLOT(report_t, skipped), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_skipped_total",
      .help = "Files not read: unchanged since an earlier run had them acknowledged" },
    { METRIC_SLOT(report_t, retries), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_retries_total",
      .help = "Documents sent again: no ACK in time, a failed attempt, a lost worker, a "
              "restarted sink" },
    { METRIC_SLOT(report_t, bad_messages), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_bad_messages_total",
      .help = "Messages that were not valid, dropped (or answered REJECTED on the submission "
              "socket), by socket", .label = "socket" },
    { METRIC_SLOT(report_t, refused), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_refused_peers_total",
      .help = "Connections and messages refused by CurveZMQ: unknown or revoked keys, clients "
              "without CURVE (logged, rate-limited)" },
    { METRIC_SLOT(report_t, submitted), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_submitted_total",
      .help = "Documents accepted on the submission socket (answered ACCEPTED once on disk)" },
    { METRIC_SLOT(report_t, spooled), .kind = METRIC_GAUGE,
      .name = "feedmill_producer_spooled_documents",
      .help = "Documents in the spool (standard input, followed files, submissions) not yet sent "
              "to a worker, counted up to 256" },
    { METRIC_SLOT(report_t, in_flight), .kind = METRIC_GAUGE,
      .name = "feedmill_producer_documents_in_flight",
      .help = "Documents read and not yet acknowledged" },
    { METRIC_SLOT(report_t, in_flight_bytes), .kind = METRIC_GAUGE,
      .name = "feedmill_producer_in_flight_bytes",
      .help = "Raw bytes held for resending (--max-in-flight)" },
    { METRIC_SLOT(report_t, oldest), .kind = METRIC_GAUGE,
      .name = "feedmill_producer_oldest_unacknowledged_seconds",
      .help = "Age of the oldest document read and not yet acknowledged; 0 when none" },
    { METRIC_SLOT(report_t, input_pending), .kind = METRIC_GAUGE,
      .name = "feedmill_producer_input_pending",
      .help = "1 while inputs remain to be read (a scan in progress, standard input open)" },
    { METRIC_SLOT(report_t, workers), .kind = METRIC_GAUGE,
      .name = "feedmill_producer_workers",
      .help = "Workers connected (heard from within --worker-timeout)" },
    { METRIC_SLOT(report_t, workers_lost), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_workers_lost_total",
      .help = "Workers presumed gone (connection closed or silent); their documents were resent" },
    { METRIC_SLOT(report_t, per_worker), .kind = METRIC_COUNTER,
      .name = "feedmill_producer_worker_documents_total",
      .help = "Documents acknowledged, by the worker that extracted them (its NAME:PID, or its "
              "ZeroMQ routing id in hex); a worker's series goes when it leaves",
      .label = "worker" },
    { METRIC_SLOT(report_t, latency), .kind = METRIC_HISTOGRAM,
      .name = "feedmill_producer_read_to_commit_seconds",
      .help = "From reading a document to the sink's ACK (its row is committed)",
      METRIC_BUCKETS(LATENCY_BUCKETS) },
};

report_t *report_new(const monitor_options_t *opt)
{
    report_t *self = xcalloc(1, sizeof(report_t));
    self->monitor = monitor_new("producer", opt);
    metrics_declare(monitor_metrics(self->monitor), self, FIGURES,
                    sizeof FIGURES / sizeof FIGURES[0]);
    return self;
}

void report_destroy(report_t **self_p)
{
    report_t *self = *self_p;
    if (!self)
        return;
    monitor_destroy(&self->monitor);
    free(self);
    *self_p = NULL;
}

int report_start(report_t *self)
{
    return monitor_start(self->monitor);
}

/* A worker's label: its routing id, NAME:PID as our workers set it, or
 * in hex when it is not printable (ZeroMQ's own 5 bytes, another
 * implementation's choice). */
static void worker_label(const wire_peer_t *worker, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    int printable = worker->len > 0 && worker->len < size;
    for (size_t i = 0; i < worker->len && printable; i++)
        printable = worker->id[i] > ' ' && worker->id[i] <= '~';
    if (printable) {
        memcpy(out, worker->id, worker->len);
        out[worker->len] = '\0';
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < worker->len && o + 2 < size; i++) {
        out[o++] = hex[worker->id[i] >> 4];
        out[o++] = hex[worker->id[i] & 15];
    }
    out[o] = '\0';
}

void report_acked(report_t *self, const pending_t *p, int64_t now)
{
    metric_observe(self->latency, (now - p->added_at) / 1000.0);
    if (!p->worker.len)
        return;   /* never went to a worker: unreadable, or given up on */
    char label[520];
    worker_label(&p->worker, label, sizeof label);
    metric_add(self->per_worker, label, 1);
}

void report_worker_lost(report_t *self, const wire_peer_t *worker)
{
    char label[520];
    worker_label(worker, label, sizeof label);
    metric_forget(self->per_worker, label);
    metric_add(self->workers_lost, NULL, 1);
}

static void put_worker(const char *label, double value, void *ctx)
{
    buf_t *out = ctx;
    buf_printf(out, "%s%s:%.0f", out->len ? " " : "", label, value);
}

void report_tick(report_t *self, const report_totals_t *t, const inflight_t *inflight,
                 size_t workers, const char *missing, int64_t now)
{
    uint64_t acked = t->stored + t->updated + t->new_sources + t->unchanged + t->dead;
    uint64_t bytes = inflight_added_bytes(inflight);
    int64_t oldest = inflight_oldest(inflight);
    double oldest_s = oldest ? (now - oldest) / 1000.0 : 0;
    metric_set(self->inputs, NULL, (double)t->inputs);
    metric_set(self->read_bytes, NULL, (double)bytes);
    metric_set(self->documents, "stored", (double)t->stored);
    metric_set(self->documents, "updated", (double)t->updated);
    metric_set(self->documents, "new_source", (double)t->new_sources);
    metric_set(self->documents, "unchanged", (double)t->unchanged);
    metric_set(self->documents, "dead", (double)t->dead);
    metric_set(self->skipped, NULL, (double)t->skipped);
    metric_set(self->retries, NULL, (double)t->retries);
    metric_set(self->bad_messages, "work", (double)t->bad_work);
    metric_set(self->bad_messages, "acks", (double)t->bad_acks);
    metric_set(self->bad_messages, "submit", (double)t->bad_submit);
    metric_set(self->submitted, NULL, (double)t->submitted);
    metric_set(self->refused, NULL, (double)t->refused);
    metric_set(self->spooled, NULL, (double)t->spooled);
    metric_set(self->in_flight, NULL, (double)inflight_count(inflight));
    metric_set(self->in_flight_bytes, NULL, (double)inflight_bytes(inflight));
    metric_set(self->oldest, NULL, oldest_s);
    metric_set(self->workers, NULL, (double)workers);
    metric_set(self->input_pending, NULL, t->input_pending ? 1 : 0);
    monitor_set_ready(self->monitor, missing);

    double seconds = monitor_tick(self->monitor, now);
    if (seconds <= 0)
        return;
    buf_t per_worker = BUF_INIT;
    metric_each(self->per_worker, put_worker, &per_worker);
    log_info("status interval_s=%.1f documents=%llu docs_per_s=%.1f mb_per_s=%.2f "
             "in_flight=%zu oldest_unacked_s=%.1f workers=%zu retries=%llu "
             "inputs=%llu files=%llu lines=%llu submissions=%llu acknowledged=%llu stored=%llu "
             "updated=%llu new_sources=%llu unchanged=%llu dead=%llu skipped=%llu "
             "per_worker=%s", seconds,
             (unsigned long long)(acked - self->acked_then),
             (acked - self->acked_then) / seconds, (bytes - self->bytes_then) / 1e6 / seconds,
             inflight_count(inflight), oldest_s, workers, (unsigned long long)t->retries,
             (unsigned long long)t->inputs, (unsigned long long)t->files,
             (unsigned long long)t->lines, (unsigned long long)t->submissions,
             (unsigned long long)acked,
             (unsigned long long)t->stored, (unsigned long long)t->updated,
             (unsigned long long)t->new_sources, (unsigned long long)t->unchanged,
             (unsigned long long)t->dead, (unsigned long long)t->skipped,
             log_q(buf_str(&per_worker)));
    buf_free(&per_worker);
    self->acked_then = acked;
    self->bytes_then = bytes;
}
