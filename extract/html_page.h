/* html_page: the per-element statistics html_text.c computes over a
 * parsed page, shared with the modules that choose from them
 * (html_repeat.c). Internal to the extractor: only files that see
 * libxml2 include it. */
#ifndef FEEDMILL_EXTRACT_HTML_PAGE_H
#define FEEDMILL_EXTRACT_HTML_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

typedef struct node_info {
    xmlNode *node;
    size_t raw, raw_links;   /* visible non-space bytes; of them in <a> */
    size_t text, links;      /* the same without pruned subtrees */
    size_t last;             /* slot of its last descendant (document order) */
    size_t own, commas;      /* text directly in this block; its commas */
    size_t boxed, boxed_links; /* text and link text of link boxes below */
    xmlNode *saved_container; /* count_clean's, outside this container */
    double score;            /* Readability content score */
    unsigned char live;      /* reached by the clean pass: not pruned */
    unsigned char kept;      /* not pruned by a rule, maybe by a link box */
    unsigned char relax;     /* an item of a repeated structure: walk it
                              * under tag rules, keeping its links */
    unsigned char scored;    /* score initialised: a candidate */
} node_info_t;

typedef struct page {
    node_info_t *v;          /* v[0] is a zeroed slot for unnumbered nodes */
    size_t n, cap;
    xmlNode *root, *body;
    xmlNode *top;            /* where the text is: <body>, else the root */
    xmlNode *landmark[3];    /* the first <main>, <article> and <h1>: where
                              * the page's own text is */
    unsigned keep;           /* HTML_KEEP_*: chrome names the page type keeps */
    int asides;              /* 1: a product page, whose asides (reviews,
                              * suggestions: repeat_names_aside) are chrome */
    int links;               /* 1: paragraphs that are mostly links are kept
                              * (html_profile.h) */
    double box_links;        /* a box with more than this share of links is
                              * a link box; 0: the default (html_stats.c) */
} page_t;

/* An element's slot. Elements the statistics never reached (inside
 * scripts) read as the zeroed slot, so every caller may ask. */
static inline node_info_t *info(const page_t *p, const xmlNode *node)
{
    uintptr_t i = (uintptr_t)node->_private;
    return i < p->n ? &p->v[i] : &p->v[0];
}

/* 1 when element a is node or holds it: node's slot falls within a's
 * subtree range. O(1), so that nothing here costs the page's depth per
 * element (a page nested 100 000 deep must stay linear). */
static inline int contains(const page_t *p, const xmlNode *a, const xmlNode *node)
{
    while (node && node->type != XML_ELEMENT_NODE)
        node = node->parent;
    if (!a || !node || a->type != XML_ELEMENT_NODE)
        return a != NULL && node != NULL && a->type != XML_ELEMENT_NODE;  /* the document */
    uintptr_t i = (uintptr_t)a->_private, k = (uintptr_t)node->_private;
    return i > 0 && i < p->n && k > 0 && k < p->n && i <= k && k <= p->v[i].last;
}

/* The nearest element holding both. a climbs, so a caller that folds
 * many nodes into one ancestor pays the depth once in all. */
static inline xmlNode *common_ancestor(const page_t *p, xmlNode *a, xmlNode *b)
{
    while (a && a->type != XML_ELEMENT_NODE)
        a = a->parent;
    while (a && a->type == XML_ELEMENT_NODE && !contains(p, a, b))
        a = a->parent;
    return a;
}

/* How hard pruning works; html_main_text relaxes step by step when a
 * stricter level leaves nothing. */
enum {
    RULES_MINIMAL = 0,     /* only invisible content: scripts, styles */
    RULES_TAGS,            /* plus chrome tags and hidden elements */
    RULES_ALL,             /* plus class/id chrome words, link-dense boxes */
};


/* html_stats.c: element classes and pruning rules. */
int name_in(const xmlNode *node, const char *const *names, size_t n);
int is_block(const xmlNode *node);
/* html_words' rank or weight of node's attribute attr (class, id). */
int attr_hint(xmlNode *node, const char *attr);
int attr_weight(xmlNode *node, const char *attr);
int has_article_body_prop(xmlNode *node);
/* Blocks whose own text is a paragraph for Readability's scoring. */
int scores_as_paragraph(const xmlNode *node);
/* Text of an element outside links, as parsed. */
size_t prose_of(const node_info_t *in);
/* 1 when node is left out under rules (RULES_*), judged against a
 * container with `against` bytes of prose; in_article when that
 * container is an <article> or <main>. */
int prune(const page_t *p, int rules, size_t against, int in_article, xmlNode *node);
/* Pass 1: numbers the elements and sums raw text (p->v, p->body). */
void count_raw(page_t *p);
/* Pass 2: live and kept elements, clean text, own text under p->top. */
void count_clean(page_t *p);

/* html_stated.c: the element holding the body the page states in
 * JSON-LD, or NULL. */
xmlNode *choose_stated(const page_t *p);

#endif
