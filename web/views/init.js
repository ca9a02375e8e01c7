// Initialisation on a deep stack: depth x (Linear(256, 256) + activation),
// built once per initialiser of the API (js/enums.js INITIALIZERS: names,
// formulas and weight scales come from there) and run on the same input
// batch. The core measures the std of every layer's output
// (Tensor.stats()); this view only draws the curves (log scale), lists the
// numbers in a table and puts the trend into words.
//
// The work (initialisers x depth Linear(256, 256) inits and forwards) runs
// only when depth, activation or seed change. Layer i's weights come from
// the stream (page seed, i) (web/seeds.js `initWeights`), the same for every
// initialiser and independent of depth, so a shallower stack is exactly the
// first layers of a deeper one: results for depth d are served from a
// deeper run.

import { drawLines } from '../draw/charts.js';
import { viridis, css } from '../draw/colormap.js';
import { LIMITS } from '../state.js';
import { ELEMENTWISE_ACTIVATIONS, INITIALIZERS } from '../kinds.js';
import { generatorFor, reseed, withGenerator } from '../seeds.js';
import { fmtFactor, fmtInt, fmtNum, fmtScale } from '../format.js';
import { el, isEmbed } from '../dom.js';

const WIDTH = 256;
const BATCH = 64;

/** How each initialiser's line looks (colour position on viridis, dash), by its place in INITIALIZERS. */
const LINE_STYLES = [
  { t: 0.0, dash: [] },
  { t: 0.3, dash: [9, 4] },
  { t: 0.52, dash: [2, 3] },
  { t: 0.74, dash: [11, 3, 2, 3] },
  { t: 0.88, dash: [4, 2] },
  { t: 0.15, dash: [1, 2] },
];

/** The initialisers, as this view names and draws them. */
const INITS = INITIALIZERS.map((rec, i) => ({
  init: rec.key,
  label: rec.label,
  name: `init '${rec.key}'`, // how the sentences below name it
  formula: rec.formula,
  scale: fmtScale(rec.scale(WIDTH, WIDTH)),
  ...LINE_STYLES[i % LINE_STYLES.length],
}));

/**
 * Run one stack per initialiser in the core (no autograd: nothing here
 * trains); returns plain numbers only:
 * { depth, inputStd, series: [{ init, stds: number[], nonFinite: number[] }] }.
 */
function measure(api, depth, act, seed) {
  const Act = api[ELEMENTWISE_ACTIVATIONS.find((a) => a.name === act).className];
  return api.noGrad(() => api.tidy(() => {
    const x = withGenerator(api, 'initInput', [seed], (generator) => api.Tensor.randn([BATCH, WIDTH], { generator }));
    const inputStd = x.stats().std;
    const activation = new Act();
    const generator = generatorFor(api, 'initWeights', seed, 0);
    try {
      const series = INITS.map(({ init }) => {
        const stds = [];
        const nonFinite = [];
        let h = x;
        for (let i = 0; i < depth; i++) {
          reseed(generator, 'initWeights', seed, i);
          const linear = new api.Linear(WIDTH, WIDTH, { init, generator });
          try {
            const z = linear.forward(h);
            const a = activation.forward(z);
            z.dispose();
            if (h !== x) h.dispose();
            h = a;
          } finally {
            linear.dispose();
          }
          const s = h.stats();
          stds.push(s.std);
          nonFinite.push(s.nonFinite);
        }
        if (h !== x) h.dispose();
        return { init, stds, nonFinite };
      });
      return { depth, inputStd, series };
    } finally {
      activation.dispose();
      generator.dispose();
    }
  }));
}

/** The first n layers of a deeper result (layer i does not depend on depth). */
function prefix(result, n) {
  return {
    depth: n,
    inputStd: result.inputStd,
    series: result.series.map((s) => ({ init: s.init, stds: s.stds.slice(0, n), nonFinite: s.nonFinite.slice(0, n) })),
  };
}

