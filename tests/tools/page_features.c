/* page_features: what the page-type classifier reads of each page, for
 * its training (scripts/page_type_train.py).
 *
 *   page_features FILE.html.gz...
 *
 * Prints a header line (file, then the features' names) and one line a
 * file: its path and page_type_features()'s numbers, tab-separated. The
 * page goes through what extract_document does before classifying it:
 * gunzip, charset to UTF-8, libxml2's parse. */
#include <stdio.h>
#include <stdlib.h>

#include "common/buf.h"
#include "extract/charset.h"
#include "extract/html.h"
#include "extract/page_type.h"
#include "quality.h"

enum { MAX_FEATURES = 256 };

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: page_features FILE.html.gz...\n");
        return 2;
    }
    double f[MAX_FEATURES];
    const char *names[MAX_FEATURES];
    size_t n = page_type_features(NULL, f, MAX_FEATURES, names);
    printf("file");
    for (size_t i = 0; i < n; i++)
        printf("\t%s", names[i]);
    printf("\n");
    for (int a = 1; a < argc; a++) {
        buf_t raw = BUF_INIT;
        if (quality_read_gz(argv[a], &raw) != 0) {   /* it says why */
            buf_free(&raw);
            continue;
        }
        size_t len;
        char *utf8 = charset_to_utf8((const unsigned char *)buf_str(&raw), raw.len, &len, NULL);
        struct _xmlDoc *doc = html_parse(utf8, len);
        page_type_features(doc, f, MAX_FEATURES, NULL);
        html_free(doc);
        free(utf8);
        buf_free(&raw);
        printf("%s", argv[a]);
        for (size_t i = 0; i < n; i++)
            printf("\t%.6g", f[i]);
        printf("\n");
    }
    return 0;
}
