/* The GEMM kernels on odd shapes (XNNPACK-style sweep), against a naive
 * triple loop that sums in the same order: results must be identical bits,
 * with and without bias and ReLU. */
#include <stdlib.h>

#include "tt_test.h"
#include "../../src/tt_internal.h"

static void naive(float *c, const float *a, const float *b, const float *bias, int m, int k,
                  int n, int relu) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int p = 0; p < k; p++) s = s + a[i * k + p] * b[p * n + j];
            if (bias) s = s + bias[j];
            if (relu && !(s > 0.0f)) s = s != s ? s : 0.0f;
            c[i * n + j] = s;
        }
}

int main(void) {
    static const int ms[] = {1, 2, 3, 4, 5, 7, 8, 17, 32};
    static const int ks[] = {0, 1, 3, 5, 17, 255};
    static const int ns[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 255};
    tt_manual_seed(5, 0);
    int shapes = 0, mismatched = 0;
    for (size_t mi = 0; mi < sizeof ms / sizeof *ms; mi++)
        for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++)
            for (size_t ni = 0; ni < sizeof ns / sizeof *ns; ni++) {
                int m = ms[mi], k = ks[ki], n = ns[ni];
                float *a = malloc(sizeof(float) * (m * k + 1));
                float *b = malloc(sizeof(float) * (k * n + 1));
                float *bias = malloc(sizeof(float) * n);
                float *c = malloc(sizeof(float) * m * n);
                float *r = malloc(sizeof(float) * m * n);
                for (int i = 0; i < m * k; i++) a[i] = (float)tt_rng_normal();
                for (int i = 0; i < k * n; i++) b[i] = (float)tt_rng_normal();
                for (int i = 0; i < n; i++) bias[i] = (float)tt_rng_normal();
                for (int variant = 0; variant < 4; variant++) {
                    const float *bb = variant & 1 ? bias : NULL;
                    int relu = variant >> 1;
                    naive(r, a, b, bb, m, k, n, relu);
                    tt_f32_gemm(c, a, b, bb, m, k, n, relu);
                    if (memcmp(c, r, sizeof(float) * m * n) != 0) {
                        mismatched++;
                        fprintf(stderr, "gemm %dx%dx%d bias=%d relu=%d differs\n", m, k, n,
                                bb != NULL, relu);
                    }
                    shapes++;
                }
                free(a), free(b), free(bias), free(c), free(r);
            }
    CHECK(mismatched == 0);
    printf("%d gemm cases bit-identical to the naive loop (%s)\n", shapes,
           tt_f32_gemm_kernel_name());
    TT_TEST_MAIN_END();
}
