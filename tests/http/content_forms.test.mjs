// content_forms.test.mjs: the declared input of the public site's pages, the admin's content page and
// the team's non-agency activities: years from the data (no year written into the code), malformed
// ids and versions refused instead of read as 0, a news date within the years the rule names (the
// message built from it), and a line's change waiting for its county-year's publication lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client, VAR, csrfOf, dbSecret, sql, stack, waitFor } from '../lib.mjs';

async function login(county, account) {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password: 'cityinv-demo' });
  assert.equal(r.status, 303, `login ${account}`);
  return c;
}

function multipart(fields) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}

const TAG = 'content-forms-test';   // this file's own rows
const Y = 2022;                     // a year of county 22 no other suite writes lines to
const span = () => sql('SELECT MIN(year), MAX(year) FROM inventory_years')[0].map(Number);
const lines = () => sql(`SELECT COUNT(*), IFNULL(SUM(version), 0) FROM county_activities WHERE description = '${TAG}'`)[0].join('/');
const contents = () => sql(`SELECT COUNT(*), IFNULL(SUM(version), 0) FROM site_content WHERE title LIKE '${TAG}%'`)[0].join('/');

async function addLine(team) {
  const f = await team.get(`/team/activities?year=${Y}&method=septic`);
  const r = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'septic', year: String(Y), id: '0', version: '0', description: TAG, q: '100' });
  assert.equal(r.status, 303);
  return sql(`SELECT id, version FROM county_activities WHERE description = '${TAG}' ORDER BY id DESC LIMIT 1`)[0];
}

test('非機關活動: the years served are the data\'s; a malformed year, line or method is not found', async () => {
  const team = await login('Z', 'TEAM');
  const [first, last] = span();
  for (const y of [first, last]) assert.equal((await team.get(`/team/activities?year=${y}`)).status, 200, `${y}, an end of the span`);
  for (const y of [String(first - 1), String(last + 1), 'abc', '2023abc', '-2023', '9'.repeat(20)]) {
    assert.equal((await team.get(`/team/activities?year=${encodeURIComponent(y)}`)).status, 404, `year=${y}`);
  }
  assert.match((await team.get('/team/activities')).text, /填報非機關單位耗用之活動：選擇年度/, 'no year: the year page');
  for (const q of ['edit=abc', `edit=${'9'.repeat(20)}`, 'edit=0', 'method=nonsense']) {
    assert.equal((await team.get(`/team/activities?year=${Y}&${q}`)).status, 404, q);
  }
});

test('非機關活動: an id or a version that is not a number is refused (400), never read as 0; nothing written', async () => {
  const team = await login('Z', 'TEAM');
  sql(`DELETE FROM county_activities WHERE description = '${TAG}'`);
  const [id, version] = await addLine(team);
  const page = await team.get(`/team/activities?year=${Y}&edit=${id}`);
  const csrf = csrfOf(page.text);
  const before = lines();
  const save = (fields) => team.post('/team/activities', { csrf, action: 'save', method: 'septic', year: String(Y), id, version, description: TAG, q: '5', ...fields });
  for (const [field, value] of [['id', 'abc'], ['id', '9'.repeat(20)], ['id', '-1'], ['version', 'abc'], ['version', '1.5'], ['version', '9'.repeat(20)]]) {
    const r = await save({ [field]: value });
    assert.equal(r.status, 400, `save ${field}=${value}`);
    assert.equal(lines(), before, `save ${field}=${value}: nothing written`);
  }
  const del = (fields) => team.post('/team/activities', { csrf, action: 'delete', year: String(Y), id, version, ...fields });
  for (const [field, value] of [['id', 'abc'], ['id', ''], ['id', '9'.repeat(20)], ['version', 'abc'], ['version', '']]) {
    assert.equal((await del({ [field]: value })).status, 400, `delete ${field}=${value}`);
    assert.equal(lines(), before, `delete ${field}=${value}: nothing deleted`);
  }
  const y = await save({ year: 'abc' });
  assert.equal(y.status, 404, 'a year that is not one');
  assert.equal((await save({ method: 'nonsense' })).status, 400, 'a method the platform does not have');
  assert.equal(lines(), before);
  // What the form sends is still saved and deleted.
  assert.equal((await save({})).status, 303);
  assert.equal((await del({ version: String(Number(version) + 1) })).status, 303);
  assert.equal(lines(), '0/0');
});

