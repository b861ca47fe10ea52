// quality_form.test.mjs: issue 13 on the agency form — 數據品質與不確定性 beside each filled quantity
// (A1–A3 with the item's default, the note a changed A needs, the activity data's interval and its
// basis), saved into report_items (typed only) and report_lines (in force), each line's gases in
// report_line_gases adding up to its kg; bad values get their message beside the field, the input
// comes back and nothing changes; 計算 shows 範疇 (委外 範疇三), 類別, the gases, the grade and the
// uncertainty: electricity alone with its defaults (AD ±1.5 %, EF ±7.0 %) -> ±7.159 %.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, sql, loginAs as login } from '../lib.mjs';

const Y = 2021;               // a year no other suite writes for 連江縣中正國民中小學
const CODE = '371036600X';
const report = () => `(SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${CODE}' AND r.year = ${Y})`;
const contact = sql(`SELECT IFNULL(contact_name, ''), IFNULL(contact_phone, ''), IFNULL(contact_email, '') FROM agencies WHERE code = '${CODE}'`)[0];
sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-22381', contact_email = 'x@example.gov.tw' WHERE code = '${CODE}'`);
sql(`DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${CODE}' AND r.year = ${Y}`);
after(() => {
  const v = (s) => (s === '' ? 'NULL' : `'${s}'`);
  sql(`DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${CODE}' AND r.year = ${Y}`);
  sql(`UPDATE agencies SET contact_name = ${v(contact[0])}, contact_phone = ${v(contact[1])}, contact_email = ${v(contact[2])} WHERE code = '${CODE}'`);
});

async function form(c) {
  const r = await c.get(`/report/edit?year=${Y}`);
  return { page: r, csrf: csrfOf(r.text), revision: (r.text.match(/name="revision" value="(\d+)"/) || [])[1] };
}
const cell = (html, id) => (html.match(new RegExp(`id="${id}">([^<]*)<`)) || [])[1];
const row = (html, id) => [...(html.split(`id="${id}"`)[1] || '').split('</tr>')[0].matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);

test('計算 with the defaults: electricity alone (AD ±1.5 %, EF ±7.0 %) is ±7.159 % at 100 %, grade 6.00 第一級', async () => {
  assert.deepEqual(sql("SELECT a1, a2, a3, ad_lower_milli, ad_upper_milli FROM item_quality_defaults WHERE item = 'electricity'"),
    [['2', '1', '3', '1500', '1500']], 'the data: 台電 bills');
  const c = await login('Z', CODE);
  const f = await form(c);
  const r = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'calc', own_electricity: '10000' });
  assert.equal(r.status, 200);
  assert.equal(cell(r.text, 'dq-uncertainty'), '±7.159 %');
  assert.equal(cell(r.text, 'dq-assessed'), '100.00 %');
  assert.equal(cell(r.text, 'dq-grade'), '6.00 第一級', 'level 2 × 1 × 3 = 6 on the whole total');
  assert.match(r.text, /<tr id="dq-line-own_electricity">.*?類別二／範疇二.*?<td class="num">2<\/td><td class="num">1<\/td><td class="num">3<\/td><td class="num">6<\/td><td class="num">1<\/td><td>CO₂ ±7\.159 %<\/td>/s,
    'the line: 類別二, A1-A3 2/1/3, level 6, score 1, CO₂ ±7.159 %');
  assert.match(r.text, /<details class="dq" id="dq-own_electricity">/, 'the block beside the filled quantity (closed: nothing typed)');
  assert.match(r.text, /<option value="2" selected>2 定期量測或帳單／財務紀錄（預設）<\/option>/, 'A1 shows the default');
  assert.match(r.text, /name="own_electricity_ad_lower" type="text" value="1.5"/, 'the default interval shown');
  assert.doesNotMatch(r.text, /id="dq-own_natural_gas"/, 'no block beside an empty quantity');
  assert.equal(sql(`SELECT COUNT(*) FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${CODE}' AND r.year = ${Y}`)[0][0], '0',
    '計算 stored nothing');
});

