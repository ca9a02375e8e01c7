// bench/fashion.mjs — (Node) the full Fashion-MNIST train set (60,000
// images) for the bench's epoch, from Debian's dataset-fashion-mnist
// (/usr/share/datasets/fashion-mnist, gzipped IDX files, the format
// scripts/make-fashion-data.py reads). Returns { images: Uint8Array
// [n·784], labels: Uint8Array [n], source } or { error }.

import fs from 'node:fs';
import zlib from 'node:zlib';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

function readIdx(file, dims) {
  const buf = zlib.gunzipSync(fs.readFileSync(file));
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x800 + dims) throw new Error(`${file}: not an idx${dims} ubyte file (magic ${magic.toString(16)})`);
  const shape = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const data = new Uint8Array(buf.buffer, buf.byteOffset + 4 + 4 * dims, shape.reduce((a, b) => a * b, 1));
  return { shape, data: data.slice() };
}

export function loadFashionTrain() {
  try {
    const img = readIdx(`${FASHION_DIR}/train-images-idx3-ubyte.gz`, 3);
    const lab = readIdx(`${FASHION_DIR}/train-labels-idx1-ubyte.gz`, 1);
    if (img.shape[0] !== lab.shape[0] || img.shape[1] * img.shape[2] !== 784) throw new Error(`unexpected shapes ${img.shape} / ${lab.shape}`);
    return { images: img.data, labels: lab.data, source: `${FASHION_DIR} (Debian's dataset-fashion-mnist), ${img.shape[0]} train images` };
  } catch (e) {
    return { error: `Fashion-MNIST not readable (${e.message}); install Debian's dataset-fashion-mnist` };
  }
}
