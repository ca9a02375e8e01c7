/* tt_digest — runs a fixed seeded scenario of the lesson (init, forward,
 * masks, every activation) and prints an FNV-1a hash of every tensor's
 * bytes. tests/js/identity.test.js runs the same scenario through the JS
 * API in wasm and requires the same hashes: same seed, same bits. */
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
    return tt_mem_tensors() == 0 ? 0 : 1;
}
