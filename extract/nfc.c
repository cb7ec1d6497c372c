/* nfc: canonical composition with libutf8proc. See nfc.h.
 *
 * Every code point below U+0300 is its own NFC form and composes with
 * nothing before it (the first combining marks start there), so text
 * whose bytes are all below 0xCC (U+0300 is 0xCC 0x80 in UTF-8) is
 * already NFC: most Latin-script pages skip the library entirely. */
#include "nfc.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* 1 when no byte can start a code point at or above U+0300. */
static int below_combining(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0xCC)
            return 0;
    return 1;
}

void nfc_normalise(char **s, size_t *len)
{
    if (!*s)
        return;
    size_t n = len ? *len : strlen(*s);
    if (below_combining(*s, n))
        return;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)*s, (utf8proc_ssize_t)n, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    /* Only invalid UTF-8 (never given here) or no memory fail: keep the
     * text as it is rather than lose it. */
    if (m < 0 || !out) {
        free(out);
        return;
    }
    if ((size_t)m == n && memcmp(out, *s, n) == 0) {
        free(out);
        return;
    }
    free(*s);
    *s = (char *)out;
    if (len)
        *len = (size_t)m;
}
