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
 * Steps 1 and 2 live in html_stats.c, the JSON-LD body in
 * html_stated.c, the repeated structures in html_repeat.c; html_page.h
 * holds what they share. The element slots live in one array for the
 * page (page_t), freed at the end; the _private fields then hold stale
 * indices, which nothing reads (extract.c frees the document right
 * after).
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
 * outweighs the prose (a list the classifier took for an article).
 * A listing's or a shop's cards inside the chosen text keep their links
 * too, and some chrome names are content for a type (page_t's keep).
 * What each type keeps is its profile (html_profile.c): a service,
 * product or shop's page is its whole text once chrome is gone, a
 * listing's, shop's or reference's paragraphs of links are content, and
 * a documentation page's choice widens over the parts set beside it
 * (climb). */
#include "html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "html_page.h"
#include "html_profile.h"
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
/* A hint outside the scored block with less than its text over this
 * named a widget. */
#define HINT_SLIVER 3
/* A lead paragraph needs this much text. */
#define LEAD_MIN_TEXT 40
/* A paragraph up to this long that is mostly a <time> is a dateline. */
#define DATELINE_MAX 80
/* A repeated structure inside the chosen text keeps its links when it
 * has this many items and holds this share of that text. */
#define INSIDE_MIN_ITEMS 6
#define INSIDE_MIN_SHARE 0.3
/* A documentation page's choice widens over at most this many
 * levels, each adding text with at most this share of links. */
#define CLIMB_LEVELS 6
#define CLIMB_LINK_SHARE 0.2
/* Readability: a block with less own text than this does not score. */
#define SCORE_MIN_OWN 25
/* Readability: how many ancestors a paragraph scores. */
#define SCORE_LEVELS 5

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

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
        (w->relax_depth || w->page->links ||
         (double)w->link_bytes <= LINK_SHARE_MAX * (double)w->para.len) &&
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
    /* Against the choice's own roots only: items, siblings, never hold
     * one another, and a page of thousands of rows stays linear in them. */
    for (size_t j = 0; j < items->n; j++) {
        roots_t own = { r->v, k, k };
        if (!roots_hold(p, &own, items->v[j]))
            roots_add(r, items->v[j]);
    }
    qsort(r->v, r->n, sizeof(xmlNode *), cmp_slot);
}

/* A documentation page sets its parts side by side (an introduction,
 * the reference, examples), each a block of its own, where an article
 * keeps its text in one: the choice widens to the ancestor that holds
 * them, a level at a time while what a level adds is mostly text
 * outside links (a sidebar or a grid of links stops it), up to
 * CLIMB_LEVELS levels, never to the page's top. */
static void climb(const page_t *p, roots_t *r)
{
    if (!r->n || r->v[0] == p->top)
        return;
    xmlNode *cur = r->n == 1 ? r->v[0] : common_ancestor(p, r->v[0], r->v[r->n - 1]);
    size_t text = 0, links = 0;
    for (size_t i = 0; i < r->n; i++) {
        text += info(p, r->v[i])->text;
        links += info(p, r->v[i])->links;
    }
    xmlNode *to = NULL;
    for (int level = 0; level < CLIMB_LEVELS && cur && cur->parent && cur->parent != p->top &&
                        cur->parent->type == XML_ELEMENT_NODE;
         level++) {
        const node_info_t *up = info(p, cur->parent);
        if (!up->live)
            break;
        size_t up_text = up->text, up_links = up->links;
        cur = cur->parent;
        if (up_text <= text)
            continue;
        size_t added = up_text - text, added_links = up_links > links ? up_links - links : 0;
        if ((double)added_links > CLIMB_LINK_SHARE * (double)added)
            break;
        to = cur;
        text = up_text;
        links = up_links;
    }
    if (to) {
        r->n = 0;
        roots_add(r, to);
    }
}

/* The items of the structure are walked even where a link box around
 * them was pruned (a grid of cards that are links, with its pager): the
 * path down to them lives again; their siblings stay pruned. Not when
 * the choice itself is too short to be kept (RESULT_MIN_TEXT): fewer
 * rules over the page do better there than a few items alone. */
static void revive(const page_t *p, const repeat_t *items, size_t chosen)
{
    if (chosen < RESULT_MIN_TEXT)
        return;
    for (size_t j = 0; j < items->n; j++) {
        info(p, items->v[j])->live = 1;
        for (xmlNode *a = items->v[j]->parent;
             a && a->type == XML_ELEMENT_NODE && !info(p, a)->live; a = a->parent)
            info(p, a)->live = 1;
    }
}

void html_main_text(struct _xmlDoc *doc, const char *page_type, lines_t *out)
{
    page_t p = { .root = xmlDocGetRootElement(doc) };
    if (!p.root)
        return;
    const profile_t *profile = profile_of(page_type);
    p.keep = profile ? profile->keep : 0;
    p.asides = profile && profile->repeat.no_asides;
    p.links = profile && profile->links;
    p.box_links = profile ? profile->box_links : 0;
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
    if (profile && profile->climb)
        climb(&p, &choices[0]);
    /* A page made of parts side by side (a service's sections, a
     * product's description and specifications, a shop's grid): its
     * whole text once chrome is gone comes first; the rest of the
     * choices stay as fallbacks. */
    if (profile && profile->whole) {
        choices[0].n = 0;
        roots_add(&choices[0], p.top);
    }

    /* A thread's posts, a listing's cards: every item of the page's
     * repeated structure, when it outweighs what was chosen. */
    repeat_t items = { NULL, 0, 0, 0 };
    if (profile && profile->repeat.min_items) {
        int chosen = choices[0].n && choices[0].v[0] != p.top;
        repeat_find(&p, &profile->repeat, chosen ? choices[0].v : NULL,
                    chosen ? choices[0].n : 0, &items);
        double share = profile->share;
        /* A list of teasers under an article is not the page's content.
         * A list inside the chosen text that makes a good part of it is,
         * for a listing's or a shop's cards: it keeps its links (the text
         * holds it already). A few link boxes in an article taken for a
         * listing are not enough. */
        if (items.n && (double)items.text < share * (double)roots_text(&p, &choices[0])) {
            int inside = profile->relax_inside && choices[0].n &&
                         items.n >= INSIDE_MIN_ITEMS &&
                         (double)items.text >= INSIDE_MIN_SHARE * (double)roots_text(&p, &choices[0]) &&
                         roots_hold(&p, &choices[0], items.v[0]);
            for (size_t j = 0; inside && j < items.n; j++)
                info(&p, items.v[j])->relax = 1;
            if (inside)
                revive(&p, &items, roots_text(&p, &choices[0]));
            items.n = 0;
        }
        for (size_t j = 0; profile->relax && j < items.n; j++)
            info(&p, items.v[j])->relax = 1;
        revive(&p, &items, roots_text(&p, &choices[0]));
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
