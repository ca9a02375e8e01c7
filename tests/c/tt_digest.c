/* tt_digest — runs a fixed seeded scenario of the lesson (init, forward,
 * masks, every activation, then six training steps) and prints an FNV-1a
 * hash of every tensor's bytes. tests/js/identity.test.js runs the same
 * scenario through the JS API in wasm and requires the same hashes: same
 * seed, same bits. */
#include <stdio.h>

#include "tt.h"
#include "tt_fnv.h"

static tt_tensor *mk(int ndim, int d0, int d1) {
    tt_tensor *t = NULL;
    if (tt_tensor_new(&t, ndim, d0, d1, 0, 0) != TT_OK) {
        fprintf(stderr, "%s\n", tt_last_error());
        return NULL;
    }
    return t;
}

#define EMIT(name, t) printf("%s %08x\n", name, tt_fnv1a(t))
#define RUN(expr)                                              \
    if ((expr) != TT_OK) {                                     \
        fprintf(stderr, "%s failed: %s\n", #expr, tt_last_error()); \
        return 1;                                              \
    }

/* Six training steps of Linear(64,32)+ReLU (fused) -> Dropout(0.5) ->
 * Linear(32,10) -> cross-entropy on x [16,64]: three of SGD (momentum 0.9,
 * weight decay 1e-4), then three of Adam (lr 1e-2), making exactly the
 * core calls the JS autograd makes for net.forward, loss.backward() and
 * opt.step() (tests/shared/scenario.js runTraining). */
static int training(void) {
    tt_manual_seed(7, 0);
    tt_tensor *x = mk(2, 16, 64), *t = mk(1, 16, 0);
    RUN(tt_tensor_randn(x, 0.0f, 1.0f, NULL));
    for (int i = 0; i < 16; i++) t->data[i] = (float)(i % 10);
    tt_tensor *w1 = mk(2, 64, 32), *b1 = mk(1, 32, 0), *w2 = mk(2, 32, 10), *b2 = mk(1, 10, 0);
    RUN(tt_linear_init(w1, b1, TT_INIT_LESSON, NULL));
    RUN(tt_linear_init(w2, b2, TT_INIT_LESSON, NULL));
    tt_tensor *params[4] = {w1, b1, w2, b2}, *buf[4], *m[4], *v[4];
    for (int i = 0; i < 4; i++) {
        buf[i] = mk(params[i]->ndim, params[i]->shape[0], params[i]->shape[1]);
        m[i] = mk(params[i]->ndim, params[i]->shape[0], params[i]->shape[1]);
        v[i] = mk(params[i]->ndim, params[i]->shape[0], params[i]->shape[1]);
    }
    for (int step = 0; step < 6; step++) {
        tt_tensor *h1, *d1, *logits, *loss, *mask = mk(2, 16, 32);
        RUN(tt_linear_forward(&h1, x, w1, b1, 1));
        RUN(tt_dropout_forward(&d1, mask, h1, 0.5, 1, NULL));
        RUN(tt_linear_forward(&logits, d1, w2, b2, 0));
        RUN(tt_cross_entropy_forward(&loss, logits, t));
        /* backward, in the tape's reverse order, into fresh zero buffers */
        tt_tensor *dloss = mk(0, 0, 0), *dlogits = mk(2, 16, 10), *dd1 = mk(2, 16, 32),
                  *dh1 = mk(2, 16, 32), *g[4];
        for (int i = 0; i < 4; i++) g[i] = mk(params[i]->ndim, params[i]->shape[0], params[i]->shape[1]);
        RUN(tt_tensor_fill(dloss, 1.0f));
        RUN(tt_cross_entropy_backward(dlogits, dloss, logits, t));
        RUN(tt_linear_backward(dd1, g[2], g[3], dlogits, d1, w2, NULL, 0));
        RUN(tt_dropout_backward(dh1, dd1, mask, 0.5));
        RUN(tt_linear_backward(NULL, g[0], g[1], dh1, x, w1, h1, 1));
        for (int i = 0; i < 4; i++) {
            if (step < 3) {
                RUN(tt_sgd_step(params[i], g[i], buf[i], 0.1, 0.9, 0.0, 1e-4, 0, step == 0));
            } else {
                RUN(tt_adam_step(params[i], g[i], m[i], v[i], step - 2, 1e-2, 0.9, 0.999, 1e-8, 0.0));
            }
        }
        char name[32];
        snprintf(name, sizeof name, "train%d.loss", step);
        EMIT(name, loss);
        tt_tensor *tmp[] = {h1, d1, logits, loss, mask, dloss, dlogits, dd1, dh1, g[0], g[1], g[2], g[3]};
        for (size_t i = 0; i < sizeof tmp / sizeof *tmp; i++) tt_tensor_free(tmp[i]);
    }
    EMIT("train.w1", w1), EMIT("train.b1", b1), EMIT("train.w2", w2), EMIT("train.b2", b2);
    tt_tensor_free(x), tt_tensor_free(t);
    for (int i = 0; i < 4; i++) tt_tensor_free(params[i]), tt_tensor_free(buf[i]), tt_tensor_free(m[i]), tt_tensor_free(v[i]);
    return 0;
}

int main(void) {
    tt_manual_seed(42, 0);
    tt_tensor *x = mk(2, 32, 784);
    RUN(tt_tensor_randn(x, 0.0f, 1.0f, NULL));
    tt_tensor *w1 = mk(2, 784, 256), *b1 = mk(1, 256, 0);
    tt_tensor *w2 = mk(2, 256, 128), *b2 = mk(1, 128, 0);
    tt_tensor *w3 = mk(2, 128, 10), *b3 = mk(1, 10, 0);
    tt_tensor *w4 = mk(2, 10, 10);
    RUN(tt_linear_init(w1, b1, TT_INIT_LESSON, NULL));
    RUN(tt_linear_init(w2, b2, TT_INIT_HE_NORMAL, NULL));
    RUN(tt_linear_init(w3, b3, TT_INIT_XAVIER_UNIFORM, NULL));
    RUN(tt_linear_init(w4, NULL, TT_INIT_NAIVE_NORMAL, NULL));
    tt_tensor *h1, *a1, *d1, *h2, *a2, *d2, *h3, *s3, *t3, *h4, *p;
    tt_tensor *m1 = mk(2, 32, 256), *m2 = mk(2, 32, 128);
    RUN(tt_linear_forward(&h1, x, w1, b1, 0));
    RUN(tt_activation_forward(&a1, h1, TT_RELU, -1));
    RUN(tt_dropout_forward(&d1, m1, a1, 0.5, 1, NULL));
    RUN(tt_linear_forward(&h2, d1, w2, b2, 0));
    RUN(tt_activation_forward(&a2, h2, TT_GELU, -1));
    RUN(tt_dropout_forward(&d2, m2, a2, 0.3, 1, NULL));
    RUN(tt_linear_forward(&h3, d2, w3, b3, 0));
    RUN(tt_activation_forward(&s3, h3, TT_SIGMOID, -1));
    RUN(tt_activation_forward(&t3, h3, TT_TANH, -1));
    RUN(tt_linear_forward(&h4, t3, w4, NULL, 0));
    RUN(tt_activation_forward(&p, h4, TT_SOFTMAX, -1));
    tt_tensor *u = mk(2, 5, 7);
    RUN(tt_tensor_rand(u, 0.0f, 1.0f, NULL));
    EMIT("x", x), EMIT("w1", w1), EMIT("w2", w2), EMIT("w3", w3), EMIT("w4", w4);
    EMIT("h1", h1), EMIT("a1", a1), EMIT("mask1", m1), EMIT("d1", d1);
    EMIT("h2", h2), EMIT("a2", a2), EMIT("mask2", m2), EMIT("d2", d2);
    EMIT("h3", h3), EMIT("s3", s3), EMIT("t3", t3), EMIT("h4", h4), EMIT("p", p);
    EMIT("u", u);
    tt_tensor *all[] = {x, w1, b1, w2, b2, w3, b3, w4, h1, a1, d1, h2, a2, d2,
                        h3, s3, t3, h4, p, m1, m2, u};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) tt_tensor_free(all[i]);
    if (training() != 0) return 1;
    return tt_mem_tensors() == 0 ? 0 : 1;
}
