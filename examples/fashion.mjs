// Loads the Fashion-MNIST training subsets for Node: the raw uint8 files
// that `python3 scripts/make-fashion-data.py --train build/data` writes
// (the first 10000 train images and the first 2000 test images of Debian's
// dataset-fashion-mnist; Zalando SE, Expat licence).
//   import { loadFashion } from './fashion.mjs';
//   const { train, test, rows, cols, classes } = await loadFashion();
// Run directly (`node examples/fashion.mjs [DIR]`), it prints a summary and
// draws the first training image.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_DIR = join(REPO, 'build', 'data');
const BUILD_CMD = '`python3 scripts/make-fashion-data.py --train build/data` (in the repository; '
  + 'it needs Debian\'s dataset-fashion-mnist, which scripts/setup.sh installs)';

async function readBytes(path, what) {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    if (err.code === 'ENOENT') throw new Error(`Fashion-MNIST ${what} not found at ${path}: build the files with ${BUILD_CMD}`);
    throw err;
  }
}

// One split ("train" or "test"): images [count, rows, cols] as count*rows*cols
// bytes, labels [count] as class indices.
async function loadSplit(dir, meta, split) {
  const info = meta[split];
  const pixels = meta.rows * meta.cols;
  if (!info || !Number.isInteger(info.count) || info.count <= 0) {
    throw new Error(`${join(dir, 'fashion-meta.json')}: no valid "${split}.count"; rebuild them with ${BUILD_CMD}`);
  }
  const imagesPath = join(dir, info.images);
  const labelsPath = join(dir, info.labels);
  const images = await readBytes(imagesPath, `${split} images`);
  const labels = await readBytes(labelsPath, `${split} labels`);
  if (images.length !== info.count * pixels) {
    throw new Error(`${imagesPath}: ${images.length} bytes, expected ${info.count} images x ${pixels} pixels = ${info.count * pixels}; rebuild them with ${BUILD_CMD}`);
  }
  if (labels.length !== info.count) {
    throw new Error(`${labelsPath}: ${labels.length} bytes, expected ${info.count} labels; rebuild them with ${BUILD_CMD}`);
  }
  const bad = labels.findIndex((c) => c >= meta.classes.length);
  if (bad >= 0) {
    throw new Error(`${labelsPath}: label ${labels[bad]} at index ${bad} is not a class index 0..${meta.classes.length - 1}`);
  }
  return { images, labels, count: info.count };
}

/**
 * Reads the training data from `dir` (default: <repo>/build/data).
 * Returns { train: { images, labels, count }, test: { images, labels, count },
 * rows, cols, classes, source, licence }: images are Uint8Array pixels 0..255,
 * image-major and row-major; labels are Uint8Array class indices into classes.
 */
export async function loadFashion(dir = DEFAULT_DIR) {
  if (dir instanceof URL) dir = fileURLToPath(dir);
  if (typeof dir !== 'string') throw new TypeError(`loadFashion(dir): dir must be a path string or file URL, got ${typeof dir}`);
  dir = resolve(dir);
  const metaPath = join(dir, 'fashion-meta.json');
  const meta = JSON.parse(new TextDecoder().decode(await readBytes(metaPath, 'meta file')));
  const [train, test] = await Promise.all([loadSplit(dir, meta, 'train'), loadSplit(dir, meta, 'test')]);
  return {
    train, test, rows: meta.rows, cols: meta.cols, classes: meta.classes, source: meta.source, licence: meta.licence,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const data = await loadFashion(process.argv[2]);
  const { train, test, rows, cols, classes } = data;
  console.log(`${data.source}`);
  for (const [name, split] of [['train', train], ['test', test]]) {
    const counts = new Array(classes.length).fill(0);
    for (const c of split.labels) counts[c]++;
    console.log(`${name}: ${split.count} images of ${rows}x${cols}; per class ${counts.join(' ')}`);
  }
  console.log(`first training image: ${classes[train.labels[0]]}`);
  const shades = ' .:-=+*#%@';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) line += shades[Math.floor(train.images[r * cols + c] * shades.length / 256)];
    console.log(line);
  }
}
