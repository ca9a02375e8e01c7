// The model behind the page: turns the state's layer specs into API layers,
// puts them in an api.Sequential and runs its trace() on the input (inside
// noGrad: the page never trains, so no autograd tape is recorded). The
// trace keeps every layer's output, shape, parameter count and FLOPs; this
// file adds each output's statistics (Tensor.stats(), from the core), sums
// the totals, and decides what to keep between renders.
//
// Layers are cached by their spec and position, and each Linear draws its
// weights from its own stream (web/seeds.js: page seed, position), so
// dragging a Dropout slider or editing a later layer never redraws the
// weights before it. Each Dropout owns a Generator that is pointed at the
// start of its stream (page seed, position, resample counter) before every
// run, so the same link shows the same masks.
//
// Weights other than the seeded init (a trained run's, an imported file's):
// setWeights(dict) builds a separate copy of every Linear, carrying those
// values (copied into new tensors: the trainer's networks and the caller's
// arrays are never written), and run() puts them in place of the cached
// initial Linears for as long as the network's Linear shapes match. The
// initial layers stay cached, so switching back costs no redraw.

import { layerFromSpec } from './layers.js';
import { formatNet } from './state.js';
import { generatorFor, reseed, streamSeed, withGenerator } from './seeds.js';

const BYTES_PER_FLOAT32 = 4;

/** What the weights' fit depends on: each Linear's position, sizes and bias (not Dropout's p, not activations). */
export function weightsFitKey(net) {
  return net.map((s, i) => (s.kind === 'linear' ? `${i}:L${s.in}-${s.out}${s.bias ? '' : 'n'}` : `${i}:-`)).join(',');
}

const shapeText = (shape) => `[${shape.join(', ')}]`;

/**
 * Check a weights dictionary ({ name: { shape, data: Float32Array } })
 * against the parameters of the Linears the network `net` would have, as
 * Sequential.namedParameters() names them ("0.weight", "0.bias", ...).
 * `expected`: [[name, shape]] in order. Throws a TypeError, RangeError or
 * api.ShapeError naming the parameter; returns nothing.
 */
