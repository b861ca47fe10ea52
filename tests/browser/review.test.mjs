// review.test.mjs: 所屬機關填報確認 in Chromium: from 一級 down to 三級 by 所屬機關列表 and back up by
// the breadcrumb, with the totals the worker computed; and a parent's 確認, 退回 (the comment is
// required), 全部確認 and 重新開放 with the buttons, on agencies of the test's own (codes RB<n>…, in
// 連江縣 2013, deactivated at the end: confirmed reports cannot be deleted).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, csrfOf, Client, outboxDrained, sql, waitFor } from '../lib.mjs';
import { checkA11y, launch, newPage, shotPath } from './chromium.mjs';

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
  await outboxDrained(30000);
});
after(async () => { await browser?.close(); });

const Y = 2013;
const TAG = `RB${Date.now() % 1000000}`;
const Z = () => sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];

// A parent (二級, under the demo 連江縣政府) with three children whose reports are 已登錄完成.
function makeFamily() {
  const z = Z();
  const hall = sql(`SELECT id FROM agencies WHERE county_id = ${z} AND code = '371000000A'`)[0][0];
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (${z}, '${TAG}P', '瀏覽器測試處${TAG}', 2, ${hall})`);
  const p = sql(`SELECT id FROM agencies WHERE county_id = ${z} AND code = '${TAG}P'`)[0][0];
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES
         (${z}, '${TAG}A', '瀏覽器測試甲校', 3, ${p}), (${z}, '${TAG}B', '瀏覽器測試乙校', 3, ${p}), (${z}, '${TAG}C', '瀏覽器測試丙校', 3, ${p});
       INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
         SELECT 'agency', ${z}, id, code, (SELECT password_hash FROM accounts WHERE kind = 'team' AND county_id = ${z}), 0
         FROM agencies WHERE county_id = ${z} AND code = '${TAG}P';
       INSERT INTO reports (agency_id, year, revision, filed, filed_at)
         SELECT id, ${Y}, 2, 1, NOW() FROM agencies WHERE county_id = ${z} AND parent_id = ${p}`);
}

function dropFamily() {
  const z = Z();
  const mine = `SELECT id FROM agencies WHERE county_id = ${z} AND code LIKE '${TAG}%'`;
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id IN (${mine}));
       UPDATE accounts SET active = 0 WHERE agency_id IN (${mine});
       UPDATE agencies SET active = 0 WHERE county_id = ${z} AND code LIKE '${TAG}%';
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${z}, ${Y}, NULL, NOW(3))`);
}

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
  await checkA11y(page, '所屬機關填報確認 (the years)');
  await page.getByRole('link', { name: /民國 111 年/ }).click();
  await checkA11y(page, '所屬機關填報確認, 一級');
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /政府1級機關：連江縣政府 之所屬機關/);
  const edu = page.getByRole('row', { name: /連江縣政府教育處/ });
  assert.match(await edu.textContent(), /990\.000/, '2000 kWh x 0.495 (the 2022 factor) rolled up to the 二級 parent');
  await edu.getByRole('link', { name: '所屬機關列表' }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /政府2級機關：連江縣政府教育處/);
  const school = page.getByRole('row', { name: /連江縣中正國中小/ });
  assert.match(await school.textContent(), /登錄中/);
  await checkA11y(page, '所屬機關填報確認, 二級');
  await school.getByRole('link', { name: '檢視' }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /連江縣中正國中小/);
  assert.equal(await page.locator('#total-own').textContent(), '990.000');
  await checkA11y(page, 'a child\'s report, read-only (檢視)');
  await page.goBack();
  await page.screenshot({ path: shotPath('review-level2.png'), fullPage: true });
  await page.getByRole('navigation', { name: '機關層級' }).getByRole('link', { name: '連江縣政府', exact: true }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /政府1級機關：連江縣政府/);
  assert.deepEqual(page.problems, []);
});

test('a parent confirms, returns with a comment, confirms the rest at once and reopens, with the buttons', async () => {
  makeFamily();
  try {
    const page = await newPage(browser);
    await page.goto(BASE + '/');
    const login = page.getByRole('complementary', { name: '系統登入' });
    await login.getByLabel('縣市', { exact: true }).selectOption({ label: '連江縣' });
    await login.getByLabel('帳號', { exact: true }).fill(`${TAG}P`);
    await login.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
    await login.getByRole('button', { name: '登入' }).click();
    await page.waitForURL(BASE + '/');
    await page.getByRole('link', { name: '所屬機關填報確認' }).click();
    await page.getByRole('link', { name: /民國 102 年/ }).click();
    assert.equal(await page.locator('#n-s2').textContent(), '3', 'three 已登錄完成');
    await checkA11y(page, '所屬機關填報確認 with buttons');

    const a = page.getByRole('row', { name: /瀏覽器測試甲校/ });
    await a.getByRole('button', { name: '確認', exact: true }).click();
    await page.waitForURL(/done=confirm/);
    assert.match(await page.locator('.flash.ok').textContent(), /已確認「瀏覽器測試甲校」的填報資料。/);
    assert.match(await page.getByRole('row', { name: /瀏覽器測試甲校/ }).textContent(), /已確認 第 1 版/);
    await checkA11y(page, '所屬機關填報確認 after 確認');

    const b = page.getByRole('row', { name: /瀏覽器測試乙校/ });
    await b.getByText('退回', { exact: true }).click();
    const comment = b.getByLabel('退回原因（必填，500 字以內）');
    await b.getByRole('button', { name: '送出退回' }).click();
    assert.equal(await comment.evaluate((el) => el.validity.valueMissing), true, 'an empty comment is not sent');
    assert.doesNotMatch(page.url(), /done=return/, 'not sent');
    await checkA11y(page, '所屬機關填報確認 with the 退回 box open');
    await comment.fill('用電量與帳單不符 請再確認');
    await b.getByRole('button', { name: '送出退回' }).click();
    await page.waitForURL(/done=return/);
    const returned = await page.getByRole('row', { name: /瀏覽器測試乙校/ }).textContent();
    assert.match(returned, /登錄中（退回）退回原因：用電量與帳單不符 請再確認/);

    await page.getByRole('button', { name: '全部確認（本頁 1 個已登錄完成的機關）' }).click();
    assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /全部確認：民國 102 年/);
    assert.match(await page.locator('ul.bulk-done').textContent(), /瀏覽器測試丙校（第 1 版）/);
    await checkA11y(page, '全部確認');
    await page.getByRole('link', { name: '回所屬機關填報確認' }).click();
    assert.deepEqual(await Promise.all(['n-s1', 'n-ret', 'n-s2', 'n-s3'].map((i) => page.locator(`#${i}`).textContent())), ['1', '1', '0', '2']);

    const again = page.getByRole('row', { name: /瀏覽器測試甲校/ });
    await again.getByText('重新開放', { exact: true }).click();
    await again.getByLabel('重新開放原因（必填，500 字以內）').fill('機關申請更正');
    await again.getByRole('button', { name: '送出重新開放' }).click();
    await page.waitForURL(/done=reopen/);
    assert.match(await page.getByRole('row', { name: /瀏覽器測試甲校/ }).textContent(), /登錄中/);
    await checkA11y(page, '所屬機關填報確認 after 重新開放');
    await page.screenshot({ path: shotPath('review-confirm.png'), fullPage: true });
    assert.deepEqual(page.problems, []);
  } finally {
    dropFamily();
  }
});
