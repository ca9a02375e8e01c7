// The page's state, and the one table that declares how it lives in the URL
// hash. The hash is untrusted input (a link anyone can craft): every key is
// parsed by a strict grammar and capped, so memory stays bounded; anything
// malformed falls back to that key's default and is reported as a notice.
// The lists a key accepts (layer kinds, initialisers, activations) come
// from the API's metadata through web/kinds.js, never from a copy here.

import { KINDS, ELEMENTWISE_ACTIVATIONS, INITIALIZERS, INIT_WIDTHS, initializerFor } from './kinds.js';
import { fmtP } from './format.js';
import { TRAIN_STATE } from './train/settings.js';
import { DATA_KEYS } from './data/datasets.js';

/** Limits that keep a crafted link from asking for unbounded work or memory. */
export const LIMITS = Object.freeze({
  layers: 24, // layers in the network
  width: 4096, // features of a Linear
  batch: 256, // rows of the input batch
  hashLength: 2000, // characters of hash we even look at
  depth: [2, 24], // layers of the init-comparison stack
  seed: 2 ** 31 - 1, // largest page seed (and resample counter)
});

/** The Build exercises a link can open (web/views/build/): all three classes, or one. */
export const BUILD_EXERCISES = Object.freeze(['all', 'linear', 'dropout', 'sequential']);

/** The lesson's MNIST classifier. */
export const DEFAULT_NET = [
  { kind: 'linear', in: 784, out: 256, bias: true },
  { kind: 'relu' },
  { kind: 'dropout', p: 0.5 },
  { kind: 'linear', in: 256, out: 128, bias: true },
  { kind: 'relu' },
  { kind: 'dropout', p: 0.3 },
  { kind: 'linear', in: 128, out: 10, bias: true },
];

/** Layer kinds, their one-letter code in the hash and their API class name (from the API's metadata: web/kinds.js). */
export { KINDS };
const BY_CODE = Object.fromEntries(Object.entries(KINDS).map(([kind, k]) => [k.code, kind]));

const INT = /^(0|[1-9][0-9]{0,9})$/;
const PROB = /^(0(\.[0-9]{1,4})?|1(\.0{1,4})?|\.[0-9]{1,4})$/;

function parseInt10(text, lo, hi) {
  if (!INT.test(text)) throw new Error(`"${text}" is not a whole number`);
  const v = Number(text);
  if (v < lo || v > hi) throw new Error(`${v} is outside ${lo}..${hi}`);
  return v;
}

/** "L784-256,R,D0.5,L256-10n" -> layer specs ('n': no bias). */
export function parseNet(text) {
  if (text === '') return [];
  const parts = text.split(',');
  if (parts.length > LIMITS.layers) throw new Error(`${parts.length} layers; at most ${LIMITS.layers}`);
  return parts.map((part, i) => {
    const kind = BY_CODE[part[0]];
    const rest = part.slice(1);
    if (!kind) throw new Error(`layer ${i + 1}: unknown kind "${part.slice(0, 12)}"`);
    if (kind === 'linear') {
      const m = /^([0-9]+)-([0-9]+)(n?)$/.exec(rest);
      if (!m) throw new Error(`layer ${i + 1}: a Linear is written L<in>-<out>, got "${part.slice(0, 20)}"`);
      return { kind, in: parseInt10(m[1], 1, LIMITS.width), out: parseInt10(m[2], 1, LIMITS.width), bias: m[3] !== 'n' };
    }
    if (kind === 'dropout') {
      if (!PROB.test(rest)) throw new Error(`layer ${i + 1}: dropout p must be in [0, 1], got "${rest.slice(0, 12)}"`);
      return { kind, p: Number(rest) };
    }
    if (rest !== '') throw new Error(`layer ${i + 1}: "${part.slice(0, 12)}" takes no argument`);
    return { kind };
  });
}

export function formatNet(layers) {
  return layers.map((l) => {
    const code = KINDS[l.kind].code;
    if (l.kind === 'linear') return `${code}${l.in}-${l.out}${l.bias ? '' : 'n'}`;
    if (l.kind === 'dropout') return `${code}${fmtP(l.p)}`; // at most 4 decimals, as PROB accepts
    return code;
  }).join(',');
}

