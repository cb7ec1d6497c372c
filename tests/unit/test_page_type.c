/* test_page_type: each kind of page, as a site would write it, is told
 * from its own signals; plain text has no type; the record, the wire and
 * `feedmill extract`'s JSON carry it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "extract/extract.h"
#include "extract/html.h"
#include "extract/page_type.h"
#include "proto/message.h"
#include "testing.h"

static char *page_type_of(const char *html)
{
    char *error = NULL;
    record_t *r = extract_document("test.html", (const uint8_t *)html, strlen(html), &error);
    CHECK_MSG(r != NULL, error ? error : "no record");
    free(error);
    char *type = r && r->page_type ? strdup(r->page_type) : NULL;
    record_destroy(&r);
    return type;
}

static void expect_type(const char *html, const char *want, const char *what)
{
    char *got = page_type_of(html);
    if (!got || strcmp(got, want))
        testing_fail_str(__FILE__, __LINE__, what, got, want);
    else
        testing_passed++;
    free(got);
}

#define PARAGRAPH "<p>The committee met on Tuesday to discuss the budget for the coming year, " \
                  "and the members agreed on most of the points raised by the chair.</p>"

static void test_each_type(void)
{
    expect_type("<html><head><title>Rates rise</title>"
                 "<meta property=\"og:type\" content=\"article\">"
                 "<meta property=\"article:published_time\" content=\"2026-03-03T10:00:00Z\">"
                 "<link rel=\"canonical\" href=\"https://news.example/2026/03/03/rates-rise\">"
                 "</head><body><article><h1>Rates rise</h1>" PARAGRAPH PARAGRAPH
                 "</article></body></html>", "article", "a dated news article");

    expect_type("<html><head><title>Stuck on start</title>"
                 "<link rel=\"canonical\" href=\"https://community.example.org/t/stuck-on-start/724779\">"
                 "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
                 "\"@type\":\"DiscussionForumPosting\",\"headline\":\"Stuck on start\"}</script>"
                 "</head><body>"
                 "<div class=\"topic-post\"><div class=\"cooked\">" PARAGRAPH "</div></div>"
                 "<div class=\"topic-post\"><div class=\"cooked\">" PARAGRAPH "</div></div>"
                 "<div class=\"topic-post\"><div class=\"cooked\">" PARAGRAPH "</div></div>"
                 "</body></html>", "forum", "a forum thread");

    expect_type("<html><head><title>Wool runners</title>"
                 "<meta property=\"og:type\" content=\"product\">"
                 "<link rel=\"canonical\" href=\"https://shop.example/products/wool-runners\">"
                 "<script type=\"application/ld+json\">{\"@type\":\"Product\",\"name\":\"Wool "
                 "runners\",\"offers\":{\"@type\":\"Offer\",\"price\":\"98.00\"}}</script>"
                 "</head><body><h1>Wool runners</h1><span class=\"price\">$98</span>"
                 PARAGRAPH "<button>Add to cart</button></body></html>", "product",
                 "a product page");

    expect_type("<html><head><title>Men's sneakers</title>"
                 "<link rel=\"canonical\" href=\"https://shop.example/collections/mens-sneakers\">"
                 "</head><body><h1>Men's sneakers</h1><ul>"
                 "<li class=\"product-card\"><a href=\"/products/a\">Runner</a><span class=\"price\">$98</span></li>"
                 "<li class=\"product-card\"><a href=\"/products/b\">Dasher</a><span class=\"price\">$120</span></li>"
                 "<li class=\"product-card\"><a href=\"/products/c\">Lounger</a><span class=\"price\">$95</span></li>"
                 "<li class=\"product-card\"><a href=\"/products/d\">Breezer</a><span class=\"price\">$105</span></li>"
                 "<li class=\"product-card\"><a href=\"/products/e\">Piper</a><span class=\"price\">$90</span></li>"
                 "</ul>" PARAGRAPH "</body></html>", "collection", "a shop's category");

    char listing[8192] = "<html><head><title>News</title>"
                         "<link rel=\"canonical\" href=\"https://www.example.edu/news\">"
                         "</head><body><h1>News</h1>";
    for (int i = 0; i < 16; i++) {
        char item[256];
        snprintf(item, sizeof item, "<div class=\"teaser\"><h3><a href=\"/news/story-%d\">Story "
                 "number %d of the week</a></h3><time>2026-03-%02d</time><p>A short summary of "
                 "story %d.</p></div>", i, i, i + 1, i);
        strcat(listing, item);
    }
    strcat(listing, "</body></html>");
    expect_type(listing, "listing", "a list of news");

    expect_type("<html><head><title>Configuration</title>"
                 "<link rel=\"canonical\" href=\"https://docs.example.org/en/latest/config.html\">"
                 "</head><body><nav class=\"toc\">Contents</nav><h1>Configuration</h1>" PARAGRAPH
                 "<pre>feedmill run --db news.db</pre>" PARAGRAPH
                 "<pre>feedmill search --db news.db rates</pre>"
                 "<p>Set <code>--workers</code> and <code>--batch</code>.</p>"
                 "<pre>[sink]\nbatch = 500</pre></body></html>", "documentation",
                 "a documentation page");

    expect_type("<html><head><title>Moving services</title>"
                 "<link rel=\"canonical\" href=\"https://movers.example/services/residential\">"
                 "<script type=\"application/ld+json\">{\"@type\":\"Service\",\"name\":"
                 "\"Residential moving\"}</script></head><body>"
                 "<section class=\"hero\"><h1>Moving made easy</h1><button>Get a quote</button></section>"
                 "<h2>Packing</h2>" PARAGRAPH "<h2>Storage</h2>" PARAGRAPH
                 "<section class=\"pricing\"><h2>Plans</h2></section>"
                 "<section class=\"testimonial\"><h2>What customers say</h2></section>"
                 "<form><input name=\"zip\"><input name=\"date\"><input name=\"email\">"
                 "<button>Send</button></form></body></html>", "service", "a service page");

    /* Nothing says anything: an article, the commonest kind. */
    expect_type("<html><body><h1>Notes</h1>" PARAGRAPH PARAGRAPH "</body></html>", "article",
                "a page without signals");
}

