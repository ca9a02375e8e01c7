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
//
// backward() is all or nothing: it checks the whole graph first, runs every
// node's backward into gradient buffers it owns (one per leaf, and a
// separate one when a node has the same input twice, as x.matmul(x) has),
// and only when all of them ran adds the leaves' gradients to their .grad
// and frees the graph. A failure on the way frees its buffers and leaves
// every .grad and the graph as they were, so a retry works.
//
// Outside tidy(), a finished backward moves the graph's outputs that are
// still alive (the logits of a training step nobody disposed) to JS memory,
// where the collector frees them (Storage.spill in js/tensor.js): a
// PyTorch-style loop without tidy() stays bounded.

import { rt } from './core.js';
import { ShapeError, describe, fmtShape } from './errors.js';
import {
  accumulateGrad, nodeOf, ptrOf, requiresGradOf, setNode, shapeOf, spillTensors, storageOf, tensorArg,
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
  constructor(name, out, edges, saved, backwardFn, assigns) {
    this.name = name;
    this.out = out; // the tensor this node made (until backward ran or it was released)
    this.outShape = [...shapeOf(out)];
    this.edges = edges; // per input: a Node, a leaf Tensor that requires grad, or null
    this.saved = saved; // Storages this node's backward reads
    this.versions = saved.map((s) => s.version);
    this.backwardFn = backwardFn;
    this.assigns = assigns; // backwardFn assigns the gradient buffers its 4th argument names
    this.refs = 1; // the tensor it made
    this.freed = false; // saved tensors released (after backward)
  }

  /** Drop the reference of the tensor this node made (its dispose()). */
  release() { releaseNode(this); }
}

function freeSaved(node) {
  if (node.freed) return;
  node.freed = true;
  for (const s of node.saved) s.release();
  node.saved = [];
}

/** Drop one reference to a node; frees the graph behind it when unreferenced. */
export function releaseNode(root) {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (--node.refs > 0) continue;
    freeSaved(node);
    node.out = null;
    for (const e of node.edges) if (e instanceof Node) stack.push(e);
    node.edges = [];
  }
}

/**
 * Record an op (phase 3 of a call: arguments already checked, no caller code
 * runs here). `out` is the op's fresh result, `inputs` the tensors it read
 * (null entries for non-tensor arguments), `saved` the tensors its backward
 * reads. backwardFn(dy, d, s) gets the upstream gradient's pointer, one
 * gradient pointer per input (0 when that input needs none; never the same
 * pointer twice) to accumulate into, and the saved tensors' pointers.
 * With `assigns`, backwardFn takes a fourth argument, a bitmask (bit i for
 * input i) of the buffers it is the first to write: those are allocated
 * without zeroing, and it must assign every element of each (the bits of
 * adding to zeros). Returns out.
 */
export function record(name, out, inputs, saved, backwardFn, assigns = false) {
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
  const node = new Node(name, out, edges, saved.map((t) => storageOf(t).retain()), backwardFn, assigns);
  setNode(out, node);
  return out;
}

/** A saved tensor's pointer (ops save what they just read, so never spilled; if it were, it comes back). */
const savedPtr = (s) => (s.ptr !== 0 || s.host === null ? s.ptr : s.unspill());

function zerosLike(shape) {
  return rt.core.tensorNew(shape); // the core zero-fills
}

