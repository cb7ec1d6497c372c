/* run_options: `feedmill run`'s command line. See run_options.h. */
#include "cli/run_options.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/args.h"
#include "common/buf.h"

/* run's own options, in --help's order, before the producer's it offers. */
enum { RUN_OPT_DB, RUN_OPT_WORKERS, RUN_OPT_TIME_LIMIT, RUN_OPT_PASS_THROUGH, RUN_OPT_COUNT };

static const args_option_t RUN_TABLE[RUN_OPT_COUNT] = {
    [RUN_OPT_DB] = { .name = "db", .arg = "FILE", .help = "database (default feedmill.db)" },
    [RUN_OPT_WORKERS] = { .name = "workers", .arg = "N",
        .help = "worker processes (default: number of cores)" },
    [RUN_OPT_TIME_LIMIT] = { .name = "time-limit", .arg = "SECONDS",
        .help = "longest one extraction may take (default 30)" },
    [RUN_OPT_PASS_THROUGH] = { .name = "pass-through",
        .help = "workers do not extract: a document's UTF-8 text is its body (for benchmarks: "
                "the pipeline without extraction)" },
};

static int take_run_option(void *ctx, const char *command, int id, const char *value)
{
    run_options_t *opt = ctx;
    switch (id) {
    case RUN_OPT_DB: opt->db = value; return 0;
    case RUN_OPT_WORKERS:
        return args_row_count(command, &RUN_TABLE[id], value, 1, RUN_MAX_WORKERS, &opt->workers);
    case RUN_OPT_TIME_LIMIT: opt->time_limit = value; return 0;
    case RUN_OPT_PASS_THROUGH: opt->pass_through = 1; return 0;
    }
    return -1;
}

/* A producer option: checked into opt->producer, and kept as given. */
static int take_producer_option(void *ctx, const char *command, int id, const char *value)
{
    run_options_t *opt = ctx;
    if (producer_option_apply(&opt->producer, command, (producer_option_id_t)id, value))
        return -1;
    opt->forward = xrealloc(opt->forward, (size_t)(opt->forward_count + 1) * sizeof *opt->forward);
    run_forward_t *f = &opt->forward[opt->forward_count++];
    snprintf(f->option, sizeof f->option, "--%s", producer_option_table[id].name);
    f->value = value;
    return 0;
}

static const args_table_t TABLES[] = {
    { .rows = RUN_TABLE, .end = RUN_OPT_COUNT, .base = ARGS_GETOPT, .apply = take_run_option },
    { .rows = producer_option_table, .end = PRODUCER_OPT_COUNT, .base = PRODUCER_OPT_GETOPT,
      .run_only = 1, .apply = take_producer_option },
    MONITOR_ARGS(run_options_t, monitor),
};

static const char *check(const void *options, int operands)
{
    const run_options_t *opt = options;
    return producer_options_have_input(&opt->producer, operands)
               ? NULL : "no PATH given (nor --follow, --submit)";
}

#define TEXT(x) #x
#define NUMBER_TEXT(x) TEXT(x)

static const args_command_t COMMAND = {
    .name = "run",
    .usage = "usage: feedmill run [OPTIONS] PATH...\n"
             "\n"
             "Ingests every file below the PATHs (recursively) with a producer, N workers\n"
             "and a sink, each its own process, restarted if it dies. Exits 0 when every\n"
             "document is committed, 3 when some could only be dead-lettered (see the\n"
             "dead_letters table), 2 on a usage error (unknown option, bad value, no PATH),\n"
             "1 on any other failure (a missing PATH, an unwritable database, a producer\n"
             "state still unwritable at the end, ...). Symbolic\n"
             "links are followed; loops, broken links and special files are skipped and\n"
             "logged. The database and the producer's state (DB.producer) are never\n"
             "ingested, even inside a PATH. SIGINT or SIGTERM stops it cleanly (exit 0):\n"
             "the producer reads nothing more and waits while what it took in is being\n"
             "committed, up to --drain-timeout (a producer still draining "
             NUMBER_TEXT(RUN_DRAIN_GRACE_S) " s later is\n"
             "killed); then the workers and the sink stop, and the next run ingests the\n"
             "rest. A second signal stops it at once.\n"
             "\n",
    .tables = TABLES, .table_count = 3, .check = check,
    /* Said once, after the monitor's rows. */
    .more = "                        --metrics serves the figures of the whole pipeline: the\n"
            "                        sink's, the producer's and run's. In a terminal a live\n"
            "                        progress line shows done of total, rate and ETA;\n"
            "                        otherwise a `progress` line comes every --status-interval\n",
};

int run_options_parse(run_options_t *opt, int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *opt = (run_options_t){ .db = "feedmill.db", .workers = cores > 0 ? cores : 1 };
    monitor_options_init(&opt->monitor);
    producer_options_init(&opt->producer);
    return args_parse(&COMMAND, opt, argc, argv);
}

void run_options_free(run_options_t *opt)
{
    producer_options_free(&opt->producer);
    free(opt->forward);
}
