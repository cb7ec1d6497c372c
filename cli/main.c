/* feedmill: one binary, one subcommand per component.
 *
 * `feedmill run` starts `feedmill producer|worker|sink` as child
 * processes of this same binary, so `ps` shows which process is which
 * and each component also runs alone on another machine. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/version.h"

static const struct {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "run",      run_main,      "ingest files and folders with a local pipeline" },
    { "producer", producer_main, "read documents and hand them to workers" },
    { "worker",   worker_main,   "extract records from documents" },
    { "sink",     sink_main,     "write records to SQLite" },
    { "extract",  extract_main,  "print the record extracted from one document" },
    { "search",   search_main,   "full-text search over ingested documents" },
    { "stats",    stats_main,    "counts and a summary of a database" },
    { "export",   export_main,   "every stored document as JSON lines or CSV" },
    { "top",      top_main,      "a live view of running components' metrics" },
    { "retry",    retry_main,    "send dead letters through the pipeline again" },
    { "keygen",   keygen_main,   "make a CurveZMQ certificate pair for --cert" },
    /* Internal: a worker's replacement extraction child (workers/worker.h). */
    { "extraction-child", worker_child_main, NULL },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: feedmill COMMAND [OPTIONS] ...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].summary)
            fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n`feedmill COMMAND --help` describes each command; "
                 "`feedmill --version` says which feedmill this is.\n");
}

/* Documents are 10 KB to a few MB, and every process holds a few buffers
 * of one at a time (the producer reads it, a worker receives, re-encodes
 * and pipes it, the extraction child parses it). glibc serves blocks of
 * 128 KB and up with mmap and gives heap tops of 256 KB and up back to
 * the system, raising both limits only as it sees larger blocks freed:
 * each page of a web document then cost fresh zeroed pages and, in the
 * threaded processes, a TLB shootdown on every core when unmapped (about
 * 30 page faults a page of web-eval, half of a run's). Blocks up to 4 MiB
 * come from the heap, and up to 16 MiB of free heap is kept: a bound,
 * which a feed's length does not move. */
static void malloc_for_documents(void)
{
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
}

int main(int argc, char **argv)
{
    malloc_for_documents();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("feedmill %s (extractor %d, database schema %d)\n", FEEDMILL_VERSION,
               FEEDMILL_EXTRACT_VERSION, FEEDMILL_SCHEMA_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].main(argc - 1, argv + 1);
    fprintf(stderr, "feedmill: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
