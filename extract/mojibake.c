/* mojibake: UTF-8 text that was decoded as Latin-1 once too often, put
 * back.
 *
 * A page saved by a tool that read its UTF-8 bytes as Latin-1 and wrote
 * them out as UTF-8 again carries every non-ASCII character twice
 * encoded: ’ (E2 80 99) became the three characters U+00E2 U+0080
 * U+0099, "â" and two invisible C1 controls; ® (C2 AE) became "Â®". The
 * page is valid UTF-8, says so, and reads as garbage: "Investorâs",
 * "itertools â Functions", words split where the controls were.
 *
 * Such a character is, in bytes, C3 xx (U+00C2..U+00F4, a UTF-8 lead
 * byte read as Latin-1) followed by as many C2 yy (U+0080..U+00BF, the
 * continuation bytes) as that lead byte announces, and the bytes lead,
 * yy... decode as one valid character. Ordinary text can hold such a
 * pair ("Ã©" is rare but possible), never a C1 control: those have no
 * glyph and no use in a web page's text. So a document is repaired only
 * when one of its twice-encoded characters has a C1 control in it, and
 * then all of them are, the ones without a control ("Â®", "Ã©") too,
 * since the whole document went through the same tool.
 *
 * The other common kind, read as windows-1252 ("â€™", with € and ™ for
 * the bytes 80 and 99), is not repaired: its signs are printable and
 * mean something in real text. */
#include "mojibake.h"

#include <stdint.h>

#include "utf8.h"

/* The length in bytes of the twice-encoded character at s[i] (4, 6 or
 * 8), its bytes once encoded in once[] (*n of them), and in *c1 whether
 * a continuation was a C1 control; 0 when there is none at i. */
static size_t twice_encoded(const unsigned char *s, size_t len, size_t i, unsigned char once[4],
                            size_t *n, int *c1)
{
    if (i + 1 >= len || s[i] != 0xC3 || s[i + 1] < 0x82 || s[i + 1] > 0xB4)
        return 0;
    unsigned char lead = (unsigned char)(s[i + 1] + 0x40);   /* C2..F4 */
    size_t follow = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
    if (i + 2 + 2 * follow > len)
        return 0;
    once[0] = lead;
    *c1 = 0;
    for (size_t k = 0; k < follow; k++) {
        unsigned char a = s[i + 2 + 2 * k], b = s[i + 3 + 2 * k];
        if (a != 0xC2 || b < 0x80 || b > 0xBF)
            return 0;
        once[1 + k] = b;
        *c1 |= b <= 0x9F;
    }
    *n = 1 + follow;
    /* Not every such byte string is a character: overlong forms,
     * surrogates and code points past U+10FFFF are not. */
    uint32_t cp;
    if (utf8_next((const char *)once, *n, 0, &cp) != *n || cp == UTF8_INVALID)
        return 0;
    return 2 + 2 * follow;
}

int mojibake_repair(const char *text, size_t len, buf_t *out)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char once[4];
    size_t n;
    int c1, sure = 0;
    for (size_t i = 0; i < len && !sure; i++) {
        size_t at = twice_encoded(s, len, i, once, &n, &c1);
        sure = at && c1;
    }
    if (!sure)
        return 0;
    buf_reset(out);
    for (size_t i = 0; i < len;) {
        size_t at = twice_encoded(s, len, i, once, &n, &c1);
        if (at) {
            buf_append(out, once, n);
            i += at;
        } else {
            buf_putc(out, (char)s[i]);
            i++;
        }
    }
    return 1;
}
