/* run_summary: the lines `feedmill run` prints at the end, from the
 * producer's summary (producer/summary.h) and the database. */
#include "cli/run_summary.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/buf.h"
#include "sink/store.h"

/* "3 files", "1 line", ...: a count in the word of its input. */
static void put_count(buf_t *out, unsigned long long n, const char *one, const char *many)
{
    buf_printf(out, "%s%llu %s", out->len ? ", " : "", n, n == 1 ? one : many);
}

/* The summary adds up: every input (file, line, submission) is exactly
 * one of stored, updated, new source, unchanged, dead-lettered and
 * skipped, and each matches the database (docs/feeds.md, "Sources and counts"). */
void run_summary_print(const producer_summary_t *p, const char *db, double seconds)
{
    buf_t inputs = BUF_INIT;
    if (p->files)
        put_count(&inputs, p->files, "file", "files");
    if (p->lines)
        put_count(&inputs, p->lines, "line", "lines");
    if (p->submissions)
        put_count(&inputs, p->submissions, "submission", "submissions");
    if (!inputs.len)
        buf_puts(&inputs, "0 documents");
    char updated_text[64] = "";
    if (p->updated)
        snprintf(updated_text, sizeof updated_text, "%llu updated (newer extractor), ",
                 (unsigned long long)p->updated);
    printf("feedmill run: %s in %.1f s: %llu stored, %s%llu new source%s, %llu unchanged, "
           "%llu dead-lettered, %llu skipped (unchanged since an earlier run), "
           "%llu paths skipped\n",
           buf_str(&inputs), seconds, (unsigned long long)p->stored, updated_text,
           (unsigned long long)p->new_sources, p->new_sources == 1 ? "" : "s",
           (unsigned long long)p->unchanged, (unsigned long long)p->dead,
           (unsigned long long)p->skipped, (unsigned long long)p->skipped_paths);
    buf_free(&inputs);
    if (p->skipped_paths)
        printf("feedmill run: %llu paths were skipped (symbolic link loops, broken links, "
               "unreadable folders, special files); the log names each with its reason\n",
               (unsigned long long)p->skipped_paths);
    /* Counts only: store_stats would read every body of the database
     * (its size in bytes, its dates) at the end of every run. */
    char *error = NULL;
    store_t *store = store_open(db, STORE_READONLY, &error);
    int64_t documents, sources, entities, dead;
    if (store && store_count(store, STORE_DOCUMENTS, &documents, &error) == 0
        && store_count(store, STORE_SOURCES, &sources, &error) == 0
        && store_count(store, STORE_ENTITIES, &entities, &error) == 0
        && store_count(store, STORE_DEAD_LETTERS, &dead, &error) == 0)
        printf("feedmill run: %s holds %lld documents from %lld sources, %lld entities, "
               "%lld dead letters\n", db, (long long)documents, (long long)sources,
               (long long)entities, (long long)dead);
    else
        printf("feedmill run: cannot read %s: %s\n", db, error);
    store_close(&store);
    free(error);
}

