// Predict, then check: before the page shows a number, the student types a
// guess and the page checks it against the core. Questions are about the
// network in the editor (a layer's parameter count, a layer's output shape,
// a Dropout mask's expected survivors, the parameter bytes at float16, the
// total), so they follow every edit.
//
// The URL key `ask` (web/state.js) chooses the questions: a teacher's link
// such as #tt:ask=p0,s6,k2,h opens the page with them, and while one of
// them is open (not answered, nor shown) every view hides what would give
// its answer away. Views mark such elements with data-answer="<kinds>"
// (several, space separated: params, shapes, survivors, bytes); this view
// puts tt-hide-<kind> on app.root for each kind an open question needs
// hidden, and tt-answers-hidden while any is; quiz.css hides the marked
// elements (out of the accessibility tree too). Without `ask` a default
// set for the current network is asked and nothing is hidden.
//
// The policy is the Build checks' (web/views/build/): a wrong guess gets a
// hint (hint(guess): it names the usual mistake when the guess is one, and
// never gives the number), the question stays open for another try, and
// the answer is shown only on request ("Show answer"). A teacher's
// hints=off (web/state.js) leaves the hint out: "not yet, try again".
//
// The answers: the trace's parameter count and shape (model.layers[i]),
// Dropout.survivorStats(n, p).expected, and the core's parameter count
// times 2 bytes (float16), as the memory view counts it.

import { parseAsk, writeHash, writeQuery } from '../state.js';
import { fmtInt, fmtLayer, fmtNum, fmtShape } from '../format.js';
import { el, isEmbed, viewLevel } from '../dom.js';

const F16_BYTES = 2;
const MAX_ASK = 12; // as parseAsk accepts

/**
 * What seeing an answer of each question kind looks like: the data-answer
 * kind (web/views/*.js) that gives it away. p and t: a parameter count (a
 * layer's, the total, a parameter tensor's shape or size); s: an output
 * shape; k: a Dropout mask's survivor counts (expected or actual); h: the
 * bytes of parameters. A total parameter count gives h too (× 2 bytes):
 * the views mark it with both kinds.
 */
export const ANSWER_KINDS = Object.freeze({ p: 'params', t: 'params', s: 'shapes', k: 'survivors', h: 'bytes' });
export const HIDE_KINDS = Object.freeze(['bytes', 'params', 'shapes', 'survivors']);

/**
 * The kinds to hide for a teacher's questions `ask` (ids such as "p0"):
 * those of every question `isOpen(id)` says is still open, sorted, each once.
 */
export function hiddenKinds(ask, isOpen) {
  return HIDE_KINDS.filter((kind) => ask.some((q) => ANSWER_KINDS[q[0]] === kind && isOpen(q)));
}

/**
 * Where the hiding classes go: app.root, and for a <tt-view group="g"> the
 * root box of every element of that group (they share one app, but each
 * draws in its own shadow root, out of reach of a class on app.root).
 */
function answerRoots(app, host) {
  const roots = new Set([app.root]);
  const element = host.getRootNode?.()?.host; // set when the quiz is in a shadow root
  const group = element?.getAttribute?.('group');
  if (group !== null && group !== undefined) {
    for (const peer of document.querySelectorAll('tt-view')) {
      const box = peer.getAttribute('group') === group ? peer.shadowRoot?.querySelector('.tt-root') : null;
      if (box) roots.add(box);
    }
  }
  return [...roots];
}

