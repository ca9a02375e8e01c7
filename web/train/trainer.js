// The page's training engine: the editor's network trained twice, side by
// side, from the same initial weights on the same data in the same order:
// once as built (its Dropout layers as they are) and once with every
// Dropout's p set to one comparison value (0: no Dropout). Every step and
// every loss is computed by the core through the js/ API; this file decides
// what runs when and keeps the results.
//
// The work is a sequence of small units (one run's forward and backward
// pass, or its optimizer update, or one chunk of an evaluation, sized in
// FLOPs: TRAIN_UNIT_FLOPS), so the page can
// run as many as fit in a frame's time budget (runFor, which does not start
// a unit that its recent timing says would overrun) and stay responsive
// without a worker. web/budget.js refuses a network whose one step (both
// its units) is over that size: a unit cannot be split further.
//
// A run whose training loss becomes NaN or Infinity (a learning rate too
// high for the network: the weights blow up) stops the session: `diverged`
// says which run, at which step, with what loss, and a learning rate to try;
// the history measured so far stays.
//
// Seeds, all from the page seed S through web/seeds.js: Linear layer i
// draws its weights from the `weights` stream (S, i), the stream the
// page's other views use, so training starts from the weights they show;
// epoch e's order from `trainOrder` (S, e); each run's Dropout masks from
// a Generator of its own on the `trainMask` stream (S), so both runs get
// the same draws. The same settings therefore give the same curves, bit
// for bit. A student's classes (config.impl, from the Build step) replace
// the library's Linear and Dropout: their weights come from the same
// streams (web/layers.js seeds the default generator from them), and their
// masks from the default generator, seeded from `trainMask` (S, step)
// before every step.

import { OPTIMIZERS, LEARNING_RATES } from './settings.js';
import { TRAIN_UNIT_FLOPS, forwardFlopsPerRow, overTrainingBudget } from '../budget.js';
import { generatorFor, streamSeed, withGenerator } from '../seeds.js';
import { layersFromSpecs } from '../layers.js';
import { fmtInt, fmtP } from '../format.js';

/** Rows per evaluation unit at most: big enough to be efficient; fewer for a wide network (TRAIN_UNIT_FLOPS). */
export const EVAL_CHUNK = 200;

/** How often (ms, per run) a step records the gradient and update norms the params view shows. */
export const STATS_EVERY_MS = 500;

/**
 * A learning rate to try after a run diverged at `lr`: the largest of the
 * page's rates at most a thirtieth of it, or the smallest rate the page
 * offers; null when lr is already that. A tenth is not enough: the lesson's
 * deep SGD network that diverges at 0.3 (step 6) still blows up at 0.03
 * (training loss 25 after 5 epochs, from 2.3) and trains at 0.01 (0.63).
 */
export function suggestLearningRate(lr, rates = LEARNING_RATES) {
  const lower = rates.filter((r) => r <= lr / 30 * (1 + 1e-9));
  const pick = lower.length ? lower.at(-1) : rates[0];
  return pick < lr ? pick : null;
}
/** At most this many parameters per network: two runs, each with grads and optimizer state. */
export const MAX_TRAIN_PARAMS = 2_000_000;

export const TRAIN_DEFAULTS = Object.freeze({
  trainSize: 300, // images the networks learn from
  valSize: 1000, // held-out test images for the validation curves
  evalTrainMax: 1000, // training-set images the training curves are measured on
  epochs: 30,
  batch: 32,
  lr: 0.001,
  optimizer: 'adam',
  compareP: 0, // p of every Dropout in the comparison run
  seed: 42,
  init: 'xavier',
});

/** The specs with every Dropout's p set to p. */
export function comparisonSpecs(specs, p) {
  return specs.map((s) => (s.kind === 'dropout' ? { ...s, p } : s));
}


/** The Euclidean norm the core computed for a tensor's statistics (stats().norm). */
export function normFromStats(s) {
  return s.norm;
}

/** A stable argsort of values: the permutation that orders them. */
function argsort(values) {
  const idx = Array.from(values, (_, i) => i);
  idx.sort((a, b) => values[a] - values[b] || a - b);
  return Int32Array.from(idx);
}

