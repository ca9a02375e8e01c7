/* tt_optim.c — one parameter tensor's update for SGD and Adam, with
 * PyTorch's rules (torch.optim.SGD and torch.optim.Adam, single-tensor
 * path), so a run can be compared with PyTorch step by step.
 *
 * Element-wise in float32 as PyTorch's float tensors are: every
 * hyperparameter is rounded to float once (as PyTorch's scalar `alpha` /
 * `value` arguments are) and each line of the update is the same float
 * operations in the same order as PyTorch's tensor calls. Only Adam's bias
 * corrections are double (Python floats there); beta^step is computed by
 * repeated squaring here instead of libm's pow, so it can differ from
 * Python's in the last bit of a double, far below float. The state
 * (momentum buffer, exp_avg, exp_avg_sq, the step count) belongs to the
 * caller. Every argument is checked before anything is written: a failed
 * step changes nothing. */
#include <string.h>

#include "tt_internal.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

static int tt_finite(double x) { return x == x && x - x == 0.0; }

static int tt_same_shape(const tt_tensor *a, const tt_tensor *b) {
    if (a->ndim != b->ndim) return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return 0;
    return 1;
}

/* t must be a live tensor of param's shape that is none of the others. */
static int tt_optim_buffer(const tt_tensor *t, const tt_tensor *param, const char *op,
                           const char *what) {
    char s1[TT_SHAPE_STR_LEN], s2[TT_SHAPE_STR_LEN];
    TT_CHECK(t, op, what);
    if (!tt_same_shape(t, param))
        return tt_fail(TT_ERR_SHAPE, "%s: %s has shape %s but param has shape %s", op, what,
                       tt_shape_str(s1, t->ndim, t->shape),
                       tt_shape_str(s2, param->ndim, param->shape));
    return TT_OK;
}

/* ---- SGD -------------------------------------------------------------- */

/* A subnormal float (0 < |x| < FLT_MIN) becomes +0 in the optimizers'
 * state. Without it a parameter whose gradient is exactly zero (an MNIST
 * border pixel's weights, a dead ReLU's) keeps its momentum or Adam moment
 * decaying into the subnormal range, where x * 0.9 rounds back to the same
 * subnormal for ever; the CPU then takes a slow path on every step for
 * each of them (wasm cannot set flush-to-zero). Measured 2026-12-08 on
 * this project's Xeon: the page's MNIST run went from 3.1 to 4.4 ms per
 * Adam step late in training, and a network whose first layer died from
 * 2.2 to 11.6 ms. PyTorch keeps the subnormals (torch.set_flush_denormal
 * is off by default): the difference is below 1.2e-38 in a moment, which
 * moves no weight by a representable amount. The same code in every build
 * (native, wasm SIMD, wasm scalar), so the bits stay identical. */
static inline float tt_flush_subnormal(float x) {
    return __builtin_fabsf(x) < 1.17549435e-38f ? 0.0f : x;
}
#if defined(__wasm_simd128__)
#define TT_FLUSH4(x) tt_flush4(x)
/* A lane mask clang cannot see through. Without it clang turns x & mask
 * (mask from a compare) into a select, which V8 lowers to three
 * instructions (pandn, pand, por) where the AND is one: in Adam's loop,
 * three of them per vector. */
static inline v128_t tt_opaque4(v128_t m) {
    __asm__("" : "+r"(m));
    return m;
}
static inline v128_t tt_flush4(v128_t x) {
    /* |x| < FLT_MIN exactly when the exponent field is 0 (+-0 and the
     * subnormals; NaN and infinity have it all ones and are kept, as in the
     * scalar code): an AND, a compare and an AND-NOT on integer lanes. The
     * float abs-compare-select cost Adam's update 0.11 of its 0.30 ms
     * (2026-12-08, Node, this Xeon). */
    v128_t e = wasm_v128_and(x, wasm_i32x4_splat(0x7f800000));
    return wasm_v128_andnot(x, tt_opaque4(wasm_i32x4_eq(e, wasm_i32x4_splat(0))));
}
/* x where |x| >= t, else +0, for t >= 0 given as (bits of t) - 1: the
 * integer order of non-negative floats' bits is their order, NaN's bits
 * (exponent all ones, mantissa nonzero) are above infinity's (kept, as the
 * scalar |x| < t is false for NaN), and t = +0 gives -1 (all kept). */
