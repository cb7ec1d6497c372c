/* page_type: the kind of a web page from its own signals. See page_type.h.
 *
 * One walk over the tree counts the signals (signals_t); features()
 * makes them numbers of about one at most, and a linear model gives each
 * type a score from them: the best score wins. The weights are fitted,
 * not chosen: a multinomial logistic regression over all of wcxb-dev
 * (scripts/page_type_train.py writes them into page_type_model.h). The
 * hand-weighted score it replaced classed 0.798 of wcxb-dev's pages
 * right, measured on the pages it was checked on; the model classes
 * 0.834 right on sites it was not fitted on (five folds of sites) and
 * 0.88 of the whole corpus it was fitted on (docs/extraction.md). A signal is added here and
 * in feature_names, then the model retrained: never weighted by hand. */
#include "page_type.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "common/hash.h"
#include "html.h"

enum { T_ARTICLE, T_FORUM, T_PRODUCT, T_COLLECTION, T_LISTING, T_DOCS, T_SERVICE, T_COUNT };

/* As PAGE_TYPES spells them. */
static const char *const type_names[T_COUNT] = {
    "article", "forum", "product", "collection", "listing", "documentation", "service",
};

/* Runs of similar siblings shorter than this are not a list of cards. */
#define RUN_MIN 4
/* Ancestors looked at to see whether a text node is inside a link. */
#define LINK_DEPTH 8
/* URLs longer than this are cut: only the host and path matter. */
#define URL_MAX 1024

/* Class and id values remembered by names() (shorter than this). */
#define NAME_MEMO_LEN 64
#define NAME_MEMO_SLOTS 64

typedef struct signals {
    char url[URL_MAX];           /* canonical link or og:url, else "" */
    unsigned schema[T_COUNT];    /* schema.org / og:type votes, each type once */
    size_t pre, code, textareas, inputs, articles, times, headings, long_paras;
    size_t text_bytes, link_bytes;
    size_t prices, carts, ctas;
    size_t forum_marks, doc_marks, product_marks;
    size_t dated, bylines;       /* publication dates and author marks */
    size_t product_cards;        /* class words of a shop's card */
    unsigned url_marks;          /* URL_* bits: what the address says */
    size_t runs;                 /* runs of RUN_MIN or more similar siblings */
    size_t run_items;            /* siblings in those runs */
    /* What names() found in recent class and id values: a page repeats
     * the same ones on card after card, and each costs some forty
     * substring searches. Indexed by a hash; the value is kept whole so
     * that a hit is exact. */
    struct name_memo {
        char value[NAME_MEMO_LEN];
        unsigned marks;          /* NAME_* bits */
    } memo[NAME_MEMO_SLOTS];
} signals_t;

/* ---- small helpers -------------------------------------------------- */

/* An attribute's value without a copy (the text of its first child), or
 * NULL. */
static const char *attr(const xmlNode *node, const char *name)
{
    for (const xmlAttr *a = node->properties; a; a = a->next)
        if (a->name && !strcasecmp((const char *)a->name, name))
            return a->children && a->children->content ? (const char *)a->children->content
                                                        : "";
    return NULL;
}

/* Longest attribute value or text looked into for words; enough for
 * class lists and button labels. */
#define LOWER_MAX 256

/* s lower-cased (ASCII) into out, cut at LOWER_MAX - 1 bytes. */
static const char *lower(const char *s, char out[LOWER_MAX])
{
    size_t i = 0;
    for (; s && s[i] && i < LOWER_MAX - 1; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
    return out;
}

/* Case-insensitive substring search; needle is lower case. */
static int has(const char *s, const char *needle)
{
    char buf[LOWER_MAX];
    return s && strstr(lower(s, buf), needle) != NULL;
}

/* The first of the lower-case needles found in already lower-cased s. */
static int has_any(const char *s, const char *const *needles, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, needles[i]))
            return 1;
    return 0;
}

#define HAS_ANY(s, list) has_any(s, list, sizeof(list) / sizeof(list[0]))

static void vote(signals_t *s, int type, unsigned weight)
{
    if (s->schema[type] < weight)
        s->schema[type] = weight;
}

