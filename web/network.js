// The model behind the page: turns the state's layer specs into API layers,
// runs the input through them one layer at a time, and keeps every layer's
// output for the views. All arithmetic happens in the core through the
// js/ API; this file only decides what to run and keeps the results.
//
// Layers are cached by their spec and position, and each Linear draws its
// weights from its own seed (page seed, position), so dragging a Dropout
// slider or editing a later layer never re-draws the weights before it.

import { KINDS } from './state.js';

const INIT_SEED_STRIDE = 7919; // a prime: layer i's weights come from seed * stride + i

export class NetworkModel {
  constructor(api) {
    this.api = api;
    this.cache = new Map(); // cache key -> layer object
    this.outputs = []; // tensors of the last run (owned here)
    this.input = null; // input tensor of the last run (owned here)
  }

  /** The API layer for spec i (made once per distinct spec). */
  layerFor(spec, i, state) {
    const { api } = this;
    const key = spec.kind === 'linear'
      ? `${i}:L${spec.in}-${spec.out}${spec.bias ? '' : 'n'}:${state.init}:${state.seed}`
      : `${i}:${spec.kind}`;
    let layer = this.cache.get(key);
    if (!layer) {
      if (spec.kind === 'linear') {
        api.manualSeed(state.seed * INIT_SEED_STRIDE + i);
        layer = new api.Linear(spec.in, spec.out, { bias: spec.bias, init: state.init });
      } else if (spec.kind === 'dropout') {
        layer = new api.Dropout(spec.p);
      } else {
        layer = new api[KINDS[spec.kind].className]();
      }
      this.cache.set(key, layer);
    }
    if (spec.kind === 'dropout') layer.p = spec.p;
    return layer;
  }

  /** Free cached layers that the current specs no longer use. */
  prune(used) {
    for (const [key, layer] of this.cache) {
      if (!used.has(layer)) {
        layer.dispose();
        this.cache.delete(key);
      }
    }
  }

  /**
   * Run `input` (a Tensor, taken over by the model) through the network of
   * `state`. Returns the model the views draw:
   *   { state, input, layers: [{ index, spec, layer, output, shape, stats,
   *     params, bytes, flops, error }], error, totals, forwardMs }
   * Tensors in it stay valid until the next run.
   */
  run(state, input) {
    const { api } = this;
    this.disposeOutputs();
    this.input = input;
    const layers = state.net.map((spec, i) => this.layerFor(spec, i, state));
    this.prune(new Set(layers));
    const training = state.mode === 'train';
    // Masks depend on the seed and the resample counter only, so the same
    // link shows the same masks.
    api.manualSeed(state.seed * INIT_SEED_STRIDE + 5000 + state.draw);
    const rows = [];
    let h = input;
    let error = null;
    const t0 = performance.now();
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      const spec = state.net[i];
      const params = layer.parameters().reduce((n, p) => n + p.size, 0);
      const row = { index: i, spec, layer, output: null, shape: null, stats: null, params, bytes: params * 4, flops: 0, error: null };
      rows.push(row);
      if (error) continue; // past a broken layer nothing runs
      try {
        const inShape = h.shape;
        const out = spec.kind === 'dropout' ? layer.forward(h, training) : layer.forward(h);
        this.outputs.push(out);
        row.output = out;
        row.shape = out.shape;
        row.flops = layer.flops(inShape);
        h = out;
      } catch (e) {
        row.error = e.message;
        error = { index: i, name: e.name, message: e.message };
      }
    }
    const forwardMs = performance.now() - t0;
    for (const row of rows) if (row.output) row.stats = row.output.stats();
    const totals = {
      params: rows.reduce((n, r) => n + r.params, 0),
      flops: rows.reduce((n, r) => n + r.flops, 0),
      activationBytes: rows.reduce((n, r) => n + (r.output ? r.output.size * 4 : 0), 0),
    };
    totals.paramBytes = totals.params * 4;
    return { state, input, layers: rows, error, totals, forwardMs };
  }

  /** The network's Sequential summary table (a printable text), or null if it does not chain. */
  summaryText(state) {
    const { api } = this;
    const layers = state.net.map((spec, i) => this.layerFor(spec, i, state));
    try {
      return new api.Sequential(layers).summary([state.batch, this.input ? this.input.shape.at(-1) : 784]).table;
    } catch {
      return null;
    }
  }

  disposeOutputs() {
    for (const t of this.outputs) t.dispose();
    this.outputs = [];
    this.input?.dispose();
    this.input = null;
  }

  dispose() {
    this.disposeOutputs();
    this.prune(new Set());
  }
}
