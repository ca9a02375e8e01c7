/* tt_loss.c — the two losses of the training lesson: cross-entropy on
 * logits (log-softmax and negative log-likelihood in one pass) and mean
 * squared error. Each loss is a rank-0 tensor, the mean over rows (or
 * elements); each backward takes dloss, rank 0, and accumulates into the
 * gradient buffers. Everything is accumulated in double, front to back, and
 * rounded once to float, so it is the same bits in every build. */
#include "tt_internal.h"

/* ---- cross-entropy ---------------------------------------------------- */

/* logits [M, C] with M >= 0, C >= 1; targets [M] holding class indices as
 * floats, each an exact integer in [0, C). */
static int tt_cross_entropy_check(const tt_tensor *logits, const tt_tensor *targets,
                                  const char *name) {
    char sl[TT_SHAPE_STR_LEN], st[TT_SHAPE_STR_LEN];
    TT_CHECK(logits, name, "logits");
    TT_CHECK(targets, name, "targets");
    /* shapes formatted only for a message (this runs on every step) */
    if (logits->ndim != 2 || logits->shape[1] < 1)
        return tt_fail(TT_ERR_SHAPE, "%s: logits %s must be [M, C] with C >= 1 classes", name,
                       tt_shape_str(sl, logits->ndim, logits->shape));
    if (targets->ndim != 1 || targets->shape[0] != logits->shape[0])
        return tt_fail(TT_ERR_SHAPE, "%s: targets %s must be [%d], one class index per row of logits %s",
                       name, tt_shape_str(st, targets->ndim, targets->shape),
                       (int)logits->shape[0], tt_shape_str(sl, logits->ndim, logits->shape));
    const int c = logits->shape[1];
    for (int r = 0; r < logits->shape[0]; r++) {
        float t = targets->data[r];
        /* t >= 0 && t < c also rejects NaN; the int conversion is then safe. */
        if (!(t >= 0.0f && t < (float)c) || (float)(int)t != t)
            return tt_fail(TT_ERR_ARG, "%s: target %.9g at row %d is not a class index in [0, %d)",
                           name, (double)t, r, c);
    }
    return TT_OK;
}

/* Row r's max and sum_j e^(x_j - max), so logsumexp = max + log(sum) and
 * softmax_j = e^(x_j - max) / sum. Every exponent is <= 0: logits of 1e4
 * stay finite. Non-finite logits give PyTorch's answers: a NaN, a +inf or
 * a row of all -inf makes the sum NaN (inf - inf), so the row's loss and
 * gradient are NaN; a -inf among finite logits is a probability of 0 (its
 * loss +inf when it is the target). */
static double tt_row_sumexp(const float *x, int c, float *mx_out) {
    float mx = x[0];
    for (int j = 1; j < c; j++)
        if (x[j] > mx) mx = x[j];
    double s = 0.0;
    for (int j = 0; j < c; j++) s += tt_exp((double)x[j] - (double)mx);
    *mx_out = mx;
    return s;
}

/* loss [] = (1/M) sum_r (logsumexp(logits[r]) - logits[r, targets[r]]),
 * which is PyTorch's F.cross_entropy(logits, targets) with reduction
 * "mean" (no weights, no label smoothing). An empty batch (M = 0) gives
 * 0/0 = NaN, as there. */
int tt_cross_entropy_forward(tt_tensor **loss, const tt_tensor *logits, const tt_tensor *targets) {
    if (!loss) return tt_fail(TT_ERR_STATE, "cross_entropy: loss is NULL");
    *loss = NULL;
    int st = tt_cross_entropy_check(logits, targets, "cross_entropy");
    if (st != TT_OK) return st;
    const int m = logits->shape[0], c = logits->shape[1];
    double total = 0.0;
    for (int r = 0; r < m; r++) {
        const float *x = logits->data + (size_t)r * c;
        float mx;
        double s = tt_row_sumexp(x, c, &mx);
        int t = (int)targets->data[r];
        /* log(sum) - (x_t - max): both terms are small even for huge logits */
        total += tt_log(s) - ((double)x[t] - (double)mx);
    }
    st = tt_tensor_alloc_uninit(loss, 0, NULL, "cross_entropy");
    if (st != TT_OK) return st;
    (*loss)->data[0] = (float)(total / (double)m);
    return TT_OK;
}

/* dlogits [M, C] += dloss * (softmax(logits[r]) - onehot(targets[r])) / M.
 * dloss is the rank-0 gradient of the loss. dlogits may not be logits,
 * targets or dloss. */
