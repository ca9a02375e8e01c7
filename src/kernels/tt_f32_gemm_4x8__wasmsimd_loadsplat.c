/* tt_f32_gemm_4x8__wasmsimd_loadsplat.c — the SIMD128 4x8 tile kernel,
 * "loadsplat" style (after XNNPACK's f32-gemm 4x8 wasmsimd): per k, one A
 * element per row is splatted across a v128 and multiplied by 8 contiguous
 * B values (two v128 loads). 8 accumulators + 2 B vectors + 1 splat stay
 * within the 16 xmm registers V8 maps them to on x86-64.
 *
 * f32x4.mul then f32x4.add round exactly as the scalar kernel's a*b then +,
 * so the results are bit-identical to tt_f32_gemm_4x8__scalar.c. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

/* c[mr, nc] (+)= ap[k][4] @ bp[k][8] (+ bias[8]) (ReLU), mr <= 4, nc <= 8.
 * Both operands are packed (tt_f32_gemm.c), so every load of step p is at
 * a constant offset from ap or bp: no per-row address arithmetic in the
 * hot loop. */
void tt_f32_gemm_ukernel_4x8__wasmsimd_loadsplat(int mr, int nc, int k, const float *ap,
                                                 const float *bp, const float *bias, float *c,
                                                 int ldc, int relu, int accumulate) {
    v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
    v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int p = 0; p < k; p++, ap += 4, bp += 8) {
        v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
        v128_t v0 = wasm_v128_load32_splat(ap);
        v128_t v1 = wasm_v128_load32_splat(ap + 1);
        v128_t v2 = wasm_v128_load32_splat(ap + 2);
        v128_t v3 = wasm_v128_load32_splat(ap + 3);
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
    for (int r = 0; r < mr; r++) {
        for (int h = 0; h < 2; h++) {
            v128_t v = acc[r][h];
            int lanes = nc - 4 * h;
            if (lanes <= 0) continue;
            float *ch = c + (size_t)r * ldc + 4 * h;
            if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + 4 * h));
            if (accumulate) v = wasm_f32x4_add(tt_load_partial(ch, lanes), v);
            if (relu) v = tt_relu4(v);
            tt_store_partial(ch, v, lanes);
        }
    }
}
#endif