/* ---- schema.org and og:type ----------------------------------------- */

/* What one schema.org type name says (the part after the last '/'). */
static void schema_type(signals_t *s, const char *t, size_t n)
{
    static const struct { const char *name; int type; unsigned weight; } table[] = {
        { "Product", T_PRODUCT, 4 }, { "ProductGroup", T_PRODUCT, 3 },
        { "Offer", T_PRODUCT, 2 }, { "AggregateOffer", T_PRODUCT, 2 },
        { "IndividualProduct", T_PRODUCT, 4 },
        { "DiscussionForumPosting", T_FORUM, 5 }, { "QAPage", T_FORUM, 5 },
        { "SocialMediaPosting", T_FORUM, 3 },
        { "Article", T_ARTICLE, 3 }, { "NewsArticle", T_ARTICLE, 4 },
        { "BlogPosting", T_ARTICLE, 4 }, { "Report", T_ARTICLE, 3 },
        { "Recipe", T_ARTICLE, 3 }, { "HowTo", T_ARTICLE, 2 },
        { "TechArticle", T_DOCS, 4 }, { "APIReference", T_DOCS, 5 },
        { "SoftwareSourceCode", T_DOCS, 2 },
        { "CollectionPage", T_COLLECTION, 3 }, { "OfferCatalog", T_COLLECTION, 3 },
        { "SearchResultsPage", T_LISTING, 3 }, { "ItemList", T_LISTING, 2 },
        { "Service", T_SERVICE, 3 }, { "ProfessionalService", T_SERVICE, 3 },
        { "LocalBusiness", T_SERVICE, 2 }, { "SoftwareApplication", T_SERVICE, 2 },
        { "WebApplication", T_SERVICE, 2 },
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strlen(table[i].name) == n && !strncasecmp(table[i].name, t, n))
            vote(s, table[i].type, table[i].weight);
}

/* Every "@type" value of a JSON-LD block, read as text: a string or an
 * array of strings. Malformed JSON costs nothing but a missed vote. */
static void jsonld_types(signals_t *s, const char *json)
{
    s->dated += strstr(json, "\"datePublished\"") != NULL;
    for (const char *p = strstr(json, "\"@type\""); p; p = strstr(p, "\"@type\"")) {
        p += 7;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ':' ||
               *p == '[')
            p++;
        while (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (!end)
                return;
            const char *name = p + 1;
            for (const char *q = name; q < end; q++)
                if (*q == '/')
                    name = q + 1;
            schema_type(s, name, (size_t)(end - name));
            p = end + 1;
            while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\r' || *p == '\t')
                p++;
        }
    }
}

static void og_type(signals_t *s, const char *v)
{
    if (!strcasecmp(v, "article") || !strncasecmp(v, "article:", 8) || !strcasecmp(v, "blog"))
        vote(s, T_ARTICLE, 1);          /* many CMSs' default: weak */
    else if (!strcasecmp(v, "product.group"))
        vote(s, T_COLLECTION, 3);
    else if (has(v, "product"))
        vote(s, T_PRODUCT, 4);
}

static void generator(signals_t *s, const char *v)
{
    static const char *const forums[] = { "discourse", "phpbb", "vbulletin", "xenforo",
                                          "invision", "flarum", "mybb", "nodebb", "vanilla" };
    static const char *const docs[] = { "sphinx", "mkdocs", "docusaurus", "gitbook",
                                        "mediawiki", "docfx", "vitepress", "antora", "jekyll-docs" };
    for (size_t i = 0; i < sizeof(forums) / sizeof(forums[0]); i++)
        if (has(v, forums[i]))
            vote(s, T_FORUM, 5);
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        if (has(v, docs[i]))
            vote(s, T_DOCS, 4);
}

/* ---- the walk ------------------------------------------------------- */

static void keep_url(signals_t *s, const char *v)
{
    if (v && !s->url[0] && (has(v, "http://") || has(v, "https://")))
        snprintf(s->url, sizeof(s->url), "%s", v);
}

enum { NAME_FORUM = 1, NAME_DOCS = 2, NAME_PRODUCT = 4, NAME_CARD = 8, NAME_BYLINE = 16 };

