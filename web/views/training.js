// "Does Dropout help?": the editor's network trained twice from the same
// initial weights on the same images in the same order, once as built and
// once with every Dropout at a comparison p (0: no Dropout), with live
// learning curves. Loss first: that is where Dropout's effect shows, the
// validation loss of the run without it climbing while its training loss
// falls to zero. The training runs in web/train/ (the core does every
// step); this view sets it up, starts and stops it, and draws its history.
// A run whose loss turns NaN or Infinity is shown as diverged: the curves
// so far stay, a line marks the step, and the view says why and offers the
// learning rate the trainer suggests (Play, Reset and the settings work as
// before).

import { el, tableRegion, viewLevel, watchWidth } from '../dom.js';
import { blueOrange } from '../draw/colormap.js';
import { drawCurves } from '../train/curves.js';
import { fmtLoss, fmtPct, fmtInt, fmtMs } from '../format.js';
import { trainingFor, TRAIN_SIZES, LEARNING_RATES, COMPARE_PS, OPTIMIZERS, EPOCHS_MAX } from '../train/controller.js';

let uid = 0;

/** Run colours: orange for the network as built, blue for the comparison (the blue-orange scale's ends; training.css has the same two). */
export const RUN_COLORS = [blueOrange(1), blueOrange(0)];

const fmtAcc = (v) => fmtPct(v); // a fraction of the images, as a percentage

/** Why a run diverged, in the words of the lesson: which run, from which step, what to try. */
export function divergedText(t, d) {
  const which = t.runs.length > 1 ? `the ${d.run === 'built' ? 'network as built' : 'comparison run'}'s` : 'the';
  const epochs = t.history.length ? ` The curves show the ${t.history.length === 1 ? 'epoch' : `${t.history.length} epochs`} measured before it.` : '';
  const why = `the learning rate ${d.lr} is too high for this network: each step overshot, the weights grew until the numbers overflowed, and from then on every result is ${d.loss}.`;
  const next = d.suggestion
    ? ` Try ${d.suggestion}, ${Math.round(d.lr / d.suggestion)} times smaller (or change the optimizer), then Play again.`
    : ' It is already the smallest rate on offer: try Adam, a smaller batch or fewer layers, then Play again.';
  return `Diverged: ${which} loss is ${d.loss} from step ${d.step} (epoch ${d.epoch}): ${why}${next}${epochs}`;
}

