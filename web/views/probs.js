// What the network says about each image: the softmax of its last output
// (api.Softmax, run by the core on a copy inside tidy), the predicted class
// (the largest probability) and, for the dataset's images, the true label; then
// the confusion between classes on held-out test images: the page's
// network run by the core (its Sequential, in evaluation mode) on up to
// CONFUSION_ROWS test images, each counted at (true class, predicted
// class). At the random init the predictions are chance; with the trained
// weights (the "Weights shown" switch, web/views/weights-switch.js) they
// are the trained network's. If the network already ends in a Softmax its
// output is shown as it is.

import { drawBars } from '../draw/charts.js';
import { drawHeatmap } from '../draw/heatmap.js';
import { fmtInt, fmtPct } from '../format.js';
import { el, tableRegion, viewLevel } from '../dom.js';
import { weightsSwitch } from './weights-switch.js';

const SHOWN = 8; // images shown
/** Test images the confusion matrix counts (the first ones of the set), and rows per forward pass. */
export const CONFUSION_ROWS = 1000;
const CHUNK = 250;

/**
 * The test images the confusion counts: the training data's test set once
 * it is loaded (the images the runs are validated on), else the page's own
 * sample. { count, features, scale (255: bytes 0..255; 1: values as they
 * are), pixels, labels, classes, what } or null.
 */
export function confusionImages(app) {
  const d = app.training?.data;
  if (d?.test) {
    return { count: Math.min(CONFUSION_ROWS, d.test.count), features: d.features ?? d.rows * d.cols, scale: d.scale ?? 255, pixels: d.test.pixels, labels: d.test.labels, classes: Array.isArray(d.classes) ? d.classes : app.images?.classes, what: 'test images (the runs\' validation images, never trained on)' };
  }
  const f = app.images;
  if (f) return { count: Math.min(CONFUSION_ROWS, f.count), features: f.features ?? f.rows * f.cols, scale: f.scale ?? 255, pixels: f.pixels, labels: f.labels, classes: f.classes, what: 'images of the page\'s sample' };
  return null;
}

/**
 * Count (true, predicted) over the images: the sequential run by the core
 * in evaluation mode (Dropout off) on rows [from, to), pixels / scale by
 * the core (as the trainer scales them). Adds into `counts` (Int32Array C*C); returns the rows counted.
 */
export function countConfusion(api, sequential, data, from, to, C, counts) {
  const px = data.features;
  const was = sequential.training;
  sequential.eval();
  try {
    for (let i = from; i < to; i += CHUNK) {
      const m = Math.min(CHUNK, to - i);
      const logits = api.tidy(() => api.noGrad(() => {
        const x = new api.Tensor(Float32Array.from(data.pixels.subarray(i * px, (i + m) * px)), { shape: [m, px] });
        return sequential.forward(data.scale === 1 ? x : x.div(data.scale)).data;
      }));
      for (let r = 0; r < m; r++) {
        let best = 0;
        for (let k = 1; k < C; k++) if (logits[r * C + k] > logits[r * C + best]) best = k;
        counts[data.labels[i + r] * C + best]++;
      }
    }
  } finally {
    sequential.train(was);
  }
  return to - from;
}

