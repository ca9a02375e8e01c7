// The Layers lesson, run in Node: every example of the lesson, translated
// to tinytorch-wasm and computed by the C core in WebAssembly.
//   node examples/lesson.mjs
import {
  Tensor, Linear, Dropout, ReLU, Sequential, manualSeed, tidy, memoryInfo, backendInfo,
} from '../js/index.js';

const fmt = (shape) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
const n = (v) => v.toLocaleString('en-US');
const section = (title) => console.log(`\n== ${title}`);

console.log(`tinytorch-wasm: core built as ${backendInfo().build}, matmul kernel ${backendInfo().kernel}`);
manualSeed(42);

section('Build: a Linear layer computes y = xW + b');
const layer = new Linear(784, 256);
tidy(() => {
  const x = Tensor.randn(32, 784); // 32 images of 784 pixels
  const y = layer.forward(x);
  console.log(`Input ${fmt(x.shape)} -> output ${fmt(y.shape)}`);
});
console.log(`Weight shape: ${fmt(layer.weight.shape)}`);
console.log(`Bias shape: ${fmt(layer.bias.shape)}`);
console.log(`Total params: ${n(784 * 256 + 256)} (counted from the tensors: ${n(layer.parameters().reduce((s, p) => s + p.size, 0))})`);
const w = layer.weight.data;
const wStd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
console.log(`Weight std ${wStd.toFixed(5)} vs sqrt(1/784) = ${Math.sqrt(1 / 784).toFixed(5)} (the lesson's init)`);

section('Build: Dropout zeroes at random in training and passes through in eval');
const dropout = new Dropout(0.5);
tidy(() => {
  const x = new Tensor([1, 2, 3, 4]);
  const yTrain = dropout.forward(x, true);
  const yEval = dropout.forward(x, false);
  console.log(`training:  [${Array.from(yTrain.data).join(', ')}]  (survivors scaled by 1/(1-p) = 2)`);
  console.log(`mask used: [${Array.from(dropout.mask.data).join(', ')}]`);
  console.log(`inference: [${Array.from(yEval.data).join(', ')}]  (unchanged)`);
});

section('Use: compose layers into the 3-layer MNIST classifier');
const layer1 = new Linear(784, 256), activation1 = new ReLU(), dropout1 = new Dropout(0.5);
const layer2 = new Linear(256, 128), activation2 = new ReLU(), dropout2 = new Dropout(0.3);
const layer3 = new Linear(128, 10);
const forward = (x) => tidy(() => {
  let h = layer1.forward(x);
  h = activation1.forward(h);
  h = dropout1.forward(h, true);
  h = layer2.forward(h);
  h = activation2.forward(h);
  h = dropout2.forward(h, true);
  return layer3.forward(h);
});
tidy(() => {
  const x = Tensor.randn(32, 784);
  console.log(`Batch ${fmt(x.shape)} -> logits ${fmt(forward(x).shape)}`);
});
const allParams = [...layer1.parameters(), ...layer2.parameters(), ...layer3.parameters()];
console.log(`Total trainable parameters: ${allParams.length} tensors (3 weights, 3 biases), ${n(allParams.reduce((s, p) => s + p.size, 0))} numbers`);
console.log(`All require gradients: ${allParams.every((p) => p.requiresGrad)}`);

section('Use: the same network as a Sequential, with its summary');
const model = new Sequential(layer1, activation1, dropout1, layer2, activation2, dropout2, layer3);
console.log(model.summary([32, 784]).table);

section('Manual testing examples');
tidy(() => {
  const x = Tensor.randn(1, 784); // one MNIST image
  console.log(`Input ${fmt(x.shape)} -> Output ${fmt(layer.forward(x).shape)}`);
  console.log(`Parameters: ${n(layer.parameters().reduce((s, p) => s + p.size, 0))}`);
  const d = new Dropout(0.5);
  const ones = Tensor.ones(1, 100);
  const yTrain = d.forward(ones, true);
  const yEval = d.forward(ones, false);
  const count = (t) => t.data.filter((v) => v !== 0).length;
  console.log(`Training: ${count(yTrain)} of 100 survived (about 50 expected)`);
  console.log(`Inference: ${count(yEval)} of 100 survived`);
  d.dispose();
  const net = (v) => layer3.forward(dropout2.forward(activation2.forward(layer2.forward(dropout1.forward(activation1.forward(layer1.forward(v)))))));
  console.log(`Composed as one expression: ${fmt(net(Tensor.randn(32, 784)).shape)}`);
});

section('Reflect: why the init scale matters (10 Linear+ReLU layers of width 256)');
for (const init of ['normal', 'xavier', 'he_normal']) {
  tidy(() => {
    const stds = [];
    let h = Tensor.randn(64, 256);
    for (let i = 0; i < 10; i++) {
      const l = new Linear(256, 256, { init });
      h = new ReLU().forward(l.forward(h));
      const v = h.data;
      const mean = v.reduce((s, e) => s + e, 0) / v.length;
      stds.push(Math.sqrt(v.reduce((s, e) => s + (e - mean) ** 2, 0) / v.length));
      l.dispose();
    }
    console.log(`${init.padEnd(10)} activation std by layer: ${stds.map((s) => s.toPrecision(3)).join(' ')}`);
  });
}

section('Reflect: parameter memory');
for (const [name, widths] of [['784-256-10', [784, 256, 10]], ['784-128-64-10', [784, 128, 64, 10]], ['784-512-10', [784, 512, 10]], ['784-256-256-10', [784, 256, 256, 10]]]) {
  const params = widths.slice(1).reduce((s, out, i) => s + widths[i] * out + out, 0);
  console.log(`${name.padEnd(15)} ${n(params).padStart(9)} parameters = ${n(params * 4)} bytes at float32`);
}
console.log(`Linear(1024, 1024) on a batch of 128: ${n(2 * 128 * 1024 * 1024)} FLOPs for the matmul vs ${n(128 * 1024)} multiplies for a Dropout on its output`);

model.dispose();
layer.dispose();
dropout.dispose();
console.log(`\nLive tensors after disposing everything: ${memoryInfo().tensors}`);
