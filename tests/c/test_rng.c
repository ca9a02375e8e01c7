/* PCG32 against the reference sequence, the seeding, the normal
 * transform's moments, and explicit generators (state round trip, stale
 * handles, counting). */
#include "tt_test.h"
#include "../../src/tt_internal.h"

int main(void) {
    /* The PCG reference's pcg32-demo: pcg32_srandom(42, 54) then
     * pcg32_random() six times. */
    static const uint32_t ref[6] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                    0x83d2f293, 0xbfa4784b, 0xcbed606e};
    tt_gen_seed_stream(tt_generator_default(), 42, 54);
    for (int i = 0; i < 6; i++) CHECK(tt_rng_u32() == ref[i]);

    /* same seed -> same sequence; another seed, or its high half -> another */
    tt_manual_seed(42, 0);
    uint32_t a[8], b[8];
    for (int i = 0; i < 8; i++) a[i] = tt_rng_u32();
    tt_manual_seed(42, 0);
    for (int i = 0; i < 8; i++) b[i] = tt_rng_u32();
    CHECK(memcmp(a, b, sizeof a) == 0);
    tt_manual_seed(43, 0);
    for (int i = 0; i < 8; i++) b[i] = tt_rng_u32();
    CHECK(memcmp(a, b, sizeof a) != 0);
    tt_manual_seed(42, 1); /* the high half of the seed matters */
    for (int i = 0; i < 8; i++) b[i] = tt_rng_u32();
    CHECK(memcmp(a, b, sizeof a) != 0);

    /* uniform: in [0,1), mean 1/2, on a 2^-24 grid */
    tt_manual_seed(1, 0);
    double s = 0;
    int n = 200000, off_grid = 0;
    for (int i = 0; i < n; i++) {
        float u = tt_rng_uniform();
        CHECK(u >= 0.0f && u < 1.0f);
        if (u * 16777216.0f != (float)(int)(u * 16777216.0f)) off_grid++;
        s += u;
    }
    CHECK(off_grid == 0);
    CHECK_NEAR(s / n, 0.5, 0.005);

    /* normal: mean 0, variance 1, and the tails are there */
    tt_manual_seed(2, 0);
    double m = 0, m2 = 0, m4 = 0;
    int beyond3 = 0;
    for (int i = 0; i < n; i++) {
        double z = tt_rng_normal();
        m += z;
        m2 += z * z;
        m4 += z * z * z * z;
        if (fabs(z) > 3) beyond3++;
    }
    CHECK_NEAR(m / n, 0.0, 0.01);
    CHECK_NEAR(m2 / n, 1.0, 0.02);
    CHECK_NEAR(m4 / n, 3.0, 0.1);                 /* kurtosis of a normal */
    CHECK_NEAR(beyond3 / (double)n, 0.0027, 0.0008); /* P(|z| > 3) */

    /* explicit generators: seeded like the default, independent of it,
     * counted, and their state round-trips exactly (spare normal included) */
    tt_generator *g = NULL, *h = NULL;
    CHECK(tt_mem_generators() == 0);
    CHECK_OK(tt_generator_new(&g, 42, 0));
    CHECK_OK(tt_generator_new(&h, 42, 1));
    CHECK(tt_mem_generators() == 2);
    tt_manual_seed(42, 0);
    int same = 1;
    for (int i = 0; i < 8; i++) same &= tt_gen_u32(g) == a[i];
    CHECK(same);
    CHECK(tt_gen_u32(h) != a[0]);
    CHECK(tt_rng_u32() == a[0]); /* drawing from g left the default alone */
    CHECK_OK(tt_generator_seed(g, 42, 0));
    CHECK(tt_gen_u32(g) == a[0]);
    CHECK_OK(tt_generator_seed(NULL, 42, 0)); /* NULL is the default */
    CHECK(tt_rng_u32() == a[0]);
    CHECK(tt_generator_default() != NULL && tt_generator_default() != g);

    uint32_t st[6], st2[6];
    (void)tt_gen_normal(g); /* leaves a spare */
    CHECK_OK(tt_generator_get_state(g, st));
    CHECK(st[2] & 1u);
    CHECK(!(st[4] == 0 && st[5] == 0x7ff80000u)); /* a spare is there */
    double z1 = tt_gen_normal(g), z2 = tt_gen_normal(g), z3 = tt_gen_normal(g);
    CHECK_OK(tt_generator_set_state(h, st));
    CHECK_OK(tt_generator_get_state(h, st2));
    CHECK(memcmp(st, st2, sizeof st) == 0);
    CHECK(tt_gen_normal(h) == z1 && tt_gen_normal(h) == z2 && tt_gen_normal(h) == z3);
    CHECK_OK(tt_generator_get_state(h, st)); /* no spare now: the NaN marker */
    CHECK(st[4] == 0 && st[5] == 0x7ff80000u);
    CHECK_OK(tt_generator_get_state(g, st2));
    CHECK(memcmp(st, st2, sizeof st) == 0);
    /* randn through g equals randn through a default seeded the same */
    tt_tensor *t1 = NULL, *t2 = NULL;
    CHECK_OK(tt_tensor_new(&t1, 1, 101, 0, 0, 0));
    CHECK_OK(tt_tensor_new(&t2, 1, 101, 0, 0, 0));
    CHECK_OK(tt_generator_seed(g, 7, 3));
    tt_manual_seed(7, 3);
    CHECK_OK(tt_tensor_randn(t1, 0.5f, 2.0f, g));
    CHECK_OK(tt_tensor_randn(t2, 0.5f, 2.0f, NULL));
    CHECK(memcmp(t1->data, t2->data, 101 * sizeof(float)) == 0);
    CHECK_OK(tt_tensor_rand(t1, -1.0f, 1.0f, g));
    CHECK_OK(tt_tensor_rand(t2, -1.0f, 1.0f, NULL));
    CHECK(memcmp(t1->data, t2->data, 101 * sizeof(float)) == 0);

    /* bad states leave the generator unchanged */
    CHECK_OK(tt_generator_get_state(g, st));
    memcpy(st2, st, sizeof st);
    st2[2] &= ~1u;
    CHECK_FAILS(tt_generator_set_state(g, st2), TT_ERR_ARG, "must be odd");
    memcpy(st2, st, sizeof st);
    st2[4] = 1, st2[5] = 0x7ff00000u; /* a NaN that is not the marker */
    CHECK_FAILS(tt_generator_set_state(g, st2), TT_ERR_ARG, "finite spare");
    st2[4] = 0, st2[5] = 0x7ff00000u; /* inf */
    CHECK_FAILS(tt_generator_set_state(g, st2), TT_ERR_ARG, "finite spare");
    CHECK_OK(tt_generator_get_state(g, st2));
    CHECK(memcmp(st, st2, sizeof st) == 0);
    CHECK_FAILS(tt_generator_get_state(g, NULL), TT_ERR_STATE, "NULL");
    CHECK_FAILS(tt_generator_new(NULL, 1, 2), TT_ERR_STATE, "NULL");

    /* a stale generator (its magic gone, as after tt_generator_free) is a
     * status for every entry point that takes one */
    tt_generator stale = *g;
    stale.magic = 0;
    CHECK_FAILS(tt_generator_seed(&stale, 1, 1), TT_ERR_STATE, "generator_seed: generator is not a live");
    CHECK_FAILS(tt_generator_get_state(&stale, st), TT_ERR_STATE, "not a live generator");
    CHECK_FAILS(tt_generator_set_state(&stale, st), TT_ERR_STATE, "not a live generator");
    CHECK_FAILS(tt_tensor_randn(t1, 0.0f, 1.0f, &stale), TT_ERR_STATE, "randn: generator");
    CHECK_FAILS(tt_tensor_rand(t1, 0.0f, 1.0f, &stale), TT_ERR_STATE, "rand: generator");
    tt_tensor *w = NULL, *y = NULL;
    CHECK_OK(tt_tensor_new(&w, 2, 3, 4, 0, 0));
    CHECK_FAILS(tt_linear_init(w, NULL, TT_INIT_LESSON, &stale), TT_ERR_STATE, "linear_init: generator");
    CHECK_FAILS(tt_dropout_forward(&y, NULL, w, 0.5, 1, &stale), TT_ERR_STATE, "dropout: generator");
    CHECK(y == NULL);

    tt_generator_free(NULL);
    tt_generator_free(tt_generator_default()); /* ignored */
    CHECK(tt_generator_default()->magic != 0);
    tt_generator_free(g), tt_generator_free(h);
    CHECK(tt_mem_generators() == 0);
    tt_tensor_free(t1), tt_tensor_free(t2), tt_tensor_free(w);
    CHECK(tt_mem_tensors() == 0);
    /* tt_gen_normals (the fills' fast path) gives exactly the draws of
     * tt_gen_normal one by one, spare included: odd counts, a spare left
     * from before, across the fills' chunk size; and a tensor filled by
     * randn (chunked) holds mean + std * (float)z of those draws */
    {
        tt_generator *a = NULL, *b = NULL;
        CHECK_OK(tt_generator_new(&a, 99, 0));
        CHECK_OK(tt_generator_new(&b, 99, 0));
        static double got[TT_NORMAL_CHUNK + 3];
        int same = 1;
        const size_t counts[] = {1, 2, 3, 0, TT_NORMAL_CHUNK + 3, 7, TT_NORMAL_CHUNK};
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            tt_gen_normals(a, got, counts[c]);
            for (size_t i = 0; i < counts[c]; i++) same &= got[i] == tt_gen_normal(b);
        }
        CHECK(same);
        CHECK(tt_gen_normal(a) == tt_gen_normal(b)); /* the spare states agree too */
        tt_tensor *t = NULL;
        CHECK_OK(tt_tensor_new(&t, 1, 2 * TT_NORMAL_CHUNK + 5, 0, 0, 0));
        CHECK_OK(tt_tensor_randn(t, 0.5f, 2.0f, a));
        same = 1;
        for (size_t i = 0; i < t->size; i++) same &= t->data[i] == 0.5f + 2.0f * (float)tt_gen_normal(b);
        CHECK(same);
        tt_tensor_free(t);
        tt_generator_free(a);
        tt_generator_free(b);
    }
    TT_TEST_MAIN_END();
}
