/*
 * tt.h — the tinytorch-wasm core: the one public header.
 *
 * The C side of the "Layers" lesson: float32 tensors, the element-wise and
 * reduction ops the lesson needs, activations, Linear (y = xW + b) with its
 * initialisers, inverted Dropout, a SIMD128 matmul and seedable generators.
 * The same sources build natively (gcc/clang, for tests, sanitizers and
 * fuzzing) and to WebAssembly (emcc, with and without -msimd128); a given
 * seed gives bit-identical weights, masks and outputs in every build.
 *
 * Dimension legend used in the shape comments throughout:
 *   M = rows of the batch (product of every leading dim of x)
 *   K = in_features  (inner dimension of a matmul)
 *   N = out_features (columns of the result)
 *
 * Ownership rules
 *   - Whoever gets a tensor (generator, packed weight) from a function
 *     that takes `tt_tensor **out` (`tt_generator **out`, `tt_packed
 *     **out`) owns it and frees it with tt_tensor_free() (tt_generator_free(),
 *     tt_packed_free()). Freeing NULL is a no-op.
 *   - Every pointer and handle argument is borrowed for the call only: the
 *     core keeps none of them after it returns (tt_set_abort_hook's
 *     function pointer is the one exception).
 *   - A non-const `tt_tensor *` argument is a buffer the caller provides and
 *     the call writes into (e.g. a dropout mask, a weight to initialise, a
 *     gradient to accumulate into).
 *   - On any status other than TT_OK, *out is left NULL and nothing the
 *     caller owns has changed: a failed call never corrupts state.
 *   - Live handles carry a magic number, so a NULL handle, or a freed one
 *     whose memory has not been reused yet, is a TT_ERR_STATE rather than
 *     a crash (freeing one twice frees nothing and leaves a message in
 *     tt_last_error()). This is a safety net, not a licence: a host must
 *     never pass a handle it has freed.
 *
 * The boundary rule (for hosts such as js/)
 *   A host reads and validates every argument into plain values (numbers,
 *   flags, shapes) first, then resolves its wrapper objects to handles and
 *   makes the call last. No host code (a getter, a valueOf, a callback) may
 *   run between resolving a handle and the call, so a handle cannot be
 *   freed, or its tensor replaced, while the core holds it.
 *
 * Errors
 *   Every entry point that can fail returns a tt_status (an int). The
 *   others cannot fail on any value a caller passes:
 *   - void: tt_set_abort_hook, tt_tensor_free, tt_set_max_tensor_bytes,
 *     tt_generator_free, tt_packed_free, tt_manual_seed, tt_f32_gemm,
 *     tt_f32_gemm_ex and tt_debug_fail_alloc_after. tt_f32_gemm and tt_f32_gemm_ex are raw
 *     kernels on float pointers: they validate nothing, the caller
 *     guarantees the buffers' sizes (the tensor ops that call them have).
 *   - returning a value: tt_status_str, tt_last_error, tt_enum_name,
 *     tt_enum_count, the accessors tt_tensor_data/_ndim/_dim/_size,
 *     tt_max_tensor_bytes, tt_mem_tensors, tt_mem_bytes, tt_mem_generators,
 *     tt_packed_bytes, tt_mem_packed, tt_mem_packed_bytes, tt_generator_default, tt_rng_u32, tt_rng_uniform, tt_rng_normal and
 *     tt_f32_gemm_kernel_name.
 *   Anything a caller can get wrong (a shape, a probability, a size, an
 *   allocation) is a status with a message from tt_last_error() that
 *   names the values involved; nothing a caller does aborts, and no float
 *   value (NaN, +-inf, subnormals, +-FLT_MAX) in a tensor or an argument
 *   does: they propagate as in PyTorch. TT_ASSERT guards internal
 *   invariants only (one: a NULL out pointer inside the allocator, which
 *   every entry point checks first), and goes through a settable abort
 *   hook so a host can report it.
 *
 * Exports
 *   src/exports.txt lists every function of this header a wasm build
 *   exports, one name per line (without Emscripten's leading `_`; `#`
 *   starts a comment), plus malloc and free; CMakeLists.txt passes it to
 *   the link, and the exports_match_header test checks it against the
 *   TT_API declarations here. TT_API only marks the public functions.
 */
#ifndef TT_H
#define TT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the public functions; src/exports.txt (not this macro) decides what
 * a wasm build exports. */
