/* stats: `feedmill stats --db FILE`, what a database holds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/buf.h"
#include "sink/store.h"

static void print_text(const char *db, const store_stats_t *s)
{
    printf("database:      %s\n", db);
    printf("documents:     %lld\n", (long long)s->documents);
    printf("dead letters:  %lld\n", (long long)s->dead_letters);
    printf("entities:      %lld\n", (long long)s->entities);
    if (s->body_bytes < 1000000)
        printf("body text:     %.1f kB\n", s->body_bytes / 1e3);
    else
        printf("body text:     %.1f MB\n", s->body_bytes / 1e6);
    if (s->earliest[0])
        printf("published:     %s .. %s\n", s->earliest, s->latest);
    printf("languages:    ");
    for (int i = 0; i < s->lang_count; i++)
        printf(" %s=%lld", s->langs[i], (long long)s->lang_counts[i]);
    printf("%s\n", s->lang_count ? "" : " -");
}

static void print_json(const char *db, const store_stats_t *s)
{
    buf_t out = BUF_INIT;
    buf_puts(&out, "{\"database\":");
    buf_put_json_string(&out, db, strlen(db));
    buf_printf(&out, ",\"documents\":%lld,\"dead_letters\":%lld,\"entities\":%lld,"
               "\"body_bytes\":%lld,\"earliest\":", (long long)s->documents,
               (long long)s->dead_letters, (long long)s->entities, (long long)s->body_bytes);
    buf_put_json_string(&out, s->earliest, strlen(s->earliest));
    buf_puts(&out, ",\"latest\":");
    buf_put_json_string(&out, s->latest, strlen(s->latest));
    buf_puts(&out, ",\"languages\":{");
    for (int i = 0; i < s->lang_count; i++) {
        if (i)
            buf_putc(&out, ',');
        buf_put_json_string(&out, s->langs[i], strlen(s->langs[i]));
        buf_printf(&out, ":%lld", (long long)s->lang_counts[i]);
    }
    buf_puts(&out, "}}\n");
    fputs(out.data, stdout);
    buf_free(&out);
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: feedmill stats --db FILE [--json]\n"
        "\n"
        "Counts of documents, dead letters and entities, the span of publication\n"
        "dates and the languages in a database.\n"
        "\n"
        "  --db FILE    database written by `feedmill run` or `feedmill sink`\n"
        "  --json       one JSON object instead of text\n"
        "  -h, --help   this help\n");
}

int stats_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, 0, 'd' },
        { "json", no_argument, 0, 'j' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *db = NULL;
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!db || optind != argc) {
        fprintf(stderr, "feedmill stats: %s\n", !db ? "--db FILE is required" : "unexpected argument");
        usage(stderr);
        return 2;
    }
    char *error = NULL;
    store_t *store = store_open(db, STORE_READONLY, &error);
    if (!store) {
        fprintf(stderr, "feedmill stats: %s\n", error);
        free(error);
        return 1;
    }
    store_stats_t stats;
    int rc = store_stats(store, &stats);
    if (rc == 0)
        json ? print_json(db, &stats) : print_text(db, &stats);
    else
        fprintf(stderr, "feedmill stats: %s\n", store_error(store));
    store_close(&store);
    return rc == 0 ? 0 : 1;
}
