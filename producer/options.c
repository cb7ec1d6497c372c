/* options: the producer's option table, and from it its getopt table,
 * its --help and the part of `feedmill run`'s. Kept apart from the loop in
 * producer.c, which only reads the result. See options.h. */
#include "producer/options.h"

#include <stdlib.h>
#include <string.h>

#include "common/args.h"
#include "common/buf.h"
#include "proto/endpoints.h"
#include "proto/message.h"

const producer_option_t producer_option_table[PRODUCER_OPT_COUNT] = {
    [PRODUCER_OPT_WORK] = { .name = "work", .arg = "ENDPOINT",
        .help = "bind for workers (default " ENDPOINT_WORK_BIND ")" },
    [PRODUCER_OPT_ACKS] = { .name = "acks", .arg = "ENDPOINT",
        .help = "bind for the sink's acks (default " ENDPOINT_ACKS_BIND ")" },
    [PRODUCER_OPT_SINK] = { .name = "sink", .arg = "ENDPOINT",
        .help = "sink's results endpoint (default " ENDPOINT_RESULTS_CONNECT ")" },
    [PRODUCER_OPT_STATE] = { .name = "state", .arg = "FILE",
        .help = "remembers acknowledged files across restarts (default "
                "feedmill-producer.db); while it cannot be written (a full disk) no new "
                "input is read, and if it still cannot be at the end the producer exits 4" },
    [PRODUCER_OPT_RETRY_AFTER] = { .name = "retry-after", .arg = "SECONDS", .run = 1,
        .help = "resend a document not acknowledged by then (default 60)" },
    [PRODUCER_OPT_WORKER_TIMEOUT] = { .name = "worker-timeout", .arg = "SECONDS", .run = 1,
        .help = "a worker silent this long is presumed dead and its documents go to "
                "another (default 10)" },
    [PRODUCER_OPT_MAX_ATTEMPTS] = { .name = "max-attempts", .arg = "K", .run = 1,
        .help = "sends before a document is dead-lettered (default 3)" },
    [PRODUCER_OPT_MAX_SIZE] = { .name = "max-size", .arg = "BYTES", .run = 1,
        .help = "larger files are dead-lettered unread (default 33554432)" },
    [PRODUCER_OPT_MAX_IN_FLIGHT] = { .name = "max-in-flight", .arg = "BYTES", .run = 1,
        .help = "documents read but not yet acknowledged are kept to be resent; past this "
                "many bytes reading waits (default 67108864)" },
    [PRODUCER_OPT_SKIP] = { .name = "skip", .arg = "FILE",
        .help = "never ingest the SQLite file FILE nor its -wal, -shm and -journal "
                "(repeatable; the producer's own --state is always skipped; `feedmill run` "
                "skips its --db)" },
    [PRODUCER_OPT_FILES0_FROM] = { .name = "files0-from", .arg = "FILE", .run = 1,
        .help = "also read the paths listed in FILE, each ended by a NUL byte (as `find "
                "-print0` writes them); missing ones are logged and skipped" },
    [PRODUCER_OPT_WATCH] = { .name = "watch", .run = 1,
        .help = "after the PATHs, keep running: ingest files that appear or change below "
                "the PATH folders (new subfolders too) once complete, i.e. closed after "
                "writing or moved in; stop with SIGINT or SIGTERM" },
    [PRODUCER_OPT_POLL] = { .name = "poll", .arg = "SECONDS", .run = 1,
        .help = "with --watch, rescan every SECONDS instead of using inotify (NFS, SMB); a "
                "file is taken once unchanged for one interval" },
    [PRODUCER_OPT_IGNORE] = { .name = "ignore", .arg = "GLOB", .run = 1,
        .help = "never ingest files whose name matches GLOB (repeatable); hidden names and "
                "names ending in ~ .tmp .part .swp are always ignored" },
    [PRODUCER_OPT_FOLLOW] = { .name = "follow", .arg = "FILE", .run = 1,
        .help = "follow the JSON-lines file FILE like `tail -F`: ingest lines as they are "
                "appended, through rotation by rename or copytruncate; a restart continues "
                "after the last line taken (repeatable; runs until SIGINT or SIGTERM)" },
    [PRODUCER_OPT_SUBMIT] = { .name = "submit", .arg = "ENDPOINT", .run = 1,
        .help = "bind ENDPOINT for programs that push documents (SUBMIT in "
                "proto/README.md); each is answered once it is on disk" },
    [PRODUCER_OPT_DRAIN_TIMEOUT] = { .name = "drain-timeout", .arg = "SECONDS", .run = 1,
        .help = "after SIGINT/SIGTERM, wait at most this long for the documents taken in to "
                "be committed (default 30; 0: do not wait); it ends sooner when nothing is "
                "acknowledged for 5 s while no worker or no sink is there" },
    [PRODUCER_OPT_SUMMARY] = { .name = "summary",
        .help = "print one summary line on stdout at the end" },
    [PRODUCER_OPT_SUMMARY_FILE] = { .name = "summary-file", .arg = "FILE",
        .help = "write the same summary to FILE at the end, as one JSON object (how "
                "`feedmill run` reads it; keys in producer/summary.h)" },
    [PRODUCER_OPT_CERT] = { .name = "cert", .arg = "FILE", .run = 1,
        .help = "the producer's secret certificate (`feedmill keygen`); needed for tcp:// "
                "endpoints, which use CurveZMQ (under `feedmill run`, a tcp:// --submit: "
                "its clients name the public half)" },
    [PRODUCER_OPT_ALLOW] = { .name = "allow", .arg = "DIR", .run = 1,
        .help = "public certificates of the peers allowed to connect (workers, the sink, "
                "--submit clients); re-read when it changes, so removing a file revokes "
                "that key at once" },
    [PRODUCER_OPT_SINK_CERT] = { .name = "sink-cert", .arg = "FILE",
        .help = "the sink's public certificate (tcp:// --sink); only that key may "
                "acknowledge documents" },
    [PRODUCER_OPT_INSECURE] = { .name = "insecure", .run = 1,
        .help = "plain TCP without CurveZMQ: anyone who reaches the ports can read and "
                "forge messages (logged as a warning)" },
};

