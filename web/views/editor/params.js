// The editor's live parameters() list: every tensor an optimiser would
// walk, as the network's own namedParameters() names it ("0.weight"), with
// its shape, requiresGrad and size, and the running total. The list is the
// core's: a Sequential of the model's own layers is asked, nothing is
// counted from the specs.

import { fmtInt, fmtShape } from '../../format.js';
import { el, tableRegion } from '../../dom.js';

/** mountParams(id, app) -> { element, update(model) }. */
export function mountParams(id, app) {
  // data-answer: hidden while a teacher's question is open (views/quiz.js, quiz.css); the total gives the float16 bytes (× 2)
  const total = el('p', { className: 'tt-ed-total', 'data-testid': 'param-total', role: 'status', 'aria-live': 'polite', 'data-answer': 'params bytes' });
  const caption = el('caption', { text: 'model.parameters(): name, shape, requiresGrad, numbers' });
  const tbody = el('tbody');
  const table = el('table', { className: 'tt-ed-params-table', 'data-testid': 'param-list' }, caption,
    el('thead', {}, el('tr', {}, ...['name', 'shape', 'requiresGrad', 'numbers'].map((t) => el('th', { scope: 'col', text: t })))), tbody);
  const details = el('details', { className: 'tt-ed-params-list' }, el('summary', { text: 'The list parameters() returns' }), tableRegion(table, 'The list parameters() returns (table)'));
  details.open = true;
  const element = el('div', { className: 'tt-ed-paramsbox', id: `${id}-params` }, total, details);

  let seq = null; // a Sequential over the model's layers, kept while they are the same
  let shownKey = null;

  function update(model) {
    const layers = model.layers.map((r) => r.layer);
    if (!seq || seq.length !== layers.length || seq.layers.some((l, i) => l !== layers[i])) {
      // holds the model's cached layers; never disposed here (network.js owns them)
      seq = new app.api.Sequential(layers);
    }
    const named = seq.namedParameters();
    const rows = named.map(([name, t]) => ({ name, shape: t.shape, grad: t.requiresGrad, size: t.size }));
    const numbers = rows.reduce((n, r) => n + r.size, 0);
    const key = JSON.stringify(rows);
    if (key === shownKey) return;
    shownKey = key;
    total.textContent = `${rows.length} parameter tensor${rows.length === 1 ? '' : 's'}, ${fmtInt(numbers)} numbers in all (the sum of model.parameters() sizes).`;
    total.dataset.tensors = String(rows.length);
    total.dataset.numbers = String(numbers);
    tbody.replaceChildren(...rows.map((r) => el('tr', { 'data-testid': 'param-row' },
      el('td', { className: 'mono', text: r.name }), el('td', { className: 'mono', 'data-answer': 'params', text: fmtShape(r.shape) }),
      el('td', { className: 'mono', text: String(r.grad) }), el('td', { className: 'mono', 'data-answer': 'params', text: fmtInt(r.size) }))));
  }
  return { element, update };
}
