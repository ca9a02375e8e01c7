/* tt_stats.c — summary statistics and histograms of a tensor: what the
 * lesson page shows for every activation (mean, std, zeros after ReLU,
 * the distribution), computed by the core like every other number. */
#include <math.h>

#include "tt_internal.h"

int tt_tensor_stats(const tt_tensor *t, double *out) {
    TT_CHECK(t, "stats", "tensor");
    if (!out) return tt_fail(TT_ERR_STATE, "stats: out is NULL");
    double n = 0, sum = 0, mn = 0, mx = 0, zeros = 0, bad = 0;
    for (size_t i = 0; i < t->size; i++) {
        double v = t->data[i];
        if (v != v || v - v != 0.0) { /* NaN or inf */
            bad++;
            continue;
        }
        if (v == 0.0) zeros++;
        if (n == 0 || v < mn) mn = v;
        if (n == 0 || v > mx) mx = v;
        sum += v;
        n++;
    }
    double mean = n > 0 ? sum / n : NAN, ss = 0;
    /* Second pass for the variance: no cancellation from sum of squares. */
    for (size_t i = 0; i < t->size && n > 0; i++) {
        double v = t->data[i];
        if (v != v || v - v != 0.0) continue;
        ss += (v - mean) * (v - mean);
    }
    out[0] = (double)t->size;
    out[1] = mean;
    out[2] = n > 0 ? __builtin_sqrt(ss / n) : NAN;
    out[3] = n > 0 ? mn : NAN;
    out[4] = n > 0 ? mx : NAN;
    out[5] = zeros;
    out[6] = bad;
    return TT_OK;
}

/* The Euclidean norm sqrt(sum of x^2) over the finite elements, summed in
 * double (float32 squares cannot overflow it); 0 for an empty tensor. The
 * page shows it for gradients and optimizer updates. */
int tt_tensor_norm(const tt_tensor *t, double *out) {
    TT_CHECK(t, "norm", "tensor");
    if (!out) return tt_fail(TT_ERR_STATE, "norm: out is NULL");
    double ss = 0;
    for (size_t i = 0; i < t->size; i++) {
        double v = t->data[i];
        if (v != v || v - v != 0.0) continue;
        ss += v * v;
    }
    *out = __builtin_sqrt(ss);
    return TT_OK;
}

/* edges[b] = lo + (hi - lo) * b / bins, evaluated at a power-of-two scale
 * sc (1, or 1/2 when hi - lo overflows: neither end is then subnormal,
 * so halving them is exact) so that nothing overflows, and
 * clamped into [lo, hi]. Each step is monotone in b, so the edges never
 * decrease. Element v (lo <= v <= hi) goes in the last bin b whose
 * edges[b] <= v: counts and edges always agree, hi lands in the last bin,
 * and a zero-width bin (possible when hi - lo is a few subnormals) stays
 * empty. The bin is guessed from (v - lo) / (hi - lo), which lies in
 * [0, 1] whatever the range (bins / (hi - lo) could be inf), then checked
 * against the edges and, only if the guess is off, found by bisection. */
int tt_tensor_histogram(const tt_tensor *t, int bins, double lo, double hi, double *counts,
                        double *edges) {
    TT_CHECK(t, "histogram", "tensor");
    if (!counts) return tt_fail(TT_ERR_STATE, "histogram: counts is NULL");
    if (!edges) return tt_fail(TT_ERR_STATE, "histogram: edges is NULL");
    if (bins < 1 || bins > 4096)
        return tt_fail(TT_ERR_ARG, "histogram: bins = %d must be in 1..4096", bins);
    if (!(lo < hi) || lo - lo != 0.0 || hi - hi != 0.0)
        return tt_fail(TT_ERR_ARG, "histogram: range [%g, %g] must be finite with low < high", lo,
                       hi);
    double sc = (hi - lo) - (hi - lo) == 0.0 ? 1.0 : 0.5;
    double los = lo * sc, width = hi * sc - los; /* > 0 and finite */
    edges[0] = lo;
    for (int b = 1; b < bins; b++) {
        double e = (los + width * ((double)b / bins)) / sc;
        edges[b] = e < lo ? lo : e > hi ? hi : e;
    }
    edges[bins] = hi;
    for (int b = 0; b < bins; b++) counts[b] = 0;
    for (size_t i = 0; i < t->size; i++) {
        double v = t->data[i];
        if (!(v >= lo && v <= hi)) continue; /* outside, or NaN */
        double f = (v * sc - los) / width;  /* in [0, 1] */
        int b = (int)(f * bins);
        if (b > bins - 1) b = bins - 1;
        if (!(edges[b] <= v && (b == bins - 1 || v < edges[b + 1]))) {
            int l = 0, h = bins - 1; /* invariant: edges[l] <= v, answer in [l, h] */
            while (l < h) {
                int mid = l + (h - l + 1) / 2;
                if (edges[mid] <= v) l = mid;
                else h = mid - 1;
            }
            b = l;
        }
        counts[b] += 1;
    }
    return TT_OK;
}
