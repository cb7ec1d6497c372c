/* Unit tests for extract/boiler: each rule on a paragraph list built by
 * hand, the lines it must drop and, as much, the lines it must keep:
 * menus, UI words, footers, bylines and timestamps, photo captions and
 * their repeats, duplicated paragraphs, the trailer, orphan headings and
 * the title. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/boiler.h"
#include "testing.h"

/* Paragraphs of an article: long enough to be no menu item, distinct,
 * none the start or the end of another. */
#define P1 "정부가 내년 예산안을 발표했다. 경제 성장률 전망치는 2.5%로 제시됐다."
#define P2 "반도체 수출 회복이 가장 큰 변수로 꼽혔으며 업계는 하반기 반등을 기대하고 있다."
#define P3 "전문가들은 금리 인하 시점이 성장률을 좌우할 것이라고 내다봤다. 소비 심리도 변수다."
#define P4 "The council voted on the budget on Tuesday, and the measure passed by a wide margin."
/* At least DUPLICATE_MIN_WIDTH (80) wide. */
#define LONG1 "한국은행은 기준금리를 동결하면서도 물가 상승 압력이 여전히 높다고 평가했다. " \
              "시장에서는 연내 인하 가능성을 낮게 보고 있다."

typedef struct spec {
    const char *text;
    int heading;
    int drop;           /* expected */
} spec_t;

enum { TEXT, HTML };

/* Runs the rules over the lines and compares each line's fate. */
static void expect(int mode, const spec_t *spec, size_t n, const char *title, const char *what)
{
    lines_t lines = LINES_INIT;
    for (size_t i = 0; i < n; i++)
        lines_push(&lines, spec[i].text, strlen(spec[i].text), spec[i].heading, 0);
    CHECK_MSG(lines.n == n, what);
    if (mode == TEXT)
        boiler_mark_text(&lines);
    else
        boiler_mark_html(&lines);
    boiler_drop_title(&lines, title);
    for (size_t i = 0; i < n && i < lines.n; i++) {
        char detail[400];
        snprintf(detail, sizeof detail, "%s: line %zu \"%.200s\" %s, expected %s", what, i,
                 spec[i].text, lines.v[i].drop ? "dropped" : "kept",
                 spec[i].drop ? "dropped" : "kept");
        CHECK_MSG(lines.v[i].drop == spec[i].drop, detail);
    }
    lines_free(&lines);
}

#define EXPECT(mode, title, what, ...) \
    do { static const spec_t s_[] = { __VA_ARGS__ }; \
         expect((mode), s_, sizeof s_ / sizeof s_[0], (title), (what)); } while (0)

static void test_menus(void)
{
    EXPECT(TEXT, NULL, "a menu of four short lines",
           { "정치", 0, 1 }, { "경제", 0, 1 }, { "사회", 0, 1 }, { "국제", 0, 1 },
           { P1, 0, 0 }, { P2, 0, 0 });
    EXPECT(TEXT, NULL, "three short lines are no menu",
           { "정치", 0, 0 }, { "경제", 0, 0 }, { "사회", 0, 0 }, { P1, 0, 0 }, { P2, 0, 0 });
    /* A recognised UI word inside neither breaks the run nor counts. */
    EXPECT(TEXT, NULL, "a menu with a login button in it",
           { "정치", 0, 1 }, { "경제", 0, 1 }, { "로그인", 0, 1 }, { "사회", 0, 1 },
           { "국제", 0, 1 }, { P1, 0, 0 }, { P2, 0, 0 });
    /* Headings and sentences are not menu items. */
    EXPECT(TEXT, NULL, "short headings and sentences",
           { "정치", 1, 0 }, { "경제", 1, 0 }, { "비가 왔다.", 0, 0 }, { "춥다.", 0, 0 },
           { P1, 0, 0 }, { P2, 0, 0 });
    /* The HTML path leaves menus to the page's structure. */
    EXPECT(HTML, NULL, "no menu rule for HTML",
           { "정치", 0, 0 }, { "경제", 0, 0 }, { "사회", 0, 0 }, { "국제", 0, 0 },
           { P1, 0, 0 }, { P2, 0, 0 });
}

