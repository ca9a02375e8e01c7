/* tt_f32_gemm_4x8_wasmsimd.c — SIMD128 4x8 micro-kernel, "loadsplat" style:
 * per k, one A element per row is splatted across a v128 and multiplied by
 * 8 contiguous B values (two v128 loads). 8 accumulators + 2 B vectors + 1
 * splat stay within the 16 xmm registers V8 maps them to on x86-64.
 *
 * c[mr, 8] = a[mr, k] @ b[k, 8] (+ bias[8]) (ReLU), mr <= 4. Rows past mr
 * alias row 0 (computed, never stored) so the hot loop has no branches.
 * f32x4.mul then f32x4.add round exactly as the scalar kernel's a*b then +,
 * so the results are bit-identical to tt_f32_gemm_ukernel_4x8__scalar. */
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include "tt_internal.h"

void tt_f32_gemm_ukernel_4x8__wasmsimd(int mr, int nc, int k, const float *a, int lda,
                                       const float *b, int ldb, const float *bias, float *c,
                                       int ldc, int relu) {
    (void)nc; /* always 8: the driver sends narrower panels to the scalar kernel */
    const float *a0 = a;
    const float *a1 = mr > 1 ? a + lda : a0;
    const float *a2 = mr > 2 ? a + 2 * (size_t)lda : a0;
    const float *a3 = mr > 3 ? a + 3 * (size_t)lda : a0;
    v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
    v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int p = 0; p < k; p++) {
        const float *bp = b + (size_t)p * ldb;
        v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
        v128_t v0 = wasm_v128_load32_splat(a0 + p);
        v128_t v1 = wasm_v128_load32_splat(a1 + p);
        v128_t v2 = wasm_v128_load32_splat(a2 + p);
        v128_t v3 = wasm_v128_load32_splat(a3 + p);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(v0, b0));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(v0, b1));
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(v1, b0));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(v1, b1));
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(v2, b0));
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(v2, b1));
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(v3, b0));
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(v3, b1));
    }
    v128_t acc[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
    v128_t bias0 = bias ? wasm_v128_load(bias) : wasm_f32x4_splat(0.0f);
    v128_t bias1 = bias ? wasm_v128_load(bias + 4) : bias0;
    v128_t zero = wasm_f32x4_splat(0.0f);
    for (int r = 0; r < mr; r++) {
        for (int h = 0; h < 2; h++) {
            v128_t v = acc[r][h];
            if (bias) v = wasm_f32x4_add(v, h ? bias1 : bias0);
            /* ReLU that keeps NaN: select v where v > 0 or v != v, else 0. */
            if (relu) v = wasm_v128_bitselect(v, zero, wasm_v128_or(wasm_f32x4_gt(v, zero),
                                                                     wasm_f32x4_ne(v, v)));
            wasm_v128_store(c + (size_t)r * ldc + 4 * h, v);
        }
    }
}
#endif
