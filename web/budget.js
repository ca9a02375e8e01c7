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
 * flops, features }. `features` is the input's width (784 for the images,
 * else the first Linear's `in`, as the page's input batch is made). The
 * estimate follows the specs as written, so a network that does not chain
 * is over-estimated, never under-estimated.
 */
export function estimateWork(api, state, { fashion = true } = {}) {
  const first = state.net[0];
  const features = state.input === 'fashion' && fashion ? 784 : (first?.kind === 'linear' ? first.in : 784);
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

/** null if `work` fits `budget`, else a sentence saying what is over and what the budget is. */
export function overBudget(work, budget = BUDGET) {
  const over = [];
  if (work.bytes > budget.bytes) over.push(`about ${fmtBytes(work.bytes)} of memory (the budget is ${fmtBytes(budget.bytes)})`);
  if (work.flops > budget.flops) over.push(`${fmtFlops(work.flops)} per forward pass (the budget is ${fmtFlops(budget.flops)})`);
  if (over.length === 0) return null;
  return `This network needs ${over.join(' and ')}: more than this page allows, so that the tab stays responsive on a school laptop. Use fewer or narrower layers or a smaller batch.`;
}
