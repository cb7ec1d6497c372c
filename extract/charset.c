/* charset: text-or-binary test and conversion to UTF-8 with iconv.
 * See charset.h for the detection order and why. */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uchardet/uchardet.h>

#include "common/buf.h"
#include "mojibake.h"
#include "utf8.h"

/* How far into a document we look for a <meta charset>. The HTML spec
 * says 1024 bytes; real pages put long scripts first, so look further. */
#define CHARSET_SNIFF_BYTES 8192
/* How much of an undeclared document libuchardet reads to decide. */
#define CHARSET_DETECT_BYTES 65536

typedef struct bom {
    const char *bytes;
    size_t len;
    const char *charset;
    size_t unit;        /* code unit size: how far to skip on a bad one */
} bom_t;

/* UTF-32LE before UTF-16LE: its BOM starts with the UTF-16LE one. */
static const bom_t boms[] = {
    { "\xEF\xBB\xBF", 3, "UTF-8", 1 },
    { "\xFF\xFE\x00\x00", 4, "UTF-32LE", 4 },
    { "\x00\x00\xFE\xFF", 4, "UTF-32BE", 4 },
    { "\xFF\xFE", 2, "UTF-16LE", 2 },
    { "\xFE\xFF", 2, "UTF-16BE", 2 },
};

static const bom_t *bom_of(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < sizeof(boms) / sizeof(boms[0]); i++)
        if (len >= boms[i].len && memcmp(data, boms[i].bytes, boms[i].len) == 0)
            return &boms[i];
    return NULL;
}

/* UTF-16 without a byte-order mark: text in it has a NUL in every
 * character of the Latin, digit and punctuation ranges (spaces and
 * newlines at least, in any script), always on the same side of the
 * 16-bit unit. Legacy 8-bit encodings and UTF-8 never have NULs. Returns
 * the iconv name, or NULL. */
static const char *utf16_without_bom(const uint8_t *data, size_t len)
{
    size_t n = len < CHARSET_SNIFF_BYTES ? len : CHARSET_SNIFF_BYTES;
    n &= ~(size_t)1;
    if (!memchr(data, 0, n))
        return NULL;                            /* the common case, at once */
    size_t even = 0, odd = 0;
    for (size_t i = 0; i < n; i += 2) {
        even += data[i] == 0;
        odd += data[i + 1] == 0;
    }
    /* One side in every tenth unit at least, the other side ten times less
     * (U+AC00 "가" is 0x00 0xAC: CJK text has a few NULs of its own). */
    if (n >= 4 && odd * 20 >= n && even * 10 <= odd)
        return "UTF-16LE";
    if (n >= 4 && even * 20 >= n && odd * 10 <= even)
        return "UTF-16BE";
    return NULL;
}

/* Git's rule (a NUL early on means binary) plus a share test for files
 * whose first NUL comes late or never: random bytes are ~10% control
 * bytes, text is well under 1%. Tab, newlines, form feed, ESC (ISO-2022
 * escapes) and SUB (DOS end-of-file) are ordinary in text. */
int charset_is_binary(const uint8_t *data, size_t len)
{
    const bom_t *bom = bom_of(data, len);
    if ((bom && bom->unit > 1) || utf16_without_bom(data, len))
        return 0;
    size_t suspicious = 0;
    for (size_t i = 0; i < len; i++) {
        /* Eight bytes each of which is 0x80 or above, or has its low
         * seven bits neither below 0x20 nor all set: nothing to count,
         * skip. With every high bit forced on, no subtraction borrows
         * across bytes. */
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, data + i, 8);
            const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones * 0x80;
            uint64_t x = w ^ (ones * 0x7F);
            uint64_t printable = ((w | highs) - ones * 0x20) & ((x | highs) - ones);
            if (((printable | w) & highs) == highs) {
                i += 7;
                continue;
            }
        }
        uint8_t c = data[i];
        if (c == 0 && i < CHARSET_SNIFF_BYTES)
            return 1;
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
             c != '\v' && c != 0x1B && c != 0x1A) || c == 0x7F)
            suspicious++;
    }
    return suspicious * 20 > len;
}

