/* tt_f32_gemm.c — the GEMM driver: packs op(A) and op(B) into the layouts
 * the micro-kernels stream, tiles C into 4x8 blocks, and hands each block
 * to the kernel of this build.
 *
 * C[M,N] (+)= op(A)[M,K] @ op(B)[K,N] (+ bias[N]) (ReLU). op(A) is A
 * ([M,K], row stride K) or, with trans_a, A^T of an A stored [K,M]; op(B)
 * is B ([K,N]) or, with trans_b, B^T of a B stored [N,K]. The transposes
 * happen inside the packing (which reads whichever layout it is given), so
 * no transposed copy is ever made and the kernels never know.
 *
 * Same bits from every kernel and every layout: each C[i][j] is
 * ((0 + a0*b0) + a1*b1) + ... over k in increasing order, then + bias,
 * then (accumulate) old C[i][j] + that, then ReLU. The scalar and SIMD128
 * kernels perform exactly these IEEE operations (-ffp-contract=off: no
 * fused multiply-add), so they agree bit for bit. A relaxed-SIMD kernel
 * (f32x4.relaxed_madd) rounds once per step instead of twice; it would be
 * a separate, opt-in entry in tt_kernels, never a silent replacement.
 *
 * Packing, and why it pays:
 *  - B into 8-column panels [K][8]: B's rows are N floats apart, and when
 *    N*4 is a multiple of 4 KiB every row of a panel maps to the same L1
 *    set, so the panel cannot stay cached while A's row blocks stream past
 *    it. One copy per panel (tt_f32_gemm_ex packs 4 at a time, reading
 *    whole row slices), reused by all M/4 row blocks. The last r =
 *    N % 8 columns go in a narrower tail panel [K][w] (w = 1, 2 or 4 for
 *    r = 1, 2 and 3..4; 8 for r >= 5) read by the 8x1, 8x2 or 8x4 kernel
 *    (8 rows per call: a narrow tile over 4 rows has too few independent
 *    add chains to hide their latency), so N = 10 computes 10 columns,
 *    not 16. Columns past N in a panel are
 *    zero, so kernels never read past B. tt_gemm_pack_b packs a whole
 *    op(B) in this layout ahead of time (a Linear's cached weight:
 *    tt_packed in tt_linear.c) and tt_f32_gemm_prepacked runs on it.
 *  - A into 4-row blocks [K][4] (k-major): the kernel then reads the four
 *    rows of step k at one pointer with constant offsets, instead of four
 *    row pointers whose addresses V8 recomputes every step. One copy of A,
 *    reused by all N/8 panels. Short edge blocks repeat row 0 (computed,
 *    never stored). An A^T stored [K,M] already has each block's four
 *    values of step k side by side: its packing is a strided copy. */
#include <stdlib.h>
#include <string.h>

#include "tt_f32_gemm.h"

typedef struct tt_gemm_kernels {
    const char *name;   /* the main tile kernel's name without tt_f32_gemm_ukernel_ */
    tt_gemm_panel_ukernel panel8; /* full-width panels: every row block in one call */
    tt_gemm_ukernel tile[3];      /* the tail panels, by width: 4, 2, 1 */
    tt_gemm_row_ukernel row;
    tt_gemm_row_packed_ukernel row_packed;
} tt_gemm_kernels;

static const tt_gemm_kernels tt_kernels =
#if defined(__wasm_simd128__)
    {"4x8__wasmsimd_loadsplat",
     tt_f32_gemm_ukernel_4x8__wasmsimd_loadsplat,
     {tt_f32_gemm_ukernel_8x4__wasmsimd_loadsplat, tt_f32_gemm_ukernel_8x2__wasmsimd,
      tt_f32_gemm_ukernel_8x1__wasmsimd},
     tt_f32_gemm_ukernel_1xn__wasmsimd, tt_f32_gemm_ukernel_1xn_packed__wasmsimd};
#else
    {"4x8__scalar",
     tt_f32_gemm_ukernel_4x8__scalar,
     {tt_f32_gemm_ukernel_8x4__scalar, tt_f32_gemm_ukernel_8x2__scalar,
      tt_f32_gemm_ukernel_8x1__scalar},
     tt_f32_gemm_ukernel_1xn__scalar, tt_f32_gemm_ukernel_1xn_packed__scalar};
#endif

/* Panels packed per group by tt_f32_gemm_ex: 4 (32 columns) reads B in
 * whole 128-byte row slices. */
#define TT_GEMM_GROUP 4

/* Two growable pack buffers: the core is single-threaded per instance. */
static float *tt_pack_a_buf, *tt_pack_b_buf;
static size_t tt_pack_a_cap, tt_pack_b_cap;

