// quality_nonagency.test.mjs: issue 13 on the county team's non-agency lines (SPEC-2 §2b, §2c) — each
// line has the agency form's 數據品質與不確定性 block (A1–A3 with the defaults: electricity as the
// agency form's 電力, 2/1/3 and ±1.5 %; livestock an IPCC Tier 1 estimate, 2/3/3 with no AD default),
// a changed A without its note refused beside the field with the input back and nothing stored; a
// save is recorded as a quality request in MySQL (計算中 while the quality worker is stopped), and
// the county's grade and uncertainty (county_quality) then equal an independent computation over the
// agencies' own lines and the non-agency lines (a removal by its magnitude); the team's pages, the
// activities table and the workbooks 轉出明細 / 轉出圖表 (read by openpyxl) show it and say what it
// covers.  The lines are deleted through the page at the end, and the figures follow.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TMP, csrfOf, sql, stack, waitFor, loginAs as login } from '../lib.mjs';

const Y = 2018;        // the county figure is computed from whatever Z holds in Y, so any year served will do
const TAG = '品質測試';  // this file's lines (descriptions start with it)
const Z = () => +sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];
const mine = () => sql(`SELECT id, version, method FROM county_activities WHERE county_id = ${Z()} AND year = ${Y} AND description LIKE '${TAG}%' ORDER BY id`);

// Every request for Z's year served by a run (and no rollup pending that would ask for another).
const quiet = () => waitFor('the quality job to catch up', () => {
  const r = sql(`SELECT requests, done_for FROM quality_queue WHERE county_id = ${Z()} AND year = ${Y}`);
  return r.length && r[0][0] === r[0][1] && +r[0][0] > 0 &&
    !+sql(`SELECT COUNT(*) FROM outbox WHERE county_id = ${Z()} AND year = ${Y} AND done_at IS NULL`)[0][0];
}, 30000, 100);

// Deletes this file's lines through the page (each delete asks for a quality run, as a save does).
async function removeMine(team) {
  for (const [id, version] of mine()) {
    const page = await team.get(`/team/activities?year=${Y}`);
    const r = await team.post('/team/activities', { csrf: csrfOf(page.text), action: 'delete', year: String(Y), id, version });
    assert.equal(r.status, 303);
  }
}

after(async () => {
  stack('start-service', 'quality');   // in case a test stopped it and failed before starting it again
  if (mine().length) await removeMine(await login('Z', 'TEAM'));
});

async function form(c, method) {
  const f = await c.get(`/team/activities?year=${Y}&method=${method}`);
  assert.equal(f.status, 200);
  return f;
}
const save = async (c, method, fields) => c.post('/team/activities', { csrf: csrfOf((await form(c, method)).text), action: 'save', method,
  year: String(Y), id: '0', version: '0', ...fields });

// --- the independent computation (SPEC-2 §2b, §2c), from the stored lines ---
const rdiv = (n, d) => (2n * n + d) / (2n * d);   // n >= 0: half away from zero, as Excel's ROUND
const abs = (x) => (x < 0n ? -x : x);
const GASES = ['co2', 'ch4', 'n2o', 'hfcs', 'pfcs', 'sf6', 'nf3'];
const AGENCY_LINES = () => `FROM agencies a JOIN reports r ON r.agency_id = a.id AND r.year = ${Y}
  JOIN report_lines l ON l.report_id = r.id AND l.part = 'own' WHERE a.county_id = ${Z()} AND a.active = 1`;

