/* run_options: `feedmill run`'s command line. See run_options.h. */
#include "cli/run_options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/args.h"
#include "common/buf.h"

/* run's own options; getopt values below the producer's and the monitor's. */
enum { RUN_OPT_DB = 1, RUN_OPT_WORKERS, RUN_OPT_TIME_LIMIT, RUN_OPT_PASS_THROUGH };

static const struct option RUN_LONGOPTS[] = {
    { "db", required_argument, 0, RUN_OPT_DB },
    { "workers", required_argument, 0, RUN_OPT_WORKERS },
    { "time-limit", required_argument, 0, RUN_OPT_TIME_LIMIT },
    { "pass-through", no_argument, 0, RUN_OPT_PASS_THROUGH },
    MONITOR_LONGOPTS,
    { "help", no_argument, 0, 'h' },
    { 0, 0, 0, 0 },
};

void run_options_usage(FILE *out)
{
    fprintf(out,
        "usage: feedmill run [OPTIONS] PATH...\n"
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
        "committed, up to --drain-timeout (a producer still draining %d s later is\n"
        "killed); then the workers and the sink stop, and the next run ingests the\n"
        "rest. A second signal stops it at once.\n"
        "\n", RUN_DRAIN_GRACE_MS / 1000);
    args_help(out, "db", "FILE", "database (default feedmill.db)");
    args_help(out, "workers", "N", "worker processes (default: number of cores)");
    args_help(out, "time-limit", "SECONDS", "longest one extraction may take (default 30)");
    args_help(out, "pass-through", NULL,
              "workers do not extract: a document's UTF-8 text is its body (for benchmarks: "
              "the pipeline without extraction)");
    producer_options_help(out, 1);
    fputs(MONITOR_USAGE
          "                        --metrics serves the figures of the whole pipeline: the\n"
          "                        sink's, the producer's and run's. In a terminal a live\n"
          "                        progress line shows done of total, rate and ETA;\n"
          "                        otherwise a `progress` line comes every --status-interval\n"
          "  -h, --help            this help\n", out);
}

/* A producer option: checked into opt->producer, and kept as given. */
static int take_producer_option(run_options_t *opt, producer_option_id_t id, const char *value)
{
    if (producer_option_apply(&opt->producer, "run", id, value))
        return -1;
    opt->forward = xrealloc(opt->forward, (size_t)(opt->forward_count + 1) * sizeof *opt->forward);
    run_forward_t *f = &opt->forward[opt->forward_count++];
    snprintf(f->option, sizeof f->option, "--%s", producer_option_table[id].name);
    f->value = value;
    return 0;
}

int run_options_parse(run_options_t *opt, int argc, char **argv)
{
    struct option longopts[PRODUCER_OPT_COUNT + sizeof RUN_LONGOPTS / sizeof RUN_LONGOPTS[0]];
    size_t rows = producer_options_longopts(longopts, 1);
    memcpy(longopts + rows, RUN_LONGOPTS, sizeof RUN_LONGOPTS);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *opt = (run_options_t){ .db = "feedmill.db", .workers = cores > 0 ? cores : 1 };
    monitor_options_init(&opt->monitor);
    producer_options_init(&opt->producer);
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int id = producer_option_of(c);
        if (id >= 0) {
            if (take_producer_option(opt, (producer_option_id_t)id, optarg))
                return 2;
            continue;
        }
        switch (c) {
        case RUN_OPT_DB: opt->db = optarg; break;
        case RUN_OPT_WORKERS:
            if (args_count("run", "--workers", optarg, 1, RUN_MAX_WORKERS, &opt->workers))
                return 2;
            break;
        case RUN_OPT_TIME_LIMIT: opt->time_limit = optarg; break;
        case RUN_OPT_PASS_THROUGH: opt->pass_through = 1; break;
        MONITOR_OPTION_CASES:
            if (monitor_option(&opt->monitor, "run", c, optarg))
                return 2;
            break;
        case 'h': run_options_usage(stdout); return 0;
        default: run_options_usage(stderr); return 2;
        }
    }
    const producer_options_t *p = &opt->producer;
    if (optind == argc && !p->files0_from && !p->follow_count && !p->submit) {
        fprintf(stderr, "feedmill run: no PATH given (nor --follow, --submit)\n");
        run_options_usage(stderr);
        return 2;
    }
    return -1;
}

void run_options_free(run_options_t *opt)
{
    producer_options_free(&opt->producer);
    free(opt->forward);
}
