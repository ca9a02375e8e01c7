// The Build step's checks (js/build/layers-checks.js) through the real core:
// the reference solution passes every check, the library's own classes do
// too (the checks agree with the core), each named mistake fails exactly the
// checks that name it, and the checks run the same through an async
// membrane (how the page reaches sandboxed classes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as api from '../../js/index.js';
import { runLayerChecks, EXERCISES, MISTAKES, CHECK_LIST, STARTER } from '../../js/build/index.js';
import * as solution from '../../examples/build/layers-solution.mjs';
import { MISTAKE_EDITS, writeMistakes } from '../fixtures/build/mistakes.mjs';

const mistakeFiles = writeMistakes();
const fixture = (name) => import(pathToFileURL(mistakeFiles[name]).href);
const ALL_IDS = CHECK_LIST.map((c) => c.id);
const failing = (results) => Object.fromEntries(results.filter((r) => r.status !== 'pass').map((r) => [r.id, r.mistake]));

/** Run the checks and assert they leave no tensor behind and the generator as they found it. */
async function run(student, opts) {
  api.manualSeed(12345);
  api.Tensor.rand([3]).dispose(); // a state that is not a fresh seed
  const state = Array.from(api.defaultGenerator().getState());
  const before = api.memoryInfo();
  const results = await runLayerChecks(api, student, opts);
  const after = api.memoryInfo();
  assert.deepEqual(Array.from(api.defaultGenerator().getState()), state, 'the default generator is restored');
  return { results, leaked: after.tensors - before.tensors };
}

test('the check list: 29 checks over the three exercises, unique ids', () => {
  assert.deepEqual(EXERCISES.map((e) => e.id), ['linear', 'dropout', 'sequential']);
  assert.equal(new Set(ALL_IDS).size, ALL_IDS.length);
  assert.deepEqual(CHECK_LIST.map((c) => c.exercise).filter((e, i, a) => a.indexOf(e) === i), ['linear', 'dropout', 'sequential']);
  assert.equal(ALL_IDS.length, 29);
  for (const c of CHECK_LIST) assert.ok(c.id.startsWith(`${c.exercise}.`), c.id);
});

test('the reference solution passes every check and leaves no tensor behind', async () => {
  const { results, leaked } = await run(solution);
  assert.deepEqual(results.map((r) => r.id), ALL_IDS);
  assert.deepEqual(failing(results), {});
  assert.equal(leaked, 0);
  for (const r of results) {
    assert.equal(typeof r.got, 'string');
    assert.ok(r.got.length > 0, `${r.id} says what it saw`);
    assert.ok(r.expected.length > 0, `${r.id} says what it expected`);
    assert.equal(r.mistake, null);
  }
  const std = results.find((r) => r.id === 'linear.weight-std');
  assert.match(std.tolerance, /1\/√\(2n\)/);
  assert.match(std.expected, /0\.0357/);
  assert.match(results.find((r) => r.id === 'dropout.keep-rate').tolerance, /binomial/);
  assert.match(results.find((r) => r.id === 'dropout.mean').tolerance, /±0\.035/);
});

test('the library\'s own Linear, Dropout and Sequential pass every check (the checks agree with the core)', async () => {
  const { results } = await run({ Linear: api.Linear, Dropout: api.Dropout, Sequential: api.Sequential });
  assert.deepEqual(failing(results), {});
  // the core keeps u < 1 − p: the other of the two accepted masks
  assert.match(results.find((r) => r.id === 'dropout.mask-draw').got, /u < 0\.7/);
});

// Each mistake: the exact set of checks it fails, and the mistake each names.
const EXPECTED = {
  'unscaled-init': { 'linear.weight-std': 'unscaled-init', 'linear.weight-draw': 'unscaled-init' },
  'he-init': { 'linear.weight-std': 'he-init', 'linear.weight-draw': 'he-init' },
  'glorot-init': { 'linear.weight-std': 'glorot-init', 'linear.weight-draw': 'glorot-init' },
  'weight-transposed': { 'linear.weight-shape': 'weight-transposed', 'linear.weight-draw': 'weight-transposed' },
  // the lesson network counts 394 biases fewer: a consequence, not a second diagnosis
  'bias-missing': { 'linear.bias': 'bias-missing', 'linear.lesson-network': null },
  // [1, out] broadcasts like [out] for batches; only a single sample shows it
  'bias-2d': { 'linear.bias': 'bias-2d', 'linear.forward-1d': 'bias-2d' },
  'dropout-unscaled': { 'dropout.scale': 'dropout-unscaled', 'dropout.mean': 'dropout-unscaled' },
  'dropout-active-in-eval': { 'dropout.eval-identity': 'dropout-active-in-eval' },
  // keeping u < p with a 1/p scale preserves the mean: the rate, the scale and the mask show it
  'p-as-keep': { 'dropout.scale': 'p-as-keep', 'dropout.keep-rate': 'p-as-keep', 'dropout.mask-draw': 'p-as-keep' },
  'parameters-missing-bias': { 'linear.parameters': 'parameters-missing-bias', 'linear.lesson-network': null },
  // Sequential keeps each tensor once, so the network's count is still right
  'parameters-duplicate': { 'linear.parameters': 'parameters-duplicate' },
  'sequential-no-chain': { 'sequential.forward': 'sequential-no-chain' },
};

