// overview_status.test.mjs: what the county team sees of 確認 / 退回: 填報情形總覽 (未登錄, 登錄中 of
// which 退回, 已登錄完成, 已確認) equal to independent SQL counts, the 逾期待確認 list (已登錄完成 longer
// than N = inventory_years.confirm_within_days since filed_at, longest first, with the parent that
// confirms), and the workbooks — read back with openpyxl — stating each agency's state and the
// version its figures come from (第 n 版 / 未確認 / 未確認（前次第 n 版）).  The states are set up with
// SQL on agencies of the test's own in 臺東縣 (V), which has no demo data.  The workbooks and pages
// read only the reports' state columns, so no version row is written (one could never be deleted):
// everything the test made is deleted at the end (its rollups and workbooks too).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TMP, VAR, csrfOf, loginAs, readXlsx, sql, waitFor } from '../lib.mjs';

const [[V]] = sql("SELECT id FROM counties WHERE letter = 'V'");
const [[Y]] = sql('SELECT MAX(year) FROM inventory_years').map((r) => r.map(Number));
const HALL_NAME = '總覽測試縣政府';

// code, name, level, parent code, and the report: filed, returned, confirmed_version, last_version, days since filed, kgCO2e.
const AGENCIES = [
  ['OVS1', HALL_NAME, 1, null, { filed: 1, cv: 2, lv: 2, ago: 40, kg: 5000 }],
  ['OVS2', '總覽測試局', 2, 'OVS1', { filed: 1, ago: 20, kg: 4000 }],
  ['OVS3', '總覽測試學校甲', 3, 'OVS2', { filed: 1, ago: 3, kg: 3000 }],
  ['OVS4', '總覽測試學校乙', 3, 'OVS2', { filed: 0, returned: 1, kg: 2000 }],
  ['OVS5', '總覽測試處', 2, 'OVS1', { filed: 0, lv: 1, kg: 1500 }],   // reopened after version 1
  ['OVS6', '總覽測試所', 2, 'OVS1', null],                             // 未登錄
  ['OVS7', '總覽測試一級機關', 1, null, { filed: 1, ago: 30, kg: 1000 }],
  ['OVS8', '總覽測試中心', 2, 'OVS1', { filed: 1, cv: 1, lv: 1, ago: 50, kg: 500 }],
  ['OVS9', '總覽測試學校丙', 3, 'OVS2', { filed: 0, kg: 800 }],
];
const id = {};

function setReport(code, s) {
  sql(`INSERT INTO reports (agency_id, year, revision, filed, returned, confirmed_version, last_version, filed_at, own_total_milli, updated_at)
    SELECT id, ${Y}, 1, ${s.filed}, ${s.returned || 0}, ${s.cv || 'NULL'}, ${s.lv || 0},
      ${s.filed ? `NOW() - INTERVAL ${s.ago} DAY` : 'NULL'}, ${s.kg * 1000}, NOW() FROM agencies WHERE county_id = ${V} AND code = '${code}'
    ON DUPLICATE KEY UPDATE filed = VALUES(filed), returned = VALUES(returned), confirmed_version = VALUES(confirmed_version),
      last_version = VALUES(last_version), filed_at = VALUES(filed_at), own_total_milli = VALUES(own_total_milli), updated_at = NOW()`);
}

const pending = () => sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0';