static void test_ui_and_footer(void)
{
    EXPECT(TEXT, NULL, "UI words, decorated or in capitals",
           { "▶ 로그인", 0, 1 }, { "SHARE", 0, 1 }, { "기사 읽어주기", 0, 1 },
           { "Back to top »", 0, 1 }, { P1, 0, 0 }, { P2, 0, 0 }, { P3, 0, 0 });
    EXPECT(HTML, NULL, "UI words in HTML",
           { P1, 0, 0 }, { "공유하기", 0, 1 }, { "Print", 0, 1 }, { P2, 0, 0 }, { P3, 0, 0 });
    /* A UI word inside a sentence is no button. */
    EXPECT(TEXT, NULL, "UI words inside sentences",
           { "로그인 기록을 확인한 결과 해킹 시도는 없었다고 회사는 밝혔다.", 0, 0 },
           { "Share prices rose sharply after the announcement on Monday.", 0, 0 });
    /* Lines with hardly any letters: text only. */
    EXPECT(TEXT, NULL, "separators in text",
           { "----", 0, 1 }, { "123 456", 0, 1 }, { P1, 0, 0 }, { P2, 0, 0 });
    EXPECT(HTML, NULL, "separators in HTML",
           { "----", 0, 0 }, { P1, 0, 0 }, { P2, 0, 0 });
    /* Footer and copyright markers, on short lines only. */
    EXPECT(TEXT, NULL, "a short footer line early on",
           { "ⓒ 연합뉴스, 무단 전재 재배포 금지", 0, 1 }, { P1, 0, 0 }, { P2, 0, 0 },
           { P3, 0, 0 });
    static const char long_copyright[] =
        "The court ruled that the copyright of the photographs belongs to the agency, "
        "not to the newspaper, and ordered the newspaper to pay damages. The judges said "
        "that the contract signed in 2015 did not transfer the rights, a view the newspaper "
        "disputes. It said it would appeal the ruling to the supreme court next month.";
    EXPECT(TEXT, NULL, "copyright in a long paragraph",
           { long_copyright, 0, 0 }, { P1, 0, 0 }, { P2, 0, 0 }, { P3, 0, 0 });
}

static void test_bylines_and_captions(void)
{
    EXPECT(TEXT, NULL, "byline and timestamp",
           { "홍길동 기자 hong@example.com", 0, 1 }, { "입력 2024.05.01 12:30", 0, 1 },
           { P1, 0, 0 }, { P2, 0, 0 });
    EXPECT(TEXT, NULL, "photo captions ending in their credit",
           { P1, 0, 0 },
           { "이재명 대통령이 지난 4월 백준호 대표와 인사를 나누고 있다.(사진=전화평 기자)", 0, 1 },
           { P2, 0, 0 }, { "하정우 AI미래기획수석 (사진=뉴스1)", 0, 1 },
           { "[사진 제공=산업통상자원부]", 0, 1 }, { P3, 0, 0 },
           /* Brackets that are no credit. */
           { "정부는 지원 규모를 늘리기로 했다(관계부처 합동).", 0, 0 },
           { "사진은 지난해 열린 행사 모습이다 (자료)", 0, 0 });
    /* A caption comes twice, with and without its credit, and the credit
     * alone: all three go. */
    EXPECT(TEXT, NULL, "a caption repeated without its credit",
           { P1, 0, 0 },
           { "대통령이 총리와 악수하고 있다. (사진=AFP, 뉴스1)", 0, 1 },
           { "대통령이 총리와 악수하고 있다.", 0, 1 },
           { "(사진=AFP, 뉴스1)", 0, 1 },
           { P2, 0, 0 }, { P3, 0, 0 });
    EXPECT(TEXT, NULL, "a caption without a credit, repeated",
           { P1, 0, 0 }, { "대통령이 총리와 악수하고 있다. 도쿄 총리 관저", 0, 0 },
           { "대통령이 총리와 악수하고 있다.", 0, 1 }, { P2, 0, 0 }, { P3, 0, 0 });
}

static void test_duplicates(void)
{
    /* A long paragraph written twice is kept the first time, however far
     * apart; short repeated lines are left to the other rules. */
    EXPECT(TEXT, NULL, "a paragraph twice, in text",
           { LONG1, 0, 0 }, { P1, 0, 0 }, { P2, 0, 0 }, { P3, 0, 0 }, { P4, 0, 0 },
           { LONG1, 0, 1 });
    EXPECT(HTML, NULL, "a paragraph twice, in HTML",
           { LONG1, 0, 0 }, { P1, 0, 0 }, { "네.", 0, 0 }, { P2, 0, 0 }, { "네.", 0, 0 },
           { LONG1, 0, 1 }, { P3, 0, 0 }, { P4, 0, 0 });
}

