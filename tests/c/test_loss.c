/* Cross-entropy and MSE against hand-computed values (libm in double),
 * their gradients against the closed forms and against central
 * differences, stability at +-1e4, and the errors. */
#include "tt_test.h"

static tt_tensor *scalar(float v) { return tt_test_from(0, 0, 0, 0, 0, &v); }

/* Cross-entropy of one row in double, by the textbook formula. */
static double ce_row(const double *x, int c, int t) {
    double s = 0;
    for (int j = 0; j < c; j++) s += exp(x[j]);
    return log(s) - x[t];
}

static void test_cross_entropy(void) {
    /* [[1,2,3],[1,1,1]], targets [2,0]: (log(e+e^2+e^3) - 3 + log 3) / 2 */
    tt_tensor *lg = tt_test_from(2, 2, 3, 0, 0, (const float[]){1, 2, 3, 1, 1, 1});
    tt_tensor *tg = tt_test_from(1, 2, 0, 0, 0, (const float[]){2, 0});
    tt_tensor *loss = NULL;
    CHECK_OK(tt_cross_entropy_forward(&loss, lg, tg));
    CHECK(loss && loss->ndim == 0 && loss->size == 1);
    double want = (log(exp(1) + exp(2) + exp(3)) - 3 + log(3)) / 2;
    CHECK_NEAR(loss->data[0], want, 1e-7);
    CHECK_NEAR(loss->data[0], 0.753109121, 1e-7); /* the same, written out */
    tt_tensor_free(loss);

    /* dlogits += dloss (softmax - onehot) / M, on top of what it holds */
    tt_tensor *dl = scalar(3.0f), *d = tt_test_from(2, 2, 3, 0, 0, NULL);
    tt_tensor_fill(d, 0.5f);
    CHECK_OK(tt_cross_entropy_backward(d, dl, lg, tg));
    double z0 = exp(1) + exp(2) + exp(3);
    const double wantd[] = {exp(1) / z0, exp(2) / z0, exp(3) / z0 - 1, 1.0 / 3 - 1, 1.0 / 3, 1.0 / 3};
    for (int i = 0; i < 6; i++) CHECK_NEAR(d->data[i] - 0.5, 3.0 * wantd[i] / 2, 1e-6);
    /* each row of the gradient sums to 0 */
    CHECK_NEAR((double)d->data[0] + d->data[1] + d->data[2] - 1.5, 0, 1e-6);
    CHECK_OK(tt_cross_entropy_backward(NULL, dl, lg, tg));
    tt_tensor_free(d);

    /* central differences in double on a [3,5] with every target class */
    const int m = 3, c = 5;
    float xv[15];
    for (int i = 0; i < 15; i++) xv[i] = (float)(((i * 7) % 11) - 5) * 0.37f;
    tt_tensor *x = tt_test_from(2, m, c, 0, 0, xv);
    tt_tensor *t3 = tt_test_from(1, m, 0, 0, 0, (const float[]){4, 0, 2});
    tt_tensor *dx = tt_test_from(2, m, c, 0, 0, NULL), *one = scalar(1.0f);
    CHECK_OK(tt_cross_entropy_backward(dx, one, x, t3));
    double xd[15];
    for (int i = 0; i < 15; i++) xd[i] = xv[i];
    for (int i = 0; i < 15; i++) {
        double h = 1e-5, lp = 0, lm = 0, x0 = xd[i];
        xd[i] = x0 + h;
        for (int r = 0; r < m; r++) lp += ce_row(xd + r * c, c, (int)t3->data[r]) / m;
        xd[i] = x0 - h;
        for (int r = 0; r < m; r++) lm += ce_row(xd + r * c, c, (int)t3->data[r]) / m;
        xd[i] = x0;
        double g = (lp - lm) / (2 * h);
        CHECK(fabs(dx->data[i] - g) <= 1e-4 * fabs(g) + 1e-6);
    }
    CHECK_OK(tt_cross_entropy_forward(&loss, x, t3));
    double lref = 0;
    for (int r = 0; r < m; r++) lref += ce_row(xd + r * c, c, (int)t3->data[r]) / m;
    CHECK_NEAR(loss->data[0], lref, 1e-6 * lref);
    tt_tensor_free(loss);

    /* +-1e4: finite loss 2e4 + log(2)/2, exact one-hot-like gradients */
    tt_tensor *big = tt_test_from(2, 2, 3, 0, 0, (const float[]){1e4f, -1e4f, 0, -1e4f, 1e4f, 1e4f});
    tt_tensor *tb = tt_test_from(1, 2, 0, 0, 0, (const float[]){1, 0});
    CHECK_OK(tt_cross_entropy_forward(&loss, big, tb));
    CHECK(loss->data[0] == (float)(2e4 + log(2) / 2));
    tt_tensor *db = tt_test_from(2, 2, 3, 0, 0, NULL);
    CHECK_OK(tt_cross_entropy_backward(db, one, big, tb));
    const float wantb[] = {0.5f, -0.5f, 0, -0.5f, 0.25f, 0.25f};
    for (int i = 0; i < 6; i++) CHECK(db->data[i] == wantb[i]);
    tt_tensor_free(loss);

    /* one class: the loss is 0 and so is the gradient */
    tt_tensor *c1 = tt_test_from(2, 2, 1, 0, 0, (const float[]){5, -7});
    tt_tensor *t0 = tt_test_from(1, 2, 0, 0, 0, (const float[]){0, 0});
    CHECK_OK(tt_cross_entropy_forward(&loss, c1, t0));
    CHECK(loss->data[0] == 0);
    tt_tensor_free(loss);

    /* targets that are not class indices, shapes that do not fit */
    tt_tensor *l45 = tt_test_from(2, 4, 5, 0, 0, NULL);
    tt_tensor *bad = tt_test_from(1, 4, 0, 0, 0, (const float[]){0, 1, 2, 7});
    CHECK_FAILS(tt_cross_entropy_forward(&loss, l45, bad), TT_ERR_ARG,
                "cross_entropy: target 7 at row 3 is not a class index in [0, 5)");
    CHECK(loss == NULL);
    bad->data[3] = 1.5f;
    CHECK_FAILS(tt_cross_entropy_forward(&loss, l45, bad), TT_ERR_ARG, "target 1.5 at row 3");
    bad->data[3] = 0, bad->data[1] = -1;
    CHECK_FAILS(tt_cross_entropy_forward(&loss, l45, bad), TT_ERR_ARG, "target -1 at row 1");
    bad->data[1] = NAN;
    CHECK_FAILS(tt_cross_entropy_forward(&loss, l45, bad), TT_ERR_ARG, "at row 1 is not a class");
    bad->data[1] = 5;
    tt_tensor *dl45 = tt_test_from(2, 4, 5, 0, 0, NULL);
    CHECK_FAILS(tt_cross_entropy_backward(dl45, one, l45, bad), TT_ERR_ARG,
                "cross_entropy backward: target 5 at row 1 is not a class index in [0, 5)");
    CHECK(dl45->data[0] == 0);
    CHECK_FAILS(tt_cross_entropy_forward(&loss, l45, tg), TT_ERR_SHAPE,
                "cross_entropy: targets [2] must be [4], one class index per row of logits [4,5]");
    tt_tensor *r1 = tt_test_from(1, 5, 0, 0, 0, NULL), *e0 = NULL, *c0 = NULL;
    CHECK_FAILS(tt_cross_entropy_forward(&loss, r1, tg), TT_ERR_SHAPE,
                "logits [5] must be [M, C] with C >= 1 classes");
    tt_tensor_new(&e0, 2, 0, 5, 0, 0);
    tt_tensor_new(&c0, 2, 2, 0, 0, 0);
    CHECK_FAILS(tt_cross_entropy_forward(&loss, e0, tg), TT_ERR_SHAPE, "targets [2] must be [0]");
    CHECK_FAILS(tt_cross_entropy_forward(&loss, c0, tg), TT_ERR_SHAPE, "logits [2,0] must be");
    CHECK_FAILS(tt_cross_entropy_backward(dl45, lg, lg, tg), TT_ERR_SHAPE,
                "dloss has shape [2,3], expected []");
    CHECK_FAILS(tt_cross_entropy_backward(dl45, dl, lg, tg), TT_ERR_SHAPE,
                "dlogits has shape [4,5], expected the logits' shape [2,3]");
    CHECK_FAILS(tt_cross_entropy_backward(lg, dl, lg, tg), TT_ERR_ARG, "dlogits is also an input");
    CHECK_FAILS(tt_cross_entropy_forward(NULL, lg, tg), TT_ERR_STATE, "loss is NULL");
    CHECK_FAILS(tt_cross_entropy_forward(&loss, lg, NULL), TT_ERR_STATE, "targets is NULL");

    tt_tensor_free(lg), tt_tensor_free(tg), tt_tensor_free(dl), tt_tensor_free(x);
    tt_tensor_free(t3), tt_tensor_free(dx), tt_tensor_free(one), tt_tensor_free(big);
    tt_tensor_free(tb), tt_tensor_free(db), tt_tensor_free(c1), tt_tensor_free(t0);
    tt_tensor_free(l45), tt_tensor_free(bad), tt_tensor_free(dl45), tt_tensor_free(r1);
    tt_tensor_free(e0), tt_tensor_free(c0);
}

