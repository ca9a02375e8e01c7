// Shared by tests/js/page-trainer.test.js and tests/js/slow/page-overfit.test.js:
// the lesson's classifier and the page's training data, made as the build makes it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { unpackImages } from '../../web/data/packed-images.js';

const REPO = new URL('../..', import.meta.url).pathname;
// The lesson's classifier (web/state.js DEFAULT_NET).
export const NET = [
  { kind: 'linear', in: 784, out: 256, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.5 },
  { kind: 'linear', in: 256, out: 128, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.3 },
  { kind: 'linear', in: 128, out: 10, bias: true },
];

/** Fashion-MNIST's first `train` training and `testCount` test images, made by the build's command into a temporary folder (the engine's form, web/train/data.js). */
export function pageData(train, testCount) {
  const dir = mkdtempSync(join(tmpdir(), 'tt-train-'));
  try {
    const r = spawnSync('python3', [join(REPO, 'scripts/make-fashion-data.py'), '--train', dir, String(train), String(testCount)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const meta = JSON.parse(readFileSync(join(dir, 'fashion-meta.json'), 'utf8'));
    const set = (name) => ({ count: meta[name].count, pixels: new Uint8Array(readFileSync(join(dir, meta[name].images))), labels: new Uint8Array(readFileSync(join(dir, meta[name].labels))) });
    return { dataset: 'fashion', rows: meta.rows, cols: meta.cols, classes: meta.classes, source: meta.source, selection: meta.selection, scale: 255, train: set('train'), test: set('test') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The training data a built site serves (`<dist/site>/assets/<key>-train.bin`), decoded as the page decodes it (web/train/data.js), synchronously. */
export function siteTrainingData(site, key = 'mnist') {
  const u = unpackImages(new Uint8Array(gunzipSync(readFileSync(join(site, `assets/${key}-train.bin`)))));
  return { dataset: key, name: u.name, rows: u.rows, cols: u.cols, classes: u.classes, source: u.source, selection: u.selection, scale: 255, train: u.sets.train, test: u.sets.test };
}

