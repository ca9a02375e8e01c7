/* SGD and Adam: a few steps against hand-computed values, against the
 * update rules written out in double (tolerance 1e-6 relative: a wrong
 * sign, a missing bias correction or a swapped dampening is far outside),
 * bit for bit against the same rules in float in PyTorch's operation
 * order, and the argument checks. */
#include "tt_test.h"

#define N 5
#define STEPS 4

/* Fixed gradients per step, both signs, one exact zero. */
static float grad_at(int step, int i) {
    static const float g[STEPS][N] = {{0.5f, -1.25f, 0.0f, 3.0f, -0.01f},
                                      {0.25f, -1.0f, 0.125f, 2.0f, 0.02f},
                                      {-0.5f, 0.75f, -0.25f, 1.0f, 0.0f},
                                      {0.1f, 0.5f, 0.375f, -2.0f, -0.03f}};
    return g[step][i];
}

static const float p0[N] = {1.0f, -2.0f, 0.5f, 0.0f, 10.0f};

struct sgd_cfg {
    double lr, momentum, dampening, wd;
    int nesterov;
};

static void test_sgd_case(struct sgd_cfg c) {
    tt_tensor *p = tt_test_from(1, N, 0, 0, 0, p0), *g = tt_test_from(1, N, 0, 0, 0, NULL);
    tt_tensor *buf = tt_test_from(1, N, 0, 0, 0, NULL);
    double pd[N], bd[N];
    float pf[N], bf[N];
    for (int i = 0; i < N; i++) pd[i] = pf[i] = p0[i], bd[i] = bf[i] = 0;
    for (int s = 0; s < STEPS; s++) {
        for (int i = 0; i < N; i++) g->data[i] = grad_at(s, i);
        CHECK_OK(tt_sgd_step(p, g, c.momentum != 0 ? buf : NULL, c.lr, c.momentum, c.dampening,
                             c.wd, c.nesterov, s == 0));
        for (int i = 0; i < N; i++) {
            /* the rules in double */
            double gd = grad_at(s, i) + c.wd * pd[i];
            if (c.momentum != 0) {
                bd[i] = s == 0 ? gd : c.momentum * bd[i] + (1 - c.dampening) * gd;
                gd = c.nesterov ? gd + c.momentum * bd[i] : bd[i];
            }
            pd[i] -= c.lr * gd;
            /* the rules in float, PyTorch's order: x.add_(y, alpha=a) is x + a*y */
            float gf = grad_at(s, i);
            if (c.wd != 0) gf = gf + (float)c.wd * pf[i];
            if (c.momentum != 0) {
                bf[i] = s == 0 ? gf : bf[i] * (float)c.momentum + (float)(1 - c.dampening) * gf;
                gf = c.nesterov ? gf + (float)c.momentum * bf[i] : bf[i];
            }
            pf[i] = pf[i] + (float)-c.lr * gf;
            CHECK_NEAR(p->data[i], pd[i], 1e-6 * fabs(pd[i]) + 1e-7);
            CHECK(p->data[i] == pf[i]);
            if (c.momentum != 0) CHECK(buf->data[i] == bf[i]);
        }
    }
    tt_tensor_free(p), tt_tensor_free(g), tt_tensor_free(buf);
}

