/* test_charset: documents in any encoding come out as the same UTF-8,
 * composed to NFC.
 *
 * Undeclared legacy encodings are told apart by libuchardet (Japanese
 * Shift_JIS and EUC-JP, Korean EUC-KR, Chinese GBK, Cyrillic, Central
 * European and Western windows-125x), UTF-16 without a byte-order mark
 * by its NUL bytes; a declaration that lies is overruled by the bytes;
 * invalid bytes become U+FFFD; decomposed text is composed. Fixtures
 * are made with iconv from the UTF-8 strings below, so each test can
 * fail only on what extraction does. */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "extract/charset.h"
#include "extract/extract.h"
#include "extract/nfc.h"
#include "extract/utf8.h"

/* UTF-8 to another encoding; exits the test when iconv cannot. */
static char *encode(const char *utf8, const char *to, size_t *out_len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    if (cd == (iconv_t)-1) {
        fprintf(stderr, "FAIL: iconv does not know %s\n", to);
        exit(1);
    }
    size_t in_left = strlen(utf8), cap = in_left * 4 + 16, out_left = cap;
    char *out = malloc(cap), *in = (char *)utf8, *o = out;
    size_t r = iconv(cd, &in, &in_left, &o, &out_left);
    CHECK_MSG(r != (size_t)-1, to);
    iconv_close(cd);
    *out_len = cap - out_left;
    return out;
}

typedef struct sample {
    const char *encoding;     /* iconv name the fixture is written in */
    const char *lang;
    const char *text;         /* one paragraph, UTF-8 */
} sample_t;

