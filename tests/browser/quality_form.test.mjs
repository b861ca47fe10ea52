// quality_form.test.mjs: issue 13 in Chromium — a clerk opens 數據品質與不確定性 beside two filled
// quantities, sets A1–A3 and an activity-data interval on each (with the note a changed A needs),
// saves, and sees the grade and the combined uncertainty, which equal those computed here from the
// stored lines (the official form's rounding: shares to 4 decimals, products to 2; per gas
// √(AD² + EF²) to thousandths of a percent, combined √Σ(E·U)² / ΣE); the read-only view shows the
// same; axe-core finds no WCAG 2.1 A/AA violation with the blocks open.
import fs from 'node:fs';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ROOT, sql } from '../lib.mjs';
import { launch, newPage, shotPath } from './chromium.mjs';

const Y = 2019;                // a year no other suite writes for 連江縣中正國民中小學
const CODE = '371036600X';
const AXE_FILE = `${ROOT}/tests/node_modules/axe-core/axe.min.js`;
let browser, contact;
before(async () => {
  browser = await launch();
  contact = sql(`SELECT IFNULL(contact_name, ''), IFNULL(contact_phone, ''), IFNULL(contact_email, '') FROM agencies WHERE code = '${CODE}'`)[0];
  sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-22381', contact_email = 'x@example.gov.tw' WHERE code = '${CODE}'`);
  sql(`DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${CODE}' AND r.year = ${Y}`);
});
after(async () => {
  await browser?.close();
  const v = (s) => (s === '' ? 'NULL' : `'${s}'`);
  sql(`DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${CODE}' AND r.year = ${Y}`);
  sql(`UPDATE agencies SET contact_name = ${v(contact[0])}, contact_phone = ${v(contact[1])}, contact_email = ${v(contact[2])} WHERE code = '${CODE}'`);
});

const rid = `(SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${CODE}' AND r.year = ${Y})`;
// Excel's ROUND (half away from zero) on non-negative numbers, exactly enough for these magnitudes.
const round = (x, d) => Math.round(x * 10 ** d + 1e-9) / 10 ** d;

/* The grade and uncertainty of the stored own lines, computed here. */
function expected() {
  const lines = sql(`SELECT kg_milli, a1 * a2 * a3 FROM report_lines WHERE report_id = ${rid} AND part = 'own'`).map(([e, l]) => [Number(e), Number(l)]);
  const total = lines.reduce((s, [e]) => s + Math.abs(e), 0);
  const grade = lines.reduce((s, [e, l]) => s + round(round(Math.abs(e) / total, 4) * l, 2), 0);
  const gases = sql(`SELECT g.kg_milli, IFNULL(g.ef_lower_milli, -1), IFNULL(g.ef_upper_milli, -1), IFNULL(l.ad_lower_milli, -1), IFNULL(l.ad_upper_milli, -1)
    FROM report_line_gases g JOIN report_lines l USING (report_id, part, item, seq) WHERE g.report_id = ${rid} AND g.part = 'own'`).map((r) => r.map(Number));
  let sqLo = 0, sqHi = 0, eAss = 0, all = 0;
  for (const [e, efl, efu, adl, adu] of gases) {
    all += Math.abs(e);
    if (efl < 0 || adl < 0) continue;
    const ul = round(Math.hypot(adl / 1000, efl / 1000), 3), uu = round(Math.hypot(adu / 1000, efu / 1000), 3);
    sqLo += (e / 1000 * ul) ** 2;
    sqHi += (e / 1000 * uu) ** 2;
    eAss += e / 1000;
  }
  const lo = round(Math.sqrt(sqLo) / eAss, 3), hi = round(Math.sqrt(sqHi) / eAss, 3);
  return {
    grade: `${grade.toFixed(2)} ${grade < 10 ? '第一級' : grade < 19 ? '第二級' : '第三級'}`,
    unc: lo === hi ? `±${lo.toFixed(3)} %` : `−${lo.toFixed(3)} % / +${hi.toFixed(3)} %`,
    assessed: `${(round(eAss * 1000 / all, 4) * 100).toFixed(2)} %`,
  };
}

async function axeClean(page, label) {
  if (!fs.existsSync(AXE_FILE)) {
    // tests/package.json gains axe-core with the accessibility work; until then: npm install --no-save axe-core
    assert.fail(`axe-core is not installed (${AXE_FILE})`);
  }
  await page.evaluate(fs.readFileSync(AXE_FILE, 'utf8'));
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  assert.deepEqual(found, [], `axe-core on ${label}`);
}

