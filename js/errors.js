// The one place where a core status becomes a JS exception.
// Status mirrors `enum tt_status` in src/tt.h (tests/js/errors.test.js
// checks that the two agree).

export const Status = Object.freeze({
  OK: 0,
  ERR_ARG: -1,
  ERR_SHAPE: -2,
  ERR_NOMEM: -3,
  ERR_STATE: -4,
});

/** Shapes that do not fit together; the message names the op and the shapes. */
export class ShapeError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Throw the exception for a non-OK core status with the core's message. */
export function throwStatus(status, message) {
  switch (status) {
    case Status.ERR_SHAPE: throw new ShapeError(message);
    case Status.ERR_ARG: throw new RangeError(message);
    case Status.ERR_NOMEM: throw new RangeError(message);
    default: throw new Error(message);
  }
}

/** "[2,3]" — how every message writes a shape. */
export const fmtShape = (shape) => `[${shape.join(',')}]`;

/** A short, safe description of a bad value for messages. */
export function describe(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return `a ${v?.constructor?.name ?? 'value'}`;
}
