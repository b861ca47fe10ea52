// inventory.test.mjs: 盤查清冊 — totals by category, scope and level equal to independent SQL sums
// of the agencies' lines and the non-agency lines (outsourced and removals apart); server-drawn
// SVG charts; publication only of a locked year (年度鎖定); the public sees published county-years only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, TMP, csrfOf, outboxDrained, sql, waitFor } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  assert.equal(r.status, 303);
  return c;
}
const Y = 2021;
const W = () => sql("SELECT id FROM counties WHERE letter = 'W'")[0][0];
const num = (s) => Number(s.replace(/,/g, ''));
const cell = (html, id) => html.match(new RegExp(`id="${id}">([-\\d,.]+)`))[1];

// 年度鎖定 of W's year, every agency not 已確認 listed as an exception; and its unlocking.
async function lockYear(team) {
  await outboxDrained();   // a year with totals still pending is not locked
  const p = await team.get(`/team/years/lock?year=${Y}`);
  const form = { csrf: csrfOf(p.text), action: 'lock', year: String(Y) };
  for (const [, id, st] of p.text.matchAll(/name="st_(\d+)" value="(\d)"/g)) Object.assign(form, { [`st_${id}`]: st, [`reason_${id}`]: '測試：尚未確認' });
  const r = await team.post('/team/years/lock', form);
  assert.equal(r.status, 303, r.text);
}
async function unlockYear(team) {
  const p = await team.get(`/team/years/lock?year=${Y}`);
  const lock = p.text.match(/name="lock" value="(\d+)"/)[1];
  const r = await team.post('/team/years/lock', { csrf: csrfOf(p.text), action: 'unlock', year: String(Y), lock, reason: '測試結束' });
  assert.equal(r.status, 303, r.text);
  sql(`DELETE x FROM year_lock_exceptions x JOIN year_locks l ON l.id = x.lock_id WHERE l.county_id = ${W()} AND l.year = ${Y};
       DELETE FROM year_locks WHERE county_id = ${W()} AND year = ${Y}`);
}

async function setYearOpen(team, open) {
  const p = await team.get('/team/years');
  const form = { csrf: csrfOf(p.text), year: String(Y), deadline: '' };
  if (open) form.is_open = '1';
  return team.post('/team/years', form);
}

