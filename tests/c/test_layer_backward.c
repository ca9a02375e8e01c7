/* test_layer_backward: the backward passes of matmul (every form), Linear (with and without the
 * fused ReLU) and Dropout: against central finite differences through the
 * forward, or against a direct double-precision reference; gradients are
 * accumulated into what the buffers held; shape, alias and handle errors;
 * an allocation failure changes nothing. */
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

/* sum(dy * (a @ b)) in double: the scalar whose gradients are da, db. */
static double matmul_loss(const tt_tensor *dy, const tt_tensor *a, const tt_tensor *b) {
    tt_tensor *y = NULL;
    if (tt_tensor_matmul(&y, a, b) != TT_OK) return NAN;
    double s = 0;
    for (size_t i = 0; i < y->size; i++) s += (double)dy->data[i] * y->data[i];
    tt_tensor_free(y);
    return s;
}

/* Largest |grad - finite difference| over every element of `wrt` (a or
 * b), relative to max(1, |fd|). The loss is linear in each operand, so
 * the central difference is exact up to the forward's float rounding. */
static double matmul_fd_error(const tt_tensor *grad, const tt_tensor *g0, const tt_tensor *dy,
                              tt_tensor *a, tt_tensor *b, tt_tensor *wrt) {
    double worst = 0, h = 0.25;
    for (size_t i = 0; i < wrt->size; i++) {
        float keep = wrt->data[i];
        wrt->data[i] = keep + (float)h;
        double lp = matmul_loss(dy, a, b);
        wrt->data[i] = keep - (float)h;
        double lm = matmul_loss(dy, a, b);
        wrt->data[i] = keep;
        double fd = (lp - lm) / (2 * h);
        double got = (double)grad->data[i] - g0->data[i]; /* what the call added */
        double err = fabs(got - fd) / (fabs(fd) > 1 ? fabs(fd) : 1);
        if (err > worst) worst = err;
    }
    return worst;
}

static void check_matmul(int nda, const int *da_, int ndb, const int *db_) {
    tt_tensor *a = rnd(nda, da_[0], da_[1], da_[2], da_[3]);
    tt_tensor *b = rnd(ndb, db_[0], db_[1], db_[2], db_[3]);
    tt_tensor *y = NULL;
    CHECK_OK(tt_tensor_matmul(&y, a, b));
    if (!y) return;
    tt_tensor *dy = rnd(y->ndim, y->shape[0], y->shape[1], y->shape[2], y->shape[3]);
    /* the gradients start non-zero: the call must add to them */
    tt_tensor *ga = rnd(nda, da_[0], da_[1], da_[2], da_[3]), *gb = rnd(ndb, db_[0], db_[1], db_[2], db_[3]);
    tt_tensor *ga0 = copy(ga), *gb0 = copy(gb);
    CHECK_OK(tt_tensor_matmul_backward(ga, gb, dy, a, b));
    double ea = matmul_fd_error(ga, ga0, dy, a, b, a), eb = matmul_fd_error(gb, gb0, dy, a, b, b);
    if (!(ea < 1e-4 && eb < 1e-4))
        fprintf(stderr, "matmul_backward ranks %d @ %d: finite-difference error %g (da), %g (db)\n",
                nda, ndb, ea, eb);
    CHECK(ea < 1e-4);
    CHECK(eb < 1e-4);
    /* only one gradient asked for: the same bits for that one */
    tt_tensor *ga2 = copy(ga0), *gb2 = copy(gb0);
    CHECK_OK(tt_tensor_matmul_backward(ga2, NULL, dy, a, b));
    CHECK_OK(tt_tensor_matmul_backward(NULL, gb2, dy, a, b));
    CHECK(memcmp(ga2->data, ga->data, ga->size * sizeof(float)) == 0);
    CHECK(memcmp(gb2->data, gb->data, gb->size * sizeof(float)) == 0);
    tt_tensor *all[] = {a, b, y, dy, ga, gb, ga0, gb0, ga2, gb2};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);
}

