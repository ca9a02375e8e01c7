/* tt_bench_native — the native column of the bench: times the same work as
 * bench/bench.mjs through the same C API, built with the same flags (gcc,
 * -O3, scalar kernel). Prints one JSON object:
 *   tt_bench_native gemm M K N     y = x@W + b
 *   tt_bench_native packed M K N   the same on W packed once (tt_packed)
 *   tt_bench_native mlp B          784-256-128-10 with ReLU, batch B
 *   tt_bench_native dropout R C    dropout p=0.5 with mask on [R, C]
 * Median of 15 samples after warm-up; each sample repeats the work until
 * it takes >= 5 ms. "digest" is an FNV-1a hash of the output bytes of one
 * seeded run, so the bench can check the native output equals the wasm one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tt.h"
#include "../tests/c/tt_fnv.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static tt_tensor *mk(int ndim, int d0, int d1) {
    tt_tensor *t = NULL;
    if (tt_tensor_new(&t, ndim, d0, d1, 0, 0) != TT_OK) {
        fprintf(stderr, "%s\n", tt_last_error());
        exit(1);
    }
    return t;
}

enum { GEMM, PACKED, MLP, DROPOUT };
static int mode;
static tt_tensor *x, *w[3], *b[3], *mask;
static tt_packed *wp;

/* One unit of work; returns the output (caller frees). */
static tt_tensor *work(void) {
    tt_tensor *y = NULL, *h = NULL;
    if (mode == GEMM) {
        tt_linear_forward(&y, x, w[0], b[0], 0);
    } else if (mode == PACKED) {
        tt_linear_forward_packed(&y, x, wp, b[0], 0);
    } else if (mode == DROPOUT) {
        tt_dropout_forward(&y, mask, x, 0.5, 1, NULL);
    } else {
        tt_linear_forward(&h, x, w[0], b[0], 1);
        tt_linear_forward(&y, h, w[1], b[1], 1);
        tt_tensor_free(h);
        h = y;
        tt_linear_forward(&y, h, w[2], b[2], 0);
        tt_tensor_free(h);
    }
    return y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: tt_bench_native gemm M K N | packed M K N | mlp B | dropout R C\n");
        return 2;
    }
    tt_manual_seed(42, 0);
    if ((!strcmp(argv[1], "gemm") || !strcmp(argv[1], "packed")) && argc == 5) {
        mode = argv[1][0] == 'g' ? GEMM : PACKED;
        int m = atoi(argv[2]), k = atoi(argv[3]), n = atoi(argv[4]);
        x = mk(2, m, k), w[0] = mk(2, k, n), b[0] = mk(1, n, 0);
        tt_tensor_randn(x, 0, 1, NULL);
        tt_linear_init(w[0], NULL, TT_INIT_LESSON, NULL);
        tt_tensor_randn(b[0], 0, 1, NULL);
        if (mode == PACKED && tt_packed_new(&wp, w[0]) != TT_OK) {
            fprintf(stderr, "%s\n", tt_last_error());
            return 1;
        }
    } else if (!strcmp(argv[1], "mlp") && argc == 3) {
        mode = MLP;
        int bs = atoi(argv[2]);
        static const int widths[4] = {784, 256, 128, 10};
        x = mk(2, bs, 784);
        tt_tensor_randn(x, 0, 1, NULL);
        for (int i = 0; i < 3; i++) {
            w[i] = mk(2, widths[i], widths[i + 1]), b[i] = mk(1, widths[i + 1], 0);
            tt_linear_init(w[i], b[i], TT_INIT_LESSON, NULL);
        }
    } else if (!strcmp(argv[1], "dropout") && argc == 4) {
        mode = DROPOUT;
        x = mk(2, atoi(argv[2]), atoi(argv[3]));
        mask = mk(2, atoi(argv[2]), atoi(argv[3]));
        tt_tensor_randn(x, 0, 1, NULL);
    } else {
        fprintf(stderr, "tt_bench_native: bad arguments\n");
        return 2;
    }
    tt_manual_seed(7, 0);
    tt_tensor *y = work();
    uint32_t digest = tt_fnv1a(y);
    tt_tensor_free(y);
    /* warm up, then size a sample to >= 5 ms */
    int reps = 1;
    for (;;) {
        double t0 = now_ms();
        for (int r = 0; r < reps; r++) tt_tensor_free(work());
        if (now_ms() - t0 >= 5.0) break;
        reps *= 2;
    }
    double samples[15];
    for (int s = 0; s < 15; s++) {
        double t0 = now_ms();
        for (int r = 0; r < reps; r++) tt_tensor_free(work());
        samples[s] = (now_ms() - t0) / reps;
    }
    qsort(samples, 15, sizeof *samples, cmp);
    printf("{\"median_ms\": %.6f, \"min_ms\": %.6f, \"reps\": %d, \"digest\": \"%08x\", \"kernel\": \"%s\"}\n",
           samples[7], samples[0], reps, digest, tt_f32_gemm_kernel_name());
    return 0;
}
