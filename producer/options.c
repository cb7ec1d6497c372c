/* options: the producer's command line, parsed into producer_options_t,
 * and its --help. Kept apart from the loop in producer.c, which only
 * reads the result. */
#include "producer/options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/args.h"
#include "common/buf.h"
#include "proto/endpoints.h"
#include "proto/message.h"

void producer_options_usage(FILE *out)
{
    fprintf(out,
        "usage: feedmill producer [OPTIONS] PATH...\n"
        "\n"
        "Reads every file below the PATHs (\"-\": JSON lines on standard input) and\n"
        "deals the documents out to workers,\n"
        "resending any the sink has not acknowledged. Exits 0 when every document\n"
        "is stored, 3 when some ended in dead_letters, 1 on error. On SIGINT or\n"
        "SIGTERM it reads nothing more, waits while the documents taken in are being\n"
        "committed (up to --drain-timeout) and exits 0; the next run resumes where it\n"
        "stopped. A second signal exits at once.\n"
        "\n"
        "  --work ENDPOINT        bind for workers (default %s)\n"
        "  --acks ENDPOINT        bind for the sink's acks (default %s)\n"
        "  --sink ENDPOINT        sink's results endpoint (default %s)\n"
        "  --state FILE           remembers acknowledged files across restarts\n"
        "                         (default feedmill-producer.db); while it cannot be\n"
        "                         written (a full disk) no new input is read, and if it\n"
        "                         still cannot be at the end the producer exits 4\n"
        "  --retry-after SECONDS  resend a document not acknowledged by then (default 60)\n"
        "  --worker-timeout SECONDS  a worker silent this long is presumed dead and\n"
        "                         its documents are resent (default 10)\n"
        "  --max-attempts K       sends before a document is dead-lettered (default 3)\n"
        "  --max-size BYTES       larger files are dead-lettered unread (default 33554432)\n"
        "  --max-in-flight BYTES  documents read but not yet acknowledged are kept to be\n"
        "                         resent; past this many bytes reading waits (default 67108864)\n"
        "  --skip FILE            never ingest the SQLite file FILE nor its -wal, -shm\n"
        "                         and -journal (repeatable; the producer's own --state\n"
        "                         is always skipped; `feedmill run` skips its --db)\n"
        "  --files0-from FILE     also read the paths listed in FILE, each ended by a NUL\n"
        "                         byte (as `find -print0` writes them); missing ones are\n"
        "                         logged and skipped\n"
        "  --watch                after the PATHs, keep running: ingest files that appear\n"
        "                         or change below the PATH folders (new subfolders too)\n"
        "                         once complete, i.e. closed after writing or moved in;\n"
        "                         stop with SIGINT or SIGTERM\n"
        "  --poll SECONDS         with --watch, rescan every SECONDS instead of using\n"
        "                         inotify (NFS, SMB); a file is taken once unchanged for\n"
        "                         one interval\n"
        "  --ignore GLOB          never ingest files whose name matches GLOB (repeatable);\n"
        "                         hidden names and names ending in ~ .tmp .part .swp are\n"
        "                         always ignored\n"
        "  --follow FILE          follow the JSON-lines file FILE like `tail -F`: ingest\n"
        "                         lines as they are appended, through rotation by rename\n"
        "                         or copytruncate; a restart continues after the last\n"
        "                         line taken (repeatable)\n"
        "  --submit ENDPOINT      bind ENDPOINT for programs that push documents (SUBMIT,\n"
        "                         proto/README.md); each is answered once it is on disk\n"
        "  --drain-timeout SECONDS  after SIGINT/SIGTERM, wait at most this long for the\n"
        "                         documents taken in to be committed (default 30; 0: do\n"
        "                         not wait); it ends sooner when nothing is acknowledged\n"
        "                         for 5 s while no worker or no sink is there\n"
        "  --summary              print one summary line on stdout at the end\n"
        "  --cert FILE            the producer's secret certificate (`feedmill keygen`);\n"
        "                         needed for tcp:// endpoints, which use CurveZMQ\n"
        "  --allow DIR            public certificates of the peers allowed to connect\n"
        "                         (workers, the sink, --submit clients); re-read when it\n"
        "                         changes, so removing a file revokes that key at once\n"
        "  --sink-cert FILE       the sink's public certificate (tcp:// --sink); only that\n"
        "                         key may acknowledge documents\n"
        "  --insecure             plain TCP without CurveZMQ: anyone who reaches the\n"
        "                         ports can read and forge messages (logged as a warning)\n"
        MONITOR_USAGE
        "  -h, --help             this help\n",
        ENDPOINT_WORK_BIND, ENDPOINT_ACKS_BIND, ENDPOINT_RESULTS_CONNECT);
}

