/* tt_tensor.c — tensor lifetime, fills and the live-memory counter. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tt_internal.h"

/* Live tensors and data bytes: the ground truth behind memoryInfo(). */
static int tt_live_tensors;
static double tt_live_bytes;

/* Bytes one tensor may take (see tt.h). */
#define TT_DEFAULT_MAX_BYTES 2147483647.0
static double tt_max_bytes = TT_DEFAULT_MAX_BYTES;

void tt_set_max_tensor_bytes(double bytes) {
    if (!(bytes >= 4.0)) bytes = 4.0; /* also catches NaN */
    tt_max_bytes = bytes > TT_DEFAULT_MAX_BYTES ? TT_DEFAULT_MAX_BYTES : bytes;
}

double tt_max_tensor_bytes(void) { return tt_max_bytes; }

/* Fault injection for tests: fail the n-th allocation from now. */
static int tt_fail_alloc_countdown;

void tt_debug_fail_alloc_after(int n) { tt_fail_alloc_countdown = n > 0 ? n : 0; }

static void *tt_malloc(size_t bytes) {
    if (tt_fail_alloc_countdown > 0 && --tt_fail_alloc_countdown == 0) return NULL;
    return malloc(bytes);
}

/* For the core's other buffers (the GEMM pack buffers), so tests can make
 * them fail too. */
void *tt_realloc(void *p, size_t bytes) {
    if (tt_fail_alloc_countdown > 0 && --tt_fail_alloc_countdown == 0) return NULL;
    return realloc(p, bytes);
}

/* Float buffers (tensor data, packed weights, the GEMM's scratch) start
 * on a cache line: wasm's malloc aligns to 8 bytes only, and an f32x4 load
 * that straddles two lines costs a second access. Measured on
 * [1,784,256]'s packed weight in Node: 10.3 us read 8 bytes off a line,
 * 9.05 us on one (the one-row kernel alone). */
#define TT_DATA_ALIGN 64

void *tt_alloc_data(size_t bytes, int zero) {
    if (tt_fail_alloc_countdown > 0 && --tt_fail_alloc_countdown == 0) return NULL;
    void *p = NULL;
    if (posix_memalign(&p, TT_DATA_ALIGN, bytes ? bytes : sizeof(float)) != 0) return NULL;
    if (zero) memset(p, 0, bytes);
    return p;
}

const char *tt_shape_str(char *buf, int ndim, const int32_t *dims) {
    size_t used = 0;
    buf[used++] = '[';
    for (int i = 0; i < ndim && used < TT_SHAPE_STR_LEN - 14; i++) {
        used += (size_t)snprintf(buf + used, TT_SHAPE_STR_LEN - used, i ? ",%d" : "%d",
                                 (int)dims[i]);
    }
    buf[used++] = ']';
    buf[used] = '\0';
    return buf;
}

int tt_check_tensor(const tt_tensor *t, const char *op, const char *what) {
    if (t == NULL) return tt_fail(TT_ERR_STATE, "%s: %s is NULL", op, what);
    if (t->magic != TT_TENSOR_MAGIC)
        return tt_fail(TT_ERR_STATE, "%s: %s is not a live tensor (freed?)", op, what);
    return TT_OK;
}

static int tt_tensor_alloc_(tt_tensor **out, int ndim, const int32_t *dims, const char *op,
                            int zero) {
    char s[TT_SHAPE_STR_LEN];
    TT_ASSERT(out != NULL);
    *out = NULL;
    if (ndim < 0 || ndim > TT_MAX_DIMS)
        return tt_fail(TT_ERR_ARG, "%s: rank %d is outside 0..%d", op, ndim, TT_MAX_DIMS);
    /* Count in 64 bits and stop at the first product past the per-tensor
     * limit, so a shape never wraps around to a small size. */
    uint64_t count = 1;
    int too_big = 0;
    for (int i = 0; i < ndim; i++)
        if (dims[i] < 0)
            return tt_fail(TT_ERR_ARG, "%s: dimension %d of %s is negative", op, i,
                           tt_shape_str(s, ndim, dims));
    for (int i = 0; i < ndim; i++) {
        if (dims[i] == 0) {
            count = 0, too_big = 0;
            break;
        }
        if (too_big || count > (((uint64_t)1 << 40) / (uint64_t)dims[i])) too_big = 1;
        count *= (uint64_t)dims[i];
    }
    uint64_t bytes = count * sizeof(float);
    if (too_big || (double)bytes > tt_max_bytes)
        return tt_fail(TT_ERR_NOMEM, "%s: shape %s needs more bytes than the %.0f a tensor may have",
                       op, tt_shape_str(s, ndim, dims), tt_max_bytes);
    tt_tensor *t = tt_malloc(sizeof *t);
    if (!t) return tt_fail(TT_ERR_NOMEM, "%s: out of memory for a tensor header", op);
    /* calloc(0) may return NULL or a unique pointer; ask for at least one
     * float so data is never NULL and never aliased. */
    size_t n = count ? (size_t)count : 1;
    t->data = tt_alloc_data(n * sizeof(float), zero);
    if (!t->data) {
        free(t);
        return tt_fail(TT_ERR_NOMEM, "%s: out of memory for shape %s (%.0f bytes)", op,
                       tt_shape_str(s, ndim, dims), (double)bytes);
    }
    t->size = (size_t)count;
    t->ndim = ndim;
    for (int i = 0; i < TT_MAX_DIMS; i++) t->shape[i] = i < ndim ? dims[i] : 1;
    t->magic = TT_TENSOR_MAGIC;
    tt_live_tensors++;
    tt_live_bytes += (double)bytes;
    *out = t;
    return TT_OK;
}

