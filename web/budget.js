// The work budget of one state: a link's keys are capped one by one
// (web/state.js LIMITS), but 24 layers of Linear(4096, 4096) at batch 256
// stay inside every cap and still ask for 1.6 GB of weights and 200 GFLOPs
// per forward pass. So before the page builds a network it estimates what
// the network will hold and compute, from the specs alone (the parameter
// count is the API's Linear.countParameters), and refuses a state over the
// budget. The figures are what keeps a tab responsive on a modest school
// laptop: the page re-runs the forward pass on every slider step.

import { fmtBytes, fmtFlops } from './format.js';

const BYTES_PER_FLOAT32 = 4;

/** What one state may cost: float32 bytes held (weights, input, every layer's output, masks) and FLOPs of one forward pass. */
export const BUDGET = Object.freeze({
  bytes: 100e6,
  flops: 1e9,
});

/**
 * Estimate a state's work without building anything: { params, bytes,
 * flops, features }. `features` is the input's width (the dataset's
 * features, 784 for the images, else the first Linear's `in`, as the page's input batch is made). The
 * estimate follows the specs as written, so a network that does not chain
 * is over-estimated, never under-estimated.
 */
export function estimateWork(api, state, { features: dataFeatures = 784 } = {}) {
  const first = state.net[0];
  const features = state.input === 'data' && dataFeatures ? dataFeatures : (first?.kind === 'linear' ? first.in : 784);
  const batch = state.batch;
  let width = features;
  let params = 0;
  let flops = 0;
  let elements = batch * features; // the input batch
  for (const spec of state.net) {
    if (spec.kind === 'linear') {
      params += api.Linear.countParameters(spec.in, spec.out, spec.bias);
      flops += 2 * batch * spec.in * spec.out + (spec.bias ? batch * spec.out : 0);
      width = spec.out;
      elements += batch * width;
    } else {
      flops += batch * width;
      elements += batch * width * (spec.kind === 'dropout' ? 2 : 1); // a Dropout keeps its mask too
    }
  }
  return { params, bytes: (params + elements) * BYTES_PER_FLOAT32, flops, features };
}

/**
 * The most training work one run's mini-batch step may cost (forward,
 * backward and optimizer update; web/train/trainer.js runs the update as a
 * unit of its own, so a unit is less) and one evaluation chunk may hold:
 * the page runs at least one unit between two frames. The training view runs slices of
 * 10 ms; a step of 150 MFLOP (trainingStepFlops) took 10.5 ms at best in
 * Node on the machine of site/docs/guarantees.md; 120 MFLOP leaves room for
 * a slower laptop before a slice is twice the budget, and still trains the
 * deep network a student reaches from the menus (five Linear layers, 112
 * MFLOP at batch 32). The page's default network trains at batches up to 90.
 */
export const TRAIN_UNIT_FLOPS = 120e6;

/** FLOPs of a forward pass of one row (one image) through the specs, from `features` inputs. */
export function forwardFlopsPerRow(specs, features) {
  let width = features;
  let flops = 0;
  for (const spec of specs) {
    if (spec.kind === 'linear') {
      flops += 2 * spec.in * spec.out + (spec.bias ? spec.out : 0);
      width = spec.out;
    } else {
      flops += width;
    }
  }
  return flops;
}

/**
 * The work of one training step of one run at `batch` rows, in FLOPs: the
 * forward pass, the backward pass (two matrix products per Linear: the
 * input's gradient, skipped for the first layer as the images need none,
 * and the weight's) and, per parameter, PARAM_STEP_FLOPS for what the step
 * does to every parameter (zero its gradient, Adam's update, and the
 * page's copy and statistics of weights, gradients and updates), which is
 * memory traffic rather than arithmetic, counted at its measured cost.
 */
export const PARAM_STEP_FLOPS = 120;

export function trainingStepFlops(api, specs, batch, features = 784) {
  let flops = batch * forwardFlopsPerRow(specs, features);
  let params = 0;
  let width = features;
  specs.forEach((spec, i) => {
    if (spec.kind !== 'linear') {
      flops += 2 * batch * width; // the activation's or Dropout's gradient
      return;
    }
    const mm = 2 * batch * spec.in * spec.out;
    flops += mm + (i > 0 ? mm : 0) + (spec.bias ? batch * spec.out : 0);
    params += api.Linear.countParameters(spec.in, spec.out, spec.bias);
    width = spec.out;
  });
  return flops + PARAM_STEP_FLOPS * params;
}

/** null if one training step of the state's network fits TRAIN_UNIT_FLOPS, else a sentence saying why the page cannot train it. */
export function overTrainingBudget(api, specs, batch, features = 784, limit = TRAIN_UNIT_FLOPS) {
  const flops = trainingStepFlops(api, specs, batch, features);
  if (flops <= limit) return null;
  const fix = batch > 1 && trainingStepFlops(api, specs, 1, features) <= limit ? 'Use a smaller batch or narrower layers' : 'Use narrower or fewer layers';
  return `one training step of this network at batch ${batch} is ${fmtFlops(flops)} of work and the page trains at most ${fmtFlops(limit)} between two frames, so that the tab keeps answering while it trains. ${fix} (the views that run the network forward still work).`;
}

/** null if `work` fits `budget`, else a sentence saying what is over and what the budget is. */
export function overBudget(work, budget = BUDGET) {
  const over = [];
  if (work.bytes > budget.bytes) over.push(`about ${fmtBytes(work.bytes)} of memory (the budget is ${fmtBytes(budget.bytes)})`);
  if (work.flops > budget.flops) over.push(`${fmtFlops(work.flops)} per forward pass (the budget is ${fmtFlops(budget.flops)})`);
  if (over.length === 0) return null;
  return `This network needs ${over.join(' and ')}: more than this page allows, so that the tab stays responsive on a school laptop. Use fewer or narrower layers or a smaller batch.`;
}