/* Converts with iconv, replacing each undecodable code unit by U+FFFD
 * instead of giving up: one bad byte must not cost the whole page.
 * Returns 0, or -1 when iconv does not know the encoding. */
static int iconv_lossy(const char *from, size_t unit, const uint8_t *data,
                       size_t len, buf_t *out)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return -1;
    char *in = (char *)data;   /* iconv's API is not const-correct */
    size_t in_left = len;
    char tmp[8192];
    while (in_left > 0) {
        char *o = tmp;
        size_t o_left = sizeof(tmp);
        size_t r = iconv(cd, &in, &in_left, &o, &o_left);
        buf_append(out, tmp, (size_t)(o - tmp));
        if (r != (size_t)-1 || errno == E2BIG)
            continue;
        if (errno != EILSEQ && errno != EINVAL)
            break;
        utf8_put(out, UTF8_REPLACEMENT);
        size_t skip = unit < in_left ? unit : in_left;
        in += skip;
        in_left -= skip;
        iconv(cd, NULL, NULL, NULL, NULL);   /* back to the initial state */
    }
    char *o = tmp;
    size_t o_left = sizeof(tmp);
    iconv(cd, NULL, NULL, &o, &o_left);      /* flush stateful encodings */
    buf_append(out, tmp, (size_t)(o - tmp));
    iconv_close(cd);
    return 0;
}

/* Maps a declared label to the iconv name we use for it. Like browsers,
 * Latin-1 and ASCII mean windows-1252, EUC-KR means its superset CP949,
 * GB2312 means GB18030, and a UTF-16 label on ASCII-compatible bytes is
 * a lie, read as UTF-8. Unknown labels go to iconv as written. */
static const char *charset_canonical(const char *label)
{
    static const struct { const char *label, *name; } aliases[] = {
        { "utf-8", "UTF-8" }, { "utf8", "UTF-8" }, { "utf-16", "UTF-8" },
        { "utf-16le", "UTF-8" }, { "utf-16be", "UTF-8" },
        { "unicode-1-1-utf-8", "UTF-8" },
        { "euc-kr", "CP949" }, { "euckr", "CP949" }, { "cp949", "CP949" },
        { "ks_c_5601-1987", "CP949" }, { "ks_c_5601", "CP949" },
        { "ksc5601", "CP949" }, { "ksc_5601", "CP949" }, { "korean", "CP949" },
        { "x-windows-949", "CP949" }, { "windows-949", "CP949" },
        { "uhc", "CP949" }, { "csksc56011987", "CP949" },
        { "iso-8859-1", "WINDOWS-1252" }, { "iso8859-1", "WINDOWS-1252" },
        { "latin1", "WINDOWS-1252" }, { "latin-1", "WINDOWS-1252" },
        { "us-ascii", "WINDOWS-1252" }, { "ascii", "WINDOWS-1252" },
        { "windows-1252", "WINDOWS-1252" }, { "cp1252", "WINDOWS-1252" },
        { "x-cp1252", "WINDOWS-1252" },
        { "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" },
        { "gb18030", "GB18030" }, { "euc-cn", "GB18030" },
        { "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
        { "x-sjis", "CP932" }, { "windows-31j", "CP932" }, { "cp932", "CP932" },
        { "big5", "BIG5-HKSCS" }, { "big5-hkscs", "BIG5-HKSCS" },
    };
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(label, aliases[i].label) == 0)
            return aliases[i].name;
    return NULL;
}

static const char *find_ci(const char *s, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = s; p + n <= end; p++)
        if (strncasecmp(p, needle, n) == 0)
            return p;
    return NULL;
}

