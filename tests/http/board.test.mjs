// board.test.mjs: issue 13 item 5, the county team's 檢核看板 (/team/board): a planted +400 % electricity
// jump against last year is listed FIRST when it is the largest effect; 已查核 (a note, required, at most
// 500 characters, beside the field) removes it from the open list and keeps it in the history; a stale
// page is a 409; a save after the run says so (資料已於 … 更新，檢核重新計算中) and a checked finding whose
// data changed is open again (已查核後資料已變更); the thresholds form; the workbook read back by openpyxl
// (same findings, same order, same Δ as the page); and who may see and act: the team of the county only.
//
// The agencies are this run's own (codes BD<n>…) under 金門縣政府 (W), in 2016 against 2015; their
// reports are deleted and the agencies deactivated at the end, the board's rows of W 2016 with them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Client, csrfOf, outboxDrained, sql, waitFor, loginAs as login, readXlsx, TMP } from '../lib.mjs';

const Y = 2016;
const TAG = `BD${Date.now() % 1000000}`;
const W = sql("SELECT id FROM counties WHERE letter = 'W'")[0][0];
const HALL = sql(`SELECT id FROM agencies WHERE county_id = ${W} AND code = '397020000A'`)[0][0];
const ids = {};

function report(agency, year, kwh, kg) {
  sql(`INSERT INTO reports (agency_id, year, own_total_milli) VALUES (${agency}, ${year}, ${kg * 1000})`);
  const rid = sql(`SELECT id FROM reports WHERE agency_id = ${agency} AND year = ${year}`)[0][0];
  sql(`INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources)
       VALUES (${rid}, 'own', 'electricity', 0, 'stationary', 2, ${kwh * 1000}, ${kg * 1000}, '0.5', '', '', '')`);
  return rid;
}
const kick = () => sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${W}, ${Y}, NULL, NOW(3))`);
const rows = (html, table) => {
  const body = html.split(`id="${table}"`)[1]?.split('</table>')[0] ?? '';
  return [...body.matchAll(/<tr id="(?:finding|history)-(\d+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ id: m[1], html: m[2] }));
};
const cells = (row) => [...row.html.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
const state = (html) => html.match(/id="board-state" data-state="(\w+)"/)?.[1];
const REV = (html, id) => html.match(new RegExp(`name="finding" value="${id}"><input type="hidden" name="rev" value="(\\d+)"`))[1];

let team;
async function board() { return team.get(`/team/board?year=${Y}`); }
async function current(what, fn) {
  return waitFor(what, async () => { const p = await board(); return state(p.text) === 'current' && fn(p.text) ? p : null; }, 30000, 200);
}

before(async () => {
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES
       (${W}, '${TAG}A', '檢核測試甲${TAG}', 2, ${HALL}), (${W}, '${TAG}B', '檢核測試乙${TAG}', 2, ${HALL})`);
  for (const k of ['A', 'B']) ids[k] = sql(`SELECT id FROM agencies WHERE code = '${TAG}${k}'`)[0][0];
  report(ids.A, Y - 1, 1000000, 500000);
  ids.RA = report(ids.A, Y, 5000000, 2500000);          // +400 %: Δ 2,000,000 kgCO2e, the largest effect
  report(ids.B, Y - 1, 2000, 1000);
  report(ids.B, Y, 4000, 2000);                         // +100 %: Δ 1,000 kgCO2e
  kick();
  team = await login('W', 'TEAM');
});

