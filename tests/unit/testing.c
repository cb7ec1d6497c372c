/* testing: see testing.h. */
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int testing_passed;
int testing_failed;

void testing_fail(const char *file, int line, const char *expr, const char *detail)
{
    testing_failed++;
    fprintf(stderr, "FAIL %s:%d: %s%s%s\n", file, line, expr,
            detail ? " -- " : "", detail ? detail : "");
}

void testing_fail_str(const char *file, int line, const char *expr,
                      const char *actual, const char *expected)
{
    testing_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n  actual:   %s\n  expected: %s\n", file,
            line, expr, actual ? actual : "(null)", expected ? expected : "(null)");
}

const char *testing_corpus(void)
{
    const char *dir = getenv("FEEDMILL_CORPUS");
    struct stat st;
    if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "FAIL: shared corpus not found at %s (set FEEDMILL_CORPUS)\n",
                dir ? dir : "(FEEDMILL_CORPUS unset)");
        exit(1);
    }
    return dir;
}

unsigned char *testing_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "FAIL: cannot open %s\n", path);
        exit(1);
    }
    size_t cap = 4096, n = 0;
    unsigned char *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            data = realloc(data, cap *= 2);
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "FAIL: out of memory reading %s\n", path);
        exit(1);
    }
    *len = n;
    return data;
}

int testing_done(void)
{
    printf("%d passed, %d failed\n", testing_passed, testing_failed);
    return testing_failed ? 1 : 0;
}
