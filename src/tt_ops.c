/* tt_ops.c — the tensor ops the lesson needs: broadcasting arithmetic,
 * matmul, reshape, transpose and reductions. Each validates its inputs and
 * names the shapes in its error; the forwards allocate their result, and
 * each *_backward, right below its forward, accumulates (+=) into gradient
 * buffers the caller provides (any of them may be NULL). */
#include <math.h>
#include <string.h>

#include "tt_internal.h"

static const char *const tt_binary_names[] = {"add", "sub", "mul", "div"};

/* Pad a shape on the left to rank 4 with 1s: [3,4] -> [1,1,3,4]. */
static void tt_pad4(int32_t out[4], int ndim, const int32_t *dims) {
    for (int i = 0; i < 4; i++) out[i] = 1;
    for (int i = 0; i < ndim; i++) out[4 - ndim + i] = dims[i];
}

/* Row-major strides of a rank-4 padded shape, with 0 where the dim is 1
 * and broadcast against a larger one (the stride trick NumPy uses). */
static void tt_bcast_strides(size_t strides[4], const int32_t dims[4], const int32_t out[4]) {
    size_t s = 1;
    for (int i = 3; i >= 0; i--) {
        strides[i] = (dims[i] == 1 && out[i] != 1) ? 0 : s;
        s *= (size_t)dims[i];
    }
}

static inline float tt_apply(int op, float x, float y) {
    switch (op) {
    case TT_ADD: return x + y;
    case TT_SUB: return x - y;
    case TT_MUL: return x * y;
    default: return x / y; /* IEEE: x/0 is +-inf or NaN, never a trap */
    }
}

int tt_tensor_binary(tt_tensor **out, const tt_tensor *a, const tt_tensor *b, int op) {
    if (!out) return tt_fail(TT_ERR_STATE, "binary op: out is NULL");
    *out = NULL;
    if (op < TT_ADD || op > TT_DIV) return tt_fail(TT_ERR_ARG, "binary op: unknown op %d", op);
    const char *name = tt_binary_names[op];
    TT_CHECK(a, name, "left operand");
    TT_CHECK(b, name, "right operand");
    /* Shapes align on the right; each pair must be equal or contain a 1. */
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    int32_t pa[4], pb[4], po[4];
    tt_pad4(pa, a->ndim, a->shape);
    tt_pad4(pb, b->ndim, b->shape);
    for (int i = 0; i < 4; i++) {
        if (pa[i] != pb[i] && pa[i] != 1 && pb[i] != 1) {
            char sa[TT_SHAPE_STR_LEN], sb[TT_SHAPE_STR_LEN];
            return tt_fail(TT_ERR_SHAPE,
                           "%s: shapes %s and %s cannot be broadcast: dimension %d is %d vs %d",
                           name, tt_shape_str(sa, a->ndim, a->shape),
                           tt_shape_str(sb, b->ndim, b->shape), i - (4 - nd), (int)pa[i],
                           (int)pb[i]);
        }
        po[i] = pa[i] == 1 ? pb[i] : pa[i];
    }
    int st = tt_tensor_alloc_uninit(out, nd, po + (4 - nd), name);
    if (st != TT_OK || (*out)->size == 0) return st; /* empty: loops over huge dims would do nothing, slowly */
    float *y = (*out)->data;
    const float *x0 = a->data, *x1 = b->data;
    if (a->size == b->size && a->size == (*out)->size) { /* same shape: one flat pass */
        for (size_t i = 0; i < a->size; i++) y[i] = tt_apply(op, x0[i], x1[i]);
        return TT_OK;
    }
    size_t sa[4], sb[4];
    tt_bcast_strides(sa, pa, po);
    tt_bcast_strides(sb, pb, po);
    size_t o = 0;
    for (int i0 = 0; i0 < po[0]; i0++)
        for (int i1 = 0; i1 < po[1]; i1++)
            for (int i2 = 0; i2 < po[2]; i2++) {
                const float *r0 = x0 + i0 * sa[0] + i1 * sa[1] + i2 * sa[2];
                const float *r1 = x1 + i0 * sb[0] + i1 * sb[1] + i2 * sb[2];
                for (int i3 = 0; i3 < po[3]; i3++)
                    y[o++] = tt_apply(op, r0[i3 * sa[3]], r1[i3 * sb[3]]);
            }
    return TT_OK;
}

/* The gradient tensors must be exactly the shapes they are the gradient of
 * (tt_shape_is, tt_internal.h). */

/* d is a gradient buffer the call writes while it reads x. */
static int tt_aliases(const tt_tensor *d, const tt_tensor *x) { return d && x && d == x; }

