/* export: `feedmill export --db FILE`, every stored document out again,
 * as JSON lines (the keys of `feedmill extract`) or CSV (RFC 4180).
 *
 * It streams: one document in memory at a time, from one snapshot of the
 * database (store_export), so it runs beside a sink that writes, over a
 * database of any size. --since selects by the time a row was last
 * written: the summary on stderr names the latest such time exported,
 * for a cron job to pass as the next --since. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/args.h"
#include "common/buf.h"
#include "common/text.h"
#include "extract/page_type.h"
#include "sink/store.h"

/* The columns beside the record's own keys (record_json_fields()). */
static const char *const extra_fields[] = {
    "ingested_at", "updated_at", "near_duplicate_of", "near_duplicate_distance",
    "extractor", "attempts", "worker", "sources", NULL,
};

#define MAX_FIELDS 32

typedef struct {
    const char *fields[MAX_FIELDS];
    size_t count;
    int csv;
    buf_t line, value;
    char latest[64];   /* the greatest updated_at exported */
    int write_failed;
} exporter_t;

static int known_field(const char *name)
{
    for (const char *const *f = record_json_fields(); *f; f++)
        if (!strcmp(*f, name))
            return 1;
    for (const char *const *f = extra_fields; *f; f++)
        if (!strcmp(*f, name))
            return 1;
    return 0;
}

