/* options: the producer's command line (`feedmill producer --help`), and
 * the part of it `feedmill run` offers.
 *
 * One table holds every producer option: its name, its argument, whether
 * `run` offers it (and hands it on to its producer as given), and its help
 * text (rows of common/args.h, the mechanism every command shares). The
 * producer's getopt table and --help are made from it, and so is the part
 * of run's; producer_option_apply is the one place that checks a value and
 * stores it, for both commands. To add an option: an id in
 * producer_option_id_t, its row in the table (options.c, with .run = 1 if
 * `feedmill run` offers it), a field below and its default in
 * producer_options_init, a case in producer_option_apply. */
#ifndef FEEDMILL_PRODUCER_OPTIONS_H
#define FEEDMILL_PRODUCER_OPTIONS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "common/args.h"
#include "common/monitor.h"

/* A stop request waits for acknowledgements while they come, up to
 * --drain-timeout: this by default, within systemd's stop timeout. */
#define PRODUCER_DRAIN_TIMEOUT_MS 30000

typedef struct producer_options {
    const char *work;
    const char *acks;
    const char *sink;
    const char *state;
    int64_t retry_after_ms;
    int64_t worker_timeout_ms;
    uint32_t max_attempts;
    size_t max_size;
    size_t max_inflight;        /* documents read and not yet acknowledged */
    size_t max_inflight_bytes;  /* their bytes, kept for resending: caps memory */
    int summary;
    const char *summary_file;   /* --summary-file: the summary as JSON (producer/summary.h) */
    const char **skip;          /* --skip: databases never to ingest */
    int skip_count;
    const char *files0_from;    /* --files0-from: NUL-separated paths */
    int watch;                  /* --watch: keep ingesting new files */
    int64_t poll_ms;            /* --poll: rescan instead of inotify */
    const char **ignore;        /* --ignore GLOB */
    int ignore_count;
    const char **follow;        /* --follow FILE: JSON-lines files followed */
    int follow_count;
    const char *submit;         /* --submit ENDPOINT, or NULL */
    monitor_options_t monitor;  /* --status-interval, --metrics, ... */
    const char *cert;           /* --cert: our secret certificate */
    const char *allow;          /* --allow: public certificates of allowed peers */
    const char *sink_cert;      /* --sink-cert: the sink's public certificate */
    int insecure;               /* --insecure: tcp:// without CURVE */
    int64_t drain_timeout_ms;   /* --drain-timeout: longest wait after a stop request */
} producer_options_t;

/* The rows of the table, in the order --help lists them. */
typedef enum producer_option_id {
    PRODUCER_OPT_WORK,
    PRODUCER_OPT_ACKS,
    PRODUCER_OPT_SINK,
    PRODUCER_OPT_STATE,
    PRODUCER_OPT_RETRY_AFTER,
    PRODUCER_OPT_WORKER_TIMEOUT,
    PRODUCER_OPT_MAX_ATTEMPTS,
    PRODUCER_OPT_MAX_SIZE,
    PRODUCER_OPT_MAX_IN_FLIGHT,
    PRODUCER_OPT_SKIP,
    PRODUCER_OPT_FILES0_FROM,
    PRODUCER_OPT_WATCH,
    PRODUCER_OPT_POLL,
    PRODUCER_OPT_IGNORE,
    PRODUCER_OPT_FOLLOW,
    PRODUCER_OPT_SUBMIT,
    PRODUCER_OPT_DRAIN_TIMEOUT,
    PRODUCER_OPT_SUMMARY,
    PRODUCER_OPT_SUMMARY_FILE,
    PRODUCER_OPT_CERT,
    PRODUCER_OPT_ALLOW,
    PRODUCER_OPT_SINK_CERT,
    PRODUCER_OPT_INSECURE,
    PRODUCER_OPT_COUNT
} producer_option_id_t;

/* getopt's value for a row: PRODUCER_OPT_GETOPT + its id, above every
 * short option and the monitor's (MONITOR_OPT_STATUS_INTERVAL...). */
enum { PRODUCER_OPT_GETOPT = 0x5000 };

/* A row: its name, its argument (NULL: none), .run (`feedmill run`
 * offers it and forwards it as given), its help (one paragraph, wrapped
 * by args_help). */
typedef args_option_t producer_option_t;

extern const producer_option_t producer_option_table[PRODUCER_OPT_COUNT];

/* The defaults: what the producer does with no option at all. */
void producer_options_init(producer_options_t *opt);
/* Checks one option's value and stores it in opt, a producer_options_t
 * (the apply of the table's args_table_t). id is a row of the table
 * (producer_option_id_t); value is NULL for an option without argument.
 * Returns 0, or -1 after printing "feedmill COMMAND: ..." to stderr. */
int producer_option_apply(void *opt, const char *command, int id, const char *value);
/* The row of a value getopt_long returned, or -1 when it is no row's. */
int producer_option_of(int getopt_value);
/* Writes the table's rows (only run's when run_only) into out, which has
 * room for PRODUCER_OPT_COUNT entries; returns how many it wrote. */
size_t producer_options_longopts(struct option *out, int run_only);
/* 1 when there is something to read: PATHs (paths of them), or
 * --files0-from, --follow, --submit. */
int producer_options_have_input(const producer_options_t *opt, int paths);

/* The producer's whole command line, for args_start (common/args.h): its
 * table, then the monitor's; the operands are PATHs. */
extern const args_command_t producer_command;
/* Frees what the repeatable options took, whatever args_start returned. */
void producer_options_free(producer_options_t *opt);

#endif