/* ---- pages written the way other sites write them ------------------ */

static const char branch_article[] =
    "<html><head><title>Rivers rise</title>"
    "<meta property=\"og:type\" content=\"article\">"
    "<meta property=\"article:published_time\" content=\"2025-03-04\">"
    "<link rel=\"canonical\" href=\"https://news.example.com/2025/03/04/rivers-rise-after-the-long-storm\">"
    "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \"datePublished\": \"2025-03-04\"}</script>"
    "</head><body><article><h1>Rivers rise</h1><p class=\"byline\">By A. Writer</p>"
    "<p>The rivers of the valley rose through the night as the storm that had stalled over the hills "
    "for three days finally broke, sending water down every creek and gully into the towns below, "
    "where residents had spent the evening stacking sandbags.</p>"
    "<p>Officials said the crest would pass before noon, and that the new levees, finished only last "
    "autumn after years of argument about their cost, had held everywhere they had been tested by the "
    "water so far, though several roads remained closed.</p></article></body></html>";

static const char branch_forum[] =
    "<html><head><title>Fan noise after update</title>"
    "<link rel=\"canonical\" href=\"https://forums.example.org/threads/fan-noise-after-update.1234/\">"
    "<script type=\"application/ld+json\">{\"@type\": \"DiscussionForumPosting\"}</script>"
    "</head><body><div class=\"thread\">"
    "<div class=\"message\"><div class=\"userinfo\">alice</div><div class=\"postbody\">My fan is loud.</div></div>"
    "<div class=\"message\"><div class=\"userinfo\">bob</div><div class=\"postbody\">Same here.</div></div>"
    "<div class=\"message\"><div class=\"userinfo\">carol</div><div class=\"postbody\">Try the BIOS.</div></div>"
    "<div class=\"message\"><div class=\"userinfo\">alice</div><div class=\"postbody\">That fixed it.</div></div>"
    "</div><form><textarea name=\"reply\"></textarea></form></body></html>";

static const char branch_product[] =
    "<html><head><title>Wool Runner</title>"
    "<meta property=\"og:type\" content=\"product\">"
    "<link rel=\"canonical\" href=\"https://shop.example.com/products/wool-runner\">"
    "<script type=\"application/ld+json\">{\"@type\": \"Product\", \"offers\": {\"@type\": \"Offer\"}}</script>"
    "</head><body><h1>Wool Runner</h1><span class=\"price\">$98.00</span>"
    "<p>Soft, breathable wool sneakers for every day.</p>"
    "<button class=\"add-to-cart\">Add to cart</button></body></html>";

