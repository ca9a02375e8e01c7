/* Inverted dropout: survivors scaled by exactly 1/(1-p), dropped exactly 0,
 * the mask matches, eval is the identity, the boundaries, bad p. */
#include "tt_test.h"

int main(void) {
    tt_tensor *x = NULL, *mask = NULL, *y = NULL;
    CHECK_OK(tt_tensor_new(&x, 2, 100, 100, 0, 0));
    CHECK_OK(tt_tensor_new(&mask, 2, 100, 100, 0, 0));
    tt_tensor_fill(x, 1.0f);
    tt_manual_seed(42, 0);
    CHECK_OK(tt_dropout_forward(&y, mask, x, 0.5, 1));
    int kept = 0, consistent = 1;
    for (size_t i = 0; i < y->size; i++) {
        if (y->data[i] == 2.0f) kept++;
        else CHECK(y->data[i] == 0.0f);
        consistent &= (y->data[i] != 0.0f) == (mask->data[i] == 1.0f);
        consistent &= mask->data[i] == 0.0f || mask->data[i] == 1.0f;
    }
    CHECK(consistent);
    /* 10,000 Bernoulli(0.5) draws: sd 50, allow 5 sd */
    CHECK(kept > 5000 - 250 && kept < 5000 + 250);
    tt_tensor_free(y);

    /* p = 0.3: survivors are exactly x * (float)(1/0.7) */
    CHECK_OK(tt_dropout_forward(&y, mask, x, 0.3, 1));
    kept = 0;
    for (size_t i = 0; i < y->size; i++)
        if (y->data[i] != 0.0f) {
            kept++;
            CHECK(y->data[i] == (float)(1.0 / 0.7));
        }
    CHECK(kept > 7000 - 230 && kept < 7000 + 230); /* sd ~45.8 */
    tt_tensor_free(y);

    /* eval: identity for every p, and the mask is left alone */
    float m0 = mask->data[0];
    for (int i = 0; i <= 10; i++) {
        CHECK_OK(tt_dropout_forward(&y, mask, x, i / 10.0, 0));
        CHECK(memcmp(y->data, x->data, x->size * sizeof(float)) == 0);
        tt_tensor_free(y);
    }
    CHECK(mask->data[0] == m0);

    /* p = 0: identity; p = 1: all zero, no NaN even for inf inputs */
    x->data[3] = 1.0f / 0.0f;
    CHECK_OK(tt_dropout_forward(&y, mask, x, 0.0, 1));
    CHECK(memcmp(y->data, x->data, x->size * sizeof(float)) == 0);
    tt_tensor_free(y);
    CHECK_OK(tt_dropout_forward(&y, mask, x, 1.0, 1));
    for (size_t i = 0; i < y->size; i++) CHECK(y->data[i] == 0.0f && mask->data[i] == 0.0f);
    tt_tensor_free(y);

    /* the interleaved-lane generator inside dropout draws exactly the plain
     * PCG32 sequence: same keep decisions, same generator state after, for
     * sizes around the lane count */
    for (int n = 1; n <= 70; n += 3) {
        tt_tensor *xs = NULL, *ms = NULL, *ys = NULL;
        CHECK_OK(tt_tensor_new(&xs, 1, n, 0, 0, 0));
        CHECK_OK(tt_tensor_new(&ms, 1, n, 0, 0, 0));
        tt_tensor_fill(xs, 3.0f);
        tt_manual_seed(1234, 0);
        int agree = 1;
        uint32_t thr = (uint32_t)(0.6 * 16777216.0) + 1; /* ceil(0.6 * 2^24) for p = 0.4 */
        float want[70];
        for (int i = 0; i < n; i++) want[i] = (tt_rng_u32() >> 8) < thr ? 1.0f : 0.0f;
        uint32_t next = tt_rng_u32();
        tt_manual_seed(1234, 0);
        CHECK_OK(tt_dropout_forward(&ys, ms, xs, 0.4, 1));
        for (int i = 0; i < n; i++) agree &= ms->data[i] == want[i];
        CHECK(agree);
        CHECK(tt_rng_u32() == next);
        tt_tensor_free(xs), tt_tensor_free(ms), tt_tensor_free(ys);
    }

    /* bad p and a mask of the wrong size */
    CHECK_FAILS(tt_dropout_forward(&y, mask, x, 1.1, 1), TT_ERR_ARG, "p = 1.1");
    CHECK_FAILS(tt_dropout_forward(&y, mask, x, -0.1, 0), TT_ERR_ARG, "p = -0.1");
    CHECK_FAILS(tt_dropout_forward(&y, mask, x, 0.0 / 0.0, 1), TT_ERR_ARG, "probability");
    tt_tensor *small = NULL;
    CHECK_OK(tt_tensor_new(&small, 1, 3, 0, 0, 0));
    CHECK_FAILS(tt_dropout_forward(&y, small, x, 0.5, 1), TT_ERR_SHAPE, "mask [3]");
    CHECK_FAILS(tt_dropout_forward(&y, x, x, 0.5, 1), TT_ERR_ARG, "cannot be the input"); /* found by fuzz_api */
    CHECK(y == NULL);
    tt_tensor_free(small), tt_tensor_free(x), tt_tensor_free(mask);
    CHECK(tt_mem_tensors() == 0);
    TT_TEST_MAIN_END();
}
