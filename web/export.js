// The network of the editor as code: tinytorch-wasm (JavaScript), PyTorch
// and Keras. Pure functions of the state (layer specs, initialiser, batch,
// mode), so the Node tests can check the strings without a browser. Only
// the layer kinds of web/kinds.js are known; a kind added to the core later
// is written as a comment that says it has no counterpart here, never as a
// guess.
//
// What the three frameworks do differently, and what the code says about it:
// - PyTorch stores a Linear's weight as [out, in] (the transpose of
//   tinytorch-wasm's [in, out]); Keras' Dense kernel is [in, out] as here.
// - The page's GELU is x·sigmoid(1.702x) (the course's); PyTorch's nn.GELU()
//   and Keras' "gelu" are the erf form. Close, not equal: the code says so.
// - Keras' "lecun_normal" and "he_normal" are truncated normals; the page
//   draws untruncated ones, so the Keras code uses RandomNormal(stddev=...).

import { className, initializerFor } from './kinds.js';
import { fmtP } from './format.js';

const GELU_NOTE = "the page's GELU is x·sigmoid(1.702x); this one is the erf form (close, not equal)";

/** The Python literal of a probability: "0.5", "0.0", "1.0". */
const pyP = (p) => {
  const s = fmtP(p);
  return s.includes('.') ? s : `${s}.0`;
};

/** The input width of a network: its first Linear's in (what the page feeds it), else 784 (the images). */
export function inputWidth(net) {
  const first = net.find((s) => s.kind === 'linear');
  return first ? first.in : 784;
}

/**
 * The first Linear whose in differs from the width that reaches it, as
 * { index, expected, got }, or null when the chain fits. Widths only: the
 * page's core is what actually raises the error.
 */
export function chainBreak(net) {
  let width = null;
  for (const [i, s] of net.entries()) {
    if (s.kind !== 'linear') continue;
    if (width !== null && s.in !== width) return { index: i, expected: s.in, got: width };
    width = s.out;
  }
  return null;
}

function breakComment(net, hash) {
  const b = chainBreak(net);
  if (!b) return [];
  return [`${hash} Note: layer ${b.index} expects ${b.expected} features but receives ${b.got};`,
    `${hash} this network raises a shape error, as it does on the page.`];
}

// ---------------------------------------------------------------- PyTorch

const TORCH_ACT = { relu: 'nn.ReLU()', sigmoid: 'nn.Sigmoid()', tanh: 'nn.Tanh()', gelu: 'nn.GELU()', softmax: 'nn.Softmax(dim=-1)' };

/** The PyTorch init lines for an initialiser key (inside `for m in model.modules()`), or null for PyTorch's own default. */
function torchInit(key) {
  const rec = initializerFor(key);
  switch (rec?.key) {
    case 'xavier': return [`nn.init.normal_(m.weight, std=m.in_features ** -0.5)  # ${rec.formula}`];
    case 'xavier_uniform': return [`nn.init.xavier_uniform_(m.weight)  # ${rec.formula}`];
    case 'he_normal': return [`nn.init.kaiming_normal_(m.weight, nonlinearity="relu")  # ${rec.formula}`];
    case 'normal': return [`nn.init.normal_(m.weight, std=1.0)  # ${rec.formula}`];
    default: return [`# the page's initialiser "${String(key)}" has no PyTorch line here`];
  }
}

/**
 * PyTorch code for the state's network: nn.Sequential, the page's
 * initialiser (biases zero), train/eval mode and one forward pass of a
 * batch of the page's size.
 */