after(async () => {
  const mine = `SELECT id FROM agencies WHERE county_id = ${W} AND code LIKE '${TAG}%'`;
  sql(`DELETE FROM reports WHERE agency_id IN (${mine}); UPDATE agencies SET active = 0 WHERE code LIKE '${TAG}%' AND county_id = ${W};
       DELETE FROM board_findings WHERE county_id = ${W} AND year = ${Y}; DELETE FROM board_runs WHERE county_id = ${W} AND year = ${Y};
       UPDATE board_thresholds SET change_pct = 50, mad_tenths = 30, refrigerant_milli = 50000, uncertainty_milli = 30000,
         updated_at = NULL, updated_by = NULL WHERE county_id = ${W} AND year = ${Y}`);
  kick();
  await outboxDrained();
  // Then the agencies themselves (they have no reports, accounts or versions left): a suite that
  // follows compares W's whole tree.
  const ids = sql(`SELECT id FROM agencies WHERE county_id = ${W} AND code LIKE '${TAG}%'`).map((r) => r[0]).join(',');
  if (ids) sql(`DELETE FROM rollups WHERE agency_id IN (${ids}); DELETE FROM agency_tree WHERE descendant_id IN (${ids});
       DELETE FROM agencies WHERE id IN (${ids})`);
});

test('the planted +400 % electricity jump is listed first, linked to the report, within seconds of the save', async () => {
  const p = await current('the board with the jump', (h) => h.includes(`檢核測試甲${TAG}`));
  const open = rows(p.text, 'board-open');
  assert.ok(open.length >= 2, 'both jumps are open');
  const [first] = open;
  const c = cells(first);
  assert.equal(c[0], '1');
  assert.equal(c[1], '與去年差異過大');
  assert.ok(c[2].includes(`href="/report/view?year=${Y}&amp;agency=${ids.A}"`), 'linked to the report');
  assert.match(c[3], /\+400\.0 %/);
  assert.equal(c[4], '2,000,000.000');
  const b = open.findIndex((r) => r.html.includes(`檢核測試乙${TAG}`));
  assert.ok(b > 0 && cells(open[b])[4] === '1,000.000', 'the smaller jump is listed after it');
});

test('who may see the board and act on it: the team of the county only', async () => {
  const p = await board();
  const [first] = rows(p.text, 'board-open');
  const form = { csrf: '', action: 'check', year: String(Y), finding: first.id, rev: REV(p.text, first.id), note: '看過' };
  const anon = new Client();
  assert.equal((await anon.get(`/team/board?year=${Y}`)).status, 401);
  for (const [who, c] of [['agency', await login('W', '397030000A')], ['parent agency', await login('W', '397020000A')],
    ['admin', await login('', 'admin')]]) {
    assert.equal((await c.get(`/team/board?year=${Y}`)).status, 403, who);
    const home = await c.get('/');
    assert.equal((await c.post('/team/board', { ...form, csrf: csrfOf(home.text) })).status, 403, `${who}: 已查核`);
  }
  const z = await login('Z', 'TEAM');
  const zp = await z.get(`/team/board?year=${Y}`);
  assert.equal(zp.status, 200, 'another county\'s team sees its own board');
  assert.ok(!zp.text.includes(TAG), '… without this county\'s findings');
  assert.equal((await z.post('/team/board', { ...form, csrf: csrfOf(zp.text) })).status, 404, 'and cannot check them');
  assert.equal((await team.post('/team/board', { ...form, csrf: 'x'.repeat(64) })).status, 403, 'a POST without the token');
  assert.equal(sql(`SELECT COUNT(*) FROM board_findings WHERE id = ${first.id} AND checked_at IS NOT NULL`)[0][0], '0', 'nothing checked');
});

