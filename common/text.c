/* text: UTF-8 validity and printable byte strings. See text.h. */
#include "text.h"

#include <stdint.h>
#include <string.h>

#include "utf8_scan.h"

/* Length of the valid UTF-8 sequence starting at p[0] (at most n bytes
 * available), or 0 when it is not one. NUL counts as invalid here. */
static size_t sequence_length(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    size_t more;                     /* continuation bytes */
    unsigned lo = 0x80, hi = 0xbf;   /* range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        more = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        more = 2;
        if (c == 0xe0)
            lo = 0xa0;               /* overlong */
        if (c == 0xed)
            hi = 0x9f;               /* UTF-16 surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        more = 3;
        if (c == 0xf0)
            lo = 0x90;               /* overlong */
        if (c == 0xf4)
            hi = 0x8f;               /* past U+10FFFF */
    } else {
        return 0;
    }
    if (n - 1 < more || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k <= more; k++)
        if (p[k] < 0x80 || p[k] > 0xbf)
            return 0;
    return more + 1;
}

/* Every record's texts are checked at each hop (the extraction child's
 * encoder, the sink's decoder), so this is on the path of every
 * document: utf8_scan looks sixteen bytes at a time first. Only a
 * string it cannot vouch for (an error, a NUL, a short one, a CPU
 * without SSSE3) is looked at here, where ASCII goes eight bytes at a
 * time, and the three-byte sequences of Hangul and CJK that need no
 * range check on their second byte (leads E1-EC, EE, EF) one test each;
 * everything else takes sequence_length, the reference. */
const char *text_utf8_problem(const char *s, size_t len)
{
    if (utf8_scan_clean(s, len, UTF8_SCAN_NUL))
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, sizeof w);
            /* A byte of 0x80 and up, or a zero byte (the classic test:
             * only a zero byte borrows into its own top bit). */
            if ((w & 0x8080808080808080ULL)
                || ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned c = p[i];
        if (c == 0)
            return "contains a NUL byte";
        if (c < 0x80) {
            i++;
            continue;
        }
        if (((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) && len - i >= 3
            && (p[i + 1] & 0xc0) == 0x80 && (p[i + 2] & 0xc0) == 0x80) {
            i += 3;
            continue;
        }
        size_t n = sequence_length(p + i, len - i);
        if (!n)
            return "not valid UTF-8";
        i += n;
    }
    return NULL;
}

int text_is_utf8(const char *s)
{
    return text_utf8_problem(s, strlen(s)) == NULL;
}

void text_put_printable(buf_t *out, const char *s)
{
    size_t len = strlen(s);
    if (!text_utf8_problem(s, len)) {
        buf_append(out, s, len);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; ) {
        size_t n = sequence_length(p + i, len - i);
        if (n == 1 && p[i] == '\\') {
            buf_puts(out, "\\\\");
        } else if (n) {
            buf_append(out, p + i, n);
        } else {
            char esc[4] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };
            buf_append(out, esc, sizeof esc);
            n = 1;
        }
        i += n;
    }
}

char *text_printable(const char *s)
{
    buf_t out = BUF_INIT;
    text_put_printable(&out, s);
    return buf_detach(&out);
}
