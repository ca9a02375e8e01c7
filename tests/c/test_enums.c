/* The core's enum name tables: every code of every public enum has the
 * expected lower_snake name, out-of-range codes and tables give NULL. */
#include "tt_test.h"

static int same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

int main(void) {
    static const struct {
        int table, code;
        const char *name;
    } want[] = {
        {TT_ENUM_STATUS, TT_OK, "ok"},
        {TT_ENUM_STATUS, TT_ERR_ARG, "err_arg"},
        {TT_ENUM_STATUS, TT_ERR_SHAPE, "err_shape"},
        {TT_ENUM_STATUS, TT_ERR_NOMEM, "err_nomem"},
        {TT_ENUM_STATUS, TT_ERR_STATE, "err_state"},
        {TT_ENUM_BINARY_OP, TT_ADD, "add"},
        {TT_ENUM_BINARY_OP, TT_SUB, "sub"},
        {TT_ENUM_BINARY_OP, TT_MUL, "mul"},
        {TT_ENUM_BINARY_OP, TT_DIV, "div"},
        {TT_ENUM_REDUCE_OP, TT_SUM, "sum"},
        {TT_ENUM_REDUCE_OP, TT_MEAN, "mean"},
        {TT_ENUM_REDUCE_OP, TT_MAX, "max"},
        {TT_ENUM_ACTIVATION, TT_RELU, "relu"},
        {TT_ENUM_ACTIVATION, TT_SIGMOID, "sigmoid"},
        {TT_ENUM_ACTIVATION, TT_TANH, "tanh"},
        {TT_ENUM_ACTIVATION, TT_GELU, "gelu"},
        {TT_ENUM_ACTIVATION, TT_SOFTMAX, "softmax"},
        {TT_ENUM_INIT, TT_INIT_LESSON, "lesson"},
        {TT_ENUM_INIT, TT_INIT_XAVIER_UNIFORM, "xavier_uniform"},
        {TT_ENUM_INIT, TT_INIT_HE_NORMAL, "he_normal"},
        {TT_ENUM_INIT, TT_INIT_NAIVE_NORMAL, "naive_normal"},
    };
    int per_table[5] = {0};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *got = tt_enum_name(want[i].table, want[i].code);
        if (!same(got, want[i].name))
            fprintf(stderr, "table %d code %d: got %s, expected %s\n", want[i].table,
                    want[i].code, got ? got : "NULL", want[i].name);
        CHECK(same(got, want[i].name));
        per_table[want[i].table]++;
    }
    for (int t = 0; t < 5; t++) CHECK(tt_enum_count(t) == per_table[t]);
    /* one past each end, and tables that do not exist */
    CHECK(tt_enum_name(TT_ENUM_STATUS, 1) == NULL);
    CHECK(tt_enum_name(TT_ENUM_STATUS, -5) == NULL);
    CHECK(tt_enum_name(TT_ENUM_STATUS, -2147483647 - 1) == NULL);
    CHECK(tt_enum_name(TT_ENUM_BINARY_OP, -1) == NULL);
    CHECK(tt_enum_name(TT_ENUM_BINARY_OP, 4) == NULL);
    CHECK(tt_enum_name(TT_ENUM_REDUCE_OP, 3) == NULL);
    CHECK(tt_enum_name(TT_ENUM_ACTIVATION, 5) == NULL);
    CHECK(tt_enum_name(TT_ENUM_INIT, 4) == NULL);
    CHECK(tt_enum_name(5, 0) == NULL && tt_enum_name(-1, 0) == NULL);
    CHECK(tt_enum_count(5) == 0 && tt_enum_count(-1) == 0);
    TT_TEST_MAIN_END();
}
