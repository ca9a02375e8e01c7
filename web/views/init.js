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

const GRAD_BATCH = 16; // rows of the input the gradient pass uses (it runs on every depth change)

/**
 * One backward pass per initialiser: the stack of exactly `depth` layers
 * (the same weights as measure()) on the first GRAD_BATCH rows of the same
 * input, then backward from a fixed random upstream gradient dy ~ N(0, 1) of
 * the output's shape. Returns, per layer, the norm of the gradient that
 * reaches that layer's output, ‖∂L/∂hᵢ‖ (read as the .grad of a zero tensor
 * added to hᵢ: adding zeros changes no value, and its gradient is exactly
 * ∂L/∂hᵢ), and of its weight gradient ‖∂L/∂Wᵢ‖, both from the core
 * (stats().norm): [{ init, norms, weightNorms }]. Unlike the forward stds,
 * these depend on the depth (the gradient flows down from the top), so
 * they are measured for the depth shown.
 */
function measureGrads(api, depth, act, seed) {
  const Act = api[ELEMENTWISE_ACTIVATIONS.find((a) => a.name === act).className];
  return api.tidy(() => {
    const x = withGenerator(api, 'initInput', [seed], (generator) => api.Tensor.randn([BATCH, WIDTH], { generator }))
      .reshape(BATCH * WIDTH).data.subarray(0, GRAD_BATCH * WIDTH);
    const input = new api.Tensor(x, { shape: [GRAD_BATCH, WIDTH] });
    const dy = withGenerator(api, 'initGrad', [seed], (generator) => api.Tensor.randn([GRAD_BATCH, WIDTH], { generator }));
    const activation = new Act();
    const generator = generatorFor(api, 'initWeights', seed, 0);
    try {
      return INITS.map(({ init }) => {
        const layers = [];
        const probes = [];
        try {
          let h = input;
          for (let i = 0; i < depth; i++) {
            reseed(generator, 'initWeights', seed, i);
            const linear = new api.Linear(WIDTH, WIDTH, { init, generator });
            layers.push(linear);
            const probe = api.Tensor.zeros([GRAD_BATCH, WIDTH], { requiresGrad: true });
            probes.push(probe);
            h = activation.forward(linear.forward(h)).add(probe);
          }
          h.backward(dy);
          return {
            init,
            norms: probes.map((t) => t.grad.stats().norm),
            weightNorms: layers.map((l) => l.weight.grad.stats().norm),
          };
        } finally {
          layers.forEach((l) => l.dispose());
        }
      });
    } finally {
      activation.dispose();
      generator.dispose();
    }
  });
}

/** One phrase per initialiser: the gradient at layer 1's output over the one at the top. */
function describeGrads(meta, g) {
  const n = g.norms.length;
  const first = g.norms[0];
  const last = g.norms[n - 1];
  if (!Number.isFinite(first) || !Number.isFinite(last)) return `${meta.name}: the gradients overflow to inf/NaN`;
  if (n === 1) return `${meta.name}: ‖∂L/∂h‖ = ${fmtNum(first)}`;
  if (first === 0) return `${meta.name}: no gradient reaches layer 1 (it died on the way down)`;
  const r = first / last;
  const verdict = r < 0.1 ? 'vanishes' : r > 10 ? 'explodes' : 'keeps its size';
  return `${meta.name}: ${fmtNum(last)} at the top, ${fmtNum(first)} at layer 1 (×${fmtFactor(r)}: it ${verdict} on the way down; ‖∂L/∂W‖ of layer 1: ${fmtNum(g.weightNorms[0])})`;
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
  const gradCanvas = el('canvas', { role: 'img', 'data-testid': 'init-grad-chart', className: 'init-chart' });
  const gradObservation = el('p', { className: 'init-observation', 'data-testid': 'init-grad-observation' });
  const gradCaption = el('caption');
  const gradHead = el('tr', {}, [el('th', { scope: 'col', text: 'Layer' }), ...INITS.map((m) => el('th', { scope: 'col', text: `${m.label}: ‖∂L/∂h‖ (‖∂L/∂W‖)` }))]);
  const gradBody = el('tbody');
  const gradTable = el('table', { className: 'init-table', 'data-testid': 'init-grad-table' }, [gradCaption, el('thead', {}, [gradHead]), gradBody]);
  const gradWrap = el('div', { className: 'table-wrap init-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Gradient norm per layer and initialiser (table)' }, [gradTable]);

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
    el(`h${level + 1}`, { className: 'init-title', text: 'And the gradients, after one backward pass' }),
    el('p', { text: `The same stacks (on ${GRAD_BATCH} of the inputs), then one backward pass from the same random upstream gradient: the core's autograd carries the gradient down the stack, and the chart shows the norm of the gradient reaching each layer's output, ‖∂L/∂hᵢ‖ (the table adds each weight's gradient ‖∂L/∂Wᵢ‖, what an optimizer would step with). Read it from the right (the top of the stack) to the left (layer 1): that is the way the gradient flows.` }),
    el('figure', { className: 'init-figure' }, [
      gradCanvas,
      el('figcaption', {}, [el('p', { className: 'init-axis-note', text: 'norm of the gradient at each layer\'s output, log scale; x: layer 1 to depth; same line styles as above' })]),
    ]),
    gradObservation,
    gradWrap,
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
    if (result.grads) {
      drawLines(gradCanvas, result.grads.map((g, i) => ({
        name: INITS[i].label, values: g.norms, color: css(viridis(INITS[i].t)), dash: INITS[i].dash,
      })), { width, height: width < 400 ? 200 : 240, logY: true, xLabel: `layer (1 to ${result.depth})` });
    }
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
    gradCanvas.setAttribute('aria-label', `Line chart, log scale: the norm of the gradient reaching each layer's output over ${result.depth} layers of Linear(${WIDTH}, ${WIDTH}) + ${actLabel}, one line per initialiser. The table below lists every value.`);
    gradCaption.textContent = `‖∂L/∂hᵢ‖ (and ‖∂L/∂Wᵢ‖) of each layer after one backward pass (with ${actLabel}).`;
    gradBody.replaceChildren(...Array.from({ length: result.depth }, (_, i) => el('tr', { 'data-layer': String(i) }, [
      el('th', { scope: 'row', text: String(i + 1) }),
      ...result.grads.map((g) => el('td', { 'data-init': g.init, text: `${fmtNum(g.norms[i])} (${fmtNum(g.weightNorms[i])})` })),
    ])));
    gradObservation.textContent = `Backward through ${result.depth} layers: ${result.grads.map((g, i) => describeGrads(INITS[i], g)).join('; ')}.`;
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
      result = { ...result, grads: measureGrads(appNow.api, depth, act, seed) };
      shown = { key, result };
      render(result, act);
    },
  };
}
