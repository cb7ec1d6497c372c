/* quality_webeval: the web-eval corpus (trafilatura's evaluation data).
 *
 * DIR holds evaldata.json and html/NAME.gz (../shared/corpus/web-eval,
 * see its README). Every page's body is scored the way trafilatura
 * scores itself: body and snippets white-space normalised (runs of white
 * space become one space, the ends trimmed); a "with" snippet found is a
 * true positive, missing a false negative; a "without" snippet found is
 * a false positive. A page that fails to extract counts all its "with"
 * snippets as false negatives. Sums over all pages give precision,
 * recall and F1, overall and per language (the page's declared language,
 * else the one feedmill detects).
 *
 * Floor file: {"f1": X, "precision": Y}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "extract/charset.h"
#include "extract/extract.h"
#include "extract/html.h"
#include "extract/meta.h"
#include "extract/utf8.h"
#include "proto/record.h"
#include "quality.h"

#define STRINGIFY(x) #x
#define VERSION_TEXT(x) STRINGIFY(x)

/* Languages with fewer pages than this share one "other" row. */
#define LANG_MIN_PAGES 10
#define LANG_MAX 64

typedef struct score {
    size_t pages, failed;
    size_t tp, fn, fp;
    size_t bytes;
    double seconds;
} score_t;

typedef struct lang_row {
    char lang[8];
    score_t score;
} lang_row_t;

typedef struct quality {
    score_t all;
    lang_row_t langs[LANG_MAX];
    size_t lang_count;
    size_t undeclared;      /* pages grouped by the detected language */
    int show_pages;
} quality_t;

/* ---- scoring ------------------------------------------------------- */

/* White space as Python's str.split() sees it, which is what the
 * corpus's own scorer uses: ASCII white space and separators, NEL, NBSP
 * and the Unicode space separators. Kept here, not shared with the
 * extractor, so that the yardstick never moves with the thing measured. */
static int is_white(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 ||
           cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* out = s with white space runs collapsed to one space, ends trimmed.
 * Bytes that are not UTF-8 are copied as they are. */
static void normalise(const char *s, size_t len, buf_t *out)
{
    buf_reset(out);
    int pending = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t next = utf8_next(s, len, i, &cp);
        if (is_white(cp)) {
            pending = out->len > 0;
        } else {
            if (pending)
                buf_putc(out, ' ');
            pending = 0;
            buf_append(out, s + i, next - i);
        }
        i = next;
    }
}

static double precision_of(const score_t *s) { return quality_ratio((double)s->tp, (double)(s->tp + s->fp)); }
static double recall_of(const score_t *s) { return quality_ratio((double)s->tp, (double)(s->tp + s->fn)); }

static double f1_of(const score_t *s)
{
    double p = precision_of(s), r = recall_of(s);
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

static void score_add(score_t *into, const score_t *page)
{
    into->pages += page->pages;
    into->failed += page->failed;
    into->tp += page->tp;
    into->fn += page->fn;
    into->fp += page->fp;
    into->bytes += page->bytes;
    into->seconds += page->seconds;
}

static lang_row_t *lang_row(quality_t *q, const char *lang)
{
    for (size_t i = 0; i < q->lang_count; i++)
        if (strcmp(q->langs[i].lang, lang) == 0)
            return &q->langs[i];
    if (q->lang_count == LANG_MAX)
        return NULL;              /* beyond that, only the overall row */
    lang_row_t *row = &q->langs[q->lang_count++];
    memset(row, 0, sizeof(*row));
    snprintf(row->lang, sizeof(row->lang), "%s", lang);
    return row;
}

/* ---- one page ------------------------------------------------------ */

/* The language the page declares (<html lang>, Content-Language,
 * og:locale), or NULL: parsed again outside the timed extraction. */
static char *declared_language(const char *html, size_t len)
{
    size_t n;
    char *utf8 = charset_to_utf8((const uint8_t *)html, len, &n, NULL);
    struct _xmlDoc *doc = html_parse(utf8, n);
    free(utf8);
    if (!doc)
        return NULL;
    meta_t m = { NULL, NULL, NULL, NULL };
    html_meta(doc, NULL, &m);
    html_free(doc);
    char *lang = m.lang;
    m.lang = NULL;
    meta_free(&m);
    return lang;
}

/* Counts each snippet of list found (or not) in text; with report set,
 * appends there a line for each one found when it should not be, or
 * missing when it should be there. */
static size_t count_found(json_t *list, const buf_t *text, buf_t *scratch, int want,
                          const char *label, buf_t *report)
{
    size_t found = 0, i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const char *s = json_string_value(item);
        if (!s)
            continue;
        normalise(s, strlen(s), scratch);
        int hit = scratch->len == 0 ||
                  memmem(buf_str(text), text->len, buf_str(scratch), scratch->len) != NULL;
        found += (size_t)hit;
        if (report && hit != want)
            buf_printf(report, "    %s: %s\n", label, buf_str(scratch));
    }
    return found;
}

