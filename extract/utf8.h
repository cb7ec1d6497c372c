/* utf8: the small UTF-8 and code point helpers extraction is built on.
 *
 * Every string extraction produces goes through utf8_next, so a strict
 * decoder here (no overlongs, no surrogates, nothing above U+10FFFF) is
 * what lets the record promise valid UTF-8 whatever the input bytes.
 * Character classes are coarse range tables, not full Unicode data:
 * enough to tell letters from punctuation and one script from another. */
#ifndef FEEDMILL_EXTRACT_UTF8_H
#define FEEDMILL_EXTRACT_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define UTF8_REPLACEMENT 0xFFFDu
/* What utf8_next yields for bytes that are not UTF-8: no code point, so
 * no character class claims it, and utf8_put writes it as U+FFFD. */
#define UTF8_INVALID 0x110000u

/* Decodes the code point at s[i] (i < len) into *cp and returns the index
 * just after it. An invalid or truncated sequence yields UTF8_INVALID and
 * consumes its maximal valid prefix, at least one byte (the Unicode
 * "maximal subpart" practice, as browsers do: one U+FFFD for a character
 * cut short, not one per byte). */
static inline size_t utf8_next(const char *s, size_t len, size_t i, uint32_t *cp);
/* The strict decoder itself; utf8_next calls it for everything but the
 * common well-formed cases. */
size_t utf8_next_strict(const char *s, size_t len, size_t i, uint32_t *cp);

/* Index of the start of the code point that ends just before s[i]. */
size_t utf8_prev(const char *s, size_t i);

/* Appends cp encoded as UTF-8 (invalid code points become U+FFFD). */
void utf8_put(buf_t *out, uint32_t cp);
/* The same bytes into out; returns how many (1 to 4). */
size_t utf8_encode(uint32_t cp, char out[4]);

/* 1 when s[0..len) is entirely valid UTF-8. */
int utf8_valid(const char *s, size_t len);

/* Appends s as valid UTF-8: invalid sequences become U+FFFD, NUL and
 * other control characters except tab and newlines are dropped. */
void utf8_sanitize(const char *s, size_t len, buf_t *out);
/* 1 when utf8_sanitize would copy s unchanged: valid UTF-8 without NUL,
 * C0 controls other than tab and newlines, DEL or C1 controls. */
int utf8_is_clean(const char *s, size_t len);

/* Number of code points in s[0..len). */
size_t utf8_count(const char *s, size_t len);

typedef enum script {
    SCRIPT_OTHER = 0,   /* digits, punctuation, symbols, unknown */
    SCRIPT_LATIN,
    SCRIPT_HANGUL,
    SCRIPT_HAN,
    SCRIPT_KANA,
    SCRIPT_CYRILLIC,
    SCRIPT_GREEK,
    SCRIPT_ARABIC,
    SCRIPT_HEBREW,
    SCRIPT_THAI,
    SCRIPT_DEVANAGARI,
    SCRIPT_COUNT
} script_t;

static inline script_t cp_script(uint32_t cp);
static inline int cp_is_space(uint32_t cp);     /* white space, including NBSP, U+3000 */
static inline int cp_is_invisible(uint32_t cp);  /* zero-width characters, soft hyphen */
static inline int cp_is_digit(uint32_t cp);     /* ASCII and full-width digits */
static inline int cp_is_letter(uint32_t cp);    /* letters and combining marks, roughly */
static inline int cp_is_hangul(uint32_t cp);    /* precomposed Hangul syllable */
uint32_t cp_lower(uint32_t cp);    /* Latin, Greek, Cyrillic; others as is */
static inline int cp_width(uint32_t cp);        /* 2 for wide (CJK, Hangul), else 1 */

/* The full range tables behind the inline classes below, which answer
 * ASCII and Hangul syllables (most of what feedmill reads) themselves. */
script_t cp_script_table(uint32_t cp);
int cp_is_space_table(uint32_t cp);
int cp_is_letter_table(uint32_t cp);
int cp_width_table(uint32_t cp);

/* Display width of a string: a Hangul line of 10 syllables is as "long"
 * as a Latin line of 20 letters, which keeps length rules script-fair. */
