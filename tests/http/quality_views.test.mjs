// quality_views.test.mjs: issue 13 in the county team's pages (SPEC-2 §2a-2c): the team overview
// shows the county-year's grade (two decimals, 第一級) and uncertainty (three decimals, with the
// share assessed) equal to an independent computation from the stored lines, the lines saved
// before the quality fields (uncovered), and 計算中 while the quality job has requests not yet in
// its figures; the inventory page's table by 類別 (未分類 for a line saved before 類別) and its
// per-gas table (未分氣體 for a line not split) add up to the totals and equal independent sums.
//
// Two schools of 連江縣 (Z) save through the real form (A1-A3 and an interval typed on one line);
// a line of 教育處 is then put back to what a save before migration 0023 left (no 類別, no A1-A3,
// no gases), as a county upgraded mid-year has.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TMP, csrfOf, readXlsx, sql, stack, waitFor, loginAs as login } from '../lib.mjs';

const Y = 2015;   // a year no other suite writes lines for in 連江縣 (Z)
const Z = () => +sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];
const idOf = (code) => +sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
const CODES = ['371036500X', '371036600X', '371030000A'];

after(() => {
  sql(`DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code IN ('${CODES.join("','")}') AND r.year = ${Y}`);
});

async function save(c, fields) {
  const f = await c.get(`/report/edit?year=${Y}`);
  assert.equal(f.status, 200);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '校舍', ...fields });
  assert.equal(r.status, 303, r.text.slice(0, 2000));
}

// Every request so far served by a run.
const quiet = () => waitFor('the quality job to catch up', () => {
  const r = sql(`SELECT requests, done_for FROM quality_queue WHERE county_id = ${Z()} AND year = ${Y}`);
  return r.length && r[0][0] === r[0][1] && +r[0][0] > 0 && !+sql(`SELECT COUNT(*) FROM outbox WHERE county_id = ${Z()} AND year = ${Y} AND done_at IS NULL`)[0][0];
}, 30000, 100);

const rdiv = (n, d) => (n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d)));
// The own lines of Z's active agencies in Y (with more joins before the WHERE).
const FROM = (join = '') => `FROM agencies a JOIN reports r ON r.agency_id = a.id AND r.year = ${Y} JOIN report_lines l ON l.report_id = r.id AND l.part = 'own'
  ${join} WHERE a.county_id = ${Z()} AND a.active = 1`;
const LINES = FROM();
const GASES = (on = '') => FROM(`JOIN report_line_gases g ON g.report_id = l.report_id AND g.part = l.part AND g.item = l.item AND g.seq = l.seq ${on}`);

// The county team's non-agency lines of Z's year: the county's figures count them too (SPEC-2 §2b).
const NA = `FROM county_activities WHERE county_id = ${Z()} AND year = ${Y}`;
const NA_GASES = ['co2', 'ch4', 'n2o', 'hfcs', 'pfcs', 'sf6', 'nf3'];

// The county's grade from its covered own lines and non-agency lines (the form's formula), as "8.46 第一級".
function expectedGrade() {
  const lines = [...sql(`SELECT l.kg_milli, l.a1 * l.a2 * l.a3 ${LINES} AND l.a1 > 0`),
    ...sql(`SELECT kg_milli, used_a1 * used_a2 * used_a3 ${NA} AND used_a1 > 0`)]
    .map(([e, lv]) => [BigInt(e) < 0n ? -BigInt(e) : BigInt(e), BigInt(lv)]);
  const total = lines.reduce((s, [e]) => s + e, 0n);
  const h = lines.reduce((s, [e, lv]) => s + rdiv(rdiv(e * 10000n, total) * lv, 100n), 0n);
  const cls = h < 1000n ? '第一級' : h < 1900n ? '第二級' : '第三級';
  return `${h / 100n}.${String(h % 100n).padStart(2, '0')} ${cls}`;
}

