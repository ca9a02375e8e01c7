// "Draw a digit": a drawing pad beside the page's network. The drawing
// (mouse, pen or finger: pointer events) becomes an MNIST-style input as
// MNIST's digits were made (preprocess.js: the ink's box scaled to fit
// 20 × 20, then centred by its centre of mass in 28 × 28; each step shown
// small), and the network's softmax probabilities, prediction and every
// layer's activations follow the pen within a frame (one forward per
// animation frame).
//
// The forward runs through the page's network: the layers of the model the
// app gives each update (web/network.js caches them; the trained weights
// once the app has them), in the page's mode, one layer at a time as the
// model's trace runs them, inside api.tidy (the model's own tensors are
// never touched). In train mode a Dropout of the library is given a mask
// this view draws (its own Generator, stream `drawMask` of web/seeds.js,
// from a scratch Dropout of the same p), so the page's layers keep the
// masks the other views show; the mask is new on every pass, which is why
// the prediction flickers. The panel below runs 20 passes in train mode
// and one in eval on the same drawing: the spread against the one answer.
//
// Keyboard and screen-reader users: the pad takes focus; the arrow keys
// move a 28 × 28 cursor, Space paints under it, Delete erases, Enter puts
// the pen down (moving then paints) or lifts it; a test image can be put
// on the pad and edited. The pad is an image whose text alternative is the
// top-3 probabilities; the prediction is announced when a stroke ends.

import { preprocess, FIELD } from './preprocess.js';
import { drawHeatmap } from '../../draw/heatmap.js';
import { drawBars } from '../../draw/charts.js';
import { el, viewLevel } from '../../dom.js';
import { fmtPct, fmtLayer, fmtNum } from '../../format.js';
import { generatorFor } from '../../seeds.js';

export const PAD = 224; // the pad's pixels (its backing store, whatever its css size)
const CELLS = FIELD; // the keyboard cursor's grid: 28 × 28 cells of 8 px
const CELL = PAD / CELLS;
const STROKE = 18; // pen width in pad pixels: about 2 px once a 160 px digit is scaled to 20
export const PASSES = 20; // train-mode passes of the flicker panel

/** The page's sample of its dataset (web/data/samples.js) when it is 28 × 28 images, or null. */
function sampleOf(model, app) {
  const s = model?.images ?? app.images ?? null;
  return s && s.image && s.rows === FIELD && s.cols === FIELD ? s : null;
}

function classNames(model, app, classes) {
  const names = sampleOf(model, app)?.classes;
  return names && names.length === classes ? names : Array.from({ length: classes }, (_, k) => String(k));
}

