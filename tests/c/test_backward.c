/* Backward of the ops and activations against central differences.
 *
 * Each forward is re-implemented here in double (independent of the core),
 * and L(x) = sum_i dy_i * f(x)_i is differentiated numerically in double
 * with central differences (h = 1e-5: error ~1e-10, far below float). The
 * core's gradients are float, so they are compared with a relative
 * tolerance of 1e-4: a wrong sign, a missing broadcast sum or a missing
 * 1/count is off by 100% or more. Every gradient buffer starts at 0.25, so
 * the checks also see that the core accumulates (+=) instead of writing. */
#include <stdint.h>
#include <stdlib.h>

#include "tt_test.h"

#define PRE 0.25f /* what every d-buffer holds before the backward */

static uint32_t lcg_state = 12345u;
static double urand(double lo, double hi) {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lo + (hi - lo) * ((lcg_state >> 8) * (1.0 / 16777216.0));
}

static tt_tensor *tnew(int ndim, const int32_t *d) {
    tt_tensor *t = NULL;
    int32_t z[4] = {0, 0, 0, 0};
    for (int i = 0; i < ndim; i++) z[i] = d[i];
    tt_tensor_new(&t, ndim, z[0], z[1], z[2], z[3]);
    return t;
}

static tt_tensor *trand(int ndim, const int32_t *d, double lo, double hi) {
    tt_tensor *t = tnew(ndim, d);
    for (size_t i = 0; i < t->size; i++) t->data[i] = (float)urand(lo, hi);
    return t;
}

static tt_tensor *tpre(int ndim, const int32_t *d) {
    tt_tensor *t = tnew(ndim, d);
    tt_tensor_fill(t, PRE);
    return t;
}

static void pad4(int32_t out[4], int ndim, const int32_t *d) {
    for (int i = 0; i < 4; i++) out[i] = 1;
    for (int i = 0; i < ndim; i++) out[4 - ndim + i] = d[i];
}

/* A double forward: reads its inputs through ctx, writes out. */
typedef void (*fwd_fn)(void *ctx, double *out);

/* d/dx_j of sum_i w_i f(x)_i, x perturbed in place (x is one of f's inputs). */
static void numgrad(fwd_fn f, void *ctx, double *x, size_t n, const double *w, size_t nout,
                    double *g) {
    double *o = malloc((nout + 1) * sizeof *o);
    for (size_t j = 0; j < n; j++) {
        double x0 = x[j], h = 1e-5 * (fabs(x0) > 1 ? fabs(x0) : 1), lp = 0, lm = 0;
        x[j] = x0 + h;
        f(ctx, o);
        for (size_t i = 0; i < nout; i++) lp += w[i] * o[i];
        x[j] = x0 - h;
        f(ctx, o);
        for (size_t i = 0; i < nout; i++) lm += w[i] * o[i];
        x[j] = x0;
        g[j] = (lp - lm) / (2 * h);
    }
    free(o);
}

static double *to_double(const tt_tensor *t) {
    double *d = malloc((t->size + 1) * sizeof *d);
    for (size_t i = 0; i < t->size; i++) d[i] = t->data[i];
    return d;
}

static int grad_mismatches;

/* d - PRE must equal want, within 1e-4 relative (plus 1e-6 absolute). */
static void check_grad(const tt_tensor *d, const double *want, const char *what) {
    int bad = 0;
    for (size_t i = 0; i < d->size; i++) {
        double got = (double)d->data[i] - PRE;
        if (!(fabs(got - want[i]) <= 1e-4 * fabs(want[i]) + 1e-6)) {
            if (bad++ < 3)
                fprintf(stderr, "%s: element %zu is %.9g, expected %.9g\n", what, i, got, want[i]);
        }
    }
    tt_test_checks++;
    if (bad) tt_test_failures++, grad_mismatches++;
}

/* ---- binary ------------------------------------------------------------ */

struct bin_ctx {
    int op;
    int32_t pa[4], pb[4], po[4];
    double *a, *b;
};

