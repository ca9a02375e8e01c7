// The page's code export (web/export.js): the network of the editor as
// PyTorch, Keras and tinytorch-wasm code. The strings are compared whole
// for the lesson's network and checked line by line for the edge cases
// (no bias, every activation, eval mode, another initialiser, a broken
// chain). The tinytorch-wasm string is also run: its parameter count must
// be the core's for the same specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPyTorch, toKeras, toTinyTorch, chainBreak, inputWidth } from '../../web/export.js';
import { DEFAULT_NET, parseNet } from '../../web/state.js';
import * as api from '../../js/index.js'; // the package entry: the core is instantiated

const lesson = { net: DEFAULT_NET, init: 'xavier', batch: 32, mode: 'train' };

test('PyTorch: the lesson network, whole', () => {
  assert.equal(toPyTorch(lesson), `import torch
from torch import nn

model = nn.Sequential(
    nn.Linear(784, 256),
    nn.ReLU(),
    nn.Dropout(p=0.5),
    nn.Linear(256, 128),
    nn.ReLU(),
    nn.Dropout(p=0.3),
    nn.Linear(128, 10),
)

# nn.Linear keeps its weight as [out, in], the transpose of tinytorch-wasm's [in, out].
for m in model.modules():
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=m.in_features ** -0.5)  # N(0, 1/in)
        if m.bias is not None:
            nn.init.zeros_(m.bias)

model.train()  # Dropout active
x = torch.randn(32, 784)
y = model(x)
`);
});

test('Keras: the lesson network, whole', () => {
  assert.equal(toKeras(lesson), `import keras
from keras import layers

# weights: xavier, N(0, 1/in); biases start at zero (Keras' default).
# Keras' "lecun_normal" and "he_normal" are truncated; RandomNormal draws what the page draws.
# A Dense kernel is [in, out], as in tinytorch-wasm.
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(256, kernel_initializer=keras.initializers.RandomNormal(stddev=784 ** -0.5)),
    layers.ReLU(),
    layers.Dropout(0.5),
    layers.Dense(128, kernel_initializer=keras.initializers.RandomNormal(stddev=256 ** -0.5)),
    layers.ReLU(),
    layers.Dropout(0.3),
    layers.Dense(10, kernel_initializer=keras.initializers.RandomNormal(stddev=128 ** -0.5)),
])

x = keras.random.normal((32, 784))
y = model(x, training=True)  # Dropout active
`);
});

test('the formula in the comments is the API\'s own (INITIALIZERS)', () => {
  const rec = api.INITIALIZERS.find((r) => r.key === 'xavier');
  assert.ok(toPyTorch(lesson).includes(`# ${rec.formula}`));
  assert.ok(toKeras(lesson).includes(`xavier, ${rec.formula}`));
});

test('no bias, every activation, eval mode, He init, batch 1', () => {
  const net = parseNet('L784-64n,G,L64-32,S,L32-16,T,D0,L16-10n,X');
  const s = { net, init: 'he_normal', batch: 1, mode: 'eval' };
  const torch = toPyTorch(s).split('\n');
  assert.ok(torch.includes('    nn.Linear(784, 64, bias=False),'));
  assert.ok(torch.includes('    nn.Linear(64, 32),'));
  assert.ok(torch.some((l) => l.startsWith('    nn.GELU(),  # the page\'s GELU is x·sigmoid(1.702x)')));
  assert.ok(torch.includes('    nn.Sigmoid(),'));
  assert.ok(torch.includes('    nn.Tanh(),'));
  assert.ok(torch.includes('    nn.Dropout(p=0.0),'));
  assert.ok(torch.includes('    nn.Softmax(dim=-1),'));
  assert.ok(torch.some((l) => l.trim().startsWith('nn.init.kaiming_normal_(m.weight, nonlinearity="relu")')));
  assert.ok(torch.includes('model.eval()  # Dropout passes its input through'));
  assert.ok(torch.includes('x = torch.randn(1, 784)'));
  assert.equal(torch.filter((l) => /^ {4}nn\./.test(l)).length, net.length);

  const keras = toKeras(s).split('\n');
  assert.ok(keras.includes('    layers.Dense(64, use_bias=False, kernel_initializer=keras.initializers.RandomNormal(stddev=(2 / 784) ** 0.5)),'));
  assert.ok(keras.includes('    layers.Dense(10, use_bias=False, kernel_initializer=keras.initializers.RandomNormal(stddev=(2 / 16) ** 0.5)),'));
  assert.ok(keras.some((l) => l.startsWith('    layers.Activation("gelu"),  # the page\'s GELU')));
  assert.ok(keras.includes('    layers.Activation("sigmoid"),'));
  assert.ok(keras.includes('    layers.Activation("tanh"),'));
  assert.ok(keras.includes('    layers.Dropout(0.0),'));
  assert.ok(keras.includes('    layers.Softmax(),'));
  assert.ok(keras.includes('y = model(x, training=False)  # Dropout passes its input through'));
  assert.equal(keras.filter((l) => /^ {4}layers\./.test(l)).length, net.length);
});

