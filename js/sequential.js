// Sequential: layers applied in order, as torch.nn.Sequential / keras
// Sequential. It owns its layers (dispose() frees them), passes train()/eval()
// down, fuses Linear followed by ReLU into one core call, frees the
// intermediate activations as it goes, and prints a Keras-style summary.

import { Tensor, shapeArg, tidy } from './tensor.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { ReLU } from './activations.js';
import { describe, fmtShape } from './errors.js';

const BYTES_PER_FLOAT32 = 4;

export class Sequential extends Module {
  static typeName = 'Sequential';
  #layers;

  /** new Sequential(a, b, c) or new Sequential([a, b, c]). */
  constructor(...layers) {
    super();
    const list = layers.length === 1 && Array.isArray(layers[0]) ? layers[0] : layers;
    list.forEach((l, i) => {
      if (!(l instanceof Module)) throw new TypeError(`Sequential: layer ${i} must be a layer (Linear, ReLU, Dropout, ...), got ${describe(l)}`);
    });
    this.#layers = [...list];
  }

  /** The layers, in order (a copy of the list). */
  get layers() { return [...this.#layers]; }
  get length() { return this.#layers.length; }
  children() { return this.#layers; }

  forward(x) { return this.#run(x, false); }

  _inferForward(x) { return this.#run(x, true); }

  flops(inputShape) { return this.summary(inputShape).totalFlops; }

  #run(x, infer) {
    let h = x;
    const layers = this.#layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      let next;
      try {
        if (!infer && layer instanceof Linear && layers[i + 1] instanceof ReLU) {
          next = layer._forward(h, true); // Linear + ReLU in one pass: same bits as two
          i++;
        } else {
          next = infer ? layer._inferForward(h) : layer.forward(h);
        }
      } catch (e) {
        if (h !== x) h.dispose(); // a layer that throws must not leak what came before
        throw e;
      }
      if (h !== x) h.dispose(); // the caller keeps x; intermediates are ours
      h = next;
    }
    return h === x ? x.clone() : h;
  }

  /**
   * Run the network on zeros of `inputShape` (Dropout in eval, so the RNG is
   * untouched) and report, for each layer, its output shape and parameters.
   * Units: bytes are float32 bytes; the table gives kB = 1000 bytes (as the
   * lesson's "940 KB") and KiB = 1024 bytes (what Keras prints as "KB").
   */
  summary(inputShape) {
    const dims = shapeArg([inputShape], 'summary: inputShape');
    const rows = [];
    let activationElems = 0;
    tidy(() => {
      let h = Tensor.zeros(dims);
      this.#layers.forEach((layer, i) => {
        const inShape = h.shape;
        h = layer._inferForward(h);
        const params = layer.parameters().reduce((n, p) => n + p.size, 0);
        rows.push({
          index: i, name: layer._label(), type: layer.constructor.typeName, outputShape: h.shape, params,
          bytes: params * BYTES_PER_FLOAT32, flops: layer.flops(inShape),
        });
        activationElems += h.size;
      });
    });
    const totalParams = rows.reduce((n, r) => n + r.params, 0);
    const trainableParams = this.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
    const result = {
      inputShape: dims,
      rows,
      totalFlops: rows.reduce((n, r) => n + r.flops, 0),
      totalParams,
      trainableParams,
      paramBytes: totalParams * BYTES_PER_FLOAT32,
      activationBytes: activationElems * BYTES_PER_FLOAT32,
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

const num = (n) => n.toLocaleString('en-US');
const kB = (b) => `${(b / 1000).toFixed(1)} kB`;
const KiB = (b) => `${(b / 1024).toFixed(1)} KiB`;

function formatSummary(s) {
  const head = ['#', 'Layer', 'Output shape', 'Params', 'Bytes'];
  const body = s.rows.map((r) => [String(r.index), r.name, fmtShape(r.outputShape), num(r.params), num(r.bytes)]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells) => cells.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
  const rule = (ch) => ch.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [
    `Input shape: ${fmtShape(s.inputShape)}`,
    rule('='), line(head), rule('-'), ...body.map(line), rule('='),
    `Total params: ${num(s.totalParams)}`,
    `Trainable params: ${num(s.trainableParams)}`,
    `Non-trainable params: ${num(s.totalParams - s.trainableParams)}`,
    `Parameter memory (float32): ${num(s.paramBytes)} bytes = ${kB(s.paramBytes)} = ${KiB(s.paramBytes)}`,
    `Activation memory (forward, this input): ${num(s.activationBytes)} bytes = ${kB(s.activationBytes)} = ${KiB(s.activationBytes)}`,
    '(1 kB = 1000 bytes; 1 KiB = 1024 bytes)',
  ].join('\n');
}