/* Scores one page. Returns 0, or -1 when its file cannot be read (the
 * corpus is broken: the run stops). */
static int score_page(quality_t *q, const char *dir, const char *url, json_t *entry)
{
    const char *name = json_string_value(json_object_get(entry, "file"));
    json_t *with = json_object_get(entry, "with");
    json_t *without = json_object_get(entry, "without");
    if (!name || !json_is_array(with) || !json_is_array(without)) {
        fprintf(stderr, "quality: %s: entry without file, with, without\n", url);
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/html/%s.gz", dir, name);
    buf_t html = BUF_INIT;
    if (quality_read_gz(path, &html) != 0) {
        buf_free(&html);
        return -1;
    }

    score_t page = { 1, 0, 0, 0, 0, html.len, 0.0 };
    char *error = NULL;
    double start = quality_thread_seconds();
    record_t *rec = extract_document(name, (const uint8_t *)buf_str(&html), html.len, &error);
    page.seconds = quality_thread_seconds() - start;

    buf_t text = BUF_INIT, scratch = BUF_INIT;
    if (rec)
        normalise(rec->body, strlen(rec->body), &text);
    else
        page.failed = 1;
    size_t with_n = json_array_size(with);
    buf_t misses = BUF_INIT;
    buf_t *report = q->show_pages ? &misses : NULL;
    page.tp = rec ? count_found(with, &text, &scratch, 1, "missed", report) : 0;
    page.fn = with_n - page.tp;
    page.fp = rec ? count_found(without, &text, &scratch, 0, "kept", report) : 0;
    if (q->show_pages && (!rec || misses.len))
        printf("%s  %s%s%s\n%s", name, url, rec ? "" : "  FAILED: ",
               rec ? "" : error ? error : "no reason given", buf_str(&misses));
    buf_free(&misses);
    buf_free(&scratch);
    buf_free(&text);

    char *declared = declared_language(buf_str(&html), html.len);
    const char *lang = declared ? declared : rec ? rec->lang : "und";
    q->undeclared += declared == NULL;
    score_add(&q->all, &page);
    lang_row_t *row = lang_row(q, lang);
    if (row)
        score_add(&row->score, &page);
    free(declared);
    free(error);
    record_destroy(&rec);
    buf_free(&html);
    return 0;
}

/* ---- report -------------------------------------------------------- */

static void print_row(const char *label, const score_t *s)
{
    printf("%-8s %6zu %6zu %6zu %6zu %9.3f %7.3f %6.3f\n", label, s->pages, s->tp, s->fn,
           s->fp, precision_of(s), recall_of(s), f1_of(s));
}

static int by_pages(const void *a, const void *b)
{
    const lang_row_t *x = a, *y = b;
    if (x->score.pages != y->score.pages)
        return x->score.pages < y->score.pages ? 1 : -1;
    return strcmp(x->lang, y->lang);
}

static void report(quality_t *q, const char *dir)
{
    const score_t *all = &q->all;
    printf("web-eval: %zu pages, %.1f MB of HTML, extractor %d, %s\n", all->pages,
           (double)all->bytes / 1e6, EXTRACT_VERSION, dir);
    printf("%-8s %6s %6s %6s %6s %9s %7s %6s\n", "", "pages", "tp", "fn", "fp",
           "precision", "recall", "F1");
    print_row("all", all);
    qsort(q->langs, q->lang_count, sizeof(q->langs[0]), by_pages);
    score_t other = { 0 };
    for (size_t i = 0; i < q->lang_count; i++) {
        if (q->langs[i].score.pages >= LANG_MIN_PAGES)
            print_row(q->langs[i].lang, &q->langs[i].score);
        else
            score_add(&other, &q->langs[i].score);
    }
    if (other.pages)
        print_row("other", &other);
    printf("languages: as the page declares it; %zu pages declare none and count under the"
           " detected one\n", q->undeclared);
    printf("speed: %.1f MB/s per core (HTML bytes over the CPU time of extract_document,"
           " one thread: %.2f s)\n",
           all->seconds > 0 ? (double)all->bytes / 1e6 / all->seconds : 0.0, all->seconds);
    printf("failed: %zu pages could not be extracted\n", all->failed);
}

/* 0 when the figures reach the floor, 1 (with the reason) when not, 2
 * when the floor file is unreadable. */
static int check_floor(const quality_t *q, const char *path)
{
    json_error_t jerr;
    json_t *floor = json_load_file(path, 0, &jerr);
    if (!floor) {
        fprintf(stderr, "quality: %s:%d: %s\n", path, jerr.line, jerr.text);
        return QUALITY_BROKEN;
    }
    json_t *f1 = json_object_get(floor, "f1");
    json_t *precision = json_object_get(floor, "precision");
    if (!json_is_number(f1) || !json_is_number(precision)) {
        fprintf(stderr, "quality: %s: needs numbers \"f1\" and \"precision\"\n", path);
        json_decref(floor);
        return QUALITY_BROKEN;
    }
    double f1_min = json_number_value(f1), p_min = json_number_value(precision);
    json_decref(floor);
    double f1_now = f1_of(&q->all), p_now = precision_of(&q->all);
    int ok = f1_now >= f1_min && p_now >= p_min;
    printf("floor: F1 %.4f (floor %.4f), precision %.4f (floor %.4f): %s\n", f1_now, f1_min,
           p_now, p_min, ok ? "ok" : "BELOW THE FLOOR");
    if (!ok)
        fprintf(stderr, "quality: extraction quality fell below %s; run make quality and "
                        "quality --pages to see which pages changed\n", path);
    return ok ? QUALITY_OK : QUALITY_BELOW;
}

int webeval_run(const char *dir, const char *floor, int show_pages)
{
    quality_t *q = xcalloc(1, sizeof(*q));
    q->show_pages = show_pages;
    char path[4096];
    snprintf(path, sizeof(path), "%s/evaldata.json", dir);
    json_error_t jerr;
    json_t *eval = json_load_file(path, 0, &jerr);
    if (!json_is_object(eval)) {
        fprintf(stderr, "quality: %s: %s\n", path, eval ? "not a JSON object" : jerr.text);
        json_decref(eval);
        free(q);
        return QUALITY_BROKEN;
    }
    const char *url;
    json_t *entry;
    int status = QUALITY_OK;
    json_object_foreach(eval, url, entry) {
        if (score_page(q, dir, url, entry) != 0) {
            status = QUALITY_BROKEN;
            break;
        }
    }
    json_decref(eval);
    if (status == QUALITY_OK && q->all.pages == 0) {
        fprintf(stderr, "quality: %s: no pages\n", path);
        status = QUALITY_BROKEN;
    }
    if (status == QUALITY_OK) {
        report(q, dir);
        if (floor)
            status = check_floor(q, floor);
    }
    free(q);
    return status;
}
