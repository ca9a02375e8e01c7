// Weights out and in, on the page, in Debian's Chromium: the code view's
// "Download .safetensors" / ".npz" write the weights the views show, and
// its "Load weights" file input reads a file for a network of the same
// shape into every view (app.useWeights). Export then import gives the
// same predictions; a bad file shows its message and the weights shown
// before stay. The files are checked against PyTorch itself in
// tests/js/slow/weights-torch.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { axeViolations, chromiumSite, settle } from './harness.js';
import { Generator, Linear, ReLU, Dropout, Sequential, saveSafetensors, saveNpz, loadSafetensors, loadNpz, torchStateDict } from '../../js/index.js';

const session = chromiumSite();

/** The last layer's output on the page (the logits the predictions come from), and what the views are told. */
const logits = (page) => page.evaluate(() => {
  const app = globalThis.__tinytorchApps[0];
  const rows = app.model.layers;
  return { data: Array.from(rows[rows.length - 1].output.data), weights: { ...app.weights }, first: Array.from(rows[0].layer.weight.data.slice(0, 8)) };
});

/** A network of the page's lesson shape with other weights, as PyTorch would save it. */
function otherNet() {
  const g = new Generator(77);
  return new Sequential(new Linear(784, 256, { generator: g }), new ReLU(), new Dropout(0.5),
    new Linear(256, 128, { generator: g }), new ReLU(), new Dropout(0.3), new Linear(128, 10, { generator: g }));
}

async function upload(page, name, buffer) {
  await page.setInputFiles('.tt-view-code [data-testid="weights-file"]', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(buffer) });
  await page.waitForFunction(() => {
    const v = document.querySelector('.tt-view-code');
    return v.querySelector('[data-testid="weights-status"]').textContent || v.querySelector('[data-testid="weights-error"]').textContent;
  });
  await settle(page);
}

async function download(page, kind) {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`.tt-view-code [data-testid="weights-download-${kind}"]`),
  ]);
  return { name: dl.suggestedFilename(), bytes: new Uint8Array(await readFile(await dl.path())) };
}