/** tensor.backward(grad): see Tensor.backward in js/tensor.js. */
export function backward(root, grad) {
  // phase 1: check the arguments and the whole graph, allocating nothing
  if (!requiresGradOf(root)) {
    throw new TypeError('backward: this tensor does not require grad (no input of the ops that made it has requiresGrad, or it was made inside noGrad())');
  }
  const shape = shapeOf(root);
  if (grad === null) grad = undefined; // PyTorch's backward(None): the implicit 1 of a one-element tensor
  if (grad === undefined) {
    if (shape.reduce((a, b) => a * b, 1) !== 1) {
      throw new ShapeError(`backward: a gradient is needed for a tensor of shape ${fmtShape(shape)}; call backward(grad) with a Tensor of that shape, or reduce it to one element first`);
    }
  } else {
    tensorArg(grad, 'backward: grad');
    if (shapeOf(grad).join() !== shape.join()) {
      throw new ShapeError(`backward: grad has shape ${fmtShape(shapeOf(grad))}, expected ${fmtShape(shape)} (the tensor's)`);
    }
  }
  const rootNode = nodeOf(root);
  const order = rootNode === null ? [] : topoOrder(rootNode);
  for (const n of order) {
    if (n.freed) {
      throw new RangeError(`backward: the graph through ${n.name} was already freed by an earlier backward() (it releases the tensors saved for it); run the forward pass again to backpropagate again`);
    }
    n.saved.forEach((s, i) => {
      if (s.version !== n.versions[i]) {
        throw new RangeError(`backward: a tensor saved by ${n.name} was modified in place (an optimizer step, or zeroGrad({ setToNone: false }) on a gradient the forward pass used) after the forward pass; run the forward pass again`);
      }
    });
  }
  // phase 2: every gradient into buffers this call owns
  const owned = new Set(); // every buffer allocated below and not yet handed on
  // empty: for a node that assigns its buffer in full (its first writer), no zero-fill
  const alloc = (dims, empty = false) => {
    const p = empty ? rt.core.tensorEmpty(dims) : zerosLike(dims);
    owned.add(p);
    return p;
  };
  let fresh = 0; // the current node's buffers allocated empty (bit per input)
  const leafGrads = new Map(); // leaf Tensor -> pointer of d(root)/d(leaf)
  const leafGrad = (leaf, empty, bit) => {
    if (storageOf(leaf) === null) return 0; // disposed since: it gets nothing
    let p = leafGrads.get(leaf);
    if (p === undefined) {
      leafGrads.set(leaf, (p = alloc(shapeOf(leaf), empty)));
      if (empty) fresh |= bit;
    }
    return p;
  };
  try {
    let seed;
    if (grad === undefined) {
      seed = alloc(shape);
      rt.core.tensorFill(seed, 1);
    } else {
      seed = rt.core.tensorCopy(ptrOf(grad, 'backward: grad'));
      owned.add(seed);
    }
    if (rootNode === null) { // a leaf: its gradient is the seed itself
      const p = leafGrad(root);
      rt.core.accumulate(p, seed);
    } else {
      const grads = new Map([[rootNode, seed]]); // node -> pointer of d(root)/d(node output)
      for (const node of order) {
        const dy = grads.get(node);
        if (dy === undefined) continue;
        const d = [];
        const repeats = []; // [own buffer, the buffer it adds to]: an input that appears twice
        const empty = node.assigns;
        fresh = 0;
        for (let i = 0; i < node.edges.length; i++) {
          const e = node.edges[i];
          let p = 0;
          if (e instanceof Node) {
            p = grads.get(e);
            if (p === undefined) {
              grads.set(e, (p = alloc(e.outShape, empty)));
              if (empty) fresh |= 1 << i;
            }
          } else if (e !== null) {
            p = leafGrad(e, empty, 1 << i);
          }
          if (p !== 0 && d.includes(p)) {
            const own = alloc(e instanceof Node ? e.outShape : shapeOf(e));
            repeats.push([own, p]);
            p = own;
          }
          d.push(p);
        }
        if (empty) node.backwardFn(dy, d, node.saved.map(savedPtr), fresh);
        else node.backwardFn(dy, d, node.saved.map(savedPtr));
        for (const [own, into] of repeats) {
          rt.core.accumulate(into, own);
          rt.core.tensorFree(own);
          owned.delete(own);
        }
        grads.delete(node);
        rt.core.tensorFree(dy);
        owned.delete(dy);
      }
    }
  } catch (e) {
    for (const p of owned) rt.core.tensorFree(p);
    throw e;
  }
  // phase 3: hand the gradients to the leaves, free the graph
  const toLeaves = new Set(leafGrads.values());
  for (const p of owned) if (!toLeaves.has(p)) rt.core.tensorFree(p); // the seed of a leaf root
  const handed = [...leafGrads];
  try {
    while (handed.length) accumulateGrad(...handed.pop()); // takes over the buffer, also when it throws
  } finally {
    for (const [, p] of handed) rt.core.tensorFree(p); // only if a .grad could not be brought back from JS memory
  }
  const outs = [];
  for (const n of order) {
    freeSaved(n);
    if (n.out !== null) outs.push(n.out);
    n.out = null;
  }
  spillTensors(outs);
  watchGrowth();
}

// What spilling cannot reach: a tensor made outside tidy() that no
// backward() runs through (a metric computed with ops, a graph never
// backpropagated) stays in wasm memory until the collector runs its
// finalizer, which a synchronous loop never lets it do. So once per
// program, if the live tensors keep growing from one backward() to the
// next, one console warning says what piles up and how to free it.
const GROWTH = { after: 50, every: 50, tensors: 500 };
let backwards = 0;
let baseline = 0;
let warned = false;

function watchGrowth() {
  if (warned) return;
  backwards++;
  if (backwards === GROWTH.after) baseline = rt.core.memTensors();
  if (backwards <= GROWTH.after || backwards % GROWTH.every !== 0) return;
  const live = rt.core.memTensors();
  if (live < baseline + GROWTH.tensors) return;
  warned = true;
  console.warn(`tinytorch-wasm: ${live} tensors are alive in wasm memory, ${live - baseline} more than ${backwards - GROWTH.after} backward() calls ago, and the count keeps growing: tensors made outside tidy() that no backward() ran through (a metric computed with ops, a forward pass never backpropagated) are not freed until the JS collector runs between tasks. Run each step inside tidy(() => { ... }), or dispose() such tensors (memoryInfo() counts them). This warning is shown once.`);
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
