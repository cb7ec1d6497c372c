/* html_title: a page's title from the candidates html_meta.c kept.
 * See html_meta_int.h; the precedence is html_meta.c's (its opening
 * comment) and docs/extraction.md's.
 *
 * Headings agree with the tags when most of their words are in one of
 * them; a title's last part after a separator (" | ", " - ", ...) is the
 * site's name when the page names its site so, or when it is short. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_meta_int.h"
#include "meta.h"
#include "utf8.h"

/* How many words s has (runs of anything but spaces). */
static size_t count_words(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
    return n;
}

static const char *const title_seps[] = {
    " | ", " - ", " – ", " — ", " :: ", " · ", " » ", " • ",
};

/* Where the last separator of s starts (the part after it may be the
 * site's name), and its length; 0 when there is none. */
static size_t last_separator(const char *s, size_t len, size_t *sep_len)
{
    size_t best = 0;
    for (size_t k = 0; k < sizeof(title_seps) / sizeof(title_seps[0]); k++) {
        size_t n = strlen(title_seps[k]);
        for (size_t i = len > n ? len - n : 0; i > 0; i--)
            if (memcmp(s + i, title_seps[k], n) == 0) {
                if (i > best) {
                    best = i;
                    *sep_len = n;
                }
                break;
            }
    }
    return best;
}

/* The last part of "Title | Site" is a name of the site when it is
 * short, as names are (at most six words: "Gazette", "Yoga With Olivia",
 * "Schmid College of Science and Technology"). A longer one is the
 * title's second half ("The Programming Language Death Spiral - How
 * Small Languages Die in the Age of AI"): taken for the site's name, it
 * would be cut from the heading too. Measured on wcxb-dev: six
 * words keep 10 more titles than no limit, three or four fewer. */
static void site_from_title(found_t *f, const char *t)
{
    if (!t)
        return;
    size_t len = strlen(t), sep_len = 0, at = last_separator(t, len, &sep_len);
    if (!at)
        return;
    const char *tail = t + at + sep_len;
    size_t n = len - at - sep_len;
    if (n <= 60 && count_words(tail, n) <= 6 && !html_meta_is_site(f, tail, n))
        html_meta_add_site(f, tail, n);
}

/* s (malloc'd) without its known site-name suffixes, or NULL when none is left. */
static char *cut_site(const found_t *f, char *s)
{
    size_t len = strlen(s), sep_len = 0, at;
    while ((at = last_separator(s, len, &sep_len)) > 0 && html_meta_is_site(f, s + at + sep_len, len - at - sep_len))
        len = at;
    s[len] = '\0';
    if (len == 0 || html_meta_is_site(f, s, len)) {
        free(s);
        return NULL;
    }
    return s;
}

/* The words of s, lower-cased ASCII letters and digits or any non-ASCII
 * byte, as a list of (start, length) pairs; at most max. */
typedef struct words {
    const char *at[48];
    unsigned char len[48];
    size_t n;
} words_t;

static void split_title_words(const char *s, words_t *w)
{
    w->n = 0;
    for (size_t i = 0; s[i] && w->n < 48;) {
        unsigned char c = (unsigned char)s[i];
        if (!ascii_alnum(c) && c < 0x80) {
            i++;
            continue;
        }
        size_t start = i;
        while (s[i] && (ascii_alnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80) &&
               i - start < 255)
            i++;
        w->at[w->n] = s + start;
        w->len[w->n++] = (unsigned char)(i - start);
    }
}

/* The share of the heading's words that ref has too. */
static double words_in(const words_t *heading, const words_t *ref)
{
    size_t common = 0;
    for (size_t i = 0; i < heading->n; i++)
        for (size_t k = 0; k < ref->n; k++)
            if (heading->len[i] == ref->len[k] &&
                strncasecmp(heading->at[i], ref->at[k], heading->len[i]) == 0) {
                common++;
                break;
            }
    return heading->n ? (double)common / (double)heading->n : 0.0;
}

/* The <h1> that is the page's title: the one whose words the tags'
 * titles hold most of, at least half of them. Returns its index, or -1.
 *
 * Not on a service page or a forum's: a service page's <h1> is its
 * hero's slogan ("We're Really Good at Email"), where its <title> names
 * what it offers ("Email Marketing Tools | Mailchimp"), and a forum's is
 * as often the board's name as the thread's. There the tags' title wins
 * when there is one. Measured on wcxb-dev: 34 titles more agree with
 * the ground truth and 17 fewer (service pages 24 and 9, forums 7 and
 * 3); on products, shops' categories, listings, documentation and
 * articles the <h1> is the better name (each loses titles when the tags
 * win there). */
static int title_heading(const found_t *f)
{
    if (f->page_type && (f->og_title || f->title_tag) &&
        (!strcmp(f->page_type, "service") || !strcmp(f->page_type, "forum")))
        return -1;
    const char *refs[] = { f->og_title, f->tw_title, f->headline, f->title_tag };
    words_t ref[4];
    size_t n_ref = 0;
    for (size_t r = 0; r < 4; r++)
        if (refs[r])
            split_title_words(refs[r], &ref[n_ref++]);
    int best = -1;
    double best_share = 0.5 - 1e-9;
    for (size_t h = 0; h < f->n_h1; h++) {
        if (!f->h1[h])
            continue;
        words_t w;
        split_title_words(f->h1[h], &w);
        for (size_t r = 0; r < n_ref; r++) {
            double share = words_in(&w, &ref[r]);
            if (share > best_share) {
                best_share = share;
                best = (int)h;
            }
        }
    }
    return best;
}

char *html_title_choose(found_t *f)
{
    site_from_title(f, f->title_tag);
    site_from_title(f, f->og_title);
    for (size_t h = 0; h < f->n_h1; h++)
        f->h1[h] = f->h1[h] ? cut_site(f, f->h1[h]) : NULL;
    int h = title_heading(f);
    if (h >= 0) {
        char *t = f->h1[h];
        f->h1[h] = NULL;
        return t;
    }
    char *t = f->title.value ? cut_site(f, f->title.value) : NULL;
    f->title.value = NULL;
    if (!t && f->title_tag) {
        t = meta_clean_title(f->title_tag, strlen(f->title_tag), 1);
        t = t ? cut_site(f, t) : NULL;
    }
    for (size_t k = 0; !t && k < f->n_h1; k++) {
        t = f->h1[k];
        f->h1[k] = NULL;
    }
    /* A home page's <title> may be nothing but the site's names ("Alma —
     * Simplifying Access to Therapy" on helloalma.com): then it is the
     * title as it stands, better than a line of the text. */
    if (!t && f->title_tag)
        t = meta_clean_title(f->title_tag, strlen(f->title_tag), 0);
    return t;
}
