/* utf8: strict decoding, encoding and coarse character classes.
 * See utf8.h. The range tables favour being right about the scripts
 * feedmill meets (Korean, CJK, European) over completeness. */
#include "utf8.h"

#include <string.h>

#include "common/utf8_scan.h"

size_t utf8_next_strict(const char *str, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[i];
    if (c < 0x80) {
        *cp = c;
        return i + 1;
    }
    size_t need;
    uint32_t v;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1, v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, v = c & 0x07;
    } else {
        *cp = UTF8_INVALID;                 /* 80-C1, F5-FF never lead */
        return i + 1;
    }
    size_t k;
    for (k = 1; k <= need && i + k < len; k++) {
        /* The second byte's range rules out overlong forms (E0, F0),
         * UTF-16 surrogates (ED) and values past U+10FFFF (F4). */
        unsigned char lo = 0x80, hi = 0xBF, t = s[i + k];
        if (k == 1) {
            if (c == 0xE0) lo = 0xA0;
            else if (c == 0xED) hi = 0x9F;
            else if (c == 0xF0) lo = 0x90;
            else if (c == 0xF4) hi = 0x8F;
        }
        if (t < lo || t > hi)
            break;
        v = (v << 6) | (t & 0x3F);
    }
    if (k <= need) {
        *cp = UTF8_INVALID;                 /* the maximal valid prefix */
        return i + k;
    }
    *cp = v;
    return i + k;
}

size_t utf8_prev(const char *s, size_t i)
{
    size_t k = i;
    while (k > 0 && i - k < 4) {
        k--;
        if (((unsigned char)s[k] & 0xC0) != 0x80)
            return k;
    }
    return i ? i - 1 : 0;
}

size_t utf8_encode(uint32_t cp, char b[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = UTF8_REPLACEMENT;
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void utf8_put(buf_t *out, uint32_t cp)
{
    char b[4];
    size_t n = utf8_encode(cp, b);
    buf_append(out, b, n);
}

/* Eight bytes at a time: whether they are all plain printable ASCII
 * (0x20-0x7E), the common case these whole-document passes skip. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static int printable_ascii8(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    uint64_t below_space = (w - ONES * 0x20) & ~w;      /* high bit: byte < 0x20 */
    uint64_t x = w ^ (ONES * 0x7F);
    uint64_t del = (x - ONES) & ~x;                      /* high bit: byte == 0x7F */
    return ((w | below_space | del) & HIGHS) == 0;
}

int utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            if (i + 8 <= len && printable_ascii8(s + i))
                i += 8;
            else
                i++;
            continue;
        }
        uint32_t cp;
        i = utf8_next(s, len, i, &cp);
        if (cp == UTF8_INVALID)
            return 0;
    }
    return 1;
}

/* Only what changes is written apart: runs of kept bytes (printable
 * ASCII, tab and newlines, valid characters that are no C1 control) are
 * copied whole. */
void utf8_sanitize(const char *s, size_t len, buf_t *out)
{
    size_t i = 0, run = 0;   /* run: start of pending kept bytes */
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && i + 8 <= len && printable_ascii8(s + i)) {
            i += 8;
            continue;
        }
        if ((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            uint32_t cp;
            size_t next = utf8_next(s, len, i, &cp);
            if (cp != UTF8_INVALID && !(cp >= 0x80 && cp < 0xA0)) {
                i = next;
                continue;
            }
            buf_append(out, s + run, i - run);
            if (cp == UTF8_INVALID)
                utf8_put(out, UTF8_REPLACEMENT);
            i = next;                     /* C1 controls: never text */
        } else {
            buf_append(out, s + run, i - run);
            if (c == '\f' || c == '\v')
                buf_putc(out, '\n');
            i++;                          /* NUL, other C0 controls, DEL */
        }
        run = i;
    }
    buf_append(out, s + run, i - run);
}

int utf8_is_clean(const char *s, size_t len)
{
    if (utf8_scan_clean(s, len, UTF8_SCAN_CONTROLS))
        return 1;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (i + 8 <= len && printable_ascii8(s + i)) {
                i += 8;
                continue;
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                return 0;
            i++;
            continue;
        }
        size_t run = utf8_hangul_run(s, len, i);
        if (run > i) {
            i = run;
            continue;
        }
        uint32_t cp;
        i = utf8_next(s, len, i, &cp);
        if (cp == UTF8_INVALID || (cp >= 0x80 && cp < 0xA0))
            return 0;
    }
    return 1;
}

size_t utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

