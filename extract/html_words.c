/* html_words: class and id vocabularies. See html_words.h.
 *
 * The lists are the names content management systems and site templates
 * actually use, as the widely used extractors (Readability, trafilatura,
 * boilerpipe) collected them; nothing here names one site. */
#include "html_words.h"

#include <stddef.h>
#include <string.h>

#include "utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Longer words and tokens are compared on their first bytes only. */
#define WORD_MAX 64

/* A word with its length, known at compile time (no strlen for each of
 * the many comparisons). */
typedef struct {
    const char *s;
    size_t n;
} stem_t;
#define STEM(w) { w, sizeof(w) - 1 }

/* Chrome stems, matched at the start or the end of a word or of a whole
 * token without its separators ("most-read" is "mostread"). */
static const stem_t chrome_stems[] = {
    STEM("nav"), STEM("menu"), STEM("footer"), STEM("sidebar"), STEM("comment"),
    STEM("kommentar"), STEM("share"), STEM("sharing"), STEM("social"), STEM("related"),
    STEM("breadcrumb"), STEM("advert"), STEM("banner"), STEM("cookie"), STEM("consent"),
    STEM("gdpr"), STEM("popup"), STEM("modal"), STEM("newsletter"), STEM("subscri"),
    STEM("paywall"), STEM("donat"), STEM("sponsor"), STEM("promo"), STEM("recommend"),
    STEM("popular"), STEM("trending"), STEM("mostread"), STEM("mostviewed"),
    STEM("meistgelesen"), STEM("pagination"), STEM("pager"), STEM("tagcloud"), STEM("toolbar"),
    STEM("login"), STEM("signup"), STEM("signin"), STEM("disqus"), STEM("outbrain"),
    STEM("taboola"), STEM("adsense"), STEM("skiplink"), STEM("ticker"), STEM("byline"),
    STEM("authorbio"), STEM("authorinfo"), STEM("postmeta"), STEM("entrymeta"),
    STEM("articlemeta"), STEM("sronly"), STEM("screenreader"), STEM("printonly"),
    STEM("rating"), STEM("noprint"), STEM("nocontent"), STEM("copyright"), STEM("caption"),
    STEM("credit"), STEM("authorbox"), STEM("aboutauthor"), STEM("authordesc"),
    STEM("saboxplugin"), STEM("sociable"), STEM("disclosure"), STEM("affiliate"),
    STEM("taglinks"), STEM("metainfo"), STEM("metaline"), STEM("tableofcontents"),
    STEM("toccontainer"), STEM("imagesource"), STEM("imgmeta"), STEM("factbox"),
};

/* Whole words that name chrome and are too short to be stems. */
static const char *const chrome_words[] = {
    "tags", "masthead", "author", "authors", "legend",
};

/* Whole tokens that hide an element. Only whole: "field--label-hidden"
 * hides a field's label, not the field, and "hidden-xs" hides it on
 * phones only. */
static const char *const hidden_tokens[] = {
    "hidden", "hide", "visuallyhidden", "ishidden", "dnone",
};

/* Words that start or end with a chrome stem and name content. */
static const char *const content_exceptions[] = {
    "commentary", "navigator",
};

/* Hints: substrings of a token without separators, by rank. */
static const char *const hint_rank1[] = {
    "articlebody", "articlecontent", "articletext", "articlecontainer", "postcontent",
    "posttext", "postbody", "postentry", "entrycontent", "storybody", "storycontent",
    "bodytext", "artcontent", "textcontent", "articleview", "newsview", "newstext",
    "newsbody", "fulltext",
};
/* Rank 2: whole tokens, or substrings from the second list. */
static const char *const hint_rank2_tokens[] = { "post", "entry", "story", "text", "article" };
static const char *const hint_rank2[] = {
    "singlecontent", "singlepost", "blogcontent", "postbodycopy", "maincolumn",
    "fieldbody", "detailcontent", "contentdetail",
};
static const char *const hint_rank3[] = {
    "contentmain", "contentbody", "maincontent", "pagecontent", "primarycontent",
};

/* Lead paragraphs: the standfirst that templates put in the article's
 * header, apart from its body. Whole words. */
static const char *const lead_words[] = {
    "intro", "introduction", "lead", "lede", "leadtext", "excerpt", "standfirst", "chapo",
    "preface", "abstract", "summary", "description", "deck", "subline",
};

