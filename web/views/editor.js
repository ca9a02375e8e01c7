// The network builder: one row per layer of app.state.net (Linear: in/out
// features and bias; activations: their type; Dropout: p), buttons to move
// and remove layers, an "add layer" control, and the batch-wide settings
// (batch size, train/eval, input, seed, initialiser).
//
// Every edit calls app.setState with a NEW net array. The row list is
// rebuilt only when the network's structure (the sequence of row kinds)
// changes; otherwise update() only writes values that changed, so a
// control the user is typing in or dragging is never replaced or
// overwritten. The core's error (model.error) is shown as text next to the
// row of the layer that raised it.

import { DEFAULT_NET, KINDS, LIMITS } from '../state.js';
import { fmtInt } from '../draw/charts.js';
import { el, isEmbed } from '../dom.js';

let uid = 0;

const ACTS = ['relu', 'sigmoid', 'tanh', 'gelu', 'softmax'];
const ADD_KINDS = ['linear', 'relu', 'sigmoid', 'tanh', 'gelu', 'softmax', 'dropout'];
const INITS = [
  ['xavier', 'xavier: normal, std √(1/in) (lesson)'],
  ['xavier_uniform', 'xavier_uniform: U(±√(6/(in+out)))'],
  ['he_normal', 'he_normal: normal, std √(2/in)'],
  ['normal', 'normal: N(0, 1) (the pitfall)'],
];
const SEED_MAX = 2 ** 31 - 1;
const NEW_LINEAR_OUT = 64;
const NEW_DROPOUT_P = 0.5;

/** Which row template a layer kind uses (a change within one keeps the row). */
const template = (kind) => (kind === 'linear' || kind === 'dropout' ? kind : 'act');
const typeName = (kind) => KINDS[kind]?.className ?? kind;
const fmtP = (p) => (Math.round(p * 100) / 100).toFixed(2);

/** A select with [value, text] options. */
function select(props, options) {
  return el('select', props, ...options.map(([value, text]) => el('option', { value, text })));
}

/**
 * Parse a whole number typed into a number input. Returns { value, note }:
 * value is null when nothing usable was typed (the caller keeps the old
 * value); note says what was changed, for the status line.
 */
function readInt(input, lo, hi, what) {
  const raw = input.value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v)) return { value: null, note: `${what} must be a whole number from ${lo} to ${hi}; kept the previous value.` };
  const r = Math.round(v);
  const c = Math.min(hi, Math.max(lo, r));
  if (c !== v) return { value: c, note: `${what} must be a whole number from ${lo} to ${hi}; used ${c}.` };
  return { value: c, note: '' };
}

