// Where a layer spec of the page becomes a layer: the one place for
// network.js (the views' network), train/trainer.js (the two training
// runs), train/ledger.js (the measured training step) and views/cost.js
// (the timed forward passes). A new layer kind is one edit here (and its
// row in kinds.js).
//
// A spec is { kind: 'linear', in, out, bias }, { kind: 'dropout', p } or
// { kind: <an activation of kinds.js> } (web/state.js parses them).

import { KINDS, className } from './kinds.js';

/**
 * A new layer for `spec`, made with `api` (a second API instance works the
 * same). Options:
 *   weights  a Generator a Linear draws its weights from (default: the
 *            default generator)
 *   init     a Linear's initialiser key (default: the library's)
 *   masks    a Generator a Dropout draws its masks from (kept by the layer)
 *   impl     { Linear?, Dropout? }: classes used instead of the library's
 *            for those kinds, constructed as `new impl.Linear(in, out,
 *            { bias })` and `new impl.Dropout(p)` (a student's, from the
 *            Build step). They take no init and no generator and draw from
 *            the default generator: with `weights` given, the default
 *            generator is seeded from it first, so the same stream gives
 *            the same weights; the caller seeds it before each forward
 *            pass that draws masks.
 */
export function layerFromSpec(api, spec, { weights, init, masks, impl } = {}) {
  if (spec.kind === 'linear') {
    if (impl?.Linear) {
      if (weights) api.manualSeed(seedDrawnFrom(api, weights));
      return new impl.Linear(spec.in, spec.out, { bias: spec.bias });
    }
    const opts = { bias: spec.bias };
    if (init !== undefined) opts.init = init;
    if (weights) opts.generator = weights;
    return new api.Linear(spec.in, spec.out, opts);
  }
  if (spec.kind === 'dropout') {
    if (impl?.Dropout) return new impl.Dropout(spec.p);
    return new api.Dropout(spec.p, masks ? { generator: masks } : undefined);
  }
  if (!isLayerKind(api, spec.kind)) throw new RangeError(`unknown layer kind "${String(spec.kind)}"`);
  return new api[className(spec.kind)]();
}

/** Does layerFromSpec know this kind? */
export function isLayerKind(api, kind) {
  return typeof kind === 'string' && Object.hasOwn(KINDS, kind) && typeof api[className(kind)] === 'function';
}

/**
 * Layers for every spec: optionsFor(spec, i) gives each one's options (as
 * layerFromSpec takes them). If a layer cannot be made, the ones already
 * made are disposed (an unknown kind is named with its position).
 */
export function layersFromSpecs(api, specs, optionsFor = () => ({})) {
  const layers = [];
  try {
    specs.forEach((spec, i) => {
      if (!isLayerKind(api, spec.kind)) throw new RangeError(`layer ${i}: unknown kind "${String(spec.kind)}"`);
      layers.push(layerFromSpec(api, spec, optionsFor(spec, i)));
    });
  } catch (e) {
    for (const layer of layers) layer.dispose();
    throw e;
  }
  return layers;
}

/** A 31-bit integer drawn from `generator`: a seed for the default generator that follows the stream. */
function seedDrawnFrom(api, generator) {
  return api.tidy(() => Math.floor(api.Tensor.rand([1], { generator }).item() * 2 ** 31));
}