test('glorot uniform is Keras\' default (no keyword) and PyTorch\'s xavier_uniform_', () => {
  const s = { net: parseNet('L784-10'), init: 'glorot_uniform', batch: 4, mode: 'train' };
  assert.ok(toKeras(s).includes('    layers.Dense(10),\n'));
  assert.ok(toPyTorch(s).includes('nn.init.xavier_uniform_(m.weight)'));
  assert.ok(toPyTorch({ ...s, init: 'naive' }).includes('nn.init.normal_(m.weight, std=1.0)'));
});

test('a broken chain is exported with a note, and chainBreak finds it', () => {
  const net = parseNet('L784-256,R,L200-10');
  assert.deepEqual(chainBreak(net), { index: 2, expected: 200, got: 256 });
  assert.equal(chainBreak(DEFAULT_NET), null);
  assert.ok(toPyTorch({ net }).includes('# Note: layer 2 expects 200 features but receives 256;'));
  assert.ok(toKeras({ net }).includes('# Note: layer 2 expects 200 features but receives 256;'));
  assert.ok(toTinyTorch({ net }).includes('// Note: layer 2 expects 200 features but receives 256;'));
});

test('an empty network and one without a Linear', () => {
  assert.equal(inputWidth([]), 784);
  assert.ok(toPyTorch({ net: [] }).includes('model = nn.Sequential(\n)'));
  assert.ok(!toPyTorch({ net: [{ kind: 'relu' }] }).includes('nn.init'));
  assert.ok(toKeras({ net: [{ kind: 'relu' }] }).includes('keras.Input(shape=(784,)),\n    layers.ReLU(),'));
});

test('tinytorch-wasm: the code runs in the core and gives the core\'s parameter count', () => {
  const net = parseNet('L784-64n,R,D0.25,L64-10');
  const code = toTinyTorch({ net, init: 'he_normal', batch: 3, mode: 'eval' });
  assert.match(code, /^import \{ Tensor, Linear, ReLU, Dropout, Sequential, tidy \} from 'tinytorch-wasm';/);
  assert.ok(code.includes("new Linear(784, 64, { bias: false, init: 'he_normal' }),"));
  assert.ok(code.includes('model.eval();'));
  // run it: strip the import, bind the API's names, return the model and y
  const body = code.replace(/^import[^\n]*\n/, '');
  const run = new Function('api', `const { Tensor, Linear, ReLU, Dropout, Sequential, tidy } = api;\n${body}\nreturn { model, y };`);
  const { model, y } = run(api);
  try {
    assert.deepEqual(y.shape, [3, 10]);
    const count = model.parameters().reduce((n, p) => n + p.size, 0);
    assert.equal(count, api.Linear.countParameters(784, 64, false) + api.Linear.countParameters(64, 10, true));
    assert.equal(model.parameters().length, 3);
    assert.equal(model.training, false);
  } finally {
    y.dispose();
    model.dispose();
  }
});

test('the weight-loading code names every parameter with PyTorch\'s shapes and transposes for Keras', async () => {
  const { torchLoadCode, kerasLoadCode, tinyTorchLoadCode, weightsFileBase, LOAD_CODE } = await import('../../web/export.js');
  const net = [{ kind: 'linear', in: 784, out: 64, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.2 }, { kind: 'linear', in: 64, out: 10, bias: false }];
  assert.equal(weightsFileBase(net), 'tinytorch-784-64-10');
  assert.equal(weightsFileBase([{ kind: 'relu' }]), 'tinytorch-network');
  const torch = torchLoadCode({ net });
  assert.match(torch, /"0\.weight" \[64, 784\], "0\.bias" \[64\]/);
  assert.match(torch, /"3\.weight" \[10, 64\]\n/);
  assert.match(torch, /^model\.load_state_dict\(load_file\("tinytorch-784-64-10\.safetensors"\)\)$/m);
  assert.match(torch, /np\.load\("tinytorch-784-64-10\.npz"\)/);
  const keras = kerasLoadCode({ net });
  assert.match(keras, /^dense\[0\]\.set_weights\(\[w\["0\.weight"\]\.T, w\["0\.bias"\]\]\)  # kernel \[784, 64\], bias \[64\]$/m);
  assert.match(keras, /^dense\[1\]\.set_weights\(\[w\["3\.weight"\]\.T\]\)  # kernel \[64, 10\]$/m);
  assert.match(tinyTorchLoadCode({ net }), /fromTorchStateDict\(model, loadSafetensors\(readFileSync\('tinytorch-784-64-10\.safetensors'\)\)\)/);
  assert.deepEqual(Object.keys(LOAD_CODE).sort(), ['keras', 'pytorch', 'tinytorch']);
});
