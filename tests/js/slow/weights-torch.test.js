// Trained weights to PyTorch and back, checked by PyTorch itself (Debian's
// python3-torch, /usr/bin/python3): the lesson network (784-256-128-10 with
// Dropout 0.5 and 0.3) trained a few SGD steps here, written as safetensors
// and as .npz (torchStateDict: PyTorch's names, nn.Linear weights [out, in]),
// loaded into the same torch.nn.Sequential with load_state_dict, gives this
// library's logits on 100 inputs within 1e-5; and a network initialised by
// torch.manual_seed and saved by Python in both formats, read here with
// fromTorchStateDict + loadStateDict, gives PyTorch's logits within 1e-5.
// The `safetensors` Python package is not in Debian: Python reads and writes
// the format with the dozen lines below (the format is a JSON header and raw
// little-endian bytes); where the package is installed, it is used too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Tensor, Linear, ReLU, Dropout, Sequential, CrossEntropyLoss, SGD, Generator, tidy, noGrad,
  saveSafetensors, loadSafetensors, saveNpz, loadNpz, fromTorchStateDict,
} from '../../../js/index.js';
import { toPyTorch, torchLoadCode, weightsFileBase } from '../../../web/export.js';

const PY = '/usr/bin/python3';
const probe = spawnSync(PY, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs Debian's python3-torch and python3-numpy at ${PY} (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()})`;

const TOL = 1e-5;
const N = 100;

function lessonNet(init) {
  return new Sequential(
    new Linear(784, 256, { generator: init }), new ReLU(), new Dropout(0.5, { generator: new Generator(5) }),
    new Linear(256, 128, { generator: init }), new ReLU(), new Dropout(0.3, { generator: new Generator(6) }),
    new Linear(128, 10, { generator: init }),
  );
}

const PY_COMMON = String.raw`
import json, sys, numpy as np, torch
from torch import nn

def read_safetensors(path):
    b = open(path, 'rb').read()
    n = int.from_bytes(b[:8], 'little')
    header = json.loads(b[8:8 + n])
    data = b[8 + n:]
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        assert v['dtype'] == 'F32', v
        s, e = v['data_offsets']
        out[k] = torch.from_numpy(np.frombuffer(data[s:e], dtype='<f4').reshape(v['shape']).copy())
    return out

def write_safetensors(path, tensors):
    header, chunks, at = {}, [], 0
    for k, t in tensors.items():
        a = t.detach().numpy().astype('<f4', copy=False).tobytes()
        header[k] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [at, at + len(a)]}
        chunks.append(a)
        at += len(a)
    h = json.dumps(header).encode()
    h += b' ' * (-len(h) % 8)
    open(path, 'wb').write(len(h).to_bytes(8, 'little') + h + b''.join(chunks))

def lesson_net():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(p=0.5),
                         nn.Linear(256, 128), nn.ReLU(), nn.Dropout(p=0.3), nn.Linear(128, 10))

try:
    from safetensors.torch import load_file, save_file
    HAVE_ST = True
except ImportError:
    HAVE_ST = False
`;

function python(script, dir) {
  const r = spawnSync(PY, ['-c', PY_COMMON + script, dir], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  assert.equal(r.status, 0, `python failed:\n${r.stderr}`);
  return r.stdout;
}

function maxDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('a network trained here, exported as safetensors and .npz, gives the same logits in PyTorch', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-weights-'));
  try {
    const net = lessonNet(new Generator(2024));
    const data = new Generator(11);
    const x = Tensor.rand(64, 784, { generator: data });
    const y = Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 10);
    const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    const lossFn = new CrossEntropyLoss();
    const before = net.layers[0].weight.data;
    for (let step = 0; step < 5; step++) {
      tidy(() => {
        opt.zeroGrad();
        lossFn.forward(net.forward(x), y).backward();
        opt.step();
      });
    }
    assert.ok(maxDiff(before, net.layers[0].weight.data) > 1e-3, 'training moved the first layer\'s weights');
    net.eval();
    const inputs = Tensor.rand(N, 784, { generator: new Generator(12) });
    const logits = tidy(() => noGrad(() => net.forward(inputs).data));
    writeFileSync(join(dir, 'model.safetensors'), saveSafetensors(net));
    writeFileSync(join(dir, 'model.npz'), saveNpz(net));
    writeFileSync(join(dir, 'inputs.npz'), saveNpz({ x: inputs }));
    const out = python(String.raw`
d = sys.argv[1]
x = torch.from_numpy(np.load(d + '/inputs.npz')['x'])
res = {}
for fmt in ['safetensors', 'npz'] + (['safetensors-package'] if HAVE_ST else []):
    m = lesson_net()
    if fmt == 'safetensors':
        sd = read_safetensors(d + '/model.safetensors')
    elif fmt == 'safetensors-package':
        sd = load_file(d + '/model.safetensors')
    else:
        sd = {k: torch.from_numpy(v) for k, v in np.load(d + '/model.npz').items()}
    m.load_state_dict(sd)  # strict: every name and shape as nn.Sequential's
    m.eval()
    with torch.no_grad():
        res[fmt.replace('-', '_')] = m(x).numpy()
np.savez(d + '/logits.npz', **res)
print(json.dumps({k: list(v.shape) for k, v in sd.items()}))
`, dir);
    assert.deepEqual(JSON.parse(out), { '0.weight': [256, 784], '0.bias': [256], '3.weight': [128, 256], '3.bias': [128], '6.weight': [10, 128], '6.bias': [10] });
    const theirs = loadNpz(readFileSync(join(dir, 'logits.npz')));
    assert.ok(theirs.has('safetensors') && theirs.has('npz'));
    for (const [fmt, v] of theirs) {
      assert.deepEqual(v.shape, [N, 10], fmt);
      const d = maxDiff(logits, v.data);
      t.diagnostic(`${fmt}: largest |logit difference| ${d.toExponential(2)}`);
      assert.ok(d <= TOL, `${fmt}: PyTorch's logits differ by ${d} (tolerance ${TOL})`);
    }
    inputs.dispose();
    x.dispose();
    opt.dispose();
    net.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('weights made in PyTorch (torch.manual_seed), saved by Python in both formats, give PyTorch\'s logits here', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-weights-'));
  try {
    python(String.raw`
d = sys.argv[1]
torch.manual_seed(0)
m = lesson_net()
m.eval()
x = torch.rand(100, 784)
with torch.no_grad():
    y = m(x)
sd = m.state_dict()
write_safetensors(d + '/torch.safetensors', sd)
np.savez(d + '/torch.npz', **{k: v.numpy() for k, v in sd.items()})
np.savez(d + '/check.npz', x=x.numpy(), y=y.numpy())
np.savez(d + '/fortran.npz', w=np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)))
`, dir);
    // np.save writes a transposed (column-major) array in fortran order: read back row-major
    const fort = loadNpz(readFileSync(join(dir, 'fortran.npz'))).get('w');
    assert.deepEqual(fort, { dtype: 'F32', shape: [2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) });
    const check = loadNpz(readFileSync(join(dir, 'check.npz')));
    const x = new Tensor(check.get('x').data, { shape: check.get('x').shape });
    const want = check.get('y').data;
    for (const file of ['torch.safetensors', 'torch.npz']) {
      const bytes = readFileSync(join(dir, file));
      const dict = file.endsWith('.npz') ? loadNpz(bytes) : loadSafetensors(bytes);
      assert.deepEqual(dict.get('0.weight').shape, [256, 784], `${file}: PyTorch's [out, in]`);
      const net = lessonNet(new Generator(1)); // other weights: the load must replace them all
      const wrong = tidy(() => noGrad(() => net.eval().forward(x).data));
      assert.ok(maxDiff(wrong, want) > 0.01, 'the fresh network differs before loading');
      net.loadStateDict(fromTorchStateDict(net, dict));
      const got = tidy(() => noGrad(() => net.forward(x).data));
      const d = maxDiff(got, want);
      t.diagnostic(`${file}: largest |logit difference| ${d.toExponential(2)}`);
      assert.ok(d <= TOL, `${file}: logits differ from PyTorch's by ${d} (tolerance ${TOL})`);
      net.dispose();
    }
    x.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the page\'s PyTorch code and its weight-loading lines run in PyTorch and give this library\'s logits', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-weights-'));
  try {
    const spec = [
      { kind: 'linear', in: 784, out: 256, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.5 },
      { kind: 'linear', in: 256, out: 128, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.3 },
      { kind: 'linear', in: 128, out: 10, bias: false },
    ];
    const g = new Generator(31);
    const net = new Sequential(new Linear(784, 256, { generator: g }), new ReLU(), new Dropout(0.5),
      new Linear(256, 128, { generator: g }), new ReLU(), new Dropout(0.3), new Linear(128, 10, { generator: g, bias: false }));
    const base = weightsFileBase(spec);
    assert.equal(base, 'tinytorch-784-256-128-10');
    writeFileSync(join(dir, `${base}.safetensors`), saveSafetensors(net));
    writeFileSync(join(dir, `${base}.npz`), saveNpz(net));
    let code = toPyTorch({ net: spec, init: 'xavier', batch: 100, mode: 'eval' }) + torchLoadCode({ net: spec });
    // Debian has no safetensors package: run the .npz lines the code offers for that case instead
    const st = spawnSync(PY, ['-c', 'import safetensors'], { encoding: 'utf8' }).status === 0;
    if (!st) {
      code = code.replace(/^from safetensors.*\n^model\.load_state_dict\(load_file.*\n/m, '').replace(/^# (import numpy as np|model\.load_state_dict\(\{k)/gm, '$1');
      t.diagnostic('the safetensors package is missing: ran the .npz alternative of the generated code');
    }
    assert.match(code, st ? /load_file\("tinytorch-784-256-128-10\.safetensors"\)/ : /^model\.load_state_dict\(\{k: torch\.from_numpy/m);
    code += "\nnp.savez('out.npz', x=x.numpy(), logits=logits.numpy())\n";
    const r = spawnSync(PY, ['-c', `import numpy as np\n${code}`], { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    assert.equal(r.status, 0, `the generated code failed in Python:\n${r.stderr}\n${code}`);
    const out = loadNpz(readFileSync(join(dir, 'out.npz')));
    const x = new Tensor(out.get('x').data, { shape: out.get('x').shape });
    const ours = tidy(() => noGrad(() => net.eval().forward(x).data));
    const d = maxDiff(ours, out.get('logits').data);
    t.diagnostic(`generated code: largest |logit difference| ${d.toExponential(2)}`);
    assert.ok(d <= TOL, `logits differ by ${d}`);
    x.dispose();
    net.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
