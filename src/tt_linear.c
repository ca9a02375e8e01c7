/* tt_linear.c — the Linear layer: initialisers and y = x W + b.
 * The weight is stored [in_features, out_features] (K x N), as in the
 * lesson, so the forward pass is a plain row-major x @ W with no transpose. */
#include "tt_internal.h"

/* weight [K, N]; bias [N] or NULL; gen NULL = the default generator. */
int tt_linear_init(tt_tensor *weight, tt_tensor *bias, int init, tt_generator *gen) {
    char s[TT_SHAPE_STR_LEN], sb[TT_SHAPE_STR_LEN];
    TT_CHECK(weight, "linear_init", "weight");
    TT_RESOLVE_GEN(gen, "linear_init");
    if (init < TT_INIT_LESSON || init > TT_INIT_NAIVE_NORMAL)
        return tt_fail(TT_ERR_ARG, "linear_init: unknown init %d", init);
    if (weight->ndim != 2)
        return tt_fail(TT_ERR_SHAPE, "linear_init: weight %s must be 2-D [in, out]",
                       tt_shape_str(s, weight->ndim, weight->shape));
    int k = weight->shape[0], n = weight->shape[1];
    if (bias) {
        TT_CHECK(bias, "linear_init", "bias");
        if (bias->ndim != 1 || bias->shape[0] != n)
            return tt_fail(TT_ERR_SHAPE, "linear_init: bias %s must be [%d] for weight %s",
                           tt_shape_str(sb, bias->ndim, bias->shape), n,
                           tt_shape_str(s, weight->ndim, weight->shape));
    }
    /* Scales in double, rounded to float once; sqrt is exact-rounded IEEE. */
    double fan_in = k > 0 ? (double)k : 1.0, fan_sum = (k + n) > 0 ? (double)k + n : 1.0;
    float *w = weight->data;
    size_t count = weight->size;
    switch (init) {
    case TT_INIT_LESSON: {
        double std = __builtin_sqrt(1.0 / fan_in);
        for (size_t i = 0; i < count; i++) w[i] = (float)(std * tt_gen_normal(gen));
        break;
    }
    case TT_INIT_HE_NORMAL: {
        double std = __builtin_sqrt(2.0 / fan_in);
        for (size_t i = 0; i < count; i++) w[i] = (float)(std * tt_gen_normal(gen));
        break;
    }
    case TT_INIT_NAIVE_NORMAL:
        for (size_t i = 0; i < count; i++) w[i] = (float)tt_gen_normal(gen);
        break;
    default: { /* Glorot uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)) */
        double a = __builtin_sqrt(6.0 / fan_sum);
        for (size_t i = 0; i < count; i++)
            w[i] = (float)(a * (2.0 * (double)tt_gen_uniform(gen) - 1.0));
        break;
    }
    }
    if (bias)
        for (size_t i = 0; i < bias->size; i++) bias->data[i] = 0.0f;
    return TT_OK;
}

/* x [..., K] @ W [K, N] + b [N] -> y [..., N]; M = product of x's leading
 * dims (1 for a 1-D x, 0 for an empty batch). */
int tt_linear_forward(tt_tensor **out, const tt_tensor *x, const tt_tensor *weight,
                      const tt_tensor *bias, int fuse_relu) {
    char sx[TT_SHAPE_STR_LEN], sw[TT_SHAPE_STR_LEN], sb[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "linear: out is NULL");
    *out = NULL;
    TT_CHECK(x, "linear", "input");
    TT_CHECK(weight, "linear", "weight");
    if (bias) TT_CHECK(bias, "linear", "bias");
    if (weight->ndim != 2)
        return tt_fail(TT_ERR_SHAPE, "linear: weight %s must be 2-D [in, out]",
                       tt_shape_str(sw, weight->ndim, weight->shape));
    int k = weight->shape[0], n = weight->shape[1];
    if (bias && (bias->ndim != 1 || bias->shape[0] != n))
        return tt_fail(TT_ERR_SHAPE, "linear: bias %s does not match weight %s: expected [%d]",
                       tt_shape_str(sb, bias->ndim, bias->shape),
                       tt_shape_str(sw, weight->ndim, weight->shape), n);
    if (x->ndim < 1 || x->shape[x->ndim - 1] != k)
        return tt_fail(TT_ERR_SHAPE,
                       "linear: input %s @ weight %s: last input dimension must be in_features = %d",
                       tt_shape_str(sx, x->ndim, x->shape),
                       tt_shape_str(sw, weight->ndim, weight->shape), k);
    int32_t dims[TT_MAX_DIMS];
    size_t m = 1;
    for (int i = 0; i < x->ndim - 1; i++) {
        dims[i] = x->shape[i];
        m *= (size_t)x->shape[i];
    }
    dims[x->ndim - 1] = n;
    int st = tt_tensor_alloc_uninit(out, x->ndim, dims, "linear");
    if (st != TT_OK) return st;
    tt_f32_gemm((*out)->data, x->data, weight->data, bias ? bias->data : NULL, (int)m, k, n,
                fuse_relu);
    return TT_OK;
}