test('every named mistake has a fixture', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), Object.keys(MISTAKES).sort());
  assert.deepEqual(Object.keys(MISTAKE_EDITS).sort(), Object.keys(MISTAKES).sort());
});

for (const [name, want] of Object.entries(EXPECTED)) {
  test(`mistake ${name}: fails exactly ${Object.keys(want).join(', ')}`, async () => {
    const { results, leaked } = await run(await fixture(name));
    assert.deepEqual(failing(results), want);
    assert.equal(leaked, 0);
    for (const r of results.filter((x) => x.status !== 'pass')) {
      assert.equal(r.status, 'fail', `${r.id}: a failure, not an error (${r.got})`);
      assert.ok(r.expected && r.got && r.hint, `${r.id} says what it expected, what it got and a hint`);
      // hints teach: they do not hand over the code
      assert.doesNotMatch(r.hint, /Math\.sqrt|1 \/ inFeatures|layer\.forward\(h\)|v >= this\.p/, r.id);
    }
  });
}

test('hints say how a student differs: the unscaled std, the Dropout scale', async () => {
  const { results } = await run(await fixture('unscaled-init'));
  const std = results.find((r) => r.id === 'linear.weight-std');
  assert.match(std.got, /^std 1(\.0+)?,/);
  assert.match(std.hint, /√784 = 28 times too large/);
  assert.match(std.hint, /\?$/);
  const { results: d } = await run(await fixture('dropout-unscaled'));
  const scale = d.find((r) => r.id === 'dropout.scale');
  assert.match(scale.expected, /1\.250·x/);
  assert.equal(scale.got, 'kept values 1.000·x');
});

test('a mask kept where u < 1 − p passes as well as u ≥ p; Math.random does not', async () => {
  class Below extends solution.Dropout {
    forward(x) {
      if (!this.training || this.p === 0) return x.mul(1);
      if (this.p === 1) return x.mul(0);
      const u = api.Tensor.rand(x.shape);
      const m = new api.Tensor(Array.from(u.data, (v) => (v < 1 - this.p ? 1 : 0)), { shape: x.shape });
      u.dispose();
      const k = x.mul(m);
      m.dispose();
      const y = k.mul(1 / (1 - this.p));
      k.dispose();
      return y;
    }
  }
  class Unseeded extends solution.Dropout {
    forward(x) {
      if (!this.training || this.p === 0) return x.mul(1);
      if (this.p === 1) return x.mul(0);
      const m = new api.Tensor(Array.from({ length: x.size }, () => (Math.random() >= this.p ? 1 : 0)), { shape: x.shape });
      const k = x.mul(m);
      m.dispose();
      const y = k.mul(1 / (1 - this.p));
      k.dispose();
      return y;
    }
  }
  const below = await run({ ...solution, Dropout: Below }, { exercises: ['dropout'] });
  assert.deepEqual(failing(below.results), {});
  assert.match(below.results.find((r) => r.id === 'dropout.mask-draw').got, /u < 0\.7/);
  const unseeded = await run({ ...solution, Dropout: Unseeded }, { exercises: ['dropout'] });
  assert.deepEqual(failing(unseeded.results), { 'dropout.mask-draw': null, 'dropout.repeat': null });
});

test('a missing export fails that exercise\'s checks with a clear error; the others still run', async () => {
  const { results } = await run({ Linear: solution.Linear });
  for (const r of results) {
    if (r.exercise === 'linear') assert.equal(r.status, 'pass', r.id);
    else {
      assert.equal(r.status, 'error', r.id);
      assert.match(r.got, new RegExp(`does not export ${r.exercise === 'dropout' ? 'Dropout' : 'Sequential'}`));
    }
  }
  // without a Sequential the lesson network is counted through the three Linears
  assert.match(results.find((r) => r.id === 'linear.lesson-network').got, /your three Linears/);
  const none = await run(null);
  assert.ok(none.results.every((r) => r.status === 'error'));
});

