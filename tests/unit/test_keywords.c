/* Unit tests for extract/keywords: which tokens are keyword terms
 * (Korean particles stripped, predicates, stop words, numbers and
 * counters left out), and the ranking: frequency, title words counted
 * extra, ties to the term seen first, at most KEYWORDS_MAX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/keywords.h"
#include "testing.h"

/* keyword_term of the single token word: its term, or NULL. */
static void expect_term(const char *word, const char *want)
{
    size_t pos = 0;
    token_t tok;
    int one = token_next(word, strlen(word), &pos, &tok) && pos == strlen(word);
    CHECK_MSG(one, word);
    if (!one)
        return;
    buf_t out = BUF_INIT;
    int is = keyword_term(&tok, &out);
    if (want) {
        CHECK_MSG(is == 1, word);
        CHECK_STR(is ? buf_str(&out) : NULL, want);
    } else {
        char detail[200];
        snprintf(detail, sizeof detail, "%s gave the term \"%s\"", word, buf_str(&out));
        CHECK_MSG(is == 0, detail);
    }
    buf_free(&out);
}

static void test_terms(void)
{
    /* A noun with its particle is one term (the header's example). */
    expect_term("대통령은", "대통령");
    expect_term("대통령이", "대통령");
    expect_term("대통령의", "대통령");
    expect_term("대통령", "대통령");
    /* The longest particle wins: 에서 over 에, 으로 over 로. */
    expect_term("서울에서", "서울");
    expect_term("학교으로부터", "학교");
    /* Plural 들, after a particle. */
    expect_term("학생들이", "학생");
    expect_term("대통령들", "대통령");
    /* A particle-like last syllable that belongs to the noun. */
    expect_term("민주주의", "민주주의");
    expect_term("회의", "회의");
    expect_term("국가", "국가");
    expect_term("국가가", "국가");
    /* One-syllable stems and bound nouns are no keyword. */
    expect_term("것으로", NULL);
    expect_term("시는", NULL);
    expect_term("책", NULL);
    /* Predicates and Korean stop words. */
    expect_term("늘었다", NULL);
    expect_term("증가할", NULL);
    expect_term("지원하는", NULL);
    expect_term("있다", NULL);
    expect_term("위해", NULL);
    expect_term("억원", NULL);
    /* Latin: lowercased, at least two letters, no function word of any
     * voting language. */
    expect_term("Budget", "budget");
    expect_term("ÉCOLE", "école");
    expect_term("G7", "g7");
    expect_term("x", NULL);
    expect_term("The", NULL);
    expect_term("und", NULL);
    expect_term("les", NULL);
    expect_term("también", NULL);
    /* Numbers and over-long tokens (URLs, hashes) are no keyword. */
    expect_term("2024", NULL);
    expect_term("１２３", NULL);
    expect_term("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
    expect_term("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijk", NULL);
    expect_term("가나다라마바사아자차카타파하가나다라마바", "가나다라마바사아자차카타파하가나다라마바");
    expect_term("가나다라마바사아자차카타파하가나다라마바사", NULL);
    /* Other scripts are kept as they are. */
    expect_term("Привет", "привет");
    expect_term("経済", "経済");
}

/* The keywords keywords_add gives body and title, joined by spaces. */
static char *keywords_of(const char *title, const char *body, size_t len)
{
    record_t *r = record_new();
    keywords_add(r, title, body, len);
    buf_t joined = BUF_INIT;
    for (size_t i = 0; i < r->keyword_count; i++)
        buf_printf(&joined, "%s%s", i ? " " : "", r->keywords[i]);
    /* The same from tokens split beforehand. */
    record_t *again = record_new();
    tokens_t tokens = TOKENS_INIT;
    tokens_split(body, len, &tokens);
    keywords_add_tokens(again, title, body, &tokens);
    int same = again->keyword_count == r->keyword_count;
    for (size_t i = 0; same && i < r->keyword_count; i++)
        same = strcmp(again->keywords[i], r->keywords[i]) == 0;
    CHECK_MSG(same, "keywords_add_tokens agrees with keywords_add");
    tokens_free(&tokens);
    record_destroy(&again);
    record_destroy(&r);
    buf_putc(&joined, '\0');
    return buf_detach(&joined);
}

#define EXPECT_KEYWORDS(title, body, want) \
    do { char *got_ = keywords_of((title), (body), strlen(body)); \
         CHECK_STR(got_, (want)); free(got_); } while (0)

static void test_ranking(void)
{
    /* Frequency first; particles do not split a word's count. */
    EXPECT_KEYWORDS(NULL, "경제 반도체는 반도체가 반도체를 수출이 수출은 경제",
                    "반도체 경제 수출");
    /* Ties go to the term seen first. */
    EXPECT_KEYWORDS(NULL, "zeta alpha alpha zeta beta", "zeta alpha beta");
    /* A title word counts extra: a word once in the body and in the
     * title beats one twice in the body. */
    EXPECT_KEYWORDS("mango", "apple apple banana mango", "mango apple banana");
    /* A title word not in the body still counts. */
    EXPECT_KEYWORDS("Harbour", "apple banana", "harbour apple banana");
    /* Stop words and numbers never, however frequent. */
    EXPECT_KEYWORDS(NULL, "the the the and and of 2024 2024 council", "council");
    /* A counter or unit right after digits is no keyword (3개월, 500억원),
     * the same word standing alone is. */
    EXPECT_KEYWORDS(NULL, "3개월 5개월 7개월 개월", "개월");
    EXPECT_KEYWORDS(NULL, "3개월 5개월 7개월", "");
    /* At most KEYWORDS_MAX, best first. */
    EXPECT_KEYWORDS("mango",
                    "apple banana cherry damson elder fig grape honeydew iris jackfruit kiwi "
                    "lemon mango",
                    "mango apple banana cherry damson elder fig grape honeydew iris");
    /* Added to what the record has. */
    record_t *r = record_new();
    record_add_keyword(r, "first");
    keywords_add(r, NULL, "second second", 13);
    CHECK(r->keyword_count == 2 && strcmp(r->keywords[0], "first") == 0 &&
          strcmp(r->keywords[1], "second") == 0);
    record_destroy(&r);
}

static void test_edges(void)
{
    /* Empty body, empty or missing title. */
    EXPECT_KEYWORDS(NULL, "", "");
    EXPECT_KEYWORDS("", "", "");
    EXPECT_KEYWORDS("경제", "", "경제");
    /* Invalid UTF-8 separates words and never reaches a keyword. */
    const char *bad = "bad\xff\xfe" "bytes 가나다라\xff 경제 \xea\xb0";
    char *got = keywords_of(NULL, bad, strlen(bad));
    CHECK_STR(got, "bad bytes 가나다라 경제");
    free(got);

    /* Many distinct terms: the table grows, the ranking holds, and the
     * output is deterministic. */
    buf_t body = BUF_INIT;
    for (int i = 0; i < 20000; i++)
        buf_printf(&body, "term%c%c%c ", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676 % 26);
    for (int i = 0; i < 5; i++)
        buf_puts(&body, "winner ");
    char *a = keywords_of(NULL, body.data, body.len);
    char *b = keywords_of(NULL, body.data, body.len);
    CHECK(strncmp(a, "winner termaaa termbaa ", 23) == 0);
    CHECK_STR(a, b);
    free(a);
    free(b);
    buf_free(&body);
}

TESTING_MAIN(
    TEST(test_terms),
    TEST(test_ranking),
    TEST(test_edges))
