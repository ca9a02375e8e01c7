// Imports in js/ go one way: core -> scope -> tensor -> autograd -> ops ->
// layers -> api (site/docs/architecture.md, "Imports"). Here: the static
// import graph, parsed from the files, has no cycle and never points to a
// later level. tests/js/slow/imports-fresh.test.js imports each module
// FIRST in a fresh Node process (then the package) and uses it, so no file
// depends on another having been evaluated before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

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
  ['module.js', 'activations.js', 'linear.js', 'dropout.js', 'losses.js', 'sequential.js', 'optim.js', 'serialize.js'], // layers (serialize.js: weights to files)
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