/* Non-finite logits give PyTorch 1.13's F.cross_entropy answers (loss and
 * gradient), never an abort: before tt_log took NaN, these trapped. */
static void test_cross_entropy_non_finite(void) {
    static const struct {
        float x[2];
        float t;
        float loss; /* NAN: expect NaN */
        float g[2];
    } cases[] = {
        {{NAN, 0}, 1, NAN, {NAN, NAN}},
        {{0, NAN}, 0, NAN, {NAN, NAN}},
        {{INFINITY, 0}, 1, NAN, {NAN, NAN}},
        {{INFINITY, 0}, 0, NAN, {NAN, NAN}},
        {{-INFINITY, -INFINITY}, 1, NAN, {NAN, NAN}},
        {{-INFINITY, 0}, 1, 0, {0, 0}},
        {{-INFINITY, 0}, 0, INFINITY, {-1, 1}},
        {{3e38f, -3e38f}, 1, INFINITY, {1, -1}},
        {{3e38f, 3e38f}, 1, 0.693147182f, {0.5f, -0.5f}},
        {{1e-40f, 0}, 0, 0.693147182f, {-0.5f, 0.5f}},
    };
    tt_tensor *one = scalar(1.0f);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        tt_tensor *x = tt_test_from(2, 1, 2, 0, 0, cases[k].x);
        tt_tensor *t = tt_test_from(1, 1, 0, 0, 0, &cases[k].t), *loss = NULL;
        tt_tensor *d = tt_test_from(2, 1, 2, 0, 0, NULL);
        CHECK_OK(tt_cross_entropy_forward(&loss, x, t));
        CHECK_OK(tt_cross_entropy_backward(d, one, x, t));
        float want = cases[k].loss, got = loss ? loss->data[0] : 0;
        int ok = isnan(want) ? isnan(got) : (got == want || fabsf(got - want) <= 1e-6f);
        for (int j = 0; j < 2; j++) {
            float w = cases[k].g[j], gj = d->data[j];
            ok = ok && (isnan(w) ? isnan(gj) : fabsf(gj - w) <= 1e-6f);
        }
        if (!ok) fprintf(stderr, "case %zu: loss %g grad [%g, %g]\n", k, got, d->data[0], d->data[1]);
        CHECK(ok);
        tt_tensor_free(x), tt_tensor_free(t), tt_tensor_free(loss), tt_tensor_free(d);
    }
    /* an empty batch: NaN (0/0, PyTorch's mean reduction), and an empty gradient */
    tt_tensor *e = NULL, *te = NULL, *de = NULL, *loss = NULL;
    tt_tensor_new(&e, 2, 0, 3, 0, 0), tt_tensor_new(&te, 1, 0, 0, 0, 0), tt_tensor_new(&de, 2, 0, 3, 0, 0);
    CHECK_OK(tt_cross_entropy_forward(&loss, e, te));
    CHECK(loss && loss->ndim == 0 && isnan(loss->data[0]));
    CHECK_OK(tt_cross_entropy_backward(de, one, e, te));
    tt_tensor_free(e), tt_tensor_free(te), tt_tensor_free(de), tt_tensor_free(loss), tt_tensor_free(one);
}

