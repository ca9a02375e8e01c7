// Weights out and in on the page in Firefox (Debian's firefox-esr over
// WebDriver BiDi), beside weights-io.test.js in Chromium: the code view's
// Download buttons make a link to the file of what the views show, a weight
// file given to its file input (through DataTransfer, the way a drop or the
// file chooser fills it) loads into every view, export then import gives
// the same predictions, and a bad file shows its message with the weights
// before kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firefoxSite } from './firefox-harness.js';
import { Generator, Linear, ReLU, Dropout, Sequential, saveSafetensors, loadSafetensors } from '../../js/index.js';

const session = firefoxSite();

const logits = (page) => page.evaluate(() => {
  const rows = globalThis.__tinytorchApps[0].model.layers;
  return Array.from(rows[rows.length - 1].output.data);
});

/** Give the view's file input a file of these bytes, as the file chooser does, and wait for its message. */
async function upload(page, name, bytes) {
  await page.evaluate(async (fileName, data) => {
    const input = document.querySelector('.tt-view-code [data-testid="weights-file"]');
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], fileName));
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const v = document.querySelector('.tt-view-code');
    const said = () => v.querySelector('[data-testid="weights-status"]').textContent || v.querySelector('[data-testid="weights-error"]').textContent;
    while (!said()) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(globalThis.__tinytorchApps.map((a) => a.settled()));
  }, name, Buffer.from(bytes).toString('base64')); // base64: a JSON array of a megabyte of numbers is too slow over BiDi
}

/**
 * Click a Download button: the view makes a link to a blob with the file's
 * name and clicks it (caught here, the download itself prevented: the
 * lesson's CSP lets no script fetch a blob: URL, and a BiDi session has no
 * download events; Chromium's test reads the real download). The bytes are
 * what the page's API writes for the network that ran, as the view does.
 */
const download = async (page, kind) => {
  const r = await page.evaluate(async (k) => {
    const link = new Promise((resolve) => {
      document.addEventListener('click', function onClick(e) {
        const a = e.composedPath()[0];
        if (a?.localName !== 'a' || !a.download) return;
        document.removeEventListener('click', onClick, true);
        e.preventDefault();
        resolve({ name: a.download, href: a.href });
      }, true);
    });
    document.querySelector(`.tt-view-code [data-testid="weights-download-${k}"]`).click();
    const { name, href } = await link;
    const app = globalThis.__tinytorchApps[0];
    const bytes = k === 'npz' ? app.api.saveNpz(app.model.sequential) : app.api.saveSafetensors(app.model.sequential);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { name, href, base64: btoa(bin) };
  }, kind);
  assert.match(r.href, /^blob:/);
  return { name: r.name, bytes: new Uint8Array(Buffer.from(r.base64, 'base64')) };
};

test('Firefox: import, export, import of the export gives the same predictions; a bad file changes nothing', async () => {
  const { page, context, errors } = await session.open(`${session.base}/index.html#net=L784-256,R,D0.5,L256-128,R,D0.3,L128-10`);
  try {
    const initial = await logits(page);
    const g = new Generator(77);
    const net = new Sequential(new Linear(784, 256, { generator: g }), new ReLU(), new Dropout(0.5),
      new Linear(256, 128, { generator: g }), new ReLU(), new Dropout(0.3), new Linear(128, 10, { generator: g }));
    await upload(page, 'other.safetensors', saveSafetensors(net));
    const imported = await logits(page);
    assert.ok(imported.some((v, i) => Math.abs(v - initial[i]) > 1e-3), 'the predictions changed with the weights');
    const st = await download(page, 'safetensors');
    assert.equal(st.name, 'tinytorch-784-256-128-10.safetensors');
    assert.deepEqual(loadSafetensors(st.bytes).get('0.weight').shape, [256, 784]);
    const npz = await download(page, 'npz');
    await page.click('.tt-view-code [data-testid="weights-initial"]');
    await page.evaluate(() => Promise.all(globalThis.__tinytorchApps.map((a) => a.settled())));
    assert.deepEqual(await logits(page), initial);
    await upload(page, st.name, st.bytes);
    assert.deepEqual(await logits(page), imported, 'safetensors: export then import');
    await page.click('.tt-view-code [data-testid="weights-initial"]');
    await upload(page, npz.name, npz.bytes);
    assert.deepEqual(await logits(page), imported, '.npz: export then import');
    await upload(page, 'small.safetensors', saveSafetensors(new Sequential(new Linear(784, 10))));
    const msg = await page.$eval('.tt-view-code [data-testid="weights-error"]', (e) => e.textContent);
    assert.match(msg, /small\.safetensors was not loaded: missing keys .*The weights shown before stay\./);
    assert.deepEqual(await logits(page), imported);
    net.dispose();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
