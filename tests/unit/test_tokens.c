/* Unit tests for extract/tokens: where words start and end (script
 * changes split Korean particles and units from Latin words and
 * numbers), what invalid UTF-8 does, and the hashes: token_lower_hash
 * must be token_hash of token_lower's bytes for every character. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/tokens.h"
#include "testing.h"

typedef struct want {
    const char *text;
    size_t chars;
    script_t script;
} want_t;

/* Splits text and compares the tokens with want (NULL-terminated). */
static void expect_tokens(const char *text, size_t len, const want_t *want)
{
    tokens_t tokens = TOKENS_INIT;
    tokens_split(text, len, &tokens);
    size_t n = 0;
    while (want[n].text)
        n++;
    char detail[256];
    snprintf(detail, sizeof detail, "%zu tokens of \"%.*s\", expected %zu", tokens.n,
             (int)(len < 80 ? len : 80), text, n);
    CHECK_MSG(tokens.n == n, detail);
    for (size_t i = 0; i < n && i < tokens.n; i++) {
        const token_t *t = &tokens.v[i];
        snprintf(detail, sizeof detail, "token %zu of \"%.*s\" is \"%.*s\" (%zu chars, script %d), "
                 "expected \"%s\" (%zu, %d)", i, (int)(len < 80 ? len : 80), text, (int)t->len,
                 t->s, t->chars, (int)t->script, want[i].text, want[i].chars, (int)want[i].script);
        CHECK_MSG(t->len == strlen(want[i].text) && memcmp(t->s, want[i].text, t->len) == 0 &&
                  t->chars == want[i].chars && t->script == want[i].script, detail);
        CHECK(t->s >= text && t->s + t->len <= text + len);    /* points into the text */
    }
    tokens_free(&tokens);
    CHECK(tokens.v == NULL && tokens.n == 0);
}

#define EXPECT(text, ...) \
    do { static const want_t w_[] = { __VA_ARGS__, { NULL, 0, SCRIPT_OTHER } }; \
         expect_tokens((text), strlen(text), w_); } while (0)
#define EXPECT_NONE(text, len) \
    do { static const want_t w_[] = { { NULL, 0, SCRIPT_OTHER } }; \
         expect_tokens((text), (len), w_); } while (0)

static void test_scripts_split(void)
{
    /* The header's own examples. */
    EXPECT("AI는 500억원 G7 mp3", { "AI", 2, SCRIPT_LATIN }, { "는", 1, SCRIPT_HANGUL },
           { "500", 3, SCRIPT_OTHER }, { "억원", 2, SCRIPT_HANGUL }, { "G7", 2, SCRIPT_LATIN },
           { "mp3", 3, SCRIPT_LATIN });
    EXPECT("안녕하세요AI 3D프린터", { "안녕하세요", 5, SCRIPT_HANGUL }, { "AI", 2, SCRIPT_LATIN },
           { "3D", 2, SCRIPT_LATIN }, { "프린터", 3, SCRIPT_HANGUL });
    EXPECT("日本語のテキスト", { "日本語", 3, SCRIPT_HAN }, { "のテキスト", 5, SCRIPT_KANA });
    EXPECT("Привет, мир! ΑΒΓ abc", { "Привет", 6, SCRIPT_CYRILLIC }, { "мир", 3, SCRIPT_CYRILLIC },
           { "ΑΒΓ", 3, SCRIPT_GREEK }, { "abc", 3, SCRIPT_LATIN });
    /* Punctuation, underscores and hyphens end words; accents do not. */
    EXPECT("Café-naïve_x, été.", { "Café", 4, SCRIPT_LATIN }, { "naïve", 5, SCRIPT_LATIN },
           { "x", 1, SCRIPT_LATIN }, { "été", 3, SCRIPT_LATIN });
    /* A combining mark joins what it follows: "e" + U+0301 is one word. */
    EXPECT("e\xcc\x81t\xc3\xa9", { "e\xcc\x81t\xc3\xa9", 4, SCRIPT_LATIN });
    /* Full-width letters and digits are letters and digits. */
    EXPECT("１２３ Ｇ７", { "１２３", 3, SCRIPT_OTHER }, { "Ｇ７", 2, SCRIPT_LATIN });
    /* Digits before Hangul stand alone; digits after Hangul too. */
    EXPECT("2024년 제3회", { "2024", 4, SCRIPT_OTHER }, { "년", 1, SCRIPT_HANGUL },
           { "제", 1, SCRIPT_HANGUL }, { "3", 1, SCRIPT_OTHER }, { "회", 1, SCRIPT_HANGUL });
}

