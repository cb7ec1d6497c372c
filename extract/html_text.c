/* html_text: the main text of a parsed page. See html_main_text in html.h.
 *
 * Three steps over the tree, each one iterative pass:
 *
 *  1. statistics: every element gets a slot (its index is kept in the
 *     node's _private field, which libxml2 leaves to the application)
 *     with its visible text and link text, once as parsed (raw) and once
 *     without the pruned chrome (clean), the text it holds directly,
 *     outside nested blocks (own), and the slot of its last descendant,
 *     so that "does a hold b" is one comparison at any depth;
 *  2. pruning: chrome tags (nav, aside, forms, captions, ...), hidden
 *     elements and class and id names of chrome (html_words.c) are left
 *     out top-down; lists, tables and boxes that are mostly link text are
 *     left out bottom-up, judged on their clean text (with the link boxes
 *     below them still counted). An element holding more than half of
 *     the text outside links it is judged against (its nearest
 *     <article>, <main> or <body>) is a wrapper of broken markup, never
 *     pruned, whatever its name says;
 *  3. the container: the element holding the phrases of the page's
 *     JSON-LD articleBody (jsonld.c), else the best-ranked hint
 *     (itemprop=articleBody, then class/id names such as
 *     "entry-content", <article>, more class names, <main>) with enough
 *     text, each with its siblings of similar worth; else Readability's
 *     choice: every paragraph scores its parent and grandparents by its
 *     length and commas, scores are weighed by class names and by one
 *     minus the link density, the best block wins and takes along
 *     siblings of similar worth. A hint that holds under a third of the
 *     scored block's text, outside it, named a widget: the scored block
 *     goes first. The article's lead paragraph, when its template keeps
 *     it apart above the container, goes with it.
 *
 * The element slots live in one array for the page (page_t), freed at
 * the end; the _private fields then hold stale indices, which nothing
 * reads (extract.c frees the document right after).
 *
 * When the text from the chosen container is short, the next choice (the
 * scored block, then the whole body) is tried, and the first that gives
 * enough text, else the longest, is kept. When the rules leave too
 * little, they are relaxed step by step: fewer rules beat a body too
 * short to be one, if they at least double it.
 *
 * Every element's sizes are computed once: asking them of nested
 * elements one by one would be quadratic on deeply nested pages.
 *
 * The page type (page_type.c) picks a profile: a thread, a listing, a
 * shop's category, a service or product page is made of items that a
 * template writes alike, and the best such repeated structure near the
 * chosen text (html_repeat.c) joins every choice when it outweighs it
 * by the profile's share; its items are walked under tag rules only,
 * with their links. An article takes a structure only when it far
 * outweighs the prose (a list the classifier took for an article). */
#include "html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "html_page.h"
#include "html_repeat.h"
#include "html_words.h"
#include "jsonld.h"
#include "text.h"
#include "utf8.h"

/* Below this much text a hint container is a teaser, not the article. */
#define ARTICLE_MIN_TEXT 200
/* An itemprop=articleBody is trusted from half that size. */
#define PROP_MIN_TEXT 100
/* A result shorter than this (bytes of text) sends us to the next choice. */
#define RESULT_MIN_TEXT 250
/* A paragraph with more than this share of link text is navigation. */
#define LINK_SHARE_MAX 0.5
/* Lists, tables and boxes with more than this share of link text are
 * link lists: related articles, tag clouds, archives. */
#define BOX_LINK_SHARE_MAX 0.5
/* An article's <header> with more link text than this is navigation. */
#define HEADER_LINK_SHARE_MAX 0.3
/* A hint outside the scored block with less than its text over this
 * named a widget. */
#define HINT_SLIVER 3
/* A lead paragraph needs this much text. */
#define LEAD_MIN_TEXT 40
/* A paragraph up to this long that is mostly a <time> is a dateline. */
#define DATELINE_MAX 80
/* A JSON-LD articleBody shorter than this is a summary, not a signal. */
#define STATED_MIN_TEXT 400
/* Probes taken along the stated body, and their lengths in bytes. */
#define STATED_PROBES 8
#define PROBE_MIN 12
#define PROBE_MAX 40
/* Readability: a block with less own text than this does not score. */
#define SCORE_MIN_OWN 25
/* Readability: how many ancestors a paragraph scores. */
#define SCORE_LEVELS 5

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- element classes ----------------------------------------------- */