static inline v128_t tt_keep_ge4(v128_t x, v128_t t_bits_minus_1) {
    v128_t mag = wasm_v128_and(x, wasm_i32x4_splat(0x7fffffff));
    return wasm_v128_and(x, tt_opaque4(wasm_i32x4_gt(mag, t_bits_minus_1)));
}
#endif

/* param [any shape] -= lr * g, per element, where
 *   g = grad + weight_decay * param                  (if weight_decay != 0)
 *   if momentum != 0:
 *       buf = first_step ? g : momentum * buf + (1 - dampening) * g
 *       g = nesterov ? g + momentum * buf : buf
 * grad and momentum_buf have param's shape; momentum_buf is read and
 * written only when momentum != 0 (it may be NULL otherwise). first_step
 * is PyTorch's "no momentum buffer yet". Checks are PyTorch's (lr,
 * momentum, weight_decay >= 0; nesterov needs momentum > 0 and dampening
 * 0), and non-finite hyperparameters are rejected too. */
int tt_sgd_step(tt_tensor *param, const tt_tensor *grad, tt_tensor *momentum_buf, double lr,
                double momentum, double dampening, double weight_decay, int nesterov,
                int first_step) {
    const char *op = "sgd";
    TT_CHECK(param, op, "param");
    int st = tt_optim_buffer(grad, param, op, "grad");
    if (st != TT_OK) return st;
    if (!tt_finite(lr) || lr < 0)
        return tt_fail(TT_ERR_ARG, "sgd: learning rate %g must be finite and >= 0", lr);
    if (!tt_finite(momentum) || momentum < 0)
        return tt_fail(TT_ERR_ARG, "sgd: momentum %g must be finite and >= 0", momentum);
    if (!tt_finite(dampening))
        return tt_fail(TT_ERR_ARG, "sgd: dampening %g must be finite", dampening);
    if (!tt_finite(weight_decay) || weight_decay < 0)
        return tt_fail(TT_ERR_ARG, "sgd: weight_decay %g must be finite and >= 0", weight_decay);
    if (nesterov && (momentum <= 0 || dampening != 0))
        return tt_fail(TT_ERR_ARG,
                       "sgd: nesterov momentum needs momentum > 0 and dampening 0 (got %g and %g)",
                       momentum, dampening);
    if (momentum != 0) {
        if (!momentum_buf)
            return tt_fail(TT_ERR_STATE, "sgd: momentum %g needs a momentum_buf (it is NULL)",
                           momentum);
        st = tt_optim_buffer(momentum_buf, param, op, "momentum_buf");
        if (st != TT_OK) return st;
        if (momentum_buf == param || momentum_buf == grad)
            return tt_fail(TT_ERR_ARG, "sgd: momentum_buf must be a tensor of its own, not param or grad");
    }
    if (grad == param) return tt_fail(TT_ERR_ARG, "sgd: grad and param are the same tensor");

    const float wd = (float)weight_decay, mom = (float)momentum;
    const float keep = (float)(1.0 - dampening), neg_lr = (float)-lr;
    float *p = param->data, *buf = momentum != 0 ? momentum_buf->data : NULL;
    const float *gr = grad->data;
    /* (clang vectorises this loop itself: a hand-written f32x4 loop measured
     * 20-25 % slower in Node, 0.083-0.135 against 0.067-0.102 ms) */
    size_t i = 0;
    for (; i < param->size; i++) {
        float g = gr[i];
        if (weight_decay != 0) g = g + wd * p[i];   /* grad.add(param, alpha=wd) */
        if (momentum != 0) {
            float b = first_step ? g : buf[i] * mom + keep * g; /* buf.mul_(m).add_(g, alpha=1-d) */
            b = tt_flush_subnormal(b);              /* see tt_flush_subnormal */
            buf[i] = b;
            g = nesterov ? g + mom * b : b;         /* grad.add(buf, alpha=momentum) */
        }
        p[i] = p[i] + neg_lr * g;                   /* param.add_(grad, alpha=-lr) */
    }
    return TT_OK;
}

