// Initialisation on a deep stack: depth x (Linear(256, 256) + activation),
// built four times, once per initialiser, and run on the same input batch.
// The core measures the std of every layer's output (Tensor.stats()); this
// view only draws the four curves (log scale), lists the numbers in a table
// and puts the trend into words.
//
// The work (4 x depth Linear(256, 256) inits and forwards) runs only when
// depth, activation or seed change. Layer i's weights come from a seed that
// depends on (page seed, i) only, so a shallower stack is exactly the first
// layers of a deeper one: results for depth d are served from a deeper run.

import { drawLines } from '../draw/charts.js';
import { viridis, css } from '../draw/colormap.js';
import { LIMITS } from '../state.js';
import { el, isEmbed } from '../dom.js';

const WIDTH = 256;
const BATCH = 64;
const SEED_STRIDE = 7919;
const LAYER_SEED_OFFSET = 100003; // layer i's weights: seed * stride + offset + i

/** The four initialisers, how the lesson names them, and how each line looks. */
const INITS = [
  { init: 'xavier', label: "lesson's init N(0, 1/in)", name: "lesson's init", dist: 'N(0, 1/in)', short: "the lesson's init", t: 0.0, dash: [] },
  { init: 'xavier_uniform', label: 'Glorot uniform', name: 'Glorot', dist: 'uniform', short: 'Glorot uniform', t: 0.3, dash: [9, 4] },
  { init: 'he_normal', label: 'He normal N(0, 2/in)', name: 'He', dist: 'N(0, 2/in)', short: 'He', t: 0.52, dash: [2, 3] },
  { init: 'normal', label: 'N(0, 1)', name: 'naive', dist: 'N(0, 1)', short: 'N(0, 1)', t: 0.74, dash: [11, 3, 2, 3] },
];

const ACTS = [
  { value: 'relu', label: 'ReLU', className: 'ReLU' },
  { value: 'tanh', label: 'Tanh', className: 'Tanh' },
  { value: 'sigmoid', label: 'Sigmoid', className: 'Sigmoid' },
  { value: 'gelu', label: 'GELU', className: 'GELU' },
];

/** A std for people, 3 significant digits: 0.583, 0.580, 12.4, 1.2e+10, 3.4e-7. */
export function fmtStd(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e3) return v.toPrecision(3);
  return v.toExponential(1);
}

/** A per-layer factor: ×11, ×1.0, ×0.71, ×0.0032. */
function fmtFactor(r) {
  if (!Number.isFinite(r)) return String(r);
  if (r >= 100) return r.toExponential(1);
  if (r >= 10) return String(Math.round(r));
  if (r >= 0.01) return r.toPrecision(2);
  return r.toExponential(1);
}

/**
 * Run the four stacks in the core; returns plain numbers only:
 * { depth, inputStd, series: [{ init, stds: number[], nonFinite: number[] }] }.
 */
