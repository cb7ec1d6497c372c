/* log: timestamped key=value lines on stderr. See log.h. */
#include "log.h"
#include "buf.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char log_component[32] = "feedmill";
static log_level_t log_threshold = LOG_INFO;

void log_init(const char *component)
{
    snprintf(log_component, sizeof log_component, "%s", component);
    const char *env = getenv("FEEDMILL_LOG");
    if (!env)
        return;
    if (!strcasecmp(env, "debug"))
        log_threshold = LOG_DEBUG;
    else if (!strcasecmp(env, "warn"))
        log_threshold = LOG_WARN;
    else if (!strcasecmp(env, "error"))
        log_threshold = LOG_ERROR;
    else
        log_threshold = LOG_INFO;
}

int log_enabled(log_level_t level)
{
    return level >= log_threshold;
}

static const char *level_name(log_level_t level)
{
    switch (level) {
    case LOG_DEBUG: return "debug";
    case LOG_INFO:  return "info ";
    case LOG_WARN:  return "warn ";
    default:        return "error";
    }
}

void log_at(log_level_t level, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);

    /* One write() per line so lines of concurrent processes sharing
     * stderr never interleave mid-line. */
    buf_t line = BUF_INIT;
    buf_printf(&line, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s %s[%d] ",
               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
               tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000),
               level_name(level), log_component, (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&line, fmt, ap);
    va_end(ap);
    buf_putc(&line, '\n');
    ssize_t ignored = write(STDERR_FILENO, line.data, line.len);
    (void)ignored;
    buf_free(&line);
}

const char *log_q(const char *value)
{
    enum { SLOTS = 4, SIZE = 512 };
    static char slots[SLOTS][SIZE];
    static int next;
    char *out = slots[next];
    next = (next + 1) % SLOTS;

    if (!value)
        value = "";
    /* A file name that is not UTF-8 is logged in its printable form, so
     * every log line stays valid UTF-8 for whatever reads the logs. */
    char *printable = NULL;
    if (!text_is_utf8(value))
        value = printable = text_printable(value);
    int needs_quotes = value[0] == '\0';
    for (const char *p = value; *p; p++)
        if (*p == ' ' || *p == '"' || *p == '=' || (unsigned char)*p < 0x20)
            needs_quotes = 1;
    if (!needs_quotes) {
        snprintf(out, SIZE, "%s", value);
        free(printable);
        return out;
    }
    size_t o = 0;
    out[o++] = '"';
    for (const char *p = value; *p && o < SIZE - 6; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            out[o++] = ' ';
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    free(printable);
    return out;
}