/* ---- Adam ------------------------------------------------------------- */

/* b^n for n >= 1 by repeated squaring, in double. */
static double tt_powi(double b, int n) {
    double r = 1.0;
    while (n > 0) {
        if (n & 1) r *= b;
        b *= b;
        n >>= 1;
    }
    return r;
}

/* One Adam step (not AdamW) on param [any shape]; grad, exp_avg and
 * exp_avg_sq have its shape, and step >= 1 is the step count after this
 * step is counted (1 on the first call). Per element:
 *   g = grad + weight_decay * param                  (if weight_decay != 0)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   param -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
 * with bc1 = 1 - beta1^step and bc2 = 1 - beta2^step in double. Checks are
 * PyTorch's: lr, eps, weight_decay >= 0, 0 <= beta < 1 (and finite). */
int tt_adam_step(tt_tensor *param, const tt_tensor *grad, tt_tensor *exp_avg,
                 tt_tensor *exp_avg_sq, int step, double lr, double beta1, double beta2,
                 double eps, double weight_decay) {
    const char *op = "adam";
    TT_CHECK(param, op, "param");
    int st = tt_optim_buffer(grad, param, op, "grad");
    if (st == TT_OK) st = tt_optim_buffer(exp_avg, param, op, "exp_avg");
    if (st == TT_OK) st = tt_optim_buffer(exp_avg_sq, param, op, "exp_avg_sq");
    if (st != TT_OK) return st;
    const tt_tensor *all[4] = {param, grad, exp_avg, exp_avg_sq};
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (all[i] == all[j])
                return tt_fail(TT_ERR_ARG, "adam: param, grad, exp_avg and exp_avg_sq must be "
                                           "four different tensors");
    if (step < 1)
        return tt_fail(TT_ERR_ARG, "adam: step %d must be >= 1 (the count after this step)", step);
    if (!tt_finite(lr) || lr < 0)
        return tt_fail(TT_ERR_ARG, "adam: learning rate %g must be finite and >= 0", lr);
    if (!tt_finite(eps) || eps < 0)
        return tt_fail(TT_ERR_ARG, "adam: eps %g must be finite and >= 0", eps);
    if (!(beta1 >= 0 && beta1 < 1))
        return tt_fail(TT_ERR_ARG, "adam: beta1 %g must be in [0, 1)", beta1);
    if (!(beta2 >= 0 && beta2 < 1))
        return tt_fail(TT_ERR_ARG, "adam: beta2 %g must be in [0, 1)", beta2);
    if (!tt_finite(weight_decay) || weight_decay < 0)
        return tt_fail(TT_ERR_ARG, "adam: weight_decay %g must be finite and >= 0", weight_decay);

    const double bc1 = 1.0 - tt_powi(beta1, step), bc2 = 1.0 - tt_powi(beta2, step);
    const float neg_step_size = (float)-(lr / bc1), bc2_sqrt = (float)__builtin_sqrt(bc2);
    /* An m this small would make neg_step_size * m subnormal (the slow path
     * again: a dead unit's m takes ~65 steps of x0.9 to fall from 1e-30 to
     * 1e-38, and each step's update of it was two slow operations; 10,000 such
     * elements in the first layer of a network with dead units cost 1-3 ms a
     * step). Its update, below 1.2e-38 / eps = 1.2e-30, moves no weight of
     * magnitude above 1e-23 by a representable amount: it counts as 0. */
    const float m_tiny = 1.17549435e-38f / __builtin_fabsf(neg_step_size);
    const float wd = (float)weight_decay, b1 = (float)beta1, b2 = (float)beta2;
    const float k1 = (float)(1.0 - beta1), k2 = (float)(1.0 - beta2), e = (float)eps;
    float *p = param->data, *m = exp_avg->data, *v = exp_avg_sq->data;
    const float *gr = grad->data;
    size_t i = 0;
#if defined(__wasm_simd128__)
    /* Four lanes at a time, the same operations in the same order: f32x4
     * sqrt and div round like the scalar ones, so the bits are identical.
     * The scalar loop's square root and two divisions per element were
     * most of the step's cost (1.4 ms for the lesson MLP's 235,146
     * parameters); this loop is memory-bound. */
    {
        const v128_t vwd = wasm_f32x4_splat(wd), vb1 = wasm_f32x4_splat(b1);
        const v128_t vb2 = wasm_f32x4_splat(b2), vk1 = wasm_f32x4_splat(k1);
        const v128_t vk2 = wasm_f32x4_splat(k2), ve = wasm_f32x4_splat(e);
        const v128_t vbc2 = wasm_f32x4_splat(bc2_sqrt), vss = wasm_f32x4_splat(neg_step_size);
        uint32_t tiny_bits;
        memcpy(&tiny_bits, &m_tiny, sizeof tiny_bits);
        const v128_t vtiny = wasm_i32x4_splat((int32_t)tiny_bits - 1); /* m_tiny >= +0: bits <= inf's */
        const size_t n = param->size; /* a local: the stores below could alias param->size */
        /* Weight decay's branch outside the loop (inside it, V8 kept a flag
         * and its vector on the stack), one vector per iteration: 12 vector
         * constants and a vector's temporaries fit V8's 16 xmm registers,
         * two vectors' spilled constants to the stack (measured slower). */
#define TT_ADAM4(WD)                                                                             \
    for (; i + 4 <= n; i += 4) {                                                                 \
        v128_t g = wasm_v128_load(gr + i), pv = wasm_v128_load(p + i);                           \
        if (WD) g = wasm_f32x4_add(g, wasm_f32x4_mul(vwd, pv));                                  \
        v128_t mv = TT_FLUSH4(wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1),         \
                                             wasm_f32x4_mul(vk1, g)));                           \
        v128_t vv = TT_FLUSH4(wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2),         \
                                             wasm_f32x4_mul(wasm_f32x4_mul(vk2, g), g)));        \
        wasm_v128_store(m + i, mv);                                                              \
        wasm_v128_store(v + i, vv);                                                              \
        v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(vv), vbc2), ve);            \
        v128_t mu = tt_keep_ge4(mv, vtiny);                                                      \
        wasm_v128_store(p + i, wasm_f32x4_add(pv, wasm_f32x4_div(wasm_f32x4_mul(vss, mu), denom))); \
    }
        if (weight_decay != 0) {
            TT_ADAM4(1)
        } else {
            TT_ADAM4(0)
        }
#undef TT_ADAM4
    }
#endif
    for (; i < param->size; i++) {
        float g = gr[i];
        if (weight_decay != 0) g = g + wd * p[i];        /* grad.add(param, alpha=wd) */
        m[i] = tt_flush_subnormal(m[i] * b1 + k1 * g);    /* m.mul_(b1).add_(g, alpha=1-b1) */
        v[i] = tt_flush_subnormal(v[i] * b2 + k2 * g * g); /* v.mul_(b2).addcmul_(g, g, value=1-b2) */
        float denom = __builtin_sqrtf(v[i]) / bc2_sqrt + e; /* (v.sqrt() / sqrt(bc2)).add_(eps) */
        float mu = __builtin_fabsf(m[i]) < m_tiny ? 0.0f : m[i]; /* see m_tiny */
        p[i] = p[i] + neg_step_size * mu / denom;        /* param.addcdiv_(m, denom, value=-lr/bc1) */
    }
    return TT_OK;
}