test('已查核: a note is required (≤ 500), a stale page is a 409, then it leaves the open list for the history', async () => {
  const p = await board();
  const [first] = rows(p.text, 'board-open');
  const rev = REV(p.text, first.id);
  const post = (note, r = rev) => team.post('/team/board', { csrf: csrfOf(p.text), action: 'check', year: String(Y), finding: first.id, rev: r, note });
  let r = await post('');
  assert.equal(r.status, 400);
  assert.match(r.text, new RegExp(`id="note-${first.id}-error">請填寫查核說明，500 字以內。`));
  const long = '查'.repeat(501);
  r = await post(long);
  assert.equal(r.status, 400);
  assert.ok(r.text.includes(`>${long}</textarea>`), 'the note typed comes back');
  assert.equal((await post('看過', String(Number(rev) + 1))).status, 409, 'a stale page');
  assert.equal(sql(`SELECT COUNT(*) FROM board_findings WHERE id = ${first.id} AND checked_at IS NOT NULL`)[0][0], '0', 'nothing checked');
  r = await post('新大樓啟用 已電話確認');
  assert.equal(r.status, 303);
  const after = await board();
  assert.ok(!rows(after.text, 'board-open').some((x) => x.id === first.id), 'not open any more');
  const h = rows(after.text, 'board-history').find((x) => x.id === first.id);
  assert.ok(h && h.html.includes('已查核') && h.html.includes('新大樓啟用 已電話確認'), 'in the history with its note');
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${ids.A} AND year = ${Y} AND field = '檢核看板已查核'`)[0][0], '1');
});

test('a save after the run: the board says it is behind, then the checked jump is open again (已查核後資料已變更)', async () => {
  sql(`UPDATE reports SET revision = revision + 1, updated_at = NOW() + INTERVAL 1 SECOND WHERE id = ${ids.RA}`);
  const p = await board();
  assert.equal(state(p.text), 'stale');
  assert.match(p.text, /資料已於 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d 更新，檢核重新計算中/);
  assert.ok(p.text.includes('此機關報告已於本次檢核後存檔') || !rows(p.text, 'board-open').some((x) => x.html.includes(`甲${TAG}`)));
  kick();
  const q = await current('the rerun', (h) => rows(h, 'board-open')[0]?.html.includes(`檢核測試甲${TAG}`));
  assert.ok(rows(q.text, 'board-open')[0].html.includes('已查核後資料已變更'));
});

test('thresholds: a bad value is refused beside its field with the input back; a good one is audited and the board reruns', async () => {
  const p = await board();
  const form = { csrf: csrfOf(p.text), action: 'thresholds', year: String(Y), change_pct: 'abc', mad: '3', refrigerant_kg: '50', uncertainty_pct: '30' };
  let r = await team.post('/team/board', form);
  assert.equal(r.status, 400);
  assert.match(r.text, /請填 1 至 10000 之間的整數（%）。/);
  assert.match(r.text, /value="abc"/);
  r = await team.post('/team/board', { ...form, change_pct: '150' });
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT change_pct FROM board_thresholds WHERE county_id = ${W} AND year = ${Y}`)[0][0], '150');
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE county_id = ${W} AND year = ${Y} AND field = '檢核門檻'`)[0][0], '1');
  // ±150 %: the +100 % jump no longer holds and goes to the history; the +400 % one stays.
  const q = await current('the rerun with ±150 %', (h) => !rows(h, 'board-open').some((x) => x.html.includes(`乙${TAG}`)));
  assert.ok(rows(q.text, 'board-history').some((x) => x.html.includes(`乙${TAG}`) && x.html.includes('已不成立')));
  assert.ok(rows(q.text, 'board-open')[0].html.includes(`甲${TAG}`));
});

test('the workbook: the same findings, in the same order, with the same Δ as the page', async () => {
  const p = await current('a current board', () => true);
  const r = await team.post('/team/board', { csrf: csrfOf(p.text), action: 'export', year: String(Y) });
  assert.equal(r.status, 303);
  const id = r.headers.get('location').match(/id=(\d+)/)[1];
  await waitFor('the board workbook', async () => /status s2">完成/.test((await team.get(`/exports?id=${id}`)).text), 60000, 300);
  const dl = await team.req(`/download?id=${id}`, { raw: true });
  assert.equal(dl.status, 200);
  const file = path.join(TMP, `board-${TAG}.xlsx`);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  const sheet = readXlsx(file, '檢核看板').slice(2);
  const page = rows(p.text, 'board-open').map((x) => cells(x));
  assert.equal(sheet.length, page.length || 1);
  page.forEach((c, i) => {
    const [n, rule, , , , delta] = sheet[i];
    assert.equal(String(n), c[0]);
    assert.equal(rule, c[1]);
    assert.equal(Number(delta).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 }), c[4], `row ${i + 1}'s Δ`);
  });
  fs.unlinkSync(file);
});
