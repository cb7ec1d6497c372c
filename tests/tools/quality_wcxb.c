/* quality_wcxb: the wcxb-dev corpus (WCXB, the Web Content eXtraction
 * Benchmark, development split).
 *
 * DIR holds ground-truth/NNNN.json and html/NNNN.html.gz
 * (../shared/corpus/wcxb-dev, see its README). Scored as the benchmark
 * scores itself: per page, the words (quality_words.c) of the extracted
 * body and of the reference main_content as two multisets; precision =
 * common / extracted, recall = common / reference, F1; an empty (or
 * null) reference scores 1 when the extraction is empty too, else 0; a failed or empty
 * extraction of a non-empty reference scores 0. Means over pages, overall
 * and per page type (ground truth _internal.page_type.primary).
 *
 * Also: metadata agreement, each over the pages whose ground truth has
 * the field: title (equal after lower-casing and collapsing white
 * space), date (the same day: the first ten characters, YYYY-MM-DD; the
 * same month for a truth that names only one, YYYY-MM),
 * author (equal so normalised, or one contains the other); and the
 * page-type classification (record.page_type) against the ground truth,
 * with its confusion table. The page's name, not its URL, is what
 * extract_document gets as source: the URL signals a page type is
 * classified by must come from the page itself.
 *
 * Floor file: {"f1": X, "article_f1": Y, "page_type_accuracy": Z,
 * "title": T, "date": D, "author": A} (the last three the metadata
 * agreement rates); "f1" is required, the other keys are checked when
 * present. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "extract/extract.h"
#include "extract/utf8.h"
#include "proto/record.h"
#include "quality.h"

/* The page types of docs/database.md, most pages first; one more row and
 * column for anything else (a missing or unknown type). */
static const char *const type_names[] = {
    "article", "service", "product", "collection", "forum", "listing", "documentation",
};
#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))
#define TYPE_OTHER TYPE_COUNT

/* A page with F1 below this is listed by --pages. */
#define SHOW_BELOW_F1 0.8

typedef struct mean {
    size_t pages, failed;
    double precision, recall, f1;     /* sums over the pages */
    size_t bytes;
    double seconds;
} mean_t;

typedef struct agreement {
    size_t have, agree;
} agreement_t;

typedef struct wcxb {
    mean_t all, by_type[TYPE_COUNT + 1];
    agreement_t title, date, author;
    size_t confusion[TYPE_COUNT + 1][TYPE_COUNT + 1];   /* [truth][predicted] */
    size_t typed;                     /* pages whose record has a page type */
    int show_pages, show_meta;
} wcxb_t;

static size_t type_index(const char *name)
{
    for (size_t i = 0; name && i < TYPE_COUNT; i++)
        if (!strcmp(name, type_names[i]))
            return i;
    return TYPE_OTHER;
}

static const char *type_name(size_t i)
{
    return i < TYPE_COUNT ? type_names[i] : "other";
}

/* ---- metadata ------------------------------------------------------ */

/* s lower-cased, white space runs collapsed to one space, ends trimmed. */
static void fold(const char *s, buf_t *out)
{
    buf_reset(out);
    size_t len = strlen(s);
    int pending = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i = utf8_next(s, len, i, &cp);
        if (cp == UTF8_INVALID)
            continue;
        utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
        if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
            c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
            c == UTF8PROC_CATEGORY_ZP) {
            pending = out->len > 0;
            continue;
        }
        if (pending)
            buf_putc(out, ' ');
        pending = 0;
        uint8_t enc[4];
        utf8proc_ssize_t n = utf8proc_encode_char(utf8proc_tolower((utf8proc_int32_t)cp), enc);
        buf_append(out, enc, (size_t)n);
    }
}

typedef enum { SAME_TEXT, SAME_DAY, SAME_OR_CONTAINED } match_t;

/* Counts one page's field into a; 1 when it agrees, 0 when it does
 * not, -1 when the ground truth has no such field. */
