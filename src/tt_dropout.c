/* tt_dropout.c — inverted dropout in one pass: draw, mask and scale. */
#include <string.h>

#include "tt_internal.h"

/* Element i: keep iff (r >> 8) < thr. Branch-free: at p = 0.5 a branch
 * is a coin flip the CPU mispredicts half the time. The kept value is
 * x*scale ANDed with an all-ones or all-zeros mask, so a dropped element
 * is exactly +0 even when x is inf or NaN. */
static inline void tt_dropout_put(float *y, float *mk, const float *xs, size_t i, uint32_t r,
                                  uint32_t thr, float scale) {
    uint32_t keep = 0u - (uint32_t)((r >> 8) < thr);
    float v = xs[i] * scale;
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    bits &= keep;
    memcpy(&y[i], &bits, sizeof bits);
    if (mk) {
        uint32_t one = 0x3f800000u & keep; /* 1.0f or +0.0f */
        memcpy(&mk[i], &one, sizeof one);
    }
}

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
        if (mask == x) /* writing the mask would overwrite the input mid-pass */
            return tt_fail(TT_ERR_ARG, "dropout: the mask cannot be the input tensor itself");
        if (mask->size != x->size)
            return tt_fail(TT_ERR_SHAPE, "dropout: mask %s does not match input %s",
                           tt_shape_str(sm, mask->ndim, mask->shape),
                           tt_shape_str(sx, x->ndim, x->shape));
    }
    int st = tt_tensor_alloc_uninit(out, x->ndim, x->shape, "dropout");
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
    /* The LCG inside PCG32 is a serial chain (one 64-bit multiply-add per
     * number). TT_LANES lanes holding states i, i+1, ..., each advanced by
     * TT_LANES steps at once (s' = aL s + cL), give exactly the same
     * sequence as one generator, with independent chains the CPU overlaps. */
    enum { TT_LANES = 8 };
    tt_pcg32 g = tt_rng_take();
    const float *xs = x->data;
    size_t i = 0;
    if (n >= 2 * TT_LANES) {
        uint64_t aL = 1, cL = 0, s[TT_LANES];
        for (int q = 0; q < TT_LANES; q++) {
            s[q] = g.state;
            (void)tt_pcg32_next(&g);
            cL = cL * 6364136223846793005ull + g.inc;
            aL *= 6364136223846793005ull;
        }
        for (; i + TT_LANES <= n; i += TT_LANES)
            for (int q = 0; q < TT_LANES; q++) {
                tt_dropout_put(y, mk, xs, i + q, tt_pcg32_output(s[q]), thr, scale);
                s[q] = s[q] * aL + cL;
            }
        g.state = s[0]; /* lane 0 holds state i: continue one by one */
    }
    for (; i < n; i++) tt_dropout_put(y, mk, xs, i, tt_pcg32_next(&g), thr, scale);
    tt_rng_put(g);
    return TT_OK;
}
