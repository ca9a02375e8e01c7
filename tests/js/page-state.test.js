// The page's URL state (web/state.js): links round-trip, and a hostile or
// malformed hash falls back to defaults with a notice, within caps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readHash, writeHash, defaults, parseNet, formatNet, DEFAULT_NET, LIMITS } from '../../web/state.js';

test('the default state writes an empty hash and reads back', () => {
  assert.equal(writeHash(defaults()), '');
  assert.deepEqual(readHash('').state, defaults());
  assert.equal(formatNet(DEFAULT_NET), 'L784-256,R,D0.5,L256-128,R,D0.3,L128-10');
});

test('a changed state round-trips through the hash', () => {
  const s = { ...defaults(), batch: 7, mode: 'eval', input: 'random', seed: 123, draw: 4, layer: 3, init: 'he_normal', depth: 20, act: 'tanh' };
  s.net = [{ kind: 'linear', in: 784, out: 512, bias: false }, { kind: 'gelu' }, { kind: 'dropout', p: 0.25 }, { kind: 'linear', in: 512, out: 10, bias: true }, { kind: 'softmax' }];
  const hash = writeHash(s);
  const back = readHash(hash);
  assert.deepEqual(back.notices, []);
  assert.deepEqual(back.state, s);
  assert.match(hash, /net=L784-512n%2CG%2CD0\.25%2CL512-10%2CX/);
});

test('hostile and malformed hashes fall back to defaults with a notice', () => {
  const hostile = [
    ['net=<script>alert(1)</script>', 'net'],
    ['net=L784-999999', 'net'],
    ['net=L0-10', 'net'],
    ['net=D-0.5', 'net'],
    ['net=D1.5', 'net'],
    ['net=DNaN', 'net'],
    ['net=L784-10x', 'net'],
    [`net=${Array(LIMITS.layers + 1).fill('R').join(',')}`, 'net'],
    ['batch=100000', 'batch'],
    ['batch=-1', 'batch'],
    ['batch=1e3', 'batch'],
    ['batch=0x10', 'batch'],
    ['mode=<img src=x onerror=alert(1)>', 'mode'],
    ['seed=99999999999', 'seed'],
    ['depth=1000', 'depth'],
    ['evil=1', 'evil'],
  ];
  for (const [hash, key] of hostile) {
    const { state, notices } = readHash(`#${hash}`);
    assert.equal(notices.length, 1, `${hash}: ${notices}`);
    assert.ok(notices[0].includes(key));
    assert.deepEqual(state, defaults(), `${hash} must leave the defaults`);
  }
  const long = readHash(`#net=${'R,'.repeat(5000)}`);
  assert.equal(long.notices.length, 1);
  assert.match(long.notices[0], /characters long/);
  assert.deepEqual(readHash('#%E0%A4%A').state, defaults()); // broken percent-encoding
});

test('valid keys survive next to invalid ones', () => {
  const { state, notices } = readHash('#batch=8&mode=bogus&net=L784-10');
  assert.equal(state.batch, 8);
  assert.equal(state.mode, 'train');
  assert.deepEqual(state.net, [{ kind: 'linear', in: 784, out: 10, bias: true }]);
  assert.equal(notices.length, 1);
});

test('parseNet accepts the grammar and nothing else', () => {
  assert.deepEqual(parseNet('L1-1,R,S,T,G,X,D0,D1,D.5,D0.3333'), [
    { kind: 'linear', in: 1, out: 1, bias: true }, { kind: 'relu' }, { kind: 'sigmoid' }, { kind: 'tanh' }, { kind: 'gelu' },
    { kind: 'softmax' }, { kind: 'dropout', p: 0 }, { kind: 'dropout', p: 1 }, { kind: 'dropout', p: 0.5 }, { kind: 'dropout', p: 0.3333 },
  ]);
  for (const bad of ['R1', 'L1', 'L1-', 'L-1-2', 'D', 'D0.12345', 'Q', 'L01-2', 'L4097-1', ' R']) assert.throws(() => parseNet(bad), Error, bad);
});
