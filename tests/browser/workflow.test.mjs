// workflow.test.mjs: issue 12's walk in Chromium, on 連江縣's demo tree for one year no other suite
// uses: the school files; 教育處 returns it with a comment the school sees on its home page and
// form; filed again, 教育處 confirms it (第 1 版); the school asks for a correction, 教育處 reopens,
// the school changes its electricity and 教育處 confirms 第 2 版, whose diff the school reads;
// 連江縣政府 sees the school without buttons and confirms 教育處; the team confirms 連江縣政府,
// locks the year (the others as exceptions with reasons), publishes it, withdraws and unlocks.
// The school's two versions stay (they are immutable); the year is left unlocked and unpublished.
// axe-core checks each distinct page on the way (the home page's notice, the read-only form and
// its 申請更正, the versions, the team's pages).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, outboxDrained, sql, waitFor } from '../lib.mjs';
import { checkA11y, launch, newPage, shotPath } from './chromium.mjs';

const Y = 2017;
const ROC = Y - 1911;
let browser;
let z;

before(async () => {
  browser = await launch();
  z = sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];
  // The walk needs a year none of its agencies has filed (its versions could never be removed).
  const n = sql(`SELECT COUNT(*) FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ${z} AND r.year = ${Y}`)[0][0];
  assert.equal(n, '0', `連江縣 has no ${Y} reports before the walk`);
  sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw'
         WHERE county_id = ${z} AND contact_name IS NULL;
       UPDATE inventory_years SET is_open = 1, published_at = NULL, lock_id = NULL WHERE county_id = ${z} AND year = ${Y}`);
});

after(async () => {
  sql(`UPDATE inventory_years SET published_at = NULL, published_by = NULL, lock_id = NULL WHERE county_id = ${z} AND year = ${Y}`);
  await browser?.close();
});

async function login(browser, account) {
  const page = await newPage(browser);
  await page.goto(BASE + '/');
  const box = page.getByRole('complementary', { name: '系統登入' });
  await box.getByLabel('縣市', { exact: true }).selectOption({ label: '連江縣' });
  await box.getByLabel('帳號', { exact: true }).fill(account);
  await box.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
  await box.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(BASE + '/');
  return page;
}

// An agency files its own report of Y: 盤查範圍, 電力, the 已登錄完成 tick, 存檔.
async function file(page, kwh) {
  await page.goto(BASE + `/report/edit?year=${Y}`);
  await page.getByRole('textbox', { name: '盤查範圍', exact: true }).fill('本機關辦公廳舍');
  await page.getByRole('group', { name: '二、能資源耗用量' }).getByLabel('電力', { exact: true }).fill(kwh);
  await page.getByLabel('我已確認完整填報各欄位').check();
  await page.getByRole('button', { name: '存檔' }).click();
  await page.waitForURL(/saved=1/);
  assert.match(await page.locator('#report-status').textContent(), /已登錄完成/);
}

// The row of `name` on the viewer's 所屬機關填報確認 for Y (the page reached from the menu).
async function reviewRow(page, name) {
  await page.getByRole('link', { name: '所屬機關填報確認' }).first().click();
  await page.getByRole('link', { name: new RegExp(`民國 ${ROC} 年`) }).click();
  return page.getByRole('row', { name: new RegExp(name) });
}

async function confirm(page, name) {
  const row = await reviewRow(page, name);
  await row.getByRole('button', { name: '確認', exact: true }).click();
  await page.waitForURL(/done=confirm/);
}

test('school → 教育處 → 連江縣政府 → team: 退回, 確認, 申請更正, 第 2 版 and its diff, 年度鎖定, 公開', async () => {
  const school = await login(browser, '371036600X');
  const edu = await login(browser, '371030000A');
  const county = await login(browser, '371000000A');
  const team = await login(browser, 'TEAM');

  await file(school, '1000');

  // 退回 with a comment, seen by the school on its home page and its form until it saves again.
  let row = await reviewRow(edu, '連江縣中正國中小');
  await row.getByText('退回', { exact: true }).click();
  await row.getByLabel('退回原因（必填，500 字以內）').fill('電費單金額與度數不符 請再核對');
  await row.getByRole('button', { name: '送出退回' }).click();
  await edu.waitForURL(/done=return/);
  await school.goto(BASE + '/');
  assert.match(await school.locator('#returned-title').locator('..').textContent(), /電費單金額與度數不符 請再核對/);
  await checkA11y(school, 'the home page with the 退回 notice');
  await school.goto(BASE + `/report/edit?year=${Y}`);
  assert.equal(await school.locator('#return-comment').textContent(), '電費單金額與度數不符 請再核對');
  assert.match(await school.locator('#report-status').textContent(), /登錄中（退回）/);
  await checkA11y(school, 'the report form with the 退回 comment');
  await file(school, '1200');
  assert.equal(await school.locator('#returned').count(), 0, 'the notice is gone once saved');

  // 確認: 第 1 版; the form is read-only, and 申請更正 is the way back.
  await confirm(edu, '連江縣中正國中小');
  assert.match(await edu.getByRole('row', { name: /連江縣中正國中小/ }).textContent(), /已確認 第 1 版/);
  await school.goto(BASE + `/report/edit?year=${Y}`);
  assert.match(await school.locator('#report-status').textContent(), /已確認/);
  assert.equal(await school.getByRole('button', { name: '存檔' }).count(), 0, 'no save button on a confirmed report');
  await checkA11y(school, 'the confirmed report, read-only, with 申請更正');
  await school.getByLabel('更正原因').fill('電力度數應為 1500 度');
  await school.getByRole('button', { name: '申請更正' }).click();
  await school.waitForURL(/\/report/);
  assert.match(await school.locator('#correction-reason').textContent(), /電力度數應為 1500 度/);
  await checkA11y(school, 'the report after 申請更正');

  // 教育處 sees the request and reopens; the school corrects and 教育處 confirms 第 2 版.
  row = await reviewRow(edu, '連江縣中正國中小');
  assert.match(await row.textContent(), /申請更正/);
  await checkA11y(edu, '所屬機關填報確認 with a 申請更正');
  await row.getByText('重新開放', { exact: true }).click();
  await row.getByLabel('重新開放原因（必填，500 字以內）').fill('同意更正電力度數');
  await row.getByRole('button', { name: '送出重新開放' }).click();
  await edu.waitForURL(/done=reopen/);
  await file(school, '1500');
  await confirm(edu, '連江縣中正國中小');
  assert.match(await edu.getByRole('row', { name: /連江縣中正國中小/ }).textContent(), /已確認 第 2 版/);

  await school.goto(BASE + `/report/edit?year=${Y}`);
  await school.getByRole('link', { name: '與第 1 版比較' }).click();
  assert.match(await school.getByRole('heading', { name: /第 1 版 → 第 2 版 的差異/ }).textContent(), /第 1 版 → 第 2 版/);
  const diff = await school.locator('#diff').textContent();
  assert.match(diff, /1,200\.000/, 'version 1: 1200 kWh');
  assert.match(diff, /1,500\.000/, 'version 2: 1500 kWh');
  assert.match(diff, /664\.800831\.000\+166\.200/, '1200 and 1500 kWh at the 2017 factor 0.554, and the difference');
  assert.match(await school.locator('#version-2').textContent(), /同意更正電力度數/, 'why it was reopened before 第 2 版');
  await school.screenshot({ path: shotPath('workflow-diff.png'), fullPage: true });
  await checkA11y(school, 'the versions and their diff');

  // 教育處 files its own; 連江縣政府 sees the school under it without buttons, and confirms 教育處.
  await file(edu, '3000');
  row = await reviewRow(county, '連江縣政府教育處');
  await row.getByRole('link', { name: '所屬機關列表' }).click();
  const schoolRow = county.getByRole('row', { name: /連江縣中正國中小/ });
  assert.match(await schoolRow.textContent(), /已確認 第 2 版/);
  assert.equal(await schoolRow.getByRole('button').count(), 0, 'a grandparent sees, never acts');
  await checkA11y(county, '所屬機關填報確認, a grandparent\'s view');
  await confirm(county, '連江縣政府教育處');

  // 連江縣政府 files; the team confirms it (a 一級 agency), locks the year and publishes it.
  await file(county, '5000');
  await confirm(team, '連江縣政府');
  assert.match(await team.getByRole('row', { name: /連江縣政府/ }).first().textContent(), /已確認 第 1 版/);
  await checkA11y(team, 'the team\'s 所屬機關填報確認');
  await outboxDrained();   // the confirmations' totals: a year with totals still pending is not locked

  await team.goto(BASE + `/team/years/lock?year=${Y}`);
  const reasons = await team.getByRole('textbox', { name: /的例外理由$/ }).all();
  const listed = sql(`SELECT COUNT(*) FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ${Y}
    WHERE a.county_id = ${z} AND a.active = 1 AND r.confirmed_version IS NULL`)[0][0];
  assert.equal(String(reasons.length), listed, 'every agency not 已確認 is listed for a reason');
  await checkA11y(team, '年度鎖定 with its exceptions');
  for (const r of reasons) await r.fill('本年度未申報（示範）');
  await team.getByRole('button', { name: '鎖定本年度' }).click();
  await team.waitForURL(/locked=1/);

  await school.goto(BASE + `/report/edit?year=${Y}`);
  assert.equal(await school.getByRole('button', { name: '申請更正' }).count(), 0, 'a locked year takes no 申請更正');

  await team.getByRole('link', { name: '盤查清冊' }).click();
  await team.getByRole('link', { name: new RegExp(`民國 ${ROC} 年`) }).click();
  await checkA11y(team, '盤查清冊, locked');
  await team.getByRole('button', { name: '公開' }).click();
  await team.waitForURL(/published=1/);
  await waitFor('published', () => sql(`SELECT published_at IS NOT NULL FROM inventory_years WHERE county_id = ${z} AND year = ${Y}`)[0][0] === '1');
  await team.getByRole('button', { name: '撤回公開' }).click();
  await team.waitForURL(/withdrawn=1/);
  await team.goto(BASE + `/team/years/lock?year=${Y}`);
  await team.getByRole('textbox', { name: /解除鎖定的理由/ }).fill('示範結束');
  await team.getByRole('button', { name: '解除鎖定' }).click();
  await team.waitForURL(/unlocked=1/);

  for (const p of [school, edu, county, team]) assert.deepEqual(p.problems, []);
});