// The county's interval: per gas ROUND(√(AD² + EF²), 5), combined √Σ(E·U)² / ΣE, lower and upper apart.
function expectedInterval() {
  const rows = [...sql(`SELECT g.kg_milli, l.ad_lower_milli, l.ad_upper_milli, g.ef_lower_milli, g.ef_upper_milli ${GASES()} AND l.a1 > 0`),
    ...sql(`SELECT ${NA_GASES.map((g) => `IFNULL(ABS(${g}_milli), 'N'), ${g}_ef_lower_milli, ${g}_ef_upper_milli`).join(', ')},
      used_ad_lower_milli, used_ad_upper_milli ${NA} AND used_a1 > 0`).flatMap((r) => NA_GASES.map((_, i) => r.slice(3 * i, 3 * i + 3))
      .filter(([kg]) => kg !== 'N').map(([kg, efl, efu]) => [kg, r[r.length - 2], r[r.length - 1], efl, efu]))];
  let sl = 0, su = 0, e = 0, abs = 0;
  for (const [kg, adl, adu, efl, efu] of rows) {
    const E = Number(kg) / 1000;
    if (adl === 'NULL' || efl === 'NULL') continue;
    const u = (a, b) => Math.round(Math.sqrt((a / 1e5) ** 2 + (b / 1e5) ** 2) * 1e5) / 1e5;
    sl += (E * u(+adl, +efl)) ** 2;
    su += (E * u(+adu, +efu)) ** 2;
    e += E;
    abs += Math.abs(E);
  }
  // Of every own line and non-agency line: one saved before the quality fields counts as not assessed (worker/quality_job.c).
  const all = (Number(sql(`SELECT SUM(ABS(l.kg_milli)) ${LINES}`)[0][0]) + Number(sql(`SELECT IFNULL(SUM(ABS(kg_milli)), 0) ${NA}`)[0][0])) / 1000;
  const lo = (Math.sqrt(sl) / e * 100).toFixed(3), hi = (Math.sqrt(su) / e * 100).toFixed(3);
  return { text: lo === hi ? `±${lo} %` : `−${lo} % / +${hi} %`, assessed: `${(abs / all * 100).toFixed(2)} %` };
}

const plain = (h) => h.replace(/<[^>]*>/g, '').trim();
const byId = (html, id) => { const m = html.match(new RegExp(`id="${id}"[^>]*>(.*?)</(span|dd)>`, 's')); return m ? plain(m[1]) : null; };
const milli = (s) => BigInt(Math.round(Number(s.replace(/,/g, '')) * 1000));

