/* Unit tests for extract/lang: scripts decide most languages, Latin
 * text is a vote of function words, and the declared language settles
 * only ties, weak votes and the choices a script leaves open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "extract/lang.h"
#include "testing.h"

static void expect_lang(const char *text, const char *hint, const char *want)
{
    const char *got = lang_detect(text, strlen(text), hint);
    char detail[300];
    snprintf(detail, sizeof detail, "\"%.200s\" (hint %s): %s, expected %s", text,
             hint ? hint : "none", got ? got : "(null)", want);
    CHECK_MSG(got && strcmp(got, want) == 0, detail);
}

static void test_scripts(void)
{
    expect_lang("정부는 다음 주 새로운 경제 대책을 발표할 예정이다.", NULL, "ko");
    /* Latin acronyms and Han in Korean text do not outvote Hangul. */
    expect_lang("삼성전자는 AI 반도체와 HBM 생산을 늘린다고 밝혔다. 韓國 經濟", NULL, "ko");
    expect_lang("東京タワーは日本の観光名所です。", NULL, "ja");
    expect_lang("ﾃｽﾄです", NULL, "ja");
    expect_lang("北京欢迎你，政府下周将公布新的经济政策。", NULL, "zh");
    expect_lang("Привет, мир! Правительство объявило о новых мерах.", NULL, "ru");
    expect_lang("Η κυβέρνηση ανακοίνωσε νέα μέτρα.", NULL, "el");
    expect_lang("مرحبا بالعالم", NULL, "ar");
    expect_lang("שלום עולם", NULL, "he");
    expect_lang("สวัสดีครับ ประเทศไทย", NULL, "th");
    expect_lang("नमस्ते दुनिया", NULL, "hi");
    expect_lang("Բարեւ աշխարհ, սա հայերեն տեքստ է։", NULL, "und");
    /* The claim chooses among the languages of the script... */
    expect_lang("北京欢迎你", "ja", "ja");
    expect_lang("Привет мир", "uk", "uk");
    expect_lang("مرحبا بالعالم", "fa", "fa");
    /* ...and never against it. */
    expect_lang("정부는 새로운 경제 대책을 발표했다.", "en", "ko");
    expect_lang("Привет мир", "en", "ru");
    expect_lang("Η κυβέρνηση ανακοίνωσε", "en", "el");
    expect_lang("北京欢迎你", "ko", "zh");
}

static void test_latin_votes(void)
{
    expect_lang("The committee said that it will publish the report and the data.", NULL, "en");
    expect_lang("Die Regierung hat nicht gesagt, wie sie das Problem mit den Kosten lösen wird.",
                NULL, "de");
    expect_lang("Le gouvernement a annoncé que les mesures seront prises dans les prochains jours.",
                NULL, "fr");
    expect_lang("El gobierno dijo que las medidas se tomarán en los próximos días.", NULL, "es");
    expect_lang("Il governo ha detto che le misure saranno prese nei prossimi giorni.", NULL, "it");
    expect_lang("O governo disse que as medidas serão tomadas nos próximos dias.", NULL, "pt");
    expect_lang("De regering heeft gezegd dat de maatregelen in de komende dagen worden genomen.",
                NULL, "nl");
    /* Upper case votes like lower case. */
    expect_lang("THE COMMITTEE SAID THAT IT WILL PUBLISH THE REPORT AND THE DATA.", NULL, "en");
    /* A clear vote beats a wrong claim. */
    expect_lang("The committee said that it will publish the report and the data.", "de", "en");
    /* No function word at all: the claim, else "und". */
    expect_lang("Rząd ogłosił nowe przepisy dotyczące podatków", NULL, "und");
    expect_lang("Rząd ogłosił nowe przepisy dotyczące podatków", "pl", "pl");
    /* A claim of a non-Latin language does not name Latin text. */
    expect_lang("Rząd ogłosił nowe przepisy dotyczące podatków", "ko", "und");
    /* A tie: the claim settles it; without one, "und". "la" votes for
     * fr, es and it alike. */
    expect_lang("la", "it", "it");
    expect_lang("la", "pl", "pl");
    expect_lang("la", NULL, "und");
    /* Under 5% function words is weak: the claim wins. */
    buf_t text = BUF_INIT;
    buf_puts(&text, "the");
    for (int i = 0; i < 30; i++)
        buf_puts(&text, " Warszawa");
    expect_lang(text.data, "pl", "pl");
    buf_free(&text);
}

static void test_empty_and_invalid(void)
{
    expect_lang("", NULL, "und");
    expect_lang("", "ko", "und");
    expect_lang("1234 5678 !!! ... ---", NULL, "und");
    expect_lang("\xff\xfe\xfd\x80\x80", NULL, "und");
    expect_lang("\xea\xb0", NULL, "und");           /* a syllable cut short */
    expect_lang("\xff 정부는 \xfe 경제 대책을 \xea\xb0", NULL, "ko");
    /* The declared language that decides is the hint itself. */
    const char *hint = "pl";
    CHECK(lang_detect("Rząd ogłosił", strlen("Rząd ogłosił"), hint) == hint);
    /* NULL text with no length. */
    CHECK_STR(lang_detect(NULL, 0, NULL), "und");
}

static void test_sample(void)
{
    /* Only the first 64 KiB decide: English, then much more Korean. */
    buf_t text = BUF_INIT;
    while (text.len < 70 * 1024)
        buf_puts(&text, "The committee said that it will publish the report and the data. ");
    for (int i = 0; i < 20000; i++)
        buf_puts(&text, "정부는 경제 대책을 발표했다. ");
    CHECK_STR(lang_detect(text.data, text.len, NULL), "en");
    buf_free(&text);

    /* A Korean text whose sample ends inside a syllable, in an
     * exact-size buffer (AddressSanitizer sees any read past it); every
     * cut in the last bytes. */
    for (size_t extra = 0; extra < 4; extra++) {
        size_t len = 64 * 1024 + extra + 1;
        char *korean = malloc(len);
        for (size_t i = 0; i + 3 <= len; i += 3)
            memcpy(korean + i, "한", 3);
        memset(korean + len - len % 3, 'x', len % 3);
        CHECK_STR(lang_detect(korean, len, NULL), "ko");
        CHECK_STR(lang_detect(korean, len - 1, NULL), "ko");
        free(korean);
    }
}

static void test_stopwords(void)
{
    static const char *const stop[] = {
        "the", "and", "of", "a", "an", "said", "der", "die", "und", "für", "les", "être",
        "los", "más", "también", "il", "è", "più", "não", "são", "het", "een", "wordt",
    };
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        CHECK_MSG(lang_is_stopword(stop[i], strlen(stop[i])), stop[i]);
    static const char *const not_stop[] = {
        "budget", "council", "th", "thee", "then1", "", "fü", "dies", "정부", "經濟", "x",
    };
    for (size_t i = 0; i < sizeof not_stop / sizeof not_stop[0]; i++)
        CHECK_MSG(!lang_is_stopword(not_stop[i], strlen(not_stop[i])), not_stop[i]);
    /* The word is given lowercased: "The" is not looked up as "the". */
    CHECK(!lang_is_stopword("The", 3));
    /* Only len bytes count: "then" cut to "the". */
    CHECK(lang_is_stopword("then", 3));
    CHECK(!lang_is_stopword("the", 2));
}

TESTING_MAIN(
    TEST(test_stopwords),
    TEST(test_scripts),
    TEST(test_latin_votes),
    TEST(test_empty_and_invalid),
    TEST(test_sample))
