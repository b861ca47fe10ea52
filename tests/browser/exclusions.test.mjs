// exclusions.test.mjs: issue 13 item 4 in Chromium — a clerk adds an excluded source with its reason and
// marks a line NE with its reason (first without it: refused beside the field, the input back), saves;
// the read-only view shows the exclusion and the NE with its text; then an extra refrigerant row (R22)
// marked NE the same way.  axe-core finds no WCAG 2.1 A/AA violation on the form with a mark open nor
// on the view.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, sql } from '../lib.mjs';
import { launch, newPage, shotPath, checkA11y } from './chromium.mjs';

const Y = 2019;                // the year of tests/http/exclusions.test.mjs, which cleans up after itself
const CODE = '371040000A';
const AG = `(SELECT id FROM agencies WHERE code = '${CODE}')`;
let browser, contact;
before(async () => {
  browser = await launch();
  contact = sql(`SELECT IFNULL(contact_name, ''), IFNULL(contact_phone, ''), IFNULL(contact_email, '') FROM agencies WHERE code = '${CODE}'`)[0];
  sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-22381', contact_email = 'x@example.gov.tw' WHERE code = '${CODE}'`);
  sql(`DELETE FROM reports WHERE agency_id = ${AG} AND year IN (${Y - 1}, ${Y})`);
});
after(async () => {
  await browser?.close();
  const v = (s) => (s === '' ? 'NULL' : `'${s}'`);
  sql(`DELETE FROM reports WHERE agency_id = ${AG} AND year IN (${Y - 1}, ${Y})`);
  sql(`UPDATE agencies SET contact_name = ${v(contact[0])}, contact_phone = ${v(contact[1])}, contact_email = ${v(contact[2])} WHERE code = '${CODE}'`);
});

async function signIn() {
  const page = await newPage(browser);
  await page.goto(BASE + '/');
  const login = page.getByRole('complementary', { name: '系統登入' });
  await login.getByLabel('縣市', { exact: true }).selectOption({ label: '連江縣' });
  await login.getByLabel('帳號', { exact: true }).fill(CODE);
  await login.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
  await login.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(BASE + '/');
  return page;
}

test('a clerk adds an exclusion and marks a line NE; the view shows both', async () => {
  const page = await signIn();
  await page.goto(`${BASE}/report/edit?year=${Y}`);
  await page.getByRole('textbox', { name: '盤查範圍', exact: true }).fill('辦公廳舍');
  const own = page.getByRole('group', { name: '二、能資源耗用量' });
  await own.getByLabel('電力', { exact: true }).fill('20000');
  const excl = page.getByRole('group', { name: '排除之排放源' });
  await excl.getByLabel('排除之排放源 1', { exact: true }).fill('宿舍瓦斯');
  await excl.getByLabel('排除原因 1', { exact: true }).fill('住宿者自付');
  const mark = page.locator('#mark-own_lpg');
  await mark.locator('summary').click();
  await mark.getByLabel('註記', { exact: true }).selectOption('NE');
  await page.getByRole('button', { name: '存檔' }).click();
  assert.match(await page.locator('#e-own_lpg_mark_text').textContent(), /請填寫未估算的原因/, 'the reason NE needs, beside its field');
  assert.equal(sql(`SELECT COUNT(*) FROM reports WHERE agency_id = ${AG} AND year = ${Y}`)[0][0], '0', 'nothing saved');
  assert.equal(await excl.getByLabel('排除原因 1', { exact: true }).inputValue(), '住宿者自付', 'what was typed comes back');
  assert.ok(await mark.evaluate((d) => d.open), 'the mark with its message is open');
  await checkA11y(page, 'the form with a mark open and its message');
  await mark.getByLabel('NE 的原因／IE 包含於何處').fill('瓦斯由房東代付、無帳單');
  await page.getByRole('button', { name: '存檔' }).click();
  await page.waitForURL(/saved=1/);
  assert.deepEqual(sql(`SELECT name, reason FROM report_exclusions e JOIN reports r ON r.id = e.report_id
      WHERE r.agency_id = ${AG} AND r.year = ${Y}`), [['宿舍瓦斯', '住宿者自付']]);

  await page.goto(`${BASE}/report/view?year=${Y}`);
  assert.equal(await page.locator('#excl-1').textContent(), '宿舍瓦斯住宿者自付', 'the view lists the exclusion');
  assert.equal(await page.locator('#mark-own_lpg').textContent(), 'NE 未估算，原因：瓦斯由房東代付、無帳單', 'and the NE with its reason');
  await page.screenshot({ path: shotPath('exclusions-view.png'), fullPage: true });
  await checkA11y(page, 'the read-only view with an exclusion and a mark');
  assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [], 'no console errors or failed requests (but the refused save\'s 400)');
});

test('a clerk marks an extra refrigerant row (R22) NE; the saved view shows it with its type', async () => {
  const page = await signIn();
  await page.goto(`${BASE}/report/edit?year=${Y}`);
  const own = page.getByRole('group', { name: '二、能資源耗用量' });
  await own.getByLabel('其他冷媒型號 1', { exact: true }).selectOption('R22');
  const mark = page.locator('#mark-own_ref_qty_1');
  assert.equal(await mark.evaluate((d) => d.open), false, 'closed until used');
  await mark.locator('summary').click();
  await mark.getByLabel('註記', { exact: true }).selectOption('NE');
  await page.getByRole('button', { name: '存檔' }).click();
  assert.match(await page.locator('#e-own_ref_qty_1_mark_text').textContent(), /請填寫未估算的原因/, 'the reason NE needs, beside its field');
  assert.equal(await own.getByLabel('其他冷媒型號 1', { exact: true }).inputValue(), 'R22', 'the type comes back');
  assert.ok(await mark.evaluate((d) => d.open), 'the mark with its message is open');
  await checkA11y(page, 'the form with an extra row\'s mark open and its message');
  await mark.getByLabel('NE 的原因／IE 包含於何處').fill('冰水主機停用、未查得補充紀錄');
  await page.getByRole('button', { name: '存檔' }).click();
  await page.waitForURL(/saved=1/);
  assert.deepEqual(sql(`SELECT i.refrigerant, IFNULL(i.quantity_milli, '-'), i.notation, i.notation_text FROM report_items i
      JOIN reports r ON r.id = i.report_id WHERE r.agency_id = ${AG} AND r.year = ${Y} AND i.item = 'refrigerant'`),
    [['R22', '-', 'NE', '冰水主機停用、未查得補充紀錄']]);
  assert.ok(await page.locator('#mark-own_ref_qty_1').evaluate((d) => d.open), 'the saved form shows the mark open');
  await checkA11y(page, 'the saved form with an extra row marked NE');

  await page.goto(`${BASE}/report/view?year=${Y}`);
  assert.equal(await page.locator('#f-own_ref_type_1 option:checked').textContent(), 'R22 (HCFC-22)', 'the view: the row\'s type');
  assert.equal(await page.locator('#mark-own_ref_qty_1').textContent(), 'NE 未估算，原因：冰水主機停用、未查得補充紀錄', 'and its NE with the reason');
  await page.screenshot({ path: shotPath('exclusions-extra-row-view.png'), fullPage: true });
  await checkA11y(page, 'the read-only view with an extra row marked NE');
  assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [], 'no console errors or failed requests (but the refused save\'s 400)');
});
