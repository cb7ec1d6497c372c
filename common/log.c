/* log: timestamped key=value lines on stderr, or JSON lines. See log.h. */
#include "log.h"
#include "buf.h"
#include "text.h"

#include <ctype.h>
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
static log_format_t log_format = LOG_FORMAT_LOGFMT;
static int log_format_set;   /* --log-format given: the environment does not override it */

int log_format_parse(const char *name, log_format_t *out)
{
    if (!strcmp(name, "logfmt"))
        *out = LOG_FORMAT_LOGFMT;
    else if (!strcmp(name, "json"))
        *out = LOG_FORMAT_JSON;
    else
        return -1;
    return 0;
}

void log_set_format(log_format_t format)
{
    log_format = format;
    log_format_set = 1;
}

log_format_t log_get_format(void)
{
    return log_format;
}

void log_init(const char *component)
{
    snprintf(log_component, sizeof log_component, "%s", component);
    const char *format = getenv("FEEDMILL_LOG_FORMAT");
    /* An unknown value keeps logfmt: logging must never stop a process. */
    if (format && !log_format_set)
        log_format_parse(format, &log_format);
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

    char stamp[96];   /* room for any int the compiler imagines */
    snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(tv.tv_usec / 1000));

    /* One write() per line so lines of concurrent processes sharing
     * stderr never interleave mid-line. */
    buf_t line = BUF_INIT;
    buf_t body = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&body, fmt, ap);
    va_end(ap);
    if (log_format == LOG_FORMAT_JSON) {
        /* Every JSON line must be valid UTF-8, whatever a message held. */
        if (!text_is_utf8(buf_str(&body))) {
            char *printable = text_printable(buf_str(&body));
            buf_reset(&body);
            buf_puts(&body, printable);
            free(printable);
        }
        log_put_json(&line, stamp, level_name(level), log_component, (int)getpid(),
                     buf_str(&body));
    } else {
        buf_printf(&line, "%s %s %s[%d] %s\n", stamp, level_name(level), log_component,
                   (int)getpid(), buf_str(&body));
    }
    ssize_t ignored = write(STDERR_FILENO, line.data, line.len);
    (void)ignored;   /* the end of the line: no one left to tell (log.h) */
    buf_free(&body);
    buf_free(&line);
}

/* ---- JSON lines ------------------------------------------------------ */

static int is_key_char(char c, int first)
{
    return c == '_' || isalpha((unsigned char)c)
        || (!first && (isdigit((unsigned char)c) || c == '.' || c == '-'));
}

/* Parses one `key=value` or `key="quoted \"value\""` field at p, as
 * log_q() writes them, into key (a span of p) and value (unescaped).
 * Returns the end of the field, or NULL when p does not start one (a
 * word of the message) or the field is not followed by a space or the
 * end of the line. */
static const char *parse_field(const char *p, const char **key, size_t *key_len, buf_t *value,
                               int *quoted)
{
    const char *start = p;
    if (!is_key_char(*p, 1))
        return NULL;
    while (is_key_char(*p, 0))
        p++;
    if (*p != '=')
        return NULL;
    *key = start;
    *key_len = (size_t)(p - start);
    p++;
    buf_reset(value);
    *quoted = *p == '"';
    if (*quoted) {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            buf_putc(value, *p);
        }
        if (*p != '"')
            return NULL;
        p++;
    } else {
        while (*p && *p != ' ')
            buf_putc(value, *p++);
    }
    return *p == ' ' || !*p ? p : NULL;
}

/* A JSON number as written by printf: -?(0|[1-9][0-9]*)(.[0-9]+)?, at
 * most 15 digits, so every reader gets the exact value. */
static int is_plain_number(const char *s)
{
    const char *p = s + (*s == '-');
    int digits = 0;
    if (*p == '0' && isdigit((unsigned char)p[1]))
        return 0;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++, digits++;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++, digits++;
    }
    return !*p && digits <= 15;
}

/* Ids and sessions are hex text even when all their digits are decimal. */
static int is_text_key(const char *key, size_t len)
{
    return (len >= 2 && !memcmp(key + len - 2, "id", 2))
        || (len >= 7 && !memcmp(key + len - 7, "session", 7));
}

static int is_reserved_key(const char *key, size_t len)
{
    static const char *const reserved[] = { "time", "level", "component", "pid", "msg" };
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strlen(reserved[i]) == len && !memcmp(reserved[i], key, len))
            return 1;
    return 0;
}

/* Words before the first field are the message; each field becomes a
 * member (a number when it is one, else a string; a field named like a
 * member of the envelope gets a trailing underscore). A stray word among
 * the fields is added to the message, so nothing is lost. */
void log_put_json(buf_t *out, const char *stamp, const char *level, const char *component,
                  int pid, const char *body)
{
    buf_t msg = BUF_INIT, fields = BUF_INIT, value = BUF_INIT;
    const char *p = body;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *key;
        size_t key_len;
        int quoted;
        const char *end = parse_field(p, &key, &key_len, &value, &quoted);
        if (end) {
            buf_putc(&fields, ',');
            buf_put_json_string(&fields, key, key_len);
            if (is_reserved_key(key, key_len)) {
                buf_truncate(&fields, fields.len - 1);
                buf_puts(&fields, "_\"");
            }
            buf_putc(&fields, ':');
            if (!quoted && is_plain_number(buf_str(&value)) && !is_text_key(key, key_len))
                buf_puts(&fields, buf_str(&value));
            else
                buf_put_json_string(&fields, buf_str(&value), value.len);
            p = end;
            continue;
        }
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        if (msg.len)
            buf_putc(&msg, ' ');
        buf_append(&msg, word, (size_t)(p - word));
    }
    buf_puts(out, "{\"time\":");
    buf_put_json_string(out, stamp, strlen(stamp));
    buf_puts(out, ",\"level\":");
    /* level_name() pads to five characters for the columns of logfmt. */
    size_t level_len = strlen(level);
    while (level_len && level[level_len - 1] == ' ')
        level_len--;
    buf_put_json_string(out, level, level_len);
    buf_puts(out, ",\"component\":");
    buf_put_json_string(out, component, strlen(component));
    buf_printf(out, ",\"pid\":%d,\"msg\":", pid);
    buf_put_json_string(out, buf_str(&msg), msg.len);
    buf_append(out, buf_str(&fields), fields.len);
    buf_puts(out, "}\n");
    buf_free(&msg);
    buf_free(&fields);
    buf_free(&value);
}

const char *log_q(const char *value)
{
    enum { SLOTS = 4, SIZE = 512 };
    static _Thread_local char slots[SLOTS][SIZE];   /* each thread its own */
    static _Thread_local int next;
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
