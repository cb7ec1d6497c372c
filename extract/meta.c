/* meta: metadata found in the text itself. See meta.h. */
#include "meta.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "utf8.h"

/* Lines this far in are still "the first lines" for a date without a
 * label; later dates are more likely events the article talks about. */
#define META_DATE_LINES 10

/* Line widths are exact only so far (lines.h). */
_Static_assert(META_LINE_WIDTH <= LINE_WIDTH_EXACT, "a width rule past LINE_WIDTH_EXACT");

void meta_free(meta_t *self)
{
    free(self->title);
    free(self->published);
    free(self->author);
    free(self->lang);
    self->title = self->published = self->author = self->lang = NULL;
}

size_t meta_date_header(const char *s, size_t len, char **published)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (len - i < 5 || strncasecmp(s + i, "date", 4) != 0 ||
        (s[i + 4] != ' ' && s[i + 4] != '\t'))
        return 0;
    i += 4;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    char iso[DATE_MAX];
    size_t n = date_parse(s + i, len - i, iso);
    if (n == 0)
        return 0;
    i += n;
    /* Usually a space follows; some scrapers glue the text right on
     * ("date 2024-03-05싱가포르"), which is fine unless it is a word. */
    if (i < len && ascii_alnum((unsigned char)s[i]))
        return 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    *published = xstrdup(iso);
    return i;
}

/* ---- bylines ------------------------------------------------------- */

/* A Korean personal name as bylines write it: 2-4 Hangul syllables. */
static int is_korean_name(const char *s, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t cp;
        i = utf8_next(s, len, i, &cp);
        if (!cp_is_hangul(cp))
            return 0;
        n++;
    }
    return n >= 2 && n <= 4;
}

typedef struct word {
    const char *s;
    size_t len;
} word_t;

static size_t split_words(const char *s, size_t len, word_t *w, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len) {
        while (i < len && s[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && s[i] != ' ')
            i++;
        if (i > start) {
            if (n == max)
                return max + 1;
            w[n].s = s + start;
            w[n].len = i - start;
            n++;
        }
    }
    return n;
}

static int has_letter(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i = utf8_next(s, len, i, &cp);
        if (cp_is_letter(cp))
            return 1;
    }
    return 0;
}

static int word_is(const word_t *w, const char *lit)
{
    return w->len == strlen(lit) && memcmp(w->s, lit, w->len) == 0;
}

/* "By Jane Doe", "by J. R. Smith": two to four capitalised words. */
static int english_byline(const char *s, size_t len, char **name)
{
    if (len < 6 || strncasecmp(s, "by ", 3) != 0)
        return 0;
    word_t w[6];
    size_t n = split_words(s + 3, len - 3, w, 5);
    if (n < 2 || n > 4)
        return 0;
    for (size_t k = 0; k < n; k++) {
        if (!ascii_upper((unsigned char)w[k].s[0]))
            return 0;
        for (size_t c = 0; c < w[k].len; c++)
            if (!ascii_alpha((unsigned char)w[k].s[c]) && !strchr(".-'", w[k].s[c]))
                return 0;
    }
    if (name)
        *name = xstrndup(w[0].s, (size_t)(w[n - 1].s + w[n - 1].len - w[0].s));
    return 1;
}

int meta_byline(const char *s, size_t len, char **name)
{
    if (!utf8_width_within(s, len, META_LINE_WIDTH))
        return 0;
    if (english_byline(s, len, name))
        return 1;
    word_t w[8];
    size_t n = split_words(s, len, w, 7);
    if (n == 0 || n > 7)
        return 0;
    for (size_t k = 0; k < n; k++) {
        const char *person = NULL;
        size_t person_len = 0;
        if (word_is(&w[k], "기자") && k > 0 && is_korean_name(w[k - 1].s, w[k - 1].len)) {
            person = w[k - 1].s, person_len = w[k - 1].len;
        } else if (w[k].len > 6 && memcmp(w[k].s + w[k].len - 6, "기자", 6) == 0 &&
                   is_korean_name(w[k].s, w[k].len - 6)) {
            person = w[k].s, person_len = w[k].len - 6;   /* "박기석기자" */
        }
        if (!person)
            continue;
        /* After the name only an e-mail address, a date or time, or
         * separators may follow; before it a place or the outlet, a few
         * words at most. */
        for (size_t j = k + 1; j < n; j++)
            if (!memchr(w[j].s, '@', w[j].len) && has_letter(w[j].s, w[j].len))
                return 0;
        if (k > 4)
            return 0;
        if (name)
            *name = xstrndup(person, person_len);
        return 1;
    }
    return 0;
}

/* "(서울=연합뉴스) 홍길동 기자 = 본문..." opens a paragraph rather than
 * standing alone: the name is the author, the line stays. */
