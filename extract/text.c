/* text: per-line cleanup of flattened web text. See text.h.
 *
 * Order matters: entities are decoded before tags are stripped, because
 * scraped text often carries escaped markup (&lt;p&gt;) that is just as
 * much a tag to the reader; Markdown is read last, once tags are gone, so
 * that "<p>## Title" is still a heading. Work is linear in the line
 * length whatever the line holds: a 5 MB line of "<!--" is still text. */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"
#include "wordset.h"

/* Bytes kept as they are (text and single ASCII spaces, the common case)
 * pile up in a run from s[run] and are copied once; only what changes
 * is written on its own. */
void text_append_collapsed(buf_t *out, const char *s, size_t len)
{
    size_t i = 0, run = 0;
    int space = out->len == 0 || out->data[out->len - 1] == ' ' ||
                out->data[out->len - 1] == '\n';
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x21 && c < 0x7F) {            /* fast path: visible ASCII */
            space = 0;
            i++;
            continue;
        }
        if (c == ' ' && !space) {               /* a single space stays */
            space = 1;
            i++;
            continue;
        }
        size_t word_end = utf8_hangul_run(s, len, i);
        if (word_end > i) {                     /* fast path: Hangul */
            space = 0;
            i = word_end;
            continue;
        }
        uint32_t cp;
        size_t next = utf8_next(s, len, i, &cp);
        if (cp != UTF8_INVALID && !cp_is_space(cp) && cp >= 0x20 && cp != 0x7F &&
            !cp_is_invisible(cp)) {
            space = 0;                          /* kept: part of the run */
            i = next;
            continue;
        }
        if (i > run)
            buf_append(out, s + run, i - run);
        if (cp == UTF8_INVALID) {
            utf8_put(out, UTF8_REPLACEMENT);    /* never copy bad bytes */
            space = 0;
        } else if (!cp_is_invisible(cp)) {      /* white space or a control */
            if (!space)
                buf_putc(out, ' ');
            space = 1;
        }
        i = run = next;
    }
    if (len > run)
        buf_append(out, s + run, len - run);
}

void text_trim_end(buf_t *b)
{
    size_t n = b->len;
    while (n > 0 && (b->data[n - 1] == ' ' || b->data[n - 1] == '\n'))
        n--;
    buf_truncate(b, n);
}

/* ---- character references ---------------------------------------- */

