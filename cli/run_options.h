/* run_options: `feedmill run`'s command line and its --help.
 *
 * Most options are handed to the children as given (the producer and the
 * workers check them); run keeps what it acts on itself. */
#ifndef FEEDMILL_CLI_RUN_OPTIONS_H
#define FEEDMILL_CLI_RUN_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "common/monitor.h"

enum {
    RUN_MAX_WORKERS = 256,
    /* The producer's default --drain-timeout. */
    RUN_DEFAULT_DRAIN_MS = 30000,
    /* A stopping producer gets its --drain-timeout and this much more
     * (its last commit, its figures) before it is killed. */
    RUN_DRAIN_GRACE_MS = 10000,
};

typedef struct run_options {
    const char *db;
    long workers;
    const char *retry_after;
    const char *worker_timeout;
    const char *max_attempts;
    const char *max_size;
    const char *max_in_flight;
    const char *time_limit;
    const char *drain_timeout;   /* passed to the producer; run's kill timer follows it */
    int64_t drain_ms;
    const char *files0_from;
    int watch;
    const char *poll;
    char **ignore;
    int ignore_count;
    char **follow;
    int follow_count;
    const char *submit;
    const char *cert, *allow;    /* the producer's keys, for a tcp:// --submit */
    int insecure;
    int pass_through;
    monitor_options_t monitor;   /* --status-interval, --metrics, --metrics-file, --log-format */
} run_options_t;

/* -1 to go on (optind is the first PATH); else the exit status: 0 after
 * --help, 2 on a usage error (said on stderr). Free with run_options_free
 * whatever it returns. */
int run_options_parse(run_options_t *opt, int argc, char **argv);
void run_options_free(run_options_t *opt);
void run_options_usage(FILE *out);

#endif