test('委外 is 範疇三 (類別三 for 公務車 fuels, 類別四 else), beside the total; tables by 類別 and by gas add up', async () => {
  const c = await login('Z', CODE);
  const f = await form(c);
  const r = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'calc',
    own_electricity: '10000', own_vehicle_gasoline: '100', own_ref_R410a: '2', own_ext_co2: '5', outsourced_electricity: '1000', outsourced_vehicle_diesel: '300' });
  assert.equal(r.status, 200);
  const own = cell(r.text, 'total-own'), out = cell(r.text, 'total-outsourced');
  const m = (s) => Math.round(Number(s.replace(/,/g, '')) * 1000);
  const sub = row(r.text, 'sub-own').slice(3);
  assert.equal(sub[2], '0.000', 'own: no 範疇三');
  assert.equal(m(sub[0]) + m(sub[1]), m(own), 'own: 範疇一 + 範疇二 = its total');
  assert.deepEqual(row(r.text, 'sub-outsourced').slice(3), ['0.000', '0.000', out], 'outsourced: all 範疇三');
  assert.deepEqual(row(r.text, 'iso-own'), [sub[0], sub[1], '0.000', '0.000'], '類別一 = 範疇一, 類別二 = 範疇二');
  const iso = row(r.text, 'iso-outsourced');
  assert.equal(iso[0], '0.000');
  assert.equal(m(iso[2]) + m(iso[3]), m(out), '類別三 (diesel) + 類別四 (electricity) = the outsourced total');
  assert.match(r.text, /<td>委外<\/td><td>電力<\/td><td>類別四／範疇三<\/td>/, 'outsourced electricity is 類別四');
  assert.match(r.text, /<td>委外<\/td><td>公務車用油 柴油<\/td><td>類別三／範疇三<\/td>/, 'outsourced diesel is 類別三');
  const gas = row(r.text, 'gas-own');
  assert.equal(gas.reduce((a, b) => a + m(b), 0), m(own), 'the gases of the own part add up to its total');
  assert.match(r.text, /<th class="num">CO₂<\/th><th class="num">CH₄<\/th><th class="num">N₂O<\/th><th class="num">HFCs<\/th><\/tr>/,
    'only the gases present (no PFCs, SF₆, NF₃)');
  const elec = m((r.text.match(/<tr id="dq-line-own_electricity">.*?<td class="num">([\d,.]+)<\/td>/s) || [])[1]);
  assert.equal(cell(r.text, 'dq-assessed'), `${(elec / m(own) * 100).toFixed(2)} %`, 'only electricity assessed (no AD default for the others)');
});