static const struct { const char *name; uint32_t cp; } named_refs[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
    { "apos", '\'' }, { "nbsp", 0xA0 }, { "middot", 0xB7 },
    { "hellip", 0x2026 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
    { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C },
    { "rdquo", 0x201D }, { "laquo", 0xAB }, { "raquo", 0xBB },
    { "bull", 0x2022 }, { "copy", 0xA9 }, { "reg", 0xAE },
    { "trade", 0x2122 }, { "times", 0xD7 }, { "deg", 0xB0 },
    { "euro", 0x20AC }, { "pound", 0xA3 }, { "yen", 0xA5 }, { "cent", 0xA2 },
    { "sect", 0xA7 }, { "para", 0xB6 }, { "shy", 0xAD }, { "ensp", 0x2002 },
    { "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "zwj", 0x200D },
    { "zwnj", 0x200C }, { "larr", 0x2190 }, { "rarr", 0x2192 },
};

/* HTML maps &#128;-&#159; through windows-1252, as pages mean them. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* Parses a reference at s[i] == '&'. Returns its length (0 when it is
 * not one) and the code point in *cp. */
static size_t parse_ref(const char *s, size_t len, size_t i, uint32_t *cp)
{
    size_t j = i + 1;
    if (j < len && s[j] == '#') {
        int hex = j + 1 < len && (s[j + 1] == 'x' || s[j + 1] == 'X');
        j += hex ? 2 : 1;
        uint32_t v = 0;
        size_t digits = 0;
        while (j < len && digits < 8 &&
               (hex ? ascii_xdigit((unsigned char)s[j]) : ascii_digit((unsigned char)s[j]))) {
            int d = ascii_digit((unsigned char)s[j]) ? s[j] - '0'
                                                 : (ascii_lower((unsigned char)s[j]) - 'a' + 10);
            v = v * (hex ? 16u : 10u) + (uint32_t)d;
            j++, digits++;
        }
        if (digits == 0 || j >= len || s[j] != ';')
            return 0;
        if (v >= 0x80 && v <= 0x9F)
            v = cp1252_c1[v - 0x80];
        *cp = v;
        return j + 1 - i;
    }
    size_t n = 0;
    while (j + n < len && n < 8 && ascii_alnum((unsigned char)s[j + n]))
        n++;
    if (n == 0 || j + n >= len || s[j + n] != ';')
        return 0;
    for (size_t k = 0; k < sizeof(named_refs) / sizeof(named_refs[0]); k++)
        if (strlen(named_refs[k].name) == n &&
            memcmp(named_refs[k].name, s + j, n) == 0) {
            *cp = named_refs[k].cp;
            return n + 2;
        }
    return 0;
}

void text_decode_entities(const char *s, size_t len, buf_t *out)
{
    size_t i = 0, run = 0;
    const char *amp;
    while (i < len && (amp = memchr(s + i, '&', len - i)) != NULL) {
        i = (size_t)(amp - s);
        uint32_t cp;
        size_t n = parse_ref(s, len, i, &cp);
        if (n == 0) {
            i++;
            continue;
        }
        buf_append(out, s + run, i - run);
        /* A reference must not smuggle in what decoding removed. */
        if (cp >= 0x20 ? cp != 0x7F : (cp == '\t' || cp == '\n'))
            utf8_put(out, cp);
        i += n;
        run = i;
    }
    buf_append(out, s + run, len - run);
}

/* ---- tags ---------------------------------------------------------- */

/* Only real HTML element names count as tags: "<3" or "<Ctrl>" in prose
 * must survive. Inline elements vanish; others leave a space so that the
 * words on either side do not run together. */
static const char *const inline_tags[] = {
    "a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i",
    "ins", "kbd", "mark", "q", "s", "small", "span", "strike", "strong",
    "sub", "sup", "time", "tt", "u", "wbr",
};
static const char *const block_tags[] = {
    "article", "aside", "blockquote", "body", "br", "caption", "center",
    "col", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
    "html", "iframe", "img", "input", "label", "li", "link", "main", "meta",
    "nav", "noscript", "ol", "option", "p", "pre", "script", "section",
    "select", "source", "style", "table", "tbody", "td", "textarea",
    "tfoot", "th", "thead", "title", "tr", "ul", "video",
};

static wordset_t inline_tag_set = WORDSET(inline_tags);
static wordset_t block_tag_set = WORDSET(block_tags);

/* Tag names are ASCII and case-blind; the lists are lowercase. */
static int in_set(wordset_t *set, const char *s, size_t len)
{
    char lower[WORDSET_MAX_LEN];
    if (len > sizeof(lower))
        return 0;                       /* longer than any listed word */
    for (size_t i = 0; i < len; i++)
        lower[i] = (char)ascii_lower((unsigned char)s[i]);
    return wordset_find(set, lower, len) >= 0;
}

/* At s[i] == '<': the length of a tag there, 0 if none. *block tells
 * whether it separates words. */
static size_t tag_length(const char *s, size_t len, size_t i, int *block)
{
    size_t j = i + 1;
    if (j < len && s[j] == '/')
        j++;
    size_t name = j;
    while (j < len && ascii_alnum((unsigned char)s[j]))
        j++;
    size_t name_len = j - name;
    if (name_len == 0 || (j < len && !strchr(" \t/>", s[j])))
        return 0;
    int is_inline = in_set(&inline_tag_set, s + name, name_len);
    if (!is_inline && !in_set(&block_tag_set, s + name, name_len))
        return 0;
    while (j < len && s[j] != '>' && s[j] != '<')
        j++;
    if (j >= len || s[j] != '>')
        return 0;
    *block = !is_inline;
    return j + 1 - i;
}

/* Removes tags and comments. A "<!--" without its "-->" on the line is
 * dropped alone, as is a stray "-->" (the comment began on an earlier
 * line). Once one "<!--" has no end, no later one can have either, which
 * keeps a line full of them linear. */
static void strip_tags(const char *s, size_t len, buf_t *out)
{
    size_t i = 0, run = 0;
    int unclosed = 0;
    while (i < len) {
        int block = 1;
        size_t n = 0;
        if (s[i] == '<' && len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            size_t end = 0;
            for (size_t k = i + 4; !unclosed && !end && k + 3 <= len; k++)
                if (memcmp(s + k, "-->", 3) == 0)
                    end = k + 3;
            unclosed = end == 0;
            n = end ? end - i : 4;
        } else if (s[i] == '<') {
            n = tag_length(s, len, i, &block);
        } else if (s[i] == '-' && len - i >= 3 && memcmp(s + i, "-->", 3) == 0) {
            n = 3;
        }
        if (n == 0) {
            i++;
            continue;
        }
        buf_append(out, s + run, i - run);
        if (block)
            buf_putc(out, ' ');
        i += n;
        run = i;
    }
    buf_append(out, s + run, len - run);
}

/* ---- Markdown and tables ------------------------------------------- */

/* "## Title" -> level 2 and the offset of "Title"; 0 when not a heading. */
static int heading_level(const char *s, size_t len, size_t *start)
{
    size_t i = 0;
    while (i < len && i < 3 && s[i] == ' ')
        i++;
    size_t hashes = 0;
    while (i + hashes < len && s[i + hashes] == '#')
        hashes++;
    if (hashes == 0 || hashes > 6)
        return 0;
    i += hashes;
    if (i < len && s[i] != ' ' && s[i] != '\t')
        return 0;
    *start = i;
    return (int)hashes;
}

static int is_list_item(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    if (i + 1 < len && strchr("-*+", s[i]) && s[i + 1] == ' ')
        return 1;
    size_t d = i;
    while (d < len && ascii_digit((unsigned char)s[d]))
        d++;
    return d > i && d - i <= 3 && d + 1 < len && (s[d] == '.' || s[d] == ')') &&
           s[d + 1] == ' ';
}

/* "\\*" -> "*": a backslash before ASCII punctuation goes. */
static void markdown_unescape(const char *s, size_t len, buf_t *out)
{
    size_t i = 0, run = 0;
    const char *bs;
    while (i < len && (bs = memchr(s + i, '\\', len - i)) != NULL) {
        i = (size_t)(bs - s);
        if (i + 1 < len && ascii_punct((unsigned char)s[i + 1])) {
            buf_append(out, s + run, i - run);
            run = i + 1;                    /* the escaped character starts the next run */
        }
        i += 2;
    }
    buf_append(out, s + run, len - run);
}

/* Cells of a tab-separated row, empty ones dropped, joined by " | ". */
static void join_cells(const char *s, size_t len, buf_t *out)
{
    size_t start = 0;
    buf_t cell = BUF_INIT;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '\t')
            continue;
        buf_reset(&cell);
        text_append_collapsed(&cell, s + start, i - start);
        text_trim_end(&cell);
        if (cell.len) {
            if (out->len)
                buf_append(out, " | ", 3);
            buf_append(out, cell.data, cell.len);
        }
        start = i + 1;
    }
    buf_free(&cell);
}

