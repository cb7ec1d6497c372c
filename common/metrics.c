/* metrics: a thread-safe registry rendered as Prometheus text. See metrics.h. */
#include "metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM } kind_t;

typedef struct series {
    char *label_value;   /* NULL in a family without a label */
    double value;
} series_t;

struct metric {
    metrics_t *owner;
    kind_t kind;
    char *name, *help, *label;
    /* An info gauge's fixed labels, rendered once: k1="v1",k2="v2". */
    char *fixed;
    /* Counters and gauges: sorted by label value, so renders are stable.
     * A family without a label has its one series from the start. */
    series_t *series;
    size_t count;
    /* Histograms: buckets[i] counts observations <= bounds[i] and above
     * the bound before (rendered cumulatively); buckets[bound_count] is
     * the +Inf bucket's share. */
    double *bounds;
    uint64_t *buckets;
    size_t bound_count;
    double sum;
    uint64_t observations;
};

struct metrics {
    pthread_mutex_t lock;
    metric_t **families;
    size_t count;
};

/* A misnamed metric is a bug in feedmill, found by the first test run. */
static void check_name(const char *name, kind_t kind)
{
    int ok = name && *name && !(name[0] >= '0' && name[0] <= '9');
    for (const char *p = name; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
             || *p == '_' || *p == ':';
    size_t len = ok ? strlen(name) : 0;
    if (ok && kind == KIND_COUNTER)
        ok = len > 6 && !strcmp(name + len - 6, "_total");
    if (!ok) {
        fprintf(stderr, "metrics: invalid metric name '%s'\n", name ? name : "(null)");
        abort();
    }
}

metrics_t *metrics_new(void)
{
    metrics_t *self = xcalloc(1, sizeof(metrics_t));
    if (pthread_mutex_init(&self->lock, NULL) != 0) {
        fprintf(stderr, "metrics: cannot create a mutex\n");
        abort();
    }
    return self;
}

void metrics_destroy(metrics_t **self_p)
{
    metrics_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->count; i++) {
        metric_t *m = self->families[i];
        for (size_t s = 0; s < m->count; s++)
            free(m->series[s].label_value);
        free(m->series);
        free(m->bounds);
        free(m->buckets);
        free(m->name);
        free(m->help);
        free(m->label);
        free(m->fixed);
        free(m);
    }
    free(self->families);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

static metric_t *add_family(metrics_t *self, kind_t kind, const char *name, const char *help,
                            const char *label)
{
    check_name(name, kind);
    metric_t *m = xcalloc(1, sizeof(metric_t));
    m->owner = self;
    m->kind = kind;
    m->name = xstrdup(name);
    m->help = xstrdup(help ? help : "");
    m->label = label ? xstrdup(label) : NULL;
    if (kind != KIND_HISTOGRAM && !label) {
        m->series = xcalloc(1, sizeof(series_t));
        m->count = 1;
    }
    pthread_mutex_lock(&self->lock);
    self->families = xrealloc(self->families, (self->count + 1) * sizeof(metric_t *));
    self->families[self->count++] = m;
    pthread_mutex_unlock(&self->lock);
    return m;
}

metric_t *metrics_counter(metrics_t *self, const char *name, const char *help, const char *label)
{
    return add_family(self, KIND_COUNTER, name, help, label);
}

metric_t *metrics_gauge(metrics_t *self, const char *name, const char *help, const char *label)
{
    return add_family(self, KIND_GAUGE, name, help, label);
}

metric_t *metrics_histogram(metrics_t *self, const char *name, const char *help,
                            const double *bounds, size_t count)
{
    for (size_t i = 1; i < count; i++)
        if (!(bounds[i] > bounds[i - 1])) {
            fprintf(stderr, "metrics: %s: bucket bounds must increase\n", name);
            abort();
        }
    metric_t *m = add_family(self, KIND_HISTOGRAM, name, help, NULL);
    m->bounds = xmalloc((count ? count : 1) * sizeof(double));
    memcpy(m->bounds, bounds, count * sizeof(double));
    m->buckets = xcalloc(count + 1, sizeof(uint64_t));
    m->bound_count = count;
    return m;
}

void metrics_declare(metrics_t *self, void *owner, const metric_decl_t *table, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const metric_decl_t *d = &table[i];
        metric_t *m = d->kind == METRIC_HISTOGRAM
                          ? metrics_histogram(self, d->name, d->help, d->bounds, d->bound_count)
                          : add_family(self, d->kind == METRIC_COUNTER ? KIND_COUNTER : KIND_GAUGE,
                                       d->name, d->help, d->label);
        for (const char *const *value = d->series; value && *value; value++)
            metric_add(m, *value, 0);
        memcpy((char *)owner + d->slot, &m, sizeof m);
    }
}