/* Candidate weights (Readability's positive and negative classes). */
static const char *const positive_stems[] = {
    "article", "body", "content", "entry", "hentry", "main", "page", "post", "text",
    "blog", "story",
};
static const char *const negative_words[] = { "ad", "ads" };
static const char *const negative_stems[] = {
    "comment", "footer", "footnote", "sidebar", "widget", "meta", "related", "share",
    "social", "sponsor", "promo", "shoutbox", "tags", "tool", "contact", "masthead",
    "media", "scroll", "hidden", "banner", "combx", "outbrain", "skyscraper",
    "shopping", "nav", "menu",
};

/* The first bytes are compared before the rest: most words share none
 * with most stems, and a call of memcmp for each end of each stem was
 * the most of this module's time. */
static int starts_or_ends_n(const char *w, size_t n, const char *stem, size_t m)
{
    if (n < m || m == 0)
        return m == 0;
    return (w[0] == stem[0] && memcmp(w, stem, m) == 0) ||
           (w[n - m] == stem[0] && memcmp(w + n - m, stem, m) == 0);
}

static int starts_or_ends(const char *w, size_t n, const char *stem)
{
    return starts_or_ends_n(w, n, stem, strlen(stem));
}

static int is_word(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(w, list[i], n) == 0)
            return 1;
    return 0;
}

static int has_stem(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (starts_or_ends(w, n, list[i]))
            return 1;
    return 0;
}

static int contains(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t m = strlen(list[i]);
        for (size_t p = 0; p + m <= n; p++)
            if (w[p] == list[i][0] && memcmp(w + p, list[i], m) == 0)
                return 1;
    }
    return 0;
}

/* One space-separated token of a value: lowercased, as words (split at
 * every non-alphanumeric byte) and as one compact string without them. */
typedef struct token {
    char compact[WORD_MAX];
    size_t compact_len;
    char word[WORD_MAX];            /* the words, each ended by a NUL */
    size_t word_len;
} token_t;

/* Reads the token at *p, advancing *p past it; 0 at the end. */
static int next_token(const char **p, token_t *t)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
        s++;
    if (!*s)
        return 0;
    t->compact_len = t->word_len = 0;
    int in_word = 0;
    for (; *s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f'; s++) {
        int c = (unsigned char)*s;
        if (ascii_alnum(c)) {
            c = ascii_lower(c);
            if (t->compact_len < WORD_MAX)
                t->compact[t->compact_len++] = (char)c;
            if (t->word_len + 1 < WORD_MAX)       /* room for the ending NUL */
                t->word[t->word_len++] = (char)c;
            in_word = 1;
        } else if (in_word && t->word_len < WORD_MAX) {
            t->word[t->word_len++] = '\0';
            in_word = 0;
        }
    }
    if (in_word && t->word_len < WORD_MAX)
        t->word[t->word_len++] = '\0';
    *p = s;
    return 1;
}

/* Calls test on every word of t; 1 as soon as one passes. */
static int any_word(const token_t *t, int (*test)(const char *w, size_t n))
{
    size_t i = 0;
    while (i < t->word_len) {
        const char *w = t->word + i;
        size_t n = strnlen(w, t->word_len - i);
        if (n > 0 && test(w, n))
            return 1;
        i += n + 1;
    }
    return 0;
}

/* The chrome stems and words each HTML_KEEP_* bit makes content. A
 * shop's or a listing's cards often sit in a wrapper its pager script
 * names ("pagination-container"): the pager itself, all links, is still
 * a link box. */
static const char *const keep_posts[] = { "comment", "kommentar" };
static const char *const keep_shop[] = { "rating", "subscri", "promo", "pagination", "pager" };
static const char *const keep_entries[] = { "byline", "postmeta", "entrymeta", "articlemeta",
                                            "metainfo", "metaline", "author", "authors",
                                            "pagination", "pager" };

static int kept_by(const char *w, size_t n, unsigned keep)
{
    return ((keep & HTML_KEEP_POSTS) && has_stem(w, n, keep_posts, COUNT(keep_posts))) ||
           ((keep & HTML_KEEP_SHOP) && has_stem(w, n, keep_shop, COUNT(keep_shop))) ||
           ((keep & HTML_KEEP_ENTRIES) && has_stem(w, n, keep_entries, COUNT(keep_entries)));
}

/* 1 when w starts or ends with a chrome stem that keep does not cover. */
static int chrome_stem(const char *w, size_t n, unsigned keep)
{
    for (size_t i = 0; i < COUNT(chrome_stems); i++) {
        const stem_t *stem = &chrome_stems[i];
        /* the stem, as the word names it, judged alone */
        if (starts_or_ends_n(w, n, stem->s, stem->n) && (!keep || !kept_by(stem->s, stem->n, keep)))
            return 1;
    }
    return 0;
}