typedef struct clean_line {
    buf_t text;
    int heading, list_item, table_row;
} clean_line_t;

/* table_row: the line is part of a tab-separated table (see
 * text_to_lines); a lone tab in prose is just white space. */
/* 1 when "-->" occurs in s (memchr finds the candidates fast). */
static int has_comment_end(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while ((p = memchr(p, '-', (size_t)(end - p))) != NULL) {
        if (end - p >= 3 && p[1] == '-' && p[2] == '>')
            return 1;
        p++;
    }
    return 0;
}

/* A line on its way through the stages of clean_one. It points into
 * the source, or into one of two scratch buffers; a stage that would
 * change nothing (no '&', no '<', no backslash: most lines) is skipped
 * rather than copying the line. */
typedef struct stage {
    const char *s;
    size_t len;
    buf_t *spare, *in_use;
} stage_t;

/* The stage's output, written to the spare buffer, becomes the line. */
static void stage_done(stage_t *st)
{
    buf_t *out = st->spare;
    st->s = buf_str(out);
    st->len = out->len;
    st->spare = st->in_use;
    st->in_use = out;
    buf_reset(st->spare);
}

static void clean_one(const char *s, size_t len, int table_row, clean_line_t *cl,
                      buf_t scratch[2])
{
    buf_reset(&scratch[0]);
    buf_reset(&scratch[1]);
    stage_t st = { s, len, &scratch[0], &scratch[1] };
    if (memchr(st.s, '&', st.len)) {
        text_decode_entities(st.s, st.len, st.spare);
        stage_done(&st);
    }
    if (memchr(st.s, '<', st.len) || has_comment_end(st.s, st.len)) {
        strip_tags(st.s, st.len, st.spare);
        stage_done(&st);
    }
    size_t start = 0;
    cl->heading = heading_level(st.s, st.len, &start);
    cl->list_item = !cl->heading && is_list_item(st.s, st.len);
    st.s += start;
    st.len -= start;
    if (memchr(st.s, '\\', st.len)) {
        markdown_unescape(st.s, st.len, st.spare);
        stage_done(&st);
    }
    buf_reset(&cl->text);
    cl->table_row = table_row && memchr(st.s, '\t', st.len) != NULL;
    if (cl->table_row) {
        join_cells(st.s, st.len, &cl->text);
    } else {
        text_append_collapsed(&cl->text, st.s, st.len);
        text_trim_end(&cl->text);
    }
    if (cl->heading) {                       /* "## Title ##" */
        while (cl->text.len && cl->text.data[cl->text.len - 1] == '#')
            buf_truncate(&cl->text, cl->text.len - 1);
        text_trim_end(&cl->text);
    }
}

