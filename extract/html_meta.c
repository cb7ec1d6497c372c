/* html_meta: title, date, author and language from a parsed page.
 *
 * Pages state these several ways at once, with different reliability:
 * Open Graph and article:* meta tags (written for social sites, usually
 * right), schema.org microdata and JSON-LD, <time> elements, then plain
 * <title> and the first <h1>. Each candidate gets a rank; the best-ranked
 * valid one wins, ties going to the first in the document. */
#include "html.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "date.h"
#include "jsonld.h"
#include "utf8.h"

#define NO_RANK 100

typedef struct best {
    char *value;
    int rank;              /* lower is better */
} best_t;

typedef struct found {
    best_t title, date, author, lang;
    char *title_tag;
    char *h1;
} found_t;

/* Takes ownership of value. */
static void offer(best_t *b, char *value, int rank)
{
    if (value && rank < b->rank) {
        free(b->value);
        b->value = value;
        b->rank = rank;
    } else {
        free(value);
    }
}

static void offer_date(best_t *b, const char *value, int rank)
{
    char iso[DATE_MAX];
    while (value && (*value == ' ' || *value == '\n' || *value == '\t'))
        value++;
    if (value && date_parse(value, strlen(value), iso))
        offer(b, xstrdup(iso), rank);
}

/* "ko-KR", "en_US", "de" -> "ko", "en", "de"; NULL when malformed. */
static char *primary_language(const char *tag)
{
    char out[4];
    size_t n = 0;
    while (tag[n] && n < 3 && ascii_alpha((unsigned char)tag[n])) {
        out[n] = (char)ascii_lower((unsigned char)tag[n]);
        n++;
    }
    if (n < 2 || (tag[n] && tag[n] != '-' && tag[n] != '_'))
        return NULL;
    out[n] = '\0';
    return xstrdup(out);
}

static const struct { const char *key; int rank; } date_keys[] = {
    { "article:published_time", 0 }, { "og:published_time", 0 },
    { "published_time", 0 }, { "datepublished", 0 },
    { "article.published", 1 }, { "parsely-pub-date", 1 },
    { "sailthru.date", 1 }, { "pubdate", 1 }, { "publishdate", 1 },
    { "publish-date", 1 }, { "publish_date", 1 }, { "dc.date.issued", 1 },
    { "citation_publication_date", 1 }, { "date", 2 }, { "dc.date", 2 },
    { "dcterms.date", 2 }, { "dcterms.created", 2 }, { "dc.date.created", 2 },
    { "citation_date", 2 }, { "article:modified_time", 5 },
};

static const struct { const char *key; int rank; } author_keys[] = {
    { "author", 0 }, { "article:author", 1 }, { "dc.creator", 1 },
    { "sailthru.author", 1 }, { "parsely-author", 1 }, { "byl", 2 },
};

static void read_meta(xmlNode *n, found_t *f)
{
    char *content = html_attr(n, "content");
    if (!content)
        return;
    static const char *const key_attrs[] = { "property", "name", "itemprop", "http-equiv" };
    for (size_t a = 0; a < sizeof(key_attrs) / sizeof(key_attrs[0]); a++) {
        char *key = html_attr(n, key_attrs[a]);
        if (!key)
            continue;
        if (strcasecmp(key, "og:title") == 0)
            offer(&f->title, meta_clean_title(content, strlen(content), 1), 0);
        else if (strcasecmp(key, "twitter:title") == 0)
            offer(&f->title, meta_clean_title(content, strlen(content), 1), 1);
        else if (strcasecmp(key, "content-language") == 0)
            offer(&f->lang, primary_language(content), 1);
        else if (strcasecmp(key, "og:locale") == 0)
            offer(&f->lang, primary_language(content), 2);
        for (size_t k = 0; k < sizeof(date_keys) / sizeof(date_keys[0]); k++)
            if (strcasecmp(key, date_keys[k].key) == 0)
                offer_date(&f->date, content, date_keys[k].rank);
        for (size_t k = 0; k < sizeof(author_keys) / sizeof(author_keys[0]); k++)
            if (strcasecmp(key, author_keys[k].key) == 0)
                offer(&f->author, meta_clean_author(content, strlen(content)),
                      author_keys[k].rank);
        free(key);
    }
    free(content);
}

/* The text of an element, or its content= attribute (microdata). */
static char *element_value(xmlNode *n)
{
    char *v = html_attr(n, "content");
    if (v)
        return v;
    buf_t b = BUF_INIT;
    html_node_text(n, &b);
    return buf_detach(&b);
}