function expected() {
  // Covered lines: |E| and level A1 × A2 × A3; the agencies' own lines with A1–A3, and the team's.
  const covered = [
    ...sql(`SELECT l.kg_milli, l.a1 * l.a2 * l.a3 ${AGENCY_LINES()} AND l.a1 > 0`),
    ...sql(`SELECT kg_milli, used_a1 * used_a2 * used_a3 FROM county_activities WHERE county_id = ${Z()} AND year = ${Y} AND used_a1 > 0`),
  ].map(([e, lv]) => [abs(BigInt(e)), BigInt(lv)]);
  const total = covered.reduce((s, [e]) => s + e, 0n);
  const grade = covered.reduce((s, [e, lv]) => s + rdiv(rdiv(e * 10000n, total) * lv, 100n), 0n);
  // Gases: E_g with the line's AD and the gas's EF interval (-1: 未評估).
  const u = (a, b) => Math.round(Math.sqrt(a * a + b * b));   // thousandths of a percent: ROUND(√(AD² + EF²), 5)
  const gases = [
    ...sql(`SELECT g.kg_milli, IFNULL(l.ad_lower_milli, -1), IFNULL(l.ad_upper_milli, -1), IFNULL(g.ef_lower_milli, -1),
      IFNULL(g.ef_upper_milli, -1) ${AGENCY_LINES().replace('WHERE', `JOIN report_line_gases g ON g.report_id = l.report_id AND g.part = l.part
      AND g.item = l.item AND g.seq = l.seq WHERE`)} AND l.a1 > 0`),
    ...sql(`SELECT ${GASES.map((g) => `IFNULL(${g}_milli, 'N'), IFNULL(${g}_ef_lower_milli, -1), IFNULL(${g}_ef_upper_milli, -1)`).join(', ')},
      IFNULL(used_ad_lower_milli, -1), IFNULL(used_ad_upper_milli, -1) FROM county_activities
      WHERE county_id = ${Z()} AND year = ${Y} AND used_a1 > 0`).flatMap((row) => {
      const [adl, adu] = row.slice(-2);
      return GASES.map((_, i) => row.slice(3 * i, 3 * i + 3)).filter(([kg]) => kg !== 'N')
        .map(([kg, efl, efu]) => [String(abs(BigInt(kg))), adl, adu, efl, efu]);
    }),
  ];
  let sl = 0, su = 0, e = 0, assessed = 0;
  for (const [kg, adl, adu, efl, efu] of gases.map((g) => g.map(Number))) {
    if (adl < 0 || adu < 0 || efl < 0 || efu < 0) continue;
    const E = kg / 1000;
    sl += (E * u(adl, efl) / 1e5) ** 2;
    su += (E * u(adu, efu) / 1e5) ** 2;
    e += E;
    assessed += Math.abs(E);
  }
  // The share assessed is of every own line, covered or not (a line saved before the fields counts, unassessed).
  const all = (Number(sql(`SELECT IFNULL(SUM(ABS(l.kg_milli)), 0) ${AGENCY_LINES()}`)[0][0]) +
    Number(sql(`SELECT IFNULL(SUM(ABS(kg_milli)), 0) FROM county_activities WHERE county_id = ${Z()} AND year = ${Y}`)[0][0])) / 1000;
  // Nothing covered: no grade (-1, class 0); nothing assessed: no interval (-1).
  return {
    grade: total ? Number(grade) : -1, cls: !total ? 0 : grade < 1000n ? 1 : grade < 1900n ? 2 : 3, total: String(total),
    lower: e ? Math.round(Math.sqrt(sl) / e * 1e5) : -1, upper: e ? Math.round(Math.sqrt(su) / e * 1e5) : -1,
    bp: all ? Math.round(assessed / all * 1e4) : 0,
  };
}
const stored = () => {
  const [[covered, gh, g, lo, hi, bp]] = sql(`SELECT covered_milli, IFNULL(grade_hundredths, -1), grade, IFNULL(unc_lower_milli, -1),
    IFNULL(unc_upper_milli, -1), assessed_bp FROM county_quality WHERE county_id = ${Z()} AND year = ${Y}`);
  return { grade: +gh, cls: +g, total: covered, lower: +lo, upper: +hi, bp: +bp };
};
const pct = (m) => `${Math.floor(m / 1000)}.${String(m % 1000).padStart(3, '0')} %`;
const asText = (x) => ({ grade: `${Math.floor(x.grade / 100)}.${String(x.grade % 100).padStart(2, '0')}`,
  cls: ['—', '第一級', '第二級', '第三級'][x.cls], unc: x.lower === x.upper ? `±${pct(x.lower)}` : `−${pct(x.lower)} / +${pct(x.upper)}`,
  assessed: `${Math.floor(x.bp / 100)}.${String(x.bp % 100).padStart(2, '0')} %` });
const plain = (h) => h.replace(/<[^>]*>/g, '').trim();
const byId = (html, id) => { const m = html.match(new RegExp(`id="${id}"[^>]*>(.*?)</(span|dd)>`, 's')); return m ? plain(m[1]) : null; };
const lineRow = (html, id) => (html.match(new RegExp(`<tr data-activity="${id}">([\\s\\S]*?)</tr>`)) || [])[1];