/* ---- documents ----------------------------------------------------- */

/* The first '\n' or '\r' from i, or len. */
static size_t line_end(const char *s, size_t len, size_t i)
{
    const char *nl = memchr(s + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - s) : len;
    const char *cr = memchr(s + i, '\r', e - i);
    return cr ? (size_t)(cr - s) : e;
}

static size_t skip_newline(const char *s, size_t len, size_t i)
{
    if (i < len && s[i] == '\r')
        i++;
    if (i < len && s[i] == '\n')
        i++;
    return i;
}

/* Hard-wrapped text has most lines of similar mid length running into
 * the next one, and (almost) none long. Scraped web text is the
 * opposite: one line per paragraph, many of them long. */
static int looks_hard_wrapped(const char *s, size_t len)
{
    size_t nonblank = 0, wrapped = 0, longer = 0;
    size_t i = 0;
    while (i < len) {
        size_t e = line_end(s, len, i);
        size_t next = skip_newline(s, len, e);
        int runs_on = next < len && s[next] != '\n' && s[next] != '\r';
        if (e > i) {
            nonblank++;
            size_t w = utf8_width_upto(s + i, e - i, 100);
            if (w > 100)
                longer++;
            else if (w >= 50 && runs_on)
                wrapped++;
        }
        i = next;
        if (e == len)
            break;
    }
    return nonblank >= 4 && longer * 20 < nonblank && wrapped * 2 >= nonblank;
}

void text_to_lines(const char *s, size_t len, lines_t *out)
{
    int wrapped = looks_hard_wrapped(s, len);
    clean_line_t cl = { BUF_INIT, 0, 0, 0 };
    buf_t scratch[2] = { BUF_INIT, BUF_INIT };
    buf_t para = BUF_INIT;            /* a paragraph being rejoined */
    size_t i = 0;
    int prev_tab = 0;
    while (i < len) {
        size_t e = line_end(s, len, i);
        /* A table is two or more lines with tabs in a row. */
        size_t next = skip_newline(s, len, e);
        int tab = memchr(s + i, '\t', e - i) != NULL;
        int next_tab = next < len && memchr(s + next, '\t', line_end(s, len, next) - next);
        clean_one(s + i, e - i, tab && (prev_tab || next_tab), &cl, scratch);
        prev_tab = tab;
        int joinable = wrapped && cl.text.len && !cl.heading &&
                       !cl.list_item && !cl.table_row;
        if (!joinable && para.len) {
            lines_push(out, para.data, para.len, 0, 0);
            buf_reset(&para);
        }
        if (joinable) {
            if (para.len)
                buf_putc(&para, ' ');
            buf_append(&para, cl.text.data, cl.text.len);
        } else {
            lines_push(out, buf_str(&cl.text), cl.text.len, cl.heading,
                       cl.list_item);
        }
        i = next;
        if (e == len)
            break;
    }
    if (para.len)
        lines_push(out, para.data, para.len, 0, 0);
    buf_free(&para);
    buf_free(&cl.text);
    buf_free(&scratch[0]);
    buf_free(&scratch[1]);
}

static int is_closing(uint32_t cp)
{
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' ||
           cp == 0x2019 || cp == 0x201D || cp == 0x300D || cp == 0x300F;
}

size_t text_sentence_end(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t next = utf8_next(s, len, i, &cp);
        i = next;
        if (cp != '.' && cp != '!' && cp != '?' && cp != 0x3002 &&
            cp != 0xFF01 && cp != 0xFF1F)
            continue;
        /* Look past closing quotes and brackets (말했다." counts); then a
         * space or the end must follow, which rules out 3.5 and e.g. */
        uint32_t after = ' ';
        size_t k = next, end = next;
        while (k < len) {
            k = utf8_next(s, len, k, &after);
            if (!is_closing(after))
                break;
            end = k;
            after = ' ';
        }
        if (cp_is_space(after) || cp == 0x3002)
            return end;
    }
    return 0;
}

int text_has_sentence_end(const char *s, size_t len)
{
    return text_sentence_end(s, len) != 0;
}
