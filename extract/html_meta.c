/* html_meta: title, date, author and language from a parsed page.
 *
 * Pages state these several ways at once, with different reliability.
 * Each candidate gets a rank; the best-ranked valid one wins, ties going
 * to the first in the document. The precedence, best first:
 *
 *  title   (html_title.c) the page's own heading (one of its first <h1>) when it agrees
 *          with what the tags say (not on a service page or a forum's,
 *          whose <h1> is a slogan or the board's name): most of its
 *          words are in og:title, twitter:title, the JSON-LD headline or
 *          <title>; an <h1> that
 *          is only the site's name (og:site_name, application-name, the
 *          last part of "Title | Site") is passed over. Else og:title,
 *          twitter:title, the JSON-LD headline, <title>, the first <h1>.
 *          A site-name suffix is cut off each ("Title | Site"), always
 *          when it is the site's known name (og:site_name, or the last
 *          part of <title> or og:title when six words at most), else
 *          when what stays is long enough to be a title on its own. A
 *          <title> that is nothing but site names is the title as is.
 *  date    article:published_time and its kin, itemprop=datePublished,
 *          then JSON-LD datePublished (dateCreated when there is none)
 *          and other meta tags (a CMS's own key naming the publication:
 *          "w-published-date"), <time pubdate>, <time datetime>, the
 *          date in the page's own address (link rel=canonical, og:url:
 *          ".../2025/09/04/..."), a short text such as "Published March
 *          3, 2026" or "Dec 12, 2025" in the page, and last
 *          article:modified_time / og:updated_time.
 *  author  the JSON-LD author (a Person referred to by "@id" resolved),
 *          meta name=author, article:author and kin, itemprop=author,
 *          twitter:data of a "Written by" label, rel=author links, the
 *          text after a byline's label standing alone ("Written by",
 *          "By:", "Author", "Contributors"), links to an author's page
 *          (".../author/jane-doe"), an element whose class names
 *          it the author or byline ("By Jane Doe" read as "Jane Doe"), a
 *          "By Jane Doe" or "Written by Jane Doe" line of text. */
#include "html.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "date.h"
#include "html_meta_int.h"
#include "jsonld.h"
#include "text.h"
#include "utf8.h"

#define NO_RANK 100

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

/* Takes ownership of value: an author candidate. */
static void offer_author(found_t *f, char *value, int rank)
{
    if (!value)
        return;
    if (f->n_authors < AUTHORS_MAX) {
        f->authors[f->n_authors++] = (best_t){ xstrdup(value), rank };
    } else {
        /* Full (a forum thread names many): the worst goes for a better one. */
        size_t worst = 0;
        for (size_t k = 1; k < AUTHORS_MAX; k++)
            if (f->authors[k].rank >= f->authors[worst].rank)
                worst = k;
        if (rank < f->authors[worst].rank) {
            free(f->authors[worst].value);
            f->authors[worst] = (best_t){ xstrdup(value), rank };
        }
    }
    offer(&f->author, value, rank);
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
    { "citation_date", 2 }, { "published", 2 }, { "article:modified_time", 6 },
    { "og:updated_time", 6 },
};

static const struct { const char *key; int rank; } author_keys[] = {
    { "author", 1 }, { "article:author", 2 }, { "dc.creator", 2 },
    { "sailthru.author", 2 }, { "parsely-author", 2 }, { "citation_author", 2 },
    { "cxenseparse:author", 2 }, { "byl", 3 },
};

/* needle (lower case) in s, ASCII case aside: a plain scan, cheaper on
 * short class names than strcasestr. */
static int contains_ci(const char *s, const char *needle)
{
    for (; *s; s++) {
        if (ascii_lower((unsigned char)*s) != needle[0])
            continue;
        size_t k = 1;
        while (needle[k] && ascii_lower((unsigned char)s[k]) == needle[k])
            k++;
        if (!needle[k])
            return 1;
    }
    return 0;
}