static int word_is_chrome_keep(const char *w, size_t n, unsigned keep)
{
    if (is_word(w, n, content_exceptions, COUNT(content_exceptions)))
        return 0;
    if (is_word(w, n, chrome_words, COUNT(chrome_words)) && !(keep && kept_by(w, n, keep)))
        return 1;
    return chrome_stem(w, n, keep);
}

/* A token whose first word is one of these states that the chrome is
 * absent or elsewhere: "no-share", "has-sidebar", "without-comments". */
static const char *const modifiers[] = {
    "no", "non", "not", "has", "with", "without", "hide", "show", "is", "toggle",
};

static int first_word_is_modifier(const token_t *t)
{
    size_t n = strnlen(t->word, t->word_len);
    return n < t->word_len && is_word(t->word, n, modifiers, COUNT(modifiers));
}

int html_words_chrome_keep(const char *value, unsigned keep)
{
    token_t t;
    const char *p = value;
    while (p && next_token(&p, &t)) {
        if (first_word_is_modifier(&t))
            continue;
        if (is_word(t.compact, t.compact_len, hidden_tokens, COUNT(hidden_tokens)))
            return 1;
        for (size_t i = 0; i < t.word_len;) {
            const char *w = t.word + i;
            size_t n = strnlen(w, t.word_len - i);
            if (n > 0 && word_is_chrome_keep(w, n, keep))
                return 1;
            i += n + 1;
        }
        if (!is_word(t.compact, t.compact_len, content_exceptions, COUNT(content_exceptions)) &&
            chrome_stem(t.compact, t.compact_len, keep))
            return 1;
    }
    return 0;
}

/* A consent manager's names: the generic words and the widely deployed
 * managers' own (OneTrust's "onetrust-consent-sdk", Cookiebot's
 * "CybotCookiebotDialog", Usercentrics', Didomi's). */
static const char *const consent_stems[] = {
    "cookie", "consent", "gdpr", "onetrust", "cybotcookiebot", "usercentrics", "didomi",
};

static int word_is_consent(const char *w, size_t n)
{
    return has_stem(w, n, consent_stems, COUNT(consent_stems));
}

int html_words_consent(const char *value)
{
    token_t t;
    const char *p = value;
    while (p && next_token(&p, &t)) {
        if (first_word_is_modifier(&t))
            continue;
        if (any_word(&t, word_is_consent) ||
            has_stem(t.compact, t.compact_len, consent_stems, COUNT(consent_stems)))
            return 1;
    }
    return 0;
}

int html_words_chrome(const char *value)
{
    return html_words_chrome_keep(value, 0);
}

int html_words_hint(const char *value)
{
    int best = 0;
    token_t t;
    const char *p = value;
    while (p && next_token(&p, &t) && best != 1) {
        const char *c = t.compact;
        size_t n = t.compact_len;
        int rank = 0;
        if (contains(c, n, hint_rank1, COUNT(hint_rank1)))
            rank = 1;
        else if (is_word(c, n, hint_rank2_tokens, COUNT(hint_rank2_tokens)) ||
                 contains(c, n, hint_rank2, COUNT(hint_rank2)))
            rank = 2;
        else if (contains(c, n, hint_rank3, COUNT(hint_rank3)) ||
                 (n == 7 && memcmp(c, "content", 7) == 0) ||
                 (n >= 4 && memcmp(c, "main", 4) == 0))
            rank = 3;
        if (rank && (!best || rank < best))
            best = rank;
    }
    return best;
}

static int word_is_positive(const char *w, size_t n)
{
    return has_stem(w, n, positive_stems, COUNT(positive_stems));
}

static int word_is_negative(const char *w, size_t n)
{
    return is_word(w, n, chrome_words, COUNT(chrome_words)) ||
           is_word(w, n, negative_words, COUNT(negative_words)) ||
           has_stem(w, n, negative_stems, COUNT(negative_stems));
}

int html_words_weight(const char *value)
{
    int positive = 0, negative = 0;
    token_t t;
    const char *p = value;
    while (p && next_token(&p, &t)) {
        positive |= any_word(&t, word_is_positive);
        negative |= any_word(&t, word_is_negative);
    }
    return (positive ? 25 : 0) - (negative ? 25 : 0);
}

static int word_is_lead(const char *w, size_t n)
{
    return is_word(w, n, lead_words, COUNT(lead_words));
}

int html_words_lead(const char *value)
{
    token_t t;
    const char *p = value;
    while (p && next_token(&p, &t))
        if (any_word(&t, word_is_lead) && !html_words_chrome(value))
            return 1;
    return 0;
}
