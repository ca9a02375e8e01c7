// Type declarations for tinytorch-wasm (hand-written; tests/types/usage.ts
// is compiled against them by the test command).

/** A shape: one integer per dimension, rank 0 to 4. */
export type Shape = number[];

/** Nested arrays of numbers, up to 4 levels. */
export type NestedArray = number | number[] | number[][] | number[][][] | number[][][][];

/** Shape arguments: f(2, 3) or f([2, 3]), optionally followed by options. */
type FactoryOptions = { requiresGrad?: boolean; generator?: Generator };
type ShapeArgs = [Shape] | number[] | [Shape, FactoryOptions] | [...number[], FactoryOptions];

/** Shapes that do not fit together; the message names the op and both shapes. */
export class ShapeError extends Error {
  constructor(message: string);
  readonly name: 'ShapeError';
}

/** Mirror of the core's `enum tt_status`. */
export const Status: Readonly<{ OK: 0; ERR_ARG: -1; ERR_SHAPE: -2; ERR_NOMEM: -3; ERR_STATE: -4 }>;
/** The same, by the core's names. */
export const STATUS: Readonly<{ ok: 0; err_arg: -1; err_shape: -2; err_nomem: -3; err_state: -4 }>;
/** enum tt_binary_op. */
export const BINARY_OP: Readonly<{ add: 0; sub: 1; mul: 2; div: 3 }>;
/** enum tt_reduce_op. */
export const REDUCE_OP: Readonly<{ sum: 0; mean: 1; max: 2 }>;

/** One activation of the core (enum tt_activation). */
export interface ActivationInfo { readonly code: number; readonly name: string; readonly className: string; readonly formula: string }
/** Every activation, in code order. */
export const ACTIVATIONS: readonly ActivationInfo[];

/** One initialiser of the core (enum tt_init). */
export interface InitializerInfo {
  readonly code: number;
  readonly name: string;
  /** The name Linear's init option takes. */
  readonly key: Init;
  readonly aliases: readonly Init[];
  readonly label: string;
  readonly formula: string;
  readonly note: string;
  /** The distribution's parameter for in_features K and out_features N. */
  scale(K: number, N: number): { distribution: 'normal'; std: number } | { distribution: 'uniform'; bound: number };
}
/** Every initialiser, in code order. */
export const INITIALIZERS: readonly InitializerInfo[];

/** A PCG32 stream in the core, as torch.Generator. */
export class Generator {
  constructor(seed?: number | bigint);
  /** Reseed; returns this. */
  manualSeed(seed: number | bigint): this;
  /** The seed last given. */
  initialSeed(): number | bigint | undefined;
  /** The whole stream state, for setState(). */
  getState(): Uint32Array;
  setState(state: Uint32Array): this;
  /** Free the core's state (the default generator cannot be disposed). */
  dispose(): void;
  readonly isDisposed: boolean;
}
/** The generator manualSeed() seeds and draws use without { generator }. */
export function defaultGenerator(): Generator;

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
  /** Whether autograd records ops on this tensor (parameters: true); results of such ops require grad too. */
  requiresGrad: boolean;
  /** The gradient accumulated by backward() (a Tensor of this shape), or null; assign null to clear. */
  grad: Tensor | null;
  /** The name of the autograd node that made this tensor ('LinearBackward', ...), or null for a leaf. */
  readonly gradFn: string | null;
  /** True unless this tensor was made by an op that requires grad. */
  readonly isLeaf: boolean;
  /** Backpropagate: add d(this)/d(leaf) to every leaf's .grad; `grad` is needed unless this has one element (null: as omitted). All or nothing. */
  backward(grad?: Tensor | null): void;
  /** The same values, not tracked by autograd. */
  detach(): Tensor;
  /** The elements as nested arrays (a number for rank 0). */
  toArray(): NestedArray;
  /**
   * Copy the elements (row-major) into `out` from index `offset` (default 0)
   * and return `out`: a memcpy into an array the caller reuses, where `data`
   * must make a fresh array each time. RangeError if `out` is too short.
   */
  copyTo(out: Float32Array, offset?: number): Float32Array;
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
  stats(): { count: number; mean: number; std: number; min: number; max: number; zeros: number; nonFinite: number; norm: number };
  /** Counts in `bins` equal bins over [min, max] (default: the tensor's finite range); edges from the core. */
  histogram(bins?: number, range?: { min?: number; max?: number }): { counts: number[]; edges: number[] };
  /** A tensor of zeros. */
  static zeros(...args: ShapeArgs): Tensor;
  /** A tensor of ones. */
  static ones(...args: ShapeArgs): Tensor;
  /** Standard normal samples from a generator (default: the default generator). */
  static randn(...args: ShapeArgs): Tensor;
  /** Uniform samples in [0, 1) from a generator. */
  static rand(...args: ShapeArgs): Tensor;
}

