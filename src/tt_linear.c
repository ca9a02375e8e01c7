/* tt_linear.c — the Linear layer: initialisers, y = x W + b, its
 * backward, and the same two on a packed weight (tt_packed).
 * The weight is stored [in_features, out_features] (K x N), as in the
 * lesson, so the forward pass is a plain row-major x @ W with no transpose. */
#include <stdlib.h>
#include <string.h>

#include "tt_internal.h"
#include "kernels/tt_f32_gemm.h"

/* w[i] = (float)(std * z_i), z_i the generator's next normals in order. */
static void tt_fill_normal(float *w, size_t count, double std, tt_generator *gen) {
    double z[TT_NORMAL_CHUNK];
    for (size_t i = 0; i < count; i += TT_NORMAL_CHUNK) {
        size_t c = count - i < TT_NORMAL_CHUNK ? count - i : TT_NORMAL_CHUNK;
        tt_gen_normals(gen, z, c);
        for (size_t j = 0; j < c; j++) w[i + j] = (float)(std * z[j]);
    }
}

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
    case TT_INIT_LESSON:
        tt_fill_normal(w, count, __builtin_sqrt(1.0 / fan_in), gen);
        break;
    case TT_INIT_HE_NORMAL:
        tt_fill_normal(w, count, __builtin_sqrt(2.0 / fan_in), gen);
        break;
    case TT_INIT_NAIVE_NORMAL:
        tt_fill_normal(w, count, 1.0, gen); /* 1.0 * z is z exactly */
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

/* The checks of a forward on a weight [K, N]: bias [N] or NULL, x [..., K].
 * Allocates y [..., N] into *out and sets *m to the row count. Shapes are
 * formatted only for a message (this runs on every forward). */
static int tt_linear_forward_begin(tt_tensor **out, size_t *m, const tt_tensor *x, int k, int n,
                                   const tt_tensor *bias, const char *op) {
    char sx[TT_SHAPE_STR_LEN], sb[TT_SHAPE_STR_LEN], sw[TT_SHAPE_STR_LEN];
    int32_t wd[2] = {k, n};
    if (bias && (bias->ndim != 1 || bias->shape[0] != n))
        return tt_fail(TT_ERR_SHAPE, "%s: bias %s does not match weight %s: expected [%d]", op,
                       tt_shape_str(sb, bias->ndim, bias->shape), tt_shape_str(sw, 2, wd), n);
    if (x->ndim < 1 || x->shape[x->ndim - 1] != k)
        return tt_fail(TT_ERR_SHAPE,
                       "%s: input %s @ weight %s: last input dimension must be in_features = %d",
                       op, tt_shape_str(sx, x->ndim, x->shape), tt_shape_str(sw, 2, wd), k);
    int32_t dims[TT_MAX_DIMS];
    *m = 1;
    for (int i = 0; i < x->ndim - 1; i++) {
        dims[i] = x->shape[i];
        *m *= (size_t)x->shape[i];
    }
    dims[x->ndim - 1] = n;
    return tt_tensor_alloc_uninit(out, x->ndim, dims, op);
}

/* x [..., K] @ W [K, N] + b [N] -> y [..., N]; M = product of x's leading
 * dims (1 for a 1-D x, 0 for an empty batch). */
int tt_linear_forward(tt_tensor **out, const tt_tensor *x, const tt_tensor *weight,
                      const tt_tensor *bias, int fuse_relu) {
    char sw[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "linear: out is NULL");
    *out = NULL;
    TT_CHECK(x, "linear", "input");
    TT_CHECK(weight, "linear", "weight");
    if (bias) TT_CHECK(bias, "linear", "bias");
    if (weight->ndim != 2)
        return tt_fail(TT_ERR_SHAPE, "linear: weight %s must be 2-D [in, out]",
                       tt_shape_str(sw, weight->ndim, weight->shape));
    int k = weight->shape[0], n = weight->shape[1];
    size_t m;
    int st = tt_linear_forward_begin(out, &m, x, k, n, bias, "linear");
    if (st != TT_OK) return st;
    tt_f32_gemm((*out)->data, x->data, weight->data, bias ? bias->data : NULL, (int)m, k, n,
                fuse_relu);
    return TT_OK;
}