/* Linear's gradients in double from first principles. x [M,K], w [K,N]. */
static void linear_ref(double *dx, double *dw, double *db, const float *dy, const float *x,
                       const float *w, const float *y, int m, int k, int n, int relu) {
    for (int i = 0; i < m * k; i++) dx[i] = 0;
    for (int i = 0; i < k * n; i++) dw[i] = 0;
    for (int j = 0; j < n; j++) db[j] = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double g = relu && !(y[i * n + j] > 0) ? 0.0 : dy[i * n + j];
            db[j] += g;
            for (int p = 0; p < k; p++) {
                dx[i * k + p] += g * w[p * n + j];
                dw[p * n + j] += x[i * k + p] * g;
            }
        }
}

static int close_to(const tt_tensor *got, const tt_tensor *start, const double *want, double tol) {
    for (size_t i = 0; i < got->size; i++) {
        double added = (double)got->data[i] - start->data[i];
        if (!(fabs(added - want[i]) <= tol * (1 + fabs(want[i])))) {
            fprintf(stderr, "element %zu: added %.9g, expected %.9g\n", i, added, want[i]);
            return 0;
        }
    }
    return 1;
}

static void check_linear(int ndim, int d0, int d1, int d2, int k, int n, int relu) {
    int dims[3] = {d0, d1, d2};
    int lead = ndim - 1, m = 1;
    for (int i = 0; i < lead; i++) m *= dims[i];
    int xd[4] = {0}, yd[4] = {0};
    for (int i = 0; i < lead; i++) xd[i] = yd[i] = dims[i];
    xd[lead] = k, yd[lead] = n;
    tt_tensor *x = rnd(ndim, xd[0], xd[1], xd[2], xd[3]), *w = rnd(2, k, n, 0, 0), *b = rnd(1, n, 0, 0, 0);
    tt_tensor *y = NULL;
    CHECK_OK(tt_linear_forward(&y, x, w, b, relu));
    tt_tensor *dy = rnd(ndim, yd[0], yd[1], yd[2], yd[3]);
    tt_tensor *dx = rnd(ndim, xd[0], xd[1], xd[2], xd[3]), *dw = rnd(2, k, n, 0, 0), *db = rnd(1, n, 0, 0, 0);
    tt_tensor *dx0 = copy(dx), *dw0 = copy(dw), *db0 = copy(db);
    CHECK_OK(tt_linear_backward(dx, dw, db, dy, x, w, relu ? y : NULL, relu));
    double *rx = malloc(sizeof(double) * (m * k + 1)), *rw = malloc(sizeof(double) * (k * n + 1));
    double *rb = malloc(sizeof(double) * (n + 1));
    linear_ref(rx, rw, rb, dy->data, x->data, w->data, y->data, m, k, n, relu);
    double tol = 1e-5 * (k > m ? k : m);
    CHECK(close_to(dx, dx0, rx, tol));
    CHECK(close_to(dw, dw0, rw, tol));
    CHECK(close_to(db, db0, rb, tol));
    if (relu) { /* some units were off, or the mask was not tested */
        int off = 0;
        for (size_t i = 0; i < y->size; i++) off += y->data[i] == 0.0f;
        CHECK(off > 0 || y->size < 8);
    }
    /* one gradient at a time gives the same bits */
    tt_tensor *dx2 = copy(dx0), *dw2 = copy(dw0), *db2 = copy(db0);
    CHECK_OK(tt_linear_backward(dx2, NULL, NULL, dy, x, w, y, relu));
    CHECK_OK(tt_linear_backward(NULL, dw2, NULL, dy, x, w, y, relu));
    CHECK_OK(tt_linear_backward(NULL, NULL, db2, dy, x, w, y, relu));
    CHECK(memcmp(dx2->data, dx->data, dx->size * sizeof(float)) == 0);
    CHECK(memcmp(dw2->data, dw->data, dw->size * sizeof(float)) == 0);
    CHECK(memcmp(db2->data, db->data, db->size * sizeof(float)) == 0);
    free(rx), free(rw), free(rb);
    tt_tensor *all[] = {x, w, b, y, dy, dx, dw, db, dx0, dw0, db0, dx2, dw2, db2};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);
}

/* Without ReLU, also against finite differences of sum(dy * linear(x)). */
static double linear_loss(const tt_tensor *dy, const tt_tensor *x, const tt_tensor *w,
                          const tt_tensor *b) {
    tt_tensor *y = NULL;
    if (tt_linear_forward(&y, x, w, b, 0) != TT_OK) return NAN;
    double s = 0;
    for (size_t i = 0; i < y->size; i++) s += (double)dy->data[i] * y->data[i];
    tt_tensor_free(y);
    return s;
}

