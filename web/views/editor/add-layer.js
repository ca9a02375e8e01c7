// The editor's "add a layer" control: a kind (every kind of web/kinds.js:
// Linear, the API's activations, Dropout) and a position (before any
// layer, or at the end). A new Linear takes as its in the width of what
// reaches that position now (from the core's trace) and, inserted inside
// the chain, as its out the same width, so the chain still fits.

import { LIMITS } from '../../state.js';
import { KINDS } from '../../kinds.js';
import { fmtLayer } from '../../format.js';
import { el } from '../../dom.js';
import { select, typeName } from './fields.js';

const NEW_LINEAR_OUT = 64;
const NEW_DROPOUT_P = 0.5;

/** The width that reaches position `at` (0: the input): the core's output shape there, else the specs. */
function widthAt(app, at) {
  const model = app.model;
  const net = app.state.net;
  if (at === 0) return model?.input?.shape?.at(-1) ?? 784;
  const before = model?.layers?.[at - 1];
  if (before?.shape) return before.shape.at(-1);
  for (let i = at - 1; i >= 0; i--) if (net[i].kind === 'linear') return net[i].out;
  return model?.input?.shape?.at(-1) ?? 784;
}

/** mountAddLayer(id, app, say) -> { element, kindSelect, update(state) }. */
export function mountAddLayer(id, app, say) {
  const kindSelect = select({ id: `${id}-add-kind`, 'data-testid': 'add-kind' }, Object.keys(KINDS).map((k) => [k, typeName(k)]));
  const add = el('button', { type: 'button', 'data-testid': 'add', text: 'Add layer' });
  const note = el('span', { className: 'tt-ed-note', id: `${id}-add-note` });
  const where = el('select', { id: `${id}-add-at`, 'data-testid': 'add-at' });
  const element = el('div', { className: 'tt-ed-add' },
    el('label', { for: kindSelect.id, text: 'New layer' }), kindSelect,
    el('label', { for: where.id, text: 'at' }), where, add, note);

  add.addEventListener('click', () => {
    const net = app.state.net;
    if (net.length >= LIMITS.layers) return;
    const at = Math.min(net.length, Math.max(0, Number(where.value) || 0));
    const kind = kindSelect.value;
    const w = Math.min(LIMITS.width, Math.max(1, widthAt(app, at)));
    let spec;
    if (kind === 'linear') spec = { kind, in: w, out: at === net.length ? NEW_LINEAR_OUT : w, bias: true };
    else if (kind === 'dropout') spec = { kind, p: NEW_DROPOUT_P };
    else spec = { kind };
    say(`Added layer ${at} (${fmtLayer(spec)})${at < net.length ? `; the layers after it moved down one` : ''}.`);
    const layer = app.state.layer >= at && at < net.length ? app.state.layer + 1 : app.state.layer;
    app.setState({ net: [...net.slice(0, at), spec, ...net.slice(at)], layer });
  });

  let shownNet = null;
  function update(state) {
    // positions: before each layer, then the end (the default)
    const key = state.net.map((s) => s.kind).join(',');
    if (key !== shownNet) {
      shownNet = key;
      const keep = where.value;
      where.replaceChildren(...state.net.map((s, i) => el('option', { value: String(i), text: `before layer ${i} (${typeName(s.kind)})` })),
        el('option', { value: String(state.net.length), text: 'at the end' }));
      where.value = keep !== '' && Number(keep) < state.net.length ? keep : String(state.net.length);
    }
    const full = state.net.length >= LIMITS.layers;
    if (add.disabled !== full) {
      add.disabled = full;
      note.textContent = full ? `At most ${LIMITS.layers} layers.` : '';
    }
  }

  return { element, kindSelect, update };
}