/* Splits "a,b,c" into ex->fields (pointers into `list`, which it edits). */
static int parse_fields(exporter_t *ex, char *list)
{
    ex->count = 0;
    for (char *save = NULL, *name = strtok_r(list, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        if (!known_field(name)) {
            fprintf(stderr, "feedmill export: unknown field '%s' (--help lists them)\n", name);
            return -1;
        }
        if (ex->count == MAX_FIELDS) {
            fprintf(stderr, "feedmill export: more than %d fields\n", MAX_FIELDS);
            return -1;
        }
        ex->fields[ex->count++] = name;
    }
    if (ex->count == 0) {
        fprintf(stderr, "feedmill export: --fields names no field\n");
        return -1;
    }
    return 0;
}

/* YYYY-MM-DD, then optionally THH:MM, :SS, .fraction and Z: the forms
 * that compare as text with the stored ISO 8601 times. */
static int time_ok(const char *t)
{
    static const char pattern[] = "dddd-dd-dd";
    for (size_t i = 0; i < sizeof pattern - 1; i++)
        if (pattern[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != pattern[i])
            return 0;
    const char *p = t + 10;
    if (!*p)
        return 1;
    if (*p++ != 'T')
        return 0;
    for (int part = 0; *p && *p != 'Z' && *p != '.'; part++) {
        if (part && *p++ != ':')
            return 0;
        if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9') || part > 2)
            return 0;
        p += 2;
    }
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'Z')
        p++;
    return *p == '\0';
}

/* The JSON value of a field into out ("null" for nothing). */
static void field_json(const store_export_row_t *row, const char *name, buf_t *out)
{
    if (record_field_json(row->record, name, out) == 0)
        return;
    const char *text = NULL;
    if (!strcmp(name, "ingested_at"))
        text = row->ingested_at;
    else if (!strcmp(name, "updated_at"))
        text = row->updated_at;
    else if (!strcmp(name, "near_duplicate_of"))
        text = row->near_duplicate_of;
    else if (!strcmp(name, "worker"))
        text = row->worker;
    else if (!strcmp(name, "near_duplicate_distance")) {
        if (row->has_near_duplicate_distance)
            buf_printf(out, "%d", row->near_duplicate_distance);
        else
            buf_puts(out, "null");
        return;
    } else if (!strcmp(name, "extractor")) {
        buf_printf(out, "%d", row->extractor);
        return;
    } else if (!strcmp(name, "attempts")) {
        buf_printf(out, "%lld", row->attempts);
        return;
    } else if (!strcmp(name, "sources")) {
        buf_putc(out, '[');
        for (size_t i = 0; i < row->source_count; i++) {
            if (i)
                buf_putc(out, ',');
            buf_put_json_string(out, row->sources[i], strlen(row->sources[i]));
        }
        buf_putc(out, ']');
        return;
    }
    if (text)
        buf_put_json_string(out, text, strlen(text));
    else
        buf_puts(out, "null");
}

/* A field as CSV text: strings as they are (sources in their printable
 * form), numbers as digits, entities and keywords as their JSON, and
 * nothing for null. */
static void field_text(const store_export_row_t *row, const char *name, buf_t *out)
{
    const record_t *r = row->record;
    const char *text = NULL;
    int is_text = 1;
    if (!strcmp(name, "id"))
        text = r->id;
    else if (!strcmp(name, "kind"))
        text = r->kind;
    else if (!strcmp(name, "page_type"))
        text = r->page_type;
    else if (!strcmp(name, "lang"))
        text = r->lang;
    else if (!strcmp(name, "title"))
        text = r->title;
    else if (!strcmp(name, "published"))
        text = r->published;
    else if (!strcmp(name, "author"))
        text = r->author;
    else if (!strcmp(name, "body"))
        text = r->body;
    else if (!strcmp(name, "ingested_at"))
        text = row->ingested_at;
    else if (!strcmp(name, "updated_at"))
        text = row->updated_at;
    else if (!strcmp(name, "near_duplicate_of"))
        text = row->near_duplicate_of;
    else if (!strcmp(name, "worker"))
        text = row->worker;
    else
        is_text = 0;
    if (is_text) {
        if (text)
            buf_puts(out, text);
        return;
    }
    if (!strcmp(name, "source")) {
        if (r->source) {
            char *printable = text_printable(r->source);
            buf_puts(out, printable);
            free(printable);
        }
        return;
    }
    if (!strcmp(name, "simhash")) {
        char hex[17];
        record_simhash_hex(r, hex);
        buf_puts(out, hex);
        return;
    }
    if (!strcmp(name, "near_duplicate_distance") && !row->has_near_duplicate_distance)
        return;
    field_json(row, name, out);   /* entities, keywords and the numbers */
}

/* RFC 4180: a field with a comma, a quote or a line break is quoted, its
 * quotes doubled. */
static void put_csv_field(buf_t *out, const buf_t *value, int first)
{
    if (!first)
        buf_putc(out, ',');
    const char *v = buf_str(value);
    if (!strpbrk(v, ",\"\r\n")) {
        buf_puts(out, v);
        return;
    }
    buf_putc(out, '"');
    for (; *v; v++) {
        if (*v == '"')
            buf_putc(out, '"');
        buf_putc(out, *v);
    }
    buf_putc(out, '"');
}

static int write_line(exporter_t *ex)
{
    if (fwrite(ex->line.data, 1, ex->line.len, stdout) != ex->line.len) {
        ex->write_failed = 1;
        return 1;
    }
    return 0;
}

static int export_row(const store_export_row_t *row, void *ctx)
{
    exporter_t *ex = ctx;
    if (row->updated_at && strcmp(row->updated_at, ex->latest) > 0)
        snprintf(ex->latest, sizeof ex->latest, "%s", row->updated_at);
    buf_reset(&ex->line);
    if (!ex->csv)
        buf_putc(&ex->line, '{');
    for (size_t i = 0; i < ex->count; i++) {
        if (ex->csv) {
            buf_reset(&ex->value);
            field_text(row, ex->fields[i], &ex->value);
            put_csv_field(&ex->line, &ex->value, i == 0);
        } else {
            buf_printf(&ex->line, "%s\"%s\":", i ? "," : "", ex->fields[i]);
            field_json(row, ex->fields[i], &ex->line);
        }
    }
    buf_puts(&ex->line, ex->csv ? "\r\n" : "}\n");
    return write_line(ex);
}

typedef struct export_options {
    const char *db;
    char *fields;                   /* --fields, cut up by parse_fields */
    long limit;
    int csv;
    store_export_filter_t filter;
} export_options_t;

enum {
    EXPORT_OPT_DB, EXPORT_OPT_SINCE, EXPORT_OPT_UNTIL, EXPORT_OPT_LANG, EXPORT_OPT_KIND,
    EXPORT_OPT_TYPE, EXPORT_OPT_FIELDS, EXPORT_OPT_FORMAT, EXPORT_OPT_LIMIT, EXPORT_OPT_COUNT
};

static const args_option_t TABLE[EXPORT_OPT_COUNT] = {
    [EXPORT_OPT_DB] = { .name = "db", .arg = "FILE", .help = "the database (read only)" },
    [EXPORT_OPT_SINCE] = { .name = "since", .arg = "TIME",
        .help = "only rows written (stored or rewritten) at or after TIME" },
    [EXPORT_OPT_UNTIL] = { .name = "until", .arg = "TIME",
        .help = "only rows written before TIME; TIME is ISO 8601 UTC as the database keeps "
                "it: 2026-12-03, 2026-12-03T08:46, 2026-12-03T08:46:02.123Z" },
    [EXPORT_OPT_LANG] = { .name = "lang", .arg = "L",
        .help = "only documents in language L (ko, en, und, ...)" },
    [EXPORT_OPT_KIND] = { .name = "kind", .arg = "K",
        .help = "only documents of kind K (text, html)" },
    [EXPORT_OPT_TYPE] = { .name = "type", .arg = "TYPE",
        .help = "only web pages of type TYPE: " PAGE_TYPES },
    [EXPORT_OPT_FIELDS] = { .name = "fields", .arg = "LIST",
        .help = "the fields, in this order (default: the keys of `feedmill extract`: id, "
                "source, kind, page_type, lang, title, published, author, body, entities, "
                "keywords, simhash); also ingested_at, updated_at, near_duplicate_of, "
                "near_duplicate_distance, extractor, attempts, worker, sources (every source "
                "of the text, the first first: a JSON array, also in CSV)" },
    [EXPORT_OPT_FORMAT] = { .name = "format", .arg = "FORMAT",
        .help = "jsonl (default): one JSON object a line, null for what is unknown; csv: RFC "
                "4180 with a header line, CRLF line ends, entities and keywords as JSON text, "
                "empty for null" },
    [EXPORT_OPT_LIMIT] = { .name = "limit", .arg = "N", .help = "at most N documents" },
};

static int apply(void *ctx, const char *command, int id, const char *value)
{
    export_options_t *opt = ctx;
    switch (id) {
    case EXPORT_OPT_DB: opt->db = value; return 0;
    case EXPORT_OPT_SINCE: opt->filter.since = value; return 0;
    case EXPORT_OPT_UNTIL: opt->filter.until = value; return 0;
    case EXPORT_OPT_LANG: opt->filter.lang = value; return 0;
    case EXPORT_OPT_KIND: opt->filter.kind = value; return 0;
    case EXPORT_OPT_TYPE:
        if (!page_type_valid(value)) {
            fprintf(stderr, "feedmill %s: --type must be one of %s, not '%s'\n", command,
                    PAGE_TYPES, value);
            return -1;
        }
        opt->filter.page_type = value;
        return 0;
    case EXPORT_OPT_FIELDS: opt->fields = (char *)value; return 0;   /* argv's own */
    case EXPORT_OPT_FORMAT:
        if (strcmp(value, "jsonl") && strcmp(value, "csv")) {
            fprintf(stderr, "feedmill %s: --format must be jsonl or csv, not '%s'\n", command,
                    value);
            return -1;
        }
        opt->csv = !strcmp(value, "csv");
        return 0;
    case EXPORT_OPT_LIMIT:
        return args_row_count(command, &TABLE[id], value, 1, 2000000000, &opt->limit);
    }
    return -1;
}

static const char *check(const void *options, int operands)
{
    const export_options_t *opt = options;
    return !opt->db ? "--db FILE is required"
           : operands ? "takes no arguments besides its options" : NULL;
}

static const args_table_t TABLES[] = {
    { .rows = TABLE, .end = EXPORT_OPT_COUNT, .base = ARGS_GETOPT, .apply = apply },
};

static const args_command_t COMMAND = {
    .name = "export",
    .usage = "usage: feedmill export --db FILE [--since TIME] [--until TIME] [--lang L]\n"
             "                       [--kind K] [--type TYPE] [--fields a,b,...]\n"
             "                       [--format jsonl|csv]\n"
             "                       [--limit N]\n"
             "\n"
             "Writes every stored document to stdout, in the order they were first\n"
             "stored, from one consistent snapshot of the database (a running sink goes\n"
             "on writing meanwhile), one document in memory at a time.\n"
             "\n",
    .tables = TABLES, .table_count = 1, .check = check,
    .after = "\n"
             "On stderr: how many documents, and the latest time a row exported was\n"
             "written: pass it as the next --since to fetch only what is new (a row\n"
             "written in that same millisecond comes again). Exits 0, 1 when the\n"
             "database cannot be read or stdout written, 2 on a usage error.\n",
    .flags = ARGS_SAY_ERRORS,
};

int export_main(int argc, char **argv)
{
    export_options_t opt = { 0 };
    int rc = args_parse(&COMMAND, &opt, argc, argv);
    if (rc >= 0)
        return rc;
    rc = 0;
    const char *db = opt.db;
    char *fields = opt.fields;
    long limit = opt.limit;
    store_export_filter_t filter = opt.filter;
    exporter_t ex = { .csv = opt.csv, .line = BUF_INIT, .value = BUF_INIT };
    const char *bad_time = filter.since && !time_ok(filter.since) ? filter.since
                         : filter.until && !time_ok(filter.until) ? filter.until : NULL;
    if (bad_time) {
        fprintf(stderr, "feedmill export: '%s' is not a time such as 2026-12-03 or "
                        "2026-12-03T08:46:02.123Z\n", bad_time);
        return 2;
    }
    if (fields) {
        if (parse_fields(&ex, fields) < 0)
            return 2;
    } else {
        for (const char *const *f = record_json_fields(); *f; f++)
            ex.fields[ex.count++] = *f;
    }
    filter.limit = limit;

    char *error = NULL;
    store_t *store = store_open(db, STORE_READONLY, &error);
    if (!store) {
        fprintf(stderr, "feedmill export: %s\n", error);
        free(error);
        return 1;
    }
    if (ex.csv) {
        buf_reset(&ex.line);
        for (size_t i = 0; i < ex.count; i++)
            buf_printf(&ex.line, "%s%s", i ? "," : "", ex.fields[i]);
        buf_puts(&ex.line, "\r\n");
        write_line(&ex);
    }
    long long count = ex.write_failed ? 0 : store_export(store, &filter, export_row, &ex, &error);
    if (fflush(stdout) != 0)
        ex.write_failed = 1;
    if (count < 0) {
        fprintf(stderr, "feedmill export: %s\n", error);
        free(error);
        rc = 1;
    } else if (ex.write_failed) {
        fprintf(stderr, "feedmill export: cannot write to stdout\n");
        rc = 1;
    } else if (ex.latest[0]) {
        fprintf(stderr, "feedmill export: %lld documents, the latest written at %s "
                        "(the next --since)\n", count, ex.latest);
    } else {
        fprintf(stderr, "feedmill export: 0 documents\n");
    }
    store_close(&store);
    buf_free(&ex.line);
    buf_free(&ex.value);
    return rc;
}
