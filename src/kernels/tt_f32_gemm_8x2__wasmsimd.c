/* tt_f32_gemm_8x2__wasmsimd.c — the SIMD128 tail kernel for the last 2
 * columns of C (B panel [K][2]). Transposed against the loadsplat kernels:
 * one vector holds 4 rows of a column (a packed A block's 4 values of step
 * p, one load), and each B value is splatted, so no lane is wasted on
 * padding. 8 rows (two A blocks, the second 4*K floats after the first)
 * give 4 independent add chains. Same operations per output as
 * tt_f32_gemm_8x2__scalar.c. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_8x2__wasmsimd(int mr, int nc, int k, const float *ap, const float *bp,
                                       const float *bias, float *c, int ldc, int relu,
                                       int accumulate) {
    /* acc[h][j]: rows 4h..4h+3 of column j */
    v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
    const float *a1 = ap + (size_t)4 * k; /* rows 4..7: read only when mr > 4 */
    if (mr > 4) {
        for (int p = 0; p < k; p++, ap += 4, a1 += 4, bp += 2) {
            v128_t x0 = wasm_v128_load(ap), x1 = wasm_v128_load(a1);
            v128_t b0 = wasm_v128_load32_splat(bp), b1 = wasm_v128_load32_splat(bp + 1);
            c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0));
            c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
            c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0));
            c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
        }
    } else {
        for (int p = 0; p < k; p++, ap += 4, bp += 2) {
            v128_t x0 = wasm_v128_load(ap);
            c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, wasm_v128_load32_splat(bp)));
            c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, wasm_v128_load32_splat(bp + 1)));
        }
    }
    v128_t acc[2][2] = {{c00, c01}, {c10, c11}};
    for (int h = 0; h < 2 && 4 * h < mr; h++) {
        int rows = mr - 4 * h < 4 ? mr - 4 * h : 4;
        float *ch = c + (size_t)4 * h * ldc;
        for (int j = 0; j < nc; j++) {
            v128_t v = acc[h][j];
            if (bias) v = wasm_f32x4_add(v, wasm_v128_load32_splat(bias + j));
            if (accumulate) v = wasm_f32x4_add(tt_load_column(ch + j, ldc, rows), v);
            if (relu) v = tt_relu4(v);
            tt_store_column(ch + j, ldc, v, rows);
        }
    }
}
#endif