/* The packed weight: op(B) of the forward GEMM (W [K, N]) in the kernel's
 * panel layout (src/kernels/tt_f32_gemm.h), and, from the first backward
 * on, op(B) of the dx GEMM (W^T [N, K]) packed the same way. */
struct tt_packed {
    float *w;      /* tt_gemm_packed_floats(k, n) floats */
    float *wt;     /* tt_gemm_packed_floats(n, k) floats, or NULL */
    int wt_valid;  /* wt holds the current W^T (cleared by tt_packed_update) */
    int32_t k, n;
    uint32_t magic; /* TT_PACKED_MAGIC while alive */
};

#define TT_PACKED_MAGIC 0x7450616bu /* "tPak" */

static int tt_live_packed;
static double tt_live_packed_bytes;

static double tt_packed_bytes_of(const tt_packed *p) {
    return (double)sizeof(float) * ((p->w ? (double)tt_gemm_packed_floats(p->k, p->n) : 0.0) +
                                    (p->wt ? (double)tt_gemm_packed_floats(p->n, p->k) : 0.0));
}

static int tt_check_packed(const tt_packed *p, const char *op) {
    if (p == NULL) return tt_fail(TT_ERR_STATE, "%s: packed weight is NULL", op);
    if (p->magic != TT_PACKED_MAGIC)
        return tt_fail(TT_ERR_STATE, "%s: packed weight is not a live packed weight (freed?)", op);
    return TT_OK;
}

/* One packed copy of k*n floats (padded to panels): the same limit as a
 * tensor, so a weight that fits packs unless the padding tips it over. */
static float *tt_packed_alloc(size_t floats, const char *op, int k, int n, int *st) {
    double bytes = (double)floats * sizeof(float);
    if (bytes > tt_max_tensor_bytes()) {
        *st = tt_fail(TT_ERR_NOMEM, "%s: packing weight [%d,%d] needs %.0f bytes, more than the %.0f a tensor may have",
                      op, k, n, bytes, tt_max_tensor_bytes());
        return NULL;
    }
    float *buf = tt_alloc_data(floats * sizeof(float), 0);
    if (!buf)
        *st = tt_fail(TT_ERR_NOMEM, "%s: out of memory packing weight [%d,%d] (%.0f bytes)", op, k,
                      n, bytes);
    return buf;
}

int tt_packed_new(tt_packed **out, const tt_tensor *weight) {
    char s[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "packed_new: out is NULL");
    *out = NULL;
    TT_CHECK(weight, "packed_new", "weight");
    if (weight->ndim != 2)
        return tt_fail(TT_ERR_SHAPE, "packed_new: weight %s must be 2-D [in, out]",
                       tt_shape_str(s, weight->ndim, weight->shape));
    int k = weight->shape[0], n = weight->shape[1], st = TT_OK;
    tt_packed *p = tt_realloc(NULL, sizeof *p);
    if (!p) return tt_fail(TT_ERR_NOMEM, "packed_new: out of memory for a packed weight header");
    p->w = tt_packed_alloc(tt_gemm_packed_floats(k, n), "packed_new", k, n, &st);
    if (!p->w) {
        free(p);
        return st;
    }
    p->wt = NULL;
    p->wt_valid = 0;
    p->k = k, p->n = n;
    tt_gemm_pack_b(p->w, weight->data, k, n, 0);
    p->magic = TT_PACKED_MAGIC;
    tt_live_packed++;
    tt_live_packed_bytes += tt_packed_bytes_of(p);
    *out = p;
    return TT_OK;
}

int tt_packed_update(tt_packed *p, const tt_tensor *weight) {
    char s[TT_SHAPE_STR_LEN];
    int st = tt_check_packed(p, "packed_update");
    if (st != TT_OK) return st;
    TT_CHECK(weight, "packed_update", "weight");
    int32_t dims[2] = {p->k, p->n};
    if (!tt_shape_is(weight, 2, dims))
        return tt_fail(TT_ERR_SHAPE, "packed_update: weight %s must have the packed shape [%d,%d]",
                       tt_shape_str(s, weight->ndim, weight->shape), (int)p->k, (int)p->n);
    tt_gemm_pack_b(p->w, weight->data, p->k, p->n, 0);
    p->wt_valid = 0; /* W^T is repacked by the next backward, into the same buffer */
    return TT_OK;
}

