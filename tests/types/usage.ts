// Compiled (not run) against js/index.d.ts by tests/js/types.test.js: the
// lesson's API as a TypeScript user writes it.
import {
  Tensor, Linear, Dropout, ReLU, Sigmoid, Tanh, GELU, Softmax, Sequential, ShapeError,
  manualSeed, tidy, keep, memoryInfo, backendInfo, type Summary,
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
void [shape, w, masked, mask, net2, total, out, kept, n, build];
// @ts-expect-error: init names are checked
new Linear(2, 2, { init: 'orthogonal' });
// @ts-expect-error: data must be numeric
new Tensor('abc');
