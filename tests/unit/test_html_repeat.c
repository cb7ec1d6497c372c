/* test_html_repeat: the page type's extraction (html_text.c with
 * html_repeat.c): every post of a thread, every card of a listing
 * without its filters, and no teasers added under an article. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/html.h"
#include "extract/lines.h"
#include "testing.h"

/* The main text of html as the page type extracts it, lines joined by
 * newlines (malloc'd). */
static char *main_text(const char *html, const char *page_type)
{
    struct _xmlDoc *doc = html_parse(html, strlen(html));
    lines_t lines = LINES_INIT;
    html_main_text(doc, page_type, &lines);
    buf_t b = BUF_INIT;
    for (size_t i = 0; i < lines.n; i++) {
        buf_puts(&b, lines.v[i].text);
        buf_puts(&b, "\n");
    }
    lines_free(&lines);
    html_free(doc);
    char *s = xstrdup(buf_str(&b));
    buf_free(&b);
    return s;
}

#define POST(who, word) \
    "<div class=\"topic-post crawler-post\"><div class=\"meta\"><span class=\"creator\">" who \
    "</span></div><div class=\"post\" itemprop=\"text\"><p>" word " thinks the resolver " \
    "inside the container should answer for every name on the bridge network, and " \
    "wrote down what happened when it did not: the lookup failed twice.</p></div></div>"

static const char thread[] =
    "<html><head><title>Resolver</title><script type=\"application/ld+json\">"
    "{\"@type\":\"DiscussionForumPosting\",\"headline\":\"Resolver\",\"articleBody\":"
    "\"alpha thinks the resolver inside the container should answer for every name on the "
    "bridge network, and wrote down what happened when it did not: the lookup failed twice. "
    "alpha thinks the resolver inside the container should answer for every name on the "
    "bridge network, and wrote down what happened when it did not: the lookup failed twice. "
    "alpha thinks the resolver inside the container should answer for every name on the "
    "bridge network, and wrote down what happened when it did not: the lookup failed twice.\"}"
    "</script></head><body><nav><a href=\"/\">Home</a> <a href=\"/latest\">Latest</a></nav>"
    "<div id=\"main-outlet\"><h1>Resolver</h1>"
    POST("alpha", "alpha") POST("bravo", "bravo") POST("charlie", "charlie")
    POST("delta", "delta")
    "</div><footer>Powered by a forum engine</footer></body></html>";

static void test_every_post(void)
{
    char *t = main_text(thread, "forum");
    CHECK_MSG(strstr(t, "alpha thinks") != NULL, t);
    CHECK_MSG(strstr(t, "bravo thinks") != NULL, t);
    CHECK_MSG(strstr(t, "charlie thinks") != NULL, t);
    CHECK_MSG(strstr(t, "delta thinks") != NULL, t);
    CHECK_MSG(strstr(t, "Powered by") == NULL, t);
    free(t);
}

#define CARD(n) \
    "<li class=\"card\"><a href=\"/programs/" n "\"><h3>Certificate in " n "</h3>" \
    "<p>Twelve weeks online with the faculty of the school of " n ", projects included.</p>" \
    "</a></li>"

static const char listing[] =
    "<html><head><title>Programs</title></head><body>"
    "<header><a href=\"/\">School</a></header>"
    "<main><h1>Certificate programs</h1><p>Our programs for working professionals.</p>"
    "<div class=\"layout\"><aside class=\"filters\"><h4>Filter by topic</h4><ul>"
    "<li><a href=\"?t=1\">Engineering</a></li><li><a href=\"?t=2\">Design</a></li>"
    "<li><a href=\"?t=3\">Finance</a></li></ul></aside>"
    "<ul class=\"results\">" CARD("engineering") CARD("design") CARD("finance")
    CARD("robotics") CARD("energy") CARD("medicine") "</ul></div></main>"
    "<footer><a href=\"/privacy\">Privacy</a></footer></body></html>";