static void bin_fwd(void *vc, double *out) {
    struct bin_ctx *c = vc;
    size_t o = 0;
    for (int i0 = 0; i0 < c->po[0]; i0++)
        for (int i1 = 0; i1 < c->po[1]; i1++)
            for (int i2 = 0; i2 < c->po[2]; i2++)
                for (int i3 = 0; i3 < c->po[3]; i3++) {
                    int ia[4] = {i0, i1, i2, i3}, ib[4] = {i0, i1, i2, i3};
                    size_t fa = 0, fb = 0;
                    for (int k = 0; k < 4; k++) {
                        if (c->pa[k] == 1) ia[k] = 0;
                        if (c->pb[k] == 1) ib[k] = 0;
                        fa = fa * (size_t)c->pa[k] + (size_t)ia[k];
                        fb = fb * (size_t)c->pb[k] + (size_t)ib[k];
                    }
                    double x = c->a[fa], y = c->b[fb];
                    out[o++] = c->op == TT_ADD ? x + y : c->op == TT_SUB ? x - y
                             : c->op == TT_MUL ? x * y : x / y;
                }
}

static void test_binary_case(int na, const int32_t *da_, int nb, const int32_t *db_, int op) {
    struct bin_ctx c = {.op = op};
    pad4(c.pa, na, da_);
    pad4(c.pb, nb, db_);
    int no = na > nb ? na : nb;
    int32_t od[4];
    for (int k = 0; k < 4; k++) c.po[k] = c.pa[k] == 1 ? c.pb[k] : c.pa[k];
    for (int k = 0; k < no; k++) od[k] = c.po[4 - no + k];
    tt_tensor *a = trand(na, da_, -2, 2), *b = trand(nb, db_, 0.5, 2), *dy = trand(no, od, -1, 1);
    for (size_t i = 0; i < b->size; i++)
        if (i % 3 == 1) b->data[i] = -b->data[i]; /* both signs, never near 0 (div) */
    tt_tensor *ga = tpre(na, da_), *gb = tpre(nb, db_), *y = NULL;
    CHECK_OK(tt_tensor_binary(&y, a, b, op));
    CHECK(y && y->size == dy->size);
    CHECK_OK(tt_tensor_binary_backward(ga, gb, dy, a, b, op));
    c.a = to_double(a);
    c.b = to_double(b);
    double *w = to_double(dy), *g = malloc((a->size + b->size + 1) * sizeof *g);
    numgrad(bin_fwd, &c, c.a, a->size, w, dy->size, g);
    check_grad(ga, g, "binary da");
    numgrad(bin_fwd, &c, c.b, b->size, w, dy->size, g);
    check_grad(gb, g, "binary db");
    /* NULL for one buffer leaves the other's result the same */
    tt_tensor *gb2 = tpre(nb, db_);
    CHECK_OK(tt_tensor_binary_backward(NULL, gb2, dy, a, b, op));
    CHECK(memcmp(gb2->data, gb->data, gb->size * sizeof(float)) == 0);
    free(c.a), free(c.b), free(w), free(g);
    tt_tensor_free(a), tt_tensor_free(b), tt_tensor_free(dy), tt_tensor_free(ga);
    tt_tensor_free(gb), tt_tensor_free(gb2), tt_tensor_free(y);
}

