/* The GEMM kernels on odd shapes (XNNPACK-style sweep), against a naive
 * triple loop that sums in the same order: results must be identical bits,
 * with and without bias and ReLU; tt_f32_gemm_ex with every combination of
 * trans_a, trans_b and accumulate also against a double-precision
 * reference within the float error bound. Built natively (scalar kernel)
 * and, in the wasm build, twice more (SIMD128 and scalar) and run under
 * node; the last line, a digest of every output, must then be the same
 * for both (CTest gemm_simd_equals_scalar). Every case also runs on a
 * prepacked B (tt_gemm_pack_b + tt_f32_gemm_prepacked, what a tt_packed
 * weight uses), which must give the same bits, and the packing of a
 * packed B's transpose must equal packing the transpose. */
#include <stdlib.h>

#include "tt_test.h"
#include "tt_fnv.h"
#include "../../src/tt_internal.h"
#include "../../src/kernels/tt_f32_gemm.h"

/* C (+)= op(A) op(B) (+ bias) (ReLU) in the documented order, in float. */
static void naive_ex(float *c, const float *a, const float *b, const float *bias, int m, int k,
                     int n, int ta, int tb, int acc, int relu) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int p = 0; p < k; p++)
                s = s + (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
            if (bias) s = s + bias[j];
            if (acc) s = c[i * n + j] + s;
            if (relu && !(s > 0.0f)) s = 0.0f; /* no NaN in these inputs */
            c[i * n + j] = s;
        }
}

