/* search: `feedmill search --db FILE QUERY`, full-text search.
 *
 * Words are ANDed; a Korean word also finds the longer eojeol it starts
 * (싱가포르 finds 싱가포르와); punctuation and symbols are ignored, see
 * store_search.
 *
 * Options end at the first query word, so a word that starts with '-'
 * after it (AI -5%) is searched for, not parsed; `--` ends the options
 * before a query whose first word starts with '-'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/args.h"
#include "common/buf.h"
#include "extract/page_type.h"
#include "sink/store.h"

typedef struct printer {
    store_t *store;
    int json;
    int all_sources;   /* --sources: every source in text output too */
    int shown;
    char *failed;      /* why a document's sources could not be read (the first) */
} printer_t;

typedef struct sources {
    const char *first;   /* the hit's own source: not repeated */
    buf_t *out;
    int json;
    int count;           /* sources listed */
} sources_t;

static int put_source(const char *source, void *ctx)
{
    sources_t *s = ctx;
    if (s->json) {
        if (s->count++)
            buf_putc(s->out, ',');
        buf_put_json_string(s->out, source, strlen(source));
    } else if (!s->first || strcmp(source, s->first) != 0) {
        buf_printf(s->out, "   also from %s\n", source);
        s->count++;
    }
    return 0;
}

static void put_json_field(buf_t *out, const char *key, const char *value, int first)
{
    buf_printf(out, "%s\"%s\":", first ? "" : ",", key);
    if (value)
        buf_put_json_string(out, value, strlen(value));
    else
        buf_puts(out, "null");
}

/* A snippet may span paragraphs; on a terminal it reads better as one line. */
static void one_line(const char *text, buf_t *out)
{
    int in_space = 0;
    for (const char *c = text; *c; c++) {
        int space = *c == '\n' || *c == '\r' || *c == '\t' || *c == ' ';
        if (space && !in_space)
            buf_putc(out, ' ');
        else if (!space)
            buf_putc(out, *c);
        in_space = space;
    }
}

/* A hit's sources; the first failure's reason is kept for the end. */
static void read_sources(printer_t *p, const char *id, void *sources)
{
    char *why = NULL;
    if (store_sources(p->store, id, put_source, sources, &why) < 0 && !p->failed) {
        p->failed = why;
        why = NULL;
    }
    free(why);
}

static int print_hit(const store_hit_t *hit, void *ctx)
{
    printer_t *p = ctx;
    p->shown++;
    if (p->json) {
        buf_t line = BUF_INIT;
        buf_putc(&line, '{');
        put_json_field(&line, "id", hit->id, 1);
        put_json_field(&line, "source", hit->source, 0);
        put_json_field(&line, "title", hit->title, 0);
        put_json_field(&line, "published", hit->published, 0);
        put_json_field(&line, "page_type", hit->page_type, 0);
        put_json_field(&line, "snippet", hit->snippet, 0);
        buf_puts(&line, ",\"sources\":[");
        sources_t all = { NULL, &line, 1, 0 };
        read_sources(p, hit->id, &all);
        buf_printf(&line, "],\"rank\":%.6g}\n", hit->rank);
        fputs(line.data, stdout);
        buf_free(&line);
        return 0;
    }
    printf("%d. %s", p->shown, hit->title && *hit->title ? hit->title : "(untitled)");
    if (hit->published && *hit->published)
        printf("  (%s)", hit->published);
    buf_t snippet = BUF_INIT, more = BUF_INIT;
    one_line(hit->snippet ? hit->snippet : "", &snippet);
    sources_t others = { hit->source, &more, 0, 0 };
    read_sources(p, hit->id, &others);
    printf("\n   %s\n", hit->source ? hit->source : "");
    if (p->all_sources)
        fputs(buf_str(&more), stdout);
    else if (others.count)
        printf("   and %d more source%s (--sources lists them)\n", others.count,
               others.count == 1 ? "" : "s");
    printf("   %s\n\n", buf_str(&snippet));
    buf_free(&snippet);
    buf_free(&more);
    return 0;
}

typedef struct search_options {
    const char *db;
    long limit;
    const char *page_type;
    printer_t printer;
} search_options_t;

enum { SEARCH_OPT_DB, SEARCH_OPT_LIMIT, SEARCH_OPT_TYPE, SEARCH_OPT_SOURCES, SEARCH_OPT_JSON,
       SEARCH_OPT_COUNT };

