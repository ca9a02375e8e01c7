/* tt_f32_gemm.h — the GEMM micro-kernels, shared by the driver
 * (tt_f32_gemm.c) and the one-file-per-kernel sources. Names follow
 * XNNPACK: tt_f32_gemm_ukernel_<tile>__<isa>[_<variant>]. Not public. */
#ifndef TT_F32_GEMM_H
#define TT_F32_GEMM_H

#include "../tt_internal.h"

/* c[mr, nc] (+)= op(A) @ bp[k][w] (+ bias[nc]) (ReLU), nc <= w. The 4x8
 * kernels: w = 8, any number of rows (tt_gemm_panel_ukernel below: each 4-row
 * block is a tile), bias[0..7] read (the driver pads it). The tail
 * kernels 8x4, 8x2, 8x1: w = 4, 2, 1, mr <= 8 (rows 4..7 from the next A
 * block, ap + 4k, read only when mr > 4), bias[0..nc-1] read. Both
 * operands packed by tt_f32_gemm.c: a block's four rows of step p are
 * ap[4p..4p+3], B's w columns bp[w*p..w*p+w-1]. Per output:
 * v = ((0 + a0*b0) + a1*b1) + ... over p, then v = v + bias, then
 * v = c + v if accumulate, then ReLU (NaN kept). */
typedef void (*tt_gemm_ukernel)(int mr, int nc, int k, const float *ap, const float *bp,
                                const float *bias, float *c, int ldc, int relu, int accumulate);
/* The 4x8 kernels take a whole column panel: c[m, nc] for any m >= 0,
 * ap holding ceil(m/4) packed 4-row blocks of 4*k floats each, block i's
 * rows at c + 4*i*ldc; per tile exactly the sums above. */
typedef void (*tt_gemm_panel_ukernel)(int m, int nc, int k, const float *ap, const float *bp,
                                      const float *bias, float *c, int ldc, int relu,
                                      int accumulate);
/* c[n] = a[k] @ b[k, n] (+ bias[n]) (ReLU): one row, b unpacked (row
 * stride n), the same sums in the same order as the tile kernels. */
typedef void (*tt_gemm_row_ukernel)(float *c, const float *a, const float *b, const float *bias,
                                    int k, int n, int relu);
/* The same on b packed in the panel layout, and c (+)= as the tile kernels
 * (v = sum + bias, then v = c + v if accumulate, then ReLU). */
typedef void (*tt_gemm_row_packed_ukernel)(float *c, const float *a, const float *bp,
                                           const float *bias, int k, int n, int relu,
                                           int accumulate);

#define TT_GEMM_TILE_ARGS                                                            \
    int mr, int nc, int k, const float *ap, const float *bp, const float *bias, float *c, \
        int ldc, int relu, int accumulate
#define TT_GEMM_PANEL_ARGS                                                            \
    int m, int nc, int k, const float *ap, const float *bp, const float *bias, float *c, \
        int ldc, int relu, int accumulate
#define TT_GEMM_ROW_ARGS \
    float *c, const float *a, const float *b, const float *bias, int k, int n, int relu
#define TT_GEMM_ROW_PACKED_ARGS                                                       \
    float *c, const float *a, const float *bp, const float *bias, int k, int n, int relu, \
        int accumulate

void tt_f32_gemm_ukernel_4x8__scalar(TT_GEMM_PANEL_ARGS);
void tt_f32_gemm_ukernel_8x4__scalar(TT_GEMM_TILE_ARGS);
void tt_f32_gemm_ukernel_8x2__scalar(TT_GEMM_TILE_ARGS);
void tt_f32_gemm_ukernel_8x1__scalar(TT_GEMM_TILE_ARGS);
void tt_f32_gemm_ukernel_1xn__scalar(TT_GEMM_ROW_ARGS);
void tt_f32_gemm_ukernel_1xn_packed__scalar(TT_GEMM_ROW_PACKED_ARGS);
#if defined(__wasm_simd128__)
void tt_f32_gemm_ukernel_4x8__wasmsimd_loadsplat(TT_GEMM_PANEL_ARGS);
void tt_f32_gemm_ukernel_8x4__wasmsimd_loadsplat(TT_GEMM_TILE_ARGS);
void tt_f32_gemm_ukernel_8x2__wasmsimd(TT_GEMM_TILE_ARGS);
void tt_f32_gemm_ukernel_8x1__wasmsimd(TT_GEMM_TILE_ARGS);
void tt_f32_gemm_ukernel_1xn__wasmsimd(TT_GEMM_ROW_ARGS);
void tt_f32_gemm_ukernel_1xn_packed__wasmsimd(TT_GEMM_ROW_PACKED_ARGS);
#endif

/* The panel layout of a packed op(B) [K,N]: N/8 panels [K][8] (columns
 * 8q..8q+7, row p at 8p), then, when N % 8 = r > 0, one tail panel [K][w]
 * with w = tt_gemm_tail_width(r) (columns past N zero). No bias row. */
static inline int tt_gemm_tail_width(int r) { return r <= 0 ? 0 : r <= 2 ? r : r <= 4 ? 4 : 8; }

/* Floats of a packed op(B) [K,N]. */
static inline size_t tt_gemm_packed_floats(int k, int n) {
    return (size_t)k * ((size_t)(n / 8) * 8 + (size_t)tt_gemm_tail_width(n % 8));
}
/* Packs op(B) into dst (tt_gemm_packed_floats(k, n) floats): B is [K,N]
 * (trans_b 0) or [N,K] (trans_b 1). */
void tt_gemm_pack_b(float *dst, const float *b, int k, int n, int trans_b);
/* dst = the packing of src^T, src a packed [K,N]: dst is a packed [N,K]
 * (the dx GEMM's B from the forward's), element for element. */
void tt_gemm_pack_transposed(float *dst, const float *src, int k, int n);
/* tt_f32_gemm_ex with op(B) already packed (bp: tt_gemm_pack_b's layout). */
void tt_f32_gemm_prepacked(float *c, const float *a, const float *bp, const float *bias, int m,
                           int k, int n, int trans_a, int accumulate, int relu);

/* ReLU that keeps NaN: v where v > 0 or v != v, else +0. */
static inline float tt_relu1(float v) { return (v > 0.0f || v != v) ? v : 0.0f; }

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

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

/* The first nc (<= 4) floats at c, zeros after. */
static inline v128_t tt_load_partial(const float *c, int nc) {
    if (nc >= 4) return wasm_v128_load(c);
    float tmp[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int j = 0; j < nc; j++) tmp[j] = c[j];
    return wasm_v128_load(tmp);
}

/* c[r * ldc] for rows r < mr (<= 4) as one vector, zeros after. */
static inline v128_t tt_load_column(const float *c, int ldc, int mr) {
    float tmp[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int r = 0; r < mr; r++) tmp[r] = c[(size_t)r * ldc];
    return wasm_v128_load(tmp);
}

/* Lane r of v to c[r * ldc], rows r < mr (<= 4). */
static inline void tt_store_column(float *c, int ldc, v128_t v, int mr) {
    float tmp[4];
    wasm_v128_store(tmp, v);
    for (int r = 0; r < mr; r++) c[(size_t)r * ldc] = tmp[r];
}
#endif

#endif /* TT_F32_GEMM_H */