/* A meta key of a CMS's own that names the publication date
 * ("w-published-date", "article.publish_date", "bt:pubDate"): it holds
 * "publish" or "pubdate", and "date" or "time", and names no update. */
static int publish_key(const char *key)
{
    return (contains_ci(key, "publish") || contains_ci(key, "pubdate")) &&
           (contains_ci(key, "date") || contains_ci(key, "time")) &&
           !contains_ci(key, "modif") && !contains_ci(key, "updat");
}

int html_meta_is_site(const found_t *f, const char *s, size_t len)
{
    for (size_t k = 0; k < f->n_site; k++)
        if (strlen(f->site[k]) == len && strncasecmp(f->site[k], s, len) == 0)
            return 1;
    return 0;
}

/* An author of at least rank is known, and is not the site's name:
 * lesser sources need not be read. */
static int author_settled(const found_t *f, int rank)
{
    return f->author.rank <= rank && !html_meta_is_site(f, f->author.value, strlen(f->author.value));
}

/* Author ranks, best first. */
enum {
    AUTHOR_JSONLD, AUTHOR_META, AUTHOR_TAG, AUTHOR_LINK, AUTHOR_LABEL, AUTHOR_PAGE_LINK,
    AUTHOR_CLASS, AUTHOR_TEXT,
};

/* Date ranks past those of the tables. */
enum { DATE_TIME_MARKED = 1, DATE_TIME = 3, DATE_URL = 4, DATE_TEXT = 5 };

/* The date a page's own address carries, as permalinks write it:
 * ".../2025/09/04/title/", ".../blog/2025-12-17-title". 1 and out, or 0. */
static int url_date(const char *url, char out[DATE_MAX])
{
    for (const char *p = strchr(url, '/'); p; p = strchr(p + 1, '/')) {
        const char *d = p + 1;
        if (!(d[0] == '1' || d[0] == '2') || !ascii_digit((unsigned char)d[1]) ||
            !ascii_digit((unsigned char)d[2]) || !ascii_digit((unsigned char)d[3]) ||
            (d[4] != '/' && d[4] != '-'))
            continue;
        /* YYYY/MM/DD or YYYY-MM-DD, the day ending the segment or the word. */
        size_t n = strnlen(d, 11);
        if (n < 10 || d[7] != d[4] || ascii_digit((unsigned char)d[10]))
            continue;
        char iso[DATE_MAX];
        if (date_parse(d, 10, iso) == 10) {
            memcpy(out, iso, DATE_MAX);
            return 1;
        }
    }
    return 0;
}

static void offer_url_date(found_t *f, const char *url)
{
    char iso[DATE_MAX];
    if (url && f->date.rank > DATE_URL && url_date(url, iso))
        offer(&f->date, xstrdup(iso), DATE_URL);
}

void html_meta_add_site(found_t *f, const char *name, size_t len)
{
    if (f->n_site == SITES_MAX || len == 0 || len > 120)
        return;
    buf_t b = BUF_INIT;
    text_append_collapsed(&b, name, len);
    text_trim_end(&b);
    if (b.len)
        f->site[f->n_site++] = buf_detach(&b);
    else
        buf_free(&b);
}

static char *collapsed(const char *s, size_t len)
{
    buf_t b = BUF_INIT;
    text_append_collapsed(&b, s, len);
    text_trim_end(&b);
    return buf_detach(&b);
}

