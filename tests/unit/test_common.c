/* Unit tests for common/: buf, hash, args, log_q, UTF-8 validity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/args.h"
#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/text.h"
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
static int reference_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        unsigned long cp;
        size_t n;
        if (c == 0)
            return 0;
        if (c < 0x80) {
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
        i += n;
    }
    return 1;
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

    /* Against the reference over strings of random pieces: ASCII runs
     * (the fast path's eight bytes, cut anywhere), Hangul, every lead
     * byte with random continuations, stray bytes and NULs. */
    static const char *const pieces[] = {
        "abcdefghij", "a", " ", "한국어", "\xea\xb0\x80", "\xed\x9e\xa3", "\xed\xa0\x80",
        "\xe0\xa0\x80", "\xe0\x9f\xbf", "\xef\xbf\xbf", "\xc2\x80", "\xc1\xbf", "\xf0\x90\x80\x80",
        "\xf0\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80",
        "\xbf", "\xff", "\xfe", "\xe1", "\xe1\x80", "\xee\x80", "\xc3",
    };
    unsigned seed = 12345;
    int disagree = 0;
    unsigned char text[96];
    for (int round = 0; round < 200000; round++) {
        size_t len = 0;
        while (len < 64) {
            seed = seed * 1103515245u + 12345u;
            unsigned pick = (seed >> 16) % (sizeof pieces / sizeof *pieces + 2);
            if (pick == sizeof pieces / sizeof *pieces) {
                text[len++] = (unsigned char)(seed >> 8);           /* any byte */
            } else if (pick == sizeof pieces / sizeof *pieces + 1) {
                if ((seed >> 9) % 16 == 0)
                    text[len++] = 0;
            } else {
                size_t n = strlen(pieces[pick]);
                memcpy(text + len, pieces[pick], n);
                len += n;
            }
        }
        size_t cut = (seed >> 4) % (len + 1);
        int ours = text_utf8_problem((const char *)text, cut) == NULL;
        disagree += ours != reference_utf8(text, cut);
    }
    CHECK(disagree == 0);
}

TESTING_MAIN(
    TEST(test_buf),
    TEST(test_json_string),
    TEST(test_hash),
    TEST(test_args),
    TEST(test_log_quote),
    TEST(test_utf8_validity))
