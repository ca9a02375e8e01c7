/* tt_f32_gemm_8x1__wasmsimd.c — the SIMD128 tail kernel for the last
 * column of C: vectors hold 4 rows of the column, B's value of step p is
 * splatted (see tt_f32_gemm_8x2__wasmsimd.c); 8 rows, 2 add chains. Same
 * operations per output as tt_f32_gemm_8x1__scalar.c. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_8x1__wasmsimd(int mr, int nc, int k, const float *ap, const float *bp,
                                       const float *bias, float *c, int ldc, int relu,
                                       int accumulate) {
    v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0; /* rows 0..3, rows 4..7 */
    const float *a1 = ap + (size_t)4 * k; /* read only when mr > 4 */
    if (mr > 4) {
        for (int p = 0; p < k; p++, ap += 4, a1 += 4) {
            v128_t b = wasm_v128_load32_splat(bp + p);
            c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load(ap), b));
            c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_v128_load(a1), b));
        }
    } else {
        for (int p = 0; p < k; p++, ap += 4)
            c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load(ap), wasm_v128_load32_splat(bp + p)));
    }
    if (nc < 1) return;
    v128_t acc[2] = {c0, c1};
    for (int h = 0; h < 2 && 4 * h < mr; h++) {
        int rows = mr - 4 * h < 4 ? mr - 4 * h : 4;
        float *ch = c + (size_t)4 * h * ldc;
        v128_t v = acc[h];
        if (bias) v = wasm_f32x4_add(v, wasm_v128_load32_splat(bias));
        if (accumulate) v = wasm_f32x4_add(tt_load_column(ch, ldc, rows), v);
        if (relu) v = tt_relu4(v);
        tt_store_column(ch, ldc, v, rows);
    }
}
#endif
