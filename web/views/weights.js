// The weights themselves: one histogram per Linear (counts and edges from
// the core's Tensor.histogram(), standard deviation from its stats()) next
// to the standard deviation its initialiser aims for (INITIALIZERS[i].scale),
// and, when the first Linear reads 28 × 28 images, its first units' weights
// drawn as 28 × 28 images: the pattern each unit responds to. With N(0, 1)
// the histograms are 28 times wider than with the lesson's std 1/28.
// With trained (or imported) weights shown (the "Weights shown" switch),
// each histogram has the same layer's initial weights drawn over it as a
// dashed outline, on one range, so the spread moving away from the init
// shows; the unit images become the features the units learned.

import { drawBars } from '../draw/charts.js';
import { drawHeatmap } from '../draw/heatmap.js';
import { fmtInt, fmtLayer, fmtNum, fmtScale } from '../format.js';
import { el, viewLevel } from '../dom.js';
import { weightsSwitch } from './weights-switch.js';

const BINS = 30;
const UNITS = 12; // first-layer units drawn as images
const SIDE = 28;

let uid = 0;

export function mountWeights(host, app) {
  const id = `tt-wt-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const { api } = app;
  const shown = weightsSwitch(app);

  const list = el('div', { className: 'tt-wt-list' });
  const imgsBox = el('figure', { className: 'tt-wt-images', 'data-testid': 'wt-images' });
  const imgsCaption = el('figcaption', {});
  const imgsGrid = el('div', { className: 'tt-wt-grid' });
  // with trained weights: the weights, or what training changed (W − W₀), which shows the features sooner
  const deltaBox = el('input', { type: 'checkbox', id: `${id}-delta`, 'data-testid': 'wt-delta', checked: true });
  const deltaRow = el('p', { className: 'tt-wt-delta', hidden: true }, deltaBox, el('label', { for: deltaBox.id, text: ' Draw the change since the init (W − W₀)' }));
  deltaBox.addEventListener('change', () => app.refresh());
  imgsBox.append(imgsCaption, deltaRow, imgsGrid);
  const none = el('p', { className: 'tt-wt-none', hidden: true, text: 'This network has no Linear layer, so it has no weights.' });
  host.append(
    el(`h${level}`, { text: 'The weights: their spread, and the first layer as images' }),
    el('p', { className: 'tt-wt-intro', text: 'Each histogram counts one Linear layer\'s weights (30 equal bins, from the core). Compare its measured standard deviation with the one the initialiser aims for: √(1/in) for the lesson\'s init, 1 for N(0, 1).' }),
    shown.element, none, list, imgsBox,
  );

  let cards = [];
  let structure = null;

  function card(i) {
    const title = el('figcaption', {});
    const canvas = el('canvas', { role: 'img', 'data-testid': 'wt-hist' });
    const stats = el('p', { className: 'tt-wt-stats mono', 'data-testid': 'wt-stats', id: `${id}-s${i}` });
    canvas.setAttribute('aria-describedby', stats.id);
    const fig = el('figure', { className: 'tt-wt-card', 'data-testid': 'wt-card' }, title, canvas, stats);
    return { fig, title, canvas, stats };
  }

  function update(model) {
    shown.update();
    const linears = model.layers.filter((r) => r.spec.kind === 'linear');
    const key = linears.map((r) => r.index).join(',');
    if (key !== structure) {
      structure = key;
      cards = linears.map((r) => card(r.index));
      list.replaceChildren(...cards.map((c) => c.fig));
    }
    none.hidden = linears.length > 0;
    const rec = api.INITIALIZERS.find((r) => r.key === model.state.init);
    linears.forEach((row, n) => {
      const c = cards[n];
      const W = row.layer.weight;
      const W0 = row.initialLayer?.weight ?? W;
      // the page never writes a layer's weights in place: a new tensor is a new draw (or new trained weights)
      if (c.shownW === W && c.shownW0 === W0 && c.shownInit === model.state.init) return;
      Object.assign(c, { shownW: W, shownW0: W0, shownInit: model.state.init });
      const s = W.stats();
      const aim = rec ? fmtScale(rec.scale(row.spec.in, row.spec.out)) : '';
      c.title.textContent = `Layer ${row.index}: ${fmtLayer(row.spec)}, W ${fmtInt(row.spec.in)} × ${fmtInt(row.spec.out)}`;
      c.stats.dataset.std = String(s.std);
      if (W0 === W) {
        const { counts, edges } = W.histogram(BINS);
        drawBars(c.canvas, counts, { width: 260, height: 80, labels: [fmtNum(edges[0]), fmtNum(edges[edges.length - 1])] });
        c.canvas.setAttribute('aria-label', `Histogram of layer ${row.index}'s ${fmtInt(s.count)} weights from ${fmtNum(edges[0])} to ${fmtNum(edges[edges.length - 1])}; the tallest bin holds ${fmtInt(Math.max(...counts))}.`);
        c.stats.textContent = `std ${fmtNum(s.std)} (measured), ${aim} (the initialiser's aim); mean ${fmtNum(s.mean)}, min ${fmtNum(s.min)}, max ${fmtNum(s.max)}`;
        delete c.stats.dataset.initStd;
        c.canvas.dataset.counts = counts.join(',');
        delete c.canvas.dataset.initCounts;
        return;
      }
      // trained beside the init: one range for both, the init as a dashed outline
      const s0 = W0.stats();
      const lo = Math.min(s.min, s0.min);
      const hi = Math.max(s.max, s0.max);
      const range = Number.isFinite(lo) && Number.isFinite(hi) && hi > lo ? { min: lo, max: hi } : undefined;
      const { counts, edges } = W.histogram(BINS, range);
      const init = W0.histogram(BINS, range ?? { min: edges[0], max: edges[edges.length - 1] });
      drawBars(c.canvas, counts, { width: 260, height: 80, labels: [fmtNum(edges[0]), fmtNum(edges[edges.length - 1])], outline: init.counts });
      const what = model.weights?.source === 'imported' ? 'imported' : 'trained';
      c.canvas.setAttribute('aria-label', `Histogram of layer ${row.index}'s ${fmtInt(s.count)} ${what} weights from ${fmtNum(edges[0])} to ${fmtNum(edges[edges.length - 1])} (bars), with the initial weights on the same bins (dashed outline); the tallest bin holds ${fmtInt(Math.max(...counts))} ${what}, ${fmtInt(Math.max(...init.counts))} at the init.`);
      c.stats.textContent = `${what}: std ${fmtNum(s.std)}, mean ${fmtNum(s.mean)}, min ${fmtNum(s.min)}, max ${fmtNum(s.max)} · at the init (dashed): std ${fmtNum(s0.std)}, ${aim} the initialiser's aim`;
      c.stats.dataset.initStd = String(s0.std);
      c.canvas.dataset.counts = counts.join(',');
      c.canvas.dataset.initCounts = init.counts.join(',');
    });
    drawImages(linears[0], model);
  }

  const imagesOf = { W: null, weights: null, delta: null }; // what the unit images show now

  /** The first Linear's first units as 28 × 28 images, when it reads 784 = 28 × 28 features. */
  function drawImages(first, model) {
    if (!first || first.index !== 0 || first.spec.in !== SIDE * SIDE) {
      imgsBox.hidden = true;
      return;
    }
    imgsBox.hidden = false;
    const W = first.layer.weight;
    const W0 = first.initialLayer?.weight ?? W;
    const trained = W0 !== W;
    deltaRow.hidden = !trained;
    const delta = trained && deltaBox.checked;
    if (W === imagesOf.W && model.weights === imagesOf.weights && delta === imagesOf.delta) return; // same weights: same images
    Object.assign(imagesOf, { W, weights: model.weights, delta });
    const N = first.spec.out;
    // the change since the init, W − W₀, subtracted by the core
    const wd = delta ? api.tidy(() => api.noGrad(() => W.sub(W0).data)) : W.data;
    const units = Math.min(UNITS, N);
    if (imgsGrid.childElementCount !== units) {
      imgsGrid.replaceChildren(...Array.from({ length: units }, (_, j) => el('figure', { className: 'tt-wt-unit' },
        el('canvas', { role: 'img', 'data-testid': 'wt-unit' }), el('figcaption', { className: 'mono', text: `unit ${j}` }))));
    }
    const s = api.tidy(() => new api.Tensor(wd, { shape: [wd.length] }).stats());
    const m = Math.max(Math.abs(s.min), Math.abs(s.max));
    const w = model.weights ?? { source: 'initial' };
    const what = delta ? 'the change since the init, W[:, j] − W₀[:, j] (subtracted by the core),' : 'each column W[:, j]';
    const now = !trained
      ? 'A trained network\'s units show strokes and shapes; these are still the random initial values, so they look like noise.'
      : delta
        ? `What training added to the random start (the ${w.label}): where pixels tell the classes apart, strokes and shapes (orange: ink there now raises the unit's output, blue: lowers it). The weights themselves still carry the random start, which hides this early on: untick the box to see them.`
        : `These are the ${w.label}: the random start plus what training added, which early on is small beside it (tick the box to see the change alone).`;
    imgsCaption.textContent = `The first ${units} of layer 0's ${fmtInt(N)} units: ${what} drawn as 28 × 28 pixels (blue negative, orange positive, one colour scale for all, ±${fmtNum(m)}). ${now}`;
    imgsBox.dataset.source = w.source;
    imgsBox.dataset.delta = String(delta);
    [...imgsGrid.querySelectorAll('canvas')].forEach((canvas, j) => {
      const col = new Float32Array(SIDE * SIDE);
      for (let k = 0; k < col.length; k++) col[k] = wd[k * N + j];
      drawHeatmap(canvas, col, SIDE, SIDE, { scale: 'diverging', min: -m, max: m, cell: 2 });
      const cs = api.tidy(() => new api.Tensor(col, { shape: [col.length] }).stats());
      canvas.setAttribute('aria-label', `${delta ? 'Change since the init of the weights' : 'Weights'} into unit ${j} as a 28 by 28 image: min ${fmtNum(cs.min)}, max ${fmtNum(cs.max)}, std ${fmtNum(cs.std)}.`);
    });
  }

  return { update };
}