test('the team overview and the inventory: grade, uncertainty, 類別 and gases equal the stored lines', async () => {
  sql(`UPDATE inventory_years SET is_open = 1 WHERE year = ${Y}`);
  sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE code IN ('${CODES.join("','")}')`);
  // A school with metered electricity (A1 1, meter class 2) and its cars; another with the defaults.
  await save(await login('Z', '371036500X'), { own_electricity: '12000', own_vehicle_gasoline: '300',
    own_electricity_a1: '1', own_electricity_dq_note: '智慧電表連續量測', own_electricity_ad_lower: '2', own_electricity_ad_upper: '2',
    own_electricity_ad_basis: '電表精度 2.0 級', own_ref_R410a: '1.5' });
  await save(await login('Z', '371036600X'), { own_electricity: '5000', outsourced_vehicle_diesel: '40' });
  await save(await login('Z', '371030000A'), { own_natural_gas: '80', own_electricity: '3000' });
  // 教育處's natural gas as a save before 0023 left it: no 類別, no A1-A3, no gases.
  sql(`UPDATE report_lines l JOIN reports r ON r.id = l.report_id SET l.iso_category = 0, l.a1 = 0, l.a2 = 0, l.a3 = 0,
    l.ad_lower_milli = NULL, l.ad_upper_milli = NULL WHERE r.agency_id = ${idOf('371030000A')} AND r.year = ${Y} AND l.item = 'natural_gas'`);
  sql(`DELETE g FROM report_line_gases g JOIN reports r ON r.id = g.report_id WHERE r.agency_id = ${idOf('371030000A')} AND r.year = ${Y} AND g.item = 'natural_gas'`);
  // A save of another report asks for the next run, which reads the planted line.
  await save(await login('Z', '371036600X'), { own_electricity: '5100', outsourced_vehicle_diesel: '40' });
  await quiet();

  const team = await login('Z', 'TEAM');
  let page = await team.get(`/team?year=${Y}`);
  assert.equal(page.status, 200);
  const grade = expectedGrade(), unc = expectedInterval();
  assert.equal(`${byId(page.text, 'team-grade')} ${byId(page.text, 'team-class')}`, grade, 'the county grade, two decimals');
  assert.equal(byId(page.text, 'team-uncertainty'), unc.text, 'the county uncertainty, three decimals');
  assert.equal(byId(page.text, 'team-assessed'), unc.assessed, 'the share assessed');
  assert.match(byId(page.text, 'team-uncovered'), /^1 筆（[\d,.]+ KgCO₂e）於數據品質欄位啟用前存檔/, 'the line saved before the quality fields, said');
  assert.doesNotMatch(page.text, /id="team-pending"/, 'current: no 計算中');

  // The inventory page: the same figures, and the tables by 類別 and by gas.
  page = await team.get(`/team/inventory?year=${Y}`);
  assert.equal(page.status, 200);
  assert.equal(`${byId(page.text, 'inv-grade')} ${byId(page.text, 'inv-class')}`, grade, 'the inventory: the same grade');
  assert.equal(byId(page.text, 'inv-uncertainty'), unc.text, 'and interval');
  const table = (id) => Object.fromEntries([...page.text.split(`id="${id}"`)[1].split('</table>')[0].matchAll(/<tr data-(?:iso|row)="(\w+)">(.*?)<\/tr>/gs)]
    .map(([, k, row]) => [k, [...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => milli(m[1]))]));
  const iso = table('inv-iso');
  const total = milli(byId(page.text, 'inv-total').replace(/ KgCO₂e$/, ''));
  const sumOf = (q) => BigInt(sql(q)[0][0] === 'NULL' ? 0 : sql(q)[0][0]);
  for (const k of ['1', '2', '0']) {
    assert.equal(iso[k][0], sumOf(`SELECT IFNULL(SUM(l.kg_milli), 0) ${LINES} AND l.iso_category = ${k}`), `類別 ${k}: the agencies' own lines`);
    assert.equal(iso[k][1], sumOf(`SELECT IFNULL(SUM(kg_milli), 0) FROM county_activities WHERE county_id = ${Z()} AND year = ${Y} AND kg_milli > 0 AND iso_category = ${k}`),
      `類別 ${k}: the non-agency lines`);
  }
  assert.ok(iso['0'][0] > 0n, 'the planted line is 未分類');
  assert.match(page.text, /id="inv-iso-note">「未分類」為類別欄位啟用前存檔之明細/, 'and said so');
  assert.equal(Object.values(iso).reduce((s, r) => s + r[2], 0n), total, 'the 類別 column adds up to the total');
  assert.equal(iso['3'][3], sumOf(`SELECT SUM(l.kg_milli) FROM agencies a JOIN reports r ON r.agency_id = a.id AND r.year = ${Y}
    JOIN report_lines l ON l.report_id = r.id AND l.part = 'outsourced' WHERE a.county_id = ${Z()} AND a.active = 1 AND l.iso_category = 3`),
  '委外 公務車 diesel: 類別三, beside the total');

  const gas = table('inv-gas');
  assert.match(page.text, /<th class="num" data-gas="none">未分氣體<\/th>/, 'the planted line: 未分氣體, a column of its own');
  assert.match(page.text, /id="inv-gas-note">「未分氣體」/);
  for (const k of ['agencies', 'nonagency', 'total']) {
    const r = gas[k];
    assert.equal(r.slice(0, -1).reduce((s, v) => s + v, 0n), r[r.length - 1], `${k}: the gases add up to the row's total`);
  }
  assert.equal(gas.total[gas.total.length - 1], total, 'the per-gas table\'s total is the inventory\'s');
  const own = (g) => sumOf(`SELECT IFNULL(SUM(g.kg_milli), 0) ${GASES(`AND g.gas = '${g}'`)}`);
  assert.equal(gas.agencies[0], own('CO2'), 'CO₂ of the agencies equals report_line_gases');
  assert.equal(gas.agencies[3], own('HFCs'), 'HFCs (R410a) of the agencies');
  assert.ok(gas.agencies[3] > 0n, 'the refrigerant is HFCs');
  assert.equal(gas.agencies[7], sumOf(`SELECT IFNULL(SUM(l.kg_milli), 0) ${LINES} AND l.item = 'natural_gas'`), '未分氣體: the planted line');

  // 計算中 while the quality job has a request not in its figures (its worker stopped), gone once it ran.
  stack('stop-service', 'quality');
  try {
    sql(`UPDATE quality_queue SET requests = requests + 1 WHERE county_id = ${Z()} AND year = ${Y}`);
    page = await team.get(`/team?year=${Y}`);
    assert.equal(byId(page.text, 'team-pending'), '計算中', 'the figures are older than the data: 計算中');
    assert.equal(`${byId(page.text, 'team-grade')} ${byId(page.text, 'team-class')}`, grade, 'beside the last figures');
  } finally {
    stack('start-service', 'quality');
  }
  await quiet();
  page = await team.get(`/team?year=${Y}`);
  assert.doesNotMatch(page.text, /id="team-pending"/, 'the run done: no 計算中');
});