static void test_empty_and_invalid(void)
{
    EXPECT_NONE("", 0);
    EXPECT_NONE("  ,.;!? \t\n", 10);
    EXPECT_NONE("\xff\xfe\x80", 3);
    /* A Hangul syllable cut short at the end of the text is no letter. */
    EXPECT_NONE("\xea\xb0", 2);
    EXPECT("한\xed\x95", { "한", 1, SCRIPT_HANGUL });
    /* Invalid bytes end a word, never join it. */
    EXPECT("ab\xff" "cd 가\xff나", { "ab", 2, SCRIPT_LATIN }, { "cd", 2, SCRIPT_LATIN },
           { "가", 1, SCRIPT_HANGUL }, { "나", 1, SCRIPT_HANGUL });
    /* An encoded UTF-16 surrogate is invalid UTF-8. */
    EXPECT("\xed\xa0\x80" "abc", { "abc", 3, SCRIPT_LATIN });
    /* A NUL byte is a separator like any control character. */
    static const want_t nul[] = { { "ab", 2, SCRIPT_LATIN }, { "cd", 2, SCRIPT_LATIN },
                                  { NULL, 0, SCRIPT_OTHER } };
    expect_tokens("ab\0cd", 5, nul);

    /* token_next on its own: the position moves past each token and
     * rests at the end. */
    const char *s = "  one 둘  ";
    size_t pos = 0, len = strlen(s);
    token_t tok;
    CHECK(token_next(s, len, &pos, &tok) == 1 && tok.len == 3 && pos == 5);
    CHECK(token_next(s, len, &pos, &tok) == 1 && tok.script == SCRIPT_HANGUL && pos == 9);
    CHECK(token_next(s, len, &pos, &tok) == 0 && pos == len);
    CHECK(token_next(s, len, &pos, &tok) == 0 && pos == len);

    /* Every prefix of a mixed text splits without reading past its end
     * (AddressSanitizer sees an exact-size copy). */
    const char *mixed = "AI는 500억원, Привет 日本語の e\xcc\x81 ＧＰＵ \xff 끝";
    size_t mixed_len = strlen(mixed);
    for (size_t n = 0; n <= mixed_len; n++) {
        char *copy = malloc(n ? n : 1);
        memcpy(copy, mixed, n);
        tokens_t tokens = TOKENS_INIT;
        tokens_split(copy, n, &tokens);
        int inside = 1;
        for (size_t i = 0; i < tokens.n; i++)
            inside &= tokens.v[i].len > 0 && tokens.v[i].s + tokens.v[i].len <= copy + n;
        CHECK(inside);
        tokens_free(&tokens);
        free(copy);
    }
}

static void test_many_tokens(void)
{
    /* The list grows past its first allocation and keeps the order. */
    buf_t text = BUF_INIT;
    for (int i = 0; i < 5000; i++)
        buf_printf(&text, "w%d 단어%d ", i, i);
    tokens_t tokens = TOKENS_INIT;
    tokens_split(text.data, text.len, &tokens);
    CHECK(tokens.n == 15000);    /* "w7", "단어", "7" */
    CHECK(tokens.n >= 3 && tokens.v[0].len == 2 && memcmp(tokens.v[0].s, "w0", 2) == 0);
    CHECK(tokens.n == 15000 && memcmp(tokens.v[14999].s, "4999", 4) == 0);
    tokens_free(&tokens);
    buf_free(&text);
}

static void check_lower(const char *word, const char *want)
{
    size_t pos = 0;
    token_t tok;
    CHECK_MSG(token_next(word, strlen(word), &pos, &tok) && pos == strlen(word), word);
    buf_t out = BUF_INIT;
    token_lower(&tok, &out);
    CHECK_STR(buf_str(&out), want);
    CHECK_MSG(token_lower_hash(&tok) == token_hash(want, strlen(want)), word);
    buf_free(&out);
}

static void test_lower(void)
{
    check_lower("HELLO", "hello");
    check_lower("ÉCOLE", "école");
    check_lower("ПРИВЕТ", "привет");
    check_lower("ΑΒΓ", "αβγ");
    check_lower("대한민국", "대한민국");
    check_lower("G7", "g7");
    check_lower("ＧＰＵ", "ｇｐｕ");

    /* token_lower_hash is token_hash of token_lower's bytes, for every
     * letter between two ASCII letters: the shortcuts it takes (Hangul
     * as is, nothing changes from U+2000 to U+FF20) must not change the
     * answer. */
    int mismatches = 0;
    uint32_t first_bad = 0;
    buf_t out = BUF_INIT;
    for (uint32_t cp = 0x80; cp < 0x30000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char text[8] = "A";
        size_t n = 1 + utf8_encode(cp, text + 1);
        text[n++] = 'b';
        tokens_t tokens = TOKENS_INIT;
        tokens_split(text, n, &tokens);
        for (size_t i = 0; i < tokens.n; i++) {
            buf_reset(&out);
            token_lower(&tokens.v[i], &out);
            if (token_lower_hash(&tokens.v[i]) != token_hash(out.data, out.len) && !mismatches++)
                first_bad = cp;
        }
        tokens_free(&tokens);
    }
    buf_free(&out);
    char detail[64];
    snprintf(detail, sizeof detail, "%d code points, the first U+%04X", mismatches,
             (unsigned)first_bad);
    CHECK_MSG(mismatches == 0, detail);
}

static void test_hashes(void)
{
    /* Fixed values: SimHash is stored, so token_hash may never change. */
    CHECK(token_hash("", 0) == hash_mix(0xCBF29CE484222325ull));
    CHECK(token_hash("a", 1) != token_hash("b", 1));
    CHECK(token_hash("ab", 2) != token_hash("ba", 2));

    /* text_hash reads exactly len bytes at any alignment (exact-size
     * copies for AddressSanitizer) and depends on every one of them. */
    const char *src = "the quick brown fox jumps over the lazy dog, 다람쥐 헌 쳇바퀴";
    size_t src_len = strlen(src);
    int same = 1, differs = 1;
    for (size_t len = 0; len <= 40; len++)
        for (size_t shift = 0; shift < 8; shift++) {
            char *a = malloc(len + shift + 1);
            memcpy(a + shift, src, len);
            uint64_t h = text_hash(a + shift, len);
            same &= h == text_hash(src, len);
            for (size_t i = 0; i < len; i++) {
                a[shift + i] ^= 1;
                differs &= text_hash(a + shift, len) != h;
                a[shift + i] ^= 1;
            }
            free(a);
        }
    CHECK(same);
    CHECK(differs);
    CHECK(src_len > 40);
    CHECK(text_hash(src, 8) != text_hash(src, 9));
    CHECK(hash_mix(1) != hash_mix(2));
}

TESTING_MAIN(
    TEST(test_scripts_split),
    TEST(test_empty_and_invalid),
    TEST(test_many_tokens),
    TEST(test_lower),
    TEST(test_hashes))
