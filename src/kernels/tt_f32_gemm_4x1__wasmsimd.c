/* tt_f32_gemm_4x1__wasmsimd.c — the SIMD128 tail kernel for the last
 * column of C: one vector holds the column's 4 rows, B's value of step p
 * is splatted (see tt_f32_gemm_4x2__wasmsimd.c). Same operations per
 * output as tt_f32_gemm_4x1__scalar.c. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_4x1__wasmsimd(int mr, int nc, int k, const float *ap, const float *bp,
                                       const float *bias, float *c, int ldc, int relu,
                                       int accumulate) {
    v128_t v = wasm_f32x4_splat(0.0f);
    for (int p = 0; p < k; p++, ap += 4)
        v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(ap), wasm_v128_load32_splat(bp + p)));
    if (nc < 1) return;
    if (bias) v = wasm_f32x4_add(v, wasm_v128_load32_splat(bias));
    if (accumulate) v = wasm_f32x4_add(tt_load_column(c, ldc, mr), v);
    if (relu) v = tt_relu4(v);
    tt_store_column(c, ldc, v, mr);
}
#endif
