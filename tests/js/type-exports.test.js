// js/index.d.ts promises exactly what the package exports: the value
// exports it declares (classes, functions, constants: what an import can
// bring in at run time) are the names js/api.js (and so js/index.js)
// really exports. Types (interfaces, type aliases) have no run-time
// counterpart and are left out. The TypeScript compiler reads the .d.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as api from '../../js/api.js';
import * as pkg from '../../js/index.js';

const ts = createRequire(import.meta.url)('typescript');

function declaredValueExports(file) {
  const program = ts.createProgram([file], { noEmit: true, noLib: true, types: [] }); // the export list needs no lib: 0.3 s instead of 4
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  return checker.getExportsOfModule(moduleSymbol)
    .filter((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((s) => s.getName())
    .sort();
}

test('js/index.d.ts declares as values exactly what js/api.js and js/index.js export', () => {
  const declared = declaredValueExports(fileURLToPath(new URL('../../js/index.d.ts', import.meta.url)));
  const real = Object.keys(api).sort();
  assert.ok(declared.includes('Tensor') && declared.includes('SGD'), `the .d.ts was read: ${declared.join(', ')}`);
  const missing = declared.filter((n) => !real.includes(n));
  const undeclared = real.filter((n) => !declared.includes(n));
  assert.deepEqual(missing, [], 'declared in js/index.d.ts but not exported by js/api.js (an import type-checks, then fails at load)');
  assert.deepEqual(undeclared, [], 'exported by js/api.js but not declared in js/index.d.ts');
  assert.deepEqual(Object.keys(pkg).sort(), real, 'js/index.js exports what js/api.js does');
});

test('Optimizer is exported, is the base class of SGD and Adam, and is not made directly', () => {
  const w = api.Tensor.ones(2, { requiresGrad: true });
  const sgd = new api.SGD([w], { lr: 0.1 });
  const adam = new api.Adam([w]);
  assert.ok(sgd instanceof api.Optimizer && adam instanceof api.Optimizer);
  assert.throws(() => new api.Optimizer('X', [w], {}, {}), { name: 'TypeError', message: /base class of SGD and Adam/ });
  sgd.dispose();
  adam.dispose();
  w.dispose();
});