static void test_mse(void) {
    tt_tensor *p = tt_test_from(2, 1, 3, 0, 0, (const float[]){1, 2, 3});
    tt_tensor *t = tt_test_from(2, 1, 3, 0, 0, (const float[]){1, 0, 0});
    tt_tensor *loss = NULL;
    CHECK_OK(tt_mse_forward(&loss, p, t));
    CHECK(loss->ndim == 0 && loss->data[0] == (float)(13.0 / 3)); /* (0 + 4 + 9) / 3 */
    tt_tensor_free(loss);
    /* dloss 1.5: dpred += 1.5 * 2 (p - t) / 3 = [0, 2, 3]; dtarget the negative */
    tt_tensor *dl = scalar(1.5f), *dp = tt_test_from(2, 1, 3, 0, 0, NULL);
    tt_tensor *dt = tt_test_from(2, 1, 3, 0, 0, NULL);
    tt_tensor_fill(dp, 1);
    CHECK_OK(tt_mse_backward(dp, dt, dl, p, t));
    CHECK(dp->data[0] == 1 && dp->data[1] == 3 && dp->data[2] == 4);
    CHECK(dt->data[0] == 0 && dt->data[1] == -2 && dt->data[2] == -3);
    CHECK_OK(tt_mse_backward(NULL, dt, dl, p, t));
    CHECK(dt->data[1] == -4 && dp->data[1] == 3);
    /* one buffer for both (mse(x, x)-style): the two cancel */
    tt_tensor *both = tt_test_from(2, 1, 3, 0, 0, NULL);
    CHECK_OK(tt_mse_backward(both, both, dl, p, t));
    CHECK(both->data[0] == 0 && both->data[1] == 0 && both->data[2] == 0);
    /* empty: NaN loss, nothing to accumulate */
    tt_tensor *e = NULL, *de = NULL;
    tt_tensor_new(&e, 1, 0, 0, 0, 0);
    tt_tensor_new(&de, 1, 0, 0, 0, 0);
    CHECK_OK(tt_mse_forward(&loss, e, e));
    CHECK(loss->data[0] != loss->data[0]);
    tt_tensor_free(loss);
    CHECK_OK(tt_mse_backward(de, NULL, dl, e, e));
    /* errors */
    tt_tensor *t3 = tt_test_from(1, 3, 0, 0, 0, (const float[]){1, 0, 0});
    CHECK_FAILS(tt_mse_forward(&loss, p, t3), TT_ERR_SHAPE,
                "mse: pred [1,3] and target [3] must have the same shape");
    CHECK_FAILS(tt_mse_backward(t3, NULL, dl, p, t), TT_ERR_SHAPE,
                "mse backward: dpred has shape [3], expected pred's shape [1,3]");
    CHECK_FAILS(tt_mse_backward(NULL, (tt_tensor *)t, dl, p, t), TT_ERR_ARG,
                "dtarget is also an input");
    CHECK_FAILS(tt_mse_backward(dp, NULL, p, p, t), TT_ERR_SHAPE, "dloss has shape [1,3], expected []");
    CHECK(dp->data[1] == 3); /* failed calls changed nothing */
    tt_tensor_free(p), tt_tensor_free(t), tt_tensor_free(dl), tt_tensor_free(dp);
    tt_tensor_free(dt), tt_tensor_free(both), tt_tensor_free(e), tt_tensor_free(de);
    tt_tensor_free(t3);
}

