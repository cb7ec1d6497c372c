/* html_repeat: scoring of repeated sibling structures.
 *
 * An article is one block of prose, and html_text.c finds it by scoring
 * paragraphs. A forum thread, a listing, a shop's category are made of
 * items that a template writes alike: the same tag with the same first
 * class word ("post bg1", "post bg2"; "card card--wide"), side by side
 * under one parent. Scoring paragraphs finds one item, or the intro
 * above them; this finds all of them.
 *
 * Every kept element's element children are grouped by that signature;
 * a group of enough items scores its size times the median text of an
 * item. The median, not the sum: a page's layout rows are siblings too,
 * but one holds everything and the others little, while the items of a
 * list are alike in size. The best group over the page wins.
 *
 * One pass over the slots; each element is looked at as a child once,
 * against at most GROUPS_MAX signatures, so the cost stays linear.
 *
 * A structure far from the text chosen as an article's (a cookie
 * dialog's list of purposes beside a thread) is not the page's: the
 * structure must share an ancestor below <body> with that text. */
#include "html_repeat.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "html.h"

/* Signatures followed per parent; a parent with more kinds of children
 * is not a list. */
#define GROUPS_MAX 8
/* An item with less text than this in the median is a list of icons or
 * bare links, not of posts or cards. */
#define ITEM_MIN_TEXT 40

typedef struct group {
    const xmlChar *name;
    const char *cls;         /* first class word, not terminated */
    size_t cls_len;
    size_t count;
} group_t;

/* Elements that hold one item of a list. */
static int is_item_tag(const xmlNode *n)
{
    return html_is(n, "div") || html_is(n, "li") || html_is(n, "article") ||
           html_is(n, "section") || html_is(n, "tr");
}

/* The first word of node's class attribute, without a copy. */
static const char *first_class(const xmlNode *node, size_t *len)
{
    *len = 0;
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        if (!a->name || strcasecmp((const char *)a->name, "class"))
            continue;
        if (!a->children || a->children->type != XML_TEXT_NODE || !a->children->content)
            return "";
        const char *v = (const char *)a->children->content;
        v += strspn(v, " \t\r\n");
        *len = strcspn(v, " \t\r\n");
        return v;
    }
    return "";
}

/* Class, id and itemprop words of a product page's asides: customers'
 * reviews and the lists of other products (suggested, similar, sold
 * with it, recently or also viewed). Substrings, case ignored. */
static const char *const aside_words[] = {
    "review", "recommend", "similar", "upsell", "crosssell", "cross-sell", "recently", "viewed",
};

int repeat_names_aside(const xmlNode *node)
{
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        if (!a->name || (strcasecmp((const char *)a->name, "class") &&
                         strcasecmp((const char *)a->name, "id") &&
                         strcasecmp((const char *)a->name, "itemprop")))
            continue;
        if (!a->children || a->children->type != XML_TEXT_NODE || !a->children->content)
            continue;
        const char *v = (const char *)a->children->content;
        for (size_t i = 0; i < sizeof(aside_words) / sizeof(aside_words[0]); i++)
            if (strcasestr(v, aside_words[i]))
                return 1;
    }
    return 0;
}

static int same_group(const group_t *g, const xmlNode *n, const char *cls, size_t len)
{
    return g->cls_len == len && !strcmp((const char *)g->name, (const char *)n->name) &&
           !memcmp(g->cls, cls, len);
}

static size_t item_text(const node_info_t *in, int prose)
{
    size_t all = in->text + in->boxed, links = in->links + in->boxed_links;
    return prose ? all - (links < all ? links : all) : all;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int in_group(const page_t *p, const xmlNode *c, const group_t *g)
{
    size_t len;
    const char *cls;
    if (c->type != XML_ELEMENT_NODE || !info(p, c)->kept || !is_item_tag(c))
        return 0;
    cls = first_class(c, &len);
    return same_group(g, c, cls, len);
}

/* The score of group g under parent: items times the median text. */
static double group_score(const page_t *p, const xmlNode *parent, const group_t *g,
                          int prose, size_t *sizes, size_t *total)
{
    size_t k = 0;
    *total = 0;
    for (const xmlNode *c = parent->children; c; c = c->next)
        if (in_group(p, c, g)) {
            sizes[k] = item_text(info(p, c), prose);
            *total += sizes[k++];
        }
    qsort(sizes, k, sizeof(size_t), cmp_size);
    size_t median = k ? sizes[k / 2] : 0;
    return median < ITEM_MIN_TEXT ? 0 : (double)k * (double)median;
}

/* 1 when parent and one of near share an ancestor below p->top. */
static int is_near(const page_t *p, const xmlNode *parent, xmlNode *const *near, size_t n_near)
{
    if (!n_near)
        return 1;
    for (size_t i = 0; i < n_near; i++) {
        const xmlNode *a = parent;
        while (a && a->type == XML_ELEMENT_NODE && !contains(p, a, near[i]))
            a = a->parent;
        if (a && a->type == XML_ELEMENT_NODE && a != p->top && a != p->root)
            return 1;
    }
    return 0;
}

void repeat_find(const page_t *p, const repeat_want_t *want, xmlNode *const *near,
                 size_t n_near, repeat_t *out)
{
    out->n = 0;
    out->text = 0;
    const xmlNode *best_parent = NULL;
    group_t best_group = { NULL, NULL, 0, 0 };
    double best = 0;
    size_t *sizes = NULL, sizes_cap = 0;
    for (size_t i = 1; i < p->n; i++) {
        const node_info_t *in = &p->v[i];
        if (!in->kept || !in->node->children)
            continue;
        group_t groups[GROUPS_MAX];
        size_t n_groups = 0;
        for (const xmlNode *c = in->node->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || !info(p, c)->kept || !is_item_tag(c))
                continue;
            size_t len;
            const char *cls = first_class(c, &len);
            size_t g = 0;
            while (g < n_groups && !same_group(&groups[g], c, cls, len))
                g++;
            if (g < n_groups)
                groups[g].count++;
            else if (n_groups < GROUPS_MAX)
                groups[n_groups++] = (group_t){ c->name, cls, len, 1 };
        }
        for (size_t g = 0; g < n_groups; g++) {
            if (groups[g].count < want->min_items)
                continue;
            /* A product's reviews and the shop's suggestions are not its
             * description, however long. */
            if (want->no_asides) {
                const xmlNode *item = in->node->children;
                while (item && !in_group(p, item, &groups[g]))
                    item = item->next;
                if (repeat_names_aside(in->node) || (item && repeat_names_aside(item)))
                    continue;
            }
            if (groups[g].count > sizes_cap) {
                sizes_cap = groups[g].count * 2;
                sizes = xrealloc(sizes, sizes_cap * sizeof(size_t));
            }
            size_t total;
            double s = group_score(p, in->node, &groups[g], want->prose, sizes, &total);
            if (s > best && is_near(p, in->node, near, n_near)) {
                best = s;
                best_parent = in->node;
                best_group = groups[g];
                out->text = total;
            }
        }
    }
    free(sizes);
    if (!best_parent)
        return;
    for (xmlNode *c = best_parent->children; c; c = c->next)
        if (in_group(p, c, &best_group)) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 16;
                out->v = xrealloc(out->v, out->cap * sizeof(xmlNode *));
            }
            out->v[out->n++] = c;
        }
}

void repeat_free(repeat_t *r)
{
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}
