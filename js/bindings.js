// The one binding table: the only file that names the core's C exports.
// Each entry is a plain JS function over numbers (pointers as unsigned
// ints); the out-pointer convention (`tt_tensor **out`) and the status
// check live here, so no other file knows them. src/exports.txt is the
// reviewed list the wasm is linked with; tests/js/bindings.test.js checks
// that every name below is in it and in the built module, and bindCore()
// refuses to start when one is missing.

import { throwStatus } from './errors.js';

/** Every C export js/ calls (the rest of src/exports.txt serves tests and the bench). */
export const EXPORTS = Object.freeze([
  'malloc', 'free',
  'tt_status_str', 'tt_last_error', 'tt_enum_name', 'tt_enum_count',
  'tt_tensor_new', 'tt_tensor_free', 'tt_tensor_copy', 'tt_tensor_data', 'tt_tensor_ndim', 'tt_tensor_dim',
  'tt_tensor_fill', 'tt_tensor_randn', 'tt_tensor_rand',
  'tt_mem_tensors', 'tt_mem_bytes', 'tt_mem_generators',
  'tt_tensor_binary', 'tt_tensor_binary_scalar', 'tt_tensor_matmul', 'tt_tensor_reshape',
  'tt_tensor_transpose', 'tt_tensor_reduce', 'tt_tensor_stats', 'tt_tensor_norm', 'tt_tensor_histogram',
  'tt_activation_forward', 'tt_linear_init', 'tt_linear_forward', 'tt_dropout_forward',
  'tt_packed_new', 'tt_packed_update', 'tt_packed_free', 'tt_packed_bytes', 'tt_mem_packed', 'tt_mem_packed_bytes',
  'tt_linear_forward_packed',
  'tt_generator_new', 'tt_generator_free', 'tt_generator_default', 'tt_generator_seed',
  'tt_generator_get_state', 'tt_generator_set_state',
  'tt_f32_gemm', 'tt_f32_gemm_kernel_name',
  // training: each op's backward, the losses, the optimizer steps
  'tt_tensor_accumulate', 'tt_tensor_binary_backward', 'tt_tensor_binary_scalar_backward',
  'tt_tensor_matmul_backward', 'tt_tensor_transpose_backward', 'tt_tensor_reduce_backward',
  'tt_activation_backward', 'tt_linear_backward', 'tt_dropout_backward',
  'tt_cross_entropy_forward', 'tt_cross_entropy_backward', 'tt_mse_forward', 'tt_mse_backward',
  'tt_sgd_step', 'tt_adam_step',
  // issue 25: gradient buffers a backward assigns instead of accumulating into zeros
  'tt_tensor_empty', 'tt_linear_backward_ex', 'tt_dropout_backward_ex',
]);

/** Words in one generator state (tt_generator_get_state). */
export const GENERATOR_STATE_WORDS = 6;

/**
 * Bind a runtime's exports (see core.js). Throws a clear Error naming what
 * is missing when js/ and the wasm build are out of step.
 */
