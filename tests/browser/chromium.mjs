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

// DESIGN: axe-core is put into the page by page.evaluate of axe.min.js's text, not by
// addScriptTag or the context option bypassCSP: the pages' Content-Security-Policy stays in
// force (a violation still shows in page.problems), and a script evaluated through the
// DevTools protocol is not subject to it. axe-core itself needs no eval.
const AXE = fs.readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// The violations of `page` as it is now, one readable block each: rule, impact, what it
// means, and for each element its selector and the start of its HTML. `exclude` lists CSS
// selectors of elements that are a rule's false positive (say why beside the call).
export async function a11yViolations(page, exclude = []) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const v = await page.evaluate(async ([tags, exclude]) => {
    const r = await window.axe.run({ include: [document], exclude: exclude.map((s) => [s]) },
      { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((x) => ({ id: x.id, impact: x.impact, help: x.help,
      nodes: x.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160), why: n.failureSummary })) }));
  }, [WCAG, exclude]);
  return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n`
    + x.nodes.map((n) => `    ${n.target}  ${n.html}\n      ${(n.why || '').replace(/\n\s*/g, ' ')}`).join('\n'));
}

// Fails the test when axe-core finds a WCAG 2.0/2.1 A or AA violation on the page as it is
// now; `label` names the page in the message, with its URL.
export async function checkA11y(page, label, exclude = []) {
  const found = await a11yViolations(page, exclude);
  if (found.length)
    throw new Error(`axe-core: ${found.length} accessibility violation(s) on ${label} (${page.url()}):\n  ${found.join('\n  ')}`);
}
