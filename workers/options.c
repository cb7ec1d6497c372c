/* options: the worker's option table, and from it its getopt table and
 * --help. Kept apart from the loop in worker.c, which only reads the
 * result. See options.h. */
#include "workers/options.h"

#include "proto/endpoints.h"

const args_option_t worker_option_table[WORKER_OPT_COUNT] = {
    [WORKER_OPT_WORK] = { .name = "work", .arg = "ENDPOINT",
        .help = "the producer's work endpoint (default " ENDPOINT_WORK_CONNECT ")" },
    [WORKER_OPT_RESULTS] = { .name = "results", .arg = "ENDPOINT",
        .help = "the sink's results endpoint (default " ENDPOINT_RESULTS_CONNECT ")" },
    [WORKER_OPT_CREDIT] = { .name = "credit", .arg = "N",
        .help = "documents to hold at once, 1-64 (default 16)" },
    [WORKER_OPT_TIME_LIMIT] = { .name = "time-limit", .arg = "SECONDS",
        .help = "longest one extraction may take (default 30)" },
    [WORKER_OPT_CERT] = { .name = "cert", .arg = "FILE",
        .help = "this worker's secret certificate (`feedmill keygen`); needed for tcp:// "
                "endpoints, which use CurveZMQ" },
    [WORKER_OPT_PRODUCER_CERT] = { .name = "producer-cert", .arg = "FILE",
        .help = "the producer's public certificate (tcp:// --work)" },
    [WORKER_OPT_SINK_CERT] = { .name = "sink-cert", .arg = "FILE",
        .help = "the sink's public certificate (tcp:// --results)" },
    [WORKER_OPT_INSECURE] = { .name = "insecure",
        .help = "plain TCP without CurveZMQ: anyone who reaches the ports can read and "
                "forge messages (logged as a warning)" },
    [WORKER_OPT_NAME] = { .name = "name", .arg = "NAME",
        .help = "how the producer's figures and status lines name this worker, with its "
                "pid: NAME:PID (default: the host name)" },
    [WORKER_OPT_PASS_THROUGH] = { .name = "pass-through",
        .help = "no extraction: the document's UTF-8 text is the record's body (for "
                "benchmarks: the pipeline without its extractor)" },
};

void worker_options_init(worker_options_t *opt)
{
    *opt = (worker_options_t){
        .work = ENDPOINT_WORK_CONNECT,
        .results = ENDPOINT_RESULTS_CONNECT,
        .credit = 16,
        .time_limit_ms = 30000,
    };
    monitor_options_init(&opt->monitor);
}

int worker_option_apply(void *options, const char *command, int id, const char *value)
{
    worker_options_t *opt = options;
    const args_option_t *row = &worker_option_table[id];
    long n;
    switch ((worker_option_id_t)id) {
    case WORKER_OPT_WORK: opt->work = value; return 0;
    case WORKER_OPT_RESULTS: opt->results = value; return 0;
    case WORKER_OPT_CREDIT:
        if (args_row_count(command, row, value, 1, 64, &n))
            return -1;
        opt->credit = (uint32_t)n;
        return 0;
    case WORKER_OPT_TIME_LIMIT:
        return args_row_ms(command, row, value, 0.001, 3600, &opt->time_limit_ms);
    case WORKER_OPT_CERT: opt->cert = value; return 0;
    case WORKER_OPT_PRODUCER_CERT: opt->producer_cert = value; return 0;
    case WORKER_OPT_SINK_CERT: opt->sink_cert = value; return 0;
    case WORKER_OPT_INSECURE: opt->insecure = 1; return 0;
    case WORKER_OPT_NAME: opt->name = value; return 0;
    case WORKER_OPT_PASS_THROUGH: opt->pass_through = 1; return 0;
    case WORKER_OPT_COUNT: break;
    }
    return -1;
}

static const args_table_t TABLES[] = {
    { .rows = worker_option_table, .end = WORKER_OPT_COUNT, .base = ARGS_GETOPT,
      .apply = worker_option_apply },
    MONITOR_ARGS_LOG_FORMAT(worker_options_t, monitor),
};

const args_command_t worker_command = {
    .name = "worker",
    .usage = "usage: feedmill worker [OPTIONS]\n"
             "\n"
             "Takes documents from a producer, extracts records, sends them to a sink.\n"
             "Run any number of workers, on this machine or others.\n"
             "\n",
    .tables = TABLES, .table_count = 2,
};
