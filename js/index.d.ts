// Type declarations for tinytorch-wasm (hand-written; tests/types/usage.ts
// is compiled against them by the test command).

/** A shape: one integer per dimension, rank 0 to 4. */
export type Shape = number[];

/** Nested arrays of numbers, up to 4 levels. */
export type NestedArray = number | number[] | number[][] | number[][][] | number[][][][];

/** Shape arguments: f(2, 3) or f([2, 3]), optionally followed by options. */
type ShapeArgs = [Shape] | number[] | [Shape, { requiresGrad?: boolean }] | [...number[], { requiresGrad?: boolean }];

/** Shapes that do not fit together; the message names the op and both shapes. */
export class ShapeError extends Error {
  constructor(message: string);
  readonly name: 'ShapeError';
}

/** Mirror of the core's `enum tt_status`. */
export const Status: Readonly<{ OK: 0; ERR_ARG: -1; ERR_SHAPE: -2; ERR_NOMEM: -3; ERR_STATE: -4 }>;

/** A float32 tensor living in wasm memory. Free it with dispose() or tidy(). */
export class Tensor {
  /**
   * Copy `data` into a new tensor: a number (rank 0), nested arrays, or a flat
   * (typed) array with `shape`.
   */
  constructor(data: NestedArray | ArrayLike<number>, opts?: { requiresGrad?: boolean; shape?: Shape });
  /** The dims (a fresh array each time). */
  readonly shape: Shape;
  /** Number of elements. */
  readonly size: number;
  /** Number of dims (0 to 4). */
  readonly ndim: number;
  /** A copy of the elements, row-major. */
  readonly data: Float32Array;
  /** True once dispose() has run. */
  readonly isDisposed: boolean;
  /** Whether an optimiser should update this tensor (parameters: true). */
  requiresGrad: boolean;
  /** Gradient slot for later lessons; null for now. */
  grad: Tensor | null;
  /** The elements as nested arrays (a number for rank 0). */
  toArray(): NestedArray;
  /** The value of a one-element tensor. */
  item(): number;
  /** An independent copy. */
  clone(): Tensor;
  /** Free the wasm memory now; idempotent. Later use throws a TypeError. */
  dispose(): void;
  /** Element-wise with NumPy broadcasting. */
  add(other: Tensor | number): Tensor;
  /** Element-wise with NumPy broadcasting. */
  sub(other: Tensor | number): Tensor;
  /** Element-wise with NumPy broadcasting. */
  mul(other: Tensor | number): Tensor;
  /** Element-wise with NumPy broadcasting. */
  div(other: Tensor | number): Tensor;
  /** NumPy matmul: 1-D/2-D operands and broadcast batch dims. */
  matmul(other: Tensor): Tensor;
  /** A copy with a new shape; one dim may be -1. */
  reshape(...shape: number[] | [Shape]): Tensor;
  /** A copy with two dims swapped (default: the last two). */
  transpose(dim0?: number, dim1?: number): Tensor;
  /** Sum over an axis, or over everything when axis is null. */
  sum(axis?: number | null, keepdims?: boolean): Tensor;
  /** Mean over an axis, or over everything when axis is null. */
  mean(axis?: number | null, keepdims?: boolean): Tensor;
  /** Max over an axis, or over everything when axis is null. */
  max(axis?: number | null, keepdims?: boolean): Tensor;
  /** Summary statistics from the core (NaN/inf counted in nonFinite, left out of the rest). */
  stats(): { count: number; mean: number; std: number; min: number; max: number; zeros: number; nonFinite: number };
  /** Counts in `bins` equal bins over [min, max] (default: the tensor's finite range). */
  histogram(bins?: number, range?: { min?: number; max?: number }): { counts: number[]; edges: number[] };
  /** A tensor of zeros. */
  static zeros(...args: ShapeArgs): Tensor;
  /** A tensor of ones. */
  static ones(...args: ShapeArgs): Tensor;
  /** Standard normal samples from the seeded RNG. */
  static randn(...args: ShapeArgs): Tensor;
  /** Uniform samples in [0, 1) from the seeded RNG. */
  static rand(...args: ShapeArgs): Tensor;
}

/** What every layer shares (as torch.nn.Module). */
export class Module {
  /** The layer's type as summaries print it ('Linear', 'ReLU', ...). */
  static readonly typeName: string;
  /** True while training; eval() sets it false. */
  training: boolean;
  /** Apply the layer. */
  forward(x: Tensor, ...args: unknown[]): Tensor;
  /** The tensors an optimiser would update, in order. */
  parameters(): Tensor[];
  /** Set training mode here and in every child. */
  train(mode?: boolean): this;
  /** Evaluation mode: Dropout passes its input through. */
  eval(): this;
  /** Free the parameters and masks this layer owns; idempotent. */
  dispose(): void;
  /** FLOPs of one forward pass on this input shape (Linear: 2·M·K·N; element-wise: one per element). */
  flops(inputShape: Shape): number;
}

