// Dropout: one panel per Dropout layer, drawing the exact 0/1 mask the core
// used on this forward pass (Dropout.mask), how many elements survived
// against the binomial expectation (Dropout.survivorStats), and the
// inverted-dropout scale (Dropout.scale, the float32 1/(1-p) the core
// multiplies by) shown on real elements of the layer's input and output.
// In eval mode the layer is the identity: the core confirms output - input
// is all zero. A student's Dropout (Build's "use my layers") keeps no mask
// of the core's: its panel shows the mask read from what the layer did and
// the factor it applied to a survivor, beside the lesson's 1/(1 - p).

import { drawHeatmap } from '../draw/heatmap.js';
import { LIMITS } from '../state.js';
import { el, scrollCue, viewLevel, watchWidth } from '../dom.js';
import { fmtInt, fmtNum, fmtP, fmtPFixed, fmtPct, fmtShape } from '../format.js';

let uid = 0;

/** How many examples of kept / dropped elements each panel shows. */
const KEPT_EXAMPLES = 3;
/** The smallest cell a mask is shown at (css px): below it the hatching of dropped cells disappears. */
const MIN_CELL_PX = 3;

export function mountDropout(host, app) {
  const id = `tt-drop-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const sub = level + 1;
  const size = watchWidth(host, app);

  const title = el(`h${level}`, { text: 'Dropout: the mask the core drew' });
  const intro = el('p', { className: 'tt-drop-intro', text: 'In training, Dropout keeps each element with probability 1 − p and multiplies the survivors by 1/(1 − p), so the expected output equals the input. Below is the exact mask used on this batch: yellow cells were kept, dark striped cells were dropped.' });

  const mode = el('select', { id: `${id}-mode`, 'data-testid': 'dropout-mode' },
    el('option', { value: 'train', text: 'training (dropout on)' }),
    el('option', { value: 'eval', text: 'evaluation (dropout off)' }));
  mode.addEventListener('change', () => app.setState({ mode: mode.value }));
  const resample = el('button', { type: 'button', 'data-testid': 'resample', text: 'Resample mask' });
  // the counter wraps at the URL's cap, so a link can always carry it
  resample.addEventListener('click', () => app.setState({ draw: (app.state.draw + 1) % (LIMITS.seed + 1) }));
  const toolbar = el('div', { className: 'tt-drop-toolbar' },
    el('span', { className: 'tt-drop-field' }, el('label', { for: `${id}-mode`, text: 'Mode' }), mode), resample);

  const none = el('p', { className: 'tt-drop-none', hidden: true, text: 'This network has no Dropout layer: add one in the editor to see its mask.' });
  const panelsBox = el('div', { className: 'tt-drop-panels' });
  host.append(title, intro, toolbar, none, panelsBox);

  /** index -> panel parts, kept across updates so a focused slider stays focused. */
  const panels = new Map();

  function makePanel(i) {
    const pid = `${id}-${i}`;
    const heading = el(`h${sub}`, { className: 'tt-drop-title' });
    const slider = el('input', { id: `${pid}-p`, type: 'range', min: '0', max: '1', step: '0.05', 'data-testid': 'dropout-p' });
    const pOut = el('output', { className: 'mono', for: `${pid}-p` });
    slider.addEventListener('input', () => {
      const p = Number(slider.value);
      const net = app.state.net.map((spec, j) => (j === i && spec.kind === 'dropout' ? { ...spec, p } : spec));
      app.setState({ net });
    });
    const sliderRow = el('div', { className: 'tt-drop-slider' },
      el('label', { for: `${pid}-p`, text: `p (drop probability) for layer ${i}` }), slider, pOut);

    const status = el('p', { className: 'tt-drop-status', role: 'status' });
    const canvas = el('canvas', { role: 'img', 'data-testid': 'mask-canvas', 'aria-describedby': `${pid}-nums` });
    canvas.dataset.layer = String(i);
    // data-answer: hidden while a teacher's question of that kind is open (views/quiz.js, quiz.css)
    const caption = el('figcaption', { 'data-answer': 'shapes' }); // the mask's shape is the layer's output shape
    const key = el('p', { className: 'tt-drop-key' },
      el('span', { className: 'tt-drop-swatch tt-drop-kept', 'aria-hidden': 'true' }), ' kept (mask 1)  ',
      el('span', { className: 'tt-drop-swatch tt-drop-dropped', 'aria-hidden': 'true' }), ' dropped (mask 0)');
    // named here, not by its caption: a hidden caption (the shape) would still name it
    const wrap = scrollCue(el('div', { className: 'tt-drop-canvas-wrap' }, canvas));
    const figure = el('figure', { className: 'tt-drop-figure', 'aria-label': `The Dropout mask of layer ${i}` }, caption, wrap, key);

    // the count is what changes on a slider step or a resample: announced (not the whole panel)
    const survivors = el('dd', { className: 'mono', 'data-testid': 'survivors', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-answer': 'survivors' });
    const expected = el('dd', { className: 'mono', 'data-testid': 'expected', 'data-answer': 'survivors' });
    const scale = el('dd', { className: 'mono', 'data-testid': 'scale' });
    const nums = el('dl', { id: `${pid}-nums`, className: 'tt-drop-nums' },
      el('div', {}, el('dt', { text: 'survivors (ones in the mask)' }), survivors),
      el('div', {}, el('dt', { text: 'expected for this p' }), expected),
      el('div', {}, el('dt', { text: 'survivors are multiplied by 1/(1 − p)' }), scale));

    const examplesTitle = el('p', { className: 'tt-drop-ex-title' });
    const examples = el('ul', { className: 'tt-drop-examples mono' });
    const evalCheck = el('p', { className: 'tt-drop-eval', hidden: true });

    const section = el('section', { className: 'tt-drop-panel', 'data-testid': 'dropout-panel', 'data-index': String(i), 'aria-labelledby': `${pid}-h` },
      heading, sliderRow, status, figure, nums, examplesTitle, examples, evalCheck);
    heading.id = `${pid}-h`;
    return { i, section, heading, slider, pOut, status, canvas, wrap, caption, figure, key, survivors, expected, scale, examplesTitle, examples, evalCheck };
  }

  function showMask(P, show) {
    P.figure.hidden = !show;
    // no mask is drawn in eval mode: then there is no mask canvas at all to read
    if (show) P.canvas.setAttribute('data-testid', 'mask-canvas');
    else P.canvas.removeAttribute('data-testid');
  }

  /** A panel with nothing to count (the layer did not run, or no mask yet): status shown, the rest blank. */
  function showEmpty(P) {
    P.status.hidden = false;
    showMask(P, false);
    P.survivors.textContent = '–';
    P.expected.textContent = '–';
    P.examplesTitle.hidden = true;
    P.examples.replaceChildren();
  }

  function updatePanel(P, model, training, cellPx) {
    const { i } = P;
    const row = model.layers[i];
    const p = row.spec.p;
    // a student's Dropout (Build's "use my layers") has no mask or scale of the core's: the panel reads what it did
    const student = !(row.layer instanceof app.api.Dropout);
    const scale = student ? studentFactor(model, i) : fmtNum(row.layer.scale); // the layer's own factor (Infinity at p = 1)
    if (document.activeElement !== P.slider || Number(P.slider.value) !== p) P.slider.value = String(p);
    P.pOut.textContent = fmtPFixed(p);
    if (student) P.scale.textContent = scale;
    else {
      P.scale.textContent = p < 1
        ? `${scale} = 1 / (1 − ${fmtP(p)})${training ? '' : ' (training only)'}`
        : '∞: at p = 1 every element is dropped, nothing is scaled';
    }
    P.section.dataset.student = student ? 'yes' : 'no';
    P.heading.textContent = `Layer ${i}: ${student ? 'your ' : ''}Dropout(p=${fmtP(p)})`;

    const input = i === 0 ? model.input : model.layers[i - 1].output;
    const out = row.output;
    if (!out || !input) {
      P.status.textContent = row.error
        ? `This layer raised an error: ${row.error}`
        : `This layer did not run${model.error ? `: layer ${model.error.index} failed before it (${model.error.name}: ${model.error.message})` : ''}.`;
      showEmpty(P);
      P.evalCheck.hidden = true;
      return;
    }

    if (!training) {
      // eval: the identity, no mask; the core checks output - input
      const d = app.api.tidy(() => out.sub(input).stats());
      const same = d.min === 0 && d.max === 0 && d.nonFinite === 0;
      P.status.textContent = 'Evaluation mode: no mask is applied and nothing is scaled; the layer passes its input through.';
      P.status.hidden = false;
      showMask(P, false);
      P.survivors.textContent = `all ${fmtInt(d.count)} elements pass (no mask)`;
      P.expected.textContent = `expected ${fmtInt(d.count)}: nothing is dropped in eval`;
      P.examplesTitle.hidden = true;
      P.examples.replaceChildren();
      P.evalCheck.textContent = same
        ? `Output equals input: the core computed output − input over ${fmtInt(d.count)} elements, min ${fmtNum(d.min)} and max ${fmtNum(d.max)}.`
        : `Output differs from input: output − input ranges from ${fmtNum(d.min)} to ${fmtNum(d.max)}.`;
      P.evalCheck.hidden = false;
      return;
    }

    P.evalCheck.hidden = true;
    const mask = student ? studentMask(model, i) : row.layer.mask;
    if (!mask || mask.isDisposed || mask.shape.join() !== out.shape.join()) {
      P.status.textContent = 'No mask yet: the layer has not run in training mode.';
      showEmpty(P);
      return;
    }
    P.status.hidden = true;

    // the exact mask, cell for cell
    const shape = mask.shape;
    const rows = shape.length ? shape[0] : 1;
    const cols = rows > 0 ? mask.size / rows : 0;
    const m = mask.data;
    // drawn at 3 canvas px per cell (the hatch is one diagonal in three),
    // shown at cellPx per cell by CSS; wider than the space, it scrolls
    const used = drawHeatmap(P.canvas, m, rows, cols, { scale: 'viridis', min: 0, max: 1, hatch: m, cell: 3 });
    // (420: the box's max-height in dropout.css)
    const scrolls = cols * cellPx > maskSpace() || rows * cellPx > 420;
    P.wrap.classList.toggle('tt-drop-scrolls', scrolls);
    if (scrolls) { // a region the keyboard can scroll, named
      P.wrap.tabIndex = 0;
      P.wrap.setAttribute('role', 'region');
      P.wrap.setAttribute('aria-label', `Dropout mask of layer ${i} (scrollable)`);
    } else {
      P.wrap.removeAttribute('tabindex');
      P.wrap.removeAttribute('role');
      P.wrap.removeAttribute('aria-label');
    }
    const shown = cellPx;
    P.canvas.style.width = `${Math.max(1, Math.round(cols * shown))}px`;
    P.canvas.style.aspectRatio = `${cols * shown} / ${Math.max(rows * shown, Math.min(24, rows * 12))}`;
    P.canvas.dataset.cell = String(used);
    P.canvas.dataset.layer = String(i);
    showMask(P, true);

    // survivors, from the core's statistics of the mask
    const s = mask.stats();
    let kept = Math.round(s.mean * s.count);
    let count = s.count;
    if (student) {
      // a zero input says nothing of a student's mask: count the non-zero inputs it kept
      const xs = input.data;
      const ys = out.data;
      count = 0;
      kept = 0;
      for (let k = 0; k < xs.length; k++) if (xs[k] !== 0) { count++; if (ys[k] !== 0) kept++; }
    }
    P.survivors.textContent = `${fmtInt(kept)} of ${fmtInt(count)}${student ? ' non-zero inputs' : ''} kept (${fmtPct(kept, count)})`;
    const expected = app.api.Dropout.survivorStats(count, p); // binomial: n(1-p) ± √(n p (1-p))
    P.expected.textContent = `expected ${fmtInt(expected.expected)} ± ${fmtInt(expected.sd)}`;
    P.caption.textContent = `Mask ${fmtShape(shape)}: ${fmtInt(rows)} ${rows === 1 ? 'row (sample)' : 'rows (samples)'} × ${fmtInt(cols)} ${cols === 1 ? 'column (feature)' : 'columns (features)'}`;
    // the counts are in the list the canvas is described by (aria-describedby), where a teacher's question can hide them
    P.canvas.setAttribute('aria-label', `Dropout mask of layer ${i}: kept cells yellow, dropped cells dark and striped`);

    // survivors' values: x from the layer's input, y from its output, as the core computed them
    const x = input.data;
    const y = out.data;
    const items = [];
    let dropped = null;
    for (let k = 0; k < m.length && (items.length < KEPT_EXAMPLES || dropped === null); k++) {
      if (x[k] === 0) continue; // zeros stay zero either way: show informative elements
      if (m[k] === 1 && items.length < KEPT_EXAMPLES) items.push(k);
      else if (m[k] === 0 && dropped === null) dropped = k;
    }
    const where = (k) => `[${Math.floor(k / cols)}, ${k % cols}]`;
    const rowsShown = items.map((k) => [`${where(k)} kept:`, `x = ${fmtNum(x[k])} → y = ${fmtNum(y[k])}${student ? '' : ` (×${scale})`}`]);
    if (dropped !== null) rowsShown.push([`${where(dropped)} dropped:`, `x = ${fmtNum(x[dropped])} → y = ${fmtNum(y[dropped])}`]);
    const pad = Math.max(0, ...rowsShown.map(([a]) => a.length));
    const lines = rowsShown.map(([a, b]) => el('li', { text: `${a.padEnd(pad)} ${b}` }));
    P.examplesTitle.textContent = lines.length
      ? `First non-zero elements of this batch (x: the layer's input, y: its output, both from the core):`
      : 'Every input element is zero here, so there is nothing to scale.';
    P.examplesTitle.hidden = false;
    P.examples.replaceChildren(...lines);
  }

  /**
   * A student's Dropout keeps no mask the core wrote: its mask is read from
   * what it did, 1 where its output is not zero (or its input was zero:
   * nothing to drop there), 0 where it zeroed an input. A Tensor owned
   * here, one per layer, replaced on every model.
   */
  const studentMasks = new Map(); // layer index -> { model, tensor }
  function studentMask(model, i) {
    const held = studentMasks.get(i);
    if (held?.model === model) return held.tensor;
    held?.tensor.dispose();
    const x = (i === 0 ? model.input : model.layers[i - 1].output)?.data;
    const out = model.layers[i].output;
    if (!x || !out || x.length !== out.size) { studentMasks.delete(i); return null; }
    const y = out.data;
    const m = new Float32Array(y.length);
    for (let k = 0; k < y.length; k++) m[k] = y[k] !== 0 || x[k] === 0 ? 1 : 0;
    const tensor = new app.api.Tensor(m, { shape: out.shape });
    studentMasks.set(i, { model, tensor });
    return tensor;
  }
  /** What a student's Dropout multiplied its first kept non-zero element by (y / x), against the lesson's 1/(1 − p). */
  function studentFactor(model, i) {
    const x = (i === 0 ? model.input : model.layers[i - 1].output)?.data;
    const y = model.layers[i].output?.data;
    const p = model.state.net[i].p;
    const lesson = p < 1 ? `the lesson's 1/(1 − p) is ${fmtNum(1 / (1 - p))}` : 'at p = 1 nothing survives';
    if (!x || !y) return `your layer's factor: not known (it did not run); ${lesson}`;
    for (let k = 0; k < y.length; k++) if (x[k] !== 0 && y[k] !== 0) return `your layer: ×${fmtNum(y[k] / x[k])}; ${lesson}`;
    return `your layer kept nothing here; ${lesson}`;
  }

  /** The width a mask may take before its box scrolls (css px). */
  const maskSpace = () => Math.max(160, Math.min(1000, (size.width || 720) - 32));

  /**
   * One cell size (css px) for every mask of the view, so masks of
   * different widths compare cell for cell: as large as the narrowest fit
   * allows (at most 12 px, at most 360 px tall), and never under
   * MIN_CELL_PX, where the hatching of dropped cells stops showing; a mask
   * wider than the space then scrolls sideways.
   */
  function maskCellPx(model, indices) {
    let fit = 12;
    for (const i of indices) {
      const out = model.layers[i]?.output;
      if (!out) continue;
      const rows = out.shape.length ? out.shape[0] : 1;
      const cols = rows > 0 ? out.size / rows : 0;
      fit = Math.min(fit, maskSpace() / Math.max(1, cols), 360 / Math.max(1, rows));
    }
    return Math.max(MIN_CELL_PX, Math.floor(fit));
  }

  function update(model) {
    const training = model.state.mode === 'train';
    mode.value = model.state.mode;
    const indices = model.state.net.map((spec, i) => (spec.kind === 'dropout' ? i : -1)).filter((i) => i >= 0);
    none.hidden = indices.length > 0;

    // keep the panels that still are Dropout layers, make new ones, drop the rest
    for (const [i, P] of panels) {
      if (!indices.includes(i)) {
        P.section.remove();
        panels.delete(i);
      }
    }
    const order = indices.map((i) => {
      if (!panels.has(i)) panels.set(i, makePanel(i));
      return panels.get(i).section;
    });
    if (order.some((s, k) => panelsBox.children[k] !== s) || panelsBox.children.length !== order.length) {
      // re-order only when needed (moving a focused element would blur it)
      const focused = document.activeElement;
      panelsBox.append(...order);
      if (focused && panelsBox.contains(focused)) focused.focus();
    }
    const cellPx = maskCellPx(model, indices);
    for (const i of indices) updatePanel(panels.get(i), model, training, cellPx);
  }

  return { update };
}