/* The exact result in double, and a bound on float's error for it. */
static int near_double(const float *c, const float *c0, const float *a, const float *b,
                       const float *bias, int m, int k, int n, int ta, int tb, int acc, int relu) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0, mag = 0;
            for (int p = 0; p < k; p++) {
                double t = (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                s += t, mag += fabs(t);
            }
            if (bias) s += bias[j], mag += fabs(bias[j]);
            if (acc) s += c0[i * n + j], mag += fabs(c0[i * n + j]);
            if (relu && s < 0) s = 0;
            double tol = (k + 3) * 0x1p-24 * mag * 1.01 + 1e-30;
            if (!(fabs(c[i * n + j] - s) <= tol)) return 0;
        }
    return 1;
}

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
                float *bp = malloc(sizeof(float) * (tt_gemm_packed_floats(k, n) + 1));
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
                    tt_gemm_pack_b(bp, b, k, n, 0);
                    tt_f32_gemm_prepacked(c, a, bp, bb, m, k, n, 0, 0, relu);
                    if (memcmp(c, r, sizeof(float) * m * n) != 0) {
                        mismatched++;
                        fprintf(stderr, "prepacked gemm %dx%dx%d bias=%d relu=%d differs\n", m, k,
                                n, bb != NULL, relu);
                    }
                    shapes++;
                }
                free(a), free(b), free(bias), free(c), free(r), free(bp);
            }
    CHECK(mismatched == 0);
    printf("%d gemm cases bit-identical to the naive loop (%s)\n", shapes,
           tt_f32_gemm_kernel_name());

    /* tt_f32_gemm_ex: transposed operands read in place, accumulation */
    static const int ms2[] = {1, 2, 3, 4, 5, 7, 8, 17};
    static const int ks2[] = {0, 1, 3, 5, 17, 64};
    static const int ns2[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 33};
    uint32_t digest = 2166136261u;
    int cases = 0, bad_bits = 0, bad_ref = 0, bad_packed = 0, bad_transposed = 0;
    tt_manual_seed(6, 0);
    for (size_t mi = 0; mi < sizeof ms2 / sizeof *ms2; mi++)
        for (size_t ki = 0; ki < sizeof ks2 / sizeof *ks2; ki++)
            for (size_t ni = 0; ni < sizeof ns2 / sizeof *ns2; ni++) {
                int m = ms2[mi], k = ks2[ki], n = ns2[ni];
                float *a = malloc(sizeof(float) * (m * k + 1)), *b = malloc(sizeof(float) * (k * n + 1));
                float *bias = malloc(sizeof(float) * n), *c0 = malloc(sizeof(float) * m * n);
                float *c = malloc(sizeof(float) * m * n), *r = malloc(sizeof(float) * m * n);
                float *bp = malloc(sizeof(float) * (tt_gemm_packed_floats(k, n) + 1));
                float *bt = malloc(sizeof(float) * (tt_gemm_packed_floats(n, k) + 1));
                float *bt2 = malloc(sizeof(float) * (tt_gemm_packed_floats(n, k) + 1));
                for (int i = 0; i < m * k; i++) a[i] = (float)tt_rng_normal();
                for (int i = 0; i < k * n; i++) b[i] = (float)tt_rng_normal();
                for (int i = 0; i < n; i++) bias[i] = (float)tt_rng_normal();
                for (int i = 0; i < m * n; i++) c0[i] = (float)tt_rng_normal();
                for (int v = 0; v < 32; v++) {
                    int ta = v & 1, tb = (v >> 1) & 1, acc = (v >> 2) & 1, relu = (v >> 3) & 1;
                    const float *bb = v & 16 ? bias : NULL;
                    memcpy(c, c0, sizeof(float) * m * n);
                    memcpy(r, c0, sizeof(float) * m * n);
                    tt_f32_gemm_ex(c, a, b, bb, m, k, n, ta, tb, acc, relu);
                    naive_ex(r, a, b, bb, m, k, n, ta, tb, acc, relu);
                    if (memcmp(c, r, sizeof(float) * m * n) != 0) {
                        if (bad_bits++ < 5)
                            fprintf(stderr, "gemm_ex %dx%dx%d ta=%d tb=%d acc=%d relu=%d bias=%d: bits differ\n",
                                    m, k, n, ta, tb, acc, relu, bb != NULL);
                    }
                    /* the same product on op(B) packed ahead of time */
                    tt_gemm_pack_b(bp, b, k, n, tb);
                    memcpy(c, c0, sizeof(float) * m * n);
                    tt_f32_gemm_prepacked(c, a, bp, bb, m, k, n, ta, acc, relu);
                    if (memcmp(c, r, sizeof(float) * m * n) != 0 && bad_packed++ < 5)
                        fprintf(stderr, "prepacked %dx%dx%d ta=%d tb=%d acc=%d relu=%d bias=%d: bits differ\n",
                                m, k, n, ta, tb, acc, relu, bb != NULL);
                    if (!near_double(c, c0, a, b, bb, m, k, n, ta, tb, acc, relu)) {
                        if (bad_ref++ < 5)
                            fprintf(stderr, "gemm_ex %dx%dx%d ta=%d tb=%d acc=%d: off the double reference\n",
                                    m, k, n, ta, tb, acc);
                    }
                    for (int i = 0; i < m * n; i++) {
                        uint32_t w;
                        memcpy(&w, &c[i], 4);
                        for (int q = 0; q < 4; q++) digest = (digest ^ ((w >> (8 * q)) & 0xffu)) * 16777619u;
                    }
                    cases++;
                }
                /* packing op(B)^T from op(B)'s packing = packing it from B */
                tt_gemm_pack_b(bp, b, k, n, 0);
                tt_gemm_pack_transposed(bt, bp, k, n);
                tt_gemm_pack_b(bt2, b, n, k, 1);
                if (memcmp(bt, bt2, sizeof(float) * tt_gemm_packed_floats(n, k)) != 0 &&
                    bad_transposed++ < 5)
                    fprintf(stderr, "pack_transposed [%d,%d] differs\n", k, n);
                free(a), free(b), free(bias), free(c0), free(c), free(r), free(bp), free(bt), free(bt2);
            }
    CHECK(bad_bits == 0);
    CHECK(bad_ref == 0);
    CHECK(bad_packed == 0);
    CHECK(bad_transposed == 0);

    /* when a pack buffer cannot be grown, the unpacked path gives the same bits */
    {
        int m = 37, k = 300, n = 29; /* larger than anything above: the buffers must grow */
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
        float *c = malloc(sizeof(float) * m * n), *r = malloc(sizeof(float) * m * n);
        float *bp = malloc(sizeof(float) * (tt_gemm_packed_floats(k, n) + 1));
        for (int i = 0; i < m * k; i++) a[i] = (float)tt_rng_normal();
        for (int i = 0; i < k * n; i++) b[i] = (float)tt_rng_normal();
        for (int v = 0; v < 8; v++) {
            int ta = v & 1, tb = (v >> 1) & 1, acc = (v >> 2) & 1;
            for (int i = 0; i < m * n; i++) c[i] = r[i] = (float)i;
            tt_debug_fail_alloc_after(1);
            tt_f32_gemm_ex(c, a, b, NULL, m, k, n, ta, tb, acc, 0);
            tt_debug_fail_alloc_after(0);
            naive_ex(r, a, b, NULL, m, k, n, ta, tb, acc, 0);
            CHECK(memcmp(c, r, sizeof(float) * m * n) == 0);
            /* and the prepacked path without its A buffer */
            tt_gemm_pack_b(bp, b, k, n, tb);
            for (int i = 0; i < m * n; i++) c[i] = (float)i;
            tt_debug_fail_alloc_after(1);
            tt_f32_gemm_prepacked(c, a, bp, NULL, m, k, n, ta, acc, 0);
            tt_debug_fail_alloc_after(0);
            CHECK(memcmp(c, r, sizeof(float) * m * n) == 0);
        }
        free(a), free(b), free(c), free(r), free(bp);
    }
    printf("%d gemm_ex cases bit-identical to the naive loop and within the bound of the double one\n",
           cases);
    printf("gemm_ex digest %08x\n", digest);
    TT_TEST_MAIN_END();
}