static void check_linear_fd(void) {
    tt_tensor *x = rnd(2, 5, 3, 0, 0), *w = rnd(2, 3, 4, 0, 0), *b = rnd(1, 4, 0, 0, 0);
    tt_tensor *dy = rnd(2, 5, 4, 0, 0);
    tt_tensor *dx = NULL, *dw = NULL, *db = NULL;
    CHECK_OK(tt_tensor_new(&dx, 2, 5, 3, 0, 0));
    CHECK_OK(tt_tensor_new(&dw, 2, 3, 4, 0, 0));
    CHECK_OK(tt_tensor_new(&db, 1, 4, 0, 0, 0));
    CHECK_OK(tt_linear_backward(dx, dw, db, dy, x, w, NULL, 0));
    tt_tensor *wrt[3] = {x, w, b}, *grad[3] = {dx, dw, db};
    double worst = 0, h = 0.25;
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < wrt[t]->size; i++) {
            float keep = wrt[t]->data[i];
            wrt[t]->data[i] = keep + (float)h;
            double lp = linear_loss(dy, x, w, b);
            wrt[t]->data[i] = keep - (float)h;
            double lm = linear_loss(dy, x, w, b);
            wrt[t]->data[i] = keep;
            double fd = (lp - lm) / (2 * h), err = fabs(grad[t]->data[i] - fd) / (fabs(fd) > 1 ? fabs(fd) : 1);
            if (err > worst) worst = err;
        }
    CHECK(worst < 1e-4);
    tt_tensor *all[] = {x, w, b, dy, dx, dw, db};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);
}

static void check_dropout(void) {
    tt_tensor *x = rnd(2, 37, 41, 0, 0), *mask = NULL, *y = NULL;
    CHECK_OK(tt_tensor_new(&mask, 2, 37, 41, 0, 0));
    x->data[5] = 1.0f / 0.0f; /* inf and NaN inputs: dropped gradients stay exactly 0 */
    x->data[6] = 0.0f / 0.0f;
    for (int pi = 0; pi < 4; pi++) {
        double p = (double[]){0.0, 0.3, 0.5, 1.0 - 1e-7}[pi];
        tt_manual_seed(11 + pi, 0);
        CHECK_OK(tt_dropout_forward(&y, mask, x, p, 1, NULL));
        /* y is linear in x for a fixed mask: with dy = x, from zero, the
         * backward is the forward itself, bit for bit (NaN aside) */
        tt_tensor *dx = NULL;
        CHECK_OK(tt_tensor_new(&dx, 2, 37, 41, 0, 0));
        CHECK_OK(tt_dropout_backward(dx, x, mask, p));
        int same = 1;
        for (size_t i = 0; i < x->size; i++)
            same &= y->data[i] != y->data[i] ? dx->data[i] != dx->data[i]
                                             : memcmp(&y->data[i], &dx->data[i], 4) == 0;
        CHECK(same);
        /* accumulating: dy = 1 adds the scale where kept, nothing where dropped */
        tt_tensor *ones = NULL, *before = copy(dx);
        CHECK_OK(tt_tensor_new(&ones, 2, 37, 41, 0, 0));
        tt_tensor_fill(ones, 1.0f);
        CHECK_OK(tt_dropout_backward(dx, ones, mask, p));
        float scale = (float)(1.0 / (1.0 - p));
        int added = 1;
        for (size_t i = 0; i < x->size; i++) {
            float want = mask->data[i] != 0.0f ? before->data[i] + scale : before->data[i];
            added &= want != want ? dx->data[i] != dx->data[i] : dx->data[i] == want;
        }
        CHECK(added);
        tt_tensor_free(dx), tt_tensor_free(ones), tt_tensor_free(before), tt_tensor_free(y);
    }
    /* p = 1: nothing is added, even where a caller's mask says 1 */
    tt_tensor *dx = NULL;
    CHECK_OK(tt_tensor_new(&dx, 2, 37, 41, 0, 0));
    tt_tensor_fill(mask, 1.0f);
    CHECK_OK(tt_dropout_backward(dx, x, mask, 1.0));
    int zero = 1;
    for (size_t i = 0; i < dx->size; i++) zero &= dx->data[i] == 0.0f;
    CHECK(zero);
    CHECK_OK(tt_dropout_backward(NULL, x, mask, 0.5)); /* nothing asked for */
    /* errors */
    tt_tensor *small = NULL;
    CHECK_OK(tt_tensor_new(&small, 1, 7, 0, 0, 0));
    CHECK_FAILS(tt_dropout_backward(dx, x, small, 0.5), TT_ERR_SHAPE, "mask [7] does not match dy [37,41]");
    CHECK_FAILS(tt_dropout_backward(small, x, mask, 0.5), TT_ERR_SHAPE, "dx [7] must have dy's shape [37,41]");
    CHECK_FAILS(tt_dropout_backward(dx, x, mask, 1.5), TT_ERR_ARG, "p = 1.5");
    CHECK_FAILS(tt_dropout_backward(dx, x, mask, NAN), TT_ERR_ARG, "probability");
    CHECK_FAILS(tt_dropout_backward(x, x, mask, 0.5), TT_ERR_ARG, "dx cannot be dy");
    CHECK_FAILS(tt_dropout_backward(mask, x, mask, 0.5), TT_ERR_ARG, "dx cannot be the mask");
    CHECK_FAILS(tt_dropout_backward(dx, NULL, mask, 0.5), TT_ERR_STATE, "dy is NULL");
    CHECK_FAILS(tt_dropout_backward(dx, x, NULL, 0.5), TT_ERR_STATE, "mask is NULL");
    tt_tensor_free(x), tt_tensor_free(mask), tt_tensor_free(dx), tt_tensor_free(small);
}

