// Shared by tests/js/page-trainer.test.js and tests/js/slow/page-overfit.test.js:
// the lesson's classifier and the page's training data, made as the build makes it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import vm from 'node:vm';
import { decodeTrainingData } from '../../web/train/data.js';

const REPO = new URL('../..', import.meta.url).pathname;
// The lesson's classifier (web/state.js DEFAULT_NET).
export const NET = [
  { kind: 'linear', in: 784, out: 256, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.5 },
  { kind: 'linear', in: 256, out: 128, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.3 },
  { kind: 'linear', in: 128, out: 10, bias: true },
];

/** The page's data script, made by the build's command into a temporary folder, run as the page runs it, decoded. */
export function pageData(train, testCount) {
  const dir = mkdtempSync(join(tmpdir(), 'tt-train-'));
  try {
    const r = spawnSync('python3', [join(REPO, 'scripts/make-fashion-data.py'), '--train', dir, String(train), String(testCount)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const context = vm.createContext({ globalThis: {} });
    vm.runInContext(readFileSync(join(dir, 'fashion-train.js'), 'utf8'), context);
    return decodeTrainingData(context.globalThis.TT_FASHION_TRAIN);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

