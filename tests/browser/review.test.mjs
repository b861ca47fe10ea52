// review.test.mjs: 所屬機關填報確認 in Chromium: from 一級 down to 三級 by 所屬機關列表 and back up by
// the breadcrumb, with the totals the worker computed.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, csrfOf, Client, sql, waitFor } from '../lib.mjs';
import { launch, newPage, shotPath } from './chromium.mjs';

let browser;
before(async () => {
  browser = await launch();
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE county_id = 22");
  // A 三級 report to see at the bottom of the tree.
  const c = new Client();
  const home = await c.get('/');
  await c.post('/login', { csrf: csrfOf(home.text), county: 'Z', account: '371036600X', password: 'cityinv-demo' });
  const f = await c.get('/report/edit?year=2022');
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: '2022', revision, action: 'save', scope_text: '校舍', own_electricity: '2000' });
  assert.equal(r.status, 303);
  await waitFor('the totals', () => sql("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL")[0][0] === '0', 30000);
});
after(async () => { await browser?.close(); });

test('drill down from 一級 to 三級 and back', async () => {
  const page = await newPage(browser);
  await page.goto(BASE + '/');
  const login = page.getByRole('complementary', { name: '系統登入' });
  await login.getByLabel('縣市', { exact: true }).selectOption({ label: '連江縣' });
  await login.getByLabel('帳號', { exact: true }).fill('371000000A');
  await login.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
  await login.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(BASE + '/');
  await page.getByRole('link', { name: '所屬機關填報確認' }).click();
  await page.getByRole('link', { name: /民國 111 年/ }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /政府1級機關：連江縣政府 之所屬機關/);
  const edu = page.getByRole('row', { name: /連江縣政府教育處/ });
  assert.match(await edu.textContent(), /990\.000/, '2000 kWh x 0.495 (the 2022 factor) rolled up to the 二級 parent');
  await edu.getByRole('link', { name: '所屬機關列表' }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /政府2級機關：連江縣政府教育處/);
  const school = page.getByRole('row', { name: /連江縣中正國中小/ });
  assert.match(await school.textContent(), /登錄中/);
  await school.getByRole('link', { name: '檢視' }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /連江縣中正國中小/);
  assert.equal(await page.locator('#total-own').textContent(), '990.000');
  await page.goBack();
  await page.screenshot({ path: shotPath('review-level2.png'), fullPage: true });
  await page.getByRole('navigation', { name: '機關層級' }).getByRole('link', { name: '連江縣政府', exact: true }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /政府1級機關：連江縣政府/);
  assert.deepEqual(page.problems, []);
});