static inline float tt_binary_grad_term(int op, int wrt_b, float dy, float x, float y) {
    switch (op) {
    case TT_ADD: return dy;
    case TT_SUB: return wrt_b ? -dy : dy;
    case TT_MUL: return wrt_b ? dy * x : dy * y;
    default: return wrt_b ? -dy * ((x / y) / y) : dy / y; /* PyTorch's (a/b)/b: b*b could overflow */
    }
}

/* dt += d(a op b)/d(target) * dy, summed over every output position that
 * reads each element of the target (a when !wrt_b, else b). pt, pa, pb, po
 * are the rank-4 padded shapes. Output index = target index + r, where r
 * runs over the dims the target was broadcast on (0 elsewhere), so each
 * element's sum runs over those positions in row-major order, in double. */
static void tt_binary_grad(float *dt, int wrt_b, int op, const float *dy, const float *a,
                           const float *b, const int32_t pa[4], const int32_t pb[4],
                           const int32_t po[4]) {
    const int32_t *pt = wrt_b ? pb : pa;
    size_t sa[4], sb[4], so[4], s = 1;
    int32_t red[4];
    tt_bcast_strides(sa, pa, po);
    tt_bcast_strides(sb, pb, po);
    for (int i = 3; i >= 0; i--) {
        so[i] = s;
        s *= (size_t)po[i];
        red[i] = pt[i] == po[i] ? 1 : po[i];
    }
    size_t t = 0;
    for (int j0 = 0; j0 < pt[0]; j0++)
        for (int j1 = 0; j1 < pt[1]; j1++)
            for (int j2 = 0; j2 < pt[2]; j2++)
                for (int j3 = 0; j3 < pt[3]; j3++) {
                    double sum = 0.0;
                    for (int r0 = 0; r0 < red[0]; r0++)
                        for (int r1 = 0; r1 < red[1]; r1++)
                            for (int r2 = 0; r2 < red[2]; r2++)
                                for (int r3 = 0; r3 < red[3]; r3++) {
                                    size_t i0 = (size_t)(j0 + r0), i1 = (size_t)(j1 + r1),
                                           i2 = (size_t)(j2 + r2), i3 = (size_t)(j3 + r3);
                                    size_t o = i0 * so[0] + i1 * so[1] + i2 * so[2] + i3 * so[3];
                                    float x = a[i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3]];
                                    float y = b[i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3]];
                                    sum += (double)tt_binary_grad_term(op, wrt_b, dy[o], x, y);
                                }
                    dt[t++] += (float)sum;
                }
}

/* The op names backward messages use, by tt_binary_op. */
static const char *const tt_binary_backward_names[] = {"add backward", "sub backward",
                                                      "mul backward", "div backward"};

/* da [a's shape] += sum over broadcast dims of dy * d(a op b)/da, and db
 * likewise; dy has the forward output's shape broadcast(a, b). Each term is
 * computed in float as PyTorch does (mul: dy*b, div: dy/b and
 * -dy*((a/b)/b)). da and db may be NULL, or the same buffer (y = x*x with
 * a == b): the two accumulate one after the other. Neither may be dy, a or
 * b. */
int tt_tensor_binary_backward(tt_tensor *da, tt_tensor *db, const tt_tensor *dy,
                              const tt_tensor *a, const tt_tensor *b, int op) {
    char sa[TT_SHAPE_STR_LEN], sb[TT_SHAPE_STR_LEN], so[TT_SHAPE_STR_LEN], sd[TT_SHAPE_STR_LEN];
    if (op < TT_ADD || op > TT_DIV)
        return tt_fail(TT_ERR_ARG, "binary backward: unknown op %d", op);
    const char *name = tt_binary_backward_names[op];
    TT_CHECK(dy, name, "dy");
    TT_CHECK(a, name, "left operand");
    TT_CHECK(b, name, "right operand");
    if (da) TT_CHECK(da, name, "da");
    if (db) TT_CHECK(db, name, "db");
    const tt_tensor *ins[3] = {dy, a, b};
    for (int i = 0; i < 3; i++)
        if (tt_aliases(da, ins[i]) || tt_aliases(db, ins[i]))
            return tt_fail(TT_ERR_ARG, "%s: a gradient buffer is also an input (dy, a or b)",
                           name);
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    int32_t pa[4], pb[4], po[4];
    tt_pad4(pa, a->ndim, a->shape);
    tt_pad4(pb, b->ndim, b->shape);
    tt_shape_str(sa, a->ndim, a->shape);
    tt_shape_str(sb, b->ndim, b->shape);
    for (int i = 0; i < 4; i++) {
        if (pa[i] != pb[i] && pa[i] != 1 && pb[i] != 1)
            return tt_fail(TT_ERR_SHAPE, "%s: shapes %s and %s cannot be broadcast", name, sa, sb);
        po[i] = pa[i] == 1 ? pb[i] : pa[i];
    }
    tt_shape_str(so, nd, po + (4 - nd));
    if (!tt_shape_is(dy, nd, po + (4 - nd)))
        return tt_fail(TT_ERR_SHAPE, "%s: dy has shape %s, expected %s (the output of %s and %s)",
                       name, tt_shape_str(sd, dy->ndim, dy->shape), so, sa, sb);
    if (da && !tt_shape_is(da, a->ndim, a->shape))
        return tt_fail(TT_ERR_SHAPE, "%s: da has shape %s, expected a's shape %s", name,
                       tt_shape_str(sd, da->ndim, da->shape), sa);
    if (db && !tt_shape_is(db, b->ndim, b->shape))
        return tt_fail(TT_ERR_SHAPE, "%s: db has shape %s, expected b's shape %s", name,
                       tt_shape_str(sd, db->ndim, db->shape), sb);
    if (dy->size == 0) return TT_OK; /* nothing flows back; the loops could be huge and empty */
    if (da) tt_binary_grad(da->data, 0, op, dy->data, a->data, b->data, pa, pb, po);
    if (db) tt_binary_grad(db->data, 1, op, dy->data, a->data, b->data, pa, pb, po);
    return TT_OK;
}