function measure(api, depth, act, seed) {
  const Act = api[ACTS.find((a) => a.value === act).className];
  return api.tidy(() => {
    api.manualSeed(seed);
    const x = api.Tensor.randn([BATCH, WIDTH]);
    const inputStd = x.stats().std;
    const activation = new Act();
    try {
      const series = INITS.map(({ init }) => {
        const stds = [];
        const nonFinite = [];
        let h = x;
        for (let i = 0; i < depth; i++) {
          api.manualSeed(seed * SEED_STRIDE + LAYER_SEED_OFFSET + i);
          const linear = new api.Linear(WIDTH, WIDTH, { init });
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
    }
  });
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
  if (bad === 0) return `${meta.short} overflows at once (layer 1 has non-finite values)`;
  const last = bad > 0 ? bad - 1 : n - 1;
  const first = s.stds[0];
  const end = s.stds[last];
  const tail = bad > 0 ? `, and overflows to inf/NaN at layer ${bad + 1}` : '';
  if (last === 0) return `${meta.short} has std ${fmtStd(first)} at layer 1${tail}`;
  if (first === 0 || end === 0) {
    return `${meta.short} goes from std ${fmtStd(first)} at layer 1 to ${fmtStd(end)} at layer ${last + 1} (it dies out)${tail}`;
  }
  const total = end / first;
  const r = total ** (1 / last); // the geometric mean factor per layer
  const span = `std ${fmtStd(first)} at layer 1 → ${fmtStd(end)} at layer ${last + 1}`;
  if (r > 1.1 || total > 2) return `${meta.short} grows by about ×${fmtFactor(r)} per layer (${span})${tail}`;
  if (r < 0.9 || total < 0.5) return `${meta.short} shrinks by about ×${fmtFactor(r)} per layer (${span})${tail}`;
  if (total >= 0.8 && total <= 1.25) return `${meta.short} keeps it steady, ×${fmtFactor(r)} per layer (${span})${tail}`;
  return `${meta.short} drifts slowly, ×${fmtFactor(r)} per layer (${span})${tail}`;
}

export function mountInit(host, app) {
  const level = isEmbed() ? 1 : 4; // under the lesson's own h3 for this topic
  const ids = `tt-init-${Math.random().toString(36).slice(2, 8)}`;
  const [lo, hi] = LIMITS.depth;

  const depthRange = el('input', { type: 'range', min: String(lo), max: String(hi), step: '1', 'aria-label': 'Depth (slider)', id: `${ids}-range` });
  const depthInput = el('input', { type: 'number', min: String(lo), max: String(hi), step: '1', id: `${ids}-depth`, 'data-testid': 'init-depth', inputmode: 'numeric' });
  const actSelect = el('select', { id: `${ids}-act`, 'data-testid': 'init-act' },
    ACTS.map((a) => el('option', { value: a.value, text: a.label })));

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
    legend.append(el('li', {}, [sw, el('span', { text: `${meta.label} ` }), el('code', { text: `'${meta.init}'` })]));
    return sw;
  });
  const observation = el('p', { className: 'init-observation' });

  const caption = el('caption');
  const headRow = el('tr', {}, [el('th', { scope: 'col', text: 'Layer' }), ...INITS.map((m) => el('th', { scope: 'col' }, [
    el('span', { className: 'init-th-name', text: m.name }), ' ', el('span', { className: 'init-th-dist', text: m.dist }),
  ]))]);
  const tbody = el('tbody');
  const table = el('table', { className: 'init-table', 'data-testid': 'init-table' }, [caption, el('thead', {}, [headRow]), tbody]);
  const tableWrap = el('div', { className: 'table-wrap init-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Std per layer and initialiser (table)' }, [table]);

  host.append(
    el(`h${level}`, { className: 'init-title', text: 'Four initialisers, one deep stack' }),
    el('p', { text: `Linear(${WIDTH}, ${WIDTH}) + activation, stacked, built four times from the same seeds (once per initialiser) and fed the same ${BATCH} random inputs; the core measures the standard deviation after every layer.` }),
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
    if (ACTS.some((a) => a.value === actSelect.value)) app.setState({ act: actSelect.value });
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
    const actLabel = ACTS.find((a) => a.value === act).label;
    drawChart(result);
    canvas.setAttribute('aria-label', `Line chart, log scale: the std of each layer's output over ${result.depth} layers of Linear(${WIDTH}, ${WIDTH}) + ${actLabel}, one line per initialiser. The table below lists every value.`);
    caption.textContent = `Std of each layer's output (after ${actLabel}); the input batch has std ${fmtStd(result.inputStd)}.`;
    const rows = [];
    for (let i = 0; i < result.depth; i++) {
      rows.push(el('tr', { 'data-layer': String(i) }, [
        el('th', { scope: 'row', text: String(i + 1) }),
        ...result.series.map((s) => {
          const td = el('td', { 'data-init': s.init, text: fmtStd(s.stds[i]) });
          if (s.nonFinite[i] > 0) {
            td.textContent = `${fmtStd(s.stds[i])} (${s.nonFinite[i].toLocaleString('en-US')} inf/NaN)`;
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