#define TT_API

/* ---- status ----------------------------------------------------------- */

/* js/errors.js mirrors this enum; its test checks the mirror against
 * tt_enum_name(TT_ENUM_STATUS, code). */
typedef enum tt_status {
    TT_OK = 0,
    TT_ERR_ARG = -1,   /* a bad value: size, axis, probability (JS RangeError) */
    TT_ERR_SHAPE = -2, /* shapes that do not fit together (JS ShapeError)      */
    TT_ERR_NOMEM = -3, /* allocation failed or size overflows (JS RangeError) */
    TT_ERR_STATE = -4, /* NULL or freed handle (JS Error)                      */
} tt_status;

TT_API const char *tt_status_str(int status);
/* Message of the last failed call on this thread ("" after a success is not
 * guaranteed: read it only right after a non-OK status). */
TT_API const char *tt_last_error(void);

/* Internal-invariant failures call this hook (default: abort()). */
typedef void (*tt_abort_fn)(const char *file, int line, const char *expr);
TT_API void tt_set_abort_hook(tt_abort_fn fn);

/* ---- enum names -------------------------------------------------------- */

/* The core's one name table per public enum, for hosts to check their
 * mirrors against (lower_snake: "ok", "err_arg", ..., "add", "sum", "relu",
 * "xavier_uniform", ...). */
enum tt_enum_table {
    TT_ENUM_STATUS = 0,     /* tt_status: codes 0, -1, ..., -(count-1)   */
    TT_ENUM_BINARY_OP = 1,  /* tt_binary_op: codes 0 .. count-1 (so on)  */
    TT_ENUM_REDUCE_OP = 2,  /* tt_reduce_op                              */
    TT_ENUM_ACTIVATION = 3, /* tt_activation                             */
    TT_ENUM_INIT = 4,       /* tt_init                                   */
};
/* The name of `code` in `table`, or NULL when either is out of range. */
TT_API const char *tt_enum_name(int table, int code);
/* How many codes `table` has (0 for an unknown table). */
TT_API int tt_enum_count(int table);

/* ---- tensor ----------------------------------------------------------- */

#define TT_MAX_DIMS 4

/* float32, contiguous, row-major. shape[i] for i >= ndim is 1. A rank-0
 * tensor (a scalar) has size 1. size is the product of the shape (may be 0).
 * data starts on a 64-byte boundary (a cache line), as do the core's other
 * float buffers. */
typedef struct tt_tensor {
    float *data;
    size_t size;
    int32_t ndim;
    int32_t shape[TT_MAX_DIMS];
    uint32_t magic; /* TT_TENSOR_MAGIC while alive; catches stale handles */
} tt_tensor;

/* A new tensor of zeros. Dims beyond ndim are ignored. Sizes < 0, a rank
 * outside 0..4, or an element count whose byte size does not fit in memory
 * are rejected. */
TT_API int tt_tensor_new(tt_tensor **out, int ndim, int d0, int d1, int d2, int d3);
/* tt_tensor_new without the zeroing: the values are whatever the memory
 * held, for a buffer the caller writes in full before anything reads it
 * (autograd's gradient buffers, handed to a backward that assigns: see
 * TT_ASSIGN_* below). */
TT_API int tt_tensor_empty(tt_tensor **out, int ndim, int d0, int d1, int d2, int d3);
TT_API void tt_tensor_free(tt_tensor *t);
TT_API int tt_tensor_copy(tt_tensor **out, const tt_tensor *t);

/* Accessors for hosts that cannot read the struct (JS reads these once). */
TT_API float *tt_tensor_data(const tt_tensor *t);
TT_API int tt_tensor_ndim(const tt_tensor *t);
TT_API int tt_tensor_dim(const tt_tensor *t, int i);
TT_API size_t tt_tensor_size(const tt_tensor *t);

typedef struct tt_generator tt_generator; /* see RNG below */

/* In-place fills. randn: mean + std * N(0,1); rand: uniform in [lo, hi).
 * gen NULL = the default generator. */
TT_API int tt_tensor_fill(tt_tensor *t, float value);
TT_API int tt_tensor_randn(tt_tensor *t, float mean, float std, tt_generator *gen);
TT_API int tt_tensor_rand(tt_tensor *t, float lo, float hi, tt_generator *gen);