test('a clerk sets A1–A3 and an uncertainty on two lines, saves, and sees the grade and the interval', async () => {
  const page = await newPage(browser);
  await page.goto(BASE + '/');
  const login = page.getByRole('complementary', { name: '系統登入' });
  await login.getByLabel('縣市', { exact: true }).selectOption({ label: '連江縣' });
  await login.getByLabel('帳號', { exact: true }).fill(CODE);
  await login.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
  await login.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(BASE + '/');
  await page.goto(`${BASE}/report/edit?year=${Y}`);
  await page.getByRole('textbox', { name: '盤查範圍', exact: true }).fill('校舍');
  const own = page.getByRole('group', { name: '二、能資源耗用量' });
  await own.getByLabel('電力', { exact: true }).fill('10000');
  await own.getByLabel('汽油', { exact: true }).fill('100');
  await page.getByRole('button', { name: '計算' }).click();
  const before = await page.locator('#dq-grade').textContent();
  assert.match(before, /第一級/, 'the defaults give a grade at once');
  assert.equal(await page.locator('#dq-uncertainty').textContent(), '±7.159 %', 'electricity alone is assessed with its defaults');

  // 電力: continuous measurement (A1 1), meter class 2 (±2 %).
  const elec = page.locator('#dq-own_electricity');
  await elec.locator('summary').click();
  await elec.getByLabel('A1 活動數據種類').selectOption('1');
  await elec.getByLabel('數據可信度資訊說明').fill('智慧電表連續量測');
  await elec.getByLabel('保存單位').fill('總務處');
  await elec.getByLabel('活動數據不確定性下限（95 %）').fill('2');
  await elec.getByLabel('活動數據不確定性上限（95 %）').fill('2');
  await elec.getByLabel(/不確定性依據/).fill('電表精度 2.0 級');
  // 汽油: fuel-card statements checked by the accountant (A2 1) without a note first: refused beside the field.
  const gas = page.locator('#dq-own_vehicle_gasoline');
  await gas.locator('summary').click();
  await gas.getByLabel('A2 活動數據可信度').selectOption('1');
  await gas.getByLabel('活動數據不確定性下限（95 %）').fill('2.5');
  await gas.getByLabel('活動數據不確定性上限（95 %）').fill('3');
  await gas.getByLabel(/不確定性依據/).fill('加油卡對帳單 108-0042');
  await page.getByRole('button', { name: '存檔' }).click();
  const msg = page.locator('#e-own_vehicle_gasoline_dq_note');
  assert.match(await msg.textContent(), /數據可信度資訊說明/, 'the note a changed A needs, beside its field');
  assert.equal(sql(`SELECT COUNT(*) FROM reports WHERE id = ${rid}`)[0][0], '0', 'nothing saved');
  assert.equal(await gas.getByLabel('活動數據不確定性上限（95 %）').inputValue(), '3', 'what was typed comes back');
  await gas.getByLabel('數據可信度資訊說明').fill('會計室逐筆核對加油卡對帳單');
  await page.getByRole('button', { name: '存檔' }).click();
  await page.waitForURL(/saved=1/);

  const want = expected();
  assert.equal(await page.locator('#dq-grade').textContent(), want.grade, 'the grade equals the form\'s formula on the stored lines');
  assert.notEqual(want.grade, before, 'and it moved');
  assert.equal(await page.locator('#dq-uncertainty').textContent(), want.unc);
  assert.equal(await page.locator('#dq-assessed').textContent(), want.assessed);
  assert.match(want.unc, /^−\d+\.\d{3} % \/ \+\d+\.\d{3} %$/, 'gasoline\'s uneven interval makes the bounds differ');
  assert.match(await page.locator('#dq-line-own_electricity').textContent(), /CO₂ ±7\.280 %/, '√(2² + 7²) = 7.280');
  assert.deepEqual(sql(`SELECT item, a1, a2, a3, ad_lower_milli FROM report_lines WHERE report_id = ${rid} ORDER BY item`),
    [['electricity', '1', '1', '3', '2000'], ['vehicle_gasoline', '2', '1', '3', '2500']]);
  assert.ok(await page.locator('#dq-own_electricity').evaluate((d) => d.open), 'a customised block stays open');
  await page.screenshot({ path: shotPath('quality-form.png'), fullPage: true });
  await axeClean(page, 'the form with its quality blocks open');

  await page.goto(`${BASE}/report/view?year=${Y}`);
  assert.equal(await page.locator('#dq-grade').textContent(), want.grade, 'the read-only view: the same grade');
  assert.equal(await page.locator('#dq-uncertainty').textContent(), want.unc, 'and interval');
  assert.ok(await page.locator('#f-own_electricity_a1').isDisabled(), 'its selects are read-only');
  await axeClean(page, 'the read-only view');
  assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [], 'no console errors or failed requests (but the refused save\'s 400)');
  assert.equal(page.problems.length, 1, 'the refused save was the one 400');
});
