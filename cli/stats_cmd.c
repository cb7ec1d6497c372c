/* stats: `feedmill stats --db FILE`, what a database holds.
 *
 * Totals, then breakdowns an operator asks for first: documents by kind,
 * language and day ingested, dead letters by reason class
 * (sink/reasons.h, the same classes as feedmill_sink_dead_letters_total)
 * with their commonest error texts, the top sources (a URL's host, a
 * file's folder), the documents delivered by the most sources (the same
 * story from many sites), and the largest groups of near-duplicates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/args.h"
#include "common/buf.h"
#include "sink/reasons.h"
#include "sink/store.h"

enum { TOP = 10, DAYS = 14, ERRORS = 1000, NEAR_GROUPS = 5 };

/* One breakdown, kept for printing. */
typedef struct group {
    char *key;
    int64_t count;
} group_t;

typedef struct groups {
    group_t *items;
    size_t count;
} groups_t;

static int keep_group(const char *key, int64_t count, void *ctx)
{
    groups_t *g = ctx;
    g->items = xrealloc(g->items, (g->count + 1) * sizeof(group_t));
    g->items[g->count++] = (group_t){ xstrdup(key), count };
    return 0;
}

static void groups_free(groups_t *g)
{
    for (size_t i = 0; i < g->count; i++)
        free(g->items[i].key);
    free(g->items);
    *g = (groups_t){ 0 };
}

/* The largest near-duplicate groups, kept for printing. */
typedef struct near_groups {
    store_near_group_t items[NEAR_GROUPS];   /* strings owned here */
    size_t count;
} near_groups_t;

static int keep_near_group(const store_near_group_t *group, void *ctx)
{
    near_groups_t *g = ctx;
    if (g->count == NEAR_GROUPS)
        return 1;
    store_near_group_t *kept = &g->items[g->count++];
    *kept = *group;
    kept->id = xstrdup(group->id);
    kept->title = xstrdup(group->title);
    return 0;
}

static void near_groups_free(near_groups_t *g)
{
    for (size_t i = 0; i < g->count; i++) {
        free((char *)g->items[i].id);
        free((char *)g->items[i].title);
    }
    g->count = 0;
}

/* The documents with the most sources, kept for printing. */
typedef struct sourced {
    store_sourced_t items[TOP];   /* strings owned here */
    size_t count;
} sourced_t;

static int keep_sourced(const store_sourced_t *doc, void *ctx)
{
    sourced_t *s = ctx;
    if (s->count == TOP)
        return 1;
    store_sourced_t *kept = &s->items[s->count++];
    *kept = *doc;
    kept->id = xstrdup(doc->id);
    kept->title = xstrdup(doc->title);
    return 0;
}

static void sourced_free(sourced_t *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free((char *)s->items[i].id);
        free((char *)s->items[i].title);
    }
    s->count = 0;
}

typedef struct breakdowns {
    groups_t kinds, page_types, langs, days, origins, errors;
    int64_t reasons[REASON_COUNT];
    near_groups_t near;
    sourced_t most_sources;
} breakdowns_t;

/* 0, or -1 with the reason in *error (malloc'd). */
static int read_breakdowns(store_t *store, breakdowns_t *b, char **error)
{
    if (store_breakdown(store, STORE_BY_KIND, TOP, keep_group, &b->kinds, error) < 0
        || store_breakdown(store, STORE_BY_PAGE_TYPE, TOP, keep_group, &b->page_types,
                           error) < 0
        || store_breakdown(store, STORE_BY_LANG, TOP, keep_group, &b->langs, error) < 0
        || store_breakdown(store, STORE_BY_DAY, DAYS, keep_group, &b->days, error) < 0
        || store_breakdown(store, STORE_BY_ORIGIN, TOP, keep_group, &b->origins, error) < 0
        || store_breakdown(store, STORE_BY_ERROR, ERRORS, keep_group, &b->errors, error) < 0
        || store_near_duplicate_groups(store, NEAR_GROUPS, keep_near_group, &b->near,
                                       error) < 0
        || store_most_sources(store, TOP, keep_sourced, &b->most_sources, error) < 0)
        return -1;
    for (size_t i = 0; i < b->errors.count; i++)
        b->reasons[reason_classify(b->errors.items[i].key)] += b->errors.items[i].count;
    return 0;
}

static void breakdowns_free(breakdowns_t *b)
{
    groups_free(&b->kinds);
    groups_free(&b->page_types);
    groups_free(&b->langs);
    groups_free(&b->days);
    groups_free(&b->origins);
    groups_free(&b->errors);
    near_groups_free(&b->near);
    sourced_free(&b->most_sources);
}