static float *tt_grow(float **buf, size_t *cap, size_t floats) {
    if (floats > *cap) {
        float *p = tt_alloc_data(floats * sizeof(float), 0); /* scratch: nothing to keep */
        if (!p) return NULL;
        free(*buf);
        *buf = p;
        *cap = floats;
    }
    return *buf;
}

/* ap[i/4][p][r] = op(A)[i + r][p]; rows past M repeat the block's first
 * row. A is [M,K] (trans_a 0) or [K,M] (trans_a 1). With SIMD128 and a
 * row-major A, four k steps at a time: four row loads, a 4x4 transpose in
 * shuffles, four stores (data movement only: no effect on the bits). */
static void tt_pack_a(float *ap, const float *a, int m, int k, int trans_a) {
    for (int i = 0; i < m; i += 4) {
        int mr = m - i < 4 ? m - i : 4;
        float *dst = ap + (size_t)i * k;
        if (trans_a) { /* op(A)[i + r][p] = A[p][i + r]: contiguous in r */
            const float *src = a + i;
            if (mr == 4) {
                for (int p = 0; p < k; p++, dst += 4, src += m) memcpy(dst, src, 4 * sizeof(float));
            } else {
                for (int p = 0; p < k; p++, dst += 4, src += m)
                    for (int r = 0; r < 4; r++) dst[r] = src[r < mr ? r : 0];
            }
            continue;
        }
        const float *rows[4];
        for (int r = 0; r < 4; r++) rows[r] = a + (size_t)(i + (r < mr ? r : 0)) * k;
        int p = 0;
#if defined(__wasm_simd128__)
        for (; p + 4 <= k; p += 4, dst += 16) {
            v128_t r0 = wasm_v128_load(rows[0] + p), r1 = wasm_v128_load(rows[1] + p);
            v128_t r2 = wasm_v128_load(rows[2] + p), r3 = wasm_v128_load(rows[3] + p);
            v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
            v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
            wasm_v128_store(dst, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
            wasm_v128_store(dst + 4, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
            wasm_v128_store(dst + 8, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
            wasm_v128_store(dst + 12, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
        }
#endif
        for (; p < k; p++, dst += 4)
            for (int r = 0; r < 4; r++) dst[r] = rows[r][p];
    }
}

/* dst[r * 8 + c] = src[c * ss + r] for r, c < 8: an 8x8 block transposed
 * into 8 contiguous rows (with SIMD128, as four 4x4 shuffle transposes:
 * data movement only). */
static inline void tt_transpose8(float *dst, const float *src, size_t ss) {
#if defined(__wasm_simd128__)
    for (int rb = 0; rb < 8; rb += 4)
        for (int cb = 0; cb < 8; cb += 4) {
            const float *s0 = src + (size_t)cb * ss + rb;
            v128_t v0 = wasm_v128_load(s0), v1 = wasm_v128_load(s0 + ss);
            v128_t v2 = wasm_v128_load(s0 + 2 * ss), v3 = wasm_v128_load(s0 + 3 * ss);
            v128_t t0 = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7);
            v128_t t2 = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);
            float *d = dst + rb * 8 + cb;
            wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
            wasm_v128_store(d + 8, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
            wasm_v128_store(d + 16, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
            wasm_v128_store(d + 24, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
        }
#else
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++) dst[r * 8 + c] = src[(size_t)c * ss + r];
#endif
}

/* panel [K][w] = op(B)[0:K][j0:j0+nc], zero in columns nc..w-1. B is [K,N]
 * (trans_b 0) or [N,K] (trans_b 1). */
static void tt_pack_b_panel(float *panel, const float *b, int k, int n, int j0, int nc, int w,
                            int trans_b) {
    if (trans_b) { /* op(B)[p][j0 + j] = B[j0 + j][p]: column j is row j0+j of B */
        int p = 0;
        if (nc == 8) /* 8 rows of B, 8 steps at a time */
            for (; p + 8 <= k; p += 8) tt_transpose8(panel + (size_t)p * 8, b + (size_t)j0 * k + p, (size_t)k);
        if (nc < w) memset(panel, 0, (size_t)k * w * sizeof(float));
        for (int j = 0; j < nc; j++) {
            const float *src = b + (size_t)(j0 + j) * k;
            for (int q = p; q < k; q++) panel[(size_t)q * w + j] = src[q];
        }
    } else if (nc == 8) { /* a constant size, so the copy is inlined */
        for (int p = 0; p < k; p++) memcpy(panel + (size_t)p * 8, b + (size_t)p * n + j0, 8 * sizeof(float));
    } else {
        for (int p = 0; p < k; p++)
            for (int j = 0; j < w; j++) panel[(size_t)p * w + j] = j < nc ? b[(size_t)p * n + j0 + j] : 0.0f;
    }
}

/* Width of the panel holding columns j0.. of an N-column op(B), and its
 * number of real columns. */
static inline int tt_panel_width(int n, int j0, int *nc) {
    *nc = n - j0 < 8 ? n - j0 : 8;
    return *nc == 8 ? 8 : tt_gemm_tail_width(*nc);
}

/* The panels of op(B)'s columns j0..j1-1 (j0 a multiple of 8, j1 = N or a
 * multiple of 8), one after another at dst. A row-major B is read row by
 * row, each row's slice copied to every panel: reading one panel at a time
 * would stride B by N floats, and with N a power of two those rows all
 * fall in a few L1 sets (at N = 256, 4 of 64), so every read would miss. */
static void tt_pack_b_panels(float *dst, const float *b, int k, int n, int j0, int j1,
                             int trans_b) {
    int full_end = j0 + (j1 - j0) / 8 * 8, nc;
    if (trans_b) { /* each panel reads 8 rows of B, contiguous */
        for (int j = j0; j < j1; j += 8) {
            int w = tt_panel_width(n, j, &nc);
            tt_pack_b_panel(dst, b, k, n, j, nc, w, 1);
            dst += (size_t)k * w;
        }
        return;
    }
    size_t ps = (size_t)k * 8;
    for (int p = 0; p < k; p++) {
        const float *row = b + (size_t)p * n;
        float *d = dst + (size_t)p * 8;
        for (int j = j0; j < full_end; j += 8, d += ps) memcpy(d, row + j, 8 * sizeof(float));
    }
    if (full_end < j1) {
        int w = tt_panel_width(n, full_end, &nc);
        tt_pack_b_panel(dst + (size_t)(full_end - j0) * k, b, k, n, full_end, nc, w, 0);
    }
}

void tt_gemm_pack_b(float *dst, const float *b, int k, int n, int trans_b) {
    /* an empty weight ([2^31-1, 0] is legal) packs to nothing: no loop over k */
    if (k <= 0 || n <= 0) return;
    tt_pack_b_panels(dst, b, k, n, 0, n, trans_b);
}

void tt_gemm_pack_transposed(float *dst, const float *src, int k, int n) {
    /* dst packs op(B) = S^T [N,K]: its panels run over S's rows (K), its
     * rows over S's columns (N). Block (S rows p0..p0+7, S panel j) of src
     * is 8 contiguous rows of 8; it lands, transposed, as rows j..j+7 of
     * dst's panel p0 / 8, also contiguous when both panels are full. */
    if (k <= 0 || n <= 0) return; /* empty: nothing to pack, no loop over the other dim */
    int tail = tt_gemm_tail_width(k % 8);
    if (tail) memset(dst + (size_t)(k / 8) * 8 * n, 0, (size_t)n * tail * sizeof(float));
    for (int p0 = 0, kc; p0 < k; p0 += 8) { /* dst written in order */
        int wq = tt_panel_width(k, p0, &kc);
        float *dp = dst + (size_t)p0 * n; /* full panels of n * 8 precede it */
        for (int j = 0, nc; j < n; j += 8) {
            int w = tt_panel_width(n, j, &nc);
            const float *sp = src + (size_t)j * k; /* likewise, k * 8 each */
            if (nc == 8 && kc == 8) {
                tt_transpose8(dp + (size_t)j * 8, sp + (size_t)p0 * 8, 8);
                continue;
            }
            for (int t = 0; t < nc; t++)
                for (int u = 0; u < kc; u++) dp[(size_t)(j + t) * wq + u] = sp[(size_t)(p0 + u) * w + t];
        }
    }
}

/* C[:, j0:j0+nc] (+)= op(A) @ panel for every 4-row block of ap, with the
 * kernel of the panel's width. The 4x8 kernels read 8 bias values: a
 * short last panel gets a zero-padded copy. */
static void tt_gemm_panel(float *c, const float *ap, const float *panel, int w, const float *bias,
                          int m, int k, int n, int j0, int nc, int relu, int accumulate) {
    float padded[8];
    const float *bj = bias ? bias + j0 : NULL;
    if (bias && w == 8 && nc < 8) {
        for (int t = 0; t < 8; t++) padded[t] = t < nc ? bias[j0 + t] : 0.0f;
        bj = padded;
    }
    if (w == 8) {
        tt_kernels.panel8(m, nc, k, ap, panel, bj, c + j0, n, relu, accumulate);
        return;
    }
    tt_gemm_ukernel kern = tt_kernels.tile[w == 4 ? 0 : w == 2 ? 1 : 2];
    int rows = 8; /* the tail kernels take two A blocks */
    for (int i = 0; i < m; i += rows) {
        int mr = m - i < rows ? m - i : rows;
        kern(mr, nc, k, ap + (size_t)i * k, panel, bj, c + (size_t)i * n + j0, n, relu, accumulate);
    }
}

/* The same sums with no packing, for when a pack buffer cannot be had. */
static void tt_gemm_unpacked(float *c, const float *a, const float *b, const float *bias, int m,
                             int k, int n, int trans_a, int trans_b, int accumulate, int relu) {
    size_t sai = trans_a ? 1 : (size_t)k, sap = trans_a ? (size_t)m : 1;
    size_t sbp = trans_b ? 1 : (size_t)n, sbj = trans_b ? (size_t)k : 1;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int p = 0; p < k; p++) s = s + a[i * sai + p * sap] * b[p * sbp + j * sbj];
            if (bias) s = s + bias[j];
            float *cij = c + (size_t)i * n + j;
            if (accumulate) s = *cij + s;
            *cij = relu ? tt_relu1(s) : s;
        }
}

void tt_f32_gemm_ex(float *c, const float *a, const float *b, const float *bias, int m, int k,
                    int n, int trans_a, int trans_b, int accumulate, int relu) {
    if (m <= 0 || n <= 0) return;
    if (k < 0) k = 0;
    if (m == 1 && !trans_b && !accumulate) {
        /* a single row reuses nothing: read B as stored (op(A) of one
         * row is the same K floats whether or not it is transposed) */
        tt_kernels.row(c, a, b, bias, k, n, relu);
        return;
    }
    size_t m4 = ((size_t)m + 3) / 4 * 4;
    float *ap = tt_grow(&tt_pack_a_buf, &tt_pack_a_cap, m4 * (size_t)k + 1);
    float *panels = tt_grow(&tt_pack_b_buf, &tt_pack_b_cap, (size_t)k * 8 * TT_GEMM_GROUP + 1);
    if (!ap || !panels) {
        tt_gemm_unpacked(c, a, b, bias, m, k, n, trans_a, trans_b, accumulate, relu);
        return;
    }
    tt_pack_a(ap, a, m, k, trans_a);
    /* TT_GEMM_GROUP panels packed at a time (whole 128-byte row slices of
     * B), then each is swept over every row block while it is in L1 */
    for (int j0 = 0; j0 < n; j0 += 8 * TT_GEMM_GROUP) {
        int j1 = n - j0 < 8 * TT_GEMM_GROUP ? n : j0 + 8 * TT_GEMM_GROUP;
        tt_pack_b_panels(panels, b, k, n, j0, j1, trans_b);
        const float *panel = panels;
        for (int j = j0, nc; j < j1; j += 8) {
            int w = tt_panel_width(n, j, &nc);
            tt_gemm_panel(c, ap, panel, w, bias, m, k, n, j, nc, relu, accumulate);
            panel += (size_t)k * w;
        }
    }
}

void tt_f32_gemm_prepacked(float *c, const float *a, const float *bp, const float *bias, int m,
                           int k, int n, int trans_a, int accumulate, int relu) {
    if (m <= 0 || n <= 0) return;
    if (k < 0) k = 0;
    if (m == 1) { /* one row: stream the panels (a dx of one row accumulates) */
        tt_kernels.row_packed(c, a, bp, bias, k, n, relu, accumulate);
        return;
    }
    size_t m4 = ((size_t)m + 3) / 4 * 4;
    float *ap = tt_grow(&tt_pack_a_buf, &tt_pack_a_cap, m4 * (size_t)k + 1);
    if (!ap) { /* the same sums, reading A in place */
        size_t sai = trans_a ? 1 : (size_t)k, sap = trans_a ? (size_t)m : 1;
        for (int j = 0, nc; j < n; j += 8) {
            int w = tt_panel_width(n, j, &nc);
            for (int i = 0; i < m; i++)
                for (int t = 0; t < nc; t++) {
                    float s = 0.0f;
                    for (int p = 0; p < k; p++) s = s + a[i * sai + p * sap] * bp[(size_t)p * w + t];
                    if (bias) s = s + bias[j + t];
                    float *cij = c + (size_t)i * n + j + t;
                    if (accumulate) s = *cij + s;
                    *cij = relu ? tt_relu1(s) : s;
                }
            bp += (size_t)k * w;
        }
        return;
    }
    tt_pack_a(ap, a, m, k, trans_a);
    for (int j = 0, nc; j < n; j += 8) {
        int w = tt_panel_width(n, j, &nc);
        tt_gemm_panel(c, ap, bp, w, bias, m, k, n, j, nc, relu, accumulate);
        bp += (size_t)k * w;
    }
}

void tt_f32_gemm(float *c, const float *a, const float *b, const float *bias, int m, int k,
                 int n, int relu) {
    tt_f32_gemm_ex(c, a, b, bias, m, k, n, 0, 0, 0, relu);
}

const char *tt_f32_gemm_kernel_name(void) { return tt_kernels.name; }
