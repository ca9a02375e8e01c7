// One binding table, one export list, one mirror per enum: js/bindings.js
// names every C export it calls, src/exports.txt is what the wasm is linked
// with, and js/enums.js mirrors the core's own name tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXPORTS, bindCore } from '../../js/bindings.js';
import { rt } from '../../js/core.js';
import { STATUS, BINARY_OP, REDUCE_OP, ACTIVATIONS, INITIALIZERS, ENUM_TABLE } from '../../js/enums.js';
import '../../js/index.js';

const listed = readFileSync(new URL('../../src/exports.txt', import.meta.url), 'utf8')
  .split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).map((n) => n.replace(/^_/, ''));

test('every binding is in src/exports.txt, and both wasm builds export exactly that list', async () => {
  for (const name of EXPORTS) assert.ok(listed.includes(name), `${name} is called by js/bindings.js but missing from src/exports.txt`);
  for (const build of ['simd', 'scalar']) {
    const { default: b64 } = await import(`../../js/wasm/tt-${build}.js`);
    const mod = new WebAssembly.Module(Buffer.from(b64, 'base64'));
    const funcs = WebAssembly.Module.exports(mod).filter((e) => e.kind === 'function').map((e) => e.name);
    // the runtime's own entry points, added by the toolchain
    const runtime = new Set(['_initialize', 'stackSave', 'stackRestore', 'stackAlloc', 'emscripten_stack_get_end', 'emscripten_stack_get_free', 'emscripten_stack_get_base', 'emscripten_stack_init', 'emscripten_stack_get_current', '__errno_location']);
    const core = funcs.filter((n) => !runtime.has(n));
    assert.deepEqual([...core].sort(), [...listed].sort(), `${build}: wasm exports vs src/exports.txt`);
  }
});

test('init fails loudly, naming the export, when js/ and the core are out of step', () => {
  const exports = { ...rt.exports };
  delete exports.tt_linear_forward;
  const fake = { exports, scratch: 0, readCString: () => '' };
  assert.throws(() => bindCore(fake), (e) => /lacks tt_linear_forward/.test(e.message) && /rebuild/.test(e.message));
});

test('each enum mirror matches the name table the core reports', () => {
  const check = (table, byName) => {
    const entries = Object.entries(byName);
    assert.equal(rt.core.enumCount(ENUM_TABLE[table]), entries.length, `${table}: count`);
    for (const [name, code] of entries) assert.equal(rt.core.enumName(ENUM_TABLE[table], code), name, `${table} ${code}`);
  };
  check('status', STATUS);
  check('binary_op', BINARY_OP);
  check('reduce_op', REDUCE_OP);
  check('activation', Object.fromEntries(ACTIVATIONS.map((a) => [a.name, a.code])));
  check('init', Object.fromEntries(INITIALIZERS.map((i) => [i.name, i.code])));
  assert.equal(rt.core.enumName(ENUM_TABLE.activation, 99), null);
});
