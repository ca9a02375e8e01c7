/* Activation values, stability at the extremes, softmax along an axis. */
#include "tt_test.h"

static tt_tensor *act(const tt_tensor *x, int kind, int axis) {
    tt_tensor *y = NULL;
    CHECK_OK(tt_activation_forward(&y, x, kind, axis));
    return y;
}

int main(void) {
    const float xv[] = {-2, -1, 0, 1, 2};
    tt_tensor *x = tt_test_from(1, 5, 0, 0, 0, xv), *y;
    y = act(x, TT_RELU, 0);
    for (int i = 0; i < 5; i++) CHECK(y->data[i] == (xv[i] > 0 ? xv[i] : 0));
    tt_tensor_free(y);
    y = act(x, TT_SIGMOID, 0);
    for (int i = 0; i < 5; i++) CHECK_NEAR(y->data[i], 1.0 / (1.0 + exp(-xv[i])), 1e-7);
    CHECK(y->data[2] == 0.5f);
    tt_tensor_free(y);
    y = act(x, TT_TANH, 0);
    for (int i = 0; i < 5; i++) CHECK_NEAR(y->data[i], tanh(xv[i]), 1e-7);
    tt_tensor_free(y);
    y = act(x, TT_GELU, 0);
    for (int i = 0; i < 5; i++)
        CHECK_NEAR(y->data[i], xv[i] / (1.0 + exp(-1.702 * xv[i])), 1e-6);
    tt_tensor_free(y);
    tt_tensor_free(x);

    /* +-1000 and friends: no NaN, exact saturation */
    const float ev[] = {-1000, -100, -1e-6f, 1e-6f, 100, 1000};
    x = tt_test_from(1, 6, 0, 0, 0, ev);
    y = act(x, TT_SIGMOID, 0);
    CHECK(y->data[0] == 0.0f && y->data[5] == 1.0f && y->data[4] == 1.0f);
    for (int i = 0; i < 6; i++) CHECK(y->data[i] == y->data[i]);
    tt_tensor_free(y);
    y = act(x, TT_TANH, 0);
    CHECK(y->data[0] == -1.0f && y->data[5] == 1.0f);
    CHECK_NEAR(y->data[3], 1e-6, 1e-13);
    tt_tensor_free(y);
    y = act(x, TT_GELU, 0);
    CHECK(y->data[0] == 0.0f && y->data[5] == 1000.0f);
    tt_tensor_free(y);
    tt_tensor_free(x);

    /* softmax: [1000,1001,1002] is finite and equals softmax([0,1,2]) */
    x = tt_test_from(1, 3, 0, 0, 0, (const float[]){1000, 1001, 1002});
    y = act(x, TT_SOFTMAX, -1);
    double e0 = 1, e1 = exp(1), e2 = exp(2), z = e0 + e1 + e2;
    CHECK_NEAR(y->data[0], e0 / z, 1e-7);
    CHECK_NEAR(y->data[1], e1 / z, 1e-7);
    CHECK_NEAR(y->data[2], e2 / z, 1e-7);
    tt_tensor_free(y);
    tt_tensor_free(x);
    /* along axis 0 of a [2,2]: columns sum to 1 */
    x = tt_test_from(2, 2, 2, 0, 0, (const float[]){0, 5, 1, 5});
    y = act(x, TT_SOFTMAX, 0);
    CHECK_NEAR(y->data[0] + y->data[2], 1.0, 1e-7);
    CHECK_NEAR(y->data[1], 0.5, 1e-7);
    CHECK_NEAR(y->data[2], exp(1) / (1 + exp(1)), 1e-7);
    tt_tensor_free(y);
    CHECK_FAILS(tt_activation_forward(&y, x, TT_SOFTMAX, 2), TT_ERR_ARG, "dim 2 is out of range");
    CHECK_FAILS(tt_activation_forward(&y, x, 9, 0), TT_ERR_ARG, "unknown kind");
    tt_tensor_free(x);
    TT_TEST_MAIN_END();
}