function select(id, testid, options, onChange) {
  const s = el('select', { id, 'data-testid': testid }, options.map(([value, text]) => el('option', { value: String(value), text })));
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

export function mountTraining(host, app) {
  const id = `tt-train-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const size = watchWidth(host, app);
  const ctrl = trainingFor(app);

  const title = el(`h${level}`, { text: 'Does Dropout help? Train it and see' });
  const intro = el('p', { className: 'tt-train-intro', text: 'The network from the editor is trained twice, side by side: once as built and once with every Dropout layer set to the p chosen below (p = 0 means no Dropout at all). Both start from the same weights and see the same images in the same order, so Dropout is the only difference. On a small training set the run without Dropout learns its images by heart: its training loss falls towards zero while its validation loss, on images it never saw, turns and climbs. The loss shows this first and most clearly; accuracy follows.' });

  const field = (label, control) => el('span', { className: 'tt-train-field' }, el('label', { for: control.id, text: label }), control);
  const tsize = select(`${id}-tsize`, 'train-size', TRAIN_SIZES.map((n) => [n, `${n} images`]), (v) => app.setState({ tsize: Number(v) }));
  const epochs = el('input', { id: `${id}-epochs`, type: 'number', min: '1', max: String(EPOCHS_MAX), step: '1', inputmode: 'numeric', 'data-testid': 'train-epochs' });
  epochs.addEventListener('change', () => {
    const v = Math.round(Number(epochs.value));
    if (Number.isFinite(v) && v >= 1 && v <= EPOCHS_MAX) app.setState({ epochs: v });
    else epochs.value = String(ctrl.settings?.epochs ?? 30);
  });
  const optim = select(`${id}-optim`, 'train-optim', Object.entries(OPTIMIZERS).map(([k, o]) => [k, o.label]), (v) => app.setState({ optim: v, lr: null }));
  const lr = select(`${id}-lr`, 'train-lr', LEARNING_RATES.map((v) => [v, String(v)]), (v) => app.setState({ lr: Number(v) }));
  const cmp = select(`${id}-cmp`, 'train-cmp', COMPARE_PS.map((p) => [p, p === 0 ? '0 (no Dropout)' : String(p)]), (v) => app.setState({ cmp: Number(v) }));
  const controls = el('div', { className: 'tt-train-controls' },
    field('Training set', tsize), field('Epochs', epochs), field('Optimizer', optim), field('Learning rate', lr),
    field('Compare with every Dropout at p =', cmp));

  const play = el('button', { type: 'button', 'data-testid': 'train-play', text: 'Play' });
  const step = el('button', { type: 'button', 'data-testid': 'train-step', text: 'Step one epoch' });
  const reset = el('button', { type: 'button', 'data-testid': 'train-reset', text: 'Reset' });
  play.addEventListener('click', () => (ctrl.status === 'playing' ? ctrl.pause() : ctrl.play()));
  step.addEventListener('click', () => ctrl.stepEpoch());
  reset.addEventListener('click', () => ctrl.reset());
  const buttons = el('div', { className: 'tt-train-buttons' }, play, step, reset);

  const progress = el('progress', { id: `${id}-progress`, max: '1', value: '0', 'data-testid': 'train-progress' });
  const where = el('span', { className: 'mono', 'data-testid': 'train-where' });
  const progressRow = el('p', { className: 'tt-train-progress' }, el('label', { for: `${id}-progress`, text: 'Progress' }), progress, where);
  const status = el('p', { className: 'tt-train-status', role: 'status', 'data-testid': 'train-status' });
  const useLr = el('button', { type: 'button', 'data-testid': 'train-use-lr' });
  useLr.addEventListener('click', () => {
    const d = ctrl.trainer?.diverged;
    if (d?.suggestion) app.setState({ lr: d.suggestion });
  });
  const diverged = el('p', { className: 'tt-train-diverged', 'data-testid': 'train-diverged', hidden: true },
    el('span', {}), ' ', useLr);

  const legend = el('ul', { className: 'tt-train-legend' });
  const lossCanvas = el('canvas', { role: 'img', 'data-testid': 'loss-canvas', 'aria-describedby': `${id}-summary` });
  const accCanvas = el('canvas', { role: 'img', 'data-testid': 'acc-canvas', 'aria-describedby': `${id}-summary` });
  const lossFig = el('figure', { className: 'tt-train-figure' }, el('figcaption', { text: 'Loss (cross-entropy; lower is better)' }), lossCanvas);
  const accFig = el('figure', { className: 'tt-train-figure' }, el('figcaption', { text: 'Accuracy' }), accCanvas);
  const charts = el('div', { className: 'tt-train-charts' }, lossFig, accFig);

  const summary = el('div', { id: `${id}-summary`, className: 'tt-train-summary', 'data-testid': 'train-summary' });
  const tableBody = el('tbody', {});
  const tableHead = el('tr', {});
  const table = el('table', { className: 'tt-train-table', 'data-testid': 'train-table' },
    el('caption', { text: 'Loss and accuracy after every epoch' }), el('thead', {}, tableHead), tableBody);
  const details = el('details', { className: 'tt-train-details' },
    el('summary', { text: 'Every epoch as a table' }), tableRegion(table, 'Loss and accuracy after every epoch (table)'));
  const source = el('p', { className: 'tt-train-source' });

  host.append(title, intro, controls, buttons, progressRow, status, diverged, legend, charts, summary, details, source);

  let shownRows = 0;
  let lastTrainer = null;
  let lastStatusText = '';
  let lastDrawKey = '';

  function setStatus(text) {
    if (text !== lastStatusText) status.textContent = text; // a live region: only real changes are announced
    lastStatusText = text;
  }

  function syncControls(s) {
    const set = (elm, v) => { if (document.activeElement !== elm) elm.value = String(v); };
    set(tsize, s.trainSize);
    set(epochs, s.epochs);
    set(optim, s.optimizer);
    // a value from a link that the list lacks still shows (as its own option)
    for (const [elm, v] of [[lr, s.lr], [cmp, s.compareP], [tsize, s.trainSize]]) {
      if (![...elm.options].some((o) => Number(o.value) === v)) elm.append(el('option', { value: String(v), text: String(v) }));
      set(elm, v);
    }
  }

  function draw() {
    const t = ctrl.trainer;
    const s = ctrl.settings;
    if (s) syncControls(s);
    const playing = ctrl.status === 'playing';
    play.textContent = playing ? 'Pause' : ctrl.status === 'done' || ctrl.status === 'diverged' ? 'Play again' : 'Play';
    play.setAttribute('aria-pressed', String(playing));
    play.disabled = !t || ctrl.status === 'loading';
    step.disabled = !t || ctrl.status === 'loading' || playing || (t && (t.done || Boolean(t.diverged)));
    reset.disabled = !t;

    const d = t?.diverged ?? null;
    diverged.hidden = !d;
    if (d) {
      diverged.firstChild.textContent = divergedText(t, d);
      useLr.hidden = !d.suggestion;
      useLr.textContent = d.suggestion ? `Use learning rate ${d.suggestion}` : '';
    }
    if (!t) {
      setStatus(ctrl.error ? `Cannot train this network here: ${ctrl.error}` : 'No network to train.');
      charts.hidden = true;
      legend.replaceChildren();
      summary.replaceChildren();
      return;
    }
    charts.hidden = false;
    if (t !== lastTrainer) {
      lastTrainer = t;
      shownRows = 0;
      lastDrawKey = '';
      tableBody.replaceChildren();
      tableHead.replaceChildren(el('th', { scope: 'col', text: 'epoch' }),
        ...t.runs.flatMap((r, k) => ['training loss', 'validation loss', 'training accuracy', 'validation accuracy']
          .map((what) => el('th', { scope: 'col', text: `${k === 0 ? 'as built' : 'comparison'}: ${what}` }))));
      legend.replaceChildren(...t.runs.map((r, k) => el('li', {},
        el('span', { className: `tt-train-swatch tt-train-run${k}`, 'aria-hidden': 'true' }), ` ${r.label}`)),
      el('li', { className: 'tt-train-key', text: 'solid line: training images · dashed line: validation images · shaded: the gap between them' }));
    }
    const c = t.config;
    const statusText = {
      idle: t.data ? 'Ready: press Play.' : 'Press Play to load the Fashion-MNIST training images and start.',
      loading: 'Loading the training images…',
      playing: 'Training…',
      paused: 'Paused.',
      done: `Done: ${c.epochs} epochs.`,
      diverged: d ? `Diverged at step ${d.step}: the loss is ${d.loss} (see below).` : '',
      error: `Stopped: ${ctrl.error}`,
    }[ctrl.status] ?? '';
    setStatus(statusText);
    progress.value = t.totalSteps ? t.stepsDone / t.totalSteps : 0;
    where.textContent = `epoch ${t.epoch} of ${c.epochs} · step ${t.stepsDone} of ${t.totalSteps} (${t.stepsPerEpoch} per epoch, batches of ${c.batch} of ${c.trainSize} images)`;

    const H = t.history;
    const avail = size.width || 720;
    // charts and numbers change only when an epoch is measured (or the width changes)
    const drawKey = `${H.length}:${avail}:${d ? d.step : ''}`;
    if (drawKey !== lastDrawKey) {
      lastDrawKey = drawKey;
      const series = (k, f) => H.map((h) => h.runs[k][f]);
      const runs = (what) => t.runs.map((r, k) => ({ color: RUN_COLORS[k], train: series(k, `train${what}`), val: series(k, `val${what}`) }));
      const w = Math.max(240, Math.min(560, avail >= 700 ? (avail - 24) / 2 : avail - 8));
      const lossRuns = runs('Loss');
      // where the loss stopped being a number, on the epoch axis
      const marker = d ? { epoch: d.step / t.stepsPerEpoch, label: `${d.loss} at step ${d.step}` } : null;
      lossCanvas.dataset.points = String(drawCurves(lossCanvas, lossRuns, { width: w, height: 210, epochs: c.epochs, marker }));
      accCanvas.dataset.points = String(drawCurves(accCanvas, runs('Acc'), { width: w, height: 210, epochs: c.epochs, yMin: 0, yMax: 1, percent: true, marker }));
      lossCanvas.dataset.divergedAt = d ? String(d.step) : '';
      lossCanvas.dataset.epochs = String(H.length);

      const last = H.at(-1);
      if (!last) {
        summary.replaceChildren(el('p', { text: 'No epoch measured yet.' }));
        lossCanvas.setAttribute('aria-label', 'Loss curves: no epoch measured yet');
        accCanvas.setAttribute('aria-label', 'Accuracy curves: no epoch measured yet');
      } else {
        const describe = (k, what, fmt) => `${t.runs[k].label}: training ${fmt(last.runs[k][`train${what}`])}, validation ${fmt(last.runs[k][`val${what}`])}`;
        lossCanvas.setAttribute('aria-label', `Loss curves over ${last.epoch} of ${c.epochs} epochs. ${describe(0, 'Loss', fmtLoss)}. ${describe(1, 'Loss', fmtLoss)}.`);
        accCanvas.setAttribute('aria-label', `Accuracy curves over ${last.epoch} of ${c.epochs} epochs. ${describe(0, 'Acc', fmtAcc)}. ${describe(1, 'Acc', fmtAcc)}.`);
        const best = (k) => {
          let b = 0;
          H.forEach((h, e) => { if (h.runs[k].valLoss < H[b].runs[k].valLoss) b = e; });
          return b;
        };
        summary.replaceChildren(
          el('p', { className: 'tt-train-after', text: `After epoch ${last.epoch}:` }),
          ...t.runs.map((r, k) => {
            const m = last.runs[k];
            const b = best(k);
            return el('div', { className: 'tt-train-run', 'data-run': r.key },
              el('p', { className: 'tt-train-run-name' }, el('span', { className: `tt-train-swatch tt-train-run${k}`, 'aria-hidden': 'true' }), ` ${r.label}`),
              el('dl', {},
                el('div', {}, el('dt', { text: 'training loss' }), el('dd', { className: 'mono', 'data-testid': 'train-loss', text: fmtLoss(m.trainLoss) })),
                el('div', {}, el('dt', { text: 'validation loss' }), el('dd', { className: 'mono', 'data-testid': 'val-loss', text: fmtLoss(m.valLoss) })),
                el('div', {}, el('dt', { text: 'gap (validation − training)' }), el('dd', { className: 'mono', text: fmtLoss(m.valLoss - m.trainLoss, { signed: true }) })),
                el('div', {}, el('dt', { text: 'lowest validation loss' }), el('dd', { className: 'mono', text: `${fmtLoss(H[b].runs[k].valLoss)} (epoch ${H[b].epoch})` })),
                el('div', {}, el('dt', { text: 'accuracy: training / validation' }), el('dd', { className: 'mono', text: `${fmtAcc(m.trainAcc)} / ${fmtAcc(m.valAcc)}` }))));
          }));
      }
    }
    for (; shownRows < H.length; shownRows++) {
      const h = H[shownRows];
      tableBody.append(el('tr', {}, el('th', { scope: 'row', text: String(h.epoch) }),
        ...h.runs.flatMap((m) => [fmtLoss(m.trainLoss), fmtLoss(m.valLoss), fmtAcc(m.trainAcc), fmtAcc(m.valAcc)].map((text) => el('td', { className: 'mono', text })))));
    }
    source.textContent = t.data
      ? `Measured in evaluation mode (Dropout off) after every epoch, on the first ${fmtInt(t.data.evalTrain)} training images and ${fmtInt(c.valSize)} Fashion-MNIST test images the networks never train on; every loss and accuracy is the core's. Training time so far: ${fmtMs(t.trainMs)}.`
      : `Data: the first ${fmtInt(c.trainSize)} images of the Fashion-MNIST training set (Zalando SE, MIT licence), validated on ${fmtInt(c.valSize)} test images; loaded when you press Play.`;
  }

  ctrl.subscribe(draw);
  return {
    update(model, appNow) {
      ctrl.sync(appNow.state); // a changed setting builds a new trainer (and notifies)
      draw();
    },
  };
}