static char *inline_byline(const char *s, size_t len)
{
    static const char spaced[] = " 기자 =", tight[] = " 기자=";
    size_t scan = len < 120 ? len : 120;
    for (size_t i = 0; i + sizeof(tight) - 1 <= scan; i++) {
        if (memcmp(s + i, tight, sizeof(tight) - 1) != 0 &&
            (i + sizeof(spaced) - 1 > len ||
             memcmp(s + i, spaced, sizeof(spaced) - 1) != 0))
            continue;
        size_t start = i;
        while (start > 0 && s[start - 1] != ' ' && s[start - 1] != ')')
            start--;
        if (is_korean_name(s + start, i - start))
            return xstrndup(s + start, i - start);
    }
    return NULL;
}

/* ---- timestamps ---------------------------------------------------- */

int meta_timestamp_line(const char *s, size_t len, char out[DATE_MAX],
                        int *is_publish)
{
    static const struct { const char *label; int publish; } labels[] = {
        { "기사입력", 1 }, { "입력", 1 }, { "등록", 1 }, { "기사등록", 1 },
        { "송고", 1 }, { "게재", 1 }, { "발행", 1 }, { "승인", 0 },
        { "최종수정", 0 }, { "수정", 0 }, { "업데이트", 0 },
        { "Published", 1 }, { "Posted", 1 }, { "Updated", 0 },
        { "Last updated", 0 }, { "Last modified", 0 },
    };
    if (!utf8_width_within(s, len, META_LINE_WIDTH))
        return 0;
    for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
        if (len == 0 ||
            ascii_lower((unsigned char)s[0]) != ascii_lower((unsigned char)labels[k].label[0]))
            continue;                     /* the first byte rules out most labels */
        size_t n = strlen(labels[k].label);
        if (len < n || strncasecmp(s, labels[k].label, n) != 0)
            continue;
        size_t i = n;
        while (i < len && (s[i] == ' ' || s[i] == ':' || s[i] == '|'))
            i++;
        if (strncasecmp(s + i, "on ", 3) == 0)
            i += 3;
        if (i == n && i < len && ascii_alpha((unsigned char)s[i]))
            continue;                         /* "Postedby", not a label */
        if (date_parse(s + i, len - i, out)) {
            *is_publish = labels[k].publish;
            return 1;
        }
    }
    return 0;
}

void meta_from_text_lines(const lines_t *lines, meta_t *m)
{
    for (size_t i = 0; i < lines->n && !m->author; i++)
        if (lines->v[i].width <= META_LINE_WIDTH)
            meta_byline(lines->v[i].text, lines->v[i].len, &m->author);
    for (size_t i = 0; i < lines->n && i < META_DATE_LINES && !m->author; i++)
        m->author = inline_byline(lines->v[i].text, lines->v[i].len);
    if (m->published)
        return;
    char iso[DATE_MAX], update[DATE_MAX] = "";
    int publish;
    for (size_t i = 0; i < lines->n; i++) {
        if (lines->v[i].width > META_LINE_WIDTH ||
            !meta_timestamp_line(lines->v[i].text, lines->v[i].len, iso, &publish))
            continue;
        if (publish) {
            m->published = xstrdup(iso);
            return;
        }
        if (!update[0])
            memcpy(update, iso, sizeof(update));
    }
    if (update[0]) {
        m->published = xstrdup(update);
        return;
    }
    for (size_t i = 0; i < lines->n && i < META_DATE_LINES; i++)
        if (date_find(lines->v[i].text, lines->v[i].len, iso)) {
            m->published = xstrdup(iso);
            return;
        }
}

/* ---- titles -------------------------------------------------------- */

static int ends_with_sentence_punct(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0) {
        size_t p = utf8_prev(s, i);
        uint32_t cp;
        utf8_next(s, len, p, &cp);
        if (cp == '"' || cp == '\'' || cp == ')' || cp == 0x2019 || cp == 0x201D) {
            i = p;
            continue;
        }
        return cp == '.' || cp == '!' || cp == '?' || cp == 0x3002 ||
               cp == 0xFF01 || cp == 0xFF1F;
    }
    return 0;
}

/* Byte offset of the max_cp-th code point, or len. */
static size_t offset_of_cp(const char *s, size_t len, size_t max_cp)
{
    size_t i = 0, n = 0;
    uint32_t cp;
    while (i < len && n < max_cp) {
        i = utf8_next(s, len, i, &cp);
        n++;
    }
    return i;
}

/* At most ~max_cp code points, cut at a space when there is one in the
 * second half, with an ellipsis to show the cut. */
static char *cut_at_word(const char *s, size_t len, size_t max_cp)
{
    size_t cut = offset_of_cp(s, len, max_cp);
    if (cut >= len)
        return xstrndup(s, len);
    size_t half = offset_of_cp(s, len, max_cp / 2);
    size_t space = cut;
    while (space > half && s[space] != ' ')
        space--;
    if (space > half)
        cut = space;
    while (cut > 0 && s[cut - 1] == ' ')
        cut--;
    buf_t b = BUF_INIT;
    buf_append(&b, s, cut);
    buf_puts(&b, "…");
    return buf_detach(&b);
}

