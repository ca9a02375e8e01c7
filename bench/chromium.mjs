// bench/chromium.mjs — Debian's Chromium for bench/browser.mjs and
// bench/page.mjs: headless, through playwright-core, never a downloaded
// browser (CHROMIUM_PATH overrides /usr/bin/chromium).
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}
