/* Unit tests for common/: buf, hash, args, log_q, UTF-8 validity and its fast scan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/args.h"
#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/text.h"
#include "common/utf8_scan.h"
#include "testing.h"

static void test_buf(void)
{
    buf_t b = BUF_INIT;
    CHECK_STR(buf_str(&b), "");
    buf_puts(&b, "싱가포르");
    buf_putc(&b, ' ');
    buf_printf(&b, "%d억 %s", 3, "달러");
    CHECK_STR(b.data, "싱가포르 3억 달러");
    CHECK(b.len == strlen("싱가포르 3억 달러"));
    buf_truncate(&b, strlen("싱가포르"));
    CHECK_STR(b.data, "싱가포르");
    for (int i = 0; i < 10000; i++)
        buf_putc(&b, 'x');
    CHECK(b.len == strlen("싱가포르") + 10000);
    CHECK(b.data[b.len] == '\0');
    char *s = buf_detach(&b);
    CHECK(b.data == NULL && b.len == 0);
    free(s);
    s = buf_detach(&b);
    CHECK_STR(s, "");
    free(s);
}

static void test_json_string(void)
{
    buf_t b = BUF_INIT;
    const char raw[] = "a\"b\\c\nd\te\x01 한글";
    buf_put_json_string(&b, raw, strlen(raw));
    CHECK_STR(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001 한글\"");
    buf_free(&b);
}

static void test_hash(void)
{
    char id[DOC_ID_LEN + 1];
    hash_doc_id("", 0, id);
    CHECK_STR(id, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hash_doc_id("abc", 3, id);
    CHECK_STR(id, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hash_is_doc_id(id));
    CHECK(!hash_is_doc_id("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
    CHECK(!hash_is_doc_id("abc"));
    CHECK(!hash_is_doc_id(NULL));
    id[10] = 'g';
    CHECK(!hash_is_doc_id(id));
}

static void test_args(void)
{
    long n;
    double d;
    CHECK(args_count("t", "--n", "4", 1, 10, &n) == 0 && n == 4);
    CHECK(args_count("t", "--n", "4x", 1, 10, &n) == -1);
    CHECK(args_count("t", "--n", "-1", 1, 10, &n) == -1);
    CHECK(args_count("t", "--n", "", 1, 10, &n) == -1);
    CHECK(args_count("t", "--n", "99999999999999999999", 1, 10, &n) == -1);
    CHECK(args_number("t", "--s", "0.5", 0.05, 10, &d) == 0 && d == 0.5);
    CHECK(args_number("t", "--s", "nan", 0.05, 10, &d) == -1);
    CHECK(args_number("t", "--s", "0.01", 0.05, 10, &d) == -1);
}

static void test_log_quote(void)
{
    CHECK_STR(log_q("plain"), "plain");
    CHECK_STR(log_q("two words"), "\"two words\"");
    CHECK_STR(log_q(""), "\"\"");
    CHECK_STR(log_q("say \"hi\""), "\"say \\\"hi\\\"\"");
    CHECK_STR(log_q("line\nbreak"), "\"line break\"");
    char longer[2000];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    CHECK(strlen(log_q(longer)) < 512);
}

/* The reference: Unicode's table 3-7 of well-formed byte sequences, one
 * code point at a time, decoded and range-checked. 1 when s is UTF-8 with
 * no NUL. */
static int reference_text(const unsigned char *s, size_t len, int no_controls)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        unsigned long cp;
        size_t n;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            if (no_controls && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f))
                return 0;
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 2, cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3, cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4, cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i < n)
            return 0;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        unsigned long least = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        if (no_controls && cp >= 0x80 && cp <= 0x9f)
            return 0;
        i += n;
    }
    return 1;
}

static int reference_utf8(const unsigned char *s, size_t len)
{
    return reference_text(s, len, 0);
}

/* A random string of at least min_len bytes (at most min_len + 16):
 * pieces of text, ASCII runs (the exact check's eight bytes and the
 * scan's sixteen, cut anywhere), Hangul, the edges of each sequence
 * length, controls, and unless clean, sequences that are wrong, stray
 * bytes and, now and then, a NUL or any byte at all. */
#define RANDOM_TEXT_MAX 128
static size_t random_text(unsigned *seed, unsigned char *out, size_t min_len, int clean)
{
    static const char *const pieces[] = {
        /* well-formed */
        "abcdefghijklmnopq", "abcdefghij", "a", " ", "한국어", "\xea\xb0\x80", "\xed\x9e\xa3",
        "\xed\x9f\xbf", "\xe0\xa0\x80", "\xef\xbf\xbf", "\xc2\xa0", "\xdf\xbf",
        "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\t", "\n", "\r", "\xc2\x80", "\xc2\x9f",
        "\x7f", "\x1f",
        /* not */
        "\xed\xa0\x80", "\xe0\x9f\xbf", "\xc1\xbf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "\x80", "\xbf", "\xff", "\xfe", "\xe1", "\xe1\x80", "\xee\x80", "\xc3",
    };
    enum { PIECES = sizeof pieces / sizeof *pieces, WELL_FORMED = 21 };
    unsigned choices = clean ? WELL_FORMED : PIECES + 2;
    size_t len = 0;
    while (len < min_len) {
        *seed = *seed * 1103515245u + 12345u;
        unsigned pick = (*seed >> 16) % choices;
        if (pick == PIECES) {
            if ((*seed >> 9) % 8 == 0)
                out[len++] = (unsigned char)(*seed >> 8);   /* any byte */
        } else if (pick == PIECES + 1) {
            if ((*seed >> 9) % 16 == 0)
                out[len++] = 0;
        } else {
            size_t n = strlen(pieces[pick]);
            memcpy(out + len, pieces[pick], n);
            len += n;
        }
    }
    return len;
}

