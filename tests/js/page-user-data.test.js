// The student's own data (web/data/user-data.js): every CSV the page must
// refuse, with the message naming the row and the column; IDX images and
// labels; the split; and the normalisation's values against NumPy's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseCsv, parseIdx, prepare, DataError, USER_LIMITS, shuffledOrder, SPLIT_SEED } from '../../web/data/user-data.js';
import { fitNetwork } from '../../web/views/editor/data-panel.js';

const GOOD = 'a,b,label\n1,10,0\n2,20,1\n3,30,0\n4,40,1\n5,50,2\n';

test('a CSV with a header: the label column by name, the features, the classes', () => {
  const p = parseCsv('x1,label,x2\n1,0,5\n2,1,6\n3,2,7\n');
  assert.deepEqual(p.header, ['x1', 'label', 'x2']);
  assert.equal(p.labelColumn, 1);
  assert.equal(p.features, 2);
  assert.equal(p.classes, 3);
  assert.deepEqual([...p.x], [1, 5, 2, 6, 3, 7]);
  assert.deepEqual([...p.y], [0, 1, 2]);
});

test('a CSV without a header: the last column is the label; tabs and semicolons are read too', () => {
  for (const text of ['1.5,2,0\n-3e2,4,1\n', '1.5\t2\t0\n-3e2\t4\t1\n', '1.5;2;0\n-3e2;4;1\n']) {
    const p = parseCsv(text);
    assert.equal(p.header, null);
    assert.equal(p.features, 2);
    assert.deepEqual([...p.x], [1.5, 2, -300, 4]);
    assert.deepEqual([...p.y], [0, 1]);
  }
});

test('every CSV the page refuses gets a DataError naming the row and column', () => {
  const cases = [
    ['ragged row', 'a,b,label\n1,2,0\n3,1\n', /^Row 3 has 2 columns; row 1 has 3\./],
    ['extra column', '1,2,0\n3,4,1,9\n', /^Row 2 has 4 columns; row 1 has 3\./],
    ['non-numeric cell', 'a,b,label\n1,2,0\n3,x7,1\n', /^Row 3, column 2 \("b"\): the cell is "x7", not a number\./],
    ['empty cell', '1,2,0\n,4,1\n', /^Row 2, column 1: the cell is empty \(a missing value\), not a number\./],
    ['label not an integer', 'a,b,label\n1,2,0\n3,4,1.5\n', /^Row 3, column 3 \("label"\): the label is "1\.5", not a class number\./],
    ['label a word', 'a,b,label\n1,2,cat\n3,4,dog\n', /^Row 2, column 3 \("label"\): the label is "cat", not a class number\./],
    ['negative label', '1,2,0\n3,4,-1\n', /^Row 2, column 3: the label is "-1", not a class number\./],
    ['label too large', '1,2,0\n3,4,100\n', /^Row 2, column 3: label 100 is too large; the page takes classes 0\.\.99\./],
    ['one class', '1,2,0\n3,4,0\n', /holds only class 0; at least two classes/],
    ['one column', '1\n2\n', /^Row 1 has one column/],
    ['too few rows', 'a,label\n1,0\n', /has 1 data row; at least 2/],
    ['empty file', '\n\n', /The file is empty/],
    ['too many columns', `${Array(USER_LIMITS.features + 2).fill(1).join(',')}\n`, new RegExp(`^Row 1 has 4,098 columns: 4,097 features, more than the 4,096`)],
    ['too many rows', `${'1,0\n'.repeat(USER_LIMITS.rows + 1)}`, new RegExp('^Row 70,001: the file has 70,001 data rows; the page trains on at most 70,000\\.')],
    ['over the work budget', `${Array(1001).fill(1).join(',')}\n`.repeat(25000), /25,000 rows × 1,001 columns = 25,025,000 values; the work budget allows 6,250,000/],
    ['infinite value', '1,2,0\n1e400,4,1\n', /^Row 2, column 1: 1e400 is too large for float32\./],
  ];
  for (const [what, text, message] of cases) {
    assert.throws(() => parseCsv(text), (e) => e instanceof DataError && message.test(e.message), what);
  }
});

function idx(magic, dims, data) {
  const head = new Uint8Array(4 + 4 * dims.length);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, magic, false);
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...head, ...data]);
}

