// The page's datasets in Firefox (Debian's firefox-esr over WebDriver BiDi,
// tests/browser/firefox-harness.js), beside data.test.js in Chromium: MNIST
// digits by default, fetched as the packed .bin and trained on; the
// student's own CSV given to the editor's file input (through DataTransfer,
// as the file chooser or a drop fills it): the network fitted to it and an
// epoch trained; each bad CSV shows its message naming the row and column,
// and the previous data and network stay in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './harness.js';
import { firefoxSite } from './firefox-harness.js';
import { BAD_CSVS, GOOD_CSV, appState, stepEpoch } from './data-cases.js';

const session = firefoxSite({ file: 'assets/mnist-train.bin' });

const VIEWS = 'editor,inputs,probs,training';

/** Give the editor's data input a file, as the file chooser does (a BiDi session cannot set an input's files). */
const giveFile = (page, name, text) => page.evaluate((fileName, body) => {
  const input = document.querySelector('[data-testid="data-file"]');
  const dt = new DataTransfer();
  dt.items.add(new File([body], fileName, { type: 'text/csv' }));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}, name, text);

test('Firefox: MNIST by default, fetched as the packed .bin and trained on; an own CSV is fitted and trained; each bad CSV is refused by row and column and the previous data stay', async () => {
  const { page, context, errors } = await session.open(`${session.base}/embed.html?view=${VIEWS}&tsize=100&epochs=1`);
  const s0 = await appState(page);
  assert.equal(s0.data, 'mnist');
  assert.match(await page.$eval('.tt-in-note', (e) => e.textContent), /^MNIST digits held-out images/);
  const r0 = await stepEpoch(page);
  assert.equal(r0.error, null);
  assert.equal(r0.dataset, 'mnist');
  assert.equal(r0.via, 'fetch');
  assert.ok(r0.valAcc > 0.2, `one epoch on 100 digits (chance: 0.1): held-out accuracy ${r0.valAcc}`);

  await giveFile(page, 'clusters.csv', GOOD_CSV);
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].state.data === 'own', { timeout: 20000 });
  await settle(page);
  const s = await appState(page);
  assert.equal(s.net[0].in, 4);
  assert.equal(s.net.at(-1).out, 3);
  assert.equal(s.user.features, 4);
  const summary = await page.$eval('[data-testid="data-summary"]', (e) => e.textContent);
  assert.match(summary, /^clusters\.csv \(CSV, in memory only\): 60 rows, 4 features, 3 classes \(rows per class: 20, 20, 20\); header row: yes; label: column 5 \("label"\); normalisation: min-max per feature/);
  assert.match(summary, /48 rows to train on, 12 held out/);
  const r = await stepEpoch(page);
  assert.equal(r.error, null);
  assert.equal(r.dataset, 'own');
  assert.equal(r.features, 4);
  assert.equal(r.classes, 3);

  const before = await appState(page);
  for (const [name, text, message] of BAD_CSVS) {
    await giveFile(page, name, text);
    await page.waitForFunction((m) => document.querySelector('[data-testid="data-error"]')?.textContent.includes(m), { timeout: 20000 }, message);
    const shown = await page.$eval('[data-testid="data-error"]', (e) => e.textContent);
    assert.ok(shown.startsWith(message), `${name}: ${shown}`);
    assert.match(shown, /Nothing was changed: your clusters\.csv stays in use\.$/);
    assert.equal(await page.$eval('[data-testid="data-error"]', (e) => !e.hidden && e.getClientRects().length > 0), true);
    await settle(page);
    assert.deepEqual(await appState(page), before, `${name}: the previous data and network stay`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
