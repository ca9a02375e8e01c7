/* tt_f32_gemm_1xn_packed__scalar.c — one row of C on a packed B (panels
 * [K][8], then a tail panel [K][w]): per column, the sum over k in
 * increasing order, then bias, then (accumulate) c +, then ReLU, as the
 * tile kernels. The full panels go up to 32 at a time, k outermost, with
 * the sums in a stack buffer: 256 independent chains per step (one panel
 * at a time would leave 8, each waiting on its previous add). */
#include "tt_f32_gemm.h"

static inline void tt_row_store(float *c, const float *sums, const float *bias, int nc, int relu,
                                int accumulate) {
    for (int t = 0; t < nc; t++) {
        float v = bias ? sums[t] + bias[t] : sums[t];
        if (accumulate) v = c[t] + v;
        c[t] = relu ? tt_relu1(v) : v;
    }
}

void tt_f32_gemm_ukernel_1xn_packed__scalar(float *c, const float *a, const float *bp,
                                            const float *bias, int k, int n, int relu,
                                            int accumulate) {
    enum { CHUNK = 32 }; /* panels per pass */
    float sums[CHUNK * 8];
    int full = n / 8;
    size_t ps = (size_t)k * 8;
    for (int q0 = 0; q0 < full; q0 += CHUNK) {
        int qn = full - q0 < CHUNK ? full - q0 : CHUNK;
        const float *b0 = bp + (size_t)q0 * ps;
        for (int i = 0; i < qn * 8; i++) sums[i] = 0.0f;
        for (int p = 0; p < k; p++) {
            float av = a[p];
            for (int q = 0; q < qn; q++) {
                const float *b = b0 + q * ps + (size_t)p * 8;
                float *s = sums + q * 8;
                for (int t = 0; t < 8; t++) s[t] = s[t] + av * b[t];
            }
        }
        tt_row_store(c + q0 * 8, sums, bias ? bias + q0 * 8 : NULL, qn * 8, relu, accumulate);
    }
    int nc = n - full * 8;
    if (nc > 0) { /* the tail panel [K][w] */
        int w = tt_gemm_tail_width(nc);
        const float *b = bp + (size_t)full * ps;
        for (int t = 0; t < w; t++) sums[t] = 0.0f;
        for (int p = 0; p < k; p++)
            for (int t = 0; t < w; t++) sums[t] = sums[t] + a[p] * b[(size_t)p * w + t];
        tt_row_store(c + full * 8, sums, bias ? bias + full * 8 : NULL, nc, relu, accumulate);
    }
}
