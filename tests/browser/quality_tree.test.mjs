// quality_tree.test.mjs: issue 13 up the tree in Chromium — a clerk of a school (連江縣介壽國中小)
// saves its form, then sets A1–A3 and an activity-data interval on two lines (the fields of
// 數據品質與不確定性, web/report_form.c) and saves again; its parent (連江縣政府教育處) opens
// 所屬機關填報確認 and sees the school's subtree grade change to the figure computed here from
// the stored lines, within 10 s (polled, bounded); axe-core finds no WCAG 2.1 A/AA violation.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, outboxDrained, sql, waitFor } from '../lib.mjs';
import { checkA11y, launch, newPage, shotPath } from './chromium.mjs';

const Y = 2022;                 // a year no other suite saves lines for in 連江縣 (Z)
const SCHOOL = '371036500X', PARENT = '371030000A';
const rid = `(SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${SCHOOL}' AND r.year = ${Y})`;
let browser, contacts;

before(async () => {
  browser = await launch();
  contacts = sql(`SELECT code, IFNULL(contact_name, ''), IFNULL(contact_phone, ''), IFNULL(contact_email, '') FROM agencies WHERE code IN ('${SCHOOL}', '${PARENT}')`);
  sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-22381', contact_email = 'x@example.gov.tw' WHERE code IN ('${SCHOOL}', '${PARENT}')`);
  sql(`UPDATE inventory_years SET is_open = 1 WHERE year = ${Y}`);
  sql(`DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${SCHOOL}' AND r.year = ${Y}`);
});
after(async () => {
  await browser?.close();
  const v = (s) => (s === '' ? 'NULL' : `'${s}'`);
  sql(`DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${SCHOOL}' AND r.year = ${Y}`);
  // A deleted report queues nothing: ask for the county-year's totals again, so the suites after this
  // one (browser/review.test reads 2022's rolled-up totals) find them as they were.
  sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT county_id, ${Y}, NULL, NOW(3) FROM agencies WHERE code = '${SCHOOL}'`);
  await outboxDrained();
  for (const [code, n, p, e] of contacts) sql(`UPDATE agencies SET contact_name = ${v(n)}, contact_phone = ${v(p)}, contact_email = ${v(e)} WHERE code = '${code}'`);
});

// Excel's ROUND (half away from zero) of n / d, integers.
const rdiv = (n, d) => (n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d)));

// The school's grade from its stored own lines (the form's formula), as "6.00 第一級".
function expectedGrade() {
  const lines = sql(`SELECT ABS(kg_milli), a1 * a2 * a3 FROM report_lines WHERE report_id = ${rid} AND part = 'own' AND a1 > 0`)
    .map(([e, lv]) => [BigInt(e), BigInt(lv)]);
  const total = lines.reduce((s, [e]) => s + e, 0n);
  const h = lines.reduce((s, [e, lv]) => s + rdiv(rdiv(e * 10000n, total) * lv, 100n), 0n);
  return `${h / 100n}.${String(h % 100n).padStart(2, '0')} ${h < 1000n ? '第一級' : h < 1900n ? '第二級' : '第三級'}`;
}


async function loginAs(page, account) {
  await page.goto(BASE + '/');
  const box = page.getByRole('complementary', { name: '系統登入' });
  await box.getByLabel('縣市', { exact: true }).selectOption({ label: '連江縣' });
  await box.getByLabel('帳號', { exact: true }).fill(account);
  await box.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
  await box.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(BASE + '/');
}

// The school's row on the parent's 所屬機關填報確認, reloaded until its grade cell reads `want`
// without 計算中: at most 10 s (bounded), then the cell as it was.
async function gradeWithin(page, want, ms = 10000) {
  const schoolId = sql(`SELECT id FROM agencies WHERE code = '${SCHOOL}'`)[0][0];
  const t0 = Date.now();
  let text = '';
  for (let i = 0; Date.now() - t0 < ms && i < 100; i++) {
    await page.goto(`${BASE}/review?year=${Y}`);
    text = (await page.locator(`tr[data-agency="${schoolId}"] td.grade`).textContent()).trim();
    if (text.includes(want) && !text.includes('計算中')) return { text, ms: Date.now() - t0 };
    await page.waitForTimeout(250);
  }
  return { text, ms: Date.now() - t0 };
}

test('a school\'s clerk sets A1–A3 and an uncertainty on two lines; its parent sees the subtree grade change', async () => {
  const clerk = await newPage(browser), parent = await newPage(browser);
  await loginAs(clerk, SCHOOL);
  await loginAs(parent, PARENT);

  // The first save, with the items' defaults.
  await clerk.goto(`${BASE}/report/edit?year=${Y}`);
  await clerk.getByRole('textbox', { name: '盤查範圍', exact: true }).fill('校舍');
  const own = clerk.getByRole('group', { name: '二、能資源耗用量' });
  await own.getByLabel('電力', { exact: true }).fill('20000');
  await own.getByLabel('汽油', { exact: true }).fill('400');
  await clerk.getByRole('button', { name: '存檔' }).click();
  await clerk.waitForURL(/saved=1/);
  const first = expectedGrade();

  // The parent opens 所屬機關填報確認 from its menu; the school's row shows the first grade.
  await parent.goto(BASE + '/');
  await parent.getByRole('link', { name: '所屬機關填報確認' }).first().click();
  const seen = await gradeWithin(parent, first);
  assert.ok(seen.text.includes(first), `the first grade ${first} on the parent's page: ${seen.text}`);

  // Electricity measured continuously (A1 1) on a class-1 meter; gasoline estimated (A1 3) from the
  // fuel cards (A2 2), each with its note and its interval.
  const elec = clerk.locator('#dq-own_electricity');
  await elec.locator('summary').click();
  await elec.getByLabel('A1 活動數據種類').selectOption('1');
  await elec.getByLabel('數據可信度資訊說明').fill('智慧電表連續量測');
  await elec.getByLabel('活動數據不確定性下限（95 %）').fill('1');
  await elec.getByLabel('活動數據不確定性上限（95 %）').fill('1');
  await elec.getByLabel(/不確定性依據/).fill('電表精度 1.0 級');
  const gas = clerk.locator('#dq-own_vehicle_gasoline');
  await gas.locator('summary').click();
  await gas.getByLabel('A1 活動數據種類').selectOption('3');
  await gas.getByLabel('A2 活動數據可信度').selectOption('2');
  await gas.getByLabel('數據可信度資訊說明').fill('以里程估算，總務處內部核對');
  await gas.getByLabel('活動數據不確定性下限（95 %）').fill('5');
  await gas.getByLabel('活動數據不確定性上限（95 %）').fill('5');
  await gas.getByLabel(/不確定性依據/).fill('加油卡對帳單 111-0007');
  await clerk.getByRole('button', { name: '存檔' }).click();
  await clerk.waitForURL(/saved=1/);
  assert.deepEqual(sql(`SELECT item, a1, a2, a3, ad_lower_milli FROM report_lines WHERE report_id = ${rid} AND part = 'own' ORDER BY item`),
    [['electricity', '1', '1', '3', '1000'], ['vehicle_gasoline', '3', '2', '3', '5000']], 'stored as typed');

  const second = expectedGrade();
  assert.notEqual(second, first, 'the new levels change the grade');
  const now = await gradeWithin(parent, second);
  assert.ok(now.text.includes(second), `the parent sees ${second} within 10 s: ${now.text}`);
  console.log(`# save -> the parent's page shows the new grade: ${now.ms} ms`);
  assert.match(await parent.locator(`tr[data-agency] td.uncertainty`).first().textContent(), /%|未評估|—/);
  await parent.screenshot({ path: shotPath('quality-tree-review.png'), fullPage: true });
  await checkA11y(parent, '所屬機關填報確認 with the grades');
  for (const p of [clerk, parent]) assert.deepEqual(p.problems, [], 'no console errors or failed requests');
});
