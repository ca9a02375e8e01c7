/* test_packed: a Linear on a packed weight (tt_packed) against the same
 * Linear on the weight tensor: forward and backward must give the same
 * bits on odd shapes (every tail width, M = 1, 1-D and 3-D inputs, bias or
 * not, ReLU or not); after the weight changes, tt_packed_update makes the
 * packed results follow it (W^T too); live counts and bytes; shape, handle
 * and size errors; every allocation failure changes nothing. Built
 * natively and, in the wasm build, with SIMD128 and scalar, run under node. */
#include <stdlib.h>

#include "tt_test.h"

static tt_tensor *rnd(int ndim, int d0, int d1, int d2, int d3) {
    tt_tensor *t = NULL;
    if (tt_tensor_new(&t, ndim, d0, d1, d2, d3) != TT_OK) return NULL;
    tt_tensor_randn(t, 0.0f, 1.0f, NULL);
    return t;
}

static tt_tensor *copy(const tt_tensor *t) {
    tt_tensor *c = NULL;
    return tt_tensor_copy(&c, t) == TT_OK ? c : NULL;
}

static int same(const tt_tensor *a, const tt_tensor *b) {
    if (!a || !b || a->size != b->size || a->ndim != b->ndim) return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return 0;
    return memcmp(a->data, b->data, a->size * sizeof(float)) == 0;
}

/* Bytes of the packed W [K,N]: 8-column panels, then a tail of width
 * 1, 2, 4 or 8 for N % 8 = 1, 2, 3..4, 5..7 (src/kernels/tt_f32_gemm.h). */
static double packed_bytes(int k, int n) {
    int r = n % 8, w = r == 0 ? 0 : r <= 2 ? r : r <= 4 ? 4 : 8;
    return 4.0 * k * ((n / 8) * 8 + w);
}

static int bad_forward, bad_backward, cases;

/* x of rank nd ([M,K], [K] or [2,M,K]) against W [K,N]: packed == unpacked. */
static void check_shape(int nd, int m, int k, int n) {
    tt_tensor *x = nd == 1 ? rnd(1, k, 0, 0, 0) : nd == 2 ? rnd(2, m, k, 0, 0) : rnd(3, 2, m, k, 0);
    tt_tensor *w = rnd(2, k, n, 0, 0), *b = rnd(1, n, 0, 0, 0);
    tt_packed *p = NULL;
    CHECK_OK(tt_packed_new(&p, w));
    CHECK(tt_packed_bytes(p) == packed_bytes(k, n));
    for (int v = 0; v < 4; v++) {
        const tt_tensor *bias = v & 1 ? b : NULL;
        int relu = v >> 1;
        tt_tensor *y = NULL, *yp = NULL;
        CHECK_OK(tt_linear_forward(&y, x, w, bias, relu));
        CHECK_OK(tt_linear_forward_packed(&yp, x, p, bias, relu));
        if (!same(y, yp) && bad_forward++ < 5)
            fprintf(stderr, "forward x rank %d [%d,%d] @ [%d,%d] bias=%d relu=%d: bits differ\n", nd,
                    m, k, k, n, bias != NULL, relu);
        /* backward into non-zero gradients (they accumulate) */
        tt_tensor *dy = copy(y);
        tt_tensor_randn(dy, 0.0f, 1.0f, NULL);
        tt_tensor *dx = copy(x), *dw = copy(w), *db = copy(b);
        tt_tensor *dx2 = copy(x), *dw2 = copy(w), *db2 = copy(b);
        CHECK_OK(tt_linear_backward(dx, dw, db, dy, x, w, y, relu));
        CHECK_OK(tt_linear_backward_packed(dx2, dw2, db2, dy, x, p, yp, relu));
        if (!(same(dx, dx2) && same(dw, dw2) && same(db, db2)) && bad_backward++ < 5)
            fprintf(stderr, "backward x rank %d [%d,%d] @ [%d,%d] relu=%d: bits differ\n", nd, m, k,
                    k, n, relu);
        cases++;
        tt_tensor *all[] = {y, yp, dy, dx, dw, db, dx2, dw2, db2};
        for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);
    }
    /* the backward made the W^T packing: its bytes are counted too */
    CHECK(tt_packed_bytes(p) == packed_bytes(k, n) + packed_bytes(n, k));
    tt_packed_free(p);
    tt_tensor_free(x), tt_tensor_free(w), tt_tensor_free(b);
}