static void keep_first(char **slot, const char *s)
{
    if (!*slot && s && *s)
        *slot = collapsed(s, strlen(s));
}

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
        if (strcasecmp(key, "og:title") == 0) {
            offer(&f->title, meta_clean_title(content, strlen(content), 1), 0);
            keep_first(&f->og_title, content);
        } else if (strcasecmp(key, "twitter:title") == 0) {
            offer(&f->title, meta_clean_title(content, strlen(content), 1), 1);
            keep_first(&f->tw_title, content);
        } else if (strcasecmp(key, "og:site_name") == 0 ||
                   strcasecmp(key, "application-name") == 0) {
            html_meta_add_site(f, content, strlen(content));
        } else if (strcasecmp(key, "og:url") == 0) {
            offer_url_date(f, content);
        } else if (strcasecmp(key, "content-language") == 0) {
            offer(&f->lang, primary_language(content), 1);
        } else if (strcasecmp(key, "og:locale") == 0) {
            offer(&f->lang, primary_language(content), 2);
        } else if (strncasecmp(key, "twitter:label", 13) == 0 && key[13] && !key[14] &&
                   (strcasecmp(content, "Written by") == 0 || strcasecmp(content, "Author") == 0 ||
                    strcasecmp(content, "By") == 0)) {
            f->written_by = key[13];
        } else if (strncasecmp(key, "twitter:data", 12) == 0 && f->written_by &&
                   key[12] == f->written_by && !key[13]) {
            offer_author(f, meta_clean_author(content, strlen(content)), AUTHOR_TAG);
        }
        int known = 0;
        for (size_t k = 0; k < sizeof(date_keys) / sizeof(date_keys[0]); k++)
            if (strcasecmp(key, date_keys[k].key) == 0) {
                offer_date(&f->date, content, date_keys[k].rank);
                known = 1;
            }
        if (!known && publish_key(key))
            offer_date(&f->date, content, 2);
        for (size_t k = 0; k < sizeof(author_keys) / sizeof(author_keys[0]); k++)
            if (strcasecmp(key, author_keys[k].key) == 0)
                offer_author(f, meta_clean_author(content, strlen(content)),
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
            offer_author(f, meta_clean_author(v, strlen(v)), AUTHOR_TAG);
            free(v);
            return;
        }
    }
    char *v = element_value(n);
    offer_author(f, meta_clean_author(v, strlen(v)), AUTHOR_TAG);
    free(v);
}

/* The value of attribute name of n as libxml2 holds it (one text node),
 * without a copy; NULL when absent or held otherwise. */
static const char *attr_text(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (a->name && strcmp((const char *)a->name, name) == 0)
            return a->children && a->children->type == XML_TEXT_NODE && !a->children->next
                       ? (const char *)a->children->content : NULL;
    return NULL;
}

static void read_itemprop(xmlNode *n, found_t *f)
{
    const char *prop = attr_text(n, "itemprop");
    if (!prop)
        return;
    if (strcmp(prop, "datePublished") == 0) {
        char *v = html_attr(n, "content");
        if (!v)
            v = html_attr(n, "datetime");
        if (!v)
            v = html_attr(n, "title");          /* <abbr title="2026-03-03"> */
        offer_date(&f->date, v, 0);
        free(v);
    } else if (strcmp(prop, "author") == 0 && !html_is(n, "meta")) {
        read_author_prop(n, f);
    }
}

/* JSON-LD, parsed with jansson (jsonld.c): its datePublished ranks with
 * the second tier of meta tags, its author first, its headline with
 * twitter:title. */
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
    jsonld_meta_t m = { NULL, NULL, NULL, NULL };
    if (jsonld_meta(buf_str(&b), b.len, &m)) {
        offer_date(&f->date, m.published, 1);
        offer_date(&f->date, m.created, 2);
        if (m.headline) {
            offer(&f->title, meta_clean_title(m.headline, strlen(m.headline), 0), 1);
            keep_first(&f->headline, m.headline);
        }
        if (m.author)
            offer_author(f, meta_clean_author(m.author, strlen(m.author)), AUTHOR_JSONLD);
    }
    jsonld_meta_free(&m);
    buf_free(&b);
}

/* A class or id that names the author's element: "author", "byline",
 * "post-author", "authorName", a forum post's "username"; not its
 * picture, link list or box. */
static int author_class(const char *v)
{
    if (!v || (!contains_ci(v, "author") && !contains_ci(v, "byline") &&
               !contains_ci(v, "username")))             /* a forum's first post */
        return 0;
    if (contains_ci(v, "name"))          /* "author-box__name": the box's name */
        return 1;
    static const char *const not_name[] = {
        "img", "image", "avatar", "photo", "pic", "bio", "box", "about", "desc", "list",
    };
    for (size_t k = 0; k < sizeof(not_name) / sizeof(not_name[0]); k++)
        if (contains_ci(v, not_name[k]))
            return 0;
    return 1;
}

