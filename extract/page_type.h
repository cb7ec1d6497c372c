/* page_type: what kind of web page a document is.
 *
 * A feed carries more than articles: forum threads, product pages, shop
 * categories (collections), lists of news or courses (listings),
 * documentation and service pages. Each asks for different extraction
 * and users filter by it (`feedmill search --type`), so every HTML page
 * is classed as one of PAGE_TYPES from its own signals, gathered in one
 * walk over the parsed tree:
 *
 *   - what the page says it is: schema.org types in JSON-LD and
 *     microdata (NewsArticle, Product, DiscussionForumPosting, ...) and
 *     og:type;
 *   - the shape of its URL (og:url, the canonical link): /products/,
 *     /collections/, /t/, /questions/, /docs/, a date in the path;
 *   - its structure: code blocks, prices, repeated posts or comments,
 *     repeated cards with a link and a picture, forms, pricing tables.
 *
 * A linear model fitted on wcxb-dev weighs the signals into a score per
 * type; the best score wins (an article when nothing speaks: its prior
 * is the highest). Plain text documents have no type (NULL). */
#ifndef FEEDMILL_EXTRACT_PAGE_TYPE_H
#define FEEDMILL_EXTRACT_PAGE_TYPE_H

#include <stddef.h>

struct _xmlDoc;

/* The names, as the record, the wire and the database carry them. */
#define PAGE_TYPES "article, forum, product, collection, listing, documentation, service"

/* One of the names above (a static string). */
const char *page_type_classify(struct _xmlDoc *doc);

/* What the classifier reads of a page, for its training
 * (scripts/page_type_train.py, through tests/tools/page_features):
 * up to max numbers into out and, when names is not NULL, their names
 * (static strings). Returns how many there are. */
size_t page_type_features(struct _xmlDoc *doc, double *out, size_t max, const char **names);

/* 1 when name is one of the types. */
int page_type_valid(const char *name);

#endif
