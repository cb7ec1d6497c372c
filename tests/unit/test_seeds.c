/* test_seeds: the four documents of ../shared/corpus/seeds, exactly.
 *
 * Each seed is real input as the project's user supplies it (Korean news
 * text scraped from the web, see the corpus README). For each one: the
 * title, date and author; every amount with its value and currency;
 * the people, organisations and phone numbers named; what the body must
 * begin with and hold, and the site chrome it must not hold. The
 * expectations were written by reading the seed files, not by copying
 * what the extractor printed. Entity lists are compared as sets of
 * texts per type, in document order, so that a new false find fails as
 * surely as a missing one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "extract/extract.h"
#include "extract/utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define END NULL

static record_t *extract_seed(const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/seeds/%s", testing_corpus(), name);
    size_t len;
    unsigned char *data = testing_read_file(path, &len);
    char *error = NULL;
    record_t *r = extract_document(path, data, len, &error);
    CHECK_MSG(r != NULL, error);
    free(error);
    free(data);
    return r;
}

static int contains(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle) != NULL;
}

static size_t occurrences(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The texts of the entities of one type, in order, are exactly want
 * (a NULL-terminated list). */
static void check_entities(const record_t *r, const char *type, const char *const *want)
{
    size_t k = 0;
    for (size_t i = 0; i < r->entity_count; i++) {
        if (strcmp(r->entities[i].type, type) != 0)
            continue;
        char detail[512];
        snprintf(detail, sizeof(detail), "%s #%zu: got \"%s\", want \"%s\"", type, k,
                 r->entities[i].text, want[k] ? want[k] : "(no more)");
        CHECK_MSG(want[k] && strcmp(r->entities[i].text, want[k]) == 0, detail);
        if (want[k])
            k++;
    }
    CHECK_MSG(want[k] == NULL, want[k]);      /* none missing */
}

typedef struct amount {
    const char *text;
    double value;
    const char *unit;
} amount_t;

static void check_money(const record_t *r, const amount_t *want, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < r->entity_count; i++) {
        const entity_t *e = &r->entities[i];
        if (strcmp(e->type, "money") != 0)
            continue;
        CHECK_MSG(k < n, e->text);
        if (k >= n)
            continue;
        CHECK_STR(e->text, want[k].text);
        CHECK_MSG(e->has_value && e->value == want[k].value, want[k].text);
        CHECK_STR(e->unit, want[k].unit);
        k++;
    }
    CHECK(k == n);
}

static void check_body(const record_t *r, const char *const *present, size_t n_present,
                       const char *const *absent, size_t n_absent)
{
    CHECK(utf8_valid(r->body, strlen(r->body)));
    for (size_t i = 0; i < n_present; i++)
        CHECK_MSG(contains(r->body, present[i]), present[i]);
    for (size_t i = 0; i < n_absent; i++)
        CHECK_MSG(!contains(r->body, absent[i]), absent[i]);
    /* Markup and scraper residue never reach a body. */
    static const char *const residue[] = {
        "<p>", "</p>", "<sup>", "<li>", "<ul", "-->", "\\*", "\t", "## ", "\n\n\n",
    };
    for (size_t i = 0; i < COUNT(residue); i++)
        CHECK_MSG(!contains(r->body, residue[i]), residue[i]);
}

/* ---- 000: news article, date header glued to the first line -------- */

