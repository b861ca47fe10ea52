// login_report.test.mjs: both login forms, lockout, CSRF refusal, logout, authorization by
// role and county, 帳號維護 gating, the report's 計算 / 存檔 with exact totals, full-width
// input, field errors with the input kept, the stale-revision refusal and the audit trail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, r };
}

async function form(c, path) {
  const r = await c.get(path);
  return { page: r, csrf: csrfOf(r.text), revision: (r.text.match(/name="revision" value="(\d+)"/) || [])[1] };
}

test('login with the county chosen, and with the letter typed instead (any case)', async () => {
  for (const [county, account] of [['Z', '371036500X'], ['', 'z371036500X'], ['', 'Z371036500X']]) {
    const { c, r } = await login(county, account);
    assert.equal(r.status, 303, `${county}/${account}`);
    assert.equal(r.headers.get('location'), '/');
    const home = await c.get('/');
    assert.match(home.text, /連江縣介壽國中小/, 'the page shows who is logged in');
    assert.match(home.text, /機關單位登錄/);
  }
  const team = await login('W', 'TEAM');
  assert.equal(team.r.status, 303, 'a county-team account logs in the same way');
});

test('the session cookie: 256-bit token, HttpOnly, SameSite=Lax; a new one at each login', async () => {
  const a = await login('Z', '371036500X');
  const set = a.r.headers.getSetCookie().find((s) => s.startsWith('cityinv_session='));
  assert.match(set, /^cityinv_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax$/);
  const b = await login('Z', '371036500X');
  assert.notEqual(a.c.jar.get('cityinv_session'), b.c.jar.get('cityinv_session'));
  // A token planted before login is never adopted.
  const c = new Client();
  c.jar.set('cityinv_session', 'a'.repeat(64));
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county: 'Z', account: '371036500X', password: 'cityinv-demo' });
  assert.equal(r.status, 303);
  assert.notEqual(c.jar.get('cityinv_session'), 'a'.repeat(64));
});

test('one generic message for a wrong password, an unknown account, a wrong county', async () => {
  const msgs = [];
  for (const [county, account, pw] of [['Z', '371036500X', 'wrong-password'], ['Z', 'NOSUCH', 'cityinv-demo'], ['W', '371036500X', 'cityinv-demo']]) {
    const { r } = await login(county, account, pw);
    assert.equal(r.status, 200);
    const m = r.text.match(/<p class="flash error" role="alert">([^<]+)<\/p>/);
    assert.ok(m, 'a message');
    msgs.push(m[1]);
    assert.match(r.text, new RegExp(`value="${account}"`), 'the account typed comes back');
    assert.ok(!r.headers.getSetCookie().some((s) => s.startsWith('cityinv_session=')), 'no session');
  }
  assert.equal(new Set(msgs).size, 1, 'the same message every time');
});

test('5 failures in 15 minutes lock the account, even for the right password', async () => {
  sql("UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE login = '397030000A'");
  for (let i = 0; i < 5; i++) {
    const { r } = await login('W', '397030000A', 'bad-' + i);
    assert.equal(r.status, 200);
  }
  const locked = await login('W', '397030000A');
  assert.equal(locked.r.status, 200, 'refused while locked');
  assert.match(locked.r.text, /登入失敗/);
  const [[until]] = sql("SELECT locked_until > NOW() + INTERVAL 29 MINUTE FROM accounts WHERE login = '397030000A'");
  assert.equal(until, '1', 'locked for 30 minutes');
  sql("UPDATE accounts SET locked_until = NOW() - INTERVAL 1 SECOND, first_failed_at = NOW() - INTERVAL 31 MINUTE WHERE login = '397030000A'");
  const after = await login('W', '397030000A');
  assert.equal(after.r.status, 303, 'the lock lifts by itself');
});

