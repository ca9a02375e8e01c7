/* tt_f32_gemm_1xn_packed__scalar.c — one row of C on a packed B (panels
 * [K][8], then a tail panel [K][w]): per panel, 8 sums over k in
 * increasing order, then bias, then (accumulate) c +, then ReLU, as the
 * tile kernels. */
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_1xn_packed__scalar(float *c, const float *a, const float *bp,
                                            const float *bias, int k, int n, int relu,
                                            int accumulate) {
    for (int j = 0; j < n; j += 8, bp += (size_t)k * 8) {
        int nc = n - j < 8 ? n - j : 8, w = nc == 8 ? 8 : tt_gemm_tail_width(nc);
        float acc[8] = {0};
        for (int p = 0; p < k; p++)
            for (int t = 0; t < w; t++) acc[t] = acc[t] + a[p] * bp[(size_t)p * w + t];
        for (int t = 0; t < nc; t++) {
            float v = bias ? acc[t] + bias[j + t] : acc[t];
            if (accumulate) v = c[j + t] + v;
            c[j + t] = relu ? tt_relu1(v) : v;
        }
    }
}
