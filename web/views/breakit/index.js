// "Break it, on purpose": the lesson's common mistakes, each one click,
// each measured by the core and explained (experiments.js does the work;
// this file runs it in slices, web/train/slices.js, as the training
// session does, and shows what it measured). A result stays
// until a setting it depends on changes (the network, seed, init, batch,
// optimizer, learning rate, or the page's weights).

import { BreakSession, EXPERIMENTS, PASSES, SHORT, settingsKey } from './experiments.js';
import { loadTrainingData, trainFiles } from '../../train/data.js';
import { trainSettings } from '../../train/controller.js';
import { SliceLoop, SLICE_MS } from '../../train/slices.js';
import { el, viewLevel } from '../../dom.js';
import { fmtInt, fmtLoss, fmtNum, fmtPct } from '../../format.js';
import { css, viridis } from '../../draw/colormap.js';

const ORDER = ['dropout-eval', 'normal-init', 'zeros', 'no-bias', 'lr10'];

const TEXT = {
  'dropout-eval': {
    title: 'Dropout left on at evaluation',
    mistake: 'Forgetting model.eval() before measuring: every Dropout keeps dropping units, so each pass is a different, thinned network.',
  },
  'normal-init': {
    title: 'Weights drawn from N(0, 1)',
    mistake: 'Initialising every weight with randn() and no √(1/in): each layer multiplies the spread of the signal by about √in.',
  },
  zeros: {
    title: 'Every weight zero',
    mistake: 'Starting all weights at 0 (it looks neutral): every hidden unit computes the same thing and gets the same update.',
  },
  'no-bias': {
    title: 'A missing bias',
    mistake: 'A Linear without its bias: y = xW, so every unit\'s output is 0 for a blank input and it cannot shift its threshold.',
  },
  lr10: {
    title: 'A learning rate ten times too high',
    mistake: 'Steps too large for the loss surface: the loss jumps instead of falling, and can blow up to infinity or NaN.',
  },
};

