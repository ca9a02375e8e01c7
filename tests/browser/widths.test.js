// Any column (issue 24), in Debian's Chromium: every view of the registry
// (web/views/index.js, read here so that a view added later is measured
// too) laid out in containers of 360, 560, 760, 960 and 1,280 px inside a
// 1,400 px window, so that a view which switches its layout on the
// window's width instead of its own (@media instead of @container) is
// caught. At every width, in every view: no clipped content (overflow
// hidden with more inside), nothing past the view's edges unless it is in
// a labelled, focusable scroll region (role=region, aria-label,
// tabindex) that shows a visible cue while it overflows, no text spilling
// out of its box, no short label wrapped one word per line. Once as the
// one-view embed (embed.html, assets/style.css) and once as a <tt-view>
// (a shadow root with assets/view.css). The training views are measured
// before Play. Then the lesson page itself at 390, 760 and 1,120 px windows,
// and the embed in Debian's Firefox ESR at 360 and 760 px columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { CSP } from '../../scripts/serve.mjs';
import { chromiumSite, repoRoot, settle } from './harness.js';
import { launchFirefox, openFirefoxApp } from './firefox-harness.js';

const WIDTHS = [360, 560, 760, 960, 1280];
const WINDOW = { width: 1400, height: 900 };

/** The names of VIEWS in web/views/index.js, in order. */
export function registryNames() {
  const src = readFileSync(`${repoRoot}web/views/index.js`, 'utf8');
  const body = src.slice(src.indexOf('export const VIEWS = {'));
  const names = [...body.slice(0, body.indexOf('};')).matchAll(/^\s+(\w+):\s*mount\w+,?\s*$/gm)].map((m) => m[1]);
  assert.ok(names.length >= 19, `read ${names.length} views from web/views/index.js`);
  return names;
}
const NAMES = registryNames();

const session = chromiumSite({ file: 'embed.html', ...WINDOW });

/**
 * In the page: the problems of every view host under `root` (a document or
 * a shadow root's .tt-root), as "view: what (where)" strings.
 */