function checkConfig(c) {
  const int = (v, lo, hi, what) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`PageTrainer: ${what} must be an integer in ${lo}..${hi}, got ${v}`);
  };
  int(c.trainSize, 1, 1e6, 'trainSize');
  int(c.valSize, 1, 1e6, 'valSize');
  int(c.evalTrainMax, 1, 1e6, 'evalTrainMax');
  int(c.epochs, 1, 1000, 'epochs');
  int(c.batch, 1, 4096, 'batch');
  int(c.seed, 0, 2 ** 31 - 1, 'seed');
  if (!(c.lr > 0 && c.lr <= 10)) throw new RangeError(`PageTrainer: lr must be in (0, 10], got ${c.lr}`);
  if (!Object.hasOwn(OPTIMIZERS, c.optimizer)) throw new RangeError(`PageTrainer: optimizer must be one of ${Object.keys(OPTIMIZERS).join(', ')}, got "${c.optimizer}"`);
  if (!(c.compareP >= 0 && c.compareP < 1)) throw new RangeError(`PageTrainer: compareP must be in [0, 1), got ${c.compareP}`);
  if (!Array.isArray(c.net) || c.net.length === 0) throw new RangeError('PageTrainer: the network has no layers');
}

export class PageTrainer {
  /**
   * config: { net (layer specs as in web/state.js), features (784), classes
   * (10), and any of TRAIN_DEFAULTS }. Builds both networks and optimizers
   * now; setData() must come before the first step.
   */
  constructor(api, config) {
    this.api = api;
    const c = { features: 784, classes: 10, ...TRAIN_DEFAULTS, ...config };
    checkConfig(c);
    this.config = c;
    const linears = c.net.filter((s) => s.kind === 'linear');
    const params = linears.reduce((n, s) => n + api.Linear.countParameters(s.in, s.out, s.bias), 0);
    if (params > MAX_TRAIN_PARAMS) {
      throw new RangeError(`the network has ${fmtInt(params)} parameters; the page trains networks of at most ${fmtInt(MAX_TRAIN_PARAMS)} (two copies, each with gradients and optimizer state).`);
    }
    const tooMuch = overTrainingBudget(api, c.net, c.batch, c.features);
    if (tooMuch) throw new RangeError(tooMuch);
    const asBuilt = c.net;
    const compare = comparisonSpecs(c.net, c.compareP);
    const drops = asBuilt.filter((s) => s.kind === 'dropout').map((s) => fmtP(s.p));
    this.runs = [];
    try {
      this.runs.push(this.#makeRun('built', drops.length ? `as built (Dropout p = ${[...new Set(drops)].join(', ')})` : 'as built (no Dropout)', asBuilt));
      this.runs.push(this.#makeRun('compare', c.compareP === 0 ? 'without Dropout (p = 0)' : `every Dropout at p = ${fmtP(c.compareP)}`, compare));
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.lossFn = new api.CrossEntropyLoss();
    this.data = null;
    this.history = []; // shared epoch axis: history[k] = epoch k (0 = before training)
    this.stepsDone = 0;
    this.epoch = 0; // the epoch in progress (0: the first evaluation)
    this.done = false;
    this.diverged = null; // { run, label, step, epoch, loss, lr, suggestion } once a run's loss is not finite
    this.units = 0;
    this.longestUnitMs = 0; // the slowest work unit so far (the page's responsiveness)
    this.trainMs = 0; // time spent inside runFor, for the page's status line
    this.#work = null;
  }

  #work;

  #makeRun(key, label, specs) {
    const { api } = this;
    const c = this.config;
    const maskGen = generatorFor(api, 'trainMask', c.seed);
    const weightGens = [];
    const weightsFor = (i) => { const g = generatorFor(api, 'weights', c.seed, i); weightGens.push(g); return g; };
    const disposeWeightGenerators = () => { for (const g of weightGens) g.dispose(); };
    let layers;
    try {
      // Linear i starts from the weights the page's other views show (the `weights` stream)
      // (c.impl: a student's Linear / Dropout from the Build step, web/views/build/use.js)
      layers = layersFromSpecs(api, specs, (s, i) => (s.kind === 'linear'
        ? { weights: weightsFor(i), init: c.init, impl: c.impl }
        : { masks: maskGen, impl: c.impl }));
    } catch (e) {
      maskGen.dispose();
      throw e;
    } finally {
      disposeWeightGenerators();
    }
    const net = new api.Sequential(layers);
    const run = { key, label, specs, net, maskGen, opt: null, named: [], lastLoss: NaN, gradStats: null, updateStats: null, statsStep: 0, statsAt: -Infinity };
    try {
      // shapes: one row of zeros, [1, features], must come out as [1, classes]
      // (in eval mode and without autograd: no mask is drawn, nothing recorded)
      let out;
      try {
        net.eval();
        out = api.tidy(() => api.noGrad(() => net.forward(api.Tensor.zeros([1, c.features])).shape));
      } catch (e) {
        throw new RangeError(`the network does not take ${c.features} features (${c.dataName ? `the inputs of ${c.dataName}` : 'the inputs'}${c.features === 784 ? ', one per pixel of a 28×28 image' : ''}): ${e.message}`);
      } finally {
        net.train();
      }
      if (out.length !== 2 || out[1] !== c.classes) {
        throw new RangeError(`the network ends in ${out.at(-1)} features; classifying ${c.dataName ?? 'the data'} needs ${c.classes}, one per class.`);
      }
      run.named = net.namedParameters();
      const params = run.named.map(([, p]) => p);
      if (params.length === 0) throw new RangeError('the network has no parameters to train: add a Linear layer');
      run.opt = c.optimizer === 'adam'
        ? new api.Adam(params, { lr: c.lr })
        : new api.SGD(params, { lr: c.lr, momentum: 0.9 });
    } catch (e) {
      net.dispose();
      maskGen.dispose();
      throw e;
    }
    return run;
  }

  /** Mini-batch steps per epoch (the last batch may be smaller). */
  get stepsPerEpoch() { return Math.ceil(this.config.trainSize / this.config.batch); }
  get totalSteps() { return this.stepsPerEpoch * this.config.epochs; }
  /** Steps taken in the epoch in progress. */
  get stepInEpoch() { return this.stepsDone - Math.max(0, this.epoch - 1) * this.stepsPerEpoch; }

  /**
   * Attach the data ({ rows, cols, train: { count, pixels, labels }, test:
   * {...} }, see web/train/data.js): the first trainSize training images
   * and the first valSize test images, pixels scaled to [0, 1] by the core.
   */
  setData(data) {
    const { api } = this;
    const c = this.config;
    if (this.data) throw new Error('PageTrainer.setData: data is already attached');
    const px = data.rows * data.cols;
    if (px !== c.features) throw new RangeError(`PageTrainer.setData: images have ${px} pixels, the network takes ${c.features}`);
    if (data.train.count < c.trainSize) throw new RangeError(`PageTrainer.setData: ${data.train.count} training images, ${c.trainSize} asked for`);
    if (data.test.count < c.valSize) throw new RangeError(`PageTrainer.setData: ${data.test.count} test images, ${c.valSize} asked for`);
    const scale = data.scale ?? 255; // 255: grey levels; 1: the student's data, normalised already
    const scaled = (pixels, n) => api.tidy(() => new api.Tensor(Float32Array.from(pixels.subarray(0, n * px)), { shape: [n, px] }).div(scale).data);
    const n = c.trainSize;
    const x = scaled(data.train.pixels, n); // Float32Array [n * px], from the core's division
    const labels = Int32Array.from(data.train.labels.subarray(0, n));
    const chunks = (xs, ys, count) => {
      const out = [];
      for (let i = 0; i < count; i += this.evalChunk) {
        const m = Math.min(this.evalChunk, count - i);
        const t = api.keep(new api.Tensor(xs.subarray(i * px, (i + m) * px), { shape: [m, px] }));
        out.push({ x: t, labels: ys.subarray(i, i + m), rows: m });
      }
      return out;
    };
    const evalTrain = Math.min(n, c.evalTrainMax);
    // rows per evaluation unit: at most TRAIN_UNIT_FLOPS of forward work
    const perRow = Math.max(...this.runs.map((r) => forwardFlopsPerRow(r.specs, c.features)));
    this.evalChunk = Math.max(1, Math.min(EVAL_CHUNK, Math.floor(TRAIN_UNIT_FLOPS / perRow)));
    const vx = scaled(data.test.pixels, c.valSize);
    const vy = Int32Array.from(data.test.labels.subarray(0, c.valSize));
    this.data = {
      x, labels, px,
      trainChunks: chunks(x, labels, evalTrain),
      valChunks: chunks(vx, vy, c.valSize),
      evalTrain,
    };
    this.#work = this.#schedule();
  }

  /** The order of the training images in epoch e (1-based), from the core's uniform draws. */
  order(e) {
    const { api } = this;
    return withGenerator(api, 'trainOrder', [this.config.seed, e],
      (generator) => argsort(api.tidy(() => api.Tensor.rand([this.config.trainSize], { generator }).data)));
  }

  *#schedule() {
    const c = this.config;
    const { px } = this.data;
    yield* this.#evaluate(0);
    for (let e = 1; e <= c.epochs; e++) {
      this.epoch = e;
      const order = this.order(e);
      for (let s = 0; s < this.stepsPerEpoch; s++) {
        const idx = order.subarray(s * c.batch, Math.min(c.trainSize, (s + 1) * c.batch));
        const m = idx.length;
        const xb = new Float32Array(m * px);
        const yb = new Int32Array(m);
        for (let r = 0; r < m; r++) {
          const k = idx[r];
          xb.set(this.data.x.subarray(k * px, (k + 1) * px), r * px);
          yb[r] = this.data.labels[k];
        }
        // two units per run: forward and backward (the matrix products),
        // then the update (every parameter); a step of both runs in one
        // unit was four times as long a slice. A loss that is not a number
        // stops before the update.
        for (const [k, run] of this.runs.entries()) {
          this.#backward(run, xb, yb, m);
          if (!Number.isFinite(run.lastLoss)) {
            this.#diverge(run, this.stepsDone + 1);
            return;
          }
          yield;
          this.#update(run);
          if (k < this.runs.length - 1) yield;
        }
        this.stepsDone++;
        yield;
      }
      yield* this.#evaluate(e);
    }
    this.done = true;
  }

  #diverge(run, step) {
    const c = this.config;
    this.diverged = {
      run: run.key, label: run.label, step, epoch: this.epoch, loss: run.lastLoss,
      lr: c.lr, suggestion: suggestLearningRate(c.lr),
    };
  }

