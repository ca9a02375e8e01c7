/* tt_f32_gemm_8x4__wasmsimd_loadsplat.c — the SIMD128 tail kernel for the
 * last 3 or 4 columns of C (B panel [K][4]): the 4x8 loadsplat kernel with
 * one B vector per step instead of two, over 8 rows (two packed A blocks,
 * the second 4*K floats after the first) so 8 add chains hide the add
 * latency as the 4x8 kernel's 8 do. A tail of 4 columns costs 4 multiplies
 * and 4 adds per row block and k, not the 8 + 8 of a zero-padded 8-column
 * panel. Same operations per output as tt_f32_gemm_8x4__scalar.c. */
#if defined(__wasm_simd128__)
#include "tt_f32_gemm.h"

void tt_f32_gemm_ukernel_8x4__wasmsimd_loadsplat(int mr, int nc, int k, const float *ap,
                                                 const float *bp, const float *bias, float *c,
                                                 int ldc, int relu, int accumulate) {
    v128_t acc[8];
    for (int r = 0; r < 8; r++) acc[r] = wasm_f32x4_splat(0.0f);
    const float *a1 = ap + (size_t)4 * k; /* rows 4..7: read only when mr > 4 */
    if (mr > 4) {
        v128_t c0 = acc[0], c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < k; p++, ap += 4, a1 += 4, bp += 4) {
            v128_t b = wasm_v128_load(bp);
            c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load32_splat(ap), b));
            c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 1), b));
            c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 2), b));
            c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 3), b));
            c4 = wasm_f32x4_add(c4, wasm_f32x4_mul(wasm_v128_load32_splat(a1), b));
            c5 = wasm_f32x4_add(c5, wasm_f32x4_mul(wasm_v128_load32_splat(a1 + 1), b));
            c6 = wasm_f32x4_add(c6, wasm_f32x4_mul(wasm_v128_load32_splat(a1 + 2), b));
            c7 = wasm_f32x4_add(c7, wasm_f32x4_mul(wasm_v128_load32_splat(a1 + 3), b));
        }
        acc[0] = c0, acc[1] = c1, acc[2] = c2, acc[3] = c3;
        acc[4] = c4, acc[5] = c5, acc[6] = c6, acc[7] = c7;
    } else {
        v128_t c0 = acc[0], c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < k; p++, ap += 4, bp += 4) {
            v128_t b = wasm_v128_load(bp);
            c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load32_splat(ap), b));
            c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 1), b));
            c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 2), b));
            c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_v128_load32_splat(ap + 3), b));
        }
        acc[0] = c0, acc[1] = c1, acc[2] = c2, acc[3] = c3;
    }
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
