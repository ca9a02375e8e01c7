// The quiz's pure logic (web/views/quiz.js): which kinds of answer a
// teacher's questions hide while they are open, and the questions' answers
// on a real model of the lesson's network (the core's counts, through the
// wasm), against the arithmetic done here by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../js/api.js';
import { ANSWER_KINDS, HIDE_KINDS, hiddenKinds, question, defaultAsk } from '../../web/views/quiz.js';
import { NetworkModel } from '../../web/network.js';
import { DEFAULT_NET, defaults, parseAsk } from '../../web/state.js';

await api.init();

test('hiddenKinds: the kinds of the open questions only, each once, in HIDE_KINDS order', () => {
  const all = ['p0', 's6', 'k2', 'h'];
  assert.deepEqual(hiddenKinds(all, () => true), ['bytes', 'params', 'shapes', 'survivors']);
  assert.deepEqual(hiddenKinds(all, (q) => q !== 'p0'), ['bytes', 'shapes', 'survivors']);
  // p and t share one kind: it stays hidden while either is open
  assert.deepEqual(hiddenKinds(['p0', 't'], (q) => q === 't'), ['params']);
  assert.deepEqual(hiddenKinds(['p0', 'p3'], (q) => q === 'p3'), ['params']);
  assert.deepEqual(hiddenKinds(['p0', 't'], () => false), []);
  assert.deepEqual(hiddenKinds([], () => true), [], 'no ask=, nothing hidden');
  assert.deepEqual(hiddenKinds(['k2', 'k5'], (q) => q === 'k5'), ['survivors']);
  // every question kind parseAsk accepts has a kind to hide, and every kind is some question's
  for (const q of parseAsk('p1,s2,k3,h,t')) assert.ok(HIDE_KINDS.includes(ANSWER_KINDS[q[0]]), q);
  assert.deepEqual([...new Set(Object.values(ANSWER_KINDS))].sort(), [...HIDE_KINDS].sort());
});

test('the questions\' answers on the lesson network are the core\'s, and equal the hand count', () => {
  const model = new NetworkModel(api);
  const state = defaults();
  try {
    const m = model.run(state, api.Tensor.zeros([32, 784]));
    assert.deepEqual(defaultAsk(DEFAULT_NET), ['p0', 's6', 'k2', 'h']);
    const p0 = question('p0', m, api);
    assert.equal(p0.answer, 784 * 256 + 256);
    assert.ok(p0.check('200,960') && p0.check('200960') && !p0.check('200704'));
    assert.deepEqual(question('s6', m, api).answer, [32, 10]);
    assert.ok(question('s6', m, api).check('[32, 10]'));
    assert.equal(question('k2', m, api).answer, 0.5 * 32 * 256);
    const total = (784 * 256 + 256) + (256 * 128 + 128) + (128 * 10 + 10);
    assert.equal(question('t', m, api).answer, total);
    assert.equal(question('h', m, api).answer, 2 * total);
    // questions this network cannot be asked say why, and so hide nothing (quiz.js isOpen)
    assert.match(question('p9', m, api).missing, /no layer 9/);
    assert.match(question('k0', m, api).missing, /not a Dropout/);
  } finally {
    model.dispose();
  }
});

test('a wrong guess gets a hint that names the usual mistake and never the answer (the Build checks\' policy)', () => {
  const model = new NetworkModel(api);
  try {
    const m = model.run(defaults(), api.Tensor.zeros([32, 784]));
    const total = 235146;
    const cases = [
      ['p0', '200704', /weight matrix alone; this Linear has a bias too/],
      ['p0', '201488', /one number per output feature, not per input/], // 784·256 + 784
      ['p0', '1040', /multiply, do not add/], // 784 + 256
      ['p0', '5', /weight for every pair of input and output feature, plus one bias per output/],
      ['p1', '1', /learn anything/],
      ['s6', '10', /has 2 dimensions/],
      ['s6', '1, 10', /first number: no layer changes the batch size/],
      ['s6', '32, 128', /A Linear changes only the last number/],
      ['k5', String(0.3 * 32 * 128), /dropped on average: p is the probability of dropping/],
      ['k2', String(32 * 256), /every element/],
      ['h', String(total * 4), /float32, 4 bytes/],
      ['h', String(total), /number of parameters; each one takes 2 bytes/],
      ['t', String(784 * 256 + 256 * 128 + 128 * 10), /the biases are parameters too/],
    ];
    for (const [id, guess, want] of cases) {
      const q = question(id, m, api);
      assert.ok(!q.check(guess), `${id}: ${guess} is wrong`);
      const hint = q.hint(guess);
      assert.match(hint, want, `${id} ${guess}`);
      // the hint teaches: the answer is not in it, in any spelling
      const answers = Array.isArray(q.answer) ? [q.answer.join(', '), q.answer.join(',')] : [String(q.answer), q.shown];
      for (const a of answers) assert.ok(!hint.includes(a), `${id}'s hint "${hint}" gives "${a}"`);
    }
  } finally {
    model.dispose();
  }
});