// Reads every sheet of a workbook with openpyxl (an independent reader): values.
function readBook(file) {
  const py = `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}, ensure_ascii=False, default=str))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
}
const chartsOf = (file) => JSON.parse(execFileSync('/usr/bin/python3', ['-c', `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([z.read(n).decode('utf8') for n in sorted(z.namelist()) if n.startswith('xl/charts/chart')], ensure_ascii=False))`, file], { encoding: 'utf8' }));

async function download(c, location, name) {
  const id = location.match(/id=(\d+)/)[1];
  await waitFor(`the ${name} workbook`, async () => /status s2">完成/.test((await c.get(`/exports?id=${id}`)).text), 60000, 300);
  const dl = await c.req(`/download?id=${id}`, { raw: true });
  assert.equal(dl.status, 200);
  const file = path.join(TMP, name);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  return file;
}

test('轉出明細 and 轉出圖表 read by openpyxl: 類別, gases, A1-A3, intervals, grades equal the pages', async () => {
  await quiet();
  const team = await login('Z', 'TEAM');
  const page = await team.get(`/team/inventory?year=${Y}`);
  const r = await team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action: 'export_detail' });
  assert.equal(r.status, 303);
  const book = readBook(await download(team, r.headers.get('location'), 'quality-views-detail.xlsx'));
  const m = (x) => BigInt(Math.round(x * 1000));
  const sum = book['摘要'];
  const at = (label) => sum.findIndex((row) => row[0] === label);
  // The county's grade and interval: the page's text.
  assert.deepEqual(sum[at('數據品質等級')].slice(1, 3), [byId(page.text, 'inv-grade'), byId(page.text, 'inv-class')]);
  assert.deepEqual(sum[at('不確定性（95% 信賴區間）／已評估排放量占比')].slice(1, 3), [byId(page.text, 'inv-uncertainty'), byId(page.text, 'inv-assessed')]);
  // By 類別 and by gas: the page's tables.
  const pageRows = (id, key) => [...page.text.split(`id="${id}"`)[1].split('</tbody>')[0].matchAll(new RegExp(`<tr data-${key}="\\w+"><th>([^<]+)</th>(.*?)</tr>`, 'gs'))]
    .map(([, label, cells]) => [label, ...[...cells.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((x) => milli(x[1]))]);
  const isoPage = pageRows('inv-iso', 'iso');
  const i0 = at('類別（ISO 14064-1:2018）') + 1;
  const isoBook = sum.slice(i0, i0 + isoPage.length).map((row) => [row[0].replace(/（.*/, ''), ...row.slice(1, 5).map(m)]);
  assert.deepEqual(isoBook, isoPage, 'the 類別 block = the page\'s table (未分類 included)');
  const g0 = at('溫室氣體') + 1;
  const gasBook = sum.slice(g0, g0 + 9).map((row) => [row[0], ...row.slice(1, 4).map(m)]);
  const gasPage = pageRows('inv-gas', 'row');   // rows: agencies, nonagency, total; columns: gases, 未分氣體, total
  const heads = [...page.text.split('id="inv-gas"')[1].split('</thead>')[0].matchAll(/<th class="num"[^>]*>([^<]+)<\/th>/g)].map((x) => x[1]);
  assert.deepEqual(gasBook.map((row) => row[0].replace(/（.*/, '')), heads.map((h) => (h === '合計' ? '合計' : h)), 'the gases, 未分氣體, 合計');
  heads.forEach((h, j) => assert.deepEqual(gasBook[j].slice(1), gasPage.map((row) => row[1 + j]), `${h}: the page's column`));

  // Per line: 範疇, 類別, gases adding up, A1-A3, level, intervals as stored.
  const lines = book['機關排放明細'];
  const col = (name) => lines[0].indexOf(name);
  const rows = lines.slice(1).filter((row) => ['371036500X', '371030000A'].includes(row[0]) && row[5]);
  const elec = rows.find((row) => row[0] === '371036500X' && row[6] === '電力');
  assert.equal(elec[col('範疇')], '範疇二');
  assert.equal(elec[col('類別')], '類別二');
  assert.deepEqual([elec[col('A1 活動數據種類')], elec[col('A2 活動數據可信度')], elec[col('A3 係數種類')], elec[col('誤差等級(A1×A2×A3)')]], [1, 1, 3, 3]);
  assert.equal(elec[col('活動數據不確定性（95%）')], '±2.000 %');
  assert.equal(elec[col('各氣體不確定性（95%）')], 'CO₂ ±7.280 %', '√(2² + 7²)');
  for (const row of rows) {
    const gases = ['CO₂(KgCO₂e)', 'CH₄(KgCO₂e)', 'N₂O(KgCO₂e)', 'HFCs(KgCO₂e)', 'PFCs(KgCO₂e)', 'SF₆(KgCO₂e)', 'NF₃(KgCO₂e)', '未分氣體(KgCO₂e)'];
    assert.equal(gases.reduce((s, g) => s + m(row[col(g)] || 0), 0n), m(row[col('排放量(KgCO₂e)')]), `${row[0]} ${row[6]}: the gases add up to the line`);
  }
  const planted = rows.find((row) => row[0] === '371030000A' && row[6] === '天然氣');
  assert.equal(planted[col('類別')], '未分類');
  assert.match(planted[col('A1 活動數據種類')], /^未設定/);
  assert.equal(m(planted[col('未分氣體(KgCO₂e)')]), m(planted[col('排放量(KgCO₂e)')]));
  const diesel = lines.slice(1).find((row) => row[0] === '371036600X' && row[5] === '委外');
  assert.deepEqual([diesel[col('範疇')], diesel[col('類別')]], ['範疇三', '類別三'], '委外 公務車 diesel');
  // 填報情形: each agency's and subtree's grade as quality_rollups hold it, as the review page writes it.
  const filing = book['填報情形'];
  const bureau = filing.find((row) => row[0] === '371030000A');
  const [[gh, g]] = sql(`SELECT grade_hundredths, grade FROM quality_rollups WHERE agency_id = ${idOf('371030000A')} AND year = ${Y} AND scope = 'subtree'`);
  assert.equal(bureau[filing[0].indexOf('含所屬機關數據品質等級')], (Number(gh) / 100).toFixed(2));
  assert.equal(bureau[filing[0].indexOf('含所屬機關數據品質等級') + 1], ['', '第一級', '第二級', '第三級'][+g]);

  // 轉出圖表: a chart by 類別 reading its table on 資料.
  const rc = await team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action: 'export_charts' });
  const file = await download(team, rc.headers.get('location'), 'quality-views-charts.xlsx');
  const xml = chartsOf(file);
  assert.ok(xml.some((x) => /依類別/.test(x) && /資料/.test(x)), 'a chart by 類別 on 資料');
  const data = readBook(file)['資料'];
  const k = data.findIndex((row) => row[0] === '依類別');
  assert.deepEqual(data.slice(k + 1, k + 1 + isoPage.length).map((row) => [row[0], m(row[1])]),
    [...isoPage.filter((x) => x[0] !== '未分類'), ...isoPage.filter((x) => x[0] === '未分類')].map((x) => [x[0], x[3] + x[4]]),
    'its table: own and 委外 by 類別, as the page\'s chart');
});