test('save with A1–A3 and an interval on two lines: items keep what was typed, lines what is in force, gases add up; the trail', async () => {
  const c = await login('Z', CODE);
  const f = await form(c);
  const r = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'save', scope_text: '校舍',
    own_electricity: '10000', own_electricity_a1: '1', own_electricity_a2: '1', own_electricity_a3: '3',
    own_electricity_dq_note: '智慧電表連續量測', own_electricity_dq_keeper: '總務處', own_electricity_ad_lower: '1.5', own_electricity_ad_upper: '1.5',
    own_electricity_ad_basis: '台電帳單（電表經台電校正）',
    own_vehicle_gasoline: '100', own_vehicle_gasoline_a1: '2', own_vehicle_gasoline_a2: '2', own_vehicle_gasoline_a3: '3',
    own_vehicle_gasoline_ad_lower: '2.5', own_vehicle_gasoline_ad_upper: '3', own_vehicle_gasoline_ad_basis: '加油卡對帳單 113-0042',
    own_ext_co2: '5' });
  assert.equal(r.status, 303, r.text.match(/field-error[^<]*<\/p>|<p class="field-error"[^>]*>[^<]*/g)?.join(' '));
  assert.deepEqual(sql(`SELECT item, IFNULL(a1, '-'), IFNULL(a2, '-'), IFNULL(a3, '-'), IFNULL(dq_note, '-'), IFNULL(dq_keeper, '-'),
      IFNULL(ad_lower_milli, '-'), IFNULL(ad_upper_milli, '-'), IFNULL(ad_basis, '-') FROM report_items WHERE report_id = ${report()} ORDER BY item`), [
    ['electricity', '1', '-', '-', '智慧電表連續量測', '總務處', '-', '-', '-'],
    ['ext_co2', '-', '-', '-', '-', '-', '-', '-', '-'],
    ['vehicle_gasoline', '-', '-', '-', '-', '-', '2500', '3000', '加油卡對帳單 113-0042'],
  ], 'items: only what differs from the default (NULL keeps the default)');
  assert.deepEqual(sql(`SELECT item, iso_category, scope, a1, a2, a3, dq_note, IFNULL(ad_lower_milli, '-'), IFNULL(ad_upper_milli, '-'), ad_basis
      FROM report_lines WHERE report_id = ${report()} ORDER BY item`), [
    ['electricity', '2', '2', '1', '1', '3', '智慧電表連續量測', '1500', '1500', '台電帳單（電表經台電校正）'],
    ['ext_co2', '1', '1', '2', '2', '1', '滅火器充填廠商單據', '-', '-', ''],
    ['vehicle_gasoline', '1', '1', '2', '2', '3', '加油卡或加油發票', '2500', '3000', '加油卡對帳單 113-0042'],
  ], 'lines: the values in force (typed, else the defaults), with 類別 and 範疇');
  assert.deepEqual(sql(`SELECT COUNT(*) FROM report_lines l LEFT JOIN (SELECT part, item, seq, SUM(kg_milli) s FROM report_line_gases
      WHERE report_id = ${report()} GROUP BY part, item, seq) g USING (part, item, seq) WHERE l.report_id = ${report()} AND NOT (g.s <=> l.kg_milli)`),
    [['0']], 'Σ gases = kg_milli on every line');
  assert.deepEqual(sql(`SELECT item, gas FROM report_line_gases WHERE report_id = ${report()} ORDER BY item, gas`), [
    ['electricity', 'CO2'], ['ext_co2', 'CO2'], ['vehicle_gasoline', 'CO2'], ['vehicle_gasoline', 'CH4'], ['vehicle_gasoline', 'N2O'],
  ], 'one row per gas of each line');
  assert.equal(sql(`SELECT ef_lower_milli FROM report_line_gases WHERE report_id = ${report()} AND item = 'electricity'`)[0][0], '7000',
    "electricity's CO2 carries the grid factor's ±7.0 %");
  const h = await c.get(`/report/history?year=${Y}`);
  assert.match(h.text, /<td>不含委外 電力 A1 活動數據種類<\/td><td><\/td><td>1<\/td>/, 'the changed A1 in the trail');
  assert.match(h.text, /<td>不含委外 公務車用油 汽油 活動數據不確定性下限 %<\/td><td><\/td><td>2\.5<\/td>/, 'the interval too');

  const page = await form(c);
  assert.match(page.page.text, /<details class="dq" id="dq-own_electricity" open><summary>數據品質與不確定性：電力（已自訂）/, 'a customised block opens');
  assert.match(page.page.text, /<select id="f-own_electricity_a1" name="own_electricity_a1"><option value="1" selected>1 連續量測<\/option>/, 'A1 1 comes back');
  assert.match(page.page.text, /name="own_vehicle_gasoline_ad_upper" type="text" value="3"/, 'the typed interval comes back');
  // electricity 1×1×3 = 3; gasoline 2×2×3 = 12; the CO2 extinguisher 2×2×1 = 4
  assert.match(page.page.text, /id="dq-grade">3\.\d\d 第一級</);
  assert.match(page.page.text, /<tr id="dq-line-own_vehicle_gasoline">.*?<td class="num">12<\/td><td class="num">2<\/td><td>CO₂ −3\.605 % \/ \+6\.124 %；CH₄ −66\.\d{3} % \/ \+244\.\d{3} %；N₂O −/s,
    'gasoline: level 12, score 2, each gas from its AD (2.5 / 3) and 附表一 (CO₂ √(2.5² + 2.597²), √(3² + 5.339²))');
});

