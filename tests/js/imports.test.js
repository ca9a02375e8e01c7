// Imports in js/ go one way: core -> scope -> tensor -> autograd -> ops ->
// layers -> api (site/docs/architecture.md, "Imports"). Two checks: the
// static import graph, parsed from the files, has no cycle and never points
// to a later level; and each module, imported FIRST in a fresh Node process
// (then the package), loads and works, so no file depends on another having
// been evaluated before it (a cycle would make that order matter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const jsDir = new URL('../../js/', import.meta.url);

// The declared order, lowest first. A module may import modules of its own
// level or a lower one; the whole graph must be acyclic.
const LEVELS = [
  ['enums.js', 'errors.js', 'format.js', 'checks.js', 'bindings.js'], // no state: tables, messages, argument checks, the C export table
  ['core.js'], // the wasm instance and its memory
  ['generator.js', 'scope.js'], // RNG streams; tidy() scopes
  ['tensor.js'],
  ['autograd.js'],
  ['ops.js'],
  ['module.js', 'activations.js', 'linear.js', 'dropout.js', 'losses.js', 'sequential.js', 'optim.js'], // layers
  ['api.js'],
  ['index.js'],
];
const levelOf = new Map(LEVELS.flatMap((names, i) => names.map((n) => [n, i])));

const modules = readdirSync(jsDir).filter((f) => f.endsWith('.js')).sort();

/** The js/ files a module imports statically (import ... from, export ... from, bare import). */
function importsOf(file) {
  const src = readFileSync(new URL(file, jsDir), 'utf8');
  const out = new Set();
  const re = /^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?'\.\/([^']+)'/gm;
  for (const m of src.matchAll(re)) if (!m[1].startsWith('wasm/')) out.add(m[1]);
  return [...out];
}

test('the import graph of js/ has no cycle and goes one way, in the declared order', () => {
  const graph = new Map(modules.map((f) => [f, importsOf(f)]));
  const unknown = modules.filter((f) => !levelOf.has(f));
  assert.deepEqual(unknown, [], `js/ files with no level in this test's LEVELS (add each where it belongs): ${unknown.join(', ')}`);
  // the parser sees the imports we know are there
  assert.ok(graph.get('autograd.js').includes('tensor.js'), 'parser: autograd.js imports tensor.js (a multi-line import)');
  assert.ok(graph.get('api.js').includes('ops.js'), 'parser: api.js imports ops.js (a bare import)');
  const wrongWay = [];
  for (const [f, deps] of graph) {
    for (const d of deps) {
      assert.ok(graph.has(d), `${f} imports ./${d}, which is not a file in js/`);
      if (levelOf.get(d) > levelOf.get(f)) wrongWay.push(`${f} -> ${d}`);
    }
  }
  assert.deepEqual(wrongWay, [], 'imports from a lower level to a higher one');
  // no cycle: depth-first search with colours
  const state = new Map();
  const path = [];
  const visit = (f) => {
    if (state.get(f) === 2) return;
    if (state.get(f) === 1) assert.fail(`import cycle: ${[...path.slice(path.indexOf(f)), f].join(' -> ')}`);
    state.set(f, 1);
    path.push(f);
    for (const d of graph.get(f)) visit(d);
    path.pop();
    state.set(f, 2);
  };
  for (const f of modules) visit(f);
  // tensor.js is the leaf the issue asks for: it names no op and no autograd code
  for (const d of graph.get('tensor.js')) assert.ok(levelOf.get(d) < levelOf.get('tensor.js'), `tensor.js imports ${d}`);
});

