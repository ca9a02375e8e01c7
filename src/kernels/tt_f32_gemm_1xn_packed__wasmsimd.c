/* tt_f32_gemm_1xn_packed__wasmsimd.c — the SIMD128 one-row kernel on a
 * packed B (tt_f32_gemm.c's panel layout: N/8 panels [K][8], then a tail
 * panel [K][w]). Four panels (32 columns) at a time with 8 accumulators,
 * as tt_f32_gemm_1xn__wasmsimd.c, each panel read front to back: four
 * sequential streams. With accumulate (a one-row dx on a cached W^T) the
 * old c is added after the bias, as in the tile kernels. Same operations
 * per output as every other kernel. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

static inline void tt_row_finish(float *c, v128_t v, const float *bias, int relu, int nc,
                                 int accumulate) {
    if (bias) v = wasm_f32x4_add(v, tt_load_partial(bias, nc));
    if (accumulate) v = wasm_f32x4_add(tt_load_partial(c, nc), v);
    if (relu) v = tt_relu4(v);
    tt_store_partial(c, v, nc);
}

void tt_f32_gemm_ukernel_1xn_packed__wasmsimd(float *c, const float *a, const float *bp,
                                              const float *bias, int k, int n, int relu,
                                              int accumulate) {
    int full = n / 8, q = 0;
    size_t ps = (size_t)k * 8; /* floats per full panel */
    for (; q + 4 <= full; q += 4) {
        v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
        v128_t s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        const float *b0 = bp + q * ps, *b1 = b0 + ps, *b2 = b1 + ps, *b3 = b2 + ps;
        for (int p = 0; p < k; p++, b0 += 8, b1 += 8, b2 += 8, b3 += 8) {
            v128_t av = wasm_v128_load32_splat(a + p);
            s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(av, wasm_v128_load(b0)));
            s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(av, wasm_v128_load(b0 + 4)));
            s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(av, wasm_v128_load(b1)));
            s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(av, wasm_v128_load(b1 + 4)));
            s4 = wasm_f32x4_add(s4, wasm_f32x4_mul(av, wasm_v128_load(b2)));
            s5 = wasm_f32x4_add(s5, wasm_f32x4_mul(av, wasm_v128_load(b2 + 4)));
            s6 = wasm_f32x4_add(s6, wasm_f32x4_mul(av, wasm_v128_load(b3)));
            s7 = wasm_f32x4_add(s7, wasm_f32x4_mul(av, wasm_v128_load(b3 + 4)));
        }
        v128_t s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
        for (int h = 0; h < 8; h++) {
            int j = q * 8 + 4 * h;
            tt_row_finish(c + j, s[h], bias ? bias + j : NULL, relu, 4, accumulate);
        }
    }
    /* the remaining full panels, then the tail panel (width 8, 4, 2 or 1) */
    for (; q * 8 < n; q++) {
        int nc = n - q * 8 < 8 ? n - q * 8 : 8, w = q < full ? 8 : tt_gemm_tail_width(nc);
        const float *b0 = bp + q * ps;
        int j = q * 8;
        if (w == 8) {
            v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
            for (int p = 0; p < k; p++, b0 += 8) {
                v128_t av = wasm_v128_load32_splat(a + p);
                s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(av, wasm_v128_load(b0)));
                s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(av, wasm_v128_load(b0 + 4)));
            }
            tt_row_finish(c + j, s0, bias ? bias + j : NULL, relu, nc < 4 ? nc : 4, accumulate);
            if (nc > 4) tt_row_finish(c + j + 4, s1, bias ? bias + j + 4 : NULL, relu, nc - 4, accumulate);
        } else if (w == 4) {
            v128_t s0 = wasm_f32x4_splat(0.0f);
            for (int p = 0; p < k; p++, b0 += 4)
                s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load32_splat(a + p), wasm_v128_load(b0)));
            tt_row_finish(c + j, s0, bias ? bias + j : NULL, relu, nc, accumulate);
        } else {
            for (int t = 0; t < nc; t++) {
                float s = 0.0f;
                for (int p = 0; p < k; p++) s = s + a[p] * b0[(size_t)p * w + t];
                if (bias) s = s + bias[j + t];
                if (accumulate) s = c[j + t] + s;
                c[j + t] = relu ? tt_relu1(s) : s;
            }
        }
    }
}
#endif
