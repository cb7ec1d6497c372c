/* quality: extraction scored against the shared annotated corpora.
 *
 * quality.c parses the command line and holds what both scorers share;
 * quality_webeval.c scores web-eval (trafilatura's snippets),
 * quality_wcxb.c scores wcxb-dev (WCXB's word multisets, metadata and
 * page types) with the word splitting of quality_words.c. Each corpus is
 * scored the way its README (../shared/corpus/README.md) says. */
#ifndef FEEDMILL_TESTS_QUALITY_H
#define FEEDMILL_TESTS_QUALITY_H

#include <stddef.h>

#include "common/buf.h"

/* Exit statuses of a run: the figures reach the floor (or none was
 * given), they fall below it, the corpus or floor cannot be read. */
enum { QUALITY_OK = 0, QUALITY_BELOW = 1, QUALITY_BROKEN = 2 };

/* Each scores every page of its corpus in dir through extract_document,
 * prints the report, then checks floor (a JSON file, or NULL for none).
 * show_pages prints the details of every page that misses; show_meta
 * every metadata field that disagrees with the ground truth. */
int webeval_run(const char *dir, const char *floor, int show_pages);
int wcxb_run(const char *dir, const char *floor, int show_pages, int show_meta);

/* CPU time of the calling thread, in seconds: what extraction is timed by. */
double quality_thread_seconds(void);
/* Reads the gzip-compressed file at path into html (appended).
 * 0, or -1 after printing why. */
int quality_read_gz(const char *path, buf_t *html);

/* a / b, 0 when b is 0. */
double quality_ratio(double a, double b);

/* Words as the regular expression \w+ finds them in lower-cased text
 * (Python's str.lower, then re's Unicode word characters: letters,
 * numbers, the underscore). */
typedef struct words {
    char *text;         /* the lower-cased words, each NUL-terminated */
    char **word;        /* each word in text, sorted (strcmp) */
    size_t count;
} words_t;

void words_split(const char *s, size_t len, words_t *out);
void words_free(words_t *w);
/* The size of the multiset intersection of a and b. */
size_t words_common(const words_t *a, const words_t *b);

#endif