int tt_tensor_binary_scalar(tt_tensor **out, const tt_tensor *a, float s, int op,
                            int scalar_first) {
    if (!out) return tt_fail(TT_ERR_STATE, "binary op: out is NULL");
    *out = NULL;
    if (op < TT_ADD || op > TT_DIV) return tt_fail(TT_ERR_ARG, "binary op: unknown op %d", op);
    TT_CHECK(a, tt_binary_names[op], "tensor operand");
    int st = tt_tensor_alloc_uninit(out, a->ndim, a->shape, tt_binary_names[op]);
    if (st != TT_OK) return st;
    float *y = (*out)->data;
    if (scalar_first)
        for (size_t i = 0; i < a->size; i++) y[i] = tt_apply(op, s, a->data[i]);
    else
        for (size_t i = 0; i < a->size; i++) y[i] = tt_apply(op, a->data[i], s);
    return TT_OK;
}

/* da [a's shape] += dy * d(a op s)/da (or d(s op a)/da when scalar_first);
 * dy has a's shape. da may be NULL (then this only validates); it may not
 * be dy or a. */
int tt_tensor_binary_scalar_backward(tt_tensor *da, const tt_tensor *dy, const tt_tensor *a,
                                     float s, int op, int scalar_first) {
    char sa[TT_SHAPE_STR_LEN], sd[TT_SHAPE_STR_LEN];
    if (op < TT_ADD || op > TT_DIV)
        return tt_fail(TT_ERR_ARG, "binary backward: unknown op %d", op);
    const char *name = tt_binary_backward_names[op];
    TT_CHECK(dy, name, "dy");
    TT_CHECK(a, name, "tensor operand");
    if (da) TT_CHECK(da, name, "da");
    if (tt_aliases(da, dy) || tt_aliases(da, a))
        return tt_fail(TT_ERR_ARG, "%s: da is also an input (dy or a)", name);
    tt_shape_str(sa, a->ndim, a->shape);
    if (!tt_shape_is(dy, a->ndim, a->shape))
        return tt_fail(TT_ERR_SHAPE, "%s: dy has shape %s, expected the operand's shape %s", name,
                       tt_shape_str(sd, dy->ndim, dy->shape), sa);
    if (da && !tt_shape_is(da, a->ndim, a->shape))
        return tt_fail(TT_ERR_SHAPE, "%s: da has shape %s, expected the operand's shape %s", name,
                       tt_shape_str(sd, da->ndim, da->shape), sa);
    if (!da) return TT_OK;
    float *d = da->data;
    const float *g = dy->data, *x = a->data;
    for (size_t i = 0; i < a->size; i++) {
        float t;
        if (scalar_first) /* s op a: the tensor is the right operand */
            t = tt_binary_grad_term(op, 1, g[i], s, x[i]);
        else
            t = tt_binary_grad_term(op, 0, g[i], x[i], s);
        d[i] += t;
    }
    return TT_OK;
}

/* The shapes of a @ b under NumPy's matmul rules, checked once for the
 * forward and its backward: M, K, N of every slice; the right-aligned batch
 * dims of a, b and the result (ba, bb, bo, each [2], 1 where absent); the
 * result's shape dims[0..nd). On a mismatch, the status with a message
 * that names op and both shapes. */
typedef struct tt_matmul_shape {
    int m, k, n, nd;
    int32_t ba[2], bb[2], bo[2], dims[TT_MAX_DIMS + 2];
} tt_matmul_shape;

