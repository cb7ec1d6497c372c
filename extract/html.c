/* html: parsing and main-text extraction. See html.h.
 *
 * The walk is iterative (parent pointers, no recursion) because pages
 * nest thousands of levels deep often enough, and the C stack is not the
 * place to find out. libxml2 is initialised once per process and told to
 * keep quiet: a worker's stderr is for feedmill's own logs. */
#include "html.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "text.h"
#include "utf8.h"

/* Below this much text a candidate container is a teaser, not the article. */
#define ARTICLE_MIN_TEXT 200
/* libxml2 compares each attribute of a tag with all earlier ones (time
 * quadratic in their number); real tags have a few dozen at most. */
#define HTML_MAX_ATTRS 128
/* A paragraph with more than this share of link text is navigation. */
#define LINK_SHARE_MAX 0.5

/* ---- parsing ------------------------------------------------------- */

static pthread_once_t html_once = PTHREAD_ONCE_INIT;

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void html_init(void)
{
    xmlInitParser();
    /* The default for threads that have not touched libxml2 yet. */
    xmlThrDefSetGenericErrorFunc(NULL, silent);
}

/* Scans the tags of s, counting attributes outside quoted values; with
 * out set, copies s there minus every attribute past HTML_MAX_ATTRS in a
 * tag. Returns 1 when some tag has too many. A '<' always ends a tag, so
 * a misread tag can never swallow the next one (</script> above all). */
static int limit_attributes(const char *s, size_t len, buf_t *out)
{
    int in_tag = 0, quote = 0, after_eq = 0, space = 0, over = 0;
    size_t attrs = 0, run = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int drop = 0;
        if (quote) {
            quote = c == quote ? 0 : quote;
            drop = attrs > HTML_MAX_ATTRS;
        } else if (c == '<') {
            in_tag = i + 1 < len && ascii_alpha((unsigned char)s[i + 1]);
            attrs = 0, space = 0, after_eq = 0;
        } else if (!in_tag) {
            continue;
        } else if (c == '>') {
            in_tag = 0;
        } else if ((c == '"' || c == '\'') && after_eq) {
            quote = c;
            after_eq = 0;
            drop = attrs > HTML_MAX_ATTRS;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = 1;                   /* "a = b" keeps after_eq */
            drop = attrs > HTML_MAX_ATTRS;
        } else {
            if (space && c != '=' && c != '/' && !after_eq)
                attrs++;
            after_eq = c == '=';
            space = 0;
            drop = attrs > HTML_MAX_ATTRS;
        }
        if (!drop)
            continue;
        over = 1;
        if (!out)
            return 1;
        buf_append(out, s + run, i - run);
        run = i + 1;
    }
    if (out)
        buf_append(out, s + run, len - run);
    return over;
}

struct _xmlDoc *html_parse(const char *utf8, size_t len)
{
    pthread_once(&html_once, html_init);
    xmlSetGenericErrorFunc(NULL, silent);      /* this thread's handler */
    buf_t limited = BUF_INIT;
    if (limit_attributes(utf8, len, NULL)) {
        limit_attributes(utf8, len, &limited);
        utf8 = buf_str(&limited);
        len = limited.len;
    }
    int n = len > INT_MAX ? INT_MAX : (int)len;
    xmlDoc *doc = htmlReadMemory(utf8, n, NULL, "UTF-8",
                                 HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                     HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                     HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC);
    buf_free(&limited);
    return doc;
}

void html_free(struct _xmlDoc *doc)
{
    if (doc)
        xmlFreeDoc(doc);
}

/* ---- tree helpers -------------------------------------------------- */

int html_is(const struct _xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->name &&
           strcmp((const char *)node->name, name) == 0;
}

char *html_attr(struct _xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *copy = xstrdup((const char *)v);
    xmlFree(v);
    return copy;
}

struct _xmlNode *html_next(struct _xmlNode *node, struct _xmlNode *root,
                           int skip_children)
{
    if (!skip_children && node->type == XML_ELEMENT_NODE && node->children)
        return node->children;
    while (node && node != root) {
        if (node->next)
            return node->next;
        node = node->parent;
    }
    return NULL;
}

/* Code, never text. <noscript> is not here: broken pages get the rest
 * of the document nested into one, see holds_most_text. */
static int is_code_tag(const xmlNode *node)
{
    return html_is(node, "script") || html_is(node, "style") ||
           html_is(node, "template");
}

static int is_invisible_tag(const xmlNode *node)
{
    return is_code_tag(node) || html_is(node, "noscript");
}

