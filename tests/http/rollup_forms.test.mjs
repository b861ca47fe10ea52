// rollup_forms.test.mjs: issue 11 on 盤查清冊 and 公開資訊 — their declared input: years from the data
// (one before the first and one after the last served are 404, as is a year that is not a number),
// a 20-digit year, the four POST actions as routes of their own (an unknown or missing action 400),
// the notice flags; and the worker, which now checks a rollup job's year against the data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Client, VAR, csrfOf, redis, sql, waitFor, loginAs as login } from '../lib.mjs';

const [[FIRST, LAST]] = sql('SELECT MIN(year), MAX(year) FROM inventory_years').map((r) => r.map(Number));
const W = () => sql("SELECT id FROM counties WHERE letter = 'W'")[0][0];
// What a refused POST must leave as it was: the publication and the exports.
const state = () => sql('SELECT (SELECT COUNT(*) FROM exports), (SELECT COUNT(*) FROM inventory_years WHERE published_at IS NOT NULL),'
  + ' (SELECT COUNT(*) FROM audit_log)')[0].join('/');

test('GET /team/inventory: a year outside the data, or not a year, is 404; none (or blank) is the year list', async () => {
  const team = await login('W', 'TEAM');
  for (const y of [String(FIRST - 1), String(LAST + 1), 'abc', `${FIRST}abc`, '0', '9'.repeat(20), '-1']) {
    const r = await team.get(`/team/inventory?year=${encodeURIComponent(y)}`);
    assert.equal(r.status, 404, `year=${y}`);
    assert.match(r.text, /找不到您要的頁面/);
  }
  for (const p of ['/team/inventory', '/team/inventory?year=']) {
    const r = await team.get(p);
    assert.equal(r.status, 200, p);
    assert.match(r.text, /製作政府機關盤查清冊：選擇年度/);
  }
  for (const y of [FIRST, LAST]) {
    const r = await team.get(`/team/inventory?year=${y}`);
    assert.equal(r.status, 200, `the served year ${y}`);
    assert.match(r.text, new RegExp(`民國 ${y - 1911} 年（${y}）</h1>`));
  }
  // The notices are flags: sent at all (even blank) is on.
  assert.match((await team.get(`/team/inventory?year=${FIRST}&must_lock=`)).text, /請先完成年度鎖定/);
  assert.match((await team.get(`/team/inventory?year=${FIRST}&withdrawn=1`)).text, /已撤回公開。/);
  assert.doesNotMatch((await team.get(`/team/inventory?year=${FIRST}`)).text, /已撤回公開。|請先完成年度鎖定/);
});

test('POST /team/inventory: each action its own route; a bad year is 404, a bad action 400, and nothing is written', async () => {
  const team = await login('W', 'TEAM');
  const page = await team.get(`/team/inventory?year=${FIRST}`);
  const csrf = csrfOf(page.text);
  const before = state();
  for (const action of ['publish', 'withdraw', 'export_detail', 'export_charts']) {
    for (const y of [String(FIRST - 1), String(LAST + 1), 'abc', '9'.repeat(20)]) {
      const r = await team.post('/team/inventory', { csrf, year: y, action });
      assert.equal(r.status, 404, `${action} year=${y}`);
    }
  }
  for (const form of [{ csrf, year: String(FIRST) }, { csrf, year: String(FIRST), action: 'delete' }, { csrf, year: String(FIRST), action: '' }]) {
    const r = await team.post('/team/inventory', form);
    assert.equal(r.status, 400, JSON.stringify(form));
    assert.match(r.text, /請求格式錯誤/);
  }
  assert.equal(state(), before, 'nothing written');
  // Without its token a POST is refused before its route runs.
  assert.equal((await team.post('/team/inventory', { year: String(FIRST), action: 'export_detail' })).status, 403);
  assert.equal(state(), before, 'still nothing');
  // A served year: the workbook route answers as before (the same request again is the same export).
  const a = await team.post('/team/inventory', { csrf, year: String(FIRST), action: 'export_charts' });
  assert.equal(a.status, 303);
  const b = await team.post('/team/inventory', { csrf, year: String(FIRST), action: 'export_charts' });
  assert.equal(b.status, 303);
  const id = a.headers.get('location').match(/id=(\d+)/)[1];
  assert.equal(b.headers.get('location').match(/id=(\d+)/)[1], id, 'asked again: the same workbook');
  assert.deepEqual(sql(`SELECT kind, year, filename FROM exports WHERE id = ${id}`)[0],
    ['inventory_charts', String(FIRST), `金門縣_${FIRST - 1911}年_盤查清冊圖表.xlsx`]);
});