static void test_binary(void) {
    static const struct {
        int na, nb;
        int32_t a[4], b[4];
    } cases[] = {
        {3, 2, {3, 1, 5}, {4, 5}},       /* the brief's example: out [3,4,5] */
        {2, 1, {4, 1}, {3}},             /* both broadcast: out [4,3] */
        {0, 2, {0}, {2, 3}},             /* a scalar against a matrix */
        {2, 0, {2, 3}, {0}},             /* and the other way round */
        {2, 2, {2, 3}, {2, 3}},          /* same shape: no reduction */
        {4, 3, {2, 1, 3, 1}, {4, 1, 5}}, /* rank 4, every dim broadcast somewhere */
        {1, 3, {5}, {3, 1, 5}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int op = TT_ADD; op <= TT_DIV; op++)
            test_binary_case(cases[i].na, cases[i].a, cases[i].nb, cases[i].b, op);

    /* By hand: [3,1] + [2]: da sums dy over the 2 columns, db over the 3 rows. */
    tt_tensor *a = tt_test_from(2, 3, 1, 0, 0, (const float[]){1, 2, 3});
    tt_tensor *b = tt_test_from(1, 2, 0, 0, 0, (const float[]){10, 20});
    tt_tensor *dy = tt_test_from(2, 3, 2, 0, 0, (const float[]){1, 2, 3, 4, 5, 6});
    tt_tensor *da = tt_test_from(2, 3, 1, 0, 0, NULL), *db = tt_test_from(1, 2, 0, 0, 0, NULL);
    CHECK_OK(tt_tensor_binary_backward(da, db, dy, a, b, TT_SUB));
    CHECK(da->data[0] == 3 && da->data[1] == 7 && da->data[2] == 11);
    CHECK(db->data[0] == -9 && db->data[1] == -12);
    /* y = x * x with a == b and one shared gradient buffer: dx = 2 x dy */
    tt_tensor *x = tt_test_from(1, 2, 0, 0, 0, (const float[]){3, -4});
    tt_tensor *gy = tt_test_from(1, 2, 0, 0, 0, (const float[]){1, 0.5f});
    tt_tensor *dx = tt_test_from(1, 2, 0, 0, 0, NULL);
    CHECK_OK(tt_tensor_binary_backward(dx, dx, gy, x, x, TT_MUL));
    CHECK(dx->data[0] == 6 && dx->data[1] == -4);

    /* errors: shapes named, aliasing, bad op, stale handle */
    tt_tensor *bad = tt_test_from(1, 3, 0, 0, 0, NULL);
    CHECK_FAILS(tt_tensor_binary_backward(da, db, bad, a, b, TT_ADD), TT_ERR_SHAPE,
                "add backward: dy has shape [3], expected [3,2] (the output of [3,1] and [2])");
    CHECK_FAILS(tt_tensor_binary_backward(bad, db, dy, a, b, TT_MUL), TT_ERR_SHAPE,
                "mul backward: da has shape [3], expected a's shape [3,1]");
    CHECK_FAILS(tt_tensor_binary_backward(da, bad, dy, a, b, TT_MUL), TT_ERR_SHAPE,
                "db has shape [3], expected b's shape [2]");
    tt_tensor *b22 = tt_test_from(2, 2, 2, 0, 0, NULL);
    CHECK_FAILS(tt_tensor_binary_backward(da, NULL, dy, a, b22, TT_ADD), TT_ERR_SHAPE,
                "add backward: shapes [3,1] and [2,2] cannot be broadcast");
    tt_tensor_free(b22);
    CHECK_FAILS(tt_tensor_binary_backward(a, db, dy, a, b, TT_MUL), TT_ERR_ARG,
                "gradient buffer is also an input");
    CHECK_FAILS(tt_tensor_binary_backward(da, (tt_tensor *)dy, dy, a, b, TT_ADD), TT_ERR_ARG,
                "also an input");
    CHECK_FAILS(tt_tensor_binary_backward(da, db, dy, a, b, 7), TT_ERR_ARG, "unknown op 7");
    CHECK_FAILS(tt_tensor_binary_backward(da, db, NULL, a, b, TT_ADD), TT_ERR_STATE, "dy is NULL");
    CHECK(da->data[0] == 3 && db->data[0] == -9); /* failed calls changed nothing */
    /* empty output: nothing flows back, buffers untouched */
    tt_tensor *e = NULL, *de = NULL, *dye = NULL;
    tt_tensor_new(&e, 2, 0, 2, 0, 0);
    tt_tensor_new(&dye, 2, 0, 2, 0, 0);
    tt_tensor_new(&de, 2, 0, 2, 0, 0);
    CHECK_OK(tt_tensor_binary_backward(de, db, dye, e, b, TT_MUL));
    CHECK(db->data[0] == -9 && db->data[1] == -12);
    tt_tensor_free(e), tt_tensor_free(de), tt_tensor_free(dye);
    tt_tensor_free(a), tt_tensor_free(b), tt_tensor_free(dy), tt_tensor_free(da);
    tt_tensor_free(db), tt_tensor_free(x), tt_tensor_free(gy), tt_tensor_free(dx);
    tt_tensor_free(bad);
}

/* ---- binary with a scalar --------------------------------------------- */

struct sc_ctx {
    int op, first;
    double s, *a;
    size_t n;
};

static void sc_fwd(void *vc, double *out) {
    struct sc_ctx *c = vc;
    for (size_t i = 0; i < c->n; i++) {
        double x = c->first ? c->s : c->a[i], y = c->first ? c->a[i] : c->s;
        out[i] = c->op == TT_ADD ? x + y : c->op == TT_SUB ? x - y : c->op == TT_MUL ? x * y : x / y;
    }
}

static void test_binary_scalar(void) {
    const int32_t d[2] = {3, 5};
    for (int op = TT_ADD; op <= TT_DIV; op++)
        for (int first = 0; first <= 1; first++) {
            float s = first ? -1.75f : 1.25f;
            tt_tensor *a = trand(2, d, 0.5, 2), *dy = trand(2, d, -1, 1), *da = tpre(2, d);
            for (size_t i = 0; i < a->size; i += 2) a->data[i] = -a->data[i];
            CHECK_OK(tt_tensor_binary_scalar_backward(da, dy, a, s, op, first));
            struct sc_ctx c = {op, first, s, to_double(a), a->size};
            double *w = to_double(dy), *g = malloc(a->size * sizeof *g);
            numgrad(sc_fwd, &c, c.a, a->size, w, dy->size, g);
            check_grad(da, g, "binary scalar da");
            free(c.a), free(w), free(g);
            tt_tensor_free(a), tt_tensor_free(dy), tt_tensor_free(da);
        }
    tt_tensor *a = tt_test_from(1, 2, 0, 0, 0, (const float[]){2, 4});
    tt_tensor *dy = tt_test_from(1, 2, 0, 0, 0, (const float[]){1, 1});
    tt_tensor *bad = tt_test_from(1, 3, 0, 0, 0, NULL);
    CHECK_OK(tt_tensor_binary_scalar_backward(NULL, dy, a, 2, TT_MUL, 0));
    CHECK_FAILS(tt_tensor_binary_scalar_backward(bad, dy, a, 2, TT_MUL, 0), TT_ERR_SHAPE,
                "mul backward: da has shape [3], expected the operand's shape [2]");
    CHECK_FAILS(tt_tensor_binary_scalar_backward(bad, bad, a, 2, TT_DIV, 0), TT_ERR_ARG,
                "da is also an input");
    CHECK_FAILS(tt_tensor_binary_scalar_backward(NULL, bad, a, 2, TT_DIV, 0), TT_ERR_SHAPE,
                "div backward: dy has shape [3], expected the operand's shape [2]");
    tt_tensor_free(a), tt_tensor_free(dy), tt_tensor_free(bad);
}

/* ---- accumulate, transpose -------------------------------------------- */

static void test_accumulate_transpose(void) {
    tt_tensor *dst = tt_test_from(2, 2, 3, 0, 0, (const float[]){1, 1, 1, 1, 1, 1});
    tt_tensor *src = tt_test_from(1, 6, 0, 0, 0, (const float[]){1, 2, 3, 4, 5, 6});
    CHECK_OK(tt_tensor_accumulate(dst, src));
    CHECK_OK(tt_tensor_accumulate(dst, src));
    for (int i = 0; i < 6; i++) CHECK(dst->data[i] == 1 + 2 * (i + 1));
    tt_tensor *bad = tt_test_from(1, 5, 0, 0, 0, NULL);
    CHECK_FAILS(tt_tensor_accumulate(dst, bad), TT_ERR_SHAPE,
                "accumulate: dst [2,3] has 6 elements but src [5] has 5");
    CHECK_FAILS(tt_tensor_accumulate(dst, dst), TT_ERR_ARG, "same tensor");
    CHECK_FAILS(tt_tensor_accumulate(NULL, src), TT_ERR_STATE, "dst is NULL");
    tt_tensor_free(dst), tt_tensor_free(src), tt_tensor_free(bad);

    /* transpose backward = the forward's transpose of dy, added on */
    static const struct {
        int nd;
        int32_t d[4];
        int d0, d1;
    } cases[] = {{2, {3, 5}, 0, 1}, {3, {2, 3, 4}, 0, 2}, {3, {2, 3, 4}, -1, -2},
                 {4, {2, 3, 1, 5}, 1, 3}, {3, {2, 3, 4}, 1, 1}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        tt_tensor *a = trand(cases[c].nd, cases[c].d, -1, 1), *y = NULL, *back = NULL;
        CHECK_OK(tt_tensor_transpose(&y, a, cases[c].d0, cases[c].d1));
        tt_tensor *dy = trand(y->ndim, y->shape, -1, 1), *da = tpre(a->ndim, a->shape);
        CHECK_OK(tt_tensor_transpose_backward(da, dy, cases[c].d0, cases[c].d1));
        /* <dy, transpose(a)> == <da, a>: transpose's adjoint is itself */
        CHECK_OK(tt_tensor_transpose(&back, dy, cases[c].d0, cases[c].d1));
        int same = back->ndim == a->ndim;
        for (size_t i = 0; same && i < a->size; i++) same = da->data[i] == PRE + back->data[i];
        CHECK(same);
        double l1 = 0, l2 = 0;
        for (size_t i = 0; i < a->size; i++) {
            l1 += (double)dy->data[i] * y->data[i];
            l2 += ((double)da->data[i] - PRE) * a->data[i];
        }
        CHECK_NEAR(l1, l2, 1e-5);
        tt_tensor_free(a), tt_tensor_free(y), tt_tensor_free(back), tt_tensor_free(dy);
        tt_tensor_free(da);
    }
    tt_tensor *dy = trand(2, (const int32_t[]){2, 3}, -1, 1);
    tt_tensor *da = tnew(2, (const int32_t[]){2, 3});
    CHECK_FAILS(tt_tensor_transpose_backward(da, dy, 0, 1), TT_ERR_SHAPE,
                "transpose backward: da has shape [2,3], expected [3,2] (dy [2,3] with dims 0 and 1 swapped)");
    CHECK_FAILS(tt_tensor_transpose_backward(da, dy, 0, 2), TT_ERR_ARG, "out of range");
    CHECK_FAILS(tt_tensor_transpose_backward(dy, dy, 0, 0), TT_ERR_ARG, "same tensor");
    CHECK_OK(tt_tensor_transpose_backward(NULL, dy, 0, 1));
    tt_tensor_free(dy), tt_tensor_free(da);
}

/* ---- reductions -------------------------------------------------------- */

struct red_ctx {
    int op, all, ax;
    int32_t d[3];
    double *a;
};

static void red_fwd(void *vc, double *out) {
    struct red_ctx *c = vc;
    size_t n = (size_t)c->d[0] * c->d[1] * c->d[2];
    if (c->all) {
        double r = c->op == TT_MAX ? -INFINITY : 0;
        for (size_t i = 0; i < n; i++) r = c->op == TT_MAX ? fmax(r, c->a[i]) : r + c->a[i];
        out[0] = c->op == TT_MEAN ? r / n : r;
        return;
    }
    size_t outer = 1, inner = 1, len = (size_t)c->d[c->ax];
    for (int i = 0; i < 3; i++) {
        if (i < c->ax) outer *= (size_t)c->d[i];
        if (i > c->ax) inner *= (size_t)c->d[i];
    }
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            double r = c->op == TT_MAX ? -INFINITY : 0;
            for (size_t i = 0; i < len; i++) {
                double v = c->a[(o * len + i) * inner + in];
                r = c->op == TT_MAX ? fmax(r, v) : r + v;
            }
            out[o * inner + in] = c->op == TT_MEAN ? r / len : r;
        }
}