test('IDX images and labels: parsed, checked, divided by 255 when asked', () => {
  const pixels = Array.from({ length: 5 * 2 * 3 }, (_, i) => (i * 37) % 256);
  const labels = [0, 1, 2, 1, 0];
  const p = parseIdx(idx(0x803, [5, 2, 3], pixels), idx(0x801, [5], labels));
  assert.equal(p.features, 6);
  assert.equal(p.rows, 5);
  assert.equal(p.classes, 3);
  assert.equal(p.imageRows, 2);
  assert.deepEqual([...p.x], pixels);
  const d = prepare(p, { normalisation: '255', kind: 'IDX' });
  assert.equal(d.rows, 2);
  assert.equal(d.cols, 3);
  assert.equal(d.train.count + d.test.count, 5);
  const all = [...d.train.pixels, ...d.test.pixels].sort((a, b) => a - b);
  const want = pixels.map((v) => v / 255).sort((a, b) => a - b);
  all.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-7, `${v} vs ${want[i]}`));
  assert.throws(() => parseIdx(idx(0x803, [5, 2, 3], pixels), idx(0x801, [4], labels.slice(0, 4))), /5 images and the labels file 4 labels/);
  assert.throws(() => parseIdx(idx(0x803, [5, 2, 3], pixels.slice(1)), idx(0x801, [5], labels)), /says 5 × 2 × 3 = 30 bytes of data; it holds 29/);
  assert.throws(() => parseIdx(idx(0x801, [5], labels), idx(0x801, [5], labels)), /has 1 dimension; want 3/);
  assert.throws(() => parseIdx(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), idx(0x801, [5], labels)), /not an IDX file of unsigned bytes/);
});

test('the split: a seeded shuffle, 20 % held out, every row once', () => {
  const rows = 50;
  const text = Array.from({ length: rows }, (_, i) => `${i},${i % 3}`).join('\n');
  const d = prepare(parseCsv(text), { normalisation: 'none' });
  assert.equal(d.test.count, 10);
  assert.equal(d.train.count, 40);
  const order = shuffledOrder(rows, SPLIT_SEED);
  assert.deepEqual([...d.train.pixels], [...order.subarray(0, 40)]);
  assert.deepEqual([...d.test.pixels], [...order.subarray(40)]);
  assert.deepEqual([...d.test.labels], [...order.subarray(40)].map((i) => i % 3));
  assert.deepEqual(new Set([...order]).size, rows);
  // the first Linear takes the features, the last gives the classes
  const net = fitNetwork([{ kind: 'linear', in: 784, out: 256, bias: true }, { kind: 'relu' }, { kind: 'linear', in: 256, out: 10, bias: true }], d.features, d.classes.length);
  assert.equal(net[0].in, 1);
  assert.equal(net[2].out, 3);
});

test('min-max and standardisation: fitted on the training rows, the same values as NumPy', () => {
  const text = Array.from({ length: 40 }, (_, i) => `${(i * 7) % 13},${i * i / 10},5,${i % 2}`).join('\n');
  for (const normalisation of ['minmax', 'standard']) {
    const d = prepare(parseCsv(text), { normalisation });
    const p = parseCsv(text);
    const order = shuffledOrder(40, SPLIT_SEED);
    const py = `
import json, sys, numpy as np
x = np.array(json.loads(sys.argv[1]), dtype=np.float64).reshape(40, 3)
order = np.array(json.loads(sys.argv[2]))
tr, te = x[order[:32]], x[order[32:]]
if sys.argv[3] == 'minmax':
    lo, span = tr.min(0), tr.max(0) - tr.min(0)
else:
    lo, span = tr.mean(0), tr.std(0)
scale = np.where(span > 0, 1 / np.where(span > 0, span, 1), 0)
print(json.dumps([((tr - lo) * scale).ravel().tolist(), ((te - lo) * scale).ravel().tolist()]))`;
    const r = spawnSync('/usr/bin/python3', ['-c', py, JSON.stringify([...p.x]), JSON.stringify([...order]), normalisation], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [tr, te] = JSON.parse(r.stdout);
    tr.forEach((v, i) => assert.ok(Math.abs(d.train.pixels[i] - v) < 1e-5, `${normalisation} train ${i}: ${d.train.pixels[i]} vs ${v}`));
    te.forEach((v, i) => assert.ok(Math.abs(d.test.pixels[i] - v) < 1e-5, `${normalisation} test ${i}: ${d.test.pixels[i]} vs ${v}`));
    assert.match(d.summary.normText, /1 constant feature set to 0/);
  }
});
