/* tt_f32_gemm_1xn__wasmsimd.c — the SIMD128 one-row kernel (m == 1).
 * f32x4.mul then f32x4.add round as the scalar a*b then +. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

/* c[n] = a[k] @ b[k, n] (+ bias) (ReLU) for one row: B is streamed row by
 * row (contiguous, prefetch-friendly) and four k steps are applied to each
 * 8-column block of c while it is in registers. The sums still run over k
 * in increasing order, so the bits match the 4x8 kernels. */
void tt_f32_gemm_ukernel_1xn__wasmsimd(float *c, const float *a, const float *b,
                                       const float *bias, int k, int n, int relu) {
    int n8 = n & ~7;
    for (int j = 0; j < n; j++) c[j] = 0.0f;
    for (int p = 0; p < k; p += 4) {
        int kb = k - p < 4 ? k - p : 4;
        const float *b0 = b + (size_t)p * n;
        if (kb == 4) {
            v128_t s0 = wasm_v128_load32_splat(a + p), s1 = wasm_v128_load32_splat(a + p + 1);
            v128_t s2 = wasm_v128_load32_splat(a + p + 2), s3 = wasm_v128_load32_splat(a + p + 3);
            const float *b1 = b0 + n, *b2 = b1 + n, *b3 = b2 + n;
            for (int j = 0; j < n8; j += 8) {
                v128_t x0 = wasm_v128_load(c + j), x1 = wasm_v128_load(c + j + 4);
                x0 = wasm_f32x4_add(x0, wasm_f32x4_mul(s0, wasm_v128_load(b0 + j)));
                x1 = wasm_f32x4_add(x1, wasm_f32x4_mul(s0, wasm_v128_load(b0 + j + 4)));
                x0 = wasm_f32x4_add(x0, wasm_f32x4_mul(s1, wasm_v128_load(b1 + j)));
                x1 = wasm_f32x4_add(x1, wasm_f32x4_mul(s1, wasm_v128_load(b1 + j + 4)));
                x0 = wasm_f32x4_add(x0, wasm_f32x4_mul(s2, wasm_v128_load(b2 + j)));
                x1 = wasm_f32x4_add(x1, wasm_f32x4_mul(s2, wasm_v128_load(b2 + j + 4)));
                x0 = wasm_f32x4_add(x0, wasm_f32x4_mul(s3, wasm_v128_load(b3 + j)));
                x1 = wasm_f32x4_add(x1, wasm_f32x4_mul(s3, wasm_v128_load(b3 + j + 4)));
                wasm_v128_store(c + j, x0);
                wasm_v128_store(c + j + 4, x1);
            }
            for (int j = n8; j < n; j++)
                c[j] = (((c[j] + a[p] * b0[j]) + a[p + 1] * b1[j]) + a[p + 2] * b2[j]) + a[p + 3] * b3[j];
        } else {
            for (int q = 0; q < kb; q++) {
                const float *bq = b0 + (size_t)q * n;
                v128_t s = wasm_v128_load32_splat(a + p + q);
                int j = 0;
                for (; j + 4 <= n; j += 4)
                    wasm_v128_store(c + j, wasm_f32x4_add(wasm_v128_load(c + j), wasm_f32x4_mul(s, wasm_v128_load(bq + j))));
                for (; j < n; j++) c[j] = c[j] + a[p + q] * bq[j];
            }
        }
    }
    int j = 0;
    for (; j + 4 <= n; j += 4) {
        v128_t v = wasm_v128_load(c + j);
        if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + j));
        if (relu) v = tt_relu4(v);
        wasm_v128_store(c + j, v);
    }
    for (; j < n; j++) {
        float v = bias ? c[j] + bias[j] : c[j];
        c[j] = relu ? ((v > 0.0f || v != v) ? v : 0.0f) : v;
    }
}
#endif
