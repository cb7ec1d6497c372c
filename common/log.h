/* log: one line per event on stderr, the way operators watch a feed.
 *
 * Format (documented in docs/operating.md, "Logs"):
 *   2026-11-21T04:30:00.123Z info  sink[1234] committed batch rows=12 new=10 ms=3
 * i.e. UTC timestamp, level, component[pid], a short message, then
 * key=value fields (logfmt). Values with spaces are quoted by the caller
 * with log_q(). The level threshold comes from FEEDMILL_LOG
 * (debug|info|warn|error).
 *
 * The JSON format (--log-format json, or FEEDMILL_LOG_FORMAT=json, which
 * `feedmill run` sets for its children) writes the same event as one JSON
 * object a line:
 *   {"time":"2026-11-21T04:30:00.123Z","level":"info","component":"sink",
 *    "pid":1234,"msg":"committed batch","rows":12,"new":10,"ms":3}
 * Callers keep writing logfmt; the line is converted as it is written, so
 * both formats carry exactly the same fields. */
#ifndef FEEDMILL_LOG_H
#define FEEDMILL_LOG_H

#include <stddef.h>

#include "common/buf.h"

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level_t;
typedef enum { LOG_FORMAT_LOGFMT, LOG_FORMAT_JSON } log_format_t;

/* Names this process in every line ("producer", "worker", "sink", ...). */
void log_init(const char *component);
/* "logfmt" or "json" into *out; -1 for anything else. */
int log_format_parse(const char *name, log_format_t *out);
/* Overrides FEEDMILL_LOG_FORMAT for this process (--log-format). */
void log_set_format(log_format_t format);
/* The format lines are written in: a program's own messages to a person
 * on stderr follow it too (`run`'s). */
log_format_t log_get_format(void);

/* The JSON line for one event whose text (message, then key=value
 * fields) is body: appended to out, newline included. Exposed for tests. */
void log_put_json(buf_t *out, const char *stamp, const char *level, const char *component,
                  int pid, const char *body);
/* Where errors end in a running component (docs/style.md, "Errors"), so
 * it returns nothing: a line that stderr refuses has no one left to tell. */
void log_at(log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int log_enabled(log_level_t level);

/* Debug lines are written for every document (taken, done, committed):
 * their arguments (log_q quoting, say) are not even computed unless
 * debug is on. */
#define log_debug(...) \
    do { if (log_enabled(LOG_DEBUG)) log_at(LOG_DEBUG, __VA_ARGS__); } while (0)
#define log_info(...)  log_at(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_at(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_at(LOG_ERROR, __VA_ARGS__)

/* Quotes a value for a key=value field when it needs it; returns a
 * pointer into one of a few rotating buffers of the calling thread, so up to four
 * log_q() results may appear in one log line. Long values are cut. */
const char *log_q(const char *value);

#endif