/* The backward keeps a row's exponentials from its sum when the row has up
 * to 64 classes and computes them again for a wider one: the same bits.
 * A [1,65] row whose last logit is -inf has the [1,64] row's sum (e^-inf
 * is 0) and must give its 64 gradients exactly, and 0 for the last. */
static void test_cross_entropy_wide_rows(void) {
    float xv[65];
    for (int j = 0; j < 64; j++) xv[j] = (float)(((j * 13) % 29) - 14) * 0.61f;
    xv[64] = -INFINITY;
    const float tv = 37.0f;
    tt_tensor *x64 = tt_test_from(2, 1, 64, 0, 0, xv), *x65 = tt_test_from(2, 1, 65, 0, 0, xv);
    tt_tensor *t = tt_test_from(1, 1, 0, 0, 0, &tv), *dl = scalar(0.7f);
    tt_tensor *d64 = tt_test_from(2, 1, 64, 0, 0, NULL), *d65 = tt_test_from(2, 1, 65, 0, 0, NULL);
    tt_tensor_fill(d64, 0.25f);
    tt_tensor_fill(d65, 0.25f);
    CHECK_OK(tt_cross_entropy_backward(d64, dl, x64, t));
    CHECK_OK(tt_cross_entropy_backward(d65, dl, x65, t));
    CHECK(memcmp(d64->data, d65->data, 64 * sizeof(float)) == 0);
    CHECK(d65->data[64] == 0.25f);
    tt_tensor_free(x64), tt_tensor_free(x65), tt_tensor_free(t), tt_tensor_free(dl);
    tt_tensor_free(d64), tt_tensor_free(d65);
}

int main(void) {
    int base = tt_mem_tensors();
    test_cross_entropy();
    test_cross_entropy_wide_rows();
    test_cross_entropy_non_finite();
    test_mse();
    CHECK(tt_mem_tensors() == base);
    TT_TEST_MAIN_END();
}
