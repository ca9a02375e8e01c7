// The batch entering the network. With Fashion-MNIST input: the first (up
// to 32) images of the batch as 28×28 grey thumbnails, drawn from
// model.input.data (the very values that entered the network, pixels/255
// divided by the core), with their class names as a list. With random
// input: the whole [batch, features] block as a blue-orange heatmap, with
// the core's statistics. Either way: the shape, and what one row is.
//
// The input only changes with the input kind, seed, batch size or input
// width, so nothing is redrawn while, say, a Dropout slider moves.

import { drawHeatmap } from '../draw/heatmap.js';
import { el, tableRegion, viewLevel } from '../dom.js';
import { fmtInt, fmtNum, fmtShape } from '../format.js';

const MAX_THUMBS = 32;
const PER_ROW = 8;
const GAP = 2; // canvas pixels between thumbnails

let uid = 0;

export function mountInputs(host, app) {
  const id = `tt-in-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3

  const shapeLine = el('p', { className: 'tt-in-shape', 'data-testid': 'input-shape' });
  const note = el('p', { className: 'tt-in-note' });

  // Fashion-MNIST: thumbnails + class names
  const thumbs = el('canvas', { role: 'img', className: 'tt-in-thumbs', 'data-testid': 'input-images', 'aria-describedby': `${id}-labels-h` });
  const thumbCaption = el('figcaption', {});
  const labelsHead = el('p', { id: `${id}-labels-h`, className: 'tt-in-labels-h' });
  const labels = el('ol', { className: 'tt-in-labels', 'data-testid': 'input-labels', 'aria-labelledby': `${id}-labels-h` });
  const fashionBox = el('div', { className: 'tt-in-fashion' },
    el('figure', { className: 'tt-in-fig' }, thumbs, thumbCaption),
    el('div', { className: 'tt-in-labelbox' }, labelsHead, labels));

  // random normal: heatmap
  const heat = el('canvas', { role: 'img', className: 'tt-in-heat', 'data-testid': 'input-heatmap', 'aria-describedby': `${id}-stats` });
  const heatWrap = el('div', { className: 'tt-in-scroll', tabindex: '0', role: 'group', 'aria-label': 'Input heatmap (scrolls sideways on narrow screens)' }, heat);
  const lo = el('span', { className: 'mono' });
  const hi = el('span', { className: 'mono' });
  const legend = el('p', { className: 'tt-in-legend' },
    el('span', { className: 'tt-in-swatch tt-in-neg', 'aria-hidden': 'true' }), lo, ' (blue, negative) ',
    el('span', { className: 'tt-in-swatch tt-in-zero', 'aria-hidden': 'true' }), el('span', { className: 'mono', text: '0' }), ' (white) ',
    el('span', { className: 'tt-in-swatch tt-in-pos', 'aria-hidden': 'true' }), hi, ' (orange, positive)');
  const heatCaption = el('figcaption', {});
  const randomBox = el('figure', { className: 'tt-in-fig tt-in-random' }, heatCaption, heatWrap, legend);

  // the core's statistics of the batch (the text alternative for either drawing)
  const statsHead = el('thead');
  const statsBody = el('tbody');
  const statsCaption = el('caption', {});
  const stats = el('table', { id: `${id}-stats`, className: 'tt-in-stats', 'data-testid': 'input-stats' }, statsCaption, statsHead, statsBody);

  host.append(
    el(`h${level}`, { text: 'The input batch' }),
    shapeLine, note, fashionBox, randomBox, tableRegion(stats, 'Statistics of the input batch (table)'),
  );

  let drawnKey = null;

  function drawFashion(model, f, rows, cols) {
    const side = f.rows; // 28
    const n = Math.min(MAX_THUMBS, rows);
    const per = Math.min(PER_ROW, n);
    const lines = Math.ceil(n / per);
    const w = per * side + (per - 1) * GAP;
    const h = lines * side + (lines - 1) * GAP;
    thumbs.width = Math.max(1, w);
    thumbs.height = Math.max(1, h);
    thumbs.style.width = `${w * 2}px`;
    const ctx = thumbs.getContext('2d');
    const img = ctx.createImageData(thumbs.width, thumbs.height);
    const px = img.data;
    // gaps: the page's background, so the thumbnails read as separate images
    for (let o = 0; o < px.length; o += 4) { px[o] = 253; px[o + 1] = 253; px[o + 2] = 252; px[o + 3] = 255; }
    // what entered the network: [rows, 784] values in [0, 1]
    const data = model.input.data;
    for (let k = 0; k < n; k++) {
      const x0 = (k % per) * (side + GAP);
      const y0 = Math.floor(k / per) * (side + GAP);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const v = data[k * cols + y * side + x];
          const g = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
          const o = ((y0 + y) * w + x0 + x) * 4;
          px[o] = g; px[o + 1] = g; px[o + 2] = g;
        }
      }
    }
    ctx.putImageData(img, 0, 0);

    const start = f.start; // first image of the batch (main.js imageStart)
    const names = Array.from({ length: n }, (_, k) => f.classes[f.labels[start + k]] ?? '?');
    labels.replaceChildren(...names.map((name, k) => el('li', {}, el('span', { className: 'mono tt-in-k', text: `${k}` }), ' ', name)));
    const shown = n < rows ? `the first ${n} of the ${rows} images` : `all ${rows} image${rows === 1 ? '' : 's'}`;
    thumbs.setAttribute('aria-label', `${shown[0].toUpperCase()}${shown.slice(1)} of the batch, ${side}×${side} grey pixels each, in rows of ${per}, left to right; black is 0, white is 1. Their classes are listed next to it.`);
    thumbCaption.textContent = `Rows 0–${n - 1} of the input: ${shown} of the batch, drawn from the values that entered the network (black 0, white 1).`;
    labelsHead.textContent = `Classes of images 0–${n - 1} (row by row, left to right):`;
  }

  function drawRandom(model, rows, cols, s) {
    // one canvas pixel per value; CSS scales it up by whole numbers (no value is hidden)
    drawHeatmap(heat, model.input.data, rows, cols, { scale: 'diverging', min: s.min, max: s.max, cell: 1 });
    const sx = Math.max(1, Math.min(12, Math.floor(720 / Math.max(1, cols))));
    const sy = Math.max(1, Math.min(12, Math.floor(240 / Math.max(1, rows))));
    heat.style.width = `${cols * sx}px`;
    heat.style.height = `${rows * sy}px`;
    const m = Math.max(Math.abs(s.min), Math.abs(s.max));
    lo.textContent = fmtNum(-m);
    hi.textContent = fmtNum(m);
    heat.setAttribute('aria-label', `Heatmap of the random normal input, ${rows} rows (samples) by ${cols} columns (features); blue below zero, white zero, orange above, up to ±${fmtNum(m)}. Its statistics are in the table below.`);
    heatCaption.textContent = 'The whole input batch: one row per sample, one column per feature.';
  }

  function update(model) {
    const input = model.input;
    if (!input) return;
    const shape = input.shape;
    const rows = shape[0];
    const cols = shape.length > 1 ? shape.at(-1) : 1;
    const fashion = model.images?.image && cols === model.images.rows * model.images.cols ? model.images : null;
    const key = `${fashion ? fashion.dataset : model.images ? 'own' : 'random'}|${shape.join('x')}|${model.state.seed}|${model.state.draw}`;
    if (key === drawnKey) return;
    drawnKey = key;

    const s = input.stats(); // the core's statistics of the batch
    fashionBox.hidden = !fashion;
    randomBox.hidden = !!fashion;
    if (fashion) {
      shapeLine.textContent = `Shape ${fmtShape(shape)}: ${rows} row${rows === 1 ? '' : 's'}, one per image. One row is one image: ${fashion.rows}×${fashion.cols} = ${cols} pixel values, flattened into ${cols} features.`;
      note.textContent = fashion.dataset === 'own'
        ? `Your images, held-out rows (${fashion.count} of them); the seed picks which ones. ${fashion.normalisation}.`
        : `${fashion.name} held-out images (a sample of ${fashion.count}); the seed picks which ones. Pixels 0–255 are divided by 255 in the core, so every value is in [0, 1].`;
      drawFashion(model, fashion, rows, cols);
    } else {
      shapeLine.textContent = `Shape ${fmtShape(shape)}: ${rows} row${rows === 1 ? '' : 's'}, one per sample. One row is one input of ${cols} features (for images, one image = 784 features).`;
      note.textContent = model.images
        ? `Your data: ${model.images.count} held-out rows of ${cols} features (the seed picks which ones), ${model.images.normalisation}.`
        : model.state.input === 'data'
        ? 'The dataset\'s sample is not loaded here, so the batch is random normal values instead.'
        : 'Random normal values (mean 0, std 1), drawn by the core from the page seed\'s input stream: change the seed for another batch.';
      drawRandom(model, rows, cols, s);
    }

    statsCaption.textContent = `The input batch ${fmtShape(shape)}: statistics from the core`;
    const cells = [['values', fmtInt(s.count)], ['mean', fmtNum(s.mean)], ['std', fmtNum(s.std)], ['min', fmtNum(s.min)], ['max', fmtNum(s.max)], ['exact zeros', fmtInt(s.zeros)]];
    statsHead.replaceChildren(el('tr', {}, ...cells.map(([name]) => el('th', { scope: 'col', text: name }))));
    statsBody.replaceChildren(el('tr', {}, ...cells.map(([, value]) => el('td', { className: 'mono', text: value }))));
  }

  return { update };
}