static void print_groups(const char *title, const groups_t *g, size_t limit)
{
    printf("%s\n", title);
    if (!g->count)
        printf("  -\n");
    for (size_t i = 0; i < g->count && i < limit; i++)
        printf("  %10lld  %s\n", (long long)g->items[i].count, g->items[i].key);
}

static void print_breakdowns(const breakdowns_t *b)
{
    printf("\n");
    print_groups("documents by kind:", &b->kinds, TOP);
    print_groups("documents by page type (none: plain text):", &b->page_types, TOP);
    print_groups("documents by language:", &b->langs, TOP);
    print_groups("documents by day ingested (UTC, latest first):", &b->days, DAYS);
    printf("dead letters by reason:\n");
    int any = 0;
    for (int r = 0; r < REASON_COUNT; r++)
        if (b->reasons[r]) {
            printf("  %10lld  %s\n", (long long)b->reasons[r], reason_name((reason_class_t)r));
            any = 1;
        }
    if (!any)
        printf("  -\n");
    if (b->errors.count)
        print_groups("commonest dead-letter errors:", &b->errors, 5);
    print_groups("top sources (host of a URL, folder of a file):", &b->origins, TOP);
    printf("documents with the most sources (sources, document, title):\n");
    if (!b->most_sources.count)
        printf("  -\n");
    for (size_t i = 0; i < b->most_sources.count; i++) {
        const store_sourced_t *d = &b->most_sources.items[i];
        printf("  %10lld  %.12s  %s\n", (long long)d->sources, d->id, d->title);
    }
    printf("largest near-duplicate groups (documents, most bits apart, first document):\n");
    if (!b->near.count)
        printf("  -\n");
    for (size_t i = 0; i < b->near.count; i++) {
        const store_near_group_t *g = &b->near.items[i];
        printf("  %10lld  %d  %.12s  %s\n", (long long)g->documents, g->max_distance,
               g->id, g->title);
    }
}

static void json_groups(buf_t *out, const char *name, const groups_t *g)
{
    buf_printf(out, ",\"%s\":[", name);
    for (size_t i = 0; i < g->count; i++) {
        buf_puts(out, i ? ",{\"key\":" : "{\"key\":");
        buf_put_json_string(out, g->items[i].key, strlen(g->items[i].key));
        buf_printf(out, ",\"count\":%lld}", (long long)g->items[i].count);
    }
    buf_putc(out, ']');
}

static void json_near(buf_t *out, const store_stats_t *s, const near_groups_t *g)
{
    buf_printf(out, ",\"near_duplicates\":{\"within_bits\":%d,\"groups\":%lld,"
               "\"documents\":%lld,\"largest\":[", STORE_NEAR_DUPLICATE_BITS,
               (long long)s->near_duplicate_groups, (long long)s->near_duplicates);
    for (size_t i = 0; i < g->count; i++) {
        const store_near_group_t *group = &g->items[i];
        buf_puts(out, i ? ",{\"id\":" : "{\"id\":");
        buf_put_json_string(out, group->id, strlen(group->id));
        buf_puts(out, ",\"title\":");
        buf_put_json_string(out, group->title, strlen(group->title));
        buf_printf(out, ",\"documents\":%lld,\"max_distance\":%d}",
                   (long long)group->documents, group->max_distance);
    }
    buf_puts(out, "]}");
}

static void json_most_sources(buf_t *out, const sourced_t *s)
{
    buf_puts(out, ",\"most_sources\":[");
    for (size_t i = 0; i < s->count; i++) {
        const store_sourced_t *d = &s->items[i];
        buf_puts(out, i ? ",{\"id\":" : "{\"id\":");
        buf_put_json_string(out, d->id, strlen(d->id));
        buf_puts(out, ",\"title\":");
        buf_put_json_string(out, d->title, strlen(d->title));
        buf_printf(out, ",\"sources\":%lld}", (long long)d->sources);
    }
    buf_putc(out, ']');
}

static void print_text(const char *db, const store_stats_t *s)
{
    printf("database:      %s\n", db);
    printf("documents:     %lld\n", (long long)s->documents);
    printf("sources:       %lld\n", (long long)s->sources);
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
    printf("near-duplicates: %lld groups, %lld documents (simhash within %d bits)\n",
           (long long)s->near_duplicate_groups, (long long)s->near_duplicates,
           STORE_NEAR_DUPLICATE_BITS);
}

