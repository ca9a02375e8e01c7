// The editor's batch-wide settings: batch size, train/eval, input, seed,
// initialiser (its list, labels and formulas from js/enums.js INITIALIZERS,
// with the chosen one's note and weight scale below it) and the reset
// button; the data panel (data-panel.js: the dataset, your own file). A control is written only when the state's value differs from
// what it shows, so a field being typed in is never overwritten.

import { DEFAULT_NET, LIMITS } from '../../state.js';
import { INITIALIZERS, initializerFor } from '../../kinds.js';
import { fmtLayer, fmtScale } from '../../format.js';
import { el } from '../../dom.js';
import { readInt, select } from './fields.js';
import { mountDataPanel } from './data-panel.js';

const SEED_MAX = LIMITS.seed;

/** The initialiser's option text: "xavier: the lesson's init (LeCun normal), N(0, 1/in)". */
const initOption = (rec) => [rec.key, `${rec.key}: ${rec.label}, ${rec.formula}`];

/** mountSettings(id, app, say) -> { element, update(state, model) }. */
export function mountSettings(id, app, say) {
  const batch = el('input', { type: 'number', id: `${id}-batch`, min: 1, max: LIMITS.batch, step: 1, inputmode: 'numeric', 'data-testid': 'batch' });
  const mode = select({ id: `${id}-mode`, 'data-testid': 'mode' }, [['train', 'train (Dropout active)'], ['eval', 'eval (Dropout passes through)']]);
  const input = select({ id: `${id}-input`, 'data-testid': 'input' }, [['data', 'the dataset\'s images'], ['random', 'random normal']]);
  const seed = el('input', { type: 'number', id: `${id}-seed`, min: 0, max: SEED_MAX, step: 1, inputmode: 'numeric', 'data-testid': 'seed' });
  const initNote = el('p', { className: 'tt-ed-init-note', id: `${id}-init-note`, 'data-testid': 'init-note' });
  const init = select({ id: `${id}-init`, 'data-testid': 'init', 'aria-describedby': initNote.id }, INITIALIZERS.map(initOption));
  const reset = el('button', { type: 'button', 'data-testid': 'reset', text: 'Reset to the lesson’s network' });
  const dataPanel = mountDataPanel(id, app, say);
  const field = (label, control) => el('div', { className: 'tt-ed-field' }, el('label', { for: control.id, text: label }), control);
  const element = el('fieldset', { className: 'tt-ed-settings' },
    el('legend', { text: 'Batch and settings' }),
    field('Batch size', batch), field('Mode', mode), field('Input', input), field('Seed', seed), field('Initialiser', init),
    el('div', { className: 'tt-ed-field tt-ed-reset' }, reset),
    initNote, dataPanel.element);

  const shown = {};
  function sync(key, value, write) {
    if (shown[key] === value) return;
    shown[key] = value;
    write(value);
  }

  batch.addEventListener('change', () => {
    const { value, note } = readInt(batch, 1, LIMITS.batch, 'Batch size');
    say(note);
    if (value === null) { batch.value = String(app.state.batch); return; }
    batch.value = String(value);
    shown.batch = value;
    if (value !== app.state.batch) app.setState({ batch: value });
  });
  seed.addEventListener('change', () => {
    const { value, note } = readInt(seed, 0, SEED_MAX, 'Seed');
    say(note);
    if (value === null) { seed.value = String(app.state.seed); return; }
    seed.value = String(value);
    shown.seed = value;
    if (value !== app.state.seed) app.setState({ seed: value });
  });
  mode.addEventListener('change', () => { shown.mode = mode.value; app.setState({ mode: mode.value }); });
  input.addEventListener('change', () => { shown.input = input.value; app.setState({ input: input.value }); });
  init.addEventListener('change', () => { shown.init = init.value; app.setState({ init: init.value }); });
  const lesson = DEFAULT_NET.map(fmtLayer).join(', ');
  reset.addEventListener('click', () => {
    say(`The network is the lesson’s again: ${lesson}.`);
    app.setState({ net: structuredClone(DEFAULT_NET), layer: 0 });
  });

  /** The chosen initialiser's note, and its weight scale for the network's first Linear. */
  function noteFor(state) {
    const rec = initializerFor(state.init);
    if (!rec) return '';
    const first = state.net.find((s) => s.kind === 'linear');
    const scale = first ? ` For ${fmtLayer(first)} that is ${fmtScale(rec.scale(first.in, first.out))}.` : '';
    return `${rec.label}: ${rec.formula}.${scale} ${rec.note}`;
  }

  function update(state) {
    sync('batch', state.batch, (v) => { batch.value = String(v); });
    sync('seed', state.seed, (v) => { seed.value = String(v); });
    sync('mode', state.mode, (v) => { mode.value = v; });
    sync('input', state.input, (v) => { input.value = v; });
    sync('init', state.init, (v) => { init.value = v; });
    dataPanel.update(state);
    const note = noteFor(state);
    if (initNote.textContent !== note) initNote.textContent = note;
  }

  return { element, update };
}