static int agree(agreement_t *a, const char *truth, const char *got, match_t how)
{
    if (!truth || !*truth)
        return -1;
    a->have++;
    if (!got)
        return 0;
    int same;
    if (how == SAME_DAY) {
        /* Two ground truths give a month only ("2015-11"): the same
         * month is all they can say. */
        size_t n = strlen(truth) >= 10 ? 10 : strlen(truth) == 7 ? 7 : 0;
        same = n && strlen(got) >= n && !strncmp(truth, got, n);
    } else {
        buf_t t = BUF_INIT, g = BUF_INIT;
        fold(truth, &t);
        fold(got, &g);
        same = !strcmp(buf_str(&t), buf_str(&g));
        if (!same && how == SAME_OR_CONTAINED && t.len && g.len)
            same = strstr(buf_str(&t), buf_str(&g)) || strstr(buf_str(&g), buf_str(&t));
        buf_free(&t);
        buf_free(&g);
    }
    a->agree += (size_t)same;
    return same;
}

/* --meta: one line per field that disagrees. */
static void show_miss(const char *id, const char *label, const char *truth, const char *got)
{
    printf("%s %-6s want \"%s\" got %s%s%s\n", id, label, truth, got ? "\"" : "",
           got ? got : "nothing", got ? "\"" : "");
}

/* ---- one page ------------------------------------------------------ */

static const char *field(json_t *obj, const char *a, const char *b, const char *c)
{
    json_t *v = json_object_get(obj, a);
    if (b)
        v = json_object_get(v, b);
    if (c)
        v = json_object_get(v, c);
    return json_string_value(v);
}

static void mean_add(mean_t *into, const mean_t *page)
{
    into->pages += page->pages;
    into->failed += page->failed;
    into->precision += page->precision;
    into->recall += page->recall;
    into->f1 += page->f1;
    into->bytes += page->bytes;
    into->seconds += page->seconds;
}

/* The page's precision, recall and F1 by the benchmark's rule. */
static void score_words(const char *body, const char *reference, mean_t *page)
{
    words_t got, want;
    words_split(body ? body : "", body ? strlen(body) : 0, &got);
    words_split(reference, strlen(reference), &want);
    if (want.count == 0) {
        page->precision = page->recall = page->f1 = got.count == 0;
    } else if (got.count > 0) {
        size_t common = words_common(&got, &want);
        page->precision = quality_ratio((double)common, (double)got.count);
        page->recall = quality_ratio((double)common, (double)want.count);
        double sum = page->precision + page->recall;
        page->f1 = sum > 0 ? 2 * page->precision * page->recall / sum : 0.0;
    }
    words_free(&got);
    words_free(&want);
}

