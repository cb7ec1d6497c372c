/* top: `feedmill top ENDPOINT...`, a live view of running components.
 *
 *   feedmill top ──HTTP GET /metrics, every second (libcurl)──> producer, sink,
 *                                                              run, on any host
 *
 * Each endpoint's Prometheus text is read into samples; rates are the
 * change of counters between two reads. One row per endpoint (what
 * component it is, documents per second, in flight, the oldest
 * unacknowledged, dead letters, the sink's commit time and how busy its
 * writer is, connected peers, a sparkline of the last minute's rate),
 * then one row per worker the producer counts. In a terminal it draws
 * with ncurses and quits on `q` or Ctrl-C; when stdout is not a terminal
 * it prints one line per endpoint and worker at each refresh (for logs
 * and tests). An endpoint that does not answer says so on its row, and
 * is tried again. */
#include <curl/curl.h>
#include <curses.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/args.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/signals.h"

#define HISTORY 60            /* sparkline points: one a refresh */
#define MAX_WORKERS 64
#define FETCH_TIMEOUT_MS 900

/* One series read from an endpoint: its name with labels, as written. */
typedef struct {
    char *key;
    double value;
} sample_t;

typedef struct {
    sample_t *items;
    size_t count;
} samples_t;

typedef struct {
    char name[96];
    double last, rate;
} worker_row_t;

typedef struct {
    char url[256];
    char label[128];
    CURL *curl;
    samples_t now, before;
    int64_t now_ms, before_ms;
    int up;
    char error[CURL_ERROR_SIZE];
    /* Figures of the last refresh. */
    const char *component;
    double rate, in_flight, oldest, dead, commit_ms, busy, peers;
    double history[HISTORY];
    int history_count;
    worker_row_t workers[MAX_WORKERS];
    int worker_count;
} endpoint_t;

/* ---- reading /metrics --------------------------------------------------- */

static void samples_clear(samples_t *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->items[i].key);
    free(s->items);
    *s = (samples_t){ 0 };
}

/* "name{labels} value" lines into s; comments and junk are skipped. */
static void samples_parse(samples_t *s, const char *text)
{
    samples_clear(s);
    size_t cap = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len && line[0] != '#') {
            /* The value follows the last space outside the labels. */
            const char *close = memchr(line, '}', len);
            const char *space = memchr(close ? close : line, ' ', len - (size_t)((close ? close : line) - line));
            if (space) {
                char *after;
                double value = strtod(space + 1, &after);
                if (after != space + 1) {
                    if (s->count == cap) {
                        cap = cap ? cap * 2 : 128;
                        s->items = xrealloc(s->items, cap * sizeof *s->items);
                    }
                    s->items[s->count++] = (sample_t){ xstrndup(line, (size_t)(space - line)),
                                                       value };
                }
            }
        }
        line += len + (end != NULL);
    }
}

/* The value of the series `key` exactly, or NAN. */
static double sample(const samples_t *s, const char *key)
{
    for (size_t i = 0; i < s->count; i++)
        if (!strcmp(s->items[i].key, key))
            return s->items[i].value;
    return NAN;
}

/* The sum of every series of family `name` (any labels), or NAN. */
static double family_sum(const samples_t *s, const char *name)
{
    size_t len = strlen(name);
    double sum = NAN;
    for (size_t i = 0; i < s->count; i++) {
        const char *k = s->items[i].key;
        if (!strncmp(k, name, len) && (k[len] == '\0' || k[len] == '{'))
            sum = (isnan(sum) ? 0 : sum) + s->items[i].value;
    }
    return sum;
}

static size_t on_body(char *data, size_t size, size_t count, void *ctx)
{
    buf_append(ctx, data, size * count);
    return size * count;
}

/* HOST:PORT, or a URL; /metrics is added to a bare host and port. */
static void endpoint_init(endpoint_t *e, const char *arg)
{
    memset(e, 0, sizeof *e);
    snprintf(e->label, sizeof e->label, "%s", arg);
    if (strstr(arg, "://"))
        snprintf(e->url, sizeof e->url, "%s", arg);
    else
        snprintf(e->url, sizeof e->url, "http://%s/metrics", arg);
    e->curl = curl_easy_init();
    e->component = "?";
}