/* Reads `charset = "label"` starting at p into label (lowercased). */
static int read_label(const char *p, const char *end, char *label, size_t cap)
{
    p += strlen("charset");
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p >= end || *p != '=')
        return 0;
    p++;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\''))
        p++;
    size_t n = 0;
    while (p < end && n + 1 < cap &&
           (ascii_alnum((unsigned char)*p) || strchr("-_:.", *p)))
        label[n++] = (char)ascii_lower((unsigned char)*p++);
    label[n] = '\0';
    return n > 0;
}

/* The encoding an HTML page declares in a <meta> tag (charset= in either
 * the HTML5 or the http-equiv form), or an XML prolog's encoding=. */
static int charset_declared(const uint8_t *data, size_t len, char *label,
                            size_t cap)
{
    const char *s = (const char *)data;
    const char *end = s + (len < CHARSET_SNIFF_BYTES ? len : CHARSET_SNIFF_BYTES);
    const char *p = s;
    while ((p = find_ci(p, end, "<meta")) != NULL) {
        const char *close = memchr(p, '>', (size_t)(end - p));
        const char *tag_end = close ? close : end;
        const char *cs = find_ci(p, tag_end, "charset");
        if (cs && read_label(cs, tag_end, label, cap))
            return 1;
        p = tag_end;
    }
    if (end - s > 5 && strncmp(s, "<?xml", 5) == 0) {
        const char *close = memchr(s, '>', (size_t)(end - s));
        const char *enc = find_ci(s, close ? close : end, "encoding");
        /* "encoding" is one letter longer than "charset": step back one
         * so read_label's skip lands right after the word. */
        if (enc && read_label(enc + 1, close ? close : end, label, cap))
            return 1;
    }
    return 0;
}

/* uchardet names the encodings it finds as IANA labels; the ones it
 * can report that a browser reads as a superset map to that superset
 * (charset_canonical), others go to iconv as they are. */
static const char *detected_name(const char *label, char *upper, size_t cap,
                                 int *canonical)
{
    char lower[40];
    size_t n = 0;
    for (; label[n] && n + 1 < sizeof(lower); n++)
        lower[n] = (char)ascii_lower((unsigned char)label[n]);
    lower[n] = '\0';
    const char *name = charset_canonical(lower);
    *canonical = name != NULL;
    if (name)
        return name;
    for (n = 0; label[n] && n + 1 < cap; n++)
        upper[n] = (char)(label[n] >= 'a' && label[n] <= 'z' ? label[n] - 32 : label[n]);
    upper[n] = '\0';
    return upper;
}

/* The encoding libuchardet finds in the bytes (its statistical models
 * of Korean, Japanese, Chinese, Cyrillic, Greek, Central European ...
 * text), converted into out. Returns the name used, or NULL when it
 * finds nothing or iconv cannot convert it. The first
 * CHARSET_DETECT_BYTES decide: enough text for any of its models. */
static const char *decode_detected(const uint8_t *data, size_t len, buf_t *out)
{
    uchardet_t ud = uchardet_new();
    if (!ud)
        return NULL;
    size_t n = len < CHARSET_DETECT_BYTES ? len : CHARSET_DETECT_BYTES;
    const char *name = NULL;
    char upper[40];
    int canonical = 0;
    if (uchardet_handle_data(ud, (const char *)data, n) == 0) {
        uchardet_data_end(ud);
        const char *label = uchardet_get_charset(ud);
        if (label && label[0] && strcasecmp(label, "ascii") != 0)
            name = detected_name(label, upper, sizeof(upper), &canonical);
    }
    uchardet_delete(ud);
    /* UTF-8 was ruled out before; uchardet says it of bytes it cannot
     * place, and those read best as windows-1252. */
    if (!name || strcmp(name, "UTF-8") == 0)
        return NULL;
    if (iconv_lossy(name, 1, data, len, out) != 0)
        return NULL;
    return canonical ? name : "detected";   /* static names only */
}

/* UTF-8 with some broken sequences (a file cut mid-character, a bad
 * paste) is still UTF-8: no more bad bytes than good multibyte
 * characters. Legacy encodings read as UTF-8 are mostly errors: Latin-1
 * gives almost no valid sequence, EUC-KR about one per ten characters. */
