/* tt_f32_gemm_1xn__scalar.c — one row of C: c[n] = a[k] @ b[k, n]
 * (+ bias) (ReLU), B streamed row by row, the sums kept in c itself (still
 * added in increasing k, so the bits match the 4x8 kernels). */
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_1xn__scalar(float *c, const float *a, const float *b, const float *bias,
                                     int k, int n, int relu) {
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
