// Helpers of the browser tests that drive the Build step the way a student
// does (tests/browser/build-view.test.js, build-init.test.js): open the
// editor, put a module in it, press Check, read the results.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.js';

/** A file of the repository as text (a student module: examples/build/; the mistakes come from tests/fixtures/build/mistakes.mjs). */
export const fixture = (name) => readFileSync(join(repoRoot, name), 'utf8');

/** Scroll Build into view and wait for CodeMirror to replace the textarea. */
export async function openEditor(page) {
  await page.locator('.tt-view-build').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('.tt-view-build')?.dataset.editor === 'codemirror', null, { timeout: 15000 });
}

/** Put `text` in the Build editor and press Check; resolves when the results are in, to their summary and items. */
export async function checkInPage(page, text, timeout = 60000) {
  await openEditor(page);
  await page.evaluate((t) => document.querySelector('[data-testid="build-cm"]').ttEditor.setText(t), text);
  await page.click('[data-testid="build-check"]');
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('.tt-build-results-box')?.dataset.state), null, { timeout });
  return page.evaluate(() => ({
    summary: document.querySelector('[data-testid="build-summary"]').textContent,
    items: [...document.querySelectorAll('[data-testid="build-result"]')].map((li) => ({
      id: li.dataset.id, status: li.dataset.status, text: li.textContent,
      hint: li.querySelector('[data-testid="build-hint"]') ? { text: li.querySelector('[data-testid="build-hint"]').textContent, visible: li.querySelector('[data-testid="build-hint"]').checkVisibility() } : null,
      mistake: li.querySelector('[data-testid="build-mistake"]')?.dataset.mistake ?? null,
    })),
  }));
}