static void test_trailer(void)
{
    /* From a trailer heading in the second half on, everything goes. */
    EXPECT(TEXT, NULL, "related articles at the end",
           { P1, 0, 0 }, { P2, 0, 0 }, { P3, 0, 0 }, { "관련기사", 0, 1 },
           { "다른 기사의 제목이 여기에 온다는 것을 보여주는 긴 줄이다", 0, 1 },
           { P4, 0, 1 });
    EXPECT(HTML, NULL, "a trailer heading that goes on",
           { P1, 0, 0 }, { P2, 0, 0 }, { P3, 0, 0 }, { "Mehr zum Thema: Haushalt", 2, 1 },
           { P4, 0, 1 });
    EXPECT(TEXT, NULL, "a copyright line ends the article",
           { P1, 0, 0 }, { P2, 0, 0 }, { P3, 0, 0 },
           { "Copyright 2024 Example News. All rights reserved.", 0, 1 }, { P4, 0, 1 });
    /* In the first half it is no trailer: the article goes on. */
    EXPECT(TEXT, NULL, "related articles near the start",
           { P1, 0, 0 }, { "관련기사", 0, 0 }, { P2, 0, 0 }, { P3, 0, 0 }, { P4, 0, 0 });
}

static void test_orphan_headings(void)
{
    EXPECT(HTML, NULL, "headings that head nothing",
           { "제목", 1, 0 }, { P1, 0, 0 }, { "소제목", 2, 1 }, { "다음 소제목", 2, 0 },
           { P2, 0, 0 }, { "끝에 남은 제목", 2, 1 });
    /* A deeper heading under a heading heads something; a run of empty
     * headings at the end goes whole. */
    EXPECT(HTML, NULL, "nested headings and a run at the end",
           { "장", 2, 0 }, { "절", 3, 0 }, { P1, 0, 0 }, { P2, 0, 0 }, { "하나", 2, 1 },
           { "둘", 3, 1 }, { "셋", 2, 1 });
    /* A long "heading" is a lead paragraph. */
    EXPECT(HTML, NULL, "a long heading at the end",
           { P1, 0, 0 }, { P2, 0, 0 },
           { LONG1 " " LONG1, 2, 0 });
    /* The text path has no such rule. */
    EXPECT(TEXT, NULL, "a heading at the end of text",
           { P1, 0, 0 }, { P2, 0, 0 }, { "마지막 제목", 2, 0 });
}

static void test_title(void)
{
    EXPECT(TEXT, "예산안 발표", "the title repeated in the body",
           { "예산안 발표", 1, 1 }, { P1, 0, 0 }, { P2, 0, 0 }, { "예산안 발표", 0, 1 });
    EXPECT(TEXT, "예산안", "a line that only starts with the title",
           { "예산안 발표", 1, 0 }, { P1, 0, 0 });
    /* Nothing else would be left: the title stays. */
    EXPECT(HTML, "예산안 발표", "only the title",
           { "예산안 발표", 0, 0 });
    EXPECT(TEXT, "예산안 발표", "the title and boilerplate only",
           { "로그인", 0, 1 }, { "예산안 발표", 0, 0 });
    EXPECT(TEXT, NULL, "no title", { P1, 0, 0 }, { P2, 0, 0 });
}

static void test_empty_and_odd(void)
{
    lines_t lines = LINES_INIT;
    boiler_mark_text(&lines);
    boiler_mark_html(&lines);
    boiler_drop_title(&lines, "제목");
    CHECK(lines.n == 0);
    /* Empty strings are not stored. */
    lines_push(&lines, "", 0, 0, 0);
    CHECK(lines.n == 0);
    /* Lines cut inside a character and lone decorations, in exact-size
     * copies (AddressSanitizer sees any read outside them). */
    static const char *const odd[] = {
        "로그인\xea\xb0", "\xe2\x96", "▶", "»", " ", "(", ")", "[사진", "사진=)", "(사진)",
        "관련기사\xff", "ⓒ",
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        lines_push(&lines, odd[i], strlen(odd[i]), 0, 0);
    lines_push(&lines, P1, strlen(P1), 0, 0);
    for (size_t i = 0; i < lines.n; i++) {
        char *exact = malloc(lines.v[i].len);
        memcpy(exact, lines.v[i].text, lines.v[i].len);
        free(lines.v[i].text);
        lines.v[i].text = exact;
    }
    boiler_mark_text(&lines);
    CHECK(lines.n == sizeof odd / sizeof odd[0] + 1);
    CHECK(!lines.v[lines.n - 1].drop);
    for (size_t i = 0; i < lines.n; i++)
        lines.v[i].drop = 0;
    boiler_mark_html(&lines);
    CHECK(!lines.v[lines.n - 1].drop);
    lines_free(&lines);
}

TESTING_MAIN(
    TEST(test_menus),
    TEST(test_ui_and_footer),
    TEST(test_bylines_and_captions),
    TEST(test_duplicates),
    TEST(test_trailer),
    TEST(test_orphan_headings),
    TEST(test_title),
    TEST(test_empty_and_odd))