static void test_every_card(void)
{
    static const char *const names[] = { "engineering", "design", "finance", "robotics",
                                         "energy", "medicine" };
    char *t = main_text(listing, "listing");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "Certificate in %s", names[i]);
        CHECK_MSG(strstr(t, want) != NULL, t);
    }
    CHECK_MSG(strstr(t, "Filter by topic") == NULL, t);
    free(t);
    /* As an article the cards, all links, are a link list. */
    t = main_text(listing, "article");
    CHECK_MSG(strstr(t, "Certificate in robotics") == NULL, t);
    free(t);
}

#define PARA "<p>The council voted on Tuesday to rebuild the bridge over the river, after " \
             "a year of studies, hearings and arguments about its cost and its design.</p>"
#define TEASER(n) "<div class=\"teaser\"><a href=\"/news/" n "\">Story " n " of the week " \
                  "about the town and the river and the people who live near it</a></div>"

static void test_no_teasers_under_an_article(void)
{
    const char *page = "<html><body><article><h1>Bridge</h1>" PARA PARA PARA PARA PARA PARA
                       "</article><div class=\"more\">" TEASER("one") TEASER("two")
                       TEASER("three") TEASER("four") "</div></body></html>";
    char *t = main_text(page, "listing");
    CHECK_MSG(strstr(t, "council voted") != NULL, t);
    CHECK_MSG(strstr(t, "Story one") == NULL, t);
    free(t);
}

#define ROW(n) \
    "<tr class=\"athing\"><td class=\"rank\">" n ".</td><td><a href=\"/item?id=" n "\">" \
    "Startup number " n " is hiring engineers for its platform team</a> (example.com)</td></tr>"

/* A listing whose rows the chosen text already holds: the rows keep their
 * links (each is one), the menu beside them does not. */
static void test_cards_inside_the_text(void)
{
    const char *page =
        "<html><body><div id=\"top\"><a href=\"/\">Home</a> <a href=\"/new\">New</a></div>"
        "<div class=\"jobs\"><p>These are jobs at startups of the programme, updated every "
        "day, with the newest ones first and older ones further down the page.</p><table>"
        ROW("1") ROW("2") ROW("3") ROW("4") ROW("5") ROW("6") ROW("7")
        "</table></div></body></html>";
    char *t = main_text(page, "listing");
    CHECK_MSG(strstr(t, "These are jobs") != NULL, t);
    CHECK_MSG(strstr(t, "Startup number 1 is hiring") != NULL, t);
    CHECK_MSG(strstr(t, "Startup number 7 is hiring") != NULL, t);
    CHECK_MSG(strstr(t, "New") == NULL, t);
    free(t);
    /* An article keeps its rule: link paragraphs are navigation. */
    t = main_text(page, "article");
    CHECK_MSG(strstr(t, "Startup number 1 is hiring") == NULL, t);
    free(t);
}

#define SHOP_CARD(n) \
    "<li class=\"grid__item\"><div class=\"card-wrapper product-card subscription-eligible\">" \
    "<a href=\"/products/" n "\"><h3>" n " roast coffee, whole bean</h3></a>" \
    "<span class=\"price\">$19.99</span> <span>twelve ounces, shipped fresh</span></div></li>"

/* A shop's cards named "subscription-eligible" and "rating" are its
 * content on a category page; on an article the same names are chrome. */
static void test_shop_names_kept(void)
{
    const char *page =
        "<html><body><main><h1>Coffee</h1><p>51 products</p><ul class=\"product-grid\">"
        SHOP_CARD("Dark") SHOP_CARD("Medium") SHOP_CARD("Espresso") SHOP_CARD("Blueberry")
        SHOP_CARD("Light") SHOP_CARD("Decaf")
        "</ul><div class=\"newsletter-signup\"><p>Sign up for our newsletter and get ten "
        "percent off your first order of coffee beans.</p></div></main></body></html>";
    char *t = main_text(page, "collection");
    CHECK_MSG(strstr(t, "Dark roast coffee") != NULL, t);
    CHECK_MSG(strstr(t, "Blueberry roast coffee") != NULL, t);
    CHECK_MSG(strstr(t, "Sign up") == NULL, t);
    free(t);
    t = main_text(page, "article");
    CHECK_MSG(strstr(t, "Dark roast coffee") == NULL, t);
    free(t);
}

