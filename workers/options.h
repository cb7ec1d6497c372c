/* options: the worker's command line (`feedmill worker --help`).
 *
 * One table holds every worker option, as rows of common/args.h: the
 * worker's getopt table and --help are made from it, and
 * worker_option_apply is the one place that checks a value and stores
 * it. To add an option: an id in worker_option_id_t (its place there is
 * its place in --help), its row in worker_option_table (options.c), a
 * field below and its default in worker_options_init, a case in
 * worker_option_apply. A worker takes --log-format of common/monitor.h's
 * operator options, and no other: it has no figures of its own. */
#ifndef FEEDMILL_WORKERS_OPTIONS_H
#define FEEDMILL_WORKERS_OPTIONS_H

#include <stdint.h>

#include "common/args.h"
#include "common/monitor.h"

typedef struct worker_options {
    const char *work;           /* --work: the producer's work endpoint */
    const char *results;        /* --results: the sink's results endpoint */
    uint32_t credit;            /* --credit: documents to hold at once */
    int64_t time_limit_ms;      /* --time-limit: longest one extraction may take */
    const char *cert;           /* --cert: our secret certificate */
    const char *producer_cert;  /* --producer-cert: the producer's public certificate */
    const char *sink_cert;      /* --sink-cert: the sink's public certificate */
    int insecure;               /* --insecure: tcp:// without CURVE */
    const char *name;           /* --name, or NULL: the host name */
    int pass_through;           /* --pass-through: no extraction (benchmarks) */
    monitor_options_t monitor;  /* --log-format only */
} worker_options_t;

/* The rows of the table, in the order --help lists them. */
typedef enum worker_option_id {
    WORKER_OPT_WORK,
    WORKER_OPT_RESULTS,
    WORKER_OPT_CREDIT,
    WORKER_OPT_TIME_LIMIT,
    WORKER_OPT_CERT,
    WORKER_OPT_PRODUCER_CERT,
    WORKER_OPT_SINK_CERT,
    WORKER_OPT_INSECURE,
    WORKER_OPT_NAME,
    WORKER_OPT_PASS_THROUGH,
    WORKER_OPT_COUNT
} worker_option_id_t;

extern const args_option_t worker_option_table[WORKER_OPT_COUNT];

/* The defaults: what the worker does with no option at all. */
void worker_options_init(worker_options_t *opt);
/* Checks one option's value and stores it in opt, a worker_options_t
 * (the apply of the table's args_table_t). id is a row of the table.
 * Returns 0, or -1 after printing "feedmill worker: ..." to stderr. */
int worker_option_apply(void *opt, const char *command, int id, const char *value);

/* The worker's whole command line, for args_start (common/args.h). */
extern const args_command_t worker_command;

#endif
