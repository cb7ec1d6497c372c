/* options: the sink's command line (`feedmill sink --help`).
 *
 * One table holds every sink option, as rows of common/args.h: the sink's
 * getopt table and --help are made from it, and sink_option_apply is the
 * one place that checks a value and stores it. To add an option: an id in
 * sink_option_id_t (its place there is its place in --help), its row in
 * sink_option_table (options.c), a field below and its default in
 * sink_options_init, a case in sink_option_apply. The operator options
 * (--status-interval, --metrics, ...) are common/monitor.h's. */
#ifndef FEEDMILL_SINK_OPTIONS_H
#define FEEDMILL_SINK_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "common/args.h"
#include "common/monitor.h"

typedef struct sink_options {
    const char *db;             /* --db: the database to create or update */
    const char *results;        /* --results: bound for the workers' results */
    const char *acks;           /* --acks: the producer's acks endpoint */
    size_t batch_max;           /* --batch: rows in one transaction at most */
    int64_t batch_ms;           /* --batch-ms: how long a transaction may wait for more */
    const char *cert;           /* --cert: our secret certificate */
    const char *allow;          /* --allow: public certificates of allowed peers */
    const char *producer_cert;  /* --producer-cert: the producer's public certificate */
    int insecure;               /* --insecure: tcp:// without CURVE */
    monitor_options_t monitor;  /* --status-interval, --metrics, ... */
} sink_options_t;

/* The rows of the table, in the order --help lists them. */
typedef enum sink_option_id {
    SINK_OPT_DB,
    SINK_OPT_RESULTS,
    SINK_OPT_ACKS,
    SINK_OPT_BATCH,
    SINK_OPT_BATCH_MS,
    SINK_OPT_CERT,
    SINK_OPT_ALLOW,
    SINK_OPT_PRODUCER_CERT,
    SINK_OPT_INSECURE,
    SINK_OPT_COUNT
} sink_option_id_t;

extern const args_option_t sink_option_table[SINK_OPT_COUNT];

/* The defaults: what the sink does with no option at all. */
void sink_options_init(sink_options_t *opt);
/* Checks one option's value and stores it in opt, a sink_options_t
 * (the apply of the table's args_table_t). id is a row of the table.
 * Returns 0, or -1 after printing "feedmill sink: ..." to stderr. */
int sink_option_apply(void *opt, const char *command, int id, const char *value);

/* The sink's whole command line, for args_start (common/args.h). */
extern const args_command_t sink_command;

#endif