// What each module's own exports can do once the package is loaded; every
// module also runs the common workload below, through the package.
const OWN_USE = {
  'core.js': 'assert.ok(m.rt && m.rt.core, "rt is set"); assert.equal(typeof m.simdSupported, "boolean");',
  'scope.js': 'assert.deepEqual(m.tidy(() => new api.Tensor([1, 2]).mul(2).data), new Float32Array([2, 4]));',
  'tensor.js': 'const t = new m.Tensor([[1, 2], [3, 4]]); assert.deepEqual(t.matmul(t).toArray(), [[7, 10], [15, 22]]); t.dispose();',
  'autograd.js': 'assert.equal(m.noGrad(() => m.isGradEnabled()), false); assert.equal(m.isGradEnabled(), true);',
  'ops.js': 'const a = new api.Tensor([1, 2, 3]); const y = m.reshape(a, [3, 1]); assert.deepEqual(y.shape, [3, 1]); a.dispose(); y.dispose();',
  'module.js': 'assert.ok(new api.Linear(2, 2) instanceof m.Module);',
  'linear.js': 'const l = new m.Linear(3, 2); assert.deepEqual(l.forward(api.Tensor.ones(4, 3)).shape, [4, 2]);',
  'optim.js': 'const w = api.Tensor.ones(2, { requiresGrad: true }); w.sum().backward(); const o = new m.SGD([w], { lr: 0.5 }); o.step(); assert.deepEqual(w.data, new Float32Array([0.5, 0.5])); assert.ok(o instanceof m.Optimizer);',
  'sequential.js': 'const n = new m.Sequential([new api.Linear(2, 3), new api.ReLU()]); assert.deepEqual(n.forward(api.Tensor.ones(1, 2)).shape, [1, 3]);',
  'losses.js': 'const l = new m.CrossEntropyLoss().forward(new api.Tensor([[0, 0]]), [1]); assert.ok(Math.abs(l.item() - Math.log(2)) < 1e-6);',
  'activations.js': 'assert.deepEqual(new m.ReLU().forward(new api.Tensor([-1, 2])).data, new Float32Array([0, 2]));',
  'generator.js': 'const g = new m.Generator(3); assert.equal(api.Tensor.randn(4, { generator: g }).size, 4);',
  'errors.js': 'assert.equal(new m.ShapeError("x").name, "ShapeError");',
  'checks.js': 'assert.throws(() => m.checkInt(1.5, "n"), RangeError);',
  'enums.js': 'assert.equal(m.STATUS.ok, 0);',
  'format.js': 'assert.equal(m.fmtShape([2, 3]), "[2,3]");',
};

// A training step, tidy() and memoryInfo() through the package.
const WORKLOAD = `
  const before = api.memoryInfo().tensors;
  api.manualSeed(1);
  const net = new api.Sequential([new api.Linear(4, 8), new api.ReLU(), new api.Linear(8, 3)]);
  const opt = new api.Adam(net.parameters(), { lr: 0.01 });
  const x = api.Tensor.randn(5, 4);
  const losses = [];
  for (let i = 0; i < 3; i++) {
    losses.push(api.tidy(() => {
      opt.zeroGrad();
      const l = new api.CrossEntropyLoss().forward(net.forward(x), [0, 1, 2, 0, 1]);
      l.backward();
      opt.step();
      return l.item();
    }));
  }
  assert.ok(losses[2] < losses[0], 'the loss goes down: ' + losses);
  const xx = new api.Tensor([[1, 2], [3, 4]], { requiresGrad: true });
  api.tidy(() => xx.matmul(xx).sum().backward());
  assert.deepEqual(xx.grad.toArray(), [[7, 11], [9, 13]]);
  xx.dispose(); x.dispose(); opt.dispose(); net.dispose();
  assert.equal(api.memoryInfo().tensors, before, 'nothing leaked');
`;

function runFresh(file) {
  const url = new URL(file, jsDir).href;
  const script = `
    import assert from 'node:assert/strict';
    const m = await import(${JSON.stringify(url)});
    const api = await import(${JSON.stringify(new URL('api.js', jsDir).href)});
    await api.init();
    for (const k of Object.keys(m)) void m[k]; // an export still in its TDZ would throw here
    ${OWN_USE[file] ?? ''}
    ${WORKLOAD}
    console.log('ok ' + ${JSON.stringify(file)});
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(jsDir), env: process.env },
      (err, stdout, stderr) => resolve({ file, ok: !err && stdout.includes(`ok ${file}`), out: stdout + stderr }));
  });
}

test('every js/ module imported first in a fresh process (then the package) loads and works', async () => {
  const failures = [];
  // two at a time: the machine has two cores
  const queue = [...modules];
  const worker = async () => {
    while (queue.length) {
      const r = await runFresh(queue.shift());
      if (!r.ok) failures.push(`${r.file}:\n${r.out}`);
    }
  };
  await Promise.all([worker(), worker()]);
  assert.deepEqual(failures, [], failures.join('\n'));
  assert.ok(modules.length >= 20, `found ${modules.length} modules`);
});