/* A byline's label standing alone, its name in the element after it:
 * <p>Written by</p><p>Jane Doe</p>, "By: <a>Jane Doe</a>, Dec 12". Read
 * before an element classed author or byline (AUTHOR_LABEL before
 * AUTHOR_CLASS: 6 more authors of wcxb-dev right than after it), whose
 * text is often a role or a link's label ("Veterinarian", "Sign In"). */
static int byline_label(const char *s, size_t len)
{
    static const char *const labels[] = {
        "by", "written by", "posted by", "article by", "authored by", "words by", "story by",
        "author", "authors", "started by", "contributor", "contributors",
    };
    /* Templates break lines inside a label ("Posted\n\t\tby"): runs of
     * white space read as one space. Labels are short; longer text is
     * no label and is not copied. */
    char label[24];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int space = s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r';
        if (space && (n == 0 || label[n - 1] == ' '))
            continue;
        if (n == sizeof(label))
            return 0;
        label[n++] = space ? ' ' : s[i];
    }
    while (n > 0 && (label[n - 1] == ':' || label[n - 1] == ' '))
        n--;
    for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
        if (strlen(labels[k]) == n && strncasecmp(label, labels[k], n) == 0)
            return 1;
    return 0;
}

/* "By Jane Doe", "Written by: Jane Doe", "Author: Jane Doe" -> "Jane Doe"
 * when what stays is a short name (one to six words, no digits); the
 * label alone ("Written By") is none. */
static char *byline_name(const char *s, size_t len)
{
    if (byline_label(s, len))
        return NULL;
    static const char *const lead[] = {
        "written by", "posted by", "published by", "reviewed by", "by", "author", "von",
    };
    size_t i = 0;
    for (size_t k = 0; k < sizeof(lead) / sizeof(lead[0]); k++) {
        size_t n = strlen(lead[k]);
        if (len > n && strncasecmp(s, lead[k], n) == 0 && (s[n] == ' ' || s[n] == ':')) {
            i = n;
            break;
        }
    }
    while (i < len && (s[i] == ' ' || s[i] == ':'))
        i++;
    size_t words = 0;
    for (size_t k = i; k < len; k++) {
        if (ascii_digit((unsigned char)s[k]) || strchr("@|/<>", s[k]))
            return NULL;
        words += s[k] != ' ' && (k == i || s[k - 1] == ' ');
    }
    if (words == 0 || words > 6 || len - i > 60)
        return NULL;
    static const char *const labels[] = { "author", "authors", "name", "by", "via", "admin" };
    for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
        if (len - i == strlen(labels[k]) && strncasecmp(s + i, labels[k], len - i) == 0)
            return NULL;
    return meta_clean_author(s + i, len - i);
}

static void read_author_class(xmlNode *n, found_t *f)
{
    if (author_settled(f, AUTHOR_CLASS) ||
        (!author_class(attr_text(n, "class")) && !author_class(attr_text(n, "id"))))
        return;
    buf_t b = BUF_INIT;
    html_node_text(n, &b);
    char *name = b.len && b.len <= 80 ? byline_name(buf_str(&b), b.len) : NULL;
    /* An author's card: the name, then a role or a date ("Luke Kim" then
     * "Oct 2, 2025"). The card as a whole is no name; its first line is. */
    const char *cls = attr_text(n, "class");
    int comment = cls && contains_ci(cls, "comment");   /* "Florence says:" */
    for (xmlNode *c = n->children; !name && !comment && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        buf_reset(&b);
        html_node_text(c, &b);
        if (b.len == 0)
            continue;
        if (b.len <= 80)
            name = byline_name(buf_str(&b), b.len);
        break;
    }
    if (name)
        offer_author(f, name, AUTHOR_CLASS);
    buf_free(&b);
}

