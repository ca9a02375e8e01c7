/* tt_dropout.c — inverted dropout in one pass: draw, mask and scale. */
#include <string.h>

#include "tt_internal.h"

/* The keep rule. With the element's 64-bit draw U = r * 2^32 + t (r the
 * PCG32 output, t = tt_dropout_tie_bits(state)), keep iff U < K where
 * K = 2^64 - ceil(p * 2^64): the keep probability is K / 2^64, within 2^-64
 * of 1 - p for every p in (0, 1) (a 24-bit threshold was off by up to
 * 2^-24 absolute, 19% relative at p = 1 - 1e-7). The low half t is only
 * needed when r == K >> 32, once in 2^32 draws, so it is a cold branch and
 * derived from the state rather than drawn: every element still consumes
 * exactly one PCG32 output.
 * p * 2^64 is exact in double (a power-of-two scale), and below 2^64
 * because p < 1, so the conversion is defined and the same in every build. */
uint64_t tt_dropout_keep_threshold(double p) {
    double d = p * 0x1p64;
    uint64_t drop = (uint64_t)d;
    if ((double)drop < d) drop++; /* ceil: d has a fraction only when p < 2^-12 */
    return 0u - drop;             /* 2^64 - drop; drop >= 1 because p > 0 */
}

/* MurmurHash3's 64-bit finaliser (full avalanche), of the state that gave r. */
uint32_t tt_dropout_tie_bits(uint64_t state) {
    uint64_t h = state;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (uint32_t)(h >> 32);
}

/* Element i from the state that produces its draw. Branch-free in the
 * common case: at p = 0.5 a branch is a coin flip the CPU mispredicts half
 * the time. The kept value is x*scale ANDed with an all-ones or all-zeros
 * mask, so a dropped element is exactly +0 even when x is inf or NaN. */
static inline void tt_dropout_put(float *y, float *mk, const float *xs, size_t i,
                                  uint64_t state, uint32_t thr_hi, uint32_t thr_lo,
                                  float scale) {
    uint32_t r = tt_pcg32_output(state);
    uint32_t kept = r < thr_hi;
    if (__builtin_expect(r == thr_hi, 0)) kept = tt_dropout_tie_bits(state) < thr_lo;
    uint32_t keep = 0u - kept;
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
                       int training, tt_generator *gen) {
    char sx[TT_SHAPE_STR_LEN], sm[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "dropout: out is NULL");
    *out = NULL;
    TT_CHECK(x, "dropout", "input");
    TT_RESOLVE_GEN(gen, "dropout");
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
    uint64_t thr = tt_dropout_keep_threshold(p);
    uint32_t thr_hi = (uint32_t)(thr >> 32), thr_lo = (uint32_t)thr;
    float scale = (float)(1.0 / (1.0 - p)); /* exactly 2.0f for p = 0.5 */
    /* The LCG inside PCG32 is a serial chain (one 64-bit multiply-add per
     * number). TT_LANES lanes holding states i, i+1, ..., each advanced by
     * TT_LANES steps at once (s' = aL s + cL), give exactly the same
     * sequence as one generator, with independent chains the CPU overlaps.
     * The stream is copied into a local so it lives in registers. */
    enum { TT_LANES = 8 };
    tt_pcg32 g = gen->pcg;
    const float *xs = x->data;
    size_t i = 0;
    if (n >= 2 * TT_LANES) {
        uint64_t aL = 1, cL = 0, s[TT_LANES];
        for (int l = 0; l < TT_LANES; l++) {
            s[l] = g.state;
            (void)tt_pcg32_next(&g);
            cL = cL * TT_PCG_MULT + g.inc;
            aL *= TT_PCG_MULT;
        }
        for (; i + TT_LANES <= n; i += TT_LANES)
            for (int l = 0; l < TT_LANES; l++) {
                tt_dropout_put(y, mk, xs, i + l, s[l], thr_hi, thr_lo, scale);
                s[l] = s[l] * aL + cL;
            }
        g.state = s[0]; /* lane 0 holds state i: continue one by one */
    }
    for (; i < n; i++) {
        tt_dropout_put(y, mk, xs, i, g.state, thr_hi, thr_lo, scale);
        (void)tt_pcg32_next(&g);
    }
    gen->pcg = g;
    return TT_OK;
}

