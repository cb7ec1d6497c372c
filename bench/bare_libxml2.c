/* bare_libxml2: the bare HTML parse, the floor under any extractor built
 * on libxml2.
 *
 *   bare_libxml2 FILE...
 *
 * Loads every file, then parses each with htmlReadMemory (recover, no
 * network, errors and warnings silenced, encoding detected by libxml2)
 * and frees the tree: no walking, no text. One thread; prints one result
 * line (bench.h). */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <limits.h>
#include <stdio.h>

#include "bench.h"

#define PARSE_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NONET | \
                       HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)

/* Returns 1 when libxml2 gave no tree at all. */
static int parse_one(const file_t *file)
{
    int len = file->len > INT_MAX ? INT_MAX : (int)file->len;
    htmlDocPtr doc = htmlReadMemory(file->data, len, NULL, NULL, PARSE_OPTIONS);
    if (!doc)
        return 1;
    xmlFreeDoc(doc);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bare_libxml2 FILE...\n");
        return 2;
    }
    LIBXML_TEST_VERSION
    files_t pages = files_load(argv + 1, argc - 1);

    size_t failed = 0;
    double start = now();
    for (size_t i = 0; i < pages.count; i++)
        failed += (size_t)parse_one(&pages.items[i]);
    double seconds = now() - start;

    print_result(pages.count, pages.bytes, seconds, failed,
                 "libxml2-" LIBXML_DOTTED_VERSION);
    files_free(&pages);
    xmlCleanupParser();
    return 0;
}