static void test_sgd(void) {
    test_sgd_case((struct sgd_cfg){0.1, 0, 0, 0, 0});
    test_sgd_case((struct sgd_cfg){0.05, 0.9, 0.1, 0.01, 0});
    test_sgd_case((struct sgd_cfg){0.05, 0.9, 0, 0.001, 1});
    test_sgd_case((struct sgd_cfg){0.2, 0.5, 0.5, 0, 0});

    /* By hand: p = 1, g = 0.5, lr 0.1, momentum 0.9: buf 0.5 then 0.95,
     * p 0.95 then 0.855; plain SGD would give 0.9 after the second step. */
    tt_tensor *p = tt_test_from(0, 0, 0, 0, 0, (const float[]){1});
    tt_tensor *g = tt_test_from(0, 0, 0, 0, 0, (const float[]){0.5f});
    tt_tensor *b = tt_test_from(0, 0, 0, 0, 0, NULL);
    CHECK_OK(tt_sgd_step(p, g, b, 0.1, 0.9, 0, 0, 0, 1));
    CHECK_NEAR(p->data[0], 0.95, 1e-7);
    CHECK(b->data[0] == 0.5f);
    CHECK_OK(tt_sgd_step(p, g, b, 0.1, 0.9, 0, 0, 0, 0));
    CHECK_NEAR(p->data[0], 0.855, 1e-7);
    CHECK_NEAR(b->data[0], 0.95, 1e-7);
    /* weight decay alone: g = 0.5 + 0.1 * 0.855, p -= 0.1 g */
    CHECK_OK(tt_sgd_step(p, g, NULL, 0.1, 0, 0, 0.1, 0, 0));
    CHECK_NEAR(p->data[0], 0.855 - 0.1 * (0.5 + 0.1 * 0.855), 1e-7);

    /* PyTorch's checks; a failed step changes nothing */
    float before = p->data[0], bbefore = b->data[0];
    CHECK_FAILS(tt_sgd_step(p, g, b, -0.1, 0, 0, 0, 0, 0), TT_ERR_ARG,
                "sgd: learning rate -0.1 must be finite and >= 0");
    CHECK_FAILS(tt_sgd_step(p, g, b, NAN, 0, 0, 0, 0, 0), TT_ERR_ARG, "learning rate nan");
    CHECK_FAILS(tt_sgd_step(p, g, b, INFINITY, 0, 0, 0, 0, 0), TT_ERR_ARG, "learning rate inf");
    CHECK_FAILS(tt_sgd_step(p, g, b, 0.1, -0.5, 0, 0, 0, 0), TT_ERR_ARG, "momentum -0.5 must be");
    CHECK_FAILS(tt_sgd_step(p, g, b, 0.1, 0, 0, -1, 0, 0), TT_ERR_ARG, "weight_decay -1 must be");
    CHECK_FAILS(tt_sgd_step(p, g, b, 0.1, 0.9, 0.1, 0, 1, 0), TT_ERR_ARG,
                "nesterov momentum needs momentum > 0 and dampening 0 (got 0.9 and 0.1)");
    CHECK_FAILS(tt_sgd_step(p, g, b, 0.1, 0, 0, 0, 1, 0), TT_ERR_ARG, "nesterov");
    CHECK_FAILS(tt_sgd_step(p, g, NULL, 0.1, 0.9, 0, 0, 0, 0), TT_ERR_STATE,
                "momentum 0.9 needs a momentum_buf");
    CHECK_FAILS(tt_sgd_step(p, g, p, 0.1, 0.9, 0, 0, 0, 0), TT_ERR_ARG, "a tensor of its own");
    CHECK_FAILS(tt_sgd_step(p, p, NULL, 0.1, 0, 0, 0, 0, 0), TT_ERR_ARG, "same tensor");
    tt_tensor *g2 = tt_test_from(1, 2, 0, 0, 0, NULL);
    CHECK_FAILS(tt_sgd_step(p, g2, NULL, 0.1, 0, 0, 0, 0, 0), TT_ERR_SHAPE,
                "sgd: grad has shape [2] but param has shape []");
    CHECK_FAILS(tt_sgd_step(p, g, g2, 0.1, 0.9, 0, 0, 0, 0), TT_ERR_SHAPE,
                "momentum_buf has shape [2] but param has shape []");
    CHECK_FAILS(tt_sgd_step(NULL, g, NULL, 0.1, 0, 0, 0, 0, 0), TT_ERR_STATE, "param is NULL");
    CHECK(p->data[0] == before && b->data[0] == bbefore);
    /* lr 0 is allowed and leaves param alone; momentum 0 ignores a given buffer */
    CHECK_OK(tt_sgd_step(p, g, g2, 0, 0, 0, 0, 0, 0));
    CHECK(p->data[0] == before);
    tt_tensor_free(p), tt_tensor_free(g), tt_tensor_free(b), tt_tensor_free(g2);
}

struct adam_cfg {
    double lr, b1, b2, eps, wd;
};

static void test_adam_case(struct adam_cfg c) {
    tt_tensor *p = tt_test_from(1, N, 0, 0, 0, p0), *g = tt_test_from(1, N, 0, 0, 0, NULL);
    tt_tensor *m = tt_test_from(1, N, 0, 0, 0, NULL), *v = tt_test_from(1, N, 0, 0, 0, NULL);
    double pd[N], md[N] = {0}, vd[N] = {0};
    float pf[N], mf[N] = {0}, vf[N] = {0};
    for (int i = 0; i < N; i++) pd[i] = pf[i] = p0[i];
    for (int s = 0; s < STEPS; s++) {
        int step = s + 1;
        for (int i = 0; i < N; i++) g->data[i] = grad_at(s, i);
        CHECK_OK(tt_adam_step(p, g, m, v, step, c.lr, c.b1, c.b2, c.eps, c.wd));
        double bc1 = 1 - pow(c.b1, step), bc2 = 1 - pow(c.b2, step);
        for (int i = 0; i < N; i++) {
            double gd = grad_at(s, i) + c.wd * pd[i];
            md[i] = c.b1 * md[i] + (1 - c.b1) * gd;
            vd[i] = c.b2 * vd[i] + (1 - c.b2) * gd * gd;
            pd[i] -= c.lr * (md[i] / bc1) / (sqrt(vd[i] / bc2) + c.eps);
            float gf = grad_at(s, i);
            if (c.wd != 0) gf = gf + (float)c.wd * pf[i];
            mf[i] = mf[i] * (float)c.b1 + (float)(1 - c.b1) * gf;
            vf[i] = vf[i] * (float)c.b2 + (float)(1 - c.b2) * gf * gf;
            float denom = sqrtf(vf[i]) / (float)sqrt(bc2) + (float)c.eps;
            pf[i] = pf[i] + (float)-(c.lr / bc1) * mf[i] / denom;
            CHECK_NEAR(p->data[i], pd[i], 1e-6 * fabs(pd[i]) + 1e-7);
            CHECK(p->data[i] == pf[i] && m->data[i] == mf[i] && v->data[i] == vf[i]);
        }
    }
    tt_tensor_free(p), tt_tensor_free(g), tt_tensor_free(m), tt_tensor_free(v);
}