test('the form: the agency form\'s block, with electricity\'s defaults (2/1/3, ±1.5 %) and the livestock\'s own (2/3/3, none)', async () => {
  const team = await login('Z', 'TEAM');
  await removeMine(team);   // rerunnable
  const elec = await form(team, 'elec_street');
  assert.match(elec.text, /<details class="dq" id="dq-q"><summary>數據品質與不確定性：街道照明與交通號誌用電<\/summary>/, 'closed: nothing typed');
  assert.match(elec.text, /<select id="f-q_a1" name="q_a1">.*?<option value="2" selected>2 定期量測或帳單／財務紀錄（預設）<\/option>/s, 'A1: 電力\'s 2');
  assert.match(elec.text, /<select id="f-q_a2" name="q_a2">.*?<option value="1" selected>1 外部校正或多種佐證（預設）<\/option>/s, 'A2: 1');
  assert.match(elec.text, /name="q_ad_lower" type="text" value="1.5"/, 'the default interval shown');
  assert.match(elec.text, /name="q_ad_basis" type="text" value="台電帳單（電表經台電校正）"/, 'with its basis');
  assert.match(elec.text, /id="dq-defaults">數據品質預設值與機關填報表單之「電力」相同/, 'whose defaults they are');
  assert.deepEqual(sql("SELECT a1, a2, a3, IFNULL(ad_lower_milli, 'N') FROM nonagency_quality_defaults WHERE method = 'enteric'"),
    [['2', '3', '3', 'N']], 'the data: a Tier 1 estimate of head counts (a record): 2/3/3, no AD default');
  const cattle = await form(team, 'enteric');
  assert.match(cattle.text, /<select id="f-q_a3" name="q_a3">.*?<option value="3" selected>3 國家或國際（預設）<\/option>/s);
  assert.match(cattle.text, /name="q_ad_lower" type="text" value=""/, 'no default interval (未評估 until given)');
  const diesel = await form(team, 'fuel_mobile');
  assert.match(diesel.text, /id="dq-defaults">數據品質預設值與機關填報表單之同一燃料相同.*?汽油（公升） A1 2／A2 2／A3 3/s, 'fuels: the agency form\'s per fuel');
});

test('a changed A1 without its note: 400, the message beside the note, the input back, nothing stored', async () => {
  const team = await login('Z', 'TEAM');
  const count = () => sql(`SELECT COUNT(*) FROM county_activities WHERE county_id = ${Z()} AND year = ${Y}`)[0][0];
  const trail = () => sql(`SELECT COUNT(*) FROM audit_log WHERE county_id = ${Z()} AND year = ${Y}`)[0][0];
  const requests = () => sql(`SELECT IFNULL(MAX(requests), 0) FROM quality_queue WHERE county_id = ${Z()} AND year = ${Y}`)[0][0];
  const before = [count(), trail(), requests()];
  const r = await save(team, 'enteric', { description: `${TAG}乳牛`, q: '100', opt1: 'dairy_cattle_asia', q_a1: '3', q_a2: '3', q_a3: '3',
    q_dq_keeper: '農業處', q_ad_lower: '5', q_ad_upper: '10', q_ad_basis: '畜牧場飼養紀錄' });
  assert.equal(r.status, 400);
  assert.match(r.text, /<input id="f-q_dq_note" name="q_dq_note" type="text" value="" maxlength="200" aria-invalid="true" aria-describedby="e-q_dq_note">.*?<p class="field-error" id="e-q_dq_note">A1–A3 與預設值不同時，請填寫數據可信度資訊說明（例如電表校正紀錄、收據）。<\/p>/s,
    'the message beside the note');
  assert.match(r.text, /<details class="dq" id="dq-q" open><summary>數據品質與不確定性：公有牲畜腸胃發酵（已自訂）/, 'the block open');
  assert.match(r.text, /<option value="3" selected>3 推估<\/option>/, 'A1 3 back');
  assert.match(r.text, /name="q_ad_upper" type="text" value="10"/, 'the interval back');
  assert.match(r.text, /name="q_dq_keeper" type="text" value="農業處"/, 'the keeper back');
  assert.match(r.text, new RegExp(`name="description" type="text" value="${TAG}乳牛"`), 'the line\'s fields back');
  assert.match(r.text, /<option value="dairy_cattle_asia" selected>乳牛<\/option>/);
  assert.deepEqual([count(), trail(), requests()], before, 'no line, no trail, no quality request');
});