static void print_json(const char *db, const store_stats_t *s, const breakdowns_t *b)
{
    buf_t out = BUF_INIT;
    buf_puts(&out, "{\"database\":");
    buf_put_json_string(&out, db, strlen(db));
    buf_printf(&out, ",\"documents\":%lld,\"sources\":%lld,\"dead_letters\":%lld,"
               "\"entities\":%lld,\"body_bytes\":%lld,\"earliest\":", (long long)s->documents,
               (long long)s->sources, (long long)s->dead_letters, (long long)s->entities,
               (long long)s->body_bytes);
    /* No document with a date: null, not "" (unknown, not empty). */
    if (s->earliest[0])
        buf_put_json_string(&out, s->earliest, strlen(s->earliest));
    else
        buf_puts(&out, "null");
    buf_puts(&out, ",\"latest\":");
    if (s->latest[0])
        buf_put_json_string(&out, s->latest, strlen(s->latest));
    else
        buf_puts(&out, "null");
    buf_puts(&out, ",\"languages\":{");
    for (int i = 0; i < s->lang_count; i++) {
        if (i)
            buf_putc(&out, ',');
        buf_put_json_string(&out, s->langs[i], strlen(s->langs[i]));
        buf_printf(&out, ":%lld", (long long)s->lang_counts[i]);
    }
    buf_putc(&out, '}');
    json_groups(&out, "kinds", &b->kinds);
    json_groups(&out, "page_types", &b->page_types);
    json_groups(&out, "days", &b->days);
    json_groups(&out, "top_sources", &b->origins);
    buf_puts(&out, ",\"dead_letter_reasons\":{");
    int first = 1;
    for (int r = 0; r < REASON_COUNT; r++)
        if (b->reasons[r]) {
            buf_printf(&out, "%s\"%s\":%lld", first ? "" : ",", reason_name((reason_class_t)r),
                       (long long)b->reasons[r]);
            first = 0;
        }
    buf_putc(&out, '}');
    json_groups(&out, "dead_letter_errors", &b->errors);
    json_most_sources(&out, &b->most_sources);
    json_near(&out, s, &b->near);
    buf_puts(&out, "}\n");
    fputs(out.data, stdout);
    buf_free(&out);
}

typedef struct stats_options {
    const char *db;
    int json;
} stats_options_t;

enum { STATS_OPT_DB, STATS_OPT_JSON, STATS_OPT_COUNT };

static const args_option_t TABLE[STATS_OPT_COUNT] = {
    [STATS_OPT_DB] = { .name = "db", .arg = "FILE",
        .help = "database written by `feedmill run` or `feedmill sink`" },
    [STATS_OPT_JSON] = { .name = "json", .help = "one JSON object instead of text" },
};

static int apply(void *ctx, const char *command, int id, const char *value)
{
    (void)command;
    stats_options_t *opt = ctx;
    if (id == STATS_OPT_DB)
        opt->db = value;
    else
        opt->json = 1;
    return 0;
}

static const char *check(const void *options, int operands)
{
    const stats_options_t *opt = options;
    return !opt->db ? "--db FILE is required" : operands ? "unexpected argument" : NULL;
}

static const args_table_t TABLES[] = {
    { .rows = TABLE, .end = STATS_OPT_COUNT, .base = ARGS_GETOPT, .apply = apply },
};

static const args_command_t COMMAND = {
    .name = "stats",
    .usage = "usage: feedmill stats --db FILE [--json]\n"
             "\n"
             "Counts of documents, dead letters and entities, the span of publication\n"
             "dates, then documents by kind, language and day ingested, dead letters by\n"
             "reason, the top sources (the host of a URL, the folder of a file), and\n"
             "near-duplicates: how many groups, how many documents in them, the largest.\n"
             "\n",
    .tables = TABLES, .table_count = 1, .check = check,
};

int stats_main(int argc, char **argv)
{
    stats_options_t opt = { 0 };
    int rc = args_parse(&COMMAND, &opt, argc, argv);
    if (rc >= 0)
        return rc;
    const char *db = opt.db;
    int json = opt.json;
    char *error = NULL;
    store_t *store = store_open(db, STORE_READONLY, &error);
    if (!store) {
        fprintf(stderr, "feedmill stats: %s\n", error);
        free(error);
        return 1;
    }
    store_stats_t stats;
    breakdowns_t breakdowns = { 0 };
    rc = store_stats(store, &stats, &error);
    if (rc == 0)
        rc = read_breakdowns(store, &breakdowns, &error);
    if (rc == 0 && json) {
        print_json(db, &stats, &breakdowns);
    } else if (rc == 0) {
        print_text(db, &stats);
        print_breakdowns(&breakdowns);
    } else {
        fprintf(stderr, "feedmill stats: %s\n", error);
        free(error);
    }
    breakdowns_free(&breakdowns);
    store_close(&store);
    return rc == 0 ? 0 : 1;
}