static int name_in(const xmlNode *node, const char *const *names, size_t n)
{
    if (node->type != XML_ELEMENT_NODE || !node->name)
        return 0;
    const char *name = (const char *)node->name;
    for (size_t i = 0; i < n; i++)
        if (name[0] == names[i][0] && strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

static int is_block(const xmlNode *node)
{
    static const char *const blocks[] = {
        "address", "article", "aside", "blockquote", "body", "br", "caption",
        "center", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "nav",
        "ol", "option", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    };
    return name_in(node, blocks, COUNT(blocks));
}

/* Never article text, whatever their attributes say. */
static int is_chrome_tag(const xmlNode *node)
{
    static const char *const chrome[] = {
        "script", "style", "noscript", "template", "iframe", "svg", "math",
        "button", "nav", "header", "footer", "aside", "select", "textarea",
        "input", "object", "embed", "canvas", "video", "audio", "map",
        "head", "title", "meta", "link", "dialog", "rt", "rp", "figcaption",
    };
    return name_in(node, chrome, COUNT(chrome));
}

/* Chrome tags that can wrap content when markup is broken or odd. */
static int is_wrapper_tag(const xmlNode *node)
{
    return html_is(node, "header") || html_is(node, "footer") ||
           html_is(node, "nav") || html_is(node, "aside") ||
           html_is(node, "noscript") || html_is(node, "head");
}

/* Boxes whose link density is tested as a whole. */
static int is_box(const xmlNode *node)
{
    static const char *const boxes[] = {
        "ul", "ol", "dl", "table", "div", "section",
    };
    return name_in(node, boxes, COUNT(boxes));
}

/* Blocks whose own text is a paragraph for scoring: not lists and their
 * items, headings, table structure or the page itself. */
static int scores_as_paragraph(const xmlNode *node)
{
    static const char *const not_paragraphs[] = {
        "li", "ul", "ol", "dl", "dt", "th", "h1", "h2", "h3", "h4", "h5", "h6",
        "option", "form", "table", "tbody", "thead", "tfoot", "tr", "body", "br",
        "hr", "caption", "legend", "summary",
    };
    return is_block(node) && !name_in(node, not_paragraphs, COUNT(not_paragraphs));
}

static int attr_says_chrome(xmlNode *node, const char *attr)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)attr);
    int chrome = v && html_words_chrome((const char *)v);
    xmlFree(v);
    return chrome;
}

static int attr_hint(xmlNode *node, const char *attr)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)attr);
    int rank = v ? html_words_hint((const char *)v) : 0;
    xmlFree(v);
    return rank;
}

static int attr_weight(xmlNode *node, const char *attr)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)attr);
    int weight = v ? html_words_weight((const char *)v) : 0;
    xmlFree(v);
    return weight;
}

static int is_hidden(xmlNode *node)
{
    static const char *const roles[] = {
        "navigation", "banner", "contentinfo", "complementary", "menu",
        "menubar", "search", "dialog", "alertdialog",
    };
    if (xmlHasProp(node, (const xmlChar *)"hidden"))
        return 1;
    int hidden = 0;
    xmlChar *v = xmlGetProp(node, (const xmlChar *)"aria-hidden");
    hidden = v && strcmp((const char *)v, "true") == 0;
    xmlFree(v);
    if (!hidden && (v = xmlGetProp(node, (const xmlChar *)"role")) != NULL) {
        for (size_t i = 0; i < COUNT(roles) && !hidden; i++)
            hidden = strcmp((const char *)v, roles[i]) == 0;
        xmlFree(v);
    }
    if (!hidden && (v = xmlGetProp(node, (const xmlChar *)"style")) != NULL) {
        char compact[128];
        size_t n = 0;
        for (const xmlChar *p = v; *p && n + 1 < sizeof(compact); p++)
            if (*p != ' ')
                compact[n++] = (char)ascii_lower(*p);
        compact[n] = '\0';
        hidden = strstr(compact, "display:none") || strstr(compact, "visibility:hidden");
        xmlFree(v);
    }
    return hidden;
}

static int has_article_body_prop(xmlNode *node)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)"itemprop");
    int yes = v && strstr((const char *)v, "articleBody") != NULL;
    xmlFree(v);
    return yes;
}

/* ---- statistics ---------------------------------------------------- */

static size_t visible_bytes(const xmlChar *s, size_t *commas)
{
    size_t n = 0, c = 0;
    for (; *s; s++) {
        n += *s > ' ';
        c += *s == ',';
    }
    if (commas)
        *commas = c;
    return n;
}

static int is_link(const xmlNode *node)
{
    return html_is(node, "a");
}

/* Pass 1: numbers every element (document order) and sums raw text and
 * raw link text bottom-up. */
static void count_raw(page_t *p)
{
    p->n = 1;
    p->cap = 256;
    p->v = xcalloc(p->cap, sizeof(node_info_t));
    xmlNode *node = p->root;
    size_t links_depth = 0;
    while (node) {
        int descend = 0;
        if (node->type == XML_ELEMENT_NODE) {
            if (p->n == p->cap) {
                p->cap *= 2;
                p->v = xrealloc(p->v, p->cap * sizeof(node_info_t));
            }
            node_info_t *in = &p->v[p->n];
            memset(in, 0, sizeof(*in));
            in->node = node;
            node->_private = (void *)(uintptr_t)p->n++;
            if (html_is(node, "body") && !p->body)
                p->body = node;
            descend = !html_is_code(node) && node->children;
            links_depth += descend && is_link(node);
        } else if (node->type == XML_TEXT_NODE && node->content && node->parent &&
                   node->parent->_private) {
            size_t n = visible_bytes(node->content, NULL);
            node_info_t *parent = info(p, node->parent);
            parent->raw += n;
            parent->raw_links += links_depth ? n : 0;
        }
        if (descend) {
            node = node->children;
            continue;
        }
        /* node is finished: an element hands its totals to its parent;
         * when it was the last child, the parent is finished too. */
        for (;;) {
            if (node->type == XML_ELEMENT_NODE)
                info(p, node)->last = p->n - 1;
            if (node->type == XML_ELEMENT_NODE && node != p->root) {
                node_info_t *in = info(p, node), *parent = info(p, node->parent);
                parent->raw += in->raw;
                parent->raw_links += in->raw_links;
            }
            if (node == p->root) {
                node = NULL;
                break;
            }
            if (node->next) {
                node = node->next;
                break;
            }
            node = node->parent;
            links_depth -= links_depth > 0 && is_link(node);
        }
    }
}