static void endpoint_fetch(endpoint_t *e)
{
    buf_t body = BUF_INIT;
    e->error[0] = '\0';
    curl_easy_setopt(e->curl, CURLOPT_URL, e->url);
    curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, (long)FETCH_TIMEOUT_MS);
    curl_easy_setopt(e->curl, CURLOPT_ERRORBUFFER, e->error);
    curl_easy_setopt(e->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e->curl, CURLOPT_FAILONERROR, 1L);
    CURLcode rc = curl_easy_perform(e->curl);
    if (rc != CURLE_OK) {
        if (!e->error[0])
            snprintf(e->error, sizeof e->error, "%s", curl_easy_strerror(rc));
        e->up = 0;
        buf_free(&body);
        return;
    }
    samples_t old = e->before;
    e->before = e->now;
    e->before_ms = e->now_ms;
    e->now = (samples_t){ 0 };
    samples_clear(&old);
    samples_parse(&e->now, buf_str(&body));
    e->now_ms = clock_ms();
    e->up = 1;
    buf_free(&body);
}

/* The change per second of a counter family between the two reads. */
static double rate_of(const endpoint_t *e, const char *family)
{
    double now = family_sum(&e->now, family), before = family_sum(&e->before, family);
    double seconds = (double)(e->now_ms - e->before_ms) / 1000.0;
    if (isnan(now) || isnan(before) || seconds <= 0 || now < before)
        return NAN;
    return (now - before) / seconds;
}

/* What the figures say, from the families the endpoint serves: `run`
 * serves its children's too, so it shows the producer's and the sink's. */
static void endpoint_figures(endpoint_t *e)
{
    const samples_t *s = &e->now;
    int producer = !isnan(family_sum(s, "feedmill_producer_ready"));
    int sink = !isnan(family_sum(s, "feedmill_sink_ready"));
    int run = !isnan(family_sum(s, "feedmill_run_ready"));
    e->component = run ? "run" : producer ? "producer" : sink ? "sink" : "other";
    e->rate = producer ? rate_of(e, "feedmill_producer_documents_total")
                       : rate_of(e, "feedmill_sink_documents_total");
    e->in_flight = family_sum(s, "feedmill_producer_documents_in_flight");
    e->oldest = family_sum(s, "feedmill_producer_oldest_unacknowledged_seconds");
    e->dead = sink ? family_sum(s, "feedmill_sink_dead_letters_total")
                   : sample(s, "feedmill_producer_documents_total{outcome=\"dead\"}");
    double sum = family_sum(s, "feedmill_sink_commit_seconds_sum") -
                 family_sum(&e->before, "feedmill_sink_commit_seconds_sum");
    double count = family_sum(s, "feedmill_sink_commit_seconds_count") -
                   family_sum(&e->before, "feedmill_sink_commit_seconds_count");
    e->commit_ms = count > 0 ? 1000.0 * sum / count : NAN;
    /* The share of the time the sink's writer was busy: near 1, the
     * sink is the limit (docs/operating.md). */
    e->busy = sink || run ? rate_of(e, "feedmill_sink_writer_busy_seconds_total") : NAN;
    if (e->busy > 1)
        e->busy = 1;
    e->peers = producer ? family_sum(s, "feedmill_producer_workers")
                        : family_sum(s, "feedmill_sink_producer_connected");
    if (!isnan(e->rate)) {
        if (e->history_count == HISTORY)
            memmove(e->history, e->history + 1, (HISTORY - 1) * sizeof e->history[0]);
        else
            e->history_count++;
        e->history[e->history_count - 1] = e->rate;
    }
    /* Each worker the producer counts: its documents per second. */
    static const char prefix[] = "feedmill_producer_worker_documents_total{worker=\"";
    e->worker_count = 0;
    for (size_t i = 0; i < s->count && e->worker_count < MAX_WORKERS; i++) {
        const char *k = s->items[i].key;
        if (strncmp(k, prefix, sizeof prefix - 1))
            continue;
        worker_row_t *w = &e->workers[e->worker_count++];
        snprintf(w->name, sizeof w->name, "%.*s", (int)(strlen(k) - sizeof prefix - 1),
                 k + sizeof prefix - 1);
        double before = sample(&e->before, k);
        double seconds = (double)(e->now_ms - e->before_ms) / 1000.0;
        w->last = s->items[i].value;
        w->rate = !isnan(before) && seconds > 0 ? (w->last - before) / seconds : NAN;
    }
}

/* ---- drawing ---------------------------------------------------------- */

static void number(buf_t *out, double v, const char *format)
{
    if (isnan(v))
        buf_puts(out, "-");
    else
        buf_printf(out, format, v);
}

