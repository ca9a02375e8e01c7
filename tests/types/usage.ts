// Compiled (not run) against js/index.d.ts by tests/js/types.test.js: the
// lesson's API as a TypeScript user writes it.
import {
  Tensor, Linear, Dropout, ReLU, Sigmoid, Tanh, GELU, Softmax, Sequential, ShapeError,
  manualSeed, tidy, keep, memoryInfo, backendInfo, type Summary, Optimizer,
} from 'tinytorch-wasm';

manualSeed(42);
manualSeed(42n);
const layer = new Linear(784, 256, { bias: true, init: 'xavier_uniform' });
const x: Tensor = Tensor.randn([32, 784]);
const y: Tensor = layer.forward(x);
const shape: number[] = y.shape;
const w: Tensor = layer.weight;
layer.bias = null;
layer.bias = Tensor.zeros(256);
const d = new Dropout(0.5);
const masked = d.forward(y, true);
const mask: Tensor | null = d.mask;
const net = new Sequential(new Linear(784, 256), new ReLU(), new Dropout(0.5), new Linear(256, 10), new Softmax(-1));
const net2 = new Sequential([new Sigmoid(), new Tanh(), new GELU()]);
const s: Summary = net.summary([32, 784]);
const total: number = s.totalParams + s.rows[0].params;
const out = tidy(() => net.eval().forward(x));
const kept = keep(Tensor.ones(2, 3, { requiresGrad: true }));
const t = new Tensor([[1, 2], [3, 4]]).matmul(new Tensor([1, 1])).add(1).reshape(-1).sum(0, true);
const n: number = memoryInfo().tensors + t.item();
const build: 'simd' | 'scalar' = backendInfo().build;
try { x.matmul(x); } catch (e) { if (e instanceof ShapeError) console.log(e.message); }
const base: Optimizer = new SGD(net.parameters(), { lr: 0.1 });
const isOpt: boolean = base instanceof Optimizer;
void [shape, w, masked, mask, net2, total, out, kept, n, build, isOpt];
// @ts-expect-error: init names are checked
new Linear(2, 2, { init: 'orthogonal' });
// @ts-expect-error: Optimizer is the abstract base class of SGD and Adam
new Optimizer();
// @ts-expect-error: data must be numeric
new Tensor('abc');

// Training, as issue 12's example writes it.
import { CrossEntropyLoss, MSELoss, SGD, Adam, noGrad, accuracy, Generator } from 'tinytorch-wasm';
const gen = new Generator(7);
const lin2 = new Linear(4, 3, { generator: gen });
const lossFn = new CrossEntropyLoss();
const opt = new SGD(lin2.parameters(), { lr: 0.1, momentum: 0.9 });
opt.zeroGrad();
const loss = lossFn.forward(lin2.forward(Tensor.randn([2, 4], { generator: gen })), new Int32Array([0, 2]));
loss.backward();
opt.step();
const g: Tensor | null = lin2.weight.grad;
const acc: number = noGrad(() => accuracy(lin2.eval().forward(Tensor.ones(2, 4)), [1, 2]));
const adam = new Adam([{ params: lin2.parameters(), lr: 0.01 }], { betas: [0.9, 0.99] });
const mse = new MSELoss().forward(Tensor.ones(2), Tensor.zeros(2));
void [g, acc, adam, mse];

// Weights out and in: a state dict, safetensors and .npz (js/serialize.js).
import { saveSafetensors, loadSafetensors, saveNpz, loadNpz, torchStateDict, fromTorchStateDict } from 'tinytorch-wasm';
const sd: Map<string, Tensor> = lin2.stateDict();
const res: { missingKeys: string[]; unexpectedKeys: string[] } = lin2.loadStateDict(sd, { strict: true });
const st: Uint8Array = saveSafetensors(lin2, { metadata: { epoch: '3' } });
const fromFile = loadSafetensors(st);
const meta: Record<string, string> | null = fromFile.metadata;
lin2.loadStateDict(fromTorchStateDict(lin2, fromFile));
const npz: Uint8Array = saveNpz(torchStateDict(lin2));
lin2.loadStateDict({ bias: { shape: [3], data: new Float32Array(3) } }, { strict: false });
void [res, meta, loadNpz(npz)];
