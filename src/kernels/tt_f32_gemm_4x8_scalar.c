/* tt_f32_gemm_4x8_scalar.c — the portable kernels, and the reference for
 * every other: per output, products are added over k in increasing order
 * into a sum that starts at 0, then the bias is added, then ReLU. */
#include "tt_internal.h"

static inline float tt_relu1(float v) { return (v > 0.0f || v != v) ? v : 0.0f; }

/* c[mr, nc] = ap[k][4] @ bp[k][8] (+ bias) (ReLU); mr <= 4, nc <= 8. Both
 * operands packed (see tt_f32_gemm.c): A's four rows of step p are
 * ap[4p..4p+3], B's eight columns bp[8p..8p+7]. */
void tt_f32_gemm_ukernel_4x8__scalar(int mr, int nc, int k, const float *ap, const float *bp,
                                     const float *bias, float *c, int ldc, int relu) {
    float acc[4][8] = {{0}};
    for (int p = 0; p < k; p++, ap += 4, bp += 8)
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 8; j++) acc[r][j] = acc[r][j] + ap[r] * bp[j];
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nc; j++) {
            float v = bias ? acc[r][j] + bias[j] : acc[r][j];
            c[(size_t)r * ldc + j] = relu ? tt_relu1(v) : v;
        }
}

/* c[n] = a[k] @ b[k, n] (+ bias) (ReLU): one row, B streamed row by row,
 * the sums kept in c itself (still added in increasing k). */
void tt_f32_gemm_1xn__scalar(float *c, const float *a, const float *b, const float *bias, int k,
                             int n, int relu) {
    for (int j = 0; j < n; j++) c[j] = 0.0f;
    for (int p = 0; p < k; p++) {
        const float *bp = b + (size_t)p * n;
        float av = a[p];
        for (int j = 0; j < n; j++) c[j] = c[j] + av * bp[j];
    }
    for (int j = 0; j < n; j++) {
        float v = bias ? c[j] + bias[j] : c[j];
        c[j] = relu ? tt_relu1(v) : v;
    }
}