function measure(root) {
  const problems = [];
  const describe = (e) => {
    const id = e.dataset?.testid ? `[data-testid=${e.dataset.testid}]` : '';
    const cls = typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).slice(0, 2).join('.')}` : '';
    const text = (e.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${e.tagName.toLowerCase()}${id}${cls} "${text}"`;
  };
  const isRegion = (e) => e.getAttribute('role') === 'region' && (e.getAttribute('aria-label') ?? '').trim() !== '' && e.tabIndex >= 0;
  const scrolls = (cs) => cs.overflowX === 'auto' || cs.overflowX === 'scroll';
  const clips = (cs) => cs.overflowX === 'hidden' || cs.overflowX === 'clip';
  for (const host of root.querySelectorAll('.tt-view')) {
    const name = [...host.classList].find((c) => c.startsWith('tt-view-')).slice('tt-view-'.length);
    const hr = host.getBoundingClientRect();
    const report = (what, e) => { if (problems.length < 400) problems.push(`${name}: ${what} (${describe(e)})`); };
    // elements: walk, skipping what is not rendered and what is visually hidden
    const seen = new Set(); // the rendered elements the walk met
    const walk = (e, inScroller, outside) => {
      const cs = getComputedStyle(e);
      // not rendered: display none, a closed <details>' content, an element with no box
      if (!e.checkVisibility() || e.getClientRects().length === 0 && cs.display !== 'contents') return;
      const r = e.getBoundingClientRect();
      if (cs.position === 'absolute' && r.width <= 1 && r.height <= 1) return; // .visually-hidden
      seen.add(e);
      const visible = cs.visibility !== 'hidden';
      let out = outside;
      if (visible && !inScroller && !outside && cs.display !== 'contents' && (r.right > hr.right + 1 || r.left < hr.left - 1)) {
        out = true; // its children are not reported again
        report(`${Math.round(r.left - hr.left)}..${Math.round(r.right - hr.left)} px: past the view's ${Math.round(hr.width)} px`, e);
      }
      const over = e.scrollWidth - e.clientWidth;
      let scroller = inScroller;
      if (e !== host && scrolls(cs)) {
        scroller = true;
        if (over > 1) {
          if (!isRegion(e)) report(`scrolls ${over} px sideways, not a labelled focusable region`, e);
          else {
            const cue = getComputedStyle(e, '::before');
            if (!e.dataset.scrolls || cue.display === 'none' || cue.visibility === 'hidden' || !/scroll/.test(cue.content)) report(`scrolls ${over} px sideways with no visible cue`, e);
          }
        }
      } else if (clips(cs) && over > 1 && visible && !(cs.position === 'absolute' && r.width <= 1)) {
        report(`clips ${over} px of its content`, e);
      }
      for (const c of e.children) walk(c, scroller, out);
    };
    walk(host, false, false);
    // text: out of its block, or a short label one word per line
    const tw = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let t = tw.nextNode(); t; t = tw.nextNode()) {
      const text = t.data.trim().replace(/\s+/g, ' ');
      if (!text) continue;
      const parent = t.parentElement;
      if (!seen.has(parent) || parent.closest('select, option, textarea')) continue;
      if (getComputedStyle(parent).visibility === 'hidden') continue;
      range.selectNodeContents(t);
      const rects = [...range.getClientRects()].filter((q) => q.width > 0 && q.height > 0);
      if (!rects.length) continue;
      let block = parent;
      while (block !== host && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
      const b = block.getBoundingClientRect();
      const bs = getComputedStyle(block);
      const right = b.right - parseFloat(bs.borderRightWidth) + 1;
      const left = b.left + parseFloat(bs.borderLeftWidth) - 1;
      const out = rects.find((q) => q.right > right + 1 || q.left < left - 1);
      if (out && !scrolls(bs) && !(bs.position === 'absolute' && b.width <= 1)) report(`text spills ${Math.round(Math.max(out.right - right, left - out.left))} px out of its box`, block);
      const lines = new Set(rects.map((q) => Math.round(q.top / 4))).size;
      const words = text.split(' ').length;
      if (text.length < 40 && words >= 2 && (lines > 3 || (words >= 4 && lines >= words))) report(`"${text}" on ${lines} lines`, parent);
    }
  }
  return problems;
}

/** Set every [data-width-box] to `width` px, let the views re-render, and measure the views under `where` (a JS expression: document, or a <tt-view>'s shadow root). */
async function measureAt(page, width, where) {
  await page.evaluate((w) => {
    for (const box of document.querySelectorAll('[data-width-box]')) box.style.width = `${w}px`;
  }, width);
  // the ResizeObservers (web/dom.js watchWidth) re-render on the next frames
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await settle(page);
  return page.evaluate(`(${measure})(${where})`);
}

function assertNoProblems(all) {
  const lines = [];
  for (const [w, problems] of Object.entries(all)) {
    const unique = [...new Set(problems)];
    if (unique.length) lines.push(`${w} px:`, ...unique.slice(0, 60).map((p) => `  ${p}`), ...(unique.length > 60 ? [`  ... ${unique.length - 60} more`] : []));
  }
  if (process.env.WIDTHS_REPORT) appendFileSync(process.env.WIDTHS_REPORT, `${lines.join('\n')}\n`);
  const views = [...new Set(Object.values(all).flat().map((p) => p.split(':')[0]))];
  if (lines.length) assert.fail(`${views.length} views do not fit their column (${views.join(', ')}):\n${lines.join('\n')}`);
}