const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('import a PyTorch-layout file, export it again, import that: the same predictions; a bad file changes nothing', async (t) => {
  const { page, errors, context } = await session.open(`${session.base}/index.html#net=L784-256,R,D0.5,L256-128,R,D0.3,L128-10`, { width: 1280, height: 900 });
  try {
    await page.evaluate(() => document.querySelector('.tt-view-code').scrollIntoView({ block: 'center', behavior: 'instant' }));
    await settle(page);
    const initial = await logits(page);
    assert.equal(initial.weights.source, 'initial');
    assert.match(await page.textContent('.tt-view-code [data-testid="weights-code"]'), /fromTorchStateDict/);

    // the initial weights, downloaded: PyTorch's names and [out, in] layout
    const st0 = await download(page, 'safetensors');
    assert.equal(st0.name, 'tinytorch-784-256-128-10.safetensors');
    const file0 = loadSafetensors(st0.bytes);
    assert.deepEqual([...file0].map(([k, v]) => [k, v.shape]), [['0.weight', [256, 784]], ['0.bias', [256]], ['3.weight', [128, 256]], ['3.bias', [128]], ['6.weight', [10, 128]], ['6.bias', [10]]]);
    assert.equal(file0.metadata.format, 'pt');
    // the first row of PyTorch's [out, in] weight is the first column of the page's [in, out]
    assert.deepEqual(Array.from(file0.get('0.weight').data.slice(0, 1)), initial.first.slice(0, 1));

    // weights made elsewhere, in PyTorch's layout
    const net = otherNet();
    await upload(page, 'other.safetensors', saveSafetensors(net));
    assert.equal(await page.textContent('.tt-view-code [data-testid="weights-error"]'), '');
    const imported = await logits(page);
    assert.deepEqual(imported.weights, { source: 'imported', label: 'other.safetensors' });
    assert.ok(maxDiff(imported.data, initial.data) > 1e-3, 'the predictions changed with the weights');
    const want = net.layers[0].weight.data.slice(0, 8); // the page shows them in its own [in, out] layout
    assert.deepEqual(imported.first, Array.from(want));
    assert.match(await page.textContent('.tt-view-code [data-testid="weights-shown"]'), /other\.safetensors/);

    // export what the page shows, go back to the init, import the export: the same predictions
    const st = await download(page, 'safetensors');
    const npz = await download(page, 'npz');
    assert.equal(npz.name, 'tinytorch-784-256-128-10.npz');
    assert.deepEqual([...loadNpz(npz.bytes).keys()], [...file0.keys()]);
    await page.click('.tt-view-code [data-testid="weights-initial"]');
    await settle(page);
    assert.deepEqual((await logits(page)).data, initial.data, 'back to the initial weights');
    await upload(page, st.name, st.bytes);
    assert.deepEqual((await logits(page)).data, imported.data, 'safetensors: export then import gives the same predictions');
    await page.click('.tt-view-code [data-testid="weights-initial"]');
    await settle(page);
    await upload(page, npz.name, npz.bytes);
    assert.deepEqual((await logits(page)).data, imported.data, '.npz: export then import gives the same predictions');

    // bad files: each message shown, the weights before stay
    const bad = [
      ['wrong-shape.safetensors', saveSafetensors(new Sequential(new Linear(784, 10))), /missing keys? .*"3\.weight"|expected shape/],
      ['transposed.npz', saveNpz(new Map([...net.stateDict()].map(([k, v]) => [k, v]))), /"0\.weight": expected shape \[256,784\].*got \[784,256\]/],
      ['garbage.safetensors', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 9]), /safetensors/],
      ['huge.npz', saveNpz(new Map([...torchStateDict(net), ['extra', { shape: [1 << 19], data: new Float32Array(1 << 19) }]])), /the file is .*MB, but this network's weights are .*as float32/],
    ];
    for (const [name, bytes, re] of bad) {
      await upload(page, name, bytes);
      const msg = await page.textContent('.tt-view-code [data-testid="weights-error"]');
      t.diagnostic(msg);
      assert.match(msg, re, name);
      assert.match(msg, /The weights shown before stay/);
      const now = await logits(page);
      assert.deepEqual(now.data, imported.data, `${name}: the predictions did not change`);
      assert.equal(now.weights.label, npz.name);
    }
    assert.doesNotMatch(await page.textContent('.tt-view-code [data-testid="weights-error"]'), /loadSafetensors|\?\./);

    // NaN weights load (PyTorch saves them too) and say so; nothing breaks
    const withNaN = torchStateDict(net);
    withNaN.get('6.bias').data[3] = NaN;
    await upload(page, 'nan.npz', saveNpz(withNaN));
    assert.match(await page.textContent('.tt-view-code [data-testid="weights-status"]'), /1 of the values are NaN or infinite/);
    assert.ok((await logits(page)).data.some((v) => Number.isNaN(v)), 'the NaN reaches the logits, as in PyTorch');
    net.dispose();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the weights part of the code view is keyboard-usable and axe clean at 1280 and 360 px', async () => {
  for (const width of [1280, 360]) {
    const { page, errors, context } = await session.open(`${session.base}/index.html`, { width, height: 900, bypassCSP: true });
    try {
      await page.evaluate(() => document.querySelector('.tt-view-code').scrollIntoView({ block: 'center', behavior: 'instant' }));
      await settle(page);
      // Tab reaches the file input from the (focusable, scrollable) load code before it
      await page.focus('.tt-view-code pre[aria-label="Code that loads the weight files"]');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'weights-file', `${width}px`);
      const label = await page.evaluate(() => document.activeElement.labels?.[0]?.textContent);
      assert.match(label, /Load weights/);
      const overflow = await page.evaluate(() => {
        const v = document.querySelector('.tt-view-code .tt-weights');
        return [...v.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > v.getBoundingClientRect().right + 1).map((e) => e.dataset.testid || e.localName);
      });
      assert.deepEqual(overflow, [], `${width}px: nothing in the weights part sticks out of it`);
      const violations = (await axeViolations(page)).filter((v) => v.includes('tt-view-code') || v.includes('weights'));
      assert.deepEqual(violations, [], `${width}px`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});
