// Firefox for the browser tests: Debian's firefox-esr driven by npm
// puppeteer-core over WebDriver BiDi (never a downloaded browser;
// Playwright's own Firefox driver needs a patched build, which Debian does
// not ship). FIREFOX_PATH overrides the binary.
import { existsSync } from 'node:fs';
import { before, after } from 'node:test';
import puppeteer from 'puppeteer-core';
import { settle, startSite } from './harness.js';

export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Launch Firefox headless over WebDriver BiDi. */
export function launchFirefox() {
  if (!existsSync(firefoxPath)) throw new Error(`${firefoxPath} is missing: run scripts/setup.sh (Debian's firefox-esr)`);
  return puppeteer.launch({ browser: 'firefox', executablePath: firefoxPath, headless: true });
}

/**
 * A new page in a fresh browser context (its own cookies and storage) at
 * `width` x `height`, recording console errors and uncaught page errors in
 * `errors`. Resolves to { page, context, errors }; close the context.
 */
export async function newFirefoxPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message ?? err}`));
  await page.setViewport({ width, height });
  return { page, context, errors };
}

/** Open `url` in a fresh context (newFirefoxPage) and wait until the page's app has rendered every view. */
export async function openFirefoxApp(browser, url, size) {
  const opened = await newFirefoxPage(browser, size);
  await opened.page.goto(url);
  await opened.page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, { timeout: 20000 });
  await settle(opened.page); // the views below the fold too (web/lazy-views.js)
  return opened;
}

/**
 * The Firefox twin of harness.js's chromiumSite: before this file's tests,
 * dist/site served (startSite(file) checks the build made `file`) and
 * Firefox launched; after them, both closed. Returns the session, whose
 * fields are set once the before hook has run: { browser, server, base,
 * open(url, size) (openFirefoxApp) }.
 */
export function firefoxSite({ file = 'index.html' } = {}) {
  const session = { browser: null, server: null, base: '' };
  session.open = (url, size) => openFirefoxApp(session.browser, url, size);
  before(async () => {
    session.server = await startSite(file);
    session.base = session.server.url;
    session.browser = await launchFirefox();
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}