/* The series of label_value, made when missing and make is set; NULL
 * otherwise. Called under the lock. */
static series_t *find_series(metric_t *m, const char *label_value, int make, size_t *index)
{
    if (!m->label) {
        if (label_value) {
            fprintf(stderr, "metrics: %s has no label\n", m->name);
            abort();
        }
        *index = 0;
        return &m->series[0];
    }
    if (!label_value) {
        fprintf(stderr, "metrics: %s needs a value for its label %s\n", m->name, m->label);
        abort();
    }
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(m->series[mid].label_value, label_value);
        if (cmp == 0) {
            *index = mid;
            return &m->series[mid];
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!make)
        return NULL;
    m->series = xrealloc(m->series, (m->count + 1) * sizeof(series_t));
    memmove(&m->series[lo + 1], &m->series[lo], (m->count - lo) * sizeof(series_t));
    m->series[lo] = (series_t){ xstrdup(label_value), 0 };
    m->count++;
    *index = lo;
    return &m->series[lo];
}

static void update(metric_t *self, const char *label_value, double value, int set)
{
    if (self->kind == KIND_HISTOGRAM || (self->kind == KIND_COUNTER && !(value >= 0)))
        return;
    pthread_mutex_lock(&self->owner->lock);
    size_t index;
    series_t *s = find_series(self, label_value, 1, &index);
    if (!set)
        s->value += value;
    else if (self->kind == KIND_GAUGE || value > s->value)
        s->value = value;   /* a counter is only ever raised */
    pthread_mutex_unlock(&self->owner->lock);
}

void metric_add(metric_t *self, const char *label_value, double amount)
{
    update(self, label_value, amount, 0);
}

void metric_set(metric_t *self, const char *label_value, double value)
{
    update(self, label_value, value, 1);
}

void metric_observe(metric_t *self, double value)
{
    if (self->kind != KIND_HISTOGRAM || isnan(value))
        return;
    pthread_mutex_lock(&self->owner->lock);
    size_t i = 0;
    while (i < self->bound_count && value > self->bounds[i])
        i++;
    self->buckets[i]++;
    self->sum += value;
    self->observations++;
    pthread_mutex_unlock(&self->owner->lock);
}

double metric_get(metric_t *self, const char *label_value)
{
    pthread_mutex_lock(&self->owner->lock);
    double value = 0;
    if (self->kind == KIND_HISTOGRAM) {
        value = (double)self->observations;
    } else {
        size_t index;
        series_t *s = find_series(self, label_value, 0, &index);
        value = s ? s->value : 0;
    }
    pthread_mutex_unlock(&self->owner->lock);
    return value;
}

void metric_forget(metric_t *self, const char *label_value)
{
    if (!self->label)
        return;
    pthread_mutex_lock(&self->owner->lock);
    size_t index;
    series_t *s = find_series(self, label_value, 0, &index);
    if (s) {
        free(s->label_value);
        memmove(&self->series[index], &self->series[index + 1],
                (self->count - index - 1) * sizeof(series_t));
        self->count--;
    }
    pthread_mutex_unlock(&self->owner->lock);
}

