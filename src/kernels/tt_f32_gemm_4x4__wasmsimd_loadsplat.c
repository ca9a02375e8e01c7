/* tt_f32_gemm_4x4__wasmsimd_loadsplat.c — the SIMD128 tail kernel for the
 * last 3 or 4 columns of C: the 4x8 loadsplat kernel cut to one B vector
 * per step (B panel [K][4]), so a tail of 4 columns costs 4 multiplies and
 * 4 adds per k instead of the 8 + 8 of a zero-padded 8-column panel. Same
 * operations per output as tt_f32_gemm_4x4__scalar.c. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_4x4__wasmsimd_loadsplat(int mr, int nc, int k, const float *ap,
                                                 const float *bp, const float *bias, float *c,
                                                 int ldc, int relu, int accumulate) {
    v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0, c2 = c0, c3 = c0;
    for (int p = 0; p < k; p++, ap += 4, bp += 4) {
        v128_t b = wasm_v128_load(bp);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load32_splat(ap), b));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 1), b));
        c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 2), b));
        c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 3), b));
    }
    v128_t acc[4] = {c0, c1, c2, c3};
    v128_t vb = bias ? tt_load_partial(bias, nc) : wasm_f32x4_splat(0.0f);
    for (int r = 0; r < mr; r++) {
        v128_t v = acc[r];
        float *cr = c + (size_t)r * ldc;
        if (bias) v = wasm_f32x4_add(v, vb);
        if (accumulate) v = wasm_f32x4_add(tt_load_partial(cr, nc), v);
        if (relu) v = tt_relu4(v);
        tt_store_partial(cr, v, nc);
    }
}
#endif