test('bad quality values: a message beside each field, the input back, nothing changed', async () => {
  const c = await login('Z', CODE);
  const f = await form(c);
  const before = sql(`SELECT revision, (SELECT GROUP_CONCAT(CONCAT_WS(',', item, IFNULL(a1, '-'), IFNULL(ad_lower_milli, '-')) ORDER BY item) FROM report_items i WHERE i.report_id = r.id)
    FROM reports r WHERE r.id = ${report()}`);
  const r = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'save', scope_text: '校舍',
    own_electricity: '10000', own_electricity_a1: '4', own_electricity_a2: 'x', own_electricity_ad_lower: '-1', own_electricity_ad_upper: '1.2345',
    own_vehicle_gasoline: '100', own_vehicle_gasoline_a3: '1', own_vehicle_gasoline_ad_lower: '10001' });
  assert.equal(r.status, 400);
  const err = (name) => (r.text.match(new RegExp(`<p class="field-error" id="e-${name}">([^<]*)</p>`)) || [])[1];
  assert.equal(err('own_electricity_a1'), '請選擇 1、2 或 3。');
  assert.equal(err('own_electricity_a2'), '請選擇 1、2 或 3。');
  assert.match(err('own_electricity_ad_lower') || '', /負/);
  assert.match(err('own_electricity_ad_upper') || '', /3 位小數/);
  assert.match(err('own_vehicle_gasoline_ad_lower') || '', /過大/);
  assert.match(err('own_vehicle_gasoline_dq_note') || '', /數據可信度資訊說明/, 'A3 away from its default (3) needs the note');
  assert.match(r.text, /name="own_electricity_ad_upper" type="text" value="1.2345"[^>]*aria-invalid="true"/, 'the input comes back');
  assert.match(r.text, /<details class="dq" id="dq-own_vehicle_gasoline" open>/, 'the block with an error is open');
  assert.match(r.text, /<select id="f-own_vehicle_gasoline_a3" name="own_vehicle_gasoline_a3"><option value="1" selected>/, 'the changed A3 comes back');
  assert.deepEqual(sql(`SELECT revision, (SELECT GROUP_CONCAT(CONCAT_WS(',', item, IFNULL(a1, '-'), IFNULL(ad_lower_milli, '-')) ORDER BY item) FROM report_items i WHERE i.report_id = r.id)
    FROM reports r WHERE r.id = ${report()}`), before, 'nothing saved');
  // The same A3 with its note is accepted.
  const ok = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'calc', own_vehicle_gasoline: '100',
    own_vehicle_gasoline_a3: '1', own_vehicle_gasoline_dq_note: '油品供應商檢驗報告' });
  assert.equal(ok.status, 200);
  // Quality fields of a quantity left empty are ignored, not refused.
  const empty = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'calc', own_electricity: '1', own_lpg_a1: '9' });
  assert.equal(empty.status, 200);
});

test('back to the defaults: a value equal to the default stores NULL, the line follows the default', async () => {
  const c = await login('Z', CODE);
  const f = await form(c);
  const r = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'save', scope_text: '校舍',
    own_electricity: '10000', own_electricity_a1: '2', own_electricity_a2: '1', own_electricity_a3: '3', own_electricity_ad_lower: '1.500',
    own_electricity_ad_upper: '1.5', own_electricity_ad_basis: '台電帳單（電表經台電校正）' });
  assert.equal(r.status, 303);
  assert.deepEqual(sql(`SELECT IFNULL(a1, '-'), IFNULL(ad_lower_milli, '-'), IFNULL(ad_basis, '-') FROM report_items WHERE report_id = ${report()}`), [['-', '-', '-']]);
  assert.deepEqual(sql(`SELECT a1, a2, a3, ad_lower_milli FROM report_lines WHERE report_id = ${report()}`), [['2', '1', '3', '1500']]);
  const h = await c.get(`/report/history?year=${Y}`);
  assert.match(h.text, /<td>不含委外 電力 A1 活動數據種類<\/td><td>1<\/td><td><\/td>/, 'the trail: A1 1 -> (default)');
});