/** One phrase per initialiser, from the measured stds of the first and last layer. */
function describeSeries(meta, s) {
  const n = s.stds.length;
  const bad = s.nonFinite.findIndex((c, i) => c > 0 || !Number.isFinite(s.stds[i]));
  if (bad === 0) return `${meta.name} overflows at once (layer 1 has non-finite values)`;
  const last = bad > 0 ? bad - 1 : n - 1;
  const first = s.stds[0];
  const end = s.stds[last];
  const tail = bad > 0 ? `, and overflows to inf/NaN at layer ${bad + 1}` : '';
  if (last === 0) return `${meta.name} has std ${fmtNum(first)} at layer 1${tail}`;
  if (first === 0 || end === 0) {
    return `${meta.name} goes from std ${fmtNum(first)} at layer 1 to ${fmtNum(end)} at layer ${last + 1} (it dies out)${tail}`;
  }
  const total = end / first;
  const r = total ** (1 / last); // the geometric mean factor per layer
  const span = `std ${fmtNum(first)} at layer 1 → ${fmtNum(end)} at layer ${last + 1}`;
  if (r > 1.1 || total > 2) return `${meta.name} grows by about ×${fmtFactor(r)} per layer (${span})${tail}`;
  if (r < 0.9 || total < 0.5) return `${meta.name} shrinks by about ×${fmtFactor(r)} per layer (${span})${tail}`;
  if (total >= 0.8 && total <= 1.25) return `${meta.name} keeps it steady, ×${fmtFactor(r)} per layer (${span})${tail}`;
  return `${meta.name} drifts slowly, ×${fmtFactor(r)} per layer (${span})${tail}`;
}

