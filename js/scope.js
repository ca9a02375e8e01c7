// Lifetimes: tidy() scopes, keep(), and the memory counter.
//
// A tensor made while a tidy() runs belongs to the innermost scope and is
// disposed when that scope ends, unless the scope's result contains it.
// The result is walked without calling caller code where that can be
// avoided (own data properties only, never getters; Maps and Sets through
// their built-in iterators), iteratively (any depth) and with a visited set
// (cycles). If the walk itself throws (a Proxy trap), every tensor of the
// scope is disposed and a TypeError says why.
//
// This file knows tensors only as objects with a dispose() method that
// js/tensor.js hands to track() (imports go one way: scope before tensor).

import { rt } from './core.js';
import { describe } from './errors.js';

/** Each entry: the Set of tensors made while it is innermost, plus orphans. */
const scopes = [];

export function track(t) {
  if (scopes.length) scopes[scopes.length - 1].tensors.add(t);
}

export function untrack(t) {
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].tensors.delete(t)) return;
}

/** Whether a tidy() scope will dispose t when it ends. */
export function isTracked(t) {
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].tensors.has(t)) return true;
  return false;
}

/** Exempt a tensor from every enclosing tidy() (layers keep their parameters). */
export function keep(t) {
  for (const s of scopes) s.tensors.delete(t);
  return t;
}

const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;

/**
 * Every object reachable from value through arrays, plain objects, Maps and
 * Sets (a Tensor among them: an instance of a class, so never walked into);
 * end() only asks whether a tensor of the scope is in the set.
 */
function collect(value, out) {
  const seen = new Set();
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    out.add(v);
    if (Array.isArray(v)) {
      for (const d of Object.values(Object.getOwnPropertyDescriptors(v))) if ('value' in d) stack.push(d.value);
    } else if (v instanceof Map) {
      mapForEach.call(v, (val, key) => stack.push(key, val));
    } else if (v instanceof Set) {
      setForEach.call(v, (val) => stack.push(val));
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) {
        for (const d of Object.values(Object.getOwnPropertyDescriptors(v))) if ('value' in d) stack.push(d.value);
      }
    }
  }
}

function end(scope, result) {
  const kept = new Set();
  let walkError = null;
  try {
    collect(result, kept);
  } catch (e) {
    walkError = e;
    kept.clear();
  }
  const parent = scopes.length ? scopes[scopes.length - 1] : null;
  for (const orphan of scope.orphans) for (const t of orphan.tensors) scope.tensors.add(t);
  for (const t of scope.tensors) {
    if (kept.has(t)) parent?.tensors.add(t);
    else t.dispose();
  }
  if (walkError) {
    throw new TypeError(`tidy: could not read the result of fn (${walkError?.message ?? describe(walkError)}); every tensor it made was disposed`, { cause: walkError });
  }
}

// tidy() refuses to start without this many frames of stack to spare, so a
// tidy nested until the stack runs out fails at its entry (a clean
// RangeError) rather than in the middle of allocating a tensor.
const STACK_HEADROOM = 200;
const probe = (n) => (n === 0 ? 0 : 1 + probe(n - 1));

/**
 * Run fn and dispose every tensor it made, except those in its result (a
 * Tensor, or arrays, plain objects, Maps and Sets holding them), which move
 * to the enclosing scope.
 */
export function tidy(fn) {
  if (typeof fn !== 'function') throw new TypeError(`tidy: expected a function, got ${describe(fn)}`);
  try {
    probe(STACK_HEADROOM);
  } catch {
    throw new RangeError('tidy: nested too deeply (not enough stack left to run fn safely)');
  }
  const scope = { tensors: new Set(), orphans: [] };
  scopes.push(scope);
  let result;
  let threw = true;
  try {
    result = fn();
    threw = false;
  } finally {
    scopes.pop();
    try {
      end(scope, threw ? undefined : result);
    } catch (e) {
      // Out of stack (a tidy nested thousands deep) or the walk failed:
      // whatever this scope still holds goes to the enclosing one, which
      // disposes it when it ends.
      if (e instanceof RangeError || threw) {
        if (scopes.length) scopes[scopes.length - 1].orphans.push(scope);
        else pendingTopLevel.push(scope);
      }
      if (!threw) throw e;
    }
  }
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
    throw new TypeError('tidy: fn returned a Promise; tidy() only works with synchronous functions');
  }
  return result;
}

/** Scopes whose cleanup ran out of stack with no enclosing scope: freed on the next memoryInfo() or tidy(). */
const pendingTopLevel = [];

function drainPending() {
  while (pendingTopLevel.length) {
    const s = pendingTopLevel.pop();
    for (const o of s.orphans) pendingTopLevel.push(o);
    for (const t of s.tensors) t.dispose();
  }
}

/**
 * Live tensors and their bytes in the core, live generators, the packed
 * copies of Linear weights (count and bytes: not in `bytes`), and the wasm
 * memory size.
 */
export function memoryInfo() {
  if (!scopes.length) drainPending();
  const { core } = rt;
  return {
    tensors: core.memTensors(),
    bytes: core.memBytes(),
    generators: core.memGenerators(),
    packedWeights: core.memPacked(),
    packedBytes: core.memPackedBytes(),
    wasmBytes: rt.memory.buffer.byteLength,
  };
}
