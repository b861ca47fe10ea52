// exclusions.test.mjs: issue 13 item 4 (SPEC-2 §2d) on the agency form — 排除之排放源 with their reasons,
// the NE / IE notation keys with their reason or place, and the de minimis 沿用 of one fugitive line
// (MOENV 2025-12-19): allowed in its first and second year, refused in the third, over 0.05 % of the
// year's own total or over 5 tCO₂e, for a second line, or with another quantity typed.  Every refusal:
// 400, the message beside the field, the input back, nothing written.  The year before (2018) is
// seeded in SQL so that each case is one save of 2019.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TMP, csrfOf, readXlsx, sql, waitFor, loginAs as login } from '../lib.mjs';

const Y = 2019;               // a year no other suite writes for 連江縣環境資源局
const CODE = '371040000A';
const AG = `(SELECT id FROM agencies WHERE code = '${CODE}')`;
const report = (y = Y) => `(SELECT id FROM reports WHERE agency_id = ${AG} AND year = ${y})`;
const contact = sql(`SELECT IFNULL(contact_name, ''), IFNULL(contact_phone, ''), IFNULL(contact_email, '') FROM agencies WHERE code = '${CODE}'`)[0];
const wipe = () => sql(`DELETE FROM reports WHERE agency_id = ${AG} AND year IN (${Y - 1}, ${Y})`);
sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-22381', contact_email = 'x@example.gov.tw' WHERE code = '${CODE}'`);
wipe();
after(() => {
  const v = (s) => (s === '' ? 'NULL' : `'${s}'`);
  wipe();
  sql(`UPDATE agencies SET contact_name = ${v(contact[0])}, contact_phone = ${v(contact[1])}, contact_email = ${v(contact[2])} WHERE code = '${CODE}'`);
});

// The year before: electricity and a real 3 kg CO₂ extinguisher refill (and 1 kg R134a), as saved then;
// extra: its extra refrigerant rows, [type, quantity in thousandths, carried_from or null] each (seq 10, 11, …).
function seedPrev({ ext = 3000, carriedFrom = null, r134a = 1000, extra = [] } = {}) {
  sql(`DELETE FROM reports WHERE agency_id = ${AG} AND year = ${Y - 1}`);
  sql(`INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, updated_by)
       SELECT ${AG}, ${Y - 1}, 1, 1, '辦公廳舍', 0, 0, id FROM accounts WHERE agency_id = ${AG} LIMIT 1`);
  const rows = extra.map(([type, q, from], i) => `, (${report(Y - 1)}, 'own', 'refrigerant', ${10 + i}, '${type}', ${q}, ${from ?? 'NULL'})`);
  sql(`INSERT INTO report_items (report_id, part, item, seq, refrigerant, quantity_milli, carried_from) VALUES
       (${report(Y - 1)}, 'own', 'electricity', 0, NULL, 20000000, NULL),
       (${report(Y - 1)}, 'own', 'ext_co2', 0, NULL, ${ext}, ${carriedFrom ?? 'NULL'}),
       (${report(Y - 1)}, 'own', 'refrigerant', 1, 'R134a', ${r134a}, NULL)${rows.join('')}`);
}