/* The most bytes one tensor may have: 2^31 - 1 by default in every build
 * (wasm32 cannot address more), so native and wasm reject the same shapes
 * with the same TT_ERR_NOMEM. Values below 4 or above the default are
 * clamped. */
TT_API void tt_set_max_tensor_bytes(double bytes);
TT_API double tt_max_tensor_bytes(void);

/* Live tensors and their data bytes, for leak tests (JS memoryInfo()). */
TT_API int tt_mem_tensors(void);
TT_API double tt_mem_bytes(void);

/* ---- ops (each allocates its result into *out) ------------------------ */

typedef enum tt_binary_op { TT_ADD = 0, TT_SUB = 1, TT_MUL = 2, TT_DIV = 3 } tt_binary_op;

/* out = a (op) b with NumPy broadcasting: shapes align on the right; each
 * pair of dims must be equal or one of them 1. */
TT_API int tt_tensor_binary(tt_tensor **out, const tt_tensor *a, const tt_tensor *b, int op);
/* Backward of tt_tensor_binary. dy has the output's shape broadcast(a, b);
 * da += dy * d(a op b)/da summed over the dims a was broadcast on ([3,1,5]
 * against [4,5]: da [3,1,5] sums dy [3,4,5] over dim 1), db likewise.
 * Either may be NULL; they may be one buffer (y = x*x), never dy, a or b. */
TT_API int tt_tensor_binary_backward(tt_tensor *da, tt_tensor *db, const tt_tensor *dy,
                                     const tt_tensor *a, const tt_tensor *b, int op);
/* out = a (op) s, or s (op) a when scalar_first. */
TT_API int tt_tensor_binary_scalar(tt_tensor **out, const tt_tensor *a, float s, int op,
                                   int scalar_first);
/* da [a's shape] += dy [a's shape] * d(a op s)/da (d(s op a)/da when
 * scalar_first). */
TT_API int tt_tensor_binary_scalar_backward(tt_tensor *da, const tt_tensor *dy, const tt_tensor *a,
                                            float s, int op, int scalar_first);

/* NumPy matmul: [K]@[K] -> [], [M,K]@[K] -> [M], [K]@[K,N] -> [N],
 * [..,M,K]@[..,K,N] -> [..,M,N] with broadcast leading dims. */
TT_API int tt_tensor_matmul(tt_tensor **out, const tt_tensor *a, const tt_tensor *b);
/* Its gradients, accumulated (+=) into da (a's shape) and db (b's shape),
 * either may be NULL: da += dy @ b^T, db += a^T @ dy per batch slice (1-D
 * operands as in the forward), summed over the batch slices a broadcast
 * operand was used in, in increasing batch order. dy has the forward's
 * result shape. da and db may not be a, b, dy or each other (TT_ERR_ARG). */
TT_API int tt_tensor_matmul_backward(tt_tensor *da, tt_tensor *db, const tt_tensor *dy,
                                     const tt_tensor *a, const tt_tensor *b);

/* A copy with a new shape; at most one dim may be -1 (inferred). */
TT_API int tt_tensor_reshape(tt_tensor **out, const tt_tensor *a, int ndim, int d0, int d1,
                             int d2, int d3);
/* dst += src element by element; only the counts must match, so this is
 * also reshape's backward. dst may not be src. */
TT_API int tt_tensor_accumulate(tt_tensor *dst, const tt_tensor *src);
/* A copy with dims dim0 and dim1 swapped (negative dims count from the end). */
TT_API int tt_tensor_transpose(tt_tensor **out, const tt_tensor *a, int dim0, int dim1);
/* da += transpose(dy, dim0, dim1); dy is the output's shape, da the input's. */
TT_API int tt_tensor_transpose_backward(tt_tensor *da, const tt_tensor *dy, int dim0, int dim1);

typedef enum tt_reduce_op { TT_SUM = 0, TT_MEAN = 1, TT_MAX = 2 } tt_reduce_op;
/* Reduce over one axis (negative counts from the end), or over every
 * element when all != 0. keepdims keeps the reduced dims as 1. max over
 * zero elements is an error (as in NumPy); sum of nothing is 0, mean NaN. */
TT_API int tt_tensor_reduce(tt_tensor **out, const tt_tensor *a, int op, int all, int axis,
                            int keepdims);