/** Initialiser names for Linear. */
export type Init =
  | 'xavier' | 'lecun_normal' // normal, std sqrt(1/in) — the lesson's default
  | 'xavier_uniform' | 'glorot_uniform' // uniform(+-sqrt(6/(in+out)))
  | 'he_normal' | 'kaiming_normal' // normal, std sqrt(2/in)
  | 'normal' | 'naive'; // N(0, 1): the lesson's pitfall

/** Initialiser name to core code. */
export const INITS: Readonly<Record<Init, number>>;

/** y = x W + b, with W of shape [inFeatures, outFeatures]. */
export class Linear extends Module {
  constructor(inFeatures: number, outFeatures: number, opts?: { bias?: boolean; init?: Init });
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly init: Init;
  /** [inFeatures, outFeatures]; assign a Tensor of that shape to replace (the old one is disposed). */
  weight: Tensor;
  /** [outFeatures] or null; assign a Tensor to replace, null to remove. */
  bias: Tensor | null;
  /** [..., inFeatures] -> [..., outFeatures]. */
  forward(x: Tensor): Tensor;
}

/** Inverted dropout: zero with probability p, scale survivors by 1/(1-p). */
export class Dropout extends Module {
  constructor(p?: number);
  /** Drop probability in [0, 1]. */
  p: number;
  /** The 0/1 mask of the last training forward (owned by the layer), or null. */
  readonly mask: Tensor | null;
  /** Training: y = x * mask / (1-p). Not training: a copy of x. */
  forward(x: Tensor, training?: boolean): Tensor;
}

/** max(0, x). */
export class ReLU extends Module { forward(x: Tensor): Tensor; }
/** 1 / (1 + e^-x). */
export class Sigmoid extends Module { forward(x: Tensor): Tensor; }
/** Hyperbolic tangent. */
export class Tanh extends Module { forward(x: Tensor): Tensor; }
/** x * sigmoid(1.702 x), the course's GELU. */
export class GELU extends Module { forward(x: Tensor): Tensor; }
/** Softmax along a dim (default -1). */
export class Softmax extends Module {
  constructor(dim?: number);
  dim: number;
  forward(x: Tensor, dim?: number): Tensor;
}

/** One row of Sequential.summary(). */
export interface SummaryRow {
  index: number;
  name: string;
  type: string;
  outputShape: Shape;
  params: number;
  /** params * 4 (float32). */
  bytes: number;
  /** FLOPs of this layer's forward pass. */
  flops: number;
}

/** What Sequential.summary() returns; String(summary) is the printable table. */
export interface Summary {
  inputShape: Shape;
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  /** totalParams * 4. */
  paramBytes: number;
  /** Sum of the rows' FLOPs. */
  totalFlops: number;
  /** Bytes of every layer's output for this input (forward only). */
  activationBytes: number;
  /** Keras/torchinfo-style table; kB = 1000 bytes, KiB = 1024 bytes. */
  table: string;
}

/** Layers applied in order; owns them (dispose() frees them all). */
export class Sequential extends Module {
  constructor(...layers: Module[] | [Module[]]);
  /** The layers in order (a copy of the list). */
  readonly layers: Module[];
  readonly length: number;
  forward(x: Tensor): Tensor;
  /** Shapes, parameters and memory for an input shape; draws nothing from the RNG. */
  summary(inputShape: Shape): Summary;
}

/** Reseed the core's one RNG (init, randn, rand, dropout masks). */
export function manualSeed(seed: number | bigint): void;

/** Instantiate the core (the package entry already did; the classic-script bundle calls it). */
export function init(opts?: { build?: 'simd' | 'scalar' }): Promise<unknown>;

/** Run fn; dispose every tensor it made except those in its result. */
export function tidy<T>(fn: () => T): T;

/** Exempt a tensor from every enclosing tidy(). */
export function keep(t: Tensor): Tensor;

/** Live tensors and bytes in the core, and the wasm memory size. */
export function memoryInfo(): { tensors: number; bytes: number; wasmBytes: number };

/** Which core build runs: 'simd' or 'scalar', and its matmul kernel. */
export function backendInfo(): { build: 'simd' | 'scalar'; kernel: string; simdSupported: boolean };
