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
    CHECK_OK(tt_tensor_histogram(t, 4, 0.0, 4.0, h));
    CHECK(h[0] == 2 && h[1] == 1 && h[2] == 1 && h[3] == 2); /* 4.0 lands in the last bin */
    CHECK_FAILS(tt_tensor_histogram(t, 0, 0, 1, h), TT_ERR_ARG, "bins = 0");
    CHECK_FAILS(tt_tensor_histogram(t, 4, 1, 1, h), TT_ERR_ARG, "low < high");
    CHECK_FAILS(tt_tensor_histogram(t, 4, 0, 1.0 / 0.0, h), TT_ERR_ARG, "finite");
    tt_tensor_free(t);
    CHECK_OK(tt_tensor_new(&t, 1, 0, 0, 0, 0));
    CHECK_OK(tt_tensor_stats(t, s));
    CHECK(s[0] == 0 && s[1] != s[1] && s[5] == 0);
    tt_tensor_free(t);
    TT_TEST_MAIN_END();
}