/* da [a's shape] += the gradient of the same reduce given dy [its output's
 * shape]: sum broadcasts dy, mean dy / count, max gives dy / ties to each
 * element equal to the max (torch.amax's rule; where the max is NaN, to the
 * NaN elements: [0, 1, 0] for [1, NaN, 2], as in PyTorch). */
TT_API int tt_tensor_reduce_backward(tt_tensor *da, const tt_tensor *dy, const tt_tensor *a,
                                     int op, int all, int axis, int keepdims);

/* ---- statistics (what the lesson's views show) ------------------------ */

/* Over every element, accumulated in double: out[0] count, [1] mean,
 * [2] std (population), [3] min, [4] max, [5] exact zeros, [6] elements
 * that are NaN or +-inf (left out of mean/std/min/max). An empty tensor
 * gives count 0 and NaN for the rest. */
TT_API int tt_tensor_stats(const tt_tensor *t, double *out7);
/* *out = sqrt(sum of x^2) over the finite elements, in double (0 if none). */
TT_API int tt_tensor_norm(const tt_tensor *t, double *out);
/* bins equal bins over [lo, hi]: edges[0..bins] (bins + 1 doubles) are
 * lo + (hi - lo) * b / bins, rounded, clamped into [lo, hi], finite and
 * non-decreasing for every finite range (edges[0] = lo, edges[bins] = hi);
 * counts[b] (bins doubles) is the number of elements v in [lo, hi] whose
 * last bin with edges[b] <= v is b (hi itself goes in the last bin;
 * outside values and NaN in none; a bin of zero width, possible only for
 * ranges of a few subnormals, stays empty). bins in 1..4096, lo < hi,
 * both finite. */
TT_API int tt_tensor_histogram(const tt_tensor *t, int bins, double lo, double hi,
                               double *counts, double *edges);

/* ---- activations ------------------------------------------------------ */

typedef enum tt_activation {
    TT_RELU = 0,
    TT_SIGMOID = 1, /* 1/(1+e^-x), evaluated so that +-1000 gives 1 and 0      */
    TT_TANH = 2,
    TT_GELU = 3,    /* the course's approximation x * sigmoid(1.702 x)          */
    TT_SOFTMAX = 4, /* along `axis`, max-subtracted so large inputs stay finite */
} tt_activation;

/* out has x's shape. axis is used by softmax only. */
TT_API int tt_activation_forward(tt_tensor **out, const tt_tensor *x, int kind, int axis);
/* dx += dy * activation'(x), all four of x's shape. x is the forward's
 * input and y its output; each kind reads one of them and the other may be
 * NULL: relu, sigmoid, tanh and softmax read y (relu's gradient is 0 where
 * y is 0, as PyTorch's), gelu reads x. */
TT_API int tt_activation_backward(tt_tensor *dx, const tt_tensor *dy, const tt_tensor *x,
                                  const tt_tensor *y, int kind, int axis);

/* ---- Linear ----------------------------------------------------------- */

typedef enum tt_init {
    TT_INIT_LESSON = 0,         /* normal, std sqrt(1/K): the lesson's "Xavier" */
    TT_INIT_XAVIER_UNIFORM = 1, /* uniform(-a, a), a = sqrt(6/(K+N)) (Glorot)  */
    TT_INIT_HE_NORMAL = 2,      /* normal, std sqrt(2/K) (Kaiming, for ReLU)    */
    TT_INIT_NAIVE_NORMAL = 3,   /* N(0, 1): the lesson's pitfall               */
} tt_init;

/* weight is [K, N] and is filled from gen (NULL = the default generator);
 * bias, if not NULL, is [N] and set to zeros. */
TT_API int tt_linear_init(tt_tensor *weight, tt_tensor *bias, int init, tt_generator *gen);

/* y = x @ W + b, optionally followed by ReLU in the same pass.
 * x is [..., K] (rank 1 to 4, leading dims may be 0), W [K, N], b [N] or
 * NULL; y is [..., N]. */
TT_API int tt_linear_forward(tt_tensor **out, const tt_tensor *x, const tt_tensor *weight,
                             const tt_tensor *bias, int fuse_relu);
/* Its gradients, accumulated (+=); dx ([..., K]), dweight ([K, N]) and
 * dbias ([N]) may each be NULL. dy is [..., N] (the output's shape). With
 * fused_relu, y is the forward's (post-ReLU) output and dy is first masked
 * by y > 0; otherwise y is not read (may be NULL). With g the masked dy as
 * [M, N]: dx += g @ W^T, dweight += x^T @ g (GEMMs that read W and x as
 * stored), dbias += the column sums of g (each over rows in order, then
 * added). No gradient may be an input or another gradient (TT_ERR_ARG). */
