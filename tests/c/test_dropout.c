/* Inverted dropout: survivors scaled by exactly 1/(1-p), dropped exactly 0,
 * the mask matches, eval is the identity, the boundaries, bad p. */
#include "tt_test.h"
#include "../../src/tt_internal.h"

/* ceil(p * 2^64) from p's integer significand, independently of the
 * core's double arithmetic: p = sig * 2^e exactly (frexp / ldexp). */
static uint64_t drop_count(double p) {
    int e;
    double fr = frexp(p, &e);                       /* p = fr * 2^e, fr in [0.5, 1) */
    uint64_t sig = (uint64_t)ldexp(fr, 53);         /* exact: 53 bits */
    int shift = e - 53 + 64;                        /* p * 2^64 = sig * 2^shift */
    if (shift >= 0) return sig << shift;
    if (shift <= -53) return 1; /* 0 < p 2^64 < 1 */
    return (sig + ((uint64_t)1 << -shift) - 1) >> -shift;
}

/* The 64-bit keep threshold K = 2^64 - ceil(p 2^64): keep probability
 * K / 2^64, exact to 2^-64; the expected output / input is then
 * K / 2^64 * (float)(1/(1-p)) (was ceil((1-p) 2^24) / 2^24 / (1-p): 1.19
 * at p = 1-1e-7 and 64 at p = 1-2^-30). */
static void check_threshold(double p) {
    uint64_t k = tt_dropout_keep_threshold(p), drop = drop_count(p);
    CHECK(k == 0u - drop);                 /* K + ceil(p 2^64) == 2^64 */
    /* so |K/2^64 - (1-p)| = (ceil(p 2^64) - p 2^64) / 2^64 < 2^-64, and 0
     * when p 2^64 is an integer (p >= 2^-12): then drop is p 2^64 itself */
    if (p >= 0x1p-12) CHECK((double)drop == ldexp(p, 64));
    double keep = ldexp((double)(k >> 32), -32) + ldexp((double)(uint32_t)k, -64);
    double ratio = keep * (float)(1.0 / (1.0 - p));
    CHECK_NEAR(ratio, 1.0, 1e-7); /* only the float scale's rounding is left */
}

