/* utf8_scan: well-formed UTF-8, sixteen bytes at a time. See utf8_scan.h.
 *
 * The method is the "lookup" algorithm of Keiser and Lemire, "Validating
 * UTF-8 in less than one instruction per byte" (Software: Practice and
 * Experience, 2021). Every error of UTF-8 shows in two consecutive bytes
 * but one: a lead byte's high nibble, its low nibble and the next byte's
 * high nibble each select, from a table of 16, the set of errors that
 * nibble allows (one bit an error), and the three sets are ANDed: a bit
 * left is an error of that pair. The one error two bytes cannot show is
 * a missing or extra third or fourth byte: the pair check flags every
 * continuation byte that follows a continuation (TWO_CONTS), and such a
 * byte must follow a three-byte lead two bytes back or a four-byte lead
 * three back; the two must agree (XOR). A sequence cut by the end of the
 * string shows against the padding of the last block, or, when the
 * string ends on a block, in the last three bytes (incomplete).
 *
 * Only a "yes" is trusted: on any error or forbidden byte the caller
 * looks byte by byte, so this module never has to say what was wrong.
 * test_common checks it both ways against a reference of its own over
 * every sequence of up to three bytes (four from the leads F0 up) where
 * blocks meet and at the end, and over random strings; fuzz_extract
 * checks each "yes" on every input it makes. */
#include "utf8_scan.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>

#define TARGET __attribute__((target("ssse3")))

/* The errors of a pair of bytes: one bit each. */
enum {
    TOO_SHORT = 1 << 0,      /* a lead, then no continuation */
    TOO_LONG = 1 << 1,       /* ASCII, then a continuation */
    OVERLONG_3 = 1 << 2,     /* E0 80-9F */
    TOO_LARGE = 1 << 3,      /* F4 90-BF, F5-FF */
    SURROGATE = 1 << 4,      /* ED A0-BF */
    OVERLONG_2 = 1 << 5,     /* C0-C1 */
    TOO_LARGE_1000 = 1 << 6, /* F5-FF 80-8F */
    OVERLONG_4 = 1 << 6,     /* F0 80-8F */
    TWO_CONTS = 1 << 7,      /* a continuation after a continuation */
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

/* The errors the first byte's high nibble allows. */
static const signed char first_high[16] = {
    /* 0_______: ASCII */
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
    /* 10______: a continuation */
    TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
    /* 1100____, 1101____: a two-byte lead */
    TOO_SHORT | OVERLONG_2, TOO_SHORT,
    /* 1110____: a three-byte lead */
    TOO_SHORT | OVERLONG_3 | SURROGATE,
    /* 1111____: a four-byte lead, or worse */
    (signed char)(TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4),
};

/* The errors the first byte's low nibble allows. */
static const signed char first_low[16] = {
    (signed char)(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4), /* ____0000 */
    (signed char)(CARRY | OVERLONG_2),                          /* ____0001 */
    (signed char)CARRY, (signed char)CARRY,                     /* ____001_ */
    (signed char)(CARRY | TOO_LARGE),                           /* ____0100 */
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),          /* ____0101 and up */
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE), /* ____1101 */
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (signed char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
};

/* The errors the second byte's high nibble allows. */
static const signed char second_high[16] = {
    /* 0_______: ASCII */
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    /* 1000____ */
    (signed char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4),
    /* 1001____ */
    (signed char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),
    /* 101_____ */
    (signed char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
    (signed char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
    /* 11______: a lead */
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
};

typedef struct scan {
    __m128i prev;        /* the block before, zeros at first */
    __m128i incomplete;  /* nonzero: the block before ended inside a sequence */
    __m128i error;       /* any bit: malformed, or a forbidden byte */
} scan_t;

TARGET static __m128i nibble_high(__m128i v)
{
    return _mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0f));
}

/* 0xff where a byte of v is at most max (unsigned), 0 elsewhere. */
TARGET static __m128i at_most(__m128i v, unsigned char max)
{
    return _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8((char)max)), v);
}

