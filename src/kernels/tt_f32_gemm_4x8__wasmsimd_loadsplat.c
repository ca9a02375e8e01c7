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

/* c[m, nc] (+)= ap[m/4][k][4] @ bp[k][8] (+ bias[8]) (ReLU), nc <= 8: the
 * whole column panel, one 4-row block after another. Both operands are
 * packed (tt_f32_gemm.c), so every load of step p is at a constant offset
 * from ap or bp: no per-row address arithmetic in the hot loop. Looping
 * over the blocks here rather than in the driver saves an indirect call
 * per tile, and full tiles (4 rows, 8 columns: all but the edges) store
 * in straight-line code: with K = 64 (the dW GEMMs of a batch of 64) the
 * per-tile work outside the k loop was a tenth of the tile's. */
void tt_f32_gemm_ukernel_4x8__wasmsimd_loadsplat(TT_GEMM_PANEL_ARGS) {
    const v128_t zero = wasm_f32x4_splat(0.0f);
    const v128_t bias0 = bias ? wasm_v128_load(bias) : zero;
    const v128_t bias1 = bias ? wasm_v128_load(bias + 4) : zero;
    for (int i = 0; i < m; i += 4, ap += (size_t)4 * k, c += (size_t)4 * ldc) {
        v128_t c00 = zero, c01 = zero, c10 = zero, c11 = zero;
        v128_t c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        const float *a = ap, *b = bp;
        for (int p = 0; p < k; p++, a += 4, b += 8) {
            v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
            v128_t v0 = wasm_v128_load32_splat(a);
            v128_t v1 = wasm_v128_load32_splat(a + 1);
            v128_t v2 = wasm_v128_load32_splat(a + 2);
            v128_t v3 = wasm_v128_load32_splat(a + 3);
            c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(v0, b0));
            c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(v0, b1));
            c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(v1, b0));
            c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(v1, b1));
            c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(v2, b0));
            c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(v2, b1));
            c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(v3, b0));
            c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(v3, b1));
        }
        int mr = m - i < 4 ? m - i : 4;
        if (bias) {
            c00 = wasm_f32x4_add(c00, bias0), c01 = wasm_f32x4_add(c01, bias1);
            c10 = wasm_f32x4_add(c10, bias0), c11 = wasm_f32x4_add(c11, bias1);
            c20 = wasm_f32x4_add(c20, bias0), c21 = wasm_f32x4_add(c21, bias1);
            c30 = wasm_f32x4_add(c30, bias0), c31 = wasm_f32x4_add(c31, bias1);
        }
        if (mr == 4 && nc == 8) {
            float *c0 = c, *c1 = c + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
            if (accumulate) {
                c00 = wasm_f32x4_add(wasm_v128_load(c0), c00), c01 = wasm_f32x4_add(wasm_v128_load(c0 + 4), c01);
                c10 = wasm_f32x4_add(wasm_v128_load(c1), c10), c11 = wasm_f32x4_add(wasm_v128_load(c1 + 4), c11);
                c20 = wasm_f32x4_add(wasm_v128_load(c2), c20), c21 = wasm_f32x4_add(wasm_v128_load(c2 + 4), c21);
                c30 = wasm_f32x4_add(wasm_v128_load(c3), c30), c31 = wasm_f32x4_add(wasm_v128_load(c3 + 4), c31);
            }
            if (relu) {
                c00 = tt_relu4(c00), c01 = tt_relu4(c01), c10 = tt_relu4(c10), c11 = tt_relu4(c11);
                c20 = tt_relu4(c20), c21 = tt_relu4(c21), c30 = tt_relu4(c30), c31 = tt_relu4(c31);
            }
            wasm_v128_store(c0, c00), wasm_v128_store(c0 + 4, c01);
            wasm_v128_store(c1, c10), wasm_v128_store(c1 + 4, c11);
            wasm_v128_store(c2, c20), wasm_v128_store(c2 + 4, c21);
            wasm_v128_store(c3, c30), wasm_v128_store(c3 + 4, c31);
            continue;
        }
        v128_t acc[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
        for (int r = 0; r < mr; r++) {
            for (int h = 0; h < 2; h++) {
                v128_t v = acc[r][h];
                int lanes = nc - 4 * h;
                if (lanes <= 0) continue;
                float *ch = c + (size_t)r * ldc + 4 * h;
                if (accumulate) v = wasm_f32x4_add(tt_load_partial(ch, lanes), v);
                if (relu) v = tt_relu4(v);
                tt_store_partial(ch, v, lanes);
            }
        }
    }
}
#endif