export function mountDraw(host, app) {
  const { api } = app;
  const level = viewLevel();
  const pad = el('canvas', { className: 'tt-dr-pad', role: 'img', width: String(PAD), height: String(PAD), 'data-testid': 'dr-pad', 'aria-label': 'The drawing pad: empty.' });
  const cursor = el('canvas', { className: 'tt-dr-cursor', width: String(PAD), height: String(PAD), 'aria-hidden': 'true' });
  const help = el('p', { className: 'tt-dr-help', id: `tt-dr-help-${Math.random().toString(36).slice(2, 8)}`, text: 'Draw with a mouse, pen or finger. From the keyboard: the arrow keys move the cursor, Space paints under it, Delete erases, Enter puts the pen down or lifts it (with the pen down, moving paints).' });
  const padBox = el('div', { className: 'tt-dr-padbox', role: 'application', tabindex: '0', 'aria-label': 'Drawing pad', 'aria-describedby': help.id, 'data-testid': 'dr-padbox' }, pad, cursor);
  const clear = el('button', { type: 'button', text: 'Clear', 'data-testid': 'dr-clear' });
  const pick = el('select', { 'data-testid': 'dr-pick' });
  const pickLabel = el('label', { className: 'tt-dr-pick' }, 'Start from a test image: ', pick);
  const modeBox = el('fieldset', { className: 'tt-dr-mode' }, el('legend', { text: 'Mode of the network' }));
  const modeInputs = {};
  const modeName = `tt-dr-mode-${Math.random().toString(36).slice(2, 8)}`;
  for (const [value, text] of [['train', 'train (Dropout on)'], ['eval', 'eval (Dropout off)']]) {
    const input = el('input', { type: 'radio', name: modeName, value, 'data-testid': `dr-mode-${value}` });
    input.addEventListener('change', () => { if (input.checked) app.setState({ mode: value }); });
    modeInputs[value] = input;
    modeBox.append(el('label', {}, input, ` ${text}`));
  }
  const stepCanvas = (testid) => el('canvas', { role: 'img', className: 'tt-dr-step', 'data-testid': testid });
  const raw = stepCanvas('dr-raw');
  const boxed = stepCanvas('dr-boxed');
  const centred = stepCanvas('dr-centred');
  const stepText = el('p', { className: 'tt-dr-steptext', 'data-testid': 'dr-steps' });
  const steps = el('div', { className: 'tt-dr-steps' },
    el('figure', {}, raw, el('figcaption', { text: 'raw, with the ink\'s box' })),
    el('figure', {}, boxed, el('figcaption', { text: 'box scaled to fit 20 × 20' })),
    el('figure', {}, centred, el('figcaption', { text: 'centred in 28 × 28: the input' })));
  const pred = el('p', { className: 'tt-dr-pred', 'data-testid': 'dr-pred' });
  const bars = el('canvas', { role: 'img', className: 'tt-dr-bars', 'data-testid': 'dr-bars' });
  const probBody = el('tbody');
  const probHead = el('thead');
  const probTable = el('table', { className: 'tt-dr-probs', 'data-testid': 'dr-probs' }, el('caption', { text: 'Softmax probabilities of the drawing, from the core' }), probHead, probBody);
  const flicker = el('p', { className: 'tt-dr-flicker', 'data-testid': 'dr-flicker' });
  const flickerBody = el('tbody');
  const flickerTable = el('table', { className: 'tt-dr-fltable', 'data-testid': 'dr-fltable' },
    el('caption', { text: `The same drawing, ${PASSES} passes in train mode and one in eval` }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'class' }), el('th', { scope: 'col', text: `times predicted in ${PASSES} train passes` }), el('th', { scope: 'col', text: 'eval' }))),
    flickerBody);
  const acts = el('div', { className: 'tt-dr-acts', 'data-testid': 'dr-acts' });
  const live = el('p', { className: 'tt-dr-live', role: 'status', 'aria-live': 'polite', 'data-testid': 'dr-live' });
  const note = el('p', { className: 'tt-dr-note', hidden: true, 'data-testid': 'dr-note' });
  const weightsLine = el('p', { className: 'tt-dr-weights', 'data-testid': 'dr-weights' });

  host.append(
    el(`h${level}`, { text: 'Draw a digit' }),
    el('p', { className: 'tt-dr-intro', text: 'Draw on the pad and watch the page\'s network read it. Your drawing is prepared the way MNIST\'s digits were: the box around the ink is scaled to fit 20 × 20 pixels (keeping its shape; pixels on an edge get grey levels), then moved so that its centre of mass sits at the centre of a 28 × 28 image. Those 784 values are the input.' }),
    el('div', { className: 'tt-dr-layout' },
      el('div', { className: 'tt-dr-left' }, padBox, help, live, el('div', { className: 'tt-dr-tools' }, clear, pickLabel), modeBox, steps, stepText),
      el('div', { className: 'tt-dr-right' }, weightsLine, note, pred, bars, el('details', { className: 'tt-dr-details' }, el('summary', { text: 'Every probability as a table' }), el('div', { className: 'table-wrap' }, probTable)),
        el(`h${level + 1}`, { text: 'Dropout: train mode against eval' }), flicker, el('div', { className: 'table-wrap' }, flickerTable),
        el(`h${level + 1}`, { text: 'What each layer makes of it' }), acts)),
  );

  const ctx = pad.getContext('2d', { willReadFrequently: true });
  const cctx = cursor.getContext('2d');
  const maskGen = generatorFor(api, 'drawMask', app.state.seed ?? 0);
  const scratch = new api.Dropout(0.5, { generator: maskGen }); // a library Dropout drawing this view's masks
  let model = null;
  let frame = 0; // pending animation frame
  let lastResult = null;
  const actFigs = []; // { fig, canvas, caption } per layer
  let announceTimer = null;
  const exposed = { input: null, probs: null, pred: null, passes: null, evalPred: null };
  host.ttDraw = exposed; // for the browser tests and curious students' devtools
  exposed.redraw = (full = true) => redraw(full);

  function inkColour() {
    return getComputedStyle(host).color || '#000';
  }

  // ---- drawing ----------------------------------------------------------
  const posOf = (e) => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) * PAD) / r.width, ((e.clientY - r.top) * PAD) / r.height];
  };
  function strokeLine(a, b) {
    ctx.globalCompositeOperation = 'source-over';
    ctx.strokeStyle = inkColour();
    ctx.lineWidth = STROKE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0] + (a[0] === b[0] && a[1] === b[1] ? 0.01 : 0), b[1]);
    ctx.stroke();
  }
  let pen = null; // the last point of the stroke in progress
  pad.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    e.preventDefault();
    pad.setPointerCapture?.(e.pointerId);
    pen = posOf(e);
    strokeLine(pen, pen);
    changed();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!pen) return;
    const events = e.getCoalescedEvents?.() ?? [];
    for (const ev of events.length ? events : [e]) {
      const p = posOf(ev);
      strokeLine(pen, p);
      pen = p;
    }
    changed();
  });
  const endStroke = () => {
    if (!pen) return;
    pen = null;
    changed(true);
  };
  pad.addEventListener('pointerup', endStroke);
  pad.addEventListener('pointercancel', endStroke);
  pad.addEventListener('lostpointercapture', endStroke);

  clear.addEventListener('click', () => {
    ctx.clearRect(0, 0, PAD, PAD);
    pick.value = '';
    changed(true);
  });

  // ---- the keyboard: a cursor on a 28 × 28 grid --------------------------
  const cur = { x: 14, y: 14, down: false };
  const cellCentre = () => [(cur.x + 0.5) * CELL, (cur.y + 0.5) * CELL];
  function drawCursor() {
    cctx.clearRect(0, 0, PAD, PAD);
    cctx.lineWidth = 2;
    cctx.strokeStyle = cur.down ? '#d62728' : '#1f77b4';
    cctx.strokeRect(cur.x * CELL + 1, cur.y * CELL + 1, CELL - 2, CELL - 2);
  }
  padBox.addEventListener('focus', drawCursor);
  padBox.addEventListener('blur', () => cctx.clearRect(0, 0, PAD, PAD));
  padBox.addEventListener('keydown', (e) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[e.key]) {
      const from = cellCentre();
      cur.x = Math.min(CELLS - 1, Math.max(0, cur.x + moves[e.key][0]));
      cur.y = Math.min(CELLS - 1, Math.max(0, cur.y + moves[e.key][1]));
      if (cur.down) {
        strokeLine(from, cellCentre());
        changed(true);
      }
    } else if (e.key === ' ' || e.key === 'Spacebar') {
      strokeLine(cellCentre(), cellCentre());
      changed(true);
    } else if (e.key === 'Enter') {
      cur.down = !cur.down;
      if (cur.down) {
        strokeLine(cellCentre(), cellCentre());
        changed(true);
      }
      live.textContent = cur.down ? 'Pen down: moving paints.' : 'Pen up.';
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      const [x, y] = cellCentre();
      ctx.globalCompositeOperation = 'destination-out';
      ctx.beginPath();
      ctx.arc(x, y, STROKE / 2 + 1, 0, 2 * Math.PI);
      ctx.fill();
      ctx.globalCompositeOperation = 'source-over';
      changed(true);
    } else if (e.key === 'Escape' && cur.down) {
      cur.down = false;
      live.textContent = 'Pen up.';
    } else {
      return;
    }
    e.preventDefault();
    drawCursor();
  });

  // ---- a test image on the pad --------------------------------------------
  let pickKey = '';
  function fillPick() {
    const data = sampleOf(model, app);
    const key = data ? `${data.dataset}:${data.count}:${data.classes?.join()}` : '';
    if (key === pickKey) return;
    pickKey = key;
    const n = data ? Math.min(data.count, 40) : 0;
    pick.replaceChildren(el('option', { value: '', text: n ? 'choose…' : 'no test images' }),
      ...Array.from({ length: n }, (_, i) => el('option', { value: String(i), text: `image ${i}: ${data.classes?.[data.labels[i]] ?? data.labels[i]}` })));
    pick.disabled = n === 0;
  }
  pick.addEventListener('change', () => {
    const data = sampleOf(model, app);
    const i = Number(pick.value);
    if (!data || pick.value === '' || !(i >= 0 && i < data.count)) return;
    const px = data.rows * data.cols;
    const scale = PAD / data.cols;
    ctx.clearRect(0, 0, PAD, PAD);
    const [r, g, b] = rgbOf(inkColour());
    for (let y = 0; y < data.rows; y++) {
      for (let x = 0; x < data.cols; x++) {
        const v = data.pixels[i * px + y * data.cols + x];
        if (v === 0) continue;
        ctx.fillStyle = `rgba(${r}, ${g}, ${b}, ${Math.min(1, Math.max(0, v / (data.scale ?? 255)))})`;
        ctx.fillRect(x * scale, y * scale, scale, scale);
      }
    }
    changed(true);
  });

  // ---- the pipeline ------------------------------------------------------
  function readInk() {
    const img = ctx.getImageData(0, 0, PAD, PAD).data;
    const ink = new Float32Array(PAD * PAD);
    for (let i = 0; i < ink.length; i++) ink[i] = img[i * 4 + 3] / 255;
    return ink;
  }

  let fullPending = false;
  function changed(announce = false) {
    // while the pen moves, the prediction, probabilities and activations follow it; the
    // 20-pass panel waits for the stroke to end (announce), one frame later
    fullPending ||= announce;
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; const full = fullPending; fullPending = false; redraw(full); });
    if (announce) {
      clearTimeout(announceTimer);
      announceTimer = setTimeout(() => { live.textContent = lastResult?.sentence ?? 'The pad is empty.'; }, 300);
    }
  }

  /**
   * Run x ([n, 784]) through the model's layers one by one, in `mode`, as
   * the model's trace does; a library Dropout in train mode gets a mask of
   * this view's stream. Returns { outputs: [{ data, shape, stats }], probs
   * (Float32Array [n, classes]) } or throws. Inside tidy: nothing is kept.
   */
  function forward(input, n, mode) {
    const train = mode === 'train';
    return api.tidy(() => api.noGrad(() => {
      let h = new api.Tensor(input, { shape: [n, FIELD * FIELD] });
      const outputs = [];
      for (const row of model.layers) {
        const layer = row.layer;
        let y;
        if (row.spec.kind === 'dropout' && layer instanceof api.Dropout) {
          if (train) {
            scratch.p = layer.p;
            scratch.forward(h, true); // draws a mask of h's shape from this view's stream
            y = layer.forward(h, { training: true, mask: scratch.mask });
          } else {
            y = layer.forward(h, false);
          }
        } else if (row.spec.kind === 'dropout') {
          // a student's Dropout (Build's "use my layers"): its own mode and draws
          const was = layer.training;
          layer.training = train;
          try { y = layer.forward(h); } finally { layer.training = was; }
        } else {
          y = layer.forward(h);
        }
        if (y === h) y = h.clone();
        outputs.push({ data: y.data, shape: y.shape, stats: y.stats(), kind: row.spec.kind, spec: row.spec });
        h = y;
      }
      const last = model.layers.at(-1);
      const probs = last?.spec.kind === 'softmax' ? h.data : new api.Softmax(-1).forward(h).data;
      return { outputs, probs, classes: h.shape.at(-1) };
    }));
  }

  function redraw(full = true) {
    if (!model) return;
    const ink = readInk();
    const prep = preprocess(ink, PAD, PAD);
    drawSteps(prep);
    const mode = model.state.mode;
    const first = model.layers[0]?.spec;
    note.hidden = true;
    if (!prep) {
      clearResults('Draw something on the pad (or choose a test image): the network reads it as soon as there is ink.');
      pad.setAttribute('aria-label', 'The drawing pad: empty.');
      return;
    }
    if (model.error || !first || (first.kind === 'linear' && first.in !== FIELD * FIELD)) {
      clearResults(model.error
        ? `The network does not run (layer ${model.error.index}: ${model.error.message}), so it cannot read the drawing.`
        : `The network's first layer takes ${first?.in ?? '?'} features; a drawing gives ${FIELD * FIELD} (28 × 28 pixels).`);
      return;
    }
    let main;
    let passes = null;
    let evalRun = null;
    const hasDropout = model.layers.some((r) => r.spec.kind === 'dropout' && r.spec.p > 0);
    try {
      main = forward(prep.input, 1, mode);
      if (hasDropout && full) {
        const many = new Float32Array(PASSES * prep.input.length);
        for (let k = 0; k < PASSES; k++) many.set(prep.input, k * prep.input.length);
        passes = forward(many, PASSES, 'train');
        evalRun = mode === 'eval' ? main : forward(prep.input, 1, 'eval');
      }
    } catch (e) {
      clearResults(`The network could not read the drawing: ${String(e.message).slice(0, 200)}`);
      return;
    }
    showResults(prep, main, passes, evalRun, mode, full);
  }

  function clearResults(text) {
    note.hidden = false;
    note.textContent = text;
    pred.textContent = '';
    delete pred.dataset.pred;
    delete pred.dataset.prob;
    probBody.replaceChildren();
    flicker.textContent = '';
    flickerBody.replaceChildren();
    acts.replaceChildren();
    actFigs.length = 0;
    bars.hidden = true;
    lastResult = { sentence: text };
    Object.assign(exposed, { input: null, probs: null, pred: null, passes: null, evalPred: null });
  }

  const argmax = (a, from = 0, n = a.length) => {
    let best = 0;
    for (let k = 1; k < n; k++) if (a[from + k] > a[from + best]) best = k;
    return best;
  };

  function showResults(prep, main, passes, evalRun, mode, full = true) {
    const C = main.classes;
    const names = classNames(model, app, C);
    const probs = main.probs;
    const best = argmax(probs, 0, C);
    const order = Array.from({ length: C }, (_, k) => k).sort((a, b) => probs[b] - probs[a] || a - b);
    const top3 = order.slice(0, 3).map((k) => `${names[k]} ${fmtPct(probs[k])}`).join(', ');
    pred.textContent = `Prediction (${mode} mode): ${names[best]}, with probability ${fmtPct(probs[best])}.`;
    pred.dataset.pred = String(best);
    pred.dataset.prob = String(probs[best]);
    pad.setAttribute('aria-label', `Your drawing. The network's top three: ${top3}.`);
    bars.hidden = false;
    drawBars(bars, Array.from(probs), { width: 240, height: 64, labels: [names[0], names[C - 1]] });
    bars.setAttribute('aria-label', `Probabilities for the ${C} classes; the largest is ${names[best]} at ${fmtPct(probs[best])}. The table below lists them all.`);
    probHead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'class' }), el('th', { scope: 'col', text: 'probability' })));
    probBody.replaceChildren(...Array.from({ length: C }, (_, k) => el('tr', {},
      el('th', { scope: 'row', text: names[k] }), el('td', { className: 'mono', text: fmtPct(probs[k]), 'data-p': String(probs[k]) }))));

    // the flicker panel (mid-stroke: marked as waiting for the stroke's end)
    if (!full) {
      flicker.dataset.stale = '';
    } else if (passes) {
      delete flicker.dataset.stale;
      const counts = new Array(C).fill(0);
      const predicted = [];
      for (let r = 0; r < PASSES; r++) {
        const k = argmax(passes.probs, r * C, C);
        counts[k]++;
        predicted.push(k);
      }
      const evalBest = argmax(evalRun.probs, 0, C);
      const distinct = counts.filter((c) => c > 0).length;
      let lo = 1;
      let hi = 0;
      for (let r = 0; r < PASSES; r++) { const p = passes.probs[r * C + evalBest]; lo = Math.min(lo, p); hi = Math.max(hi, p); }
      flicker.textContent = `${PASSES} passes in train mode, each with a new Dropout mask, predicted ${distinct === 1 ? `${names[predicted[0]]} every time` : `${distinct} different classes`}; the probability of ${names[evalBest]} ranged from ${fmtPct(lo)} to ${fmtPct(hi)}. In eval mode Dropout passes everything through: one answer, ${names[evalBest]} at ${fmtPct(evalRun.probs[evalBest])}, the same on every pass. ${mode === 'train' ? 'The page is in train mode, so the prediction above changes each time the pad is redrawn.' : 'The page is in eval mode, so the prediction above is the eval answer.'}`;
      flicker.dataset.distinct = String(distinct);
      flicker.dataset.lo = String(lo);
      flicker.dataset.hi = String(hi);
      flickerBody.replaceChildren(...counts.map((c, k) => [c, k]).filter(([c, k]) => c > 0 || k === evalBest).map(([c, k]) => el('tr', {},
        el('th', { scope: 'row', text: names[k] }), el('td', { className: 'mono', text: String(c) }), el('td', { text: k === evalBest ? `✓ ${fmtPct(evalRun.probs[k])}` : '' }))));
      exposed.passes = predicted;
      exposed.evalPred = evalBest;
      exposed.evalProbs = evalRun.probs;
    } else {
      delete flicker.dataset.stale;
      flicker.textContent = 'This network has no Dropout with p > 0: train and eval mode compute the same thing, so the prediction does not flicker.';
      flickerBody.replaceChildren();
      exposed.passes = null;
      exposed.evalPred = best;
    }

    // every layer's activations: one strip of cells per layer
    // (the figures are reused from one redraw to the next: a redraw is one frame of the pen)
    while (actFigs.length > main.outputs.length) actFigs.pop();
    main.outputs.forEach((o, i) => {
      if (!actFigs[i]) {
        const canvas = el('canvas', { role: 'img', className: 'tt-dr-act', 'data-testid': 'dr-act' });
        const caption = el('figcaption');
        actFigs[i] = { fig: el('figure', { className: 'tt-dr-actfig' }, caption, canvas), canvas, caption };
      }
      const { canvas, caption } = actFigs[i];
      const width = o.shape.at(-1);
      const cols = Math.min(width, 32);
      const rows = Math.ceil(width / cols);
      const values = new Float32Array(rows * cols);
      values.set(o.data);
      const signed = o.stats.min < 0;
      drawHeatmap(canvas, values, rows, cols, { scale: signed ? 'diverging' : 'viridis', min: signed ? o.stats.min : 0, max: o.stats.max, cell: 6 });
      const zeros = o.stats.zeros ?? 0;
      canvas.setAttribute('aria-label', `Layer ${i}, ${fmtLayer(o.spec)}: ${width} values from ${fmtNum(o.stats.min)} to ${fmtNum(o.stats.max)}, mean ${fmtNum(o.stats.mean)}${zeros ? `, ${zeros} exactly zero` : ''}.`);
      caption.textContent = `${i}: ${fmtLayer(o.spec)} (${width}; min ${fmtNum(o.stats.min)}, max ${fmtNum(o.stats.max)})`;
    });
    if (acts.children.length !== actFigs.length || actFigs.some((f, i) => acts.children[i] !== f.fig)) acts.replaceChildren(...actFigs.map((f) => f.fig));

    Object.assign(exposed, { input: prep.input, probs, pred: best, mode });
    lastResult = { sentence: `The network reads your drawing as ${names[best]} (${fmtPct(probs[best])}). Top three: ${top3}.` };
  }

  function drawSteps(prep) {
    const rctx = raw.getContext('2d');
    raw.width = 84;
    raw.height = 84;
    rctx.clearRect(0, 0, 84, 84);
    rctx.drawImage(pad, 0, 0, 84, 84);
    if (prep) {
      const k = 84 / PAD;
      rctx.strokeStyle = '#d62728';
      rctx.lineWidth = 1;
      rctx.strokeRect(prep.box.x0 * k + 0.5, prep.box.y0 * k + 0.5, (prep.box.x1 - prep.box.x0) * k - 1, (prep.box.y1 - prep.box.y0) * k - 1);
    }
    drawHeatmap(boxed, prep ? prep.boxed : new Float32Array(400), 20, 20, { scale: 'viridis', min: 0, max: 1, cell: 3 });
    drawHeatmap(centred, prep ? prep.input : new Float32Array(784), FIELD, FIELD, { scale: 'viridis', min: 0, max: 1, cell: 3 });
    if (!prep) {
      stepText.textContent = 'No ink yet.';
      raw.setAttribute('aria-label', 'The raw drawing: empty.');
      boxed.setAttribute('aria-label', 'The scaled drawing: empty.');
      centred.setAttribute('aria-label', 'The network\'s input: empty.');
      return;
    }
    const { box, scaled, mass, shift, centre } = prep;
    const bw = box.x1 - box.x0;
    const bh = box.y1 - box.y0;
    stepText.textContent = `The ink's box is ${bw} × ${bh} pad pixels; scaled by ${fmtNum(scaled.scale)} it becomes ${scaled.w} × ${scaled.h}. Its centre of mass (${mass.x.toFixed(1)}, ${mass.y.toFixed(1)}) moves by (${shift.dx}, ${shift.dy}) pixels to (${centre.x.toFixed(2)}, ${centre.y.toFixed(2)}), the 28 × 28 field's centre being (14, 14).`;
    raw.setAttribute('aria-label', `The raw drawing, its ink's box ${bw} × ${bh} pixels marked.`);
    boxed.setAttribute('aria-label', `The ink scaled to ${scaled.w} × ${scaled.h} pixels inside a 20 × 20 box.`);
    centred.setAttribute('aria-label', `The network's input: 28 × 28 pixels, centre of mass at (${centre.x.toFixed(2)}, ${centre.y.toFixed(2)}).`);
  }

  function update(m) {
    model = m;
    const w = m.weights ?? app.weights;
    weightsLine.textContent = !w || w.source === 'initial'
      ? 'The network has its initial, random weights, so its guesses are chance. Train it (the training view above) and the pad reads with the trained weights.'
      : `The network's weights: ${w.label}${w.epoch !== undefined ? ` (epoch ${w.epoch})` : ''}.`;
    weightsLine.dataset.source = w?.source ?? 'initial';
    modeInputs.train.checked = m.state.mode === 'train';
    modeInputs.eval.checked = m.state.mode === 'eval';
    fillPick();
    redraw();
  }

  return { update };
}

/** An "rgb(r, g, b)" colour's channels (black for anything else). */
function rgbOf(colour) {
  const m = /rgba?\((\d+)[ ,]+(\d+)[ ,]+(\d+)/.exec(colour);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}