before(() => {
  assert.deepEqual(sql(`SELECT (SELECT COUNT(*) FROM agencies WHERE county_id = ${V}), (SELECT COUNT(*) FROM accounts WHERE county_id = ${V})`),
    [['0', '0']], 'the county is the test\'s own (it deletes everything of it at the end)');
  sql(`INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password)
       SELECT 'team', ${V}, 'TEAM', password_hash, 0 FROM accounts WHERE kind = 'admin' AND login = 'admin'`);
  for (const [code, name, level, parent] of AGENCIES) {
    sql(`INSERT INTO agencies (county_id, code, name, level, parent_id)
      SELECT ${V}, '${code}', '${name}', ${level}, ${parent ? `(SELECT id FROM agencies p WHERE p.county_id = ${V} AND p.code = '${parent}')` : 'NULL'}`);
    id[code] = sql(`SELECT id FROM agencies WHERE county_id = ${V} AND code = '${code}'`)[0][0];
  }
  for (const code of ['OVS1', 'OVS2']) {
    sql(`INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
      SELECT 'agency', ${V}, ${id[code]}, '${code}', password_hash, 0 FROM accounts WHERE kind = 'admin' AND login = 'admin'`);
  }
  sql(`UPDATE agencies SET contact_name = '林承辦', contact_phone = '089-123456', contact_email = 'ovs1@example.gov.tw' WHERE id = ${id.OVS1}`);
  sql(`UPDATE inventory_years SET confirm_within_days = 14 WHERE county_id = ${V} AND year = ${Y}`);
  for (const [code, , , , s] of AGENCIES) if (s) setReport(code, s);
  // The worker's rollups of the county-year, as a save would ask for them.
  sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${V}, ${Y}, NULL, NOW(3))`);
});

// Deletes what the test made (its workbooks' files too) once the worker is done with the county.
after(async () => {
  sql(`UPDATE inventory_years SET confirm_within_days = 14 WHERE county_id = ${V} AND year = ${Y}`);
  await waitFor('no pending work', pending, 30000);
  const mine = `SELECT id FROM accounts WHERE county_id = ${V}`;
  for (const [file] of sql(`SELECT file FROM exports WHERE requested_by IN (${mine}) AND file IS NOT NULL`)) {
    fs.rmSync(path.join(VAR, 'files', file), { force: true });
  }
  sql(`DELETE FROM exports WHERE requested_by IN (${mine}) OR agency_id IN (SELECT id FROM agencies WHERE county_id = ${V});
    DELETE FROM audit_log WHERE account_id IN (${mine}) OR agency_id IN (SELECT id FROM agencies WHERE county_id = ${V});
    DELETE FROM reports WHERE agency_id IN (SELECT id FROM agencies WHERE county_id = ${V});
    DELETE FROM rollups WHERE agency_id IN (SELECT id FROM agencies WHERE county_id = ${V});
    DELETE FROM accounts WHERE county_id = ${V};
    DELETE FROM agency_tree WHERE descendant_id IN (SELECT id FROM agencies WHERE county_id = ${V});
    DELETE FROM agencies WHERE county_id = ${V} ORDER BY level DESC;
    DELETE FROM county_rollups WHERE county_id = ${V}`);
  assert.deepEqual(sql(`SELECT (SELECT COUNT(*) FROM agencies WHERE county_id = ${V}), (SELECT COUNT(*) FROM accounts WHERE county_id = ${V}),
    (SELECT COUNT(*) FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ${V})`), [['0', '0', '0']], 'nothing of it is left');
});

// The county-year's counts by an independent statement (the states spelled out from the columns).
function sqlCounts(county, year) {
  const [row] = sql(`SELECT COUNT(*), SUM(r.id IS NULL), SUM(r.id IS NOT NULL AND r.filed = 0 AND r.confirmed_version IS NULL),
      SUM(r.id IS NOT NULL AND r.filed = 0 AND r.confirmed_version IS NULL AND r.returned = 1),
      SUM(r.filed = 1 AND r.confirmed_version IS NULL), SUM(r.confirmed_version IS NOT NULL)
    FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ${year} WHERE a.county_id = ${county} AND a.active = 1`);
  const [all, s0, s1, returned, s2, s3] = row.map((x) => Number(x === 'NULL' ? 0 : x));
  return { all, s0, s1, returned, s2, s3 };
}

const num = (html, elementId) => {
  const m = html.match(new RegExp(`id="${elementId}">(\\d+)<`));
  assert.ok(m, `#${elementId} on the page`);
  return Number(m[1]);
};
const pageCounts = (html, prefix) => ({
  all: prefix === 'n' ? num(html, 'n-all') : undefined,
  s0: num(html, `${prefix}-s0`), s1: num(html, `${prefix}-s1`), s2: num(html, `${prefix}-s2`), s3: num(html, `${prefix}-s3`),
  returned: num(html, prefix === 'n' ? 'n-s1-returned' : 'inv-returned'),
});
const text = (s) => s.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').trim();
const cellsOf = (row) => row.split('</td>').slice(0, -1).map(text);
const rowOf = (html, code) => (html.match(new RegExp(`<tr><td>${code}</td>[\\s\\S]*?</tr>`)) || [null])[0];

// The 逾期待確認 table: each row's cells.
function waitingRows(html) {
  const table = html.split('id="waiting"')[1].split('</table>')[0];
  return [...table.matchAll(/<tr data-agency="\d+">([\s\S]*?)<\/tr>/g)].map((m) => cellsOf(m[1]));
}

