/* tt_activations.c — ReLU, Sigmoid, Tanh, GELU and Softmax.
 * Everything transcendental is computed in double with the core's own exp
 * (tt_math.c) and rounded once to float, so the results are the same bits
 * in every build and accurate to the last float bit in practice. */
#include <string.h>

#include "tt_internal.h"

/* relu(NaN) stays NaN, as in PyTorch. */
static void tt_relu_forward(float *out, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = (x[i] > 0.0f || x[i] != x[i]) ? x[i] : 0.0f;
}

/* Branch on the sign so the exponent is never positive: e^-|x| <= 1 never
 * overflows, and sigmoid(+-1000) is exactly 1 and 0, never NaN. */
static double tt_sigmoid1(double x) {
    if (x >= 0.0) return 1.0 / (1.0 + tt_exp(-x));
    double e = tt_exp(x);
    return e / (1.0 + e);
}

static void tt_sigmoid_forward(float *out, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = (float)tt_sigmoid1((double)x[i]);
}

/* tanh x = (e^2x - 1)/(e^2x + 1) on |x|; a Taylor series near 0 avoids the
 * cancellation in e^2x - 1, and beyond 20 the result is +-1 in float. */
static double tt_tanh1(double x) {
    double ax = x < 0 ? -x : x, r;
    if (ax != ax) return x;
    if (ax > 20.0) {
        r = 1.0;
    } else if (ax < 1e-4) {
        double x2 = ax * ax;
        r = ax * (1.0 - x2 / 3.0 + x2 * x2 * (2.0 / 15.0));
    } else {
        double t = tt_exp(2.0 * ax);
        r = (t - 1.0) / (t + 1.0);
    }
    return x < 0 ? -r : r;
}

static void tt_tanh_forward(float *out, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = (float)tt_tanh1((double)x[i]);
}

/* The course's GELU: x * sigmoid(1.702 x) (Hendrycks & Gimpel's sigmoid
 * approximation), not the erf form. */
static void tt_gelu_forward(float *out, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double v = (double)x[i];
        out[i] = (float)(v * tt_sigmoid1(1.702 * v));
    }
}

/* Softmax over `len` elements spaced `inner` apart, for outer*inner slices.
 * Subtracting the slice max makes every exponent <= 0, so [1000,1001,1002]
 * gives finite probabilities. */
static void tt_softmax_forward(float *out, const float *x, size_t outer, size_t len,
                               size_t inner) {
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            const float *xs = x + o * len * inner + in;
            float *ys = out + o * len * inner + in;
            float mx = xs[0];
            for (size_t i = 1; i < len; i++)
                if (xs[i * inner] > mx) mx = xs[i * inner];
            double sum = 0.0;
            for (size_t i = 0; i < len; i++) sum += tt_exp((double)xs[i * inner] - (double)mx);
            for (size_t i = 0; i < len; i++)
                ys[i * inner] = (float)(tt_exp((double)xs[i * inner] - (double)mx) / sum);
        }
}

static const char *const tt_activation_names[] = {"relu", "sigmoid", "tanh", "gelu", "softmax"};

int tt_activation_forward(tt_tensor **out, const tt_tensor *x, int kind, int axis) {
    char s[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "activation: out is NULL");
    *out = NULL;
    if (kind < TT_RELU || kind > TT_SOFTMAX)
        return tt_fail(TT_ERR_ARG, "activation: unknown kind %d", kind);
    const char *name = tt_activation_names[kind];
    TT_CHECK(x, name, "input");
    size_t outer = 1, len = 1, inner = 1;
    if (kind == TT_SOFTMAX && x->ndim > 0) {
        if (axis < -x->ndim || axis >= x->ndim)
            return tt_fail(TT_ERR_ARG, "softmax: dim %d is out of range for %s (rank %d)", axis,
                           tt_shape_str(s, x->ndim, x->shape), (int)x->ndim);
        int ax = axis < 0 ? axis + x->ndim : axis;
        for (int i = 0; i < x->ndim; i++) {
            if (i < ax) outer *= (size_t)x->shape[i];
            if (i > ax) inner *= (size_t)x->shape[i];
        }
        len = (size_t)x->shape[ax];
    } else if (kind == TT_SOFTMAX && axis != 0 && axis != -1) {
        return tt_fail(TT_ERR_ARG, "softmax: dim %d is out of range for a scalar", axis);
    }
    int st = tt_tensor_alloc_uninit(out, x->ndim, x->shape, name);
    if (st != TT_OK || (*out)->size == 0) return st; /* softmax's slice loops could be huge and empty */
    float *y = (*out)->data;
    switch (kind) {
    case TT_RELU: tt_relu_forward(y, x->data, x->size); break;
    case TT_SIGMOID: tt_sigmoid_forward(y, x->data, x->size); break;
    case TT_TANH: tt_tanh_forward(y, x->data, x->size); break;
    case TT_GELU: tt_gelu_forward(y, x->data, x->size); break;
    default:
        if (len > 0) tt_softmax_forward(y, x->data, outer, len, inner);
        break;
    }
    return TT_OK;
}

