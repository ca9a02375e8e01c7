// One training session per app, shared by the training, params and ledger
// views: it turns the page state into a PageTrainer (a new one whenever a
// setting that shapes the run changes), loads the data the first time Play
// is pressed, and runs the trainer in slices of SLICE_MS, each a
// task of its own (web/train/slices.js), so the page stays responsive
// without a worker. At most every PROGRESS_EVERY_MS it tells its
// subscribers (the views) directly: the rest of the page is not re-rendered
// while training runs.
//
// A run whose loss became NaN or Infinity ends the session as 'diverged'
// (the trainer says where and suggests a learning rate); Play starts again,
// like Play after the end. Each Play, Step and Reset is a new request: one
// that waits for the data is dropped if another came meanwhile, so Reset
// pressed while the images load is not overridden by the pending Play.
//
// A run is never thrown away silently. When a setting changes (a Dropout p
// dragged during a run, a new learning rate) or Reset is pressed, a run
// that has taken a step is kept on the shelf (`shelf`, newest first, with
// its settings named): its curves stay comparable until the student clears
// them, and going back to its settings (undo: web/history.js tracks the
// training settings too, or its "Bring back" button) brings the run itself
// back, paused where it was. The last KEEP_ALIVE runs keep their networks
// (they can go on training); older ones keep their history and their last
// weights, up to KEEP_RUNS runs.
//
// The trained network is the page's network: when an epoch ends, both
// runs' weights are copied (`snapshot`), and the views show the run the
// state's `show` key asks for (app.useWeights, web/network.js), the initial
// weights until an epoch is trained.

import { PageTrainer, TRAIN_DEFAULTS } from './trainer.js';
import { OPTIMIZERS, TRAIN_SIZES, LEARNING_RATES, COMPARE_PS, EPOCHS_MAX } from './settings.js';
import { loadTrainingData, trainFiles } from './data.js';
import { DATASETS, TRAIN_COUNT, TEST_COUNT } from '../data/datasets.js';
import { SliceLoop, SLICE_MS } from './slices.js';

/**
 * The dataset a state trains on: { key, name, features, classes, trainCount,
 * testCount, version } (`own`: the student's data, app.userData).
 */
export function datasetFor(state, own = null) {
  const key = state.data ?? 'mnist';
  if (key === 'own' && own) return { key, name: own.name, features: own.features, classes: own.classes.length, trainCount: own.train.count, testCount: own.test.count, version: own.version };
  const d = DATASETS[key] ?? DATASETS.mnist;
  return { key: d.key, name: d.name, features: 784, classes: d.classes.length, trainCount: TRAIN_COUNT, testCount: TEST_COUNT, version: 0 };
}

/** The trainer settings for a page state; keys missing from the state take the defaults. */
export function trainSettings(state, own = null) {
  const optimizer = state.optim ?? TRAIN_DEFAULTS.optimizer;
  const data = datasetFor(state, own);
  return {
    dataset: data.key,
    dataVersion: data.version,
    dataName: data.name,
    features: data.features,
    classes: data.classes,
    valSize: Math.min(data.testCount, TEST_COUNT),
    net: state.net,
    seed: state.seed ?? TRAIN_DEFAULTS.seed,
    init: state.init ?? TRAIN_DEFAULTS.init,
    batch: state.batch ?? TRAIN_DEFAULTS.batch,
    trainSize: Math.min(state.tsize ?? TRAIN_DEFAULTS.trainSize, data.trainCount),
    epochs: state.epochs ?? TRAIN_DEFAULTS.epochs,
    optimizer,
    lr: state.lr ?? OPTIMIZERS[optimizer]?.lr ?? TRAIN_DEFAULTS.lr,
    compareP: state.cmp ?? TRAIN_DEFAULTS.compareP,
  };
}

const keyOf = (s) => JSON.stringify(s);

/** Runs kept with their networks (they can be brought back and train on), and runs kept at all. */
export const KEEP_ALIVE = 2;
export const KEEP_RUNS = 6;

/** A copy of a network's parameters as app.useWeights takes them: { name: { shape, data } }. */
export function weightsOf(net) {
  return Object.fromEntries(net.namedParameters().map(([name, p]) => [name, { shape: p.shape, data: p.data }]));
}

