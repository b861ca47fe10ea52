// export_forms.test.mjs: the declared input of the workbook routes (POST /review/export,
// POST /team/reminders, GET /exports, GET /download).  Good values do what they did; a year
// outside the inventory years, a number with something after it, an id of 20 digits are
// refused with the error page (400 for a request to build, 404 for an export to show) and
// write nothing; and the review workbook's title keeps an agency name of 200 characters whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TMP, csrfOf, loginAs, readXlsx, sql, waitFor } from '../lib.mjs';

const [[FIRST, LAST]] = sql('SELECT MIN(year), MAX(year) FROM inventory_years').map((r) => r.map(Number));
const HALL = sql("SELECT id FROM agencies WHERE code = '371000000A'")[0][0];
const exportsCount = () => sql('SELECT COUNT(*) FROM exports')[0][0];
const done = (c, location) => waitFor(`${location} done`, async () => {
  const s = await c.get(location);
  return /status s2">完成/.test(s.text) ? s : null;
}, 30000, 300);

async function hallClient() {
  const c = await loginAs('Z', '371000000A');
  // The token from a page that does not render (and so cache) the review table.
  const page = await c.get('/account');
  assert.equal(page.status, 200);
  return { c, csrf: csrfOf(page.text) };
}

test('轉excel: a year outside the inventory years, or an agency that is no row id, is a 400 and writes nothing', async () => {
  const { c, csrf } = await hallClient();
  const good = { csrf, year: String(LAST), agency: HALL };
  const before = exportsCount();
  for (const [field, value] of [['year', String(FIRST - 1)], ['year', String(LAST + 1)], ['year', `${LAST}abc`], ['year', ''],
    ['year', 'abc'], ['agency', `${HALL}abc`], ['agency', `${HALL} OR 1=1`], ['agency', '99999999999999999999'],
    ['agency', '-1'], ['agency', '0'], ['agency', '']]) {
    const r = await c.post('/review/export', { ...good, [field]: value });
    assert.equal(r.status, 400, `${field}=${value}: ${r.status}`);
    assert.match(r.text, /請求格式錯誤/);
  }
  assert.equal(exportsCount(), before, 'nothing written');
  // An agency outside the account's subtree is still not found.
  const other = sql("SELECT id FROM agencies WHERE code = '397020000A'")[0][0];
  assert.equal((await c.post('/review/export', { ...good, agency: other })).status, 404);
  assert.equal(exportsCount(), before, 'nothing written');
  // The first and last years served are accepted.
  for (const year of [FIRST, LAST]) {
    const r = await c.post('/review/export', { ...good, year: String(year) });
    assert.equal(r.status, 303, `year ${year}`);
    assert.match(r.headers.get('location'), /^\/exports\?id=\d+$/);
  }
});

test('催報名單: a year outside the inventory years is a 400 and writes nothing; the span\'s ends are accepted', async () => {
  const team = await loginAs('Z', 'TEAM');
  const page = await team.get('/team');
  const csrf = csrfOf(page.text);
  const before = exportsCount();
  for (const year of [String(FIRST - 1), String(LAST + 1), `${LAST}x`, '', '0x7e8']) {
    const r = await team.post('/team/reminders', { csrf, year });
    assert.equal(r.status, 400, `year=${year}: ${r.status}`);
  }
  assert.equal((await team.post('/team/reminders', { csrf })).status, 400, 'no year');
  assert.equal(exportsCount(), before, 'nothing written');
  for (const year of [FIRST, LAST]) {
    const r = await team.post('/team/reminders', { csrf, year: String(year) });
    assert.equal(r.status, 303, `year ${year}`);
  }
});

test('/exports and /download: only an id of digits names an export; anything else is a 404', async () => {
  const team = await loginAs('Z', 'TEAM');
  const page = await team.get('/team');
  const r = await team.post('/team/reminders', { csrf: csrfOf(page.text), year: String(LAST) });
  const location = r.headers.get('location');
  const id = location.split('=')[1];
  const status = await done(team, location);
  assert.match(status.text, new RegExp(`href="/download\\?id=${id}"`));
  assert.equal((await team.req(`/download?id=${id}`, { raw: true })).status, 200, 'the good id downloads');
  for (const bad of [`${id}abc`, `${id} OR 1=1`, `${id}.0`, `+${id}`, `-${id}`, '0', '99999999999999999999', '', 'abc']) {
    const q = encodeURIComponent(bad);
    const s = await team.get(`/exports?id=${q}`);
    assert.equal(s.status, 404, `/exports?id=${bad}: ${s.status}`);
    assert.match(s.text, /找不到您要的頁面/);
    const d = await team.req(`/download?id=${q}`, { raw: true });
    assert.equal(d.status, 404, `/download?id=${bad}: ${d.status}`);
    assert.equal(d.headers.get('content-disposition'), null, `/download?id=${bad}: no file`);
  }
  assert.equal((await team.get('/exports')).status, 404, 'no id');
  assert.equal((await team.get('/download')).status, 404, 'no id');
  // The inventory page's flag: any value, even empty, shows the notice; without it, none.
  assert.match((await team.get(`/exports?id=${id}&reused=`)).text, /沿用先前的檔案/);
  assert.match((await team.get(`/exports?id=${id}&reused=1`)).text, /沿用先前的檔案/);
  assert.doesNotMatch((await team.get(`/exports?id=${id}`)).text, /沿用先前的檔案/);
});

test('the review workbook\'s title keeps an agency name of 200 characters whole', async () => {
  const [[name]] = sql(`SELECT name FROM agencies WHERE id = ${HALL}`);
  const long = `${name}${'長'.repeat(200 - [...name].length)}`;
  assert.equal([...long].length, 200);
  sql(`UPDATE agencies SET name = '${long}' WHERE id = ${HALL}`);
  try {
    const { c, csrf } = await hallClient();
    const r = await c.post('/review/export', { csrf, year: String(LAST), agency: HALL });
    assert.equal(r.status, 303);
    await done(c, r.headers.get('location'));
    const dl = await c.req(`/download?id=${r.headers.get('location').split('=')[1]}`, { raw: true });
    assert.equal(dl.status, 200);
    const file = path.join(TMP, 'export-forms-long-name.xlsx');
    fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
    const rows = readXlsx(file);
    assert.equal(rows[0][0], `${long} 之所屬機關　年度：${LAST}（民國 ${LAST - 1911} 年）`);
  } finally {
    sql(`UPDATE agencies SET name = '${name}' WHERE id = ${HALL}`);
  }
});