script_t cp_script_table(uint32_t cp)
{
    if (cp < 0x80)
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? SCRIPT_LATIN
                                                           : SCRIPT_OTHER;
    if (!cp_is_letter(cp))
        return SCRIPT_OTHER;
    if (cp < 0x2B0 || (cp >= 0x1E00 && cp <= 0x1EFF) ||
        (cp >= 0xFF21 && cp <= 0xFF5A))
        return SCRIPT_LATIN;
    if ((cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x1F00 && cp <= 0x1FFF))
        return SCRIPT_GREEK;
    if (cp >= 0x400 && cp <= 0x52F)
        return SCRIPT_CYRILLIC;
    if (cp >= 0x590 && cp <= 0x5FF)
        return SCRIPT_HEBREW;
    if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F) ||
        (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF))
        return SCRIPT_ARABIC;
    if (cp >= 0x900 && cp <= 0x97F)
        return SCRIPT_DEVANAGARI;
    if (cp >= 0xE00 && cp <= 0xE7F)
        return SCRIPT_THAI;
    if (cp_is_hangul(cp) || (cp >= 0x1100 && cp <= 0x11FF) ||
        (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0xA960 && cp <= 0xA97F) ||
        (cp >= 0xD7B0 && cp <= 0xD7FF))
        return SCRIPT_HANGUL;
    if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
        (cp >= 0xFF66 && cp <= 0xFF9F))
        return SCRIPT_KANA;
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF) ||
        (cp >= 0x3005 && cp <= 0x3007))
        return SCRIPT_HAN;
    return SCRIPT_OTHER;
}

int cp_is_space_table(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 ||
           cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

/* Everything from U+00C0 up counts as a letter except the punctuation,
 * symbol, private-use and emoji blocks listed here: a short deny list is
 * far smaller than an allow list of every alphabet. */
int cp_is_letter_table(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    if (cp < 0xC0)
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    if (cp == 0xD7 || cp == 0xF7 || cp == 0x37E || cp == 0x387)
        return 0;
    if ((cp >= 0x55A && cp <= 0x55F) || cp == 0x589 || cp == 0x5BE ||
        cp == 0x5C0 || cp == 0x5C3 || cp == 0x5C6 || cp == 0x5F3 ||
        cp == 0x5F4)
        return 0;
    if ((cp >= 0x600 && cp <= 0x60F) || (cp >= 0x61B && cp <= 0x61F) ||
        (cp >= 0x66A && cp <= 0x66D) || cp == 0x6D4)
        return 0;
    if (cp == 0x964 || cp == 0x965 || cp == 0x970 || cp == 0xE3F ||
        cp == 0xE4F || cp == 0xE5A || cp == 0xE5B)
        return 0;
    if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x2E00 && cp <= 0x2E7F))
        return 0;
    if (cp >= 0x3000 && cp <= 0x303F)
        return cp >= 0x3005 && cp <= 0x3007;
    if (cp == 0x30FB || (cp >= 0x3200 && cp <= 0x33FF) || cp == 0xA78F)
        return 0;
    if ((cp >= 0xD800 && cp <= 0xF8FF) || (cp >= 0xFE10 && cp <= 0xFE1F) ||
        (cp >= 0xFE30 && cp <= 0xFE6F))
        return 0;
    if ((cp >= 0xFF00 && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
        (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0xFFE0 && cp <= 0xFFFF))
        return 0;
    if (cp >= 0x1F000 && cp <= 0x1FBFF)
        return 0;
    return cp < 0xE0000;
}

uint32_t cp_lower(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177) ||
        (cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF))
        return (cp % 2 == 0) ? cp + 1 : cp;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp % 2 == 1) ? cp + 1 : cp;
    if (cp == 0x178)
        return 0xFF;
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
        return cp + 32;
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 32;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 80;
    if (cp >= 0xFF21 && cp <= 0xFF3A)
        return cp + 32;
    return cp;
}

int cp_width_table(uint32_t cp)
{
    if ((cp >= 0x1100 && cp <= 0x115F) ||
        (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

/* The width of s, read until it passes max. ASCII and Hangul (the bulk
 * of feedmill's text) are measured without decoding. */
static size_t width_until(const char *s, size_t len, size_t max)
{
    size_t w = 0, i = 0;
    while (i < len && w <= max) {
        if ((unsigned char)s[i] < 0x80) {
            w++;
            i++;
        } else if (utf8_hangul_at(s, len, i)) {
            size_t run = utf8_hangul_run(s, len, i);
            w += (run - i) / 3 * 2;         /* may pass max: then any value over it will do */
            i = run;
        } else {
            uint32_t cp;
            i = utf8_next(s, len, i, &cp);
            w += (size_t)cp_width(cp);
        }
    }
    return w;
}

size_t utf8_width_upto(const char *s, size_t len, size_t max)
{
    /* Every character is one to four bytes long and one or two columns
     * wide: the length alone often decides. */
    if (len / 4 > max)
        return len / 4;
    return width_until(s, len, max);
}

int utf8_width_within(const char *s, size_t len, size_t max)
{
    return len <= max || utf8_width_upto(s, len, max) <= max;
}

size_t utf8_width(const char *s, size_t len)
{
    return width_until(s, len, SIZE_MAX);
}