test('saved with A1–A3 and intervals: stored, requested in MySQL (計算中 while the worker is stopped), then county_quality = the independent computation', async () => {
  const team = await login('Z', 'TEAM');
  let r = await save(team, 'elec_street', { description: `${TAG}路燈`, q: '10,000', q_a1: '1', q_a2: '1', q_a3: '3',
    q_dq_note: '智慧電表連續量測', q_dq_keeper: '養護工程處', q_ad_lower: '2', q_ad_upper: '2', q_ad_basis: '電表精度 2.0 級' });
  assert.equal(r.status, 303, r.text.slice(0, 3000));
  const [elec] = mine();
  assert.deepEqual(sql(`SELECT a1, IFNULL(a2, 'N'), IFNULL(a3, 'N'), dq_note, dq_keeper, ad_lower_milli, ad_upper_milli, ad_basis,
    used_a1, used_a2, used_a3, used_ad_lower_milli, used_ad_upper_milli, co2_ef_lower_milli, co2_ef_upper_milli
    FROM county_activities WHERE id = ${elec[0]}`),
  [['1', 'N', 'N', '智慧電表連續量測', '養護工程處', '2000', '2000', '電表精度 2.0 級', '1', '1', '3', '2000', '2000', '7000', '7000']],
  'typed: A1 (A2, A3 equal the defaults: NULL); in force 1/1/3 ±2 %; CO₂\'s factor ±7 % (附表一)');
  assert.match(sql(`SELECT new_value FROM audit_log WHERE county_id = ${Z()} AND year = ${Y} AND field = '非機關活動 街道照明與交通號誌用電 數據品質與不確定性'
    ORDER BY id DESC LIMIT 1`)[0][0], /^A1 1／A2 1／A3 3；活動數據不確定性 ±2\.000 %；數據可信度資訊說明：智慧電表連續量測；保存單位：養護工程處；不確定性依據：電表精度 2\.0 級$/,
  'audited');
  await quiet();

  // The quality worker stopped: the save's request is in quality_queue (MySQL), and the pages say 計算中.
  stack('stop-service', 'quality');
  try {
    const [[req0]] = sql(`SELECT requests FROM quality_queue WHERE county_id = ${Z()} AND year = ${Y}`);
    r = await save(team, 'enteric', { description: `${TAG}乳牛`, q: '100', opt1: 'dairy_cattle_asia', q_a1: '3', q_a2: '3', q_a3: '3',
      q_dq_note: '頭數依飼養紀錄推估', q_dq_keeper: '農業處', q_ad_lower: '5', q_ad_upper: '10', q_ad_basis: '畜牧場飼養紀錄' });
    assert.equal(r.status, 303, r.text.slice(0, 3000));
    const [[req1, figures]] = sql(`SELECT requests, figures_for FROM quality_queue WHERE county_id = ${Z()} AND year = ${Y}`);
    assert.equal(+req1, +req0 + 1, 'the save recorded its request in MySQL');
    assert.ok(+figures < +req1, 'not yet in the figures');
    const page = await team.get(`/team?year=${Y}`);
    assert.equal(byId(page.text, 'team-pending'), '計算中');
  } finally {
    stack('start-service', 'quality');
  }
  await quiet();
  const cattle = mine().find((x) => x[2] === 'enteric');
  assert.deepEqual(sql(`SELECT a1, IFNULL(a2, 'N'), IFNULL(a3, 'N'), used_a1, used_a2, used_a3, used_ad_lower_milli, used_ad_upper_milli, IFNULL(ch4_ef_lower_milli, 'N')
    FROM county_activities WHERE id = ${cattle[0]}`), [['3', 'N', 'N', '3', '3', '3', '5000', '10000', 'N']],
  'livestock: A1 3 typed, 3/3/3 in force, −5 % / +10 %; no factor interval in the table (未評估)');

  const want = expected();
  assert.deepEqual(stored(), want, 'county_quality equals the independent computation (grade, class, covered, bounds, share)');
  // The lines count: without them the figure would be another (the electricity line is assessed, the cattle graded 27).
  assert.ok(+sql(`SELECT kg_milli FROM county_activities WHERE id = ${cattle[0]}`)[0][0] > 0);
  const agenciesOnly = sql(`SELECT IFNULL(SUM(ABS(l.kg_milli)), 0) ${AGENCY_LINES()} AND l.a1 > 0`)[0][0];
  assert.notEqual(want.total, agenciesOnly, 'the covered total includes the non-agency lines');
});

