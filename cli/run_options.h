/* run_options: `feedmill run`'s command line and its --help.
 *
 * run has a few options of its own (--db, --workers, and two it hands to
 * the workers); the rest of what it offers are the producer's, the rows of
 * producer/options.h's table marked for run. Those are checked here with
 * the producer's own function, into a producer_options_t that run reads
 * (--drain-timeout, --watch, --follow, ...), and kept as given, in order,
 * to be appended to the producer's command line unchanged. */
#ifndef FEEDMILL_CLI_RUN_OPTIONS_H
#define FEEDMILL_CLI_RUN_OPTIONS_H

#include <stdint.h>

#include "common/monitor.h"
#include "producer/options.h"

/* A stopping producer gets its --drain-timeout and this much more (its
 * last commit, its figures) before it is killed; --help says it. */
#define RUN_DRAIN_GRACE_S 10

enum {
    RUN_MAX_WORKERS = 256,
    RUN_DRAIN_GRACE_MS = RUN_DRAIN_GRACE_S * 1000,
};

/* One producer option as given: "--retry-after" and "1" (value NULL for
 * an option without argument). */
typedef struct run_forward {
    char option[40];
    const char *value;
} run_forward_t;

typedef struct run_options {
    const char *db;
    long workers;
    const char *time_limit;      /* for the workers, which check it */
    int pass_through;            /* for the workers */
    monitor_options_t monitor;   /* --status-interval, --metrics, --metrics-file, --log-format */
    producer_options_t producer; /* the producer's options run offers, checked */
    run_forward_t *forward;      /* the same, as given, for the producer's argv */
    int forward_count;
} run_options_t;

/* -1 to go on (optind is the first PATH); else the exit status: 0 after
 * --help, 2 on a usage error (said on stderr). Free with run_options_free
 * whatever it returns. */
int run_options_parse(run_options_t *opt, int argc, char **argv);
void run_options_free(run_options_t *opt);

#endif
