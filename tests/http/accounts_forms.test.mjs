// accounts_forms.test.mjs: the declared fields of /login, /password, /team, /team/years and
// /team/accounts: a year outside the data's span, an id of 20 digits or of letters, an action the
// path does not have, filters out of their choices, and a long non-ASCII password, which 變更密碼
// accepted (200 characters) and login then refused (it counted 200 bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, loginAs, sql, tableDigest } from '../lib.mjs';

const span = () => sql('SELECT MIN(year), MAX(year) FROM inventory_years')[0].map(Number);
const heading = (html) => (html.match(/盤查小組：民國 (\d+) 年填報情形/) || [])[1];
const selected = (html, name) => (html.match(new RegExp(`<select id="f-${name}" name="${name}">[\\s\\S]*?</select>`))[0]
  .match(/<option value="([^"]*)" selected>/) || [])[1];

test('/team: a year outside the data\'s span, or not a year, shows the last year served; bad filters show everything', async () => {
  const [first, last] = span();
  const team = await loginAs('Z', 'TEAM');
  for (const year of [String(last + 3), String(first - 1), 'abc', '2020.5', '9'.repeat(20), '']) {
    const r = await team.get(`/team?year=${encodeURIComponent(year)}`);
    assert.equal(r.status, 200, year);
    assert.equal(heading(r.text), String(last - 1911), `year=${year}: the last year served`);
    assert.equal(selected(r.text, 'year'), String(last), `year=${year}: selected in the list`);
  }
  const list = await team.get(`/team?year=${first}`);
  assert.equal(heading(list.text), String(first - 1911), 'the first year served is served');
  const years = [...list.text.match(/<select id="f-year" name="year">[\s\S]*?<\/select>/)[0].matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(years, Array.from({ length: last - first + 1 }, (_, i) => last - i), 'the list is the years served, latest first');

  const all = sql('SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND active = 1')[0][0];
  for (const [q, field] of [['level=9', 'level'], ['level=0', 'level'], ['level=x', 'level'], ['status=5', 'status'], ['status=-1', 'status'], ['status=', 'status']]) {
    const r = await team.get(`/team?year=2020&${q}`);
    assert.equal(r.status, 200, q);
    assert.equal(selected(r.text, field), '', `${q}: 全部 selected`);
    assert.match(r.text, new RegExp(`共 ${all} 個機關`), `${q}: every agency listed`);
  }
  const l4 = await team.get('/team?year=2020&level=4');
  assert.equal(selected(l4.text, 'level'), '4');
  assert.match(l4.text, new RegExp(`共 ${sql('SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND active = 1 AND level >= 4')[0][0]} 個機關`));
});

test('/team/accounts: an id of 20 digits, of letters or none is not found; an unknown action is refused; nothing written', async () => {
  const team = await loginAs('Z', 'TEAM');
  const page = await team.get('/team/accounts');
  const csrf = csrfOf(page.text);
  const [[acc]] = sql("SELECT id FROM accounts WHERE county_id = 22 AND login = '371036600X'");
  const before = tableDigest(['accounts', 'audit_log']);
  for (const action of ['unlock', 'reset']) {
    for (const account of ['9'.repeat(20), '12abc', 'abc', '-1', '0', String(2 ** 53 + 2), '']) {
      const r = await team.post('/team/accounts', { csrf, action, account });
      assert.equal(r.status, 404, `${action} account=${account}`);
    }
    assert.equal((await team.post('/team/accounts', { csrf, action })).status, 404, `${action} without an account`);
  }
  for (const action of ['delete', 'UNLOCK', '']) {
    const r = await team.post('/team/accounts', { csrf, action, account: acc });
    assert.equal(r.status, 400, `action=${action}`);
    assert.match(r.text, /請求格式錯誤/);
  }
  assert.equal((await team.post('/team/accounts', { csrf, account: acc })).status, 400, 'no action');
  assert.equal(tableDigest(['accounts', 'audit_log']), before, 'nothing written');
  // A GET lists the accounts, its ?unlocked flag shows the notice.
  assert.match((await team.get('/team/accounts?unlocked=1')).text, /已解鎖。/);
  assert.doesNotMatch((await team.get('/team/accounts')).text, /已解鎖。/);
});

test('/team/years: a year not served is not found; a deadline outside the years module\'s range says the range from the data', async () => {
  const [first, last] = span();
  const team = await loginAs('Z', 'TEAM');
  const page = await team.get('/team/years');
  const csrf = csrfOf(page.text);
  const row = () => sql(`SELECT is_open, IFNULL(deadline, '-') FROM inventory_years WHERE county_id = 22 AND year = ${last}`)[0].join('/');
  const before = row();
  const [open, dl] = before.split('/');
  const withOpen = (f) => (open === '1' ? { ...f, is_open: '1' } : f);   // a published year cannot be opened
  for (const year of [String(last + 1), String(first - 1), 'abc', '9'.repeat(20), '']) {
    const r = await team.post('/team/years', { csrf, year, deadline: '' });
    assert.equal(r.status, 404, `year=${year}`);
  }
  for (const deadline of [`${first - 1}-12-31`, `${first + 100}-01-01`]) {
    const r = await team.post('/team/years', withOpen({ csrf, year: String(last), deadline }));
    assert.equal(r.status, 400, deadline);
    assert.ok(r.text.includes(`<p class="field-error" id="e-dl-${last}">期限的年份須在 ${first} 至 ${first + 99} 年之間。</p>`), `${deadline}: the range from the data`);
    assert.ok(r.text.includes(`value="${deadline}" aria-invalid="true"`), `${deadline}: typed value back`);
    assert.equal(row(), before, `${deadline}: nothing written`);
  }
  // Both ends of the range are accepted (and put back as they were).
  for (const deadline of [`${first}-01-01`, `${first + 99}-12-31`]) {
    const r = await team.post('/team/years', withOpen({ csrf, year: String(last), deadline }));
    assert.equal(r.status, 303, deadline);
    assert.equal(sql(`SELECT deadline FROM inventory_years WHERE county_id = 22 AND year = ${last}`)[0][0], deadline);
  }
  assert.equal((await team.post('/team/years', withOpen({ csrf, year: String(last), deadline: dl === '-' ? '' : dl }))).status, 303);
  assert.equal(row(), before, 'put back');
});

test('a password of 200 non-ASCII characters set on 變更密碼 logs in and is the current password; 201 are refused', async () => {
  const LOGIN = 'S11FORMS';
  const hash = sql("SELECT password_hash FROM accounts WHERE login = 'TEAM' AND county_id = 22")[0][0];
  sql(`INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password) VALUES ('team', 1, '${LOGIN}', '${hash}', 0)`);
  const [[id]] = sql(`SELECT id FROM accounts WHERE county_id = 1 AND login = '${LOGIN}'`);
  const login = async (password) => {
    const c = new Client();
    const home = await c.get('/');
    return { c, r: await c.post('/login', { csrf: csrfOf(home.text), county: 'A', account: LOGIN, password }) };
  };
  try {
    const long = '盤查密碼'.repeat(50);   // 200 characters, 600 bytes
    assert.equal([...long].length, 200);
    const { c, r } = await login('cityinv-demo');
    assert.equal(r.status, 303);
    let page = await c.get('/password');
    const tooLong = await c.post('/password', { csrf: csrfOf(page.text), old: 'cityinv-demo', new: `${long}盤`, new2: `${long}盤` });
    assert.equal(tooLong.status, 400, '201 characters');
    assert.match(tooLong.text, /<p class="field-error" id="e-new">新密碼至少需 10 個字元/);
    const set = await c.post('/password', { csrf: csrfOf(page.text), old: 'cityinv-demo', new: long, new2: long });
    assert.equal(set.status, 303, 'set');
    const again = await login(long);
    assert.equal(again.r.status, 303, 'and logs in');
    assert.equal((await login(`${long}盤`)).r.status, 200, '201 characters do not');
    page = await again.c.get('/password');
    const change = await again.c.post('/password', { csrf: csrfOf(page.text), old: long, new: 'Kx8-new-pass-2026', new2: 'Kx8-new-pass-2026' });
    assert.equal(change.status, 303, 'it is the current password on 變更密碼');
    assert.equal((await login('Kx8-new-pass-2026')).r.status, 303);
    assert.deepEqual(sql(`SELECT failed_logins FROM accounts WHERE id = ${id}`), [['0']], 'no failure counted');
  } finally {
    sql(`DELETE FROM audit_log WHERE account_id = ${id}; DELETE FROM accounts WHERE id = ${id}`);
  }
});

test('/login: a county that is not one letter, an account beyond 40 characters, a password beyond 200: the one failure message', async () => {
  for (const form of [{ county: 'ZZ', account: '371036500X' }, { county: 'Z', account: 'A'.repeat(41) },
    { county: 'Z', account: '371036500X', password: 'x'.repeat(201) }, { county: '', account: 'z371036500X', ok: true }]) {
    const c = new Client();
    const home = await c.get('/');
    const r = await c.post('/login', { csrf: csrfOf(home.text), password: 'cityinv-demo', ...form });
    if (form.ok) {
      assert.equal(r.status, 303, JSON.stringify(form));
    } else {
      assert.equal(r.status, 200, JSON.stringify(form));
      assert.match(r.text, /登入失敗：縣市、帳號或密碼不正確/);
    }
  }
});