char *meta_text_title(const lines_t *lines, int *whole_line)
{
    int dummy;
    if (!whole_line)
        whole_line = &dummy;
    *whole_line = 1;
    for (size_t i = 0; i < lines->n; i++)
        if (!lines->v[i].drop && lines->v[i].heading)
            return cut_at_word(lines->v[i].text, lines->v[i].len, 200);
    size_t first = lines_next_kept(lines, (size_t)-1, +1);   /* from 0 */
    if (first == (size_t)-1)
        return NULL;
    const line_t *l = &lines->v[first];
    if (utf8_count(l->text, l->len) <= 120 && !ends_with_sentence_punct(l->text, l->len))
        return xstrndup(l->text, l->len);
    *whole_line = 0;
    size_t end = text_sentence_end(l->text, l->len);
    while (end > 0 && l->text[end - 1] == ' ')
        end--;
    return cut_at_word(l->text, end ? end : l->len, 100);
}

/* s white space collapsed into b, its entities decoded first when it has
 * any (JSON-LD and meta tags carry "&amp;" and "&#x26;" as written). */
static void append_clean(buf_t *b, const char *s, size_t len)
{
    if (!memchr(s, '&', len)) {
        text_append_collapsed(b, s, len);
        return;
    }
    buf_t decoded = BUF_INIT;
    text_decode_entities(s, len, &decoded);
    text_append_collapsed(b, buf_str(&decoded), decoded.len);
    buf_free(&decoded);
}

char *meta_clean_title(const char *s, size_t len, int strip_site)
{
    static const char *const seps[] = { " | ", " - ", " – ", " — ", " :: ", " · ", " » " };
    buf_t b = BUF_INIT;
    append_clean(&b, s, len);
    text_trim_end(&b);
    for (int round = 0; strip_site && round < 2 && b.len; round++) {
        const char *best = NULL;
        for (size_t k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
            const char *p = b.data, *hit;
            while ((hit = strstr(p, seps[k])) != NULL) {
                if (!best || hit > best)
                    best = hit;
                p = hit + 1;
            }
        }
        if (!best)
            break;
        size_t keep = (size_t)(best - b.data);
        size_t keep_w = utf8_width(b.data, keep);
        size_t rest_w = utf8_width(best, b.len - keep);
        /* Only a long enough title loses its tail, and only a tail
         * shorter than it: "Foo - Bar" may well be the whole title. */
        if (keep_w < 20 || rest_w >= keep_w)
            break;
        buf_truncate(&b, keep);
        text_trim_end(&b);
    }
    if (b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* Words that stand where a name should and are none. */
static int placeholder_name(const char *s, size_t n)
{
    static const char *const words[] = {
        "the author", "author", "authors", "administrator", "admin", "name", "username",
        "unknown", "reply to", "view more posts", "view all posts", "view profile",
    };
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
        if (strlen(words[k]) == n && strncasecmp(s, words[k], n) == 0)
            return 1;
    size_t digits = 0, dots = 0, lower = 0;
    for (size_t i = 0; i < n; i++) {
        digits += ascii_digit((unsigned char)s[i]) != 0;
        dots += s[i] == '.';
        lower += s[i] >= 'a' && s[i] <= 'z';
    }
    return digits == n ||                                   /* a user id */
           /* a template's key left unrendered: "page.head.extra.author" */
           (dots >= 2 && dots + lower == n && n > 7 &&
            (memcmp(s + n - 7, ".author", 7) == 0 || memcmp(s + n - 5, ".name", 5) == 0)) ||
           s[n - 1] == ':' || memchr(s, '*', n) ||          /* a form's label */
           (n > 5 && strncasecmp(s + n - 5, "says:", 5) == 0);   /* a comment's */
}

char *meta_clean_author(const char *s, size_t len)
{
    buf_t b = BUF_INIT;
    append_clean(&b, s, len);
    text_trim_end(&b);
    const char *p = buf_str(&b);
    /* "By Jane Doe", and a link to her page that says "Articles by Jane". */
    static const char *const by[] = { "by ", "von ", "por ", "par ", "di ", "door ", "av ",
                                      "articles by ", "posts by ", "stories by ",
                                      "more by ", "all posts by ", "more from " };
    for (size_t k = 0; k < sizeof(by) / sizeof(by[0]); k++)
        if (strncasecmp(p, by[k], strlen(by[k])) == 0) {
            p += strlen(by[k]);
            break;
        }
    size_t n = strlen(p);
    /* 'Jane Doe' and "Jane Doe" as some CMSs quote them */
    if (n >= 2 && (p[0] == '\'' || p[0] == '"') && p[n - 1] == p[0]) {
        p++;
        n -= 2;
    }
    /* "Jane Doe, Senior Director of ..., 10+ years in ...": the name. */
    if (utf8_count(p, n) > 80) {
        const char *cut = memchr(p, ',', n);
        if (cut)
            n = (size_t)(cut - p);
    }
    char *name = xstrndup(p, n);
    buf_free(&b);
    if (n == 0 || utf8_count(name, n) > 80 || strncasecmp(name, "http", 4) == 0 ||
        strpbrk(name, "<>{}") || strstr(name, "://") || placeholder_name(name, n)) {
        free(name);
        return NULL;
    }
    return name;
}
