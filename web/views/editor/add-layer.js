// The editor's "add a layer" control: a kind (every kind of web/kinds.js:
// Linear, the API's activations, Dropout) appended at the end. A new
// Linear takes as its in the width of what the network outputs now.

import { LIMITS } from '../../state.js';
import { KINDS } from '../../kinds.js';
import { fmtLayer } from '../../format.js';
import { el } from '../../dom.js';
import { select, typeName } from './fields.js';

const NEW_LINEAR_OUT = 64;
const NEW_DROPOUT_P = 0.5;

/** The width a new Linear would receive: the last output's width (from the core), else the specs. */
function lastWidth(app) {
  const model = app.model;
  const net = app.state.net;
  const last = model?.layers?.at(-1);
  if (last?.shape) return last.shape.at(-1);
  for (let i = net.length - 1; i >= 0; i--) if (net[i].kind === 'linear') return net[i].out;
  return model?.input?.shape?.at(-1) ?? 784;
}

/** mountAddLayer(id, app, say) -> { element, kindSelect, update(state) }. */
export function mountAddLayer(id, app, say) {
  const kindSelect = select({ id: `${id}-add-kind`, 'data-testid': 'add-kind' }, Object.keys(KINDS).map((k) => [k, typeName(k)]));
  const add = el('button', { type: 'button', 'data-testid': 'add', text: 'Add layer' });
  const note = el('span', { className: 'tt-ed-note', id: `${id}-add-note` });
  const element = el('div', { className: 'tt-ed-add' }, el('label', { for: kindSelect.id, text: 'New layer at the end' }), kindSelect, add, note);

  add.addEventListener('click', () => {
    const net = app.state.net;
    if (net.length >= LIMITS.layers) return;
    const kind = kindSelect.value;
    let spec;
    if (kind === 'linear') spec = { kind, in: Math.min(LIMITS.width, Math.max(1, lastWidth(app))), out: NEW_LINEAR_OUT, bias: true };
    else if (kind === 'dropout') spec = { kind, p: NEW_DROPOUT_P };
    else spec = { kind };
    say(`Added layer ${net.length} (${fmtLayer(spec)}).`);
    app.setState({ net: [...net, spec] });
  });

  function update(state) {
    const full = state.net.length >= LIMITS.layers;
    if (add.disabled !== full) {
      add.disabled = full;
      note.textContent = full ? `At most ${LIMITS.layers} layers.` : '';
    }
  }

  return { element, kindSelect, update };
}