static void test_reduce(void) {
    struct red_ctx c = {.d = {3, 4, 5}};
    tt_tensor *a = trand(3, c.d, -2, 2);
    c.a = to_double(a);
    double *g = malloc(a->size * sizeof *g);
    for (int op = TT_SUM; op <= TT_MAX; op++)
        for (int all = 0; all <= 1; all++)
            for (int axis = -3; axis < 3; axis++)
                for (int keep = 0; keep <= 1; keep++) {
                    if (all && axis != 0) continue;
                    tt_tensor *y = NULL;
                    CHECK_OK(tt_tensor_reduce(&y, a, op, all, axis, keep));
                    if (!y) continue;
                    tt_tensor *dy = trand(y->ndim, y->shape, -1, 1), *da = tpre(3, c.d);
                    CHECK_OK(tt_tensor_reduce_backward(da, dy, a, op, all, axis, keep));
                    c.op = op, c.all = all, c.ax = axis < 0 ? axis + 3 : axis;
                    double *w = to_double(dy);
                    numgrad(red_fwd, &c, c.a, a->size, w, dy->size, g);
                    check_grad(da, g, op == TT_SUM ? "sum da" : op == TT_MEAN ? "mean da" : "max da");
                    free(w);
                    tt_tensor_free(y), tt_tensor_free(dy), tt_tensor_free(da);
                }
    free(c.a), free(g);

    /* max ties split evenly: [1,3,3,2] -> dy/2 to each 3 */
    tt_tensor *t = tt_test_from(1, 4, 0, 0, 0, (const float[]){1, 3, 3, 2});
    tt_tensor *dy = tt_test_from(0, 0, 0, 0, 0, (const float[]){3});
    tt_tensor *dt = tt_test_from(1, 4, 0, 0, 0, NULL);
    CHECK_OK(tt_tensor_reduce_backward(dt, dy, t, TT_MAX, 1, 0, 0));
    CHECK(dt->data[0] == 0 && dt->data[1] == 1.5f && dt->data[2] == 1.5f && dt->data[3] == 0);
    /* along axis 0 of [[3,1],[3,3],[0,3]] with keepdims: col 0 ties twice, col 1 twice */
    tt_tensor *m = tt_test_from(2, 3, 2, 0, 0, (const float[]){3, 1, 3, 3, 0, 3});
    tt_tensor *dyk = tt_test_from(2, 1, 2, 0, 0, (const float[]){1, 4});
    tt_tensor *dm = tt_test_from(2, 3, 2, 0, 0, NULL);
    CHECK_OK(tt_tensor_reduce_backward(dm, dyk, m, TT_MAX, 0, -2, 1));
    const float wantm[] = {0.5f, 0, 0.5f, 2, 0, 2};
    for (int i = 0; i < 6; i++) CHECK(dm->data[i] == wantm[i]);
    /* a NaN max routes dy to the NaN (PyTorch's max(): [0, 1, 0] for
     * [1, NaN, 2]); two NaNs share it; along an axis, per slice */
    t->data[2] = NAN;
    memset(dt->data, 0, 4 * sizeof(float));
    CHECK_OK(tt_tensor_reduce_backward(dt, dy, t, TT_MAX, 1, 0, 0));
    CHECK(dt->data[0] == 0 && dt->data[1] == 0 && dt->data[2] == 3 && dt->data[3] == 0);
    t->data[0] = NAN;
    memset(dt->data, 0, 4 * sizeof(float));
    CHECK_OK(tt_tensor_reduce_backward(dt, dy, t, TT_MAX, 1, 0, 0));
    CHECK(dt->data[0] == 1.5f && dt->data[1] == 0 && dt->data[2] == 1.5f && dt->data[3] == 0);
    m->data[2] = NAN; /* [[3,1],[NaN,3],[0,3]] along axis 0: col 0 is all the NaN's */
    memset(dm->data, 0, 6 * sizeof(float));
    CHECK_OK(tt_tensor_reduce_backward(dm, dyk, m, TT_MAX, 0, -2, 1));
    const float wantn[] = {0, 0, 1, 2, 0, 2};
    for (int i = 0; i < 6; i++) CHECK(dm->data[i] == wantn[i]);
    m->data[2] = 3;
    t->data[0] = 1, t->data[2] = 3;
    /* mean of 4: dy/4; sum of all with keepdims: dy everywhere */
    memset(dt->data, 0, 4 * sizeof(float));
    CHECK_OK(tt_tensor_reduce_backward(dt, dy, t, TT_MEAN, 1, 0, 0));
    for (int i = 0; i < 4; i++) CHECK(dt->data[i] == 0.75f);

    /* shape errors name both shapes; the forward's own errors repeat */
    CHECK_FAILS(tt_tensor_reduce_backward(dm, dy, m, TT_SUM, 0, 0, 1), TT_ERR_SHAPE,
                "sum backward: dy has shape [], expected [1,2] (the reduction of [3,2])");
    CHECK_FAILS(tt_tensor_reduce_backward(dt, dyk, m, TT_SUM, 0, 0, 1), TT_ERR_SHAPE,
                "sum backward: da has shape [4], expected the input's shape [3,2]");
    CHECK_FAILS(tt_tensor_reduce_backward(dm, dyk, m, TT_SUM, 0, 2, 1), TT_ERR_ARG,
                "axis 2 is out of range for [3,2]");
    CHECK_FAILS(tt_tensor_reduce_backward(m, dyk, m, TT_MAX, 0, 0, 1), TT_ERR_ARG,
                "da is also an input");
    CHECK_FAILS(tt_tensor_reduce_backward(dm, dyk, m, 5, 0, 0, 1), TT_ERR_ARG, "unknown op 5");
    tt_tensor *e = NULL, *de = NULL, *dye = NULL;
    tt_tensor_new(&e, 2, 0, 3, 0, 0);
    tt_tensor_new(&de, 2, 0, 3, 0, 0);
    tt_tensor_new(&dye, 1, 3, 0, 0, 0);
    CHECK_OK(tt_tensor_reduce_backward(de, dye, e, TT_SUM, 0, 0, 0)); /* sum of nothing */
    CHECK_OK(tt_tensor_reduce_backward(de, dye, e, TT_MEAN, 0, 0, 0));
    CHECK_FAILS(tt_tensor_reduce_backward(de, dye, e, TT_MAX, 0, 0, 0), TT_ERR_SHAPE,
                "max backward: cannot reduce [0,3] over an empty axis");
    CHECK_FAILS(tt_tensor_reduce_backward(de, dy, e, TT_MAX, 1, 0, 0), TT_ERR_SHAPE, "empty axis");
    CHECK_OK(tt_tensor_reduce_backward(de, dy, e, TT_MEAN, 1, 0, 0));
    tt_tensor_free(e), tt_tensor_free(de), tt_tensor_free(dye);
    tt_tensor_free(t), tt_tensor_free(dy), tt_tensor_free(dt), tt_tensor_free(m);
    tt_tensor_free(dyk), tt_tensor_free(dm), tt_tensor_free(a);
}

