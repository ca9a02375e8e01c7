// The memory ledger of training: what one training step keeps alive, in
// bytes. Two parts:
//
// savedForBackward(specs, sizes): which tensors this library's autograd
//   keeps from the forward pass until backward, by the rules of its code
//   (js/linear.js saves a Linear's input, and when Sequential fuses Linear
//   + ReLU the ReLU's output instead of the Linear's; js/activations.js
//   saves an activation's input and output; js/dropout.js saves only the
//   mask; js/losses.js saves the logits), applied to the element counts of
//   a trace's outputs. Compared with torchinfo's "Forward/backward pass
//   size", which counts every layer's output twice (once for the value,
//   once for its gradient) whether or not backward needs it.
//
// measureTraining(api, specs, opts): the same network run for one real
//   step at the chosen batch size on a throwaway copy (zeros in, class 0
//   targets), with the core's byte counter (memoryInfo) read after the
//   forward pass, after backward and after the optimizer step, and each
//   optimizer's stateBytes(): measured numbers to set beside the rule.

import { layersFromSpecs } from '../layers.js';
import { generatorFor } from '../seeds.js';

const FLOAT32 = 4;
const ACTIVATIONS = new Set(['relu', 'sigmoid', 'tanh', 'gelu', 'softmax']);

/** Is layer i a Linear that Sequential.forward fuses with the ReLU after it? */
const fusedWithNext = (specs, i) => specs[i]?.kind === 'linear' && specs[i + 1]?.kind === 'relu';

/**
 * specs: layer specs; inputSize: elements of the network's input; sizes[i]:
 * elements of layer i's output (from a trace). Returns { input: { elems,
 * kept, why }, rows: [{ index, kind, elems, bytes, kept, why, maskBytes }],
 * keptBytes (activations kept, input included), maskBytes, outputBytes
 * (every output once), torchinfoBytes (2 · outputBytes) }.
 */
export function savedForBackward(specs, inputSize, sizes) {
  const n = specs.length;
  const keeperOfInput = (j) => {
    // what layer j keeps of its input (the previous layer's output)
    const s = specs[j];
    if (!s) return null;
    if (s.kind === 'linear') return `the Linear after it (layer ${j}) keeps it as its input, for its weight gradient`;
    if (ACTIVATIONS.has(s.kind) && !fusedWithNext(specs, j - 1)) return `the ${s.kind} after it (layer ${j}) keeps it as its input`;
    return null;
  };
  const input = { elems: inputSize, bytes: inputSize * FLOAT32, kept: false, why: '' };
  const firstKeeper = keeperOfInput(0);
  input.kept = firstKeeper !== null;
  input.why = !input.kept ? 'the first layer (a Dropout) keeps only its mask'
    : specs[0].kind === 'linear' ? 'the first layer, a Linear, keeps it for its weight gradient' : `the first layer, a ${specs[0].kind}, keeps it`;
  const rows = specs.map((s, i) => {
    const elems = sizes[i] ?? 0;
    const row = { index: i, kind: s.kind, elems, bytes: elems * FLOAT32, kept: false, why: '', maskBytes: 0, fused: false };
    if (fusedWithNext(specs, i)) {
      row.fused = true;
      row.why = 'fused with the ReLU after it: in training this output is never stored';
      return row;
    }
    const reasons = [];
    if (ACTIVATIONS.has(s.kind)) reasons.push(fusedWithNext(specs, i - 1) ? 'the fused Linear+ReLU keeps its output (the ReLU\'s mask)' : `the ${s.kind} keeps its output`);
    const next = keeperOfInput(i + 1);
    if (next) reasons.push(next);
    if (i === n - 1) reasons.push('the loss keeps the logits for its gradient');
    row.kept = reasons.length > 0;
    row.why = row.kept ? reasons.join('; ') : 'freed as soon as the next layer has run';
    if (s.kind === 'dropout') row.maskBytes = elems * FLOAT32; // the 0/1 mask, float32, one per element
    return row;
  });
  const keptBytes = (input.kept ? input.bytes : 0) + rows.reduce((b, r) => b + (r.kept ? r.bytes : 0), 0);
  const maskBytes = rows.reduce((b, r) => b + r.maskBytes, 0);
  const outputBytes = rows.reduce((b, r) => b + r.bytes, 0);
  return { input, rows, keptBytes, maskBytes, outputBytes, torchinfoBytes: 2 * outputBytes };
}

/**
 * One real training step of a throwaway copy of the network at `batch`
 * rows, measured by the core's byte counter. opts: { batch, features,
 * classes, init, impl (as web/layers.js takes it) }. Returns { paramBytes, gradBytes, forwardBytes (live
 * bytes the forward pass added: saved tensors, masks, logits, targets and
 * the loss), inputBytes, stateBytes: { sgd, adam } } or throws what the
 * network threw.
 */
export function measureTraining(api, specs, { batch, features = 784, classes = 10, init = 'xavier', impl } = {}) {
  const gen = generatorFor(api, 'ledger'); // any weights and masks do: only sizes are measured
  let layers;
  try {
    // impl: a student's Linear / Dropout (Build's "use my layers"): what their forward keeps is measured
    layers = layersFromSpecs(api, specs, () => ({ weights: gen, init, masks: gen, impl }));
  } catch (e) {
    gen.dispose();
    throw e;
  }
  const net = new api.Sequential(layers);
  const lossFn = new api.CrossEntropyLoss();
  const targets = new Int32Array(batch); // class 0: only the sizes matter here
  const out = { paramBytes: 0, gradBytes: 0, forwardBytes: 0, inputBytes: batch * features * FLOAT32, stateBytes: {} };
  try {
    const params = net.parameters();
    out.paramBytes = params.reduce((b, p) => b + p.size * FLOAT32, 0);
    for (const [name, make] of [['sgd', () => new api.SGD(params, { lr: 0.01, momentum: 0.9 })], ['adam', () => new api.Adam(params, { lr: 0.001 })]]) {
      const opt = make();
      try {
        api.tidy(() => {
          const x = api.Tensor.zeros([batch, features]);
          opt.zeroGrad();
          const before = api.memoryInfo().bytes;
          const logits = net.forward(x);
          if (logits.shape.at(-1) !== classes) throw new RangeError(`the network ends in ${logits.shape.at(-1)} features, not ${classes}`);
          const loss = lossFn.forward(logits, targets);
          if (name === 'sgd') out.forwardBytes = api.memoryInfo().bytes - before;
          loss.backward();
          if (name === 'sgd') out.gradBytes = params.reduce((b, p) => b + (p.grad ? p.grad.size * FLOAT32 : 0), 0);
          opt.step();
        });
        out.stateBytes[name] = opt.stateBytes();
      } finally {
        opt.dispose();
      }
    }
  } finally {
    net.dispose();
    gen.dispose();
  }
  return out;
}
