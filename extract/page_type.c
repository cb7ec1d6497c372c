/* page_type: the kind of a web page, from its own signals. See
 * page_type.h for what is looked at; the weights below say how much each
 * signal is worth. They were set against the labelled pages of
 * ../shared/corpus/wcxb-dev (`make quality` prints the confusion), as
 * general rules: a signal counts for a type whatever the site. */
#include "page_type.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "html.h"

typedef enum {
    T_ARTICLE, T_FORUM, T_PRODUCT, T_COLLECTION, T_LISTING, T_DOCUMENTATION, T_SERVICE,
    T_COUNT
} type_t;

static const char *const type_names[T_COUNT] = {
    "article", "forum", "product", "collection", "listing", "documentation", "service",
};

/* What the walk counts. */
typedef struct signals {
    double score[T_COUNT];
    char *url;               /* og:url, else the canonical link: lowercase */
    int code_blocks;         /* <pre>, and <code> outside one */
    int prices;              /* itemprop=price, class "price", currency amounts */
    int posts;               /* elements whose class says post, comment, reply, answer */
    int cards;               /* elements whose class says card, tile, item, product */
    int product_cards;       /* ... product card, product item, grid product */
    int articles;            /* <article> elements */
    int forms, inputs, buttons;
    int service_marks;       /* class says pricing, plan, faq, testimonial, hero, feature */
    int doc_marks;           /* class says toc, sidebar nav, docs, api */
    int headings;            /* <h2>, <h3> */
    int link_headings;       /* headings that are a link: entries of a list */
    int times;               /* <time> elements */
    int products;            /* schema.org Product objects named */
    int dated;               /* a publication date in the metadata */
} signals_t;

/* schema.org names and the type each speaks for, with its weight. */
typedef struct named {
    const char *name;
    type_t type;
    double weight;
} named_t;

static const named_t schema_types[] = {
    { "NewsArticle", T_ARTICLE, 3 }, { "BlogPosting", T_ARTICLE, 3 },
    { "Article", T_ARTICLE, 2 }, { "ReportageNewsArticle", T_ARTICLE, 3 },
    { "OpinionNewsArticle", T_ARTICLE, 3 }, { "AnalysisNewsArticle", T_ARTICLE, 3 },
    { "ScholarlyArticle", T_ARTICLE, 3 }, { "LiveBlogPosting", T_ARTICLE, 3 },
    { "Recipe", T_ARTICLE, 2 },
    { "DiscussionForumPosting", T_FORUM, 5 }, { "QAPage", T_FORUM, 5 },
    { "Question", T_FORUM, 3 }, { "Answer", T_FORUM, 2 },
    { "Product", T_PRODUCT, 4 }, { "ProductGroup", T_PRODUCT, 4 },
    { "IndividualProduct", T_PRODUCT, 4 },
    { "CollectionPage", T_COLLECTION, 3 }, { "OfferCatalog", T_COLLECTION, 3 },
    { "ItemList", T_LISTING, 1.5 }, { "SearchResultsPage", T_LISTING, 3 },
    { "TechArticle", T_DOCUMENTATION, 4 }, { "APIReference", T_DOCUMENTATION, 5 },
    { "SoftwareSourceCode", T_DOCUMENTATION, 3 },
    { "Service", T_SERVICE, 4 }, { "FAQPage", T_SERVICE, 2 },
    { "ProfessionalService", T_SERVICE, 3 }, { "Course", T_SERVICE, 2 },
    { "EducationalOccupationalProgram", T_SERVICE, 3 }, { "Offer", T_PRODUCT, 1 },
};