test('student code that throws (an Error or not) fails that check and the next check runs', async () => {
  class Throws extends solution.Linear {
    forward() { throw 42; } // eslint-disable-line no-throw-literal
  }
  class Boom extends solution.Linear {
    constructor(...a) {
      super(...a);
      if (a[0] === 20) throw new TypeError('boom');
    }
  }
  const { results, leaked } = await run({ ...solution, Linear: Throws }, { exercises: ['linear'] });
  const f1 = results.find((r) => r.id === 'linear.forward-1d');
  assert.equal(f1.status, 'error');
  assert.equal(f1.got, 'forward(x [784]) threw the value 42');
  assert.equal(results.find((r) => r.id === 'linear.lesson-network').status, 'pass');
  assert.equal(results.find((r) => r.id === 'linear.weight-std').status, 'pass');
  assert.equal(leaked, 0);
  const boom = await run({ ...solution, Linear: Boom }, { exercises: ['linear'] });
  assert.deepEqual(failing(boom.results), { 'linear.gradients': null });
  assert.equal(boom.results.find((r) => r.id === 'linear.gradients').got, 'new Linear(20, 5) threw TypeError: boom');
});

test('gradients: a weight without requiresGrad, a weight that is not a leaf, an output rebuilt from numbers', async () => {
  class NoGrad extends solution.Linear {
    constructor(...a) {
      super(...a);
      this.weight.requiresGrad = false;
    }
  }
  class NotLeaf extends solution.Linear {
    constructor(i, o, opts) {
      super(i, o, opts);
      this.weight.dispose();
      api.manualSeed(0);
      this.weight = api.Tensor.randn([i, o], { requiresGrad: true }).mul(Math.sqrt(1 / i));
    }
  }
  class Rebuilt extends solution.Linear {
    forward(x) {
      const y = super.forward(x);
      const copy = new api.Tensor(y.data, { shape: y.shape });
      y.dispose();
      return copy;
    }
  }
  const hint = async (C) => {
    const { results } = await run({ ...solution, Linear: C }, { exercises: ['linear'] });
    return results.find((r) => r.id === 'linear.gradients');
  };
  const a = await hint(NoGrad);
  assert.equal(a.got, 'weight.grad is null after backward()');
  assert.match(a.hint, /which property of your weight says so\?/);
  const b = await hint(NotLeaf);
  assert.equal(b.got, 'weight.grad is null after backward()');
  assert.match(b.hint, /result of an operation/);
  const c = await hint(Rebuilt);
  assert.match(c.got, /does not track gradients/);
});

test('linear.no-bias: a forward that adds a missing bias throws, and is reported on that check only', async () => {
  class AddsNull extends solution.Linear {
    forward(x) { return x.matmul(this.weight).add(this.bias); }
  }
  const { results } = await run({ ...solution, Linear: AddsNull }, { exercises: ['linear'] });
  assert.deepEqual(failing(results), { 'linear.no-bias': null });
  const r = results.find((x) => x.id === 'linear.no-bias');
  assert.equal(r.status, 'error');
  assert.match(r.got, /^forward\(x \[4, 784\]\) without a bias threw TypeError: add: right operand must be a Tensor or a number, got null/);
});

test('the tolerances\' standard deviations hold for the core\'s generator', () => {
  // the sample std of n normal draws: relative sd ≈ 1/√(2n); the kept fraction: sd √(p(1−p)/n)
  const n = 5000;
  const stds = [];
  const kept = [];
  for (let seed = 1; seed <= 60; seed++) {
    api.manualSeed(seed);
    api.tidy(() => {
      stds.push(api.Tensor.randn([n]).stats().std);
      const u = api.Tensor.rand([n]).data;
      kept.push(u.filter((v) => v >= 0.2).length / n);
    });
  }
  const sd = (a) => {
    const m = a.reduce((s, v) => s + v, 0) / a.length;
    return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
  };
  // 60 samples: the sd's own relative error is about 1/√120 = 9%; allow 30%
  const r1 = sd(stds) / (1 / Math.sqrt(2 * n));
  const r2 = sd(kept) / Math.sqrt(0.2 * 0.8 / n);
  assert.ok(r1 > 0.7 && r1 < 1.3, `std of the sample std / (1/√(2n)) = ${r1}`);
  assert.ok(r2 > 0.7 && r2 < 1.3, `std of the kept fraction / √(p(1−p)/n) = ${r2}`);
});

