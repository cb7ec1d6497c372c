/* html_meta_int: what html_meta.c and html_title.c share; internal to
 * the extractor.
 *
 * html_meta.c walks the page once and keeps every candidate in a found_t;
 * html_title.c chooses the title from the candidates kept for it (the
 * <h1>s, <title>, og:title, twitter:title, the JSON-LD headline and the
 * site's names). */
#ifndef FEEDMILL_EXTRACT_HTML_META_INT_H
#define FEEDMILL_EXTRACT_HTML_META_INT_H

#include <stddef.h>

typedef struct best {
    char *value;
    int rank;              /* lower is better */
} best_t;

/* Headings and site names kept for choosing the title. */
#define H1_MAX 3
#define SITES_MAX 6
#define AUTHORS_MAX 8

typedef struct found {
    best_t title, date, author, lang;
    char *title_tag;                   /* <title>, white space collapsed */
    char *h1[H1_MAX];                  /* the first non-empty <h1>s */
    size_t n_h1;
    char *og_title, *tw_title, *headline;   /* as written, collapsed */
    char *site[SITES_MAX];             /* the site's names */
    size_t n_site;
    char written_by;                   /* N of twitter:labelN "Written by", or 0 */
    int after_label;                   /* the last text was a byline's label ("By") */
    best_t authors[AUTHORS_MAX];       /* every author offered, in order */
    size_t n_authors;
    int in_body;
    const char *page_type;             /* page_type.h's name, or NULL */
} found_t;

/* s equals one of the site's names, case and white space aside. */
int html_meta_is_site(const found_t *f, const char *s, size_t len);

/* Keeps name (len bytes, white space collapsed) as one of the site's
 * names; nothing when SITES_MAX are kept already, or it is empty or
 * longer than 120 bytes. */
void html_meta_add_site(found_t *f, const char *name, size_t len);

/* The title: a heading the tags agree with, else the best-ranked tag's
 * title, else <title>, else an <h1>, without site-name suffixes; the
 * strings it returns it takes out of f (it sets their slots to NULL).
 * malloc'd, or NULL when the page offers none. Adds site names to f. */
char *html_title_choose(found_t *f);

#endif
