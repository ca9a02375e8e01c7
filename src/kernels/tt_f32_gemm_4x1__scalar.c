/* tt_f32_gemm_4x1__scalar.c — the portable tail kernel for the last column
 * of C (B panel [K][1]), the same operations per output as
 * tt_f32_gemm_4x8__scalar.c. */
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_4x1__scalar(int mr, int nc, int k, const float *ap, const float *bp,
                                     const float *bias, float *c, int ldc, int relu,
                                     int accumulate) {
    float acc[4] = {0};
    for (int p = 0; p < k; p++, ap += 4)
        for (int r = 0; r < 4; r++) acc[r] = acc[r] + ap[r] * bp[p];
    for (int r = 0; r < mr && nc > 0; r++) {
        float *cr = c + (size_t)r * ldc;
        float v = bias ? acc[r] + bias[0] : acc[r];
        if (accumulate) v = *cr + v;
        *cr = relu ? tt_relu1(v) : v;
    }
}