/* tt_linear_backward_ex / tt_dropout_backward_ex with TT_ASSIGN_*: each
 * assigned gradient, written into a buffer full of NaN (tt_tensor_empty's
 * memory may hold anything), has the bits of the accumulating call on a
 * zero-filled buffer (dy holds -0s: 0 + -0 is +0), for every subset of
 * gradients, with and without the fused ReLU, M = 0 included. */
static void check_assign(int m, int k, int n, int relu) {
    tt_tensor *x = rnd(2, m, k, 0, 0), *w = rnd(2, k, n, 0, 0), *dy = rnd(2, m, n, 0, 0), *y = NULL;
    for (size_t i = 0; i < dy->size; i += 3) dy->data[i] = -0.0f;
    CHECK_OK(tt_linear_forward(&y, x, w, NULL, relu));
    for (int mask = 0; mask < 8; mask++) {
        tt_tensor *z[3] = {NULL, NULL, NULL}, *e[3] = {NULL, NULL, NULL};
        int32_t dims[3][2] = {{m, k}, {k, n}, {n, 0}};
        for (int g = 0; g < 3; g++) {
            CHECK_OK(tt_tensor_new(&z[g], g == 2 ? 1 : 2, dims[g][0], dims[g][1], 0, 0));
            CHECK_OK(tt_tensor_empty(&e[g], g == 2 ? 1 : 2, dims[g][0], dims[g][1], 0, 0));
            for (size_t i = 0; i < e[g]->size; i++) e[g]->data[i] = (mask >> g) & 1 ? NAN : 0.0f;
        }
        CHECK_OK(tt_linear_backward(z[0], z[1], z[2], dy, x, w, y, relu));
        CHECK_OK(tt_linear_backward_ex(e[0], e[1], e[2], dy, x, w, y, relu, mask));
        for (int g = 0; g < 3; g++) CHECK(memcmp(z[g]->data, e[g]->data, z[g]->size * 4) == 0);
        for (int g = 0; g < 3; g++) tt_tensor_free(z[g]), tt_tensor_free(e[g]);
    }
    for (int drop = 0; drop <= 2; drop++) { /* p = 0.5, 0, 1 */
        double p = drop == 0 ? 0.5 : drop == 1 ? 0.0 : 1.0;
        tt_tensor *mk = NULL, *yd = NULL, *z = NULL, *e = NULL;
        CHECK_OK(tt_tensor_new(&mk, 2, m, n, 0, 0));
        CHECK_OK(tt_dropout_forward(&yd, mk, dy, p, 1, NULL));
        CHECK_OK(tt_tensor_new(&z, 2, m, n, 0, 0));
        CHECK_OK(tt_tensor_empty(&e, 2, m, n, 0, 0));
        for (size_t i = 0; i < e->size; i++) e->data[i] = NAN;
        CHECK_OK(tt_dropout_backward(z, dy, mk, p));
        CHECK_OK(tt_dropout_backward_ex(e, dy, mk, p, TT_ASSIGN_DX));
        CHECK(memcmp(z->data, e->data, z->size * 4) == 0);
        tt_tensor_free(mk), tt_tensor_free(yd), tt_tensor_free(z), tt_tensor_free(e);
    }
    tt_tensor_free(x), tt_tensor_free(w), tt_tensor_free(dy), tt_tensor_free(y);
}

