/* metrics: counters, gauges and histograms, rendered in the Prometheus
 * text exposition format (version 0.0.4).
 *
 * A registry holds metric families; a family has at most one label (the
 * figures feedmill exports need no more: documents by outcome, dead
 * letters by reason, documents by worker), and each label value is one
 * series. Histograms have no label.
 *
 * Thread-safe: the main loop of a component updates figures while the
 * HTTP endpoint (common/httpd.h) renders them on its own thread. One
 * mutex guards the whole registry; an update is a lookup in a handful of
 * series, so the lock is held for well under a microsecond and a render
 * always sees one consistent moment.
 *
 * Names follow Prometheus conventions (checked when a family is made, a
 * wrong one is a programming error and aborts): [a-zA-Z_:][a-zA-Z0-9_:]*,
 * counters end in _total, units in the name (_seconds, _bytes). */
#ifndef FEEDMILL_METRICS_H
#define FEEDMILL_METRICS_H

#include <stddef.h>

#include "common/buf.h"

typedef struct metrics metrics_t;
typedef struct metric metric_t;

metrics_t *metrics_new(void);
void metrics_destroy(metrics_t **self_p);

/* New families. label is the label's name, or NULL for a family of one
 * series. A family lives as long as its registry; the pointer stays valid
 * until metrics_destroy. */
metric_t *metrics_counter(metrics_t *self, const char *name, const char *help,
                          const char *label);
metric_t *metrics_gauge(metrics_t *self, const char *name, const char *help,
                        const char *label);
/* An info metric (Prometheus's convention for facts such as a version):
 * a gauge of value 1 whose labels say the facts. pairs: name, value,
 * name, value, ..., NULL. */
metric_t *metrics_info(metrics_t *self, const char *name, const char *help,
                       const char *const *pairs);
/* bounds: the upper bounds of the buckets, increasing (+Inf is added). */
metric_t *metrics_histogram(metrics_t *self, const char *name, const char *help,
                            const double *bounds, size_t count);

/* A component declares its families in one table, a row per family, and
 * makes them all with one call (producer/report.c, sink/sink.c):
 *
 *   static const metric_decl_t FIGURES[] = {
 *       { METRIC_SLOT(report_t, retries), .kind = METRIC_COUNTER,
 *         .name = "feedmill_producer_retries_total",
 *         .help = "Documents sent again: ..." },
 *       ...
 *   };
 *   metrics_declare(m, self, FIGURES, sizeof FIGURES / sizeof FIGURES[0]);
 *
 * slot is where in the owner (a struct) the family's metric_t * goes;
 * series, when not NULL, are label values made at 0 at once (NULL ends
 * the list), so a scrape shows every outcome before the first one. */
typedef enum { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM } metric_kind_t;

typedef struct metric_decl {
    size_t slot;                   /* METRIC_SLOT(type, field) */
    metric_kind_t kind;
    const char *name;
    const char *help;
    const char *label;             /* counter, gauge: the label's name, or NULL */
    const double *bounds;          /* histogram: its buckets' upper bounds */
    size_t bound_count;
    const char *const *series;     /* label values made up front, or NULL */
} metric_decl_t;

#define METRIC_SLOT(type, field) .slot = offsetof(type, field)
/* A histogram's buckets, from a static array. */
#define METRIC_BUCKETS(array) .bounds = (array), .bound_count = sizeof(array) / sizeof((array)[0])

/* Makes each family of table, in order, and stores it in its slot of owner. */
void metrics_declare(metrics_t *self, void *owner, const metric_decl_t *table, size_t count);

/* label_value is NULL for a family without a label, a string otherwise
 * (copied; its series is made on first use). A counter only goes up: a
 * negative amount is ignored, and metric_set on a counter raises it to a
 * total kept elsewhere (never lowers it). */
void metric_add(metric_t *self, const char *label_value, double amount);
void metric_set(metric_t *self, const char *label_value, double value);
void metric_observe(metric_t *self, double value);
/* The value of a counter's or gauge's series (0 when it has none); a
 * histogram's count of observations. */
double metric_get(metric_t *self, const char *label_value);
/* Removes one series (a worker that left), so labels do not pile up. */
void metric_forget(metric_t *self, const char *label_value);
/* Calls fn for each series of a counter or gauge, in label order. fn runs
 * under the registry's lock: it must not call back into the registry. */
void metric_each(metric_t *self, void (*fn)(const char *label_value, double value, void *ctx),
                 void *ctx);

/* Appends every family, in the order they were made, to out. */
void metrics_render(metrics_t *self, buf_t *out);

/* The value of one sample in exposition text (`name` or
 * `name{label="value"}`, exactly as rendered), or `fallback` when the
 * text has none: how `feedmill run` reads its children's figures. */
double metrics_text_value(const char *text, const char *sample, double fallback);

#endif
