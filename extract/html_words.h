/* html_words: what the class and id names of an element say about it.
 *
 * Sites name their blocks in a few shared vocabularies (WordPress,
 * Drupal, news CMSs, Bootstrap): "entry-content", "article__body",
 * "related-posts", "newsletter-signup", "mainMenu". Three questions are
 * asked of an attribute value, from the most to the least decisive:
 *
 *  - does it name page chrome (navigation, comments, share bars, related
 *    and most-read lists, paywall and subscription prompts, newsletter
 *    and donation boxes, cookie banners, ...)? Then the element is
 *    pruned from the main text;
 *  - does it name the article body itself, and how surely? A ranked
 *    container hint, tried before any scoring;
 *  - does it lean towards content or chrome? A weight for candidate
 *    scoring (Readability's class weight).
 *
 * A value is split into words at anything but ASCII letters and digits
 * ("post-content" is "post" and "content"); a word matches a stem when
 * it starts or ends with it ("navbar", "subnav", "comments"), never in
 * its middle ("unavailable" is not "nav"). Pure string functions: no
 * libxml2, nothing allocated. */
#ifndef FEEDMILL_EXTRACT_HTML_WORDS_H
#define FEEDMILL_EXTRACT_HTML_WORDS_H

/* 1 when a class or id value names page chrome. */
int html_words_chrome(const char *value);

/* 1 when a class or id value names a cookie or consent dialog
 * ("onetrust-consent-sdk", "cookie-banner", "CybotCookiebotDialog"),
 * and not as absent ("has-cookie-bar"). Such a dialog is chrome even
 * when it holds more prose than the page (html_stats.c). */
int html_words_consent(const char *value);

/* What a page type keeps of the chrome names (a bit set): a thread's
 * posts are "comments", a shop's cards carry "rating" and
 * "subscription" words, a listing's entries their "byline" and
 * "entry-meta". */
enum {
    HTML_KEEP_POSTS = 1,       /* comment, kommentar, reply words */
    HTML_KEEP_SHOP = 2,        /* rating, subscri, promo, pagination, pager */
    HTML_KEEP_ENTRIES = 4,     /* byline, author, entry-meta, post-meta,
                                * pagination, pager */
};
/* html_words_chrome, but the names the keep bits cover are content. */
int html_words_chrome_keep(const char *value, unsigned keep);

/* How surely a class or id value names the article body: 1 (e.g.
 * "entry-content", "article-body", "articleBody") to 3 (e.g. "content",
 * "main-content"), 0 when it does not. Compared on the value with case
 * and the separators - and _ removed, word by word. */
#define HTML_HINT_RANKS 3
int html_words_hint(const char *value);

/* 1 when a class or id value names an article's lead paragraph
 * ("intro", "entry-excerpt", "article__lead", "standfirst") and no
 * chrome. */
int html_words_lead(const char *value);

/* Candidate weight of a class or id value: +25 when it leans towards
 * content ("article", "post", "text"), -25 towards chrome ("comment",
 * "sidebar", "widget", "meta"), 0 otherwise or when both. */
int html_words_weight(const char *value);

#endif