/** The settings of a run in words, for the shelf: what differs between runs is named. */
export function describeSettings(s) {
  const drops = s.net.filter((l) => l.kind === 'dropout').map((l) => l.p);
  const widths = s.net.filter((l) => l.kind === 'linear').map((l) => l.out);
  const opt = OPTIMIZERS[s.optimizer]?.label ?? s.optimizer;
  return [
    ...(s.dataName ? [s.dataName] : []),
    drops.length ? `Dropout p = ${drops.join(', ')}` : 'no Dropout',
    `compared with p = ${s.compareP}`,
    `widths ${[s.net.find((l) => l.kind === 'linear')?.in, ...widths].join('-')}`,
    `${s.trainSize} images`, `${s.epochs} epochs`, `${opt}, lr ${s.lr}`, `batch ${s.batch}`, `init ${s.init}`, `seed ${s.seed}`,
  ].join(' · ');
}

/** The page state that gives these trainer settings (the inverse of trainSettings). */
export function stateOfSettings(s) {
  const state = {
    net: structuredClone(s.net), seed: s.seed, init: s.init, batch: s.batch, tsize: s.trainSize, epochs: s.epochs,
    optim: s.optimizer, lr: s.lr === OPTIMIZERS[s.optimizer]?.lr ? null : s.lr, cmp: s.compareP,
  };
  if (s.dataset !== undefined) state.data = s.dataset;
  return state;
}

/** Does a trainer hold work worth keeping (a step taken)? */
const worthKeeping = (t) => Boolean(t && t.stepsDone > 0);

let shelfIds = 0;
let snapshotIds = 0;

/** How long a setting must stay unchanged (ms) before an idle session rebuilds its networks. */
const REBUILD_DELAY_MS = 150;

export class TrainingController {
  constructor(app) {
    this.app = app;
    this.trainer = null;
    this.settings = null;
    this.key = '';
    this.error = null; // the message of the last build or load failure
    this.status = 'idle'; // idle | loading | playing | paused | done | diverged | error
    this.request = 0; // bumped by every Play, Step and Reset: a pending Play checks it after the data loads
    this.loading = null; // the promise of the data, while it loads
    this.data = null;
    this.listeners = new Set();
    this.frame = this.frame.bind(this);
    // slices of training as tasks of their own; the views told at most every PROGRESS_EVERY_MS
    this.loop = new SliceLoop(() => this.frame(), () => this.notify());
    this.shelf = []; // kept runs, newest first: { id, key, settings, label, trainer|null, history, snapshot, why, runLabels, planned, steps, diverged }
    this.snapshot = null; // { trainer, epoch, runs: [{ key, label, dict }] }: the current trainer's weights at its last measured epoch
    this.event = null; // the last thing done to a run the student should hear about: { kind: 'kept'|'back', entry }
    this.shown = { key: '', show: app.state?.show ?? 'trained' }; // what app.useWeights was last given (showWeights)
    this.weightsError = null;
    app.renderHooks?.add(() => this.follow());
  }

  /** Before every render of the page (web/main.js renderHooks): follow the state, show the weights it asks for. */
  follow() {
    // (only once a training view has synced: the weights switch alone builds no networks)
    if (this.key) this.sync(this.app.state);
    this.showWeights();
  }

  /**
   * Copy both runs' weights (when an epoch was measured since the last
   * copy): a copy, so training on never changes what the views show.
   */
  takeSnapshot() {
    const t = this.trainer;
    if (!t || !t.history.length) return false;
    const epoch = t.history.at(-1).epoch;
    if (this.snapshot?.trainer === t && this.snapshot.epoch === epoch) return false;
    this.snapshot = { id: ++snapshotIds, trainer: t, epoch, runs: t.runs.map((r) => ({ key: r.key, label: r.label, dict: weightsOf(r.net) })) };
    return true;
  }

  /**
   * Make the page's network show what the state's `show` asks for: the
   * current run's weights (as built, or the comparison run) at its last
   * measured epoch, or the initial weights (also before any epoch is
   * trained). Imported weights (app.weights.source 'imported') stay until
   * the student picks on the switch (force).
   */
  showWeights(force = false) {
    const { app } = this;
    if (!app.useWeights) return;
    const show = app.state.show ?? 'trained';
    const snap = this.snapshot?.trainer === this.trainer ? this.snapshot : null;
    const run = show === 'initial' || !snap || snap.epoch < 1 ? null : snap.runs[show === 'compare' ? 1 : 0];
    const key = run ? `${show}:${snap.id}` : 'initial';
    const source = app.weights?.source ?? 'initial';
    if (!force) {
      if (source === 'imported' && this.shown.show === show) return;
      if (key === this.shown.key && (this.weightsError || source === (run ? show : 'initial'))) return;
    }
    this.shown = { key, show };
    this.weightsError = null;
    if (!run) {
      if (source !== 'initial') app.useWeights(null);
      return;
    }
    try {
      const which = run.key === 'built' ? 'the network as built' : 'the comparison run';
      app.useWeights(run.dict, { source: show, label: `trained weights of ${which} (epoch ${snap.epoch})`, epoch: snap.epoch });
    } catch (e) {
      // the run's network no longer fits the page's (a Linear edited: a new run is about to be built)
      this.weightsError = e.message;
      if (source !== 'initial') app.useWeights(null);
    }
  }