export function checkWeights(api, dict, expected) {
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) {
    throw new TypeError(`useWeights: weights must be an object mapping parameter names to { shape, data }, got ${dict === null ? 'null' : Array.isArray(dict) ? 'an array' : typeof dict}`);
  }
  const want = new Map(expected);
  for (const name of Object.keys(dict)) {
    if (!want.has(name)) {
      throw new RangeError(`useWeights: the network has no parameter "${name}"; its parameters are ${[...want.keys()].join(', ') || '(none)'}`);
    }
  }
  for (const [name, shape] of expected) {
    if (!Object.hasOwn(dict, name)) throw new RangeError(`useWeights: parameter "${name}" (shape ${shapeText(shape)}) is missing`);
    const entry = dict[name];
    if (entry === null || typeof entry !== 'object') throw new TypeError(`useWeights: "${name}" must be { shape, data }, got ${entry === null ? 'null' : typeof entry}`);
    const got = entry.shape;
    if (!Array.isArray(got) || !got.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new TypeError(`useWeights: "${name}".shape must be an array of non-negative integers, got ${JSON.stringify(got)?.slice(0, 60)}`);
    }
    if (got.join() !== shape.join()) {
      throw new api.ShapeError(`useWeights: "${name}" has shape ${shapeText(got)}; the network's ${name} is ${shapeText(shape)}`);
    }
    if (!(entry.data instanceof Float32Array)) {
      throw new TypeError(`useWeights: "${name}".data must be a Float32Array, got ${entry.data?.constructor?.name ?? typeof entry.data}`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (entry.data.length !== n) {
      throw new api.ShapeError(`useWeights: "${name}".data has ${entry.data.length} values; shape ${shapeText(shape)} holds ${n}`);
    }
  }
}

export class NetworkModel {
  constructor(api) {
    this.api = api;
    this.cache = new Map(); // cache key -> { layer, generator (Dropout only) }
    this.outputs = []; // tensors of the last run (owned here)
    this.input = null; // input tensor of the last run (owned here)
    this.sequential = null; // the Sequential of the last run's layers
    this.summary = { key: null, text: null }; // the last summary table and what it was made for
    this.weights = null; // { fit, version, layers: Map(position -> Linear) } while weights other than the init are shown
    this.retired = []; // layers of weights no longer shown, freed at the next run
  }

  /**
   * Show `dict`'s weights ({ "0.weight": { shape, data: Float32Array }, ...},
   * the names of Sequential.namedParameters()) instead of the seeded init,
   * in the network of `state`; null goes back to the init. The values are
   * copied into new layers (checked first: names, shapes, lengths; a
   * TypeError, RangeError or ShapeError names what does not fit, and the
   * weights shown before stay). `layerChoice`: the student's classes, as run() takes them.
   */
  setWeights(dict, state, layerChoice = null) {
    const { api } = this;
    if (dict === null || dict === undefined) {
      this.#dropWeights();
      return;
    }
    const impl = layerChoice?.impl ?? {};
    const made = new Map();
    try {
      const expected = [];
      state.net.forEach((spec, i) => {
        if (spec.kind !== 'linear') return;
        const layer = withGenerator(api, 'weights', [state.seed, i], (weights) => layerFromSpec(api, spec, { weights, init: state.init, impl }));
        made.set(i, layer);
        for (const [n, p] of layer.namedParameters()) expected.push([`${i}.${n}`, p.shape]);
      });
      checkWeights(api, dict, expected);
      for (const [i, layer] of made) {
        for (const [n] of layer.namedParameters()) {
          const { shape, data } = dict[`${i}.${n}`];
          const t = new api.Tensor(data, { shape }); // a copy, in the core
          try {
            layer[n] = t; // Linear's setter takes it over (and checks the shape again)
          } catch (e) {
            t.dispose();
            throw e;
          }
          if (!layer.namedParameters().some(([, p]) => p === t)) {
            throw new TypeError(`useWeights: layer ${i} (${layer.constructor?.name}) did not take a new "${n}" (its parameters cannot be assigned)`);
          }
        }
      }
    } catch (e) {
      for (const layer of made.values()) layer.dispose();
      throw e;
    }
    this.#dropWeights();
    this.weights = { fit: weightsFitKey(state.net), version: layerChoice?.version ?? 0, layers: made };
  }

  #dropWeights() {
    if (!this.weights) return;
    // freed at the next run: the last model (and a view's postponed work on it) may still use them until then
    this.retired.push(...this.weights.layers.values());
    this.weights = null;
  }

  #disposeRetired() {
    for (const layer of this.retired) layer.dispose();
    this.retired = [];
  }

  /**
   * The cache entry for spec i (made once per distinct spec). `layers`:
   * the app's choice of classes (web/views/build/use.js: { impl: { Linear?,
   * Dropout? }, version }): a student's class replaces the library's, and
   * its version is part of the key, so a new choice rebuilds those layers.
   */
  entryFor(spec, i, state, layers) {
    const { api } = this;
    const impl = layers?.impl ?? {};
    const mine = (spec.kind === 'linear' && impl.Linear) || (spec.kind === 'dropout' && impl.Dropout);
    let key = spec.kind === 'linear'
      ? `${i}:L${spec.in}-${spec.out}${spec.bias ? '' : 'n'}:${state.init}:${state.seed}`
      : `${i}:${spec.kind}`;
    // a student's Dropout is made with its p (the page does not write into a student's object)
    if (mine) key += `:student${layers.version}${spec.kind === 'dropout' ? `:${spec.p}` : ''}`;
    let entry = this.cache.get(key);
    if (!entry) {
      if (spec.kind === 'linear') {
        // a student's Linear: the default generator seeded from the same stream first (web/layers.js)
        const layer = withGenerator(api, 'weights', [state.seed, i], (weights) => layerFromSpec(api, spec, { weights, init: state.init, impl }));
        entry = { layer, generator: null, student: Boolean(mine) };
      } else if (spec.kind === 'dropout' && mine) {
        entry = { layer: layerFromSpec(api, spec, { impl }), generator: null, student: true };
      } else if (spec.kind === 'dropout') {
        const generator = generatorFor(api, 'mask', state.seed, i, state.draw);
        entry = { layer: layerFromSpec(api, spec, { masks: generator }), generator, student: false };
      } else {
        entry = { layer: layerFromSpec(api, spec), generator: null, student: false };
      }
      this.cache.set(key, entry);
    }
    if (spec.kind === 'dropout' && !entry.student) entry.layer.p = spec.p;
    return entry;
  }

  /** Free cached layers (and their generators) that the current specs no longer use. */
  prune(used) {
    for (const [key, entry] of this.cache) {
      if (!used.has(entry)) {
        entry.layer.dispose();
        entry.generator?.dispose();
        this.cache.delete(key);
      }
    }
  }

  /**
   * Run `input` (a Tensor, taken over by the model) through the network of
   * `state`. Returns the model the views draw:
   *   { state, input, layers: [{ index, spec, layer, initialLayer (the
   *     seeded init's layer: the same as layer unless setWeights() weights
   *     are shown), output, shape, stats, params, bytes, flops, error }], error, totals, forwardMs, summaryText,
   *     studentError (a student's class could not be built: the library's ran),
   *     sequential (the api.Sequential that ran), weightsDropped (true when
   *     weights of setWeights() no longer fit the network and were let go) }
   * Rows after a layer that failed are there too, with output null.
   * `layerChoice`: the student's classes to use (entryFor).
   * Tensors in it stay valid until the next run.
   */
  run(state, input, layerChoice = null) {
    const { api } = this;
    this.disposeOutputs();
    this.#disposeRetired();
    this.input = input;
    let entries;
    let studentError = null;
    try {
      entries = state.net.map((spec, i) => this.entryFor(spec, i, state, layerChoice));
    } catch (e) {
      // a student's constructor threw: the library's layers run, and the model says why
      if (!layerChoice?.impl?.Linear && !layerChoice?.impl?.Dropout) throw e;
      studentError = `${e?.name ?? 'Error'}: ${String(e?.message ?? e).slice(0, 300)}`;
      entries = state.net.map((spec, i) => this.entryFor(spec, i, state, null));
    }
    this.prune(new Set(entries));
    // weights set by setWeights() replace the initial Linears while they fit the network
    let weightsDropped = false;
    if (this.weights && (this.weights.fit !== weightsFitKey(state.net) || this.weights.version !== (studentError ? 0 : layerChoice?.version ?? 0))) {
      this.#dropWeights();
      weightsDropped = true;
    }
    const layers = entries.map((e, i) => this.weights?.layers.get(i) ?? e.layer);
    // the same masks for the same (seed, position, draw), whatever ran before
    entries.forEach((e, i) => { if (e.generator) reseed(e.generator, 'mask', state.seed, i, state.draw); });
    // a student's Dropout draws from the default generator: seeded from the
    // stream of the first one's position, its masks repeat for the same link
    const firstStudentDrop = entries.findIndex((e, i) => e.student && state.net[i].kind === 'dropout');
    if (firstStudentDrop >= 0) api.manualSeed(streamSeed('mask', state.seed, firstStudentDrop, state.draw));
    if (!this.sequential || this.sequential.length !== layers.length || this.sequential.layers.some((l, i) => l !== layers[i])) {
      this.sequential = new api.Sequential(layers); // holds the cached layers; disposed by prune(), not by it
    }
    this.sequential.train(state.mode === 'train');

    const t0 = performance.now();
    const trace = api.noGrad(() => this.sequential.trace(input));
    const forwardMs = performance.now() - t0;

    let error = null;
    const rows = state.net.map((spec, i) => {
      const t = trace.rows[i];
      // past a broken layer nothing ran: the row still names the layer and its parameters
      const params = t ? t.params : layers[i].parameters().reduce((n, p) => n + p.size, 0);
      const row = {
        index: i, spec, layer: layers[i], initialLayer: entries[i].layer, output: t?.output ?? null, shape: t?.shape ?? null, stats: null,
        params, bytes: params * BYTES_PER_FLOAT32, flops: t?.flops ?? 0, error: t?.error ? t.error.message : null,
      };
      if (row.output) this.outputs.push(row.output);
      if (t?.error) error = { index: i, name: t.error.name, message: t.error.message };
      return row;
    });
    for (const row of rows) if (row.output) row.stats = row.output.stats();
    const totals = {
      params: rows.reduce((n, r) => n + r.params, 0),
      flops: rows.reduce((n, r) => n + r.flops, 0),
      activationBytes: rows.reduce((n, r) => n + (r.output ? r.output.size * BYTES_PER_FLOAT32 : 0), 0),
    };
    totals.paramBytes = totals.params * BYTES_PER_FLOAT32;
    const sequential = this.sequential;
    const inputShape = input.shape;
    const summary = () => (error ? null : this.summaryText(sequential, state, inputShape));
    return {
      state, input, layers: rows, error, totals, forwardMs, studentError, sequential, weightsDropped,
      /** The Keras-style summary table (text), or null if the network does not chain; made on first use. */
      get summaryText() { return summary(); },
    };
  }

  /**
   * The network's Sequential.summary() table for an input shape, made once
   * per network and shape (it runs the layers on zeros) and only when a
   * view asks for it. null if the network does not chain.
   */
  summaryText(sequential, state, inputShape) {
    // what the table shows: kinds, sizes and p (not the weights' values, so not the seed)
    const key = `${formatNet(state.net)}|${inputShape.join('x')}`;
    if (this.summary.key !== key) {
      let text = null;
      try {
        text = sequential.summary(inputShape).table;
      } catch {
        text = null;
      }
      this.summary = { key, text };
    }
    return this.summary.text;
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
    this.#dropWeights();
    this.#disposeRetired();
    this.sequential = null;
    this.summary = { key: null, text: null };
  }
}
