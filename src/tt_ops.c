/* tt_ops.c — the tensor ops the lesson needs: broadcasting arithmetic,
 * matmul, reshape, transpose and reductions. Each validates its inputs,
 * names the shapes in its error, and allocates its result. */
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
    if (a->ndim == 0 || b->ndim == 0)
        return tt_fail(TT_ERR_SHAPE, "matmul: %s @ %s: both operands need at least one dimension",
                       sa, sb);
    int m = a->ndim == 1 ? 1 : a->shape[a->ndim - 2];
    int k = a->shape[a->ndim - 1];
    int kb = b->ndim == 1 ? b->shape[0] : b->shape[b->ndim - 2];
    int n = b->ndim == 1 ? 1 : b->shape[b->ndim - 1];
    if (k != kb)
        return tt_fail(TT_ERR_SHAPE, "matmul: %s @ %s: inner dimensions must match: %d \xe2\x89\xa0 %d",
                       sa, sb, k, kb);
    /* Batch dims: a->shape[0..na) and b->shape[0..nb), right-aligned. */
    int na = a->ndim > 2 ? a->ndim - 2 : 0, nb = b->ndim > 2 ? b->ndim - 2 : 0;
    int nbatch = na > nb ? na : nb;
    int32_t ba[2] = {1, 1}, bb[2] = {1, 1}, bo[2] = {1, 1};
    for (int i = 0; i < na; i++) ba[2 - na + i] = a->shape[i];
    for (int i = 0; i < nb; i++) bb[2 - nb + i] = b->shape[i];
    for (int i = 0; i < 2; i++) {
        if (ba[i] != bb[i] && ba[i] != 1 && bb[i] != 1)
            return tt_fail(TT_ERR_SHAPE,
                           "matmul: %s @ %s: batch dimensions cannot be broadcast: %d vs %d", sa,
                           sb, (int)ba[i], (int)bb[i]);
        bo[i] = ba[i] == 1 ? bb[i] : ba[i];
    }
    int32_t dims[4];
    int nd = 0;
    for (int i = 2 - nbatch; i < 2; i++) dims[nd++] = bo[i];
    if (a->ndim > 1) dims[nd++] = m;
    if (b->ndim > 1) dims[nd++] = n;
    if (nd > TT_MAX_DIMS)
        return tt_fail(TT_ERR_SHAPE, "matmul: %s @ %s: result would have rank %d > %d", sa, sb, nd,
                       TT_MAX_DIMS);
    int st = tt_tensor_alloc_uninit(out, nd, dims, "matmul");
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
    if (a->ndim == 0 || b->ndim == 0)
        return tt_fail(TT_ERR_SHAPE,
                       "matmul_backward: %s @ %s: both operands need at least one dimension", sa, sb);
    int m = a->ndim == 1 ? 1 : a->shape[a->ndim - 2];
    int k = a->shape[a->ndim - 1];
    int kb = b->ndim == 1 ? b->shape[0] : b->shape[b->ndim - 2];
    int n = b->ndim == 1 ? 1 : b->shape[b->ndim - 1];
    if (k != kb)
        return tt_fail(TT_ERR_SHAPE,
                       "matmul_backward: %s @ %s: inner dimensions must match: %d \xe2\x89\xa0 %d",
                       sa, sb, k, kb);
    int na = a->ndim > 2 ? a->ndim - 2 : 0, nb = b->ndim > 2 ? b->ndim - 2 : 0;
    int nbatch = na > nb ? na : nb;
    int32_t ba[2] = {1, 1}, bb[2] = {1, 1}, bo[2] = {1, 1};
    for (int i = 0; i < na; i++) ba[2 - na + i] = a->shape[i];
    for (int i = 0; i < nb; i++) bb[2 - nb + i] = b->shape[i];
    for (int i = 0; i < 2; i++) {
        if (ba[i] != bb[i] && ba[i] != 1 && bb[i] != 1)
            return tt_fail(TT_ERR_SHAPE,
                           "matmul_backward: %s @ %s: batch dimensions cannot be broadcast: %d vs %d",
                           sa, sb, (int)ba[i], (int)bb[i]);
        bo[i] = ba[i] == 1 ? bb[i] : ba[i];
    }
    int32_t dims[6];
    int nd = 0;
    for (int i = 2 - nbatch; i < 2; i++) dims[nd++] = bo[i];
    if (a->ndim > 1) dims[nd++] = m;
    if (b->ndim > 1) dims[nd++] = n;
    if (nd > TT_MAX_DIMS)
        return tt_fail(TT_ERR_SHAPE, "matmul_backward: %s @ %s: result would have rank %d > %d",
                       sa, sb, nd, TT_MAX_DIMS);
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

static const char *const tt_reduce_names[] = {"sum", "mean", "max"};

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
    size_t outer = 1, len = a->size, inner = 1;
    int32_t dims[4];
    int nd = 0;
    if (all) {
        if (keepdims)
            for (int i = 0; i < a->ndim; i++) dims[nd++] = 1;
    } else {
        len = (size_t)a->shape[ax];
        for (int i = 0; i < a->ndim; i++) {
            if (i < ax) outer *= (size_t)a->shape[i];
            if (i > ax) inner *= (size_t)a->shape[i];
            if (i != ax)
                dims[nd++] = a->shape[i];
            else if (keepdims)
                dims[nd++] = 1;
        }
    }
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
