// home.test.mjs: the home page in headless Chromium: the menu, the login box, no
// console errors (CSP would report there), no axe-core violation (WCAG 2.1 A/AA), and a
// screenshot kept in the test directory.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BASE } from '../lib.mjs';
import { checkA11y, launch, newPage, shotPath } from './chromium.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the home page shows the menu and the 系統登入 box', async () => {
  const page = await newPage(browser);
  const res = await page.goto(BASE + '/');
  assert.equal(res.status(), 200);
  assert.match(await page.title(), /城市層級溫室氣體盤查平台/);

  const menu = page.getByRole('navigation', { name: '主選單' });
  for (const label of ['首頁', '國際資訊', '專用名詞', '案例分享', '資訊下載', '常見問題', '公開資訊']) {
    assert.ok(await menu.getByRole('link', { name: label, exact: true }).isVisible(), label);
  }

  const login = page.getByRole('complementary', { name: '系統登入' });
  assert.ok(await login.isVisible(), 'login box visible');
  const county = login.getByLabel('縣市');
  assert.equal(await county.locator('option').count(), 23, '請選擇 and 22 counties');
  await county.selectOption({ label: '連江縣' });
  assert.equal(await county.inputValue(), 'Z');
  await login.getByLabel('帳號').fill('371036500X');
  await login.getByLabel('密碼').fill('secret');
  assert.equal(await login.getByLabel('密碼').getAttribute('type'), 'password');
  assert.ok(await login.getByRole('button', { name: '登入' }).isVisible());
  await checkA11y(page, 'the home page');

  // The stylesheet applied (served by nginx, allowed by the CSP).
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.match(font, /Noto Sans TC|PingFang|JhengHei|sans-serif/);

  const file = shotPath('home.png');
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(fs.statSync(file).size > 10000, 'screenshot saved');
  assert.deepEqual(page.problems, [], 'no console errors or failed requests');
});

test('the menu links lead to their pages', async () => {
  const page = await newPage(browser);
  await page.goto(BASE + '/');
  await page.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '常見問題' }).click();
  await page.waitForURL(BASE + '/faq');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '常見問題');
  assert.equal(await page.locator('nav.menu a[aria-current="page"]').textContent(), '常見問題');
  await page.screenshot({ path: shotPath('faq-mobile.png'), fullPage: true });
  await checkA11y(page, '常見問題');
  for (const p of ['/intl', '/glossary', '/cases', '/downloads', '/public']) {
    await page.goto(BASE + p);
    await checkA11y(page, `the public page ${p}`);
  }
  assert.deepEqual(page.problems, []);
});

test('a failed login shows its message in the box, and the page stays accessible', async () => {
  const page = await newPage(browser);
  await page.goto(BASE + '/');
  const login = page.getByRole('complementary', { name: '系統登入' });
  await login.getByLabel('縣市', { exact: true }).selectOption({ label: '連江縣' });
  await login.getByLabel('帳號', { exact: true }).fill('371036500X');
  await login.getByLabel('密碼', { exact: true }).fill('not-the-password');
  await login.getByRole('button', { name: '登入' }).click();
  assert.ok(await login.getByRole('alert').isVisible(), 'the message');
  assert.equal(await login.getByLabel('帳號', { exact: true }).inputValue(), '371036500X', 'the account comes back');
  await checkA11y(page, 'the home page after a failed login');
});
