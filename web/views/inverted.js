// Why inverted dropout: run a fresh Dropout(p) in training mode N times on
// one small input vector and let the core keep the running mean of the
// outputs. With the 1/(1-p) scaling the mean converges to the input; plain
// dropout (the mask alone, no scaling) converges to (1-p)·x instead, which
// is why a network trained with it would see different magnitudes at
// evaluation time. Every number is the core's: the running sums, means and
// the RMS gaps (mean of squared differences, square-rooted for display).

import { drawLines, setupCanvas } from '../draw/charts.js';
import { blueOrange, css } from '../draw/colormap.js';
import { el, tableRegion, viewLevel, watchWidth } from '../dom.js';
import { fmtInt, fmtNum, fmtP } from '../format.js';
import { streamSeed, withGenerator } from '../seeds.js';

let uid = 0;
const SIZE = 16; // elements in the experiment's input vector
const DRAWS = [1, 10, 100, 1000];
const COLORS = { input: '#444', inverted: css(blueOrange(0)), plain: css(blueOrange(1)) };

/**
 * The experiment's input: up to 16 non-zero values from the start of the
 * first Dropout layer's input (zeros stay zero under any mask, so they show
 * nothing), plus where they came from. null when there is no such input.
 */
function pickInput(model) {
  const i = model.state.net.findIndex((s) => s.kind === 'dropout');
  if (i < 0) return { index: -1, p: 0.5, values: null };
  const p = model.state.net[i].p;
  const src = i === 0 ? model.input : model.layers[i - 1].output;
  if (!src) return { index: i, p, values: null };
  const data = src.data;
  const cols = src.shape.length ? src.shape[src.shape.length - 1] : 1;
  const picked = [];
  let lastRow = 0;
  for (let k = 0; k < data.length && picked.length < SIZE; k++) {
    if (data[k] !== 0 && Number.isFinite(data[k])) {
      picked.push(data[k]);
      lastRow = Math.floor(k / cols);
    }
  }
  if (picked.length < SIZE) return { index: i, p, values: null };
  return { index: i, p, values: Float32Array.from(picked), rows: lastRow + 1 };
}

/**
 * Run the experiment in the core: N draws of a fresh Dropout(p) on x, its
 * masks (and x, when random) from the view's own stream (web/seeds.js
 * `inverted`). Returns { gaps, plainGaps (RMS gap after each draw), x,
 * mean, plain, scaled ((1-p)·x) as arrays }.
 */
function experiment(api, values, p, n, seed, Mine) {
  return withGenerator(api, 'inverted', [seed], (generator) => api.noGrad(() => runDraws(api, generator, values, p, n, Mine, seed)));
}

/**
 * Mine: a student's Dropout class (Build's "use my layers"), or null. With
 * it, the first line is the running mean of the student's layer's outputs
 * (its masks from the default generator, seeded from the `inverted` stream
 * first) and the plain line stays the library's mask without the scaling.
 */
function runDraws(api, generator, values, p, n, Mine = null, seed = 0) {
  const drop = new api.Dropout(p, { generator });
  let mine = null;
  try {
    if (Mine) {
      mine = new Mine(p);
      mine.train();
      api.manualSeed(streamSeed('inverted', seed, 1));
    }
    return api.tidy(() => {
      const x = values ? new api.Tensor(values) : api.Tensor.rand([SIZE], { generator });
      let sum = api.Tensor.zeros([SIZE]);
      let sumPlain = api.Tensor.zeros([SIZE]);
      const gaps = new Array(n);
      const plainGaps = new Array(n);
      let mean = null;
      let plain = null;
      for (let k = 1; k <= n; k++) {
        const last = k === n;
        const r = api.tidy(() => {
          const lib = drop.forward(x, true); // inverted: x * mask / (1-p)
          const y = mine ? mine.forward(x) : lib; // the student's layer, when the page runs on it
          const s = sum.add(y);
          const sp = sumPlain.add(x.mul(drop.mask)); // plain: x * mask, no scaling
          const m = s.div(k);
          const mp = sp.div(k);
          const e = m.sub(x);
          const ep = mp.sub(x);
          const g = e.mul(e).mean().item();
          const gp = ep.mul(ep).mean().item();
          return last ? { s, sp, g, gp, m, mp } : { s, sp, g, gp };
        });
        sum.dispose();
        sumPlain.dispose();
        sum = r.s;
        sumPlain = r.sp;
        gaps[k - 1] = Math.sqrt(r.g);
        plainGaps[k - 1] = Math.sqrt(r.gp);
        if (last) {
          mean = r.m.data;
          plain = r.mp.data;
        }
      }
      const scaled = x.mul(1 - p).data;
      return { gaps, plainGaps, x: x.data, mean, plain, scaled };
    });
  } finally {
    drop.dispose();
    mine?.dispose?.();
  }
}

