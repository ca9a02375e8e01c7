// The init lab on the student's Linear (issue 22: "every view ... the init
// lab ... runs on their implementation"), in Debian's Chromium: the Build
// step's editor gets a module, Check runs, "use my Linear" is ticked, and
// the lab adds "your Linear" beside the library's initialisers. Its Linear
// draws from the default generator seeded with each layer's stream, the
// seed the initialisers' Generator gets; both are the core's PCG32, so the
// reference solution (randn([in, out]) · √(1/in), with 1/√256 = 1/16 exact
// in float32) has the lesson init's very weights and the same stds. A
// Linear without the scale has N(0, 1)'s weights and its line. A Linear
// that throws leaves the library's series on screen, with its message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, chromiumSite, settle } from './harness.js';
import { checkInPage, fixture } from './build-helpers.js';
import { mistakeSource } from '../fixtures/build/mistakes.mjs';

const session = chromiumSite({ file: 'assets/tinytorch-editor.js', bypassCSP: true });
const DEPTH = 6;

/** The lab's std table (or, with `grads`, its gradient table) as { init key: [the core's numbers, from data-value] }. */
const labColumns = (page, grads = false) => page.$$eval(`[data-testid=${grads ? 'init-grad-table' : 'init-table'}] tbody td`, (tds) => {
  const out = {};
  for (const td of tds) (out[td.dataset.init] ??= []).push(td.dataset.value === undefined ? td.textContent : Number(td.dataset.value));
  return out;
});

/** Wait until the lab's gradients (postponed until the page is quiet) include the student's column or its error. */
const gradsIn = (page) => page.waitForFunction((depth) => {
  const rows = document.querySelectorAll('[data-testid=init-grad-table] tbody tr');
  return rows.length === depth && document.querySelector('[data-testid=init-grad-figure]').getAttribute('aria-busy') === 'false'
    && rows[0].querySelector('td[data-init="yours"]');
}, DEPTH, { timeout: 30000 });

/** Check `code` in Build, tick "use my layers" for Linear, bring the lab into view and let it finish. */
async function useLinear(page, code) {
  await checkInPage(page, code);
  // a box still ticked runs the code of the earlier Check: untick and tick to use the latest (Build says so)
  if (await page.isChecked('[data-testid="build-use-linear"]')) await page.uncheck('[data-testid="build-use-linear"]');
  await page.check('[data-testid="build-use-linear"]');
  await settle(page);
  await page.locator('.tt-view-init').scrollIntoViewIfNeeded();
  await settle(page);
}

const rel = (a, b) => Math.abs(a - b) / Math.abs(b);

