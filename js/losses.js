// Losses: CrossEntropyLoss (log-softmax and negative log-likelihood fused
// and max-subtracted, mean over the batch) and MSELoss (mean squared
// error). Each is one core call forward and one backward
// (src/tt_loss.c), recorded as one autograd node.

import { rt } from './core.js';
import { ptrOf, shapeOf, tensorArg, wrap, isTensor } from './tensor.js';
import { Module } from './module.js';
import { record } from './autograd.js';
import { ShapeError, describe, fmtShape } from './errors.js';

/**
 * Class indices as a float32 Float32Array (phase 1): an Int32Array, a
 * Uint8Array or another typed array, an array of numbers, each read once
 * and checked to be an integer (the core checks the range [0, C) per row).
 */
function targetValues(targets, what) {
  if (ArrayBuffer.isView(targets) && !(targets instanceof DataView)) {
    if (targets instanceof BigInt64Array || targets instanceof BigUint64Array) {
      throw new TypeError(`${what}: BigInt arrays are not supported; use an Int32Array`);
    }
    const v = new Float32Array(targets.length);
    for (let i = 0; i < targets.length; i++) {
      const c = targets[i];
      if (!Number.isInteger(c) || c < 0 || c >= 2 ** 24) throw new RangeError(`${what}: target ${describe(c)} at row ${i} is not a class index (an integer >= 0)`);
      v[i] = c;
    }
    return v;
  }
  if (!Array.isArray(targets)) {
    throw new TypeError(`${what}: targets must be an Int32Array, an array of class indices or a Tensor, got ${describe(targets)}`);
  }
  const n = targets.length;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = targets[i]; // read once
    if (typeof c !== 'number') throw new TypeError(`${what}: target at row ${i} must be a number, got ${describe(c)}`);
    if (!Number.isInteger(c) || c < 0 || c >= 2 ** 24) throw new RangeError(`${what}: target ${describe(c)} at row ${i} is not a class index (an integer >= 0)`);
    v[i] = c;
  }
  return v;
}

export class CrossEntropyLoss extends Module {
  static typeName = 'CrossEntropyLoss';

  /**
   * logits [M, C] (raw scores, no softmax before), targets: M class indices
   * in [0, C) (Int32Array, number[] or a Tensor [M]). Returns a rank-0
   * tensor: the mean over rows of logsumexp(row) - row[target].
   */
  forward(logits, targets) {
    tensorArg(logits, 'CrossEntropyLoss: logits');
    const given = isTensor(targets) ? tensorArg(targets, 'CrossEntropyLoss: targets') : null;
    const values = given ? null : targetValues(targets, 'CrossEntropyLoss');
    const ls = shapeOf(logits);
    if (ls.length !== 2) throw new ShapeError(`CrossEntropyLoss: logits must be [batch, classes], got ${fmtShape(ls)}`);
    const m = given ? shapeOf(given) : [values.length];
    if (m.length !== 1 || m[0] !== ls[0]) {
      throw new ShapeError(`CrossEntropyLoss: ${m.length === 1 ? m[0] : fmtShape(m)} targets for ${ls[0]} rows of logits ${fmtShape(ls)}; expected one class index per row`);
    }
    // phase 2: the targets as a float32 tensor the node keeps
    let t = given;
    if (!t) {
      t = wrap(rt.core.tensorNew([values.length]));
      if (values.length) rt.writeF32(rt.core.tensorData(ptrOf(t, 'targets')), values);
    }
    try {
      const loss = wrap(rt.core.crossEntropy(ptrOf(logits, 'CrossEntropyLoss: logits'), ptrOf(t, 'CrossEntropyLoss: targets')));
      return record('CrossEntropyBackward', loss, [logits, null], [logits, t],
        (dy, [dl], [sl, st]) => rt.core.crossEntropyBackward(dl, dy, sl, st));
    } finally {
      if (!given) t.dispose(); // the node holds its own reference
    }
  }
}

export class MSELoss extends Module {
  static typeName = 'MSELoss';

  /** pred and target of one shape; returns the mean of (pred - target)² as a rank-0 tensor. */
  forward(pred, target) {
    tensorArg(pred, 'MSELoss: pred');
    tensorArg(target, 'MSELoss: target');
    if (shapeOf(pred).join() !== shapeOf(target).join()) {
      throw new ShapeError(`MSELoss: pred ${fmtShape(shapeOf(pred))} and target ${fmtShape(shapeOf(target))} must have the same shape`);
    }
    const loss = wrap(rt.core.mse(ptrOf(pred, 'MSELoss: pred'), ptrOf(target, 'MSELoss: target')));
    return record('MseBackward', loss, [pred, target], [pred, target],
      (dy, [dp, dt], [sp, st]) => rt.core.mseBackward(dp, dt, dy, sp, st));
  }
}

/**
 * The fraction of rows whose largest logit is at the target class (ties go
 * to the first), from logits [M, C] and M class indices.
 */
export function accuracy(logits, targets) {
  tensorArg(logits, 'accuracy: logits');
  const given = isTensor(targets) ? tensorArg(targets, 'accuracy: targets') : null;
  const ls = shapeOf(logits);
  if (ls.length !== 2) throw new ShapeError(`accuracy: logits must be [batch, classes], got ${fmtShape(ls)}`);
  const labels = given ? given.data : targetValues(targets, 'accuracy');
  if (labels.length !== ls[0]) throw new ShapeError(`accuracy: ${labels.length} targets for ${ls[0]} rows of logits`);
  const [m, c] = ls;
  if (m === 0) return NaN;
  const v = logits.data;
  let correct = 0;
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (v[i * c + j] > v[i * c + best]) best = j;
    if (best === labels[i]) correct++;
  }
  return correct / m;
}