/* Scores ground-truth/name. 0, or -1 when the corpus is broken. */
static int score_page(wcxb_t *q, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/ground-truth/%s", dir, name);
    json_error_t jerr;
    json_t *truth = json_load_file(path, 0, &jerr);
    /* A null main_content (two pages) is an empty reference. */
    const char *reference = field(truth, "ground_truth", "main_content", NULL);
    if (!reference)
        reference = "";
    if (!json_is_object(json_object_get(truth, "ground_truth"))) {
        fprintf(stderr, "quality: %s: %s\n", path, truth ? "no ground_truth" : jerr.text);
        json_decref(truth);
        return -1;
    }
    char id[256];
    snprintf(id, sizeof(id), "%.*s", (int)(strlen(name) - strlen(".json")), name);
    snprintf(path, sizeof(path), "%s/html/%s.html.gz", dir, id);
    buf_t html = BUF_INIT;
    if (quality_read_gz(path, &html) != 0) {
        buf_free(&html);
        json_decref(truth);
        return -1;
    }

    mean_t page = { 1, 0, 0.0, 0.0, 0.0, html.len, 0.0 };
    char source[300], *error = NULL;
    snprintf(source, sizeof(source), "%s.html", id);
    double start = quality_thread_seconds();
    record_t *rec = extract_document(source, (const uint8_t *)buf_str(&html), html.len, &error);
    page.seconds = quality_thread_seconds() - start;
    page.failed = rec == NULL;
    score_words(rec ? rec->body : NULL, reference, &page);

    const char *type = field(truth, "_internal", "page_type", "primary");
    size_t t = type_index(type);
    mean_add(&q->all, &page);
    mean_add(&q->by_type[t], &page);
    size_t predicted = type_index(rec ? rec->page_type : NULL);
    q->confusion[t][predicted]++;
    q->typed += rec && rec->page_type;

    static const struct { const char *label, *key; match_t how; } fields[] = {
        { "title", "title", SAME_TEXT },
        { "date", "publish_date", SAME_DAY },
        { "author", "author", SAME_OR_CONTAINED },
    };
    agreement_t *counts[] = { &q->title, &q->date, &q->author };
    const char *got[] = { rec ? rec->title : NULL, rec ? rec->published : NULL,
                          rec ? rec->author : NULL };
    for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
        const char *want = field(truth, "ground_truth", fields[k].key, NULL);
        if (agree(counts[k], want, got[k], fields[k].how) == 0 && q->show_meta)
            show_miss(id, fields[k].label, want, got[k]);
    }

    if (q->show_pages && (page.f1 < SHOW_BELOW_F1 || predicted != t))
        printf("%s %-13s %-13s P %.3f R %.3f F1 %.3f %s%s%s\n", id, type_name(t),
               rec && rec->page_type ? rec->page_type : "-", page.precision, page.recall,
               page.f1, field(truth, "url", NULL, NULL) ? field(truth, "url", NULL, NULL) : "",
               rec ? "" : "  FAILED: ", rec ? "" : error ? error : "no reason given");
    free(error);
    record_destroy(&rec);
    buf_free(&html);
    json_decref(truth);
    return 0;
}

/* ---- report -------------------------------------------------------- */

static double mean_of(const mean_t *m, double sum)
{
    return quality_ratio(sum, (double)m->pages);
}

static double type_accuracy(const wcxb_t *q, size_t t)
{
    size_t n = 0;
    for (size_t p = 0; p <= TYPE_COUNT; p++)
        n += q->confusion[t][p];
    return quality_ratio((double)q->confusion[t][t], (double)n);
}

static double overall_accuracy(const wcxb_t *q)
{
    size_t right = 0;
    for (size_t t = 0; t < TYPE_COUNT; t++)
        right += q->confusion[t][t];
    return quality_ratio((double)right, (double)q->all.pages);
}

static void print_row(const char *label, const mean_t *m, double accuracy)
{
    printf("%-13s %6zu %9.3f %7.3f %6.3f", label, m->pages, mean_of(m, m->precision),
           mean_of(m, m->recall), mean_of(m, m->f1));
    if (accuracy >= 0)
        printf(" %9.3f", accuracy);
    printf("\n");
}

static double rate(const agreement_t *a)
{
    return quality_ratio((double)a->agree, (double)a->have);
}

static void print_agreement(const char *label, const agreement_t *a)
{
    printf(" %s %.3f (%zu/%zu)", label, rate(a), a->agree, a->have);
}

static void report(const wcxb_t *q, const char *dir)
{
    int typed = q->typed > 0;
    printf("wcxb-dev: %zu pages, %.1f MB of HTML, extractor %d, %s\n", q->all.pages,
           (double)q->all.bytes / 1e6, EXTRACT_VERSION, dir);
    printf("%-13s %6s %9s %7s %6s%s\n", "", "pages", "precision", "recall", "F1",
           typed ? "  type acc" : "");
    print_row("all", &q->all, typed ? overall_accuracy(q) : -1);
    for (size_t t = 0; t <= TYPE_COUNT; t++)
        if (q->by_type[t].pages)
            print_row(type_name(t), &q->by_type[t], typed ? type_accuracy(q, t) : -1);
    printf("means over pages; the type is the ground truth's\n");
    printf("metadata:");
    print_agreement("title", &q->title);
    print_agreement("date", &q->date);
    print_agreement("author", &q->author);
    printf("\n");
    if (typed) {
        printf("page types: rows the ground truth, columns what feedmill says\n%-13s", "");
        for (size_t p = 0; p <= TYPE_COUNT; p++)
            printf(" %5.5s", type_name(p));
        printf("\n");
        for (size_t t = 0; t <= TYPE_COUNT; t++) {
            if (!q->by_type[t].pages)
                continue;
            printf("%-13s", type_name(t));
            for (size_t p = 0; p <= TYPE_COUNT; p++)
                printf(" %5zu", q->confusion[t][p]);
            printf("\n");
        }
    } else {
        printf("page types: none set by the extractor\n");
    }
    printf("speed: %.1f MB/s per core (HTML bytes over the CPU time of extract_document,"
           " one thread: %.2f s)\n",
           q->all.seconds > 0 ? (double)q->all.bytes / 1e6 / q->all.seconds : 0.0,
           q->all.seconds);
    printf("failed: %zu pages could not be extracted\n", q->all.failed);
}

