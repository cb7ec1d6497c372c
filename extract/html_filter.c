/* html_filter: the bytes of a page libxml2 never needs to see.
 * See html_filter.h.
 *
 * One forward pass. memchr finds the next '<'; only there is anything
 * decided, so text runs cost a memchr and a memcpy. A tag is read to its
 * '>' with quoted attribute values skipped, as libxml2 reads it. The
 * closing tag of a script or style is found the way libxml2's recovery
 * mode finds it: the first "</script" (any case) ends the element,
 * whatever the script holds. An element or comment that is never closed
 * is copied as it is: what libxml2 makes of the rest is then its call,
 * exactly as without the filter. */
#include "html_filter.h"

#include <string.h>
#include <strings.h>

#include "utf8.h"

/* Tag names longer than this are none of the ones we drop. */
#define NAME_MAX_LEN 16

/* First case-insensitive occurrence of needle (lowercase, at least 2
 * bytes) in s[from..len), or len. */
static size_t find_ci(const char *s, size_t len, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    while (from + n <= len) {
        const char *p = memchr(s + from, needle[0], len - from - n + 1);
        if (!p)
            return len;
        size_t at = (size_t)(p - s);
        if (strncasecmp(p + 1, needle + 1, n - 1) == 0)
            return at;
        from = at + 1;
    }
    return len;
}

typedef struct tag {
    char name[NAME_MAX_LEN + 1];   /* lowercase; "" when too long */
    size_t end;                    /* index just past its '>', or 0 */
    size_t attrs;
    int ld_json;                   /* type="application/ld+json" */
} tag_t;

/* Reads the start tag at s[i] == '<' followed by a letter. Drops to out
 * nothing; only measures. A '<' outside quotes ends a tag that lacks its
 * '>' (libxml2 does the same), and then end is that '<'. */
static void read_tag(const char *s, size_t len, size_t i, tag_t *t)
{
    size_t k = i + 1, n = 0;
    while (k < len && (ascii_alnum((unsigned char)s[k]) || s[k] == '-' || s[k] == ':')) {
        if (n < NAME_MAX_LEN)
            t->name[n] = (char)ascii_lower((unsigned char)s[k]);
        n++;
        k++;
    }
    t->name[n <= NAME_MAX_LEN ? n : 0] = '\0';
    t->attrs = 0;
    t->ld_json = 0;
    t->end = 0;
    int space = 0, after_eq = 0;
    size_t type_at = 0;
    for (; k < len; k++) {
        char c = s[k];
        if (c == '>') {
            t->end = k + 1;
            break;
        }
        if (c == '<') {
            t->end = k;
            break;
        }
        if ((c == '"' || c == '\'') && after_eq) {
            const char *close = memchr(s + k + 1, c, len - k - 1);
            if (!close)
                return;                /* unclosed quote: leave it be */
            size_t q = (size_t)(close - s);
            if (type_at && find_ci(s, q, k + 1, "ld+json") < q)
                t->ld_json = 1;
            type_at = 0;
            k = q;
            after_eq = 0;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            space = 1;
        } else {
            if (space && c != '=' && c != '/' && !after_eq) {
                t->attrs++;
                type_at = k + 4 < len && strncasecmp(s + k, "type", 4) == 0 ? k : 0;
            }
            after_eq = c == '=';
            space = 0;
        }
    }
}

/* Copies the tag at s[i..t->end) to out without the attributes past
 * HTML_FILTER_MAX_ATTRS: everything from the first byte of the first
 * attribute over the limit to the tag's end is replaced by its '>'. */
static void copy_limited(const char *s, size_t i, const tag_t *t, buf_t *out)
{
    size_t k = i + 1, attrs = 0;
    int space = 0, after_eq = 0;
    for (; k < t->end; k++) {
        char c = s[k];
        if ((c == '"' || c == '\'') && after_eq) {
            const char *close = memchr(s + k + 1, c, t->end - k - 1);
            k = close ? (size_t)(close - s) : t->end - 1;
            after_eq = 0;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            space = 1;
        } else if (c != '>' && c != '<') {
            if (space && c != '=' && c != '/' && !after_eq && ++attrs > HTML_FILTER_MAX_ATTRS)
                break;
            after_eq = c == '=';
            space = 0;
        }
    }
    buf_append(out, s + i, k - i);
    if (k < t->end)
        buf_putc(out, '>');
}

/* Index just past the '>' of the closing tag that starts at `at`, or
 * len when there is none. */
static size_t past_close(const char *s, size_t len, size_t at)
{
    const char *gt = memchr(s + at, '>', len - at);
    return gt ? (size_t)(gt - s) + 1 : len;
}

/* Where the svg element opened at i ends (past its closing tag), nested
 * svg elements counted; 0 when it is never closed. */
static size_t svg_end(const char *s, size_t len, size_t from)
{
    size_t depth = 1, k = from;
    while (depth > 0) {
        size_t open = find_ci(s, len, k, "<svg");
        size_t close = find_ci(s, len, k, "</svg");
        if (close == len)
            return 0;
        if (open < close) {
            depth++;
            k = open + 4;
        } else {
            depth--;
            k = close + 5;
        }
    }
    return past_close(s, len, k);
}

int html_filter(const char *s, size_t len, buf_t *out)
{
    size_t run = 0, i = 0;   /* s[run..i) is still to be copied */
    int changed = 0;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt)
            break;
        i = (size_t)(lt - s);
        size_t skip_to = 0;             /* drop s[i..skip_to) when set */
        if (i + 4 <= len && memcmp(s + i, "<!--", 4) == 0) {
            size_t close = i + 4 < len ? find_ci(s, len, i + 4, "-->") : len;
            if (close == len)
                break;                  /* unclosed: the rest as it is */
            skip_to = close + 3;
        } else if (i + 1 < len && ascii_alpha((unsigned char)s[i + 1])) {
            tag_t t;
            read_tag(s, len, i, &t);
            if (!t.end)
                break;
            int script = strcmp(t.name, "script") == 0, style = strcmp(t.name, "style") == 0;
            if ((script && !t.ld_json) || style) {
                size_t close = find_ci(s, len, t.end, script ? "</script" : "</style");
                if (close == len)
                    break;
                skip_to = past_close(s, len, close);
            } else if (strcmp(t.name, "svg") == 0) {
                skip_to = svg_end(s, len, t.end);
                if (!skip_to)
                    break;
            } else if (t.attrs > HTML_FILTER_MAX_ATTRS) {
                buf_append(out, s + run, i - run);
                copy_limited(s, i, &t, out);
                run = i = t.end;
                changed = 1;
                continue;
            } else if (script) {
                /* JSON-LD is kept: step over its content in one go. */
                size_t close = find_ci(s, len, t.end, "</script");
                i = close == len ? len : close;
                continue;
            }
            if (!skip_to) {
                i = t.end;
                continue;
            }
        } else {
            i++;
            continue;
        }
        buf_append(out, s + run, i - run);
        run = i = skip_to;
        changed = 1;
    }
    buf_append(out, s + run, len - run);
    return changed;
}
