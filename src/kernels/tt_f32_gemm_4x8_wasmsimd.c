/* tt_f32_gemm_4x8_wasmsimd.c — SIMD128 kernels, "loadsplat" style (after
 * XNNPACK's f32-gemm 4x8 wasmsimd): per k, one A element per row is
 * splatted across a v128 and multiplied by 8 contiguous B values (two v128
 * loads). 8 accumulators + 2 B vectors + 1 splat stay within the 16 xmm
 * registers V8 maps them to on x86-64.
 *
 * f32x4.mul then f32x4.add round exactly as the scalar kernels' a*b then +,
 * so the results are bit-identical to tt_f32_gemm_4x8_scalar.c. */
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include "tt_internal.h"

/* ReLU that keeps NaN: v where v > 0 or v != v, else +0. */
static inline v128_t tt_relu4(v128_t v) {
    v128_t zero = wasm_f32x4_splat(0.0f);
    return wasm_v128_bitselect(v, zero, wasm_v128_or(wasm_f32x4_gt(v, zero), wasm_f32x4_ne(v, v)));
}

/* Store the first nc (<= 4) lanes of v. */
static inline void tt_store_partial(float *c, v128_t v, int nc) {
    if (nc >= 4) {
        wasm_v128_store(c, v);
        return;
    }
    float tmp[4];
    wasm_v128_store(tmp, v);
    for (int j = 0; j < nc; j++) c[j] = tmp[j];
}

/* c[mr, nc] = ap[k][4] @ bp[k][8] (+ bias[8]) (ReLU), mr <= 4, nc <= 8.
 * Both operands are packed (tt_f32_gemm.c), so every load of step p is at
 * a constant offset from ap or bp: no per-row address arithmetic in the
 * hot loop. */
void tt_f32_gemm_ukernel_4x8__wasmsimd(int mr, int nc, int k, const float *ap, const float *bp,
                                       const float *bias, float *c, int ldc, int relu) {
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
            if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + 4 * h));
            if (relu) v = tt_relu4(v);
            int lanes = nc - 4 * h;
            if (lanes > 0) tt_store_partial(c + (size_t)r * ldc + 4 * h, v, lanes);
        }
    }
}

/* c[n] = a[k] @ b[k, n] (+ bias) (ReLU) for one row: B is streamed row by
 * row (contiguous, prefetch-friendly) and four k steps are applied to each
 * 8-column block of c while it is in registers. The sums still run over k
 * in increasing order, so the bits match the 4x8 kernels. */
void tt_f32_gemm_1xn__wasmsimd(float *c, const float *a, const float *b, const float *bias,
                               int k, int n, int relu) {
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