/* Class and id words that name posts, docs, products. */
static void names(signals_t *s, const char *value)
{
    if (!value || !*value)
        return;
    char buf[LOWER_MAX];
    const char *v = lower(value, buf);
    /* not "post": blog templates name every article part so */
    static const char *const forum[] = { "message", "reply", "thread", "topic", "forum",
                                         "bbp-", "answer", "postbody", "post-body",
                                         "postcontent", "userinfo", "user-info" };
    static const char *const docs[] = { "toc", "docs", "documentation", "sphinx", "md-nav",
                                        "rst-", "wy-", "admonition", "highlight", "api-",
                                        "menu__link", "theme-doc", "sidebar-nav" };
    static const char *const product[] = { "price", "add-to-cart", "addtocart", "add_to_cart",
                                           "product", "sku", "quantity", "variant" };
    static const char *const cards[] = { "product-card", "product-item", "productcard",
                                         "grid-product", "product-tile", "card-product" };
    size_t len = strlen(v);
    struct name_memo *memo = NULL;
    unsigned marks = 0;
    if (len < NAME_MEMO_LEN) {
        memo = &s->memo[hash_fnv1a(HASH_FNV_BASIS, v, len) % NAME_MEMO_SLOTS];
        if (memo->value[0] && !strcmp(memo->value, v))
            marks = memo->marks;
        else
            memo->value[0] = '\0';
    }
    if (!memo || !memo->value[0]) {
        marks = (HAS_ANY(v, forum) ? NAME_FORUM : 0) | (HAS_ANY(v, docs) ? NAME_DOCS : 0) |
                (HAS_ANY(v, product) ? NAME_PRODUCT : 0) |
                (strstr(v, "product") && HAS_ANY(v, cards) ? NAME_CARD : 0) |
                (strstr(v, "byline") || strstr(v, "author") ? NAME_BYLINE : 0);
        if (memo) {
            memcpy(memo->value, v, len + 1);
            memo->marks = marks;
        }
    }
    /* Each count stops at a cap: past it a page says nothing more. */
    if (s->forum_marks < 30)
        s->forum_marks += (marks & NAME_FORUM) != 0;
    if (s->doc_marks < 20)
        s->doc_marks += (marks & NAME_DOCS) != 0;
    if (s->product_marks < 30)
        s->product_marks += (marks & NAME_PRODUCT) != 0;
    if (s->product_cards < 4)
        s->product_cards += (marks & NAME_CARD) != 0;
    if (!s->bylines)
        s->bylines += (marks & NAME_BYLINE) != 0;
}

/* Runs of consecutive element children with the same tag and class: a
 * list of cards, results or posts. */
static void sibling_runs(signals_t *s, xmlNode *parent)
{
    const xmlNode *first = NULL;
    size_t run = 0;
    for (xmlNode *c = parent->children;; c = c->next) {
        if (c && c->type != XML_ELEMENT_NODE)
            continue;
        int same = c && first && !strcmp((const char *)c->name, (const char *)first->name);
        if (same) {
            const char *a = attr(c, "class"), *b = attr(first, "class");
            same = (!a && !b) || (a && b && !strcmp(a, b));
        }
        if (same) {
            run++;
        } else {
            if (first && run >= RUN_MIN && (html_is(first, "li") || html_is(first, "div") ||
                                            html_is(first, "article") ||
                                            html_is(first, "section"))) {
                s->runs++;
                s->run_items += run;
            }
            if (!c)
                break;
            first = c;
            run = 1;
        }
    }
}

static int in_link(const xmlNode *n)
{
    for (int d = 0; n && d < LINK_DEPTH; d++, n = n->parent)
        if (html_is(n, "a"))
            return 1;
    return 0;
}

/* Amounts such as "$19.99", "€ 20", "19,99 €", "USD 5". */
static size_t count_prices(const char *t)
{
    size_t n = 0;
    for (const char *p = t; *p; p++) {
        const unsigned char *u = (const unsigned char *)p;
        int sign = *p == '$' || (u[0] == 0xE2 && u[1] == 0x82 && (u[2] == 0xAC || u[2] == 0xB9)) ||
                   (u[0] == 0xC2 && (u[1] == 0xA3 || u[1] == 0xA5));
        if (!sign)
            continue;
        const char *q = p + 1;
        while (*q && (unsigned char)*q >= 0x80 && (unsigned char)*q < 0xC0)
            q++;
        while (*q == ' ')
            q++;
        n += isdigit((unsigned char)*q) != 0;
    }
    return n;
}

