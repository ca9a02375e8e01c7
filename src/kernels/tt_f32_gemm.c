/* tt_f32_gemm.c — the GEMM driver: packs B into 8-column panels and tiles C
 * into 4x8 blocks for the best micro-kernel of this build.
 *
 * C[M,N] = A[M,K] @ B[K,N] (+ bias[N]) (ReLU). Row-major, strides K, N, N.
 *
 * Same bits from every kernel: each C[i][j] is ((0 + a0*b0) + a1*b1) + ...
 * over k in increasing order, then + bias, then ReLU. The scalar and
 * SIMD128 kernels perform exactly these IEEE operations (-ffp-contract=off:
 * no fused multiply-add), so they agree bit for bit. A relaxed-SIMD kernel
 * (f32x4.relaxed_madd) rounds once per step instead of twice; it would be a
 * separate, opt-in entry in tt_gemm_kernels, never a silent replacement.
 *
 * Packing: B's rows are N floats apart. When N*4 is a multiple of 4 KiB
 * every row of an 8-column panel maps to the same L1 set, so the panel
 * cannot stay cached while the row blocks of A stream past it. Copying the
 * panel into a contiguous K x 8 buffer costs one pass over it and is then
 * reused by all M/4 row blocks; edge panels are zero-padded so the kernels
 * always read 8 columns and never past the end of B. */
#include <stdlib.h>
#include <string.h>

#include "tt_internal.h"

/* c[mr, nc] = a[mr, k] @ panel[k, 8] (+ bias[8]) (ReLU); mr <= 4, nc <= 8.
 * The panel has row stride ldb (8 when packed); bias has 8 readable floats. */
typedef void (*tt_gemm_ukernel)(int mr, int nc, int k, const float *a, int lda, const float *b,
                                int ldb, const float *bias, float *c, int ldc, int relu);

void tt_f32_gemm_ukernel_4x8__scalar(int mr, int nc, int k, const float *a, int lda,
                                     const float *b, int ldb, const float *bias, float *c,
                                     int ldc, int relu);
void tt_f32_gemm_1xn__scalar(float *c, const float *a, const float *b, const float *bias, int k,
                             int n, int relu);
#if defined(__wasm_simd128__)
void tt_f32_gemm_ukernel_4x8__wasmsimd(int mr, int nc, int k, const float *a, int lda,
                                       const float *b, int ldb, const float *bias, float *c,
                                       int ldc, int relu);
void tt_f32_gemm_1xn__wasmsimd(float *c, const float *a, const float *b, const float *bias,
                               int k, int n, int relu);
#endif

/* One growable panel buffer: the core is single-threaded per instance. */
static float *tt_panel;
static size_t tt_panel_cap;

static float *tt_panel_get(size_t floats) {
    if (floats > tt_panel_cap) {
        float *p = realloc(tt_panel, floats * sizeof(float));
        if (!p) return NULL; /* callers fall back to the unpacked path */
        tt_panel = p;
        tt_panel_cap = floats;
    }
    return tt_panel;
}

/* panel[k, 8] = B[:, j:j+nc], zero in columns nc..7. Layout: 8 bias floats
 * first (zero-padded too), then the K rows. */
static void tt_pack_panel(float *panel, const float *b, int ldb, const float *bias, int k,
                          int nc) {
    for (int j = 0; j < 8; j++) panel[j] = (bias && j < nc) ? bias[j] : 0.0f;
    float *dst = panel + 8;
    if (nc == 8) {
        for (int p = 0; p < k; p++) memcpy(dst + (size_t)p * 8, b + (size_t)p * ldb, 8 * sizeof(float));
    } else {
        for (int p = 0; p < k; p++)
            for (int j = 0; j < 8; j++) dst[(size_t)p * 8 + j] = j < nc ? b[(size_t)p * ldb + j] : 0.0f;
    }
}

typedef struct tt_gemm_kernels {
    const char *name;
    int mr;                                                /* rows per tile */
    tt_gemm_ukernel tile;                                  /* mr x 8 block */
    void (*row)(float *, const float *, const float *, const float *, int, int, int); /* 1xN */
} tt_gemm_kernels;

static const tt_gemm_kernels tt_kernels =
#if defined(__wasm_simd128__)
    {"4x8__wasmsimd", 4, tt_f32_gemm_ukernel_4x8__wasmsimd, tt_f32_gemm_1xn__wasmsimd};
#else
    {"4x8__scalar", 4, tt_f32_gemm_ukernel_4x8__scalar, tt_f32_gemm_1xn__scalar};
#endif

static void tt_gemm_drive(const tt_gemm_kernels *kr, float *c, const float *a, const float *b,
                          const float *bias, int m, int k, int n, int relu) {
    if (m == 1) { /* a single row: no reuse of B, stream it row by row */
        kr->row(c, a, b, bias, k, n, relu);
        return;
    }
    float *panel = tt_panel_get((size_t)k * 8 + 8);
    for (int j = 0; j < n; j += 8) {
        int nc = n - j < 8 ? n - j : 8;
        const float *bp = b + j, *bb = bias ? bias + j : NULL;
        int ldb = n;
        tt_gemm_ukernel uk = kr->tile;
        if (panel) {
            tt_pack_panel(panel, b + j, n, bb, k, nc);
            bp = panel + 8, ldb = 8;
            bb = bias ? panel : NULL;
        } else if (nc < 8) {
            uk = tt_f32_gemm_ukernel_4x8__scalar; /* no buffer: the scalar kernel reads only nc */
        }
        for (int i = 0; i < m; i += kr->mr) {
            int mr = m - i < kr->mr ? m - i : kr->mr;
            uk(mr, nc, k, a + (size_t)i * k, k, bp, ldb, bb, c + (size_t)i * n + j, n, relu);
        }
    }
}

void tt_f32_gemm(float *c, const float *a, const float *b, const float *bias, int m, int k,
                 int n, int relu) {
    if (m <= 0 || n <= 0) return;
    tt_gemm_drive(&tt_kernels, c, a, b, bias, m, k < 0 ? 0 : k, n, relu);
}

const char *tt_f32_gemm_kernel_name(void) { return tt_kernels.name; }
