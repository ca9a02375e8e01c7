/* Failure paths: every allocation of every op made to fail in turn must
 * give TT_ERR_NOMEM, leak nothing, and leave the core working. Stale
 * handles are TT_ERR_STATE. */
#include "tt_test.h"

typedef int (*op_fn)(tt_tensor **out, tt_tensor *a, tt_tensor *b);
static int op_add(tt_tensor **o, tt_tensor *a, tt_tensor *b) { return tt_tensor_binary(o, a, b, TT_ADD); }
static int op_matmul(tt_tensor **o, tt_tensor *a, tt_tensor *b) { return tt_tensor_matmul(o, a, b); }
static int op_linear(tt_tensor **o, tt_tensor *a, tt_tensor *b) { (void)b; tt_tensor *w = NULL; *o = NULL; int st = tt_tensor_new(&w, 2, 3, 3, 0, 0); if (st) return st; st = tt_linear_forward(o, a, w, NULL, 1); tt_tensor_free(w); return st; }
static tt_tensor *mask;
static int op_dropout(tt_tensor **o, tt_tensor *a, tt_tensor *b) { (void)b; return tt_dropout_forward(o, mask, a, 0.5, 1, NULL); }
static int op_softmax(tt_tensor **o, tt_tensor *a, tt_tensor *b) { (void)b; return tt_activation_forward(o, a, TT_SOFTMAX, -1); }
static int op_reshape(tt_tensor **o, tt_tensor *a, tt_tensor *b) { (void)b; return tt_tensor_reshape(o, a, 1, -1, 0, 0, 0); }
static int op_sum(tt_tensor **o, tt_tensor *a, tt_tensor *b) { (void)b; return tt_tensor_reduce(o, a, TT_SUM, 0, 1, 1); }

int main(void) {
    tt_tensor *a = NULL, *b = NULL, *y = NULL;
    CHECK_OK(tt_tensor_new(&a, 2, 3, 3, 0, 0));
    CHECK_OK(tt_tensor_new(&b, 2, 3, 3, 0, 0));
    tt_tensor_fill(a, 1.0f);
    tt_tensor_fill(b, 2.0f);
    CHECK_OK(tt_tensor_new(&mask, 2, 3, 3, 0, 0));
    op_fn ops[] = {op_add, op_matmul, op_linear, op_dropout, op_softmax, op_reshape, op_sum};
    int base = tt_mem_tensors(), injected = 0;
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        for (int n = 1; n <= 3; n++) {
            tt_debug_fail_alloc_after(n);
            y = (tt_tensor *)1;
            int st = ops[i](&y, a, b);
            tt_debug_fail_alloc_after(0);
            if (st == TT_OK) {
                tt_tensor_free(y);
                continue;
            }
            injected++;
            CHECK(st == TT_ERR_NOMEM);
            CHECK(strstr(tt_last_error(), "out of memory") != NULL);
            CHECK(y == NULL);
            CHECK(tt_mem_tensors() == base);
            /* and the core still computes: 1+2 = 3 */
            CHECK_OK(tt_tensor_binary(&y, a, b, TT_ADD));
            CHECK(y->data[8] == 3.0f);
            tt_tensor_free(y);
        }
    CHECK(injected >= 7);

    /* NULL handles and freed handles are statuses */
    CHECK_FAILS(tt_tensor_binary(&y, NULL, b, TT_ADD), TT_ERR_STATE, "left operand is NULL");
    tt_tensor *dead = NULL;
    CHECK_OK(tt_tensor_new(&dead, 1, 4, 0, 0, 0));
    tt_tensor stale = *dead; /* a copy of the header keeps the magic... */
    stale.magic = 0;         /* ...as a freed one would not */
    CHECK_FAILS(tt_tensor_matmul(&y, &stale, b), TT_ERR_STATE, "not a live tensor");
    tt_tensor_free(dead);
    CHECK_FAILS(tt_tensor_binary(NULL, a, b, TT_ADD), TT_ERR_STATE, "out is NULL");
    CHECK(strcmp(tt_status_str(TT_ERR_SHAPE), "shape mismatch") == 0);
    tt_tensor_free(a), tt_tensor_free(b), tt_tensor_free(mask);
    CHECK(tt_mem_tensors() == 0);
    /* freeing something that is not a live tensor (freed twice, or never
     * one) frees nothing and says so: no abort (it used to be an assert) */
    tt_tensor fake;
    memset(&fake, 0, sizeof fake);
    int live = tt_mem_tensors();
    tt_tensor_free(&fake);
    CHECK(strstr(tt_last_error(), "tensor_free: not a live tensor") != NULL);
    CHECK(tt_mem_tensors() == live);
    TT_TEST_MAIN_END();
}
