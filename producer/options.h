/* options: the producer's command line (`feedmill producer --help`).
 *
 * producer_options_parse fills the options with their defaults, then
 * what the command line says, and checks each value's range. */
#ifndef FEEDMILL_PRODUCER_OPTIONS_H
#define FEEDMILL_PRODUCER_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* -1 to go on (optind is the first PATH); else the exit status: 0 after
 * --help, 2 on a usage error (said on stderr). Free with
 * producer_options_free whatever it returns. */
int producer_options_parse(producer_options_t *opt, int argc, char **argv);
void producer_options_free(producer_options_t *opt);
void producer_options_usage(FILE *out);

#endif