/* How hard pruning works; html_main_text relaxes step by step when a
 * stricter level leaves nothing. */
enum {
    RULES_MINIMAL = 0,     /* only invisible content: scripts, styles */
    RULES_TAGS,            /* plus chrome tags and hidden elements */
    RULES_ALL,             /* plus class/id chrome words, link-dense boxes */
};

/* Broken markup makes libxml2 nest the rest of the page into an
 * unclosed <header> or class="sidebar" div: an element holding most of
 * the text it is judged against is a wrapper, whatever its name says.
 * Text outside links is what counts: a long menu next to the wrapper
 * must not make the wrapper look small. */
static size_t prose_of(const node_info_t *in)
{
    return in->raw - in->raw_links;
}

static int holds_most_text(const page_t *p, xmlNode *node, size_t against)
{
    return prose_of(info(p, node)) * 2 > against;
}

/* 1 when node is left out under rules, judged against a container with
 * `against` bytes of raw text outside links (prose_of); in_article when that container is an
 * <article> or <main>. */
static int prune(const page_t *p, int rules, size_t against, int in_article, xmlNode *node)
{
    if (html_is_code(node))
        return 1;
    if (html_is(node, "noscript"))
        return !holds_most_text(p, node, against);
    if (rules == RULES_MINIMAL)
        return 0;
    /* Some frameworks (ASP.NET) wrap the whole page in one <form>. */
    if (html_is(node, "form"))
        return !holds_most_text(p, node, against);
    if (is_hidden(node))                 /* some pages unhide with script */
        return !holds_most_text(p, node, against);
    /* Inside an article, a <header> holds its title, lead and byline;
     * elsewhere it is the site's masthead. */
    if (in_article && html_is(node, "header") &&
        (double)info(p, node)->raw_links < HEADER_LINK_SHARE_MAX * (double)info(p, node)->raw)
        return 0;
    if (is_chrome_tag(node))
        return !(is_wrapper_tag(node) && holds_most_text(p, node, against));
    /* Semantic content elements keep their text whatever their classes
     * ("article has-sidebar"). */
    if (rules < RULES_ALL || html_is(node, "article") || html_is(node, "main") ||
        html_is(node, "body") || html_is(node, "html"))
        return 0;
    if (holds_most_text(p, node, against))
        return 0;
    if (!attr_says_chrome(node, "class") && !attr_says_chrome(node, "id"))
        return 0;
    /* "entry-content no-share", "box article modal-enabled": article
     * names win. */
    int by_class = attr_hint(node, "class"), by_id = attr_hint(node, "id");
    return !(by_class && by_class <= 2) && !(by_id && by_id <= 2);
}

/* 1 when node, a list, table or box, is mostly link text once its own
 * chrome is gone (related articles, tag clouds, archives): judged on the
 * clean figures, bottom-up, so that a menu nested in the article's
 * wrapper never makes the wrapper look like a link list. */
static int link_box(const page_t *p, xmlNode *node, size_t against)
{
    const node_info_t *in = info(p, node);
    /* The link boxes below still count: a heading over a pruned list of
     * links goes with it. */
    size_t text = in->text + in->boxed, links = in->links + in->boxed_links;
    if (!is_box(node) || text == 0 || (double)links <= BOX_LINK_SHARE_MAX * (double)text)
        return 0;
    if (holds_most_text(p, node, against))
        return 0;
    /* An article that embeds a link list keeps it. */
    return attr_hint(node, "class") != 1 && attr_hint(node, "id") != 1;
}

/* The nearest block at or above node, within the page. */
static xmlNode *block_of(const page_t *p, xmlNode *node)
{
    while (node && node != p->root && !is_block(node))
        node = node->parent;
    return node ? node : p->root;
}

/* The wrapper test of an element judges it against its nearest
 * semantic container: an <aside> holding all of a <main> is a wrapper
 * even when the navigation outweighs the <main> in the whole body. */
static int is_semantic_container(const xmlNode *node)
{
    return html_is(node, "main") || html_is(node, "article") || html_is(node, "body");
}

/* Pass 2: marks live elements (not pruned under all rules) and sums
 * clean text, link text and each block's own text. */