  /** Put the current trainer on the shelf if it did any work; else free it. */
  #park(why) {
    const t = this.trainer;
    this.trainer = null;
    if (!t) return;
    if (!worthKeeping(t)) {
      t.dispose();
      return;
    }
    if (t.history.length) this.takeSnapshot();
    const snap = this.snapshot?.trainer === t ? this.snapshot : null;
    const entry = {
      id: ++shelfIds, key: t.shelfKey, settings: t.shelfSettings, label: describeSettings(t.shelfSettings),
      trainer: t, history: t.history, snapshot: snap, why, runLabels: t.runs.map((r) => r.label),
      planned: t.config.epochs, steps: t.stepsDone, diverged: t.diverged,
    };
    this.shelf.unshift(entry);
    this.#trimShelf();
    this.event = { kind: 'kept', entry };
  }

  #trimShelf() {
    this.shelf.forEach((e, i) => {
      if (i >= KEEP_ALIVE && e.trainer) {
        e.trainer.dispose();
        e.trainer = null;
      }
    });
    while (this.shelf.length > KEEP_RUNS) this.shelf.pop();
  }

  /** Take a kept run (with its networks) off the shelf for the current key, if there is one. */
  #unpark() {
    const i = this.shelf.findIndex((e) => e.key === this.key && e.trainer);
    if (i < 0) return null;
    const [entry] = this.shelf.splice(i, 1);
    return entry;
  }

  /** Forget the kept runs (the shelf's Clear button). */
  clearShelf() {
    for (const e of this.shelf) e.trainer?.dispose();
    this.shelf = [];
    this.event = null;
    this.notify();
  }

  /**
   * Bring a kept run back: its settings become the page's (one undo step),
   * and the run itself, if its networks were kept, becomes the current run.
   */
  bringBack(id) {
    const entry = this.shelf.find((e) => e.id === id);
    if (!entry) return false;
    const patch = stateOfSettings(entry.settings);
    const key = `${keyOf(entry.settings)}|layers:${this.app.layerImpl?.version ?? 0}`;
    if (key === this.key) {
      // the same settings as now (a Reset, then Bring back): swap
      if (!entry.trainer) return false;
      this.shelf.splice(this.shelf.indexOf(entry), 1);
      this.#park('swapped');
      this.#adopt(entry);
      this.notify();
      this.app.refresh?.();
      return true;
    }
    this.app.setState(patch);
    return true;
  }

  #adopt(entry) {
    this.trainer = entry.trainer;
    this.snapshot = entry.snapshot;
    this.error = null;
    const t = this.trainer;
    if (this.data && !t.data && this.#dataMatches()) t.setData(this.data);
    this.status = t.diverged ? 'diverged' : t.done ? 'done' : 'paused';
    this.event = { kind: 'back', entry };
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify() {
    for (const fn of this.listeners) fn(this);
  }

  /** Follow the page state: a new trainer when a setting that shapes the run changed. */
  sync(state) {
    const settings = trainSettings(state, this.app.userData);
    // the student's classes when Build's "use my layers" is on (web/views/build/use.js): a new choice, new networks
    const layers = this.app.layerImpl;
    const key = `${keyOf(settings)}|layers:${layers?.version ?? 0}`;
    if (layers && Object.keys(layers.impl).length) settings.impl = layers.impl;
    if (key === this.key) return false;
    this.key = key;
    this.settings = settings;
    if (this.status === 'playing' || !this.trainer) {
      this.rebuild();
      return true;
    }
    // Changed while idle, as on every frame of a slider drag: build the new
    // networks once the setting has settled (two builds cost milliseconds,
    // more than a frame can spare). Play, Step and Reset build at once.
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = null;
      this.rebuild();
    }, REBUILD_DELAY_MS);
    return true;
  }

  /** Build now if a settled-setting rebuild is pending. */
  flushRebuild() {
    if (this.rebuildTimer == null) return;
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = null;
    this.rebuild();
  }

  rebuild(why = 'changed') {
    this.#park(why);
    this.error = null;
    this.stopAt = null;
    // a kept run comes back when the settings come back to its own (not on Reset or Play again: those want a fresh run)
    const back = why === 'changed' ? this.#unpark() : null;
    if (back) {
      this.#adopt(back);
      this.notify();
      return;
    }
    try {
      this.trainer = new PageTrainer(this.app.api, this.settings);
      this.trainer.shelfKey = this.key;
      this.trainer.shelfSettings = this.settings;
      if (this.data && this.#dataMatches()) this.trainer.setData(this.data);
      this.status = 'idle';
    } catch (e) {
      this.error = e.message;
      this.status = 'error';
    }
    this.notify();
  }

  /** Whether the loaded data is the one the settings train on (the dataset, and which file of the student's). */
  #dataMatches() {
    const s = this.settings;
    return this.data?.dataset === s?.dataset && (this.data.version ?? 0) === (s.dataVersion ?? 0);
  }

  async ensureData() {
    if (this.data && this.#dataMatches()) return true;
    const key = this.settings?.dataset ?? 'mnist';
    if (key === 'own') {
      // the student's data is in memory (web/data/user-data.js): nothing to load
      this.data = this.app.userData;
      if (this.data && this.trainer && !this.trainer.data) this.trainer.setData(this.data);
      return Boolean(this.data);
    }
    this.data = null;
    this.status = 'loading';
    this.notify();
    try {
      this.loading = loadTrainingData(key, this.app.assetUrl);
      this.data = await this.loading;
    } catch (e) {
      this.loading = null;
      this.error = `${e.message}. The training data (${trainFiles(key).bin}, or ${trainFiles(key).script} where fetch is refused) is made by scripts/build.sh next to the page's script.`;
      this.status = 'error';
      this.notify();
      return false;
    }
    try {
      if (this.trainer && !this.trainer.data && this.#dataMatches()) this.trainer.setData(this.data);
    } catch (e) {
      this.error = e.message;
      this.status = 'error';
      this.notify();
      return false;
    }
    return true;
  }

  /** The data, then whether this request is still the latest (a Reset or another Play may have come while it loaded). */
  async #dataFor(request) {
    const ok = await this.ensureData();
    if (request !== this.request) {
      // superseded: leave the status to the newer request, but not stuck at 'loading'
      if (ok && this.status === 'loading') this.status = 'idle';
      this.notify(); // the data is there now: "Ready"
      return false;
    }
    return ok && Boolean(this.trainer);
  }

  async play() {
    const request = ++this.request;
    this.flushRebuild();
    if (!this.trainer) return;
    if (!(await this.#dataFor(request))) return;
    if (this.trainer.done || this.trainer.diverged) this.rebuild('again'); // Play after the end or a divergence starts again (the finished run is kept)
    this.status = 'playing';
    this.notify();
    this.schedule();
  }

  pause() {
    if (this.status === 'playing') this.status = 'paused';
    this.notify();
  }

  /** Train one epoch now (in slices too, so a long epoch does not freeze the page). */
  async stepEpoch() {
    const request = ++this.request;
    this.flushRebuild();
    if (!this.trainer) return;
    if (!(await this.#dataFor(request))) return;
    if (this.trainer.done || this.trainer.diverged) return;
    // the first Step also measures epoch 0 (the untrained networks), then trains epoch 1
    this.stopAt = Math.max(1, this.trainer.history.length) + 1;
    this.status = 'playing';
    this.notify();
    this.schedule();
  }

  reset() {
    this.request++; // a Play or Step waiting for the data is cancelled
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = null;
    this.status = 'idle';
    this.stopAt = null;
    this.rebuild('reset');
  }

  /** The next slice of training, as a task of its own (web/train/slices.js). */
  schedule() {
    this.loop.post();
  }

  /** One slice: train for SLICE_MS, then post the next, or stop and tell the views. */
  frame() {
    const t = this.trainer;
    if (this.status !== 'playing' || !t || !t.data) {
      this.loop.close();
      return;
    }
    try {
      t.runFor(SLICE_MS);
    } catch (e) {
      this.error = e.message;
      this.status = 'error';
      this.loop.close();
      this.notify();
      return;
    }
    // an epoch measured: copy the weights, and the views show them (one page render per epoch, not per slice)
    if (this.takeSnapshot()) this.showWeights();
    if (t.diverged) this.status = 'diverged';
    else if (t.done) this.status = 'done';
    else if (this.stopAt && t.history.length >= this.stopAt) {
      this.status = 'paused';
      this.stopAt = null;
    }
    if (this.status === 'playing') {
      this.loop.progressSoon();
      this.schedule();
    } else {
      // the run ended or paused: the views hear it now, not a frame later
      this.loop.close();
      this.notify();
    }
  }
}

/** The app's one training session (made on first use). */
export function trainingFor(app) {
  if (!app.training) app.training = new TrainingController(app);
  return app.training;
}

export { OPTIMIZERS, TRAIN_DEFAULTS, TRAIN_SIZES, LEARNING_RATES, COMPARE_PS, EPOCHS_MAX };
