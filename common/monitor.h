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
 * per turn. The options are one table shared so every command spells and
 * documents them alike: a command adds MONITOR_ARGS to its tables
 * (common/args.h), which gives its getopt table, its --help and the
 * checks of monitor_option().
 *
 * The metrics file is written to FILE.tmp and renamed, so a reader
 * (`feedmill run` serving its children's figures, or node_exporter's
 * textfile collector) never sees half of one. */
#ifndef FEEDMILL_MONITOR_H
#define FEEDMILL_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "common/args.h"
#include "common/buf.h"
#include "common/metrics.h"

typedef struct monitor_options {
    int64_t status_interval_ms;   /* 0: no status line */
    const char *metrics;          /* --metrics HOST:PORT, or NULL */
    const char *metrics_file;     /* --metrics-file FILE, or NULL */
} monitor_options_t;

/* The rows of the operator options' table, in --help's order;
 * --log-format last (a worker takes it alone: MONITOR_ARGS_LOG_FORMAT). */
enum {
    MONITOR_OPT_STATUS_INTERVAL,
    MONITOR_OPT_METRICS,
    MONITOR_OPT_METRICS_FILE,
    MONITOR_OPT_LOG_FORMAT,
    MONITOR_OPT_COUNT,
    MONITOR_OPT_GETOPT = 0x4d00,   /* getopt's value for a row: this + its id */
    MONITOR_DEFAULT_STATUS_MS = 10000,
};

extern const args_option_t monitor_option_table[MONITOR_OPT_COUNT];

/* The table among a command's (common/args.h), from row FIRST: TYPE is
 * the command's options struct, FIELD its monitor_options_t. A command
 * without figures of its own takes --log-format alone. */
#define MONITOR_ARGS_FROM(first_row, type, field) \
    { .rows = monitor_option_table, .first = (first_row), .end = MONITOR_OPT_COUNT, \
      .base = MONITOR_OPT_GETOPT, .apply = monitor_option_apply, .offset = offsetof(type, field) }
#define MONITOR_ARGS(type, field) MONITOR_ARGS_FROM(0, type, field)
#define MONITOR_ARGS_LOG_FORMAT(type, field) MONITOR_ARGS_FROM(MONITOR_OPT_LOG_FORMAT, type, field)

void monitor_options_init(monitor_options_t *opt);
/* Takes one of the options above (option is its row, MONITOR_OPT_...).
 * --log-format applies at once and is passed on to child processes
 * (FEEDMILL_LOG_FORMAT). Returns 0, or -1 after printing "feedmill
 * COMMAND: ..." to stderr. */
int monitor_option(monitor_options_t *opt, const char *command, int option, const char *value);
/* The same as a table's apply (args_table_t): opt is a monitor_options_t. */
int monitor_option_apply(void *opt, const char *command, int option, const char *value);

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