static void test_seed_000(void)
{
    record_t *r = extract_seed("000_f42b9ca64b9c6411.txt");
    if (!r)
        return;
    CHECK_STR(r->kind, "text");
    CHECK_STR(r->lang, "ko");
    CHECK_STR(r->title, "이재명 대통령의 싱가포르 국빈 방문을 계기로 한국과 싱가포르의 "
                        "인공지능(AI) 협력이 단순한 기술 교류를 넘어 '전략적 동맹' 수준으로 격상됐다.");
    CHECK_STR(r->published, "2026-03-03");
    CHECK(r->author == NULL);
    const char *const present[] = {
        "자본·기술·인재 묶은 AI 협력 타진",
        "\"AI는 산업 구조와 일자리, 우리 일상까지 바꾸는 핵심 동력이자 국가 경쟁력을 좌우하는 전략 자산\"",
        "싱가포르국립대(NUS)",
        "\"실용 영역 세계 1위 가능\"...AI 동맹, 필리핀서 이어질까",
        "힘써 나아갔으면 좋겠다\"고 말했다.",
    };
    const char *const absent[] = {
        "date 2026", "(사진=뉴스1)", "2026.3.2 (사진",
    };
    check_body(r, present, COUNT(present), absent, COUNT(absent));
    CHECK(strncmp(r->body, "이재명 대통령의 싱가포르 국빈 방문을 계기로", strlen("이재명 대통령의 싱가포르 국빈 방문을 계기로")) == 0);
    const amount_t money[] = {
        { "3억 달러", 3e8, "USD" }, { "500억원", 5e10, "KRW" },
    };
    check_money(r, money, COUNT(money));
    /* 조준희 stands before his association and its title. */
    const char *const people[] = { "이재명", "조준희", "배경훈", END };
    check_entities(r, "person", people);
    const char *const orgs[] = { "NUS", "한국인공지능·소프트웨어산업협회", "KOSA", "ASEAN", END };
    check_entities(r, "org", orgs);
    const char *const none[] = { END };
    check_entities(r, "phone", none);
    /* Quotes name their speaker, also through "이 대통령은". */
    size_t quotes = 0, by_lee = 0;
    for (size_t i = 0; i < r->entity_count; i++) {
        const entity_t *e = &r->entities[i];
        if (strcmp(e->type, "quote") != 0)
            continue;
        quotes++;
        by_lee += e->unit && strcmp(e->unit, "이재명") == 0;
        if (strcmp(e->text, "한국의 독자적인 AI 파운데이션 모델 경쟁력을 바탕으로 싱가포르와 함께 "
                            "아세안, 중동을 잇는 시장 생태계를 만들겠다") == 0)
            CHECK_STR(e->unit, "배경훈");
        if (strncmp(e->text, "한국은 세계적인 수준의 AI 모델과", strlen("한국은 세계적인 수준의 AI 모델과")) == 0)
            CHECK_STR(e->unit, "조준희");
    }
    CHECK(quotes == 13);
    CHECK(by_lee >= 6);
    /* Keywords without their particles: "싱가포르와" counts as "싱가포르". */
    int singapore = 0, president = 0;
    for (size_t i = 0; i < r->keyword_count; i++) {
        singapore |= strcmp(r->keywords[i], "싱가포르") == 0;
        president |= strcmp(r->keywords[i], "대통령") == 0;
        CHECK_MSG(strcmp(r->keywords[i], "싱가포르와") && strcmp(r->keywords[i], "싱가포르의") &&
                  strcmp(r->keywords[i], "대통령은") && strcmp(r->keywords[i], "대통령이"),
                  r->keywords[i]);
    }
    CHECK(singapore && president);
    CHECK(r->keyword_count > 0 && r->keyword_count <= 10);
    record_destroy(&r);
}

/* ---- 001: press release with Markdown, tags and tables ------------- */

static void test_seed_001(void)
{
    record_t *r = extract_seed("001_dd92a065f0790425.txt");
    if (!r)
        return;
    CHECK_STR(r->lang, "ko");
    CHECK_STR(r->title, "「한-싱 AI커넥트 서밋」 개최 계기 양국 AI협력체계 구축 및 협력성과 창출 본격화");
    CHECK(r->published == NULL);              /* "3. 2.(월)": no year is given */
    CHECK(r->author == NULL);
    const char *const present[] = {
        "총력*을 기울이고",                                  /* Markdown escape undone */
        "①韓카이스트 AI대학원-싱NUS",                         /* tags dropped, text kept */
        "< '한-싱 AI얼라이언스' 주요 협력계획(예시) >",         /* prose, not a tag */
        "韓카이스트 AI대학원 - 싱NUS SoC* AI 연구 협력 MoU",
        "구분 | 주요 내용(안)",                               /* table cells */
        "싱가포르교정청(SPS) 자율주행 물류 사업 공동 수주",
    };
    const char *const absent[] = { "style=", "list-style" };
    check_body(r, present, COUNT(present), absent, COUNT(absent));
    const amount_t money[] = {
        { "3억불", 3e8, "USD" }, { "500억원", 5e10, "KRW" }, { "3억달러", 3e8, "USD" },
    };
    check_money(r, money, COUNT(money));
    const char *const people[] = { "한성숙", "배경훈", "이재명", END };
    check_entities(r, "person", people);
    const char *const orgs[] = {
        "IITP", "AISG", "NUS", "School of Computing", "NCS", "SMRT", "NIPA", "HTX",
        "싱가포르교정청", "SPS", END,
    };
    check_entities(r, "org", orgs);
    const char *const phones[] = {
        "044-202-6260", "044-202-6283", "044-202-6262", "044-204-7710", "044-204-7714",
        "044-204-7732", END,
    };
    check_entities(r, "phone", phones);
    record_destroy(&r);
}