void metric_each(metric_t *self, void (*fn)(const char *label_value, double value, void *ctx),
                 void *ctx)
{
    pthread_mutex_lock(&self->owner->lock);
    for (size_t i = 0; self->kind != KIND_HISTOGRAM && i < self->count; i++)
        fn(self->series[i].label_value, self->series[i].value, ctx);
    pthread_mutex_unlock(&self->owner->lock);
}

/* ---- rendering ------------------------------------------------------- */

/* The shortest of %.15g and %.17g that reads back as the same double:
 * counts print as integers, 0.005 as 0.005. */
static void put_value(buf_t *out, double value)
{
    if (isnan(value)) {
        buf_puts(out, "NaN");
        return;
    }
    if (isinf(value)) {
        buf_puts(out, value > 0 ? "+Inf" : "-Inf");
        return;
    }
    char text[40];
    snprintf(text, sizeof text, "%.15g", value);
    if (strtod(text, NULL) != value)
        snprintf(text, sizeof text, "%.17g", value);
    buf_puts(out, text);
}

/* HELP text escapes backslash and newline; label values also the quote. */
static void put_escaped(buf_t *out, const char *s, int quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            buf_puts(out, "\\\\");
        else if (*s == '\n')
            buf_puts(out, "\\n");
        else if (quote && *s == '"')
            buf_puts(out, "\\\"");
        else
            buf_putc(out, *s);
    }
}

metric_t *metrics_info(metrics_t *self, const char *name, const char *help,
                       const char *const *pairs)
{
    metric_t *m = add_family(self, KIND_GAUGE, name, help, NULL);
    buf_t fixed = BUF_INIT;
    for (size_t i = 0; pairs[i] && pairs[i + 1]; i += 2) {
        buf_printf(&fixed, "%s%s=\"", i ? "," : "", pairs[i]);
        put_escaped(&fixed, pairs[i + 1], 1);
        buf_putc(&fixed, '"');
    }
    m->fixed = buf_detach(&fixed);
    m->series[0].value = 1;
    return m;
}

static void render_family(const metric_t *m, buf_t *out)
{
    static const char *const kinds[] = { "counter", "gauge", "histogram" };
    buf_printf(out, "# HELP %s ", m->name);
    put_escaped(out, m->help, 0);
    buf_printf(out, "\n# TYPE %s %s\n", m->name, kinds[m->kind]);
    if (m->kind == KIND_HISTOGRAM) {
        uint64_t cumulative = 0;
        for (size_t i = 0; i <= m->bound_count; i++) {
            cumulative += m->buckets[i];
            buf_printf(out, "%s_bucket{le=\"", m->name);
            put_value(out, i < m->bound_count ? m->bounds[i] : INFINITY);
            buf_printf(out, "\"} %llu\n", (unsigned long long)cumulative);
        }
        buf_printf(out, "%s_sum ", m->name);
        put_value(out, m->sum);
        buf_printf(out, "\n%s_count %llu\n", m->name, (unsigned long long)m->observations);
        return;
    }
    for (size_t i = 0; i < m->count; i++) {
        buf_puts(out, m->name);
        if (m->fixed)
            buf_printf(out, "{%s}", m->fixed);
        if (m->label) {
            buf_printf(out, "{%s=\"", m->label);
            put_escaped(out, m->series[i].label_value, 1);
            buf_puts(out, "\"}");
        }
        buf_putc(out, ' ');
        put_value(out, m->series[i].value);
        buf_putc(out, '\n');
    }
}

void metrics_render(metrics_t *self, buf_t *out)
{
    pthread_mutex_lock(&self->lock);
    for (size_t i = 0; i < self->count; i++)
        render_family(self->families[i], out);
    pthread_mutex_unlock(&self->lock);
}

double metrics_text_value(const char *text, const char *sample, double fallback)
{
    size_t len = strlen(sample);
    for (const char *line = text; line && *line;) {
        if (!strncmp(line, sample, len) && line[len] == ' ') {
            char *end;
            double value = strtod(line + len + 1, &end);
            return end == line + len + 1 ? fallback : value;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return fallback;
}