static void count_clean(page_t *p)
{
    xmlNode *top = p->top;
    xmlNode *container = top;       /* nearest semantic container */
    xmlNode *block = block_of(p, top);
    size_t links_depth = 0;
    info(p, top)->live = 1;
    xmlNode *node = top->children;
    while (node) {
        int descend = 0;
        if (node->type == XML_ELEMENT_NODE) {
            node_info_t *in = info(p, node);
            if (!prune(p, RULES_ALL, prose_of(info(p, container)), container != top, node)) {
                in->live = 1;
                in->kept = 1;
                descend = node->children != NULL;
                if (descend) {
                    links_depth += is_link(node);
                    if (is_block(node))
                        block = node;
                    if (is_semantic_container(node)) {
                        in->saved_container = container;
                        container = node;
                    }
                }
            }
        } else if (node->type == XML_TEXT_NODE && node->content) {
            size_t commas;
            size_t n = visible_bytes(node->content, &commas);
            node_info_t *parent = info(p, node->parent), *b = info(p, block);
            parent->text += n;
            parent->links += links_depth ? n : 0;
            b->own += n;
            b->commas += commas;
        }
        if (descend) {
            node = node->children;
            continue;
        }
        /* node is finished; climb while its parent is finished too. */
        for (;;) {
            if (node->type == XML_ELEMENT_NODE && info(p, node)->live) {
                node_info_t *in = info(p, node), *parent = info(p, node->parent);
                if (link_box(p, node, prose_of(info(p, container)))) {
                    in->live = 0;
                    parent->boxed += in->text + in->boxed;
                    parent->boxed_links += in->links + in->boxed_links;
                } else {
                    parent->text += in->text;
                    parent->links += in->links;
                    parent->boxed += in->boxed;
                    parent->boxed_links += in->boxed_links;
                }
            }
            if (node->next) {
                node = node->next;
                break;
            }
            node = node->parent;
            if (node == top) {
                node = NULL;
                break;
            }
            links_depth -= links_depth > 0 && is_link(node);
            if (node == block)
                block = block_of(p, node->parent);
            if (node == container)
                container = info(p, node)->saved_container;
        }
    }
    /* A link box is judged after its descendants were marked live: they
     * follow it out. Slots are in document order, parents first. */
    for (size_t i = 1; i < p->n; i++) {
        node_info_t *in = &p->v[i];
        if (in->live && in->node != top && in->node->parent &&
            !info(p, in->node->parent)->live)
            in->live = 0;
    }
}

/* ---- Readability scoring ------------------------------------------- */

static double link_density(const node_info_t *in)
{
    return in->text ? (double)in->links / (double)in->text : 0.0;
}

static double final_score(const node_info_t *in)
{
    return in->score * (1.0 - link_density(in));
}

static void init_candidate(const page_t *p, xmlNode *node)
{
    node_info_t *in = info(p, node);
    if (in->scored)
        return;
    in->scored = 1;
    static const char *const plus3[] = { "pre", "td", "blockquote" };
    static const char *const minus3[] = { "address", "ol", "ul", "dl", "dd", "dt", "li", "form" };
    static const char *const minus5[] = { "h1", "h2", "h3", "h4", "h5", "h6", "th" };
    double s = 0;
    if (html_is(node, "div"))
        s = 5;
    else if (name_in(node, plus3, COUNT(plus3)))
        s = 3;
    else if (name_in(node, minus3, COUNT(minus3)))
        s = -3;
    else if (name_in(node, minus5, COUNT(minus5)))
        s = -5;
    in->score = s + attr_weight(node, "class") + attr_weight(node, "id");
}

/* Every paragraph scores its ancestors: the parent in full, the
 * grandparent half, the next ones a third of their level. */
static void score_paragraphs(page_t *p)
{
    xmlNode *top = p->top;
    for (size_t i = 1; i < p->n; i++) {
        node_info_t *in = &p->v[i];
        if (!in->live || in->own < SCORE_MIN_OWN || !scores_as_paragraph(in->node))
            continue;
        double own = (double)in->own;
        double s = 1.0 + (double)in->commas + (own / 100.0 < 3.0 ? own / 100.0 : 3.0);
        xmlNode *a = in->node->parent;
        for (int level = 0; level < SCORE_LEVELS && a && a->type == XML_ELEMENT_NODE;
             level++, a = a->parent) {
            init_candidate(p, a);
            info(p, a)->score += s / (level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0);
            if (a == top)
                break;
        }
    }
}

static int same_class(xmlNode *a, xmlNode *b)
{
    xmlChar *x = xmlGetProp(a, (const xmlChar *)"class");
    xmlChar *y = xmlGetProp(b, (const xmlChar *)"class");
    int same = x && y && x[0] && strcmp((const char *)x, (const char *)y) == 0;
    xmlFree(x);
    xmlFree(y);
    return same;
}

/* Readability keeps a sibling <p> that reads as prose: long with few
 * links, or short without links and with a sentence end. */
static int sentence_paragraph(xmlNode *node, const node_info_t *in)
{
    double ld = link_density(in);
    if (in->text > 80)
        return ld < 0.25;
    if (in->text == 0 || ld > 0)
        return 0;
    buf_t b = BUF_INIT;
    html_node_text(node, &b);
    int prose = text_has_sentence_end(buf_str(&b), b.len);
    buf_free(&b);
    return prose;
}