/* Change W, update the packing: forward and dx follow the new weight. */
static void check_update(void) {
    tt_tensor *x = rnd(2, 5, 19, 0, 0), *w = rnd(2, 19, 10, 0, 0), *b = rnd(1, 10, 0, 0, 0);
    tt_packed *p = NULL;
    CHECK_OK(tt_packed_new(&p, w));
    tt_tensor *y = NULL, *yp = NULL, *dy = rnd(2, 5, 10, 0, 0);
    tt_tensor *dx = rnd(2, 5, 19, 0, 0), *dx2 = copy(dx);
    CHECK_OK(tt_linear_backward_packed(dx2, NULL, NULL, dy, x, p, NULL, 0)); /* packs W^T */
    double bytes = tt_packed_bytes(p);
    for (size_t i = 0; i < w->size; i++) w->data[i] = w->data[i] * 0.5f - 0.25f;
    /* stale until updated: the packed forward still computes with the old W */
    CHECK_OK(tt_linear_forward(&y, x, w, b, 0));
    CHECK_OK(tt_linear_forward_packed(&yp, x, p, b, 0));
    CHECK(!same(y, yp));
    tt_tensor_free(yp);
    CHECK_OK(tt_packed_update(p, w));
    CHECK_OK(tt_linear_forward_packed(&yp, x, p, b, 0));
    CHECK(same(y, yp));
    tt_tensor *dx3 = copy(dx);
    CHECK_OK(tt_linear_backward(dx, NULL, NULL, dy, x, w, NULL, 0));
    CHECK_OK(tt_linear_backward_packed(dx3, NULL, NULL, dy, x, p, NULL, 0));
    CHECK(same(dx, dx3));
    CHECK(tt_packed_bytes(p) == bytes); /* repacked in place: no new buffer */
    /* the wrong shape, or a bad handle, changes nothing */
    tt_tensor *w2 = rnd(2, 10, 19, 0, 0);
    CHECK_FAILS(tt_packed_update(p, w2), TT_ERR_SHAPE, "weight [10,19] must have the packed shape [19,10]");
    CHECK_FAILS(tt_packed_update(p, NULL), TT_ERR_STATE, "weight is NULL");
    CHECK_FAILS(tt_packed_update(NULL, w), TT_ERR_STATE, "packed weight is NULL");
    tt_tensor *yp2 = NULL;
    CHECK_OK(tt_linear_forward_packed(&yp2, x, p, b, 0));
    CHECK(same(y, yp2));
    tt_packed_free(p);
    tt_tensor *all[] = {x, w, b, y, yp, dy, dx, dx2, dx3, w2, yp2};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);
}

static void check_errors(void) {
    tt_tensor *x = rnd(2, 4, 3, 0, 0), *w = rnd(2, 3, 2, 0, 0), *b = rnd(1, 2, 0, 0, 0);
    tt_tensor *v = rnd(1, 6, 0, 0, 0), *y = NULL;
    tt_packed *p = NULL;
    CHECK_FAILS(tt_packed_new(NULL, w), TT_ERR_STATE, "out is NULL");
    CHECK_FAILS(tt_packed_new(&p, NULL), TT_ERR_STATE, "weight is NULL");
    CHECK_FAILS(tt_packed_new(&p, v), TT_ERR_SHAPE, "weight [6] must be 2-D");
    CHECK(p == NULL);
    CHECK_OK(tt_packed_new(&p, w));
    CHECK_FAILS(tt_linear_forward_packed(&y, w, p, b, 0), TT_ERR_SHAPE,
                "input [3,2] @ weight [3,2]: last input dimension must be in_features = 3");
    CHECK_FAILS(tt_linear_forward_packed(&y, x, p, v, 0), TT_ERR_SHAPE, "bias [6] does not match weight [3,2]");
    CHECK_FAILS(tt_linear_forward_packed(&y, x, NULL, b, 0), TT_ERR_STATE, "packed weight is NULL");
    CHECK_FAILS(tt_linear_forward_packed(NULL, x, p, b, 0), TT_ERR_STATE, "out is NULL");
    CHECK(y == NULL);
    /* a handle whose magic is gone, as tt_packed_free leaves it */
    uint32_t dead[64] = {0};
    CHECK_FAILS(tt_linear_forward_packed(&y, x, (const tt_packed *)dead, b, 0), TT_ERR_STATE, "not a live packed weight");
    CHECK_FAILS(tt_packed_update((tt_packed *)dead, w), TT_ERR_STATE, "not a live packed weight");
    CHECK(tt_packed_bytes((const tt_packed *)dead) == 0 && tt_packed_bytes(NULL) == 0);
    CHECK_OK(tt_linear_forward_packed(&y, x, p, b, 1));
    tt_tensor *dy = rnd(2, 4, 2, 0, 0), *dx = rnd(2, 4, 3, 0, 0), *dw = rnd(2, 3, 2, 0, 0);
    CHECK_FAILS(tt_linear_backward_packed(dx, dw, NULL, dy, x, (tt_packed *)dead, y, 1), TT_ERR_STATE,
                "linear_backward_packed: packed weight is not a live packed weight");
    CHECK_FAILS(tt_linear_backward_packed(dx, dw, NULL, dy, x, NULL, y, 1), TT_ERR_STATE, "packed weight is NULL");
    CHECK_FAILS(tt_linear_backward_packed(NULL, dx, NULL, dy, x, p, y, 1), TT_ERR_SHAPE,
                "dweight [4,3] must have the weight's shape [3,2]");
    CHECK_FAILS(tt_linear_backward_packed(dx, dw, NULL, x, x, p, y, 1), TT_ERR_SHAPE, "dy [4,3] must be the output shape [4,2]");
    CHECK_FAILS(tt_linear_backward_packed(x, dw, NULL, dy, x, p, y, 1), TT_ERR_ARG, "dx cannot be an input");
    CHECK_FAILS(tt_linear_backward_packed(dx, dw, NULL, dy, x, p, NULL, 1), TT_ERR_STATE, "output y");
    /* nothing to compute: OK, and W^T is not packed */
    double before = tt_packed_bytes(p);
    CHECK_OK(tt_linear_backward_packed(NULL, dw, NULL, dy, x, p, y, 1));
    CHECK(tt_packed_bytes(p) == before);
    tt_packed_free(p);
    tt_packed_free(NULL);

    /* a packing bigger than a tensor may be: [4,5] pads to [4,8] */
    tt_tensor *w45 = rnd(2, 4, 5, 0, 0);
    tt_set_max_tensor_bytes(100); /* 80 bytes fit a tensor, the packed 128 do not */
    CHECK_FAILS(tt_packed_new(&p, w45), TT_ERR_NOMEM, "packing weight [4,5] needs 128 bytes, more than the 100");
    tt_set_max_tensor_bytes(1e300);
    CHECK(p == NULL);
    tt_tensor *all[] = {x, w, b, v, y, dy, dx, dw, w45};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);
}