/* Calls to act on a marketing page, in links and buttons. */
static int is_cta(const char *t)
{
    static const char *const ctas[] = { "get started", "book a demo", "request a demo",
                                        "get a demo", "free trial", "contact sales",
                                        "talk to sales", "get a quote", "request a quote",
                                        "schedule a", "start for free", "try for free",
                                        "try it free", "sign up free", "contact us" };
    char buf[LOWER_MAX];
    return HAS_ANY(lower(t, buf), ctas);
}

static void element(signals_t *s, xmlNode *n)
{
    const char *name = (const char *)n->name;
    switch (name[0]) {
    case 'a':
        if (!strcmp(name, "article"))
            s->articles++;
        break;
    case 'b':
        if (!strcmp(name, "button") && n->children && n->children->content &&
            is_cta((const char *)n->children->content))
            s->ctas++;
        break;
    case 'c':
        if (!strcmp(name, "code"))
            s->code++;
        break;
    case 'h':
        if (!strcmp(name, "h2") || !strcmp(name, "h3"))
            s->headings++;
        break;
    case 'i':
        if (!strcmp(name, "input"))
            s->inputs++;
        break;
    case 'l':
        if (!strcmp(name, "link")) {
            const char *rel = attr(n, "rel");
            if (rel && !strcasecmp(rel, "canonical"))
                keep_url(s, attr(n, "href"));
        }
        break;
    case 'm':
        if (!strcmp(name, "meta")) {
            const char *key = attr(n, "property");
            if (!key)
                key = attr(n, "name");
            const char *v = attr(n, "content");
            if (!key || !v)
                break;
            if (!strcasecmp(key, "og:type"))
                og_type(s, v);
            else if (!strcasecmp(key, "og:url"))
                keep_url(s, v);
            else if (!strcasecmp(key, "generator"))
                generator(s, v);
            else if (!strcasecmp(key, "article:published_time") ||
                     !strcasecmp(key, "datePublished") || !strcasecmp(key, "date"))
                s->dated++;
            else if (!strcasecmp(key, "author") || !strcasecmp(key, "article:author"))
                s->bylines++;
        }
        break;
    case 'p':
        if (!strcmp(name, "pre")) {
            s->pre++;
        } else if (!strcmp(name, "p")) {
            size_t len = 0;
            for (xmlNode *c = n->children; c; c = c->next)
                if (c->type == XML_TEXT_NODE && c->content)
                    len += strlen((const char *)c->content);
            s->long_paras += len >= 200;
        }
        break;
    case 's':
        if (!strcmp(name, "script")) {
            const char *type = attr(n, "type");
            if (type && has(type, "ld+json") && n->children && n->children->content)
                jsonld_types(s, (const char *)n->children->content);
        }
        break;
    case 't':
        if (!strcmp(name, "textarea"))
            s->textareas++;
        else if (!strcmp(name, "time"))
            s->times++, s->dated += attr(n, "datetime") != NULL;
        break;
    default:
        break;
    }
    /* The attributes every element is asked for, in one walk. */
    const char *itemprop = NULL, *itemtype = NULL, *class = NULL, *id = NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        if (!an || ((an[0] | 0x20) != 'c' && (an[0] | 0x20) != 'i'))
            continue;
        const char *value = a->children && a->children->content
                                ? (const char *)a->children->content : "";
        /* The first of each name, as attr() would find it. */
        if (!class && !strcasecmp(an, "class"))
            class = value;
        else if (!id && !strcasecmp(an, "id"))
            id = value;
        else if (!itemprop && !strcasecmp(an, "itemprop"))
            itemprop = value;
        else if (!itemtype && !strcasecmp(an, "itemtype"))
            itemtype = value;
    }
    if (itemprop && !strcasecmp(itemprop, "datePublished"))
        s->dated++;
    if (itemtype) {
        const char *t = strrchr(itemtype, '/');
        t = t ? t + 1 : itemtype;
        size_t len = strcspn(t, " ");
        schema_type(s, t, len);
    }
    names(s, class);
    names(s, id);
    if (n->children && n->children->next)
        sibling_runs(s, n);
}

