/* jsonld: what a page states about itself in JSON-LD.
 *
 * News and blog templates emit schema.org objects in <script
 * type="application/ld+json"> blocks: NewsArticle, BlogPosting, often
 * inside an "@graph" array, sometimes several per page. Their
 * "articleBody" is the article's text as the site's CMS holds it: the
 * extractor uses it to find which element of the page holds the article
 * (html_text.c); "datePublished", "headline" and "author" feed the
 * metadata (html_meta.c). Parsed with jansson; nothing here trusts the JSON to be
 * well formed, small or shallow. */
#ifndef FEEDMILL_EXTRACT_JSONLD_H
#define FEEDMILL_EXTRACT_JSONLD_H

#include <stddef.h>

#include "common/buf.h"

/* Objects nested deeper than this are not looked into. */
#define JSONLD_MAX_DEPTH 32

/* Finds the longest "articleBody" string at any depth of the JSON text
 * json[0..len) and, when it is longer than out's current content,
 * replaces out with it, white space collapsed (text_append_collapsed).
 * Returns 1 when out was replaced, 0 otherwise (also for malformed JSON). */
int jsonld_article_body(const char *json, size_t len, buf_t *out);

/* What the page's JSON-LD says of the article: the first datePublished
 * (else dateCreated) and headline strings met depth-first, and the first
 * author (a name string, an object's "name", or the first of an array of
 * them; an object that is only an "@id", as "@graph" documents write it,
 * stands for the object of that "@id" elsewhere in the same block).
 * Strings are malloc'd copies, NULL when absent. */
typedef struct jsonld_meta {
    char *published;
    char *headline;
    char *author;
    char *created;      /* dateCreated, for a page without datePublished */
} jsonld_meta_t;

/* Fills the fields of out that are still NULL from the JSON text
 * json[0..len). Returns 0 for malformed JSON (out unchanged), else 1. */
int jsonld_meta(const char *json, size_t len, jsonld_meta_t *out);
void jsonld_meta_free(jsonld_meta_t *m);

#endif
