// The init lab's gradients (issue 12: "Init, with gradients"): one backward
// pass through each initialiser's deep stack, measured by the core's
// autograd, shows vanishing and exploding gradients, not only activations.
// With ReLU over 12 layers of Linear(256, 256): the lesson's init (variance
// 1/in) loses a factor √2 per layer on the way down, He (2/in) keeps the
// gradient's size, N(0, 1) multiplies it by about √(in/2) = 11 per layer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { axeViolations, launch, newPage, notices, openApp, repoRoot, serve, settle } from './harness.js';
import { streamSeed } from '../../web/seeds.js';

const browser = await launch();
after(() => browser.close());

test('the init lab shows each layer\'s gradient norm after one backward pass, vanishing and exploding as the maths says', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await page.goto(siteUrl('#tt:depth=12&act=relu'));
  await page.waitForSelector('[data-testid=init-grad-table] tbody tr[data-layer="11"]');
  const norms = await page.$$eval('[data-testid=init-grad-table] tbody tr', (trs) => trs.map((tr) => [...tr.cells].slice(1).map((c) => Number(c.textContent.split(' ')[0]))));
  assert.equal(norms.length, 12);
  const cols = (name) => ({ xavier: 0, xavier_uniform: 1, he_normal: 2, normal: 3 })[name];
  const ratio = (c) => norms[0][c] / norms[11][c]; // layer 1 over the top
  // per layer: lesson ×~0.71, He ×~1, N(0,1) ×~11, so over 11 steps:
  assert.ok(ratio(cols('xavier')) < 0.05, `lesson init: ${ratio(cols('xavier'))}`);
  assert.ok(ratio(cols('he_normal')) > 0.3 && ratio(cols('he_normal')) < 3, `He: ${ratio(cols('he_normal'))}`);
  assert.ok(ratio(cols('normal')) > 1e9, `N(0,1): ${ratio(cols('normal'))}`);
  // the top layer gets the upstream gradient itself, the same for every init
  const top = norms[11];
  top.forEach((v) => assert.ok(Math.abs(v - top[0]) < 1e-3 * top[0]));
  const text = await page.textContent('[data-testid=init-grad-observation]');
  assert.match(text, /vanishes/);
  assert.match(text, /explodes/);
  assert.ok(await page.$eval('[data-testid=init-grad-chart]', (c) => c.width > 0 && c.getAttribute('aria-label').includes('gradient')));
  assert.deepEqual(errors, []);
  await page.close();
});

// Widths that differ (issue: "let the widths differ"): the lab's Widths
// select, the numbers it gives against the same stack rebuilt here through
// the page's own API, fan-in against fan-average in measured numbers, the
// log axis's labels, the figures' accessible names, axe.
const siteUrl = (hash) => `${pathToFileURL(join(repoRoot, 'dist/site/index.html')).href}${hash}`;
/** Two animation frames of `page`: a render scheduled by the last input has run. */
const twoFrames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** The lesson from file:// at `hash` in a new page, every view up to date (the init lab is below the fold). */
async function openLab(hash, errors) {
  const page = await newPage(browser, errors);
  await page.goto(siteUrl(hash));
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, null, { timeout: 20000 });
  await settle(page);
  return page;
}
const stdTable = (page) => page.$$eval('[data-testid=init-table] tbody tr', (trs) => trs.map((tr) => [...tr.cells].slice(1).map((c) => Number(c.textContent.split(' ')[0]))));
const COL = { xavier: 0, xavier_uniform: 1, he_normal: 2, normal: 3 };
const near = (a, b, rel) => Math.abs(a - b) <= rel * Math.abs(b);

