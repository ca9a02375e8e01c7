// The page's lists of layer kinds and initialisers, derived from the API's
// metadata (js/enums.js ACTIVATIONS and INITIALIZERS) so that a new
// activation or initialiser in the core appears here without an edit. The
// only thing the page adds is the one letter each kind is written with in
// the URL (web/state.js parseNet): those letters are part of links people
// keep, so the existing ones are pinned.

import { ACTIVATIONS, INITIALIZERS } from '../js/api.js';

/** URL letters of the existing kinds; a kind added later takes the first free letter of its name. */
const PINNED_CODES = { linear: 'L', dropout: 'D', relu: 'R', sigmoid: 'S', tanh: 'T', gelu: 'G', softmax: 'X' };

function codeFor(kind, taken) {
  if (PINNED_CODES[kind]) return PINNED_CODES[kind];
  const free = [...kind.toUpperCase(), ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].find((c) => /[A-Z]/.test(c) && !taken.has(c));
  if (!free) throw new Error(`web/kinds.js: no URL letter left for the layer kind "${kind}"`);
  return free;
}

/**
 * Layer kinds: name -> { code (URL letter), className (the API class),
 * formula (activations only) }, in the order the editor offers them:
 * Linear, the activations in enum order, Dropout.
 */
export const KINDS = (() => {
  const list = [
    ['linear', { className: 'Linear' }],
    ...ACTIVATIONS.map((a) => [a.name, { className: a.className, formula: a.formula }]),
    ['dropout', { className: 'Dropout' }],
  ];
  const taken = new Set(Object.values(PINNED_CODES));
  const out = {};
  for (const [kind, meta] of list) {
    const code = codeFor(kind, taken);
    taken.add(code);
    out[kind] = Object.freeze({ code, ...meta });
  }
  return Object.freeze(out);
})();

/** Kinds whose layer is an activation (no parameters, one ACTIVATIONS record). */
export const ACTIVATION_KINDS = Object.freeze(ACTIVATIONS.map((a) => a.name));

/**
 * Activations that act on each element alone, for the init comparison's
 * deep stack. Softmax is left out: it normalises each row to sum 1, so a
 * stack of it says nothing about how the scale of a signal grows or dies.
 */
export const ELEMENTWISE_ACTIVATIONS = Object.freeze(ACTIVATIONS.filter((a) => a.name !== 'softmax'));

/** The API class name of a kind ("Linear", "ReLU", ...), or the kind itself if unknown. */
export const className = (kind) => KINDS[kind]?.className ?? kind;

/** The initialisers, in enum order (js/enums.js INITIALIZERS). */
export { INITIALIZERS };

/** Every name the `init` option accepts -> its initialiser's record (keys and aliases). */
export const INIT_NAMES = Object.freeze(Object.fromEntries(
  INITIALIZERS.flatMap((rec) => [rec.key, ...rec.aliases].map((name) => [name, rec])),
));

/** The record of an accepted initialiser name (a key or an alias), or undefined. */
export const initializerFor = (name) => (Object.hasOwn(INIT_NAMES, name) ? INIT_NAMES[name] : undefined);

/**
 * Layer widths of the init comparison's deep stack: layer i (0-based) is
 * Linear(width(i), width(i + 1)), and width(0) is the input batch's. A width
 * depends on i alone, never on the depth, so a shallower stack is still the
 * first layers of a deeper one (web/views/init.js caches on that). The key
 * is the URL's `widths` value (web/state.js); '256' is the lab as it was
 * before the key existed, so old links keep their meaning.
 */
export const INIT_WIDTHS = Object.freeze([
  Object.freeze({ key: '256', label: 'all 256 (256→256→…)', width: () => 256 }),
  Object.freeze({ key: '256-1024', label: '256→1024→256→…', width: (i) => (i % 2 ? 1024 : 256) }),
  Object.freeze({ key: '1024-256', label: '1024→256→1024→… (starts wide)', width: (i) => (i % 2 ? 256 : 1024) }),
]);
