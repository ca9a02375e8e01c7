/* tt_f32_gemm_4x8__scalar.c — the portable 4x8 tile kernel, and the
 * reference for every other: per output, products are added over k in
 * increasing order into a sum that starts at 0, then the bias is added,
 * then (accumulate) the old value of c, then ReLU. */
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_4x8__scalar(int mr, int nc, int k, const float *ap, const float *bp,
                                     const float *bias, float *c, int ldc, int relu,
                                     int accumulate) {
    float acc[4][8] = {{0}};
    for (int p = 0; p < k; p++, ap += 4, bp += 8)
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 8; j++) acc[r][j] = acc[r][j] + ap[r] * bp[j];
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nc; j++) {
            float *cj = c + (size_t)r * ldc + j;
            float v = bias ? acc[r][j] + bias[j] : acc[r][j];
            if (accumulate) v = *cj + v;
            *cj = relu ? tt_relu1(v) : v;
        }
}