/* ---- 002: a page with its site around it ---------------------------- */

static void test_seed_002(void)
{
    record_t *r = extract_seed("002_df1b43c08a17ac38.txt");
    if (!r)
        return;
    CHECK_STR(r->lang, "ko");
    CHECK_STR(r->title, "한·싱가포르 ‘AI 동맹’ 뜬다… SMR·공공안전 전방위 협력");
    CHECK_STR(r->author, "박기석");                  /* "박기석 기자" */
    CHECK_STR(r->published, "2026-03-03");           /* and "입력 2026-03-03 00:04" */
    const char *const present[] = {
        "이재명 대통령은 2일 로런스 웡 싱가포르 총리와의 정상회담에서",
        "딥엑스 칩 위의 버터만 녹지 않아 현장의 이목을 집중시켰다.",
        "“2030년까지 싱가포르에 3억 달러(약 4386억원) 규모의 글로벌 펀드(K-VCC)를 조성하겠다”",
    };
    /* Menu, byline, timestamps, buttons, poll, copyright and trailer. */
    const char *const absent[] = {
        "사이트맵", "로그인", "기사 읽어주기", "글자크기", "Copyright", "광고삭제",
        "관련기사", "많이 본 뉴스", "투표", "박기석 기자", "입력 2026", "수정 2026",
        "기사 검색", "스포츠\n", "정치\n\n대통령", "이미지 확대", "1 / 3", "위로",
        "동계올림픽 중계권", "서울신문 추천 뉴스", "close button", "2026-03-03 6면",
    };
    check_body(r, present, COUNT(present), absent, COUNT(absent));
    CHECK(strncmp(r->body, "李대통령·웡 총리 정상회담", strlen("李대통령·웡 총리 정상회담")) == 0);
    /* The photo caption once, not three times. */
    CHECK(occurrences(r->body, "이 대통령 맞은편에는 로런스 웡 싱가포르 총리.") == 1);
    const amount_t money[] = {
        { "3억 달러", 3e8, "USD" }, { "4386억원", 4.386e11, "KRW" },
    };
    check_money(r, money, COUNT(money));
    /* A foreign name in Hangul, with its space: "로런스 웡 싱가포르 총리". */
    const char *const people[] = { "이재명", "로런스 웡", END };
    check_entities(r, "person", people);
    /* "웡 총리는 “...”" is his; "이 대통령은 “...”고 말했다. 웡 총리도" is not. */
    for (size_t i = 0; i < r->entity_count; i++) {
        const entity_t *e = &r->entities[i];
        if (strcmp(e->type, "quote") != 0)
            continue;
        if (!strncmp(e->text, "싱가포르는 원전의", strlen("싱가포르는 원전의")) ||
            !strncmp(e->text, "저희는 유사 입장국으로서", strlen("저희는 유사 입장국으로서")))
            CHECK_STR(e->unit, "로런스 웡");
        if (!strncmp(e->text, "오늘날 초불확실성 시대의", strlen("오늘날 초불확실성 시대의")))
            CHECK_STR(e->unit, "이재명");
    }
    const char *const none[] = { END };
    check_entities(r, "phone", none);
    /* MOU, FTA, SMR, GPU are things, not organisations. */
    for (size_t i = 0; i < r->entity_count; i++)
        if (strcmp(r->entities[i].type, "org") == 0)
            CHECK_MSG(strcmp(r->entities[i].text, "MOU") && strcmp(r->entities[i].text, "FTA") &&
                      strcmp(r->entities[i].text, "SMR") && strcmp(r->entities[i].text, "GPU"),
                      r->entities[i].text);
    record_destroy(&r);
}

/* ---- 004: amounts in Korean numerals, photo captions, a repeat ------ */

