/* tt_f32_gemm_1xn__wasmsimd.c — the SIMD128 one-row kernel (m == 1) on an
 * unpacked B [K,N] (row stride N). A single row reuses nothing of B, so
 * the time is the rate at which B's K*N floats pass through mul and add.
 * B is streamed in its stored order, 8 rows at a time: each 4-column slice
 * of c is loaded once, takes 8 products (in increasing k), and is stored
 * once, so c's traffic is 1/8 of B's. (Keeping 32 sums in registers and
 * walking B down 32-column strips instead strides B by N floats; at
 * N = 256 those rows share 4 of L1's 64 sets and every read misses.)
 * Each output is still ((0 + a0*b0) + a1*b1) + ... over k in increasing
 * order, then + bias, then ReLU, so the bits match every other kernel. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_1xn__wasmsimd(float *c, const float *a, const float *b,
                                       const float *bias, int k, int n, int relu) {
    int n4 = n & ~3, p = 0;
    for (int j = 0; j < n; j++) c[j] = 0.0f;
    for (; p + 8 <= k; p += 8) {
        const float *b0 = b + (size_t)p * n, *b1 = b0 + n, *b2 = b1 + n, *b3 = b2 + n;
        const float *b4 = b3 + n, *b5 = b4 + n, *b6 = b5 + n, *b7 = b6 + n;
        const float *ap = a + p;
        v128_t s0 = wasm_v128_load32_splat(ap), s1 = wasm_v128_load32_splat(ap + 1);
        v128_t s2 = wasm_v128_load32_splat(ap + 2), s3 = wasm_v128_load32_splat(ap + 3);
        v128_t s4 = wasm_v128_load32_splat(ap + 4), s5 = wasm_v128_load32_splat(ap + 5);
        v128_t s6 = wasm_v128_load32_splat(ap + 6), s7 = wasm_v128_load32_splat(ap + 7);
        for (int j = 0; j < n4; j += 4) {
            v128_t x = wasm_v128_load(c + j);
            x = wasm_f32x4_add(x, wasm_f32x4_mul(s0, wasm_v128_load(b0 + j)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(s1, wasm_v128_load(b1 + j)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(s2, wasm_v128_load(b2 + j)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(s3, wasm_v128_load(b3 + j)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(s4, wasm_v128_load(b4 + j)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(s5, wasm_v128_load(b5 + j)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(s6, wasm_v128_load(b6 + j)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(s7, wasm_v128_load(b7 + j)));
            wasm_v128_store(c + j, x);
        }
        for (int j = n4; j < n; j++) {
            float x = c[j];
            for (int q = 0; q < 8; q++) x = x + ap[q] * b0[(size_t)q * n + j];
            c[j] = x;
        }
    }
    for (; p < k; p++) { /* the last k % 8 rows, one at a time */
        const float *bp = b + (size_t)p * n;
        v128_t s = wasm_v128_load32_splat(a + p);
        for (int j = 0; j < n4; j += 4)
            wasm_v128_store(c + j, wasm_f32x4_add(wasm_v128_load(c + j), wasm_f32x4_mul(s, wasm_v128_load(bp + j))));
        for (int j = n4; j < n; j++) c[j] = c[j] + a[p] * bp[j];
    }
    int j = 0;
    for (; j < n4; j += 4) {
        v128_t v = wasm_v128_load(c + j);
        if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + j));
        if (relu) v = tt_relu4(v);
        wasm_v128_store(c + j, v);
    }
    for (; j < n; j++) {
        float v = bias ? c[j] + bias[j] : c[j];
        c[j] = relu ? tt_relu1(v) : v;
    }
}
#endif
