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