async function form(c) {
  const r = await c.get(`/report/edit?year=${Y}`);
  return { page: r, csrf: csrfOf(r.text), revision: (r.text.match(/name="revision" value="(\d+)"/) || [])[1] };
}
async function post(c, fields) {
  const f = await form(c);
  return c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'save', scope_text: '辦公廳舍', ...fields });
}
// The 排除與註記 sheet of the team's 轉出明細 for the year, read by openpyxl (an independent reader).
async function notesSheet(team, name) {
  const page = await team.get(`/team/inventory?year=${Y}`);
  const r = await team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action: 'export_detail' });
  assert.equal(r.status, 303);
  const id = r.headers.get('location').match(/id=(\d+)/)[1];
  await waitFor('the 轉出明細 workbook', async () => /status s2">完成/.test((await team.get(`/exports?id=${id}`)).text), 60000, 300);
  const dl = await team.req(`/download?id=${id}`, { raw: true });
  assert.equal(dl.status, 200);
  const file = path.join(TMP, name);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  return readXlsx(file, '排除與註記');
}
const errorOf = (html, name) => (html.match(new RegExp(`id="e-${name}">([^<]*)<`)) || [])[1];
const errors = (html) => (html.match(/class="field-error"[^>]*>[^<]*/g) || []).join(' | ');
// Everything this agency's 2019 report has: a refused save must leave it exactly as it was.
const snapshot = () => JSON.stringify([
  sql(`SELECT revision, own_total_milli FROM reports WHERE id = ${report()}`),
  sql(`SELECT part, item, seq, IFNULL(quantity_milli, '-'), IFNULL(notation, '-'), IFNULL(notation_text, '-'), IFNULL(carried_from, '-')
       FROM report_items WHERE report_id = ${report()} ORDER BY part, item, seq`),
  sql(`SELECT seq, name, reason FROM report_exclusions WHERE report_id = ${report()} ORDER BY seq`),
  sql(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${AG} AND year = ${Y}`),
]);

test('NE without a reason, IE without a place, a quantity with a mark: refused beside the field, the input back, nothing written', async () => {
  seedPrev();
  const c = await login('Z', CODE);
  const before = snapshot();
  let r = await post(c, { own_electricity: '20000', own_lpg_mark: 'NE' });
  assert.equal(r.status, 400);
  assert.match(errorOf(r.text, 'own_lpg_mark_text') || '', /標示 NE（未估算）時，請填寫未估算的原因/);
  assert.match(r.text, /<option value="NE" selected>NE 未估算<\/option>/, 'the mark comes back');
  assert.match(r.text, /name="own_electricity" type="text" value="20000"/, 'the quantity comes back');

  r = await post(c, { own_electricity: '20000', outsourced_electricity_mark: 'IE', outsourced_electricity_mark_text: '' });
  assert.equal(r.status, 400);
  assert.match(errorOf(r.text, 'outsourced_electricity_mark_text') || '', /標示 IE（已包含於他處）時，請註明包含於何處/);

  r = await post(c, { own_electricity: '20000', own_natural_gas: '5', own_natural_gas_mark: 'IE', own_natural_gas_mark_text: '併入縣府' });
  assert.equal(r.status, 400);
  assert.match(errorOf(r.text, 'own_natural_gas') || r.text.match(/已填寫數量的項目不可同時標示 NE 或 IE/)?.[0] || '', /不可同時標示/);
  assert.match(r.text, /name="own_natural_gas_mark_text" type="text" value="併入縣府"/, 'the place comes back');

  r = await post(c, { own_electricity: '20000', own_lpg_mark: 'XX', own_lpg_mark_text: 'x' });
  assert.equal(r.status, 400, 'a mark no option sends');
  assert.equal(snapshot(), before, 'nothing written by any of them');
});

test('exclusions and marks saved, audited, shown on the view; a row without its reason refused; bounded to 20 and 100 / 300 characters', async () => {
  seedPrev();
  const c = await login('Z', CODE);
  let r = await post(c, { own_electricity: '20000', excl_name_1: '宿舍瓦斯', excl_reason_1: '' });
  assert.equal(r.status, 400);
  assert.match(errorOf(r.text, 'excl_reason_1') || '', /請填寫排除的原因/, r.text.match(/field-error[^<]*/g)?.join());
  assert.match(r.text, /name="excl_name_1" type="text" value="宿舍瓦斯"/, 'the name comes back');
  r = await post(c, { own_electricity: '20000', excl_name_1: '長'.repeat(101), excl_reason_1: 'x' });
  assert.equal(r.status, 400, 'a name of 101 characters');
  r = await post(c, { own_electricity: '20000', excl_name_1: 'x', excl_reason_1: '長'.repeat(301) });
  assert.equal(r.status, 400, 'a reason of 301 characters');
  assert.equal(sql(`SELECT COUNT(*) FROM reports WHERE agency_id = ${AG} AND year = ${Y}`)[0][0], '0', 'nothing saved yet');

  const fields = { own_electricity: '20000', own_lpg_mark: 'NE', own_lpg_mark_text: '瓦斯由房東代付、無帳單',
    outsourced_electricity_mark: 'IE', outsourced_electricity_mark_text: '包含於縣府大樓電費', excl_name_1: '宿舍瓦斯', excl_reason_1: '住宿者自付',
    excl_name_3: '員工通勤', excl_reason_3: '類別三、本年度不盤查', excl_name_21: '第二十一項', excl_reason_21: '表單只有 20 列' };
  r = await post(c, fields);
  assert.equal(r.status, 303, errors(r.text));
  assert.deepEqual(sql(`SELECT seq, name, reason FROM report_exclusions WHERE report_id = ${report()} ORDER BY seq`),
    [['1', '宿舍瓦斯', '住宿者自付'], ['2', '員工通勤', '類別三、本年度不盤查']], 'two exclusions (blank rows dropped, the 21st never read)');
  assert.deepEqual(sql(`SELECT part, item, IFNULL(quantity_milli, '-'), IFNULL(notation, '-'), IFNULL(notation_text, '-') FROM report_items
      WHERE report_id = ${report()} ORDER BY part, item`), [
    ['own', 'electricity', '20000000', '-', '-'],
    ['own', 'lpg', '-', 'NE', '瓦斯由房東代付、無帳單'],
    ['outsourced', 'electricity', '-', 'IE', '包含於縣府大樓電費'],
  ], 'the marks on their items, without quantity');
  assert.equal(sql(`SELECT COUNT(*) FROM report_lines WHERE report_id = ${report()}`)[0][0], '1', 'a marked line has no kg: one line');

  const v = await c.get(`/report/view?year=${Y}`);
  assert.equal(v.status, 200);
  assert.match(v.text, /<tr id="excl-1"><td>宿舍瓦斯<\/td><td>住宿者自付<\/td><\/tr><tr id="excl-2"><td>員工通勤<\/td>/);
  assert.match(v.text, /id="mark-own_lpg"><span class="status s1">NE<\/span> 未估算，原因：瓦斯由房東代付、無帳單<\/p>/);
  assert.match(v.text, /id="mark-outsourced_electricity"><span class="status s1">IE<\/span> 已包含於：包含於縣府大樓電費<\/p>/);
  const parent = await login('Z', '371000000A');
  const pv = await parent.get(`/report/view?year=${Y}&agency=${sql(`SELECT id FROM agencies WHERE code = '${CODE}'`)[0][0]}`);
  assert.match(pv.text, /<td>宿舍瓦斯<\/td><td>住宿者自付<\/td>/, 'the parent sees them too');

  // The team's 盤查清冊 lists them by agency (SPEC-2 §2d: shown in the inventory).
  const team = await login('Z', 'TEAM');
  const inv = await team.get(`/team/inventory?year=${Y}`);
  assert.equal(inv.status, 200);
  const name = sql(`SELECT name FROM agencies WHERE code = '${CODE}'`)[0][0];
  assert.match(inv.text, new RegExp(`<tr><td>${name}</td><td>宿舍瓦斯</td><td>住宿者自付</td></tr><tr><td>${name}</td><td>員工通勤</td>`), 'the exclusions');
  assert.match(inv.text, new RegExp(`<tr><td>${name}</td><td>瓦斯</td><td>NE：瓦斯由房東代付、無帳單</td></tr>`), 'the NE mark');
  assert.match(inv.text, new RegExp(`<tr><td>${name}</td><td>委外 電力</td><td>IE：包含於縣府大樓電費</td></tr>`), 'the IE mark');
  // 轉出明細 lists the same, in its own sheet: exclusions, then the marks.
  const rows = (await notesSheet(team, 'exclusions-detail.xlsx')).map((row) => row.slice(0, 8).map((x) => x ?? ''));
  const mine = (from) => rows.slice(from).filter((row) => row[0] === name);
  const ex = rows.findIndex((row) => row[0] === '排除之排放源'), nt = rows.findIndex((row) => row[0].startsWith('註記：NE'));
  assert.ok(ex === 0 && nt > ex, 'both tables, titled');
  assert.deepEqual(rows[ex + 1].slice(0, 3), ['機關單位名稱', '排除之排放源', '排除理由']);
  assert.deepEqual(mine(ex + 2).slice(0, 2).map((row) => row.slice(0, 3)),
    [[name, '宿舍瓦斯', '住宿者自付'], [name, '員工通勤', '類別三、本年度不盤查']], 'the exclusions, in the form\'s order');
  assert.deepEqual(mine(nt + 2), [[name, '本身', '瓦斯', '', 'NE', '', '', '瓦斯由房東代付、無帳單'],
    [name, '委外', '電力', '', 'IE', '', '', '包含於縣府大樓電費']], 'the NE and IE marks, with their reason and place');

  const h = await c.get(`/report/history?year=${Y}`);
  assert.match(h.text, /<td>不含委外 瓦斯 註記<\/td><td><\/td><td>NE：瓦斯由房東代付、無帳單<\/td>/, 'the mark in the trail');
  assert.match(h.text, /<td>排除之排放源 2<\/td><td><\/td><td>員工通勤：類別三、本年度不盤查<\/td>/, 'the exclusion in the trail');

  // Taking a mark off: the quantity alone, the trail says so.
  r = await post(c, { ...fields, own_lpg_mark: '', own_lpg_mark_text: '', own_lpg: '12' });
  assert.equal(r.status, 303, errors(r.text));
  assert.equal(sql(`SELECT IFNULL(notation, '-') FROM report_items WHERE report_id = ${report()} AND item = 'lpg'`)[0][0], '-');
  assert.match((await c.get(`/report/history?year=${Y}`)).text, /註記<\/td><td>NE：瓦斯由房東代付、無帳單<\/td><td><\/td>/, 'old -> none');
});

test('沿用 in its first year: the form offers the year before\'s figure; saved with the year it came from, computed as any line', async () => {
  seedPrev();
  const c = await login('Z', CODE);
  const f = await form(c);
  assert.match(f.page.text, /<label for="f-own_ext_co2_carry">沿用 2018 年數量（3 公斤/, 'the offer beside the CO₂ extinguisher');
  assert.doesNotMatch(f.page.text, /f-own_electricity_carry/, 'not beside electricity (not fugitive)');
  assert.doesNotMatch(f.page.text, /f-outsourced_ext_co2_carry/, 'nor in the outsourced part');
  const r = await post(c, { own_electricity: '20000', own_ext_co2_carry: '1' });
  assert.equal(r.status, 303, errors(r.text));
  assert.deepEqual(sql(`SELECT quantity_milli, carried_from FROM report_items WHERE report_id = ${report()} AND item = 'ext_co2'`), [['3000', '2018']]);
  assert.deepEqual(sql(`SELECT quantity_milli, kg_milli FROM report_lines WHERE report_id = ${report()} AND item = 'ext_co2'`), [['3000', '3000']],
    'the line computed from the carried quantity');
  const v = await c.get(`/report/view?year=${Y}`);
  assert.match(v.text, /id="carried-own_ext_co2"><span class="status s2">沿用<\/span> 沿用 2018 年數量/);
  assert.match(v.text, /id="carried-line-own_ext_co2">沿用 2018 年<\/span>/, 'flagged in the lines table');
  assert.match((await c.get(`/report/history?year=${Y}`)).text, /沿用<\/td><td><\/td><td>沿用 2018 年數量<\/td>/, 'in the trail');
  const rows = await notesSheet(await login('Z', 'TEAM'), 'carried-detail.xlsx');
  const name = sql(`SELECT name FROM agencies WHERE code = '${CODE}'`)[0][0];
  const nt = rows.findIndex((row) => String(row[0]).startsWith('註記：NE'));
  assert.deepEqual(rows.slice(nt + 2).filter((row) => row[0] === name).map((row) => row.slice(0, 7)),
    [[name, '本身', '二氧化碳滅火器', null, '沿用', 2018, 3]], '沿用 in 轉出明細: the year of the real figure and the quantity');
});

test('沿用 in its second year keeps the year of the real figure; the third year is refused beside the field', async () => {
  seedPrev({ carriedFrom: 2017 });
  const c = await login('Z', CODE);
  assert.match((await form(c)).page.text, /<label for="f-own_ext_co2_carry">沿用 2017 年數量/, 'the offer names the real figure\'s year');
  let r = await post(c, { own_electricity: '20000', own_ext_co2_carry: '1' });
  assert.equal(r.status, 303, errors(r.text));
  assert.equal(sql(`SELECT carried_from FROM report_items WHERE report_id = ${report()} AND item = 'ext_co2'`)[0][0], '2017');

  seedPrev({ carriedFrom: 2016 });
  const f = await form(c);
  assert.doesNotMatch(f.page.text, /f-own_ext_co2_carry/, 'no offer in a third year');
  assert.match(f.page.text, /此項已連續沿用兩年（2016 年的數量），本年度須填寫實際數量/);
  const before = snapshot();
  r = await post(c, { own_electricity: '20001', own_ext_co2_carry: '1' });
  assert.equal(r.status, 400);
  assert.match(r.text, /此項已連續沿用兩年（2016 年的數量），本年度須填寫實際數量（環境部 114 年 12 月 19 日環部氣字第1149114687號）/);
  assert.match(r.text, /name="own_electricity" type="text" value="20001"/, 'the input comes back');
  assert.equal(snapshot(), before, 'nothing written');
  r = await post(c, { own_electricity: '20000', own_ext_co2: '2.5' });
  assert.equal(r.status, 303, 'a real figure is accepted');
});

test('沿用 refused at or over 0.05 % of the year\'s own total, at or over 5 tCO₂e, twice in a report, or with another quantity', async () => {
  seedPrev();
  const c = await login('Z', CODE);
  const before = snapshot();
  // 3 kgCO₂e against 10,000 kWh × 0.509 = 5,090 + 3: 3 × 10000 = 30,000 ≥ 5,093 × 5 = 25,465.
  let r = await post(c, { own_electricity: '10000', own_ext_co2_carry: '1' });
  assert.equal(r.status, 400);
  assert.match(r.text, /沿用僅限排放量未達本年度總排放量 0\.05 % 的排放源：此項 3\.000 kgCO₂e，總排放量（不含委外）5,093\.000 kgCO₂e/);
  // The edge: 11,781 kWh → 5,996.529 + 3 = 5,999.529 (3 × 10000 ≥ × 5): refused; 11,782 → 6,000.038: allowed.
  r = await post(c, { own_electricity: '11781', own_ext_co2_carry: '1' });
  assert.equal(r.status, 400, 'just at 0.05 %');
  assert.equal(snapshot(), before, 'nothing written');
  r = await post(c, { own_electricity: '11782', own_ext_co2_carry: '1' });
  assert.equal(r.status, 303, `just under 0.05 % (${errors(r.text)})`);

  seedPrev({ ext: 5000000 });
  r = await post(c, { own_electricity: '30000000', own_ext_co2_carry: '1' });
  assert.equal(r.status, 400);
  assert.match(r.text, /沿用僅限排放量未達 5 公噸 CO₂e 的排放源：此項 5,000\.000 kgCO₂e/);
  seedPrev({ ext: 4999999 });
  r = await post(c, { own_electricity: '30000000', own_ext_co2_carry: '1' });
  assert.equal(r.status, 303, `4,999.999 kgCO₂e: under 5 t (${errors(r.text)})`);

  seedPrev();
  const b2 = snapshot();
  r = await post(c, { own_electricity: '20000', own_ext_co2_carry: '1', own_ref_R134a_carry: '1' });
  assert.equal(r.status, 400);
  assert.match(r.text, /每份報表僅能有一項排放源沿用（一種冷媒或一種滅火器）/);
  r = await post(c, { own_electricity: '20000', own_ext_co2_carry: '1', own_ext_co2: '4' });
  assert.equal(r.status, 400);
  assert.match(r.text, /勾選沿用時，數量即為 2018 年的 3；請清除此欄，或取消沿用/);
  r = await post(c, { own_electricity: '20000', own_ext_bc_carry: '1' });
  assert.equal(r.status, 400, 'nothing to reuse for the BC extinguisher');
  assert.match(r.text, /前一年度沒有此項的實際數量可沿用，請填寫數量/);
  assert.equal(snapshot(), b2, 'nothing written by any of them');
});

// ---- The extra refrigerant rows (其他冷媒型號 n): NE / IE and 沿用 as on the named fields. ----

// The type selected in the select of extra row `name` (own_ref_type_1), or undefined.
const typeOf = (html, name) => (html.split(`id="f-${name}"`)[1]?.split('</select>')[0].match(/<option value="([^"]*)" selected>/) || [])[1];

test('NE / IE on an extra refrigerant row: its type with the mark and no quantity is a row; stored, shown, audited, listed; refusals beside the field', async () => {
  seedPrev();
  const c = await login('Z', CODE);
  const before = snapshot();
  let r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1_mark: 'IE', own_ref_qty_1_mark_text: '' });
  assert.equal(r.status, 400);
  assert.match(errorOf(r.text, 'own_ref_qty_1_mark_text') || '', /標示 IE（已包含於他處）時，請註明包含於何處/, errors(r.text));
  assert.equal(typeOf(r.text, 'own_ref_type_1'), 'R22', 'the type comes back');
  assert.match(r.text.split('id="mark-own_ref_qty_1"')[1] || '', /^ open>[\s\S]*?<option value="IE" selected>IE 已包含於他處<\/option>/, 'the mark comes back, open');

  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R404A', own_ref_qty_1: '2', own_ref_qty_1_mark: 'NE', own_ref_qty_1_mark_text: '未查得' });
  assert.equal(r.status, 400, 'a mark with a quantity');
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /已填寫數量的項目不可同時標示 NE 或 IE/);
  assert.match(r.text, /name="own_ref_qty_1_mark_text" type="text" value="未查得"/, 'the reason comes back');

  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R32' });
  assert.equal(r.status, 400, 'a type alone (neither quantity nor mark)');
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /請填寫補充量（公斤）；未估算或已包含於他處時，請於下方標示 NE／IE/);
  r = await post(c, { own_electricity: '20000', own_ref_qty_1_mark: 'NE', own_ref_qty_1_mark_text: '未查得' });
  assert.equal(r.status, 400, 'a mark without a type');
  assert.match(r.text, /請選擇冷媒型號。/);
  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R999', own_ref_qty_1_mark: 'NE', own_ref_qty_1_mark_text: '未查得' });
  assert.equal(r.status, 400, 'a type the list does not have (no line for the calculation to refuse)');
  assert.match(r.text, /請從清單選擇冷媒型號。/);
  assert.equal(snapshot(), before, 'nothing written by any of them');

  const fields = { own_electricity: '20000', own_ref_type_1: 'R404A', own_ref_qty_1: '2',
    own_ref_type_2: 'R22', own_ref_qty_2_mark: 'NE', own_ref_qty_2_mark_text: '冰水主機停用、未查得補充紀錄',
    outsourced_ref_type_1: 'R32', outsourced_ref_qty_1_mark: 'IE', outsourced_ref_qty_1_mark_text: '併入縣府大樓冷媒' };
  r = await post(c, fields);
  assert.equal(r.status, 303, errors(r.text));
  assert.deepEqual(sql(`SELECT part, seq, refrigerant, IFNULL(quantity_milli, '-'), IFNULL(notation, '-'), IFNULL(notation_text, '-')
      FROM report_items WHERE report_id = ${report()} AND item = 'refrigerant' ORDER BY part, seq`), [
    ['own', '10', 'R404A', '2000', '-', '-'],
    ['own', '11', 'R22', '-', 'NE', '冰水主機停用、未查得補充紀錄'],
    ['outsourced', '10', 'R32', '-', 'IE', '併入縣府大樓冷媒'],
  ], 'the marked rows stored with their type, without quantity');
  assert.equal(sql(`SELECT COUNT(*) FROM report_lines WHERE report_id = ${report()}`)[0][0], '2', 'electricity and R404A: a marked row has no line');

  const v = await c.get(`/report/view?year=${Y}`);
  assert.match(v.text, /id="mark-own_ref_qty_2"><span class="status s1">NE<\/span> 未估算，原因：冰水主機停用、未查得補充紀錄<\/p>/, 'the view');
  assert.match(v.text, /id="mark-outsourced_ref_qty_1"><span class="status s1">IE<\/span> 已包含於：併入縣府大樓冷媒<\/p>/);
  const f = await form(c);
  assert.equal(typeOf(f.page.text, 'own_ref_type_2'), 'R22', 'the form loads the row back with its type');
  assert.match(f.page.text.split('id="mark-own_ref_qty_2"')[1] || '', /^ open>[\s\S]*?<option value="NE" selected>[\s\S]*?value="冰水主機停用、未查得補充紀錄"/,
    'and its mark, open');

  const h = (await c.get(`/report/history?year=${Y}`)).text;
  assert.match(h, /<td>不含委外 其他冷媒 2<\/td><td><\/td><td>R22<\/td>/, 'the row in the trail: its type alone');
  assert.match(h, /<td>不含委外 其他冷媒 2（R22） 註記<\/td><td><\/td><td>NE：冰水主機停用、未查得補充紀錄<\/td>/, 'its mark, named by its type');
  assert.match(h, /<td>委外 其他冷媒 1（R32） 註記<\/td><td><\/td><td>IE：併入縣府大樓冷媒<\/td>/);

  const inv = (await (await login('Z', 'TEAM')).get(`/team/inventory?year=${Y}`)).text;
  const name = sql(`SELECT name FROM agencies WHERE code = '${CODE}'`)[0][0];
  assert.match(inv, new RegExp(`<tr><td>${name}</td><td>冷媒 R22</td><td>NE：冰水主機停用、未查得補充紀錄</td></tr>`), 'the team\'s list names the type');
  assert.match(inv, new RegExp(`<tr><td>${name}</td><td>委外 冷媒 R32</td><td>IE：併入縣府大樓冷媒</td></tr>`));
  // 轉出明細's 排除與註記 names the extra rows by their type too.
  const rows = await notesSheet(await login('Z', 'TEAM'), 'extra-rows-detail.xlsx');
  const nt = rows.findIndex((row) => String(row[0]).startsWith('註記：NE'));
  assert.deepEqual(rows.slice(nt + 2).filter((row) => row[0] === name).map((row) => row.slice(0, 8)),
    [[name, '本身', '冷媒', 'R22', 'NE', null, null, '冰水主機停用、未查得補充紀錄'],
     [name, '委外', '冷媒', 'R32', 'IE', null, null, '併入縣府大樓冷媒']], 'the extra rows\' marks, by type');
});

test('沿用 on an extra row: the year before\'s row of the same refrigerant, wherever it was; saved, flagged, shown with its year', async () => {
  seedPrev({ extra: [['R404A', 500, null], ['R22', 2000, null]] });
  const c = await login('Z', CODE);
  let f = await form(c);
  // This year's stored rows (the test before): R404A on row 1, R22 (NE) on row 2; rows 3 and 4 are blank.
  assert.match(f.page.text, /<label for="f-own_ref_qty_1_carry">沿用 2018 年數量（0\.5 公斤；/, 'a row with its type offers its own');
  assert.match(f.page.text, /<label for="f-own_ref_qty_3_carry">沿用前一年度同型號冷媒的數量（請於上方選擇型號；可沿用：R404A 0\.5 公斤（2018 年）、R22 2 公斤（2018 年）；/,
    'a row without its type yet offers the types the year before can give');
  assert.doesNotMatch(f.page.text, /f-outsourced_ref_qty_1_carry/, 'not in the outsourced part');
  // R22 on the first row this year: the year before's second extra row.
  let r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 303, errors(r.text));
  assert.deepEqual(sql(`SELECT seq, refrigerant, quantity_milli, carried_from FROM report_items WHERE report_id = ${report()} AND item = 'refrigerant'`),
    [['10', 'R22', '2000', '2018']], 'the quantity reused, with the year it came from');
  assert.deepEqual(sql(`SELECT seq, quantity_milli FROM report_lines WHERE report_id = ${report()} AND item = 'refrigerant'`), [['10', '2000']],
    'computed as any line');
  const v = await c.get(`/report/view?year=${Y}`);
  assert.match(v.text, /id="carried-own_ref_qty_1"><span class="status s2">沿用<\/span> 沿用 2018 年數量/);
  assert.match(v.text, /id="carried-line-own_ref_qty_1">沿用 2018 年<\/span>/, 'flagged in the lines table');
  f = await form(c);
  assert.match(f.page.text, /<input type="checkbox" id="f-own_ref_qty_1_carry" name="own_ref_qty_1_carry" value="1" checked> <label for="f-own_ref_qty_1_carry">沿用 2018 年數量（2 公斤；/,
    'the form: the row\'s own offer, ticked');
  assert.match((await c.get(`/report/history?year=${Y}`)).text, /<td>不含委外 其他冷媒 1（R22） 沿用<\/td><td><\/td><td>沿用 2018 年數量<\/td>/, 'in the trail');
  const inv = (await (await login('Z', 'TEAM')).get(`/team/inventory?year=${Y}`)).text;
  assert.match(inv, /<td>冷媒 R22<\/td><td>沿用 2018 年數量 2\.000<\/td>/, 'the team\'s list');
  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1: '2', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 303, `saved again with the reused quantity in the field (${errors(r.text)})`);

  // The named field and the extra rows are one source: an extra R410a row the year before is what R410a reuses.
  seedPrev({ extra: [['R410a', 1500, null]] });
  assert.match((await form(c)).page.text, /<label for="f-own_ref_R410a_carry">沿用 2018 年數量（1\.5 公斤；/);
  r = await post(c, { own_electricity: '30000000', own_ref_R410a_carry: '1' });   // 1.5 kg × 2,088: under 0.05 % of this total
  assert.equal(r.status, 303, errors(r.text));
  assert.deepEqual(sql(`SELECT seq, quantity_milli, carried_from FROM report_items WHERE report_id = ${report()} AND item = 'refrigerant'`),
    [['2', '1500', '2018']]);
});

test('沿用 on an extra row: the second year keeps the real figure\'s year; refused in the third, with nothing to reuse, twice, or with another row of its type', async () => {
  seedPrev({ extra: [['R22', 2000, 2017]] });
  const c = await login('Z', CODE);
  let r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 303, errors(r.text));
  assert.equal(sql(`SELECT carried_from FROM report_items WHERE report_id = ${report()} AND seq = 10`)[0][0], '2017', 'second year');

  seedPrev({ extra: [['R22', 2000, 2016]] });
  const f = await form(c);
  assert.doesNotMatch(f.page.text, /f-own_ref_qty_\d+_carry/, 'nothing offered: R22 would be a third year');
  assert.match(f.page.text, /此項已連續沿用兩年（2016 年的數量），本年度須填寫實際數量。/, 'the stored R22 row says why');
  const before = snapshot();
  r = await post(c, { own_electricity: '20001', own_ref_type_1: 'R22', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 400);
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /此項已連續沿用兩年（2016 年的數量），本年度須填寫實際數量（環境部 114 年 12 月 19 日環部氣字第1149114687號）/);
  assert.equal(typeOf(r.text, 'own_ref_type_1'), 'R22', 'the type comes back');
  assert.match(r.text, /name="own_electricity" type="text" value="20001"/, 'the input comes back');
  assert.equal(snapshot(), before, 'nothing written');

  seedPrev({ extra: [['R404A', 500, null]] });
  const b2 = snapshot();
  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 400, 'no R22 the year before (R404A is another type)');
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /前一年度沒有此項的實際數量可沿用，請填寫數量/);
  r = await post(c, { own_electricity: '20000', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 400, '沿用 ticked on a row without its type');
  assert.match(r.text, /請選擇冷媒型號。/);
  assert.match(r.text, /id="f-own_ref_qty_1_carry" name="own_ref_qty_1_carry" value="1" checked>/, 'the tick comes back');

  seedPrev({ extra: [['R22', 2000, null], ['R22', 1000, null]] });
  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 400, 'two R22 rows the year before');
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /前一年度有多列冷媒 R22 的數量，無法判定沿用哪一列，請填寫實際數量/);

  seedPrev({ extra: [['R22', 2000, null]] });
  r = await post(c, { own_electricity: '20000', own_ext_co2_carry: '1', own_ref_type_1: 'R22', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 400, 'a second carried line (an extinguisher and a refrigerant)');
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /每份報表僅能有一項排放源沿用（一種冷媒或一種滅火器）/);
  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1_carry: '1', own_ref_type_2: 'R22', own_ref_qty_2: '1' });
  assert.equal(r.status, 400, 'the carried type on another row too');
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /沿用的冷媒 R22 在本報表僅能有一列/);
  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1: '3', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 400, 'another quantity typed');
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /勾選沿用時，數量即為 2018 年的 2；請清除此欄，或取消沿用/);
  r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R22', own_ref_qty_1_carry: '1', own_ref_qty_1_mark: 'NE', own_ref_qty_1_mark_text: 'x' });
  assert.equal(r.status, 400, '沿用 and a mark');
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /沿用的項目不可同時標示 NE 或 IE/);
  assert.equal(snapshot(), b2, 'nothing written by any of them');
});

test('沿用 on an extra row: the thresholds with the year\'s total (report_check_carry on the row\'s line)', async () => {
  // R404A (AR4 GWP 3,922): 1 kg is far over 0.05 % of 20,000 kWh's emissions; 2 kg over 5 t whatever the total.
  seedPrev({ extra: [['R404A', 1000, null]] });
  const c = await login('Z', CODE);
  const before = snapshot();
  let r = await post(c, { own_electricity: '20000', own_ref_type_1: 'R404A', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 400);
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /沿用僅限排放量未達本年度總排放量 0\.05 % 的排放源：此項 [\d,]+\.\d{3} kgCO₂e，總排放量（不含委外）[\d,]+\.\d{3} kgCO₂e/,
    errors(r.text));
  seedPrev({ extra: [['R404A', 2000, null]] });
  r = await post(c, { own_electricity: '30000000', own_ref_type_1: 'R404A', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 400);
  assert.match(errorOf(r.text, 'own_ref_qty_1') || '', /沿用僅限排放量未達 5 公噸 CO₂e 的排放源：此項 [\d,]+\.\d{3} kgCO₂e/, errors(r.text));
  assert.equal(snapshot(), before, 'nothing written');
  // Under both: 0.1 kg of R404A (≈ 392 kgCO₂e) against 30,000,000 kWh.
  seedPrev({ extra: [['R404A', 100, null]] });
  r = await post(c, { own_electricity: '30000000', own_ref_type_1: 'R404A', own_ref_qty_1_carry: '1' });
  assert.equal(r.status, 303, errors(r.text));
  assert.equal(sql(`SELECT carried_from FROM report_items WHERE report_id = ${report()} AND item = 'refrigerant'`)[0][0], '2018');
});
