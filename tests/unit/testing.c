/* testing: see testing.h. */
#include "testing.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static char folder[64];

int testing_dir_make(void)
{
    snprintf(folder, sizeof folder, "/tmp/feedmill-test.XXXXXX");
    if (!mkdtemp(folder)) {
        perror("mkdtemp");
        folder[0] = '\0';
        return 1;
    }
    return 0;
}

const char *testing_dir(void)
{
    return folder;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void testing_dir_remove(void)
{
    if (!folder[0])
        return;
    /* Depth first, links not followed: what a test made, and only that. */
    CHECK_MSG(nftw(folder, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0, folder);
    folder[0] = '\0';
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

static const char *program_name(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    return slash ? slash + 1 : argv0 ? argv0 : "test";
}

static const testing_test_t *find_test(const testing_test_t *tests, size_t n,
                                       const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tests[i].name, name) == 0)
            return &tests[i];
    return NULL;
}

static void usage(FILE *out, const char *program, const testing_test_t *tests, size_t n)
{
    fprintf(out, "usage: %s [--list] [TEST...]\ntests:\n", program);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %s\n", tests[i].name);
}

static void run_one(const testing_test_t *test)
{
    int passed = testing_passed, failed = testing_failed;
    fflush(stdout);
    test->fn();
    int checks = testing_passed - passed + testing_failed - failed;
    if (testing_failed > failed)
        printf("FAIL %s (%d of %d checks failed)\n", test->name, testing_failed - failed,
               checks);
    else
        printf("ok   %s (%d check%s)\n", test->name, checks, checks == 1 ? "" : "s");
    fflush(stdout);
}

int testing_run(int argc, char **argv, const testing_test_t *tests, size_t n,
                int (*setup)(void), void (*teardown)(void))
{
    const char *program = program_name(argc > 0 ? argv[0] : NULL);
    /* Failures go to stderr, results to stdout: line by line, so that
     * both land in order when ctest reads them from one pipe. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0) {
            for (size_t t = 0; t < n; t++)
                printf("%s\n", tests[t].name);
            return 0;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout, program, tests, n);
            return 0;
        }
        if (!find_test(tests, n, argv[i])) {
            fprintf(stderr, "%s: no test named '%s'\n", program, argv[i]);
            usage(stderr, program, tests, n);
            return 2;
        }
    }

    if (setup && setup() != 0) {
        fprintf(stderr, "FAIL: %s: setup failed\n", program);
        return 1;
    }
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            run_one(find_test(tests, n, argv[i]));
    } else {
        for (size_t t = 0; t < n; t++)
            run_one(&tests[t]);
    }
    if (teardown) {
        int failed = testing_failed;
        teardown();
        if (testing_failed > failed)
            printf("FAIL teardown\n");
    }
    return testing_done();
}