test('a parameters() that never ends is cut at 10,000 items and reported, not followed forever', async () => {
  class Endless extends solution.Linear {
    * parameters() { for (;;) yield this.weight; }
  }
  const { results } = await run({ Linear: Endless }, { exercises: ['linear'] });
  assert.deepEqual(Object.keys(failing(results)), ['linear.no-bias', 'linear.parameters', 'linear.lesson-network']);
  assert.equal(results.find((r) => r.id === 'linear.parameters').got, '[weight, weight, weight, weight, weight, weight, weight, weight, …] (more than 10,000 items)');
});

test('exercises and onResult: only the chosen exercise, each result reported as it finishes', async () => {
  const seen = [];
  const { results } = await run(solution, { exercises: ['dropout'], onResult: (r) => seen.push(r) });
  assert.deepEqual(results.map((r) => r.id), CHECK_LIST.filter((c) => c.exercise === 'dropout').map((c) => c.id));
  assert.deepEqual(seen, results);
  await assert.rejects(runLayerChecks(api, solution, { exercises: ['conv'] }), /unknown exercise "conv"/);
  await assert.rejects(runLayerChecks({}, solution), TypeError);
  await assert.rejects(runLayerChecks(api, solution, { onResult: 3 }), TypeError);
});

/**
 * An async membrane like the page's sandbox: the checks get proxies whose
 * every property read and method call answers with a Promise, student
 * instances are unwrapped on the way in, host objects (Tensors, ReLU) pass.
 */
function asyncMembrane(mod) {
  const toProxy = new WeakMap();
  const toReal = new WeakMap();
  const classes = Object.values(mod).filter((v) => typeof v === 'function');
  const isStudent = (v) => classes.some((C) => v instanceof C);
  const unwrap = (v) => (toReal.has(v) ? toReal.get(v) : Array.isArray(v) ? v.map(unwrap) : v);
  const wrap = (v) => {
    if (v === null || typeof v !== 'object') return v;
    if (toProxy.has(v)) return toProxy.get(v);
    if (Array.isArray(v)) return v.map(wrap);
    if (!isStudent(v)) return v;
    const p = new Proxy(Object.create(null), {
      get(_, k) {
        const val = v[k];
        return Promise.resolve(typeof val === 'function' ? (...args) => Promise.resolve().then(() => wrap(val.apply(v, args.map(unwrap)))) : wrap(val));
      },
    });
    toProxy.set(v, p);
    toReal.set(p, v);
    return p;
  };
  const out = {};
  for (const [name, C] of Object.entries(mod)) {
    if (typeof C === 'function') out[name] = function Proxied(...args) { return wrap(new C(...args.map(unwrap))); };
  }
  return out;
}

test('through an async membrane the checks give the same verdicts', async () => {
  const { results } = await run(asyncMembrane(solution));
  assert.deepEqual(failing(results), {});
  for (const name of ['p-as-keep', 'bias-2d', 'sequential-no-chain', 'parameters-duplicate']) {
    const r = await run(asyncMembrane(await fixture(name)));
    assert.deepEqual(failing(r.results), EXPECTED[name], name);
  }
});

test('starter code loads and fails by its TODOs; the Sequential exercise\'s given Linear passes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-starter-'));
  try {
    const load = async (key) => {
      const f = join(dir, `${key}.mjs`);
      // the texts import 'tinytorch-wasm': point them at this checkout
      writeFileSync(f, STARTER[key].replace("from 'tinytorch-wasm'", `from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../js/index.js')).href)}`));
      return import(pathToFileURL(f).href);
    };
    const all = await run(await load('all'));
    assert.deepEqual(all.results.filter((r) => r.status === 'pass').map((r) => r.id), ['dropout.p']);
    assert.match(all.results[0].got, /TODO: Linear constructor/);
    for (const key of ['linear', 'dropout', 'sequential']) {
      const r = await run(await load(key), { exercises: [key] });
      assert.ok(r.results.some((x) => x.status === 'error' && /TODO/.test(x.got)), key);
    }
    const seq = await load('sequential');
    const given = { ...solution, Linear: seq.Linear };
    assert.deepEqual(failing((await run(given, { exercises: ['linear'] })).results), {});
    assert.equal(typeof (await load('linear')).Dropout, 'undefined');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('js/build/index.d.ts type-checks a grader\'s usage of tinytorch-wasm/build under strict TypeScript', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = join(import.meta.dirname, '../fixtures/build/types/tsconfig.json');
  const r = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