/* Pieces of a URL and what they say. */
static const named_t url_marks[] = {
    { "/t/", T_FORUM, 3 }, { "/questions/", T_FORUM, 4 }, { "/threads/", T_FORUM, 4 },
    { "/thread", T_FORUM, 3 }, { "/topic", T_FORUM, 3 }, { "/forum", T_FORUM, 3 },
    { "showthread", T_FORUM, 4 }, { "viewtopic", T_FORUM, 4 }, { "/discussion", T_FORUM, 3 },
    { "/comments/", T_FORUM, 3 }, { "community.", T_FORUM, 2 }, { "forum.", T_FORUM, 2 },
    { "forums.", T_FORUM, 2 }, { "stackexchange.com/", T_FORUM, 2 },
    { "/products/", T_PRODUCT, 4 }, { "/product/", T_PRODUCT, 4 }, { "/dp/", T_PRODUCT, 4 },
    { "/p/", T_PRODUCT, 1.5 }, { "/item/", T_PRODUCT, 2 },
    { "/collections/", T_COLLECTION, 4 }, { "/collection/", T_COLLECTION, 3 },
    { "/category/", T_COLLECTION, 1.5 }, { "/categories/", T_COLLECTION, 1.5 },
    { "/shop/", T_COLLECTION, 1 }, { "/c/", T_COLLECTION, 1 },
    { "/docs", T_DOCUMENTATION, 3 }, { "/doc/", T_DOCUMENTATION, 3 },
    { "docs.", T_DOCUMENTATION, 3 }, { "/documentation", T_DOCUMENTATION, 4 },
    { "/api/", T_DOCUMENTATION, 2 }, { "/reference", T_DOCUMENTATION, 2 },
    { "/manual", T_DOCUMENTATION, 3 }, { "/guide", T_DOCUMENTATION, 1.5 },
    { "readthedocs", T_DOCUMENTATION, 4 }, { "gitbook", T_DOCUMENTATION, 3 },
    { "/wiki/", T_DOCUMENTATION, 2 }, { "/tutorial", T_DOCUMENTATION, 1.5 },
    { "github.io/", T_DOCUMENTATION, 1 }, { "/glossary", T_DOCUMENTATION, 2 },
    { "/services", T_SERVICE, 2.5 }, { "/service/", T_SERVICE, 2 },
    { "/pricing", T_SERVICE, 3 }, { "/plans", T_SERVICE, 2 }, { "/solutions", T_SERVICE, 2 },
    { "/features", T_SERVICE, 2 }, { "/tuition", T_SERVICE, 2 }, { "/programs", T_SERVICE, 1.5 },
    { "/news/", T_ARTICLE, 1 }, { "/blog/", T_ARTICLE, 1.5 }, { "/article", T_ARTICLE, 1.5 },
    { "/posts/", T_ARTICLE, 1.5 }, { "/story/", T_ARTICLE, 2 },
};

/* Class and id words, and the counter each feeds. */
typedef enum {
    MARK_POST, MARK_CARD, MARK_PRODUCT_CARD, MARK_SERVICE, MARK_DOC, MARK_PRICE, MARK_NONE
} mark_t;

typedef struct word_mark {
    const char *word;
    mark_t mark;
} word_mark_t;

/* Longest first where one contains another: the first match counts. */
static const word_mark_t class_marks[] = {
    { "product-card", MARK_PRODUCT_CARD }, { "product-item", MARK_PRODUCT_CARD },
    { "productcard", MARK_PRODUCT_CARD }, { "grid-product", MARK_PRODUCT_CARD },
    { "product-tile", MARK_PRODUCT_CARD }, { "card-product", MARK_PRODUCT_CARD },
    { "product-grid-item", MARK_PRODUCT_CARD }, { "price", MARK_PRICE },
    /* The post of a forum engine (Discourse, phpBB, XenForo, vBulletin,
     * Stack Exchange): a blog's "post-content" or "reply" link is not. */
    { "topic-post", MARK_POST }, { "postbody", MARK_POST }, { "message-body", MARK_POST },
    { "messagecontent", MARK_POST }, { "bbwrapper", MARK_POST }, { "cooked", MARK_POST },
    { "answercell", MARK_POST }, { "post-message", MARK_POST }, { "postcontent", MARK_POST },
    { "pricing", MARK_SERVICE }, { "testimonial", MARK_SERVICE }, { "plan-card", MARK_SERVICE },
    { "toc", MARK_DOC }, { "table-of-contents", MARK_DOC }, { "docs", MARK_DOC },
    { "sidebar-nav", MARK_DOC }, { "highlight", MARK_DOC }, { "sphinx", MARK_DOC },
    { "card", MARK_CARD }, { "tile", MARK_CARD }, { "teaser", MARK_CARD },
    { "grid-item", MARK_CARD }, { "list-item", MARK_CARD },
};