static int tt_matmul_geometry(tt_matmul_shape *g, const tt_tensor *a, const tt_tensor *b,
                              const char *op, const char *sa, const char *sb) {
    if (a->ndim == 0 || b->ndim == 0)
        return tt_fail(TT_ERR_SHAPE, "%s: %s @ %s: both operands need at least one dimension", op,
                       sa, sb);
    g->m = a->ndim == 1 ? 1 : a->shape[a->ndim - 2];
    g->k = a->shape[a->ndim - 1];
    int kb = b->ndim == 1 ? b->shape[0] : b->shape[b->ndim - 2];
    g->n = b->ndim == 1 ? 1 : b->shape[b->ndim - 1];
    if (g->k != kb)
        return tt_fail(TT_ERR_SHAPE, "%s: %s @ %s: inner dimensions must match: %d \xe2\x89\xa0 %d",
                       op, sa, sb, g->k, kb);
    /* Batch dims: a->shape[0..na) and b->shape[0..nb), right-aligned. */
    int na = a->ndim > 2 ? a->ndim - 2 : 0, nb = b->ndim > 2 ? b->ndim - 2 : 0;
    int nbatch = na > nb ? na : nb;
    for (int i = 0; i < 2; i++) g->ba[i] = g->bb[i] = g->bo[i] = 1;
    for (int i = 0; i < na; i++) g->ba[2 - na + i] = a->shape[i];
    for (int i = 0; i < nb; i++) g->bb[2 - nb + i] = b->shape[i];
    for (int i = 0; i < 2; i++) {
        if (g->ba[i] != g->bb[i] && g->ba[i] != 1 && g->bb[i] != 1)
            return tt_fail(TT_ERR_SHAPE,
                           "%s: %s @ %s: batch dimensions cannot be broadcast: %d vs %d", op, sa,
                           sb, (int)g->ba[i], (int)g->bb[i]);
        g->bo[i] = g->ba[i] == 1 ? g->bb[i] : g->ba[i];
    }
    g->nd = 0;
    for (int i = 2 - nbatch; i < 2; i++) g->dims[g->nd++] = g->bo[i];
    if (a->ndim > 1) g->dims[g->nd++] = g->m;
    if (b->ndim > 1) g->dims[g->nd++] = g->n;
    if (g->nd > TT_MAX_DIMS)
        return tt_fail(TT_ERR_SHAPE, "%s: %s @ %s: result would have rank %d > %d", op, sa, sb,
                       g->nd, TT_MAX_DIMS);
    return TT_OK;
}

/* Matmul with NumPy's rules. A 1-D left operand is a row [1,K] and a 1-D
 * right operand a column [K,1]; the added dim is dropped from the result.
 * Leading (batch) dims broadcast; every [M,K]@[K,N] slice goes through the
 * gemm kernel. */
int tt_tensor_matmul(tt_tensor **out, const tt_tensor *a, const tt_tensor *b) {
    char sa[TT_SHAPE_STR_LEN], sb[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "matmul: out is NULL");
    *out = NULL;
    TT_CHECK(a, "matmul", "left operand");
    TT_CHECK(b, "matmul", "right operand");
    tt_shape_str(sa, a->ndim, a->shape);
    tt_shape_str(sb, b->ndim, b->shape);
    tt_matmul_shape geo;
    int st = tt_matmul_geometry(&geo, a, b, "matmul", sa, sb);
    if (st != TT_OK) return st;
    const int m = geo.m, k = geo.k, n = geo.n;
    const int32_t *ba = geo.ba, *bb = geo.bb, *bo = geo.bo;
    st = tt_tensor_alloc_uninit(out, geo.nd, geo.dims, "matmul");
    if (st != TT_OK || (*out)->size == 0) return st; /* e.g. [2^31-1, 2^31-1, 0, 3]: no batch to loop over */
    size_t a_mat = (size_t)m * k, b_mat = (size_t)k * n, c_mat = (size_t)m * n;
    float *c = (*out)->data;
    for (int i0 = 0; i0 < bo[0]; i0++)
        for (int i1 = 0; i1 < bo[1]; i1++) {
            size_t ia = (size_t)(ba[0] == 1 ? 0 : i0) * ba[1] + (ba[1] == 1 ? 0 : i1);
            size_t ib = (size_t)(bb[0] == 1 ? 0 : i0) * bb[1] + (bb[1] == 1 ? 0 : i1);
            size_t ic = (size_t)i0 * bo[1] + i1;
            tt_f32_gemm(c + ic * c_mat, a->data + ia * a_mat, b->data + ib * b_mat, NULL, m, k, n,
                        0);
        }
    return TT_OK;
}

/* The gradients of out = a @ b (every form above), accumulated:
 *   da[.., M, K] += dy[.., M, N] @ b^T   (a trans_b GEMM over b's slice)
 *   db[.., K, N] += a^T @ dy             (a trans_a GEMM over a's slice)
 * A 1-D a is the row [1,K] and a 1-D b the column [K,1], as in the
 * forward; dy has the forward's result shape. A batch slice of a or b
 * that was broadcast over several output slices receives the sum of their
 * gradients, added slice by slice in increasing batch order. da or db may
 * be NULL (not needed); neither may be a, b, dy or the other. */
