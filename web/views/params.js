// What the optimizer steps: the live list of the training network's
// parameters, by the names PyTorch's named_parameters() gives them
// ('0.weight', '0.bias', ...), with shape, requiresGrad, how many steps the
// optimizer has taken on each, and three norms from the core's statistics
// of the tensors: the weights now, the gradient of the last step and the
// change the last step made (new weights minus a copy taken just before
// the step, subtracted by the core).

import { dataTable, el, viewLevel } from '../dom.js';
import { trainingFor } from '../train/controller.js';
import { normFromStats } from '../train/trainer.js';
import { fmtInt, fmtNum, fmtShape } from '../format.js';

let uid = 0;

const fmtNorm = (v) => (Number.isFinite(v) ? fmtNum(v) : '–');

/** How often (ms) the table follows a run while it trains. */
const REDRAW_WHILE_PLAYING_MS = 500;

export function mountParams(host, app) {
  const id = `tt-params-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const ctrl = trainingFor(app);

  const title = el(`h${level}`, { text: 'What the optimizer steps' });
  const intro = el('p', { className: 'tt-params-intro', text: 'An optimizer only ever sees a list of tensors: every weight matrix and bias vector of the network, each with requiresGrad set so that backward() fills its .grad. Each step reads .grad and changes the tensor in place. The norms below are √(sum of squares), from the core\'s statistics of each tensor; the update is the new tensor minus a copy taken just before the step.' });

  const run = el('select', { id: `${id}-run`, 'data-testid': 'params-run' },
    el('option', { value: '0', text: 'the network as built' }),
    el('option', { value: '1', text: 'the comparison run' }));
  run.addEventListener('change', () => draw());
  const play = el('button', { type: 'button', 'data-testid': 'params-play', text: 'Play' });
  play.addEventListener('click', () => (ctrl.status === 'playing' ? ctrl.pause() : ctrl.play()));
  const toolbar = el('div', { className: 'tt-params-toolbar' },
    el('span', { className: 'tt-params-field' }, el('label', { for: run.id, text: 'Parameters of' }), run), play);

  const { tbody: body, region: tableBox } = dataTable({
    className: 'tt-params-table', testid: 'params-table', caption: 'Parameters the optimizer updates',
    columns: ['name', 'shape', 'elements', 'requiresGrad', 'steps taken', '‖weights‖', '‖grad‖ (last step)', '‖update‖ (last step)'],
  });
  const total = el('p', { className: 'tt-params-total', 'data-testid': 'params-total', 'data-answer': 'params bytes' });
  const status = el('p', { className: 'tt-params-status' });
  host.append(title, intro, toolbar, tableBox, total, status);

  const shown = { trainer: null, steps: -1, k: -1, at: 0 }; // what the table shows now

  function draw() {
    const t = ctrl.trainer;
    const playing = ctrl.status === 'playing';
    play.textContent = playing ? 'Pause training' : 'Play training';
    play.setAttribute('aria-pressed', String(playing));
    play.disabled = !t || ctrl.status === 'loading';
    if (!t) {
      body.replaceChildren();
      total.textContent = '';
      status.textContent = ctrl.error ? `Cannot train this network here: ${ctrl.error}` : 'No training network.';
      return;
    }
    const k = Number(run.value);
    // the table changes only with the trainer, its step count or the run shown
    if (t === shown.trainer && t.stepsDone === shown.steps && k === shown.k) return;
    // while training runs, twice a second: the weights' statistics are a pass over every parameter
    const now = performance.now();
    if (ctrl.status === 'playing' && t === shown.trainer && k === shown.k && now - shown.at < REDRAW_WHILE_PLAYING_MS) return;
    Object.assign(shown, { trainer: t, steps: t.stepsDone, k, at: now });
    run.options[0].textContent = `the network ${t.runs[0].label}`;
    run.options[1].textContent = `the comparison: ${t.runs[1].label}`;
    const rows = t.parameterTable(k);
    // data-answer (views/quiz.js, quiz.css): a parameter's shape and size give its layer's count away
    const cells = rows.map((r) => [
      r.name, fmtShape(r.shape), fmtInt(r.count), String(r.requiresGrad), fmtInt(r.step),
      fmtNorm(normFromStats(r.weight)), r.grad ? fmtNorm(normFromStats(r.grad)) : 'none yet', r.update ? fmtNorm(normFromStats(r.update)) : 'none yet',
    ]);
    // rows are kept and their text changed in place: no flicker, no lost selection
    while (body.rows.length > cells.length) body.lastChild.remove();
    cells.forEach((texts, i) => {
      let tr = body.rows[i];
      if (!tr) {
        tr = el('tr', {}, el('th', { scope: 'row', className: 'mono' }), ...texts.slice(1).map((_, c) => el('td', { className: 'mono', 'data-answer': c < 2 ? 'params' : null })));
        body.append(tr);
      }
      texts.forEach((text, c) => { if (tr.cells[c].textContent !== text) tr.cells[c].textContent = text; });
    });
    const count = rows.reduce((n, r) => n + r.count, 0);
    total.textContent = `${rows.length} tensors, ${fmtInt(count)} numbers in all: the optimizer (${t.config.optimizer === 'adam' ? 'Adam' : 'SGD with momentum'}) updates each of them on every step.`;
    const d = t.diverged;
    const notFinite = rows.some((r) => [r.weight, r.grad, r.update].some((st) => st && !Number.isFinite(normFromStats(st))));
    status.textContent = (t.stepsDone === 0 && !d
      ? 'No step yet: the gradients appear after the first backward pass (press Play, here or in the training view).'
      : `After step ${t.stepsDone} (epoch ${t.epoch}); last mini-batch loss ${fmtNum(t.runs[k].lastLoss)}.${rows[0]?.statsStep && rows[0].statsStep !== t.stepsDone ? ` The gradient and update norms are from step ${fmtInt(rows[0].statsStep)}: while training runs they are measured about twice a second and at the end of every epoch (measuring them costs more than the step).` : ''}`)
      + (d ? ` Training stopped: the loss of the network ${d.label} was ${d.loss} at step ${fmtInt(d.step)}, so that step's update was not made${d.suggestion ? ` (the learning rate ${d.lr} is too high: the training view offers ${d.suggestion})` : ''}.` : '')
      + (notFinite ? ' A norm shown as "–" is not a finite number (NaN or ±Infinity): the values it sums overflowed.' : '');
  }

  ctrl.subscribe(draw);
  return {
    update(model, appNow) {
      ctrl.sync(appNow.state);
      draw();
    },
  };
}