typedef struct roots {
    xmlNode **v;
    size_t n, cap;
} roots_t;

static void roots_add(roots_t *r, xmlNode *node)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->v = xrealloc(r->v, r->cap * sizeof(xmlNode *));
    }
    r->v[r->n++] = node;
}

/* best and the siblings worth keeping with it, in document order: those
 * that score at least a fifth as well (more easily when they share its
 * class) and paragraphs that read as prose. */
static void add_siblings(const page_t *p, xmlNode *best, double best_score, roots_t *out)
{
    if (!best->parent || best == p->body || best == p->root) {
        roots_add(out, best);
        return;
    }
    double threshold = best_score * 0.2 > 10 ? best_score * 0.2 : 10;
    for (xmlNode *s = best->parent->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE)
            continue;
        const node_info_t *in = info(p, s);
        int take = s == best;
        if (!take && in->live) {
            double bonus = same_class(s, best) ? best_score * 0.2 : 0;
            if (in->scored && final_score(in) + bonus >= threshold)
                take = 1;
            else if (html_is(s, "p"))
                take = sentence_paragraph(s, in);
        }
        if (take)
            roots_add(out, s);
    }
}

/* Readability's choice: the best candidate, a better parent if one
 * scores close, and the siblings worth keeping. Empty when nothing
 * scored. */
static void choose_scored(const page_t *p, roots_t *out)
{
    xmlNode *top = p->top;
    xmlNode *best = NULL;
    double best_score = 0;
    for (size_t i = 1; i < p->n; i++) {
        const node_info_t *in = &p->v[i];
        if (in->scored && in->live && final_score(in) > best_score) {
            best = in->node;
            best_score = final_score(in);
        }
    }
    if (!best)
        return;
    /* Climb while a parent scores at least as well: the article's text
     * is often split over sibling blocks that each score a little. */
    double last = best_score;
    for (xmlNode *a = best->parent; a && a != top && a->type == XML_ELEMENT_NODE; a = a->parent) {
        const node_info_t *in = info(p, a);
        if (!in->scored)
            continue;
        double s = final_score(in);
        if (s < best_score / 3)
            break;
        if (s > last) {
            best = a;
            best_score = s;
            break;
        }
        last = s;
    }
    /* An only child says nothing its parent does not. */
    while (best != top && best->parent && best->parent->type == XML_ELEMENT_NODE &&
           xmlChildElementCount(best->parent) == 1)
        best = best->parent;
    add_siblings(p, best, best_score, out);
}

/* The nearest element holding both. a climbs, so a caller that folds
 * many nodes into one ancestor pays the depth once in all. */
static xmlNode *common_ancestor(const page_t *p, xmlNode *a, xmlNode *b)
{
    while (a && a->type != XML_ELEMENT_NODE)
        a = a->parent;
    while (a && a->type == XML_ELEMENT_NODE && !contains(p, a, b))
        a = a->parent;
    return a;
}

/* The best-ranked hint with enough text, or NULL. */
static xmlNode *choose_hint(const page_t *p)
{
    enum { PROP, NAME1, ARTICLE, NAME2, NAME3, MAIN, RANKS };
    xmlNode *best[RANKS] = { NULL };
    size_t size[RANKS] = { 0 }, articles = 0, articles_total = 0;
    xmlNode *props = NULL, *name1s = NULL, *first_name1 = NULL;
    for (size_t i = 1; i < p->n; i++) {
        const node_info_t *in = &p->v[i];
        if (!in->live || in->text == 0)
            continue;
        xmlNode *n = in->node;
        int rank = RANKS;
        if (has_article_body_prop(n)) {
            /* A body split over several itemprop=articleBody elements
             * (one per section) is held by their common ancestor. */
            props = props ? common_ancestor(p, props, n) : n;
            rank = PROP;
        } else if (html_is(n, "article")) {
            rank = ARTICLE;
            articles++;
            articles_total += in->text;
        } else if (html_is(n, "main")) {
            rank = MAIN;
        } else if (html_is(n, "div") || html_is(n, "section")) {
            int by_name = attr_hint(n, "class"), by_id = attr_hint(n, "id");
            int r = by_name && (!by_id || by_name < by_id) ? by_name : by_id;
            rank = r == 1 ? NAME1 : r == 2 ? NAME2 : r == 3 ? NAME3 : RANKS;
        }
        if (rank == RANKS)
            continue;
        /* Class names: the first with enough text, as a page that goes
         * on with more articles names each one alike. Elements: the
         * largest. */
        int largest = rank == ARTICLE || rank == MAIN;
        size_t min = rank == PROP ? PROP_MIN_TEXT : ARTICLE_MIN_TEXT;
        if (largest ? in->text > size[rank] : !best[rank] && in->text >= min) {
            best[rank] = n;
            size[rank] = in->text;
        }
        /* One body split over content elements of one class (a CMS's
         * text blocks) is held by their common ancestor. */
        if (rank == NAME1 && (!first_name1 || same_class(n, first_name1))) {
            first_name1 = first_name1 ? first_name1 : n;
            name1s = name1s ? common_ancestor(p, name1s, n) : n;
        }
    }
    if (best[NAME1] && name1s && name1s != best[NAME1] && name1s->type == XML_ELEMENT_NODE &&
        name1s != p->top && info(p, name1s)->live) {
        best[NAME1] = name1s;
        size[NAME1] = info(p, name1s)->text;
    }
    if (props && props->type == XML_ELEMENT_NODE && props != best[PROP] &&
        props != (p->top) && info(p, props)->live) {
        best[PROP] = props;
        size[PROP] = info(p, props)->text;
    }
    /* A page listing several articles of similar size is an index. */
    if (best[ARTICLE] && articles >= 3 && size[ARTICLE] * 3 < articles_total)
        best[ARTICLE] = NULL;
    for (int r = 0; r < RANKS; r++)
        if (best[r] && size[r] >= (r == PROP ? PROP_MIN_TEXT : ARTICLE_MIN_TEXT))
            return best[r];
    return NULL;
}