test('a fuel line changed to another fuel with the form: what the form showed as defaults follows the new fuel\'s', async () => {
  const team = await login('Z', 'TEAM');
  assert.equal((await save(team, 'fuel_stationary', { description: `${TAG}鍋爐`, q: '100', opt1: 'natural_gas' })).status, 303);
  const [id, version] = mine().find((x) => x[2] === 'fuel_stationary');
  assert.deepEqual(sql(`SELECT IFNULL(a2, 'N'), used_a1, used_a2, used_a3 FROM county_activities WHERE id = ${id}`), [['N', '2', '1', '3']],
    'natural gas: the agency form\'s 2/1/3');
  const edit = await team.get(`/team/activities?year=${Y}&edit=${id}`);
  assert.match(edit.text, /<input type="hidden" name="dq_for" value="natural_gas">/, 'the form names whose defaults it shows');
  assert.match(edit.text, /<select id="f-q_a2" name="q_a2">.*?<option value="1" selected>1 外部校正或多種佐證（預設）<\/option>/s);
  // As a browser sends it: the selects as shown (natural gas's 2/1/3), the fuel changed to LPG (2/2/3).
  const fields = { csrf: csrfOf(edit.text), action: 'save', method: 'fuel_stationary', year: String(Y), id, description: `${TAG}鍋爐`,
    q: '100', opt1: 'lpg', dq_for: 'natural_gas', q_a1: '2', q_a2: '1', q_a3: '3', q_dq_note: '', q_dq_keeper: '', q_ad_lower: '',
    q_ad_upper: '', q_ad_basis: '' };
  let r = await team.post('/team/activities', { ...fields, version });
  assert.equal(r.status, 303, r.text.slice(0, 3000));
  assert.deepEqual(sql(`SELECT IFNULL(a1, 'N'), IFNULL(a2, 'N'), IFNULL(a3, 'N'), used_a1, used_a2, used_a3 FROM county_activities WHERE id = ${id}`),
    [['N', 'N', 'N', '2', '2', '3']], 'nothing typed: LPG\'s defaults in force');
  // A value away from both the shown and the new defaults is the team's: it needs its note.
  r = await team.post('/team/activities', { ...fields, version: String(+version + 1), dq_for: 'lpg', q_a2: '3' });
  assert.equal(r.status, 400);
  assert.match(r.text, /id="e-q_dq_note">A1–A3 與預設值不同時/);
});