const oneOf = (values) => (text) => {
  if (!values.includes(text)) throw new Error(`"${text.slice(0, 20)}" is not one of ${values.join(', ')}`);
  return text;
};
const intIn = (lo, hi) => (text) => parseInt10(text, lo, hi);

/** What enters the network: 'data' (the chosen dataset's sample) or 'random'; links made before datasets could be chosen say 'fashion'. */
export function parseInput(text) {
  return text === 'fashion' ? 'data' : oneOf(['data', 'random'])(text);
}

/**
 * An initialiser name: any key or alias Linear's `init` option accepts
 * (js/enums.js INITIALIZERS), read as its key, so 'lecun_normal' and
 * 'xavier' are one state and the link is written with the key.
 */
export function parseInit(text) {
  const rec = initializerFor(text);
  if (!rec) {
    const names = INITIALIZERS.flatMap((i) => [i.key, ...i.aliases]);
    throw new Error(`"${text.slice(0, 20)}" is not an initialiser (${names.join(', ')})`);
  }
  return rec.key;
}
const same = (v) => String(v);

/**
 * The questions of "Predict, then check" (web/views/quiz.js): "p3"
 * parameters of layer 3, "s3" its output shape, "k3" its mask's expected
 * survivors (a Dropout), "h" the parameter bytes at float16, "t" the total.
 * Comma separated, each once, at most 12.
 */
export function parseAsk(text) {
  if (text === '') return [];
  const ids = text.split(',');
  if (ids.length > 12) throw new Error(`${ids.length} questions; at most 12`);
  const bad = ids.find((q) => !/^([psk]([0-9]|1[0-9]|2[0-3])|h|t)$/.test(q));
  if (bad !== undefined) throw new Error(`"${bad.slice(0, 12)}" is not a question (p<layer>, s<layer>, k<layer>, h, t)`);
  return [...new Set(ids)];
}
export const formatAsk = (ids) => ids.join(',');

/**
 * The state table: every key the URL may carry, its default, its parser
 * (throws on anything it does not accept) and its formatter.
 */
export const STATE = [
  { key: 'net', default: DEFAULT_NET, parse: parseNet, format: formatNet, help: 'the network' },
  { key: 'batch', default: 32, parse: intIn(1, LIMITS.batch), format: same, help: 'rows of the input batch' },
  { key: 'mode', default: 'train', parse: oneOf(['train', 'eval']), format: same, help: 'Dropout active or not' },
  { key: 'input', default: 'data', parse: parseInput, format: same, help: 'what enters the network: the dataset\'s images (data) or random normal values' },
  { key: 'data', default: 'mnist', parse: oneOf(DATA_KEYS), format: same, help: 'the dataset: mnist (digits), fashion (Fashion-MNIST) or own (the student\'s file, while one is loaded: web/data/)' },
  { key: 'seed', default: 42, parse: intIn(0, LIMITS.seed), format: same, help: 'seed of every random stream (web/seeds.js)' },
  { key: 'draw', default: 0, parse: intIn(0, LIMITS.seed), format: same, help: 'dropout masks resampled this many times' },
  { key: 'init', default: INITIALIZERS[0].key, parse: parseInit, format: same, help: 'initialiser of the network' },
  { key: 'layer', default: 0, parse: intIn(0, LIMITS.layers - 1), format: same, help: 'layer shown in detail' },
  { key: 'depth', default: 12, parse: intIn(...LIMITS.depth), format: same, help: 'layers of the init comparison' },
  { key: 'ask', default: [], parse: parseAsk, format: formatAsk, help: 'questions asked before their answers show (views/quiz.js)' },
  { key: 'act', default: 'relu', parse: oneOf(ELEMENTWISE_ACTIVATIONS.map((a) => a.name)), format: same, help: 'activation of the init comparison' },
  { key: 'widths', default: INIT_WIDTHS[0].key, parse: oneOf(INIT_WIDTHS.map((w) => w.key)), format: same, help: 'layer widths of the init comparison (web/kinds.js INIT_WIDTHS)' },
  ...TRAIN_STATE, // the Dropout experiment: tsize, epochs, optim, lr, cmp (web/train/settings.js)
  { key: 'show', default: 'trained', parse: oneOf(['initial', 'trained', 'compare']), format: same, help: 'weights the views show: initial, trained (the run as built, once an epoch is trained) or compare (the comparison run)' },
  // Build (web/views/build/): a teacher's link chooses the exercise, the hints and the reference solution
  { key: 'ex', default: 'all', parse: oneOf(BUILD_EXERCISES), format: same, help: 'the Build exercise: all, linear, dropout or sequential' },
  { key: 'hints', default: 'on', parse: oneOf(['on', 'off']), format: same, help: 'hints of the Build checks and the quiz' },
  { key: 'solution', default: 'none', parse: oneOf(['none', 'hide', 'show']), format: same, help: 'the reference solution: not offered, behind a button, or shown' },
];