export function mountInit(host, app) {
  const level = isEmbed() ? 1 : 4; // under the lesson's own h3 for this topic
  const ids = `tt-init-${Math.random().toString(36).slice(2, 8)}`;
  const [lo, hi] = LIMITS.depth;

  const depthRange = el('input', { type: 'range', min: String(lo), max: String(hi), step: '1', 'aria-label': 'Depth (slider)', id: `${ids}-range` });
  const depthInput = el('input', { type: 'number', min: String(lo), max: String(hi), step: '1', id: `${ids}-depth`, 'data-testid': 'init-depth', inputmode: 'numeric' });
  const actSelect = el('select', { id: `${ids}-act`, 'data-testid': 'init-act' },
    ELEMENTWISE_ACTIVATIONS.map((a) => el('option', { value: a.name, text: a.className })));

  const controls = el('div', { className: 'init-controls' }, [
    el('span', { className: 'init-control' }, [
      el('label', { for: `${ids}-depth`, text: 'Depth (layers)' }), depthRange, depthInput,
    ]),
    el('span', { className: 'init-control' }, [
      el('label', { for: `${ids}-act`, text: 'Activation' }), actSelect,
    ]),
  ]);

  const canvas = el('canvas', { role: 'img', 'data-testid': 'init-chart', className: 'init-chart' });
  const legend = el('ul', { className: 'init-legend', 'aria-label': 'Legend' });
  const swatches = INITS.map((meta) => {
    const sw = el('canvas', { className: 'init-swatch', 'aria-hidden': 'true', width: '36', height: '12' });
    legend.append(el('li', {}, [sw, el('span', { text: `${meta.label}, ${meta.formula} ` }), el('code', { text: `'${meta.init}'` })]));
    return sw;
  });
  const observation = el('p', { className: 'init-observation' });

  const caption = el('caption');
  const headRow = el('tr', {}, [el('th', { scope: 'col', text: 'Layer' }), ...INITS.map((m) => el('th', { scope: 'col' }, [
    el('span', { className: 'init-th-name', text: m.label }), ' ', el('span', { className: 'init-th-dist', text: `${m.formula}, weight ${m.scale}` }),
  ]))]);
  const tbody = el('tbody');
  const table = el('table', { className: 'init-table', 'data-testid': 'init-table' }, [caption, el('thead', {}, [headRow]), tbody]);
  const tableWrap = el('div', { className: 'table-wrap init-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Std per layer and initialiser (table)' }, [table]);

  host.append(
    el(`h${level}`, { className: 'init-title', text: 'The initialisers on one deep stack' }),
    el('p', { text: `Linear(${WIDTH}, ${WIDTH}) + activation, stacked, built ${INITS.length} times from the same random streams (once per initialiser) and fed the same ${BATCH} random inputs; the core measures the standard deviation after every layer.` }),
    controls,
    el('figure', { className: 'init-figure' }, [
      canvas,
      el('figcaption', {}, [legend, el('p', { className: 'init-axis-note', text: 'std of each layer\'s output, log scale; x: layer 1 to depth' })]),
    ]),
    observation,
    tableWrap,
  );

  for (let i = 0; i < INITS.length; i++) {
    const ctx = swatches[i].getContext('2d');
    ctx.strokeStyle = css(viridis(INITS[i].t));
    ctx.lineWidth = 2.5;
    ctx.setLineDash(INITS[i].dash);
    ctx.beginPath();
    ctx.moveTo(1, 6);
    ctx.lineTo(35, 6);
    ctx.stroke();
  }

  function setDepth(text, commit) {
    const v = Number(text);
    if (Number.isInteger(v) && v >= lo && v <= hi) {
      if (v !== app.state.depth) app.setState({ depth: v });
    } else if (commit) {
      depthInput.value = String(app.state.depth); // put back what is shown
    }
  }
  depthRange.addEventListener('input', () => setDepth(depthRange.value, true));
  depthInput.addEventListener('input', () => setDepth(depthInput.value, false));
  depthInput.addEventListener('change', () => setDepth(depthInput.value, true));
  actSelect.addEventListener('change', () => {
    if (ELEMENTWISE_ACTIVATIONS.some((a) => a.name === actSelect.value)) app.setState({ act: actSelect.value });
  });

  let cache = null; // { act, seed, result } of the deepest run so far for (act, seed)
  let shown = null; // { key, result } on screen
  let drawnWidth = 0;

  function chartWidth() {
    const w = host.clientWidth || 640;
    return Math.max(240, Math.min(720, Math.floor(w - 4)));
  }

  function drawChart(result) {
    const width = chartWidth();
    drawnWidth = width;
    drawLines(canvas, result.series.map((s, i) => ({
      name: INITS[i].label,
      values: s.stds,
      color: css(viridis(INITS[i].t)),
      dash: INITS[i].dash,
    })), { width, height: width < 400 ? 200 : 240, logY: true, xLabel: `layer (1 to ${result.depth})` });
  }

  function render(result, act) {
    const actLabel = ELEMENTWISE_ACTIVATIONS.find((a) => a.name === act).className;
    drawChart(result);
    canvas.setAttribute('aria-label', `Line chart, log scale: the std of each layer's output over ${result.depth} layers of Linear(${WIDTH}, ${WIDTH}) + ${actLabel}, one line per initialiser. The table below lists every value.`);
    caption.textContent = `Std of each layer's output (after ${actLabel}); the input batch has std ${fmtNum(result.inputStd)}.`;
    const rows = [];
    for (let i = 0; i < result.depth; i++) {
      rows.push(el('tr', { 'data-layer': String(i) }, [
        el('th', { scope: 'row', text: String(i + 1) }),
        ...result.series.map((s) => {
          const td = el('td', { 'data-init': s.init, text: fmtNum(s.stds[i]) });
          if (s.nonFinite[i] > 0) {
            td.textContent = `${fmtNum(s.stds[i])} (${fmtInt(s.nonFinite[i])} inf/NaN)`;
            td.className = 'init-overflow';
          }
          return td;
        }),
      ]));
    }
    tbody.replaceChildren(...rows);
    const phrases = result.series.map((s, i) => describeSeries(INITS[i], s));
    observation.textContent = `With ${actLabel} over ${result.depth} layers: ${phrases.join('; ')}.`;
  }

  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => {
      if (shown && chartWidth() !== drawnWidth) drawChart(shown.result);
    }).observe(host);
  }

  return {
    update(model, appNow) {
      const { depth, act } = appNow.state;
      const seed = appNow.state.seed;
      if (document.activeElement !== depthInput && depthInput.value !== String(depth)) depthInput.value = String(depth);
      if (depthRange.value !== String(depth)) depthRange.value = String(depth);
      if (actSelect.value !== act) actSelect.value = act;
      const key = `${depth}|${act}|${seed}`;
      if (shown?.key === key) return; // nothing it depends on changed: no work
      let result;
      if (cache && cache.act === act && cache.seed === seed && cache.result.depth >= depth) {
        result = cache.result.depth === depth ? cache.result : prefix(cache.result, depth);
      } else {
        // Deeper than what is cached (the student is probably dragging depth
        // up): run the deepest stack once, so every further depth is a prefix.
        const deeper = cache && cache.act === act && cache.seed === seed;
        const full = measure(appNow.api, deeper ? hi : depth, act, seed);
        cache = { act, seed, result: full };
        result = full.depth === depth ? full : prefix(full, depth);
      }
      shown = { key, result };
      render(result, act);
    },
  };
}