static const char branch_collection[] =
    "<html><head><title>Bookcases</title>"
    "<meta property=\"og:type\" content=\"product.group\">"
    "<link rel=\"canonical\" href=\"https://www.example.com/collections/bookcases\">"
    "</head><body><h1>Bookcases</h1><ul class=\"grid\">"
    "<li class=\"product-card\"><a href=\"/p/1\">Oak shelf</a><span class=\"price\">$120</span><button>Add to cart</button></li>"
    "<li class=\"product-card\"><a href=\"/p/2\">Pine shelf</a><span class=\"price\">$90</span><button>Add to cart</button></li>"
    "<li class=\"product-card\"><a href=\"/p/3\">Birch shelf</a><span class=\"price\">$110</span><button>Add to cart</button></li>"
    "<li class=\"product-card\"><a href=\"/p/4\">Ash shelf</a><span class=\"price\">$130</span><button>Add to cart</button></li>"
    "<li class=\"product-card\"><a href=\"/p/5\">Elm shelf</a><span class=\"price\">$140</span><button>Add to cart</button></li>"
    "</ul></body></html>";

static const char branch_listing[] =
    "<html><head><title>Science news</title>"
    "<link rel=\"canonical\" href=\"https://news.example.com/tag/science\">"
    "</head><body><h1>Science</h1>"
    "<article><a href=\"/a/1\">Comet seen</a><time datetime=\"2025-01-01\">Jan 1</time></article>"
    "<article><a href=\"/a/2\">New frog found</a><time datetime=\"2025-01-02\">Jan 2</time></article>"
    "<article><a href=\"/a/3\">Ice cores dated</a><time datetime=\"2025-01-03\">Jan 3</time></article>"
    "<article><a href=\"/a/4\">Bees count</a><time datetime=\"2025-01-04\">Jan 4</time></article>"
    "<article><a href=\"/a/5\">Stars collide</a><time datetime=\"2025-01-05\">Jan 5</time></article>"
    "<article><a href=\"/a/6\">Moss returns</a><time datetime=\"2025-01-06\">Jan 6</time></article>"
    "</body></html>";

static const char branch_documentation[] =
    "<html><head><title>json - JSON encoder and decoder</title>"
    "<meta name=\"generator\" content=\"Docutils; Sphinx\">"
    "<link rel=\"canonical\" href=\"https://docs.example.org/3/library/json.html\">"
    "</head><body><div class=\"sphinxsidebar\"><div class=\"toc\"><a href=\"#usage\">Usage</a></div></div>"
    "<div class=\"body\"><h1>json</h1><p>Encode a Python object:</p>"
    "<pre><code>import json\njson.dumps([1, 2])</code></pre>"
    "<p>Decode one:</p><pre><code>json.loads('[1, 2]')</code></pre></div></body></html>";

static const char branch_service[] =
    "<html><head><title>Cloud consulting</title>"
    "<meta property=\"og:type\" content=\"website\">"
    "<link rel=\"canonical\" href=\"https://www.example.com/services/cloud-consulting/\">"
    "</head><body><section><h2>Move to the cloud with confidence</h2><p>Our team plans it with you.</p>"
    "<a class=\"btn\" href=\"/demo\">Book a demo</a></section>"
    "<section><h2>Why us</h2><p>Twenty years of migrations.</p></section>"
    "<section><h2>Pricing</h2><p>Plans for every size.</p><a href=\"/contact\">Contact sales</a></section>"
    "<form><input name=\"email\"><button>Get started</button></form></body></html>";

/* Through page_type_classify on a parsed tree, without a record. */
static const char *classify(const char *html)
{
    struct _xmlDoc *doc = html_parse(html, strlen(html));
    const char *type = page_type_classify(doc);
    html_free(doc);
    return type;
}

static void test_other_sites(void)
{
    CHECK_STR(classify(branch_article), "article");
    CHECK_STR(classify(branch_forum), "forum");
    CHECK_STR(classify(branch_product), "product");
    CHECK_STR(classify(branch_collection), "collection");
    CHECK_STR(classify(branch_listing), "listing");
    CHECK_STR(classify(branch_documentation), "documentation");
    CHECK_STR(classify(branch_service), "service");
    /* Nothing to go by: an article; no document at all: one too. */
    CHECK_STR(classify("<html><body><p>Hi</p></body></html>"), "article");
    CHECK_STR(page_type_classify(NULL), "article");
}

static void test_text_has_none(void)
{
    const char *text = "A plain text document about the committee and its budget.\n\n"
                       "It has two paragraphs, and no markup at all.";
    char *error = NULL;
    record_t *r = extract_document("note.txt", (const uint8_t *)text, strlen(text), &error);
    CHECK(r != NULL && r->page_type == NULL);
    record_destroy(&r);
    free(error);
}