export function mountBreakit(host, app) {
  const { api } = app;
  const level = viewLevel();
  const sub = `h${level + 1}`;
  const runAll = el('button', { type: 'button', text: 'Run all five', 'data-testid': 'bk-all' });
  const status = el('p', { className: 'tt-bk-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'bk-status' });
  const cards = {};
  for (const key of ORDER) {
    const button = el('button', { type: 'button', text: 'Run it', 'data-testid': `bk-run-${key}` });
    const state = el('p', { className: 'tt-bk-state', 'data-testid': `bk-state-${key}` });
    const result = el('div', { className: 'tt-bk-result', 'data-testid': `bk-result-${key}` });
    const extra = [];
    if (key === 'lr10') {
      const factor = el('select', { 'data-testid': 'bk-factor' }, el('option', { value: '10', text: '× 10' }), el('option', { value: '100', text: '× 100' }));
      const optim = el('select', { 'data-testid': 'bk-optim' }, el('option', { value: 'sgd', text: 'SGD with momentum' }), el('option', { value: 'adam', text: 'Adam' }));
      extra.push(el('label', { className: 'tt-bk-factor' }, 'learning rate ', factor), el('label', { className: 'tt-bk-factor' }, 'with ', optim));
      cards.factor = factor;
      cards.optim = optim;
    }
    button.addEventListener('click', () => enqueue([key]));
    cards[key] = { button, state, result };
    host.append(el('section', { className: 'tt-bk-card', 'aria-label': TEXT[key].title, 'data-testid': `bk-card-${key}` },
      el(sub, { text: TEXT[key].title }),
      el('p', { className: 'tt-bk-mistake', text: TEXT[key].mistake }),
      el('div', { className: 'tt-bk-controls' }, button, ...extra), state, result));
  }
  const cardsBox = el('div', { className: 'tt-bk-cards' }, ...ORDER.map((k) => cards[k].button.closest('section')));
  host.replaceChildren(
    el(`h${level}`, { text: 'Break it, on purpose' }),
    el('p', { className: 'tt-bk-intro', text: `Each button makes one of the lesson's common mistakes and measures what it does. Where the page has no trained network, an experiment trains a fresh one: the page's network and training settings on ${fmtInt(SHORT.trainSize)} images for ${SHORT.epochs} epochs, evaluated on ${fmtInt(SHORT.valSize)} test images, once done right (the baseline, trained once and shared) and once with the mistake. The work runs in slices between frames, so the page stays responsive.` }),
    el('div', { className: 'tt-bk-controls' }, runAll), status, cardsBox,
  );
  runAll.addEventListener('click', () => enqueue(ORDER));

  let session = null;
  let sessionKey = '';
  let data = null;
  let loading = false;
  let queue = [];
  let current = null; // { key, gen }
  // slices of the experiments as tasks of their own, the card's progress at most every PROGRESS_EVERY_MS (web/train/slices.js)
  const loop = new SliceLoop(slice, () => { if (current) progress(); });
  let model = null;
  const exposed = { results: {}, busy: false };
  host.ttBreakit = exposed; // for the browser tests and curious students' devtools

  function trainedNetwork() {
    if (app.weights?.source !== 'trained' || !model || model.error) return null;
    return { layers: model.layers.map((r) => r.layer), specs: model.layers.map((r) => r.spec), label: app.weights.label };
  }

  function enqueue(keys) {
    for (const k of keys) if (!queue.includes(k) && current?.key !== k) queue.push(k);
    for (const k of keys) if (current?.key !== k) cards[k].state.textContent = 'Waiting…';
    start();
  }

  async function start() {
    if (current || loading) return;
    const dataset = trainSettings(app.state, app.userData).dataset;
    if (!data || data.dataset !== dataset) {
      session?.dispose();
      session = null;
      if (dataset === 'own') {
        data = app.userData;
      } else {
        status.textContent = 'Loading the training images…';
        loading = true;
        try {
          data = await loadTrainingData(dataset, app.assetUrl);
        } catch (e) {
          status.textContent = `${e.message}. The training data (${trainFiles(dataset).bin}) is made by scripts/build.sh next to the page's script.`;
          queue = [];
          for (const k of ORDER) if (cards[k].state.textContent === 'Waiting…') cards[k].state.textContent = '';
          return;
        } finally {
          loading = false;
        }
      }
      if (!data) {
        status.textContent = 'There is no data to train on: choose a dataset in the editor.';
        queue = [];
        return;
      }
    }
    next();
  }

  function next() {
    const key = queue.shift();
    if (!key) {
      current = null;
      loop.close();
      exposed.busy = false;
      status.textContent = 'Done.';
      setButtons();
      return;
    }
    if (!session) {
      session = new BreakSession(api, app.state, data, trainedNetwork(), app.userData);
    }
    session.factor = Number(cards.factor.value);
    session.optimizer = cards.optim.value;
    session.trained = trainedNetwork(); // the page's trained network as it is now (dropout-eval uses it)
    current = { key, gen: session.run(key), t0: performance.now() };
    exposed.busy = true;
    cards[key].state.textContent = 'Running…';
    status.textContent = `Running “${TEXT[key].title}”…`;
    setButtons();
    loop.post();
  }

  function setButtons() {
    for (const k of ORDER) cards[k].button.disabled = Boolean(current);
    runAll.disabled = Boolean(current);
  }

  // One slice: units until SLICE_MS (a unit that would overrun is not started), then the next slice.
  function slice() {
    if (!current) return;
    const t0 = performance.now();
    let last = 0;
    try {
      for (;;) {
        const u0 = performance.now();
        const r = current.gen.next();
        last = performance.now() - u0;
        if (r.done) {
          finish(current.key, r.value);
          return;
        }
        if (performance.now() - t0 + last > SLICE_MS) break;
      }
    } catch (e) {
      cards[current.key].state.textContent = `It could not run: ${String(e.message).slice(0, 300)}`;
      current = null;
      loop.close();
      queue = [];
      exposed.busy = false;
      status.textContent = '';
      setButtons();
      return;
    }
    loop.progressSoon();
    loop.post();
  }

  function progress() {
    const jobs = [session.baseJob, ...session.jobs.values()].filter(Boolean);
    const running = jobs.find((j) => j.trainer && !j.done);
    const card = cards[current.key];
    if (running) {
      const t = running.trainer;
      card.state.textContent = `Training ${running === session.baseJob ? 'the baseline' : 'with the mistake'}: step ${fmtInt(t.stepsDone)} of ${fmtInt(t.totalSteps)}…`;
    } else {
      card.state.textContent = 'Measuring…';
    }
  }

  function finish(key, result) {
    const ms = performance.now() - current.t0;
    current = null;
    exposed.results[key] = result;
    cards[key].state.textContent = `Measured in ${(ms / 1000).toFixed(1)} s.`;
    show(key, result);
    next();
  }

  // ---- what each experiment shows -------------------------------------------
  const table = (caption, head, rows, testid) => el('div', { className: 'table-wrap' }, el('table', { 'data-testid': testid },
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => (i === 0 ? el('th', { scope: 'row', text: c }) : el('td', { className: 'mono', text: c }))))))));
  const p = (text, testid) => el('p', { text, 'data-testid': testid });
  const runName = (r) => (r.source === 'trained' ? `the page's network (${r.label ?? 'trained'})` : `a fresh run (${fmtInt(session?.config.trainSize ?? SHORT.trainSize)} images, ${SHORT.epochs} epochs)`);
  const lossText = (v) => (Number.isFinite(v) ? fmtLoss(v) : fmtNum(v));
  const lrText = (v) => String(Number(v.toPrecision(3)));

  function show(key, r) {
    const box = cards[key].result;
    const parts = [];
    if (key === 'dropout-eval') {
      if (!r.hasDropout) {
        parts.push(p('The page\'s network has no Dropout with p > 0, so evaluation mode changes nothing here. Add a Dropout layer in the editor and run it again.'));
      } else {
        parts.push(p(`On ${fmtInt(r.rows)} test images, ${runName(r)} gets ${fmtPct(r.evalAcc)} right in eval mode (loss ${fmtLoss(r.evalLoss)}), the same on every pass. With Dropout left on, ${PASSES} passes got ${fmtPct(r.min)} to ${fmtPct(r.max)} right (mean ${fmtPct(r.mean)}): each pass is a different thinned network, and ${fmtInt(r.changed)} of the ${fmtInt(r.rows)} images got a different class in at least one pass.`, 'bk-dropout-summary'));
        parts.push(p('Why: in training, Dropout zeroes units at random and scales the survivors by 1/(1 − p), so the average signal is right but each pass is noisy; the network was never meant to be used that way. model.eval() turns every Dropout into the identity, so the answer is deterministic and uses every unit.'));
        parts.push(table(`Accuracy of each pass with Dropout on (eval mode: ${fmtPct(r.evalAcc)})`, ['pass', 'accuracy', 'loss'],
          r.passes.map((q, k) => [String(k + 1), fmtPct(q.acc), fmtLoss(q.loss)]), 'bk-dropout-table'));
      }
    } else if (key === 'normal-init') {
      const b = r.base;
      const n = r.broken;
      const names = session.config.net.map((s, i) => `${i}: ${s.kind === 'linear' ? `Linear(${s.in}→${s.out})` : s.kind}`);
      parts.push(p(`Before training the loss is ${lossText(n.start.valLoss)} with N(0, 1) weights against ${lossText(b.start.valLoss)} with the page's init (${session.config.init}); a guess among 10 classes costs ln 10 ≈ 2.303. After ${SHORT.epochs} epochs: ${lossText(n.final.valLoss)} and ${fmtPct(n.final.valAcc)} right, against ${lossText(b.final.valLoss)} and ${fmtPct(b.final.valAcc)}.${n.diverged ? ` The loss became ${fmtNum(n.diverged.loss)} at step ${fmtInt(n.diverged.step)}: training stopped there.` : ''}`, 'bk-normal-summary'));
      parts.push(p('Why: a Linear layer sums in products; with weights of standard deviation 1 the sum\'s spread grows by about √in (√784 = 28) per layer, so the scores reach the thousands and softmax is one-hot: the network is sure, and wrong, and its gradients are huge or zero. √(1/in) keeps the spread steady.'));
      parts.push(table('Standard deviation of each layer\'s output at initialisation (the first 200 test images, from the core)', ['layer', `page's init (${session.config.init})`, 'N(0, 1)'],
        names.map((name, i) => [name, fmtNum(b.init.stats[i].std), fmtNum(n.init.stats[i].std)]), 'bk-normal-table'));
    } else if (key === 'zeros') {
      const b = r.base;
      const z = r.broken;
      parts.push(p(`After ${SHORT.epochs} epochs from all-zero weights the loss is ${lossText(z.final.valLoss)} (it started at ${lossText(z.start.valLoss)}: ln 10 ≈ 2.303, a uniform guess) and ${fmtPct(z.final.valAcc)} of the test images are right; done right: ${lossText(b.final.valLoss)} and ${fmtPct(b.final.valAcc)}.`, 'bk-zeros-summary'));
      parts.push(p('Why: with every weight 0 every hidden unit computes the same output (0) and receives the same gradient, so no step can make two of them differ: a layer of 256 units is worth one. Here the gradient reaching the hidden weights is even exactly 0 (it is multiplied by the next layer\'s zero weights), so only the last bias learns, which is how common each class is. Random initial weights break this symmetry.'));
      parts.push(table('How far the units of each Linear are from their mean unit after training (largest |difference|, from the core): 0 means every unit is identical', ['layer', 'units', 'weights: done right', 'weights: all zeros', 'outputs: done right', 'outputs: all zeros'],
        z.spread.map((s, i) => [`${s.index}: Linear`, fmtInt(s.units), fmtNum(b.spread[i].weight), fmtNum(s.weight), fmtNum(b.spread[i].output), fmtNum(s.output)]), 'bk-zeros-table'));
    } else if (key === 'no-bias') {
      const b = r.base;
      const n = r.broken;
      const range = (a) => `${fmtPct(Math.min(...a))} to ${fmtPct(Math.max(...a))}`;
      parts.push(p(`Without biases the network has ${fmtInt(n.params)} parameters instead of ${fmtInt(b.params)}. After ${SHORT.epochs} epochs: loss ${lossText(n.final.valLoss)}, ${fmtPct(n.final.valAcc)} right, against ${lossText(b.final.valLoss)} and ${fmtPct(b.final.valAcc)} with biases. On a blank image (every pixel 0) the network without biases gives every class ${range(n.blank)}, whatever it learnt; with biases: ${range(b.blank)}.`, 'bk-nobias-summary'));
      parts.push(p('Why: without a bias, y = xW is 0 wherever x is 0, and a ReLU unit can only switch on where its weighted sum is positive: it cannot move its threshold. On images like these the other weights make up for most of it, so the difference in accuracy is small; a blank input shows what is lost. A bias can be left out when the next operation removes it anyway (a normalisation layer).'));
    } else if (key === 'lr10') {
      const b = r.base;
      const h = r.broken;
      const worst = (s) => s.reduce((best, v, i) => (Number.isFinite(v) && v > s[best] ? i : best), 0);
      const wb = worst(b.steps);
      const wh = worst(h.steps);
      const canvas = el('canvas', { role: 'img', className: 'tt-bk-chart', 'data-testid': 'bk-lr-chart' });
      const mark = h.diverged ? h.diverged.step - 1 : wh;
      drawSteps(canvas, [
        { name: `lr ${lrText(b.lr)}`, values: b.steps, color: css(viridis(0.25)) },
        { name: `lr ${lrText(h.lr)}`, values: h.steps, color: 'rgb(214 39 40)' },
      ], mark, h.diverged ? `NaN at step ${h.diverged.step}` : `worst: step ${wh + 1}`);
      canvas.setAttribute('aria-label', `Training loss per step: at lr ${lrText(b.lr)} it starts at ${lossText(b.steps[0])} and ends at ${lossText(b.steps.at(-1))}; at lr ${lrText(h.lr)} it ${h.diverged ? `became ${fmtNum(h.diverged.loss)} at step ${h.diverged.step}` : `peaked at ${lossText(h.steps[wh])} at step ${wh + 1} and ended at ${lossText(h.steps.at(-1))}`}.`);
      const optName = (o) => (o === 'adam' ? 'Adam' : 'SGD with momentum');
      parts.push(p(`${optName(r.optimizer)} at lr ${lrText(h.lr)}, ${r.factor} times ${lrText(b.lr)}${r.optimizer === r.pageOptimizer ? ' (the page\'s rate)' : ` (its default rate; the page trains with ${optName(r.pageOptimizer)})`}: ${h.diverged ? `the loss became ${fmtNum(h.diverged.loss)} at step ${fmtInt(h.diverged.step)} (epoch ${h.diverged.epoch}), and training stops there.` : `the training loss jumped to ${lossText(h.steps[wh])} at step ${wh + 1} (the marked point; at lr ${lrText(b.lr)} its worst step was ${lossText(b.steps[wb])}). After ${SHORT.epochs} epochs the test loss is ${lossText(h.final.valLoss)} with ${fmtPct(h.final.valAcc)} right, against ${lossText(b.final.valLoss)} and ${fmtPct(b.final.valAcc)}.`}`, 'bk-lr-summary'));
      parts.push(p('Why: a step moves each weight by lr times its gradient (with momentum, by more). Too large a step jumps past the valley the loss is in, to where the loss is higher and the gradient steeper; ReLU units pushed far negative stop answering for good, and the network can end up guessing, or the loss grows without bound (inf, then NaN). Adam scales each weight\'s step to about lr whatever the gradient, so ten times its default rate still trains this network: try Adam at × 100.'));
      parts.push(el('figure', { className: 'tt-bk-figure' }, canvas, el('figcaption', { text: 'Training loss at every step (log scale), the page\'s rate and the mistake; the red mark is the worst step, or where the loss stopped being a number.' })));
    }
    box.replaceChildren(...parts);
  }

  function clearAll(reason) {
    loop.close();
    current = null;
    queue = [];
    session?.dispose();
    session = null;
    exposed.results = {};
    exposed.busy = false;
    setButtons();
    for (const k of ORDER) {
      cards[k].result.replaceChildren();
      cards[k].state.textContent = reason;
    }
  }

  function update(m) {
    model = m;
    const key = settingsKey(m.state, app.userData);
    if (key !== sessionKey) {
      const had = Boolean(session) || Object.keys(exposed.results).length > 0 || Boolean(current);
      sessionKey = key;
      clearAll(had ? 'The settings changed: run it again to measure the new network.' : '');
      status.textContent = had ? 'The settings changed, so the earlier results were cleared.' : '';
    }
  }

  return { update };
}