test('GET /public: a county and a year, both valid and published, or 404; either alone is the list', async () => {
  const anon = new Client();
  for (const q of [`county=W&year=${LAST + 1}`, `county=W&year=${FIRST - 1}`, 'county=W&year=abc', `county=WW&year=${FIRST}`,
    `county=&year=${FIRST}`, `county=1&year=${FIRST}`, `county=W&year=${'9'.repeat(20)}`]) {
    const r = await anon.get(`/public?${q}`);
    assert.equal(r.status, 404, q);
  }
  for (const q of ['county=W', `year=${FIRST}`, 'county=W&year=', '']) {
    const r = await anon.get(`/public?${q}`);
    assert.equal(r.status, 200, q);
    assert.match(r.text, /<table id="published">/, q);
  }
  // A published year, its county's letter in either case (locked first, as publishing needs: set up here, tested in year_lock.test.mjs).
  const team = await login('W', 'TEAM');
  const w = W();
  sql(`INSERT INTO year_locks (county_id, year, locked_at, locked_by) SELECT ${w}, ${LAST}, NOW(), id FROM accounts WHERE county_id = ${w} AND login = 'TEAM';
       UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = ${w} AND year = ${LAST}`);
  try {
    const inv = await team.get(`/team/inventory?year=${LAST}`);
    assert.equal((await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(LAST), action: 'publish' })).status, 303);
    for (const letter of ['W', 'w']) {
      const r = await anon.get(`/public?county=${letter}&year=${LAST}`);
      assert.equal(r.status, 200, letter);
      assert.match(r.text, new RegExp(`金門縣 政府機關溫室氣體盤查成果　民國 ${LAST - 1911} 年`));
    }
    assert.equal((await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(LAST), action: 'withdraw' })).status, 303);
    assert.equal((await anon.get(`/public?county=W&year=${LAST}`)).status, 404, 'withdrawn');
  } finally {
    sql(`UPDATE inventory_years SET lock_id = NULL, published_at = NULL, published_by = NULL WHERE county_id = ${w} AND year = ${LAST};
         DELETE FROM year_locks WHERE county_id = ${w} AND year = ${LAST}`);
  }
});

test('a rollup job for a year the data does not serve is dropped by the worker, and nothing is made of it', async () => {
  const x = sql("SELECT id FROM counties WHERE letter = 'X'")[0][0];
  const file = path.join(VAR, 'log', 'worker.log');
  const start = fs.statSync(file).size;   // only what the worker logs from now on
  const log = () => fs.readFileSync(file).subarray(start).toString('utf8');
  const rows = () => sql(`SELECT COUNT(*) FROM county_rollups WHERE county_id = ${x} AND year NOT BETWEEN ${FIRST} AND ${LAST}`)[0][0];
  assert.equal(rows(), '0');
  for (const y of [FIRST - 1, LAST + 1]) redis('LPUSH', 'cityinv:jobs', `rollup ${x} ${y}`);
  for (const y of [FIRST - 1, LAST + 1]) {
    await waitFor(`the job of ${y} to be dropped`, () => log().includes(`rollup job for a year not served dropped: county ${x} year ${y}`), 30000);
  }
  await waitFor('the queue to drain', () => redis('LLEN', 'cityinv:jobs') === '0');
  assert.equal(rows(), '0', 'no county_rollups row for a year not served');
});