/* Backward of tt_activation_forward. dx, dy, x and y all have x's shape;
 * x is the forward's input and y its output, and each kind reads only what
 * it needs (the other may be NULL):
 *   relu:    dx += y > 0 ? dy : 0      (y; 0 at x == 0 and for NaN, as PyTorch)
 *   sigmoid: dx += dy * y * (1 - y)    (y)
 *   tanh:    dx += dy * (1 - y^2)      (y)
 *   gelu:    dx += dy * (s + 1.702 x s (1 - s)), s = sigmoid(1.702 x)  (x)
 *   softmax: dx += y * (dy - sum(dy * y)) along `axis`  (y)
 * Each derivative is computed in double and rounded once to float; the
 * softmax sum runs front to back in double. dx may not be dy, x or y. */
int tt_activation_backward(tt_tensor *dx, const tt_tensor *dy, const tt_tensor *x,
                           const tt_tensor *y, int kind, int axis) {
    char s[TT_SHAPE_STR_LEN], s2[TT_SHAPE_STR_LEN];
    if (kind < TT_RELU || kind > TT_SOFTMAX)
        return tt_fail(TT_ERR_ARG, "activation backward: unknown kind %d", kind);
    static const char *const names[] = {"relu backward", "sigmoid backward", "tanh backward",
                                        "gelu backward", "softmax backward"};
    const char *name = names[kind];
    const int needs_x = kind == TT_GELU;
    TT_CHECK(dy, name, "dy");
    if (needs_x || x) TT_CHECK(x, name, "input x");
    if (!needs_x || y) TT_CHECK(y, name, "output y");
    if (dx) TT_CHECK(dx, name, "dx");
    if (dx && (dx == dy || dx == x || dx == y))
        return tt_fail(TT_ERR_ARG, "%s: dx is also an input (dy, x or y)", name);
    const tt_tensor *ts[3] = {dx, x, y};
    static const char *const what[3] = {"dx", "x", "y"};
    for (int i = 0; i < 3; i++) {
        const tt_tensor *t = ts[i];
        if (!t) continue;
        int same = t->ndim == dy->ndim;
        for (int j = 0; same && j < t->ndim; j++) same = t->shape[j] == dy->shape[j];
        if (!same)
            return tt_fail(TT_ERR_SHAPE, "%s: %s has shape %s but dy has shape %s", name, what[i],
                           tt_shape_str(s, t->ndim, t->shape), tt_shape_str(s2, dy->ndim, dy->shape));
    }
    size_t outer = 1, len = 1, inner = 1;
    if (kind == TT_SOFTMAX && dy->ndim > 0) {
        if (axis < -dy->ndim || axis >= dy->ndim)
            return tt_fail(TT_ERR_ARG, "softmax backward: dim %d is out of range for %s (rank %d)",
                           axis, tt_shape_str(s, dy->ndim, dy->shape), (int)dy->ndim);
        int ax = axis < 0 ? axis + dy->ndim : axis;
        for (int i = 0; i < dy->ndim; i++) {
            if (i < ax) outer *= (size_t)dy->shape[i];
            if (i > ax) inner *= (size_t)dy->shape[i];
        }
        len = (size_t)dy->shape[ax];
    } else if (kind == TT_SOFTMAX && axis != 0 && axis != -1) {
        return tt_fail(TT_ERR_ARG, "softmax backward: dim %d is out of range for a scalar", axis);
    }
    if (!dx || dy->size == 0) return TT_OK;
    float *d = dx->data;
    const float *g = dy->data;
    const size_t n = dy->size;
    switch (kind) {
    case TT_RELU:
        for (size_t i = 0; i < n; i++) d[i] += y->data[i] > 0.0f ? g[i] : 0.0f;
        break;
    case TT_SIGMOID:
        for (size_t i = 0; i < n; i++) {
            double v = (double)y->data[i];
            d[i] += (float)((double)g[i] * v * (1.0 - v));
        }
        break;
    case TT_TANH:
        for (size_t i = 0; i < n; i++) {
            double v = (double)y->data[i];
            d[i] += (float)((double)g[i] * (1.0 - v * v));
        }
        break;
    case TT_GELU:
        for (size_t i = 0; i < n; i++) {
            double v = (double)x->data[i], sg = tt_sigmoid1(1.702 * v);
            d[i] += (float)((double)g[i] * (sg + 1.702 * v * sg * (1.0 - sg)));
        }
        break;
    default:
        for (size_t o = 0; o < outer; o++)
            for (size_t in = 0; in < inner; in++) {
                size_t base = o * len * inner + in;
                const float *ys = y->data + base, *gs = g + base;
                double dot = 0.0;
                for (size_t i = 0; i < len; i++) dot += (double)gs[i * inner] * (double)ys[i * inner];
                for (size_t i = 0; i < len; i++)
                    d[base + i * inner] +=
                        (float)((double)ys[i * inner] * ((double)gs[i * inner] - dot));
            }
        break;
    }
    return TT_OK;
}
