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
import { weightsSwitch } from './weights-switch.js';
import { blueOrange } from '../draw/colormap.js';
import { drawCurves } from '../train/curves.js';
import { fmtLoss, fmtPct, fmtInt, fmtMs } from '../format.js';
import { trainingFor, TRAIN_SIZES, LEARNING_RATES, COMPARE_PS, OPTIMIZERS, EPOCHS_MAX } from '../train/controller.js';

let uid = 0;

/** Run colours: orange for the network as built, blue for the comparison (the blue-orange scale's ends; training.css has the same two). */
export const RUN_COLORS = [blueOrange(1), blueOrange(0)];

const fmtAcc = (v) => fmtPct(v);

/** Kept runs drawn behind the validation panel, and their greys (the most recent darkest). */
const KEPT_CURVES = 2;
const KEPT_COLORS = [[110, 110, 110], [170, 170, 170]]; // a fraction of the images, as a percentage

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

/**
 * The measured difference the experiment is about, from the history (the
 * core's losses; this only subtracts): the two runs' validation losses
 * after the last epoch and at their lowest. '' before the first trained epoch.
 */
export function effectText(t) {
  const H = t.history;
  if (H.length < 2 || t.runs.length < 2) return '';
  const last = H.at(-1);
  const [a, b] = [0, 1].map((k) => last.runs[k].valLoss);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return '';
  const lowest = (k) => Math.min(...H.map((h) => h.runs[k].valLoss));
  const [la, lb] = [lowest(0), lowest(1)];
  const hasDrop = t.config.net.some((s) => s.kind === 'dropout');
  const diff = b - a; // positive: the network as built has the lower validation loss
  const runText = (k, v) => `${fmtLoss(v)} ${t.runs[k].label}`;
  const head = `Measured after epoch ${last.epoch}, validation loss: ${runText(0, a)}; ${runText(1, b)}.`;
  if (!hasDrop) return `${head} The network has no Dropout, so the two runs are the same network.`;
  const lower = diff > 0 ? 0 : 1;
  const verdict = diff === 0 ? 'The two are equal.' : `The run ${t.runs[lower].label} is ${fmtLoss(Math.abs(diff))} lower (${fmtPct(Math.abs(diff), Math.max(a, b))} of the higher).`;
  return `${head} ${verdict} Lowest along the way: ${fmtLoss(la)} and ${fmtLoss(lb)}.`;
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
  const valCanvas = el('canvas', { role: 'img', 'data-testid': 'val-canvas', 'aria-describedby': `${id}-effect` });
  const valCaption = el('figcaption', { text: 'Validation loss only, on its own scale: where the two runs part' });
  const valKey = el('p', { className: 'tt-train-valkey', 'data-testid': 'val-kept-key' });
  const valFig = el('figure', { className: 'tt-train-figure' }, valCaption, valCanvas, valKey);
  const charts = el('div', { className: 'tt-train-charts' }, lossFig, valFig, accFig);
  const effect = el('p', { id: `${id}-effect`, className: 'tt-train-effect', 'data-testid': 'train-effect' });

  const summary = el('div', { id: `${id}-summary`, className: 'tt-train-summary', 'data-testid': 'train-summary' });
  const tableBody = el('tbody', {});
  const tableHead = el('tr', {});
  const table = el('table', { className: 'tt-train-table', 'data-testid': 'train-table' },
    el('caption', { text: 'Loss and accuracy after every epoch' }), el('thead', {}, tableHead), tableBody);
  const details = el('details', { className: 'tt-train-details' },
    el('summary', { text: 'Every epoch as a table' }), el('div', { className: 'table-wrap' }, table));
  const source = el('p', { className: 'tt-train-source' });

  // what became of a run when a setting changed (kept, brought back), and the kept runs
  const shown = weightsSwitch(app);
  const kept = el('p', { className: 'tt-train-kept', 'data-testid': 'train-kept', role: 'status' });
  const shelfBody = el('tbody');
  const shelfTable = el('table', { className: 'tt-train-shelf', 'data-testid': 'train-shelf' },
    el('caption', { text: 'Earlier runs, kept until you clear them' }),
    el('thead', {}, el('tr', {}, ...['settings', 'epochs', 'as built: validation loss (lowest)', 'comparison: validation loss (lowest)', 'run'].map((text) => el('th', { scope: 'col', text })))),
    shelfBody);
  const clear = el('button', { type: 'button', 'data-testid': 'train-clear', text: 'Clear earlier runs' });
  clear.addEventListener('click', () => ctrl.clearShelf());
  const shelfBox = el('section', { className: 'tt-train-shelfbox', 'data-testid': 'train-shelfbox', hidden: true },
    tableRegion(shelfTable, 'Earlier runs (table)'), el('p', { className: 'tt-train-shelf-note' },
      'Undo (Ctrl+Z) after a change brings the run back; so does its button. ', clear));

  host.append(title, intro, controls, buttons, progressRow, status, kept, diverged, shown.element, legend, charts, effect, summary, details, shelfBox, source);

  /** "0.431 (0.402, epoch 9)": a kept run's last and lowest validation loss of run k. */
  const lastAndBest = (history, k) => {
    if (!history.length) return '–';
    let b = 0;
    history.forEach((h, e) => { if (h.runs[k].valLoss < history[b].runs[k].valLoss) b = e; });
    return `${fmtLoss(history.at(-1).runs[k].valLoss)} (${fmtLoss(history[b].runs[k].valLoss)}, epoch ${history[b].epoch})`;
  };
  let shelfShown = null;
  function drawShelf() {
    const key = ctrl.shelf.map((e) => `${e.id}:${e.history.length}:${Boolean(e.trainer)}`).join('|');
    shelfBox.hidden = ctrl.shelf.length === 0;
    if (key === shelfShown) return;
    shelfShown = key;
    shelfBody.replaceChildren(...ctrl.shelf.map((e) => {
      const epochs = e.history.length ? e.history.at(-1).epoch : 0;
      const back = el('button', { type: 'button', 'data-testid': 'train-bring-back', text: e.trainer ? 'Bring back' : 'Use its settings' });
      back.setAttribute('aria-label', `${e.trainer ? 'Bring back' : 'Use the settings of'} the run: ${e.label}`);
      back.addEventListener('click', () => ctrl.bringBack(e.id));
      return el('tr', { 'data-run-id': String(e.id) },
        el('td', { className: 'tt-train-shelf-label', text: e.label }),
        el('td', { className: 'mono', text: `${epochs} of ${e.planned}${e.diverged ? ' (diverged)' : ''}` }),
        el('td', { className: 'mono', 'data-testid': 'shelf-val0', text: lastAndBest(e.history, 0) }),
        el('td', { className: 'mono', text: lastAndBest(e.history, 1) }),
        el('td', {}, back));
    }));
  }
  function keptText() {
    const ev = ctrl.event;
    if (!ev) return '';
    const e = ev.entry;
    const epochs = e.history.length ? e.history.at(-1).epoch : 0;
    const what = `${epochs} epoch${epochs === 1 ? '' : 's'}, ${e.steps} steps`;
    if (ev.kind === 'back') return `Brought back the run (${what}): ${e.label}.`;
    if (!ctrl.shelf.includes(e)) return '';
    const why = { reset: 'Reset', again: 'Play again', changed: 'A setting changed', swapped: 'Another run came back' }[e.why] ?? 'A setting changed';
    return `${why}: the previous run (${what}) is kept under "Earlier runs", with its settings. Undo (Ctrl+Z) or its "Bring back" button brings it back.`;
  }

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
    shown.update();
    drawShelf();
    const kt = keptText();
    if (kept.textContent !== kt) kept.textContent = kt;
    kept.hidden = kt === '';
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
      idle: t.data ? 'Ready: press Play.' : `Press Play to load the ${c.dataName ?? 'training'} training images and start.`,
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
    const drawKey = `${H.length}:${avail}:${d ? d.step : ''}:${ctrl.shelf.map((e) => e.id).join(',')}`;
    if (drawKey !== lastDrawKey) {
      lastDrawKey = drawKey;
      const series = (k, f) => H.map((h) => h.runs[k][f]);
      const runs = (what) => t.runs.map((r, k) => ({ color: RUN_COLORS[k], train: series(k, `train${what}`), val: series(k, `val${what}`) }));
      const w = Math.max(240, Math.min(560, avail >= 700 ? (avail - 24) / 2 : avail - 8));
      const lossRuns = runs('Loss');
      // where the loss stopped being a number, on the epoch axis
      const marker = d ? { epoch: d.step / t.stepsPerEpoch, label: `${d.loss} at step ${d.step}` } : null;
      const empty = 'no epoch measured yet';
      // the validation panel's axis spans the last two thirds of the epochs measured (the first ones fall fast and would flatten the rest)
      const valFrom = Math.max(1, Math.floor((H.length - 1) / 3));
      valCaption.textContent = `Validation loss only, on its own scale${H.length > 2 ? ` from epoch ${valFrom}` : ''}: where the two runs part`;
      lossCanvas.dataset.points = String(drawCurves(lossCanvas, lossRuns, { width: w, height: 210, epochs: c.epochs, marker, empty }));
      // the last kept runs' validation curves (as built), in grey behind: the runs stay comparable
      const keptRuns = ctrl.shelf.slice(0, KEPT_CURVES).filter((e) => e.history.length > 1).map((e, j) => ({ color: KEPT_COLORS[j], train: [], val: e.history.map((h) => h.runs[0].valLoss) }));
      valCanvas.dataset.points = String(drawCurves(valCanvas, [...keptRuns, ...lossRuns.map((r) => ({ ...r, train: [] }))], { width: w, height: 210, epochs: c.epochs, marker, empty, fit: true, fitFrom: valFrom, gap: false }));
      valCanvas.dataset.kept = String(keptRuns.length);
      valKey.textContent = keptRuns.length ? `grey: the validation loss of the ${keptRuns.length === 1 ? 'last earlier run' : `last ${keptRuns.length} earlier runs`} as built (darker: more recent; settings under "Earlier runs")` : '';
      accCanvas.dataset.points = String(drawCurves(accCanvas, runs('Acc'), { width: w, height: 210, epochs: c.epochs, yMin: 0, yMax: 1, percent: true, marker, empty }));
      const fx = effectText(t);
      effect.textContent = fx;
      effect.hidden = fx === '';
      lossCanvas.dataset.divergedAt = d ? String(d.step) : '';
      lossCanvas.dataset.epochs = String(H.length);

      const last = H.at(-1);
      if (!last) {
        summary.replaceChildren(el('p', { text: 'No epoch measured yet.' }));
        lossCanvas.setAttribute('aria-label', 'Loss curves: no epoch measured yet');
        valCanvas.setAttribute('aria-label', 'Validation loss curves: no epoch measured yet');
        accCanvas.setAttribute('aria-label', 'Accuracy curves: no epoch measured yet');
      } else {
        const describe = (k, what, fmt) => `${t.runs[k].label}: training ${fmt(last.runs[k][`train${what}`])}, validation ${fmt(last.runs[k][`val${what}`])}`;
        lossCanvas.setAttribute('aria-label', `Loss curves over ${last.epoch} of ${c.epochs} epochs. ${describe(0, 'Loss', fmtLoss)}. ${describe(1, 'Loss', fmtLoss)}.`);
        valCanvas.setAttribute('aria-label', `Validation loss of both runs over ${last.epoch} of ${c.epochs} epochs, the axis from ${valCanvas.dataset.ticks.split(' ')[0]} to ${valCanvas.dataset.ticks.split(' ').at(-1)}: ${t.runs.map((r, k) => `${r.label} ${fmtLoss(last.runs[k].valLoss)}`).join(', ')}.`);
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
      ? `Measured in evaluation mode (Dropout off) after every epoch, on the first ${fmtInt(t.data.evalTrain)} training images and ${fmtInt(c.valSize)} held-out ${c.dataName ?? ''} images the networks never train on; every loss and accuracy is the core's. Training time so far: ${fmtMs(t.trainMs)}.`
      : `Data: ${fmtInt(c.trainSize)} training images of ${c.dataName ?? 'the dataset'} (site/docs/data.md: the split and the licences), validated on ${fmtInt(c.valSize)} held-out images; loaded when you press Play.`;
  }

  ctrl.subscribe(draw);
  return {
    update(model, appNow) {
      ctrl.sync(appNow.state); // a changed setting builds a new trainer (and notifies)
      draw();
    },
  };
}
