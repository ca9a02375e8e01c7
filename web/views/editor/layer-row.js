// One row of the editor: a layer's index and type, its controls (Linear:
// in, out, bias; Dropout: p; activation: its type, from ACTIVATIONS), its
// parameter count (the layer's own, from the model) and the move / remove
// buttons. buildRow() makes the DOM once; syncRow() writes only values that
// changed, so a control being typed in or dragged keeps its state.

import { LIMITS } from '../../state.js';
import { ACTIVATION_KINDS } from '../../kinds.js';
import { fmtInt, fmtPFixed } from '../../format.js';
import { el } from '../../dom.js';
import { numberField, readInt, select, template, typeName } from './fields.js';

/**
 * The row for spec i of n. `ctx`: { app, say, editLayer(i, patch),
 * moveLayer(i, by), removeLayer(i) }. Returns { li, t (template), its
 * controls, shown: the values last written into them }.
 */
export function buildRow(spec, i, n, ctx) {
  const { app, say, editLayer } = ctx;
  const t = template(spec.kind);
  const type = typeName(spec.kind);
  const idx = el('span', { className: 'tt-ed-index mono', text: String(i) });
  const typeEl = el('span', { className: 'tt-ed-type', text: type });
  const head = el('span', { className: 'tt-ed-head' }, idx, typeEl);
  const controls = el('span', { className: 'tt-ed-controls' });
  const params = el('span', { className: 'tt-ed-params mono', 'data-answer': 'params' }); // hidden by a teacher's question (views/quiz.js)
  const row = { t, typeEl, params, shown: {} };

  if (t === 'linear') {
    const fin = numberField('in', `in features, layer ${i} (Linear)`, 'linear-in', 1, LIMITS.width);
    const fout = numberField('out', `out features, layer ${i} (Linear)`, 'linear-out', 1, LIMITS.width);
    const bias = el('input', { type: 'checkbox', 'data-testid': 'linear-bias', 'aria-label': `bias, layer ${i} (Linear)` });
    const apply = (inp, key, what) => () => {
      const { value, note } = readInt(inp, 1, LIMITS.width, `Layer ${i}: ${what}`);
      say(note);
      const cur = app.state.net[i]?.[key];
      if (value === null) { inp.value = String(cur ?? ''); return; }
      inp.value = String(value);
      row.shown[key] = value;
      if (value !== cur) editLayer(i, { [key]: value });
    };
    fin.inp.addEventListener('change', apply(fin.inp, 'in', 'in features'));
    fout.inp.addEventListener('change', apply(fout.inp, 'out', 'out features'));
    bias.addEventListener('change', () => editLayer(i, { bias: bias.checked }));
    controls.append(fin.wrap, el('span', { className: 'tt-ed-arrow', 'aria-hidden': 'true', text: '→' }), fout.wrap,
      el('label', { className: 'tt-ed-check' }, bias, el('span', { text: 'bias', 'aria-hidden': 'true' })));
    Object.assign(row, { fin: fin.inp, fout: fout.inp, bias });
  } else if (t === 'dropout') {
    const p = el('input', { type: 'range', min: 0, max: 1, step: 0.05, 'data-testid': 'dropout-p', 'aria-label': `p (drop probability), layer ${i} (Dropout)` });
    const out = el('output', { className: 'mono tt-ed-p', 'aria-hidden': 'true' });
    p.addEventListener('input', () => {
      const v = Math.min(1, Math.max(0, Number(p.value)));
      if (!Number.isFinite(v)) return;
      row.shown.p = v;
      showP(row, v);
      editLayer(i, { p: v });
    });
    // the end of a drag (or one arrow key) closes its history entry: the whole drag is one undo step
    p.addEventListener('change', () => app.history?.seal());
    controls.append(el('label', { className: 'tt-ed-range' }, el('span', { text: 'p', 'aria-hidden': 'true' }), p), out);
    Object.assign(row, { p, pOut: out });
  } else {
    const kind = select({ 'data-testid': 'act-kind', 'aria-label': `activation type, layer ${i}` }, ACTIVATION_KINDS.map((k) => [k, typeName(k)]));
    // (the row's type name and button labels follow in syncRow())
    kind.addEventListener('change', () => editLayer(i, { kind: kind.value }));
    controls.append(el('label', { className: 'tt-ed-act' }, el('span', { text: 'type', 'aria-hidden': 'true' }), kind));
    Object.assign(row, { kind });
  }

  const btn = (testid, text, label, fn) => {
    const b = el('button', { type: 'button', className: `tt-ed-btn tt-ed-${testid}`, 'data-testid': testid, 'aria-label': label, title: label },
      el('span', { 'aria-hidden': 'true', text }));
    b.addEventListener('click', fn);
    return b;
  };
  const up = btn('up', '↑', `Move layer ${i} (${type}) up`, () => ctx.moveLayer(i, -1));
  const down = btn('down', '↓', `Move layer ${i} (${type}) down`, () => ctx.moveLayer(i, 1));
  const remove = btn('remove', '✕', `Remove layer ${i} (${type})`, () => ctx.removeLayer(i));
  up.disabled = i === 0;
  down.disabled = i === n - 1;
  const buttons = el('span', { className: 'tt-ed-buttons' }, up, down, remove);
  Object.assign(row, { up, down, remove });

  row.li = el('li', { className: `tt-ed-row tt-ed-${t}`, 'data-testid': 'layer-row', 'data-index': String(i) }, head, controls, params, buttons);
  return row;
}

