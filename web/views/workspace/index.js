// The workspace: the network as a chain of layers (TensorFlow Playground
// style) that stays in view while the student reads. Each layer is a
// button (selecting it is the `layer` every detail view shows) with its
// output shape, its parameter count and a live thumbnail: the layer's
// output as a heatmap, or a Dropout's mask (kept cells light, dropped
// dark). The bar above it keeps the parameter total, undo/redo and a link
// to the editor. On a narrow screen (CSS, workspace.css) only the bar is
// shown: the shapes chain as text and the total.
//
// Every number is the model's: the trace's shapes and parameter counts,
// the core's stats() for the colour range, the output and mask tensors'
// data for the thumbnails.

import { drawHeatmap } from '../../draw/heatmap.js';
import { fmtInt, fmtLayer, fmtNum, fmtShape } from '../../format.js';
import { el, isEmbed } from '../../dom.js';
import { attachHistory } from '../../history.js';
import { className } from '../../kinds.js';
import { layerImplOf, whoseCode } from '../build/use.js';

const THUMB_ROWS = 16; // rows of the batch drawn in a thumbnail
const THUMB_COLS = 64; // features drawn in a thumbnail
const MAX_READ = 1 << 20; // elements of an output copied out of the core for a thumbnail, at most

let uid = 0;

/** The first rows x cols block of a [rows, cols] tensor's data, as a new Float32Array. */
function block(data, rows, cols, r, c) {
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) out.set(data.subarray(i * cols, i * cols + c), i * c);
  return out;
}

