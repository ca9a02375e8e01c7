/* Broadcasting arithmetic, matmul ranks, reshape, transpose, reductions. */
#include "tt_test.h"

static void check_vals(const tt_tensor *t, const float *want, size_t n) {
    CHECK(t != NULL && t->size == n);
    if (!t || t->size != n) return;
    for (size_t i = 0; i < n; i++) CHECK_NEAR(t->data[i], want[i], 1e-6);
}

int main(void) {
    int base = tt_mem_tensors();
    const float av[] = {1, 2, 3, 4, 5, 6};
    tt_tensor *a = tt_test_from(2, 2, 3, 0, 0, av); /* [2,3] */
    tt_tensor *row = tt_test_from(1, 3, 0, 0, 0, (const float[]){10, 20, 30});
    tt_tensor *col = tt_test_from(2, 2, 1, 0, 0, (const float[]){100, 200});
    tt_tensor *y = NULL;

    /* [2,3] + [3] -> [2,3]; [2,3] * [2,1]; [2,1] - [3] -> [2,3] */
    CHECK_OK(tt_tensor_binary(&y, a, row, TT_ADD));
    check_vals(y, (const float[]){11, 22, 33, 14, 25, 36}, 6);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_binary(&y, a, col, TT_MUL));
    check_vals(y, (const float[]){100, 200, 300, 800, 1000, 1200}, 6);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_binary(&y, col, row, TT_SUB));
    CHECK(y->ndim == 2 && y->shape[0] == 2 && y->shape[1] == 3);
    check_vals(y, (const float[]){90, 80, 70, 190, 180, 170}, 6);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_binary_scalar(&y, a, 2.0f, TT_DIV, 1)); /* 2 / a */
    check_vals(y, (const float[]){2, 1, 2.0f / 3, 0.5f, 0.4f, 2.0f / 6}, 6);
    tt_tensor_free(y);
    tt_tensor *bad = tt_test_from(1, 4, 0, 0, 0, NULL);
    CHECK_FAILS(tt_tensor_binary(&y, a, bad, TT_ADD), TT_ERR_SHAPE,
                "add: shapes [2,3] and [4] cannot be broadcast");

    /* matmul: [2,3]@[3,2], [2,3]@[3], [3]@[3], [3]@[3,2], batched */
    const float wv[] = {.1f, .2f, .3f, .4f, .5f, .6f};
    tt_tensor *w = tt_test_from(2, 3, 2, 0, 0, wv);
    CHECK_OK(tt_tensor_matmul(&y, a, w));
    check_vals(y, (const float[]){2.2f, 2.8f, 4.9f, 6.4f}, 4);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_matmul(&y, a, row));
    CHECK(y->ndim == 1 && y->shape[0] == 2);
    check_vals(y, (const float[]){140, 320}, 2);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_matmul(&y, row, row));
    CHECK(y->ndim == 0);
    check_vals(y, (const float[]){1400}, 1);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_matmul(&y, row, w));
    CHECK(y->ndim == 1 && y->shape[0] == 2);
    check_vals(y, (const float[]){22, 28}, 2);
    tt_tensor_free(y);
    tt_tensor *x3 = tt_test_from(3, 2, 2, 3, 0, (const float[]){1, 2, 3, 4, 5, 6, 0, 0, 1, 1, 0, 0});
    CHECK_OK(tt_tensor_matmul(&y, x3, w)); /* [2,2,3]@[3,2] -> [2,2,2] */
    CHECK(y->ndim == 3 && y->shape[2] == 2);
    check_vals(y, (const float[]){2.2f, 2.8f, 4.9f, 6.4f, .5f, .6f, .1f, .2f}, 8);
    tt_tensor_free(y);
    tt_tensor *s12 = tt_test_from(2, 1, 2, 0, 0, NULL), *s31 = tt_test_from(2, 3, 1, 0, 0, NULL);
    CHECK_FAILS(tt_tensor_matmul(&y, s12, s31), TT_ERR_SHAPE,
                "matmul: [1,2] @ [3,1]: inner dimensions must match: 2 \xe2\x89\xa0 3");
    CHECK(y == NULL);

    /* reshape with -1; wrong counts */
    CHECK_OK(tt_tensor_reshape(&y, a, 2, 3, -1, 0, 0));
    CHECK(y->shape[0] == 3 && y->shape[1] == 2);
    check_vals(y, av, 6);
    tt_tensor_free(y);
    CHECK_FAILS(tt_tensor_reshape(&y, a, 2, 4, 2, 0, 0), TT_ERR_ARG, "counts differ");
    CHECK_FAILS(tt_tensor_reshape(&y, a, 2, -1, -1, 0, 0), TT_ERR_ARG, "only one");
    CHECK_FAILS(tt_tensor_reshape(&y, a, 2, 4, -1, 0, 0), TT_ERR_ARG, "cannot infer");

    /* transpose [2,3] -> [3,2]; on a [2,2,3] swap of dims 0 and 2 */
    CHECK_OK(tt_tensor_transpose(&y, a, 0, 1));
    check_vals(y, (const float[]){1, 4, 2, 5, 3, 6}, 6);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_transpose(&y, x3, 0, -1));
    CHECK(y->shape[0] == 3 && y->shape[1] == 2 && y->shape[2] == 2);
    /* y[i][j][k] = x3[k][j][i]: y[0] = [[1,0],[4,1]] */
    check_vals(y, (const float[]){1, 0, 4, 1, 2, 0, 5, 0, 3, 1, 6, 0}, 12);
    tt_tensor_free(y);
    CHECK_FAILS(tt_tensor_transpose(&y, a, 0, 2), TT_ERR_ARG, "out of range");

    /* reductions */
    CHECK_OK(tt_tensor_reduce(&y, a, TT_SUM, 0, 0, 0));
    check_vals(y, (const float[]){5, 7, 9}, 3);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_reduce(&y, a, TT_MEAN, 0, -1, 1));
    CHECK(y->ndim == 2 && y->shape[0] == 2 && y->shape[1] == 1);
    check_vals(y, (const float[]){2, 5}, 2);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_reduce(&y, a, TT_MAX, 1, 0, 0));
    CHECK(y->ndim == 0);
    check_vals(y, (const float[]){6}, 1);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_reduce(&y, a, TT_SUM, 1, 0, 1));
    CHECK(y->ndim == 2 && y->shape[0] == 1 && y->shape[1] == 1);
    check_vals(y, (const float[]){21}, 1);
    tt_tensor_free(y);
    tt_tensor *empty = tt_test_from(2, 0, 3, 0, 0, NULL);
    CHECK_FAILS(tt_tensor_reduce(&y, empty, TT_MAX, 0, 0, 0), TT_ERR_SHAPE, "empty axis");
    CHECK_OK(tt_tensor_reduce(&y, empty, TT_SUM, 0, 0, 0));
    check_vals(y, (const float[]){0, 0, 0}, 3);
    tt_tensor_free(y);
    CHECK_FAILS(tt_tensor_reduce(&y, a, TT_SUM, 0, 2, 0), TT_ERR_ARG, "axis 2 is out of range");

    /* empty tensors with huge other dims return at once (found by fuzz_api:
     * the batch loops of matmul ran 2^62 times over nothing) */
    tt_tensor *e1 = NULL, *e2 = NULL;
    CHECK_OK(tt_tensor_new(&e1, 4, 2147483647, 2147483647, 0, 3));
    CHECK_OK(tt_tensor_new(&e2, 4, 2147483647, 2147483647, 3, 0));
    CHECK_OK(tt_tensor_matmul(&y, e1, e2));
    CHECK(y->size == 0 && y->shape[0] == 2147483647 && y->shape[2] == 0);
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_binary(&y, e1, e1, TT_ADD));
    tt_tensor_free(y);
    CHECK_OK(tt_tensor_transpose(&y, e2, 0, 3));
    tt_tensor_free(y);
    CHECK_OK(tt_activation_forward(&y, e1, TT_SOFTMAX, 1));
    tt_tensor_free(y);
    tt_tensor_free(e1), tt_tensor_free(e2);

    tt_tensor_free(a), tt_tensor_free(row), tt_tensor_free(col), tt_tensor_free(bad);
    tt_tensor_free(w), tt_tensor_free(x3), tt_tensor_free(s12), tt_tensor_free(s31);
    tt_tensor_free(empty);
    CHECK(tt_mem_tensors() == base);
    TT_TEST_MAIN_END();
}