test('非機關活動: a change waits for its county-year\'s lock (a publication in progress): nothing written meanwhile', async () => {
  const team = await login('Z', 'TEAM');
  sql(`DELETE FROM county_activities WHERE description = '${TAG}'`);
  const [id, version] = await addLine(team);
  const page = await team.get(`/team/activities?year=${Y}&edit=${id}`);
  const csrf = csrfOf(page.text);
  const kg = () => sql(`SELECT kg_milli, version FROM county_activities WHERE id = ${id}`)[0].join('/');
  const before = kg();
  // A publication holding the county-year's row, as publishing does (FOR UPDATE), until it is killed.
  const holder = spawn('mariadb', ['--no-defaults', `--socket=${path.join(VAR, 'run/mysql.sock')}`, '-ucityinv', `-p${dbSecret()}`, 'cityinv'],
    { stdio: ['pipe', 'ignore', 'ignore'] });
  holder.stdin.write(`BEGIN; SELECT * FROM inventory_years WHERE county_id = 22 AND year = ${Y} FOR UPDATE; SELECT SLEEP(120); COMMIT;\n`);
  holder.stdin.end();
  try {
    const root = (q) => stack('sql-root', '-N', '-B', '-e', q).trim();
    const hid = await waitFor('the lock to be held', () => root("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(120)%'"));
    const edit = await team.post('/team/activities', { csrf, action: 'save', method: 'septic', year: String(Y), id, version, description: TAG, q: '999' });
    // A lock wait that ran out is another change at once, not the system down: 409, and it says so.
    assert.equal(edit.status, 409, 'the edit waited for the lock and gave up');
    assert.match(edit.text, /有其他人同時在變更相同的資料，這次操作沒有完成/);
    assert.equal(kg(), before, 'the line is as it was');
    const del = await team.post('/team/activities', { csrf, action: 'delete', year: String(Y), id, version });
    assert.equal(del.status, 409, 'the delete too');
    assert.equal(kg(), before, 'the line is still there');
    root(`KILL ${hid}`);
    await waitFor('the lock holder to finish', () => holder.exitCode !== null, 15000);
  } finally {
    if (holder.exitCode === null) holder.kill('SIGKILL');
  }
  const again = await team.post('/team/activities', { csrf, action: 'save', method: 'septic', year: String(Y), id, version, description: TAG, q: '999' });
  assert.equal(again.status, 303, 'once the lock is free the edit goes through');
  assert.notEqual(kg(), before);
  sql(`DELETE FROM county_activities WHERE description = '${TAG}'`);
});

test('網站內容: a malformed kind, id or version; the admin\'s edit link and the download link to a row that is not there', async () => {
  const admin = await login('', 'admin');
  for (const q of ['kind=nonsense', 'kind=news&edit=abc', `kind=news&edit=${'9'.repeat(20)}`, 'kind=news&edit=0']) {
    assert.equal((await admin.get(`/admin/content?${q}`)).status, 404, q);
  }
  const anon = new Client();
  for (const q of ['', '?id=abc', `?id=${'9'.repeat(20)}`, '?id=-1']) {
    assert.equal((await anon.get(`/downloads/file${q}`)).status, 404, `/downloads/file${q}`);
  }
  const page = await admin.get('/admin/content?kind=faq');
  const csrf = csrfOf(page.text);
  const post = (fields) => admin.req('/admin/content', { method: 'POST', body: multipart({ csrf, action: 'save', kind: 'faq', id: '0', version: '0', title: `${TAG} 問`, posted_on: '2024-05-01', body: '答', ...fields }) });
  const before = contents();
  for (const [field, value] of [['id', 'abc'], ['id', '9'.repeat(20)], ['version', 'abc'], ['version', '-1']]) {
    assert.equal((await post({ [field]: value })).status, 400, `save ${field}=${value}`);
    assert.equal(contents(), before, `save ${field}=${value}: nothing written`);
  }
  assert.equal((await post({ kind: 'nonsense' })).status, 404, 'a kind that is not one');
  assert.equal((await post({})).status, 303, 'the form as sent is saved');
  const [id, version] = sql(`SELECT id, version FROM site_content WHERE title = '${TAG} 問'`)[0];
  const del = (fields) => admin.req('/admin/content', { method: 'POST', body: multipart({ csrf, action: 'delete', kind: 'faq', id, version, ...fields }) });
  for (const [field, value] of [['id', 'abc'], ['id', ''], ['version', 'abc']]) {
    assert.equal((await del({ [field]: value })).status, 400, `delete ${field}=${value}`);
  }
  assert.equal(sql(`SELECT COUNT(*) FROM site_content WHERE id = ${id}`)[0][0], '1', 'nothing deleted');
  assert.equal((await del({})).status, 303);
  assert.equal(sql(`SELECT COUNT(*) FROM site_content WHERE id = ${id}`)[0][0], '0');
});

test('網站內容: a date\'s year from the first inventory year served to next year, the message naming them; the example is today', async () => {
  const admin = await login('', 'admin');
  const page = await admin.get('/admin/content?kind=news');
  const csrf = csrfOf(page.text);
  const today = page.text.match(/name="posted_on" type="date" value="(\d{4}-\d{2}-\d{2})"/)[1];
  const [first] = span();
  const next = Number(today.slice(0, 4)) + 1;
  const post = (posted_on) => admin.req('/admin/content', { method: 'POST', body: multipart({ csrf, action: 'save', kind: 'news', id: '0', version: '0', title: `${TAG} ${posted_on}`, posted_on, body: '' }) });
  const before = contents();
  for (const d of [`${first - 1}-12-31`, `${next + 1}-01-01`]) {
    const r = await post(d);
    assert.equal(r.status, 400, d);
    assert.ok(r.text.includes(`value="${d}" required aria-invalid="true" aria-describedby="e-posted_on"><p class="field-error" id="e-posted_on">日期的年份須在 ${first} 至 ${next} 年之間。</p>`),
      `${d}: the span beside the field, the date back`);
  }
  const blank = await post('');
  assert.equal(blank.status, 400);
  assert.ok(blank.text.includes(`<p class="field-error" id="e-posted_on">請填寫日期（例：${today}）。</p>`), 'no date: today as the example');
  assert.equal(contents(), before, 'nothing written');
  for (const d of [`${first}-01-01`, `${next}-12-31`]) assert.equal((await post(d)).status, 303, `${d}, an end of the span`);
  assert.equal(sql(`SELECT COUNT(*) FROM site_content WHERE title LIKE '${TAG}%'`)[0][0], '2');
  sql(`DELETE FROM audit_log WHERE field = '網站內容新增' AND new_value LIKE '%${TAG}%'; DELETE FROM site_content WHERE title LIKE '${TAG}%'`);
});