/** What every layer shares (as torch.nn.Module). */
export class Module {
  /** The layer's type as summaries print it ('Linear', 'ReLU', ...). */
  static readonly typeName: string;
  /** The one-line description summaries show: "Linear(784→256)", "Dropout(p=0.5)". */
  readonly label: string;
  /** True while training; eval() sets it false. */
  training: boolean;
  /** Apply the layer. */
  forward(x: Tensor, ...args: unknown[]): Tensor;
  /** The tensors an optimizer updates, each once, in order. */
  parameters(): Tensor[];
  /** [name, tensor] for each parameter ("0.weight", ...), as PyTorch's named_parameters(). */
  namedParameters(): [string, Tensor][];
  /** The layers directly inside this one (a new array). */
  children(): Module[];
  /** This module and every module inside it, each once. */
  modules(): Module[];
  /** Set training mode here and in every child. */
  train(mode?: boolean): this;
  /** Evaluation mode: Dropout passes its input through. */
  eval(): this;
  /** Set every parameter's .grad to null. */
  zeroGrad(): void;
  /** Free the parameters and masks this layer owns; idempotent. */
  dispose(): void;
  /** FLOPs of one forward pass on this input shape (Linear: 2·M·K·N; element-wise: one per element). */
  flops(inputShape: Shape): number;
  /**
   * PyTorch's state_dict(): name -> Tensor in namedParameters() order, this library's layout (Linear weight [in, out]).
   * Each value is a detached handle on the parameter's memory (it follows later in-place updates; clone() to snapshot);
   * the handles are the caller's to dispose (disposing one never frees the parameter).
   */
  stateDict(): Map<string, Tensor>;
  /**
   * PyTorch's load_state_dict(): copy each value into the parameter of that name, in place (optimizers keep working;
   * versions bumped, so a Linear repacks). All or nothing: RangeError for missing/unexpected names (strict),
   * ShapeError for a shape, TypeError for a value that is not float32, each naming the key.
   */
  loadStateDict(dict: StateDict, opts?: { strict?: boolean }): { missingKeys: string[]; unexpectedKeys: string[] };
}

/** Plain float32 values with their shape, as the file readers return them (dtype 'F32'). */
export interface ArrayEntry { dtype?: string; shape: Shape; data: Float32Array }
/** What loadStateDict takes: a Map or a plain object from parameter name to a Tensor or an ArrayEntry. */
export type StateDict = Map<string, Tensor | ArrayEntry> | Record<string, Tensor | ArrayEntry>;
/** One tensor read from a file: data is a Float32Array for F32, the dtype's typed array (raw bits for F16/BF16/F8) otherwise. */
export interface FileEntry { dtype: string; shape: Shape; data: Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigInt64Array | BigUint64Array }

