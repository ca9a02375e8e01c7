/* tt_f32_gemm.c — the GEMM driver: tiles C into 4x8 blocks and hands each
 * to the best micro-kernel of this build.
 *
 * C[M,N] = A[M,K] @ B[K,N] (+ bias[N]) (ReLU). Row-major, strides K, N, N.
 *
 * Every kernel computes each C[i][j] as ((0 + a0*b0) + a1*b1) + ... over k in
 * increasing order, then adds the bias, then clamps: the same IEEE operations
 * in the same order. So the scalar and SIMD128 kernels give identical bits
 * (built with -ffp-contract=off, so no FMA is fused in). A relaxed-SIMD
 * kernel (f32x4.relaxed_madd) would round differently; it would be a
 * separate, opt-in entry in this table, never a silent replacement. */
#include "tt_internal.h"

typedef void (*tt_gemm_ukernel)(int mr, int nc, int k, const float *a, int lda, const float *b,
                                int ldb, const float *bias, float *c, int ldc, int relu);

void tt_f32_gemm_ukernel_4x8__scalar(int mr, int nc, int k, const float *a, int lda,
                                     const float *b, int ldb, const float *bias, float *c,
                                     int ldc, int relu);
#if defined(__wasm_simd128__)
void tt_f32_gemm_ukernel_4x8__wasmsimd(int mr, int nc, int k, const float *a, int lda,
                                       const float *b, int ldb, const float *bias, float *c,
                                       int ldc, int relu);
#endif

/* Column blocks outermost: one 8-wide panel of B (K x 8 floats) stays in
 * L1 while every row block of A streams past it. */
static void tt_gemm_drive(tt_gemm_ukernel full, float *c, const float *a, const float *b,
                          const float *bias, int m, int k, int n, int relu) {
    for (int j = 0; j < n; j += 8) {
        int nc = n - j < 8 ? n - j : 8;
        /* Narrow edge panels go to the scalar kernel: same order, same bits. */
        tt_gemm_ukernel uk = nc == 8 ? full : tt_f32_gemm_ukernel_4x8__scalar;
        for (int i = 0; i < m; i += 4) {
            int mr = m - i < 4 ? m - i : 4;
            uk(mr, nc, k, a + (size_t)i * k, k, b + j, n, bias ? bias + j : NULL,
               c + (size_t)i * n + j, n, relu);
        }
    }
}

void tt_f32_gemm_4x8__scalar(float *c, const float *a, const float *b, const float *bias, int m,
                             int k, int n, int relu) {
    tt_gemm_drive(tt_f32_gemm_ukernel_4x8__scalar, c, a, b, bias, m, k, n, relu);
}

#if defined(__wasm_simd128__)
void tt_f32_gemm_4x8__wasmsimd(float *c, const float *a, const float *b, const float *bias,
                               int m, int k, int n, int relu) {
    tt_gemm_drive(tt_f32_gemm_ukernel_4x8__wasmsimd, c, a, b, bias, m, k, n, relu);
}
#endif

void tt_f32_gemm(float *c, const float *a, const float *b, const float *bias, int m, int k,
                 int n, int relu) {
    if (m <= 0 || n <= 0) return;
#if defined(__wasm_simd128__)
    tt_f32_gemm_4x8__wasmsimd(c, a, b, bias, m, k < 0 ? 0 : k, n, relu);
#else
    tt_f32_gemm_4x8__scalar(c, a, b, bias, m, k < 0 ? 0 : k, n, relu);
#endif
}

const char *tt_f32_gemm_kernel_name(void) {
#if defined(__wasm_simd128__)
    return "4x8__wasmsimd";
#else
    return "4x8__scalar";
#endif
}
