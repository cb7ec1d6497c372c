/* run_options: `feedmill run`'s command line. See run_options.h. */
#include "cli/run_options.h"

#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/args.h"
#include "common/buf.h"

void run_options_usage(FILE *out)
{
    fprintf(out,
        "usage: feedmill run [OPTIONS] PATH...\n"
        "\n"
        "Ingests every file below the PATHs (recursively) with a producer, N workers\n"
        "and a sink, each its own process, restarted if it dies. Exits 0 when every\n"
        "document is committed, 3 when some could only be dead-lettered (see the\n"
        "dead_letters table), 2 on a usage error (unknown option, no PATH), 1 on\n"
        "any other failure (a missing PATH, an unwritable database, a producer\n"
        "state still unwritable at the end, ...). Symbolic\n"
        "links are followed; loops, broken links and special files are skipped and\n"
        "logged. The database and the producer's state (DB.producer) are never\n"
        "ingested, even inside a PATH. SIGINT or SIGTERM stops it cleanly (exit 0):\n"
        "the producer reads nothing more and waits while what it took in is being\n"
        "committed, up to --drain-timeout; then the workers and the sink stop, and\n"
        "the next run ingests the rest. A second signal stops it at once.\n"
        "\n"
        "  --db FILE             database (default feedmill.db)\n"
        "  --workers N           worker processes (default: number of cores)\n"
        "  --retry-after SECONDS resend a document not acknowledged by then (default 60)\n"
        "  --worker-timeout SECONDS  a worker silent this long is presumed dead and its\n"
        "                        documents go to another (default 10)\n"
        "  --max-attempts K      sends before a document is dead-lettered (default 3)\n"
        "  --max-size BYTES      larger files are dead-lettered unread (default 33554432)\n"
        "  --time-limit SECONDS  longest one extraction may take (default 30)\n"
        "  --max-in-flight BYTES bytes read but not yet acknowledged before reading\n"
        "                        waits (default 67108864)\n"
        "  --drain-timeout SECONDS  on SIGINT/SIGTERM, wait at most this long for what\n"
        "                        was taken in to be committed (default 30; 0: do not\n"
        "                        wait); a producer still draining %d s later is killed\n"
        "  --files0-from FILE    also ingest the paths listed in FILE, each ended by a\n"
        "                        NUL byte (`find ... -print0`)\n"
        "  --watch               keep running after the PATHs: ingest files that appear\n"
        "                        or change below the PATH folders once complete (closed\n"
        "                        after writing, or moved in); stop with SIGINT/SIGTERM\n"
        "  --poll SECONDS        with --watch, rescan every SECONDS instead of inotify\n"
        "                        (NFS, SMB)\n"
        "  --ignore GLOB         never ingest files whose name matches GLOB (repeatable;\n"
        "                        hidden names and ~ .tmp .part .swp are always ignored)\n"
        "  --follow FILE         follow the JSON-lines file FILE like `tail -F`, through\n"
        "                        rotation; a restart continues after the last line taken\n"
        "                        (repeatable; runs until SIGINT/SIGTERM)\n"
        "  --submit ENDPOINT     take documents pushed by programs on ENDPOINT (SUBMIT in\n"
        "                        proto/README.md), answered once on disk\n"
        "  --cert FILE           with a tcp:// --submit: the producer's secret certificate\n"
        "                        (`feedmill keygen`); clients name its public half\n"
        "  --allow DIR           with a tcp:// --submit: the public certificates of the\n"
        "                        clients allowed to submit (re-read when it changes)\n"
        "  --insecure            a tcp:// --submit without CurveZMQ (logged as a warning)\n"
        "  --pass-through        workers do not extract: a document's UTF-8 text is its\n"
        "                        body (for benchmarks: the pipeline without extraction)\n"
        MONITOR_USAGE
        "                        --metrics serves the figures of the whole pipeline: the\n"
        "                        sink's, the producer's and run's. In a terminal a live\n"
        "                        progress line shows done of total, rate and ETA;\n"
        "                        otherwise a `progress` line comes every --status-interval\n"
        "  -h, --help            this help\n", RUN_DRAIN_GRACE_MS / 1000);
}

int run_options_parse(run_options_t *opt, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, 0, 'd' },
        { "workers", required_argument, 0, 'n' },
        { "retry-after", required_argument, 0, 'r' },
        { "worker-timeout", required_argument, 0, 'w' },
        { "max-attempts", required_argument, 0, 'k' },
        { "max-size", required_argument, 0, 'm' },
        { "time-limit", required_argument, 0, 't' },
        { "max-in-flight", required_argument, 0, 'i' },
        { "drain-timeout", required_argument, 0, 'D' },
        { "files0-from", required_argument, 0, '0' },
        { "watch", no_argument, 0, 'W' },
        { "poll", required_argument, 0, 'P' },
        { "ignore", required_argument, 0, 'I' },
        { "follow", required_argument, 0, 'F' },
        { "submit", required_argument, 0, 'U' },
        { "pass-through", no_argument, 0, 'T' },
        { "cert", required_argument, 0, 'C' },
        { "allow", required_argument, 0, 'A' },
        { "insecure", no_argument, 0, 'X' },
        MONITOR_LONGOPTS,
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *opt = (run_options_t){ .db = "feedmill.db", .workers = cores > 0 ? cores : 1,
                            .drain_ms = RUN_DEFAULT_DRAIN_MS };
    double seconds;
    monitor_options_init(&opt->monitor);
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opt->db = optarg; break;
        case 'n':
            if (args_count("run", "--workers", optarg, 1, RUN_MAX_WORKERS, &opt->workers))
                return 2;
            break;
        case 'r': opt->retry_after = optarg; break;
        case 'w': opt->worker_timeout = optarg; break;
        case 'k': opt->max_attempts = optarg; break;
        case 'm': opt->max_size = optarg; break;
        case 't': opt->time_limit = optarg; break;
        case 'i': opt->max_in_flight = optarg; break;
        case 'D':
            if (args_number("run", "--drain-timeout", optarg, 0, 86400, &seconds))
                return 2;
            opt->drain_timeout = optarg;
            opt->drain_ms = (int64_t)(seconds * 1000);
            break;
        case '0': opt->files0_from = optarg; break;
        case 'W': opt->watch = 1; break;
        case 'P': opt->poll = optarg; break;
        case 'I':
            opt->ignore = xrealloc(opt->ignore, (opt->ignore_count + 1) * sizeof(char *));
            opt->ignore[opt->ignore_count++] = optarg;
            break;
        case 'F':
            opt->follow = xrealloc(opt->follow, (opt->follow_count + 1) * sizeof(char *));
            opt->follow[opt->follow_count++] = optarg;
            break;
        case 'U': opt->submit = optarg; break;
        case 'T': opt->pass_through = 1; break;
        case 'C': opt->cert = optarg; break;
        case 'A': opt->allow = optarg; break;
        case 'X': opt->insecure = 1; break;
        MONITOR_OPTION_CASES:
            if (monitor_option(&opt->monitor, "run", c, optarg))
                return 2;
            break;
        case 'h': run_options_usage(stdout); return 0;
        default: run_options_usage(stderr); return 2;
        }
    }
    if (optind == argc && !opt->files0_from && !opt->follow_count && !opt->submit) {
        fprintf(stderr, "feedmill run: no PATH given (nor --follow, --submit)\n");
        run_options_usage(stderr);
        return 2;
    }
    return -1;
}

void run_options_free(run_options_t *opt)
{
    free(opt->ignore);
    free(opt->follow);
}

