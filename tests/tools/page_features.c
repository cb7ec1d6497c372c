/* page_features: what the page-type classifier reads of each page, for
 * its training (tools/page_type_train.py).
 *
 *   page_features FILE...      (plain or gzip'd HTML)
 *
 * Prints a header line (file, then the features' names) and one line a
 * file: its path and page_type_features()'s numbers, tab-separated. The
 * page goes through what extract_document does before classifying it:
 * gzip, charset to UTF-8, libxml2's parse. */
#include <stdio.h>
#include <stdlib.h>

#include "common/buf.h"
#include "extract/charset.h"
#include "extract/gzip.h"
#include "extract/html.h"
#include "extract/page_type.h"

enum { MAX_FEATURES = 256, PAGE_MAX = 64 << 20 };

/* The file's bytes, inflated when gzip'd. */
static int read_page(const char *path, buf_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    buf_t data = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&data, chunk, n);
    int failed = ferror(f);
    fclose(f);
    if (!failed && gzip_detect((const uint8_t *)buf_str(&data), data.len))
        failed = gzip_inflate((const uint8_t *)buf_str(&data), data.len, PAGE_MAX, out, NULL) != 0;
    else if (!failed)
        buf_append(out, buf_str(&data), data.len);
    buf_free(&data);
    return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: page_features FILE...\n");
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
        if (read_page(argv[a], &raw) != 0) {
            fprintf(stderr, "page_features: cannot read %s\n", argv[a]);
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