static size_t roots_text(const page_t *p, const roots_t *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += info(p, r->v[i])->text;
    return n;
}

/* 1 when one of the roots holds node, or node holds one of them. */
static int roots_hold(const page_t *p, const roots_t *r, const xmlNode *node)
{
    for (size_t i = 0; i < r->n; i++)
        if (contains(p, r->v[i], node) || contains(p, node, r->v[i]))
            return 1;
    return 0;
}

/* ---- the lead ------------------------------------------------------ */

static int is_lead(xmlNode *node)
{
    if (!is_block(node) || html_is(node, "li"))
        return 0;
    xmlChar *v = xmlGetProp(node, (const xmlChar *)"itemprop");
    int lead = v && strcmp((const char *)v, "description") == 0;
    xmlFree(v);
    if (!lead && (v = xmlGetProp(node, (const xmlChar *)"class")) != NULL) {
        lead = html_words_lead((const char *)v);
        xmlFree(v);
    }
    if (!lead && (v = xmlGetProp(node, (const xmlChar *)"id")) != NULL) {
        lead = html_words_lead((const char *)v);
        xmlFree(v);
    }
    return lead;
}

/* Templates put an article's standfirst in its header, apart from the
 * body the container holds: the first lead paragraph (itemprop
 * description, class names such as "intro" or "entry-excerpt") of the
 * article that holds the first root, above it, with enough text and few
 * links, goes first. Without an <article> or <main> around the root,
 * its grandparent is the scope. */
static void add_lead(const page_t *p, roots_t *roots)
{
    if (roots->n == 0 || roots->v[0] == p->top)
        return;
    xmlNode *first = roots->v[0], *scope = NULL;
    for (xmlNode *a = first->parent; a && a != p->top && a->type == XML_ELEMENT_NODE; a = a->parent)
        if (html_is(a, "article") || html_is(a, "main")) {
            scope = a;
            break;
        }
    if (!scope && first->parent && first->parent != p->top && first->parent->parent &&
        first->parent->parent->type == XML_ELEMENT_NODE)
        scope = first->parent->parent;
    if (!scope || scope == p->top)
        return;
    for (xmlNode *n = scope->children ? scope : NULL; n && n != first;) {
        int skip = 0;
        if (n->type == XML_ELEMENT_NODE && n != scope) {
            const node_info_t *in = info(p, n);
            skip = !in->live;
            if (in->live && in->text >= LEAD_MIN_TEXT && in->links * 4 < in->text &&
                !contains(p, n, first) && is_lead(n)) {
                roots_add(roots, NULL);
                memmove(roots->v + 1, roots->v, (roots->n - 1) * sizeof(xmlNode *));
                roots->v[0] = n;
                return;
            }
        }
        n = html_next(n, scope, skip);
    }
}

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
static xmlNode *choose_stated(const page_t *p)
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

/* ---- the walk ------------------------------------------------------ */

typedef struct walker {
    const page_t *page;
    lines_t *out;
    buf_t para;            /* the paragraph being collected */
    size_t link_bytes;     /* of para, bytes that came from inside <a> */
    size_t time_bytes;     /* of para, bytes that came from inside <time> */
    int link_depth;
    int time_depth;
    int heading;           /* level of the enclosing h1-h6, or 0 */
    int list_item;
    int relax_depth;       /* inside an item of the repeated structure */
    int rules;             /* RULES_* */
    size_t against;        /* prose_of the containers walked */
} walker_t;

/* A <time> that dates something; not one that states a duration
 * (datetime="PT30M": a recipe's cooking time is content). */
static int is_date_time(xmlNode *node)
{
    if (!html_is(node, "time"))
        return 0;
    xmlChar *v = xmlGetProp(node, (const xmlChar *)"datetime");
    int duration = v && (v[0] == 'P' || v[0] == 'p');
    xmlFree(v);
    return !duration;
}

/* A short paragraph that is mostly a <time> is a dateline ("Updated:
 * 03.04.2020 19:49"), not text. */
static int is_dateline(const walker_t *w)
{
    return w->time_bytes > 0 && w->para.len <= DATELINE_MAX && w->time_bytes * 2 >= w->para.len;
}

