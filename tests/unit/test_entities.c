/* test_entities: each kind of entity, found and not found.
 *
 * One short text per case through the whole extraction; the entity
 * lists are compared exactly (type, text, value, unit), so a false find
 * fails a case as surely as a miss. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "extract/extract.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct want {
    const char *type, *text;
    double value;               /* compared when has_value */
    int has_value;
    const char *unit;           /* NULL: none */
} want_t;

/* Extracts text; its entities (all of them, in order) must be want. */
static void check(const char *text, const want_t *want, size_t n)
{
    char *error = NULL;
    record_t *r = extract_document("t", (const uint8_t *)text, strlen(text), &error);
    CHECK_MSG(r != NULL, error);
    free(error);
    if (!r)
        return;
    char detail[1024];
    snprintf(detail, sizeof(detail), "%s: %zu entities, want %zu", text, r->entity_count, n);
    CHECK_MSG(r->entity_count == n, detail);
    for (size_t i = 0; i < r->entity_count && i < n; i++) {
        const entity_t *e = &r->entities[i];
        snprintf(detail, sizeof(detail), "%s: #%zu %s \"%s\" %g %s, want %s \"%s\" %g %s", text,
                 i, e->type, e->text, e->value, e->unit ? e->unit : "-", want[i].type,
                 want[i].text, want[i].value, want[i].unit ? want[i].unit : "-");
        int ok = strcmp(e->type, want[i].type) == 0 && strcmp(e->text, want[i].text) == 0 &&
                 e->has_value == want[i].has_value &&
                 (!want[i].has_value || e->value == want[i].value) &&
                 (want[i].unit ? e->unit && strcmp(e->unit, want[i].unit) == 0 : !e->unit);
        CHECK_MSG(ok, detail);
    }
    record_destroy(&r);
}

#define MONEY(t, v, u) { "money", t, v, 1, u }
#define NAMED(type, t) { type, t, 0, 0, NULL }

static void test_money(void)
{
    const want_t a[] = { MONEY("3억 달러", 3e8, "USD") };
    check("총 3억 달러 규모의 펀드", a, COUNT(a));
    const want_t b[] = { MONEY("1조1천35억 엔", 1103500000000.0, "JPY") };
    check("시장 규모가 1조1천35억 엔에 이른다", b, COUNT(b));
    const want_t c[] = { MONEY("500억원", 5e10, "KRW"), MONEY("4386억원", 4.386e11, "KRW") };
    check("총 500억원 규모, 약 4386억원 상당", c, COUNT(c));
    const want_t d[] = { MONEY("$2.5 million", 2.5e6, "USD"), MONEY("€40bn", 4e10, "EUR") };
    check("It raised $2.5 million after a €40bn deal.", d, COUNT(d));
    const want_t e[] = { { "percent", "23.2%", 23.2, 1, "%" } };
    check("점유율은 23.2%였다", e, COUNT(e));
    check("2030년까지 113분간 36개국", NULL, 0);
    /* 십/백/천 open a number after anything but a letter: punctuation
     * (ASCII or not), a space, the start; inside a word they do not. */
    const want_t f[] = {
        MONEY("천 원", 1000, "KRW"), MONEY("백 달러", 100, "USD"), MONEY("십만 원", 1e5, "KRW"),
        MONEY("3천 원", 3000, "KRW"), MONEY("천만 원", 1e7, "KRW"), MONEY("백억 원", 1e10, "KRW"),
    };
    check("가격은 “천 원”이었고 (백 달러) 또는 십만 원, AI천 원과 가천 원, 3천 원이다. "
          "천만 원·백억 원이 들었다.", f, COUNT(f));
}

static void test_contact(void)
{
    const want_t a[] = { NAMED("phone", "044-202-6260"), NAMED("phone", "02-123-4567") };
    check("문의: 과장 (044-202-6260), 대표 02-123-4567", a, COUNT(a));
    const want_t b[] = { NAMED("phone", "+82 2 1234 5678"), NAMED("phone", "(02) 123-4567") };
    check("Call +82 2 1234 5678 or (02) 123-4567 today.", b, COUNT(b));
    const want_t c[] = { NAMED("email", "hong@example.co.kr"), NAMED("url", "https://example.org/a?b=1") };
    check("메일 hong@example.co.kr, 자세한 내용은 https://example.org/a?b=1.", c, COUNT(c));
    const want_t d[] = { NAMED("url", "www.example.com/news") };
    check("See www.example.com/news for more.", d, COUNT(d));
    const want_t e[] = { { "date", "2026년 3월 3일", 0, 0, "2026-03-03" },
                         { "date", "2026.3.2", 0, 0, "2026-03-02" },
                         { "date", "3 March 2026", 0, 0, "2026-03-03" } };
    check("회의는 2026년 3월 3일, 발표는 2026.3.2에 있었다. It met on 3 March 2026.", e, COUNT(e));
    /* Dates, amounts and counts are no phone numbers; no '@' word is an
     * address. */
    const want_t f[] = { { "date", "2026-03-03", 0, 0, "2026-03-03" } };
    check("On 2026-03-03 about 1,200,000 people and 3 2 1 counted; @home", f, COUNT(f));
}