int producer_options_parse(producer_options_t *opt, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "work", required_argument, 0, 'w' },
        { "acks", required_argument, 0, 'a' },
        { "sink", required_argument, 0, 's' },
        { "state", required_argument, 0, 'f' },
        { "retry-after", required_argument, 0, 'r' },
        { "worker-timeout", required_argument, 0, 't' },
        { "max-attempts", required_argument, 0, 'k' },
        { "max-size", required_argument, 0, 'm' },
        { "max-in-flight", required_argument, 0, 'i' },
        { "summary", no_argument, 0, 'S' },
        { "skip", required_argument, 0, 'x' },
        { "files0-from", required_argument, 0, '0' },
        { "watch", no_argument, 0, 'W' },
        { "poll", required_argument, 0, 'P' },
        { "ignore", required_argument, 0, 'I' },
        { "follow", required_argument, 0, 'F' },
        { "submit", required_argument, 0, 'U' },
        { "cert", required_argument, 0, 'C' },
        { "allow", required_argument, 0, 'A' },
        { "sink-cert", required_argument, 0, 'K' },
        { "insecure", no_argument, 0, 'X' },
        { "drain-timeout", required_argument, 0, 'D' },
        MONITOR_LONGOPTS,
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
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
    double seconds;
    long n;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'w': opt->work = optarg; break;
        case 'a': opt->acks = optarg; break;
        case 's': opt->sink = optarg; break;
        case 'f': opt->state = optarg; break;
        case 'r':
            if (args_number("producer", "--retry-after", optarg, 0.05, 86400, &seconds))
                return 2;
            opt->retry_after_ms = (int64_t)(seconds * 1000);
            break;
        case 't':
            if (args_number("producer", "--worker-timeout", optarg, 0.5, 86400, &seconds))
                return 2;
            opt->worker_timeout_ms = (int64_t)(seconds * 1000);
            break;
        case 'k':
            if (args_count("producer", "--max-attempts", optarg, 1, 1000, &n))
                return 2;
            opt->max_attempts = (uint32_t)n;
            break;
        case 'm':
            if (args_count("producer", "--max-size", optarg, 1, MESSAGE_MAX_BODY, &n))
                return 2;
            opt->max_size = (size_t)n;
            break;
        case 'i':
            if (args_count("producer", "--max-in-flight", optarg, 1, 1L << 40, &n))
                return 2;
            opt->max_inflight_bytes = (size_t)n;
            break;
        case 'S': opt->summary = 1; break;
        case 'x':
            opt->skip = xrealloc(opt->skip, (opt->skip_count + 1) * sizeof(char *));
            opt->skip[opt->skip_count++] = optarg;
            break;
        case '0': opt->files0_from = optarg; break;
        case 'W': opt->watch = 1; break;
        case 'P':
            if (args_number("producer", "--poll", optarg, 0.1, 86400, &seconds))
                return 2;
            opt->poll_ms = (int64_t)(seconds * 1000);
            break;
        case 'I':
            opt->ignore = xrealloc(opt->ignore, (opt->ignore_count + 1) * sizeof(char *));
            opt->ignore[opt->ignore_count++] = optarg;
            break;
        case 'F':
            opt->follow = xrealloc(opt->follow, (opt->follow_count + 1) * sizeof(char *));
            opt->follow[opt->follow_count++] = optarg;
            break;
        case 'U': opt->submit = optarg; break;
        case 'C': opt->cert = optarg; break;
        case 'A': opt->allow = optarg; break;
        case 'K': opt->sink_cert = optarg; break;
        case 'X': opt->insecure = 1; break;
        case 'D':
            if (args_number("producer", "--drain-timeout", optarg, 0, 86400, &seconds))
                return 2;
            opt->drain_timeout_ms = (int64_t)(seconds * 1000);
            break;
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