static void text(signals_t *s, xmlNode *n)
{
    const char *t = (const char *)n->content;
    if (!t)
        return;
    size_t len = strlen(t);
    s->text_bytes += len;
    if (in_link(n->parent)) {
        s->link_bytes += len;
        if (len < 40 && is_cta(t))
            s->ctas++;
    }
    static const char *const carts[] = { "add to cart", "add to bag", "add to basket",
                                         "in den warenkorb", "buy now" };
    char buf[LOWER_MAX];
    if (len < 64 && HAS_ANY(lower(t, buf), carts))
        s->carts++;
    s->prices += count_prices(t);
}

/* ---- the URL -------------------------------------------------------- */

/* What the page's address says, one bit each. */
enum {
    URL_KNOWN = 1 << 0,          /* the page names its address */
    URL_HOST_FORUM = 1 << 1,     /* forum.*, community.*, discourse.* */
    URL_HOST_DOCS = 1 << 2,      /* docs.*, developer.*, wiki.*, readthedocs */
    URL_HOST_SHOP = 1 << 3,      /* shop.*, store.* */
    URL_ROOT = 1 << 4,           /* the site's home page (or /en-us/) */
    URL_FORUM = 1 << 5,          /* a word of the path: /t/, /forum/, ... */
    URL_PRODUCT = 1 << 6,
    URL_COLLECTION = 1 << 7,
    URL_LISTING = 1 << 8,
    URL_DOCS = 1 << 9,
    URL_SERVICE = 1 << 10,
    URL_ARTICLE = 1 << 11,
    URL_DATE = 1 << 12,          /* /2024/05/ or /2024-05-06- */
    URL_SLUG = 1 << 13,          /* a last segment of five words or more */
    URL_SECTION = 1 << 14,       /* a path ending in a listing word: /blog/ */
    URL_BITS = 15
};

/* 1 when the path (up to its query) holds one of the words of list:
 * a word of three letters or more anywhere as a run of letters
 * ("/cybersecurity-consulting-services/" holds "services"), a shorter
 * one only as a whole segment ("/p/", "/t/"). */
static int segment_is(const char *path, const char *const *list, size_t n)
{
    size_t plen = strcspn(path, "?#");
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(list[i]);
        for (size_t at = 0; at < plen;) {
            if (!isalpha((unsigned char)path[at])) {
                at++;
                continue;
            }
            size_t end = at;
            while (end < plen && isalpha((unsigned char)path[end]))
                end++;
            int whole = k > 2 || (at > 0 && path[at - 1] == '/' &&
                                  (end == plen || path[end] == '/' || path[end] == '.'));
            if (end - at == k && whole && !strncasecmp(path + at, list[i], k))
                return 1;
            at = end;
        }
    }
    return 0;
}

#define SEGMENT(path, list) segment_is(path, list, sizeof(list) / sizeof(list[0]))

