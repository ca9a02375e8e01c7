/* tt_math.c — exp and log from + - * / only, so that native (glibc) and
 * wasm (musl) builds give identical bits. Both work in double precision and
 * are accurate to a few ulp of a double, far below the float results the
 * core stores. */
#include <math.h> /* NAN and INFINITY only: no libm call */
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
    /* sum of r^i / i! for i = 0..13, the coefficients as double constants
     * and the polynomial by Estrin's scheme (as tt_log): the Horner chain
     * 1 + r(1 + r/2(1 + r/3(...))) had 13 dependent divisions, 1.8 % of a
     * training step at batch 64 (cross-entropy's exps). */
    static const double c[14] = {
        1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
        1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double q0 = (c[0] + r * c[1]) + r2 * (c[2] + r * c[3]);
    double q1 = (c[4] + r * c[5]) + r2 * (c[6] + r * c[7]);
    double q2 = (c[8] + r * c[9]) + r2 * (c[10] + r * c[11]);
    double q3 = c[12] + r * c[13];
    double p = (q0 + r4 * q1) + r8 * (q2 + r4 * q3);
    if (k < -1000) return p * tt_pow2i(k + 600) * tt_pow2i(-600);
    if (k > 1000) return p * tt_pow2i(k - 100) * tt_pow2i(100);
    return p * tt_pow2i(k);
}

/* ln x: NaN for NaN and x < 0, -inf for +-0, +inf for +inf (as libm);
 * for finite x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), then
 * ln m = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), f = (m-1)/(m+1),
 * |f| < 0.1716: to f^17 the tail is below 2e-16 relative. The odd
 * coefficients are constants (a division per term was the whole cost) and
 * the polynomial in f^2 is evaluated by Estrin's scheme (a short
 * dependency chain instead of a 9-step Horner chain). */
double tt_log(double x) {
    if (x != x) return x;
    if (x < 0.0) return NAN;
    if (x == 0.0) return -INFINITY;
    if (x == INFINITY) return x;
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
    double f2 = f * f, f4 = f2 * f2, f8 = f4 * f4;
    double a0 = 1.0 + f2 * (1.0 / 3), a1 = 1.0 / 5 + f2 * (1.0 / 7);
    double a2 = 1.0 / 9 + f2 * (1.0 / 11), a3 = 1.0 / 13 + f2 * (1.0 / 15);
    double series = (a0 + f4 * a1) + f8 * ((a2 + f4 * a3) + f8 * (1.0 / 17));
    return (double)e * TT_LN2_HI + ((double)e * TT_LN2_LO + 2.0 * f * series);
}
