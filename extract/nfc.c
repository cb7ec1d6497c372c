/* nfc: canonical composition with libutf8proc. See nfc.h.
 *
 * Most text cannot change: code points below U+0300 (bytes below 0xCC
 * start nothing higher), and higher ones that have no decomposition and
 * combine with nothing. A quick check over the properties utf8proc keeps
 * (no allocation) lets such text skip the library's decompose-recompose
 * round trip, which is most of the cost. */
#include "nfc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "utf8.h"

/* 1 when the code point is NFC whatever surrounds it: it has no
 * canonical decomposition, combines with nothing (a mark, a conjoining
 * jamo, a second of a composition pair) and is not a Hangul syllable
 * that a trailing jamo could extend. Curly quotes, dashes, CJK
 * ideographs, kana are; most of the text past U+0300 is. A compatibility
 * decomposition alone (…, ①, ⓒ, full-width forms: decomp_type set) is
 * no canonical one: NFC keeps such a character, as utf8proc does
 * without UTF8PROC_COMPAT. */
static int stable(uint32_t cp)
{
    if (cp < 0x300)
        return 1;
    if (cp >= 0xAC00 && cp <= 0xD7A3)
        return 1;                   /* a following jamo is caught as unstable */
    if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) ||
        (cp >= 0xD7B0 && cp <= 0xD7FF))
        return 0;                   /* conjoining jamo compose algorithmically */
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    int canonical_decomposition = p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0;
    return p->combining_class == 0 && !canonical_decomposition &&
           p->comb_index == UINT16_MAX && !p->comp_exclusion;
}

/* stable() of every code point of the Basic Multilingual Plane, a block
 * of 256 at a time, worked out the first time a text needs the block:
 * punctuation (“ ” … ·) fills Korean text, and asking utf8proc about
 * each one each time was most of the check. */
static uint64_t stable_bits[256][4];
static atomic_uchar stable_block_ready[256];
static pthread_mutex_t stable_lock = PTHREAD_MUTEX_INITIALIZER;

static int stable_cached(uint32_t cp)
{
    if (cp > 0xFFFF)
        return stable(cp);
    size_t block = cp >> 8;
    if (!atomic_load_explicit(&stable_block_ready[block], memory_order_acquire)) {
        pthread_mutex_lock(&stable_lock);
        if (!atomic_load_explicit(&stable_block_ready[block], memory_order_relaxed)) {
            for (uint32_t k = 0; k < 256; k++)
                if (stable((uint32_t)(block << 8) | k))
                    stable_bits[block][k / 64] |= (uint64_t)1 << (k % 64);
            atomic_store_explicit(&stable_block_ready[block], 1, memory_order_release);
        }
        pthread_mutex_unlock(&stable_lock);
    }
    return (int)(stable_bits[block][(cp & 0xFF) / 64] >> (cp % 64) & 1);
}

/* 1 when composing s cannot change it: every code point is stable. */
static int already_nfc(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0xCC) {      /* below U+0300, or a continuation */
            i++;
            continue;
        }
        size_t run = utf8_hangul_run(s, len, i);
        if (run > i) {                         /* stable() says so of every one */
            i = run;
            continue;
        }
        uint32_t cp;
        i = utf8_next(s, len, i, &cp);
        if (cp == UTF8_INVALID || !stable_cached(cp))
            return 0;
    }
    return 1;
}

void nfc_normalise(char **s, size_t *len)
{
    if (!*s)
        return;
    size_t n = len ? *len : strlen(*s);
    if (already_nfc(*s, n))
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
