/* Statistics and histograms, including non-finite values and empty tensors. */
#include "tt_test.h"

int main(void) {
    const float v[] = {0, 0, 1, 2, 3, 4, 1.0f / 0.0f, 0.0f / 0.0f};
    tt_tensor *t = tt_test_from(1, 8, 0, 0, 0, v);
    double s[7];
    CHECK_OK(tt_tensor_stats(t, s));
    CHECK(s[0] == 8 && s[5] == 2 && s[6] == 2);
    CHECK_NEAR(s[1], 10.0 / 6, 1e-12);
    double var = (2 * (10.0 / 6) * (10.0 / 6) + (1 - 10.0 / 6) * (1 - 10.0 / 6) + (2 - 10.0 / 6) * (2 - 10.0 / 6) +
                  (3 - 10.0 / 6) * (3 - 10.0 / 6) + (4 - 10.0 / 6) * (4 - 10.0 / 6)) / 6;
    CHECK_NEAR(s[2], sqrt(var), 1e-12);
    CHECK(s[3] == 0 && s[4] == 4);
    double h[4];
    double e[5];
    CHECK_OK(tt_tensor_histogram(t, 4, 0.0, 4.0, h, e));
    CHECK(h[0] == 2 && h[1] == 1 && h[2] == 1 && h[3] == 2); /* 4.0 lands in the last bin */
    CHECK(e[0] == 0 && e[1] == 1 && e[2] == 2 && e[3] == 3 && e[4] == 4);
    CHECK_FAILS(tt_tensor_histogram(t, 0, 0, 1, h, e), TT_ERR_ARG, "bins = 0");
    CHECK_FAILS(tt_tensor_histogram(t, 4, 1, 1, h, e), TT_ERR_ARG, "low < high");
    CHECK_FAILS(tt_tensor_histogram(t, 4, 0, 1.0 / 0.0, h, e), TT_ERR_ARG, "finite");
    tt_tensor_free(t);

    /* ranges where bins / (hi - lo) is inf or hi - lo overflows: edges
     * finite and non-decreasing, from lo to hi, counts consistent with
     * them (the last bin with edges[b] <= v) and complete */
    const float u[] = {0, 0.25f, 0.5f, 1, 0, -0.0f, 1e-30f, -3e38f, 3e38f};
    t = tt_test_from(1, 9, 0, 0, 0, u);
    static double hc[4096], he[4097];
    static const struct {
        double lo, hi;
        int bins, total;
    } cases[] = {
        {0, 1e-310, 4, 3},             /* [0,1] data, a tiny range: the three zeros */
        {0, 5e-324, 4096, 3},          /* one subnormal wide: most bins zero-width */
        {0, 5e-324, 1, 3},
        {-1e-320, 1e-320, 7, 3},
        {0, 1e-300, 64, 3},            /* bins / (hi - lo) = 6.4e301 finite, (v - lo) * that too */
        {-1e308, 1e308, 10, 9},        /* hi - lo overflows */
        {-1.7976931348623157e308, 1.7976931348623157e308, 4096, 9},
        {-1.7976931348623157e308, 1e300, 3, 9},
        {0, 1, 3, 7},                  /* -0.0 is in [0, 1] */
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        int bins = cases[c].bins;
        CHECK_OK(tt_tensor_histogram(t, bins, cases[c].lo, cases[c].hi, hc, he));
        int ok = he[0] == cases[c].lo && he[bins] == cases[c].hi;
        double total = 0;
        for (int b = 0; b < bins; b++) {
            ok &= he[b] - he[b] == 0.0 && he[b] <= he[b + 1];
            total += hc[b];
        }
        CHECK(ok);
        if (total != cases[c].total)
            fprintf(stderr, "case %zu: %g counted, expected %d\n", c, total, cases[c].total);
        CHECK(total == cases[c].total);
        /* each element is in the bin the edges say */
        int agree = 1;
        double want[4096] = {0};
        for (int i = 0; i < 9; i++) {
            double v = u[i];
            if (!(v >= cases[c].lo && v <= cases[c].hi)) continue;
            int b = bins - 1;
            while (he[b] > v) b--;
            want[b]++;
        }
        for (int b = 0; b < bins; b++) agree &= want[b] == hc[b];
        CHECK(agree);
    }
    /* the overflowing range splits evenly: edges at -1e308, -8e307, ... */
    CHECK_OK(tt_tensor_histogram(t, 10, -1e308, 1e308, hc, he));
    CHECK_NEAR(he[1] / 1e308, -0.8, 1e-15);
    CHECK(he[5] == 0.0);
    CHECK(hc[4] == 1 && hc[5] == 8); /* -3e38 just below edge 5 = 0; the rest on or above it */
    CHECK_FAILS(tt_tensor_histogram(t, 4, 0, 1, hc, NULL), TT_ERR_STATE, "edges is NULL");
    tt_tensor_free(t);
    CHECK_OK(tt_tensor_new(&t, 1, 0, 0, 0, 0));
    CHECK_OK(tt_tensor_stats(t, s));
    CHECK(s[0] == 0 && s[1] != s[1] && s[5] == 0);
    tt_tensor_free(t);
    TT_TEST_MAIN_END();
}
