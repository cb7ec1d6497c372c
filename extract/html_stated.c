/* html_stated: the element holding the article a page states in its
 * JSON-LD (articleBody), found by phrases of that text in the tree: the
 * first choice of html_text.c, apart because it reads the page's JSON,
 * not its markup. */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "html.h"
#include "html_page.h"
#include "jsonld.h"
#include "text.h"

/* A JSON-LD articleBody shorter than this is a summary, not a signal. */
#define STATED_MIN_TEXT 400
/* Probes taken along the stated body, and their lengths in bytes. */
#define STATED_PROBES 8
#define PROBE_MIN 12
#define PROBE_MAX 40

/* ---- the body the page states (JSON-LD) ---------------------------- */

/* The longest articleBody of the page's JSON-LD blocks, collapsed. */
static void stated_body(const page_t *p, buf_t *out)
{
    buf_t json = BUF_INIT;
    for (size_t i = 1; i < p->n; i++) {
        xmlNode *n = p->v[i].node;
        if (!html_is(n, "script"))
            continue;
        xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
        int ld = type && strcmp((const char *)type, "application/ld+json") == 0;
        xmlFree(type);
        if (!ld)
            continue;
        buf_reset(&json);
        for (xmlNode *c = n->children; c; c = c->next)
            if (c->content)
                buf_puts(&json, (const char *)c->content);
        jsonld_article_body(buf_str(&json), json.len, out);
    }
    buf_free(&json);
}

typedef struct probe {
    const char *s;
    size_t len;
    xmlNode *found;        /* the first text node holding it */
} probe_t;

/* Up to STATED_PROBES phrases spread along body, each starting and
 * ending at a word boundary. Returns how many. */
static size_t take_probes(const buf_t *body, probe_t *probes)
{
    size_t n = 0;
    for (size_t k = 0; k < STATED_PROBES; k++) {
        size_t at = body->len * k / STATED_PROBES;
        while (at > 0 && at < body->len && body->data[at - 1] != ' ')
            at++;
        if (at + PROBE_MIN > body->len)
            continue;
        size_t end = at + PROBE_MAX < body->len ? at + PROBE_MAX : body->len;
        while (end > at + PROBE_MIN && end < body->len && body->data[end] != ' ')
            end--;
        if (end - at < PROBE_MIN)
            continue;
        probes[n++] = (probe_t){ body->data + at, end - at, NULL };
    }
    return n;
}

/* The element holding the article the page states in JSON-LD: the
 * nearest common ancestor of the text nodes where phrases of the stated
 * body appear. NULL without a stated body, when too few phrases are
 * found (the site's HTML differs from its CMS text), or when the
 * ancestor is the whole body or holds far less text than stated. */
xmlNode *choose_stated(const page_t *p)
{
    xmlNode *top = p->top;
    buf_t body = BUF_INIT;
    stated_body(p, &body);
    xmlNode *found = NULL;
    probe_t probes[STATED_PROBES];
    size_t n = body.len >= STATED_MIN_TEXT ? take_probes(&body, probes) : 0, hits = 0;
    buf_t text = BUF_INIT;
    for (xmlNode *t = top; n > 0 && hits < n && t; t = html_next(t, top, html_is_code(t))) {
        if (t->type != XML_TEXT_NODE || !t->content)
            continue;
        buf_reset(&text);
        text_append_collapsed(&text, (const char *)t->content, strlen((const char *)t->content));
        if (text.len < PROBE_MIN)
            continue;
        for (size_t k = 0; k < n; k++)
            if (!probes[k].found && memmem(text.data, text.len, probes[k].s, probes[k].len)) {
                probes[k].found = t;
                hits++;
            }
    }
    /* Most phrases found: their common ancestor holds the article. */
    if (n > 0 && hits * 2 > n)
        for (size_t k = 0; k < n; k++)
            if (probes[k].found)
                found = found ? common_ancestor(p, found, probes[k].found) : probes[k].found;
    if (found && found->type != XML_ELEMENT_NODE)
        found = found->parent;
    if (found && (found == top || found->type != XML_ELEMENT_NODE || !info(p, found)->live ||
                  info(p, found)->text * 4 < body.len))
        found = NULL;
    buf_free(&text);
    buf_free(&body);
    return found;
}