int tt_tensor_alloc(tt_tensor **out, int ndim, const int32_t *dims, const char *op) {
    return tt_tensor_alloc_(out, ndim, dims, op, 1);
}

int tt_tensor_alloc_uninit(tt_tensor **out, int ndim, const int32_t *dims, const char *op) {
    return tt_tensor_alloc_(out, ndim, dims, op, 0);
}

int tt_tensor_new(tt_tensor **out, int ndim, int d0, int d1, int d2, int d3) {
    if (!out) return tt_fail(TT_ERR_STATE, "tensor_new: out is NULL");
    int32_t dims[TT_MAX_DIMS] = {d0, d1, d2, d3};
    return tt_tensor_alloc(out, ndim, dims, "tensor_new");
}

int tt_tensor_empty(tt_tensor **out, int ndim, int d0, int d1, int d2, int d3) {
    if (!out) return tt_fail(TT_ERR_STATE, "tensor_empty: out is NULL");
    int32_t dims[TT_MAX_DIMS] = {d0, d1, d2, d3};
    return tt_tensor_alloc_uninit(out, ndim, dims, "tensor_empty");
}

void tt_tensor_free(tt_tensor *t) {
    if (!t) return;
    if (t->magic != TT_TENSOR_MAGIC) { /* freed already (or not a tensor): leave it alone */
        tt_fail(TT_ERR_STATE, "tensor_free: not a live tensor (freed twice?); nothing freed");
        return;
    }
    t->magic = 0;
    tt_live_tensors--;
    tt_live_bytes -= (double)t->size * sizeof(float);
    free(t->data);
    free(t);
}

int tt_tensor_copy(tt_tensor **out, const tt_tensor *t) {
    if (!out) return tt_fail(TT_ERR_STATE, "copy: out is NULL");
    *out = NULL;
    TT_CHECK(t, "copy", "input");
    int st = tt_tensor_alloc(out, t->ndim, t->shape, "copy");
    if (st != TT_OK) return st;
    memcpy((*out)->data, t->data, t->size * sizeof(float));
    return TT_OK;
}

float *tt_tensor_data(const tt_tensor *t) { return t ? t->data : NULL; }
int tt_tensor_ndim(const tt_tensor *t) { return t ? t->ndim : -1; }
int tt_tensor_dim(const tt_tensor *t, int i) {
    return (t && i >= 0 && i < TT_MAX_DIMS) ? t->shape[i] : -1;
}
size_t tt_tensor_size(const tt_tensor *t) { return t ? t->size : 0; }

int tt_tensor_fill(tt_tensor *t, float value) {
    TT_CHECK(t, "fill", "tensor");
    for (size_t i = 0; i < t->size; i++) t->data[i] = value;
    return TT_OK;
}

int tt_tensor_randn(tt_tensor *t, float mean, float std, tt_generator *gen) {
    TT_CHECK(t, "randn", "tensor");
    TT_RESOLVE_GEN(gen, "randn");
    if (!(std >= 0.0f) || std > 3.4e38f || !(mean == mean) || mean > 3.4e38f || mean < -3.4e38f)
        return tt_fail(TT_ERR_ARG, "randn: mean %g and std %g must be finite, std >= 0",
                       (double)mean, (double)std);
    double z[TT_NORMAL_CHUNK];
    for (size_t i = 0; i < t->size; i += TT_NORMAL_CHUNK) {
        size_t c = t->size - i < TT_NORMAL_CHUNK ? t->size - i : TT_NORMAL_CHUNK;
        tt_gen_normals(gen, z, c);
        for (size_t j = 0; j < c; j++) t->data[i + j] = mean + std * (float)z[j];
    }
    return TT_OK;
}

int tt_tensor_rand(tt_tensor *t, float lo, float hi, tt_generator *gen) {
    TT_CHECK(t, "rand", "tensor");
    TT_RESOLVE_GEN(gen, "rand");
    if (!(lo <= hi) || lo < -3.4e38f || hi > 3.4e38f || hi - lo > 3.4e38f)
        return tt_fail(TT_ERR_ARG, "rand: bounds [%g, %g) must be finite with low <= high",
                       (double)lo, (double)hi);
    float span = hi - lo;
    for (size_t i = 0; i < t->size; i++) t->data[i] = lo + span * tt_gen_uniform(gen);
    return TT_OK;
}

int tt_mem_tensors(void) { return tt_live_tensors; }
double tt_mem_bytes(void) { return tt_live_bytes; }
