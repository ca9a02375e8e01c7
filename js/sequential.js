// Sequential: layers applied in order, as torch.nn.Sequential / keras
// Sequential. It owns its layers (dispose() frees them), passes
// train()/eval() down, calls each layer's own forward (fusing Linear + ReLU
// into one core call only for the library's exact classes), disposes the
// intermediate tensors it made and nothing else, and reports per layer:
// trace(x) (every output, shape, parameters, FLOPs, or the error) and
// summary(inputShape), a Keras-style table built on trace().

import { Tensor, currentSerial, serialOf, tensorArg } from './tensor.js';
import { Module, inferShapes, moduleArg } from './module.js';
import { Linear, linearForward } from './linear.js';
import { ReLU } from './activations.js';
import { noGrad } from './autograd.js';
import { shapeArg } from './checks.js';
import { tidy } from './scope.js';
import { fmtShape } from './errors.js';
import { fmtInt, fmtKB, fmtKiB } from './format.js';

const BYTES_PER_FLOAT32 = 4;
const LINEAR_FORWARD = Linear.prototype.forward;
const RELU_FORWARD = ReLU.prototype.forward;

/** Exactly the library's Linear followed by exactly its ReLU, neither with a forward of its own. */
function fusable(a, b) {
  return Object.getPrototypeOf(a) === Linear.prototype && Object.getPrototypeOf(b) === ReLU.prototype
    && !Object.hasOwn(a, 'forward') && !Object.hasOwn(b, 'forward')
    && Linear.prototype.forward === LINEAR_FORWARD && ReLU.prototype.forward === RELU_FORWARD;
}


export class Sequential extends Module {
  static typeName = 'Sequential';
  #layers;

  /** new Sequential(a, b, c) or new Sequential([a, b, c]). */
  constructor(...layers) {
    super();
    const list = layers.length === 1 && Array.isArray(layers[0]) ? layers[0] : layers;
    const copy = [];
    for (let i = 0; i < list.length; i++) {
      if (!(i in list)) throw new TypeError(`Sequential: layer ${i} is a hole in the array; every entry must be a layer`);
      copy.push(moduleArg(list[i], `Sequential: layer ${i}`));
    }
    for (const [i, l] of copy.entries()) {
      if (l === this || (l instanceof Sequential && l.modules().includes(this))) {
        throw new TypeError(`Sequential: layer ${i} contains this Sequential (a cycle)`);
      }
    }
    this.#layers = Object.freeze(copy);
  }