TARGET static void scan_block(scan_t *s, __m128i in, unsigned forbid)
{
    __m128i prev1 = _mm_alignr_epi8(in, s->prev, 15);
    if (forbid & UTF8_SCAN_CONTROLS) {
        __m128i allowed = _mm_or_si128(_mm_cmpeq_epi8(in, _mm_set1_epi8('\t')),
                                       _mm_or_si128(_mm_cmpeq_epi8(in, _mm_set1_epi8('\n')),
                                                    _mm_cmpeq_epi8(in, _mm_set1_epi8('\r'))));
        __m128i c0 = _mm_andnot_si128(allowed, at_most(in, 0x1f));
        __m128i del = _mm_cmpeq_epi8(in, _mm_set1_epi8(0x7f));
        /* U+0080 to U+009F are C2 80 to C2 9F. */
        __m128i c1 = _mm_and_si128(_mm_cmpeq_epi8(prev1, _mm_set1_epi8((char)0xc2)),
                                   at_most(in, 0x9f));
        s->error = _mm_or_si128(s->error, _mm_or_si128(c0, _mm_or_si128(del, c1)));
    } else if (forbid & UTF8_SCAN_NUL) {
        s->error = _mm_or_si128(s->error, _mm_cmpeq_epi8(in, _mm_setzero_si128()));
    }
    if (_mm_movemask_epi8(in) == 0) {
        /* ASCII: only a sequence the block before left open is wrong. */
        s->error = _mm_or_si128(s->error, s->incomplete);
        s->incomplete = _mm_setzero_si128();
        s->prev = in;
        return;
    }
    const __m128i t1h = _mm_loadu_si128((const __m128i *)first_high);
    const __m128i t1l = _mm_loadu_si128((const __m128i *)first_low);
    const __m128i t2h = _mm_loadu_si128((const __m128i *)second_high);
    __m128i pair = _mm_and_si128(
        _mm_and_si128(_mm_shuffle_epi8(t1h, nibble_high(prev1)),
                      _mm_shuffle_epi8(t1l, _mm_and_si128(prev1, _mm_set1_epi8(0x0f)))),
        _mm_shuffle_epi8(t2h, nibble_high(in)));
    /* A third byte (a lead of E0 and up two back) or a fourth (F0 and up
     * three back) must be a continuation after a continuation. */
    __m128i prev2 = _mm_alignr_epi8(in, s->prev, 14);
    __m128i prev3 = _mm_alignr_epi8(in, s->prev, 13);
    __m128i must = _mm_or_si128(_mm_subs_epu8(prev2, _mm_set1_epi8((char)(0xe0 - 0x80))),
                                _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xf0 - 0x80))));
    must = _mm_and_si128(must, _mm_set1_epi8((char)0x80));
    s->error = _mm_or_si128(s->error, _mm_xor_si128(must, pair));
    /* A lead in the last byte, a three- or four-byte lead in the one
     * before, a four-byte lead in the one before that: the sequence goes
     * on in the next block. */
    s->incomplete = _mm_subs_epu8(in, _mm_setr_epi8((char)0xff, (char)0xff, (char)0xff,
                                                    (char)0xff, (char)0xff, (char)0xff,
                                                    (char)0xff, (char)0xff, (char)0xff,
                                                    (char)0xff, (char)0xff, (char)0xff,
                                                    (char)0xff, (char)(0xf0 - 1),
                                                    (char)(0xe0 - 1), (char)(0xc0 - 1)));
    s->prev = in;
}

TARGET static int scan_ssse3(const char *p, size_t len, unsigned forbid)
{
    scan_t s = { _mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128() };
    size_t i = 0;
    for (; len - i >= 16; i += 16)
        scan_block(&s, _mm_loadu_si128((const __m128i *)(p + i)), forbid);
    if (i < len) {
        /* The rest, padded with spaces (ASCII, never forbidden): a
         * sequence cut by the end shows against them. */
        char last[16];
        memset(last, ' ', sizeof last);
        memcpy(last, p + i, len - i);
        scan_block(&s, _mm_loadu_si128((const __m128i *)last), forbid);
    }
    __m128i error = _mm_or_si128(s.error, s.incomplete);
    return _mm_movemask_epi8(_mm_cmpeq_epi8(error, _mm_setzero_si128())) == 0xffff;
}

int utf8_scan_clean(const char *s, size_t len, unsigned forbid)
{
    if (len < 16 || !__builtin_cpu_supports("ssse3"))
        return 0;
    return scan_ssse3(s, len, forbid);
}

#else

int utf8_scan_clean(const char *s, size_t len, unsigned forbid)
{
    (void)s;
    (void)len;
    (void)forbid;
    return 0;
}

#endif