TT_API int tt_linear_backward(tt_tensor *dx, tt_tensor *dweight, tt_tensor *dbias,
                              const tt_tensor *dy, const tt_tensor *x, const tt_tensor *weight,
                              const tt_tensor *y, int fused_relu);
/* Which gradients a backward assigns (=) instead of accumulating (+=): a
 * bitmask, one bit per gradient buffer. An assigned buffer's old values
 * are never read and every element is written, so it may come from
 * tt_tensor_empty; the bits are those of accumulating into zeros (each
 * assigned value is computed as 0 + the value where that differs: -0).
 * Accumulating into a zero-filled buffer was 3-7 % of a training step. */
#define TT_ASSIGN_DX 1
#define TT_ASSIGN_DWEIGHT 2
#define TT_ASSIGN_DBIAS 4
/* tt_linear_backward, with the gradients named in `assign` (TT_ASSIGN_*)
 * assigned. */
TT_API int tt_linear_backward_ex(tt_tensor *dx, tt_tensor *dweight, tt_tensor *dbias,
                                 const tt_tensor *dy, const tt_tensor *x, const tt_tensor *weight,
                                 const tt_tensor *y, int fused_relu, int assign);

/* ---- packed weights --------------------------------------------------- */

/* A Linear's weight W [K, N] copied once into the layout the GEMM kernels
 * read (8-column panels [K][8] and one narrower tail panel, see
 * src/kernels/tt_f32_gemm.h), so a forward on it skips packing W, and, from
 * the first backward on, W^T packed the same way for dx = dy @ W^T. The
 * results are bit-identical to tt_linear_forward/_backward on W itself
 * (the same sums in the same order). The packing is a copy: after W
 * changes (assignment, an optimizer step), tt_packed_update it (a host
 * tracks that with a version counter); the core cannot tell. */
typedef struct tt_packed tt_packed;

/* Pack weight [K, N] (2-D, K or N may be 0); counted by tt_mem_packed()
 * until tt_packed_free(). TT_ERR_NOMEM when the packed copy would exceed
 * tt_max_tensor_bytes() or cannot be allocated. */
TT_API int tt_packed_new(tt_packed **out, const tt_tensor *weight);
/* Repack p from weight, which must have p's shape [K, N]; the W^T packing
 * (if any) is redone by the next backward, in the buffer it has. */
TT_API int tt_packed_update(tt_packed *p, const tt_tensor *weight);
/* NULL is a no-op. */
TT_API void tt_packed_free(tt_packed *p);
/* Bytes p holds (W's packing, plus W^T's once a backward made it); 0 for
 * NULL or a freed handle. */
TT_API double tt_packed_bytes(const tt_packed *p);
/* Live packed weights and their bytes (JS memoryInfo()). */
TT_API int tt_mem_packed(void);
TT_API double tt_mem_packed_bytes(void);

/* tt_linear_forward with W given by its packing w. */
TT_API int tt_linear_forward_packed(tt_tensor **out, const tt_tensor *x, const tt_packed *w,
                                    const tt_tensor *bias, int fuse_relu);
/* tt_linear_backward with W given by its packing w. The first call after
 * tt_packed_new or tt_packed_update that needs dx packs W^T into w (so w
 * is not const); if that allocation fails, TT_ERR_NOMEM and nothing the
 * caller owns has changed. */
TT_API int tt_linear_backward_packed(tt_tensor *dx, tt_tensor *dweight, tt_tensor *dbias,
                                     const tt_tensor *dy, const tt_tensor *x, tt_packed *w,
                                     const tt_tensor *y, int fused_relu);

/* ---- Dropout ---------------------------------------------------------- */

/* Inverted dropout. training: element i is kept with probability 1 - p
 * (to within 2^-64: one 32-bit draw from gen per element, NULL = the
 * default generator, compared with a 64-bit threshold; see tt_dropout.c),
 * y_i = x_i * (float)(1/(1-p)) if kept, exactly +0 if dropped; mask (if
 * not NULL, same size as x, not x itself) receives 1.0f/0.0f per element.
 * Not training: y = x for every p and gen and mask are untouched.
 * p must be in [0, 1]; p = 0 and p = 1 draw nothing. */
