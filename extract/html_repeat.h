/* html_repeat: the repeated sibling structure of a page: the posts of a
 * thread, the cards of a listing or a shop's category, the sections of
 * a service page. See html_repeat.c. */
#ifndef FEEDMILL_EXTRACT_HTML_REPEAT_H
#define FEEDMILL_EXTRACT_HTML_REPEAT_H

#include <stddef.h>

#include "html_page.h"

/* What the page type asks of the search. */
typedef struct repeat_want {
    size_t min_items;        /* fewer similar siblings are not a structure */
    int prose;               /* 1: items are measured without their link text
                              * (posts); 0: with it (cards) */
    int no_asides;           /* 1: not a product page's asides: customer
                              * reviews, other products suggested */
} repeat_want_t;

/* The items of the best structure, in document order. */
typedef struct repeat {
    xmlNode **v;
    size_t n, cap;
    size_t text;             /* their text, measured as wanted */
} repeat_t;

/* Finds the best run of similar siblings among the elements the rules
 * kept (page_t's kept), related to near (the n_near elements the text
 * was first chosen from): its parent and one of them share an ancestor
 * below p->top. Without near, anywhere. out->n is 0 when there is none. */
void repeat_find(const page_t *p, const repeat_want_t *want, xmlNode *const *near,
                 size_t n_near, repeat_t *out);

void repeat_free(repeat_t *r);

/* 1 when one of node's class, id or itemprop values names a product
 * page's aside: customers' reviews, other products suggested. */
int repeat_names_aside(const xmlNode *node);

#endif