void html_node_text(struct _xmlNode *root, buf_t *out)
{
    size_t start = out->len;
    for (xmlNode *n = root->children; n && out->len - start < HTML_NODE_TEXT_MAX; ) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                text_append_collapsed(out, (const char *)n->content,
                                      strlen((const char *)n->content));
        } else if (html_is(n, "br") || html_is(n, "p") || html_is(n, "div")) {
            text_append_collapsed(out, " ", 1);
        }
        n = html_next(n, root, is_invisible_tag(n));
    }
    text_trim_end(out);
}

/* Bytes of visible text under each element, computed once for the whole
 * tree and kept in the node's _private field (libxml2 leaves it to the
 * application). Asking the size of nested elements one by one would be
 * quadratic on deeply nested pages. */
static void add_size(xmlNode *node, uintptr_t n)
{
    node->_private = (void *)((uintptr_t)node->_private + n);
}

static void compute_text_sizes(xmlNode *root)
{
    root->_private = NULL;
    xmlNode *node = root->children;
    while (node) {
        if (node->type == XML_ELEMENT_NODE) {
            node->_private = NULL;
            if (!is_code_tag(node) && node->children) {
                node = node->children;
                continue;
            }
        } else if (node->type == XML_TEXT_NODE && node->content) {
            uintptr_t n = 0;
            for (const xmlChar *p = node->content; *p; p++)
                n += *p > ' ';
            add_size(node->parent, n);
        }
        /* node is finished: an element hands its total to its parent;
         * when it was the last child, the parent is finished too. */
        for (;;) {
            if (node->type == XML_ELEMENT_NODE)
                add_size(node->parent, (uintptr_t)node->_private);
            if (node->next) {
                node = node->next;
                break;
            }
            node = node->parent;
            if (node == root) {
                node = NULL;
                break;
            }
        }
    }
}

static size_t text_size(const xmlNode *node)
{
    return (size_t)(uintptr_t)node->_private;
}

/* ---- element classes ----------------------------------------------- */

static int name_in(const xmlNode *node, const char *const *names, size_t n)
{
    if (node->type != XML_ELEMENT_NODE || !node->name)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp((const char *)node->name, names[i]) == 0)
            return 1;
    return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

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
        "head", "title", "meta", "link", "dialog", "rt", "rp",
    };
    return name_in(node, chrome, COUNT(chrome));
}

/* Chrome tags that can wrap content when markup is broken or odd. */
static int is_wrapper_tag(const xmlNode *node)
{
    return html_is(node, "header") || html_is(node, "footer") ||
           html_is(node, "nav") || html_is(node, "aside") ||
           html_is(node, "noscript");
}

/* class/id words naming page chrome. A word matches when it starts or
 * ends with one: "navbar", "mainMenu", "comments", "share-buttons", but
 * not "unavailable". */
static const char *const chrome_words[] = {
    "nav", "menu", "footer", "sidebar", "comment", "share", "social",
    "related", "breadcrumb", "advert", "banner", "cookie", "popup",
};

static int word_is_chrome(const char *w, size_t n)
{
    for (size_t k = 0; k < COUNT(chrome_words); k++) {
        size_t m = strlen(chrome_words[k]);
        if (n >= m && (memcmp(w, chrome_words[k], m) == 0 ||
                       memcmp(w + n - m, chrome_words[k], m) == 0))
            return 1;
    }
    return 0;
}

static int names_chrome(const char *value)
{
    char word[64];
    size_t n = 0;
    for (const char *p = value;; p++) {
        if (*p && ascii_alnum((unsigned char)*p)) {
            if (n < sizeof(word))
                word[n++] = (char)ascii_lower((unsigned char)*p);
            continue;
        }
        if (n > 0 && n < sizeof(word) && word_is_chrome(word, n))
            return 1;
        n = 0;
        if (!*p)
            return 0;
    }
}

static int attr_says_chrome(xmlNode *node, const char *attr)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)attr);
    int chrome = v && names_chrome((const char *)v);
    xmlFree(v);
    return chrome;
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

/* ---- the walk ------------------------------------------------------ */

typedef struct walker {
    lines_t *out;
    buf_t para;            /* the paragraph being collected */
    size_t link_bytes;     /* of para, bytes that came from inside <a> */
    int link_depth;
    int heading;           /* level of the enclosing h1-h6, or 0 */
    int list_item;
    int rules;             /* RULES_* below */
    size_t container_size; /* text_size of the container walked */
} walker_t;

/* How hard the walk filters; html_main_text relaxes step by step when a
 * stricter level leaves nothing. */
enum {
    RULES_MINIMAL = 0,     /* only invisible content: scripts, styles */
    RULES_TAGS,            /* plus chrome tags and hidden elements */
    RULES_ALL,             /* plus class/id chrome words */
};

