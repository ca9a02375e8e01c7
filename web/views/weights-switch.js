// "Weights shown": the switch the predictions, weights, activations and
// training views carry, between the network's initial weights and the
// weights a training run reached (the run as built, or the Dropout
// experiment's comparison run), kept in the state's `show` key. Imported
// weights (app.useWeights with source 'imported') show as a fourth choice
// while they are in use. The training session (web/train/controller.js)
// does the switching: it copies a run's weights when an epoch ends and
// gives them to app.useWeights.

import { el } from '../dom.js';
import { trainingFor } from '../train/controller.js';

let uid = 0;

export const SHOW_CHOICES = Object.freeze([
  ['initial', 'initial (random)'],
  ['trained', 'trained: as built'],
  ['compare', 'trained: comparison run'],
]);

/** A radio group bound to app.state.show; update() follows app.weights. Returns { element, update }. */
export function weightsSwitch(app) {
  const name = `tt-show-${++uid}`;
  const ctrl = trainingFor(app);
  const radios = new Map();
  const choice = (value, text) => {
    const input = el('input', { type: 'radio', name, id: `${name}-${value}`, value, 'data-testid': `show-${value}` });
    input.addEventListener('change', () => {
      if (!input.checked || value === 'imported') return;
      app.setState({ show: value });
      ctrl.showWeights(true); // also when the state already said so (imported weights were shown)
    });
    radios.set(value, input);
    return el('span', { className: 'tt-show-choice' }, input, el('label', { for: input.id, text }));
  };
  const importedChoice = choice('imported', 'imported');
  const note = el('span', { className: 'tt-show-note', 'data-testid': 'show-note', 'aria-live': 'polite' });
  const element = el('fieldset', { className: 'tt-show', 'data-testid': 'weights-show' },
    el('legend', { text: 'Weights shown' }), ...SHOW_CHOICES.map(([v, t]) => choice(v, t)), importedChoice, note);

  let lastNote = '';
  function update() {
    const w = app.weights ?? { source: 'initial', label: 'initial weights' };
    const show = app.state.show ?? 'trained';
    importedChoice.hidden = w.source !== 'imported';
    if (w.source === 'imported') importedChoice.lastChild.textContent = `imported: ${w.label}`;
    const checked = w.source === 'imported' ? 'imported' : show;
    for (const [v, r] of radios) r.checked = v === checked;
    const t = ctrl.trainer;
    let text;
    if (w.source === 'initial' && show !== 'initial') {
      text = t && t.history.length > 1
        ? 'Showing the initial weights: no epoch of this run has ended yet.'
        : 'Showing the initial weights until a training run has finished an epoch (Play in "Does Dropout help?").';
      if (ctrl.weightsError) text = `Showing the initial weights: ${ctrl.weightsError}`;
    } else if (w.source === 'initial') {
      text = `Showing the initial weights (init ${app.state.init}, seed ${app.state.seed}).`;
    } else {
      text = `Showing the ${w.label}.`;
    }
    if (text !== lastNote) note.textContent = text;
    lastNote = text;
    element.dataset.source = w.source;
  }
  return { element, update };
}