/* The gradient of the training forward, accumulated: dx[i] += (dy[i] *
 * mask[i]) * scale with the forward's scale (float)(1/(1-p)), and nothing
 * added where mask[i] == 0 (a dropped element does not depend on x, even
 * when dy[i] is inf or NaN). For a mask made by the forward that is
 * dx += dy * scale where kept: the same bits as the forward's x * scale.
 * p = 1 adds nothing (the forward dropped everything). dy has dx's shape,
 * mask the same element count (as in the forward); dx is neither. The
 * evaluation forward is the identity: its gradient is dy itself. */
int tt_dropout_backward(tt_tensor *dx, const tt_tensor *dy, const tt_tensor *mask, double p) {
    return tt_dropout_backward_ex(dx, dy, mask, p, 0);
}

int tt_dropout_backward_ex(tt_tensor *dx, const tt_tensor *dy, const tt_tensor *mask, double p,
                           int assign) {
    char s1[TT_SHAPE_STR_LEN], s2[TT_SHAPE_STR_LEN];
    TT_CHECK(dy, "dropout_backward", "dy");
    TT_CHECK(mask, "dropout_backward", "mask");
    if (dx) TT_CHECK(dx, "dropout_backward", "dx");
    if (!(p >= 0.0 && p <= 1.0))
        return tt_fail(TT_ERR_ARG, "dropout_backward: p = %g must be a probability in [0, 1]", p);
    if (mask->size != dy->size)
        return tt_fail(TT_ERR_SHAPE, "dropout_backward: mask %s does not match dy %s",
                       tt_shape_str(s1, mask->ndim, mask->shape),
                       tt_shape_str(s2, dy->ndim, dy->shape));
    if (!dx) return TT_OK;
    if (!tt_shape_is(dx, dy->ndim, dy->shape))
        return tt_fail(TT_ERR_SHAPE, "dropout_backward: dx %s must have dy's shape %s",
                       tt_shape_str(s1, dx->ndim, dx->shape), tt_shape_str(s2, dy->ndim, dy->shape));
    if (dx == dy || dx == mask)
        return tt_fail(TT_ERR_ARG, "dropout_backward: dx cannot be %s",
                       dx == dy ? "dy" : "the mask");
    int fresh = assign & TT_ASSIGN_DX;
    size_t n = dx->size; /* in a local: a store to d[] could otherwise alias dx->size, which
                          * kept clang from vectorising the loop */
    float *restrict d = dx->data;
    if (p == 1.0) {
        if (fresh) memset(d, 0, n * sizeof(float)); /* +0: nothing added to zeros */
        return TT_OK;
    }
    float scale = (float)(1.0 / (1.0 - p));
    const float *restrict g = dy->data;
    const float *restrict mk = mask->data;
    /* A select, not a branch: the mask is random, so a branch on it was
     * mispredicted half the time (7 % of a training step at batch 64 in a
     * profile); d[i] is kept bit for bit where the mask is 0 (adding 0
     * would turn -0 into +0, and g * 0 could be NaN). Assigned: the old d
     * is taken as +0 and never read. */
    if (fresh) {
        for (size_t i = 0; i < n; i++) {
            float v = 0.0f + (g[i] * mk[i]) * scale;
            d[i] = mk[i] != 0.0f ? v : 0.0f;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            float v = d[i] + (g[i] * mk[i]) * scale;
            d[i] = mk[i] != 0.0f ? v : d[i];
        }
    }
    return TT_OK;
}