test('the review workbook (所屬機關 轉excel): each subtree\'s grade and uncertainty as the review page shows them', async () => {
  await quiet();
  const bureau = await login('Z', '371030000A');
  const id = idOf('371030000A');
  const page = await bureau.get(`/review?year=${Y}&agency=${id}`);
  assert.equal(page.status, 200);
  const r = await bureau.post('/review/export', { csrf: csrfOf(page.text), year: String(Y), agency: String(id) });
  assert.equal(r.status, 303);
  const rows = readXlsx(await download(bureau, r.headers.get('location'), 'quality-views-review.xlsx'));
  assert.equal(rows[1][8], '數據品質等級(包含所屬機關)');
  let n = 0;
  for (const code of ['371036500X', '371036600X']) {
    const cells = page.text.match(new RegExp(`<tr data-agency="${idOf(code)}">.*?<td class="num grade">(.*?)</td><td class="num uncertainty">(.*?)</td>`, 's'));
    const grade = plain(cells[1].replace(/<br>.*/s, '')), unc = cells[2].split('<br>').map(plain);
    const row = rows.find((x) => x[2] === code);
    assert.equal(`${row[8]} ${row[9]}`, grade, `${code}: the grade as on the page`);
    assert.equal(row[10], unc[0], `${code}: the interval as on the page`);
    assert.equal(`評估占比 ${row[11]}`, unc[1], `${code}: the share assessed`);
    assert.match(grade, /^\d+\.\d\d 第[一二三]級$/);
    n++;
  }
  assert.equal(n, 2);
});