/* The verb before a byline's "by" ("Written by Jane Doe"): its length
 * with the space after it, so that what follows reads as "by Jane Doe";
 * 0 when there is none. */
static size_t byline_verb(const char *s, size_t len)
{
    static const char *const verbs[] = { "written ", "posted ", "authored ", "words " };
    for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++) {
        size_t n = strlen(verbs[k]);
        if (len > n + 3 && strncasecmp(s, verbs[k], n) == 0 && strncasecmp(s + n, "by ", 3) == 0)
            return n;
    }
    return 0;
}

/* A short text node of the page: "By Jane Doe", "Published March 3,
 * 2026", "Dec 12, 2025". */
static void read_text(xmlNode *t, found_t *f)
{
    if (!t->content || !t->parent || html_is_code(t->parent) || html_is(t->parent, "title") ||
        html_is(t->parent, "noscript") || html_is(t->parent, "textarea") ||
        html_is(t->parent, "option"))
        return;
    const char *s = (const char *)t->content;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    size_t len = strnlen(s, 81);
    if (len == 0)
        return;                       /* white space: a label still waits */
    int after_label = f->after_label;
    f->after_label = 0;
    if (len > 80)
        return;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' ||
                       s[len - 1] == '\r'))
        len--;
    if (byline_label(s, len)) {
        f->after_label = 1;
        return;
    }
    if (after_label && !author_settled(f, AUTHOR_LABEL)) {
        buf_t b = BUF_INIT;
        text_append_collapsed(&b, s, len);
        text_trim_end(&b);
        offer_author(f, byline_name(buf_str(&b), b.len), AUTHOR_LABEL);
        buf_free(&b);
    }
    if (f->date.rank > DATE_TEXT && (memchr(s, '2', len) || memchr(s, '1', len))) {
        char iso[DATE_MAX];
        if (date_find(s, len, iso))
            offer(&f->date, xstrdup(iso), DATE_TEXT);
    }
    size_t verb = byline_verb(s, len);      /* "Written by Jane Doe" */
    s += verb, len -= verb;
    if (!author_settled(f, AUTHOR_TEXT) && len && (s[0] == 'B' || s[0] == 'b')) {
        char *name = NULL;
        buf_t b = BUF_INIT;
        text_append_collapsed(&b, s, len);
        text_trim_end(&b);
        if (meta_byline(buf_str(&b), b.len, &name))
            offer_author(f, meta_clean_author(name, strlen(name)), AUTHOR_TEXT);
        free(name);
        buf_free(&b);
    }
}

/* An <h1>'s text without a Sphinx "¶" or "#" anchor at its end. */
static char *heading_text(xmlNode *n)
{
    buf_t b = BUF_INIT;
    html_node_text(n, &b);
    for (;;) {
        if (b.len >= 2 && memcmp(b.data + b.len - 2, "\xC2\xB6", 2) == 0)      /* ¶ */
            buf_truncate(&b, b.len - 2);
        else if (b.len >= 2 && memcmp(b.data + b.len - 2, "\xC2\xA7", 2) == 0) /* § */
            buf_truncate(&b, b.len - 2);
        else if (b.len >= 1 && b.data[b.len - 1] == '#')
            buf_truncate(&b, b.len - 1);
        else
            break;
        text_trim_end(&b);
    }
    if (b.len == 0 || b.len > 400) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* A link to an author's page, as blogs and CMSs make them
 * (".../author/jane-doe/", ".../authors/jane-doe"): its text, or its
 * aria-label when it is a picture, names the author. Ranked after a
 * byline's label (AUTHOR_PAGE_LINK after AUTHOR_LABEL: 2 more authors
 * of wcxb-dev right than before it), before author classes. */
static int author_page(const char *href)
{
    return href && (strstr(href, "/author/") || strstr(href, "/authors/"));
}

static void read_author_link(xmlNode *n, found_t *f)
{
    buf_t b = BUF_INIT;
    html_node_text(n, &b);
    text_trim_end(&b);
    if (b.len == 0) {
        const char *label = attr_text(n, "aria-label");
        if (label)
            buf_puts(&b, label);
    }
    if (b.len && b.len <= 60)
        offer_author(f, byline_name(buf_str(&b), b.len), AUTHOR_PAGE_LINK);
    buf_free(&b);
}

