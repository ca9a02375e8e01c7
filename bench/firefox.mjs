// bench/firefox.mjs — Debian's Firefox ESR for bench/page.mjs: headless,
// through npm puppeteer-core over WebDriver BiDi, never a downloaded
// browser (FIREFOX_PATH overrides /usr/bin/firefox-esr).
import puppeteer from 'puppeteer-core';

export function launchFirefox() {
  return puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', headless: true });
}