export function mountEditor(host, app) {
  const id = `tt-ed-${++uid}`;
  const level = isEmbed() ? 1 : 4; // the lesson puts each view under an h3 concept heading

  // --- settings of the whole batch ------------------------------------------------
  const batch = el('input', { type: 'number', id: `${id}-batch`, min: 1, max: LIMITS.batch, step: 1, inputmode: 'numeric', 'data-testid': 'batch' });
  const mode = select({ id: `${id}-mode`, 'data-testid': 'mode' }, [['train', 'train (Dropout active)'], ['eval', 'eval (Dropout passes through)']]);
  const input = select({ id: `${id}-input`, 'data-testid': 'input' }, [['fashion', 'Fashion-MNIST images'], ['random', 'random normal']]);
  const seed = el('input', { type: 'number', id: `${id}-seed`, min: 0, max: SEED_MAX, step: 1, inputmode: 'numeric', 'data-testid': 'seed' });
  const init = select({ id: `${id}-init`, 'data-testid': 'init' }, INITS);
  const reset = el('button', { type: 'button', 'data-testid': 'reset', text: 'Reset to the lesson’s network' });
  const field = (label, control) => el('div', { className: 'tt-ed-field' }, el('label', { for: control.id, text: label }), control);
  const settings = el('fieldset', { className: 'tt-ed-settings' },
    el('legend', { text: 'Batch and settings' }),
    field('Batch size', batch), field('Mode', mode), field('Input', input), field('Seed', seed), field('Initialiser', init),
    el('div', { className: 'tt-ed-field tt-ed-reset' }, reset));

  // --- the layers ---------------------------------------------------------------
  const listLabel = el('p', { id: `${id}-list-h`, className: 'tt-ed-list-h', text: 'Layers, in order (index: type):' });
  const list = el('ol', { className: 'tt-ed-list', 'aria-labelledby': `${id}-list-h` });
  const empty = el('p', { className: 'tt-ed-empty', text: 'The network has no layers: the input passes through unchanged. Add one below.', hidden: true });

  // --- add a layer --------------------------------------------------------------
  const addKind = select({ id: `${id}-add-kind`, 'data-testid': 'add-kind' }, ADD_KINDS.map((k) => [k, typeName(k)]));
  const add = el('button', { type: 'button', 'data-testid': 'add', text: 'Add layer' });
  const addNote = el('span', { className: 'tt-ed-note', id: `${id}-add-note` });
  const addBox = el('div', { className: 'tt-ed-add' }, el('label', { for: addKind.id, text: 'New layer at the end' }), addKind, add, addNote);

  // what an edit did (a clamped value, a removed layer), for everyone
  const status = el('p', { className: 'tt-ed-status', role: 'status', 'aria-live': 'polite' });

  // the core's error, moved into the row of the layer that raised it
  const errorBox = el('div', { className: 'error tt-ed-error', role: 'alert', 'data-testid': 'layer-error', id: `${id}-error` });
  const fixButton = el('button', { type: 'button', className: 'tt-ed-fix', 'data-testid': 'fix-in' });
  const errorWrap = el('div', { className: 'tt-ed-error-wrap' }, errorBox, fixButton);

  host.append(
    el(`h${level}`, { text: 'Build the network' }),
    el('p', { className: 'tt-ed-intro', text: 'Each row is one layer, applied in order to a batch of inputs. A Linear layer maps in features to out features, so its in must equal the width of what the layer before it outputs. Edit, reorder, add or remove layers: the core runs the batch through again at once.' }),
    settings, listLabel, list, empty, addBox, status,
  );

  const say = (text) => { status.textContent = text; };

  /** The width a new Linear would receive: the last output's width (from the core), else the specs. */
  function lastWidth() {
    const model = app.model;
    const net = app.state.net;
    const last = model?.layers?.at(-1);
    if (last?.shape) return last.shape.at(-1);
    for (let i = net.length - 1; i >= 0; i--) if (net[i].kind === 'linear') return net[i].out;
    return model?.input?.shape?.at(-1) ?? 784;
  }

  /** Replace layer i's spec with `patch` applied (a new array, a new spec object). */
  function editLayer(i, patch) {
    const net = app.state.net.map((s, j) => (j === i ? { ...s, ...patch } : s));
    app.setState({ net });
  }

  function moveLayer(i, by) {
    const net = [...app.state.net];
    const j = i + by;
    if (j < 0 || j >= net.length) return;
    [net[i], net[j]] = [net[j], net[i]];
    let layer = app.state.layer;
    if (layer === i) layer = j;
    else if (layer === j) layer = i;
    // keep the user's place: the button they pressed, on the row that moved
    const first = j === 0;
    const lastRow = j === net.length - 1;
    focusAfter = { index: j, testid: by < 0 ? (first ? 'down' : 'up') : (lastRow ? 'up' : 'down') };
    say(`Moved layer ${i} (${typeName(net[j].kind)}) to position ${j}.`);
    app.setState({ net, layer });
  }

  function removeLayer(i) {
    const old = app.state.net;
    const net = old.filter((_, j) => j !== i);
    let layer = app.state.layer;
    if (layer > i || layer >= net.length) layer = Math.max(0, layer - 1);
    focusAfter = net.length ? { index: Math.min(i, net.length - 1), testid: 'remove' } : { element: addKind };
    say(`Removed layer ${i} (${typeName(old[i].kind)}).`);
    app.setState({ net, layer });
  }

  // --- rows ---------------------------------------------------------------------
  let rows = []; // per row: { li, t (template), its controls, shown: the values last written into them }
  let structure = null;
  let focusAfter = null; // { index, testid } or { element } to focus after a rebuild

  function numberField(label, aria, testid, lo, hi) {
    const inp = el('input', { type: 'number', min: lo, max: hi, step: 1, inputmode: 'numeric', 'aria-label': aria, 'data-testid': testid });
    return { inp, wrap: el('label', { className: 'tt-ed-num' }, el('span', { text: label, 'aria-hidden': 'true' }), inp) };
  }

  function buildRow(spec, i, n) {
    const t = template(spec.kind);
    const type = typeName(spec.kind);
    const idx = el('span', { className: 'tt-ed-index mono', text: String(i) });
    const typeEl = el('span', { className: 'tt-ed-type', text: type });
    const head = el('span', { className: 'tt-ed-head' }, idx, typeEl);
    const controls = el('span', { className: 'tt-ed-controls' });
    const params = el('span', { className: 'tt-ed-params mono' });
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
        out.textContent = fmtP(v);
        p.setAttribute('aria-valuetext', `p = ${fmtP(v)}`);
        editLayer(i, { p: v });
      });
      controls.append(el('label', { className: 'tt-ed-range' }, el('span', { text: 'p', 'aria-hidden': 'true' }), p), out);
      Object.assign(row, { p, pOut: out });
    } else {
      const kind = select({ 'data-testid': 'act-kind', 'aria-label': `activation type, layer ${i}` }, ACTS.map((k) => [k, typeName(k)]));
      // (the row's type name and button labels follow in update())
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
    const up = btn('up', '↑', `Move layer ${i} (${type}) up`, () => moveLayer(i, -1));
    const down = btn('down', '↓', `Move layer ${i} (${type}) down`, () => moveLayer(i, 1));
    const remove = btn('remove', '✕', `Remove layer ${i} (${type})`, () => removeLayer(i));
    up.disabled = i === 0;
    down.disabled = i === n - 1;
    const buttons = el('span', { className: 'tt-ed-buttons' }, up, down, remove);
    Object.assign(row, { up, down, remove });

    row.li = el('li', { className: `tt-ed-row tt-ed-${t}`, 'data-testid': 'layer-row', 'data-index': String(i) }, head, controls, params, buttons);
    return row;
  }

  /** Rebuild the rows; returns where the keyboard was (row index and control), to put it back. */
  function rebuild(net) {
    const active = document.activeElement;
    let where = null;
    if (active && list.contains(active)) {
      const li = active.closest('[data-testid="layer-row"]');
      where = { index: Number(li?.dataset.index), testid: active.dataset.testid };
    }
    errorWrap.remove();
    rows = net.map((spec, i) => buildRow(spec, i, net.length));
    list.replaceChildren(...rows.map((r) => r.li));
    empty.hidden = net.length > 0;
    return where;
  }

  function placeFocus(target) {
    if (target.element) {
      target.element.focus();
      return;
    }
    if (!Number.isInteger(target.index)) return;
    const li = rows[Math.min(target.index, rows.length - 1)]?.li;
    let f = li?.querySelector(`[data-testid="${target.testid}"]:not(:disabled)`);
    f ??= li?.querySelector('button:not(:disabled)');
    (f ?? addKind).focus();
  }

  /** Write a value into a control only when the state's value differs from what is shown. */
  function sync(row, key, value, write) {
    if (row.shown[key] === value) return;
    row.shown[key] = value;
    write(value);
  }

  // --- fixed controls -------------------------------------------------------------
  const shown = {};
  function syncGlobal(key, value, write) {
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
  reset.addEventListener('click', () => {
    say('The network is the lesson’s again: Linear 784→256, ReLU, Dropout 0.5, Linear 256→128, ReLU, Dropout 0.3, Linear 128→10.');
    app.setState({ net: structuredClone(DEFAULT_NET), layer: 0 });
  });
  add.addEventListener('click', () => {
    const net = app.state.net;
    if (net.length >= LIMITS.layers) return;
    const kind = addKind.value;
    let spec;
    if (kind === 'linear') spec = { kind, in: Math.min(LIMITS.width, Math.max(1, lastWidth())), out: NEW_LINEAR_OUT, bias: true };
    else if (kind === 'dropout') spec = { kind, p: NEW_DROPOUT_P };
    else spec = { kind };
    const label = kind === 'linear' ? `Linear ${spec.in}→${spec.out}` : kind === 'dropout' ? `Dropout p=${spec.p}` : typeName(kind);
    say(`Added layer ${net.length} (${label}).`);
    app.setState({ net: [...net, spec] });
  });
  fixButton.addEventListener('click', () => {
    const { index, width } = fixButton.dataset;
    const i = Number(index);
    const w = Number(width);
    if (app.state.net[i]?.kind !== 'linear' || !(w >= 1 && w <= LIMITS.width)) return;
    focusAfter = null;
    say(`Layer ${i}: in features set to ${w}.`);
    editLayer(i, { in: w });
    // the row stays; put the keyboard on the value just fixed
    rows[i]?.fin?.focus();
  });

  function update(model) {
    const state = model.state;
    const net = state.net;

    syncGlobal('batch', state.batch, (v) => { batch.value = String(v); });
    syncGlobal('seed', state.seed, (v) => { seed.value = String(v); });
    syncGlobal('mode', state.mode, (v) => { mode.value = v; });
    syncGlobal('input', state.input, (v) => { input.value = v; });
    syncGlobal('init', state.init, (v) => { init.value = v; });

    const key = net.map((s) => template(s.kind)).join(',');
    let target = focusAfter;
    focusAfter = null;
    if (key !== structure) {
      structure = key;
      const where = rebuild(net);
      target ??= where;
    }
    // after a move or remove, the keyboard follows the layer it acted on
    if (target) placeFocus(target);

    const err = model.error;
    rows.forEach((row, i) => {
      const spec = net[i];
      const info = model.layers[i];
      if (row.t === 'linear') {
        sync(row, 'in', spec.in, (v) => { row.fin.value = String(v); });
        sync(row, 'out', spec.out, (v) => { row.fout.value = String(v); });
        sync(row, 'bias', spec.bias, (v) => { row.bias.checked = v; });
      } else if (row.t === 'dropout') {
        sync(row, 'p', spec.p, (v) => {
          row.p.value = String(v);
          row.pOut.textContent = fmtP(v);
          row.p.setAttribute('aria-valuetext', `p = ${fmtP(v)}`);
        });
      } else {
        sync(row, 'kind', spec.kind, (v) => {
          row.kind.value = v;
          const type = typeName(v);
          row.typeEl.textContent = type;
          row.up.setAttribute('aria-label', `Move layer ${i} (${type}) up`);
          row.down.setAttribute('aria-label', `Move layer ${i} (${type}) down`);
          row.remove.setAttribute('aria-label', `Remove layer ${i} (${type})`);
          row.up.title = row.up.getAttribute('aria-label');
          row.down.title = row.down.getAttribute('aria-label');
          row.remove.title = row.remove.getAttribute('aria-label');
        });
      }
      // parameters: counted by the core (the layer's parameters() sizes)
      sync(row, 'params', info?.params, (v) => {
        row.params.textContent = v === undefined ? '' : v === 0 ? 'no parameters' : `${fmtInt(v)} params`;
      });
      const broken = err?.index === i;
      sync(row, 'broken', broken, (b) => {
        row.li.classList.toggle('tt-ed-broken', b);
        const target = row.fin;
        if (target) {
          if (b) { target.setAttribute('aria-invalid', 'true'); target.setAttribute('aria-describedby', errorBox.id); } else { target.removeAttribute('aria-invalid'); target.removeAttribute('aria-describedby'); }
        }
      });
      sync(row, 'selected', state.layer === i, (s) => row.li.classList.toggle('tt-ed-selected', s));
    });

    // the core's message, as text, next to the layer that broke
    if (err && rows[err.index]) {
      const text = `${err.name ?? 'Error'}: ${err.message}`;
      if (errorBox.textContent !== text) errorBox.textContent = text;
      const li = rows[err.index].li;
      if (errorWrap.parentNode !== li) li.append(errorWrap);
      // a Linear whose in does not match: offer the width the layer before it produced
      const prev = err.index === 0 ? model.input?.shape : model.layers[err.index - 1]?.shape;
      const w = prev?.at(-1);
      const spec = net[err.index];
      const canFix = spec.kind === 'linear' && Number.isInteger(w) && w >= 1 && w <= LIMITS.width && w !== spec.in;
      fixButton.hidden = !canFix;
      if (canFix && (fixButton.dataset.width !== String(w) || fixButton.dataset.index !== String(err.index))) {
        fixButton.dataset.width = String(w);
        fixButton.dataset.index = String(err.index);
        fixButton.textContent = `Set in to ${w}`;
        fixButton.setAttribute('aria-label', `Set in to ${w}: in features of layer ${err.index} to the width of what comes before it`);
      }
    } else if (errorWrap.parentNode) {
      const hadFocus = errorWrap.contains(document.activeElement);
      errorWrap.remove();
      errorBox.textContent = '';
      if (hadFocus) rows[Number(fixButton.dataset.index)]?.fin?.focus();
    }

    const full = net.length >= LIMITS.layers;
    if (add.disabled !== full) {
      add.disabled = full;
      addNote.textContent = full ? `At most ${LIMITS.layers} layers.` : '';
    }
  }

  return { update };
}