export function defaults() {
  return Object.fromEntries(STATE.map((s) => [s.key, structuredClone(s.default)]));
}

/**
 * The hash grammar. A fragment is lesson state when it starts with
 * STATE_PREFIX ("#tt:net=L784-256,R&batch=8"), or, for links made before the
 * prefix existed ("#net=...&batch=8"), when it contains "=" and names no
 * element of the page. Anything else ("#main", "#reflect") is a plain anchor:
 * the browser scrolls to it and the state is left alone.
 */
export const STATE_PREFIX = 'tt:';

/**
 * What a location.hash is: { kind: 'empty' | 'state' | 'anchor', text }
 * (text: the state's query text, without '#' and prefix). `hasElement(id)`
 * says whether the page has an element with that id (default: none).
 */
export function classifyHash(hash, hasElement = () => false) {
  const raw = String(hash ?? '').replace(/^#/, '');
  if (raw === '') return { kind: 'empty', text: '' };
  if (raw.startsWith(STATE_PREFIX)) return { kind: 'state', text: raw.slice(STATE_PREFIX.length) };
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // a malformed escape is not an id the page can have
  }
  if (hasElement(id) || hasElement(raw)) return { kind: 'anchor', text: raw };
  if (raw.includes('=')) return { kind: 'state', text: raw };
  return { kind: 'anchor', text: raw };
}

/**
 * Parse the state text of a link (a location.hash with or without '#' and
 * STATE_PREFIX, or an embed's query string). Returns { state, notices }:
 * unknown keys are ignored with a notice, bad values fall back to the
 * default with a notice, and a key given twice uses its first value.
 */
export function readHash(hash) {
  const state = defaults();
  const notices = [];
  let text = String(hash ?? '').replace(/^#/, '');
  if (text.startsWith(STATE_PREFIX)) text = text.slice(STATE_PREFIX.length);
  if (text.length > LIMITS.hashLength) {
    notices.push(`The link's state is ${text.length} characters long (at most ${LIMITS.hashLength}); the default lesson is shown instead.`);
    return { state, notices };
  }
  if (text === '') return { state, notices };
  let params;
  try {
    params = new URLSearchParams(text);
  } catch {
    notices.push('The link\'s state could not be read; the default lesson is shown instead.');
    return { state, notices };
  }
  const known = new Map(STATE.map((s) => [s.key, s]));
  const seen = new Map(); // key -> how many times the link gives it
  for (const [key, value] of params) {
    const spec = known.get(key);
    if (!spec) {
      notices.push(`Ignored an unknown setting "${key.slice(0, 20)}" in the link.`);
      continue;
    }
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (seen.get(key) > 1) continue; // reported once, below
    try {
      state[key] = spec.parse(value);
    } catch (e) {
      notices.push(`The link's "${key}" was not used (${e.message}); the default is shown.`);
    }
  }
  for (const [key, n] of seen) {
    if (n > 1) notices.push(`The link gives "${key}" ${n} times; only the first is used (${STATE.find((s) => s.key === key).format(state[key]).slice(0, 40)}).`);
  }
  return { state, notices };
}

/**
 * A state as query text ("net=L784-256,R&batch=8"): only keys that differ
 * from their default. Commas stay commas (every value is made of letters,
 * digits, '.', '-' and ','), so a link stays readable.
 */
export function writeQuery(state) {
  const parts = [];
  for (const spec of STATE) {
    const text = spec.format(state[spec.key]);
    if (text !== spec.format(spec.default)) parts.push(`${spec.key}=${encodeURIComponent(text).replace(/%2C/gi, ',')}`);
  }
  return parts.join('&');
}

/** The hash for a state: '#tt:' and its query text, or '' for the defaults. */
export function writeHash(state) {
  const s = writeQuery(state);
  return s ? `#${STATE_PREFIX}${s}` : '';
}