#define REVIEW(who) \
    "<div class=\"customer-review\"><p class=\"who\">" who " wrote on 18.02.2026</p>" \
    "<p>Plays in tune, but flimsy.</p></div>"
#define REVIEWS(x) REVIEW(x "1") REVIEW(x "2") REVIEW(x "3") REVIEW(x "4") REVIEW(x "5")

/* A product page: its description and specification table, not the
 * customers' reviews, however many and long. */
static void test_product_without_reviews(void)
{
    const char *page =
        "<html><body><div class=\"shop-page\"><div class=\"product-main\"><h1>Player guitar</h1>"
        "<p>An electric guitar with an alder body and a maple neck, three single coils and "
        "a synchronised tremolo, for players who want the classic sound.</p>"
        "<p>The neck has a modern C profile, a rosewood fingerboard with a radius of 241 mm, "
        "and twenty-two medium jumbo frets, rolled at the edges.</p><table>"
        "<tr><td>Body</td><td>Alder</td></tr><tr><td>Neck</td><td>Maple</td></tr>"
        "<tr><td>Frets</td><td>22</td></tr></table></div>"
        "<div class=\"product-reviews\">" REVIEWS("alpha") REVIEWS("bravo") REVIEWS("charlie")
        REVIEWS("delta") "</div></div></body></html>";
    char *t = main_text(page, "product");
    CHECK_MSG(strstr(t, "alder body") != NULL, t);
    CHECK_MSG(strstr(t, "Maple") != NULL, t);
    CHECK_MSG(strstr(t, "flimsy") == NULL, t);
    free(t);
}

/* Reviews and suggestions inside the product's own panel (a tab beside
 * the specifications) go as well: they are left out wherever they are. */
static void test_product_nested_asides(void)
{
    const char *page =
        "<html><body><main><div class=\"product\"><h1>Trail pack</h1>"
        "<p>Keep the day's gear within easy reach: pockets for every essential, a padded back "
        "panel and a raincover that stows into its own pocket.</p><p>Ripstop nylon with a "
        "water-repellent finish, a recycled bottom that shrugs off rock, and side pockets of "
        "stretch mesh for two bottles.</p><div class=\"tabs\">"
        "<div class=\"tab\"><h2>Technical specs</h2><table><tr><td>Capacity</td><td>25 liters"
        "</td></tr><tr><td>Weight</td><td>1 lb. 13 oz.</td></tr></table></div>"
        "<div class=\"tab\"><div class=\"product-reviews__list\">" REVIEWS("alpha")
        REVIEWS("bravo") "</div></div><div class=\"tab\"><div class=\"upsell-products\">"
        "<p>The matching hip belt pouch, in four colours, for your phone and keys.</p></div>"
        "</div></div></div></main></body></html>";
    char *t = main_text(page, "product");
    CHECK_MSG(strstr(t, "pockets for every essential") != NULL, t);
    CHECK_MSG(strstr(t, "25 liters") != NULL, t);
    CHECK_MSG(strstr(t, "flimsy") == NULL, t);
    CHECK_MSG(strstr(t, "hip belt pouch") == NULL, t);
    free(t);
}

#define PART(title, text) \
    "<section class=\"part\"><div class=\"inner\"><h2>" title "</h2><p>" text "</p></div></section>"

/* A service page's parts side by side: the choice widens to hold them,
 * but not to the menu of links beside them. */
