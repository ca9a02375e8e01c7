/* tt_f32_gemm_1xn__wasmsimd.c — the SIMD128 one-row kernel (m == 1) on an
 * unpacked B [K,N] (row stride N). A single row reuses nothing of B, so
 * the time is the rate at which B's K*N floats pass through mul and add.
 * The sums stay in registers: 32 columns at a time, 8 accumulators, each
 * one independent add chain per k (enough to cover the add latency at the
 * FP ports' throughput), and each of B's K rows gives 128 contiguous
 * bytes per pass. c is written once. Each output is still
 * ((0 + a0*b0) + a1*b1) + ... over k in increasing order, then + bias,
 * then ReLU, so the bits match every other kernel. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

/* Bias, ReLU and store of 4 sums for columns c[0..3]. */
static inline void tt_row_finish(float *c, v128_t v, const float *bias, int relu) {
    if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias));
    if (relu) v = tt_relu4(v);
    wasm_v128_store(c, v);
}

void tt_f32_gemm_ukernel_1xn__wasmsimd(float *c, const float *a, const float *b,
                                       const float *bias, int k, int n, int relu) {
    int j = 0;
    for (; j + 32 <= n; j += 32) {
        v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
        v128_t s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        const float *bp = b + j;
        for (int p = 0; p < k; p++, bp += n) {
            v128_t av = wasm_v128_load32_splat(a + p);
            s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(av, wasm_v128_load(bp)));
            s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(av, wasm_v128_load(bp + 4)));
            s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(av, wasm_v128_load(bp + 8)));
            s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(av, wasm_v128_load(bp + 12)));
            s4 = wasm_f32x4_add(s4, wasm_f32x4_mul(av, wasm_v128_load(bp + 16)));
            s5 = wasm_f32x4_add(s5, wasm_f32x4_mul(av, wasm_v128_load(bp + 20)));
            s6 = wasm_f32x4_add(s6, wasm_f32x4_mul(av, wasm_v128_load(bp + 24)));
            s7 = wasm_f32x4_add(s7, wasm_f32x4_mul(av, wasm_v128_load(bp + 28)));
        }
        v128_t s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
        for (int q = 0; q < 8; q++) tt_row_finish(c + j + 4 * q, s[q], bias ? bias + j + 4 * q : NULL, relu);
    }
    for (; j + 8 <= n; j += 8) { /* fewer chains: latency-bound, but at most 3 blocks */
        v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
        const float *bp = b + j;
        for (int p = 0; p < k; p++, bp += n) {
            v128_t av = wasm_v128_load32_splat(a + p);
            s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(av, wasm_v128_load(bp)));
            s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(av, wasm_v128_load(bp + 4)));
        }
        tt_row_finish(c + j, s0, bias ? bias + j : NULL, relu);
        tt_row_finish(c + j + 4, s1, bias ? bias + j + 4 : NULL, relu);
    }
    for (; j + 4 <= n; j += 4) {
        v128_t s0 = wasm_f32x4_splat(0.0f);
        const float *bp = b + j;
        for (int p = 0; p < k; p++, bp += n)
            s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load32_splat(a + p), wasm_v128_load(bp)));
        tt_row_finish(c + j, s0, bias ? bias + j : NULL, relu);
    }
    for (; j < n; j++) {
        float s = 0.0f;
        for (int p = 0; p < k; p++) s = s + a[p] * b[(size_t)p * n + j];
        if (bias) s = s + bias[j];
        c[j] = relu ? tt_relu1(s) : s;
    }
}
#endif