void tt_packed_free(tt_packed *p) {
    if (!p) return;
    if (p->magic != TT_PACKED_MAGIC) {
        tt_fail(TT_ERR_STATE, "packed_free: not a live packed weight (freed twice?); nothing freed");
        return;
    }
    p->magic = 0;
    tt_live_packed--;
    tt_live_packed_bytes -= tt_packed_bytes_of(p);
    free(p->w);
    free(p->wt);
    free(p);
}

double tt_packed_bytes(const tt_packed *p) {
    return p && p->magic == TT_PACKED_MAGIC ? tt_packed_bytes_of(p) : 0.0;
}

int tt_mem_packed(void) { return tt_live_packed; }
double tt_mem_packed_bytes(void) { return tt_live_packed_bytes; }

/* The same as tt_linear_forward with W read from its packing: the same
 * sums in the same order, so the same bits. */
int tt_linear_forward_packed(tt_tensor **out, const tt_tensor *x, const tt_packed *w,
                             const tt_tensor *bias, int fuse_relu) {
    if (!out) return tt_fail(TT_ERR_STATE, "linear_packed: out is NULL");
    *out = NULL;
    TT_CHECK(x, "linear_packed", "input");
    int st = tt_check_packed(w, "linear_packed");
    if (st != TT_OK) return st;
    if (bias) TT_CHECK(bias, "linear_packed", "bias");
    size_t m;
    st = tt_linear_forward_begin(out, &m, x, w->k, w->n, bias, "linear_packed");
    if (st != TT_OK) return st;
    tt_f32_gemm_prepacked((*out)->data, x->data, w->w, bias ? bias->data : NULL, (int)m, w->k,
                          w->n, 0, 0, fuse_relu);
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
 * cannot be allocated nothing is changed (TT_ERR_NOMEM). W is the tensor
 * weight or, when packed, pw, whose W^T packing is made here on first use
 * (weight is then NULL). */
static int tt_linear_backward_(tt_tensor *dx, tt_tensor *dweight, tt_tensor *dbias,
                               const tt_tensor *dy, const tt_tensor *x, const tt_tensor *weight,
                               tt_packed *pw, int packed, const tt_tensor *y, int fused_relu,
                               int assign, const char *op) {
    char s1[TT_SHAPE_STR_LEN], s2[TT_SHAPE_STR_LEN];
    TT_CHECK(dy, op, "dy");
    TT_CHECK(x, op, "input");
    if (!packed) {
        TT_CHECK(weight, op, "weight");
    } else {
        int st = tt_check_packed(pw, op);
        if (st != TT_OK) return st;
    }
    if (fused_relu) TT_CHECK(y, op, "output y (needed for the fused ReLU)");
    if (dx) TT_CHECK(dx, op, "dx");
    if (dweight) TT_CHECK(dweight, op, "dweight");
    if (dbias) TT_CHECK(dbias, op, "dbias");
    if (!packed && weight->ndim != 2)
        return tt_fail(TT_ERR_SHAPE, "%s: weight %s must be 2-D [in, out]", op,
                       tt_shape_str(s1, weight->ndim, weight->shape));
    int32_t wd[2] = {packed ? pw->k : weight->shape[0], packed ? pw->n : weight->shape[1]};
    int k = wd[0], n = wd[1];
    if (x->ndim < 1 || x->shape[x->ndim - 1] != k)
        return tt_fail(TT_ERR_SHAPE,
                       "%s: input %s @ weight %s: last input dimension must be in_features = %d",
                       op, tt_shape_str(s1, x->ndim, x->shape), tt_shape_str(s2, 2, wd), k);
    int32_t ydims[TT_MAX_DIMS];
    size_t m = 1;
    for (int i = 0; i < x->ndim - 1; i++) {
        ydims[i] = x->shape[i];
        m *= (size_t)x->shape[i];
    }
    ydims[x->ndim - 1] = n;
    if (!tt_shape_is(dy, x->ndim, ydims))
        return tt_fail(TT_ERR_SHAPE, "%s: dy %s must be the output shape %s", op,
                       tt_shape_str(s1, dy->ndim, dy->shape), tt_shape_str(s2, x->ndim, ydims));
    if (fused_relu && !tt_shape_is(y, x->ndim, ydims))
        return tt_fail(TT_ERR_SHAPE, "%s: y %s must be the output shape %s", op,
                       tt_shape_str(s1, y->ndim, y->shape), tt_shape_str(s2, x->ndim, ydims));
    if (dx && !tt_shape_is(dx, x->ndim, x->shape))
        return tt_fail(TT_ERR_SHAPE, "%s: dx %s must have the input's shape %s", op,
                       tt_shape_str(s1, dx->ndim, dx->shape), tt_shape_str(s2, x->ndim, x->shape));
    if (dweight && !tt_shape_is(dweight, 2, wd))
        return tt_fail(TT_ERR_SHAPE, "%s: dweight %s must have the weight's shape %s", op,
                       tt_shape_str(s1, dweight->ndim, dweight->shape), tt_shape_str(s2, 2, wd));
    if (dbias && !(dbias->ndim == 1 && dbias->shape[0] == n))
        return tt_fail(TT_ERR_SHAPE, "%s: dbias %s must be [%d] for weight %s", op,
                       tt_shape_str(s1, dbias->ndim, dbias->shape), n, tt_shape_str(s2, 2, wd));
    const tt_tensor *ins[4] = {dy, x, weight, fused_relu ? y : NULL};
    tt_tensor *outs[3] = {dx, dweight, dbias};
    static const char *const out_names[3] = {"dx", "dweight", "dbias"};
    for (int o = 0; o < 3; o++) {
        if (!outs[o]) continue;
        int clash = 0;
        for (int i = 0; i < 4; i++) clash |= outs[o] == ins[i];
        for (int j = o + 1; j < 3; j++) clash |= outs[o] == outs[j];
        if (clash)
            return tt_fail(TT_ERR_ARG, "%s: %s cannot be an input or another gradient", op,
                           out_names[o]);
    }
    if (!dx && !dweight && !dbias) return TT_OK;
    if (packed && dx && !pw->wt_valid) { /* pack W^T once per weight version */
        int st = TT_OK;
        if (!pw->wt) {
            pw->wt = tt_packed_alloc(tt_gemm_packed_floats(n, k), op, k, n, &st);
            if (!pw->wt) return st;
            tt_live_packed_bytes += (double)tt_gemm_packed_floats(n, k) * sizeof(float);
        }
        tt_gemm_pack_transposed(pw->wt, pw->w, k, n);
        pw->wt_valid = 1;
    }
    /* scratch: [M*N] masked dy when fused, then [N] column sums */
    int need_mask = fused_relu && (dx || dweight) && m * (size_t)n > 0;
    int need_sums = dbias != NULL && n > 0;
    int32_t sdims[1] = {(int32_t)0};
    size_t scratch = (need_mask ? m * (size_t)n : 0) + (need_sums ? (size_t)n : 0);
    tt_tensor *tmp = NULL;
    if (scratch > 0) {
        if (scratch > 0x7fffffff)
            return tt_fail(TT_ERR_NOMEM, "%s: scratch of %.0f floats is too large", op,
                           (double)scratch);
        sdims[0] = (int32_t)scratch;
        int st = tt_tensor_alloc_uninit(&tmp, 1, sdims, op);
        if (st != TT_OK) return st;
    }
    const float *g = dy->data;
    float *restrict sums = need_sums ? tmp->data + (need_mask ? m * (size_t)n : 0) : NULL;
    int summed = 0;
    if (need_mask) {
        /* Pointers in locals: through y->data, a store to gm could alias
         * the struct, and clang left the loop scalar. With dbias, the
         * column sums are taken in the same pass (each column over rows in
         * order, as below). */
        float *restrict gm = tmp->data;
        const float *restrict yd = y->data;
        const float *restrict dd = dy->data;
        if (need_sums) {
            for (int j = 0; j < n; j++) sums[j] = 0.0f;
            for (size_t i = 0; i < m; i++) {
                const float *restrict yi = yd + i * n, *restrict gi = dd + i * n;
                float *restrict mi = gm + i * n;
                int j = 0;
#if defined(__wasm_simd128__)
                /* y > 0 ? g : +0 as an AND with the compare's lanes (a NaN y
                 * compares false: +0, as the scalar select); clang did not
                 * vectorise the select */
                for (; j + 4 <= n; j += 4) {
                    v128_t keep = wasm_f32x4_gt(wasm_v128_load(yi + j), wasm_f32x4_splat(0.0f));
                    v128_t v = wasm_v128_and(wasm_v128_load(gi + j), keep);
                    wasm_v128_store(mi + j, v);
                    wasm_v128_store(sums + j, wasm_f32x4_add(wasm_v128_load(sums + j), v));
                }
#endif
                for (; j < n; j++) {
                    float v = yi[j] > 0.0f ? gi[j] : 0.0f;
                    mi[j] = v;
                    sums[j] = sums[j] + v;
                }
            }
            summed = 1;
        } else {
            size_t i = 0, mn = m * (size_t)n;
#if defined(__wasm_simd128__)
            for (; i + 4 <= mn; i += 4)
                wasm_v128_store(gm + i, wasm_v128_and(wasm_v128_load(dd + i),
                                                      wasm_f32x4_gt(wasm_v128_load(yd + i), wasm_f32x4_splat(0.0f))));
#endif
            for (; i < mn; i++) gm[i] = yd[i] > 0.0f ? dd[i] : 0.0f;
        }
        g = gm;
    }
    /* An assigned GEMM output starts from the accumulators' +0 and adds
     * the products in the same order, and an accumulator is never -0
     * (+0 + -0 is +0): the bits of 0 + the sum. */
    int acc_dx = !(assign & TT_ASSIGN_DX), acc_dw = !(assign & TT_ASSIGN_DWEIGHT);
    if (dx && !packed) tt_f32_gemm_ex(dx->data, g, weight->data, NULL, (int)m, n, k, 0, 1, acc_dx, 0);
    if (dx && packed) tt_f32_gemm_prepacked(dx->data, g, pw->wt, NULL, (int)m, n, k, 0, acc_dx, 0);
    if (dweight) tt_f32_gemm_ex(dweight->data, x->data, g, NULL, k, (int)m, n, 1, 0, acc_dw, 0);
    if (need_sums) {
        if (summed) {
            /* taken with the mask above */
        } else if (!fused_relu) {
            for (int j = 0; j < n; j++) sums[j] = 0.0f; /* g is the (masked) dy: a plain add per column */
            for (size_t i = 0; i < m; i++) { /* row by row: each column still in row order */
                const float *gi = g + i * n;
                for (int j = 0; j < n; j++) sums[j] = sums[j] + gi[j];
            }
        } else { /* fused, dbias only: mask while summing */
            for (int j = 0; j < n; j++) sums[j] = 0.0f;
            for (size_t i = 0; i < m; i++) {
                const float *gi = dy->data + i * n, *yi = y->data + i * n;
                for (int j = 0; j < n; j++) sums[j] = sums[j] + (yi[j] > 0.0f ? gi[j] : 0.0f);
            }
        }
        if (assign & TT_ASSIGN_DBIAS) /* a sum from +0 is never -0: the bits of 0 + sums */
            memcpy(dbias->data, sums, (size_t)n * sizeof(float));
        else
            for (int j = 0; j < n; j++) dbias->data[j] = dbias->data[j] + sums[j];
    }
    tt_tensor_free(tmp);
    return TT_OK;
}

int tt_linear_backward(tt_tensor *dx, tt_tensor *dweight, tt_tensor *dbias, const tt_tensor *dy,
                       const tt_tensor *x, const tt_tensor *weight, const tt_tensor *y,
                       int fused_relu) {
    return tt_linear_backward_(dx, dweight, dbias, dy, x, weight, NULL, 0, y, fused_relu, 0,
                               "linear_backward");
}

int tt_linear_backward_ex(tt_tensor *dx, tt_tensor *dweight, tt_tensor *dbias,
                          const tt_tensor *dy, const tt_tensor *x, const tt_tensor *weight,
                          const tt_tensor *y, int fused_relu, int assign) {
    return tt_linear_backward_(dx, dweight, dbias, dy, x, weight, NULL, 0, y, fused_relu, assign,
                               "linear_backward");
}

int tt_linear_backward_packed(tt_tensor *dx, tt_tensor *dweight, tt_tensor *dbias,
                              const tt_tensor *dy, const tt_tensor *x, tt_packed *w,
                              const tt_tensor *y, int fused_relu) {
    return tt_linear_backward_(dx, dweight, dbias, dy, x, NULL, w, 1, y, fused_relu, 0,
                               "linear_backward_packed");
}
