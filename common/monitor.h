/* monitor: what a long-running component shows its operators, beyond
 * its event lines.
 *
 *   --status-interval SECONDS  when a status line is due (the component
 *                              writes it: only it knows its figures)
 *   --metrics HOST:PORT        /metrics, /healthz, /readyz (common/httpd.h)
 *   --metrics-file FILE        the /metrics text, rewritten every second
 *   --log-format FORMAT        logfmt or json (common/log.h)
 *
 * One object per process owns the metrics registry the component fills,
 * the HTTP endpoint that serves it, the file it is written to, readiness
 * and the status timer; the component's loop calls monitor_tick() once
 * per turn. The options are shared so every command spells and documents
 * them alike: a command adds MONITOR_LONGOPTS to its getopt table,
 * MONITOR_OPTION_CASES to its switch and MONITOR_USAGE to its help.
 *
 * The metrics file is written to FILE.tmp and renamed, so a reader
 * (`feedmill run` serving its children's figures, or node_exporter's
 * textfile collector) never sees half of one. */
#ifndef FEEDMILL_MONITOR_H
#define FEEDMILL_MONITOR_H

#include <getopt.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/metrics.h"

typedef struct monitor_options {
    int64_t status_interval_ms;   /* 0: no status line */
    const char *metrics;          /* --metrics HOST:PORT, or NULL */
    const char *metrics_file;     /* --metrics-file FILE, or NULL */
} monitor_options_t;

enum {
    MONITOR_OPT_STATUS_INTERVAL = 0x4d00,   /* above every short option */
    MONITOR_OPT_METRICS,
    MONITOR_OPT_METRICS_FILE,
    MONITOR_OPT_LOG_FORMAT,
    MONITOR_DEFAULT_STATUS_MS = 10000,
};

#define MONITOR_LOG_FORMAT_LONGOPT \
    { "log-format", required_argument, 0, MONITOR_OPT_LOG_FORMAT }
#define MONITOR_LONGOPTS \
    { "status-interval", required_argument, 0, MONITOR_OPT_STATUS_INTERVAL }, \
    { "metrics", required_argument, 0, MONITOR_OPT_METRICS }, \
    { "metrics-file", required_argument, 0, MONITOR_OPT_METRICS_FILE }, \
    MONITOR_LOG_FORMAT_LONGOPT
#define MONITOR_OPTION_CASES \
    case MONITOR_OPT_STATUS_INTERVAL: case MONITOR_OPT_METRICS: \
    case MONITOR_OPT_METRICS_FILE: case MONITOR_OPT_LOG_FORMAT
#define MONITOR_LOG_FORMAT_USAGE \
    "  --log-format FORMAT   logfmt (default) or json: one JSON object a line\n"
#define MONITOR_USAGE \
    "  --status-interval SECONDS  log a status line every SECONDS, also when idle\n" \
    "                        (default 10; 0 turns it off)\n" \
    "  --metrics HOST:PORT   serve /metrics (Prometheus text), /healthz and /readyz\n" \
    "                        over HTTP (e.g. 127.0.0.1:9464; port 0 picks one)\n" \
    "  --metrics-file FILE   write the /metrics text to FILE every second (for\n" \
    "                        node_exporter's textfile collector)\n" \
    MONITOR_LOG_FORMAT_USAGE

void monitor_options_init(monitor_options_t *opt);
/* Takes one of the options above. --log-format applies at once and is
 * passed on to child processes (FEEDMILL_LOG_FORMAT). Returns 0, or -1
 * after printing "feedmill COMMAND: ..." to stderr. */
int monitor_option(monitor_options_t *opt, const char *command, int option, const char *value);

typedef struct monitor monitor_t;

/* component names the figures: its gauge feedmill_COMPONENT_ready says
 * whether /readyz answers 200. Call monitor_start() to serve them. */
monitor_t *monitor_new(const char *component, const monitor_options_t *opt);
void monitor_destroy(monitor_t **self_p);
/* The registry to add families to before monitor_start(). */
metrics_t *monitor_metrics(monitor_t *self);
/* More exposition text after the registry's (`feedmill run`: its
 * children's figures). fn runs on the HTTP thread as well. */
void monitor_extra(monitor_t *self, void (*fn)(void *ctx, buf_t *out), void *ctx);
/* Opens the HTTP endpoint when --metrics was given and logs where it
 * listens. Returns -1 (logged) when it cannot listen: a setup error. */
int monitor_start(monitor_t *self);
/* NULL when ready; else what is missing, for /readyz (copied). */
void monitor_set_ready(monitor_t *self, const char *missing);
/* Once per loop turn. Rewrites the metrics file when a second has
 * passed, and returns the seconds since the last status line when a new
 * one is due (restarting the interval), else 0. */
double monitor_tick(monitor_t *self, int64_t now);
/* Milliseconds until monitor_tick() has something to do, for a poll. */
int64_t monitor_wait_ms(const monitor_t *self, int64_t now);
/* Renders everything /metrics serves into out. */
void monitor_render(monitor_t *self, buf_t *out);

#endif
