/* testing: the smallest unit-test harness that reports well.
 *
 * CHECK(cond) records a failure with file:line and goes on, so one run
 * shows every broken expectation.
 *
 * A test program is a list of named tests, in the style of libuv's
 * TEST_LIST: each test is a `static void test_x(void)`, and the program
 * ends with its table, which is also its main():
 *
 *     static void test_buf(void) { ... CHECK(...); ... }
 *     static void test_hash(void) { ... }
 *
 *     TESTING_MAIN(TEST(test_buf), TEST(test_hash))
 *
 * A program that needs a fixture for all its tests (a temporary folder,
 * a sample computed once) names a setup and a teardown:
 *
 *     TESTING_MAIN_WITH(make_dir, remove_dir, TEST(test_a), TEST(test_b))
 *
 * setup returns 0, or non-zero to fail the run before any test; teardown
 * runs after the last test, and its CHECKs count too. Every test must
 * pass when it runs alone (setup, that test, teardown).
 *
 * The program runs its tests in table order and prints one line per test,
 * "ok   test_x (N checks)" or "FAIL test_x (F of N checks failed)", each
 * failure's file:line above it on stderr, then "N passed, N failed" of
 * all checks; it exits 0 only when no check failed. Arguments:
 *
 *     build/tests/test_store                     every test
 *     build/tests/test_store test_sources ...    only these, in this order
 *     build/tests/test_store --list              the names, one a line
 *
 * An unknown name is an error (exit 2) that lists the names. ctest runs
 * each program once as unit/test_x (tests/CMakeLists.txt); its
 * --output-on-failure shows which named test failed. */
#ifndef FEEDMILL_TESTING_H
#define FEEDMILL_TESTING_H

#include <stddef.h>

extern int testing_passed;
extern int testing_failed;

void testing_fail(const char *file, int line, const char *expr, const char *detail);

#define CHECK(cond) \
    do { if (cond) testing_passed++; \
         else testing_fail(__FILE__, __LINE__, #cond, NULL); } while (0)
#define CHECK_MSG(cond, detail) \
    do { if (cond) testing_passed++; \
         else testing_fail(__FILE__, __LINE__, #cond, (detail)); } while (0)
#define CHECK_STR(actual, expected) \
    do { const char *a_ = (actual), *e_ = (expected); \
         if (a_ && e_ && strcmp(a_, e_) == 0) testing_passed++; \
         else testing_fail_str(__FILE__, __LINE__, #actual, a_, e_); } while (0)

void testing_fail_str(const char *file, int line, const char *expr,
                      const char *actual, const char *expected);

/* Path of the shared corpus ($FEEDMILL_CORPUS); exits the test with a
 * clear failure when it is not there, never a silent pass. */
const char *testing_corpus(void);
/* Reads a whole file; exits the test with a failure when it cannot. */
unsigned char *testing_read_file(const char *path, size_t *len);

/* A temporary folder for the whole program, made by setup and removed,
 * with everything in it, by teardown:
 *
 *     TESTING_MAIN_WITH(testing_dir_make, testing_dir_remove, ...)
 *
 * (or called from a program's own setup and teardown). testing_dir() is
 * its path; TESTING_PATH(var, "name") declares var, the path of name in
 * it. */
int testing_dir_make(void);      /* 0, or 1 after saying why */
void testing_dir_remove(void);   /* its failure is a failed check */
const char *testing_dir(void);
#define TESTING_PATH(var, name) \
    char var[700]; \
    snprintf(var, sizeof var, "%s/%s", testing_dir(), (name))

/* Prints "N passed, N failed" of every check so far; the exit status. */
int testing_done(void);

/* One named test of a program's table. */
typedef struct testing_test {
    const char *name;
    void (*fn)(void);
} testing_test_t;

#define TEST(fn) { #fn, fn }

/* Runs the tests argv names (all of them when none), with setup before
 * and teardown after (either may be NULL), as described above; returns
 * the exit status. */
int testing_run(int argc, char **argv, const testing_test_t *tests, size_t n,
                int (*setup)(void), void (*teardown)(void));

#define TESTING_MAIN_WITH(setup, teardown, ...) \
    int main(int argc, char **argv) \
    { \
        static const testing_test_t testing_tests_[] = { __VA_ARGS__ }; \
        return testing_run(argc, argv, testing_tests_, \
                           sizeof testing_tests_ / sizeof testing_tests_[0], \
                           (setup), (teardown)); \
    }
#define TESTING_MAIN(...) TESTING_MAIN_WITH(NULL, NULL, __VA_ARGS__)

#endif
