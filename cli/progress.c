/* progress: run's done-of-total, rate and ETA. See progress.h. */
#include "cli/progress.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/metrics.h"
#include "producer/names.h"
#include "producer/ownfiles.h"
#include "producer/walk.h"

enum {
    COUNT_STEP = 2000,     /* inputs counted per call */
    SAMPLES = 6,           /* the rate is over the last SAMPLES - 1 seconds */
};

typedef struct sample {
    int64_t at;
    double acked;
} sample_t;

struct progress {
    names_t *names;
    walk_t *walk;          /* NULL once the count is complete */
    ownfiles_t *own;
    uint64_t total;
    int total_known;       /* no input the walk cannot count */
    double done, acked;
    sample_t samples[SAMPLES];   /* one a second, oldest first */
    int sample_count;
};

progress_t *progress_new(char **paths, int path_count, const char *const *ignore,
                         int ignore_count, const char *const *own, int own_count,
                         int total_known)
{
    progress_t *self = xcalloc(1, sizeof(progress_t));
    self->names = names_new();
    for (int i = 0; i < ignore_count; i++)
        names_ignore(self->names, ignore[i]);
    self->walk = walk_new(self->names);
    walk_quiet(self->walk);
    self->own = ownfiles_new();
    for (int i = 0; i < own_count; i++)
        ownfiles_add(self->own, own[i]);
    self->total_known = total_known;
    for (int i = 0; i < path_count; i++) {
        char *error = NULL;
        if (strcmp(paths[i], "-") != 0 && walk_add(self->walk, paths[i], &error) != 0)
            free(error);   /* the producer reports it */
    }
    return self;
}

void progress_destroy(progress_t **self_p)
{
    progress_t *self = *self_p;
    if (!self)
        return;
    walk_destroy(&self->walk);
    names_destroy(&self->names);
    ownfiles_destroy(&self->own);
    free(self);
    *self_p = NULL;
}

void progress_count(progress_t *self)
{
    for (int i = 0; self->walk && i < COUNT_STEP; i++) {
        const char *path = walk_next(self->walk);
        if (!path)
            walk_destroy(&self->walk);
        else if (!ownfiles_match(self->own, path))
            self->total++;
    }
}

void progress_update(progress_t *self, const char *text, int64_t now)
{
    if (!text)
        return;
    /* Every outcome of message.h's words: each input ends as one. */
    static const char *const outcomes[] = {
        "feedmill_producer_documents_total{outcome=\"stored\"}",
        "feedmill_producer_documents_total{outcome=\"updated\"}",
        "feedmill_producer_documents_total{outcome=\"new_source\"}",
        "feedmill_producer_documents_total{outcome=\"unchanged\"}",
        "feedmill_producer_documents_total{outcome=\"dead\"}",
    };
    self->acked = 0;
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        self->acked += metrics_text_value(text, outcomes[i], 0);
    self->done = self->acked + metrics_text_value(text, "feedmill_producer_skipped_total", 0);
    if (self->sample_count && now - self->samples[self->sample_count - 1].at < 1000)
        return;
    if (self->sample_count == SAMPLES) {
        memmove(&self->samples[0], &self->samples[1], (SAMPLES - 1) * sizeof(sample_t));
        self->sample_count--;
    }
    self->samples[self->sample_count++] = (sample_t){ now, self->acked };
}

/* Documents per second over the samples; 0 before two of them. */
static double rate(const progress_t *self)
{
    if (self->sample_count < 2)
        return 0;
    const sample_t *first = &self->samples[0], *last = &self->samples[self->sample_count - 1];
    double seconds = (last->at - first->at) / 1000.0;
    return seconds > 0 && last->acked >= first->acked ? (last->acked - first->acked) / seconds
                                                      : 0;
}

/* The total, when it is known: counted in full, nothing uncounted. A
 * total below what is done (a file written meanwhile) is raised. */
static int total(const progress_t *self, double *out)
{
    if (!self->total_known || self->walk)
        return 0;
    *out = self->total > self->done ? (double)self->total : self->done;
    return 1;
}

void progress_line(const progress_t *self, buf_t *out)
{
    double all, r = rate(self);
    if (total(self, &all)) {
        buf_printf(out, "%.0f of %.0f documents (%.1f%%), %.1f docs/s", self->done, all,
                   all > 0 ? 100.0 * self->done / all : 100.0, r);
        if (self->done >= all)
            buf_puts(out, ", finishing");
        else if (r > 0)
            buf_printf(out, ", ETA %.0f s", (all - self->done) / r);
    } else {
        buf_printf(out, "%.0f documents done%s, %.1f docs/s", self->done,
                   self->walk && self->total_known ? " (counting the inputs)" : "", r);
    }
}

void progress_log(const progress_t *self)
{
    double all, r = rate(self);
    if (total(self, &all))
        log_info("progress done=%.0f total=%.0f percent=%.1f docs_per_s=%.1f eta_s=%.0f",
                 self->done, all, all > 0 ? 100.0 * self->done / all : 100.0, r,
                 r > 0 ? (all - self->done) / r : -1);
    else
        log_info("progress done=%.0f docs_per_s=%.1f", self->done, r);
}