static void add(signals_t *s, type_t t, double weight)
{
    s->score[t] += weight;
}

static void lower_copy(char **dst, const char *src)
{
    free(*dst);
    *dst = xstrdup(src);
    for (char *c = *dst; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
}

/* A schema.org type name, alone or at the end of a URL
 * ("https://schema.org/Product"): each type counts once per page. */
static void schema_type(signals_t *s, const char *name, size_t len, unsigned *seen)
{
    if (len == 7 && !memcmp(name, "Product", 7))
        s->products++;
    for (size_t i = 0; i < sizeof schema_types / sizeof schema_types[0]; i++) {
        const named_t *n = &schema_types[i];
        if (strlen(n->name) == len && !memcmp(n->name, name, len) && !(*seen & (1u << i))) {
            *seen |= 1u << i;
            add(s, n->type, n->weight);
        }
    }
}

/* "@type": "X" and "@type": ["X", "Y"] in a JSON-LD block: a scan for
 * the key, not a parse; a type named elsewhere in a string is rare and
 * costs only a little evidence. */
static void jsonld_types(signals_t *s, const char *json, unsigned *seen)
{
    for (const char *at = strstr(json, "\"@type\""); at; at = strstr(at + 1, "\"@type\"")) {
        const char *p = at + 7;
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == ':' || *p == '[' || *p == '\r')
            p++;
        for (int k = 0; k < 4 && *p == '"'; k++) {
            const char *end = strchr(p + 1, '"');
            if (!end)
                return;
            const char *name = p + 1;
            const char *slash = memrchr(name, '/', (size_t)(end - name));
            if (slash)
                name = slash + 1;
            schema_type(s, name, (size_t)(end - name), seen);
            p = end + 1;
            while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\t' || *p == '\r')
                p++;
        }
    }
}

/* Each word of a class attribute ("card product-card__item") is
 * compared with the start of the class words above, ignoring case: a
 * word that begins with one (BEM's "product-card__title" too) counts.
 * Every element with a class is looked at, so this is a walk of its
 * bytes, not a search of every word in them. */
static mark_t class_mark(const char *value)
{
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *word = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        size_t len = (size_t)(p - word);
        for (size_t i = 0; len && i < sizeof class_marks / sizeof class_marks[0]; i++) {
            const char *w = class_marks[i].word;
            size_t n = strlen(w);
            if (n <= len && (w[0] == word[0] || w[0] == (word[0] | 0x20))
                && !strncasecmp(word, w, n))
                return class_marks[i].mark;
        }
    }
    return MARK_NONE;
}

/* An attribute's value as libxml2 holds it, without a copy: NULL when
 * absent or not plain text. Every element is looked at, so no malloc. */
static const char *attr_value(const xmlNode *node, const char *name)
{
    for (const xmlAttr *a = node->properties; a; a = a->next)
        if (a->name && !strcasecmp((const char *)a->name, name))
            return a->children && a->children->type == XML_TEXT_NODE && !a->children->next
                       ? (const char *)a->children->content : NULL;
    return NULL;
}

/* An amount of money in a short text: a currency sign next to a digit. */
static int has_amount(const char *text)
{
    static const char *const signs[] = { "$", "\xe2\x82\xac", "\xc2\xa3", "\xe2\x82\xa9",
                                         "\xc2\xa5" };
    for (size_t i = 0; i < sizeof signs / sizeof signs[0]; i++) {
        const char *at = strstr(text, signs[i]);
        if (at) {
            const char *after = at + strlen(signs[i]);
            while (*after == ' ')
                after++;
            if (*after >= '0' && *after <= '9')
                return 1;
        }
    }
    return 0;
}