export function toPyTorch({ net, init = 'xavier', batch = 32, mode = 'train' }) {
  const lines = ['import torch', 'from torch import nn', ''];
  lines.push(...breakComment(net, '#'));
  lines.push('model = nn.Sequential(');
  for (const s of net) {
    if (s.kind === 'linear') {
      lines.push(`    nn.Linear(${s.in}, ${s.out}${s.bias ? '' : ', bias=False'}),`);
    } else if (s.kind === 'dropout') {
      lines.push(`    nn.Dropout(p=${pyP(s.p)}),`);
    } else if (TORCH_ACT[s.kind]) {
      lines.push(`    ${TORCH_ACT[s.kind]},${s.kind === 'gelu' ? `  # ${GELU_NOTE}` : ''}`);
    } else {
      lines.push(`    # ${className(s.kind)}: no PyTorch counterpart written here`);
    }
  }
  lines.push(')');
  if (net.some((s) => s.kind === 'linear')) {
    lines.push('', '# nn.Linear keeps its weight as [out, in], the transpose of tinytorch-wasm\'s [in, out].',
      'for m in model.modules():', '    if isinstance(m, nn.Linear):');
    for (const l of torchInit(init)) lines.push(`        ${l}`);
    lines.push('        if m.bias is not None:', '            nn.init.zeros_(m.bias)');
  }
  lines.push('', mode === 'eval' ? 'model.eval()  # Dropout passes its input through' : 'model.train()  # Dropout active');
  lines.push(`x = torch.randn(${batch}, ${inputWidth(net)})`, 'y = model(x)');
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------------------ Keras

const KERAS_ACT = { relu: 'layers.ReLU()', sigmoid: 'layers.Activation("sigmoid")', tanh: 'layers.Activation("tanh")', gelu: 'layers.Activation("gelu")', softmax: 'layers.Softmax()' };

/** The Dense keyword for an initialiser and a fan-in, or '' for Keras' own default (glorot_uniform). */
function kerasInit(key, fanIn) {
  switch (initializerFor(key)?.key) {
    case 'xavier': return `kernel_initializer=keras.initializers.RandomNormal(stddev=${fanIn} ** -0.5)`;
    case 'xavier_uniform': return ''; // Keras' default, glorot_uniform, is this one
    case 'he_normal': return `kernel_initializer=keras.initializers.RandomNormal(stddev=(2 / ${fanIn}) ** 0.5)`;
    case 'normal': return 'kernel_initializer=keras.initializers.RandomNormal(stddev=1.0)';
    default: return null;
  }
}

/** Keras code for the state's network: keras.Sequential with an Input, the page's initialiser and one call. */
export function toKeras({ net, init = 'xavier', batch = 32, mode = 'train' }) {
  const rec = initializerFor(init);
  const lines = ['import keras', 'from keras import layers', ''];
  lines.push(...breakComment(net, '#'));
  if (net.some((s) => s.kind === 'linear')) {
    lines.push(`# weights: ${rec ? `${rec.key}, ${rec.formula}` : String(init)}; biases start at zero (Keras' default).`);
    if (rec?.key === 'xavier' || rec?.key === 'he_normal') lines.push('# Keras\' "lecun_normal" and "he_normal" are truncated; RandomNormal draws what the page draws.');
    lines.push('# A Dense kernel is [in, out], as in tinytorch-wasm.');
  }
  lines.push('model = keras.Sequential([', `    keras.Input(shape=(${inputWidth(net)},)),`);
  for (const s of net) {
    if (s.kind === 'linear') {
      const kw = kerasInit(init, s.in);
      const args = [String(s.out), ...(s.bias ? [] : ['use_bias=False']), ...(kw ? [kw] : [])];
      lines.push(`    layers.Dense(${args.join(', ')}),${kw === null ? `  # the page's initialiser "${String(init)}" has no Keras line here` : ''}`);
    } else if (s.kind === 'dropout') {
      lines.push(`    layers.Dropout(${pyP(s.p)}),`);
    } else if (KERAS_ACT[s.kind]) {
      lines.push(`    ${KERAS_ACT[s.kind]},${s.kind === 'gelu' ? `  # ${GELU_NOTE}` : ''}`);
    } else {
      lines.push(`    # ${className(s.kind)}: no Keras counterpart written here`);
    }
  }
  lines.push('])', '');
  lines.push(`x = keras.random.normal((${batch}, ${inputWidth(net)}))`);
  lines.push(`y = model(x, training=${mode === 'eval' ? 'False)  # Dropout passes its input through' : 'True)  # Dropout active'}`);
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------- tinytorch-wasm

/**
 * The tinytorch-wasm (JavaScript) code for the state's network, the same calls the page makes.
 * facts (optional): what the core reported, written in as comments: { tensors, allGrad,
 * numbers (formatted, e.g. "235,146"), bytesText }.
 */
export function toTinyTorch({ net, init = 'xavier', batch = 32, mode = 'train', facts = null }) {
  const rec = initializerFor(init);
  const initOpt = rec && rec.key !== 'xavier' ? `init: '${rec.key}'` : null;
  const used = new Set(['Tensor', 'Sequential', 'tidy']);
  const rows = net.map((s) => {
    const cls = className(s.kind);
    used.add(cls);
    if (s.kind === 'linear') {
      const opts = [...(s.bias ? [] : ['bias: false']), ...(initOpt ? [initOpt] : [])];
      return `  new Linear(${s.in}, ${s.out}${opts.length ? `, { ${opts.join(', ')} }` : ''}),`;
    }
    if (s.kind === 'dropout') return `  new Dropout(${fmtP(s.p)}),`;
    return `  new ${cls}(),`;
  });
  const order = ['Tensor', 'Linear', ...[...used].filter((c) => !['Tensor', 'Linear', 'Dropout', 'Sequential', 'tidy'].includes(c)).sort(), 'Dropout', 'Sequential', 'tidy'];
  const imports = order.filter((c) => used.has(c));
  const lines = [`import { ${imports.join(', ')} } from 'tinytorch-wasm';`, ''];
  lines.push(...breakComment(net, '//'));
  lines.push('const model = new Sequential(', ...rows, ');');
  if (mode === 'eval') lines.push('model.eval(); // Dropout passes its input through');
  if (facts) {
    // what the core reported for this network (the page's own count), written in as comments
    lines.push('', 'const params = model.parameters();',
      `params.length; // ${facts.tensors}`,
      `params.every((p) => p.requiresGrad); // ${facts.allGrad}`,
      `params.reduce((n, p) => n + p.size, 0); // ${facts.numbers} numbers, × 4 bytes = ${facts.bytesText}`);
  }
  lines.push('', '// tidy() frees the intermediate tensors and keeps the result',
    `const y = tidy(() => model.forward(Tensor.randn(${batch}, ${inputWidth(net)})));`);
  return `${lines.join('\n')}\n`;
}

/** The exporters by the name the code view offers them under. */
export const EXPORTS = Object.freeze({
  tinytorch: { label: 'tinytorch-wasm (JavaScript)', make: toTinyTorch },
  pytorch: { label: 'PyTorch', make: toPyTorch },
  keras: { label: 'Keras', make: toKeras },
});

// ------------------------------------------------------------ weights

/**
 * The file name (without extension) of the page network's weights:
 * "tinytorch-784-256-128-10" from the Linears' widths.
 */
export function weightsFileBase(net) {
  const widths = [];
  for (const s of net) {
    if (s.kind !== 'linear') continue;
    if (!widths.length) widths.push(s.in);
    widths.push(s.out);
  }
  return `tinytorch-${widths.length ? widths.join('-') : 'network'}`;
}

/** The Linears of a network with their index in the Sequential (the names' prefix). */
const linearsOf = (net) => net.map((s, i) => [s, i]).filter(([s]) => s.kind === 'linear');

/**
 * PyTorch lines that load the page's weight files into the `model` of
 * toPyTorch: safetensors (needs the `safetensors` package) or .npz (NumPy
 * only). The files hold PyTorch's names and layout.
 */
export function torchLoadCode({ net }, base = weightsFileBase(net)) {
  const shapes = linearsOf(net).map(([s, i]) => `"${i}.weight" [${s.out}, ${s.in}]${s.bias ? `, "${i}.bias" [${s.out}]` : ''}`);
  return [
    `# The page's weights: ${base}.safetensors or ${base}.npz, float32 with PyTorch's`,
    '# names and layout (an nn.Linear weight is [out, in]: the page\'s [in, out], transposed):',
    ...shapes.map((s) => `#   ${s}`),
    'from safetensors.torch import load_file  # pip install safetensors',
    `model.load_state_dict(load_file("${base}.safetensors"))`,
    '# without the safetensors package (Debian has none), the .npz needs NumPy only:',
    '# import numpy as np',
    `# model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load("${base}.npz").items()})`,
    '',
    'model.eval()  # predictions: Dropout passes its input through',
    'with torch.no_grad():',
    '    logits = model(x)',
  ].join('\n') + '\n';
}

/**
 * Keras lines that set the page's weights (the .npz: NumPy only) on the
 * `model` of toKeras: a Dense kernel is [in, out], the transpose of the
 * file's PyTorch layout.
 */
export function kerasLoadCode({ net }, base = weightsFileBase(net)) {
  const lines = [
    `# The page's weights: ${base}.npz (float32, PyTorch's names and layout).`,
    '# A Dense kernel is [in, out]: the transpose of the file\'s [out, in] weights.',
    'import numpy as np',
    `w = np.load("${base}.npz")`,
    'dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)]',
  ];
  linearsOf(net).forEach(([s, i], k) => {
    lines.push(`dense[${k}].set_weights([w["${i}.weight"].T${s.bias ? `, w["${i}.bias"]` : ''}])  # kernel [${s.in}, ${s.out}]${s.bias ? `, bias [${s.out}]` : ''}`);
  });
  lines.push('', 'logits = model(x, training=False)');
  return `${lines.join('\n')}\n`;
}

/** tinytorch-wasm lines that load the same files into the `model` of toTinyTorch (Node). */
export function tinyTorchLoadCode({ net }, base = weightsFileBase(net)) {
  return [
    "import { loadSafetensors, loadNpz, fromTorchStateDict } from 'tinytorch-wasm';",
    "import { readFileSync } from 'node:fs';",
    '',
    `// ${base}.safetensors holds PyTorch's names and layout; fromTorchStateDict checks`,
    '// every name, shape and dtype against the model and transposes each Linear weight back to [in, out].',
    `model.loadStateDict(fromTorchStateDict(model, loadSafetensors(readFileSync('${base}.safetensors'))));`,
    `// or: fromTorchStateDict(model, loadNpz(readFileSync('${base}.npz')))`,
    'model.eval();',
  ].join('\n') + '\n';
}

/** The weight-loading code by the name the code view offers the network's code under. */
export const LOAD_CODE = Object.freeze({ tinytorch: tinyTorchLoadCode, pytorch: torchLoadCode, keras: kerasLoadCode });
