/* Unit tests for common/: buf, hash, args, log_q. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/args.h"
#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
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

TESTING_MAIN(
    TEST(test_buf),
    TEST(test_json_string),
    TEST(test_hash),
    TEST(test_args),
    TEST(test_log_quote))