TT_API int tt_dropout_forward(tt_tensor **out, tt_tensor *mask, const tt_tensor *x, double p,
                              int training, tt_generator *gen);
/* The training forward's gradient, accumulated: dx += (dy * mask) * scale
 * with the forward's float scale, nothing added where mask is 0 (and
 * nothing at all for p = 1). dy has dx's shape, mask the same element
 * count; dx may be NULL, and may not be dy or mask (TT_ERR_ARG). (The
 * evaluation forward is the identity: its gradient is dy.) */
TT_API int tt_dropout_backward(tt_tensor *dx, const tt_tensor *dy, const tt_tensor *mask,
                               double p);
/* tt_dropout_backward that assigns dx (assign = TT_ASSIGN_DX) instead:
 * dx = 0 + (dy * mask) * scale where mask is not 0, +0 elsewhere (and for
 * p = 1), the bits of accumulating into zeros. */
TT_API int tt_dropout_backward_ex(tt_tensor *dx, const tt_tensor *dy, const tt_tensor *mask,
                                  double p, int assign);

/* ---- losses ---------------------------------------------------------- */

/* Each loss is a rank-0 tensor; each backward takes dloss (rank 0) and
 * accumulates into its gradient buffers (NULL: not needed). */

/* Cross-entropy on raw scores, log-softmax and NLL in one pass (PyTorch's
 * F.cross_entropy, mean over rows): logits [M, C] (M >= 0, C >= 1), targets
 * [M] holding class indices as floats, each an integer in [0, C). loss [] =
 * mean_r(logsumexp(logits[r]) - logits[r, targets[r]]), max-subtracted
 * (logits of +-1e4 stay finite), accumulated in double. As in PyTorch, a
 * row holding NaN or +inf, or only -inf, has a NaN loss and gradient, and
 * M = 0 gives NaN. */
TT_API int tt_cross_entropy_forward(tt_tensor **loss, const tt_tensor *logits,
                                    const tt_tensor *targets);
/* dlogits [M, C] += dloss * (softmax(logits) - onehot(targets)) / M. */
TT_API int tt_cross_entropy_backward(tt_tensor *dlogits, const tt_tensor *dloss,
                                     const tt_tensor *logits, const tt_tensor *targets);

/* Mean squared error over every element; pred and target of one shape
 * (no elements: NaN, as in PyTorch). */
TT_API int tt_mse_forward(tt_tensor **loss, const tt_tensor *pred, const tt_tensor *target);
/* dpred += dloss * 2 (pred - target) / n and dtarget -= the same. */
TT_API int tt_mse_backward(tt_tensor *dpred, tt_tensor *dtarget, const tt_tensor *dloss,
                           const tt_tensor *pred, const tt_tensor *target);

/* ---- optimizers ------------------------------------------------------ */

/* One parameter tensor's step with PyTorch's update rules, element-wise in
 * float32 (hyperparameters rounded to float once, as PyTorch's scalars).
 * The state tensors have param's shape and belong to the caller. */

/* torch.optim.SGD: g = grad + weight_decay*param; if momentum != 0:
 * buf = first_step ? g : momentum*buf + (1-dampening)*g, then
 * g = nesterov ? g + momentum*buf : buf; param -= lr*g. momentum_buf may be
 * NULL only when momentum == 0. lr, momentum, weight_decay >= 0; nesterov
 * needs momentum > 0 and dampening 0. */
TT_API int tt_sgd_step(tt_tensor *param, const tt_tensor *grad, tt_tensor *momentum_buf,
                       double lr, double momentum, double dampening, double weight_decay,
                       int nesterov, int first_step);
/* torch.optim.Adam (not AdamW); step >= 1 is the count including this step.
 * g = grad + wd*param; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
 * param -= (lr/bc1) * m / (sqrt(v)/sqrt(bc2) + eps), bc = 1 - beta^step
 * in double. lr, eps, weight_decay >= 0; 0 <= beta1, beta2 < 1. */
TT_API int tt_adam_step(tt_tensor *param, const tt_tensor *grad, tt_tensor *exp_avg,
                        tt_tensor *exp_avg_sq, int step, double lr, double beta1, double beta2,
                        double eps, double weight_decay);

/* ---- RNG -------------------------------------------------------------- */

