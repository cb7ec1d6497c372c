/* html_stats: per-element statistics and the pruning rules of the
 * main-text extraction (html_text.c), apart because they are a concern
 * of their own: which elements are chrome (tags, hidden, class and id
 * words, link boxes) and how much text, link text and own text each
 * element holds, as parsed and once chrome is gone. See html_text.c's
 * top comment, steps 1 and 2. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "html.h"
#include "html_page.h"
#include "html_repeat.h"
#include "html_words.h"
#include "utf8.h"

/* Lists, tables and boxes with more than this share of link text are
 * link lists: related articles, tag clouds, archives (unless the page
 * type says otherwise: page_t's box_links). */
#define BOX_LINK_SHARE_MAX 0.5
/* An article's <header> with more link text than this is navigation. */
#define HEADER_LINK_SHARE_MAX 0.3

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- element classes ----------------------------------------------- */

int name_in(const xmlNode *node, const char *const *names, size_t n)
{
    if (node->type != XML_ELEMENT_NODE || !node->name)
        return 0;
    const char *name = (const char *)node->name;
    for (size_t i = 0; i < n; i++)
        if (name[0] == names[i][0] && strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

int is_block(const xmlNode *node)
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
int scores_as_paragraph(const xmlNode *node)
{
    static const char *const not_paragraphs[] = {
        "li", "ul", "ol", "dl", "dt", "th", "h1", "h2", "h3", "h4", "h5", "h6",
        "option", "form", "table", "tbody", "thead", "tfoot", "tr", "body", "br",
        "hr", "caption", "legend", "summary",
    };
    return is_block(node) && !name_in(node, not_paragraphs, COUNT(not_paragraphs));
}

static int attr_says_chrome(xmlNode *node, const char *attr, unsigned keep)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)attr);
    int chrome = v && html_words_chrome_keep((const char *)v, keep);
    xmlFree(v);
    return chrome;
}

int attr_hint(xmlNode *node, const char *attr)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)attr);
    int rank = v ? html_words_hint((const char *)v) : 0;
    xmlFree(v);
    return rank;
}

int attr_weight(xmlNode *node, const char *attr)
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

int has_article_body_prop(xmlNode *node)
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
void count_raw(page_t *p)
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
            static const char *const landmarks[] = { "main", "article", "h1" };
            for (size_t k = 0; k < COUNT(landmarks); k++)
                if (!p->landmark[k] && html_is(node, landmarks[k]))
                    p->landmark[k] = node;
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


/* Broken markup makes libxml2 nest the rest of the page into an
 * unclosed <header> or class="sidebar" div: an element holding most of
 * the text it is judged against is a wrapper, whatever its name says.
 * Text outside links is what counts: a long menu next to the wrapper
 * must not make the wrapper look small. */
size_t prose_of(const node_info_t *in)
{
    return in->raw - in->raw_links;
}

static int holds_most_text(const page_t *p, xmlNode *node, size_t against)
{
    return prose_of(info(p, node)) * 2 > against;
}

/* 1 when node's id or class names a consent dialog. Read in place, not
 * copied: every element of the page is asked at each level of rules. */
static int names_consent(const xmlNode *node)
{
    for (const xmlAttr *a = node->properties; a; a = a->next)
        if (a->children && a->children->type == XML_TEXT_NODE && a->children->content &&
            (xmlStrEqual(a->name, (const xmlChar *)"id") ||
             xmlStrEqual(a->name, (const xmlChar *)"class")) &&
            html_words_consent((const char *)a->children->content))
            return 1;
    return 0;
}

/* 1 when node holds the page's first <main>, <article> or <h1>. */
static int holds_landmark(const page_t *p, xmlNode *node)
{
    for (size_t k = 0; k < COUNT(p->landmark); k++)
        if (p->landmark[k] && contains(p, node, p->landmark[k]))
            return 1;
    return 0;
}

/* 1 when node is left out under rules, judged against a container with
 * `against` bytes of raw text outside links (prose_of); in_article when that container is an
 * <article> or <main>. */
int prune(const page_t *p, int rules, size_t against, int in_article, xmlNode *node)
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
    /* A consent manager's dialog (its purposes, its vendors) is an
     * overlay like a hidden element, and may hold more prose than a page
     * made of links, a listing's: it is not the wrapper of broken markup
     * that holding most of the text makes of other elements, unless it
     * holds the page's own <main>, <article> or first <h1>. */
    if (!html_is(node, "body") && !html_is(node, "html") &&
        names_consent(node) && !holds_landmark(p, node))
        return 1;
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
    /* A product page's reviews and suggestions sit anywhere in it,
     * often deep inside the block that holds its description (a tab of
     * the product's panel): they go wherever they are. */
    if (p->asides && repeat_names_aside(node))
        return 1;
    if (holds_most_text(p, node, against))
        return 0;
    /* The names the page type keeps (a shop's "rating" and
     * "subscription" cards) are not chrome on that page. */
    if (!attr_says_chrome(node, "class", p->keep) && !attr_says_chrome(node, "id", p->keep))
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
    double share = p->box_links > 0 ? p->box_links : BOX_LINK_SHARE_MAX;
    if (!is_box(node) || text == 0 || (double)links <= share * (double)text)
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
void count_clean(page_t *p)
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