export function mountProbs(host, app) {
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const { api } = app;
  const shown = weightsSwitch(app);
  const summary = el('p', { className: 'tt-pr-summary', 'data-testid': 'pr-summary' });
  const grid = el('div', { className: 'tt-pr-grid' });
  const tbody = el('tbody');
  const thead = el('thead');
  const table = el('table', { className: 'tt-pr-table', 'data-testid': 'pr-table' },
    el('caption', { text: 'Softmax probabilities per image (percent), from the core' }), thead, tbody);
  const none = el('p', { className: 'tt-pr-none', hidden: true });

  // the confusion matrix
  const confTitle = el(`h${level + 1}`, { text: 'Which classes it confuses' });
  const confText = el('p', { className: 'tt-pr-conf-text', 'data-testid': 'pr-conf-text' });
  const confCanvas = el('canvas', { role: 'img', className: 'tt-pr-conf', 'data-testid': 'pr-conf' });
  const confHead = el('thead');
  const confBody = el('tbody');
  const confCaption = el('caption', { text: 'Confusion matrix: rows are the true class, columns the predicted class' });
  const confTable = el('table', { className: 'tt-pr-conf-table', 'data-testid': 'pr-conf-table' }, confCaption, confHead, confBody);
  const confBox = el('section', { className: 'tt-pr-confbox', 'data-testid': 'pr-confbox' },
    confTitle, confText, el('figure', { className: 'tt-pr-conf-fig' }, confCanvas,
      el('figcaption', { className: 'tt-pr-conf-key', text: 'Rows: the true class (first at the top); columns: the predicted class (first at the left). Colour: the share of the row\'s images (dark: none, yellow: all), so the diagonal is what the network gets right.' })),
    el('details', { className: 'tt-pr-details' }, el('summary', { text: 'The confusion matrix as a table' }), tableRegion(confTable, 'Confusion matrix (table)')));

  host.append(
    el(`h${level}`, { text: 'Softmax: what the network predicts' }),
    el('p', { className: 'tt-pr-intro', text: 'Softmax turns each row of scores into probabilities that sum to 1: pᵢ = exp(zᵢ) / Σⱼ exp(zⱼ). The predicted class is the one with the largest probability.' }),
    shown.element, none, summary, grid, el('details', { className: 'tt-pr-details' }, el('summary', { text: 'All probabilities as a table' }), tableRegion(table, 'Softmax probabilities per image (table)')),
    confBox,
  );

  let cards = [];
  // the confusion being counted or shown: { sequential, data, counts, done, C }
  let conf = null;

  function card() {
    const img = el('canvas', { role: 'img', className: 'tt-pr-img', 'data-testid': 'pr-img' });
    const bars = el('canvas', { role: 'img', className: 'tt-pr-bars', 'data-testid': 'pr-bars' });
    const text = el('p', { className: 'tt-pr-text', 'data-testid': 'pr-text' });
    return { fig: el('figure', { className: 'tt-pr-card', 'data-testid': 'pr-card' }, img, bars, text), img, bars, text };
  }

  function drawConfusion(names, model) {
    const { counts, C, done, data } = conf;
    let right = 0;
    for (let k = 0; k < C; k++) right += counts[k * C + k];
    const classOf = (k) => (names ? names[k] : `class ${k}`);
    confCanvas.dataset.rows = String(done);
    confCanvas.dataset.counts = counts.join(',');
    if (done < data.count) {
      confText.textContent = `Counting ${fmtInt(data.count)} ${data.what}… (${fmtInt(done)} so far)`;
      return;
    }
    // the largest confusion off the diagonal, for the text
    let worst = null;
    for (let t = 0; t < C; t++) for (let p = 0; p < C; p++) if (t !== p && (!worst || counts[t * C + p] > counts[worst.t * C + worst.p])) worst = { t, p };
    const w = model.weights ?? app.weights;
    confText.textContent = `The network with the ${w?.label ?? 'initial weights'}, run by the core in evaluation mode on ${fmtInt(done)} ${data.what}: ${fmtInt(right)} right (${fmtPct(right, done)}).`
      + (worst && counts[worst.t * C + worst.p] > 0 ? ` The most frequent mistake: ${fmtInt(counts[worst.t * C + worst.p])} images of ${classOf(worst.t)} taken for ${classOf(worst.p)}.` : '');
    confText.dataset.correct = String(right);
    // each row as a share of its class, so rare and common classes read alike
    const shares = new Float32Array(C * C);
    for (let t = 0; t < C; t++) {
      let n = 0;
      for (let p = 0; p < C; p++) n += counts[t * C + p];
      for (let p = 0; p < C; p++) shares[t * C + p] = n ? counts[t * C + p] / n : 0;
    }
    drawHeatmap(confCanvas, shares, C, C, { scale: 'viridis', min: 0, max: 1, cell: Math.max(8, Math.floor(200 / C)) });
    confCanvas.setAttribute('aria-label', `Confusion matrix of ${fmtInt(done)} test images, ${C} classes: the diagonal (right) holds ${fmtInt(right)}; the table below has every count.`);
    confHead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'true \\ predicted' }), ...Array.from({ length: C }, (_, k) => el('th', { scope: 'col', text: classOf(k) }))));
    confBody.replaceChildren(...Array.from({ length: C }, (_, t) => el('tr', {},
      el('th', { scope: 'row', text: classOf(t) }),
      ...Array.from({ length: C }, (_, p) => el('td', { className: `mono${t === p ? ' tt-pr-diag' : ''}`, text: fmtInt(counts[t * C + p]) })))));
  }

  /** Count the next chunk when the page is quiet; redraw. */
  function countMore(names, model, current) {
    if (conf !== current || app.model !== model) return; // a newer network or weights: its own count is scheduled
    const { data } = conf;
    const to = Math.min(data.count, conf.done + CHUNK);
    try {
      conf.done += countConfusion(api, model.sequential, data, conf.done, to, conf.C, conf.counts);
    } catch (e) {
      confText.textContent = `The test images could not be run: ${e.message}`;
      conf.done = data.count;
      return;
    }
    drawConfusion(names, model);
    if (conf.done < data.count) app.whenQuiet('probs-confusion', () => countMore(names, model, current));
  }

  function updateConfusion(model, C) {
    const data = confusionImages(app);
    const names = data?.classes?.length === C ? data.classes : null;
    const first = model.state.net.find((s) => s.kind === 'linear');
    const fits = data && names && model.sequential && !model.error && first && first.in === data.features;
    confBox.hidden = !fits;
    if (!fits) {
      conf = null;
      return;
    }
    if (conf && conf.sequential === model.sequential && conf.data.pixels === data.pixels && conf.C === C) {
      if (conf.done >= conf.data.count) return;
    } else {
      conf = { sequential: model.sequential, data, counts: new Int32Array(C * C), done: 0, C };
    }
    const current = conf;
    drawConfusion(names, model);
    if (app.whenQuiet) app.whenQuiet('probs-confusion', () => countMore(names, model, current));
    else while (conf === current && conf.done < data.count) countMore(names, model, current);
  }

  function update(model) {
    shown.update();
    const last = model.layers.at(-1);
    const out = model.layers.length ? last?.output : model.input;
    if (!out || out.shape.length !== 2) {
      none.hidden = false;
      none.textContent = 'The network did not produce an output (the chain broke): there is nothing to turn into probabilities.';
      summary.hidden = true;
      grid.hidden = true;
      confBox.hidden = true;
      conf = null;
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
    const trained = (model.weights?.source ?? 'initial') !== 'initial';
    const guess = trained ? '' : ` (an untrained network guesses: about 1 in ${C})`;
    summary.textContent = `${ends ? 'The network ends in a Softmax; its output is shown as it is.' : `Softmax of layer ${model.layers.length - 1}'s output, ${fmtInt(M)} × ${fmtInt(C)}.`} ${images && names ? `${right} of the first ${n} predictions are right${guess}.` : ''}`;
    summary.dataset.right = String(right);

    // the table: the first images, every class
    const cols = Math.min(C, 12);
    thead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'image' }), ...Array.from({ length: cols }, (_, k) => el('th', { scope: 'col', text: classOf(k) })), el('th', { scope: 'col', text: 'predicted' })));
    tbody.replaceChildren(...Array.from({ length: n }, (_, r) => el('tr', {},
      el('th', { scope: 'row', text: String(r) }),
      ...Array.from({ length: cols }, (_, k) => el('td', { className: 'mono', text: fmtPct(probs[r * C + k]) })),
      el('td', { text: classOf(preds[r]) }))));

    updateConfusion(model, C); // test images, whatever the input batch is
  }

  return { update };
}