/** The question for an id on this model: { id, text, answer, shown, check(guess) -> bool } or { id, missing }. */
export function question(qid, model, api) {
  const kind = qid[0];
  const i = Number(qid.slice(1));
  const row = model.layers[i];
  const ints = (g) => (String(g).match(/[0-9]+(\.[0-9]+)?/g) ?? []).map(Number);
  const num = (g) => Number(String(g).replace(/[\s,_']/g, ''));
  if (kind === 'h' || kind === 't') {
    const total = model.totals.params;
    const answer = kind === 'h' ? total * F16_BYTES : total;
    const linears = model.layers.filter((r) => r.spec.kind === 'linear');
    const noBias = linears.reduce((n, r) => n + r.spec.in * r.spec.out, 0);
    const hint = (g) => {
      const v = num(g);
      if (kind === 'h' && v === total * 4) return 'That is float32, 4 bytes a number; float16 takes 2.';
      if (kind === 'h' && v === total) return 'That is the number of parameters; each one takes 2 bytes at float16.';
      if (v === noBias * (kind === 'h' ? F16_BYTES : 1) && noBias !== total) return 'You counted the weight matrices; the biases are parameters too, one per output of each Linear that has them.';
      return kind === 'h'
        ? 'Count the parameters first: only the Linear layers own any, in × out weights plus out biases each. Then 2 bytes for each.'
        : 'Only the Linear layers own parameters: in × out weights each, plus one bias per output when it has a bias. Add them up.';
    };
    return {
      id: qid,
      text: kind === 'h' ? 'How many bytes do all of the network\'s parameters take at float16 (2 bytes each)?' : 'How many parameters does the whole network have?',
      answer, shown: `${fmtInt(answer)}${kind === 'h' ? ' bytes' : ''}`,
      why: kind === 'h' ? `${fmtInt(total)} parameters × 2 bytes` : `the sum of every layer's count`,
      check: (g) => num(g) === answer,
      hint,
    };
  }
  if (!row) return { id: qid, missing: `There is no layer ${i} in this network (it has ${model.layers.length}).` };
  const name = `layer ${i}, ${fmtLayer(row.spec)}`;
  if (kind === 'p') {
    const why = row.spec.kind === 'linear' ? `${fmtInt(row.spec.in)} × ${fmtInt(row.spec.out)} weights${row.spec.bias ? ` + ${fmtInt(row.spec.out)} biases` : ', no bias'}` : 'this layer owns no tensors';
    const hint = (g) => {
      if (row.spec.kind !== 'linear') return 'Parameters are the tensors a layer learns. Does this layer learn anything, or only compute a fixed function?';
      const { in: fin, out: fout, bias } = row.spec;
      const v = num(g);
      if (bias && v === fin * fout) return 'That is the weight matrix alone; this Linear has a bias too, one number per output feature.';
      if (bias && v === fin * fout + fin) return 'The bias has one number per output feature, not per input feature.';
      if (v === fin + fout || v === fin * fout * 2) return 'The weight matrix has a number for every pair of input and output feature: multiply, do not add or double.';
      return `A Linear(${fmtInt(fin)} → ${fmtInt(fout)}) holds a weight for every pair of input and output feature${bias ? ', plus one bias per output feature' : ' (and this one has no bias)'}.`;
    };
    return { id: qid, text: `How many parameters does ${name} have?`, answer: row.params, shown: fmtInt(row.params), why, check: (g) => num(g) === row.params, hint };
  }
  if (kind === 's') {
    if (!row.shape) return { id: qid, missing: `The chain breaks before or at ${name}: it has no output shape.` };
    return {
      id: qid, text: `What is the shape of the output of ${name}? (for example 32, 256)`, answer: row.shape, shown: fmtShape(row.shape),
      why: row.spec.kind === 'linear' ? `[batch, out]` : 'the same shape as what enters it',
      check: (g) => { const v = ints(g); return v.length === row.shape.length && v.every((x, k) => x === row.shape[k]); },
      hint: (g) => {
        const v = ints(g);
        if (v.length !== row.shape.length) return `The output has ${row.shape.length} dimension${row.shape.length === 1 ? '' : 's'}, like the batch that enters the network: give one number for each.`;
        if (v[0] !== row.shape[0]) return 'Look at the first number: no layer changes the batch size.';
        return 'A Linear changes only the last number, to its out features; ReLU, Dropout and the other activations pass on the shape they receive. Follow the chain from the input.';
      },
    };
  }
  if (kind === 'k') {
    if (row.spec.kind !== 'dropout') return { id: qid, missing: `Layer ${i} is not a Dropout (it is ${fmtLayer(row.spec)}).` };
    if (!row.output) return { id: qid, missing: `The chain breaks before ${name}.` };
    const n = row.output.size;
    const { expected } = api.Dropout.survivorStats(n, row.spec.p);
    return {
      id: qid, text: `How many of the ${fmtInt(n)} elements does ${name} keep, on average?`, answer: expected, shown: fmtNum(expected),
      why: `(1 − p) × ${fmtInt(n)}`,
      check: (g) => Math.abs(num(g) - expected) <= Math.max(0.5, 1e-3 * expected),
      hint: (g) => {
        const v = num(g);
        const p = row.spec.p;
        if (p !== 0.5 && Math.abs(v - p * n) <= Math.max(0.5, 1e-3 * p * n)) return 'That is how many are dropped on average: p is the probability of dropping an element, not of keeping it.';
        if (v === n) return 'That is every element: in training each one is dropped with probability p.';
        return 'Each element is kept with probability 1 − p, on its own. How many elements enter the layer (its input\'s shape: batch × features)? Multiply.';
      },
    };
  }
  return { id: qid, missing: `Unknown question "${qid}".` };
}

/** The default questions for a network: the first Linear's parameters, the last shape, the first Dropout's survivors, float16 bytes. */
export function defaultAsk(net) {
  const ids = [];
  const lin = net.findIndex((s) => s.kind === 'linear');
  if (lin >= 0) ids.push(`p${lin}`);
  if (net.length) ids.push(`s${net.length - 1}`);
  const drop = net.findIndex((s) => s.kind === 'dropout');
  if (drop >= 0) ids.push(`k${drop}`);
  ids.push('h');
  return ids;
}

/**
 * A link to this page with `state`, written by web/state.js (commas stay
 * commas): the lesson's state is its hash (#tt:...); an embed reads its
 * query, so there the views and the state go in the query.
 */
function shareLink(state) {
  const page = location.href.split(/[?#]/)[0];
  if (!isEmbed()) return `${page}${location.search}${writeHash(state)}`;
  const views = new URLSearchParams(location.search).getAll('view').map((v) => `view=${encodeURIComponent(v).replace(/%2C/gi, ',')}`);
  const query = [...views, writeQuery(state)].filter(Boolean).join('&');
  return query ? `${page}?${query}` : page;
}

let uid = 0;

export function mountQuiz(host, app) {
  const id = `tt-quiz-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const list = el('ol', { className: 'tt-quiz-list', 'data-testid': 'quiz-list' });
  const revealAll = el('button', { type: 'button', 'data-testid': 'quiz-reveal-all', text: 'Show all answers' });
  const teacherBoxes = el('div', { className: 'tt-quiz-teacher-boxes' });
  const link = el('a', { 'data-testid': 'quiz-link', className: 'mono tt-quiz-link' });
  const tooMany = el('p', { className: 'tt-quiz-missing', 'data-testid': 'quiz-too-many', hidden: true, text: `A link asks at most ${MAX_ASK} questions: it has the first ${MAX_ASK} ticked.` });
  const teacher = el('details', { className: 'tt-quiz-teacher' },
    el('summary', { text: 'For teachers: a link with chosen questions' }),
    el('p', { text: 'Tick the questions; the link opens the page with exactly these, and every number on the page that gives one of their answers away (parameter counts, output shapes, survivor counts, bytes) hidden until that question is answered.' }),
    teacherBoxes, el('p', {}, 'Link: ', link), tooMany);
  host.append(
    el(`h${level}`, { text: 'Predict, then check' }),
    el('p', { className: 'tt-quiz-intro', text: 'Work the number out first, type it in, then check it against the core. A wrong guess gets a hint and another try; the answer shows only when you ask for it. The questions are about the network in the editor, so they change when it does.' }),
    list, revealAll, teacher,
  );

  const answered = new Map(); // question id -> { guess, ok, revealed } for the current network
  let netKey = null;
  let items = new Map();
  let listKey = null;
  let model = null;

  // a question is open until it is answered or shown; one that cannot be asked of this network (missing) hides nothing
  const isOpen = (q) => !answered.get(q)?.done && !question(q, model, app.api).missing;
  function setHidden() {
    const kinds = hiddenKinds(app.state.ask, isOpen); // only a teacher's ask= hides
    for (const root of answerRoots(app, host)) {
      if (!root.classList) continue;
      for (const kind of HIDE_KINDS) root.classList.toggle(`tt-hide-${kind}`, kinds.includes(kind));
      root.classList.toggle('tt-answers-hidden', kinds.length > 0);
    }
  }

  revealAll.addEventListener('click', () => {
    for (const q of items.keys()) answered.set(q, { ...(answered.get(q) ?? {}), done: true, revealed: true });
    app.refresh();
  });

  function item(qid) {
    const inputId = `${id}-${qid}`;
    const label = el('label', { for: inputId });
    const input = el('input', { type: 'text', id: inputId, autocomplete: 'off', 'data-testid': 'quiz-guess', spellcheck: 'false' });
    const check = el('button', { type: 'button', 'data-testid': 'quiz-check', text: 'Check' });
    const reveal = el('button', { type: 'button', 'data-testid': 'quiz-reveal', text: 'Show answer' });
    const result = el('p', { className: 'tt-quiz-result', role: 'status', 'aria-live': 'polite', 'data-testid': 'quiz-result' });
    const missing = el('p', { className: 'tt-quiz-missing' });
    const li = el('li', { className: 'tt-quiz-item', 'data-testid': 'quiz-item', 'data-q': qid }, label, el('div', { className: 'tt-quiz-row' }, input, check, reveal), result, missing);
    const run = (revealed) => {
      const q = question(qid, model, app.api);
      if (q.missing) return;
      const guess = input.value.trim();
      if (!revealed && guess === '') { result.textContent = 'Type a guess first.'; return; }
      const before = answered.get(qid);
      if (before?.done) return; // answered or shown: the result stays until the network changes
      const ok = !revealed && q.check(guess);
      // a wrong guess: a hint (unless the teacher's link turns hints off) and another try; the question stays open
      const tries = (before?.tries ?? 0) + (revealed ? 0 : 1);
      answered.set(qid, { guess, ok, revealed, tries, done: ok || revealed, wrong: !ok && !revealed });
      app.refresh();
    };
    check.addEventListener('click', () => run(false));
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') run(false); });
    reveal.addEventListener('click', () => run(true));
    return { li, label, input, check, reveal, result, missing };
  }

  function update(m) {
    model = m;
    const s = m.state;
    const key = JSON.stringify(s.net);
    if (key !== netKey) { netKey = key; answered.clear(); } // a new network: new answers
    const ids = s.ask.length ? s.ask : defaultAsk(s.net);
    const lk = ids.join(',');
    if (lk !== listKey) {
      listKey = lk;
      items = new Map(ids.map((q) => [q, item(q)]));
      list.replaceChildren(...[...items.values()].map((it) => it.li));
    }
    for (const [qid, it] of items) {
      const q = question(qid, m, app.api);
      it.missing.hidden = !q.missing;
      it.missing.textContent = q.missing ?? '';
      it.label.textContent = q.missing ? `Question ${qid}` : q.text;
      it.input.disabled = Boolean(q.missing);
      it.check.disabled = Boolean(q.missing);
      it.reveal.disabled = Boolean(q.missing);
      const a = answered.get(qid);
      let text = '';
      if (!q.missing && a?.done) {
        if (a.revealed) text = `The core says ${q.shown} (${q.why}).`;
        else text = `Right: ${q.shown}, as the core computes it (${q.why}).`;
      } else if (!q.missing && a?.wrong) {
        const tries = a.tries === 1 ? '' : ` (try ${a.tries})`;
        text = s.hints === 'off'
          ? `Not yet: ${a.guess} is not it${tries}. Try again, or show the answer.`
          : `Not yet: ${a.guess} is not it${tries}. Hint: ${q.hint(a.guess)}`;
      }
      if (it.result.textContent !== text || !text) it.result.textContent = text;
      it.result.dataset.state = a?.done ? (a.revealed ? 'revealed' : 'right') : a?.wrong ? 'wrong' : 'open';
      it.input.readOnly = Boolean(a?.done);
      it.check.disabled = it.check.disabled || Boolean(a?.done);
      it.reveal.disabled = it.reveal.disabled || Boolean(a?.done);
      it.li.classList.toggle('tt-quiz-right', Boolean(a?.ok));
      it.li.classList.toggle('tt-quiz-wrong', Boolean(a?.wrong && !a.done));
    }
    setHidden();
    teacherUpdate(m, ids);
  }

  let teacherKey = null;
  function teacherUpdate(m, ids) {
    const all = [
      ...m.layers.filter((r) => r.spec.kind === 'linear').map((r) => [`p${r.index}`, `parameters of layer ${r.index}`]),
      ...m.layers.map((r) => [`s${r.index}`, `output shape of layer ${r.index}`]),
      ...m.layers.filter((r) => r.spec.kind === 'dropout').map((r) => [`k${r.index}`, `survivors of layer ${r.index}`]),
      ['h', 'bytes at float16'], ['t', 'total parameters'],
    ];
    const key = JSON.stringify(all);
    if (key !== teacherKey) {
      teacherKey = key;
      teacherBoxes.replaceChildren(...all.map(([q, text]) => {
        const box = el('input', { type: 'checkbox', value: q, id: `${id}-t-${q}`, 'data-testid': 'quiz-pick' });
        box.checked = ids.includes(q);
        box.addEventListener('change', () => teacherLink());
        return el('label', { for: box.id, className: 'tt-quiz-pick' }, box, ` ${text}`);
      }));
    }
    teacherLink();
  }
  function teacherLink() {
    const picked = [...teacherBoxes.querySelectorAll('input:checked')].map((b) => b.value);
    tooMany.hidden = picked.length <= MAX_ASK;
    const state = { ...app.state, ask: parseAsk(picked.slice(0, MAX_ASK).join(',')) };
    const href = shareLink(state);
    link.href = href;
    link.textContent = href;
  }

  // always: updated on every render, on screen or not (web/lazy-views.js),
  // since it decides what the views on screen may show
  return { update, always: true };
}
