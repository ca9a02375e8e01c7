// What the network says about each image: the softmax of its last output
// (api.Softmax, run by the core on a copy inside tidy), the predicted class
// (the largest probability) and, for Fashion-MNIST, the true label. The
// network is untrained, so the predictions are as good as chance; the view
// shows that too (how many of the first images are right). If the network
// already ends in a Softmax its output is shown as it is.

import { drawBars } from '../draw/charts.js';
import { drawHeatmap } from '../draw/heatmap.js';
import { fmtInt, fmtPct } from '../format.js';
import { el, tableRegion, viewLevel } from '../dom.js';

const SHOWN = 8; // images shown

export function mountProbs(host, app) {
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const { api } = app;
  const summary = el('p', { className: 'tt-pr-summary', 'data-testid': 'pr-summary' });
  const grid = el('div', { className: 'tt-pr-grid' });
  const tbody = el('tbody');
  const thead = el('thead');
  const table = el('table', { className: 'tt-pr-table', 'data-testid': 'pr-table' },
    el('caption', { text: 'Softmax probabilities per image (percent), from the core' }), thead, tbody);
  const none = el('p', { className: 'tt-pr-none', hidden: true });
  host.append(
    el(`h${level}`, { text: 'Softmax: what the network predicts' }),
    el('p', { className: 'tt-pr-intro', text: 'Softmax turns each row of scores into probabilities that sum to 1: pᵢ = exp(zᵢ) / Σⱼ exp(zⱼ). The predicted class is the one with the largest probability.' }),
    none, summary, grid, el('details', { className: 'tt-pr-details' }, el('summary', { text: 'All probabilities as a table' }), tableRegion(table, 'Softmax probabilities per image (table)')),
  );

  let cards = [];

  function card() {
    const img = el('canvas', { role: 'img', className: 'tt-pr-img', 'data-testid': 'pr-img' });
    const bars = el('canvas', { role: 'img', className: 'tt-pr-bars', 'data-testid': 'pr-bars' });
    const text = el('p', { className: 'tt-pr-text', 'data-testid': 'pr-text' });
    return { fig: el('figure', { className: 'tt-pr-card', 'data-testid': 'pr-card' }, img, bars, text), img, bars, text };
  }

  function update(model) {
    const last = model.layers.at(-1);
    const out = model.layers.length ? last?.output : model.input;
    if (!out || out.shape.length !== 2) {
      none.hidden = false;
      none.textContent = 'The network did not produce an output (the chain broke): there is nothing to turn into probabilities.';
      summary.hidden = true;
      grid.hidden = true;
      return;
    }
    none.hidden = true;
    summary.hidden = false;
    grid.hidden = false;
    const [M, C] = out.shape;
    const ends = last?.spec.kind === 'softmax';
    const probs = ends ? out.data : api.tidy(() => api.noGrad(() => new api.Softmax(-1).forward(out).data));
    const images = model.images;
    const names = images && C === images.classes.length ? images.classes : null;
    const n = Math.min(SHOWN, M);
    if (cards.length !== n) {
      cards = Array.from({ length: n }, card);
      grid.replaceChildren(...cards.map((c) => c.fig));
    }
    const classOf = (k) => (names ? names[k] : `class ${k}`);
    let right = 0;
    const preds = [];
    for (let r = 0; r < M; r++) {
      let best = 0;
      for (let k = 1; k < C; k++) if (probs[r * C + k] > probs[r * C + best]) best = k;
      preds.push(best);
    }
    for (let r = 0; r < n; r++) {
      const c = cards[r];
      const row = probs.subarray(r * C, (r + 1) * C);
      const best = preds[r];
      const label = images ? images.labels[images.start + r] : null;
      if (images && names && label === best) right++;
      if (images?.image) {
        const px = images.rows * images.cols;
        const start = (images.start + r) * px;
        drawHeatmap(c.img, Float32Array.from(images.pixels.subarray(start, start + px)), images.rows, images.cols, { scale: 'viridis', min: 0, max: images.scale === 1 ? 1 : 255, cell: 2 });
        c.img.hidden = false;
        c.img.setAttribute('aria-label', `Image ${r}${names ? `, a ${names[label]}` : ''}`);
      } else {
        c.img.hidden = true;
      }
      drawBars(c.bars, Array.from(row), { width: 120, height: 56, labels: ['0', String(C - 1)] }); // bars on a 0..1 scale
      c.bars.setAttribute('aria-label', `Probabilities of image ${r} for the ${C} classes; the largest is ${classOf(best)} at ${fmtPct(row[best])}.`);
      const truth = images && names ? ` True: ${names[label]}${label === best ? ' ✓' : ' ✗'}.` : '';
      c.text.textContent = `Predicted: ${classOf(best)} (${fmtPct(row[best])}).${truth}`;
      c.text.dataset.pred = String(best);
      c.text.dataset.prob = String(row[best]);
    }
    summary.textContent = `${ends ? 'The network ends in a Softmax; its output is shown as it is.' : `Softmax of layer ${model.layers.length - 1}'s output, ${fmtInt(M)} × ${fmtInt(C)}.`} ${images && names ? `${right} of the first ${n} predictions are right (an untrained network guesses: about 1 in ${C}).` : ''}`;

    // the table: the first images, every class
    const cols = Math.min(C, 12);
    thead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'image' }), ...Array.from({ length: cols }, (_, k) => el('th', { scope: 'col', text: classOf(k) })), el('th', { scope: 'col', text: 'predicted' })));
    tbody.replaceChildren(...Array.from({ length: n }, (_, r) => el('tr', {},
      el('th', { scope: 'row', text: String(r) }),
      ...Array.from({ length: cols }, (_, k) => el('td', { className: 'mono', text: fmtPct(probs[r * C + k]) })),
      el('td', { text: classOf(preds[r]) }))));
  }

  return { update };
}
