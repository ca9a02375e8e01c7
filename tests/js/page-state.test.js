// The page's URL state (web/state.js): links round-trip, and a hostile or
// malformed hash falls back to defaults with a notice, within caps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readHash, writeHash, classifyHash, defaults, parseNet, parseInit, formatNet, DEFAULT_NET, LIMITS, KINDS } from '../../web/state.js';
import { STREAM, streamSeed, splitmix64, fashionStart } from '../../web/seeds.js';
import { ACTIVATIONS, INITIALIZERS, INITS } from '../../js/api.js';

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
  // the state prefix, and commas left as commas
  assert.match(hash, /^#tt:net=L784-512n,G,D0\.25,L512-10,X&batch=7&/);
  // a link made before the prefix (commas escaped or not) reads the same
  assert.deepEqual(readHash(hash.replace('#tt:', '#')).state, s);
  assert.deepEqual(readHash(hash.replace('#tt:', '#').replace(/,/g, '%2C')).state, s);
});

test('the hash grammar: state has a prefix or an "=", a plain anchor is not state; a key given twice says what it used', () => {
  const ids = new Set(['main', 'reflect', 'odd=id']);
  const has = (id) => ids.has(id);
  assert.deepEqual(classifyHash('#main', has), { kind: 'anchor', text: 'main' });
  assert.deepEqual(classifyHash('#reflect', has), { kind: 'anchor', text: 'reflect' });
  assert.deepEqual(classifyHash('#nowhere', has), { kind: 'anchor', text: 'nowhere' });
  assert.deepEqual(classifyHash('#odd=id', has), { kind: 'anchor', text: 'odd=id' }); // an element's id wins over the old grammar
  assert.deepEqual(classifyHash('#tt:batch=8', has), { kind: 'state', text: 'batch=8' });
  assert.deepEqual(classifyHash('#net=L784-10&batch=8', has), { kind: 'state', text: 'net=L784-10&batch=8' });
  assert.deepEqual(classifyHash('', has), { kind: 'empty', text: '' });
  const twice = readHash('#tt:batch=8&batch=9999');
  assert.equal(twice.state.batch, 8);
  assert.equal(twice.notices.length, 1);
  assert.match(twice.notices[0], /"batch" 2 times; only the first is used \(8\)/);
  assert.doesNotMatch(twice.notices[0], /default/);
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

test('the URL grammar for init accepts exactly the INITIALIZERS keys and aliases, read as the key', () => {
  const accepted = INITIALIZERS.flatMap((rec) => [rec.key, ...rec.aliases].map((name) => [name, rec.key]));
  assert.ok(accepted.length >= 8, 'every initialiser has a key and at least one alias');
  for (const [name, key] of accepted) {
    assert.equal(parseInit(name), key, name);
    const { state, notices } = readHash(`#init=${name}`);
    assert.deepEqual(notices, [], name);
    assert.equal(state.init, key, name);
    // a link is written with the key, and reads back as the same state
    assert.equal(readHash(writeHash(state)).state.init, key);
  }
  // what Linear itself accepts: the API's own table of names
  assert.deepEqual(accepted.map(([n]) => n).sort(), Object.keys(INITS).sort());
  const names = new Set(accepted.map(([n]) => n));
  for (const bad of ['', 'Xavier', 'XAVIER', ' xavier', 'xavier ', 'xavier_normal', 'kaiming_uniform', 'he', 'lesson', 'naive_normal',
    'constructor', '__proto__', 'toString', 'hasOwnProperty', 'xavier,he_normal']) {
    assert.ok(!names.has(bad));
    assert.throws(() => parseInit(bad), Error, bad);
    const { state, notices } = readHash(`#init=${encodeURIComponent(bad)}`);
    assert.equal(notices.length, 1, bad);
    assert.equal(state.init, defaults().init);
  }
  assert.equal(defaults().init, INITIALIZERS[0].key);
});

test('layer kinds and the init comparison\'s activations come from ACTIVATIONS', () => {
  const kinds = Object.keys(KINDS);
  assert.deepEqual(kinds, ['linear', ...ACTIVATIONS.map((a) => a.name), 'dropout']);
  for (const a of ACTIVATIONS) assert.equal(KINDS[a.name].className, a.className);
  const codes = kinds.map((k) => KINDS[k].code);
  assert.equal(new Set(codes).size, codes.length, 'one URL letter per kind');
  // the letters are in links people keep: they must not move
  assert.deepEqual(Object.fromEntries(kinds.map((k) => [k, KINDS[k].code])),
    { linear: 'L', relu: 'R', sigmoid: 'S', tanh: 'T', gelu: 'G', softmax: 'X', dropout: 'D' });
  for (const a of ACTIVATIONS) {
    const { state, notices } = readHash(`#act=${a.name}`);
    if (a.name === 'softmax') {
      assert.equal(notices.length, 1, 'softmax is no element-wise activation for the deep stack');
    } else {
      assert.deepEqual(notices, []);
      assert.equal(state.act, a.name);
    }
  }
  assert.equal(readHash('#act=ReLU').notices.length, 1);
});

test('seeds: splitmix64 matches its published outputs; streams are deterministic and distinct', () => {
  // splitmix64 from state 0 and from 1234567 (Vigna's reference outputs)
  assert.equal(splitmix64(0n), 0xe220a8397b1dcdafn);
  assert.equal(splitmix64(1234567n), 6457827717110365317n);
  assert.equal(streamSeed('weights', 42, 3), splitmix64(splitmix64(splitmix64(BigInt(STREAM.weights)) ^ 42n) ^ 3n));
  assert.equal(streamSeed('mask', 42, 2, 7), streamSeed('mask', 42, 2, 7));
  const seen = new Set();
  for (const stream of Object.keys(STREAM)) {
    for (let s = 0; s < 3; s++) for (let i = 0; i < 24; i++) seen.add(streamSeed(stream, s, i));
    seen.add(streamSeed(stream, 0));
    seen.add(streamSeed(stream));
  }
  assert.equal(seen.size, Object.keys(STREAM).length * (3 * 24 + 2));
  for (const v of [...seen].slice(0, 50)) assert.ok(v >= 0n && v < 2n ** 64n);
  assert.throws(() => streamSeed('nope', 1), RangeError);
  assert.throws(() => streamSeed('input', -1), RangeError);
  assert.throws(() => streamSeed('input', 1.5), RangeError);
  assert.equal(fashionStart(42, 32, 1000), (42 * 37) % 969);
  assert.equal(fashionStart(5, 2000, 1000), 0);
});

test('the page model: trace rows as Sequential.summary counts them; masks and weights from their own streams', async () => {
  const api = await import('../../js/index.js');
  const { NetworkModel } = await import('../../web/network.js');
  const { withGenerator } = await import('../../web/seeds.js');
  const input = (s) => withGenerator(api, 'input', [s.seed], (generator) => api.Tensor.randn([s.batch, 784], { generator }));
  const start = api.memoryInfo();
  const runOnce = (s, read) => {
    const m = new NetworkModel(api);
    try {
      return read(m.run(s, input(s)));
    } finally {
      m.dispose();
    }
  };
  const s = { ...defaults(), batch: 8, seed: 11, draw: 2 };
  const seen = runOnce(s, (run) => {
    const net = new api.Sequential(s.net.map((spec) => (spec.kind === 'linear' ? new api.Linear(spec.in, spec.out, { bias: spec.bias })
      : spec.kind === 'dropout' ? new api.Dropout(spec.p) : new api.ReLU())));
    const summary = net.summary([8, 784]);
    net.dispose();
    assert.equal(run.error, null);
    assert.deepEqual(run.layers.map((r) => r.shape), summary.rows.map((r) => r.outputShape));
    assert.deepEqual(run.layers.map((r) => r.params), summary.rows.map((r) => r.params));
    assert.deepEqual(run.layers.map((r) => r.flops), summary.rows.map((r) => r.flops));
    assert.equal(run.totals.params, 235146);
    assert.equal(run.totals.activationBytes, summary.activationBytes);
    assert.match(run.summaryText, /Total params: 235,146/);
    return {
      masks: run.layers.filter((r) => r.spec.kind === 'dropout').map((r) => Array.from(r.layer.mask.data)),
      weights: run.layers.filter((r) => r.spec.kind === 'linear').map((r) => Array.from(r.layer.weight.data.slice(0, 200))),
      stats: run.layers.map((r) => r.stats),
    };
  });
  // the same state in a new model: the same numbers
  assert.deepEqual(runOnce(s, (run) => run.layers.map((r) => r.stats)), seen.stats);
  // a wider first layer: layer 5's mask and layer 6's weights come from their own streams, unchanged
  const wide = { ...s, net: s.net.map((l, i) => (i === 0 ? { ...l, out: 512 } : i === 3 ? { ...l, in: 512 } : l)) };
  runOnce(wide, (run) => {
    assert.deepEqual(Array.from(run.layers[5].layer.mask.data), seen.masks[1]);
    assert.deepEqual(Array.from(run.layers[6].layer.weight.data.slice(0, 200)), seen.weights[2]);
  });
  // another draw: new masks, the same weights
  runOnce({ ...s, draw: 3 }, (run) => {
    assert.notDeepEqual(Array.from(run.layers[2].layer.mask.data), seen.masks[0]);
    assert.deepEqual(run.layers.filter((r) => r.spec.kind === 'linear').map((r) => Array.from(r.layer.weight.data.slice(0, 200))), seen.weights);
  });
  // a broken chain: the failing row has the core's message, the rows after it did not run
  runOnce({ ...s, net: s.net.map((l, i) => (i === 3 ? { ...l, in: 200 } : l)) }, (run) => {
    assert.equal(run.error.index, 3);
    assert.equal(run.error.name, 'ShapeError');
    assert.equal(run.layers[3].error, run.error.message);
    assert.equal(run.layers.length, 7);
    for (const r of run.layers.slice(4)) assert.equal(r.output, null);
    assert.equal(run.layers[6].params, 1290);
    assert.equal(run.summaryText, null);
  });
  const end = api.memoryInfo();
  assert.equal(end.tensors, start.tensors, 'every tensor of the runs was freed');
});

test('widths: the init stack\'s width pattern round-trips, defaults to all 256, and a bad value is a notice', async () => {
  const { INIT_WIDTHS } = await import('../../web/kinds.js');
  assert.equal(defaults().widths, '256');
  assert.equal(INIT_WIDTHS[0].key, '256');
  // the default pattern is the lab as it was: every layer 256 -> 256
  for (let i = 0; i <= LIMITS.depth[1]; i++) assert.equal(INIT_WIDTHS[0].width(i), 256);
  assert.deepEqual([0, 1, 2, 3].map(INIT_WIDTHS.find((w) => w.key === '256-1024').width), [256, 1024, 256, 1024]);
  for (const w of INIT_WIDTHS) {
    const s = { ...defaults(), widths: w.key, depth: 7 };
    const hash = writeHash(s);
    if (w.key === '256') assert.doesNotMatch(hash, /widths=/);
    else assert.match(hash, new RegExp(`widths=${w.key}(&|$)`));
    const back = readHash(hash);
    assert.deepEqual(back.notices, []);
    assert.equal(back.state.widths, w.key);
  }
  for (const bad of ['512', '256-512', '', 'x'.repeat(50), '256,1024']) {
    const { state, notices } = readHash(`#tt:widths=${encodeURIComponent(bad)}&depth=5`);
    assert.equal(notices.length, 1, bad);
    assert.match(notices[0], /"widths" was not used/);
    assert.equal(state.widths, '256');
    assert.equal(state.depth, 5, 'the other keys still apply');
  }
});
