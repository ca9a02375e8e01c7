/* tt_math.c — exp and log from + - * / only, so that native (glibc) and
 * wasm (musl) builds give identical bits. Both work in double precision and
 * are accurate to a few ulp of a double, far below the float results the
 * core stores. */
#include <string.h>

#include "tt_internal.h"

static const double TT_LN2_HI = 6.93147180369123816490e-01; /* ln2 high bits, exact k*hi */
static const double TT_LN2_LO = 1.90821492927058770002e-10;
static const double TT_INV_LN2 = 1.44269504088896338700e+00;

/* 2^k for k in [-1022, 1023], built from the exponent bits. */
static double tt_pow2i(int k) {
    uint64_t bits = (uint64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* e^x: x = k ln2 + r with |r| <= ln2/2, e^r by its Taylor series to r^13
 * (truncation < 1e-17 relative), then scaled by 2^k in two steps so
 * subnormal results stay exact. Saturates to 0 and +inf; NaN propagates. */
double tt_exp(double x) {
    if (x != x) return x;
    if (x > 709.0) return 1.0 / 0.0;
    if (x < -745.0) return 0.0;
    double kd = x * TT_INV_LN2;
    kd = kd < 0 ? (double)(long long)(kd - 0.5) : (double)(long long)(kd + 0.5);
    int k = (int)kd;
    double r = (x - kd * TT_LN2_HI) - kd * TT_LN2_LO;
    /* Horner from the highest term: 1 + r(1 + r/2(1 + r/3(...))) */
    double p = 1.0;
    for (int i = 13; i >= 1; i--) p = 1.0 + p * r / (double)i;
    if (k < -1000) return p * tt_pow2i(k + 600) * tt_pow2i(-600);
    if (k > 1000) return p * tt_pow2i(k - 100) * tt_pow2i(100);
    return p * tt_pow2i(k);
}

/* ln x for x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), then
 * ln m = 2 atanh(f), f = (m-1)/(m+1), |f| < 0.1716, summed to f^27. */
double tt_log(double x) {
    TT_ASSERT(x > 0.0);
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff);
    if (e == 0) { /* subnormal: scale into the normal range first */
        x *= 0x1p64;
        memcpy(&bits, &x, sizeof bits);
        e = (int)((bits >> 52) & 0x7ff) - 64;
    }
    e -= 1022; /* now x = m' 2^e with m' in [0.5, 1) */
    bits = (bits & 0x000fffffffffffffull) | 0x3fe0000000000000ull;
    double m;
    memcpy(&m, &bits, sizeof m);
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    double f = (m - 1.0) / (m + 1.0);
    double f2 = f * f;
    double series = 0.0;
    for (int n = 27; n >= 1; n -= 2) series = 1.0 / (double)n + f2 * series;
    return (double)e * TT_LN2_HI + ((double)e * TT_LN2_LO + 2.0 * f * series);
}