int tt_tensor_matmul_backward(tt_tensor *da, tt_tensor *db, const tt_tensor *dy,
                              const tt_tensor *a, const tt_tensor *b) {
    char sa[TT_SHAPE_STR_LEN], sb[TT_SHAPE_STR_LEN], sy[TT_SHAPE_STR_LEN], sw[TT_SHAPE_STR_LEN];
    TT_CHECK(dy, "matmul_backward", "dy");
    TT_CHECK(a, "matmul_backward", "left operand");
    TT_CHECK(b, "matmul_backward", "right operand");
    if (da) TT_CHECK(da, "matmul_backward", "da");
    if (db) TT_CHECK(db, "matmul_backward", "db");
    tt_shape_str(sa, a->ndim, a->shape);
    tt_shape_str(sb, b->ndim, b->shape);
    tt_matmul_shape geo;
    int st = tt_matmul_geometry(&geo, a, b, "matmul_backward", sa, sb);
    if (st != TT_OK) return st;
    const int m = geo.m, k = geo.k, n = geo.n, nd = geo.nd;
    const int32_t *ba = geo.ba, *bb = geo.bb, *bo = geo.bo, *dims = geo.dims;
    if (!tt_shape_is(dy, nd, dims))
        return tt_fail(TT_ERR_SHAPE, "matmul_backward: dy %s must be the shape %s of %s @ %s",
                       tt_shape_str(sy, dy->ndim, dy->shape), tt_shape_str(sw, nd, dims), sa, sb);
    if (da && !tt_shape_is(da, a->ndim, a->shape))
        return tt_fail(TT_ERR_SHAPE, "matmul_backward: da %s must have the left operand's shape %s",
                       tt_shape_str(sy, da->ndim, da->shape), sa);
    if (db && !tt_shape_is(db, b->ndim, b->shape))
        return tt_fail(TT_ERR_SHAPE, "matmul_backward: db %s must have the right operand's shape %s",
                       tt_shape_str(sy, db->ndim, db->shape), sb);
    if ((da && (da == a || da == b || da == dy || da == db)) ||
        (db && (db == a || db == b || db == dy)))
        return tt_fail(TT_ERR_ARG, "matmul_backward: %s cannot be an input or the other gradient",
                       da && (da == a || da == b || da == dy || da == db) ? "da" : "db");
    if (dy->size == 0) return TT_OK; /* no output, no gradient (da, db stay as they are) */
    size_t a_mat = (size_t)m * k, b_mat = (size_t)k * n, c_mat = (size_t)m * n;
    for (int i0 = 0; i0 < bo[0]; i0++)
        for (int i1 = 0; i1 < bo[1]; i1++) {
            size_t ia = (size_t)(ba[0] == 1 ? 0 : i0) * ba[1] + (ba[1] == 1 ? 0 : i1);
            size_t ib = (size_t)(bb[0] == 1 ? 0 : i0) * bb[1] + (bb[1] == 1 ? 0 : i1);
            const float *g = dy->data + ((size_t)i0 * bo[1] + i1) * c_mat;
            /* da[M,K] += g[M,N] @ (b[K,N])^T; db[K,N] += (a[M,K])^T @ g[M,N] */
            if (da) tt_f32_gemm_ex(da->data + ia * a_mat, g, b->data + ib * b_mat, NULL, m, n, k,
                                   0, 1, 1, 0);
            if (db) tt_f32_gemm_ex(db->data + ib * b_mat, a->data + ia * a_mat, g, NULL, k, m, n,
                                   1, 0, 1, 0);
        }
    return TT_OK;
}

int tt_tensor_reshape(tt_tensor **out, const tt_tensor *a, int ndim, int d0, int d1, int d2,
                      int d3) {
    char sa[TT_SHAPE_STR_LEN], sn[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "reshape: out is NULL");
    *out = NULL;
    TT_CHECK(a, "reshape", "input");
    if (ndim < 0 || ndim > TT_MAX_DIMS)
        return tt_fail(TT_ERR_ARG, "reshape: rank %d is outside 0..%d", ndim, TT_MAX_DIMS);
    int32_t dims[4] = {d0, d1, d2, d3};
    tt_shape_str(sa, a->ndim, a->shape);
    tt_shape_str(sn, ndim, dims);
    int infer = -1;
    uint64_t known = 1;
    for (int i = 0; i < ndim; i++) {
        if (dims[i] == -1) {
            if (infer >= 0)
                return tt_fail(TT_ERR_ARG, "reshape: %s -> %s: only one dimension can be -1", sa,
                               sn);
            infer = i;
        } else if (dims[i] < 0) {
            return tt_fail(TT_ERR_ARG, "reshape: %s -> %s: dimension %d is negative", sa, sn,
                           (int)dims[i]);
        } else {
            known *= (uint64_t)dims[i];
            if (known > ((uint64_t)1 << 40)) known = (uint64_t)1 << 40;
        }
    }
    if (infer >= 0) {
        if (known == 0 || a->size % known != 0)
            return tt_fail(TT_ERR_ARG, "reshape: %s -> %s: cannot infer -1 from %zu elements", sa,
                           sn, a->size);
        dims[infer] = (int32_t)(a->size / known);
        known = a->size;
    }
    if (known != a->size)
        return tt_fail(TT_ERR_ARG, "reshape: %s (%zu elements) -> %s (%llu elements): counts differ",
                       sa, a->size, sn, (unsigned long long)known);
    int st = tt_tensor_alloc_uninit(out, ndim, dims, "reshape");
    if (st != TT_OK) return st;
    memcpy((*out)->data, a->data, a->size * sizeof(float));
    return TT_OK;
}