static void url_marks(signals_t *s, const char *url)
{
    const char *host = strstr(url, "://");
    if (!host)
        return;
    s->url_marks |= URL_KNOWN;
    host += 3;
    const char *path = strchr(host, '/');
    size_t host_len = path ? (size_t)(path - host) : strlen(host);
    char h[256];
    snprintf(h, sizeof(h), "%.*s", (int)(host_len < 255 ? host_len : 255), host);
    if (!path)
        path = "/";

    static const char *const forum[] = { "forum", "forums", "thread", "threads", "topic",
                                         "t", "questions", "viewtopic.php", "discussion",
                                         "discussions", "talk", "comments", "showthread.php",
                                         "community", "q" };
    static const char *const product[] = { "product", "products", "p", "dp", "item", "app",
                                           "ip", "sku", "itm" };
    static const char *const collection[] = { "collections", "collection", "category",
                                              "categories", "c", "cat", "shop", "catalog",
                                              "browse", "department", "b" };
    static const char *const listing[] = { "tag", "tags", "topics", "archive", "archives",
                                           "search", "author", "page", "list", "chart",
                                           "events", "directory" };
    static const char *const docs[] = { "docs", "doc", "documentation", "wiki", "manual",
                                        "reference", "api", "library", "guide", "guides",
                                        "tutorial", "handbook", "reference-guide", "kb" };
    static const char *const service[] = { "services", "service", "solutions", "solution",
                                           "platform", "pricing", "features", "enterprise",
                                           "industries", "business", "consulting", "plans",
                                           "agency", "hire", "programs", "program" };
    static const char *const article[] = { "blog", "news", "article", "articles", "story",
                                           "posts", "post", "insights", "magazine" };

    if (!strncasecmp(h, "forum", 5) || !strncasecmp(h, "forums.", 7) || has(h, "community.") ||
        has(h, "discuss.") || has(h, "discourse."))
        s->url_marks |= URL_HOST_FORUM;
    if (!strncasecmp(h, "docs.", 5) || !strncasecmp(h, "developer.", 10) || has(h, "readthedocs") ||
        !strncasecmp(h, "wiki.", 5) || !strncasecmp(h, "learn.", 6))
        s->url_marks |= URL_HOST_DOCS;
    if (!strncasecmp(h, "shop.", 5) || !strncasecmp(h, "store.", 6))
        s->url_marks |= URL_HOST_SHOP;

    size_t plen = strcspn(path, "?#");
    int root = plen <= 1 || (plen <= 7 && strchr(path + 1, '/') &&
                             (size_t)(strchr(path + 1, '/') - path) + 1 >= plen);
    if (root) {                  /* the site's home page (or /en-us/) */
        s->url_marks |= URL_ROOT;
        return;
    }
    if (SEGMENT(path, forum))
        s->url_marks |= URL_FORUM;
    if (SEGMENT(path, product))
        s->url_marks |= URL_PRODUCT;
    if (SEGMENT(path, collection))
        s->url_marks |= URL_COLLECTION;
    if (SEGMENT(path, listing))
        s->url_marks |= URL_LISTING;
    if (SEGMENT(path, docs))
        s->url_marks |= URL_DOCS;
    if (SEGMENT(path, service))
        s->url_marks |= URL_SERVICE;
    if (SEGMENT(path, article))
        s->url_marks |= URL_ARTICLE;
    /* /2024/05/ or /2024-05-06-: dated posts */
    for (const char *p = path; *p && p < path + plen; p++)
        if (*p == '/' && p[1] >= '1' && p[1] <= '2' && isdigit((unsigned char)p[2]) &&
            isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4]) &&
            (p[5] == '/' || p[5] == '-') && isdigit((unsigned char)p[6])) {
            s->url_marks |= URL_DATE;
            break;
        }
    /* a long slug of words is a story's */
    const char *last = path + plen;
    while (last > path && last[-1] == '/')
        last--;
    const char *seg = last;
    while (seg > path && seg[-1] != '/')
        seg--;
    size_t hyphens = 0;
    for (const char *p = seg; p < last; p++)
        hyphens += *p == '-';
    if (hyphens >= 4)
        s->url_marks |= URL_SLUG;
    /* a path ending in a listing word: /blog/, /news/ */
    if (hyphens == 0 && last - seg >= 3 && SEGMENT(path, article) && !strchr(seg, '.')) {
        int plain = 1;
        for (const char *p = seg; p < last; p++)
            plain &= isalpha((unsigned char)*p) != 0;
        if (plain && segment_is(seg - 1, article, sizeof(article) / sizeof(article[0])))
            s->url_marks |= URL_SECTION;
    }
}

/* ---- the model ------------------------------------------------------- */

/* What the model reads of a page: its signals, each made a number of
 * about one at most (counts as log(1 + n) / 4, shares as they are,
 * marks as 0 or 1), in this order. */
