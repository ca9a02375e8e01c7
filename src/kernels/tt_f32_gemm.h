/* tt_f32_gemm.h — the GEMM micro-kernels, shared by the driver
 * (tt_f32_gemm.c) and the one-file-per-kernel sources. Names follow
 * XNNPACK: tt_f32_gemm_ukernel_<tile>__<isa>[_<variant>]. Not public. */
#ifndef TT_F32_GEMM_H
#define TT_F32_GEMM_H

#include "../tt_internal.h"

/* c[mr, nc] (+)= ap[k][4] @ bp[k][8] (+ bias[8]) (ReLU); mr <= 4, nc <= 8.
 * Both operands packed by tt_f32_gemm.c: A's four rows of step p are
 * ap[4p..4p+3], B's eight columns bp[8p..8p+7]. Per output:
 * v = ((0 + a0*b0) + a1*b1) + ... over p, then v = v + bias, then
 * v = c + v if accumulate, then ReLU (NaN kept). */
typedef void (*tt_gemm_ukernel)(int mr, int nc, int k, const float *ap, const float *bp,
                                const float *bias, float *c, int ldc, int relu, int accumulate);
/* c[n] = a[k] @ b[k, n] (+ bias[n]) (ReLU): one row, B unpacked (row
 * stride n), the same sums in the same order as the tile kernels. */
typedef void (*tt_gemm_row_ukernel)(float *c, const float *a, const float *b, const float *bias,
                                    int k, int n, int relu);

void tt_f32_gemm_ukernel_4x8__scalar(int mr, int nc, int k, const float *ap, const float *bp,
                                     const float *bias, float *c, int ldc, int relu,
                                     int accumulate);
void tt_f32_gemm_ukernel_1xn__scalar(float *c, const float *a, const float *b, const float *bias,
                                     int k, int n, int relu);
#if defined(__wasm_simd128__)
void tt_f32_gemm_ukernel_4x8__wasmsimd_loadsplat(int mr, int nc, int k, const float *ap,
                                                 const float *bp, const float *bias, float *c,
                                                 int ldc, int relu, int accumulate);
void tt_f32_gemm_ukernel_1xn__wasmsimd(float *c, const float *a, const float *b,
                                       const float *bias, int k, int n, int relu);
#endif

/* ReLU that keeps NaN: v where v > 0 or v != v, else +0. */
static inline float tt_relu1(float v) { return (v > 0.0f || v != v) ? v : 0.0f; }

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

static inline v128_t tt_relu4(v128_t v) {
    v128_t zero = wasm_f32x4_splat(0.0f);
    return wasm_v128_bitselect(v, zero, wasm_v128_or(wasm_f32x4_gt(v, zero), wasm_f32x4_ne(v, v)));
}
#endif

#endif /* TT_F32_GEMM_H */