test(`the one-view embed: all ${NAMES.length} views fit 360 to 1,280 px columns in a 1,400 px window`, async () => {
  const { page, errors, context } = await session.open(`${session.base}/embed.html?${NAMES.map((n) => `view=${n}`).join('&')}`);
  const mounted = await page.evaluate(() => {
    const main = document.querySelector('main');
    main.dataset.widthBox = '';
    Object.assign(main.style, { padding: '0', margin: '0', maxWidth: 'none' });
    for (const d of main.querySelectorAll('details')) d.open = true; // what they hold is measured too
    return globalThis.__tinytorchApps[0].views.map((v) => v.name);
  });
  assert.deepEqual(mounted, NAMES);
  const all = {};
  for (const w of WIDTHS) all[w] = await measureAt(page, w, 'document');
  assertNoProblems(all);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a <tt-view> with every view (shadow root, assets/view.css) fits 360 and 760 px columns', async () => {
  const { browser, base } = session;
  const context = await browser.newContext({ viewport: WINDOW });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // a host page of the site's origin, under the lesson's CSP
  await page.route(`${base}/widths-host.html`, (route) => route.fulfill({
    contentType: 'text/html', headers: { 'content-security-policy': CSP },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widths</title>
<script src="assets/fashion-data.js" defer></script><script src="assets/tinytorch-page.js" defer></script></head>
<body><main><h1>Host</h1><div data-width-box><tt-view view="${NAMES.join(',')}"></tt-view></div></main></body></html>`,
  }));
  await page.goto(`${base}/widths-host.html`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, null, { timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('tt-view').shadowRoot.styleSheets.length > 0);
  await page.evaluate(() => { for (const d of document.querySelector('tt-view').shadowRoot.querySelectorAll('details')) d.open = true; });
  await settle(page);
  assert.equal(await page.evaluate(() => document.querySelector('tt-view').shadowRoot.querySelectorAll('.tt-view').length), NAMES.length);
  const all = {};
  for (const w of [360, 760]) all[w] = await measureAt(page, w, 'document.querySelector("tt-view").shadowRoot');
  assertNoProblems(all);
  // a host that sizes the element to its content (a flex row, an inline-block) gets a readable view,
  // not a 0 px one (a size container's content does not size it: web/style.css)
  const sized = await page.evaluate(async () => {
    const row = Object.assign(document.createElement('div'), { className: 'row' });
    row.style.display = 'flex';
    const inline = document.createElement('div');
    inline.style.display = 'inline-block';
    row.append(document.createElement('tt-view'), Object.assign(document.createElement('p'), { textContent: 'the host\'s text beside it' }));
    inline.append(document.createElement('tt-view'));
    for (const v of [row.firstChild, inline.firstChild]) v.setAttribute('view', 'shapes');
    document.querySelector('main').append(row, inline);
    while (globalThis.__tinytorchApps.length < 3 || !globalThis.__tinytorchApps.every((a) => a.model)) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(globalThis.__tinytorchApps.map((a) => a.settled()));
    return [row.firstChild.getBoundingClientRect().width, inline.firstChild.getBoundingClientRect().width];
  });
  for (const w of sized) assert.ok(w >= 600 && w <= 1400, `a <tt-view> sized by its content is ${w} px wide`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the lesson page (site/index.html): every view fits at 390, 760 and 1,120 px windows, and the page never scrolls sideways', async () => {
  const { page, errors, context } = await session.open(`${session.base}/index.html`);
  await page.evaluate(() => { for (const d of document.querySelectorAll('.tt-view details')) d.open = true; });
  const all = {};
  for (const width of [390, 760, 1120]) {
    await page.setViewportSize({ width, height: WINDOW.height });
    const problems = await measureAt(page, width, 'document');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (wide > 0) problems.push(`page: scrolls ${wide} px sideways`);
    all[width] = problems;
  }
  assertNoProblems(all);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox ESR: the one-view embed with every view fits 360 and 760 px columns', async () => {
  const browser = await launchFirefox();
  try {
    const { page, errors, context } = await openFirefoxApp(browser, `${session.base}/embed.html?${NAMES.map((n) => `view=${n}`).join('&')}`, WINDOW);
    const mounted = await page.evaluate(() => {
      const main = document.querySelector('main');
      main.dataset.widthBox = '';
      Object.assign(main.style, { padding: '0', margin: '0', maxWidth: 'none' });
      for (const d of main.querySelectorAll('details')) d.open = true;
      return globalThis.__tinytorchApps[0].views.map((v) => v.name);
    });
    assert.deepEqual(mounted, NAMES);
    const all = {};
    for (const w of [360, 760]) all[w] = await measureAt(page, w, 'document');
    assertNoProblems(all);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
  }
});
