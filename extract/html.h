/* html: web pages through libxml2's forgiving HTML parser.
 *
 * html.c parses and offers the tree helpers; html_text.c finds the main
 * text in the tree; html_meta.c reads title, date, author and language
 * from the same tree. libxml2 types stay out of this header (struct
 * _xmlDoc is libxml2's own tag for xmlDoc) so that only these files see
 * the library. */
#ifndef FEEDMILL_EXTRACT_HTML_H
#define FEEDMILL_EXTRACT_HTML_H

#include <stddef.h>

#include "common/buf.h"
#include "lines.h"
#include "meta.h"

struct _xmlDoc;
struct _xmlNode;

/* Parses a page already converted to UTF-8 (its own charset declaration
 * is ignored). Never prints anything. NULL only when libxml2 returns no
 * document at all. Free with html_free. */
struct _xmlDoc *html_parse(const char *utf8, size_t len);
void html_free(struct _xmlDoc *doc);

/* The main text as paragraphs, one line per block element: the article
 * container (a ranked hint: itemprop=articleBody, class names such as
 * "entry-content", <article>, <main>; else the block that scores best
 * on text and link density, with its siblings of similar worth) without
 * navigation, scripts, forms, comments, share bars, related lists and
 * other chrome, link lists left out. Uses the nodes' _private fields. */
void html_main_text(struct _xmlDoc *doc, const char *page_type, lines_t *out);

/* Title, published date, author and the declared language; page_type
 * (page_type.h's name, or NULL) picks among the title's sources. */
void html_meta(struct _xmlDoc *doc, const char *page_type, meta_t *m);

/* Text of a subtree, white space collapsed, scripts and styles skipped;
 * it stops after about HTML_NODE_TEXT_MAX bytes: it serves titles and
 * names, and must stay cheap on a huge element. */
#define HTML_NODE_TEXT_MAX 4096
void html_node_text(struct _xmlNode *node, buf_t *out);

/* Value of attribute name on node as a malloc'd string, or NULL. */
char *html_attr(struct _xmlNode *node, const char *name);

/* 1 for elements whose content is code, never text: script, style,
 * template. (<noscript> is not: broken pages get the rest of the page
 * nested into one.) */
int html_is_code(const struct _xmlNode *node);

/* 1 when node is the element called name (lowercase). */
int html_is(const struct _xmlNode *node, const char *name);

/* The next node in document order after node within root, not entering
 * node's children when skip_children is set; NULL at the end. */
struct _xmlNode *html_next(struct _xmlNode *node, struct _xmlNode *root,
                           int skip_children);

#endif