static void test_seed_004(void)
{
    record_t *r = extract_seed("004_76483b81068cf569.txt");
    if (!r)
        return;
    CHECK_STR(r->lang, "ko");
    CHECK_STR(r->published, "2025-08-25");
    CHECK(r->author == NULL);              /* "(사진=전화평 기자)" is a credit */
    const char *const present[] = {
        "113분간 회담을 나눈",
        "1조1천35억 엔에 도달할 것으로 일본무역진흥기구(JETRO)에서 예상했다.",
        "APEC·IPEF·G7 등 다자 무대에서 세 나라의 발언권이 더 강화될 것\"이라고 덧붙였다.",
    };
    /* Photo captions end in their credit; the scraper's repeated block
     * of the last paragraphs is kept once. */
    const char *const absent[] = {
        "(사진=AFP, 뉴스1)", "(사진=전화평 기자)", "(사진=뉴스1)", "date 2025",
    };
    check_body(r, present, COUNT(present), absent, COUNT(absent));
    CHECK(occurrences(r->body, "업계 관계자는 \"미국이 AI 액션플랜을 가동한 것은") == 1);
    CHECK(occurrences(r->body, "일각에선 이 대통령의 정상회담을 계기로") == 1);
    const amount_t money[] = {
        { "10조 엔", 1e13, "JPY" }, { "95조원", 9.5e13, "KRW" },
        { "1조1천35억 엔", 1103500000000.0, "JPY" }, { "1조7천774억 엔", 1777400000000.0, "JPY" },
        { "3천만 엔", 3e7, "JPY" },
    };
    check_money(r, money, COUNT(money));
    /* Foreign names in full, once each: "이시바 총리" later is the same man. */
    const char *const people[] = { "이재명", "이시바 시게루", "도널드 트럼프", "하정우", END };
    check_entities(r, "person", people);
    const char *const orgs[] = {
        "HAI", "일본무역진흥기구", "JETRO", "한국연구재단", "NRF", "과학기술진흥기구", "JST",
        "SICORP", "한국인공지능·소프트웨어산업협회", "KOSA", "과학기술정책실", "OSTP", "APEC",
        "IPEF", END,
    };
    check_entities(r, "org", orgs);
    /* Percentages, and numbers with other units that are no amount. */
    int percent = 0;
    for (size_t i = 0; i < r->entity_count; i++) {
        const entity_t *e = &r->entities[i];
        if (strcmp(e->text, "23.2%") == 0)
            percent = strcmp(e->type, "percent") == 0 && e->value == 23.2 &&
                      strcmp(e->unit, "%") == 0;
        CHECK_MSG(strcmp(e->text, "113분") && strcmp(e->text, "36개국"), e->text);
    }
    CHECK(percent);
    /* The quotes of "업계 관계자" (an unnamed official) have no speaker. */
    for (size_t i = 0; i < r->entity_count; i++)
        if (strcmp(r->entities[i].type, "quote") == 0 &&
            strncmp(r->entities[i].text, "미국이 AI 액션플랜을", strlen("미국이 AI 액션플랜을")) == 0)
            CHECK(r->entities[i].unit == NULL);
    record_destroy(&r);
}

/* Every entity of every seed carries its offset, and the body holds its
 * text there, byte for byte; entities come in order of their offsets. */
static void test_seed_offsets(void)
{
    static const char *const seeds[] = {
        "000_f42b9ca64b9c6411.txt", "001_dd92a065f0790425.txt",
        "002_df1b43c08a17ac38.txt", "004_76483b81068cf569.txt",
    };
    for (size_t s = 0; s < COUNT(seeds); s++) {
        record_t *r = extract_seed(seeds[s]);
        if (!r)
            continue;
        CHECK_MSG(r->entity_count > 10, seeds[s]);
        size_t body_len = strlen(r->body), bad = 0, unordered = 0;
        for (size_t i = 0; i < r->entity_count; i++) {
            const entity_t *e = &r->entities[i];
            size_t len = strlen(e->text);
            if (!e->has_offset || e->offset > body_len || len > body_len - e->offset
                || memcmp(r->body + e->offset, e->text, len) != 0)
                bad++;
            if (i && e->offset < r->entities[i - 1].offset)
                unordered++;
        }
        CHECK_MSG(bad == 0, seeds[s]);
        CHECK_MSG(unordered == 0, seeds[s]);
        record_destroy(&r);
    }
}

TESTING_MAIN(
    TEST(test_seed_000),
    TEST(test_seed_001),
    TEST(test_seed_002),
    TEST(test_seed_004),
    TEST(test_seed_offsets))
