// Autograd: reverse mode over a tape of Nodes, in the manner of micrograd's
// engine.py. Each op (js/ops.js, and each layer's forward) computes its
// result in the core and, when grad is enabled and an input requires grad,
// records a Node next to it: the inputs it came from, the tensors its
// backward reads (saved by reference, so a later dispose() of them is
// safe), and a backward function that calls the op's C *_backward. The
// arithmetic is all in C; this file only orders it.
//
// Lifetimes: a Node is referenced by the tensor it made and by the Nodes
// made from that tensor; when the last reference goes (dispose(), tidy())
// it releases what it saved. backward() releases the saved tensors of
// every Node it runs through, so a second backward through the same graph
// is an error that says so. Gradients accumulate (+=) into each leaf's
// .grad until an optimizer's zeroGrad().

import { rt } from './core.js';
import { ShapeError, describe, fmtShape } from './errors.js';
import { keep } from './scope.js';
import {
  gradOf, nodeOf, ptrOf, requiresGradOf, setGradRaw, setNode, shapeOf, storageOf, tensorArg, wrap,
} from './tensor.js';

let gradEnabled = true;

/** Run fn with autograd off: no op records a Node (evaluation, optimizer maths). */
export function noGrad(fn) {
  if (typeof fn !== 'function') throw new TypeError(`noGrad: expected a function, got ${describe(fn)}`);
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Whether ops record for backward right now (false inside noGrad()). */
export function isGradEnabled() { return gradEnabled; }

class Node {
  constructor(name, outShape, edges, saved, backwardFn) {
    this.name = name;
    this.outShape = outShape;
    this.edges = edges; // per input: a Node, a leaf Tensor that requires grad, or null
    this.saved = saved; // Storages this node's backward reads
    this.versions = saved.map((s) => s.version);
    this.backwardFn = backwardFn;
    this.refs = 1; // the tensor it made
    this.freed = false; // saved tensors released (after backward)
  }
}

function freeSaved(node) {
  if (node.freed) return;
  node.freed = true;
  for (const s of node.saved) s.release();
  node.saved = [];
}

/** Drop one reference to a node (its tensor was disposed); frees the graph behind it when unreferenced. */
export function releaseNode(root) {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (--node.refs > 0) continue;
    freeSaved(node);
    for (const e of node.edges) if (e instanceof Node) stack.push(e);
    node.edges = [];
  }
}

/**
 * Record an op (phase 3 of a call: arguments already checked, no caller code
 * runs here). `out` is the op's fresh result, `inputs` the tensors it read
 * (null entries for non-tensor arguments), `saved` the tensors its backward
 * reads. backwardFn(dy, d, s) gets the upstream gradient's pointer, one
 * gradient pointer per input (0 when that input needs none) to accumulate
 * into, and the saved tensors' pointers. Returns out.
 */
export function record(name, out, inputs, saved, backwardFn) {
  if (!gradEnabled) return out;
  let any = false;
  for (const t of inputs) if (t !== null && requiresGradOf(t)) any = true;
  if (!any) return out;
  const edges = inputs.map((t) => {
    if (t === null || !requiresGradOf(t)) return null;
    const n = nodeOf(t);
    if (n === null) return t; // a leaf
    n.refs++;
    return n;
  });
  const node = new Node(name, [...shapeOf(out)], edges, saved.map((t) => storageOf(t).retain()), backwardFn);
  setNode(out, node);
  return out;
}

function zerosLike(shape) {
  return rt.core.tensorNew(shape); // the core zero-fills
}

/** tensor.backward(grad): see Tensor.backward in js/tensor.js. */
export function backward(root, grad) {
  const rootNode = nodeOf(root);
  if (!requiresGradOf(root)) {
    throw new TypeError('backward: this tensor does not require grad (no input of the ops that made it has requiresGrad, or it was made inside noGrad())');
  }
  const shape = shapeOf(root);
  let seed; // pointer of a tensor the engine owns, shaped like root
  if (grad === undefined) {
    if (shape.reduce((a, b) => a * b, 1) !== 1) {
      throw new ShapeError(`backward: a gradient is needed for a tensor of shape ${fmtShape(shape)}; call backward(grad) with a Tensor of that shape, or reduce it to one element first`);
    }
    seed = zerosLike(shape);
    rt.core.tensorFill(seed, 1);
  } else {
    tensorArg(grad, 'backward: grad');
    if (shapeOf(grad).join() !== shape.join()) {
      throw new ShapeError(`backward: grad has shape ${fmtShape(shapeOf(grad))}, expected ${fmtShape(shape)} (the tensor's)`);
    }
    seed = rt.core.tensorCopy(ptrOf(grad, 'backward: grad'));
  }
  if (rootNode === null) { // a leaf: its gradient is the seed itself
    accumulateLeaf(root, seed);
    rt.core.tensorFree(seed);
    return;
  }
  const order = topoOrder(rootNode);
  for (const n of order) {
    if (n.freed) {
      rt.core.tensorFree(seed);
      throw new RangeError(`backward: the graph through ${n.name} was already freed by an earlier backward() (it releases the tensors saved for it); run the forward pass again to backpropagate again`);
    }
    n.saved.forEach((s, i) => {
      if (s.version !== n.versions[i]) {
        rt.core.tensorFree(seed);
        throw new RangeError(`backward: a tensor saved by ${n.name} was modified in place (an optimizer step?) after the forward pass; run the forward pass again`);
      }
    });
  }
  const grads = new Map([[rootNode, seed]]); // node -> pointer of d(root)/d(node output)
  try {
    for (const node of order) {
      const dy = grads.get(node);
      if (dy === undefined) continue;
      const d = node.edges.map((e) => {
        if (e === null) return 0;
        if (e instanceof Node) {
          let p = grads.get(e);
          if (p === undefined) grads.set(e, (p = zerosLike(e.outShape)));
          return p;
        }
        return leafGrad(e);
      });
      node.backwardFn(dy, d, node.saved.map((s) => s.ptr));
      grads.delete(node);
      rt.core.tensorFree(dy);
      freeSaved(node);
    }
  } finally {
    for (const p of grads.values()) rt.core.tensorFree(p);
  }
}

/** Reverse topological order of the nodes reachable from root (root first). */
function topoOrder(root) {
  const order = [];
  const state = new Map(); // node -> 1 visiting, 2 done
  const stack = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i === 0) {
      if (state.has(node)) { stack.pop(); continue; }
      state.set(node, 1);
    }
    if (i < node.edges.length) {
      top[1]++;
      const e = node.edges[i];
      if (e instanceof Node && !state.has(e)) stack.push([e, 0]);
    } else {
      state.set(node, 2);
      order.push(node);
      stack.pop();
    }
  }
  return order.reverse();
}

/** The pointer of a leaf's .grad, made (zeros) if it has none; 0 if the leaf was disposed. */
function leafGrad(leaf) {
  if (storageOf(leaf) === null) return 0;
  let g = gradOf(leaf);
  if (g === null || storageOf(g) === null) {
    g = wrap(zerosLike(shapeOf(leaf)));
    keep(g); // a gradient belongs to its leaf, not to the tidy() that ran backward()
    setGradRaw(leaf, g);
  }
  return ptrOf(g, 'grad');
}

function accumulateLeaf(leaf, seedPtr) {
  const p = leafGrad(leaf);
  if (p) rt.core.accumulate(p, seedPtr);
}

