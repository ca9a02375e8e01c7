/* tt_f32_gemm_1xn_packed__wasmsimd.c — the SIMD128 one-row kernel on a
 * packed B (tt_f32_gemm.c's panel layout: N/8 panels [K][8], then a tail
 * panel [K][w]). Four panels (32 columns) at a time with 8 accumulators,
 * as tt_f32_gemm_1xn__wasmsimd.c, each panel read front to back: four
 * sequential streams, k unrolled by four. With accumulate (a one-row dx
 * on a cached W^T) the old c is added after the bias, as in the tile
 * kernels. Same operations per output as every other kernel. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

static inline void tt_row_finish(float *c, v128_t v, const float *bias, int relu, int nc,
                                 int accumulate) {
    if (bias) v = wasm_f32x4_add(v, tt_load_partial(bias, nc));
    if (accumulate) v = wasm_f32x4_add(tt_load_partial(c, nc), v);
    if (relu) v = tt_relu4(v);
    tt_store_partial(c, v, nc);
}

/* s[0..7] += a[0] * (row k of four panels: b0[0..7], b1[0..7], b2[0..7], b3[0..7]) */
static inline void tt_row_step(v128_t s[8], const float *a, const float *b0, const float *b1,
                               const float *b2, const float *b3) {
    v128_t av = wasm_v128_load32_splat(a);
    s[0] = wasm_f32x4_add(s[0], wasm_f32x4_mul(av, wasm_v128_load(b0)));
    s[1] = wasm_f32x4_add(s[1], wasm_f32x4_mul(av, wasm_v128_load(b0 + 4)));
    s[2] = wasm_f32x4_add(s[2], wasm_f32x4_mul(av, wasm_v128_load(b1)));
    s[3] = wasm_f32x4_add(s[3], wasm_f32x4_mul(av, wasm_v128_load(b1 + 4)));
    s[4] = wasm_f32x4_add(s[4], wasm_f32x4_mul(av, wasm_v128_load(b2)));
    s[5] = wasm_f32x4_add(s[5], wasm_f32x4_mul(av, wasm_v128_load(b2 + 4)));
    s[6] = wasm_f32x4_add(s[6], wasm_f32x4_mul(av, wasm_v128_load(b3)));
    s[7] = wasm_f32x4_add(s[7], wasm_f32x4_mul(av, wasm_v128_load(b3 + 4)));
}

void tt_f32_gemm_ukernel_1xn_packed__wasmsimd(float *c, const float *a, const float *bp,
                                              const float *bias, int k, int n, int relu,
                                              int accumulate) {
    int full = n / 8, q = 0;
    size_t ps = (size_t)k * 8; /* floats per full panel */
    for (; q + 4 <= full; q += 4) {
        v128_t s[8];
        for (int h = 0; h < 8; h++) s[h] = wasm_f32x4_splat(0.0f);
        const float *b0 = bp + q * ps, *b1 = b0 + ps, *b2 = b1 + ps, *b3 = b2 + ps;
        int p = 0;
        /* four k at a time: the pointer steps and the loop test come once
         * per 36 loads instead of once per 9 (on [1,784,256] in Node this
         * took the row from about 15.6 to 13.3 us; eight at a time did not
         * pay further) */
        for (; p + 4 <= k; p += 4, b0 += 32, b1 += 32, b2 += 32, b3 += 32) {
            tt_row_step(s, a + p, b0, b1, b2, b3);
            tt_row_step(s, a + p + 1, b0 + 8, b1 + 8, b2 + 8, b3 + 8);
            tt_row_step(s, a + p + 2, b0 + 16, b1 + 16, b2 + 16, b3 + 16);
            tt_row_step(s, a + p + 3, b0 + 24, b1 + 24, b2 + 24, b3 + 24);
        }
        for (; p < k; p++, b0 += 8, b1 += 8, b2 += 8, b3 += 8) tt_row_step(s, a + p, b0, b1, b2, b3);
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