/* dst += src element by element in row-major order. Only the element
 * counts must match, so this is also reshape's backward (dx [a's shape] +=
 * dy [the new shape]). dst may not be src. */
int tt_tensor_accumulate(tt_tensor *dst, const tt_tensor *src) {
    char sd[TT_SHAPE_STR_LEN], ss[TT_SHAPE_STR_LEN];
    TT_CHECK(dst, "accumulate", "dst");
    TT_CHECK(src, "accumulate", "src");
    if (dst == src) return tt_fail(TT_ERR_ARG, "accumulate: dst and src are the same tensor");
    if (dst->size != src->size)
        return tt_fail(TT_ERR_SHAPE, "accumulate: dst %s has %zu elements but src %s has %zu",
                       tt_shape_str(sd, dst->ndim, dst->shape), dst->size,
                       tt_shape_str(ss, src->ndim, src->shape), src->size);
    for (size_t i = 0; i < dst->size; i++) dst->data[i] += src->data[i];
    return TT_OK;
}

/* Normalise an axis that may count from the end; -1 when out of range. */
static int tt_axis(int axis, int ndim) {
    if (axis < -ndim || axis >= ndim) return -1;
    return axis < 0 ? axis + ndim : axis;
}

int tt_tensor_transpose(tt_tensor **out, const tt_tensor *a, int dim0, int dim1) {
    char sa[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "transpose: out is NULL");
    *out = NULL;
    TT_CHECK(a, "transpose", "input");
    int d0 = tt_axis(dim0, a->ndim), d1 = tt_axis(dim1, a->ndim);
    if (d0 < 0 || d1 < 0)
        return tt_fail(TT_ERR_ARG, "transpose: dims (%d, %d) out of range for %s (rank %d)", dim0,
                       dim1, tt_shape_str(sa, a->ndim, a->shape), (int)a->ndim);
    int32_t dims[4];
    for (int i = 0; i < a->ndim; i++) dims[i] = a->shape[i];
    dims[d0] = a->shape[d1];
    dims[d1] = a->shape[d0];
    int st = tt_tensor_alloc_uninit(out, a->ndim, dims, "transpose");
    if (st != TT_OK || (*out)->size == 0) return st;
    /* Walk the output in order; read the input through swapped strides. */
    int32_t po[4];
    size_t sin[4], s = 1, stride_in[4];
    tt_pad4(po, a->ndim, dims);
    int32_t pin[4];
    tt_pad4(pin, a->ndim, a->shape);
    for (int i = 3; i >= 0; i--) {
        sin[i] = s;
        s *= (size_t)pin[i];
    }
    int off = 4 - a->ndim;
    for (int i = 0; i < 4; i++) stride_in[i] = sin[i];
    if (a->ndim > 0) {
        stride_in[d0 + off] = sin[d1 + off];
        stride_in[d1 + off] = sin[d0 + off];
    }
    float *y = (*out)->data;
    size_t o = 0;
    for (int i0 = 0; i0 < po[0]; i0++)
        for (int i1 = 0; i1 < po[1]; i1++)
            for (int i2 = 0; i2 < po[2]; i2++)
                for (int i3 = 0; i3 < po[3]; i3++)
                    y[o++] = a->data[i0 * stride_in[0] + i1 * stride_in[1] + i2 * stride_in[2] +
                                     i3 * stride_in[3]];
    return TT_OK;
}

/* da += transpose(dy, dim0, dim1): swapping the same two dims back. dy is
 * the forward's output shape, da the input's (dy with dim0 and dim1
 * swapped). da may not be dy. */
