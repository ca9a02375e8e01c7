/* tt_dropout.c — inverted dropout in one pass: draw, mask and scale. */
#include <string.h>

#include "tt_internal.h"

/* x, out and mask share one shape; mask may be NULL. */
int tt_dropout_forward(tt_tensor **out, tt_tensor *mask, const tt_tensor *x, double p,
                       int training) {
    char sx[TT_SHAPE_STR_LEN], sm[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "dropout: out is NULL");
    *out = NULL;
    TT_CHECK(x, "dropout", "input");
    if (!(p >= 0.0 && p <= 1.0)) /* also rejects NaN */
        return tt_fail(TT_ERR_ARG, "dropout: p = %g must be a probability in [0, 1]", p);
    if (training && mask) {
        TT_CHECK(mask, "dropout", "mask");
        if (mask->size != x->size)
            return tt_fail(TT_ERR_SHAPE, "dropout: mask %s does not match input %s",
                           tt_shape_str(sm, mask->ndim, mask->shape),
                           tt_shape_str(sx, x->ndim, x->shape));
    }
    int st = tt_tensor_alloc(out, x->ndim, x->shape, "dropout");
    if (st != TT_OK) return st;
    float *y = (*out)->data;
    size_t n = x->size;
    if (!training) { /* evaluation: the identity, whatever p is */
        memcpy(y, x->data, n * sizeof(float));
        return TT_OK;
    }
    float *mk = mask ? mask->data : NULL;
    if (p == 0.0 || p == 1.0) { /* nothing random to decide: no draws */
        float keep = p == 0.0 ? 1.0f : 0.0f;
        for (size_t i = 0; i < n; i++) y[i] = p == 0.0 ? x->data[i] : 0.0f;
        if (mk)
            for (size_t i = 0; i < n; i++) mk[i] = keep;
        return TT_OK;
    }
    /* keep iff u < 1-p with u = (r >> 8) * 2^-24, i.e. iff the integer
     * r >> 8 is below thr = ceil((1-p) * 2^24): one compare per element. */
    double q = (1.0 - p) * 16777216.0;
    uint32_t thr = (uint32_t)q;
    if ((double)thr < q) thr++;
    float scale = (float)(1.0 / (1.0 - p)); /* exactly 2.0f for p = 0.5 */
    for (size_t i = 0; i < n; i++) {
        int keep = (tt_rng_u32() >> 8) < thr;
        y[i] = keep ? x->data[i] * scale : 0.0f;
        if (mk) mk[i] = keep ? 1.0f : 0.0f;
    }
    return TT_OK;
}
