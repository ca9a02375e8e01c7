// The tensor ops, each forward next to its backward (micrograd style): the
// forward runs one core call, `record` attaches the backward when an input
// requires grad. Arguments arrive checked (phase 1 in js/tensor.js); these
// functions resolve handles and call the core (phases 2 and 3), running no
// caller code. Gradients accumulate into the pointers in `d`.
//
// Importing this file installs these functions as the ops Tensor's methods
// call (setOpHandler, at the end): js/tensor.js never imports this file.

import { rt } from './core.js';
import { record, backward } from './autograd.js';
import { ptrOf, setOpHandler, wrap } from './tensor.js';

export { backward };

export function clone(a) {
  const y = wrap(rt.core.tensorCopy(ptrOf(a, 'clone: tensor')));
  return record('CloneBackward', y, [a], [], (dy, [da]) => {
    if (da) rt.core.accumulate(da, dy);
  });
}

/** a (op) b with broadcasting; b is a Tensor or a number. */
export function binary(a, b, name, op) {
  const pa = ptrOf(a, `${name}: left operand`);
  if (typeof b === 'number') {
    const y = wrap(rt.core.binaryScalar(pa, b, op, false));
    // d/da of a op s reads a only for div (s/a^2 when the scalar is first; here a/s needs s only)
    return record(`${cap(name)}Backward`, y, [a], [a], (dy, [da], [sa]) => {
      rt.core.binaryScalarBackward(da, dy, sa, b, op, false);
    });
  }
  const y = wrap(rt.core.binary(pa, ptrOf(b, `${name}: right operand`), op));
  return record(`${cap(name)}Backward`, y, [a, b], [a, b], (dy, [da, db], [sa, sb]) => {
    rt.core.binaryBackward(da, db, dy, sa, sb, op);
  });
}

/** s (op) a, for the page's and the losses' needs (rsub, rdiv). */
export function binaryScalarFirst(s, a, name, op) {
  const y = wrap(rt.core.binaryScalar(ptrOf(a, `${name}: operand`), s, op, true));
  return record(`R${name}Backward`, y, [a], [a], (dy, [da], [sa]) => {
    rt.core.binaryScalarBackward(da, dy, sa, s, op, true);
  });
}

export function matmul(a, b) {
  const y = wrap(rt.core.matmul(ptrOf(a, 'matmul: left operand'), ptrOf(b, 'matmul: right operand')));
  return record('MatmulBackward', y, [a, b], [a, b], (dy, [da, db], [sa, sb]) => {
    rt.core.matmulBackward(da, db, dy, sa, sb);
  });
}

/** A copy with a new shape: the gradient is dy with the old shape, same elements. */
export function reshape(a, dims) {
  const y = wrap(rt.core.reshape(ptrOf(a, 'reshape: tensor'), dims));
  return record('ReshapeBackward', y, [a], [], (dy, [da]) => {
    if (da) rt.core.accumulate(da, dy);
  });
}

export function transpose(a, dim0, dim1) {
  const y = wrap(rt.core.transpose(ptrOf(a, 'transpose: tensor'), dim0, dim1));
  return record('TransposeBackward', y, [a], [], (dy, [da]) => {
    if (da) rt.core.transposeBackward(da, dy, dim0, dim1);
  });
}

/** axis null: over every element. */
export function reduce(a, name, op, axis, keepdims) {
  const y = wrap(rt.core.reduce(ptrOf(a, `${name}: tensor`), op, axis, keepdims));
  return record(`${cap(name)}Backward`, y, [a], [a], (dy, [da], [sa]) => {
    if (da) rt.core.reduceBackward(da, dy, sa, op, axis, keepdims);
  });
}

const cap = (s) => s[0].toUpperCase() + s.slice(1);

setOpHandler({ clone, binary, matmul, reshape, transpose, reduce, backward });
