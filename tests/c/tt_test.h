/* tt_test.h — the shared assertion helpers of the C tests. Each test file
 * is one executable registered with CTest; a failed check prints where and
 * why, and main returns non-zero. */
#ifndef TT_TEST_H
#define TT_TEST_H
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tt.h"

static int tt_test_failures, tt_test_checks;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        tt_test_checks++;                                                            \
        if (!(cond)) {                                                               \
            tt_test_failures++;                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_OK(expr)                                                                    \
    do {                                                                                  \
        int st_ = (expr);                                                                 \
        tt_test_checks++;                                                                 \
        if (st_ != TT_OK) {                                                               \
            tt_test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s returned %s: %s\n", __FILE__, __LINE__, #expr,     \
                    tt_status_str(st_), tt_last_error());                                 \
        }                                                                                 \
    } while (0)

/* The call fails with `status` and its message contains `needle`. */
#define CHECK_FAILS(expr, status, needle)                                                 \
    do {                                                                                  \
        int st_ = (expr);                                                                 \
        tt_test_checks++;                                                                 \
        if (st_ != (status) || !strstr(tt_last_error(), (needle))) {                      \
            tt_test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s gave %s \"%s\", expected %s containing \"%s\"\n",  \
                    __FILE__, __LINE__, #expr, tt_status_str(st_), tt_last_error(),       \
                    tt_status_str(status), (needle));                                     \
        }                                                                                 \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                             \
    do {                                                                                  \
        double a_ = (a), b_ = (b);                                                        \
        tt_test_checks++;                                                                 \
        if (!(fabs(a_ - b_) <= (tol))) {                                                  \
            tt_test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s = %.9g, expected %.9g (tol %g)\n", __FILE__,       \
                    __LINE__, #a, a_, b_, (double)(tol));                                 \
        }                                                                                 \
    } while (0)

static inline tt_tensor *tt_test_from(int ndim, int d0, int d1, int d2, int d3, const float *v) {
    tt_tensor *t = NULL;
    if (tt_tensor_new(&t, ndim, d0, d1, d2, d3) != TT_OK) return NULL;
    if (v) memcpy(t->data, v, t->size * sizeof(float));
    return t;
}

#define TT_TEST_MAIN_END()                                                              \
    do {                                                                                \
        printf("%d checks, %d failed\n", tt_test_checks, tt_test_failures);             \
        return tt_test_failures ? 1 : 0;                                                \
    } while (0)

#endif