/* A generator is one PCG32 stream (O'Neill 2014, XSH-RR 64/32) and the
 * spare of the polar method's pair of normals. Every random entry point
 * takes a trailing `tt_generator *gen`; NULL means the default generator.
 * 64-bit seeds are passed as two 32-bit halves so a JS number fits
 * without BigInt; seeding uses the PCG reference's pcg32_srandom with its
 * default stream. */

/* A new generator seeded with (seed_hi << 32) | seed_lo; counted by
 * tt_mem_generators() until tt_generator_free(). */
TT_API int tt_generator_new(tt_generator **out, uint32_t seed_lo, uint32_t seed_hi);
/* NULL and the default generator are ignored. */
TT_API void tt_generator_free(tt_generator *g);
/* The default generator (never NULL, never freed). */
TT_API tt_generator *tt_generator_default(void);
/* Reseed (NULL = the default generator); drops any spare normal. */
TT_API int tt_generator_seed(tt_generator *g, uint32_t seed_lo, uint32_t seed_hi);
/* The whole state in 6 words, exactly round-tripped by set_state:
 *   [0] state bits 0-31   [1] state bits 32-63
 *   [2] inc bits 0-31     [3] inc bits 32-63 (inc is always odd)
 *   [4] [5] low and high 32 bits of the spare normal's IEEE double, or
 *           0x00000000, 0x7ff80000 (a quiet NaN) when there is no spare.
 * set_state rejects an even inc and words 4-5 that are neither a finite
 * double nor that NaN (TT_ERR_ARG, g unchanged). g NULL = the default. */
TT_API int tt_generator_get_state(const tt_generator *g, uint32_t *out6);
TT_API int tt_generator_set_state(tt_generator *g, const uint32_t *in6);
/* Live generators made by tt_generator_new, for leak tests. */
TT_API int tt_mem_generators(void);

/* Seeds the default generator: tt_generator_seed(NULL, lo, hi). */
TT_API void tt_manual_seed(uint32_t seed_lo, uint32_t seed_hi);
/* Draws from the default generator (tests, hosts). */
TT_API uint32_t tt_rng_u32(void);
/* Uniform in [0, 1) on a 2^-24 grid: (u32 >> 8) * 2^-24. */
TT_API float tt_rng_uniform(void);
/* Standard normal by Marsaglia's polar method in double precision with
 * the core's own log (no libm), so every build gives the same bits. */
TT_API double tt_rng_normal(void);

/* ---- kernels (also used by tests and the bench) ----------------------- */

/* C[M,N] (+)= op(A)[M,K] @ op(B)[K,N] (+ bias[N]) (then ReLU if relu).
 * op(A) = A stored [M,K], or A^T of an A stored [K,M] when trans_a;
 * op(B) = B stored [K,N], or B^T of a B stored [N,K] when trans_b; the
 * transposes are done by the packing routines, never by transposed
 * copies. C is [M,N], row stride N. Per element, in this order:
 * s = ((0 + a0*b0) + a1*b1) + ... over k increasing; s = s + bias[j];
 * c = accumulate ? c + s : s; then ReLU (NaN kept). Every kernel and
 * layout performs exactly these operations, so all give identical bits.
 * Raw kernel: nothing is validated (M or N <= 0 does nothing, K < 0 is 0);
 * C must not overlap A, B or bias. */
TT_API void tt_f32_gemm_ex(float *c, const float *a, const float *b, const float *bias, int m,
                           int k, int n, int trans_a, int trans_b, int accumulate, int relu);
/* tt_f32_gemm_ex(c, a, b, bias, m, k, n, 0, 0, 0, relu). */
TT_API void tt_f32_gemm(float *c, const float *a, const float *b, const float *bias, int m,
                        int k, int n, int relu);
/* The suffix of the tile kernel tt_f32_gemm uses, as in its C name
 * tt_f32_gemm_ukernel_<suffix>: "4x8__wasmsimd_loadsplat" (SIMD128 build)
 * or "4x8__scalar". */
TT_API const char *tt_f32_gemm_kernel_name(void);

/* ---- testing hooks ---------------------------------------------------- */

/* Make the n-th allocation from now fail (n >= 1); 0 turns this off. */
TT_API void tt_debug_fail_alloc_after(int n);

#ifdef __cplusplus
}
#endif
#endif /* TT_H */
