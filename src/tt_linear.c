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

/* The gradients of y = x @ W + b (then ReLU when fused_relu), accumulated.
 * x [..., K] (M rows), W [K, N], dy [..., N] with x's leading dims; y is
 * the forward's output, read only when fused_relu (may be NULL otherwise).
 *   g = fused_relu ? dy * (y > 0) : dy                 [M, N]
 *   dx[M, K] += g @ W^T     (trans_b GEMM: W is read as stored)
 *   dW[K, N] += x^T @ g     (trans_a GEMM: x is read as stored)
 *   db[N]    += column sums of g, each summed over rows 0..M-1 in order
 * Any of dx, dweight, dbias may be NULL; none may be an input or another
 * gradient. The ReLU mask and the column sums use a scratch tensor; if it
 * cannot be allocated nothing is changed (TT_ERR_NOMEM). */
int tt_linear_backward(tt_tensor *dx, tt_tensor *dweight, tt_tensor *dbias, const tt_tensor *dy,
                       const tt_tensor *x, const tt_tensor *weight, const tt_tensor *y,
                       int fused_relu) {
    char s1[TT_SHAPE_STR_LEN], s2[TT_SHAPE_STR_LEN];
    TT_CHECK(dy, "linear_backward", "dy");
    TT_CHECK(x, "linear_backward", "input");
    TT_CHECK(weight, "linear_backward", "weight");
    if (fused_relu) TT_CHECK(y, "linear_backward", "output y (needed for the fused ReLU)");
    if (dx) TT_CHECK(dx, "linear_backward", "dx");
    if (dweight) TT_CHECK(dweight, "linear_backward", "dweight");
    if (dbias) TT_CHECK(dbias, "linear_backward", "dbias");
    if (weight->ndim != 2)
        return tt_fail(TT_ERR_SHAPE, "linear_backward: weight %s must be 2-D [in, out]",
                       tt_shape_str(s1, weight->ndim, weight->shape));
    int k = weight->shape[0], n = weight->shape[1];
    if (x->ndim < 1 || x->shape[x->ndim - 1] != k)
        return tt_fail(TT_ERR_SHAPE,
                       "linear_backward: input %s @ weight %s: last input dimension must be in_features = %d",
                       tt_shape_str(s1, x->ndim, x->shape),
                       tt_shape_str(s2, weight->ndim, weight->shape), k);
    int32_t ydims[TT_MAX_DIMS];
    size_t m = 1;
    for (int i = 0; i < x->ndim - 1; i++) {
        ydims[i] = x->shape[i];
        m *= (size_t)x->shape[i];
    }
    ydims[x->ndim - 1] = n;
    if (!tt_shape_is(dy, x->ndim, ydims))
        return tt_fail(TT_ERR_SHAPE, "linear_backward: dy %s must be the output shape %s",
                       tt_shape_str(s1, dy->ndim, dy->shape), tt_shape_str(s2, x->ndim, ydims));
    if (fused_relu && !tt_shape_is(y, x->ndim, ydims))
        return tt_fail(TT_ERR_SHAPE, "linear_backward: y %s must be the output shape %s",
                       tt_shape_str(s1, y->ndim, y->shape), tt_shape_str(s2, x->ndim, ydims));
    if (dx && !tt_shape_is(dx, x->ndim, x->shape))
        return tt_fail(TT_ERR_SHAPE, "linear_backward: dx %s must have the input's shape %s",
                       tt_shape_str(s1, dx->ndim, dx->shape), tt_shape_str(s2, x->ndim, x->shape));
    if (dweight && !tt_shape_is(dweight, 2, weight->shape))
        return tt_fail(TT_ERR_SHAPE, "linear_backward: dweight %s must have the weight's shape %s",
                       tt_shape_str(s1, dweight->ndim, dweight->shape),
                       tt_shape_str(s2, 2, weight->shape));
    if (dbias && !(dbias->ndim == 1 && dbias->shape[0] == n))
        return tt_fail(TT_ERR_SHAPE, "linear_backward: dbias %s must be [%d] for weight %s",
                       tt_shape_str(s1, dbias->ndim, dbias->shape), n,
                       tt_shape_str(s2, 2, weight->shape));
    const tt_tensor *ins[4] = {dy, x, weight, fused_relu ? y : NULL};
    tt_tensor *outs[3] = {dx, dweight, dbias};
    static const char *const out_names[3] = {"dx", "dweight", "dbias"};
    for (int o = 0; o < 3; o++) {
        if (!outs[o]) continue;
        int clash = 0;
        for (int i = 0; i < 4; i++) clash |= outs[o] == ins[i];
        for (int j = o + 1; j < 3; j++) clash |= outs[o] == outs[j];
        if (clash)
            return tt_fail(TT_ERR_ARG, "linear_backward: %s cannot be an input or another gradient",
                           out_names[o]);
    }
    if (!dx && !dweight && !dbias) return TT_OK;
    /* scratch: [M*N] masked dy when fused, then [N] column sums */
    int need_mask = fused_relu && (dx || dweight) && m * (size_t)n > 0;
    int need_sums = dbias != NULL && n > 0;
    int32_t sdims[1] = {(int32_t)0};
    size_t scratch = (need_mask ? m * (size_t)n : 0) + (need_sums ? (size_t)n : 0);
    tt_tensor *tmp = NULL;
    if (scratch > 0) {
        if (scratch > 0x7fffffff)
            return tt_fail(TT_ERR_NOMEM, "linear_backward: scratch of %.0f floats is too large",
                           (double)scratch);
        sdims[0] = (int32_t)scratch;
        int st = tt_tensor_alloc_uninit(&tmp, 1, sdims, "linear_backward");
        if (st != TT_OK) return st;
    }
    const float *g = dy->data;
    if (need_mask) {
        float *gm = tmp->data;
        for (size_t i = 0; i < m * (size_t)n; i++) gm[i] = y->data[i] > 0.0f ? dy->data[i] : 0.0f;
        g = gm;
    }
    if (dx) tt_f32_gemm_ex(dx->data, g, weight->data, NULL, (int)m, n, k, 0, 1, 1, 0);
    if (dweight) tt_f32_gemm_ex(dweight->data, x->data, g, NULL, k, (int)m, n, 1, 0, 1, 0);
    if (need_sums) {
        float *sums = tmp->data + (need_mask ? m * (size_t)n : 0);
        for (int j = 0; j < n; j++) sums[j] = 0.0f;
        for (size_t i = 0; i < m; i++) { /* row by row: each column still in row order */
            const float *gi = dy->data + i * n, *yi = fused_relu ? y->data + i * n : NULL;
            for (int j = 0; j < n; j++) sums[j] = sums[j] + (yi && !(yi[j] > 0.0f) ? 0.0f : gi[j]);
        }
        for (int j = 0; j < n; j++) dbias->data[j] = dbias->data[j] + sums[j];
    }
    tt_tensor_free(tmp);
    return TT_OK;
}