int tt_tensor_transpose_backward(tt_tensor *da, const tt_tensor *dy, int dim0, int dim1) {
    char sa[TT_SHAPE_STR_LEN], sd[TT_SHAPE_STR_LEN], se[TT_SHAPE_STR_LEN];
    TT_CHECK(dy, "transpose backward", "dy");
    if (da) TT_CHECK(da, "transpose backward", "da");
    if (da == dy) return tt_fail(TT_ERR_ARG, "transpose backward: da and dy are the same tensor");
    int d0 = tt_axis(dim0, dy->ndim), d1 = tt_axis(dim1, dy->ndim);
    if (d0 < 0 || d1 < 0)
        return tt_fail(TT_ERR_ARG, "transpose backward: dims (%d, %d) out of range for dy %s (rank %d)",
                       dim0, dim1, tt_shape_str(sd, dy->ndim, dy->shape), (int)dy->ndim);
    int32_t dims[4];
    for (int i = 0; i < dy->ndim; i++) dims[i] = dy->shape[i];
    dims[d0] = dy->shape[d1];
    dims[d1] = dy->shape[d0];
    if (!da) return TT_OK;
    if (!tt_shape_is(da, dy->ndim, dims))
        return tt_fail(TT_ERR_SHAPE,
                       "transpose backward: da has shape %s, expected %s (dy %s with dims %d and "
                       "%d swapped)",
                       tt_shape_str(sa, da->ndim, da->shape), tt_shape_str(se, dy->ndim, dims),
                       tt_shape_str(sd, dy->ndim, dy->shape), d0, d1);
    if (da->size == 0) return TT_OK;
    /* As the forward: walk da in order, read dy through swapped strides. */
    int32_t po[4], pin[4];
    size_t sin[4], s = 1, stride_in[4];
    tt_pad4(po, dy->ndim, dims);
    tt_pad4(pin, dy->ndim, dy->shape);
    for (int i = 3; i >= 0; i--) {
        sin[i] = s;
        s *= (size_t)pin[i];
    }
    int off = 4 - dy->ndim;
    for (int i = 0; i < 4; i++) stride_in[i] = sin[i];
    stride_in[d0 + off] = sin[d1 + off];
    stride_in[d1 + off] = sin[d0 + off];
    float *y = da->data;
    size_t o = 0;
    for (int i0 = 0; i0 < po[0]; i0++)
        for (int i1 = 0; i1 < po[1]; i1++)
            for (int i2 = 0; i2 < po[2]; i2++)
                for (int i3 = 0; i3 < po[3]; i3++)
                    y[o++] += dy->data[i0 * stride_in[0] + i1 * stride_in[1] + i2 * stride_in[2] +
                                       i3 * stride_in[3]];
    return TT_OK;
}

static const char *const tt_reduce_names[] = {"sum", "mean", "max"};

/* The geometry of a reduction of a over axis ax (all: every element): a is
 * viewed as [outer, len, inner] with len the reduced extent, and dims/the
 * return value are the result's shape and rank (keepdims keeps 1s). */
static int tt_reduce_geometry(const tt_tensor *a, int all, int ax, int keepdims, size_t *outer,
                              size_t *len, size_t *inner, int32_t *dims) {
    int nd = 0;
    *outer = 1, *len = a->size, *inner = 1;
    if (all) {
        if (keepdims)
            for (int i = 0; i < a->ndim; i++) dims[nd++] = 1;
        return nd;
    }
    *len = (size_t)a->shape[ax];
    for (int i = 0; i < a->ndim; i++) {
        if (i < ax) *outer *= (size_t)a->shape[i];
        if (i > ax) *inner *= (size_t)a->shape[i];
        if (i != ax)
            dims[nd++] = a->shape[i];
        else if (keepdims)
            dims[nd++] = 1;
    }
    return nd;
}

/* View the input as [outer, len, inner] around the reduced axis (or as
 * [1, size, 1] for a full reduction) and reduce the middle. Sums run in
 * double, front to back, so they are exact for the lesson's sizes and the
 * same in every build. */
int tt_tensor_reduce(tt_tensor **out, const tt_tensor *a, int op, int all, int axis,
                     int keepdims) {
    char sa[TT_SHAPE_STR_LEN];
    if (!out) return tt_fail(TT_ERR_STATE, "reduce: out is NULL");
    *out = NULL;
    if (op < TT_SUM || op > TT_MAX) return tt_fail(TT_ERR_ARG, "reduce: unknown op %d", op);
    const char *name = tt_reduce_names[op];
    TT_CHECK(a, name, "input");
    int ax = all ? -1 : tt_axis(axis, a->ndim);
    if (!all && ax < 0)
        return tt_fail(TT_ERR_ARG, "%s: axis %d is out of range for %s (rank %d)", name, axis,
                       tt_shape_str(sa, a->ndim, a->shape), (int)a->ndim);
    size_t outer, len, inner;
    int32_t dims[4];
    int nd = tt_reduce_geometry(a, all, ax, keepdims, &outer, &len, &inner, dims);
    if (op == TT_MAX && len == 0)
        return tt_fail(TT_ERR_SHAPE, "max: cannot reduce %s over an empty axis",
                       tt_shape_str(sa, a->ndim, a->shape));
    int st = tt_tensor_alloc(out, nd, dims, name);
    if (st != TT_OK || (*out)->size == 0) return st;
    float *y = (*out)->data;
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            const float *x = a->data + o * len * inner + in;
            float r;
            if (op == TT_MAX) {
                r = x[0];
                for (size_t i = 1; i < len; i++) {
                    float v = x[i * inner];
                    if (v > r || v != v) r = v;
                    if (r != r) break; /* NaN wins, as in NumPy */
                }
            } else {
                double s = 0.0;
                for (size_t i = 0; i < len; i++) s += (double)x[i * inner];
                r = op == TT_MEAN ? (float)(len ? s / (double)len : NAN) : (float)s;
            }
            y[o * inner + in] = r;
        }
    return TT_OK;
}