size_t utf8_width(const char *s, size_t len);
/* 1 when utf8_width(s, len) <= max. Reads no further than it must: a
 * long paragraph is over a short limit after max characters. */
int utf8_width_within(const char *s, size_t len, size_t max);
/* utf8_width(s, len) when it is at most max, else some value above max
 * (found without reading the rest). */
size_t utf8_width_upto(const char *s, size_t len, size_t max);

/* ---- inline fast paths ---------------------------------------------
 * Every pass over a body calls these once a character, so the common
 * cases are decided here without a call: ASCII, and well-formed two- and
 * three-byte sequences (all of Hangul, CJK and the punctuation blocks).
 * Anything else, every error included, goes to the out-of-line code,
 * which alone defines the answers: the fast paths must agree with it
 * (test_extract checks them against each other over all code points). */

static inline size_t utf8_next(const char *str, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[i];
    if (c < 0x80) {
        *cp = c;
        return i + 1;
    }
    if (c >= 0xE1 && c <= 0xEF && len - i >= 3) {
        unsigned char b1 = s[i + 1], b2 = s[i + 2];
        /* ED A0-BF would be a UTF-16 surrogate: left to the strict path. */
        if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && (c != 0xED || b1 < 0xA0)) {
            *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(b1 & 0x3F) << 6) | (b2 & 0x3Fu);
            return i + 3;
        }
    } else if (c >= 0xC2 && c <= 0xDF && len - i >= 2 && (s[i + 1] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(c & 0x1F) << 6) | (s[i + 1] & 0x3Fu);
        return i + 2;
    }
    return utf8_next_strict(str, len, i, cp);
}

static inline int cp_is_hangul(uint32_t cp)
{
    return cp >= 0xAC00 && cp <= 0xD7A3;
}

/* 1 when a Hangul syllable starts at s[i] (i < len): three bytes, a
 * letter, wide, stable under NFC, no space. Loops over Korean text
 * take these whole before decoding anything else. */
static inline int utf8_hangul_at(const char *s, size_t len, size_t i)
{
    const unsigned char *p = (const unsigned char *)s + i;
    if (len - i < 3 || p[0] < 0xEA || p[0] > 0xED || (p[1] & 0xC0) != 0x80 ||
        (p[2] & 0xC0) != 0x80)
        return 0;
    return cp_is_hangul(((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
                        (p[2] & 0x3Fu));
}

/* The end of the run of Hangul syllables that starts at s[i] (i itself
 * when none does): a Korean word, taken in one tight loop. */
static inline size_t utf8_hangul_run(const char *s, size_t len, size_t i)
{
    while (i < len && utf8_hangul_at(s, len, i))
        i += 3;
    return i;
}

static inline int cp_is_digit(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

static inline int cp_is_space(uint32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= '\t' && cp <= '\r');
    if (cp > 0x3000)                   /* U+3000 is the last space */
        return 0;
    return cp_is_space_table(cp);
}

static inline int cp_is_invisible(uint32_t cp)
{
    return cp == 0xAD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 ||
           cp == 0xFEFF;
}

static inline int cp_is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    if (cp_is_hangul(cp))
        return 1;
    return cp_is_letter_table(cp);
}

static inline script_t cp_script(uint32_t cp)
{
    if (cp < 0x80)
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? SCRIPT_LATIN : SCRIPT_OTHER;
    if (cp_is_hangul(cp))
        return SCRIPT_HANGUL;
    return cp_script_table(cp);
}

static inline int cp_width(uint32_t cp)
{
    if (cp < 0x1100)
        return 1;
    if (cp_is_hangul(cp))
        return 2;
    return cp_width_table(cp);
}

/* ASCII-only character tests. <ctype.h> follows the locale, and under a
 * Latin-1 locale it would call UTF-8 lead bytes letters. */
static inline int ascii_digit(int c) { return c >= '0' && c <= '9'; }
static inline int ascii_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int ascii_alnum(int c) { return ascii_digit(c) || ascii_alpha(c); }
static inline int ascii_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int ascii_lower(int c) { return ascii_upper(c) ? c + 32 : c; }
static inline int ascii_xdigit(int c)
{
    return ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int ascii_punct(int c)
{
    return c > 0x20 && c < 0x7F && !ascii_alnum(c);
}

#endif