static void test_names(void)
{
    const char *const names[] = { "article", "forum", "product", "collection", "listing",
                                  "documentation", "service" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK(page_type_valid(names[i]));
        CHECK(strstr(PAGE_TYPES, names[i]) != NULL);
    }
    CHECK(!page_type_valid("blog"));
    CHECK(!page_type_valid(""));
    CHECK(!page_type_valid(NULL));
    CHECK(!page_type_valid("Article"));
}

/* The wire carries it when known, and not otherwise; the JSON too. */
static void test_carried(void)
{
    const char *html = "<html><head><link rel=\"canonical\" href=\"https://shop.example/products/x\">"
                       "<script type=\"application/ld+json\">{\"@type\":\"Product\"}</script>"
                       "</head><body>" PARAGRAPH "</body></html>";
    char *error = NULL;
    message_t m = { .type = MSG_RESULT, .attempt = 1, .source = "x.html" };
    m.record = extract_document("x.html", (const uint8_t *)html, strlen(html), &error);
    free(error);
    if (!m.record) {
        CHECK(m.record != NULL);
        return;
    }
    memcpy(m.id, m.record->id, sizeof m.id);
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK(message_encode(&m, &data, &len) == 0);
    char *why = NULL;
    message_t *back = message_decode(data, len, &why);
    CHECK_MSG(back && back->record, why);
    free(why);
    if (back && back->record)
        CHECK_STR(back->record->page_type, "product");
    message_destroy(&back);
    free(data);

    buf_t json = BUF_INIT;
    record_to_json(m.record, &json);
    CHECK(strstr(buf_str(&json), "\"kind\":\"html\",\"page_type\":\"product\"") != NULL);
    buf_free(&json);

    free(m.record->page_type);
    m.record->page_type = NULL;
    CHECK(message_encode(&m, &data, &len) == 0);
    CHECK(memmem(data, len, "page_type", 9) == NULL);
    back = message_decode(data, len, NULL);
    CHECK(back && back->record && back->record->page_type == NULL);
    message_destroy(&back);
    free(data);
    record_destroy(&m.record);
}

/* What the model reads: named, each name once, and numbers of about one
 * at most however big the page (the weights were fitted on such; a raw
 * count would let one huge page outvote every other signal). A page
 * with nothing in it, and no page at all, are articles. */
static void test_features(void)
{
    double f[256];
    const char *names[256];
    size_t n = page_type_features(NULL, f, 256, names);
    CHECK(n > 20 && n < 256);
    for (size_t i = 0; i < n && i < 256; i++) {
        CHECK_MSG(names[i] && names[i][0], "a feature without a name");
        for (size_t k = 0; k < i; k++)
            CHECK_MSG(strcmp(names[i], names[k]) != 0, names[i]);
        CHECK_MSG(f[i] >= 0 && f[i] <= 1, names[i]);   /* no page: marks at most */
    }
    CHECK_STR(page_type_classify(NULL), "article");

    buf_t big = BUF_INIT;
    buf_puts(&big, "<html><head><script type=\"application/ld+json\">"
                         "{\"@type\": \"Product\"}</script></head><body><ul>");
    for (int i = 0; i < 20000; i++)
        buf_puts(&big, "<li class=\"item\"><a href=\"/p\">$19.99 Add to cart</a>"
                             "<pre>code</pre><time datetime=\"2026-01-01\">x</time>"
                             "<p>A long enough paragraph of text, on and on, so that it counts as "
                             "a long one: more than two hundred bytes of prose in one element, with "
                             "commas, and a full stop, and then some more words to be sure.</p></li>");
    buf_puts(&big, "</ul></body></html>");
    struct _xmlDoc *doc = html_parse(buf_str(&big), big.len);
    CHECK(doc != NULL);
    page_type_features(doc, f, 256, NULL);
    for (size_t i = 0; i < n && i < 256; i++)
        CHECK_MSG(f[i] >= -1.0 && f[i] <= 3.0, names[i]);
    CHECK(page_type_classify(doc) != NULL);
    html_free(doc);
    buf_free(&big);
}

TESTING_MAIN(
    TEST(test_each_type),
    TEST(test_other_sites),
    TEST(test_text_has_none),
    TEST(test_names),
    TEST(test_carried),
    TEST(test_features))