static const char *const feature_names[] = {
    "schema_article", "schema_forum", "schema_product", "schema_collection",
    "schema_listing", "schema_docs", "schema_service",
    "url_known", "url_host_forum", "url_host_docs", "url_host_shop", "url_root",
    "url_forum", "url_product", "url_collection", "url_listing", "url_docs",
    "url_service", "url_article", "url_date", "url_slug", "url_section",
    "long_paras", "pre", "code", "doc_marks", "forum_marks", "textareas", "inputs",
    "carts", "product_cards", "prices", "product_marks", "runs", "run_items",
    "articles", "times", "headings", "ctas", "text_bytes",
    "dated", "bylines", "undated_unsigned", "link_density", "links_over_half",
    "links_under_quarter", "carts_1_3", "carts_over_3", "prices_1_6", "prices_over_6",
    "run_items_12", "articles_5", "times_6", "headings_no_prose", "product_cards_4",
};

#define FEATURES (sizeof(feature_names) / sizeof(feature_names[0]))

static double count(size_t n)
{
    return log1p((double)n) / 4.0;
}

static void features(const signals_t *s, double f[FEATURES])
{
    size_t k = 0;
    for (int t = 0; t < T_COUNT; t++)
        f[k++] = s->schema[t] / 5.0;
    for (int b = 0; b < URL_BITS; b++)
        f[k++] = (s->url_marks >> b) & 1;
    const size_t counts[] = {
        s->long_paras, s->pre, s->code, s->doc_marks, s->forum_marks, s->textareas,
        s->inputs, s->carts, s->product_cards, s->prices, s->product_marks, s->runs,
        s->run_items, s->articles, s->times, s->headings, s->ctas,
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        f[k++] = count(counts[i]);
    f[k++] = log1p((double)s->text_bytes) / 12.0;
    double links = s->text_bytes ? (double)s->link_bytes / (double)s->text_bytes : 0;
    f[k++] = s->dated > 0;
    f[k++] = s->bylines > 0;
    f[k++] = !s->dated && !s->bylines;
    f[k++] = links;
    f[k++] = links > 0.5;
    f[k++] = links < 0.25;
    f[k++] = s->carts >= 1 && s->carts <= 3;
    f[k++] = s->carts > 3;
    f[k++] = s->prices >= 1 && s->prices <= 6;
    f[k++] = s->prices > 6;
    f[k++] = s->run_items >= 12;
    f[k++] = s->articles >= 5;
    f[k++] = s->times >= 6;
    f[k++] = s->headings >= 6 && s->long_paras <= 2;
    f[k++] = s->product_cards >= 4;
}

static void walk(xmlDoc *doc, signals_t *s)
{
    memset(s, 0, sizeof(*s));
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNode *n = root; n;) {
        int skip = 0;
        if (n->type == XML_ELEMENT_NODE && n->name) {
            element(s, n);
            skip = html_is_code(n);
        } else if (n->type == XML_TEXT_NODE) {
            text(s, n);
        }
        n = html_next(n, root, skip);
    }
    if (s->url[0])
        url_marks(s, s->url);
}

size_t page_type_features(struct _xmlDoc *doc, double *out, size_t max, const char **names)
{
    signals_t s;
    walk(doc, &s);
    double f[FEATURES];
    features(&s, f);
    for (size_t i = 0; i < FEATURES && i < max; i++) {
        out[i] = f[i];
        if (names)
            names[i] = feature_names[i];
    }
    return FEATURES;
}

#include "page_type_model.h"

/* A signal added or taken away without a retrained model would be read
 * with another's weight (or none): scripts/page_type_train.py. */
_Static_assert(MODEL_FEATURES == FEATURES, "page_type_model.h is for other features: retrain");

const char *page_type_classify(struct _xmlDoc *doc)
{
    signals_t s;
    walk(doc, &s);
    double f[FEATURES];
    features(&s, f);
    int best = 0;
    double best_score = 0;
    for (int t = 0; t < T_COUNT; t++) {
        double z = model_bias[t];
        for (size_t i = 0; i < FEATURES; i++)
            z += model_weights[t][i] * f[i];
        if (t == 0 || z > best_score)
            best = t, best_score = z;
    }
    return type_names[best];
}

int page_type_valid(const char *name)
{
    for (int t = 0; t < T_COUNT; t++)
        if (name && !strcmp(name, type_names[t]))
            return 1;
    return 0;
}