test('a POST without a valid CSRF token gets 403 and changes nothing', async () => {
  const { c } = await login('Z', '371036600X');
  const before = sql("SELECT CONCAT('[', IFNULL(contact_name, ''), ']') FROM agencies WHERE code = '371036600X'")[0][0];
  for (const token of [undefined, '', 'f'.repeat(64)]) {
    const body = { full_name: '改名', contact_name: 'x', contact_phone: '0836-000000', contact_email: 'a@b.tw' };
    if (token !== undefined) body.csrf = token;
    const r = await c.post('/account', body);
    assert.equal(r.status, 403);
  }
  assert.equal(sql("SELECT CONCAT('[', IFNULL(contact_name, ''), ']') FROM agencies WHERE code = '371036600X'")[0][0], before);
  const anon = await new Client().post('/login', { county: 'Z', account: '371036500X', password: 'cityinv-demo' });
  assert.equal(anon.status, 403, 'the login form too');
});

test('logout ends the session on the server', async () => {
  const { c } = await login('Z', '371036500X');
  const token = c.jar.get('cityinv_session');
  const home = await c.get('/');
  const r = await c.post('/logout', { csrf: csrfOf(home.text) });
  assert.equal(r.status, 303);
  const stale = new Client();
  stale.jar.set('cityinv_session', token);
  assert.equal((await stale.get('/report')).status, 401, 'the old token is dead');
});

test('an idle session expires after 30 minutes, any session after 12 hours', async () => {
  const { c } = await login('Z', '371036500X');
  sql('UPDATE sessions SET last_seen_at = NOW() - INTERVAL 31 MINUTE WHERE account_id = (SELECT id FROM accounts WHERE login = \'371036500X\')');
  assert.equal((await c.get('/report')).status, 401);
  const d = await login('Z', '371036500X');
  sql('UPDATE sessions SET expires_at = NOW() - INTERVAL 1 SECOND WHERE account_id = (SELECT id FROM accounts WHERE login = \'371036500X\')');
  assert.equal((await d.c.get('/report')).status, 401);
});

test('authorization: pages by role; an agency works on its own report only', async () => {
  const anon = new Client();
  for (const p of ['/report', '/report/edit?year=2023', '/account', '/report/history?year=2023']) {
    assert.equal((await anon.get(p)).status, 401, p);
  }
  const team = await login('Z', 'TEAM');
  assert.equal((await team.c.get('/report/edit?year=2023')).status, 403, 'a team account has no report form');
  // The agency comes from the session, never from the request: an agency id in the form is ignored.
  const { c } = await login('W', '397020000A');
  const [[wid]] = sql("SELECT id FROM agencies WHERE code = '397020000A'");
  const [[zid]] = sql("SELECT id FROM agencies WHERE code = '371036500X'");
  const f = await form(c, '/report/edit?year=2022');
  await c.post('/report/edit', { csrf: f.csrf, year: '2022', revision: f.revision, action: 'calc', agency: zid, agency_id: zid, own_electricity: '1' });
  const view = await c.get(`/report/view?year=2022&agency=${zid}`);
  assert.doesNotMatch(view.text, /連江縣/, 'county W sees nothing of county Z');
  assert.equal(Number(wid) > 0, true);
});