test('the init lab runs the student\'s Linear as one more series: the reference solution gives the lesson init\'s numbers, a Linear without √(1/in) grows like N(0, 1)', async () => {
  const { page, errors, context } = await open(`#tt:seed=3&depth=${DEPTH}&act=relu`);
  // "use my layers" off: the library's four initialisers only
  const before = await labColumns(page);
  assert.deepEqual(Object.keys(before).sort(), ['he_normal', 'normal', 'xavier', 'xavier_uniform']);
  assert.equal(await page.isHidden('[data-testid=init-student]'), true);

  await useLinear(page, fixture('examples/build/layers-solution.mjs'));
  await gradsIn(page);
  const mine = await labColumns(page);
  // the library's series did not move
  for (const k of Object.keys(before)) assert.deepEqual(mine[k], before[k]);
  // the same weights (same PCG32 seed, an exact scale): the lesson init's stds; the forward is the
  // student's matmul then add against the core's one Linear call, so allow float32 rounding
  assert.equal(mine.yours.length, DEPTH);
  mine.yours.forEach((v, i) => assert.ok(rel(v, mine.xavier[i]) <= 1e-6, `layer ${i + 1}: yours ${v}, lesson ${mine.xavier[i]}`));
  console.log(`solution vs lesson init, std per layer: max relative difference ${Math.max(...mine.yours.map((v, i) => rel(v, mine.xavier[i])))}`);
  const g = await labColumns(page, true);
  g.yours.forEach((v, i) => assert.ok(rel(v, g.xavier[i]) <= 1e-5, `gradient at layer ${i + 1}: yours ${v}, lesson ${g.xavier[i]}`));
  assert.match(await page.textContent('[data-testid=init-student]'), /the same line as the lesson's init/);
  assert.match(await page.textContent('[data-testid=init-intro]'), /once more from your Linear/);
  assert.match(await page.getAttribute('[data-testid=init-chart]', 'aria-label'), /one for your Linear/);
  assert.equal(await page.isVisible('[data-testid=init-student-legend]'), true);
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('.tt-view-init canvas[role=img]')].map((c) => Boolean(c.getAttribute('aria-label')))), [true, true]);
  await axeViolations(page); // loads axe-core
  assert.deepEqual(await page.evaluate(async () => (await globalThis.axe.run({ include: ['.tt-view-init'] })).violations.map((v) => `${v.id}: ${v.nodes.length}`)), []);

  // a new version of their code, without the scale: the lab re-runs (its caches are keyed by the version)
  await useLinear(page, mistakeSource('unscaled-init'));
  await gradsIn(page);
  const bad = await labColumns(page);
  for (const k of Object.keys(before)) assert.deepEqual(bad[k], before[k]);
  const at4 = (c) => c[3];
  assert.ok(at4(bad.yours) > 100 * at4(bad.xavier), `layer 4: yours ${at4(bad.yours)}, lesson ${at4(bad.xavier)}`);
  // N(0, 1)'s weights exactly (1.0 · z is z), so its line
  bad.yours.forEach((v, i) => assert.ok(rel(v, bad.normal[i]) <= 1e-5, `layer ${i + 1}: yours ${v}, N(0, 1) ${bad.normal[i]}`));
  assert.match(await page.textContent('[data-testid=init-student]'), /the same line as init 'normal'/);
  assert.match(await page.textContent('.tt-view-init .init-observation'), /your Linear grows by about ×/);
  // the lab reseeds the default generator for the student's Linear and puts it back afterwards
  const genState = () => page.evaluate(() => Array.from(globalThis.__tinytorchApps[0].api.defaultGenerator().getState()));
  const gen0 = await genState();
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ depth: 5 }));
  await settle(page);
  assert.equal((await labColumns(page)).yours.length, 5);
  assert.deepEqual(await genState(), gen0);
  await page.evaluate((depth) => globalThis.__tinytorchApps[0].setState({ depth }), DEPTH);
  await settle(page);

  // unticked: exactly as before, no extra series
  await page.uncheck('[data-testid="build-use-linear"]');
  await settle(page);
  assert.deepEqual(await labColumns(page), before);
  assert.deepEqual(await page.$eval('[data-testid=init-student]', (p) => [p.hidden, p.textContent]), [true, ""]);
  assert.equal(await page.isHidden('[data-testid=init-student-legend]'), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a student\'s Linear that throws in the init lab: its error in place of its series, the library\'s series and the page keep working', async () => {
  const { page, errors, context } = await open(`#tt:seed=3&depth=${DEPTH}&act=tanh`);
  const before = await labColumns(page);
  const solution = fixture('examples/build/layers-solution.mjs');
  const at = '  /** x [..., in] -> [..., out]. */\n  forward(x) {\n';
  assert.ok(solution.includes(at));
  // only the lab's forward batch has 64 rows (the network's has 32): the network keeps the student's Linear
  const code = solution.replace(at, `${at}    if (x.shape[0] === 64) throw new Error('my init-lab bug');\n`);
  await useLinear(page, code);
  await gradsIn(page); // the gradient pass (16 rows) runs, the forward column shows the error
  const cols = await labColumns(page);
  for (const k of Object.keys(before)) assert.deepEqual(cols[k], before[k]);
  assert.deepEqual(cols.yours, Array(DEPTH).fill('—'));
  assert.match(await page.textContent('[data-testid=init-student]'), /^Your Linear \(from Build\) raised an error on this stack.*my init-lab bug/);
  assert.match(await page.textContent('.tt-view-init .init-observation'), /your Linear could not run/);
  // the rest of the page runs on: the network is the student's, without an error
  assert.equal(await page.isChecked('[data-testid="build-use-linear"]'), true);
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].model.error), null);
  // and the lab follows the controls
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ depth: 4 }));
  await settle(page);
  assert.equal((await labColumns(page)).xavier.length, 4);
  assert.deepEqual(errors, []);
  await context.close();
});

const open = (hash) => session.open(`${session.base}/index.html${hash}`);
