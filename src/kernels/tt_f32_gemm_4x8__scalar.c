/* tt_f32_gemm_4x8__scalar.c — the portable 4x8 tile kernel, and the
 * reference for every other: per output, products are added over k in
 * increasing order into a sum that starts at 0, then the bias is added,
 * then (accumulate) the old value of c, then ReLU. Like the SIMD128 one,
 * it runs over a whole column panel, one 4-row block after another. */
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_4x8__scalar(TT_GEMM_PANEL_ARGS) {
    for (int i = 0; i < m; i += 4, ap += (size_t)4 * k, c += (size_t)4 * ldc) {
        float acc[4][8] = {{0}};
        const float *a = ap, *b = bp;
        for (int p = 0; p < k; p++, a += 4, b += 8)
            for (int r = 0; r < 4; r++)
                for (int j = 0; j < 8; j++) acc[r][j] = acc[r][j] + a[r] * b[j];
        int mr = m - i < 4 ? m - i : 4;
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nc; j++) {
                float *cj = c + (size_t)r * ldc + j;
                float v = bias ? acc[r][j] + bias[j] : acc[r][j];
                if (accumulate) v = *cj + v;
                *cj = relu ? tt_relu1(v) : v;
            }
    }
}