/* The last minute's rates as block characters, lowest to highest. */
static void sparkline(buf_t *out, const endpoint_t *e, int width)
{
    static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    int from = e->history_count > width ? e->history_count - width : 0;
    double max = 0;
    for (int i = from; i < e->history_count; i++)
        if (e->history[i] > max)
            max = e->history[i];
    for (int i = from; i < e->history_count; i++)
        buf_puts(out, blocks[max > 0 ? (int)(7.0 * e->history[i] / max + 0.5) : 0]);
}

/* One endpoint as "key=value" fields: the line mode's text. */
static void line_of(buf_t *out, const endpoint_t *e)
{
    buf_printf(out, "endpoint=%s ", e->label);
    if (!e->up) {
        buf_printf(out, "unreachable error=\"%s\"", e->error);
        return;
    }
    buf_printf(out, "component=%s docs_per_s=", e->component);
    number(out, e->rate, "%.1f");
    buf_puts(out, " in_flight=");
    number(out, e->in_flight, "%.0f");
    buf_puts(out, " oldest_s=");
    number(out, e->oldest, "%.1f");
    buf_puts(out, " dead=");
    number(out, e->dead, "%.0f");
    buf_puts(out, " commit_ms=");
    number(out, e->commit_ms, "%.1f");
    buf_puts(out, " writer_busy=");
    number(out, e->busy, "%.2f");
    buf_puts(out, " peers=");
    number(out, e->peers, "%.0f");
}

static void draw_lines(endpoint_t *endpoints, int count)
{
    buf_t out = BUF_INIT;
    for (int i = 0; i < count; i++) {
        buf_reset(&out);
        line_of(&out, &endpoints[i]);
        printf("%s\n", buf_str(&out));
        for (int w = 0; endpoints[i].up && w < endpoints[i].worker_count; w++) {
            const worker_row_t *row = &endpoints[i].workers[w];
            printf("endpoint=%s worker=%s docs_per_s=", endpoints[i].label, row->name);
            if (isnan(row->rate))
                printf("-");
            else
                printf("%.1f", row->rate);
            printf(" documents=%.0f\n", row->last);
        }
    }
    fflush(stdout);
    buf_free(&out);
}

static void draw_screen(endpoint_t *endpoints, int count)
{
    erase();
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    int y = 0;
    attron(A_BOLD);
    mvaddnstr(y++, 0, "feedmill top   q quits", cols);
    mvprintw(y++, 0, "%-22.22s %-9s %9s %9s %8s %7s %9s %4s %5s  %s", "ENDPOINT", "KIND",
             "DOCS/S", "IN FLIGHT", "OLDEST s", "DEAD", "COMMIT ms", "BUSY", "PEERS", "LAST MINUTE");
    attroff(A_BOLD);
    buf_t cell = BUF_INIT;
    for (int i = 0; i < count && y < rows; i++) {
        const endpoint_t *e = &endpoints[i];
        if (!e->up) {
            mvprintw(y++, 0, "%-22.22s unreachable: %.*s", e->label, cols > 40 ? cols - 40 : 10,
                     e->error);
            continue;
        }
        buf_reset(&cell);
        buf_printf(&cell, "%-22.22s %-9s ", e->label, e->component);
        number(&cell, e->rate, "%9.1f");
        buf_putc(&cell, ' ');
        number(&cell, e->in_flight, "%9.0f");
        buf_putc(&cell, ' ');
        number(&cell, e->oldest, "%8.1f");
        buf_putc(&cell, ' ');
        number(&cell, e->dead, "%7.0f");
        buf_putc(&cell, ' ');
        number(&cell, e->commit_ms, "%9.1f");
        buf_putc(&cell, ' ');
        number(&cell, e->busy, "%4.2f");
        buf_putc(&cell, ' ');
        number(&cell, e->peers, "%5.0f");
        buf_puts(&cell, "  ");
        int room = cols - 97;
        if (room > 0)
            sparkline(&cell, e, room < HISTORY ? room : HISTORY);
        mvaddnstr(y++, 0, buf_str(&cell), -1);
        for (int w = 0; w < e->worker_count && y < rows; w++) {
            buf_reset(&cell);
            buf_printf(&cell, "  worker %-30.30s ", e->workers[w].name);
            number(&cell, e->workers[w].rate, "%9.1f");
            buf_printf(&cell, "  %.0f documents", e->workers[w].last);
            mvaddnstr(y++, 0, buf_str(&cell), cols);
        }
    }
    buf_free(&cell);
    refresh();
}

/* ---- main ------------------------------------------------------------- */