static void test_people(void)
{
    const want_t a[] = { NAMED("person", "이재명"), NAMED("person", "박기석") };
    check("이재명 대통령은 회담을 가졌다. 박기석 기자", a, COUNT(a));
    /* Title first, in an aside; each person listed once. */
    const want_t b[] = { NAMED("person", "한성숙"), NAMED("person", "배경훈") };
    check("중소벤처기업부(장관 한성숙, 이하 중기부)와 배경훈 부총리는 한성숙 장관과 만났다.", b, COUNT(b));
    /* Countries, markets and "이 대통령" are no names. */
    check("한국 대통령과 미국 대통령, 세 나라가 시장 내 주도권을 쥐었다. 이 대통령은 웃었다.", NULL, 0);
    const want_t c[] = { NAMED("person", "Jane Doe"), NAMED("person", "Joe Biden") };
    check("Jane Doe said the plan works. President Joe Biden agreed.", c, COUNT(c));
    check("The Ministry said nothing. In Seoul it rained.", NULL, 0);
    /* A foreign name in Hangul has a space inside: two words before a
     * country and a title, known later by one of them ("웡 총리는"),
     * who then speaks the quote under the full name. */
    const want_t d[] = {
        NAMED("person", "로런스 웡"),
        { "quote", "함께 협력하겠다", 0, 0, "로런스 웡" },
        NAMED("person", "도널드 트럼프"),
        NAMED("person", "이시바 시게루"),
    };
    check("로런스 웡 싱가포르 총리가 왔다. 웡 총리는 “함께 협력하겠다”고 말했다. "
          "도널드 트럼프 전 미국 대통령과 트럼프 대통령의 측근. 이시바 시게루 일본 총리와 "
          "이시바 총리는 만났다.", d, COUNT(d));
    /* Without the short form standing before a title elsewhere, the words
     * before "미국 대통령" are no name; nor are determiners. */
    check("방문 중인 미국 대통령과 만났다. 이날 오후 일본 총리는 떠났다.", NULL, 0);
    check("그 이 일본 총리와 이 대통령은 만났다.", NULL, 0);
    /* A name before an organisation and a title; the organisation's
     * name is not the person's, and a word with a particle is no name. */
    const want_t e[] = {
        NAMED("person", "조준희"),
        NAMED("org", "한국인공지능·소프트웨어산업협회"),
        NAMED("org", "KOSA"),
        NAMED("person", "한성숙"),
    };
    check("조준희 한국인공지능·소프트웨어산업협회(KOSA) 회장과 한성숙 중기부 장관이 만났다.", e,
          COUNT(e));
    check("이번에 중기부 장관이 왔고 정부의 과기정통부 장관도 왔다. 백악관 과학기술정책실 실장.",
          NULL, 0);
}

static void test_orgs(void)
{
    const want_t a[] = { NAMED("org", "일본무역진흥기구"), NAMED("org", "JETRO"),
                         NAMED("org", "KOSA"), NAMED("org", "NIPA") };
    check("일본무역진흥기구(JETRO)가 예상했다. KOSA는 韓NIPA와 MOU를 맺었다.", a, COUNT(a));
    const want_t b[] = { NAMED("org", "Bank of Korea"), NAMED("org", "Seoul National University") };
    check("The Bank of Korea and Seoul National University signed an MOU on GDP and GPU data.",
          b, COUNT(b));
}

static void test_quotes(void)
{
    const want_t a[] = {
        NAMED("person", "이재명"),
        { "quote", "AI는 핵심 동력이다", 0, 0, "이재명" },
        { "quote", "협력을 확대하겠다", 0, 0, "이재명" },
        { "quote", "시장이 커지고 있다", 0, 0, NULL },
    };
    check("이재명 대통령이 도착했다. 이 대통령은 \"AI는 핵심 동력이다\"라며 "
          "“협력을 확대하겠다”고 말했다.\n\n업계 관계자는 \"시장이 커지고 있다\"고 했다.",
          a, COUNT(a));
    const want_t b[] = {
        { "quote", "We will build it here", 0, 0, "Jane Doe" },
        NAMED("person", "Jane Doe"),
    };
    check("\"We will build it here\", said Jane Doe on Monday.", b, COUNT(b));
}

TESTING_MAIN(
    TEST(test_money),
    TEST(test_contact),
    TEST(test_people),
    TEST(test_orgs),
    TEST(test_quotes))
