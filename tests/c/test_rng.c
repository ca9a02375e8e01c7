/* PCG32 against the reference sequence, the seeding, and the normal
 * transform's moments. */
#include "tt_test.h"
#include "../../src/tt_internal.h"

int main(void) {
    /* The PCG reference's pcg32-demo: pcg32_srandom(42, 54) then
     * pcg32_random() six times. */
    static const uint32_t ref[6] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                    0x83d2f293, 0xbfa4784b, 0xcbed606e};
    tt_rng_seed_stream(42, 54);
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
    TT_TEST_MAIN_END();
}
