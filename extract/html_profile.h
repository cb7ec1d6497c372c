/* html_profile: what each page type keeps of a page (html_text.c asks).
 * See html_profile.c. */
#ifndef FEEDMILL_EXTRACT_HTML_PROFILE_H
#define FEEDMILL_EXTRACT_HTML_PROFILE_H

#include "html_repeat.h"

/* What a page type asks of extraction beyond an article's prose. */
typedef struct profile {
    const char *type;
    repeat_want_t repeat;    /* min_items 0: no repeated structure */
    double share;            /* the structure joins a choice when it holds
                              * this many times the choice's text */
    int relax;               /* its items walked under tag rules, with links */
    int relax_inside;        /* so too when the chosen text holds it */
    int climb;               /* its parts are side by side: climb() */
    int whole;               /* its text is the whole page's once chrome is
                              * gone, not one block's */
    int links;               /* paragraphs that are mostly links are content
                              * (cards are links) */
    double box_links;        /* a list or box with more than this share of
                              * links is pruned; 0: the default, above 1:
                              * never */
    unsigned keep;           /* HTML_KEEP_*: chrome names that are its content */
} profile_t;

/* The profile of a page type (page_type.c's names), or NULL for a type
 * without one (plain text, an unknown name). */
const profile_t *profile_of(const char *page_type);

#endif