int main(void) {
    tt_tensor *x = NULL, *mask = NULL, *y = NULL;
    CHECK_OK(tt_tensor_new(&x, 2, 100, 100, 0, 0));
    CHECK_OK(tt_tensor_new(&mask, 2, 100, 100, 0, 0));
    tt_tensor_fill(x, 1.0f);
    tt_manual_seed(42, 0);
    CHECK_OK(tt_dropout_forward(&y, mask, x, 0.5, 1, NULL));
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
    CHECK_OK(tt_dropout_forward(&y, mask, x, 0.3, 1, NULL));
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
        CHECK_OK(tt_dropout_forward(&y, mask, x, i / 10.0, 0, NULL));
        CHECK(memcmp(y->data, x->data, x->size * sizeof(float)) == 0);
        tt_tensor_free(y);
    }
    CHECK(mask->data[0] == m0);

    /* p = 0: identity; p = 1: all zero, no NaN even for inf inputs */
    x->data[3] = 1.0f / 0.0f;
    CHECK_OK(tt_dropout_forward(&y, mask, x, 0.0, 1, NULL));
    CHECK(memcmp(y->data, x->data, x->size * sizeof(float)) == 0);
    tt_tensor_free(y);
    CHECK_OK(tt_dropout_forward(&y, mask, x, 1.0, 1, NULL));
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
        uint64_t thr = tt_dropout_keep_threshold(0.4);
        uint32_t st[6];
        CHECK_OK(tt_generator_get_state(NULL, st));
        uint64_t s = (uint64_t)st[1] << 32 | st[0], inc = (uint64_t)st[3] << 32 | st[2];
        float want[70];
        for (int i = 0; i < n; i++, s = s * TT_PCG_MULT + inc) {
            uint64_t u = (uint64_t)tt_pcg32_output(s) << 32 | tt_dropout_tie_bits(s);
            want[i] = u < thr ? 1.0f : 0.0f;
        }
        CHECK_OK(tt_dropout_forward(&ys, ms, xs, 0.4, 1, NULL));
        for (int i = 0; i < n; i++) agree &= ms->data[i] == want[i];
        CHECK(agree);
        CHECK_OK(tt_generator_get_state(NULL, st));
        CHECK(((uint64_t)st[1] << 32 | st[0]) == s); /* one draw per element */
        tt_tensor_free(xs), tt_tensor_free(ms), tt_tensor_free(ys);
    }

    /* the exact keep probability, from the threshold */
    check_threshold(1.0 - 1e-7);
    check_threshold(1.0 - 0x1p-30);
    check_threshold(0.5);
    check_threshold(0.3);
    check_threshold(0x1p-60); /* p * 2^64 has a fraction only below 2^-12 */
    check_threshold(1e-300);
    CHECK(tt_dropout_keep_threshold(0.5) == (uint64_t)1 << 63);
    CHECK(tt_dropout_keep_threshold(1.0 - 0x1p-30) == (uint64_t)1 << 34); /* keep 2^-30 exactly */

    /* the tie r == K >> 32 (once in 2^32 draws) is decided by the state's
     * second 32 bits: pick states, then a p that puts K's high half on the
     * state's output and its low half at 2^31, and check both outcomes,
     * on the one-by-one path (n = 1) and lane 0 of the 8-lane path (n = 16) */
    int seen[2] = {0, 0};
    for (uint64_t s0 = 0x0123456789abcdefull, t = 0; t < 8; t++, s0 = s0 * 0x9e3779b97f4a7c15ull + 1) {
        uint32_t r0 = tt_pcg32_output(s0);
        if (r0 < 2) continue;
        double pt = (4294967296.0 - r0 - 0.5) * 0x1p-32; /* K = r0 2^32 + 2^31 */
        uint64_t k = tt_dropout_keep_threshold(pt);
        CHECK((uint32_t)(k >> 32) == r0 && (uint32_t)k == 0x80000000u);
        int keep = tt_dropout_tie_bits(s0) < 0x80000000u;
        seen[keep] = 1;
        for (int n = 1; n <= 16; n += 15) {
            tt_tensor *xs = NULL, *ms = NULL, *ys = NULL;
            CHECK_OK(tt_tensor_new(&xs, 1, n, 0, 0, 0));
            CHECK_OK(tt_tensor_new(&ms, 1, n, 0, 0, 0));
            tt_generator *g = NULL;
            CHECK_OK(tt_generator_new(&g, 0, 0));
            uint32_t st[6];
            CHECK_OK(tt_generator_get_state(g, st));
            st[0] = (uint32_t)s0, st[1] = (uint32_t)(s0 >> 32);
            CHECK_OK(tt_generator_set_state(g, st));
            CHECK_OK(tt_dropout_forward(&ys, ms, xs, pt, 1, g));
            CHECK(ms->data[0] == (keep ? 1.0f : 0.0f));
            tt_generator_free(g);
            tt_tensor_free(xs), tt_tensor_free(ms), tt_tensor_free(ys);
        }
    }
    CHECK(seen[0] && seen[1]);

    /* an explicit generator: the same seed gives the default's mask, and
     * leaves the default generator alone */
    {
        tt_tensor *m1 = NULL, *m2 = NULL, *y1 = NULL, *y2 = NULL;
        CHECK_OK(tt_tensor_new(&m1, 1, 1000, 0, 0, 0));
        CHECK_OK(tt_tensor_new(&m2, 1, 1000, 0, 0, 0));
        tt_tensor *xs = NULL;
        CHECK_OK(tt_tensor_new(&xs, 1, 1000, 0, 0, 0));
        tt_generator *g = NULL;
        CHECK_OK(tt_generator_new(&g, 99, 0));
        tt_manual_seed(99, 0);
        uint32_t before[6], after[6];
        CHECK_OK(tt_generator_get_state(NULL, before));
        CHECK_OK(tt_dropout_forward(&y1, m1, xs, 0.3, 1, g));
        CHECK_OK(tt_generator_get_state(NULL, after));
        CHECK(memcmp(before, after, sizeof before) == 0);
        CHECK_OK(tt_dropout_forward(&y2, m2, xs, 0.3, 1, NULL));
        CHECK(memcmp(m1->data, m2->data, 1000 * sizeof(float)) == 0);
        tt_generator_free(g);
        tt_tensor_free(m1), tt_tensor_free(m2), tt_tensor_free(y1), tt_tensor_free(y2);
        tt_tensor_free(xs);
    }
    CHECK(tt_mem_generators() == 0);

    /* bad p and a mask of the wrong size */
    CHECK_FAILS(tt_dropout_forward(&y, mask, x, 1.1, 1, NULL), TT_ERR_ARG, "p = 1.1");
    CHECK_FAILS(tt_dropout_forward(&y, mask, x, -0.1, 0, NULL), TT_ERR_ARG, "p = -0.1");
    CHECK_FAILS(tt_dropout_forward(&y, mask, x, 0.0 / 0.0, 1, NULL), TT_ERR_ARG, "probability");
    tt_tensor *small = NULL;
    CHECK_OK(tt_tensor_new(&small, 1, 3, 0, 0, 0));
    CHECK_FAILS(tt_dropout_forward(&y, small, x, 0.5, 1, NULL), TT_ERR_SHAPE, "mask [3]");
    CHECK_FAILS(tt_dropout_forward(&y, x, x, 0.5, 1, NULL), TT_ERR_ARG, "cannot be the input"); /* found by fuzz_api */
    CHECK(y == NULL);
    tt_tensor_free(small), tt_tensor_free(x), tt_tensor_free(mask);
    CHECK(tt_mem_tensors() == 0);
    TT_TEST_MAIN_END();
}
