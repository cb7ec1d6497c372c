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

int producer_option_apply(void *options, const char *command, int id, const char *value)
{
    producer_options_t *opt = options;
    const args_option_t *row = &producer_option_table[id];
    long n;
    switch ((producer_option_id_t)id) {
    case PRODUCER_OPT_WORK: opt->work = value; return 0;
    case PRODUCER_OPT_ACKS: opt->acks = value; return 0;
    case PRODUCER_OPT_SINK: opt->sink = value; return 0;
    case PRODUCER_OPT_STATE: opt->state = value; return 0;
    case PRODUCER_OPT_RETRY_AFTER:
        return args_row_ms(command, row, value, 0.05, 86400, &opt->retry_after_ms);
    case PRODUCER_OPT_WORKER_TIMEOUT:
        return args_row_ms(command, row, value, 0.5, 86400, &opt->worker_timeout_ms);
    case PRODUCER_OPT_MAX_ATTEMPTS:
        if (args_row_count(command, row, value, 1, 1000, &n))
            return -1;
        opt->max_attempts = (uint32_t)n;
        return 0;
    case PRODUCER_OPT_MAX_SIZE:
        if (args_row_count(command, row, value, 1, MESSAGE_MAX_BODY, &n))
            return -1;
        opt->max_size = (size_t)n;
        return 0;
    case PRODUCER_OPT_MAX_IN_FLIGHT:
        if (args_row_count(command, row, value, 1, 1L << 40, &n))
            return -1;
        opt->max_inflight_bytes = (size_t)n;
        return 0;
    case PRODUCER_OPT_SKIP: append(&opt->skip, &opt->skip_count, value); return 0;
    case PRODUCER_OPT_FILES0_FROM: opt->files0_from = value; return 0;
    case PRODUCER_OPT_WATCH: opt->watch = 1; return 0;
    case PRODUCER_OPT_POLL: return args_row_ms(command, row, value, 0.1, 86400, &opt->poll_ms);
    case PRODUCER_OPT_IGNORE: append(&opt->ignore, &opt->ignore_count, value); return 0;
    case PRODUCER_OPT_FOLLOW: append(&opt->follow, &opt->follow_count, value); return 0;
    case PRODUCER_OPT_SUBMIT: opt->submit = value; return 0;
    case PRODUCER_OPT_DRAIN_TIMEOUT:
        return args_row_ms(command, row, value, 0, 86400, &opt->drain_timeout_ms);
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

#define PRODUCER_TABLE(only_run) \
    { .rows = producer_option_table, .end = PRODUCER_OPT_COUNT, .base = PRODUCER_OPT_GETOPT, \
      .run_only = (only_run), .apply = producer_option_apply }

int producer_option_of(int getopt_value)
{
    const args_table_t table = PRODUCER_TABLE(0);
    return args_table_of(&table, getopt_value);
}

size_t producer_options_longopts(struct option *out, int run_only)
{
    const args_table_t table = PRODUCER_TABLE(run_only);
    return args_longopts(&table, out);
}

int producer_options_have_input(const producer_options_t *opt, int paths)
{
    return paths > 0 || opt->files0_from || opt->follow_count || opt->submit;
}

static const char *check(const void *opt, int operands)
{
    return producer_options_have_input(opt, operands) ? NULL
                                                      : "no PATH given (nor --follow, --submit)";
}

static const args_table_t TABLES[] = {
    PRODUCER_TABLE(0),
    MONITOR_ARGS(producer_options_t, monitor),
};

const args_command_t producer_command = {
    .name = "producer",
    .usage = "usage: feedmill producer [OPTIONS] PATH...\n"
             "\n"
             "Reads every file below the PATHs (\"-\": JSON lines on standard input) and\n"
             "deals the documents out to workers,\n"
             "resending any the sink has not acknowledged. Exits 0 when every document\n"
             "is stored, 3 when some ended in dead_letters, 1 on error. On SIGINT or\n"
             "SIGTERM it reads nothing more, waits while the documents taken in are being\n"
             "committed (up to --drain-timeout) and exits 0; the next run resumes where it\n"
             "stopped. A second signal exits at once.\n"
             "\n",
    .tables = TABLES, .table_count = 2, .check = check,
};

void producer_options_free(producer_options_t *opt)
{
    free(opt->skip);
    free(opt->ignore);
    free(opt->follow);
}
