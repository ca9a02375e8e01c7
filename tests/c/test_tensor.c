/* Tensor lifetime, shapes, fills and the live-memory counter. */
#include "tt_test.h"

int main(void) {
    int base_t = tt_mem_tensors();
    double base_b = tt_mem_bytes();
    tt_tensor *t = NULL;
    CHECK_OK(tt_tensor_new(&t, 2, 3, 4, 0, 0));
    CHECK(t->size == 12 && t->ndim == 2 && t->shape[0] == 3 && t->shape[1] == 4);
    for (size_t i = 0; i < t->size; i++) CHECK(t->data[i] == 0.0f);
    CHECK(tt_mem_tensors() == base_t + 1 && tt_mem_bytes() == base_b + 48);
    CHECK_OK(tt_tensor_fill(t, 2.5f));
    CHECK(t->data[11] == 2.5f);

    tt_tensor *c = NULL;
    CHECK_OK(tt_tensor_copy(&c, t));
    CHECK(c->data[5] == 2.5f && c->data != t->data);
    tt_tensor_free(c);
    tt_tensor_free(t);
    tt_tensor_free(NULL); /* no-op */
    CHECK(tt_mem_tensors() == base_t && tt_mem_bytes() == base_b);

    /* data starts on a cache line whatever the sizes allocated around it
     * (wasm's malloc alone aligns to 8 bytes) */
    tt_tensor *ts[6] = {0};
    for (int i = 0; i < 6; i++) {
        CHECK_OK(tt_tensor_new(&ts[i], 1, 1 + 3 * i, 0, 0, 0));
        CHECK(((uintptr_t)ts[i]->data & 63) == 0);
    }
    for (int i = 0; i < 6; i++) tt_tensor_free(ts[i]);

    /* rank 0 (a scalar) and an empty dimension */
    CHECK_OK(tt_tensor_new(&t, 0, 0, 0, 0, 0));
    CHECK(t->size == 1 && t->ndim == 0);
    tt_tensor_free(t);
    CHECK_OK(tt_tensor_new(&t, 2, 0, 5, 0, 0));
    CHECK(t->size == 0 && t->data != NULL);
    tt_tensor_free(t);

    /* bad sizes are statuses, never aborts, and *out stays NULL */
    t = (tt_tensor *)1;
    CHECK_FAILS(tt_tensor_new(&t, 2, -1, 3, 0, 0), TT_ERR_ARG, "negative");
    CHECK(t == NULL);
    CHECK_FAILS(tt_tensor_new(&t, 5, 1, 1, 1, 1), TT_ERR_ARG, "rank 5");
    /* (2^31-1)^4 elements overflow 64 bits: rejected, not wrapped around;
     * a zero dim makes any shape empty and valid */
    CHECK_FAILS(tt_tensor_new(&t, 4, 2147483647, 2147483647, 2147483647, 2147483647),
                TT_ERR_NOMEM, "more bytes than the");
    CHECK_OK(tt_tensor_new(&t, 4, 2147483647, 2147483647, 2147483647, 0));
    CHECK(t->size == 0);
    tt_tensor_free(t);
    CHECK(tt_mem_tensors() == base_t);
    /* the per-tensor limit: 2^31-1 bytes by default, settable, the same in every build */
    CHECK(tt_max_tensor_bytes() == 2147483647.0);
    CHECK_FAILS(tt_tensor_new(&t, 1, 536870912, 0, 0, 0), TT_ERR_NOMEM, "2147483647 a tensor may have");
    tt_set_max_tensor_bytes(400);
    CHECK_FAILS(tt_tensor_new(&t, 2, 11, 10, 0, 0), TT_ERR_NOMEM, "[11,10] needs more bytes than the 400");
    CHECK_OK(tt_tensor_new(&t, 2, 10, 10, 0, 0));
    tt_tensor_free(t);
    tt_set_max_tensor_bytes(1e300);
    CHECK(tt_max_tensor_bytes() == 2147483647.0);

    /* rand stays in [lo, hi); randn has the requested moments */
    tt_manual_seed(7, 0);
    CHECK_OK(tt_tensor_new(&t, 1, 100000, 0, 0, 0));
    CHECK_OK(tt_tensor_rand(t, -2.0f, 3.0f, NULL));
    double mn = 1e9, mx = -1e9;
    for (size_t i = 0; i < t->size; i++) {
        mn = t->data[i] < mn ? t->data[i] : mn;
        mx = t->data[i] > mx ? t->data[i] : mx;
    }
    CHECK(mn >= -2.0 && mx < 3.0 && mn < -1.99 && mx > 2.99);
    CHECK_OK(tt_tensor_randn(t, 1.0f, 2.0f, NULL));
    double s = 0, s2 = 0;
    for (size_t i = 0; i < t->size; i++) {
        s += t->data[i];
        s2 += (double)t->data[i] * t->data[i];
    }
    double mean = s / t->size, var = s2 / t->size - mean * mean;
    CHECK_NEAR(mean, 1.0, 0.03);
    CHECK_NEAR(sqrt(var), 2.0, 0.03);
    CHECK_FAILS(tt_tensor_randn(t, 0.0f, -1.0f, NULL), TT_ERR_ARG, "std");
    CHECK_FAILS(tt_tensor_rand(t, 1.0f, 0.0f, NULL), TT_ERR_ARG, "bounds");
    tt_tensor_free(t);
    TT_TEST_MAIN_END();
}