test('the pages and the workbooks show the county figure, say it covers 非機關單位活動, and list each line\'s A1–A3, level and uncertainty', async () => {
  await quiet();
  const team = await login('Z', 'TEAM');
  const want = asText(stored());
  assert.deepEqual(stored(), expected(), 'still current');
  let page = await team.get(`/team?year=${Y}`);
  assert.equal(`${byId(page.text, 'team-grade')} ${byId(page.text, 'team-class')}`, `${want.grade} ${want.cls}`, 'the team overview: the grade');
  assert.equal(byId(page.text, 'team-uncertainty'), want.unc, 'and the uncertainty');
  assert.equal(byId(page.text, 'team-assessed'), want.assessed);
  assert.match(byId(page.text, 'team-covers'), /^各機關自身營運之明細及非機關單位活動/, 'what it covers');
  const inv = await team.get(`/team/inventory?year=${Y}`);
  assert.equal(`${byId(inv.text, 'inv-grade')} ${byId(inv.text, 'inv-class')}`, `${want.grade} ${want.cls}`, 'the inventory page: the same');
  assert.equal(byId(inv.text, 'inv-uncertainty'), want.unc);
  assert.match(byId(inv.text, 'inv-covers'), /非機關單位活動/);

  // The activities table: each line's A1–A3, level, score and its own uncertainty.
  page = await team.get(`/team/activities?year=${Y}`);
  const [elec, cattle] = ['elec_street', 'enteric'].map((m) => mine().find((x) => x[2] === m)[0]);
  assert.match(lineRow(page.text, elec), /<td class="dq" data-level="3"><span class="dq-a">A1 1／A2 1／A3 3<\/span>（已自訂）<br>等級 <span class="dq-level">3<\/span>（評分 1）<br>不確定性 <span class="dq-unc">±7\.280 %<\/span><\/td>/,
    'electricity: level 3, √(2² + 7²) = ±7.280 %');
  assert.match(lineRow(page.text, cattle), /data-level="27">.*?A1 3／A2 3／A3 3.*?等級 <span class="dq-level">27<\/span>（評分 3）.*?<span class="dq-unc">未評估<\/span>/s,
    'livestock: level 27, 未評估 (no factor interval)');
  // The edit form: what was typed comes back.
  const edit = await team.get(`/team/activities?year=${Y}&edit=${elec}`);
  assert.match(edit.text, /<details class="dq" id="dq-q" open><summary>數據品質與不確定性：街道照明與交通號誌用電（已自訂）/);
  assert.match(edit.text, /<select id="f-q_a1" name="q_a1">.*?<option value="1" selected>1 連續量測<\/option>/s);
  assert.match(edit.text, /name="q_dq_note" type="text" value="智慧電表連續量測"/);

  // 轉出明細: 摘要 as the page; 非機關單位活動 per line.
  const ask = async (action, name) => {
    const r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action });
    assert.equal(r.status, 303);
    return download(team, r.headers.get('location'), name);
  };
  const book = readBook(await ask('export_detail', 'quality-nonagency-detail.xlsx'));
  const sum = book['摘要'];
  const at = (rows, label) => rows.find((row) => row[0] === label);
  assert.deepEqual(at(sum, '數據品質等級').slice(1, 3), [want.grade, want.cls], '摘要: the grade');
  assert.deepEqual(at(sum, '不確定性（95% 信賴區間）／已評估排放量占比').slice(1, 3), [want.unc, want.assessed]);
  assert.match(at(sum, '數據品質涵蓋範圍')[1], /非機關單位活動/, '摘要 says what it covers');
  const na = book['非機關單位活動'];
  const col = (name) => na[0].indexOf(name);
  const row = (desc) => na.find((x) => x[col('說明')] === desc);
  const cells = (x) => ['A1 活動數據種類', 'A2 活動數據可信度', 'A3 係數種類', '誤差等級(A1×A2×A3)', '評分', '活動數據不確定性（95%）',
    '各氣體不確定性（95%）', '本筆不確定性（95%）'].map((h) => x[col(h)]);
  assert.deepEqual(cells(row(`${TAG}路燈`)), [1, 1, 3, 3, 1, '±2.000 %', 'CO₂ ±7.280 %', '±7.280 %'], 'the electricity line');
  assert.deepEqual(cells(row(`${TAG}乳牛`)), [3, 3, 3, 27, 3, '−5.000 % / +10.000 %', 'CH₄ 未評估', '未評估'], 'the livestock line');
  // 轉出圖表: the county's figure under its tables, with what it covers.
  const data = readBook(await ask('export_charts', 'quality-nonagency-charts.xlsx'))['資料'];
  const k = data.findIndex((x) => x[0] === '縣市數據品質與不確定性');
  assert.ok(k > 0, '轉出圖表 has the county\'s figure');
  assert.deepEqual(at(data.slice(k), '數據品質等級').slice(1, 3), [want.grade, want.cls]);
  assert.deepEqual(at(data.slice(k), '不確定性（95% 信賴區間）／已評估排放量占比').slice(1, 3), [want.unc, want.assessed]);
  assert.match(at(data.slice(k), '數據品質涵蓋範圍')[1], /非機關單位活動/);
});

test('the lines deleted through the page: each delete asks for a run, and the figures follow', async () => {
  const team = await login('Z', 'TEAM');
  const [[req0]] = sql(`SELECT requests FROM quality_queue WHERE county_id = ${Z()} AND year = ${Y}`);
  await removeMine(team);
  assert.equal(mine().length, 0);
  assert.ok(+sql(`SELECT requests FROM quality_queue WHERE county_id = ${Z()} AND year = ${Y}`)[0][0] >= +req0 + 2, 'a request per delete');
  await quiet();
  assert.deepEqual(stored(), expected(), 'county_quality without them');
});

// Reads every sheet of a workbook with openpyxl (an independent reader): values.
function readBook(file) {
  const py = `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}, ensure_ascii=False, default=str))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
}

async function download(c, location, name) {
  const id = location.match(/id=(\d+)/)[1];
  await waitFor(`the ${name} workbook`, async () => /status s2">完成/.test((await c.get(`/exports?id=${id}`)).text), 60000, 300);
  const dl = await c.req(`/download?id=${id}`, { raw: true });
  assert.equal(dl.status, 200);
  const file = path.join(TMP, name);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  return file;
}
