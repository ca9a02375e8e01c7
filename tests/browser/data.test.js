// The page's datasets in Debian's Chromium: MNIST digits by default, the
// training images fetched as packed binary where fetch works (served) and
// loaded as a script where it does not (file://); the student's own CSV
// through the editor's file input: parsed, the network's first and last
// Linear set from it, one epoch trained on it; each bad CSV shows its
// message and the previous data stay in use; a link with data=own and no
// file falls back to MNIST with a notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumSite, site, settle } from './harness.js';
import { BAD_CSVS, GOOD_CSV, appState, stepEpoch } from './data-cases.js';

const session = chromiumSite({ file: 'assets/mnist-train.bin' });
const { open } = session;

const VIEWS = 'editor,inputs,probs,training';

test('served: the default dataset is MNIST, its training images come by fetch of the packed .bin, and a step trains on them', async () => {
  const { page, errors, context } = await open(`${session.base}/embed.html?view=${VIEWS}&tsize=100&epochs=1`);
  const s = await appState(page);
  assert.equal(s.data, 'mnist');
  assert.equal(s.input, 'data');
  assert.equal(await page.inputValue('[data-testid="dataset"]'), 'mnist');
  assert.match(await page.textContent('.tt-in-note'), /^MNIST digits held-out images \(a sample of 300\)/);
  const labels = await page.locator('[data-testid="input-labels"] li').allTextContents();
  assert.ok(labels.length > 0 && labels.every((l) => /^\d+ [0-9]$/.test(l)), `digit class names: ${labels.slice(0, 4)}`);
  const r = await stepEpoch(page);
  assert.equal(r.error, null);
  assert.equal(r.dataset, 'mnist');
  assert.equal(r.via, 'fetch');
  assert.ok(r.valAcc > 0.2, `one epoch on 100 digits (chance: 0.1): held-out accuracy ${r.valAcc}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('from file:// (fetch refused): the training images come from the script fallback; Fashion-MNIST is the other choice', async () => {
  const { page, errors, context } = await open(`file://${site}/embed.html?view=${VIEWS}&tsize=100&epochs=1&data=fashion`);
  assert.equal((await appState(page)).data, 'fashion');
  assert.match(await page.textContent('.tt-in-note'), /^Fashion-MNIST held-out images/);
  const r = await stepEpoch(page);
  assert.equal(r.error, null);
  assert.equal(r.dataset, 'fashion');
  assert.equal(r.via, 'script');
  // back to the digits from the editor: the URL follows
  await page.selectOption('[data-testid="dataset"]', 'mnist');
  await settle(page);
  assert.equal((await appState(page)).data, 'mnist');
  assert.deepEqual(errors, []);
  await context.close();
});

test('your own CSV through the file input: the summary, the network fitted to it, an epoch trained; each bad CSV shows its message and the previous data stay', async () => {
  const { page, errors, context } = await open(`${session.base}/embed.html?view=${VIEWS}&tsize=100&epochs=1`);
  await page.setInputFiles('[data-testid="data-file"]', { name: 'clusters.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].state.data === 'own');
  await settle(page);
  const s = await appState(page);
  assert.equal(s.net[0].in, 4);
  assert.equal(s.net.at(-1).out, 3);
  assert.equal(s.user.features, 4);
  const summary = await page.textContent('[data-testid="data-summary"]');
  assert.match(summary, /^clusters\.csv \(CSV, in memory only\): 60 rows, 4 features, 3 classes \(rows per class: 20, 20, 20\); header row: yes; label: column 5 \("label"\); normalisation: min-max per feature/);
  assert.match(summary, /48 rows to train on, 12 held out/);
  assert.equal(await page.textContent('[data-testid="input-shape"]'), 'Shape [12,4]: 12 rows, one per sample. One row is one input of 4 features (for images, one image = 784 features).');
  assert.doesNotMatch(await page.evaluate(() => location.href), /clusters/); // nothing of the file in the URL
  const r = await stepEpoch(page);
  assert.equal(r.error, null);
  assert.equal(r.dataset, 'own');
  assert.equal(r.features, 4);
  assert.equal(r.classes, 3);

  const before = await appState(page);
  for (const [name, text, message] of BAD_CSVS) {
    await page.setInputFiles('[data-testid="data-file"]', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.waitForFunction((m) => document.querySelector('[data-testid="data-error"]')?.textContent.includes(m), message);
    const shown = await page.textContent('[data-testid="data-error"]');
    assert.ok(shown.startsWith(message), `${name}: ${shown}`);
    assert.match(shown, /Nothing was changed: your clusters\.csv stays in use\.$/);
    assert.equal(await page.isVisible('[data-testid="data-error"]'), true);
    await settle(page);
    assert.deepEqual(await appState(page), before, `${name}: the previous data and network stay`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link with data=own and no file loaded: MNIST, with a notice saying why', async () => {
  const { page, errors, context } = await open(`${session.base}/embed.html?view=editor,inputs&data=own`);
  assert.equal((await appState(page)).data, 'mnist');
  assert.match(await page.textContent('[data-notices]'), /your own data, which stays on the machine where it was loaded/);
  assert.deepEqual(errors, []);
  await context.close();
});
