// home.test.mjs: the home page in headless Chromium: the menu, the login box, no
// console errors (CSP would report there), and a screenshot kept in the test directory.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BASE } from '../lib.mjs';
import { launch, newPage, shotPath } from './chromium.mjs';

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
  assert.deepEqual(page.problems, []);
});
