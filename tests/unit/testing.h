/* testing: the smallest unit-test harness that reports well.
 *
 * CHECK(cond) records a failure with file:line and goes on, so one run
 * shows every broken expectation; testing_done() prints
 * "N passed, N failed" and returns the exit status. */
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

int testing_done(void);

#endif
