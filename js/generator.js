// Generator: one PCG32 stream held in the core, as torch.Generator. Every
// random draw (randn, rand, a Linear's init, a Dropout mask) takes one as
// `{ generator }`; without it, the default generator, which manualSeed()
// seeds. Two generators with the same seed give the same numbers, in every
// build.

import { rt } from './core.js';
import { describe } from './errors.js';

const BRAND = Symbol.for('tinytorch-wasm.Generator');

/** A seed as the core's two 32-bit halves: a number up to 2^53-1 or a BigInt up to 2^64-1. */
function seedHalves(seed, what) {
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 2n ** 64n) throw new RangeError(`${what} must be in [0, 2^64), got ${seed}n`);
    return [Number(seed & 0xffffffffn), Number(seed >> 32n)];
  }
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`${what} must be an integer in [0, 2^53), got ${describe(seed)}`);
    }
    return [seed % 2 ** 32, Math.floor(seed / 2 ** 32)];
  }
  throw new TypeError(`${what} must be a number or a BigInt, got ${describe(seed)}`);
}

const registry = new FinalizationRegistry(({ runtime, ptr }) => runtime.core.generatorFree(ptr));
let isGenerator;
let ptrOfGenerator;

export class Generator {
  #ptr = 0; // tt_generator*; 0 once disposed
  #owned = true;
  #seed;

  static {
    isGenerator = (g) => g !== null && typeof g === 'object' && #ptr in g;
    ptrOfGenerator = (g) => g.#ptr;
  }

  /** A new stream seeded with `seed` (default 0). */
  constructor(seed = 0) {
    if (seed === DEFAULT) { // internal: the core's default generator, not owned
      this.#ptr = rt.core.generatorDefault();
      this.#owned = false;
      return;
    }
    const [lo, hi] = seedHalves(seed, 'Generator: seed');
    this.#ptr = rt.core.generatorNew(lo, hi);
    this.#seed = seed;
    registry.register(this, { runtime: rt, ptr: this.#ptr }, this);
  }

  /** Reseed; returns this. */
  manualSeed(seed) {
    const [lo, hi] = seedHalves(seed, 'Generator.manualSeed: seed');
    rt.core.generatorSeed(this.#live('manualSeed'), lo, hi);
    this.#seed = seed;
    return this;
  }

  /** The seed last given (undefined for the default generator before manualSeed()). */
  initialSeed() { this.#live('initialSeed'); return this.#seed; }

  /** The whole stream state (a Uint32Array), to restore with setState(). */
  getState() { return rt.core.generatorGetState(this.#live('getState')); }

  /** Restore a state from getState() (of this or any generator); returns this. */
  setState(state) {
    if (!(state instanceof Uint32Array)) throw new TypeError(`Generator.setState: state must be a Uint32Array from getState(), got ${describe(state)}`);
    const words = Array.from(state);
    rt.core.generatorSetState(this.#live('setState'), words);
    return this;
  }

  /** Free the core's state. Idempotent; the default generator cannot be disposed. */
  dispose() {
    if (!this.#owned || this.#ptr === 0) return;
    registry.unregister(this);
    rt.core.generatorFree(this.#ptr);
    this.#ptr = 0;
  }

  get isDisposed() { return this.#ptr === 0; }

  #live(what) {
    if (this.#ptr === 0) throw new TypeError(`Generator.${what}: the Generator is disposed`);
    return this.#ptr;
  }

  get [BRAND]() { return true; }

  toString() { return this.#owned ? `Generator(seed=${this.#seed})` : 'Generator(default)'; }
}

const DEFAULT = Symbol('default generator');

/** A checked `generator` option (phase 1): a live Generator of this package. */
export function generatorArg(g, what) {
  if (!isGenerator(g)) {
    let foreign = false;
    try { foreign = g !== null && typeof g === 'object' && g[BRAND] === true; } catch { /* hostile */ }
    throw new TypeError(foreign
      ? `${what} is a Generator from another instance of tinytorch-wasm`
      : `${what} must be a Generator, got ${describe(g)}`);
  }
  if (ptrOfGenerator(g) === 0) throw new TypeError(`${what} is a disposed Generator`);
  return g;
}

/** Phase 2: the core pointer for a checked generator option; 0 (the core's default) for undefined. */
export function generatorPtr(g, what) {
  if (g === undefined) return 0;
  const p = ptrOfGenerator(g);
  if (p === 0) throw new TypeError(`${what} was disposed during the call`);
  return p;
}

let defaultGen = null;

/** The default generator (what manualSeed() seeds and draws use without { generator }). */
export function defaultGenerator() {
  defaultGen ??= new Generator(DEFAULT);
  return defaultGen;
}

/** Seed the default generator (a non-negative integer, or a BigInt below 2^64). */
export function manualSeed(seed) {
  const [lo, hi] = seedHalves(seed, 'manualSeed: seed');
  rt.core.generatorSeed(rt.core.generatorDefault(), lo, hi);
}