void producer_options_init(producer_options_t *opt)
{
    *opt = (producer_options_t){
        .work = ENDPOINT_WORK_BIND,
        .acks = ENDPOINT_ACKS_BIND,
        .sink = ENDPOINT_RESULTS_CONNECT,
        .state = "feedmill-producer.db",
        .retry_after_ms = 60000,
        .worker_timeout_ms = 10000,
        .max_attempts = 3,
        .max_size = 32u << 20,
        .max_inflight = 1024,
        .max_inflight_bytes = 64u << 20,
        .drain_timeout_ms = PRODUCER_DRAIN_TIMEOUT_MS,
    };
    monitor_options_init(&opt->monitor);
}

/* A repeatable option's values, in the order given. */
static void append(const char ***list, int *count, const char *value)
{
    *list = xrealloc(*list, (size_t)(*count + 1) * sizeof(char *));
    (*list)[(*count)++] = value;
}

/* A number of seconds from min to max, as milliseconds. */
static int seconds(const char *command, producer_option_id_t id, const char *value,
                   double min, double max, int64_t *out_ms)
{
    char option[40];
    snprintf(option, sizeof option, "--%s", producer_option_table[id].name);
    double s;
    if (args_number(command, option, value, min, max, &s))
        return -1;
    *out_ms = (int64_t)(s * 1000);
    return 0;
}

static int count(const char *command, producer_option_id_t id, const char *value,
                 long min, long max, long *out)
{
    char option[40];
    snprintf(option, sizeof option, "--%s", producer_option_table[id].name);
    return args_count(command, option, value, min, max, out);
}