/* One "key": minimum of the floor file against now; -1 when the key is
 * there but not a number. */
static int check_key(json_t *floor, const char *key, double now, int required, int *ok)
{
    json_t *v = json_object_get(floor, key);
    if (!v)
        return required ? -1 : 0;
    if (!json_is_number(v))
        return -1;
    double min = json_number_value(v);
    int good = now >= min;
    printf(" %s %.4f (floor %.4f)%s", key, now, min, good ? "" : " BELOW");
    *ok &= good;
    return 0;
}

static int check_floor(const wcxb_t *q, const char *path)
{
    json_error_t jerr;
    json_t *floor = json_load_file(path, 0, &jerr);
    if (!floor) {
        fprintf(stderr, "quality: %s:%d: %s\n", path, jerr.line, jerr.text);
        return QUALITY_BROKEN;
    }
    int ok = 1;
    printf("floor:");
    const mean_t *article = &q->by_type[type_index("article")];
    int bad = check_key(floor, "f1", mean_of(&q->all, q->all.f1), 1, &ok) < 0 ||
              check_key(floor, "article_f1", mean_of(article, article->f1), 0, &ok) < 0 ||
              check_key(floor, "page_type_accuracy", overall_accuracy(q), 0, &ok) < 0 ||
              check_key(floor, "title", rate(&q->title), 0, &ok) < 0 ||
              check_key(floor, "date", rate(&q->date), 0, &ok) < 0 ||
              check_key(floor, "author", rate(&q->author), 0, &ok) < 0;
    json_decref(floor);
    printf(": %s\n", bad ? "UNREADABLE" : ok ? "ok" : "BELOW THE FLOOR");
    if (bad) {
        fprintf(stderr, "quality: %s: needs a number \"f1\" (\"article_f1\", "
                        "\"page_type_accuracy\", \"title\", \"date\" and \"author\" "
                        "optional)\n", path);
        return QUALITY_BROKEN;
    }
    if (!ok)
        fprintf(stderr, "quality: wcxb-dev figures fell below %s; run make quality and "
                        "quality --pages (--meta for metadata) to see which pages changed\n", path);
    return ok ? QUALITY_OK : QUALITY_BELOW;
}

static int is_truth_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 5 && !strcmp(e->d_name + n - 5, ".json");
}

int wcxb_run(const char *dir, const char *floor, int show_pages, int show_meta)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/ground-truth", dir);
    struct dirent **names = NULL;
    int n = scandir(path, &names, is_truth_file, alphasort);
    if (n <= 0) {
        fprintf(stderr, "quality: %s: %s\n", path, n < 0 ? "cannot be read" : "no pages");
        free(names);
        return QUALITY_BROKEN;
    }
    wcxb_t *q = xcalloc(1, sizeof(*q));
    q->show_pages = show_pages;
    q->show_meta = show_meta;
    int status = QUALITY_OK;
    for (int i = 0; i < n; i++) {
        if (status == QUALITY_OK && score_page(q, dir, names[i]->d_name) != 0)
            status = QUALITY_BROKEN;
        free(names[i]);
    }
    free(names);
    if (status == QUALITY_OK) {
        report(q, dir);
        if (floor)
            status = check_floor(q, floor);
    }
    free(q);
    return status;
}