static void on_meta(signals_t *s, xmlNode *node)
{
    char *property = html_attr(node, "property");
    char *content = html_attr(node, "content");
    if (property && content) {
        if (!strcasecmp(property, "article:published_time"))
            s->dated = 1;
        if (!strcasecmp(property, "og:type")) {
            if (!strcasecmp(content, "article"))
                add(s, T_ARTICLE, 1.5);
            else if (strcasestr(content, "product"))
                add(s, T_PRODUCT, 3);
        } else if (!strcasecmp(property, "og:url")) {
            lower_copy(&s->url, content);
        } else if (!strcasecmp(property, "product:price:amount")) {
            add(s, T_PRODUCT, 2);
        }
    }
    free(property);
    free(content);
}

/* A <code> inside a <pre> is the same block. */
static int inside_pre(const xmlNode *node)
{
    for (const xmlNode *up = node->parent; up && up->type == XML_ELEMENT_NODE; up = up->parent)
        if (html_is(up, "pre"))
            return 1;
    return 0;
}

static void on_link(signals_t *s, xmlNode *node)
{
    char *rel = html_attr(node, "rel");
    if (rel && !strcasecmp(rel, "canonical") && !s->url) {
        char *href = html_attr(node, "href");
        if (href)
            lower_copy(&s->url, href);
        free(href);
    }
    free(rel);
}

static void on_script(signals_t *s, xmlNode *node, unsigned *seen)
{
    char *type = html_attr(node, "type");
    if (type && !strcasecmp(type, "application/ld+json") && node->children
        && node->children->content) {
        jsonld_types(s, (const char *)node->children->content, seen);
        if (strstr((const char *)node->children->content, "\"datePublished\""))
            s->dated = 1;
    }
    free(type);
}

/* A heading whose content is a link is an entry of a list. */
static void on_heading(signals_t *s, xmlNode *node)
{
    s->headings++;
    xmlNode *child = node->children;
    while (child && child->type == XML_TEXT_NODE && child->next)
        child = child->next;
    if (child && child->type == XML_ELEMENT_NODE && html_is(child, "a"))
        s->link_headings++;
}

/* The elements that count, by name; most elements are none of them and
 * cost one switch. Returns 1 when the element was wholly dealt with. */
static int on_tag(signals_t *s, xmlNode *node, unsigned *seen)
{
    const char *t = (const char *)node->name;
    switch (t[0]) {
    case 'm':
        if (!strcmp(t, "meta")) {
            on_meta(s, node);
            return 1;
        }
        break;
    case 'l':
        if (!strcmp(t, "link")) {
            on_link(s, node);
            return 1;
        }
        break;
    case 's':
        if (!strcmp(t, "script")) {
            on_script(s, node, seen);
            return 1;
        }
        s->inputs += !strcmp(t, "select");
        break;
    case 'p':
        s->code_blocks += !strcmp(t, "pre");
        break;
    case 'c':
        s->code_blocks += !strcmp(t, "code") && !inside_pre(node);
        break;
    case 'a':
        s->articles += !strcmp(t, "article");
        break;
    case 'f':
        s->forms += !strcmp(t, "form");
        break;
    case 'i':
        s->inputs += !strcmp(t, "input");
        break;
    case 't':
        s->inputs += !strcmp(t, "textarea");
        s->times += !strcmp(t, "time");
        break;
    case 'b':
        s->buttons += !strcmp(t, "button");
        break;
    case 'h':
        if ((t[1] == '2' || t[1] == '3' || t[1] == '4') && !t[2])
            on_heading(s, node);
        break;
    }
    return 0;
}

static void on_element(signals_t *s, xmlNode *node, unsigned *seen)
{
    if (on_tag(s, node, seen))
        return;
    if (!node->properties)
        return;
    const char *itemtype = attr_value(node, "itemtype");
    if (itemtype) {
        const char *name = strrchr(itemtype, '/');
        name = name ? name + 1 : itemtype;
        schema_type(s, name, strlen(name), seen);
    }
    const char *itemprop = attr_value(node, "itemprop");
    if (itemprop && !strcasecmp(itemprop, "price"))
        s->prices++;
    if (itemprop && !strcasecmp(itemprop, "datePublished"))
        s->dated = 1;
    const char *cls = attr_value(node, "class");
    switch (cls ? class_mark(cls) : MARK_NONE) {
    case MARK_POST: s->posts++; break;
    case MARK_CARD: s->cards++; break;
    case MARK_PRODUCT_CARD: s->product_cards++; s->cards++; break;
    case MARK_SERVICE: s->service_marks++; break;
    case MARK_DOC: s->doc_marks++; break;
    case MARK_PRICE: {
        buf_t text = BUF_INIT;
        html_node_text(node, &text);
        if (text.len < 64 && has_amount(buf_str(&text)))
            s->prices++;
        buf_free(&text);
        break;
    }
    case MARK_NONE: break;
    }
}