/** The module's parameters as PyTorch's state_dict of the same network holds them: copies, Linear weights transposed to [out, in]. */
export function torchStateDict(module: Module): Map<string, { dtype: 'F32'; shape: Shape; data: Float32Array }>;
/** A PyTorch state dict checked against the module (names, float32, PyTorch shapes) and turned into this library's layout, for loadStateDict. */
export function fromTorchStateDict(module: Module, dict: Map<string, FileEntry | Tensor> | Record<string, FileEntry | Tensor>, opts?: { strict?: boolean }): Map<string, { dtype: 'F32'; shape: Shape; data: Float32Array }>;
/** A safetensors file: a Module in PyTorch's names and layout (metadata format "pt"), or a dict written as given. */
export function saveSafetensors(source: Module | StateDict, opts?: { metadata?: Record<string, string> }): Uint8Array;
/** Read a safetensors file (strict: header, offsets, dtypes checked); the header's __metadata__ is `.metadata`. */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Map<string, FileEntry> & { metadata: Record<string, string> | null };
/** A .npz file (numpy.savez: stored zip of .npy float32 arrays): a Module in PyTorch's names and layout, or a dict as given. */
export function saveNpz(source: Module | StateDict): Uint8Array;
/** Read a .npz file (numpy.savez; savez_compressed is refused with a message). */
export function loadNpz(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Map<string, FileEntry>;

/** Initialiser names for Linear. */
export type Init =
  | 'xavier' | 'lecun_normal' // normal, std sqrt(1/in): the lesson's default (LeCun normal)
  | 'xavier_uniform' | 'glorot_uniform' // uniform(+-sqrt(6/(in+out)))
  | 'he_normal' | 'kaiming_normal' // normal, std sqrt(2/in)
  | 'normal' | 'naive'; // N(0, 1): the lesson's pitfall

/** Initialiser name to core code. */
export const INITS: Readonly<Record<Init, number>>;

/** y = x W + b, with W of shape [inFeatures, outFeatures]. */
export class Linear extends Module {
  constructor(inFeatures: number, outFeatures: number, opts?: { bias?: boolean; init?: Init; generator?: Generator });
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly init: Init;
  readonly initializer: InitializerInfo;
  /** [inFeatures, outFeatures]; assign a Tensor of that shape to replace (the old one is disposed). */
  weight: Tensor;
  /** [outFeatures] or null; assign a Tensor to replace, null to remove. */
  bias: Tensor | null;
  /** [..., inFeatures] -> [..., outFeatures]. */
  forward(x: Tensor): Tensor;
  /** Bytes of the weight's packed copy (made on the first forward, refreshed when the weight changes). */
  readonly packedBytes: number;
  /** in·out + out (bias): the parameter count, without building a layer. */
  static countParameters(inFeatures: number, outFeatures: number, bias?: boolean): number;
}

/** Inverted dropout: zero with probability p, scale survivors by 1/(1-p). */
export class Dropout extends Module {
  constructor(p?: number, opts?: { generator?: Generator });
  /** Drop probability in [0, 1]. */
  p: number;
  /** The float32 factor survivors are multiplied by, 1/(1-p). */
  readonly scale: number;
  /** The 0/1 mask of the last training forward (owned by the layer, replaced by the next), or null. */
  readonly mask: Tensor | null;
  /** Training: y = x * mask / (1-p). Not training: a copy of x. A given mask replaces the draw. */
  forward(x: Tensor, opts?: boolean | { training?: boolean; mask?: Tensor }): Tensor;
  /** Survivors of a mask over n elements: expected n(1-p) and sd √(n p (1-p)). */
  static survivorStats(n: number, p: number): { expected: number; sd: number };
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
  readonly dim: number;
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
  /** Bytes of every layer's output for this input (forward only; the input and masks not counted). */
  activationBytes: number;
  /** Keras/torchinfo-style table; kB = 1000 bytes, KiB = 1024 bytes. */
  table: string;
}

/** One row of Sequential.trace(). */
export interface TraceRow {
  index: number;
  name: string;
  type: string;
  layer: Module;
  inputShape: Shape;
  /** The layer's output (owned by the caller), or null after an error. */
  output: Tensor | null;
  shape: Shape | null;
  params: number;
  flops: number;
  error: Error | null;
}

/** Layers applied in order; owns them (dispose() frees them all). */
export class Sequential extends Module {
  constructor(...layers: Module[] | [Module[]]);
  /** The layers in order (a copy of the list). */
  readonly layers: Module[];
  readonly length: number;
  forward(x: Tensor): Tensor;
  /** Every layer's output, shape, parameters and FLOPs, or the error that stopped it. */
  trace(x: Tensor): { rows: TraceRow[]; output: Tensor | null; error: Error | null };
  /** Shapes, parameters and memory for an input shape; draws nothing from the RNG. */
  summary(inputShape: Shape): Summary;
}

/** Class indices: one per row. */
export type Targets = Int32Array | Uint8Array | Float32Array | number[] | Tensor;

/** Log-softmax + negative log-likelihood, fused and stable, mean over the batch. */
export class CrossEntropyLoss extends Module {
  /** logits [M, C], targets M class indices in [0, C); returns a one-element tensor. */
  forward(logits: Tensor, targets: Targets): Tensor;
}
/** Mean squared error over every element. */
export class MSELoss extends Module {
  forward(pred: Tensor, target: Tensor): Tensor;
}
/** The fraction of rows whose largest logit is the target class. */
export function accuracy(logits: Tensor, targets: Targets): number;

/** A parameter group: its tensors and the options that override the optimizer's. */
export type ParamGroup<O> = { params: Iterable<Tensor> } & Partial<O>;

export interface SGDOptions { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean }
export interface AdamOptions { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number }

/** What SGD and Adam share (torch.optim.Optimizer): for instanceof; make an SGD or an Adam (new Optimizer() throws). */
export abstract class Optimizer {
  /** The groups, { params, ...options }; options may change between steps. */
  readonly paramGroups: ({ params: Tensor[] } & Record<string, unknown>)[];
  /** Clear the gradients: set to null (default) or fill with zeros. */
  zeroGrad(opts?: { setToNone?: boolean }): void;
  /** Update every parameter that has a gradient; all or nothing (everything is checked first). Throws after dispose(). */
  step(): void;
  /** Bytes of optimizer state (momentum buffers, Adam's moments). */
  stateBytes(): number;
  /** A parameter's state: { step, ...buffers }. */
  state(param: Tensor): ({ step: number } & Record<string, Tensor | null>) | undefined;
  /** Free the state buffers; a later step() throws. */
  dispose(): void;
}
/** Stochastic gradient descent with PyTorch's momentum, dampening, weight decay and Nesterov rules. */
export class SGD extends Optimizer {
  constructor(params: Iterable<Tensor> | ParamGroup<SGDOptions>[], opts: SGDOptions);
}
/** Adam with PyTorch's update rule (weight decay added to the gradient, not AdamW). */
export class Adam extends Optimizer {
  constructor(params: Iterable<Tensor> | ParamGroup<AdamOptions>[], opts?: AdamOptions);
}

/** Run fn with autograd off. */
export function noGrad<T>(fn: () => T): T;
/** False inside noGrad(). */
export function isGradEnabled(): boolean;

/** Seed the default generator (init, randn, rand, dropout masks). */
export function manualSeed(seed: number | bigint): void;

/** Instantiate the core (the package entry already did; the classic-script bundle calls it). */
export function init(opts?: { build?: 'simd' | 'scalar' }): Promise<unknown>;

/** Run fn; dispose every tensor it made except those in its result. */
export function tidy<T>(fn: () => T): T;

/** Exempt a tensor from every enclosing tidy(). */
export function keep(t: Tensor): Tensor;

/** Live tensors, their bytes and live generators in the core, and the wasm memory size. */
export function memoryInfo(): { tensors: number; bytes: number; generators: number; packedWeights: number; packedBytes: number; wasmBytes: number };

/** Which core build runs: 'simd' or 'scalar', and its matmul kernel. */
export function backendInfo(): { build: 'simd' | 'scalar'; kernel: string; simdSupported: boolean };

/** 235146 -> "235,146". */
export function fmtInt(n: number): string;
/** Bytes as "940.6 kB" (1 kB = 1000 bytes). */
export function fmtKB(bytes: number): string;
/** Bytes as "918.5 KiB" (1 KiB = 1024 bytes). */
export function fmtKiB(bytes: number): string;
/** Bytes in the largest decimal unit: "1.2 MB". */
export function fmtBytes(bytes: number): string;
/** A count in k/M/G. */
export function fmtSI(n: number): string;
/** "[2,3]". */
export function fmtShape(shape: ArrayLike<number>): string;