/* ---- activations ------------------------------------------------------- */

struct act_ctx {
    int kind, ax;
    int32_t d[3];
    double *x;
};

static void act_fwd(void *vc, double *out) {
    struct act_ctx *c = vc;
    size_t n = (size_t)c->d[0] * c->d[1] * c->d[2];
    if (c->kind != TT_SOFTMAX) {
        for (size_t i = 0; i < n; i++) {
            double v = c->x[i];
            out[i] = c->kind == TT_RELU ? (v > 0 ? v : 0) : c->kind == TT_SIGMOID ? 1 / (1 + exp(-v))
                   : c->kind == TT_TANH ? tanh(v) : v / (1 + exp(-1.702 * v));
        }
        return;
    }
    size_t outer = 1, inner = 1, len = (size_t)c->d[c->ax];
    for (int i = 0; i < 3; i++) {
        if (i < c->ax) outer *= (size_t)c->d[i];
        if (i > c->ax) inner *= (size_t)c->d[i];
    }
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            double z = 0;
            for (size_t i = 0; i < len; i++) z += exp(c->x[(o * len + i) * inner + in]);
            for (size_t i = 0; i < len; i++)
                out[(o * len + i) * inner + in] = exp(c->x[(o * len + i) * inner + in]) / z;
        }
}

