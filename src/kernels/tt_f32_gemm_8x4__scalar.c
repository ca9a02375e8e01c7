/* tt_f32_gemm_8x4__scalar.c — the portable tail kernel for the
 * last 3 or 4 columns of C (B panel [K][4]), over up to 8 rows (two packed A blocks, the second
 * 4*K floats after the first, read only when mr > 4), the same operations
 * per output as tt_f32_gemm_4x8__scalar.c. */
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_8x4__scalar(int mr, int nc, int k, const float *ap, const float *bp,
                                     const float *bias, float *c, int ldc, int relu,
                                     int accumulate) {
    float acc[8][4] = {{0}};
    for (int h = 0; h < 2 && 4 * h < mr; h++) {
        const float *a = ap + (size_t)4 * h * k;
        for (int p = 0; p < k; p++, a += 4)
            for (int r = 0; r < 4; r++)
                for (int j = 0; j < 4; j++) acc[4 * h + r][j] = acc[4 * h + r][j] + a[r] * bp[(size_t)p * 4 + j];
    }
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nc; j++) {
            float *cj = c + (size_t)r * ldc + j;
            float v = bias ? acc[r][j] + bias[j] : acc[r][j];
            if (accumulate) v = *cj + v;
            *cj = relu ? tt_relu1(v) : v;
        }
}