async function download(c, location, name) {
  const eid = location.match(/id=(\d+)/)[1];
  await waitFor(`the ${name} workbook`, async () => /status s2">完成/.test((await c.get(`/exports?id=${eid}`)).text), 60000, 300);
  const dl = await c.req(`/download?id=${eid}`, { raw: true });
  assert.equal(dl.status, 200);
  const file = path.join(TMP, name);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  return { id: eid, file };
}

test('填報情形總覽: the counts per state equal an independent SQL count, with 退回 inside 登錄中', async () => {
  const team = await loginAs('V', 'TEAM');
  const page = await team.get(`/team?year=${Y}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<h2>填報情形總覽<\/h2>/);
  const want = sqlCounts(V, Y);
  assert.deepEqual(pageCounts(page.text, 'n'), want);
  assert.ok(want.all >= 9 && want.s1 >= 3 && want.returned >= 1 && want.s3 >= 2, `the test's states are there (${JSON.stringify(want)})`);
  assert.match(page.text, /登錄中<\/dt><dd><span id="n-s1">\d+<\/span>（其中退回 <span id="n-s1-returned">\d+<\/span>）/);
  // Each agency with its state as report_status_text names it.
  for (const [code, label] of [['OVS1', '已確認'], ['OVS2', '已登錄完成'], ['OVS4', '登錄中（退回）'], ['OVS5', '登錄中'], ['OVS6', '未登錄']]) {
    assert.match(rowOf(page.text, code), new RegExp(`<span class="status s\\d">${label}</span>`), code);
  }
  // Under the 一級 agency: its subtree of eight.
  assert.match(page.text, new RegExp(`<tr><td>${HALL_NAME}</td><td class="num">1</td><td class="num">3（其中退回 1）</td>`
    + '<td class="num">2</td><td class="num">2</td><td class="num">8</td></tr>'));
  // The filter 登錄中（退回）: only the returned one.
  const returned = await team.get(`/team?year=${Y}&status=4`);
  assert.ok(rowOf(returned.text, 'OVS4') && !rowOf(returned.text, 'OVS5') && !rowOf(returned.text, 'OVS2'));
  assert.match(returned.text, /<option value="4" selected>登錄中（退回）<\/option>/);
  const confirmed = await team.get(`/team?year=${Y}&status=3`);
  assert.ok(rowOf(confirmed.text, 'OVS1') && rowOf(confirmed.text, 'OVS8') && !rowOf(confirmed.text, 'OVS2'));
  // The demo county too, whatever the suites before left there.
  const z = await loginAs('Z', 'TEAM');
  const [[zid]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
  assert.deepEqual(pageCounts((await z.get('/team?year=2020')).text, 'n'), sqlCounts(zid, 2020));
  // The inventory page's 填報情形 line.
  const inv = await team.get(`/team/inventory?year=${Y}`);
  assert.equal(inv.status, 200);
  const line = pageCounts(inv.text, 'inv');
  delete want.all;
  delete line.all;
  assert.deepEqual(line, want);
  assert.match(inv.text, new RegExp(`id="inv-filing">機關 ${sqlCounts(V, Y).all} 個：未登錄 `));
});

test('逾期待確認: 已登錄完成 over N days since filed_at, longest first, with the parent that confirms; N moves it', async () => {
  const team = await loginAs('V', 'TEAM');
  try {
    let page = await team.get(`/team?year=${Y}`);
    assert.match(page.text, /已登錄完成超過 <strong id="confirm-within">14<\/strong> 天/);
    const [[filed2]] = sql(`SELECT DATE_FORMAT(filed_at, '%Y-%m-%d %H:%i') FROM reports WHERE agency_id = ${id.OVS2} AND year = ${Y}`);
    assert.deepEqual(waitingRows(page.text), [
      ['OVS7', '總覽測試一級機關', '30', sql(`SELECT DATE_FORMAT(filed_at, '%Y-%m-%d %H:%i') FROM reports WHERE agency_id = ${id.OVS7} AND year = ${Y}`)[0][0],
        '縣市盤查團隊', '', '', '', ''],
      ['OVS2', '總覽測試局', '20', filed2, HALL_NAME, 'OVS1', '林承辦', '089-123456', 'ovs1@example.gov.tw'],
    ], 'filed 3 days ago (OVS3) is not late; 已確認 and 登錄中 never are');
    sql(`UPDATE inventory_years SET confirm_within_days = 25 WHERE county_id = ${V} AND year = ${Y}`);
    page = await team.get(`/team?year=${Y}`);
    assert.match(page.text, /id="confirm-within">25</);
    assert.deepEqual(waitingRows(page.text).map((r) => r[0]), ['OVS7']);
    sql(`UPDATE inventory_years SET confirm_within_days = 2 WHERE county_id = ${V} AND year = ${Y}`);
    page = await team.get(`/team?year=${Y}`);
    assert.deepEqual(waitingRows(page.text).map((r) => [r[0], r[2]]), [['OVS7', '30'], ['OVS2', '20'], ['OVS3', '3']]);
  } finally {
    sql(`UPDATE inventory_years SET confirm_within_days = 14 WHERE county_id = ${V} AND year = ${Y}`);
  }
  // Another county's team sees none of it.
  const z = await loginAs('Z', 'TEAM');
  assert.doesNotMatch((await z.get(`/team?year=${Y}`)).text, /OVS\d/);
});

test('the reminder workbook: 未登錄 / 登錄中 / 登錄中（退回） on 催報名單, the waiting list with the parent on 逾期待確認', async () => {
  const team = await loginAs('V', 'TEAM');
  const page = await team.get(`/team?year=${Y}`);
  const r = await team.post('/team/reminders', { csrf: csrfOf(page.text), year: String(Y) });
  assert.equal(r.status, 303);
  const { file } = await download(team, r.headers.get('location'), 'overview-reminders.xlsx');
  const first = readXlsx(file, '催報名單');
  assert.deepEqual(first[1], ['序號', '機關代碼', '機關單位名稱', '上級機關', '登錄狀況', '聯絡人', '連絡電話', 'Email']);
  const want = sql(`SELECT a.code, CASE WHEN r.id IS NULL THEN '未登錄' WHEN r.returned = 1 THEN '登錄中（退回）' ELSE '登錄中' END
    FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ${Y}
    WHERE a.county_id = ${V} AND a.active = 1 AND (r.id IS NULL OR (r.filed = 0 AND r.confirmed_version IS NULL)) ORDER BY a.level, a.code`);
  assert.deepEqual(first.slice(2).map((x) => [x[1], x[4]]), want);
  for (const [code, label] of [['OVS4', '登錄中（退回）'], ['OVS5', '登錄中'], ['OVS6', '未登錄'], ['OVS9', '登錄中']]) {
    assert.ok(want.some(([c, l]) => c === code && l === label), `${code} ${label}`);
  }
  const second = readXlsx(file, '逾期待確認');
  assert.match(second[0][0], /已登錄完成逾 14 天/);
  assert.deepEqual(second[1], ['序號', '機關代碼', '機關單位名稱', '已等待天數', '登錄完成時間', '負責確認之機關', '其帳號', '聯絡人', '連絡電話', 'Email']);
  assert.deepEqual(second.slice(2).map((x) => [x[1], x[3], x[5], x[6], x[7], x[9]]), [
    ['OVS7', 30, '縣市盤查團隊', null, null, null],   // an empty string is a blank cell
    ['OVS2', 20, HALL_NAME, 'OVS1', '林承辦', 'ovs1@example.gov.tw'],
  ]);
});

test('the review workbook states each agency\'s state and the version its figures come from', async () => {
  const hall = await loginAs('V', 'OVS1');
  const account = await hall.get('/account');
  const r = await hall.post('/review/export', { csrf: csrfOf(account.text), year: String(Y), agency: id.OVS1 });
  assert.equal(r.status, 303);
  const { file } = await download(hall, r.headers.get('location'), 'overview-review.xlsx');
  const rows = readXlsx(file);
  assert.equal(rows[1][5], '登錄狀況');
  assert.match(rows[1][6], /數據版本/);
  assert.deepEqual(rows.slice(2).map((x) => [x[2], x[5], x[6]]), [
    ['OVS2', '已登錄完成', '未確認'],
    ['OVS5', '登錄中', '未確認（前次第 1 版）'],
    ['OVS6', '未登錄', '無填報資料'],
    ['OVS8', '已確認', '第 1 版'],
  ]);
  const bureau = await loginAs('V', 'OVS2');
  const b = await bureau.post('/review/export', { csrf: csrfOf((await bureau.get('/account')).text), year: String(Y), agency: id.OVS2 });
  const rowsB = readXlsx((await download(bureau, b.headers.get('location'), 'overview-review-2.xlsx')).file);
  assert.deepEqual(rowsB.slice(2).map((x) => [x[2], x[5], x[6]]),
    [['OVS3', '已登錄完成', '未確認'], ['OVS4', '登錄中（退回）', '未確認'], ['OVS9', '登錄中', '未確認']]);
});

// Each agency of the test in a sheet: code (or name) -> [status, version].
const statesOf = (rows, key, status, version) => Object.fromEntries(rows.filter((x) => /^OVS\d$|^總覽測試/.test(String(x[key])))
  .map((x) => [x[key], [x[status], x[version]]]));

test('the inventory workbooks state each agency\'s state and version; a 退回 makes a new workbook, never the old one again', async () => {
  const team = await loginAs('V', 'TEAM');
  // The workbooks' stamp carries the quality job's last run (a workbook built before it would show
  // older grades): let the rollups and the quality job catch up with this suite's changes first.
  await waitFor('the rollups and the quality job to catch up', () =>
    sql(`SELECT (SELECT COUNT(*) FROM outbox WHERE done_at IS NULL)
      + (SELECT COUNT(*) FROM quality_queue WHERE done_for < requests)`)[0][0] === '0', 30000, 100);
  const page = await team.get(`/team/inventory?year=${Y}`);
  const ask = (action) => team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action });
  const detail = await download(team, (await ask('export_detail')).headers.get('location'), 'overview-detail.xlsx');
  const filing = readXlsx(detail.file, '填報情形');
  assert.equal(filing[0][4], '登錄狀況');
  assert.match(filing[0][10], /數據版本/);
  const want = {
    OVS1: ['已確認', '第 2 版'], OVS2: ['已登錄完成', '未確認'], OVS3: ['已登錄完成', '未確認'], OVS4: ['登錄中（退回）', '未確認'],
    OVS5: ['登錄中', '未確認（前次第 1 版）'], OVS6: ['未登錄', '無填報資料'], OVS7: ['已登錄完成', '未確認'], OVS8: ['已確認', '第 1 版'],
    OVS9: ['登錄中', '未確認'],
  };
  assert.deepEqual(statesOf(filing, 0, 4, 10), want);
  const lines = readXlsx(detail.file, '機關排放明細');
  assert.match(lines[0][14], /數據版本/);
  assert.deepEqual(statesOf(lines, 0, 4, 14), want);
  // The summary's counts.
  const summary = Object.fromEntries(readXlsx(detail.file, '摘要').filter((x) => typeof x[1] === 'number').map((x) => [x[0], x[1]]));
  const c = sqlCounts(V, Y);
  assert.deepEqual([summary['機關數'], summary['未登錄'], summary['登錄中'], summary['　其中退回'], summary['已登錄完成'], summary['已確認']],
    [c.all, c.s0, c.s1, c.returned, c.s2, c.s3]);
  // The largest emitters of the charts workbook: each with its state and version.
  const charts = await download(team, (await ask('export_charts')).headers.get('location'), 'overview-charts.xlsx');
  const data = readXlsx(charts.file, '資料');
  const at = data.findIndex((x) => x[0] === '排放量前 20 大機關');
  assert.deepEqual(data[at].slice(1, 4).map((x) => String(x).replace(/（.*/, '')), ['排放量(KgCO₂e)', '登錄狀況', '數據版本']);
  const top = statesOf(data.slice(at + 1, at + 21), 0, 2, 3);
  assert.deepEqual(top[HALL_NAME], ['已確認', '第 2 版']);
  assert.deepEqual(top['總覽測試處'], ['登錄中', '未確認（前次第 1 版）']);
  assert.deepEqual(top['總覽測試學校乙'], ['登錄中（退回）', '未確認']);

  // Nothing changed: the same workbook is offered again.
  assert.equal((await ask('export_detail')).headers.get('location'), `/exports?id=${detail.id}&reused=1`);
  // 退回 makes no outbox row, yet the states changed: a new workbook with them.
  sql(`UPDATE reports SET filed = 0, returned = 1 WHERE agency_id = ${id.OVS3} AND year = ${Y}`);
  try {
    const again = await ask('export_detail');
    assert.doesNotMatch(again.headers.get('location'), /reused/);
    const fresh = await download(team, again.headers.get('location'), 'overview-detail-2.xlsx');
    assert.notEqual(fresh.id, detail.id);
    assert.deepEqual(statesOf(readXlsx(fresh.file, '填報情形'), 0, 4, 10).OVS3, ['登錄中（退回）', '未確認']);
  } finally {
    setReport('OVS3', AGENCIES[2][4]);
  }
});
