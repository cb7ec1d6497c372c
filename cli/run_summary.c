/* run_summary: the lines `feedmill run` prints at the end, from the
 * producer's summary (its figures as key=value) and the database. */
#include "cli/run_summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "sink/store.h"

/* One figure of the producer's summary line ("summary key=N ..."), by
 * its key; 0 when absent. */
static unsigned long long summary_value(const char *line, const char *key)
{
    size_t len = strlen(key);
    for (const char *at = line; (at = strstr(at, key)) != NULL; at += len)
        if ((at == line || at[-1] == ' ') && at[len] == '=')
            return strtoull(at + len + 1, NULL, 10);
    return 0;
}

/* "3 files", "1 line", ...: a count in the word of its input. */
static void put_count(buf_t *out, unsigned long long n, const char *one, const char *many)
{
    buf_printf(out, "%s%llu %s", out->len ? ", " : "", n, n == 1 ? one : many);
}

/* The summary adds up: every input (file, line, submission) is exactly
 * one of stored, updated, new source, unchanged, dead-lettered and
 * skipped, and each matches the database (docs/feeds.md, "Sources and counts"). */
void run_summary_print(const char *producer_output, const char *db, double seconds)
{
    const char *found = strstr(producer_output, "summary ");
    const char *line = found ? found : "";
    unsigned long long files = summary_value(line, "files");
    unsigned long long lines = summary_value(line, "lines");
    unsigned long long submissions = summary_value(line, "submissions");
    unsigned long long updated = summary_value(line, "updated");
    unsigned long long skipped_paths = summary_value(line, "skipped_paths");
    buf_t inputs = BUF_INIT;
    if (files)
        put_count(&inputs, files, "file", "files");
    if (lines)
        put_count(&inputs, lines, "line", "lines");
    if (submissions)
        put_count(&inputs, submissions, "submission", "submissions");
    if (!inputs.len)
        buf_puts(&inputs, "0 documents");
    char updated_text[64] = "";
    if (updated)
        snprintf(updated_text, sizeof updated_text, "%llu updated (newer extractor), ", updated);
    printf("feedmill run: %s in %.1f s: %llu stored, %s%llu new source%s, %llu unchanged, "
           "%llu dead-lettered, %llu skipped (unchanged since an earlier run), "
           "%llu paths skipped\n",
           buf_str(&inputs), seconds, summary_value(line, "stored"), updated_text,
           summary_value(line, "new_sources"), summary_value(line, "new_sources") == 1 ? "" : "s",
           summary_value(line, "unchanged"),
           summary_value(line, "dead"), summary_value(line, "skipped"), skipped_paths);
    buf_free(&inputs);
    if (skipped_paths)
        printf("feedmill run: %llu paths were skipped (symbolic link loops, broken links, "
               "unreadable folders, special files); the log names each with its reason\n",
               skipped_paths);
    char *error = NULL;
    store_t *store = store_open(db, STORE_READONLY, &error);
    store_stats_t stats;
    if (store && store_stats(store, &stats) == 0)
        printf("feedmill run: %s holds %lld documents from %lld sources, %lld entities, "
               "%lld dead letters\n", db, (long long)stats.documents,
               (long long)stats.sources, (long long)stats.entities,
               (long long)stats.dead_letters);
    else
        printf("feedmill run: cannot read %s: %s\n", db, store ? store_error(store) : error);
    store_close(&store);
    free(error);
}