int main(void) {
    tt_manual_seed(3, 0);
    /* every form of matmul: 1-D on either side, 2-D, batched, broadcast */
    static const struct {
        int nda, da[4], ndb, db[4];
    } forms[] = {
        {1, {5}, 1, {5}},                      /* [K]@[K] -> []            */
        {2, {3, 5}, 1, {5}},                   /* [M,K]@[K] -> [M]         */
        {1, {5}, 2, {5, 4}},                   /* [K]@[K,N] -> [N]         */
        {2, {3, 5}, 2, {5, 4}},                /* [M,K]@[K,N]              */
        {2, {9, 17}, 2, {17, 10}},             /* odd sizes past one tile  */
        {3, {2, 3, 5}, 2, {5, 4}},             /* b broadcast over a batch */
        {2, {3, 5}, 3, {2, 5, 4}},             /* a broadcast              */
        {4, {2, 1, 3, 5}, 3, {3, 5, 4}},       /* both broadcast           */
        {3, {2, 3, 5}, 1, {5}},                /* batched @ vector         */
        {1, {5}, 3, {2, 5, 4}},                /* vector @ batched         */
        {3, {2, 1, 5}, 3, {1, 5, 6}},
    };
    for (size_t f = 0; f < sizeof forms / sizeof *forms; f++)
        check_matmul(forms[f].nda, forms[f].da, forms[f].ndb, forms[f].db);

    /* matmul_backward errors */
    tt_tensor *a = rnd(2, 3, 5, 0, 0), *b = rnd(2, 5, 4, 0, 0), *dy = rnd(2, 3, 4, 0, 0);
    tt_tensor *ga = NULL, *gb = NULL, *bad = rnd(2, 4, 3, 0, 0);
    CHECK_OK(tt_tensor_new(&ga, 2, 3, 5, 0, 0));
    CHECK_OK(tt_tensor_new(&gb, 2, 5, 4, 0, 0));
    CHECK_FAILS(tt_tensor_matmul_backward(ga, gb, bad, a, b), TT_ERR_SHAPE, "dy [4,3] must be the shape [3,4] of [3,5] @ [5,4]");
    CHECK_FAILS(tt_tensor_matmul_backward(gb, NULL, dy, a, b), TT_ERR_SHAPE, "da [5,4] must have the left operand's shape [3,5]");
    CHECK_FAILS(tt_tensor_matmul_backward(NULL, ga, dy, a, b), TT_ERR_SHAPE, "db [3,5] must have the right operand's shape [5,4]");
    CHECK_FAILS(tt_tensor_matmul_backward(ga, gb, dy, a, a), TT_ERR_SHAPE, "inner dimensions");
    CHECK_FAILS(tt_tensor_matmul_backward(a, gb, dy, a, b), TT_ERR_ARG, "da cannot be an input");
    CHECK_FAILS(tt_tensor_matmul_backward(ga, b, dy, a, b), TT_ERR_ARG, "db cannot be an input");
    CHECK_FAILS(tt_tensor_matmul_backward(ga, gb, NULL, a, b), TT_ERR_STATE, "dy is NULL");
    tt_tensor *sq = rnd(2, 3, 3, 0, 0), *sq2 = rnd(2, 3, 3, 0, 0), *dsq = rnd(2, 3, 3, 0, 0);
    CHECK_FAILS(tt_tensor_matmul_backward(sq2, sq2, dsq, sq, sq), TT_ERR_ARG, "or the other gradient");
    tt_tensor *all[] = {a, b, dy, ga, gb, bad, sq, sq2, dsq};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);

    /* Linear: 2-D, 1-D, batched [B,T,K], odd sizes, with and without ReLU */
    for (int relu = 0; relu <= 1; relu++) {
        check_linear(2, 4, 0, 0, 3, 2, relu);
        check_linear(1, 0, 0, 0, 7, 5, relu);
        check_linear(3, 2, 3, 0, 5, 9, relu);
        check_linear(2, 17, 0, 0, 33, 19, relu);
        check_linear(2, 0, 0, 0, 3, 4, relu); /* M = 0: dW and db get nothing */
    }
    check_linear_fd();

    /* Linear errors, and an allocation failure changes nothing */
    tt_tensor *x = rnd(2, 4, 3, 0, 0), *w = rnd(2, 3, 2, 0, 0), *y = NULL, *dyl = rnd(2, 4, 2, 0, 0);
    CHECK_OK(tt_linear_forward(&y, x, w, NULL, 1));
    tt_tensor *dx = rnd(2, 4, 3, 0, 0), *dw = rnd(2, 3, 2, 0, 0), *db = rnd(1, 2, 0, 0, 0);
    tt_tensor *dx0 = copy(dx), *dw0 = copy(dw), *db0 = copy(db);
    int base = tt_mem_tensors();
    tt_debug_fail_alloc_after(1);
    CHECK_FAILS(tt_linear_backward(dx, dw, db, dyl, x, w, y, 1), TT_ERR_NOMEM, "out of memory");
    tt_debug_fail_alloc_after(0);
    CHECK(tt_mem_tensors() == base);
    CHECK(memcmp(dx->data, dx0->data, dx->size * 4) == 0 && memcmp(dw->data, dw0->data, dw->size * 4) == 0 &&
          memcmp(db->data, db0->data, db->size * 4) == 0);
    CHECK_FAILS(tt_linear_backward(dx, dw, db, x, x, w, y, 1), TT_ERR_SHAPE, "dy [4,3] must be the output shape [4,2]");
    CHECK_FAILS(tt_linear_backward(dx, dw, db, dyl, x, w, NULL, 1), TT_ERR_STATE, "output y");
    CHECK_FAILS(tt_linear_backward(dw, NULL, NULL, dyl, x, w, y, 1), TT_ERR_SHAPE, "dx [3,2] must have the input's shape [4,3]");
    CHECK_FAILS(tt_linear_backward(NULL, dx, NULL, dyl, x, w, y, 1), TT_ERR_SHAPE, "dweight [4,3] must have the weight's shape [3,2]");
    CHECK_FAILS(tt_linear_backward(NULL, NULL, dw, dyl, x, w, y, 1), TT_ERR_SHAPE, "dbias [3,2] must be [2]");
    CHECK_FAILS(tt_linear_backward(NULL, NULL, NULL, dyl, w, w, y, 1), TT_ERR_SHAPE, "last input dimension");
    CHECK_FAILS(tt_linear_backward(x, dw, db, dyl, x, w, y, 1), TT_ERR_ARG, "dx cannot be an input");
    tt_tensor *dw2 = copy(dw);
    CHECK_FAILS(tt_linear_backward(dx, dw2, NULL, dyl, x, dw2, y, 1), TT_ERR_ARG, "dweight cannot be an input");
    tt_tensor *all2[] = {x, w, y, dyl, dx, dw, db, dx0, dw0, db0, dw2};
    for (size_t i = 0; i < sizeof all2 / sizeof *all2; i++) tt_tensor_free(all2[i]);

    check_dropout();
    for (int relu = 0; relu <= 1; relu++) {
        check_assign(64, 33, 19, relu); /* tiles and tails */
        check_assign(1, 9, 10, relu);   /* one row */
        check_assign(5, 1, 3, relu);    /* dW of one row: the row kernel */
        check_assign(0, 7, 4, relu);    /* M = 0: zeros assigned */
    }
    CHECK(tt_mem_tensors() == 0);
    TT_TEST_MAIN_END();
}