static void test_service_parts(void)
{
    const char *page =
        "<html><body><div class=\"site\"><div class=\"menu-col\"><ul>"
        "<li><a href=\"/a\">Audits</a></li><li><a href=\"/b\">Pricing</a></li>"
        "<li><a href=\"/c\">About us</a></li><li><a href=\"/d\">Careers</a></li></ul></div>"
        "<div class=\"page\"><div class=\"top\"><div class=\"hero\"><h1>Data analytics "
        "consulting</h1><p>We build the dashboards, pipelines and models your teams need, and "
        "we teach them to keep them running, so that decisions rest on numbers everyone "
        "trusts, week after week, in every team.</p><p>Our consultants have worked with "
        "retailers, hospitals, banks and city councils, from a first audit to a platform "
        "that runs on its own.</p></div><div class=\"badge\">Trusted by "
        "200 teams</div></div>"
        "<div class=\"sections\">"
        PART("Dashboards", "Ready in days.") PART("Pipelines", "Checked every night.")
        PART("Models", "Tested on your data.")
        "</div></div></div></body></html>";
    char *t = main_text(page, "service");
    CHECK_MSG(strstr(t, "We build the dashboards") != NULL, t);
    CHECK_MSG(strstr(t, "Ready in days") != NULL, t);
    CHECK_MSG(strstr(t, "Tested on your data") != NULL, t);
    CHECK_MSG(strstr(t, "Careers") == NULL, t);
    free(t);
}

/* A service page's parts are blocks of their own, apart in the page (a
 * hero, a grid of features, the questions past a row of client links):
 * the whole page without its chrome keeps every one, where one block,
 * even widened, would not. */
static void test_service_whole_page(void)
{
    const char *page =
        "<html><body><header><a href=\"/\">Acme</a> <a href=\"/pricing\">Pricing</a></header>"
        "<div class=\"hero\"><h1>Payroll for small teams</h1><p>Run payroll in minutes, file "
        "taxes automatically and pay everyone on time, wherever they work, with one tool that "
        "your accountant will like too.</p><p>Teams of two to two hundred use it in forty "
        "countries, with payslips in their own language and support from people, not bots, "
        "every day of the week.</p></div>"
        "<div class=\"wrap\"><div class=\"grid\"><div class=\"feature\"><h3>Taxes</h3><p>Filed "
        "for you.</p></div><div class=\"feature\"><h3>Benefits</h3><p>Health and pension."
        "</p></div></div></div>"
        "<div class=\"clients\"><a href=\"/c/1\">Northwind Traders</a> <a href=\"/c/2\">"
        "Contoso Pharmaceuticals</a> <a href=\"/c/3\">Fabrikam Residences</a> <a href=\"/c/4\">"
        "Tailspin Toys</a> <a href=\"/c/5\">Wide World Importers</a></div>"
        "<div class=\"faq-area\"><h2>Questions</h2><h3>Can I switch mid-year?</h3><p>Yes: we "
        "import your past runs and filings, so the year goes on as if nothing changed.</p></div>"
        "<footer><a href=\"/terms\">Terms</a></footer></body></html>";
    char *t = main_text(page, "service");
    CHECK_MSG(strstr(t, "Run payroll in minutes") != NULL, t);
    CHECK_MSG(strstr(t, "Health and pension") != NULL, t);
    CHECK_MSG(strstr(t, "Filed for you") != NULL, t);
    CHECK_MSG(strstr(t, "switch mid-year") != NULL, t);
    CHECK_MSG(strstr(t, "Terms") == NULL, t);
    free(t);
}

#define PIECES_CARD(n) \
    "<li class=\"product-item\"><a href=\"/p/" n "\">The " n " tournament chess pieces in " \
    "rosewood and boxwood</a><span class=\"price\">$150.00</span></li>"

/* A shop's grid of cards that are links, inside the chosen column, is
 * a link box to the pruning: its cards are still walked, with their
 * links, and the pager beside them is not. */