export function mountWorkspace(host, app) {
  const id = `tt-ws-${++uid}`;
  const history = app.history ?? attachHistory(app, { keys: app.root === document.body ? document : app.root });

  // data-answer: what a teacher's question hides until it is answered (views/quiz.js, quiz.css);
  // the total gives the float16 bytes at once (× 2)
  const total = el('span', { className: 'tt-ws-total', 'data-testid': 'ws-total', 'data-answer': 'params bytes' });
  const shapes = el('span', { className: 'tt-ws-shapes mono', 'data-testid': 'ws-shapes', 'data-answer': 'shapes' });
  const undo = el('button', { type: 'button', className: 'tt-ws-btn', 'data-testid': 'ws-undo', 'aria-keyshortcuts': 'Control+Z Meta+Z', title: 'Undo (Ctrl+Z, ⌘Z)', text: 'Undo' });
  const redo = el('button', { type: 'button', className: 'tt-ws-btn', 'data-testid': 'ws-redo', 'aria-keyshortcuts': 'Control+Shift+Z Meta+Shift+Z Control+Y', title: 'Redo (Ctrl+Shift+Z, ⌘⇧Z)', text: 'Redo' });
  undo.addEventListener('click', () => history.undo());
  redo.addEventListener('click', () => history.redo());
  const edit = el('a', { className: 'tt-ws-edit', href: '#editor', text: 'Edit the network' });
  const toggle = el('button', { type: 'button', className: 'tt-ws-btn tt-ws-toggle', 'data-testid': 'ws-toggle', 'aria-expanded': 'true', 'aria-controls': `${id}-chain`, text: 'Hide layers' });
  const hidden = el('a', { className: 'tt-ws-hidden', href: '#predict', 'data-testid': 'ws-hidden', text: 'some numbers hidden: answer the questions first' });
  // Build's "use my layers": whose code runs, while a student's class does (web/views/build/use.js)
  const whose = el('a', { className: 'tt-ws-whose', href: '#write', 'data-testid': 'ws-whose', hidden: true });
  const bar = el('div', { className: 'tt-ws-bar', 'data-testid': 'ws-bar' },
    el('span', { className: 'tt-ws-title', text: 'Network' }), shapes, total, whose, hidden,
    el('span', { className: 'tt-ws-actions' }, undo, redo, edit, toggle));

  const chain = el('ol', { className: 'tt-ws-chain', id: `${id}-chain`, 'data-testid': 'ws-chain', 'aria-label': 'The network, layer by layer (select one to show it in the views)' });
  toggle.addEventListener('click', () => {
    const hide = !chain.hidden;
    chain.hidden = hide;
    toggle.setAttribute('aria-expanded', String(!hide));
    toggle.textContent = hide ? 'Show layers' : 'Hide layers';
  });
  if (isEmbed()) host.append(el('h1', { text: 'The network, layer by layer' })); // on its own, the view needs the page's title
  host.append(el('div', { className: 'tt-ws', role: 'region', 'aria-label': 'Network diagram' }, bar, chain));

  let items = []; // { li, button, canvas, kind }
  let structure = null;

  function rebuild(model) {
    const input = el('li', { className: 'tt-ws-node tt-ws-input' },
      el('span', { className: 'tt-ws-name', text: 'input' }), el('span', { className: 'tt-ws-shape mono', 'data-testid': 'ws-input-shape' }));
    items = model.layers.map((row, i) => {
      const name = el('span', { className: 'tt-ws-name' });
      const shape = el('span', { className: 'tt-ws-shape mono', 'data-answer': 'shapes' });
      const params = el('span', { className: 'tt-ws-params mono', 'data-answer': 'params' });
      const detail = el('span', { className: 'visually-hidden' }); // the full layer name, for screen readers
      const button = el('button', { type: 'button', className: 'tt-ws-select', 'data-testid': 'ws-layer', 'data-index': String(i) }, name, detail, shape, params);
      button.addEventListener('click', () => app.setState({ layer: i }));
      const canvas = el('canvas', { className: 'tt-ws-thumb', role: 'img', 'data-testid': 'ws-thumb' });
      canvas.addEventListener('click', () => app.setState({ layer: i }));
      const li = el('li', { className: 'tt-ws-node', 'data-testid': 'ws-node' }, button, canvas);
      return { li, button, name, detail, shape, params, canvas, shown: {} };
    });
    chain.replaceChildren(input, ...items.map((it) => it.li));
    return input;
  }

  let inputShapeEl = null;
  function update(model) {
    const key = model.layers.map((r) => r.spec.kind).join(',');
    if (key !== structure) {
      structure = key;
      inputShapeEl = rebuild(model).querySelector('[data-testid="ws-input-shape"]');
    }
    inputShapeEl.textContent = fmtShape(model.input.shape);
    const widths = [fmtShape(model.input.shape), ...model.layers.map((r) => (r.shape ? fmtShape(r.shape) : '✕'))];
    shapes.textContent = widths.join(' → ');
    total.textContent = `${fmtInt(model.totals.params)} parameters`;
    total.dataset.params = String(model.totals.params);
    const mine = Object.keys(layerImplOf(app).impl).length > 0;
    whose.hidden = !mine;
    if (mine) whose.textContent = `running ${whoseCode(app)}`;
    const { undo: u, redo: r } = history.size;
    undo.disabled = u === 0;
    redo.disabled = r === 0;

    model.layers.forEach((row, i) => {
      const it = items[i];
      const label = fmtLayer(row.spec);
      const student = (row.spec.kind === 'linear' || row.spec.kind === 'dropout') && !(row.layer instanceof app.api[className(row.spec.kind)]);
      it.name.textContent = `${i} ${student ? 'your ' : ''}${className(row.spec.kind)}`;
      it.shape.textContent = row.shape ? fmtShape(row.shape) : 'not run';
      it.params.textContent = row.params ? `${fmtInt(row.params)} params` : '';
      it.detail.textContent = ` (${label}), output `;
      const selected = model.state.layer === i;
      it.button.setAttribute('aria-pressed', String(selected));
      it.li.classList.toggle('tt-ws-selected', selected);
      it.li.classList.toggle('tt-ws-broken', Boolean(model.error && model.error.index === i));
      drawThumb(it, row, model);
    });
  }

  /** The layer's thumbnail: a Dropout's mask in training, else its output. */
  function drawThumb(it, row, model) {
    const { canvas } = it;
    const out = row.output;
    // (a Dropout that did not run this time, the chain broken before it, keeps the mask of its last run: not shown)
    const mask = out && row.spec.kind === 'dropout' && model.state.mode === 'train' ? row.layer.mask : null;
    const src = mask ?? out;
    // a mask's label counts its kept cells: the thumbnail goes while a survivors question is open
    if (mask) canvas.setAttribute('data-answer', 'survivors');
    else canvas.removeAttribute('data-answer');
    if (!src || src.shape.length !== 2 || src.size > MAX_READ) {
      canvas.width = 1;
      canvas.height = 1;
      canvas.setAttribute('aria-label', `Layer ${row.index}: ${src ? 'too large to draw here' : 'no output (the chain broke before it)'}`);
      return;
    }
    const [rows, cols] = src.shape;
    const r = Math.min(rows, THUMB_ROWS);
    const c = Math.min(cols, THUMB_COLS);
    const values = block(src.data, rows, cols, r, c);
    if (mask) {
      drawHeatmap(canvas, values, r, c, { scale: 'viridis', min: 0, max: 1, cell: 1, hatch: values });
      const kept = values.reduce((n, v) => n + v, 0);
      canvas.setAttribute('aria-label', `Layer ${row.index} (Dropout) mask, first ${r} rows × ${c} columns: ${fmtInt(kept)} of ${fmtInt(r * c)} cells kept (light), the rest dropped (dark).`);
    } else {
      const s = row.stats;
      const signed = s.min < 0;
      drawHeatmap(canvas, values, r, c, { scale: signed ? 'diverging' : 'viridis', min: signed ? s.min : 0, max: s.max, cell: 1 });
      canvas.setAttribute('aria-label', `Layer ${row.index} output, first ${r} rows × ${c} columns as colours (${signed ? 'blue negative, orange positive' : 'dark 0, yellow large'}); whole output: mean ${fmtNum(s.mean)}, min ${fmtNum(s.min)}, max ${fmtNum(s.max)}.`);
    }
  }

  return { update };
}
