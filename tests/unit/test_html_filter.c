/* test_html_filter: what the pre-parse filter drops and what it must
 * never touch.
 *
 * Dropped: comments, inline scripts and style sheets (ended the way
 * libxml2 ends them: at the first "</script", any case), SVG drawings
 * (nested ones counted), attributes past the limit. Kept: JSON-LD, text,
 * anything whose end is missing, and markup that only looks similar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "common/buf.h"
#include "extract/extract.h"
#include "extract/html_filter.h"

static char *filtered(const char *s, int *changed)
{
    buf_t out = BUF_INIT;
    *changed = html_filter(s, strlen(s), &out);
    buf_putc(&out, '\0');          /* a string even when empty */
    return buf_detach(&out);
}

static void check_filter(const char *in, const char *want, int want_changed)
{
    int changed;
    char *got = filtered(in, &changed);
    CHECK_STR(got, want);
    CHECK_MSG(changed == want_changed, in);
    free(got);
}

static void test_dropped(void)
{
    check_filter("<p>a<!-- x <p>b</p> -->c</p>", "<p>ac</p>", 1);
    check_filter("<p>a</p><script>var s = '<p>x</p>';</script><p>b</p>", "<p>a</p><p>b</p>", 1);
    check_filter("<SCRIPT type=\"text/javascript\">x</ScRiPt >y", "y", 1);
    check_filter("<style media=\"screen\">p > a { color: red }</style>z", "z", 1);
    check_filter("a<svg><g><svg><text>t</text></svg></g></svg>b", "ab", 1);
    /* libxml2 ends a script at the first "</script", string or not. */
    check_filter("<script>s = \"</script>\";</script>x", "\";</script>x", 1);
    /* A '>' inside a quoted attribute does not end the tag. */
    check_filter("<script data-x=\"a>b\">code</script>t", "t", 1);
}

static void test_kept(void)
{
    const char *ld = "<script type=\"application/ld+json\">{\"a\":\"<b>\"}</script><p>t</p>";
    check_filter(ld, ld, 0);
    check_filter("<p>a < b and c > d</p><!DOCTYPE html></div>", "<p>a < b and c > d</p><!DOCTYPE html></div>", 0);
    check_filter("<scripts>x</scripts><styled>y</styled>", "<scripts>x</scripts><styled>y</styled>", 0);
    check_filter("<p>a<!-- never closed <p>b", "<p>a<!-- never closed <p>b", 0);
    check_filter("<p>a<script>never closed", "<p>a<script>never closed", 0);
    check_filter("<svg><svg></svg>", "<svg><svg></svg>", 0);
    check_filter("<p title='x", "<p title='x", 0);
    check_filter("", "", 0);
}

static void test_attribute_limit(void)
{
    buf_t in = BUF_INIT, want = BUF_INIT;
    buf_puts(&in, "<div");
    buf_puts(&want, "<div");
    for (int i = 0; i < HTML_FILTER_MAX_ATTRS + 50; i++) {
        char a[32];
        snprintf(a, sizeof(a), " a%d=\"v>%d\"", i, i);
        buf_puts(&in, a);
        if (i < HTML_FILTER_MAX_ATTRS)
            buf_puts(&want, a);
    }
    buf_puts(&in, ">text</div>");
    buf_puts(&want, " >text</div>");      /* the space before the first dropped one */
    int changed;
    char *got = filtered(buf_str(&in), &changed);
    CHECK_STR(got, buf_str(&want));
    CHECK(changed == 1);
    free(got);
    buf_free(&in);
    buf_free(&want);
}

/* Through the whole extraction: the text around dropped parts stays. */
static void test_extraction(void)
{
    const char *page =
        "<html><head><title>T</title><style>body{}</style></head><body><article>"
        "<p>Erster Absatz mit genug Text, damit er als Artikel z\xc3\xa4hlt.<!-- c --></p>"
        "<script>document.write('SCRIPT-TEXT')</script>"
        "<p>Zweiter Absatz<svg><text>SVG-TEXT</text></svg>, ebenfalls lang genug f\xc3\xbcr"
        " einen Artikel.</p></article></body></html>";
    record_t *r = extract_document("t", (const uint8_t *)page, strlen(page), NULL);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK(strstr(r->body, "Erster Absatz mit genug Text") != NULL);
    CHECK(strstr(r->body, "Zweiter Absatz, ebenfalls") != NULL);
    CHECK(strstr(r->body, "SCRIPT-TEXT") == NULL && strstr(r->body, "SVG-TEXT") == NULL);
    record_destroy(&r);
}

TESTING_MAIN(
    TEST(test_dropped),
    TEST(test_kept),
    TEST(test_attribute_limit),
    TEST(test_extraction))
