// Activations: what one layer actually outputs for the current batch. A
// heatmap of batch x features (viridis for non-negative outputs, blue-orange
// when there are negative values), a histogram, and the core's statistics,
// including the fraction of exact zeros (about half after a ReLU). A small
// table lists every layer's output statistics. Every number shown is the
// core's: Tensor.stats(), Tensor.histogram() and the output tensor's data.

import { className } from '../kinds.js';
import { drawHeatmap } from '../draw/heatmap.js';
import { drawBars } from '../draw/charts.js';
import { fmtInt, fmtLayer, fmtNum, fmtPct, fmtShape } from '../format.js';
import { el, tableRegion, viewLevel, watchWidth } from '../dom.js';
import { weightsSwitch } from './weights-switch.js';

let uid = 0;

export function mountActivations(host, app) {
  const id = `tt-act-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const size = watchWidth(host, app);
  const weightsShown = weightsSwitch(app);

  const title = el(`h${level}`, { text: 'Activations: what a layer outputs' });
  const intro = el('p', { className: 'tt-act-intro', text: 'Pick a layer to see its actual output for the current batch: one row per sample, one column per feature. All numbers below are computed by the core.' });

  const select = el('select', { id: `${id}-layer`, 'data-testid': 'act-layer-select' });
  select.addEventListener('change', () => app.setState({ layer: Number(select.value) }));
  const controls = el('p', { className: 'tt-act-controls' }, el('label', { for: `${id}-layer`, text: 'Layer' }), select);

  const status = el('p', { className: 'tt-act-status error', role: 'status', hidden: true });

  // heatmap + legend
  const heatCaption = el('figcaption', { 'data-answer': 'shapes' }); // it states the output's shape
  const heat = el('canvas', { role: 'img', 'data-testid': 'act-heatmap', 'aria-describedby': `${id}-stats` });
  const legendCanvas = el('canvas', { className: 'tt-act-legend-bar', 'aria-hidden': 'true' });
  const legendLo = el('span', { className: 'tt-act-legend-lo mono' });
  const legendHi = el('span', { className: 'tt-act-legend-hi mono' });
  const legendMid = el('span', { className: 'tt-act-legend-mid mono' });
  const legendText = el('span', { className: 'tt-act-legend-text' });
  const legendKey = el('span', { className: 'tt-act-legend-key' });
  const legend = el('div', { className: 'tt-act-legend' }, legendText, legendLo, el('span', { className: 'tt-act-legend-scale' }, legendCanvas, legendMid), legendHi, legendKey);
  const heatFig = el('figure', { className: 'tt-act-heat' }, heatCaption, el('div', { className: 'tt-act-heat-wrap' }, heat), legend);

  // histogram
  const hist = el('canvas', { role: 'img', 'data-testid': 'act-hist', 'aria-describedby': `${id}-stats` });
  const histCaption = el('figcaption', { text: 'Histogram of the output (30 equal bins, counts from the core)' });
  const histFig = el('figure', { className: 'tt-act-hist' }, histCaption, hist);

  // stats
  const zeros = el('p', { className: 'tt-act-zeros', 'data-testid': 'act-zeros', 'aria-live': 'polite' });
  const statsBody = el('tbody');
  const statsCaption = el('caption', {});
  const statsTable = el('table', { id: `${id}-stats`, className: 'tt-act-stats', 'data-testid': 'act-stats' }, statsCaption, statsBody);
  const statsBox = el('div', { className: 'tt-act-statsbox' }, zeros, tableRegion(statsTable, 'Statistics of this layer\'s output (table)'));

  const detail = el('div', { className: 'tt-act-detail' }, heatFig, el('div', { className: 'tt-act-grid' }, histFig, statsBox));

  // all layers
  const allBody = el('tbody');
  const allHead = el('thead', {}, el('tr', {},
    el('th', { scope: 'col', text: '#' }), el('th', { scope: 'col', text: 'layer' }), el('th', { scope: 'col', text: 'output shape' }),
    el('th', { scope: 'col', text: 'mean' }), el('th', { scope: 'col', text: 'std' }), el('th', { scope: 'col', text: 'zeros' })));
  const allTable = el('table', { className: 'tt-act-all' }, el('caption', { text: 'All layers: output statistics for this batch (from the core)' }), allHead, allBody);
  const allWrap = tableRegion(allTable, 'Statistics of every layer\'s output (table)', 'tt-act-allwrap');

  // each Dropout's output mean against its input's: equal in expectation (the box "training versus evaluation" points here)
  const dropMeans = el('p', { className: 'tt-act-dropmeans', 'data-testid': 'act-dropout-means' });
  host.append(title, intro, weightsShown.element, controls, status, detail, allWrap, dropMeans);

  let optionsKey = '';
  const legendRamp = { viridis: null, diverging: null };

  function setStat(rows) {
    statsBody.replaceChildren(...rows.map(([name, value]) => el('tr', {}, el('th', { scope: 'row', text: name }), el('td', { className: 'mono', text: value }))));
  }

  function drawLegend(scale) {
    if (!legendRamp[scale]) {
      // a colour ramp for the key (drawing positions, not data)
      const n = 64;
      legendRamp[scale] = Float32Array.from({ length: n }, (_, i) => (scale === 'diverging' ? -1 + (2 * i) / (n - 1) : i / (n - 1)));
    }
    const ramp = legendRamp[scale];
    drawHeatmap(legendCanvas, ramp, 1, ramp.length, { scale, min: scale === 'diverging' ? -1 : 0, max: 1, cell: 2 });
  }

  function update(model) {
    weightsShown.update();
    const { layers } = model;
    const net = model.state.net;

    // the layer list
    const key = net.map(fmtLayer).join('|');
    if (key !== optionsKey) {
      optionsKey = key;
      select.replaceChildren(...net.map((spec, i) => el('option', { value: String(i), text: `${i} · ${fmtLayer(spec)}` })));
    }
    select.disabled = net.length === 0;

    // all-layers table
    allBody.replaceChildren(...layers.map((row) => {
      const s = row.stats;
      const tr = el('tr', {},
        el('td', { text: String(row.index) }),
        el('td', { className: 'tt-act-name', text: fmtLayer(row.spec) }),
        el('td', { className: 'mono tt-act-shape', 'data-answer': 'shapes', text: row.output ? fmtShape(row.shape) : (row.error ? 'error' : 'not run') }),
        el('td', { className: 'mono', text: s ? fmtNum(s.mean) : '–' }),
        el('td', { className: 'mono', text: s ? fmtNum(s.std) : '–' }),
        el('td', { className: 'mono', text: s ? fmtPct(s.zeros, s.count) : '–' }));
      return tr;
    }));

    const pairs = layers.filter((r) => r.spec.kind === 'dropout' && r.index > 0 && r.stats && layers[r.index - 1].stats);
    dropMeans.textContent = pairs.map((r) => {
      const before = layers[r.index - 1];
      const diff = r.stats.mean - before.stats.mean;
      return `Layer ${r.index}, ${fmtLayer(r.spec)}: output mean ${fmtNum(r.stats.mean)} against ${fmtNum(before.stats.mean)} for its input (layer ${before.index}, ${fmtLayer(before.spec)}), ${diff === 0 ? 'the same' : `a difference of ${fmtNum(Math.abs(diff))}`}, with ${fmtPct(r.stats.zeros, r.stats.count)} zeros against ${fmtPct(before.stats.zeros, before.stats.count)}.`;
    }).join(' ') + (pairs.length ? (model.state.mode === 'train'
      ? ' In training, Dropout keeps each element with probability 1 − p and multiplies the survivors by 1/(1 − p), so the means agree in expectation; what is left is the randomness of this batch\'s mask.'
      : ' In evaluation mode Dropout passes its input through: the means are equal.') : '');
    dropMeans.hidden = pairs.length === 0;

    if (net.length === 0) {
      status.textContent = 'The network has no layers yet: add one in the editor.';
      status.hidden = false;
      detail.hidden = true;
      allWrap.hidden = true;
      return;
    }
    allWrap.hidden = false;
    const i = Math.min(Math.max(0, model.state.layer | 0), net.length - 1);
    select.value = String(i);
    for (const [r, tr] of [...allBody.children].entries()) {
      tr.classList.toggle('tt-act-selected', r === i);
      if (r === i) tr.setAttribute('aria-current', 'true');
    }
    const row = layers[i];
    const name = fmtLayer(row.spec);

    if (!row.output || !row.stats) {
      status.textContent = row.error
        ? `Layer ${i} (${name}) raised an error: ${row.error}`
        : `Layer ${i} (${name}) did not run${model.error ? `: layer ${model.error.index} failed before it (${model.error.name}: ${model.error.message})` : ''}.`;
      status.hidden = false;
      detail.hidden = true;
      return;
    }
    status.hidden = true;
    detail.hidden = false;

    const out = row.output;
    const s = row.stats;
    const shape = out.shape;
    const cols = shape.length ? shape[shape.length - 1] : 1;
    const rows = cols > 0 ? out.size / cols : 0; // leading dims flattened into rows

    // heatmap: magnitudes on viridis, signed values on blue-orange
    const signed = s.min < 0;
    const scale = signed ? 'diverging' : 'viridis';
    const lo = signed ? s.min : 0;
    const hi = s.max;
    // one canvas pixel per value, enlarged by CSS (pixelated) to fit the width: cheap to draw
    const avail = Math.max(120, Math.min(1100, (size.width || 720) - 4));
    const fit = Math.min(12, avail / Math.max(1, cols), 400 / Math.max(1, rows));
    const shown = fit >= 3 ? Math.floor(fit) : fit;
    drawHeatmap(heat, out.data, rows, cols, { scale, min: lo, max: hi, cell: 1 });
    // a batch of one or two rows still gets a visible strip: taller cells, by CSS only
    const tall = Math.max(rows * shown, Math.min(24, rows * 12));
    heat.style.width = `${Math.max(1, Math.round(cols * shown))}px`;
    heat.style.aspectRatio = `${cols * shown} / ${tall}`;
    heat.dataset.cell = String(shown);
    const weights = model.weights && model.weights.source !== 'initial' ? `, with the ${model.weights.label}` : ', with the initial weights';
    heatCaption.textContent = `Output ${fmtShape(shape)} of layer ${i} (${name}): ${fmtInt(rows)} ${rows === 1 ? 'row (sample' : 'rows (samples'}${shape.length > 2 ? ', leading dims flattened' : ''}) × ${fmtInt(cols)} ${cols === 1 ? 'column (feature)' : 'columns (features)'}${weights}`;
    heat.setAttribute('aria-label', `Heatmap of layer ${i}'s output, ${fmtInt(rows)} rows by ${fmtInt(cols)} columns, values from ${fmtNum(s.min)} to ${fmtNum(s.max)}; statistics in the table`);

    drawLegend(scale);
    if (signed) {
      const m = Math.max(Math.abs(s.min), Math.abs(s.max));
      legendText.textContent = 'colour:';
      legendLo.textContent = `−${fmtNum(m)}`;
      legendMid.textContent = '0';
      legendHi.textContent = `+${fmtNum(m)}`;
      legendMid.hidden = false;
    } else {
      legendText.textContent = 'colour:';
      legendLo.textContent = '0';
      legendMid.textContent = '';
      legendMid.hidden = true;
      legendHi.textContent = fmtNum(hi);
    }
    legendKey.textContent = signed ? '(blue negative, white zero, orange positive)' : '(dark purple zero, yellow the largest value)';

    // histogram from the core
    const h = out.histogram(30);
    const histWidth = Math.max(180, Math.min(340, (size.width || 340) - 2));
    drawBars(hist, h.counts, { width: histWidth, height: 110, labels: [fmtNum(h.edges[0]), fmtNum(h.edges[h.edges.length - 1])] });
    let top = 0;
    for (let b = 1; b < h.counts.length; b++) if (h.counts[b] > h.counts[top]) top = b;
    hist.setAttribute('aria-label', `Histogram of ${fmtInt(s.count)} values in 30 bins from ${fmtNum(h.edges[0])} to ${fmtNum(h.edges[h.edges.length - 1])}; the tallest bin, ${fmtNum(h.edges[top])} to ${fmtNum(h.edges[top + 1])}, holds ${fmtInt(h.counts[top])}`);

    // statistics from the core
    const cls = className(row.spec.kind);
    const zeroShare = fmtPct(s.zeros, s.count);
    zeros.textContent = row.spec.kind === 'linear'
      ? `fraction of exact zeros: ${zeroShare}`
      : `fraction of zeros after ${cls}: ${zeroShare}`;
    zeros.classList.toggle('tt-act-zeros-big', row.spec.kind === 'relu' || row.spec.kind === 'dropout');
    statsCaption.textContent = `Output statistics of layer ${i}`;
    const statRows = [
      ['elements', fmtInt(s.count)],
      ['mean', fmtNum(s.mean)],
      ['std', fmtNum(s.std)],
      ['min', fmtNum(s.min)],
      ['max', fmtNum(s.max)],
      ['exact zeros', `${fmtInt(s.zeros)} (${zeroShare})`],
    ];
    if (s.nonFinite > 0) statRows.push(['NaN / inf', fmtInt(s.nonFinite)]);
    setStat(statRows);
  }

  return { update };
}
