// The one place where a core status becomes a JS exception, and the one way
// messages describe a bad value and write a shape.

import { STATUS } from './enums.js';

/** Shapes that do not fit together; the message names the op and the shapes. */
export class ShapeError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ShapeError';
  }
}

/**
 * Throw the exception for a non-OK core status with the core's message:
 * a shape that does not fit is a ShapeError, a bad value or an allocation
 * that cannot be made a RangeError, a NULL or freed handle a TypeError (the
 * JS side resolves handles itself, so that one means a bug in js/).
 */
export function throwStatus(status, message) {
  switch (status) {
    case STATUS.err_shape: throw new ShapeError(message);
    case STATUS.err_arg: throw new RangeError(message);
    case STATUS.err_nomem: throw new RangeError(message);
    case STATUS.err_state: throw new TypeError(message);
    default: throw new Error(`core status ${status}: ${message}`);
  }
}

/** "[2,3]": how every message writes a shape. */
export const fmtShape = (shape) => `[${Array.from(shape).join(',')}]`;

const article = (word) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/**
 * A short description of a bad value for messages. It may meet hostile
 * objects (a Proxy, a throwing getter), so every look at an object is
 * guarded, and it runs before any handle is resolved.
 */
export function describe(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'string': return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'number': return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean': return String(v);
    case 'bigint': return `${v}n`;
    case 'symbol': return 'a Symbol';
    case 'function': return 'a function';
    default: break;
  }
  try {
    if (Array.isArray(v)) return `an array of length ${v.length}`;
    if (Object.getPrototypeOf(v) === null) return 'an object with no prototype';
    const name = v.constructor?.name;
    if (typeof name === 'string' && name) return `${article(name)} ${name}`;
  } catch {
    // a Proxy trap or a getter threw while we looked: say no more than this
  }
  return 'an object';
}