static void test_adam(void) {
    test_adam_case((struct adam_cfg){1e-2, 0.9, 0.999, 1e-8, 0});
    test_adam_case((struct adam_cfg){3e-3, 0.8, 0.99, 1e-6, 0.1});
    test_adam_case((struct adam_cfg){0.1, 0, 0.5, 1e-10, 0}); /* beta1 0: plain RMS scaling */

    /* By hand, step 1: m/bc1 = g, v/bc2 = g^2, so p -= lr * g / (|g| + eps). */
    tt_tensor *p = tt_test_from(1, 2, 0, 0, 0, (const float[]){1, 1});
    tt_tensor *g = tt_test_from(1, 2, 0, 0, 0, (const float[]){0.5f, -4});
    tt_tensor *m = tt_test_from(1, 2, 0, 0, 0, NULL), *v = tt_test_from(1, 2, 0, 0, 0, NULL);
    CHECK_OK(tt_adam_step(p, g, m, v, 1, 0.1, 0.9, 0.999, 1e-8, 0));
    CHECK_NEAR(p->data[0], 1 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-7);
    CHECK_NEAR(p->data[1], 1 + 0.1 * 4 / (4 + 1e-8), 1e-7);
    CHECK_NEAR(m->data[0], 0.05, 1e-8);
    CHECK_NEAR(v->data[1], 0.016, 1e-8);

    float before = p->data[0];
    CHECK_FAILS(tt_adam_step(p, g, m, v, 0, 0.1, 0.9, 0.999, 1e-8, 0), TT_ERR_ARG,
                "adam: step 0 must be >= 1");
    CHECK_FAILS(tt_adam_step(p, g, m, v, 2, -1, 0.9, 0.999, 1e-8, 0), TT_ERR_ARG,
                "adam: learning rate -1 must be finite and >= 0");
    CHECK_FAILS(tt_adam_step(p, g, m, v, 2, 0.1, 1.0, 0.999, 1e-8, 0), TT_ERR_ARG,
                "adam: beta1 1 must be in [0, 1)");
    CHECK_FAILS(tt_adam_step(p, g, m, v, 2, 0.1, 0.9, -0.1, 1e-8, 0), TT_ERR_ARG,
                "adam: beta2 -0.1 must be in [0, 1)");
    CHECK_FAILS(tt_adam_step(p, g, m, v, 2, 0.1, 0.9, NAN, 1e-8, 0), TT_ERR_ARG, "beta2 nan");
    CHECK_FAILS(tt_adam_step(p, g, m, v, 2, 0.1, 0.9, 0.999, -1e-8, 0), TT_ERR_ARG,
                "adam: eps -1e-08 must be");
    CHECK_FAILS(tt_adam_step(p, g, m, v, 2, 0.1, 0.9, 0.999, 1e-8, -0.5), TT_ERR_ARG,
                "weight_decay -0.5");
    CHECK_FAILS(tt_adam_step(p, g, m, m, 2, 0.1, 0.9, 0.999, 1e-8, 0), TT_ERR_ARG,
                "four different tensors");
    CHECK_FAILS(tt_adam_step(p, g, NULL, v, 2, 0.1, 0.9, 0.999, 1e-8, 0), TT_ERR_STATE,
                "adam: exp_avg is NULL");
    tt_tensor *s3 = tt_test_from(1, 3, 0, 0, 0, NULL);
    CHECK_FAILS(tt_adam_step(p, g, m, s3, 2, 0.1, 0.9, 0.999, 1e-8, 0), TT_ERR_SHAPE,
                "adam: exp_avg_sq has shape [3] but param has shape [2]");
    CHECK(p->data[0] == before && m->data[0] == (float)0.05);
    tt_tensor_free(p), tt_tensor_free(g), tt_tensor_free(m), tt_tensor_free(v);
    tt_tensor_free(s3);
}

int main(void) {
    int base = tt_mem_tensors();
    test_sgd();
    test_adam();
    CHECK(tt_mem_tensors() == base);
    TT_TEST_MAIN_END();
}