static void flush(walker_t *w)
{
    text_trim_end(&w->para);
    if (w->para.len &&
        (w->relax_depth || (double)w->link_bytes <= LINK_SHARE_MAX * (double)w->para.len) &&
        !is_dateline(w))
        lines_push(w->out, w->para.data, w->para.len, w->heading, w->list_item);
    buf_reset(&w->para);
    w->link_bytes = 0;
    w->time_bytes = 0;
}

static void enter(walker_t *w, xmlNode *node)
{
    if (is_block(node))
        flush(w);
    w->relax_depth += info(w->page, node)->relax;
    const char *name = (const char *)node->name;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
        w->heading = name[1] - '0';
    else if (html_is(node, "li"))
        w->list_item = 1;
    else if (html_is(node, "a"))
        w->link_depth++;
    else if (is_date_time(node))
        w->time_depth++;
}

static void leave(walker_t *w, xmlNode *node)
{
    if (is_block(node))
        flush(w);
    w->relax_depth -= info(w->page, node)->relax && w->relax_depth > 0;
    const char *name = (const char *)node->name;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
        w->heading = 0;
    else if (html_is(node, "li"))
        w->list_item = 0;
    else if (html_is(node, "a") && w->link_depth > 0)
        w->link_depth--;
    else if (is_date_time(node) && w->time_depth > 0)
        w->time_depth--;
}

/* Under all rules the walk keeps what count_clean kept; relaxed rules
 * judge again, against the containers walked. */
static int walk_prunes(const walker_t *w, xmlNode *node)
{
    /* The items of the page's repeated structure (html_repeat.c) are
     * content whatever their class names say: only tag rules. */
    if (w->relax_depth || info(w->page, node)->relax)
        return prune(w->page, w->rules < RULES_TAGS ? w->rules : RULES_TAGS, w->against, 0, node);
    if (w->rules == RULES_ALL)
        return !info(w->page, node)->live;
    return prune(w->page, w->rules, w->against, 0, node);
}

/* Walks root and everything under it that the rules keep. */
static void walk(walker_t *w, xmlNode *root)
{
    if (root->type == XML_ELEMENT_NODE && root != w->page->top && walk_prunes(w, root))
        return;
    enter(w, root);
    xmlNode *node = root->children;
    while (node) {
        int descend = 0;
        if (node->type == XML_ELEMENT_NODE) {
            if (walk_prunes(w, node)) {
                if (is_block(node))
                    flush(w);
            } else {
                enter(w, node);
                descend = node->children != NULL;
                if (!descend)
                    leave(w, node);
            }
        } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) &&
                   node->content) {
            size_t before = w->para.len;
            text_append_collapsed(&w->para, (const char *)node->content,
                                  strlen((const char *)node->content));
            if (w->link_depth)
                w->link_bytes += w->para.len - before;
            if (w->time_depth)
                w->time_bytes += w->para.len - before;
        }
        if (descend) {
            node = node->children;
            continue;
        }
        /* Climb until there is a next sibling, leaving each parent. */
        while (node != root && !node->next) {
            node = node->parent;
            if (node != root)
                leave(w, node);
        }
        node = node == root ? NULL : node->next;
    }
    leave(w, root);
    flush(w);
}

static size_t lines_bytes(const lines_t *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += l->v[i].len;
    return n;
}

/* The text of the roots under rules, into out (emptied first). */
static void walk_roots(const page_t *p, const roots_t *roots, int rules, lines_t *out)
{
    lines_free(out);
    walker_t w = { p, out, BUF_INIT, 0, 0, 0, 0, 0, 0, 0, rules, 0 };
    for (size_t i = 0; i < roots->n; i++)
        w.against += prose_of(info(p, roots->v[i]));
    for (size_t i = 0; i < roots->n; i++) {
        w.link_depth = w.time_depth = w.heading = w.list_item = w.relax_depth = 0;
        walk(&w, roots->v[i]);
    }
    buf_free(&w.para);
}

/* ---- page types ---------------------------------------------------- */

/* What a page type asks of extraction beyond an article's prose. */
typedef struct profile {
    const char *type;
    repeat_want_t repeat;    /* min_items 0: no repeated structure */
    double share;            /* the structure joins a choice when it holds
                              * this many times the choice's text */
    int relax;               /* its items walked under tag rules, with links */
} profile_t;

static const profile_t profiles[] = {
    { "forum", { 2, 1 }, 1, 1 },
    { "listing", { 3, 0 }, 2, 1 },
    { "collection", { 3, 0 }, 2, 1 },
    { "service", { 3, 0 }, 1, 1 },     /* its sections */
    { "product", { 3, 0 }, 2, 1 },     /* its description, specs, reviews */
    /* An article is prose: only a structure that far outweighs what
     * was chosen (a list the classifier took for an article). */
    { "article", { 3, 1 }, 4, 0 },
};

static const profile_t *profile_of(const char *page_type)
{
    for (size_t i = 0; page_type && i < COUNT(profiles); i++)
        if (!strcmp(page_type, profiles[i].type))
            return &profiles[i];
    return NULL;
}