test('contact data first; 計算 shows exact totals and saves nothing; 存檔 saves; ticking the box completes', async () => {
  sql("UPDATE agencies SET contact_name = NULL, contact_phone = NULL, contact_email = NULL WHERE code = '371036600X'");
  sql("DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036600X'");
  const { c } = await login('Z', '371036600X');
  let f = await form(c, '/report/edit?year=2023');
  assert.match(f.page.text, /id="report-status">未登錄/);
  const calc = await c.post('/report/edit', { csrf: f.csrf, year: '2023', revision: f.revision, action: 'calc',
    own_electricity: '10000', own_vehicle_gasoline: '100', own_ref_R410a: '2', own_ext_co2: '5', outsourced_electricity: '１，０００' });
  assert.equal(calc.status, 200);
  assert.match(calc.text, /id="total-own">9,027\.523</);
  assert.match(calc.text, /id="total-outsourced">494\.000</);
  assert.match(calc.text, /value="1,000"/, 'full-width input normalised and kept');
  assert.match(calc.text, /AR5/);
  assert.equal(sql("SELECT COUNT(*) FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036600X'")[0][0], '0', '計算 stored nothing');

  const refused = await c.post('/report/edit', { csrf: f.csrf, year: '2023', revision: f.revision, action: 'save', scope_text: '校舍', own_electricity: '10000' });
  assert.equal(refused.status, 400);
  assert.match(refused.text, /帳號維護/, 'contact data is required before saving');

  const acc = await form(c, '/account');
  const bad = await c.post('/account', { csrf: acc.csrf, full_name: '連江縣中正國民中小學', contact_name: '陳老師', contact_phone: '0836-22xxx', contact_email: 'chen@' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /電話格式不正確/);
  assert.match(bad.text, /Email 格式不正確/);
  assert.match(bad.text, /value="陳老師"/, 'input kept');
  const good = await c.post('/account', { csrf: acc.csrf, full_name: '連江縣中正國民中小學', contact_name: '陳老師', contact_phone: '0836-22381 轉 12', contact_email: 'chen@example.gov.tw' });
  assert.equal(good.status, 303);

  f = await form(c, '/report/edit?year=2023');
  const saved = await c.post('/report/edit', { csrf: f.csrf, year: '2023', revision: f.revision, action: 'save', scope_text: '校舍及宿舍',
    own_electricity: '10000', own_vehicle_gasoline: '100', own_ref_R410a: '2', own_ext_co2: '5', outsourced_electricity: '1000' });
  assert.equal(saved.status, 303);
  f = await form(c, '/report/edit?year=2023');
  assert.match(f.page.text, /id="report-status">登錄中/);
  assert.equal(f.revision, '1');
  const [[own, out]] = sql("SELECT own_total_milli, outsourced_total_milli FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036600X' AND r.year = 2023");
  assert.equal(own, '9027523');
  assert.equal(out, '494000');
  const [[lines, sum]] = sql("SELECT COUNT(*), SUM(kg_milli) FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036600X' AND r.year = 2023 AND l.part = 'own'");
  assert.equal(lines, '4');
  assert.equal(sum, '9027523', 'the total is the sum of the stored lines');

  const done = await c.post('/report/edit', { csrf: f.csrf, year: '2023', revision: f.revision, action: 'save', scope_text: '校舍及宿舍', filed: '1',
    own_electricity: '10000', own_vehicle_gasoline: '100', own_ref_R410a: '2', own_ext_co2: '5', outsourced_electricity: '1000' });
  assert.equal(done.status, 303);
  assert.match((await c.get('/report/edit?year=2023')).text, /id="report-status">已登錄完成/);
});

test('bad numbers: a message beside each field, everything typed comes back, nothing saved', async () => {
  const { c } = await login('Z', '371036600X');
  const f = await form(c, '/report/edit?year=2023');
  const before = sql("SELECT revision FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036600X' AND r.year = 2023")[0][0];
  const cases = { own_electricity: '-5', own_natural_gas: '1.2345', own_lpg: '1e309', own_vehicle_gasoline: 'NaN', own_vehicle_diesel: '10000000000000', own_ext_co2: '0x10' };
  const r = await c.post('/report/edit', { csrf: f.csrf, year: '2023', revision: f.revision, action: 'save', scope_text: '校舍', ...cases });
  assert.equal(r.status, 400);
  assert.match(r.text, /不可為負數/);
  assert.match(r.text, /最多 3 位小數/);
  assert.match(r.text, /數值過大/);
  assert.match(r.text, /請輸入數字/);
  for (const [name, v] of Object.entries(cases)) {
    assert.match(r.text, new RegExp(`name="${name}" type="text" value="${v.replace(/[.+]/g, '\\$&')}"[^>]*aria-invalid="true"`), name);
  }
  assert.equal(sql("SELECT revision FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036600X' AND r.year = 2023")[0][0], before);
});

test('a save based on an older revision is refused, the values kept; the audit trail shows old -> new', async () => {
  const a = await login('Z', '371036600X');
  const b = await login('Z', '371036600X');
  const fa = await form(a.c, '/report/edit?year=2023');
  const fb = await form(b.c, '/report/edit?year=2023');
  const base = { year: '2023', action: 'save', scope_text: '校舍及宿舍', filed: '1', own_vehicle_gasoline: '100', own_ref_R410a: '2', own_ext_co2: '5', outsourced_electricity: '1000' };
  const first = await a.c.post('/report/edit', { ...base, csrf: fa.csrf, revision: fa.revision, own_electricity: '12000' });
  assert.equal(first.status, 303);
  const second = await b.c.post('/report/edit', { ...base, csrf: fb.csrf, revision: fb.revision, own_electricity: '13579' });
  assert.equal(second.status, 409);
  assert.match(second.text, /已被他人/);
  assert.match(second.text, /value="13579"/, 'the second writer loses nothing typed');
  const [[elec]] = sql("SELECT i.quantity_milli FROM report_items i JOIN reports r ON r.id = i.report_id JOIN agencies g ON g.id = r.agency_id WHERE g.code = '371036600X' AND r.year = 2023 AND i.part = 'own' AND i.item = 'electricity'");
  assert.equal(elec, '12000000');
  const h = await a.c.get('/report/history?year=2023');
  assert.match(h.text, /<td>不含委外 電力<\/td><td>10000<\/td><td>12000<\/td><td>127\.0\.0\.1<\/td>/);
  assert.match(h.text, /371036600X/);
});

test('a closed year is read-only', async () => {
  sql("UPDATE inventory_years SET is_open = 0 WHERE year = 2014 AND county_id = (SELECT id FROM counties WHERE letter = 'Z')");
  const { c } = await login('Z', '371036600X');
  const f = await form(c, '/report/edit?year=2014');
  assert.match(f.page.text, /此年度已關閉/);
  const r = await c.post('/report/edit', { csrf: f.csrf, year: '2014', revision: '0', action: 'save', scope_text: 'x', own_electricity: '1' });
  assert.equal(r.status, 403);
  assert.equal(sql("SELECT COUNT(*) FROM reports WHERE year = 2014")[0][0], '0');
});

test('authorization: another agency\'s id in the URL or the form changes nothing and shows nothing', async () => {
  const [[victim]] = sql("SELECT id FROM agencies WHERE code = '371036600X'");
  const [[vrevision]] = sql(`SELECT revision FROM reports WHERE agency_id = ${victim} AND year = 2023`);
  sql("UPDATE agencies SET contact_name = '林', contact_phone = '0836-123456', contact_email = 'l@example.gov.tw' WHERE code = '371036500X'");
  const { c } = await login('Z', '371036500X');
  const view = await c.get(`/report/view?year=2023&agency=${victim}&agency_id=${victim}`);
  assert.doesNotMatch(view.text, /校舍及宿舍/, "the other agency's report is not shown");
  assert.match(view.text, /連江縣介壽國中小/, 'only its own');
  const f = await form(c, '/report/edit?year=2023');
  const r = await c.post('/report/edit', { csrf: f.csrf, year: '2023', revision: f.revision, action: 'save', scope_text: '介壽自己的',
    agency: victim, agency_id: victim, own_electricity: '1' });
  assert.equal(r.status, 303);
  assert.deepEqual(sql(`SELECT revision FROM reports WHERE agency_id = ${victim} AND year = 2023`), [[vrevision]], 'the victim is untouched');
  assert.deepEqual(sql("SELECT r.scope_text FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036500X' AND r.year = 2023"), [['介壽自己的']]);
  // A county-W account never sees county Z's data, whatever it asks for.
  const w = await login('W', '397020000A');
  for (const p of [`/report/view?year=2023&agency=${victim}`, '/report/history?year=2023', `/report/edit?year=2023&agency=${victim}`]) {
    const g = await w.c.get(p);
    assert.doesNotMatch(g.text, /校舍及宿舍|介壽自己的|371036600X/, p);
  }
  sql("DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036500X' AND r.year = 2023");
});
