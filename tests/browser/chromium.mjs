// chromium.mjs: Debian's Chromium driven by playwright-core (never a downloaded browser).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { TMP } from '../lib.mjs';

export async function launch() {
  // playwright-core makes a fresh, empty profile directory for each launch.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic'],
    timeout: 60000,
  });
  return browser;
}

// A page that records console errors (a CSP violation shows up there) and failed requests.
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-TW' });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(m.text()); });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  page.on('requestfailed', (r) => page.problems.push(`failed: ${r.url()}`));
  return page;
}

export function shotPath(name) {
  const dir = path.join(TMP, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