typedef struct top_options {
    double interval;
    long count;
} top_options_t;

enum { TOP_OPT_INTERVAL, TOP_OPT_COUNT, TOP_OPT_ROWS };

static const args_option_t TABLE[TOP_OPT_ROWS] = {
    [TOP_OPT_INTERVAL] = { .name = "interval", .arg = "SECONDS",
        .help = "between refreshes (default 1)" },
    [TOP_OPT_COUNT] = { .name = "count", .arg = "N",
        .help = "stop after N refreshes (default: until q or Ctrl-C)" },
};

static int apply(void *ctx, const char *command, int id, const char *value)
{
    top_options_t *opt = ctx;
    if (id == TOP_OPT_INTERVAL)
        return args_number(command, "--interval", value, 0.1, 3600, &opt->interval);
    return args_row_count(command, &TABLE[id], value, 1, 1000000000, &opt->count);
}

static const char *check(const void *opt, int operands)
{
    (void)opt;
    return operands > 0 ? NULL : "no ENDPOINT given";
}

static const args_table_t TABLES[] = {
    { .rows = TABLE, .end = TOP_OPT_ROWS, .base = ARGS_GETOPT, .apply = apply },
};

static const args_command_t COMMAND = {
    .name = "top",
    .usage = "usage: feedmill top [--interval SECONDS] [--count N] ENDPOINT...\n"
             "\n"
             "A live view of running components, read from their metrics endpoints\n"
             "(--metrics HOST:PORT of a producer, a sink or run; on any host), every\n"
             "second: per endpoint documents per second, in flight, the oldest\n"
             "unacknowledged, dead letters, the sink's commit time, how busy its\n"
             "writer is (BUSY: near 1, the sink is the limit and more workers add\n"
             "nothing), connected peers and the last minute's rate; per worker the\n"
             "producer counts, its rate.\n"
             "An endpoint that does not answer says so and is tried again.\n"
             "\n"
             "ENDPOINT is HOST:PORT (its /metrics) or a URL.\n",
    .tables = TABLES, .table_count = 1, .check = check,
    .after = "\n"
             "In a terminal it fills the screen and quits on q or Ctrl-C; otherwise it\n"
             "prints one line per endpoint and per worker at each refresh.\n",
    .flags = ARGS_SAY_ERRORS,
};

int top_main(int argc, char **argv)
{
    top_options_t opt = { .interval = 1 };
    int rc = args_parse(&COMMAND, &opt, argc, argv);
    if (rc >= 0)
        return rc;
    double interval = opt.interval;
    long count = opt.count;
    int n = argc - optind;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        fprintf(stderr, "feedmill top: cannot start libcurl\n");
        return 1;
    }
    endpoint_t *endpoints = xcalloc((size_t)n, sizeof *endpoints);
    for (int i = 0; i < n; i++)
        endpoint_init(&endpoints[i], argv[optind + i]);
    signals_install();
    int screen = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
    if (screen) {
        setlocale(LC_ALL, "");
        initscr();
        cbreak();
        noecho();
        curs_set(0);
        keypad(stdscr, TRUE);
    }
    for (long round = 0; !signals_stop_requested() && (!count || round < count); round++) {
        int64_t next = clock_ms() + (int64_t)(interval * 1000);
        for (int i = 0; i < n; i++) {
            endpoint_fetch(&endpoints[i]);
            if (endpoints[i].up)
                endpoint_figures(&endpoints[i]);
        }
        if (screen)
            draw_screen(endpoints, n);
        else
            draw_lines(endpoints, n);
        /* Wait for the next refresh, reading keys meanwhile. */
        int quit = 0;
        while (!quit && !signals_stop_requested() && clock_ms() < next
               && (!count || round + 1 < count)) {
            int64_t left = next - clock_ms();
            if (screen) {
                timeout(left > 100 ? 100 : (int)left);
                int key = getch();
                quit = key == 'q' || key == 'Q';
                if (key == KEY_RESIZE)
                    draw_screen(endpoints, n);
            } else {
                struct timespec ts = { 0, (left > 100 ? 100 : left) * 1000000L };
                nanosleep(&ts, NULL);
            }
        }
        if (quit)
            break;
    }
    if (screen)
        endwin();
    for (int i = 0; i < n; i++) {
        samples_clear(&endpoints[i].now);
        samples_clear(&endpoints[i].before);
        curl_easy_cleanup(endpoints[i].curl);
    }
    free(endpoints);
    curl_global_cleanup();
    return 0;
}