/* A date in a URL's path (/2024/03/, /2024-03-05-): a dated post. */
static int dated_path(const char *url)
{
    for (const char *p = url; *p; p++) {
        if (p[0] != '/' || !(p[1] == '1' || p[1] == '2'))
            continue;
        int digits = 0;
        while (digits < 4 && p[1 + digits] >= '0' && p[1 + digits] <= '9')
            digits++;
        if (digits == 4 && (p[5] == '/' || p[5] == '-') && p[6] >= '0' && p[6] <= '9')
            return 1;
    }
    return 0;
}

static void score_url(signals_t *s)
{
    if (!s->url)
        return;
    const char *path = strstr(s->url, "://");
    path = path ? path + 3 : s->url;
    for (size_t i = 0; i < sizeof url_marks / sizeof url_marks[0]; i++)
        if (strstr(path, url_marks[i].name))
            add(s, url_marks[i].type, url_marks[i].weight);
    if (dated_path(path))
        add(s, T_ARTICLE, 2);
    /* A site's home page or a section's root lists, rarely tells. */
    const char *slash = strchr(path, '/');
    if (!slash || !slash[1])
        add(s, T_SERVICE, 1);
}

static void score_structure(signals_t *s)
{
    if (s->code_blocks >= 3)
        add(s, T_DOCUMENTATION, s->code_blocks >= 10 ? 3 : 2);
    if (s->doc_marks >= 2)
        add(s, T_DOCUMENTATION, 1);
    if (s->posts >= 3)
        add(s, T_FORUM, s->posts >= 8 ? 3 : 2);
    /* One product named per card: a shop's category page. */
    if (s->products >= 3)
        add(s, T_COLLECTION, 5);
    if (s->product_cards >= 4 || (s->prices >= 4 && s->cards >= 4))
        add(s, T_COLLECTION, 3);
    else if (s->prices >= 1 && s->prices < 4)
        add(s, T_PRODUCT, 1.5);
    if (s->articles >= 5 || (s->cards >= 8 && s->prices < 2))
        add(s, T_LISTING, 2);
    if (s->times >= 5)
        add(s, T_LISTING, 1);
    if (s->link_headings >= 8)
        add(s, T_LISTING, s->link_headings >= 15 ? 2.5 : 1.5);
    if (s->dated)
        add(s, T_ARTICLE, 1.5);
    if (s->service_marks >= 2)
        add(s, T_SERVICE, 2);
    if (s->forms >= 1 && s->inputs >= 3)
        add(s, T_SERVICE, 0.5);
    /* A page of sections that tells no date and asks something of its
     * reader (a form, a button) sells rather than reports. */
    if (!s->dated && s->headings >= 4 && (s->forms || s->buttons >= 2))
        add(s, T_SERVICE, 1.5);
}

const char *page_type_classify(struct _xmlDoc *doc)
{
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root)
        return type_names[T_ARTICLE];
    signals_t s = { .score = { [T_ARTICLE] = 1.0 } };
    unsigned seen = 0;
    for (xmlNode *n = root; n; ) {
        int skip = 0;
        if (n->type == XML_ELEMENT_NODE) {
            on_element(&s, n, &seen);
            skip = html_is(n, "script") || html_is(n, "style");
        }
        n = html_next(n, root, skip);
    }
    score_url(&s);
    score_structure(&s);
    free(s.url);
    type_t best = T_ARTICLE;
    for (type_t t = 0; t < T_COUNT; t++)
        if (s.score[t] > s.score[best])
            best = t;
    return type_names[best];
}

int page_type_valid(const char *name)
{
    for (int t = 0; t < T_COUNT; t++)
        if (name && !strcmp(name, type_names[t]))
            return 1;
    return 0;
}
