/* tt_internal.h — shared by the core's .c files; not part of the API. */
#ifndef TT_INTERNAL_H
#define TT_INTERNAL_H

#include "tt.h"

#define TT_TENSOR_MAGIC 0x7454656eu /* "tTen" */

/* Internal invariants only: never for anything a caller can trigger. */
void tt_abort_(const char *file, int line, const char *expr);
#define TT_ASSERT(cond) ((cond) ? (void)0 : tt_abort_(__FILE__, __LINE__, #cond))

/* Record a message for tt_last_error() and return status. */
int tt_fail(int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Validate a handle: NULL or freed tensors are TT_ERR_STATE. */
int tt_check_tensor(const tt_tensor *t, const char *op, const char *what);
#define TT_CHECK(t, op, what)                                   \
    do {                                                        \
        int st_ = tt_check_tensor((t), (op), (what));           \
        if (st_ != TT_OK) return st_;                           \
    } while (0)

/* Allocate a tensor of a validated shape (dims[i] >= 0), zero-filled.
 * tt_tensor_alloc_uninit skips the zeroing for ops that write every
 * element of their result. */
int tt_tensor_alloc(tt_tensor **out, int ndim, const int32_t *dims, const char *op);
int tt_tensor_alloc_uninit(tt_tensor **out, int ndim, const int32_t *dims, const char *op);

/* t has exactly rank ndim and dims. */
static inline int tt_shape_is(const tt_tensor *t, int ndim, const int32_t *dims) {
    if (t->ndim != ndim) return 0;
    for (int i = 0; i < ndim; i++)
        if (t->shape[i] != dims[i]) return 0;
    return 1;
}

/* realloc, failing when tt_debug_fail_alloc_after says so. */
void *tt_realloc(void *p, size_t bytes);
/* bytes (at least 4) on a 64-byte boundary, zeroed if zero, released with
 * free(); fails as tt_realloc does. For every float buffer the kernels read. */
void *tt_alloc_data(size_t bytes, int zero);

/* "[2,3]" into buf; returns buf. */
#define TT_SHAPE_STR_LEN 64
const char *tt_shape_str(char *buf, int ndim, const int32_t *dims);

/* Deterministic transcendental functions built only from + - * / and
 * sqrt, which IEEE 754 rounds the same way on every target. libm's exp and
 * log differ between glibc (native) and musl (wasm) in the last bit, so the
 * core never calls them. */
double tt_exp(double x);
double tt_log(double x); /* NaN below 0 and for NaN, -inf at 0, as libm */

/* PCG32 XSH-RR 64/32: state advances by an LCG, output is a permuted
 * (xorshift, random rotation) view of the old state. */
typedef struct tt_pcg32 {
    uint64_t state, inc;
} tt_pcg32;

#define TT_PCG_MULT 6364136223846793005ull

static inline uint32_t tt_pcg32_output(uint64_t old) {
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

static inline uint32_t tt_pcg32_next(tt_pcg32 *g) {
    uint64_t old = g->state;
    g->state = old * TT_PCG_MULT + g->inc;
    return tt_pcg32_output(old);
}

#define TT_GENERATOR_MAGIC 0x7447656eu /* "tGen" */

/* A generator: one PCG32 stream plus the polar method's spare normal. */
struct tt_generator {
    tt_pcg32 pcg;
    double spare;
    int have_spare;
    uint32_t magic; /* TT_GENERATOR_MAGIC while alive */
};

/* NULL -> the default generator; a freed one -> TT_ERR_STATE. */
int tt_generator_resolve(tt_generator **g, const char *op);
#define TT_RESOLVE_GEN(g, op)                                   \
    do {                                                        \
        int st_ = tt_generator_resolve(&(g), (op));             \
        if (st_ != TT_OK) return st_;                           \
    } while (0)

/* Draws from a resolved (non-NULL, live) generator. */
uint32_t tt_gen_u32(tt_generator *g);
float tt_gen_uniform(tt_generator *g);  /* (u32 >> 8) * 2^-24 */
double tt_gen_normal(tt_generator *g);  /* polar method, spare kept in g */
/* n draws of tt_gen_normal at once, in order (the fast path of every fill).
 * TT_NORMAL_CHUNK: the doubles a caller's stack buffer takes per call. */
void tt_gen_normals(tt_generator *g, double *out, size_t n);
#define TT_NORMAL_CHUNK 256

/* pcg32_srandom(seed, stream) of the PCG reference on g; tt_generator_seed
 * uses the reference's default stream. Tests use this to check known output. */
void tt_gen_seed_stream(tt_generator *g, uint64_t seed, uint64_t stream);

/* Dropout's keep rule (tt_dropout.c), exposed for the exactness test: an
 * element with 64-bit draw U = r * 2^32 + tie(state) is kept iff U < K,
 * K = tt_dropout_keep_threshold(p) = 2^64 - ceil(p * 2^64), so the keep
 * probability is K / 2^64, within 2^-64 of 1 - p. p in (0, 1). */
uint64_t tt_dropout_keep_threshold(double p);
/* The second 32 bits, read only when r == K >> 32 (probability 2^-32): a
 * 64-bit finaliser of the PCG state that produced r (consumes no draw). */
uint32_t tt_dropout_tie_bits(uint64_t state);

#endif /* TT_INTERNAL_H */