test('the Widths select rebuilds the stacks with 256 and 1024 in turn: the table is what the core gives for that stack, and the URL carries it', async () => {
  const errors = [];
  const page = await openLab('#tt:depth=6&act=tanh', errors);
  const before = await stdTable(page);
  assert.match(await page.textContent('[data-testid=init-table] caption'), /Linear\(256, 256\)/);
  await page.selectOption('[data-testid=init-widths]', '256-1024');
  await page.waitForFunction(() => document.querySelector('[data-testid=init-table] caption').textContent.includes('Linear(256, 1024) and Linear(1024, 256)'));
  const after = await stdTable(page);
  assert.equal(after.length, 6);
  assert.ok(after.some((row, i) => row.some((v, c) => !near(v, before[i][c], 1e-3))), 'the numbers changed');
  // the wide layers get a quarter of the rows (the page says so)
  assert.match(await page.textContent('[data-testid=init-intro]'), /fed the same 16 random inputs of 256 features \(16, not 64: a Linear\(256, 1024\) has 4 times the weights of a Linear\(256, 256\)/);
  assert.match(await page.textContent('[data-testid=init-table] thead'), /256→1024: std 0\.06250, 1024→256: std 0\.03125/);
  // the same stacks, rebuilt here from the page's streams (web/seeds.js) through its API
  const seeds = {
    input: String(streamSeed('initInput', 42)),
    layers: Array.from({ length: 6 }, (_, i) => String(streamSeed('initWeights', 42, i))),
  };
  const expected = await page.evaluate(({ seeds, inits }) => {
    const api = globalThis.__tinytorchApps[0].api;
    const width = (i) => (i % 2 ? 1024 : 256);
    return api.noGrad(() => api.tidy(() => {
      const g = new api.Generator(BigInt(seeds.input));
      const x = api.Tensor.randn([16, 256], { generator: g });
      g.dispose();
      const act = new api.Tanh();
      const out = inits.map((init) => {
        let h = x;
        return seeds.layers.map((s, i) => {
          const gen = new api.Generator(BigInt(s));
          const lin = new api.Linear(width(i), width(i + 1), { init, generator: gen });
          h = act.forward(lin.forward(h));
          lin.dispose();
          gen.dispose();
          return h.stats().std;
        });
      });
      act.dispose();
      return out;
    }));
  }, { seeds, inits: Object.keys(COL) });
  for (const [init, c] of Object.entries(COL)) {
    for (let i = 0; i < 6; i++) assert.ok(near(after[i][c], expected[c][i], 1e-3), `${init} layer ${i + 1}: table ${after[i][c]}, core ${expected[c][i]}`);
  }
  // the URL carries the key, and a fresh page from it shows the same state
  await page.waitForFunction(() => location.hash.includes('widths=256-1024'));
  const link = await page.evaluate(() => location.href);
  const again = await newPage(browser, errors);
  await again.goto(link);
  await again.waitForFunction(() => document.querySelector('[data-testid=init-table] caption')?.textContent.includes('Linear(256, 1024)'));
  assert.equal(await again.$eval('[data-testid=init-widths]', (s) => s.value), '256-1024');
  assert.deepEqual(await stdTable(again), after);
  // a bad value falls back to all 256, with a notice like any other key
  await again.goto(siteUrl('#tt:widths=512&depth=4'));
  await again.reload();
  await again.waitForSelector('[data-testid=init-table] tbody tr[data-layer="3"]');
  assert.equal(await again.$eval('[data-testid=init-widths]', (s) => s.value), '256');
  assert.match(await notices(again), /"widths" was not used \("512" is not one of 256, 256-1024, 1024-256\)/);
  assert.deepEqual(errors, []);
  await again.close();
  await page.close();
});

test('fan-in against fan-average, measured: with 256 and 1024 in turn the fan-in inits keep one factor per layer, Glorot zigzags and drifts ×0.8 per pair', async () => {
  // ReLU is the activation through which a weight scale passes unchanged
  // (ReLU(c·x) = c·ReLU(x), c > 0), so what separates the lines is the
  // weight variance alone: the lesson's init loses ReLU's √½ per layer
  // whatever the widths, He (2/in) keeps the std, and Glorot's Linear
  // multiplies the variance by 2·in/(in+out): 0.4 into 1024, 1.6 out of it.
  const errors = [];
  const page = await openLab('#tt:depth=12&act=relu&widths=256-1024', errors);
  const t = await stdTable(page);
  const col = (name) => t.map((row) => row[COL[name]]);
  const lesson = col('xavier');
  const glorot = col('xavier_uniform');
  const he = col('he_normal');
  const inputStd = Number(/has std ([0-9]+\.[0-9]+)/.exec(await page.textContent('[data-testid=init-table] caption'))[1]);
  assert.ok(near(inputStd, 1, 0.05), `input std ${inputStd}`);
  for (let l = 1; l < 12; l++) {
    // layer l (0-based) is Linear(256, 1024) for even l, Linear(1024, 256) for odd l
    assert.ok(near(lesson[l] / lesson[l - 1], Math.SQRT1_2, 0.12), `lesson's init, layer ${l + 1}: ×${lesson[l] / lesson[l - 1]}`);
    const g = Math.sqrt(l % 2 ? 1.6 : 0.4) * Math.SQRT1_2;
    assert.ok(near(glorot[l] / glorot[l - 1], g, 0.15), `Glorot, layer ${l + 1}: ×${glorot[l] / glorot[l - 1]}, expected ×${g}`);
    assert.ok(he[l] > 0.6 * inputStd && he[l] < 1.2 * inputStd, `He stays near the input's std at layer ${l + 1}: ${he[l]}`);
  }
  // Glorot over the lesson's init: √0.4 after layer 1, then ×0.8 per pair
  assert.ok(near(glorot[0] / lesson[0], Math.sqrt(0.4), 0.1), `layer 1: ${glorot[0] / lesson[0]}`);
  assert.ok(near(glorot[11] / lesson[11], 0.8 ** 6, 0.2), `layer 12: ${glorot[11] / lesson[11]} against 0.8^6 = ${0.8 ** 6}`);
  assert.ok(glorot[11] < 0.05 * inputStd, `Glorot drifts away: ${glorot[11]}`);
  const fan = await page.textContent('[data-testid=init-fan]');
  assert.match(fan, /×0\.40, then ×1\.6, ×0\.64 per pair of layers \(std ×0\.80\)/);
  assert.match(fan, /at layer 12 Glorot's std is ×0\.2[5-9] the lesson's, and the Linear layers alone predict ×0\.26/);
  // all 256: in = out, fan-in and fan-average are one variance and the lines overlap
  await page.selectOption('[data-testid=init-widths]', '256');
  await page.waitForFunction(() => document.querySelector('[data-testid=init-table] caption').textContent.includes('Linear(256, 256)'));
  const flat = await stdTable(page);
  for (let l = 0; l < 12; l++) assert.ok(near(flat[l][COL.xavier_uniform], flat[l][COL.xavier], 0.15), `all 256, layer ${l + 1}: ${flat[l][COL.xavier_uniform]} against ${flat[l][COL.xavier]}`);
  assert.match(await page.textContent('[data-testid=init-fan]'), /in = out, so 1\/in and 2\/\(in\+out\) are the same variance \(1\/256\)/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the std chart\'s log axis: a label at each decade inside the data (true values), 2x and 5x on a short range, and the figure named by its axis note', async () => {
  const errors = [];
  const page = await openLab('#tt:depth=12&act=relu&widths=256-1024', errors);
  const all = (await stdTable(page)).flat();
  const lo = Math.min(...all);
  const hi = Math.max(...all, 1); // the chart also draws the line at std 1
  const labels = (await page.$eval('[data-testid=init-chart]', (c) => c.dataset.ticks)).split(',');
  assert.ok(labels.length >= 3, labels.join());
  const values = labels.map(Number);
  for (const [i, v] of values.entries()) {
    assert.ok(Number.isFinite(v) && v > 0, `label "${labels[i]}"`);
    assert.ok(Number.isInteger(Math.log10(v)) || Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-12, `"${labels[i]}" is a power of ten`);
    assert.ok(v >= lo * (1 - 1e-3) && v <= hi * (1 + 1e-3), `"${labels[i]}" inside the data ${lo} .. ${hi}`);
    if (i) assert.ok(v > values[i - 1], 'small to large');
  }
  assert.ok(labels.includes('1'), `std 1 is labelled: ${labels}`);
  // the N(0, 1) line tops out at about 2e14: no label past the data ("1e15")
  const top = Math.floor(Math.log10(hi));
  assert.ok(!labels.includes(`1e${top + 1}`));
  // a short range (tanh keeps every line within 0.08 .. 1): 2x and 5x ticks
  await page.selectOption('[data-testid=init-act]', 'tanh');
  await page.waitForFunction(() => document.querySelector('[data-testid=init-table] caption').textContent.includes('after Tanh'));
  const tanh = (await stdTable(page)).flat();
  const short = (await page.$eval('[data-testid=init-chart]', (c) => c.dataset.ticks)).split(',');
  assert.ok(Math.max(...tanh) <= 1 && Math.min(...tanh) > 0.01, `${Math.min(...tanh)} .. ${Math.max(...tanh)}`);
  assert.deepEqual(short.filter((l) => ['0.2', '0.5', '1'].includes(l)), ['0.2', '0.5', '1'], short.join());
  // the figures' accessible names are their axis notes, not "Legend"
  assert.equal(await page.getByRole('figure', { name: /^Legend/ }).count(), 0);
  assert.equal(await page.getByRole('figure', { name: /^Std of each layer's output, log scale, for 12 layers of Linear\(256, 1024\) and Linear\(1024, 256\) in turn \+ Tanh/ }).count(), 1);
  assert.equal(await page.getByRole('figure', { name: /^Norm of the gradient at each layer's output/ }).count(), 1);
  assert.match(await page.$eval('[data-testid=init-chart]', (c) => c.getAttribute('aria-label')), /Linear\(256, 1024\) and Linear\(1024, 256\) in turn \+ Tanh/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('axe-core: no violations in the init lab\'s new state at 1280 and 360 px, and no sideways scroll', async () => {
  // over http: axe reads the style sheets, which a file:// page may not fetch
  const server = await serve(join(repoRoot, 'dist/site'));
  try {
    for (const width of [1280, 360]) {
      const { page, errors, context } = await openApp(browser, `${server.url}/index.html#tt:depth=12&act=tanh&widths=1024-256`, { width, height: 800, bypassCSP: true });
      await page.waitForFunction(() => document.querySelector('[data-testid=init-table] caption')?.textContent.includes('Linear(1024, 256) and Linear(256, 1024)'));
      await page.evaluate(() => document.querySelector('[data-view=init]').scrollIntoView({ behavior: 'instant' }));
      assert.deepEqual(await axeViolations(page), [], `widths=1024-256 at ${width}px`);
      const view = await page.$eval('[data-view=init]', (v) => ({ scroll: v.scrollWidth, client: v.clientWidth }));
      assert.ok(view.scroll <= view.client + 1, `the init view scrolls sideways at ${width}px: ${JSON.stringify(view)}`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  } finally {
    await server.close();
  }
});

test('dragging the depth: the std table follows every step, the backward passes wait until the drag stops (busy, then the new depth)', async () => {
  const errors = [];
  const page = await openLab('#tt:depth=6&act=relu', errors);
  await settle(page);
  // (instant: the page scrolls smoothly, and the view counts as on screen only once it is)
  await page.evaluate(() => {
    const slider = document.querySelector('.tt-view-init input[type="range"]');
    slider.scrollIntoView({ block: 'center', behavior: 'instant' });
    slider.focus({ preventScroll: true });
  });
  await twoFrames(page);
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('ArrowRight');
    await twoFrames(page);
  }
  const during = await page.evaluate(() => ({
    depth: globalThis.__tinytorchApps[0].state.depth,
    stdRows: document.querySelectorAll('[data-testid=init-table] tbody tr').length,
    gradRows: document.querySelectorAll('[data-testid=init-grad-table] tbody tr').length,
    busy: document.querySelector('[data-testid=init-grad-figure]').getAttribute('aria-busy'),
    note: document.querySelector('[data-testid=init-grad-observation]').textContent,
  }));
  assert.equal(during.depth, 9);
  assert.equal(during.stdRows, 9, 'the forward stds follow the drag');
  assert.equal(during.gradRows, 6, 'the gradients are still those of depth 6');
  assert.equal(during.busy, 'true');
  assert.match(during.note, /measured once the depth stops changing; the chart and table below are still those of 6 layers/);
  // quiet: the backward passes of depth 9 run on their own
  await page.waitForFunction(() => document.querySelector('[data-testid=init-grad-figure]').getAttribute('aria-busy') === 'false', null, { timeout: 10000 });
  const after9 = await page.evaluate(() => ({
    rows: document.querySelectorAll('[data-testid=init-grad-table] tbody tr').length,
    top: [...document.querySelectorAll('[data-testid=init-grad-table] tbody tr[data-layer="8"] td')].map((td) => Number(td.textContent.split(' ')[0])),
  }));
  assert.equal(after9.rows, 9);
  // the same numbers as opening depth 9 directly
  const direct = await newPage(browser, errors);
  await direct.goto(siteUrl('#tt:depth=9&act=relu'));
  await direct.waitForSelector('[data-testid=init-grad-table] tbody tr[data-layer="8"]');
  const top = await direct.$$eval('[data-testid=init-grad-table] tbody tr[data-layer="8"] td', (tds) => tds.map((td) => Number(td.textContent.split(' ')[0])));
  assert.deepEqual(after9.top, top);
  assert.deepEqual(errors, []);
  await page.close();
  await direct.close();
});

test('changing the activation: the forward stds at once, the backward passes in idle tasks (busy, then the same numbers as opening that activation directly)', async () => {
  const errors = [];
  const page = await openLab('#tt:depth=8&act=relu', errors);
  await settle(page);
  await page.evaluate(() => {
    document.querySelector('[data-testid=init-act]').scrollIntoView({ block: 'center', behavior: 'instant' });
  });
  await twoFrames(page);
  const reluGrads = await page.$$eval('[data-testid=init-grad-table] tbody td', (tds) => tds.map((td) => td.textContent));
  const reluStds = await page.$$eval('[data-testid=init-table] tbody td', (tds) => tds.map((td) => td.textContent));
  const during = await page.evaluate(async () => {
    const select = document.querySelector('[data-testid=init-act]');
    select.value = 'tanh';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return {
      act: globalThis.__tinytorchApps[0].state.act,
      busy: document.querySelector('[data-testid=init-grad-figure]').getAttribute('aria-busy'),
      note: document.querySelector('[data-testid=init-grad-observation]').textContent,
      stds: [...document.querySelectorAll('[data-testid=init-table] tbody td')].map((td) => td.textContent),
      grads: [...document.querySelectorAll('[data-testid=init-grad-table] tbody td')].map((td) => td.textContent),
    };
  });
  assert.equal(during.act, 'tanh');
  assert.notDeepEqual(during.stds, reluStds, 'the forward stds are those of tanh at once');
  assert.equal(during.busy, 'true');
  assert.match(during.note, /being measured, one initialiser at a time; the chart and table below are still those of the last stacks measured/);
  assert.deepEqual(during.grads, reluGrads, 'the last gradients stay (dimmed) until the new ones are measured');
  await page.waitForFunction(() => document.querySelector('[data-testid=init-grad-figure]').getAttribute('aria-busy') === 'false', null, { timeout: 10000 });
  const tanhGrads = await page.$$eval('[data-testid=init-grad-table] tbody td', (tds) => tds.map((td) => td.textContent));
  assert.notDeepEqual(tanhGrads, reluGrads);
  const direct = await newPage(browser, errors);
  await direct.goto(siteUrl('#tt:depth=8&act=tanh'));
  await direct.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model);
  await settle(direct);
  assert.deepEqual(await direct.$$eval('[data-testid=init-grad-table] tbody td', (tds) => tds.map((td) => td.textContent)), tanhGrads);
  assert.deepEqual(errors, []);
  await page.close();
  await direct.close();
});
