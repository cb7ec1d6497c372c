/* options: the sink's option table, and from it its getopt table and
 * --help. Kept apart from the loop in sink.c, which only reads the
 * result. See options.h. */
#include "sink/options.h"

#include "proto/endpoints.h"

const args_option_t sink_option_table[SINK_OPT_COUNT] = {
    [SINK_OPT_DB] = { .name = "db", .arg = "FILE",
        .help = "database to create or update (default feedmill.db)" },
    [SINK_OPT_RESULTS] = { .name = "results", .arg = "ENDPOINT",
        .help = "bind for workers' results (default " ENDPOINT_RESULTS_BIND ")" },
    [SINK_OPT_ACKS] = { .name = "acks", .arg = "ENDPOINT",
        .help = "the producer's acks endpoint (default " ENDPOINT_ACKS_CONNECT ")" },
    [SINK_OPT_BATCH] = { .name = "batch", .arg = "N",
        .help = "commit after N rows (default 500)" },
    [SINK_OPT_BATCH_MS] = { .name = "batch-ms", .arg = "MS",
        .help = "hold a transaction open up to MS after its first row to gather more "
                "(default 0: commit as soon as no more results are waiting, or while they "
                "stream in, within 20 ms, once commits would take more than a twentieth of "
                "the time; under load batches grow by themselves)" },
    [SINK_OPT_CERT] = { .name = "cert", .arg = "FILE",
        .help = "the sink's secret certificate (`feedmill keygen`); needed for tcp:// "
                "endpoints, which use CurveZMQ" },
    [SINK_OPT_ALLOW] = { .name = "allow", .arg = "DIR",
        .help = "public certificates of the peers allowed to send results (workers, the "
                "producer); re-read when it changes, so removing a file revokes that key "
                "without a restart" },
    [SINK_OPT_PRODUCER_CERT] = { .name = "producer-cert", .arg = "FILE",
        .help = "the producer's public certificate (tcp:// --acks)" },
    [SINK_OPT_INSECURE] = { .name = "insecure",
        .help = "plain TCP without CurveZMQ: anyone who reaches the ports can read and "
                "forge messages (logged as a warning)" },
};

void sink_options_init(sink_options_t *opt)
{
    *opt = (sink_options_t){
        .db = "feedmill.db",
        .results = ENDPOINT_RESULTS_BIND,
        .acks = ENDPOINT_ACKS_CONNECT,
        .batch_max = 500,
        .batch_ms = 0,
    };
    monitor_options_init(&opt->monitor);
}

int sink_option_apply(void *options, const char *command, int id, const char *value)
{
    sink_options_t *opt = options;
    const args_option_t *row = &sink_option_table[id];
    long n;
    switch ((sink_option_id_t)id) {
    case SINK_OPT_DB: opt->db = value; return 0;
    case SINK_OPT_RESULTS: opt->results = value; return 0;
    case SINK_OPT_ACKS: opt->acks = value; return 0;
    case SINK_OPT_BATCH:
        if (args_row_count(command, row, value, 1, 100000, &n))
            return -1;
        opt->batch_max = (size_t)n;
        return 0;
    case SINK_OPT_BATCH_MS:
        if (args_row_count(command, row, value, 0, 60000, &n))
            return -1;
        opt->batch_ms = n;
        return 0;
    case SINK_OPT_CERT: opt->cert = value; return 0;
    case SINK_OPT_ALLOW: opt->allow = value; return 0;
    case SINK_OPT_PRODUCER_CERT: opt->producer_cert = value; return 0;
    case SINK_OPT_INSECURE: opt->insecure = 1; return 0;
    case SINK_OPT_COUNT: break;
    }
    return -1;
}

static const args_table_t TABLES[] = {
    { .rows = sink_option_table, .end = SINK_OPT_COUNT, .base = ARGS_GETOPT,
      .apply = sink_option_apply },
    MONITOR_ARGS(sink_options_t, monitor),
};

const args_command_t sink_command = {
    .name = "sink",
    .usage = "usage: feedmill sink [OPTIONS]\n"
             "\n"
             "Receives records from workers and writes them to a SQLite database,\n"
             "acknowledging each to the producer once committed.\n"
             "\n",
    .tables = TABLES, .table_count = 2,
};