int tt_cross_entropy_backward(tt_tensor *dlogits, const tt_tensor *dloss, const tt_tensor *logits,
                              const tt_tensor *targets) {
    char s1[TT_SHAPE_STR_LEN], s2[TT_SHAPE_STR_LEN];
    const char *name = "cross_entropy backward";
    TT_CHECK(dloss, name, "dloss");
    int st = tt_cross_entropy_check(logits, targets, name);
    if (st != TT_OK) return st;
    if (dloss->ndim != 0)
        return tt_fail(TT_ERR_SHAPE, "%s: dloss has shape %s, expected [] (the loss is a scalar)",
                       name, tt_shape_str(s1, dloss->ndim, dloss->shape));
    if (!dlogits) return TT_OK;
    TT_CHECK(dlogits, name, "dlogits");
    if (dlogits == logits || dlogits == targets || dlogits == dloss)
        return tt_fail(TT_ERR_ARG, "%s: dlogits is also an input (logits, targets or dloss)", name);
    if (dlogits->ndim != 2 || dlogits->shape[0] != logits->shape[0] ||
        dlogits->shape[1] != logits->shape[1])
        return tt_fail(TT_ERR_SHAPE, "%s: dlogits has shape %s, expected the logits' shape %s",
                       name, tt_shape_str(s1, dlogits->ndim, dlogits->shape),
                       tt_shape_str(s2, logits->ndim, logits->shape));
    const int m = logits->shape[0], c = logits->shape[1];
    const double scale = (double)dloss->data[0] / (double)m;
    /* A row of up to TT_CE_ROW classes keeps its exponentials from the sum
     * (the same values: tt_row_sumexp's terms), so each is computed once;
     * a wider row computes them again. */
    enum { TT_CE_ROW = 64 };
    double e[TT_CE_ROW];
    for (int r = 0; r < m; r++) {
        const float *x = logits->data + (size_t)r * c;
        float *d = dlogits->data + (size_t)r * c;
        float mx;
        double s;
        if (c <= TT_CE_ROW) {
            mx = x[0];
            for (int j = 1; j < c; j++)
                if (x[j] > mx) mx = x[j];
            s = 0.0;
            for (int j = 0; j < c; j++) s += (e[j] = tt_exp((double)x[j] - (double)mx));
        } else {
            s = tt_row_sumexp(x, c, &mx);
        }
        int t = (int)targets->data[r];
        for (int j = 0; j < c; j++) {
            double p = (c <= TT_CE_ROW ? e[j] : tt_exp((double)x[j] - (double)mx)) / s;
            d[j] += (float)(scale * (p - (j == t ? 1.0 : 0.0)));
        }
    }
    return TT_OK;
}

/* ---- mean squared error ----------------------------------------------- */

static int tt_mse_check(const tt_tensor *pred, const tt_tensor *target, const char *name) {
    char sp[TT_SHAPE_STR_LEN], st[TT_SHAPE_STR_LEN];
    TT_CHECK(pred, name, "pred");
    TT_CHECK(target, name, "target");
    int same = pred->ndim == target->ndim;
    for (int i = 0; same && i < pred->ndim; i++) same = pred->shape[i] == target->shape[i];
    if (!same)
        return tt_fail(TT_ERR_SHAPE, "%s: pred %s and target %s must have the same shape", name,
                       tt_shape_str(sp, pred->ndim, pred->shape),
                       tt_shape_str(st, target->ndim, target->shape));
    return TT_OK;
}

/* loss [] = (1/n) sum_i (pred_i - target_i)^2 over all n elements (PyTorch's
 * F.mse_loss, reduction "mean"); n = 0 gives NaN, as there. */
int tt_mse_forward(tt_tensor **loss, const tt_tensor *pred, const tt_tensor *target) {
    if (!loss) return tt_fail(TT_ERR_STATE, "mse: loss is NULL");
    *loss = NULL;
    int st = tt_mse_check(pred, target, "mse");
    if (st != TT_OK) return st;
    double total = 0.0;
    for (size_t i = 0; i < pred->size; i++) {
        double e = (double)pred->data[i] - (double)target->data[i];
        total += e * e;
    }
    st = tt_tensor_alloc_uninit(loss, 0, NULL, "mse");
    if (st != TT_OK) return st;
    (*loss)->data[0] = (float)(total / (double)pred->size); /* 0/0 = NaN when empty */
    return TT_OK;
}

/* g_i = dloss * 2 (pred_i - target_i) / n; dpred [pred's shape] += g,
 * dtarget -= g. Either may be NULL, or both the same buffer (then the two
 * cancel, as they should for mse(x, x)); neither may be pred, target or
 * dloss. */
int tt_mse_backward(tt_tensor *dpred, tt_tensor *dtarget, const tt_tensor *dloss,
                    const tt_tensor *pred, const tt_tensor *target) {
    char s1[TT_SHAPE_STR_LEN], s2[TT_SHAPE_STR_LEN];
    const char *name = "mse backward";
    TT_CHECK(dloss, name, "dloss");
    int st = tt_mse_check(pred, target, name);
    if (st != TT_OK) return st;
    if (dloss->ndim != 0)
        return tt_fail(TT_ERR_SHAPE, "%s: dloss has shape %s, expected [] (the loss is a scalar)",
                       name, tt_shape_str(s1, dloss->ndim, dloss->shape));
    tt_tensor *ds[2] = {dpred, dtarget};
    static const char *const what[2] = {"dpred", "dtarget"};
    for (int k = 0; k < 2; k++) {
        tt_tensor *d = ds[k];
        if (!d) continue;
        TT_CHECK(d, name, what[k]);
        if (d == pred || d == target || d == dloss)
            return tt_fail(TT_ERR_ARG, "%s: %s is also an input (pred, target or dloss)", name,
                           what[k]);
        int same = d->ndim == pred->ndim;
        for (int i = 0; same && i < d->ndim; i++) same = d->shape[i] == pred->shape[i];
        if (!same)
            return tt_fail(TT_ERR_SHAPE, "%s: %s has shape %s, expected pred's shape %s", name,
                           what[k], tt_shape_str(s1, d->ndim, d->shape),
                           tt_shape_str(s2, pred->ndim, pred->shape));
    }
    const size_t n = pred->size;
    if (n == 0) return TT_OK;
    const double scale = 2.0 * (double)dloss->data[0] / (double)n;
    for (size_t i = 0; i < n; i++) {
        float g = (float)(scale * ((double)pred->data[i] - (double)target->data[i]));
        if (dpred) dpred->data[i] += g;
        if (dtarget) dtarget->data[i] -= g;
    }
    return TT_OK;
}
