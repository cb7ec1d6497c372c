/* quality: main-text extraction scored against annotated corpora.
 *
 *   quality [--pages] [--meta] [--floor FILE] DIR [[--floor FILE] DIR ...]
 *
 * Each DIR is one of the shared corpora (../shared/corpus/README.md):
 * web-eval (it holds evaldata.json; quality_webeval.c) or wcxb-dev (it
 * holds ground-truth/; quality_wcxb.c). Every page goes through
 * extract_document, exactly what a worker runs, and is scored the way
 * that corpus's README says; the figures are printed per corpus.
 *
 * Speed is the page bytes (decompressed HTML) over the CPU time this
 * thread spent inside extract_document: MB/s on one core, independent of
 * what else the machine runs. Decompressing and scoring are not timed.
 *
 * --floor FILE applies to the DIR after it and makes the run a test:
 * exit 1 when that corpus's figures fall below the floor (the keys each
 * corpus reads are in its file). --pages prints, for every page with a
 * miss, what it missed or wrongly kept; --meta prints every metadata
 * field (title, date, author) that disagrees with wcxb-dev's ground
 * truth, the truth and what was extracted. Exit 2 on a usage error or when
 * a corpus or floor cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "quality.h"

double quality_thread_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double quality_ratio(double a, double b)
{
    return b != 0 ? a / b : 0.0;
}

static int exists(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: quality [--pages] [--meta] [--floor FILE] DIR [[--floor FILE] DIR ...]\n"
                 "  scores extract_document against each corpus DIR: web-eval (evaldata.json,\n"
                 "  html/*.gz) or wcxb-dev (ground-truth/*.json, html/*.html.gz); a --floor\n"
                 "  applies to the DIR after it; --pages lists the pages that miss, --meta\n"
                 "  the metadata that disagrees (wcxb-dev)\n");
}

int main(int argc, char **argv)
{
    const char *floor = NULL;
    int show_pages = 0, show_meta = 0, dirs = 0, status = QUALITY_OK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pages"))
            show_pages = 1;
        else if (!strcmp(argv[i], "--meta"))
            show_meta = 1;
        else if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
    }
    for (int i = 1; i < argc && status != QUALITY_BROKEN; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--floor") && i + 1 < argc) {
            floor = argv[++i];
            continue;
        }
        if (!strcmp(arg, "--pages") || !strcmp(arg, "--meta"))
            continue;
        if (arg[0] == '-') {
            usage(stderr);
            return QUALITY_BROKEN;
        }
        int s;
        if (dirs++)
            printf("\n");
        if (exists(arg, "evaldata.json")) {
            s = webeval_run(arg, floor, show_pages);
        } else if (exists(arg, "ground-truth")) {
            s = wcxb_run(arg, floor, show_pages, show_meta);
        } else {
            fprintf(stderr, "quality: %s: neither evaldata.json nor ground-truth/ there "
                            "(the shared corpus is missing? set FEEDMILL_CORPUS)\n", arg);
            s = QUALITY_BROKEN;
        }
        floor = NULL;
        if (s > status)
            status = s;
    }
    if (!dirs) {
        usage(stderr);
        return QUALITY_BROKEN;
    }
    return status;
}