/** Loss per step on a log axis, with a vertical mark at step index `mark`. */
function drawSteps(canvas, series, mark, markLabel) {
  const W = 360;
  const H = 170;
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(W * ratio);
  canvas.height = Math.round(H * ratio);
  canvas.style.width = `${W}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.font = '11px system-ui, sans-serif';
  const left = 40;
  const right = 8;
  const top = 14;
  const bottom = 20;
  const all = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v) && v > 0));
  const lo = Math.log10(Math.min(...all));
  const hi = Math.log10(Math.max(...all));
  const span = Math.max(1e-6, hi - lo);
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i) => left + ((W - left - right) * i) / Math.max(1, n - 1);
  const y = (v) => top + (H - top - bottom) * (1 - (Math.log10(v) - lo) / span);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(left, top, W - left - right, H - top - bottom);
  ctx.fillStyle = '#555';
  ctx.textAlign = 'right';
  ctx.fillText(fmtNum(10 ** hi), left - 3, top + 4);
  ctx.fillText(fmtNum(10 ** lo), left - 3, H - bottom);
  ctx.textAlign = 'center';
  ctx.fillText(`step (1 to ${n})`, left + (W - left - right) / 2, H - 4);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let on = false;
    s.values.forEach((v, i) => {
      if (!(Number.isFinite(v) && v > 0)) { on = false; return; }
      if (on) ctx.lineTo(x(i), y(v)); else ctx.moveTo(x(i), y(v));
      on = true;
    });
    ctx.stroke();
  }
  if (mark >= 0) {
    ctx.strokeStyle = 'rgb(214 39 40)';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x(mark), top);
    ctx.lineTo(x(mark), H - bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = 'rgb(160 20 20)';
    ctx.textAlign = x(mark) > W / 2 ? 'right' : 'left';
    ctx.fillText(markLabel, x(mark) + (x(mark) > W / 2 ? -4 : 4), top + 12);
  }
  // legend
  ctx.textAlign = 'left';
  series.forEach((s, i) => {
    ctx.fillStyle = s.color;
    ctx.fillRect(left + 6 + i * 110, H - bottom - 12, 10, 3);
    ctx.fillStyle = '#333';
    ctx.fillText(s.name, left + 20 + i * 110, H - bottom - 7);
  });
}

export { EXPERIMENTS };