static void read_element(xmlNode *n, found_t *f)
{
    if (html_is(n, "meta")) {
        read_meta(n, f);
    } else if (html_is(n, "title") && !f->title_tag && !f->in_body) {
        buf_t b = BUF_INIT;
        html_node_text(n, &b);
        if (b.len)
            f->title_tag = buf_detach(&b);
        else
            buf_free(&b);
    } else if (html_is(n, "h1") && f->n_h1 < H1_MAX) {
        char *h = heading_text(n);
        if (h)
            f->h1[f->n_h1++] = h;
    } else if (html_is(n, "time")) {
        char *v = html_attr(n, "datetime");
        int marked = xmlHasProp(n, (const xmlChar *)"pubdate") != NULL;
        offer_date(&f->date, v, marked ? DATE_TIME_MARKED : DATE_TIME);
        free(v);
    } else if (html_is(n, "script")) {
        read_json_ld(n, f);
    } else if (html_is(n, "a") && !author_settled(f, AUTHOR_LINK)) {
        const char *rel = attr_text(n, "rel");
        if (rel && strcmp(rel, "author") == 0) {
            buf_t b = BUF_INIT;
            html_node_text(n, &b);
            offer_author(f, meta_clean_author(buf_str(&b), b.len), AUTHOR_LINK);
            buf_free(&b);
        } else if (f->in_body && author_page(attr_text(n, "href"))) {
            read_author_link(n, f);
        }
    } else if (html_is(n, "link") && !f->in_body) {
        const char *rel = attr_text(n, "rel");
        if (rel && strcasecmp(rel, "canonical") == 0)
            offer_url_date(f, attr_text(n, "href"));
    } else if (html_is(n, "html")) {
        char *lang = html_attr(n, "lang");
        if (lang)
            offer(&f->lang, primary_language(lang), 0);
        free(lang);
    } else if (html_is(n, "body")) {
        f->in_body = 1;
    }
    if (f->in_body)
        read_author_class(n, f);
    read_itemprop(n, f);
}

/* The best-ranked author that is not the site itself (an organisation
 * as the JSON-LD author, meta author=Site), else the best-ranked. */
static char *choose_author(found_t *f)
{
    best_t *pick = NULL, *site = NULL;
    for (size_t k = 0; k < f->n_authors; k++) {
        best_t *a = &f->authors[k];
        best_t **slot = html_meta_is_site(f, a->value, strlen(a->value)) ? &site : &pick;
        if (!*slot || a->rank < (*slot)->rank)
            *slot = a;
    }
    if (!pick)
        pick = site;
    char *author = NULL;
    if (pick) {
        author = pick->value;
        pick->value = NULL;
    }
    for (size_t k = 0; k < f->n_authors; k++)
        free(f->authors[k].value);
    return author;
}

void html_meta(struct _xmlDoc *doc, const char *page_type, meta_t *m)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    found_t f;
    memset(&f, 0, sizeof(f));
    f.title.rank = f.date.rank = f.author.rank = f.lang.rank = NO_RANK;
    f.page_type = page_type;
    for (xmlNode *n = root; n; n = html_next(n, root, html_is(n, "svg"))) {
        if (n->type == XML_ELEMENT_NODE)
            read_element(n, &f);
        else if (n->type == XML_TEXT_NODE && f.in_body)
            read_text(n, &f);
    }
    m->title = html_title_choose(&f);
    m->published = f.date.value;
    m->author = choose_author(&f);
    m->lang = f.lang.value;
    free(f.author.value);
    free(f.title.value);
    free(f.title_tag);
    for (size_t k = 0; k < f.n_h1; k++)
        free(f.h1[k]);
    for (size_t k = 0; k < f.n_site; k++)
        free(f.site[k]);
    free(f.og_title);
    free(f.tw_title);
    free(f.headline);
}