  /** The first half of a step: the gradients of the mini-batch's loss (left on the parameters for #update). */
  #backward(run, xb, yb, m) {
    const { api } = this;
    api.tidy(() => {
      const x = new api.Tensor(xb, { shape: [m, this.config.features] });
      run.opt.zeroGrad();
      // a student's Dropout draws from the default generator: seeded per step, the same for both runs, as the library's share one stream
      if (this.config.impl?.Dropout) api.manualSeed(streamSeed('trainMask', this.config.seed, this.stepsDone));
      const loss = this.lossFn.forward(run.net.forward(x), yb);
      loss.backward();
      run.lastLoss = loss.item();
    });
  }

  /**
   * Whether this step records the gradient and update statistics the params
   * view shows: the first step, the last of every epoch, and otherwise at
   * most one step every STATS_EVERY_MS per run. Recording one costs a copy
   * of every parameter, a subtraction and two passes of statistics over
   * them, four times the step itself for the lesson network (measured
   * 2026-12-08: 0.72 ms a step without, 2.9 ms with, batch 32, Adam).
   */
  #statsDue(run) {
    const now = performance.now();
    const due = this.stepsDone === 0 || this.stepInEpoch === this.stepsPerEpoch - 1 || !(now - run.statsAt < STATS_EVERY_MS);
    if (due) run.statsAt = now;
    return due;
  }

  /** The second half: the optimizer's step with those gradients, and (on some steps: #statsDue) the statistics the params view shows. */
  #update(run) {
    const { api } = this;
    const named = run.named;
    if (!this.#statsDue(run)) {
      run.opt.step();
      return;
    }
    run.statsStep = this.stepsDone + 1;
    api.tidy(() => {
      // a copy of each parameter before the step, for the size of the update
      const before = api.noGrad(() => named.map(([, p]) => p.clone()));
      run.opt.step();
      run.gradStats = named.map(([, p]) => (p.grad ? p.grad.stats() : null));
      run.updateStats = api.noGrad(() => named.map(([, p], k) => p.sub(before[k]).stats()));
    });
  }

  /** Loss and accuracy of every run on the training images and the validation images, in eval mode. */
  *#evaluate(epoch) {
    const { api } = this;
    const results = [];
    for (const run of this.runs) {
      const r = {};
      for (const [name, chunks] of [['train', this.data.trainChunks], ['val', this.data.valChunks]]) {
        let lossSum = 0;
        let correct = 0;
        let rows = 0;
        for (const ch of chunks) {
          run.net.eval();
          try {
            api.tidy(() => api.noGrad(() => {
              const logits = run.net.forward(ch.x);
              // the core's mean over the chunk, weighted back to a mean over the set
              lossSum += this.lossFn.forward(logits, ch.labels).item() * ch.rows;
              correct += Math.round(api.accuracy(logits, ch.labels) * ch.rows);
            }));
          } finally {
            run.net.train();
          }
          rows += ch.rows;
          yield;
        }
        r[`${name}Loss`] = lossSum / rows;
        r[`${name}Acc`] = correct / rows;
      }
      results.push(r);
    }
    this.history.push({ epoch, step: this.stepsDone, runs: results });
    yield; // the unit that completes an epoch's record ends here
  }

  /**
   * Run work units until `ms` milliseconds have passed (at least one unit;
   * exactly one when ms <= 0). Returns the number of units run. clock: a
   * function returning ms.
   */
  runFor(ms, clock = () => performance.now()) {
    if (!this.#work) throw new Error('PageTrainer: call setData() before training');
    if (this.done || this.diverged) return 0;
    const t0 = clock();
    let units = 0;
    let last = 0; // the last unit's time: the next is about as long (units alternate runs, then chunks)
    for (;;) {
      const u0 = clock();
      const r = this.#work.next();
      last = clock() - u0;
      if (last > this.longestUnitMs) this.longestUnitMs = last;
      if (this.diverged) break;
      if (r.done) {
        this.done = true;
        break;
      }
      units++;
      // start another unit only if it should end within the budget; ms <= 0
      // runs exactly one whatever the clock's resolution (Firefox's is 1 ms,
      // in which a unit can take "0 ms")
      if (!(ms > 0) || clock() - t0 + last > ms) break;
    }
    this.units += units;
    this.trainMs += clock() - t0;
    return units;
  }

  /** Run until the next epoch's evaluation is in the history (or training is done). */
  stepEpoch() {
    const want = this.history.length + 1;
    while (!this.done && !this.diverged && this.history.length < want) this.runFor(50);
  }

  /** Run everything. */
  runToEnd() {
    while (!this.done && !this.diverged) this.runFor(1000);
  }

  /**
   * The live list of what the optimizer of run k updates: [{ name, shape,
   * count, requiresGrad, weight (stats), grad (stats|null), update
   * (stats|null) of step statsStep, step }], every statistic from the core.
   */
  parameterTable(k = 0) {
    const run = this.runs[k];
    return run.named.map(([name, p], i) => ({
      name,
      shape: p.shape,
      count: p.size,
      requiresGrad: p.requiresGrad,
      weight: p.stats(),
      grad: run.gradStats?.[i] ?? null,
      update: run.updateStats?.[i] ?? null,
      statsStep: run.statsStep, // the step grad and update are from (not every step records them)
      step: run.opt.state(p)?.step ?? 0,
    }));
  }

  dispose() {
    for (const run of this.runs ?? []) {
      run.opt?.dispose();
      run.net.dispose();
      run.maskGen.dispose();
    }
    this.runs = [];
    if (this.data) {
      for (const ch of [...this.data.trainChunks, ...this.data.valChunks]) ch.x.dispose();
      this.data = null;
    }
    this.#work = null;
    this.done = true;
  }
}