static void test_utf8_validity(void)
{
    CHECK(text_utf8_problem("", 0) == NULL);
    CHECK(text_utf8_problem("plain ascii, long enough for words", 34) == NULL);
    CHECK(text_utf8_problem("삼성전자 1조1천35억 엔", strlen("삼성전자 1조1천35억 엔")) == NULL);
    CHECK_STR(text_utf8_problem("abcdefgh\0ijk", 12), "contains a NUL byte");
    CHECK_STR(text_utf8_problem("abc\xed\xa0\x80", 6), "not valid UTF-8");   /* a surrogate */
    CHECK_STR(text_utf8_problem("\xe0\x80\xaf", 3), "not valid UTF-8");      /* overlong */
    CHECK_STR(text_utf8_problem("\xf4\x90\x80\x80", 4), "not valid UTF-8");  /* past U+10FFFF */
    CHECK_STR(text_utf8_problem("\xea\xb0", 2), "not valid UTF-8");          /* cut short */
    CHECK_STR(text_utf8_problem("\xea\xb0\x80\x80", 4), "not valid UTF-8");  /* a stray continuation */
    CHECK(text_utf8_problem("\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 17)
          == NULL);   /* the edges: U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF */

    /* Against the reference over random strings (random_text), half of
     * them well-formed. */
    unsigned seed = 12345;
    int disagree = 0;
    unsigned char text[RANDOM_TEXT_MAX];
    for (int round = 0; round < 200000; round++) {
        size_t len = random_text(&seed, text, 64, round % 2);
        size_t cut = (seed >> 4) % (len + 1);
        int ours = text_utf8_problem((const char *)text, cut) == NULL;
        disagree += ours != reference_utf8(text, cut);
    }
    CHECK(disagree == 0);
}

/* Where the scan has a fast path (16 bytes and more, SSSE3) its answer
 * is the reference's, both ways: a "yes" for a bad string would let it
 * through every check, a "no" for a good one would only be slow, but
 * would mean the scan is wrong. Elsewhere it must say no. */
static int scan_agrees(const unsigned char *s, size_t len, int fast)
{
    int nul = utf8_scan_clean((const char *)s, len, UTF8_SCAN_NUL);
    int controls = utf8_scan_clean((const char *)s, len, UTF8_SCAN_CONTROLS);
    if (!fast || len < 16)
        return !nul && !controls;
    return nul == reference_text(s, len, 0) && controls == reference_text(s, len, 1);
}

static void test_utf8_scan(void)
{
    int fast = utf8_scan_clean("0123456789abcdef", 16, UTF8_SCAN_CONTROLS);
    if (!fast)
        fprintf(stderr, "test_utf8_scan: no fast path on this machine: only its refusals are checked\n");
    CHECK(utf8_scan_clean("", 0, 0) == 0);
    CHECK(!utf8_scan_clean("short", 5, 0));
    const char *korean = "삼성전자 1조1천35억 엔, 미국 달러 기준";
    CHECK(utf8_scan_clean(korean, strlen(korean), UTF8_SCAN_CONTROLS) == fast);

    /* Every sequence of one to three bytes, the third from the bytes that
     * decide (every lead, the edges of each continuation range, controls),
     * where the scan's blocks meet (bytes 14 to 16 of 32), at the end of the
     * string, and, with the string cut after its second byte, cut short. */
    static const unsigned char third[] = {
        0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
        0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
    };
    int disagree = 0;
    unsigned char text[48];
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            for (size_t k = 0; k < sizeof third; k++) {
                unsigned char seq[3] = { (unsigned char)a, (unsigned char)b, third[k] };
                memset(text, 'a', sizeof text);
                memcpy(text + 14, seq, 3);
                disagree += !scan_agrees(text, 32, fast);
                memset(text, 'a', sizeof text);
                memcpy(text + 29, seq, 3);
                disagree += !scan_agrees(text, 32, fast);
                disagree += !scan_agrees(text, 31, fast);
            }
            memset(text, 'a', sizeof text);
            text[15] = (unsigned char)a;
            text[16] = (unsigned char)b;
            disagree += !scan_agrees(text, 17, fast);
            disagree += !scan_agrees(text, 16, fast);
        }
    }
    /* Four-byte sequences: every lead from F0 up, then three bytes of
     * the set above, across the meeting of blocks. */
    for (unsigned a = 0xf0; a < 256; a++)
        for (size_t x = 0; x < sizeof third; x++)
            for (size_t y = 0; y < sizeof third; y++)
                for (size_t z = 0; z < sizeof third; z++) {
                    memset(text, 'a', sizeof text);
                    text[13] = (unsigned char)a;
                    text[14] = third[x];
                    text[15] = third[y];
                    text[16] = third[z];
                    disagree += !scan_agrees(text, 32, fast);
                    disagree += !scan_agrees(text, 17, fast);
                }

    /* Random strings (random_text), every length up to 96, half of them
     * well-formed. */
    unsigned seed = 4242;
    unsigned char random_string[RANDOM_TEXT_MAX];
    for (int round = 0; round < 200000; round++) {
        size_t len = random_text(&seed, random_string, 96, round % 2);
        size_t cut = (seed >> 4) % (len + 1);
        disagree += !scan_agrees(random_string, cut, fast);
    }
    CHECK_MSG(disagree == 0, "utf8_scan_clean and the reference disagree");
}

TESTING_MAIN(
    TEST(test_buf),
    TEST(test_json_string),
    TEST(test_hash),
    TEST(test_args),
    TEST(test_log_quote),
    TEST(test_utf8_validity),
    TEST(test_utf8_scan))
