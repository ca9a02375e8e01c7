// The memory ledger of training, in bytes: parameters, their gradients,
// the optimizer's state (SGD with momentum: one buffer per parameter; Adam:
// two), and what the forward pass keeps for backward at the page's batch
// size (activations and Dropout masks), set beside torchinfo's
// "Forward/backward pass size". Sizes come from the page's trace (the
// model's outputs) and from one real training step of a throwaway copy of
// the network, measured with the core's byte counter and stateBytes().

import { el, tableRegion, viewLevel } from '../dom.js';
import { savedForBackward, measureTraining } from '../train/ledger.js';
import { trainingFor } from '../train/controller.js';
import { MAX_TRAIN_PARAMS } from '../train/trainer.js';
import { fmtBytesExact, fmtInt, fmtShape } from '../format.js';

let uid = 0;

const fmtB = (b) => fmtBytesExact(b);

export function mountLedger(host, app) {
  const id = `tt-ledger-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const sub = level + 1;
  const ctrl = trainingFor(app);
  const { api } = app;

  const title = el(`h${level}`, { text: 'The memory ledger of training' });
  const intro = el('p', { className: 'tt-ledger-intro', text: 'Inference needs the parameters and one layer\'s output at a time. Training needs much more, all at once: a gradient for every parameter, the optimizer\'s own buffers, and every tensor that backward will need, kept from the forward pass until backward has used it. All in float32, 4 bytes per number.' });
  const caption = el('caption', {});
  const body = el('tbody', {});
  const foot = el('tfoot', {});
  const table = el('table', { className: 'tt-ledger-table', 'data-testid': 'ledger-table' }, caption,
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'what' }), el('th', { scope: 'col', className: 'tt-ledger-why', text: 'why it is there' }), el('th', { scope: 'col', text: 'bytes' }))),
    body, foot);
  const layersTitle = el(`h${sub}`, { className: 'tt-ledger-sub', text: 'What the forward pass keeps for backward, layer by layer' });
  const layerCaption = el('caption', {});
  const layerBody = el('tbody', {});
  const layerTable = el('table', { className: 'tt-ledger-layers', 'data-testid': 'ledger-layers' }, layerCaption,
    el('thead', {}, el('tr', {}, ...['layer', 'output', 'output bytes', 'kept for backward?', 'mask bytes'].map((t) => el('th', { scope: 'col', className: t.startsWith('kept') ? 'tt-ledger-why' : null, text: t })))),
    layerBody);
  const compare = el('p', { className: 'tt-ledger-compare', 'data-testid': 'ledger-torchinfo' });
  const measured = el('p', { className: 'tt-ledger-measured', 'data-testid': 'ledger-measured' });
  const status = el('p', { className: 'tt-ledger-status', hidden: true });
  host.append(title, intro, status, tableRegion(table, 'Training memory of this network (table)'), compare, measured,
    layersTitle, tableRegion(layerTable, 'What each layer keeps for backward (table)'));

  let cacheKey = '';
  let cached = null;

  /** One measured training step per distinct shape of network (p does not change any size). */
  function measure(state) {
    const layers = app.layerImpl; // Build's "use my layers" (web/views/build/use.js)
    const key = JSON.stringify([state.net.map((s) => (s.kind === 'dropout' ? 'D' : s)), state.batch, layers?.version ?? 0]);
    if (key !== cacheKey) {
      cacheKey = key;
      const params = state.net.filter((l) => l.kind === 'linear').reduce((n, l) => n + api.Linear.countParameters(l.in, l.out, l.bias), 0);
      try {
        // a second copy of a big network (with gradients and Adam's state) would cost too much memory:
        // then the bytes follow the rule, 4 per number, and nothing is measured
        cached = params > MAX_TRAIN_PARAMS
          ? { rule: true, value: { paramBytes: 4 * params, gradBytes: 4 * params, stateBytes: { sgd: 4 * params, adam: 8 * params }, forwardBytes: null } }
          : { value: measureTraining(api, state.net, { batch: state.batch, init: state.init, impl: layers?.impl }) };
      } catch (e) {
        cached = { error: e.message };
      }
    }
    return cached;
  }

  // answer: the data-answer kinds of the row's bytes (and its why, when that states the count), hidden
  // while a teacher's question of that kind is open (views/quiz.js, quiz.css); null for none
  const row = (what, why, bytes, testid, answer = null, whyAnswer = null) => el('tr', { 'data-testid': testid },
    el('th', { scope: 'row', text: what }), el('td', { className: 'tt-ledger-why', 'data-answer': whyAnswer, text: why }),
    el('td', { className: 'mono tt-ledger-bytes', 'data-answer': answer, text: fmtB(bytes) }));
  const PARAM_BYTES = 'bytes params'; // 4 bytes per parameter: the count, and twice the float16 bytes

  function update(model, appNow) {
    const state = appNow.state;
    ctrl.sync(state);
    const m = measure(state);
    const t = ctrl.trainer;
    const optName = t?.config.optimizer ?? state.optim ?? 'adam';
    if (model.error || m.error || !model.input) {
      status.hidden = false;
      status.textContent = `The ledger needs a network that runs: ${model.error ? `layer ${model.error.index} failed (${model.error.message})` : m.error}.`;
      body.replaceChildren();
      foot.replaceChildren();
      layerBody.replaceChildren();
      compare.textContent = '';
      measured.textContent = '';
      return;
    }
    status.hidden = true;
    const v = m.value;
    const B = model.input.shape[0];
    const saved = savedForBackward(state.net, model.input.size, model.layers.map((r) => (r.output ? r.output.size : 0)));
    const params = model.totals.params;
    const sgd = v.stateBytes.sgd;
    const adam = v.stateBytes.adam;
    const state0 = optName === 'adam' ? adam : sgd;
    const how = m.rule ? `by the rule, 4 bytes per number (not measured above ${fmtInt(MAX_TRAIN_PARAMS)} parameters)` : null;
    caption.textContent = `Training memory of this network at a batch of ${B} (optimizer: ${optName === 'adam' ? 'Adam' : 'SGD with momentum'})`;
    body.replaceChildren(
      row('Parameters', `${fmtInt(params)} weights and biases`, v.paramBytes, 'ledger-params', PARAM_BYTES, 'params bytes'),
      row('Gradients', `one .grad per parameter, the same shapes (${how ?? 'measured after backward'})`, v.gradBytes, 'ledger-grads', PARAM_BYTES),
      row(`Optimizer state: SGD with momentum${optName === 'sgd' ? ' (chosen)' : ''}`, `one momentum buffer per parameter: one more copy (${how ?? 'stateBytes() after a step'})`, sgd, 'ledger-sgd', PARAM_BYTES),
      row(`Optimizer state: Adam${optName === 'adam' ? ' (chosen)' : ''}`, `two moment buffers per parameter (mean and mean square of the gradient): two more copies (${how ?? 'stateBytes() after a step'})`, adam, 'ledger-adam', PARAM_BYTES),
      row('Activations kept for backward', `at a batch of ${B}: the tensors marked below, input included`, saved.keptBytes, 'ledger-acts'),
      row('Dropout masks', 'one float32 0/1 mask per Dropout, the size of its output', saved.maskBytes, 'ledger-masks'));
    const total = v.paramBytes + v.gradBytes + state0 + saved.keptBytes + saved.maskBytes;
    foot.replaceChildren(el('tr', { 'data-testid': 'ledger-total' }, el('th', { scope: 'row', text: 'Total' }),
      el('td', { className: 'tt-ledger-why', text: `parameters + gradients + ${optName === 'adam' ? 'Adam' : 'SGD'} state + activations + masks` }),
      el('td', { className: 'mono tt-ledger-bytes', text: fmtB(total) })));
    if (t && t.stepsDone > 0) {
      const live = t.runs[0].opt.stateBytes();
      foot.append(el('tr', {}, el('th', { scope: 'row', text: 'The training view\'s optimizer' }),
        el('td', { className: 'tt-ledger-why', text: `stateBytes() of the live run after ${t.stepsDone} steps` }),
        el('td', { className: 'mono tt-ledger-bytes', 'data-answer': PARAM_BYTES, text: fmtB(live) })));
    }
    compare.textContent = `torchinfo's "Forward/backward pass size" for this batch would be ${fmtB(saved.torchinfoBytes)}: every layer's output counted twice (once for the value, once for its gradient). This library's autograd keeps ${fmtB(saved.keptBytes + saved.maskBytes)} from the forward pass: only what each backward needs (a fused Linear+ReLU stores one output, not two; a Dropout keeps its mask, not its input), plus the masks torchinfo does not count.`;
    const expected = saved.keptBytes - (saved.input.kept ? saved.input.bytes : 0) + saved.maskBytes;
    measured.textContent = v.forwardBytes === null ? `Not measured: this network has more than ${fmtInt(MAX_TRAIN_PARAMS)} parameters, too many to build a second copy for a test step; the rows above follow the rule.` : `Measured: one real training forward pass at this batch made the core hold ${fmtB(v.forwardBytes)} more (memoryInfo before and after, the input already counted): the kept activations and masks above without the input (${fmtB(expected)}), plus ${fmtInt(v.forwardBytes - expected)} bytes for the targets and the one-number loss.`;

    layerCaption.textContent = `Each layer's output at a batch of ${B}, from the page's forward pass`;
    const shape = (n, i) => (model.layers[i]?.shape ? fmtShape(model.layers[i].shape) : '–');
    layerBody.replaceChildren(
      el('tr', {}, el('th', { scope: 'row', text: 'input' }), el('td', { className: 'mono', text: fmtShape(model.input.shape) }),
        el('td', { className: 'mono', text: fmtInt(saved.input.bytes) }), el('td', { className: 'tt-ledger-why', text: `${saved.input.kept ? 'yes' : 'no'}: ${saved.input.why}` }), el('td', { className: 'mono', text: '–' })),
      ...saved.rows.map((r, i) => el('tr', { 'data-kept': String(r.kept) },
        el('th', { scope: 'row', text: `${i}: ${model.layers[i]?.layer?.constructor?.typeName ?? r.kind}` }),
        el('td', { className: 'mono', 'data-answer': 'shapes', text: shape(r.elems, i) }),
        el('td', { className: 'mono', 'data-answer': 'shapes', text: fmtInt(r.bytes) }), // 4 bytes per element of the output
        el('td', { className: 'tt-ledger-why', text: `${r.kept ? 'yes' : 'no'}: ${r.why}` }),
        el('td', { className: 'mono', text: r.maskBytes ? fmtInt(r.maskBytes) : '–' }))));
  }

  // the live optimizer's row follows the training session: redrawn when it
  // starts, pauses or ends (not on every frame: nothing else here changes)
  let sessionKey = '';
  ctrl.subscribe((c) => {
    const key = `${c.status}:${c.trainer?.stepsDone > 0}`;
    if (key === sessionKey || !app.model) return;
    sessionKey = key;
    update(app.model, app);
  });

  return { update };
}