/* Each allocation of new and of the first backward fails in turn: a
 * status, no live object or byte more, gradients untouched; then success. */
static void check_alloc_failures(void) {
    tt_tensor *x = rnd(2, 6, 11, 0, 0), *w = rnd(2, 11, 13, 0, 0), *y = NULL;
    CHECK_OK(tt_linear_forward(&y, x, w, NULL, 1));
    tt_tensor *dy = rnd(2, 6, 13, 0, 0), *dx = rnd(2, 6, 11, 0, 0), *dx0 = copy(dx);
    int objects = tt_mem_packed(), tensors = tt_mem_tensors();
    double bytes = tt_mem_packed_bytes();
    tt_packed *p = NULL;
    int failures = 0;
    for (int n = 1; n <= 2; n++) {
        tt_debug_fail_alloc_after(n);
        int st = tt_packed_new(&p, w);
        tt_debug_fail_alloc_after(0);
        CHECK(st == TT_ERR_NOMEM && p == NULL);
        CHECK(tt_mem_packed() == objects && tt_mem_packed_bytes() == bytes);
        failures += st == TT_ERR_NOMEM;
    }
    CHECK(failures == 2);
    CHECK_OK(tt_packed_new(&p, w));
    CHECK(tt_mem_packed() == objects + 1 && tt_mem_packed_bytes() == bytes + packed_bytes(11, 13));
    /* the first backward: W^T's buffer, then the ReLU mask's scratch */
    for (int n = 1; n <= 2; n++) {
        tt_debug_fail_alloc_after(n);
        CHECK_FAILS(tt_linear_backward_packed(dx, NULL, NULL, dy, x, p, y, 1), TT_ERR_NOMEM, "out of memory");
        tt_debug_fail_alloc_after(0);
        CHECK(same(dx, dx0));
        CHECK(tt_mem_tensors() == tensors);
    }
    CHECK_OK(tt_linear_backward_packed(dx, NULL, NULL, dy, x, p, y, 1));
    tt_tensor *dx1 = copy(dx0);
    CHECK_OK(tt_linear_backward(dx1, NULL, NULL, dy, x, w, y, 1));
    CHECK(same(dx, dx1));
    CHECK(tt_mem_packed_bytes() == bytes + packed_bytes(11, 13) + packed_bytes(13, 11));
    tt_packed_free(p);
    CHECK(tt_mem_packed() == objects && tt_mem_packed_bytes() == bytes);
    tt_tensor *all[] = {x, w, y, dy, dx, dx0, dx1};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);
}

int main(void) {
    static const int ms[] = {1, 2, 3, 4, 5, 7, 9, 17, 32};
    static const int ks[] = {0, 1, 3, 8, 17, 64};
    static const int ns[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 17, 33, 40};
    tt_manual_seed(11, 0);
    for (size_t mi = 0; mi < sizeof ms / sizeof *ms; mi++)
        for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++)
            for (size_t ni = 0; ni < sizeof ns / sizeof *ns; ni++)
                check_shape(2, ms[mi], ks[ki], ns[ni]);
    check_shape(1, 1, 17, 10);
    check_shape(1, 1, 64, 40);
    check_shape(3, 3, 17, 10);
    check_shape(3, 0, 5, 9); /* an empty batch */
    check_shape(2, 4, 5, 0); /* N = 0: nothing to pack, nothing to compute */
    check_shape(2, 1, 784, 256);
    check_shape(2, 32, 128, 10);
    CHECK(bad_forward == 0);
    CHECK(bad_backward == 0);
    printf("%d packed Linear cases (forward and backward) bit-identical to the unpacked ones\n",
           cases);
    check_update();
    check_errors();
    check_alloc_failures();
    CHECK(tt_mem_packed() == 0 && tt_mem_packed_bytes() == 0);
    CHECK(tt_mem_tensors() == 0);
    TT_TEST_MAIN_END();
}
