/* tt_f32_gemm_4x2__wasmsimd.c — the SIMD128 tail kernel for the last 2
 * columns of C. Transposed against the loadsplat kernels: one vector holds
 * a column's 4 rows (the packed A block's 4 values of step p, one load),
 * and each B value is splatted, so no lane is wasted on padding. Same
 * operations per output as tt_f32_gemm_4x2__scalar.c. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_4x2__wasmsimd(int mr, int nc, int k, const float *ap, const float *bp,
                                       const float *bias, float *c, int ldc, int relu,
                                       int accumulate) {
    v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0; /* columns 0 and 1, rows 0..3 */
    for (int p = 0; p < k; p++, ap += 4, bp += 2) {
        v128_t a = wasm_v128_load(ap);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(a, wasm_v128_load32_splat(bp)));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(a, wasm_v128_load32_splat(bp + 1)));
    }
    v128_t acc[2] = {c0, c1};
    for (int j = 0; j < nc; j++) {
        v128_t v = acc[j];
        if (bias) v = wasm_f32x4_add(v, wasm_v128_load32_splat(bias + j));
        if (accumulate) v = wasm_f32x4_add(tt_load_column(c + j, ldc, mr), v);
        if (relu) v = tt_relu4(v);
        tt_store_column(c + j, ldc, v, mr);
    }
}
#endif