/* Broken markup makes libxml2 nest the rest of the page into an
 * unclosed <header> or class="sidebar" div: an element holding most of
 * the container's text is a wrapper, whatever its name says. */
static int holds_most_text(walker_t *w, xmlNode *node)
{
    return text_size(node) * 2 > w->container_size;
}

static int skip_element(walker_t *w, xmlNode *node)
{
    if (is_code_tag(node))
        return 1;
    if (html_is(node, "noscript"))
        return !holds_most_text(w, node);
    if (w->rules == RULES_MINIMAL)
        return 0;
    /* Some frameworks (ASP.NET) wrap the whole page in one <form>. */
    if (html_is(node, "form"))
        return !holds_most_text(w, node);
    if (is_hidden(node))                 /* some pages unhide with script */
        return !holds_most_text(w, node);
    if (is_chrome_tag(node))
        return !(is_wrapper_tag(node) && holds_most_text(w, node));
    /* Semantic content elements keep their text whatever their classes
     * ("article has-sidebar"). */
    if (w->rules < RULES_ALL || html_is(node, "article") || html_is(node, "main") ||
        html_is(node, "body"))
        return 0;
    return (attr_says_chrome(node, "class") || attr_says_chrome(node, "id")) &&
           !holds_most_text(w, node);
}

static void flush(walker_t *w)
{
    text_trim_end(&w->para);
    if (w->para.len && (double)w->link_bytes <= LINK_SHARE_MAX * (double)w->para.len)
        lines_push(w->out, w->para.data, w->para.len, w->heading, w->list_item);
    buf_reset(&w->para);
    w->link_bytes = 0;
}

static void enter(walker_t *w, xmlNode *node)
{
    if (is_block(node))
        flush(w);
    const char *name = (const char *)node->name;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
        w->heading = name[1] - '0';
    else if (html_is(node, "li"))
        w->list_item = 1;
    else if (html_is(node, "a"))
        w->link_depth++;
}

static void leave(walker_t *w, xmlNode *node)
{
    if (is_block(node))
        flush(w);
    const char *name = (const char *)node->name;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
        w->heading = 0;
    else if (html_is(node, "li"))
        w->list_item = 0;
    else if (html_is(node, "a") && w->link_depth > 0)
        w->link_depth--;
}

static void walk(walker_t *w, xmlNode *root)
{
    xmlNode *node = root->children;
    while (node) {
        int descend = 0;
        if (node->type == XML_ELEMENT_NODE) {
            if (skip_element(w, node)) {
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
    flush(w);
}

/* ---- choosing the container ---------------------------------------- */

static int has_article_body_prop(xmlNode *node)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)"itemprop");
    int yes = v && strstr((const char *)v, "articleBody") != NULL;
    xmlFree(v);
    return yes;
}

/* The most specific container that holds a real article: an
 * itemprop=articleBody, else the largest <article> (unless the page is a
 * list of small articles), else <main>, else <body>. */
static xmlNode *find_container(xmlDoc *doc)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root)
        return NULL;
    xmlNode *prop = NULL, *article = NULL, *main_el = NULL, *body = NULL;
    size_t prop_size = 0, article_size = 0, articles = 0, articles_total = 0;
    for (xmlNode *n = root; n; n = html_next(n, root, is_code_tag(n))) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (has_article_body_prop(n)) {
            size_t s = text_size(n);
            if (s > prop_size)
                prop = n, prop_size = s;
        } else if (html_is(n, "article")) {
            size_t s = text_size(n);
            articles++;
            articles_total += s;
            if (s > article_size)
                article = n, article_size = s;
        } else if (html_is(n, "main") && !main_el) {
            main_el = n;
        } else if (html_is(n, "body") && !body) {
            body = n;
        }
    }
    if (prop && prop_size >= ARTICLE_MIN_TEXT / 2)
        return prop;
    if (article && article_size >= ARTICLE_MIN_TEXT &&
        !(articles >= 3 && article_size * 3 < articles_total))
        return article;
    if (main_el && text_size(main_el) >= ARTICLE_MIN_TEXT)
        return main_el;
    return body ? body : root;
}

void html_main_text(struct _xmlDoc *doc, lines_t *out)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root)
        return;
    compute_text_sizes(root);
    xmlNode *container = find_container(doc);
    walker_t w = { out, BUF_INIT, 0, 0, 0, 0, RULES_ALL, text_size(container) };
    /* Every block called chrome means the rules were wrong for this
     * site: fewer rules beat an empty body. */
    for (int rules = RULES_ALL; rules >= RULES_MINIMAL && out->n == 0; rules--) {
        w.rules = rules;
        w.link_depth = w.heading = w.list_item = 0;
        walk(&w, container);
    }
    buf_free(&w.para);
}