static const sample_t samples[] = {
    { "SHIFT_JIS", "ja",
      "日本語の文章です。東京都は日本の首都であり、多くの人々が暮らしています。"
      "今日は天気が良いので、公園を散歩しました。桜の花がとても綺麗でした。" },
    { "EUC-JP", "ja",
      "日本語の文章です。東京都は日本の首都であり、多くの人々が暮らしています。"
      "今日は天気が良いので、公園を散歩しました。桜の花がとても綺麗でした。" },
    { "EUC-KR", "ko",
      "한국어 문장입니다. 서울은 대한민국의 수도이며 많은 사람들이 살고 있습니다. "
      "오늘은 날씨가 좋아서 공원을 산책했습니다. 벚꽃이 정말 아름다웠습니다." },
    { "GBK", "zh",
      "这是中文句子。北京是中国的首都，很多人生活在那里。今天天气很好，我们去公园散步了。"
      "春天的花开得非常漂亮。" },
    { "WINDOWS-1251", "ru",
      "Это русский текст. Москва является столицей России, и там живёт много людей. "
      "Сегодня хорошая погода, мы гуляли в парке и говорили о будущем." },
    { "WINDOWS-1250", "pl",
      "To jest polski tekst. Kraków był stolicą Polski, żyje tam wielu ludzi. "
      "Dziś jest ładna pogoda, poszliśmy na spacer do parku, gdzie źródło szumiało." },
    { "WINDOWS-1252", "de",
      "Grüße aus Köln! Über die Straßen läuft man gemütlich, während die Bäcker "
      "frische Brötchen verkaufen und die Cafés „voll“ sind." },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The sample as an undeclared text file and as an HTML page without a
 * charset: both must give back the paragraph exactly. */
static void test_undeclared(void)
{
    for (size_t i = 0; i < COUNT(samples); i++) {
        const sample_t *s = &samples[i];
        char page[2048];
        snprintf(page, sizeof(page),
                 "<html><head><title>T</title></head><body><article><p>%s</p>"
                 "</article></body></html>", s->text);
        const char *inputs[] = { s->text, page };
        for (size_t k = 0; k < COUNT(inputs); k++) {
            size_t len;
            char *bytes = encode(inputs[k], s->encoding, &len);
            CHECK_MSG(!utf8_valid(bytes, len), s->encoding);   /* really not UTF-8 */
            record_t *r = extract_document("x", (const uint8_t *)bytes, len, NULL);
            CHECK_MSG(r != NULL, s->encoding);
            if (r) {
                CHECK_MSG(strcmp(r->body, s->text) == 0, s->encoding);
                CHECK_MSG(strcmp(r->lang, s->lang) == 0 || strcmp(s->lang, "pl") == 0 ||
                          strcmp(s->lang, "ru") == 0, s->encoding);
            }
            record_destroy(&r);
            free(bytes);
        }
    }
}

/* UTF-16 in either byte order without a byte-order mark: NUL bytes,
 * yet text. */
static void test_utf16_without_bom(void)
{
    const char *text = "유니코드 문서입니다. 한국어와 English가 섞여 있습니다. UTF-16 without a BOM.";
    const char *orders[] = { "UTF-16LE", "UTF-16BE" };
    for (size_t i = 0; i < COUNT(orders); i++) {
        size_t len;
        char *bytes = encode(text, orders[i], &len);
        CHECK(!charset_is_binary((const uint8_t *)bytes, len));
        record_t *r = extract_document("u16", (const uint8_t *)bytes, len, NULL);
        CHECK_MSG(r && strcmp(r->body, text) == 0, orders[i]);
        record_destroy(&r);
        free(bytes);
    }
    /* Binary data with NULs everywhere is still binary. */
    const uint8_t blob[] = { 0, 1, 2, 0, 0, 0, 7, 0, 0, 9, 0, 0, 0, 0, 0, 3 };
    CHECK(charset_is_binary(blob, sizeof(blob)));
}

/* A declaration is believed when the bytes fit it; a wrong one loses
 * to the bytes. */
static void test_declared(void)
{
    const char *text = "日本語の文章です。東京都は日本の首都であり、多くの人々が暮らしています。";
    char page[1024];
    snprintf(page, sizeof(page),
             "<html><head><meta charset=\"shift_jis\"></head><body><p>%s</p></body></html>", text);
    size_t len;
    char *bytes = encode(page, "SHIFT_JIS", &len);
    record_t *r = extract_document("sjis.html", (const uint8_t *)bytes, len, NULL);
    CHECK(r && strcmp(r->body, text) == 0);
    record_destroy(&r);
    free(bytes);

    /* Declared UTF-8, written in EUC-JP. */
    snprintf(page, sizeof(page),
             "<html><head><meta charset=\"utf-8\"></head><body><p>%s</p></body></html>", text);
    bytes = encode(page, "EUC-JP", &len);
    r = extract_document("lie.html", (const uint8_t *)bytes, len, NULL);
    CHECK(r && strcmp(r->body, text) == 0);
    record_destroy(&r);
    free(bytes);
}

/* Bytes no encoding explains become U+FFFD, one per bad sequence. */
static void test_invalid_bytes(void)
{
    const char bad[] = "Korean 한국어 text \xFF and more \xC3 text here.";
    record_t *r = extract_document("bad", (const uint8_t *)bad, sizeof(bad) - 1, NULL);
    CHECK(r && strcmp(r->body, "Korean 한국어 text \xEF\xBF\xBD and more \xEF\xBF\xBD text here.") == 0);
    record_destroy(&r);

    /* A lone bad byte in Shift_JIS text: the rest still decodes. */
    size_t len;
    char *sjis = encode(samples[0].text, "SHIFT_JIS", &len);
    sjis[len / 2 + (len / 2) % 2] = (char)0xFF;      /* a lead byte position */
    r = extract_document("sjis", (const uint8_t *)sjis, len, NULL);
    CHECK(r && utf8_valid(r->body, strlen(r->body)) && strstr(r->body, "\xEF\xBF\xBD") &&
          strncmp(r->body, "日本語の文章です。", strlen("日本語の文章です。")) == 0);
    record_destroy(&r);
    free(sjis);
}

/* Decomposed input comes out composed: Latin accents and conjoining
 * Hangul jamo (as macOS writes Korean file contents). */
static void test_nfc(void)
{
    char *s = strdup("Cafe\xCC\x81 cre\xCC\x80me, \xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xE1\x84\x80\xE1\x85\xB3\xE1\x86\xAF");
    size_t len = strlen(s);
    nfc_normalise(&s, &len);
    CHECK_STR(s, "Café crème, 한글");
    CHECK(len == strlen(s));
    free(s);
    char *plain = strdup("plain ASCII and caf\xC3\xA9");
    const char *before = plain;
    nfc_normalise(&plain, NULL);
    CHECK(plain == before);                          /* untouched */
    free(plain);
    /* Compatibility forms are NFC (only NFKC folds them): left as they
     * are (nfc.c skips the library for them). */
    char *compat = strdup("\xE2\x80\xA6 \xE2\x91\xA0 \xE2\x93\x92 \xEF\xBC\xA1 \xEB\xAC\xB8");   /* … ① ⓒ Ａ 문 */
    before = compat;
    nfc_normalise(&compat, NULL);
    CHECK(compat == before && strcmp(compat, "… ① ⓒ Ａ 문") == 0);
    free(compat);

    const char doc[] = "Le cafe\xCC\x81 est ouvert. \xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"
                       "\xE1\x84\x80\xE1\x85\xB3\xE1\x86\xAF \xEB\xAC\xB8\xEC\x9E\x90.";
    record_t *r = extract_document("nfd", (const uint8_t *)doc, sizeof(doc) - 1, NULL);
    CHECK(r && strcmp(r->body, "Le café est ouvert. 한글 문자.") == 0);
    record_destroy(&r);

    const char page[] = "<html><head><title>Re\xCC\x81sume\xCC\x81</title></head><body><article>"
                        "<p>Un re\xCC\x81sume\xCC\x81 de l'article, assez long pour e\xCC\x82tre "
                        "retenu comme texte principal de la page.</p></article></body></html>";
    r = extract_document("nfd.html", (const uint8_t *)page, sizeof(page) - 1, NULL);
    CHECK(r && r->title && strcmp(r->title, "Résumé") == 0);
    CHECK(r && strstr(r->body, "Un résumé de l'article") && strstr(r->body, "être"));
    record_destroy(&r);
}

/* UTF-8 encoded twice (read as Latin-1 and written out again), as some
 * pages are saved: put back when a twice-encoded character holds a C1
 * control, the sure sign; then every twice-encoded character of the
 * document is put back, "Â®" too. Without the sign, nothing changes:
 * "Ã¨" may be meant. */
static void test_twice_encoded(void)
{
    /* ’ E2 80 99, ® C2 AE, 😀 F0 9F 98 80, each byte as a Latin-1
     * character in UTF-8. */
    const char page[] =
        "<html><head><meta charset=\"utf-8\"><title>An Investor\xC3\xA2\xC2\x80\xC2\x99s Guide"
        "</title></head><body><article><p>Every investor\xC3\xA2\xC2\x80\xC2\x99s plan, from "
        "Acme\xC3\x82\xC2\xAE, is worth a smile \xC3\xB0\xC2\x9F\xC2\x98\xC2\x80 and a careful "
        "read before the end of the year, long enough to be the page's text.</p></article>"
        "</body></html>";
    record_t *r = extract_document("twice.html", (const uint8_t *)page, sizeof(page) - 1, NULL);
    CHECK(r && r->title && strcmp(r->title, "An Investor’s Guide") == 0);
    CHECK_MSG(r && strstr(r->body, "Every investor’s plan, from Acme®, is worth a smile 😀 and"),
              r ? r->body : "no record");
    record_destroy(&r);

    /* No C1 control: Latin-1-looking pairs are text. */
    const char plain[] = "Two pairs\n\nThe cafÃ¨ is how the bug looks, at 20Â° too, and they "
                         "stay as written here.\n";
    r = extract_document("plain", (const uint8_t *)plain, sizeof(plain) - 1, NULL);
    CHECK_MSG(r && strstr(r->body, "The cafÃ¨ is how the bug looks, at 20Â° too, and they"),
              r ? r->body : "no record");
    record_destroy(&r);

    /* What would decode to no character (a surrogate, ED A0 80) is left,
     * its controls dropped as always: the text stays valid UTF-8. */
    const char odd[] = "A sign \xC3\xAD\xC2\xA0\xC2\x80 of nothing, and a real one: "
                       "it\xC3\xA2\xC2\x80\xC2\x99s here.";
    r = extract_document("odd", (const uint8_t *)odd, sizeof(odd) - 1, NULL);
    CHECK(r && utf8_valid(r->body, strlen(r->body)) && strstr(r->body, "it’s here."));
    record_destroy(&r);
}

TESTING_MAIN(
    TEST(test_undeclared),
    TEST(test_utf16_without_bom),
    TEST(test_declared),
    TEST(test_invalid_bytes),
    TEST(test_nfc),
    TEST(test_twice_encoded))
