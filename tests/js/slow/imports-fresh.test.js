// Each js/ module imported FIRST in a fresh Node process, then the package:
// it loads and works, whichever file a caller imports first (an import
// cycle would make that order matter; tests/js/imports.test.js checks there
// is none). About 0.2 s of Node start-up and wasm compile per module: the
// slow tier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const jsDir = new URL('../../../js/', import.meta.url);
const modules = readdirSync(jsDir).filter((f) => f.endsWith('.js')).sort();

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