int producer_option_apply(producer_options_t *opt, const char *command,
                          producer_option_id_t id, const char *value)
{
    long n;
    switch (id) {
    case PRODUCER_OPT_WORK: opt->work = value; return 0;
    case PRODUCER_OPT_ACKS: opt->acks = value; return 0;
    case PRODUCER_OPT_SINK: opt->sink = value; return 0;
    case PRODUCER_OPT_STATE: opt->state = value; return 0;
    case PRODUCER_OPT_RETRY_AFTER:
        return seconds(command, id, value, 0.05, 86400, &opt->retry_after_ms);
    case PRODUCER_OPT_WORKER_TIMEOUT:
        return seconds(command, id, value, 0.5, 86400, &opt->worker_timeout_ms);
    case PRODUCER_OPT_MAX_ATTEMPTS:
        if (count(command, id, value, 1, 1000, &n))
            return -1;
        opt->max_attempts = (uint32_t)n;
        return 0;
    case PRODUCER_OPT_MAX_SIZE:
        if (count(command, id, value, 1, MESSAGE_MAX_BODY, &n))
            return -1;
        opt->max_size = (size_t)n;
        return 0;
    case PRODUCER_OPT_MAX_IN_FLIGHT:
        if (count(command, id, value, 1, 1L << 40, &n))
            return -1;
        opt->max_inflight_bytes = (size_t)n;
        return 0;
    case PRODUCER_OPT_SKIP: append(&opt->skip, &opt->skip_count, value); return 0;
    case PRODUCER_OPT_FILES0_FROM: opt->files0_from = value; return 0;
    case PRODUCER_OPT_WATCH: opt->watch = 1; return 0;
    case PRODUCER_OPT_POLL: return seconds(command, id, value, 0.1, 86400, &opt->poll_ms);
    case PRODUCER_OPT_IGNORE: append(&opt->ignore, &opt->ignore_count, value); return 0;
    case PRODUCER_OPT_FOLLOW: append(&opt->follow, &opt->follow_count, value); return 0;
    case PRODUCER_OPT_SUBMIT: opt->submit = value; return 0;
    case PRODUCER_OPT_DRAIN_TIMEOUT:
        return seconds(command, id, value, 0, 86400, &opt->drain_timeout_ms);
    case PRODUCER_OPT_SUMMARY: opt->summary = 1; return 0;
    case PRODUCER_OPT_SUMMARY_FILE: opt->summary_file = value; return 0;
    case PRODUCER_OPT_CERT: opt->cert = value; return 0;
    case PRODUCER_OPT_ALLOW: opt->allow = value; return 0;
    case PRODUCER_OPT_SINK_CERT: opt->sink_cert = value; return 0;
    case PRODUCER_OPT_INSECURE: opt->insecure = 1; return 0;
    case PRODUCER_OPT_COUNT: break;
    }
    return -1;
}

int producer_option_of(int getopt_value)
{
    int id = getopt_value - PRODUCER_OPT_GETOPT;
    return id >= 0 && id < PRODUCER_OPT_COUNT ? id : -1;
}

size_t producer_options_longopts(struct option *out, int run_only)
{
    size_t n = 0;
    for (int id = 0; id < PRODUCER_OPT_COUNT; id++) {
        const producer_option_t *row = &producer_option_table[id];
        if (run_only && !row->run)
            continue;
        out[n++] = (struct option){ .name = row->name,
                                    .has_arg = row->arg ? required_argument : no_argument,
                                    .val = PRODUCER_OPT_GETOPT + id };
    }
    return n;
}

void producer_options_help(FILE *out, int run_only)
{
    for (int id = 0; id < PRODUCER_OPT_COUNT; id++) {
        const producer_option_t *row = &producer_option_table[id];
        if (!run_only || row->run)
            args_help(out, row->name, row->arg, row->help);
    }
}

void producer_options_usage(FILE *out)
{
    fputs("usage: feedmill producer [OPTIONS] PATH...\n"
          "\n"
          "Reads every file below the PATHs (\"-\": JSON lines on standard input) and\n"
          "deals the documents out to workers,\n"
          "resending any the sink has not acknowledged. Exits 0 when every document\n"
          "is stored, 3 when some ended in dead_letters, 1 on error. On SIGINT or\n"
          "SIGTERM it reads nothing more, waits while the documents taken in are being\n"
          "committed (up to --drain-timeout) and exits 0; the next run resumes where it\n"
          "stopped. A second signal exits at once.\n"
          "\n", out);
    producer_options_help(out, 0);
    fputs(MONITOR_USAGE
          "  -h, --help            this help\n", out);
}

int producer_options_parse(producer_options_t *opt, int argc, char **argv)
{
    static const struct option shared[] = {
        MONITOR_LONGOPTS,
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    struct option longopts[PRODUCER_OPT_COUNT + sizeof shared / sizeof shared[0]];
    size_t rows = producer_options_longopts(longopts, 0);
    memcpy(longopts + rows, shared, sizeof shared);
    producer_options_init(opt);
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int id = producer_option_of(c);
        if (id >= 0) {
            if (producer_option_apply(opt, "producer", (producer_option_id_t)id, optarg))
                return 2;
            continue;
        }
        switch (c) {
        MONITOR_OPTION_CASES:
            if (monitor_option(&opt->monitor, "producer", c, optarg))
                return 2;
            break;
        case 'h': producer_options_usage(stdout); return 0;
        default: producer_options_usage(stderr); return 2;
        }
    }
    if (optind == argc && !opt->files0_from && !opt->follow_count && !opt->submit) {
        fprintf(stderr, "feedmill producer: no PATH given (nor --follow, --submit)\n");
        producer_options_usage(stderr);
        return 2;
    }
    return -1;
}

void producer_options_free(producer_options_t *opt)
{
    free(opt->skip);
    free(opt->ignore);
    free(opt->follow);
}