static void test_activations(void) {
    struct act_ctx c = {.d = {3, 4, 5}};
    double *g = malloc(60 * sizeof *g);
    for (int kind = TT_RELU; kind <= TT_SOFTMAX; kind++)
        for (int axis = kind == TT_SOFTMAX ? -3 : 0; axis < (kind == TT_SOFTMAX ? 3 : 1); axis++) {
            tt_tensor *x = trand(3, c.d, -3, 3), *y = NULL;
            for (size_t i = 0; i < x->size; i++) /* keep ReLU's kink out of the differences */
                if (fabs(x->data[i]) < 0.05) x->data[i] = 0.5f;
            CHECK_OK(tt_activation_forward(&y, x, kind, axis));
            tt_tensor *dy = trand(3, c.d, -1, 1), *dx = tpre(3, c.d);
            /* pass only what the kind reads: the other is NULL */
            CHECK_OK(tt_activation_backward(dx, dy, kind == TT_GELU ? x : NULL,
                                            kind == TT_GELU ? NULL : y, kind, axis));
            c.kind = kind, c.ax = axis < 0 ? axis + 3 : axis, c.x = to_double(x);
            double *w = to_double(dy);
            numgrad(act_fwd, &c, c.x, x->size, w, dy->size, g);
            static const char *const names[] = {"relu dx", "sigmoid dx", "tanh dx", "gelu dx",
                                                "softmax dx"};
            check_grad(dx, g, names[kind]);
            /* both x and y given: same result */
            tt_tensor *dx2 = tpre(3, c.d);
            CHECK_OK(tt_activation_backward(dx2, dy, x, y, kind, axis));
            CHECK(memcmp(dx2->data, dx->data, 60 * sizeof(float)) == 0);
            free(c.x), free(w);
            tt_tensor_free(x), tt_tensor_free(y), tt_tensor_free(dy), tt_tensor_free(dx);
            tt_tensor_free(dx2);
        }
    free(g);

    /* ReLU at exactly 0 and the saturated ends: finite, PyTorch's values */
    const float xv[] = {0, -1000, 1000, -0.0f};
    tt_tensor *x = tt_test_from(1, 4, 0, 0, 0, xv), *dy = tt_test_from(1, 4, 0, 0, 0, NULL);
    tt_tensor_fill(dy, 1);
    tt_tensor *dx = tt_test_from(1, 4, 0, 0, 0, NULL), *y = NULL;
    const float want_relu[] = {0, 0, 1, 0}, want_sig[] = {0.25f, 0, 0, 0.25f},
                want_tanh[] = {1, 0, 0, 1}, want_gelu[] = {0.5f, 0, 1, 0.5f};
    const float *wants[] = {want_relu, want_sig, want_tanh, want_gelu};
    for (int kind = TT_RELU; kind <= TT_GELU; kind++) {
        CHECK_OK(tt_activation_forward(&y, x, kind, 0));
        memset(dx->data, 0, 4 * sizeof(float));
        CHECK_OK(tt_activation_backward(dx, dy, x, y, kind, 0));
        for (int i = 0; i < 4; i++) CHECK(dx->data[i] == wants[kind][i]);
        tt_tensor_free(y);
    }
    /* softmax of a scalar is 1: no gradient */
    tt_tensor *s = tt_test_from(0, 0, 0, 0, 0, (const float[]){2}), *ds = NULL;
    tt_tensor *sy = NULL, *sdy = tt_test_from(0, 0, 0, 0, 0, (const float[]){5});
    tt_tensor_new(&ds, 0, 0, 0, 0, 0);
    CHECK_OK(tt_activation_forward(&sy, s, TT_SOFTMAX, -1));
    CHECK_OK(tt_activation_backward(ds, sdy, NULL, sy, TT_SOFTMAX, -1));
    CHECK(ds->data[0] == 0);
    CHECK_FAILS(tt_activation_backward(ds, sdy, NULL, sy, TT_SOFTMAX, 1), TT_ERR_ARG, "scalar");

    tt_tensor *bad = tt_test_from(1, 3, 0, 0, 0, NULL);
    CHECK_OK(tt_activation_forward(&y, x, TT_SOFTMAX, 0));
    CHECK_FAILS(tt_activation_backward(dx, dy, x, bad, TT_RELU, 0), TT_ERR_SHAPE,
                "relu backward: y has shape [3] but dy has shape [4]");
    CHECK_FAILS(tt_activation_backward(bad, dy, x, y, TT_TANH, 0), TT_ERR_SHAPE,
                "tanh backward: dx has shape [3] but dy has shape [4]");
    CHECK_FAILS(tt_activation_backward(dx, dy, x, NULL, TT_SIGMOID, 0), TT_ERR_STATE,
                "output y is NULL");
    CHECK_FAILS(tt_activation_backward(dx, dy, NULL, y, TT_GELU, 0), TT_ERR_STATE,
                "input x is NULL");
    CHECK_FAILS(tt_activation_backward(y, dy, x, y, TT_SOFTMAX, 0), TT_ERR_ARG, "dx is also an input");
    CHECK_FAILS(tt_activation_backward(dx, dy, x, y, TT_SOFTMAX, 1), TT_ERR_ARG,
                "dim 1 is out of range for [4]");
    CHECK_FAILS(tt_activation_backward(dx, dy, x, y, 8, 0), TT_ERR_ARG, "unknown kind 8");
    tt_tensor stale = *dy; /* a copy of a live header, marked the way free marks it */
    stale.magic = 0;
    CHECK_FAILS(tt_activation_backward(dx, &stale, x, y, TT_RELU, 0), TT_ERR_STATE, "not a live tensor");
    CHECK_OK(tt_activation_backward(NULL, dy, x, y, TT_SOFTMAX, 0));
    tt_tensor_free(bad), tt_tensor_free(s), tt_tensor_free(ds), tt_tensor_free(sy);
    tt_tensor_free(sdy), tt_tensor_free(x), tt_tensor_free(dy), tt_tensor_free(dx);
    tt_tensor_free(y);
}

int main(void) {
    int base = tt_mem_tensors();
    test_binary();
    test_binary_scalar();
    test_accumulate_transpose();
    test_reduce();
    test_activations();
    CHECK(tt_mem_tensors() == base);
    if (grad_mismatches) fprintf(stderr, "%d gradient checks failed\n", grad_mismatches);
    TT_TEST_MAIN_END();
}
