/* html_profile: what each page type keeps of a page.
 *
 * An article extractor chooses one block of prose. The other page types
 * are made otherwise, and the best extractors judge them otherwise
 * (per-type profiles): a thread is its posts, a listing or a shop's
 * category its cards, a service or product page the parts set side by
 * side. What each keeps was measured on the whole of wcxb-dev, not
 * tuned page by page (docs/extraction.md has the figures):
 *
 *  - a service, product or shop's page keeps the whole page once its
 *    chrome is gone (nav, header, footer, forms, names of chrome, link
 *    boxes): its parts are blocks of their own, and the block an
 *    article extractor chooses is one of them (hero, features, pricing,
 *    questions); a listing keeps the chosen block, as its entries often
 *    sit in the page's column beside more of the site's lists;
 *  - listings, shops' categories and documentation keep paragraphs that
 *    are mostly links: a card is a link, a reference page's entries are
 *    links. An article does not: its link paragraphs are teasers (on
 *    web-eval, keeping them costs more precision than it brings);
 *  - a thread keeps its posts (the best repeated structure joins what
 *    was chosen) under the usual pruning: the posts' comment boxes and
 *    signatures are not its content. */
#include "html_profile.h"

#include <stddef.h>
#include <string.h>

#include "html_words.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const profile_t profiles[] = {
    /*  type          repeat     share relax inside climb whole links box keep */
    { "forum", { 2, 1, 0 }, 1, 1, 0, 0, 0, 0, 0, 0 },
    { "listing", { 3, 0, 0 }, 2, 1, 1, 0, 0, 1, 0, HTML_KEEP_ENTRIES },
    /* A shop's grid of cards is mostly links: only a box of links
     * alone (a menu, a pager) is pruned. */
    { "collection", { 3, 0, 0 }, 2, 1, 1, 0, 1, 1, 0.95, HTML_KEEP_SHOP },
    /* A service page: its sections. */
    { "service", { 3, 0, 0 }, 1, 1, 1, 0, 1, 0, 0, 0 },
    /* A product: its description and specifications, not its reviews
     * (no_asides: html_stats.c prunes them). */
    { "product", { 3, 0, 1 }, 2, 1, 0, 0, 1, 0, 0, 0 },
    /* An article is prose: only a structure that far outweighs what
     * was chosen (a list the classifier took for an article). */
    { "article", { 3, 1, 0 }, 4, 0, 0, 0, 0, 0, 0, 0 },
    /* Documentation: its page, without the sidebar (links stop the
     * climb); its tables and lists of links (a reference's entries)
     * are content. */
    { "documentation", { 0, 0, 0 }, 0, 0, 0, 1, 0, 1, 2, 0 },
};

const profile_t *profile_of(const char *page_type)
{
    for (size_t i = 0; page_type && i < COUNT(profiles); i++)
        if (!strcmp(page_type, profiles[i].type))
            return &profiles[i];
    return NULL;
}