static void test_cards_in_a_link_box(void)
{
    const char *page =
        "<html><body><div class=\"column main\"><h1>Tournament chess pieces</h1>"
        "<p>Economy tournament pieces are the most affordable sets in our range, weighted, "
        "felted and made to the size that clubs and schools play with every week.</p>"
        "<p>They come in stained boxwood, sheesham and ebony, and pair with boards of every "
        "size, so that a club can buy its sets and boards in one order.</p>"
        "<ol class=\"products\">" PIECES_CARD("Staunton") PIECES_CARD("Leningrad")
        PIECES_CARD("Lasker") PIECES_CARD("Baku") PIECES_CARD("Dubrovnik") PIECES_CARD("Zagreb")
        "</ol><ul class=\"pages\"><li><a href=\"?p=2\">2</a></li><li><a href=\"?p=3\">3</a>"
        "</li></ul></div><footer><a href=\"/about\">About</a></footer></body></html>";
    char *t = main_text(page, "collection");
    CHECK_MSG(strstr(t, "most affordable") != NULL, t);
    CHECK_MSG(strstr(t, "The Staunton tournament") != NULL, t);
    CHECK_MSG(strstr(t, "The Zagreb tournament") != NULL, t);
    CHECK_MSG(strstr(t, "About") == NULL, t);
    free(t);
}

/* A reference page's entries are links (a list of the functions of a
 * module): on a documentation page such a list is content, not a box of
 * links to prune. */
static void test_reference_links_kept(void)
{
    const char *page =
        "<html><body><nav><a href=\"/\">Docs</a> <a href=\"/blog\">Blog</a></nav>"
        "<main><h1>The string module</h1><p>Functions that read, compare and change strings "
        "of bytes, each working in place where it can and allocating only when it must, "
        "with the length of every string kept beside it.</p><ul>"
        "<li><a href=\"#len\">str_len</a></li><li><a href=\"#cmp\">str_compare</a></li>"
        "<li><a href=\"#cat\">str_append</a></li><li><a href=\"#dup\">str_duplicate</a></li>"
        "<li><a href=\"#trim\">str_trim</a></li></ul><p>Every function takes the string first "
        "and returns zero on success, a negative error number when it fails.</p></main>"
        "</body></html>";
    char *t = main_text(page, "documentation");
    CHECK_MSG(strstr(t, "str_compare") != NULL, t);
    CHECK_MSG(strstr(t, "str_trim") != NULL, t);
    CHECK_MSG(strstr(t, "Blog") == NULL, t);
    free(t);
}

/* Cards inside a wrapper named for the pager script are the grid, not
 * the pager: kept on a shop's page, while the pager's links are not. */
static void test_cards_in_a_pagination_wrapper(void)
{
    const char *page =
        "<html><body><main><h1>Tournament chess pieces</h1><p>Weighted and felted pieces "
        "in the size that clubs and schools play with, in stained boxwood, sheesham and "
        "ebony.</p><div class=\"pagination-container\"><ol class=\"products\">" PIECES_CARD("Staunton")
        PIECES_CARD("Leningrad") PIECES_CARD("Lasker") PIECES_CARD("Baku")
        PIECES_CARD("Dubrovnik") PIECES_CARD("Zagreb") "</ol><ul class=\"pages\">"
        "<li><a href=\"?p=2\">Page two</a></li><li><a href=\"?p=3\">Page three</a></li>"
        "</ul></div></main></body></html>";
    char *t = main_text(page, "collection");
    CHECK_MSG(strstr(t, "The Staunton tournament") != NULL, t);
    CHECK_MSG(strstr(t, "The Zagreb tournament") != NULL, t);
    CHECK_MSG(strstr(t, "Page two") == NULL, t);
    free(t);
}

TESTING_MAIN(
    TEST(test_every_post),
    TEST(test_every_card),
    TEST(test_no_teasers_under_an_article),
    TEST(test_cards_inside_the_text),
    TEST(test_shop_names_kept),
    TEST(test_product_without_reviews),
    TEST(test_product_nested_asides),
    TEST(test_service_parts),
    TEST(test_service_whole_page),
    TEST(test_cards_in_a_link_box),
    TEST(test_reference_links_kept),
    TEST(test_cards_in_a_pagination_wrapper))