static int cmp_slot(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)(*(xmlNode *const *)a)->_private;
    uintptr_t y = (uintptr_t)(*(xmlNode *const *)b)->_private;
    return x < y ? -1 : x > y;
}

/* The items of the repeated structure join a choice: those outside its
 * roots are added, roots inside an item give way to it, and the roots
 * are put in document order. */
static void add_items(const page_t *p, const repeat_t *items, roots_t *r)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++) {
        int inside = 0;
        for (size_t j = 0; j < items->n && !inside; j++)
            inside = r->v[i] != items->v[j] && contains(p, items->v[j], r->v[i]);
        if (!inside)
            r->v[k++] = r->v[i];
    }
    r->n = k;
    for (size_t j = 0; j < items->n; j++)
        if (!roots_hold(p, r, items->v[j]))
            roots_add(r, items->v[j]);
    qsort(r->v, r->n, sizeof(xmlNode *), cmp_slot);
}

void html_main_text(struct _xmlDoc *doc, const char *page_type, lines_t *out)
{
    page_t p = { NULL, 0, 0, xmlDocGetRootElement(doc), NULL, NULL };
    if (!p.root)
        return;
    count_raw(&p);
    /* Broken markup can leave most of the page in <head>. */
    p.top = p.body && info(&p, p.body)->raw * 2 >= info(&p, p.root)->raw ? p.body : p.root;
    count_clean(&p);
    score_paragraphs(&p);

    /* The choices, best first: the element holding the body the page
     * states, else the hint; the scored block; the body. */
    roots_t choices[3] = { { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 } };
    size_t n_choices = 0;
    xmlNode *hint = choose_stated(&p);
    if (!hint)
        hint = choose_hint(&p);
    if (hint) {
        add_siblings(&p, hint, final_score(info(&p, hint)), &choices[n_choices]);
        add_lead(&p, &choices[n_choices++]);
    }
    choose_scored(&p, &choices[n_choices]);
    if (choices[n_choices].n)
        add_lead(&p, &choices[n_choices++]);
    /* A hint that holds a sliver of what the scored block holds, and
     * lies outside it, named a widget ("player-textcontent"): the scored
     * block goes first. */
    if (hint && n_choices == 2 && roots_text(&p, &choices[1]) > HINT_SLIVER * roots_text(&p, &choices[0]) &&
        !roots_hold(&p, &choices[1], hint)) {
        roots_t swap = choices[0];
        choices[0] = choices[1];
        choices[1] = swap;
    }
    roots_add(&choices[n_choices++], p.top);

    /* A thread's posts, a listing's cards: every item of the page's
     * repeated structure, when it outweighs what was chosen. */
    const profile_t *profile = profile_of(page_type);
    repeat_t items = { NULL, 0, 0, 0 };
    if (profile && profile->repeat.min_items) {
        int chosen = choices[0].n && choices[0].v[0] != p.top;
        repeat_find(&p, &profile->repeat, chosen ? choices[0].v : NULL,
                    chosen ? choices[0].n : 0, &items);
        double share = profile->share;
        /* A list of teasers under an article is not the page's content. */
        if (items.n && (double)items.text < share * (double)roots_text(&p, &choices[0]))
            items.n = 0;
        for (size_t j = 0; profile->relax && j < items.n; j++)
            info(&p, items.v[j])->relax = 1;
        for (size_t c = 0; items.n && c + 1 < n_choices; c++)
            if ((double)items.text >= share * (double)roots_text(&p, &choices[c]))
                add_items(&p, &items, &choices[c]);
    }

    lines_t best = LINES_INIT, tmp = LINES_INIT;
    size_t best_bytes = 0;
    for (size_t c = 0; c < n_choices; c++) {
        walk_roots(&p, &choices[c], RULES_ALL, &tmp);
        size_t bytes = lines_bytes(&tmp);
        if (bytes > best_bytes) {
            lines_t swap = best;
            best = tmp;
            tmp = swap;
            best_bytes = bytes;
        }
        if (best_bytes >= RESULT_MIN_TEXT)
            break;
    }
    /* Nearly every block called chrome means the rules were wrong for
     * this site (a forum whose posts are named "comment"): fewer rules
     * beat a body too short to be one. A short page stays as it is: what
     * fewer rules add must at least double the text. */
    for (int rules = RULES_TAGS; rules >= RULES_MINIMAL && best_bytes < RESULT_MIN_TEXT; rules--)
        for (size_t c = 0; c < n_choices && best_bytes < RESULT_MIN_TEXT; c++) {
            walk_roots(&p, &choices[c], rules, &tmp);
            size_t bytes = lines_bytes(&tmp);
            if (bytes > 2 * best_bytes) {
                lines_t swap = best;
                best = tmp;
                tmp = swap;
                best_bytes = bytes;
            }
        }

    for (size_t i = 0; i < best.n; i++)
        lines_push(out, best.v[i].text, best.v[i].len, best.v[i].heading,
                   best.v[i].list_item);
    lines_free(&best);
    lines_free(&tmp);
    for (size_t c = 0; c < COUNT(choices); c++)
        free(choices[c].v);
    repeat_free(&items);
    free(p.v);
}
