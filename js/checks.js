// Argument checks: every public entry point first reads its arguments into
// plain values with these (shapes into int arrays, options into frozen
// records, each caller-visible property read exactly once), and only then
// resolves tensor handles and calls the core. Caller code (getters, Proxy
// traps, valueOf) can therefore only run before any handle is looked at.
// A wrong type is a TypeError, a bad value a RangeError.

import { describe } from './errors.js';

export const MAX_DIMS = 4; // TT_MAX_DIMS
export const MAX_DIM = 2 ** 31 - 1; // the core takes int32 dims

/** An integer in [min, max]. */
export function checkInt(v, what, min = 0, max = MAX_DIM) {
  if (typeof v !== 'number') throw new TypeError(`${what} must be a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${what} must be an integer in [${min}, ${max}], got ${describe(v)}`);
  }
  return v;
}

/** A finite number. */
export function checkFinite(v, what) {
  if (typeof v !== 'number') throw new TypeError(`${what} must be a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${what} must be finite, got ${describe(v)}`);
  return v;
}

/** A number in [lo, hi] (hiOpen: [lo, hi)). */
export function checkRange(v, what, lo, hi, hiOpen = false) {
  if (typeof v !== 'number') throw new TypeError(`${what} must be a number, got ${describe(v)}`);
  if (!(v >= lo && (hiOpen ? v < hi : v <= hi))) {
    throw new RangeError(`${what} must be in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${describe(v)}`);
  }
  return v;
}

export function checkBool(v, what) {
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${describe(v)}`);
  return v;
}

/** An axis of a tensor of rank ndim: an integer in [-ndim, ndim). */
export function checkAxis(axis, ndim, what) {
  if (typeof axis !== 'number') throw new TypeError(`${what} must be an integer, got ${describe(axis)}`);
  if (!Number.isInteger(axis)) throw new RangeError(`${what} must be an integer, got ${describe(axis)}`);
  if (axis < -ndim || axis >= ndim || (ndim === 0 && axis !== 0 && axis !== -1)) {
    throw new RangeError(`${what} ${axis} is out of range for a tensor of rank ${ndim}`);
  }
  return axis;
}

/** An object literal (or Object.create(null)): the only thing taken as options. */
export function isPlainObject(v) {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Read options once into a frozen record. `spec` maps each known key to
 * [defaultValue, check(value, what) -> value]; an unknown key is a TypeError
 * (a misspelt option must not be silently ignored).
 */
export function readOptions(opts, what, spec) {
  if (opts === undefined) opts = {};
  if (!isPlainObject(opts)) throw new TypeError(`${what}: options must be an object literal, got ${describe(opts)}`);
  const out = {};
  for (const key of Object.keys(opts)) {
    if (!Object.hasOwn(spec, key)) {
      throw new TypeError(`${what}: unknown option ${JSON.stringify(key)}; expected ${Object.keys(spec).join(', ') || 'none'}`);
    }
  }
  for (const [key, [dflt, check]] of Object.entries(spec)) {
    const v = opts[key]; // the one read of this property
    out[key] = v === undefined ? dflt : check(v, `${what}: ${key}`);
  }
  return Object.freeze(out);
}

/**
 * Shape arguments: f(2, 3), f([2, 3]) or f(new Int32Array([2, 3])), and f()
 * for a scalar. Returns a checked plain array (a copy, read once). -1 is
 * allowed as one inferred dim when allowInferred.
 */
export function shapeArg(args, what, { allowInferred = false } = {}) {
  let dims;
  if (args.length === 1 && typeof args[0] === 'object' && args[0] !== null) {
    const s = args[0];
    if (Array.isArray(s)) dims = Array.from(s);
    else if (ArrayBuffer.isView(s) && !(s instanceof DataView)) dims = Array.from(s);
    else throw new TypeError(`${what}: the shape must be integers or one array of integers, got ${describe(s)}`);
  } else {
    dims = Array.from(args);
  }
  if (dims.length > MAX_DIMS) {
    throw new RangeError(`${what}: rank ${dims.length} is more than the ${MAX_DIMS} dims the core supports`);
  }
  let inferred = 0;
  for (let i = 0; i < dims.length; i++) {
    if (allowInferred && dims[i] === -1) {
      if (++inferred > 1) throw new RangeError(`${what}: only one dimension can be -1, got ${dims.join(', ')}`);
    } else {
      checkInt(dims[i], `${what}: dimension ${i}`);
    }
  }
  return dims;
}

/**
 * Split a factory's arguments into shape and options: the options are a
 * trailing object literal, so zeros(2, 3, { requiresGrad: true }) and
 * zeros([2, 3], {...}) work, while zeros({ shape: [2, 3] }) is a TypeError
 * (an unknown option), never a silent scalar.
 */
export function splitOptions(args) {
  const last = args[args.length - 1];
  if (args.length && isPlainObject(last)) return [args.slice(0, -1), last];
  return [args, undefined];
}
