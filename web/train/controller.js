// One training session per app, shared by the training, params and ledger
// views: it turns the page state into a PageTrainer (a new one whenever a
// setting that shapes the run changes), loads the data the first time Play
// is pressed, and runs the trainer in slices of FRAME_BUDGET_MS between
// animation frames, so the page stays responsive without a worker (which
// file:// pages and sandboxed iframes may not start). After each slice it
// tells its subscribers (the views) directly: the rest of the page is not
// re-rendered while training runs.
//
// A run whose loss became NaN or Infinity ends the session as 'diverged'
// (the trainer says where and suggests a learning rate); Play starts again,
// like Play after the end. Each Play, Step and Reset is a new request: one
// that waits for the data is dropped if another came meanwhile, so Reset
// pressed while the images load is not overridden by the pending Play.

import { PageTrainer, TRAIN_DEFAULTS } from './trainer.js';
import { OPTIMIZERS, TRAIN_SIZES, LEARNING_RATES, COMPARE_PS, EPOCHS_MAX } from './settings.js';
import { loadTrainingData, trainFiles } from './data.js';
import { DATASETS, TRAIN_COUNT, TEST_COUNT } from '../data/datasets.js';

/** Milliseconds of training per animation frame. */
export const FRAME_BUDGET_MS = 10;

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
    this.scheduled = false;
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

  rebuild() {
    const wasPlaying = this.status === 'playing';
    this.trainer?.dispose();
    this.trainer = null;
    this.error = null;
    try {
      this.trainer = new PageTrainer(this.app.api, this.settings);
      if (this.data && this.#dataMatches()) this.trainer.setData(this.data);
      this.status = wasPlaying ? 'paused' : 'idle';
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
    if (this.trainer.done || this.trainer.diverged) this.rebuild(); // Play after the end or a divergence starts again
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
    this.rebuild();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    const raf = globalThis.requestAnimationFrame ?? ((f) => setTimeout(f, 16));
    raf(this.frame);
  }

  frame() {
    this.scheduled = false;
    const t = this.trainer;
    if (this.status !== 'playing' || !t || !t.data) return;
    try {
      t.runFor(FRAME_BUDGET_MS);
    } catch (e) {
      this.error = e.message;
      this.status = 'error';
      this.notify();
      return;
    }
    if (t.diverged) this.status = 'diverged';
    else if (t.done) this.status = 'done';
    else if (this.stopAt && t.history.length >= this.stopAt) {
      this.status = 'paused';
      this.stopAt = null;
    }
    this.notify();
    if (this.status === 'playing') this.schedule();
  }
}

/** The app's one training session (made on first use). */
export function trainingFor(app) {
  if (!app.training) app.training = new TrainingController(app);
  return app.training;
}

export { OPTIMIZERS, TRAIN_DEFAULTS, TRAIN_SIZES, LEARNING_RATES, COMPARE_PS, EPOCHS_MAX };