static const args_option_t TABLE[SEARCH_OPT_COUNT] = {
    [SEARCH_OPT_DB] = { .name = "db", .arg = "FILE",
        .help = "database written by `feedmill run` or `feedmill sink`" },
    [SEARCH_OPT_LIMIT] = { .name = "limit", .arg = "N", .help = "at most N results (default 10)" },
    [SEARCH_OPT_TYPE] = { .name = "type", .arg = "TYPE",
        .help = "only web pages of type TYPE: " PAGE_TYPES },
    [SEARCH_OPT_SOURCES] = { .name = "sources",
        .help = "list every source of each document (the same text from other files, URLs, "
                "lines); by default only their number" },
    [SEARCH_OPT_JSON] = { .name = "json",
        .help = "one JSON object per line instead of text, with every source in \"sources\" "
                "(the first is \"source\")" },
};

static int apply(void *ctx, const char *command, int id, const char *value)
{
    search_options_t *opt = ctx;
    switch (id) {
    case SEARCH_OPT_DB: opt->db = value; return 0;
    case SEARCH_OPT_LIMIT:
        return args_row_count(command, &TABLE[id], value, 1, 100000, &opt->limit);
    case SEARCH_OPT_TYPE:
        if (!page_type_valid(value)) {
            fprintf(stderr, "feedmill %s: --type must be one of %s, not '%s'\n", command,
                    PAGE_TYPES, value);
            return -1;
        }
        opt->page_type = value;
        return 0;
    case SEARCH_OPT_SOURCES: opt->printer.all_sources = 1; return 0;
    case SEARCH_OPT_JSON: opt->printer.json = 1; return 0;
    }
    return -1;
}

static const char *check(const void *options, int operands)
{
    const search_options_t *opt = options;
    return !opt->db ? "--db FILE is required" : !operands ? "no QUERY given" : NULL;
}

static const args_table_t TABLES[] = {
    { .rows = TABLE, .end = SEARCH_OPT_COUNT, .base = ARGS_GETOPT, .apply = apply },
};

static const args_command_t COMMAND = {
    .name = "search",
    .usage = "usage: feedmill search --db FILE [--limit N] [--type TYPE] [--sources] [--json]\n"
             "                       [--] QUERY...\n"
             "\n"
             "Full-text search over titles and bodies, best matches first. All words\n"
             "must match; a Korean word also matches the longer words it starts, so\n"
             "싱가포르 finds 싱가포르와 and 싱가포르에서. Words without a letter or a\n"
             "digit (punctuation such as — … · 「, symbols, emoji) are ignored, as the\n"
             "index ignores them; a query of nothing else is an error (status 2).\n"
             "\n"
             "Options come before the query: the first word that is not an option\n"
             "starts it, and every word after that is searched for, even one that\n"
             "starts with '-'. Put -- before a query that starts with '-':\n"
             "  feedmill search --db news.db -- -5% 금리\n"
             "\n",
    .tables = TABLES, .table_count = 1, .check = check,
    .more = "  --                    end of the options: what follows is the query\n",
    /* In order: the first query word ends the options (getopt would take
     * "-5%" anywhere in the query for one); errors in our words, with the
     * hint a query word starting with '-' needs. */
    .flags = ARGS_IN_ORDER | ARGS_SAY_ERRORS,
    .hint = "to search for a word that starts with '-', put -- before the query",
};

int search_main(int argc, char **argv)
{
    search_options_t opt = { .limit = 10 };
    int rc = args_parse(&COMMAND, &opt, argc, argv);
    if (rc >= 0)
        return rc;
    const char *db = opt.db, *page_type = opt.page_type;
    long limit = opt.limit;
    printer_t printer = opt.printer;
    buf_t query = BUF_INIT;
    for (int i = optind; i < argc; i++)
        buf_printf(&query, "%s%s", i > optind ? " " : "", argv[i]);
    /* A usage error, found before the database is opened: searching for
     * nothing would otherwise look like a search that found nothing. */
    if (store_search_words(query.data) == 0) {
        fprintf(stderr, "feedmill search: nothing searchable in \"%s\": punctuation "
                        "and symbols are not indexed, search for a word\n", query.data);
        buf_free(&query);
        return 2;
    }
    char *error = NULL;
    store_t *store = store_open(db, STORE_READONLY, &error);
    if (!store) {
        fprintf(stderr, "feedmill search: %s\n", error);
        free(error);
        buf_free(&query);
        return 1;
    }
    printer.store = store;
    int hits = store_search_type(store, query.data, page_type, (int)limit, print_hit, &printer,
                                 &error);
    if (hits >= 0 && printer.failed) {
        hits = -1;
        error = printer.failed;
        printer.failed = NULL;
    }
    free(printer.failed);
    if (hits < 0)
        fprintf(stderr, "feedmill search: %s\n", error);
    else if (hits == 0 && !printer.json)
        printf("no documents match \"%s\"\n", query.data);
    free(error);
    store_close(&store);
    buf_free(&query);
    return hits < 0 ? 1 : 0;
}
