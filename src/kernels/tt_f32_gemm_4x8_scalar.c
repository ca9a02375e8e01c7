/* tt_f32_gemm_4x8_scalar.c — portable 4x8 micro-kernel.
 *
 * c[mr, nc] = a[mr, k] @ b[k, nc] (+ bias[nc]) (ReLU), with mr <= 4, nc <= 8;
 * a has row stride lda, b ldb, c ldc. The reference for every other kernel:
 * per output, products are added over k in increasing order into a sum that
 * starts at 0, then the bias is added, then ReLU. */
#include "tt_internal.h"

void tt_f32_gemm_ukernel_4x8__scalar(int mr, int nc, int k, const float *a, int lda,
                                     const float *b, int ldb, const float *bias, float *c,
                                     int ldc, int relu) {
    float acc[4][8] = {{0}};
    if (mr == 4 && nc == 8) { /* full tile: constant bounds let compilers unroll */
        for (int p = 0; p < k; p++) {
            const float *bp = b + (size_t)p * ldb;
            for (int r = 0; r < 4; r++) {
                float av = a[(size_t)r * lda + p];
                for (int j = 0; j < 8; j++) acc[r][j] = acc[r][j] + av * bp[j];
            }
        }
    } else {
        for (int p = 0; p < k; p++) {
            const float *bp = b + (size_t)p * ldb;
            for (int r = 0; r < mr; r++) {
                float av = a[(size_t)r * lda + p];
                for (int j = 0; j < nc; j++) acc[r][j] = acc[r][j] + av * bp[j];
            }
        }
    }
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nc; j++) {
            float v = bias ? acc[r][j] + bias[j] : acc[r][j];
            if (relu && !(v > 0.0f)) v = v != v ? v : 0.0f;
            c[(size_t)r * ldc + j] = v;
        }
}