/* da [a's shape] += the gradient of reduce(a) given dy [the forward's
 * output shape, keepdims as in the forward], on the same [outer, len,
 * inner] view:
 *   sum:  every element gets its slice's dy;
 *   mean: dy / len (float division, as PyTorch's grad / count);
 *   max:  (dy / ties) for each element equal to the slice's max, 0 for the
 *         rest, ties = how many equal it (torch.amax's rule). A slice whose
 *         max is NaN routes it to its NaN elements, which count as equal
 *         to it (PyTorch: [0, 1, 0] for [1, NaN, 2], [0.5, 0.5, 0] for
 *         [NaN, NaN, 2]).
 * The forward's errors repeat here (bad axis, max over an empty axis).
 * da may not be dy or a. */
int tt_tensor_reduce_backward(tt_tensor *da, const tt_tensor *dy, const tt_tensor *a, int op,
                              int all, int axis, int keepdims) {
    char sa[TT_SHAPE_STR_LEN], sd[TT_SHAPE_STR_LEN], se[TT_SHAPE_STR_LEN];
    if (op < TT_SUM || op > TT_MAX) return tt_fail(TT_ERR_ARG, "reduce backward: unknown op %d", op);
    static const char *const names[] = {"sum backward", "mean backward", "max backward"};
    const char *name = names[op];
    TT_CHECK(dy, name, "dy");
    TT_CHECK(a, name, "input");
    if (da) TT_CHECK(da, name, "da");
    if (tt_aliases(da, dy) || tt_aliases(da, a))
        return tt_fail(TT_ERR_ARG, "%s: da is also an input (dy or a)", name);
    tt_shape_str(sa, a->ndim, a->shape);
    int ax = all ? -1 : tt_axis(axis, a->ndim);
    if (!all && ax < 0)
        return tt_fail(TT_ERR_ARG, "%s: axis %d is out of range for %s (rank %d)", name, axis, sa,
                       (int)a->ndim);
    size_t outer, len, inner;
    int32_t dims[4];
    int nd = tt_reduce_geometry(a, all, ax, keepdims, &outer, &len, &inner, dims);
    if (op == TT_MAX && len == 0)
        return tt_fail(TT_ERR_SHAPE, "max backward: cannot reduce %s over an empty axis", sa);
    if (!tt_shape_is(dy, nd, dims))
        return tt_fail(TT_ERR_SHAPE, "%s: dy has shape %s, expected %s (the reduction of %s)", name,
                       tt_shape_str(sd, dy->ndim, dy->shape), tt_shape_str(se, nd, dims), sa);
    if (da && !tt_shape_is(da, a->ndim, a->shape))
        return tt_fail(TT_ERR_SHAPE, "%s: da has shape %s, expected the input's shape %s", name,
                       tt_shape_str(sd, da->ndim, da->shape), sa);
    if (!da || a->size == 0) return TT_OK;
    float *d = da->data;
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            const float *x = a->data + o * len * inner + in;
            float *dx = d + o * len * inner + in;
            float g = dy->data[o * inner + in];
            if (op == TT_SUM) {
                for (size_t i = 0; i < len; i++) dx[i * inner] += g;
            } else if (op == TT_MEAN) {
                float gm = (float)((double)g / (double)len); /* = float g / len, rounded once */
                for (size_t i = 0; i < len; i++) dx[i * inner] += gm;
            } else {
                float r = x[0]; /* the forward's max, NaN winning */
                for (size_t i = 1; i < len; i++) {
                    float v = x[i * inner];
                    if (v > r || v != v) r = v;
                    if (r != r) break;
                }
                const int nan = r != r; /* then the NaNs are the max */
                size_t ties = 0;
                for (size_t i = 0; i < len; i++) {
                    float v = x[i * inner];
                    ties += nan ? v != v : v == r;
                }
                float share = (float)((double)g / (double)ties);
                for (size_t i = 0; i < len; i++) {
                    float v = x[i * inner];
                    dx[i * inner] += share * ((nan ? v != v : v == r) ? 1.0f : 0.0f);
                }
            }
        }
    return TT_OK;
}
