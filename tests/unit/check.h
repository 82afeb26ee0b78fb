/*  check.h: the few assertions our unit tests need, with no framework.

    Each CHECK records a failure with file and line and carries on, so one
    run shows every broken case; a test's main() ends with
    `return check_report("name");`, which prints "N passed, N failed" and
    returns non-zero when anything failed. */
#ifndef RATIFY_CHECK_H
#define RATIFY_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed_ = 0;
static int check_failed_ = 0;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            check_passed_++;                                                                       \
        else {                                                                                     \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_INT(got, want)                                                                       \
    do {                                                                                           \
        long long g_ = (long long) (got), w_ = (long long) (want);                                 \
        if (g_ == w_)                                                                              \
            check_passed_++;                                                                       \
        else {                                                                                     \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_);   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ && w_ && strcmp(g_, w_) == 0)                                                       \
            check_passed_++;                                                                       \
        else {                                                                                     \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got,        \
                    g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                       \
        }                                                                                          \
    } while (0)

static inline int
check_report(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed_, check_failed_);
    return check_failed_ ? 1 : 0;
}

#endif