/** The slider's readout and its spoken value. */
function showP(row, v) {
  row.pOut.textContent = fmtPFixed(v);
  row.p.setAttribute('aria-valuetext', `p = ${fmtPFixed(v)}`);
}

/** Write a value into a control only when the state's value differs from what is shown. */
function sync(row, key, value, write) {
  if (row.shown[key] === value) return;
  row.shown[key] = value;
  write(value);
}

/** Name the row's buttons after its (possibly changed) layer type. */
function labelButtons(row, i, type) {
  for (const [b, label] of [[row.up, `Move layer ${i} (${type}) up`], [row.down, `Move layer ${i} (${type}) down`], [row.remove, `Remove layer ${i} (${type})`]]) {
    b.setAttribute('aria-label', label);
    b.title = label;
  }
}

/**
 * Bring row i up to date: spec values, the layer's parameter count (info:
 * the model's row), whether it is the layer that broke (its in field then
 * points at the error box `errorId`) and whether it is selected.
 */
export function syncRow(row, i, spec, info, { broken, selected, errorId }) {
  if (row.t === 'linear') {
    sync(row, 'in', spec.in, (v) => { row.fin.value = String(v); });
    sync(row, 'out', spec.out, (v) => { row.fout.value = String(v); });
    sync(row, 'bias', spec.bias, (v) => { row.bias.checked = v; });
  } else if (row.t === 'dropout') {
    sync(row, 'p', spec.p, (v) => {
      row.p.value = String(v);
      showP(row, v);
    });
  } else {
    sync(row, 'kind', spec.kind, (v) => {
      row.kind.value = v;
      const type = typeName(v);
      row.typeEl.textContent = type;
      labelButtons(row, i, type);
    });
  }
  // parameters: the layer's own count (the sizes of its parameters())
  sync(row, 'params', info?.params, (v) => {
    row.params.textContent = v === undefined ? '' : v === 0 ? 'no parameters' : `${fmtInt(v)} params`;
  });
  sync(row, 'broken', broken, (b) => {
    row.li.classList.toggle('tt-ed-broken', b);
    const target = row.fin;
    if (!target) return;
    if (b) {
      target.setAttribute('aria-invalid', 'true');
      target.setAttribute('aria-describedby', errorId);
    } else {
      target.removeAttribute('aria-invalid');
      target.removeAttribute('aria-describedby');
    }
  });
  sync(row, 'selected', selected, (s) => row.li.classList.toggle('tt-ed-selected', s));
}
