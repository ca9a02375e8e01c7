// The arithmetic of one output: pick a Linear and a cell of its output
// (click the heatmap, or type the row and column), and the view writes out
// y[i][j] = Σₖ x[i][k]·W[k][j] + b[j] with the actual numbers: the largest
// products one by one, the rest as one sum, the bias, and the cell as the
// core's matrix product computed it.
//
// Where each number comes from: x is the tensor that entered the Linear
// (the model's input or the output before it), W and b are the layer's own
// tensors, y is the layer's output tensor; all read through .data. The
// products x[i][k]·W[k][j] and the sums of the terms are computed by the
// core too (Tensor.mul, Tensor.sum on copies of the row and column), and
// the view says that their total is a check: the matrix product adds in
// its own order, so the last digits of float32 may differ.

import { drawHeatmap } from '../draw/heatmap.js';
import { fmtInt, fmtLayer, fmtNum } from '../format.js';
import { el, tableRegion, viewLevel, watchWidth } from '../dom.js';

const TOP_TERMS = 5; // products written out one by one (the largest by size)

let uid = 0;

export function mountArithmetic(host, app) {
  const id = `tt-ar-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const size = watchWidth(host, app);
  const { api } = app;

  const layerSelect = el('select', { id: `${id}-layer`, 'data-testid': 'ar-layer' });
  const rowIn = el('input', { type: 'number', id: `${id}-row`, min: 0, step: 1, inputmode: 'numeric', 'data-testid': 'ar-row' });
  const colIn = el('input', { type: 'number', id: `${id}-col`, min: 0, step: 1, inputmode: 'numeric', 'data-testid': 'ar-col' });
  const controls = el('div', { className: 'tt-ar-controls' },
    el('label', { for: layerSelect.id, text: 'Linear layer' }), layerSelect,
    el('label', { for: rowIn.id, text: 'row i (example)' }), rowIn,
    el('label', { for: colIn.id, text: 'column j (output feature)' }), colIn);

  const heat = el('canvas', { role: 'img', 'data-testid': 'ar-heatmap', className: 'tt-ar-heat' });
  const heatCaption = el('figcaption', {});
  const fig = el('figure', { className: 'tt-ar-fig' }, heatCaption, el('div', { className: 'tt-ar-heat-wrap' }, heat));

  const formula = el('p', { className: 'tt-ar-formula mono', 'data-testid': 'ar-formula' });
  const termsBody = el('tbody');
  const terms = el('table', { className: 'tt-ar-terms', 'data-testid': 'ar-terms' },
    el('caption', { text: 'The terms of the sum, largest first' }),
    el('thead', {}, el('tr', {}, ...['term', 'x[i][k]', 'W[k][j]', 'product'].map((t) => el('th', { scope: 'col', text: t })))),
    termsBody);
  const result = el('p', { className: 'tt-ar-result', 'data-testid': 'ar-result', role: 'status', 'aria-live': 'polite' });
  const check = el('p', { className: 'tt-ar-check', 'data-testid': 'ar-check' });
  const none = el('p', { className: 'tt-ar-none', hidden: true });
  const panel = el('div', { className: 'tt-ar-panel' }, formula, tableRegion(terms, 'The terms of the sum (table)'), result, check);

  host.append(
    el(`h${level}`, { text: 'The arithmetic of one output' }),
    el('p', { className: 'tt-ar-intro', text: 'Every output of a Linear is one weighted sum. Click a cell of the output (or type its row and column) to see the sum written out with the numbers the core used.' }),
    controls, none, fig, panel,
  );

  let chosen = null; // layer index picked here; null follows the page's selected layer
  const cell = { i: 0, j: 0 };
  let cellSize = 1;
  let shownLayers = null;

  layerSelect.addEventListener('change', () => { chosen = Number(layerSelect.value); app.refresh(); });
  const readCell = () => {
    cell.i = Math.max(0, Math.round(Number(rowIn.value)) || 0);
    cell.j = Math.max(0, Math.round(Number(colIn.value)) || 0);
    app.refresh();
  };
  rowIn.addEventListener('change', readCell);
  colIn.addEventListener('change', readCell);
  heat.addEventListener('click', (e) => {
    const r = heat.getBoundingClientRect();
    const sx = heat.width / Math.max(1, r.width);
    const sy = heat.height / Math.max(1, r.height);
    cell.j = Math.floor(((e.clientX - r.left) * sx) / cellSize);
    cell.i = Math.floor(((e.clientY - r.top) * sy) / cellSize);
    app.refresh();
  });

  /** Which Linear: the one picked here, else the page's selected layer if it is a Linear, else the first. */
  function pick(model, linears) {
    if (chosen !== null && linears.includes(chosen)) return chosen;
    chosen = null;
    return linears.includes(model.state.layer) ? model.state.layer : linears[0];
  }

  function update(model) {
    const linears = model.layers.filter((r) => r.spec.kind === 'linear').map((r) => r.index);
    const key = linears.map((i) => `${i}:${fmtLayer(model.layers[i].spec)}`).join('|');
    if (key !== shownLayers) {
      shownLayers = key;
      layerSelect.replaceChildren(...linears.map((i) => el('option', { value: String(i), text: `layer ${i}: ${fmtLayer(model.layers[i].spec)}` })));
    }
    const idx = linears.length ? pick(model, linears) : null;
    const row = idx === null ? null : model.layers[idx];
    const x = row ? (idx === 0 ? model.input : model.layers[idx - 1].output) : null;
    if (!row || !row.output || !x || x.shape.length !== 2) {
      none.hidden = false;
      none.textContent = row ? `Layer ${idx} did not run (the chain broke before or at it): there is no output to explain.` : 'This network has no Linear layer.';
      fig.hidden = true;
      panel.hidden = true;
      return;
    }
    none.hidden = true;
    fig.hidden = false;
    panel.hidden = false;
    layerSelect.value = String(idx);

    const [M, N] = row.output.shape;
    const K = x.shape[1];
    cell.i = Math.min(cell.i, M - 1);
    cell.j = Math.min(cell.j, N - 1);
    rowIn.max = String(M - 1);
    colIn.max = String(N - 1);
    if (document.activeElement !== rowIn) rowIn.value = String(cell.i);
    if (document.activeElement !== colIn) colIn.value = String(cell.j);
    const { i, j } = cell;

    // the output as a heatmap, the chosen cell marked
    const y = row.output.data;
    const s = row.stats;
    const maxWidth = Math.max(120, (size.width || 720) - 4);
    cellSize = drawHeatmap(heat, y, M, N, { scale: 'diverging', min: s.min, max: s.max, maxWidth });
    const ctx = heat.getContext('2d');
    ctx.strokeStyle = '#000';
    ctx.lineWidth = Math.max(1, Math.floor(cellSize / 4));
    ctx.strokeRect(j * cellSize + 0.5, i * cellSize + 0.5, Math.max(1, cellSize - 1), Math.max(1, cellSize - 1));
    heatCaption.textContent = `Output of layer ${idx}, ${fmtLayer(row.spec)}: ${fmtInt(M)} rows × ${fmtInt(N)} columns (blue negative, orange positive). The outlined cell is y[${i}][${j}].`;
    heat.setAttribute('aria-label', `Heatmap of layer ${idx}'s output, ${M} by ${N}; y[${i}][${j}] is outlined. Its value and the sum that makes it are written out below.`);

    // x[i][:], W[:][j], b[j], y[i][j], read from the tensors
    const xd = x.data;
    const W = row.layer.weight;
    const wd = W.data;
    const xrow = xd.subarray(i * K, (i + 1) * K);
    const wcol = new Float32Array(K);
    for (let k = 0; k < K; k++) wcol[k] = wd[k * N + j];
    const bias = row.layer.bias ? row.layer.bias.data[j] : null;
    const yij = y[i * N + j];

    // products and sums by the core, on copies of the row and the column
    const { prod, order, restSum, termSum } = api.tidy(() => {
      const p = new api.Tensor(xrow, { shape: [K] }).mul(new api.Tensor(wcol, { shape: [K] }));
      const pd = p.data;
      const ord = Array.from(pd.keys()).sort((a, b) => Math.abs(pd[b]) - Math.abs(pd[a]) || a - b);
      const rest = ord.slice(TOP_TERMS);
      const restVals = Float32Array.from(rest, (k) => pd[k]);
      const rs = rest.length ? new api.Tensor(restVals, { shape: [rest.length] }).sum().item() : 0;
      const all = p.sum();
      return { prod: pd, order: ord, restSum: rs, termSum: (bias === null ? all : all.add(bias)).item() };
    });
    const top = order.slice(0, TOP_TERMS);
    const restCount = K - top.length;

    formula.textContent = `y[${i}][${j}] = Σₖ x[${i}][k] · W[k][${j}]${bias === null ? '' : ` + b[${j}]`}   (k = 0 … ${K - 1}, ${fmtInt(K)} terms)`;
    termsBody.replaceChildren(
      ...top.map((k) => el('tr', { 'data-testid': 'ar-term' },
        el('td', { className: 'mono', text: `k = ${k}` }), el('td', { className: 'mono', text: fmtNum(xrow[k]) }),
        el('td', { className: 'mono', text: fmtNum(wcol[k]) }), el('td', { className: 'mono', text: fmtNum(prod[k]) }))),
      ...(restCount > 0 ? [el('tr', { 'data-testid': 'ar-rest' },
        el('td', { text: `the other ${fmtInt(restCount)} terms` }), el('td', { text: '' }), el('td', { text: '' }),
        el('td', { className: 'mono', text: fmtNum(restSum) }))] : []),
      el('tr', { 'data-testid': 'ar-bias' }, el('td', { text: bias === null ? 'no bias' : `bias b[${j}]` }), el('td', { text: '' }), el('td', { text: '' }),
        el('td', { className: 'mono', text: bias === null ? '—' : fmtNum(bias) })),
    );
    result.textContent = `y[${i}][${j}] = ${fmtNum(yij)}, as the core's matrix product computed it.`;
    result.dataset.value = String(yij);
    result.dataset.row = String(i);
    result.dataset.col = String(j);
    result.dataset.layer = String(idx);
    const total = termSum;
    check.textContent = `Check: the core's sum of all ${fmtInt(K)} products${bias === null ? '' : ' plus the bias'} is ${fmtNum(total)} (difference ${fmtNum(total - yij)}: the matrix product adds the terms in its own order, so float32's last digits may differ).`;
    check.dataset.value = String(total);
  }

  return { update };
}