/* itemprop=author holds either the name or a Person with itemprop=name. */
static void read_author_prop(xmlNode *n, found_t *f)
{
    int budget = 256;       /* a Person is small; do not scan a huge subtree */
    for (xmlNode *c = n->children; c && budget-- > 0; c = html_next(c, n, 0)) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        char *prop = html_attr(c, "itemprop");
        int is_name = prop && strcmp(prop, "name") == 0;
        free(prop);
        if (is_name) {
            char *v = element_value(c);
            offer(&f->author, meta_clean_author(v, strlen(v)), 1);
            free(v);
            return;
        }
    }
    char *v = element_value(n);
    offer(&f->author, meta_clean_author(v, strlen(v)), 1);
    free(v);
}

static void read_itemprop(xmlNode *n, found_t *f)
{
    char *prop = html_attr(n, "itemprop");
    if (!prop)
        return;
    if (strcmp(prop, "datePublished") == 0) {
        char *v = html_attr(n, "content");
        if (!v)
            v = html_attr(n, "datetime");
        offer_date(&f->date, v, 0);
        free(v);
    } else if (strcmp(prop, "author") == 0 && !html_is(n, "meta")) {
        read_author_prop(n, f);
    }
    free(prop);
}

/* JSON-LD, parsed with jansson (jsonld.c): its datePublished ranks with
 * the article:published_time kind of meta tag's second tier, its
 * headline and author with twitter:title and article:author. */
static void read_json_ld(xmlNode *script, found_t *f)
{
    char *type = html_attr(script, "type");
    int ld = type && strcasecmp(type, "application/ld+json") == 0;
    free(type);
    if (!ld)
        return;
    buf_t b = BUF_INIT;
    for (xmlNode *c = script->children; c; c = c->next)
        if (c->content)
            buf_puts(&b, (const char *)c->content);
    jsonld_meta_t m = { NULL, NULL, NULL };
    if (jsonld_meta(buf_str(&b), b.len, &m)) {
        offer_date(&f->date, m.published, 1);
        if (m.headline)
            offer(&f->title, meta_clean_title(m.headline, strlen(m.headline), 0), 1);
        if (m.author)
            offer(&f->author, meta_clean_author(m.author, strlen(m.author)), 1);
    }
    jsonld_meta_free(&m);
    buf_free(&b);
}

static void read_element(xmlNode *n, found_t *f)
{
    if (html_is(n, "meta")) {
        read_meta(n, f);
    } else if (html_is(n, "title") && !f->title_tag) {
        buf_t b = BUF_INIT;
        html_node_text(n, &b);
        f->title_tag = meta_clean_title(buf_str(&b), b.len, 1);
        buf_free(&b);
    } else if (html_is(n, "h1") && !f->h1) {
        buf_t b = BUF_INIT;
        html_node_text(n, &b);
        f->h1 = meta_clean_title(buf_str(&b), b.len, 0);
        buf_free(&b);
    } else if (html_is(n, "time")) {
        char *v = html_attr(n, "datetime");
        int marked = xmlHasProp(n, (const xmlChar *)"pubdate") != NULL;
        offer_date(&f->date, v, marked ? 1 : 3);
        free(v);
    } else if (html_is(n, "script")) {
        read_json_ld(n, f);
    } else if ((html_is(n, "a") || html_is(n, "link")) && !f->author.value) {
        char *rel = html_attr(n, "rel");
        if (rel && strcmp(rel, "author") == 0 && html_is(n, "a")) {
            buf_t b = BUF_INIT;
            html_node_text(n, &b);
            offer(&f->author, meta_clean_author(buf_str(&b), b.len), 2);
            buf_free(&b);
        }
        free(rel);
    } else if (html_is(n, "html")) {
        char *lang = html_attr(n, "lang");
        if (lang)
            offer(&f->lang, primary_language(lang), 0);
        free(lang);
    }
    read_itemprop(n, f);
}

void html_meta(struct _xmlDoc *doc, meta_t *m)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    found_t f = { { NULL, NO_RANK }, { NULL, NO_RANK }, { NULL, NO_RANK },
                  { NULL, NO_RANK }, NULL, NULL };
    for (xmlNode *n = root; n; n = html_next(n, root, html_is(n, "svg")))
        if (n->type == XML_ELEMENT_NODE)
            read_element(n, &f);
    if (!f.title.value && f.title_tag) {
        f.title.value = f.title_tag;
        f.title_tag = NULL;
    }
    if (!f.title.value && f.h1) {
        f.title.value = f.h1;
        f.h1 = NULL;
    }
    m->title = f.title.value;
    m->published = f.date.value;
    m->author = f.author.value;
    m->lang = f.lang.value;
    free(f.title_tag);
    free(f.h1);
}