export function bindCore(runtime) {
  const ex = runtime.exports;
  const missing = EXPORTS.filter((name) => typeof ex[name] !== 'function');
  if (missing.length) {
    throw new Error(`tinytorch-wasm: the wasm core lacks ${missing.join(', ')}; js/ and the core were built from different sources (rebuild with \`bash scripts/build.sh\`)`);
  }
  const slot = runtime.scratch; // one 4-byte out-pointer
  const check = (status) => {
    if (status !== 0) throwStatus(status, runtime.readCString(ex.tt_last_error()));
  };
  // A view of the slot kept between calls: growing memory detaches the old
  // buffer, which leaves this view with length 0, so it is made again then
  // (a new view of the whole memory per call was a tenth of a small op's JS time).
  let slotView = new Uint32Array(runtime.memory.buffer, slot, 1);
  const out = (status) => {
    check(status);
    if (slotView.length === 0) slotView = new Uint32Array(runtime.memory.buffer, slot, 1);
    return slotView[0];
  };
  const u = (p) => p >>> 0;
  return Object.freeze({
    malloc: (bytes) => u(ex.malloc(bytes)),
    free: (ptr) => ex.free(ptr),
    enumName: (table, code) => {
      const p = u(ex.tt_enum_name(table, code));
      return p === 0 ? null : runtime.readCString(p);
    },
    enumCount: (table) => ex.tt_enum_count(table),
    statusString: (status) => runtime.readCString(ex.tt_status_str(status)),

    // tensors: (dims) are checked int arrays of rank 0..4
    tensorNew: (d) => out(ex.tt_tensor_new(slot, d.length, d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, d[3] ?? 0)),
    tensorFree: (t) => ex.tt_tensor_free(t),
    tensorCopy: (t) => out(ex.tt_tensor_copy(slot, t)),
    tensorData: (t) => u(ex.tt_tensor_data(t)),
    tensorNdim: (t) => ex.tt_tensor_ndim(t),
    tensorDim: (t, i) => ex.tt_tensor_dim(t, i),
    tensorFill: (t, v) => check(ex.tt_tensor_fill(t, v)),
    tensorRandn: (t, mean, std, gen) => check(ex.tt_tensor_randn(t, mean, std, gen)),
    tensorRand: (t, lo, hi, gen) => check(ex.tt_tensor_rand(t, lo, hi, gen)),
    memTensors: () => ex.tt_mem_tensors(),
    memBytes: () => ex.tt_mem_bytes(),
    memGenerators: () => ex.tt_mem_generators(),

    // ops: each returns a new tensor the caller owns
    binary: (a, b, op) => out(ex.tt_tensor_binary(slot, a, b, op)),
    binaryScalar: (a, s, op, scalarFirst) => out(ex.tt_tensor_binary_scalar(slot, a, s, op, scalarFirst ? 1 : 0)),
    matmul: (a, b) => out(ex.tt_tensor_matmul(slot, a, b)),
    reshape: (a, d) => out(ex.tt_tensor_reshape(slot, a, d.length, d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, d[3] ?? 0)),
    transpose: (a, dim0, dim1) => out(ex.tt_tensor_transpose(slot, a, dim0, dim1)),
    reduce: (a, op, axis, keepdims) => out(ex.tt_tensor_reduce(slot, a, op, axis === null ? 1 : 0, axis ?? 0, keepdims ? 1 : 0)),
    /** [count, mean, std, min, max, zeros, nonFinite] */
    stats: (t) => runtime.withScratch(7 * 8, (p) => {
      check(ex.tt_tensor_stats(t, p));
      return runtime.readF64(p, 7);
    }),
    /** sqrt(sum of squares) over the finite elements */
    norm: (t) => runtime.withScratch(8, (p) => {
      check(ex.tt_tensor_norm(t, p));
      return runtime.readF64(p, 1)[0];
    }),
    /** { counts, edges } with bins and bins + 1 entries, both from the core */
    histogram: (t, bins, lo, hi) => runtime.withScratch((2 * bins + 1) * 8, (p) => {
      const edges = p + bins * 8;
      check(ex.tt_tensor_histogram(t, bins, lo, hi, p, edges));
      return { counts: Array.from(runtime.readF64(p, bins)), edges: Array.from(runtime.readF64(edges, bins + 1)) };
    }),

    activation: (x, kind, axis) => out(ex.tt_activation_forward(slot, x, kind, axis)),
    linearInit: (w, b, init, gen) => check(ex.tt_linear_init(w, b, init, gen)),
    linearForward: (x, w, b, relu) => out(ex.tt_linear_forward(slot, x, w, b, relu ? 1 : 0)),
    // a Linear's weight in the kernel's panel layout, packed once per weight version
    packedNew: (w) => out(ex.tt_packed_new(slot, w)),
    packedUpdate: (p, w) => check(ex.tt_packed_update(p, w)),
    packedFree: (p) => ex.tt_packed_free(p),
    packedBytes: (p) => ex.tt_packed_bytes(p),
    memPacked: () => ex.tt_mem_packed(),
    memPackedBytes: () => ex.tt_mem_packed_bytes(),
    linearForwardPacked: (x, p, b, relu) => out(ex.tt_linear_forward_packed(slot, x, p, b, relu ? 1 : 0)),
    dropoutForward: (mask, x, p, training, gen) => out(ex.tt_dropout_forward(slot, mask, x, p, training ? 1 : 0, gen)),

    generatorNew: (lo, hi) => out(ex.tt_generator_new(slot, lo, hi)),
    generatorFree: (g) => ex.tt_generator_free(g),
    generatorDefault: () => u(ex.tt_generator_default()),
    generatorSeed: (g, lo, hi) => check(ex.tt_generator_seed(g, lo, hi)),
    generatorGetState: (g) => runtime.withScratch(GENERATOR_STATE_WORDS * 4, (p) => {
      check(ex.tt_generator_get_state(g, p));
      return runtime.readU32(p, GENERATOR_STATE_WORDS);
    }),
    generatorSetState: (g, words) => runtime.withScratch(GENERATOR_STATE_WORDS * 4, (p) => {
      runtime.writeU32(p, words);
      check(ex.tt_generator_set_state(g, p));
    }),

    // backward passes: every d-pointer accumulates (+=); 0 means "not needed"
    accumulate: (dst, src) => check(ex.tt_tensor_accumulate(dst, src)),
    binaryBackward: (da, db, dy, a, b, op) => check(ex.tt_tensor_binary_backward(da, db, dy, a, b, op)),
    binaryScalarBackward: (da, dy, a, s, op, scalarFirst) => check(ex.tt_tensor_binary_scalar_backward(da, dy, a, s, op, scalarFirst ? 1 : 0)),
    matmulBackward: (da, db, dy, a, b) => check(ex.tt_tensor_matmul_backward(da, db, dy, a, b)),
    transposeBackward: (da, dy, dim0, dim1) => check(ex.tt_tensor_transpose_backward(da, dy, dim0, dim1)),
    reduceBackward: (da, dy, a, op, axis, keepdims) => check(ex.tt_tensor_reduce_backward(da, dy, a, op, axis === null ? 1 : 0, axis ?? 0, keepdims ? 1 : 0)),
    activationBackward: (dx, dy, x, y, kind, axis) => check(ex.tt_activation_backward(dx, dy, x, y, kind, axis)),
    // assign: a bitmask of the gradients the call assigns (=) instead of adding to
    // (1 dx, 2 dweight, 4 dbias: TT_ASSIGN_* in src/tt.h), each a tensorEmpty buffer
    linearBackward: (dx, dw, db, dy, x, w, y, relu, assign = 0) => check(ex.tt_linear_backward_ex(dx, dw, db, dy, x, w, y, relu ? 1 : 0, assign)),
    dropoutBackward: (dx, dy, mask, p, assign = 0) => check(ex.tt_dropout_backward_ex(dx, dy, mask, p, assign)),
    /** A tensor whose values are whatever the memory held: only for a buffer a backward assigns in full. */
    tensorEmpty: (d) => out(ex.tt_tensor_empty(slot, d.length, d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, d[3] ?? 0)),
    crossEntropy: (logits, targets) => out(ex.tt_cross_entropy_forward(slot, logits, targets)),
    crossEntropyBackward: (dlogits, dloss, logits, targets) => check(ex.tt_cross_entropy_backward(dlogits, dloss, logits, targets)),
    mse: (pred, target) => out(ex.tt_mse_forward(slot, pred, target)),
    mseBackward: (dpred, dtarget, dloss, pred, target) => check(ex.tt_mse_backward(dpred, dtarget, dloss, pred, target)),
    sgdStep: (param, grad, buf, o, firstStep) => check(ex.tt_sgd_step(param, grad, buf, o.lr, o.momentum, o.dampening, o.weightDecay, o.nesterov ? 1 : 0, firstStep ? 1 : 0)),
    adamStep: (param, grad, m, v, step, o) => check(ex.tt_adam_step(param, grad, m, v, step, o.lr, o.betas[0], o.betas[1], o.eps, o.weightDecay)),

    // raw kernel access for kernel tests and the bench (core.js gemmPlan)
    gemm: (c, a, b, bias, m, k, n, relu) => ex.tt_f32_gemm(c, a, b, bias, m, k, n, relu ? 1 : 0),
    kernelName: () => runtime.readCString(ex.tt_f32_gemm_kernel_name()),
  });
}