  /** The layers, in order (a new array: changing it changes nothing here). */
  get layers() { return [...this.#layers]; }
  get length() { return this.#layers.length; }
  children() { return [...this.#layers]; }

  /**
   * Run x through every layer. The result is what the last layer returned
   * (a copy of x if no layer made a new tensor); intermediate tensors made
   * during this call are disposed as soon as the next layer has run.
   */
  forward(x) {
    tensorArg(x, 'Sequential.forward: input');
    const layers = this.#layers;
    const start = currentSerial();
    let h = x;
    const madeHere = (t) => t !== x && serialOf(t) > start;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      let next;
      try {
        if (i + 1 < layers.length && fusable(layer, layers[i + 1])) {
          tensorArg(h, `Sequential.forward: input of layer ${i}`);
          next = linearForward(layer, h, true); // Linear + ReLU in one pass: same bits as two
          i++;
        } else {
          next = layer.forward(h);
        }
        tensorArg(next, `Sequential.forward: the output of layer ${i} (${layer.constructor.typeName})`);
      } catch (e) {
        if (h !== x && madeHere(h)) h.dispose(); // a layer that throws must not leak what came before
        throw e;
      }
      if (next !== h && madeHere(h) && !this.#isParameter(h)) h.dispose();
      h = next;
    }
    return h === x ? x.clone() : h;
  }

  #isParameter(t) {
    return this.parameters().includes(t);
  }

  /**
   * Run x through the layers one at a time and keep everything: for each
   * layer { index, name, type, layer, inputShape, output, shape, params,
   * flops, error }. Outputs are new tensors the caller owns (dispose them,
   * or call trace inside tidy()); a layer that throws ends the trace with
   * its error in its row and in `error`. Dropout layers draw their masks as
   * in forward(), so a trace shows exactly what forward() computes.
   */
  trace(x) {
    tensorArg(x, 'Sequential.trace: input');
    const rows = [];
    let h = x;
    let error = null;
    for (const [i, layer] of this.#layers.entries()) {
      const inputShape = h.shape;
      const row = {
        index: i, name: layer._label(), type: layer.constructor.typeName, layer, inputShape,
        output: null, shape: null, params: layer.parameters().reduce((n, p) => n + p.size, 0), flops: 0, error: null,
      };
      rows.push(row);
      try {
        const y = layer.forward(h);
        tensorArg(y, `Sequential.trace: the output of layer ${i}`);
        row.flops = layer.flops(inputShape);
        row.output = y === h ? y.clone() : y;
        row.shape = row.output.shape;
        h = row.output;
      } catch (e) {
        row.error = e;
        error = e;
        break;
      }
    }
    return { rows, output: error ? null : (rows.length ? rows[rows.length - 1].output : null), error };
  }

  flops(inputShape) { return this.summary(inputShape).totalFlops; }

  /**
   * Shapes, parameters and FLOPs per layer for an input of `inputShape`, by
   * trace() on zeros without autograd and without drawing masks. Units:
   * bytes are float32 bytes; the table gives kB = 1000 bytes (the lesson's
   * "940 KB") and KiB = 1024 bytes (what Keras prints as "KB").
   */
  summary(inputShape) {
    const dims = shapeArg([inputShape], 'summary: inputShape');
    const traced = tidy(() => noGrad(() => inferShapes(() => {
      const t = this.trace(Tensor.zeros(dims));
      return t.rows.map((r) => ({ ...r, layer: undefined, output: undefined, elems: r.output ? r.output.size : 0 }));
    })));
    const failed = traced.find((r) => r.error);
    if (failed) throw failed.error;
    const rows = traced.map((r) => ({
      index: r.index, name: r.name, type: r.type, outputShape: r.shape, params: r.params,
      bytes: r.params * BYTES_PER_FLOAT32, flops: r.flops,
    }));
    const totalParams = this.parameters().reduce((n, p) => n + p.size, 0);
    const trainableParams = this.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
    const result = {
      inputShape: dims,
      rows,
      totalFlops: rows.reduce((n, r) => n + r.flops, 0),
      totalParams,
      trainableParams,
      paramBytes: totalParams * BYTES_PER_FLOAT32,
      activationBytes: traced.reduce((n, r) => n + r.elems, 0) * BYTES_PER_FLOAT32,
    };
    result.table = formatSummary(result);
    result.toString = () => result.table;
    return result;
  }

  toString() {
    const inner = this.#layers.map((l, i) => `  (${i}): ${l}`).join('\n');
    return `Sequential(\n${inner}\n)`;
  }
}

function formatSummary(s) {
  const head = ['#', 'Layer', 'Output shape', 'Params', 'Bytes'];
  const body = s.rows.map((r) => [String(r.index), r.name, fmtShape(r.outputShape), fmtInt(r.params), fmtInt(r.bytes)]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells) => cells.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
  const rule = (ch) => ch.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [
    `Input shape: ${fmtShape(s.inputShape)}`,
    rule('='), line(head), rule('-'), ...body.map(line), rule('='),
    `Total params: ${fmtInt(s.totalParams)}`,
    `Trainable params: ${fmtInt(s.trainableParams)}`,
    `Non-trainable params: ${fmtInt(s.totalParams - s.trainableParams)}`,
    `Parameter memory (float32): ${fmtInt(s.paramBytes)} bytes = ${fmtKB(s.paramBytes)} = ${fmtKiB(s.paramBytes)}`,
    `Activation memory (forward, this input; the input and Dropout masks not counted): ${fmtInt(s.activationBytes)} bytes = ${fmtKB(s.activationBytes)} = ${fmtKiB(s.activationBytes)}`,
    '(1 kB = 1000 bytes; 1 KiB = 1024 bytes)',
  ].join('\n');
}
