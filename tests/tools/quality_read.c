/* quality_read: a corpus page from its gzip'd file (quality.h). Shared
 * by the quality tool and page_features, which read the same corpora. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/gzip.h"
#include "quality.h"

int quality_read_gz(const char *path, buf_t *html)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "quality: %s: %s\n", path, strerror(errno));
        return -1;
    }
    buf_t gz = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&gz, chunk, n);
    int failed = ferror(f);
    fclose(f);
    char *why = NULL;
    if (failed) {
        fprintf(stderr, "quality: %s: read error\n", path);
    } else if (gzip_inflate((const uint8_t *)buf_str(&gz), gz.len, GZIP_MAX_OUTPUT, html,
                            &why) != 0) {
        fprintf(stderr, "quality: %s: %s\n", path, why);
        free(why);
        failed = 1;
    }
    buf_free(&gz);
    return failed ? -1 : 0;
}
