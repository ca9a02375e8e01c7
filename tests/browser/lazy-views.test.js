// Off-screen views wait (web/lazy-views.js), in Debian's Chromium: while a
// slider in the editor is dragged, a render updates the views on screen
// only; a view below the fold catches up when it scrolls into view, or
// once the page has been quiet for a moment; app.settled() brings every
// view up to date at once. Each of these is checked on the Dropout view's
// own p slider, which its update sets from the state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumSite, newPage, settle } from './harness.js';

const session = chromiumSite();

const frames = (page, n = 2) => page.evaluate((count) => new Promise((ok) => {
  const step = (left) => (left === 0 ? ok() : requestAnimationFrame(() => step(left - 1)));
  step(count);
}), n);

/** The p shown by the editor's first Dropout row and by the Dropout view's first panel, and the state's. */
const shown = (page) => page.evaluate(() => {
  const app = globalThis.__tinytorchApps[0];
  const i = app.state.net.findIndex((s) => s.kind === 'dropout');
  return {
    state: app.state.net[i].p,
    editor: Number(document.querySelector('.tt-view-editor [data-testid="dropout-p"]').value),
    view: Number(document.querySelector('.tt-view-dropout [data-testid="dropout-p"]').value),
  };
});

async function dragInEditor(page, presses) {
  await page.evaluate(() => {
    const s = document.querySelector('.tt-view-editor [data-testid="dropout-p"]');
    s.scrollIntoView({ block: 'center', behavior: 'instant' });
    s.focus({ preventScroll: true });
  });
  await settle(page); // the scroll's own catch-ups are done before the drag starts
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('ArrowRight');
    await frames(page);
  }
}

test('a drag renders the views on screen only; an off-screen view catches up when it scrolls into view', async () => {
  const { page, errors, context } = await session.open(`${session.base}/index.html`, { width: 1280, height: 800 });
  const start = await shown(page);
  assert.equal(start.view, start.state);
  await dragInEditor(page, 3);
  const during = await shown(page);
  assert.ok(Math.abs(during.state - (start.state + 0.15)) < 1e-9, `state p ${during.state}`);
  assert.equal(during.editor, during.state);
  assert.equal(during.view, start.state, 'the Dropout view, off screen, has not been updated yet');
  const inView = await page.evaluate(() => {
    const r = document.querySelector('.tt-view-dropout').getBoundingClientRect();
    return r.bottom > -300 && r.top < innerHeight + 300;
  });
  assert.equal(inView, false, 'the Dropout view is outside the observer\'s margin');
  await page.evaluate(() => document.querySelector('.tt-view-dropout').scrollIntoView({ behavior: 'instant' }));
  await page.waitForFunction(() => {
    const app = globalThis.__tinytorchApps[0];
    const p = app.state.net.find((s) => s.kind === 'dropout').p;
    return Number(document.querySelector('.tt-view-dropout [data-testid="dropout-p"]').value) === p;
  }, null, { timeout: 5000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('once the page is quiet, the off-screen views catch up without scrolling; settled() catches up at once', async () => {
  const { page, errors, context } = await session.open(`${session.base}/index.html`, { width: 1280, height: 800 });
  await dragInEditor(page, 2);
  assert.ok((await page.evaluate(() => globalThis.__tinytorchApps[0].staleViews)) > 0, 'some views wait');
  // no scroll, no input: idle time brings every view up to date
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].staleViews === 0, null, { timeout: 10000 });
  const quiet = await shown(page);
  assert.equal(quiet.view, quiet.state);
  // and settled() does it at once, right after a drag
  await dragInEditor(page, 2);
  assert.ok((await page.evaluate(() => globalThis.__tinytorchApps[0].staleViews)) > 0);
  const flushed = await page.evaluate(async () => {
    const app = globalThis.__tinytorchApps[0];
    await app.settled();
    const p = app.state.net.find((s) => s.kind === 'dropout').p;
    return { stale: app.staleViews, view: Number(document.querySelector('.tt-view-dropout [data-testid="dropout-p"]').value), p };
  });
  assert.equal(flushed.stale, 0);
  assert.equal(flushed.view, flushed.p);
  assert.deepEqual(errors, []);
  await context.close();
});

test('while training runs the off-screen views wait (no idle catch-up); they catch up once it is paused', async () => {
  const { page, errors, context } = await session.open(`${session.base}/index.html`, { width: 1280, height: 800 });
  await dragInEditor(page, 2);
  assert.ok((await page.evaluate(() => globalThis.__tinytorchApps[0].staleViews)) > 0, 'some views wait');
  // Play from the script (the training view is off screen), then 2 s of training: several quiet times (250 ms) long
  await page.evaluate(() => globalThis.__tinytorchApps[0].training.play());
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training.status === 'playing', null, { timeout: 30000 });
  await page.evaluate(() => performance.clearMeasures());
  await page.waitForTimeout(2000);
  const during = await page.evaluate(() => ({
    status: globalThis.__tinytorchApps[0].training.status,
    dropoutUpdates: performance.getEntriesByName('tt-view:dropout').length, // the Dropout view is off screen
  }));
  assert.equal(during.status, 'playing');
  assert.equal(during.dropoutUpdates, 0, 'no idle catch-up of an off-screen view while training runs');
  await page.evaluate(() => globalThis.__tinytorchApps[0].training.pause());
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].staleViews === 0, null, { timeout: 10000 });
  const quiet = await shown(page);
  assert.equal(quiet.view, quiet.state);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the quiz is updated on every render, off screen too: a teacher\'s ask= hides the answers from the first render on', async () => {
  const errors = [];
  const page = await newPage(session.browser, errors);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${session.base}/index.html#tt:ask=p0,h`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, null, { timeout: 20000 });
  // right after the first render, before any catch-up: the quiz is far below the fold
  const first = await page.evaluate(() => ({
    stale: globalThis.__tinytorchApps[0].staleViews,
    quizTop: document.querySelector('.tt-view-quiz').getBoundingClientRect().top,
    classes: [...document.body.classList].filter((c) => c.startsWith('tt-hide-')).sort(),
    total: document.querySelector('[data-testid="ws-total"]').checkVisibility({ visibilityProperty: true }),
  }));
  assert.ok(first.stale > 0, 'other views wait');
  assert.ok(first.quizTop > 800 + 300, `the quiz is below the fold (${first.quizTop})`);
  assert.deepEqual(first.classes, ['tt-hide-bytes', 'tt-hide-params']);
  assert.equal(first.total, false, 'the workspace total is hidden from the first frame');
  assert.deepEqual(errors, []);
  await page.close();
});