static int mostly_utf8(const uint8_t *data, size_t len)
{
    const char *s = (const char *)data;
    size_t good = 0, errors = 0, i = 0;
    while (i < len) {
        if (data[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        i = utf8_next(s, len, i, &cp);
        if (cp == UTF8_INVALID)
            errors++;
        else
            good++;
    }
    return good > 0 && errors <= good;
}

/* Decides the encoding and appends the raw conversion to out. */
static const char *decode(const uint8_t *data, size_t len, buf_t *out)
{
    const bom_t *bom = bom_of(data, len);
    if (bom) {
        if (bom->unit == 1)
            buf_append(out, data + bom->len, len - bom->len);
        else if (iconv_lossy(bom->charset, bom->unit, data + bom->len,
                             len - bom->len, out) != 0)
            buf_append(out, data, len);
        return bom->charset;
    }
    const char *utf16 = utf16_without_bom(data, len);
    if (utf16 && iconv_lossy(utf16, 2, data, len, out) == 0)
        return utf16;
    /* utf8_sanitize (in charset_to_utf8) turns the bad bytes to U+FFFD. */
    if (utf8_valid((const char *)data, len) || mostly_utf8(data, len)) {
        buf_append(out, data, len);
        return "UTF-8";
    }
    char label[40];
    int declared_utf8 = 0;
    if (charset_declared(data, len, label, sizeof(label))) {
        const char *name = charset_canonical(label);
        declared_utf8 = name && strcmp(name, "UTF-8") == 0;
        if (name && !declared_utf8 && iconv_lossy(name, 1, data, len, out) == 0)
            return name;
        /* An unlisted label: iconv may still know it (ISO-8859-2, KOI8-R). */
        for (char *p = label; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 32);
        if (!name && iconv_lossy(label, 1, data, len, out) == 0)
            return "declared";
    }
    /* Undeclared, or declared UTF-8 and not UTF-8 (Korean pages saved as
     * EUC-KR under a template that says UTF-8 are common): the bytes
     * decide. */
    const char *detected = decode_detected(data, len, out);
    if (detected)
        return detected;
    if (declared_utf8) {
        buf_append(out, data, len);
        return "UTF-8";
    }
    if (iconv_lossy("WINDOWS-1252", 1, data, len, out) == 0)
        return "WINDOWS-1252";
    buf_append(out, data, len);
    return "UTF-8";
}

char *charset_to_utf8(const uint8_t *data, size_t len, size_t *out_len,
                      const char **charset)
{
    /* Most documents are clean UTF-8 already: no byte-order mark, and
     * nothing utf8_sanitize would change. decode() takes such bytes as
     * they are, so one check and one copy do all of it. */
    if (!bom_of(data, len) && utf8_is_clean((const char *)data, len)) {
        *out_len = len;
        if (charset)
            *charset = "UTF-8";
        return xstrndup((const char *)data, len);
    }
    buf_t raw = BUF_INIT, clean = BUF_INIT, repaired = BUF_INIT;
    const char *name = decode(data, len, &raw);
    /* Text encoded twice ("â" and two C1 controls for ’) is put back
     * before the controls go (extract/mojibake.c). */
    if (mojibake_repair(buf_str(&raw), raw.len, &repaired)) {
        buf_free(&raw);
        raw = repaired;
    }
    /* One sanitising pass whatever the route: this is where "valid UTF-8,
     * no NUL" becomes true for everything downstream. */
    utf8_sanitize(buf_str(&raw), raw.len, &clean);
    buf_free(&raw);
    size_t skip = 0;
    if (clean.len >= 3 && memcmp(clean.data, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;                            /* a BOM that iconv kept */
    char *s = buf_detach(&clean);
    if (skip)
        memmove(s, s + skip, strlen(s + skip) + 1);
    *out_len = strlen(s);
    if (charset)
        *charset = name;
    return s;
}