test('the inventory of a year: totals equal independent sums of its parts; charts drawn on the server', async () => {
  const w = W();
  sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '082-123456', contact_email = 'x@example.gov.tw' WHERE county_id = ${w}`);
  // Agencies' data: the county hall and its bureau save reports (own and outsourced).
  for (const [code, kwh] of [['397020000A', '12000'], ['397030000A', '3000']]) {
    const c = await login('W', code);
    const f = await c.get(`/report/edit?year=${Y}`);
    const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
    const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍',
      own_electricity: kwh, own_vehicle_gasoline: '250', outsourced_electricity: '500' });
    assert.equal(r.status, 303, r.text);
  }
  // Non-agency lines: street lighting, a landfill, a forest (removal).
  const team = await login('W', 'TEAM');
  sql(`DELETE FROM county_activities WHERE county_id = ${w} AND year = ${Y}`);
  for (const [method, fields] of [['elec_street', { q: '50000' }], ['landfill', { q: '100', opt1: 'food', opt2: 'managed_anaerobic' }],
    ['landuse', { q: '10', q2: '-3', note: '示例係數' }]]) {
    const f = await team.get(`/team/activities?year=${Y}&method=${method}`);
    const r = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method, year: String(Y), id: '0', version: '0', ...fields });
    assert.equal(r.status, 303, r.text);
  }
  const page = await team.get(`/team/inventory?year=${Y}`);
  assert.equal(page.status, 200);
  // Independent sums.
  const [[agOwn, agOut]] = sql(`SELECT IFNULL(SUM(IF(l.part = 'own', l.kg_milli, 0)), 0), IFNULL(SUM(IF(l.part = 'outsourced', l.kg_milli, 0)), 0)
    FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ${w} AND a.active = 1 AND r.year = ${Y}`);
  const [[naPos, naNeg]] = sql(`SELECT IFNULL(SUM(IF(kg_milli > 0, kg_milli, 0)), 0), IFNULL(SUM(IF(kg_milli < 0, kg_milli, 0)), 0)
    FROM county_activities WHERE county_id = ${w} AND year = ${Y}`);
  const m = (x) => Math.round(num(x) * 1000);
  assert.equal(m(cell(page.text, 'inv-agencies')), Number(agOwn));
  assert.equal(m(cell(page.text, 'inv-nonagency')), Number(naPos));
  assert.equal(m(cell(page.text, 'inv-total')), Number(agOwn) + Number(naPos), 'total = agencies + non-agency');
  assert.equal(m(cell(page.text, 'inv-outsourced')), Number(agOut), 'outsourced apart');
  assert.equal(m(cell(page.text, 'inv-removals')), Number(naNeg), 'removals apart');
  assert.ok(Number(agOwn) > 0 && Number(naPos) > 0 && Number(agOut) > 0 && Number(naNeg) < 0);
  // Categories and scopes each add up to the total.
  const catRows = [...page.text.split('id="inv-category"')[1].split('</tbody>')[0].matchAll(/<td class="num">([-\d,.]+)<\/td><\/tr>/g)].map((x) => m(x[1]));
  assert.equal(catRows.length, 7);
  assert.equal(catRows.reduce((a, b) => a + b, 0), m(cell(page.text, 'inv-total')));
  const scopeRows = [...page.text.split('id="inv-scope"')[1].split('</table>')[0].matchAll(/<td class="num">([-\d,.]+)<\/td>/g)].map((x) => m(x[1]));
  assert.equal(scopeRows.reduce((a, b) => a + b, 0), m(cell(page.text, 'inv-total')));
  // By category against SQL: 交通運輸 is the agencies' gasoline only; 廢棄物 the landfill only.
  const [[transport]] = sql(`SELECT SUM(l.kg_milli) FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id
    WHERE a.county_id = ${w} AND r.year = ${Y} AND l.part = 'own' AND l.category = 'transport'`);
  assert.match(page.text, new RegExp(`data-category="transport"><th>交通運輸</th><td class="num">[^<]+</td><td class="num">0.000</td><td class="num">${(Number(transport) / 1000).toLocaleString('en-US', { minimumFractionDigits: 3 })}<`));
  // 100 t food: 100,000 x 0.15 x 0.5 x 1.0 x 0.5 x 16/12 x GWP 25 (AR4 in 2021) = 125,000.
  assert.match(page.text, /data-category="waste"><th>廢棄物<\/th><td class="num">0.000<\/td><td class="num">125,000.000<\/td>/);
  // The largest emitters and the levels.
  assert.match(page.text, /id="inv-top"[\s\S]*金門縣政府[\s\S]*金門縣環境保護局/);
  // Charts: SVG made by the server, one bar per category; no script.
  const svg = page.text.match(/<svg[^>]*id="chart-category"[\s\S]*?<\/svg>/)[0];
  assert.equal((svg.match(/<rect class="bar"/g) || []).length, 7);
  assert.match(page.text, /id="chart-scope"/);
  assert.match(page.text, /id="chart-level"/);
  assert.match(page.text, /id="chart-top"/);
  assert.match(page.text, /id="chart-trend"/);
  assert.doesNotMatch(page.text, /<script/);
});

test('publication: only a locked year; the public sees published county-years only; withdrawal hides it again', async () => {
  const team = await login('W', 'TEAM');
  const anon = new Client();
  assert.equal((await anon.get(`/public?county=W&year=${Y}`)).status, 404, 'unpublished: not found');
  assert.doesNotMatch((await anon.get('/public')).text, /county=W&amp;year=/);
  // Not locked, whether open or closed: publishing is refused.
  for (const open of [true, false]) {
    assert.equal((await setYearOpen(team, open)).status, 303);
    const inv = await team.get(`/team/inventory?year=${Y}`);
    const r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'publish' });
    assert.equal(r.status, 303);
    assert.match(r.headers.get('location'), /must_lock=1/, `open ${open}`);
    assert.equal(sql(`SELECT published_at IS NULL FROM inventory_years WHERE county_id = ${W()} AND year = ${Y}`)[0][0], '1');
  }
  // Locked: published.
  await lockYear(team);
  const inv = await team.get(`/team/inventory?year=${Y}`);
  let r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'publish' });
  assert.equal(r.status, 303);
  const teamPage = await team.get(`/team/inventory?year=${Y}`);
  assert.match(teamPage.text, /id="published">已公開/);
  const list = await anon.get('/public');
  assert.match(list.text, new RegExp(`href="/public\\?county=W&amp;year=${Y}"`));
  const pub = await anon.get(`/public?county=W&year=${Y}`);
  assert.equal(pub.status, 200);
  assert.equal(cell(pub.text, 'inv-total'), cell(teamPage.text, 'inv-total'), 'the public sees the team\'s figures');
  assert.match(pub.text, /id="chart-category"/);
  // The public trend shows published years only, though the county has data in others.
  sql(`INSERT INTO county_activities (county_id, year, method, description, quantity, kg_milli, category, scope, factor_text, unit_text,
    method_text, sources, created_by, updated_by, created_at, updated_at) SELECT ${W()}, 2018, 'septic', '未公開年度', 1, 1000, 6, 1, '1', '人日', 'x', 'x',
    id, id, NOW(3), NOW(3) FROM accounts WHERE kind = 'admin' AND login = 'admin'`);
  const again = await anon.get(`/public?county=W&year=${Y}`);
  assert.deepEqual([...again.text.matchAll(/<tr data-year="(\d+)">/g)].map((x) => x[1]), [String(Y)]);
  assert.match((await team.get(`/team/inventory?year=${Y}`)).text, /<tr data-year="2018">/, 'the team sees every year');
  sql(`DELETE FROM county_activities WHERE county_id = ${W()} AND year = 2018`);
  assert.doesNotMatch(pub.text, /name="csrf"[^>]*>[^<]*<input type="hidden" name="action" value="withdraw"/);
  // Another county's year is not published: not found; nor is a year never opened.
  assert.equal((await anon.get(`/public?county=Z&year=${Y}`)).status, 404);
  assert.equal((await anon.get('/public?county=W&year=1999')).status, 404);
  // While published: non-agency lines and reopening are refused.
  const f = await team.get(`/team/activities?year=${Y}&method=septic`);
  const refused = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'septic', year: String(Y), id: '0', version: '0', q: '1' });
  assert.equal(refused.status, 409);
  assert.match(refused.text, /已公開/);
  const reopen = await setYearOpen(team, true);
  assert.equal(reopen.status, 400);
  assert.match(reopen.text, /須先於「盤查清冊」撤回公開/);
  // Withdraw: gone from the public again.
  r = await team.post('/team/inventory', { csrf: csrfOf(teamPage.text), year: String(Y), action: 'withdraw' });
  assert.equal(r.status, 303);
  assert.equal((await anon.get(`/public?county=W&year=${Y}`)).status, 404);
  assert.doesNotMatch((await anon.get('/public')).text, new RegExp(`county=W&amp;year=${Y}`));
  // Leave the year unlocked and open again for the suites that follow.
  await unlockYear(team);
  assert.equal((await setYearOpen(team, true)).status, 303);
  // Only the team may publish; an agency is refused.
  const agency = await login('W', '397020000A');
  assert.equal((await agency.get(`/team/inventory?year=${Y}`)).status, 403);
  await outboxDrained(30000);
});

// Reads every sheet of a workbook with openpyxl (an independent reader): values and cell types.
function readBook(file) {
  const py = `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    out[ws.title] = [[[c.value, c.data_type] for c in row] for row in ws.iter_rows()]
print(json.dumps(out, ensure_ascii=False, default=str))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
}
function chartsOf(file) {
  const py = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
charts = sorted(n for n in z.namelist() if n.startswith('xl/charts/chart'))
print(json.dumps({n: z.read(n).decode('utf8') for n in charts}, ensure_ascii=False))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
}

async function download(c, location, name) {
  const id = location.match(/id=(\d+)/)[1];
  const done = await waitFor(`the ${name} workbook`, async () => {
    const s = await c.get(`/exports?id=${id}`);
    return /status s2">完成/.test(s.text) ? s : null;
  }, 60000, 300);
  assert.ok(done);
  const dl = await c.req(`/download?id=${id}`, { raw: true });
  assert.equal(dl.status, 200);
  const file = path.join(TMP, name);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  return { id, file };
}

test('轉出明細 and 轉出圖表: built by the worker, read back cell by cell, charts present; rebuilt only when the data changed', async () => {
  const w = W();
  const team = await login('W', 'TEAM');
  // A formula-like description must stay text in the workbook.
  const f = await team.get(`/team/activities?year=${Y}&method=compost`);
  assert.equal((await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'compost', year: String(Y), id: '0', version: '0',
    description: '=HYPERLINK("http://example.com","x")', q: '10' })).status, 303);
  // The save asks for a quality run (the county's grade counts the line), whose figures the
  // workbooks' stamp carries: settled first, so the same request twice is the same data.
  await waitFor('the quality run of the save', () => {
    const q = sql(`SELECT requests, done_for FROM quality_queue WHERE county_id = ${w} AND year = ${Y}`);
    return q.length && q[0][0] === q[0][1];
  }, 30000, 100);
  const page = await team.get(`/team/inventory?year=${Y}`);
  const r = await team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action: 'export_detail' });
  assert.equal(r.status, 303);
  const detail = await download(team, r.headers.get('location'), 'inventory-detail.xlsx');
  const book = readBook(detail.file);
  assert.deepEqual(Object.keys(book), ['摘要', '機關排放明細', '非機關單位活動', '排除與註記', '填報情形', '使用係數']);
  const val = (rows, label) => rows.find((row) => row[0][0] === label)[1][0];
  const m = (x) => Math.round(x * 1000);
  assert.equal(m(val(book['摘要'], '排放總量(KgCO₂e)')), m(num(cell(page.text, 'inv-total'))));
  assert.equal(m(val(book['摘要'], '機關填報(KgCO₂e)')), m(num(cell(page.text, 'inv-agencies'))));
  assert.equal(m(val(book['摘要'], '非機關單位活動(KgCO₂e)')), m(num(cell(page.text, 'inv-nonagency'))));
  assert.equal(m(val(book['摘要'], '委外操作(KgCO₂e，不納入總量)')), m(num(cell(page.text, 'inv-outsourced'))));
  // Categories: the page's table row by row.
  const pageCats = [...page.text.split('id="inv-category"')[1].split('</tbody>')[0].matchAll(/<th>([^<]+)<\/th><td class="num">([-\d,.]+)<\/td><td class="num">([-\d,.]+)<\/td><td class="num">([-\d,.]+)<\/td>/g)]
    .map((x) => [x[1], m(num(x[2])), m(num(x[3])), m(num(x[4]))]);
  const start = book['摘要'].findIndex((row) => row[0][0] === '排放類別') + 1;
  const sheetCats = book['摘要'].slice(start, start + 7).map((row) => [row[0][0], m(row[1][0]), m(row[2][0]), m(row[3][0])]);
  assert.deepEqual(sheetCats, pageCats);
  // Every form line of every agency; every agency at least once.
  const lines = book['機關排放明細'].slice(1);
  const [[nLines]] = sql(`SELECT COUNT(*) FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ${w} AND a.active = 1 AND r.year = ${Y}`);
  const [[nBare]] = sql(`SELECT COUNT(*) FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ${Y} WHERE a.county_id = ${w} AND a.active = 1 AND (r.id IS NULL OR NOT EXISTS (SELECT 1 FROM report_lines l WHERE l.report_id = r.id))`);
  assert.equal(lines.length, Number(nLines) + Number(nBare));
  const head = book['機關排放明細'][0].map((x) => x[0]);
  const kgCol = head.indexOf('排放量(KgCO₂e)');
  const own = lines.filter((row) => row[5][0] === '自有').reduce((a, row) => a + m(row[kgCol][0]), 0);
  assert.equal(own, m(num(cell(page.text, 'inv-agencies'))), 'own lines add up to the agencies\' total');
  // Each line's quantity with its unit (the form's units, SPEC §4), as a number.
  const units = { 電力: '度', 天然氣: '立方公尺', 瓦斯: '公斤', '公務車用油 汽油': '公升', '公務車用油 柴油': '公升',
    '其他設施(如發電機) 柴油': '公升', 二氧化碳滅火器: '公斤', BC乾粉滅火器: '公斤', KBC乾粉滅火器: '公斤', 冷媒: '公斤' };
  const withLine = lines.filter((row) => row[5][0]);
  assert.ok(withLine.length > 0);
  for (const row of withLine) {
    assert.equal(row[head.indexOf('單位')][0], units[row[6][0]], `${row[0][0]} ${row[6][0]}: its unit`);
    assert.equal(row[head.indexOf('數量')][1], 'n', 'its quantity a number cell');
  }
  const na = book['非機關單位活動'].slice(1);
  assert.equal(na.length, Number(sql(`SELECT COUNT(*) FROM county_activities WHERE county_id = ${w} AND year = ${Y}`)[0][0]));
  // Its quantities as number cells equal to the stored ones, and each line's gases adding up to it.
  const naHead = book['非機關單位活動'][0].map((x) => x[0]);
  const nc = (h) => naHead.indexOf(h);
  const gasHeads = ['CO₂(KgCO₂e)', 'CH₄(KgCO₂e)', 'N₂O(KgCO₂e)', 'HFCs(KgCO₂e)', 'PFCs(KgCO₂e)', 'SF₆(KgCO₂e)', 'NF₃(KgCO₂e)', '未分氣體(KgCO₂e)'];
  assert.ok(gasHeads.every((g) => nc(g) > nc('排放量(KgCO₂e)')), 'a column for each gas after the line\'s total');
  for (const row of na) {
    assert.equal(row[nc('數量')][1], 'n', 'the quantity a number cell');
    assert.equal(gasHeads.reduce((t, g) => t + m(row[nc(g)][0] || 0), 0), m(row[nc('排放量(KgCO₂e)')][0]), `${row[nc('說明')][0]}: the gases add up`);
  }
  const sortedN = (xs) => xs.map(Number).sort((a, b) => a - b);
  assert.deepEqual(sortedN(na.map((row) => m(row[nc('數量')][0]))),
    sortedN(sql(`SELECT ROUND(quantity * 1000) FROM county_activities WHERE county_id = ${w} AND year = ${Y}`).map(([q]) => q)));
  assert.deepEqual(sortedN(na.filter((row) => row[nc('第二數量')][0] !== null).map((row) => Math.round(row[nc('第二數量')][0] * 1e6))),
    sortedN(sql(`SELECT ROUND(quantity2 * 1000000) FROM county_activities WHERE county_id = ${w} AND year = ${Y} AND quantity2 IS NOT NULL`).map(([q]) => q)));
  const hyper = na.find((row) => String(row[2][0]).startsWith('=HYPERLINK'));
  assert.ok(hyper, 'the formula-like description is there');
  assert.equal(hyper[2][1], 's', 'as a string cell, never a formula');
  assert.equal(book['填報情形'].length - 1, Number(sql(`SELECT COUNT(*) FROM agencies WHERE county_id = ${w} AND active = 1`)[0][0]));
  // 使用係數: the factors the lines were computed with, each with its lines and their sum, adding up to every line.
  const used = book['使用係數'];
  assert.deepEqual(used[0].map((x) => x[0]), ['排放源', '項目', '單位', '係數(kgCO₂e/單位)', 'GWP 版本', '來源', '暫用係數', '明細筆數', '排放量(KgCO₂e)']);
  const [[nAg, kgAg]] = sql(`SELECT COUNT(*), IFNULL(SUM(l.kg_milli), 0) FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id
    WHERE a.county_id = ${w} AND a.active = 1 AND r.year = ${Y} AND l.factor_text <> ''`);
  const [[nNa, kgNa]] = sql(`SELECT COUNT(*), IFNULL(SUM(kg_milli), 0) FROM county_activities WHERE county_id = ${w} AND year = ${Y} AND factor_text <> ''`);
  const usedSum = (rows) => [rows.reduce((t, row) => t + row[7][0], 0), rows.reduce((t, row) => t + m(row[8][0]), 0)];
  assert.deepEqual(usedSum(used.slice(1).filter((row) => row[0][0] !== '非機關單位活動')), [Number(nAg), Number(kgAg)], 'the agencies\' lines');
  assert.deepEqual(usedSum(used.slice(1).filter((row) => row[0][0] === '非機關單位活動')), [Number(nNa), Number(kgNa)], 'the non-agency lines');
  const factorTexts = new Set(sql(`SELECT DISTINCT factor_text FROM county_activities WHERE county_id = ${w} AND year = ${Y} AND factor_text <> ''`).map(([x]) => x));
  assert.ok([...factorTexts].every((t) => used.some((row) => row[0][0] === '非機關單位活動' && row[3][0] === t)), 'each non-agency factor listed');
  // The same request again: the same file (nothing changed).
  const again = await team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action: 'export_detail' });
  assert.equal(again.headers.get('location'), `/exports?id=${detail.id}&reused=1`);
  // Charts.
  const rc = await team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action: 'export_charts' });
  const charts = await download(team, rc.headers.get('location'), 'inventory-charts.xlsx');
  const xml = chartsOf(charts.file);
  assert.equal(Object.keys(xml).length, 6, 'categories, scopes, levels, largest emitters, trend, 類別');
  for (const x of Object.values(xml)) assert.match(x, /資料/, 'each chart reads the data sheet');
  assert.ok(Object.values(xml).some((x) => /<c:pieChart>/.test(x)));
  assert.ok(Object.values(xml).some((x) => /<c:lineChart>/.test(x)));
  const data = readBook(charts.file)['資料'];
  const i = data.findIndex((row) => row[0][0] === '依排放類別');
  assert.deepEqual(data.slice(i + 1, i + 8).map((row) => [row[0][0], m(row[1][0])]), pageCats.map((x) => [x[0], x[3]]));
  // A change under it: a new build.
  const g = await team.get(`/team/activities?year=${Y}&method=septic`);
  assert.equal((await team.post('/team/activities', { csrf: csrfOf(g.text), action: 'save', method: 'septic', year: String(Y), id: '0', version: '0', q: '100' })).status, 303);
  const third = await team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action: 'export_detail' });
  assert.doesNotMatch(third.headers.get('location'), new RegExp(`id=${detail.id}\\b`));
  // Another county's team cannot download it.
  const z = await login('Z', 'TEAM');
  assert.equal((await z.get(`/download?id=${detail.id}`)).status, 404);
  // Kept 30 days: once expired, the worker deletes the file and the row forgets it.
  const [[file, expires]] = sql(`SELECT file, DATEDIFF(expires_at, NOW()) FROM exports WHERE id = ${detail.id}`);
  assert.ok(Number(expires) >= 29 && Number(expires) <= 30, `expires in 30 days (${expires})`);
  const onDisk = path.join(process.env.CITYINV_VAR, 'files', file);
  assert.ok(fs.existsSync(onDisk));
  sql(`UPDATE exports SET expires_at = NOW() - INTERVAL 1 SECOND WHERE id = ${detail.id}`);
  await waitFor('the expired workbook to be deleted', () => !fs.existsSync(onDisk), 30000, 200);
  assert.equal(sql(`SELECT file IS NULL FROM exports WHERE id = ${detail.id}`)[0][0], '1');
  assert.equal((await team.get(`/download?id=${detail.id}`)).status, 404);
});