/** Grouped bars: input, inverted mean and plain mean for each element. */
function drawGroups(canvas, groups, width, height) {
  const ctx = setupCanvas(canvas, width, height);
  const all = groups.flatMap((g) => g.values).filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  const span = hi - lo || 1;
  const pad = 4;
  const y = (v) => pad + (height - 2 * pad) * (1 - (v - lo) / span);
  const n = groups[0]?.values.length ?? 0;
  const gw = (width - 2) / Math.max(1, n);
  const bw = Math.max(1, (gw - 2) / groups.length);
  groups.forEach((g, j) => {
    ctx.fillStyle = g.color;
    g.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const top = y(Math.max(0, v));
      const bottom = y(Math.min(0, v));
      ctx.fillRect(1 + i * gw + 1 + j * bw, top, Math.max(1, bw - 0.5), Math.max(1, bottom - top));
    });
  });
  ctx.strokeStyle = '#999';
  ctx.beginPath();
  ctx.moveTo(0, y(0));
  ctx.lineTo(width, y(0));
  ctx.stroke();
}

export function mountInverted(host, app) {
  const id = `tt-inv-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const size = watchWidth(host, app);

  const title = el(`h${level}`, { text: 'Why inverted dropout? Average many masks' });
  const intro = el('p', { className: 'tt-inv-intro', text: 'A fresh Dropout layer, in training mode, is applied to the same small vector x again and again, and the core keeps the running mean of its outputs. With the 1/(1 − p) scaling the mean comes back to x: in expectation the layer changes nothing, so evaluation (which drops nothing) sees the same magnitudes. Plain dropout, the mask without the scaling, settles at (1 − p)·x instead.' });

  const nSelect = el('select', { id: `${id}-n`, 'data-testid': 'inverted-n' },
    ...DRAWS.map((n) => el('option', { value: String(n), text: fmtInt(n) })));
  nSelect.value = '100';
  const controls = el('p', { className: 'tt-inv-controls' }, el('label', { for: `${id}-n`, text: 'Draws (N)' }), nSelect);
  const source = el('p', { className: 'tt-inv-source' });

  const chart = el('canvas', { role: 'img', 'data-testid': 'inverted-chart', 'aria-describedby': `${id}-result` });
  const legendFirst = document.createTextNode(' inverted dropout (×1/(1 − p))');
  const legend = el('p', { className: 'tt-inv-legend' },
    el('span', { className: 'tt-inv-swatch tt-inv-line-inverted', 'aria-hidden': 'true' }), legendFirst, '  ',
    el('span', { className: 'tt-inv-swatch tt-inv-line-plain', 'aria-hidden': 'true' }), ' plain dropout (mask only)');
  const chartFig = el('figure', { className: 'tt-inv-chart' },
    el('figcaption', { text: 'RMS gap between the running mean and x, after 1 … N draws' }), chart, legend);

  const gap = el('strong', { className: 'mono', 'data-testid': 'inverted-gap' });
  const plainGap = el('strong', { className: 'mono', 'data-testid': 'inverted-plain-gap' });
  // not a live region: it changes on every slider step, and a long sentence
  // read out per step drowns the control being moved
  const result = el('p', { id: `${id}-result`, className: 'tt-inv-result' });
  const resultLead = document.createTextNode('');
  const resultMid = document.createTextNode('');
  const resultTail = document.createTextNode('');
  result.append(resultLead, gap, resultMid, plainGap, resultTail);

  const bars = el('canvas', { role: 'img', 'aria-describedby': `${id}-table` });
  const barsLegend = el('p', { className: 'tt-inv-legend' },
    el('span', { className: 'tt-inv-swatch tt-inv-bar-input', 'aria-hidden': 'true' }), ' x  ',
    el('span', { className: 'tt-inv-swatch tt-inv-bar-inverted', 'aria-hidden': 'true' }), ' mean, inverted  ',
    el('span', { className: 'tt-inv-swatch tt-inv-bar-plain', 'aria-hidden': 'true' }), ' mean, plain');
  const barsCaption = el('figcaption', {});
  const barsFig = el('figure', { className: 'tt-inv-bars' }, barsCaption, bars, barsLegend);

  const tbody = el('tbody');
  const tableCaption = el('caption', {});
  const table = el('table', { id: `${id}-table`, className: 'tt-inv-table' }, tableCaption,
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: 'element' }), el('th', { scope: 'col', text: 'x' }),
      el('th', { scope: 'col', text: 'mean, inverted' }), el('th', { scope: 'col', text: 'mean, plain' }),
      el('th', { scope: 'col', text: '(1 − p)·x' }))), tbody);
  const tableWrap = el('details', { className: 'tt-inv-details' },
    el('summary', { text: `The ${SIZE} values: x and both means (table)` }), tableRegion(table, `The ${SIZE} values: x and both means (table)`));

  const grid = el('div', { className: 'tt-inv-grid' }, chartFig, barsFig);
  host.append(title, intro, controls, source, grid, result, tableWrap);

  let key = '';
  let last = null; // { values, p, seed, index, rows }

  function run() {
    if (!last) return;
    const n = Number(nSelect.value);
    const { values, p, seed, index } = last;
    // Build's "use my layers": the student's Dropout makes the first line (web/views/build/use.js)
    const Mine = app.layerImpl?.impl?.Dropout ?? null;
    const k = `${n}|${p}|${seed}|${size.width}|${values ? values.join(',') : 'rand'}|${Mine ? `mine${app.layerImpl.version}` : 'lib'}`;
    if (k === key) return;
    key = k;
    let r;
    try {
      r = experiment(app.api, values, p, n, seed, Mine);
    } catch (e) {
      source.textContent = `Your Dropout failed in this experiment: ${String(e?.message ?? e).slice(0, 200)}`;
      host.dataset.mine = 'error';
      return;
    }
    host.dataset.mine = Mine ? 'yes' : 'no';
    const first = Mine ? 'your Dropout' : 'inverted dropout';
    legendFirst.textContent = Mine ? ' your Dropout' : ' inverted dropout (×1/(1 − p))';

    source.textContent = values
      ? `x: the first ${SIZE} non-zero values entering Dropout layer ${index} (from ${last.rows === 1 ? 'the first row' : `the first ${last.rows} rows`} of the batch); p = ${fmtP(p)} from that layer.`
      : index >= 0
        ? `x: ${SIZE} uniform random values (layer ${index}'s input is not available); p = ${fmtP(p)} from Dropout layer ${index}.`
        : `x: ${SIZE} uniform random values; the network has no Dropout layer, so p = ${fmtP(p)}.`;

    const width = Math.max(220, Math.min(420, (size.width || 420) - 2));
    drawLines(chart, [
      { name: 'inverted', values: r.gaps, color: COLORS.inverted },
      { name: 'plain', values: r.plainGaps, color: COLORS.plain, dash: [6, 4] },
      { name: 'axis', values: [0], color: 'rgba(0, 0, 0, 0)' }, // an invisible point: the y axis starts at 0
    ], { width, height: 190, xLabel: `draws (1 … ${fmtInt(n)})` });
    const g = r.gaps[n - 1];
    const gp = r.plainGaps[n - 1];
    chart.setAttribute('aria-label', `Line chart of the RMS gap after 1 to ${fmtInt(n)} draws: ${first} goes from ${fmtNum(r.gaps[0])} to ${fmtNum(g)}, plain dropout from ${fmtNum(r.plainGaps[0])} to ${fmtNum(gp)}`);

    resultLead.textContent = `After ${fmtInt(n)} draw${n === 1 ? '' : 's'} the RMS gap between the running mean and x is `;
    gap.textContent = fmtNum(g);
    resultMid.textContent = ` with ${first}, and `;
    plainGap.textContent = fmtNum(gp);
    resultTail.textContent = p >= 1
      ? ' without the scaling: at p = 1 every element is dropped, so no scaling can bring x back.'
      : p === 0
        ? ' without the scaling: at p = 0 nothing is dropped, so both equal x.'
        : ` without the scaling: the plain mean settles at (1 − p)·x = ${fmtP(1 - p)}·x, not at x.`;

    const bw = Math.max(220, Math.min(420, (size.width || 420) - 2));
    drawGroups(bars, [
      { values: Array.from(r.x), color: COLORS.input },
      { values: Array.from(r.mean), color: COLORS.inverted },
      { values: Array.from(r.plain), color: COLORS.plain },
    ], bw, 150);
    barsCaption.textContent = `x and the running means after ${fmtInt(n)} draw${n === 1 ? '' : 's'}, element by element`;
    bars.setAttribute('aria-label', `Bar chart of the ${SIZE} elements: x, the inverted-dropout mean and the plain-dropout mean after ${fmtInt(n)} draws; values in the table`);
    tableCaption.textContent = `x and the means after ${fmtInt(n)} draw${n === 1 ? '' : 's'} (p = ${fmtP(p)}, from the core)`;
    tbody.replaceChildren(...Array.from(r.x, (v, i) => el('tr', {},
      el('td', { text: String(i) }),
      el('td', { className: 'mono', text: fmtNum(v) }),
      el('td', { className: 'mono', text: fmtNum(r.mean[i]) }),
      el('td', { className: 'mono', text: fmtNum(r.plain[i]) }),
      el('td', { className: 'mono', text: fmtNum(r.scaled[i]) }))));
  }

  nSelect.addEventListener('change', run);

  function update(model) {
    const picked = pickInput(model);
    // the page's seed: the same link shows the same experiment
    last = { ...picked, seed: model.state.seed };
    run();
  }

  return { update };
}
