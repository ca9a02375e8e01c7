/* Linear: y = xW + b on hand-computed values, init statistics for every
 * initialiser, batched and empty inputs, and shape errors. */
#include "tt_test.h"

static void stats(const tt_tensor *t, double *mean, double *std) {
    double s = 0, s2 = 0;
    for (size_t i = 0; i < t->size; i++) {
        s += t->data[i];
        s2 += (double)t->data[i] * t->data[i];
    }
    *mean = s / t->size;
    *std = sqrt(s2 / t->size - *mean * *mean);
}

int main(void) {
    /* The lesson's hand example: x=[[1,2,3],[4,5,6]], W=[[.1,.2],[.3,.4],[.5,.6]],
     * b=[.1,.2] -> [[2.3,3.0],[5.0,6.6]] */
    tt_tensor *x = tt_test_from(2, 2, 3, 0, 0, (const float[]){1, 2, 3, 4, 5, 6});
    tt_tensor *w = tt_test_from(2, 3, 2, 0, 0, (const float[]){.1f, .2f, .3f, .4f, .5f, .6f});
    tt_tensor *b = tt_test_from(1, 2, 0, 0, 0, (const float[]){.1f, .2f});
    tt_tensor *y = NULL;
    CHECK_OK(tt_linear_forward(&y, x, w, b, 0));
    const float want[] = {2.3f, 3.0f, 5.0f, 6.6f};
    for (int i = 0; i < 4; i++) CHECK_NEAR(y->data[i], want[i], 1e-6);
    tt_tensor_free(y);
    /* no bias; fused ReLU on a negated weight */
    CHECK_OK(tt_linear_forward(&y, x, w, NULL, 0));
    CHECK_NEAR(y->data[0], 2.2, 1e-6);
    tt_tensor_free(y);
    tt_tensor *wn = NULL;
    CHECK_OK(tt_tensor_binary_scalar(&wn, w, -1.0f, TT_MUL, 0));
    CHECK_OK(tt_linear_forward(&y, x, wn, b, 1));
    for (int i = 0; i < 4; i++) CHECK(y->data[i] == 0.0f);
    tt_tensor_free(y);

    /* 1-D input [3] -> [2]; [B,T,in]; empty batch [0,3] -> [0,2] */
    tt_tensor *x1 = tt_test_from(1, 3, 0, 0, 0, (const float[]){1, 2, 3});
    CHECK_OK(tt_linear_forward(&y, x1, w, b, 0));
    CHECK(y->ndim == 1 && y->shape[0] == 2);
    CHECK_NEAR(y->data[1], 3.0, 1e-6);
    tt_tensor_free(y);
    tt_tensor *x3 = tt_test_from(3, 2, 1, 3, 0, (const float[]){1, 2, 3, 4, 5, 6});
    CHECK_OK(tt_linear_forward(&y, x3, w, b, 0));
    CHECK(y->ndim == 3 && y->shape[0] == 2 && y->shape[1] == 1 && y->shape[2] == 2);
    CHECK_NEAR(y->data[3], 6.6, 1e-6);
    tt_tensor_free(y);
    tt_tensor *x0 = tt_test_from(2, 0, 3, 0, 0, NULL);
    CHECK_OK(tt_linear_forward(&y, x0, w, b, 0));
    CHECK(y->ndim == 2 && y->shape[0] == 0 && y->shape[1] == 2 && y->size == 0);
    tt_tensor_free(y);
    CHECK_FAILS(tt_linear_forward(&y, w, w, b, 0), TT_ERR_SHAPE,
                "linear: input [3,2] @ weight [3,2]: last input dimension must be in_features = 3");
    CHECK_FAILS(tt_linear_forward(&y, x, w, x1, 0), TT_ERR_SHAPE, "bias [3] does not match");

    /* initialisers on [784, 256]: std sqrt(1/784), Glorot bound, He, N(0,1) */
    tt_tensor *W = NULL, *B = NULL;
    CHECK_OK(tt_tensor_new(&W, 2, 784, 256, 0, 0));
    CHECK_OK(tt_tensor_new(&B, 1, 256, 0, 0, 0));
    tt_tensor_fill(B, 7.0f);
    tt_manual_seed(42, 0);
    double mean, std;
    CHECK_OK(tt_linear_init(W, B, TT_INIT_LESSON, NULL));
    stats(W, &mean, &std);
    CHECK_NEAR(mean, 0.0, 0.001);
    CHECK_NEAR(std, sqrt(1.0 / 784), 0.0005);
    for (int i = 0; i < 256; i++) CHECK(B->data[i] == 0.0f);
    CHECK_OK(tt_linear_init(W, NULL, TT_INIT_HE_NORMAL, NULL));
    stats(W, &mean, &std);
    CHECK_NEAR(std, sqrt(2.0 / 784), 0.0007);
    CHECK_OK(tt_linear_init(W, NULL, TT_INIT_NAIVE_NORMAL, NULL));
    stats(W, &mean, &std);
    CHECK_NEAR(std, 1.0, 0.01);
    CHECK_OK(tt_linear_init(W, NULL, TT_INIT_XAVIER_UNIFORM, NULL));
    double bound = sqrt(6.0 / (784 + 256)), mx = 0;
    for (size_t i = 0; i < W->size; i++) mx = fabs(W->data[i]) > mx ? fabs(W->data[i]) : mx;
    stats(W, &mean, &std);
    CHECK(mx <= bound && mx > 0.99 * bound);
    CHECK_NEAR(std, bound / sqrt(3.0), 0.0005); /* std of U(-a,a) is a/sqrt(3) */
    CHECK_FAILS(tt_linear_init(W, x1, TT_INIT_LESSON, NULL), TT_ERR_SHAPE, "bias [3] must be [256]");
    CHECK_FAILS(tt_linear_init(W, B, 17, NULL), TT_ERR_ARG, "unknown init 17");

    tt_tensor_free(x), tt_tensor_free(w), tt_tensor_free(b), tt_tensor_free(wn);
    tt_tensor_free(x1), tt_tensor_free(x3), tt_tensor_free(x0), tt_tensor_free(W);
    tt_tensor_free(B);
    CHECK(tt_mem_tensors() == 0);
    TT_TEST_MAIN_END();
}
