// console.test.mjs: the platform operator's console (issue 15, SPEC-2 §3) over HTTP: every console
// route refused to everyone but the admin, with nothing written; a county taken off the platform
// and onboarded again (hosting, a personal team account with a one-time password, its first login
// and password change, an agency created by it); lock, unlock, reset, deactivate, reactivate with
// their sessions ended; the refusals beside their fields with what was typed; the audit lines.
// County N (彰化縣) is this file's own; it leaves N hosted, as tests/run.sh has every county, and
// every account and agency it made deactivated (tests/http/schema.test.mjs counts the demo's).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, holdUntilWaited, loginAs, sql, tableDigest } from '../lib.mjs';

const LETTER = 'N';
const [[X]] = sql(`SELECT id FROM counties WHERE letter = '${LETTER}'`);
const TAG = String(Date.now() % 100000);
const q1 = (s) => sql(s)[0]?.[0];
const snapshot = () => tableDigest(['accounts', 'counties', 'audit_log', 'sessions']);
const otpOf = (html) => (html.match(/<strong id="otp">([^<]+)<\/strong>/) || [])[1];
const hosted = () => Number(q1(`SELECT hosted FROM counties WHERE id = ${X}`));

after(() => {
  sql(`UPDATE counties SET hosted = 1 WHERE id = ${X};
       UPDATE accounts SET active = 0 WHERE login LIKE '%.${TAG}'
         OR agency_id IN (SELECT id FROM agencies WHERE county_id = ${X} AND code LIKE 'X${TAG}%');
       UPDATE agencies SET active = 0 WHERE county_id = ${X} AND code LIKE 'X${TAG}%'`);
});

// A login: the client (logged in or not) and the status of the POST.
async function login(county, account, password) {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, status: r.status, location: r.headers.get('location') };
}

// A form of the console posted by the admin: the page's csrf first.
async function act(admin, path, form) {
  const page = await admin.get(path.startsWith('/admin/accounts') ? `/admin/accounts${form.county ? `?county=${form.county}` : ''}` : '/admin');
  return admin.post(path, { csrf: csrfOf(page.text), ...form });
}

const ROUTES = [
  ['GET', '/admin'], ['GET', '/admin/audit'], ['GET', '/admin/factors'], ['GET', '/admin/accounts'], ['GET', `/admin/accounts?county=${LETTER}`],
  ['POST', '/admin', { action: 'host', county: LETTER }], ['POST', '/admin', { action: 'unhost', county: LETTER, confirm: '1' }],
  ...['create', 'reset', 'lock', 'unlock', 'deactivate', 'reactivate'].map((action) =>
    ['POST', '/admin/accounts', { action, county: LETTER, account: '1', login: `nope${TAG}`, name: '不該建立' }]),
];

test('every console route: 401 anonymous, 403 to an agency and to a team account, nothing written', async () => {
  const agency = await loginAs('Z', '371036600X');
  const team = await loginAs('Z', 'TEAM');
  const anon = new Client();
  const before = snapshot();
  for (const [who, c] of [['anonymous', anon], ['agency', agency], ['team', team]]) {
    const home = await c.get('/');
    const csrf = csrfOf(home.text);
    for (const [method, path, form] of ROUTES) {
      const r = method === 'GET' ? await c.get(path) : await c.post(path, { csrf, ...form });
      assert.equal(r.status, who === 'anonymous' ? 401 : 403, `${who} ${method} ${path} ${form?.action || ''}`);
      assert.doesNotMatch(r.text, /託管中|一次性密碼|管理紀錄<\/h1>/, `${who} ${path}: nothing of the console`);
    }
  }
  // The links of the console are the admin's only.
  assert.doesNotMatch((await team.get('/team')).text, /href="\/admin/);
  assert.equal(snapshot(), before, 'nothing written');
});

test('the admin\'s console: a form without its token is refused (403), an unknown county or account is 404, nothing written', async () => {
  const admin = await loginAs('', 'admin');
  const before = snapshot();
  for (const [path, form] of [['/admin', { action: 'unhost', county: LETTER, confirm: '1' }],
    ['/admin/accounts', { action: 'create', county: LETTER, login: `nocsrf${TAG}`, name: '甲' }]]) {
    assert.equal((await admin.post(path, form)).status, 403, `${path} ${form.action} without csrf`);
    assert.equal((await admin.post(path, { ...form, csrf: 'f'.repeat(64) })).status, 403, `${path} with a wrong csrf`);
  }
  assert.equal((await admin.get('/admin/accounts?county=Y')).status, 404, 'Y is no county now');
  assert.equal((await admin.get('/admin/accounts?county=%E5%8F%B0')).status, 404, 'not a letter');
  for (const typed of [LETTER.toLowerCase(), String.fromCodePoint(0xFF21 + LETTER.charCodeAt(0) - 65)]) {
    const r = await admin.get(`/admin/accounts?county=${encodeURIComponent(typed)}`);
    assert.equal(r.status, 200, `county=${typed} is ${LETTER}, as /admin takes it`);
    assert.match(r.text, new RegExp(`name="county" value="${LETTER}"`));
  }
  for (const county of ['Y', 'ZZ', '']) {
    const r = await act(admin, '/admin', { action: 'host', county });
    assert.equal(r.status, 404, `host county=${county}`);
  }
  const [[agencyAcc]] = sql("SELECT id FROM accounts WHERE kind = 'agency' AND county_id = 22 LIMIT 1");
  const [[teamZ]] = sql("SELECT id FROM accounts WHERE kind = 'team' AND county_id = 22 AND login = 'TEAM'");
  for (const action of ['reset', 'lock', 'deactivate']) {
    // An agency's account is never the console's; Z's team account is not X's; no id, no account.
    assert.equal((await act(admin, '/admin/accounts', { action, county: 'Z', account: String(agencyAcc) })).status, 404, `${action} an agency account`);
    assert.equal((await act(admin, '/admin/accounts', { action, county: LETTER, account: String(teamZ) })).status, 404, `${action} Z's team under X`);
    assert.equal((await act(admin, '/admin/accounts', { action, account: String(teamZ) })).status, 404, `${action} a team account as an admin`);
    assert.equal((await act(admin, '/admin/accounts', { action, county: LETTER, account: 'abc' })).status, 404, `${action} account=abc`);
  }
  assert.equal(snapshot(), before, 'nothing written');
});

test('a county off the platform and onboarded again: hosting, a personal team account, its first login, an agency', async () => {
  const admin = await loginAs('', 'admin');
  const home = await admin.get('/admin');
  assert.equal(home.status, 200);
  assert.match(home.text, new RegExp(`<tr id="county-${LETTER}">[\\s\\S]*?託管中`), 'X hosted (tests/run.sh)');
  for (const link of ['/admin', '/admin/accounts', '/admin/audit', '/admin/content']) assert.match(home.text, new RegExp(`href="${link}"`));

  // 停止託管 needs its box ticked: refused beside the county's form, nothing changed.
  const before = snapshot();
  const noConfirm = await act(admin, '/admin', { action: 'unhost', county: LETTER });
  assert.equal(noConfirm.status, 400);
  assert.match(noConfirm.text, /<p class="field-error" id="unhost-error">停止託管會登出該縣市所有帳號/);
  assert.match(noConfirm.text, new RegExp(`<tr id="county-${LETTER}">[\\s\\S]*?aria-invalid="true"`));
  assert.equal(snapshot(), before, 'nothing written');

  const off = await act(admin, '/admin', { action: 'unhost', county: LETTER, confirm: '1' });
  assert.equal(off.status, 303);
  assert.equal(off.headers.get('location'), '/admin?done=unhosted');
  assert.equal(hosted(), 0);
  assert.match((await admin.get('/admin?done=unhosted')).text, new RegExp(`已停止託管[\\s\\S]*<tr id="county-${LETTER}">[\\s\\S]*?未託管`));

  // A team member's account, made before the county is back: the one-time password is shown once.
  const login1 = `wang.${TAG}`;
  const created = await act(admin, '/admin/accounts', { action: 'create', county: LETTER, login: login1, name: '王小明' });
  assert.equal(created.status, 200);
  const otp = otpOf(created.text);
  assert.match(otp, /^[A-Za-z0-9]{12}$/, 'a one-time password');
  assert.match(created.text, new RegExp(`已建立帳號 ${login1.replace('.', '\\.')}（王小明）`));
  const [row] = sql(`SELECT kind, county_id, agency_id IS NULL, display_name, must_change_password, active, created_by IS NOT NULL,
    password_hash LIKE '$argon2id$%' FROM accounts WHERE county_key = ${X} AND login = '${login1}'`);
  assert.deepEqual(row, ['team', String(X), '1', '王小明', '1', '1', '1', '1']);
  assert.doesNotMatch((await admin.get(`/admin/accounts?county=${LETTER}`)).text, new RegExp(otp), 'never shown again');

  // Not hosted: no login, whatever the password.
  assert.notEqual((await login(LETTER, login1, otp)).status, 303, 'a county off the platform has no logins');

  const on = await act(admin, '/admin', { action: 'host', county: LETTER });
  assert.equal(on.status, 303);
  assert.equal(hosted(), 1);
  const first = await login(LETTER, login1, otp);
  assert.equal(first.status, 303, 'the one-time password logs in');
  const forced = await first.c.get('/team');
  assert.equal(forced.status, 303);
  assert.equal(forced.headers.get('location'), '/password', 'a new password first');
  const pwPage = await first.c.get('/password');
  const newPw = `penghu-${TAG}-secret`;
  const changed = await first.c.post('/password', { csrf: csrfOf(pwPage.text), old: otp, new: newPw, new2: newPw });
  assert.equal(changed.status, 303);
  const team = await first.c.get('/team');
  assert.equal(team.status, 200);
  assert.match(team.text, /彰化縣盤查小組　王小明/, 'named as the person');

  // The team creates the county's first agency.
  const ag = await first.c.get('/team/agencies');
  const code = `X${TAG}0000A`.slice(0, 10);
  const made = await first.c.post('/team/agencies', { csrf: csrfOf(ag.text), action: 'create', code, name: `澎湖縣政府${TAG}`, parent: '' });
  assert.equal(made.status, 200, 'the agency created');
  assert.equal(q1(`SELECT COUNT(*) FROM agencies WHERE county_id = ${X} AND code = '${code}'`), '1');

  // Stopping the county ends the member's session at once, and hosting it again keeps the account as it was.
  assert.equal((await act(admin, '/admin', { action: 'unhost', county: LETTER, confirm: '1' })).status, 303);
  assert.equal((await first.c.get('/team')).status, 401, 'logged out with the county');
  assert.equal((await act(admin, '/admin', { action: 'host', county: LETTER })).status, 303);
  assert.equal((await login(LETTER, login1, newPw)).status, 303, 'the chosen password again');

  const audit = await admin.get('/admin/audit');
  for (const field of ['停止託管', '開始託管', '建立帳號']) assert.match(audit.text, new RegExp(`<td>${field}</td>`), field);
  assert.match(audit.text, new RegExp(`<td>彰化縣</td><td>${login1.replace('.', '\\.')}</td><td>建立帳號</td><td>${login1.replace('.', '\\.')}（王小明）</td>`));
});

test('creating an account: each refusal beside its field with what was typed, nothing written', async () => {
  const admin = await loginAs('', 'admin');
  const taken = `dup.${TAG}`;
  assert.equal((await act(admin, '/admin/accounts', { action: 'create', county: LETTER, login: taken, name: '甲' })).status, 200);
  const before = snapshot();
  for (const [login, name, field, msg] of [
    [taken, '乙', 'login', '此縣市已有這個帳號'],
    ['王小明', '乙', 'login', '帳號須為 2 至 40 個英文字母'],
    ['-lead', '乙', 'login', '帳號須為 2 至 40 個英文字母'],
    ['a', '乙', 'login', '帳號須為 2 至 40 個英文字母'],
    ['x'.repeat(41), '乙', 'login', '帳號須為 2 至 40 個英文字母'],
    [`ok.${TAG}`, '', 'name', '請填寫使用者姓名'],
    [`ok.${TAG}`, '長'.repeat(51), 'name', '請填寫使用者姓名'],
  ]) {
    const r = await act(admin, '/admin/accounts', { action: 'create', county: LETTER, login, name });
    assert.equal(r.status, 400, `${login} / ${name.length}`);
    assert.match(r.text, /帳號尚未建立/);
    assert.match(r.text, new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`), `${field} marked`);
    assert.match(r.text, new RegExp(`<p class="field-error"[^>]*>${msg}`), msg);
    const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (login.length <= 40) assert.match(r.text, new RegExp(`name="login"[^>]*value="${esc(login)}"`), 'the login typed comes back');
    if (name) assert.match(r.text, new RegExp(`name="name"[^>]*value="${esc(name.slice(0, 60))}"`), 'the name typed comes back');
    assert.doesNotMatch(r.text, /id="otp"/);
  }
  // The same login in another county, and an agency code's login in its own county, are not taken here.
  assert.equal(snapshot(), before, 'nothing written');
  const zAgency = q1("SELECT login FROM accounts WHERE kind = 'agency' AND county_id = 22 LIMIT 1");
  const clash = await act(admin, '/admin/accounts', { action: 'create', county: 'Z', login: zAgency, name: '丙' });
  assert.equal(clash.status, 400, 'an agency account\'s login in Z is taken in Z');
  assert.equal(snapshot(), before, 'nothing written');
  // A login typed without a county is an admin's as typed, else a county's behind its letter: an admin
  // named "z" + Z's agency login would take that agency's way in, and the other way round.
  const shadow = await act(admin, '/admin/accounts', { action: 'create', login: `z${zAgency}`, name: '丁' });
  assert.equal(shadow.status, 400, 'an admin named as letter + a county login');
  assert.match(shadow.text, /<p class="field-error"[^>]*>此帳號等於「縣市代碼＋該縣市既有帳號」/);
  assert.equal(snapshot(), before, 'nothing written');
  const first = `${LETTER.toLowerCase()}first.${TAG}`;
  assert.equal((await act(admin, '/admin/accounts', { action: 'create', login: first, name: '戊' })).status, 200, 'an admin so named first');
  const shadowed = await act(admin, '/admin/accounts', { action: 'create', county: LETTER, login: `first.${TAG}`, name: '己' });
  assert.equal(shadowed.status, 400, 'then a team login of that county behind it');
  assert.match(shadowed.text, /<p class="field-error"[^>]*>已有平台管理者帳號為「縣市代碼＋此帳號」/);
  assert.equal(q1(`SELECT COUNT(*) FROM accounts WHERE county_id = (SELECT id FROM counties WHERE letter = '${LETTER}') AND login = 'first.${TAG}'`), '0');
  sql(`UPDATE accounts SET active = 0 WHERE kind = 'admin' AND login = '${first}'`);   // the admins the tests below count
});

// An admin's create waiting for county X's row, found by its county letter (a write of the worker's with a
// foreign key to the row may wait too and is not counted).
const WAITING_CREATE = `FROM information_schema.INNODB_TRX t JOIN information_schema.INNODB_LOCKS l ON l.lock_id = t.trx_requested_lock_id
    WHERE t.trx_state = 'LOCK WAIT' AND l.lock_table LIKE '%\`counties\`' AND l.lock_data = '${X}'
      AND t.trx_query LIKE 'SELECT id FROM counties WHERE letter = %'`;

test('two admins at once: an admin login checked against the county behind its letter under that county\'s lock, so a team login made meanwhile is seen (400)', async () => {
  const admin = await loginAs('', 'admin');
  const page = await admin.get('/admin/accounts');
  const team = `race.${TAG}`, shadow = `${LETTER.toLowerCase()}race.${TAG}`;
  // County X's row held FOR UPDATE, as a change to the county's logins holds it (another admin making a
  // team account, the team making an agency), with a team login made under it.
  const h = holdUntilWaited(`SELECT id FROM counties WHERE id = ${X} FOR UPDATE;
INSERT INTO accounts (kind, county_id, login, display_name, password_hash, must_change_password)
  VALUES ('team', ${X}, '${team}', '庚', '!', 1);`, WAITING_CREATE);
  await h.held;
  const r = await admin.post('/admin/accounts', { csrf: csrfOf(page.text), action: 'create', login: shadow, name: '辛' });
  const { code, out } = await h.done;
  assert.equal(code, 0, out);
  assert.match(out, /waiters\t1/, 'the admin\'s create waited for the county\'s row');
  assert.equal(r.status, 400, 'then saw the team login behind the letter');
  assert.match(r.text, /<p class="field-error"[^>]*>此帳號等於「縣市代碼＋該縣市既有帳號」/);
  assert.equal(q1(`SELECT COUNT(*) FROM accounts WHERE county_key = 0 AND login = '${shadow}'`), '0', 'no admin so named');
  assert.equal(q1(`SELECT COUNT(*) FROM accounts WHERE county_id = ${X} AND login = '${team}'`), '1', 'the team login stands');
});

test('lock, unlock, reset, deactivate, reactivate: sessions ended, logins refused and allowed again, each audited', async () => {
  const admin = await loginAs('', 'admin');
  const name = `lee.${TAG}`;
  const created = await act(admin, '/admin/accounts', { action: 'create', county: LETTER, login: name, name: '李大華' });
  const otp = otpOf(created.text);
  const [[id]] = sql(`SELECT id FROM accounts WHERE county_key = ${X} AND login = '${name}'`);
  const pw = `lee-${TAG}-password`;
  const first = await login(LETTER, name, otp);
  const pwPage = await first.c.get('/password');
  assert.equal((await first.c.post('/password', { csrf: csrfOf(pwPage.text), old: otp, new: pw, new2: pw })).status, 303);
  const member = first.c;
  assert.equal((await member.get('/team')).status, 200);
  const audits = () => Number(q1(`SELECT COUNT(*) FROM audit_log WHERE subject_account_id = ${id}`));
  const n0 = audits();

  const locked = await act(admin, '/admin/accounts', { action: 'lock', county: LETTER, account: String(id) });
  assert.equal(locked.status, 303);
  assert.equal(locked.headers.get('location'), `/admin/accounts?county=${LETTER}&done=locked`);
  assert.equal((await member.get('/team')).status, 401, 'locked: logged out at once');
  assert.notEqual((await login(LETTER, name, pw)).status, 303, 'locked: no login with the right password');
  assert.match((await admin.get(`/admin/accounts?county=${LETTER}`)).text, new RegExp(`data-account="${id}">[\\s\\S]*?已鎖定`));
  // Failed logins do not lift the admin's lock, and the lock outlasts the 30 minutes of failures.
  sql(`UPDATE accounts SET locked_until = NOW() - INTERVAL 1 MINUTE WHERE id = ${id}`);
  assert.notEqual((await login(LETTER, name, pw)).status, 303, 'still locked');

  assert.equal((await act(admin, '/admin/accounts', { action: 'unlock', county: LETTER, account: String(id) })).status, 303);
  const again = await login(LETTER, name, pw);
  assert.equal(again.status, 303, 'unlocked: logs in');

  const reset = await act(admin, '/admin/accounts', { action: 'reset', county: LETTER, account: String(id) });
  assert.equal(reset.status, 200);
  const otp2 = otpOf(reset.text);
  assert.ok(otp2 && otp2 !== otp);
  assert.equal((await again.c.get('/team')).status, 401, 'reset: logged out');
  assert.notEqual((await login(LETTER, name, pw)).status, 303, 'the old password no longer works');
  const viaOtp = await login(LETTER, name, otp2);
  assert.equal(viaOtp.status, 303);
  assert.equal((await viaOtp.c.get('/team')).headers.get('location'), '/password', 'must change it again');

  assert.equal((await act(admin, '/admin/accounts', { action: 'deactivate', county: LETTER, account: String(id) })).status, 303);
  assert.equal((await viaOtp.c.get('/password')).status, 401, 'deactivated: logged out');
  assert.notEqual((await login(LETTER, name, otp2)).status, 303, 'deactivated: no login');
  const refusedReset = await act(admin, '/admin/accounts', { action: 'reset', county: LETTER, account: String(id) });
  assert.equal(refusedReset.status, 409);
  assert.match(refusedReset.text, /停用的帳號須先重新啟用/);
  assert.equal((await act(admin, '/admin/accounts', { action: 'reactivate', county: LETTER, account: String(id) })).status, 303);
  assert.equal((await login(LETTER, name, otp2)).status, 303, 'reactivated: logs in');

  assert.equal(audits(), n0 + 5, 'lock, unlock, reset, deactivate, reactivate: a line each (the refused reset none)');
  const fields = sql(`SELECT field, new_value, county_id FROM audit_log WHERE subject_account_id = ${id} ORDER BY id`).slice(-5);
  assert.deepEqual(fields.map((f) => f[0]), ['鎖定帳號', '解除鎖定', '重設密碼', '停用帳號', '重新啟用帳號']);
  assert.ok(fields.every((f) => f[1] === name && f[2] === String(X)));
});

test('admin accounts: another admin created and used; an admin cannot lock, deactivate or reset themselves', async () => {
  const admin = await loginAs('', 'admin');
  const [[self]] = sql("SELECT id FROM accounts WHERE kind = 'admin' AND login = 'admin'");
  const before = snapshot();
  for (const action of ['lock', 'deactivate', 'reset']) {
    const r = await act(admin, '/admin/accounts', { action, account: String(self) });
    assert.equal(r.status, 409, action);
    assert.match(r.text, /不可鎖定或停用自己的帳號|自己的密碼請用「變更密碼」變更/);
  }
  assert.equal(snapshot(), before, 'nothing written');
  assert.equal((await admin.get('/admin')).status, 200, 'still logged in');

  const ops = `ops.${TAG}`;
  const made = await act(admin, '/admin/accounts', { action: 'create', login: ops, name: '陳維運' });
  assert.equal(made.status, 200);
  assert.match(made.text, /<h1>平台管理者帳號<\/h1>/);
  assert.deepEqual(sql(`SELECT kind, county_id IS NULL, county_key FROM accounts WHERE login = '${ops}'`)[0], ['admin', '1', '0']);
  const otp = otpOf(made.text);
  const first = await login('', ops, otp);
  assert.equal(first.status, 303, 'the admin logs in without a county');
  const pwPage = await first.c.get('/password');
  const pw = `ops-${TAG}-password`;
  assert.equal((await first.c.post('/password', { csrf: csrfOf(pwPage.text), old: otp, new: pw, new2: pw })).status, 303);
  const console2 = await first.c.get('/admin');
  assert.equal(console2.status, 200);
  assert.match(console2.text, /平台管理者　陳維運/);
  // The second admin may lock the first one's peer, not themselves; locked, the other is out.
  const [[opsId]] = sql(`SELECT id FROM accounts WHERE login = '${ops}' AND kind = 'admin'`);
  assert.equal((await act(admin, '/admin/accounts', { action: 'lock', account: String(opsId) })).status, 303);
  assert.equal((await first.c.get('/admin')).status, 401);
  assert.equal((await act(admin, '/admin/accounts', { action: 'deactivate', account: String(opsId) })).status, 303);
  assert.equal(q1(`SELECT CONCAT(active, admin_locked) FROM accounts WHERE id = ${opsId}`), '01');
});

test('two admins lock each other at once, five times: never both, and the platform always keeps an admin who can log in', async () => {
  const made = [];
  const admin = await loginAs('', 'admin');
  for (const who of ['a', 'b']) {
    const name = `race${who}.${TAG}`;
    const r = await act(admin, '/admin/accounts', { action: 'create', login: name, name: `併發${who}` });
    const otp = otpOf(r.text);
    const first = await login('', name, otp);
    const page = await first.c.get('/password');
    const pw = `race-${who}-${TAG}-pw`;
    assert.equal((await first.c.post('/password', { csrf: csrfOf(page.text), old: otp, new: pw, new2: pw })).status, 303);
    made.push({ login: name, pw, id: q1(`SELECT id FROM accounts WHERE kind = 'admin' AND login = '${name}'`) });
  }
  // The demo admin out of the way (locked), so that a and b are the only admins who can log in.
  const [[demo]] = sql("SELECT id FROM accounts WHERE kind = 'admin' AND login = 'admin'");
  try {
    for (let round = 0; round < 5; round++) {
      sql(`UPDATE accounts SET admin_locked = 1 WHERE id = ${demo}`);
      sql(`UPDATE accounts SET admin_locked = 0 WHERE id IN (${made[0].id}, ${made[1].id})`);
      const sessions = [];
      for (const m of made) sessions.push((await login('', m.login, m.pw)).c);
      const pages = await Promise.all(sessions.map((c) => c.get('/admin/accounts')));
      const [ra, rb] = await Promise.all([
        sessions[0].post('/admin/accounts', { csrf: csrfOf(pages[0].text), action: 'lock', account: made[1].id }),
        sessions[1].post('/admin/accounts', { csrf: csrfOf(pages[1].text), action: 'lock', account: made[0].id }),
      ]);
      const statuses = [ra.status, rb.status].sort().join(' ');
      // The first to commit locks the other, whose own request then either finds itself logged out
      // (401: its session ended with the lock) or is refused as the last admin standing (409).
      assert.match(statuses, /^303 (401|409)$/, `round ${round}: ${statuses}`);
      const usable = Number(q1(`SELECT COUNT(*) FROM accounts WHERE kind = 'admin' AND active = 1 AND admin_locked = 0`));
      assert.equal(usable, 1, `round ${round}: exactly one admin left who can log in`);
    }
  } finally {
    sql(`UPDATE accounts SET admin_locked = 0 WHERE id = ${demo}`);
    sql(`UPDATE accounts SET active = 0 WHERE id IN (${made[0].id}, ${made[1].id})`);
  }
});

test('係數表: every factor as the calculation reads it, by category and year; a bad year is refused beside its field', async () => {
  const admin = await loginAs('', 'admin');
  const rows = (html) => [...html.matchAll(/<tr><td><code>([^<]+)<\/code><\/td>/g)].map((m) => m[1]);
  const all = await admin.get('/admin/factors');
  assert.equal(all.status, 200);
  assert.deepEqual(rows(all.text), sql('SELECT fkey FROM factors ORDER BY category, fkey').map((r) => r[0]), 'every factor, by category and key');

  const elec = await admin.get('/admin/factors?category=electricity&year=2025');
  const want = sql(`SELECT fkey, value, unit, confidence FROM factors WHERE category = 'electricity'
    AND (valid_from IS NULL OR valid_from <= 2025) AND (valid_to IS NULL OR valid_to >= 2025) ORDER BY fkey`);
  assert.deepEqual(rows(elec.text), want.map((r) => r[0]), '2025\'s electricity factors');
  const variants = want.filter(([key]) => key.startsWith('elec_grid_2025'));
  assert.equal(variants.length, 3, 'the announced variants of 2025');
  for (const [key, value, unit] of variants) {
    const row = elec.text.match(new RegExp(`<code>${key}</code>[\\s\\S]*?</tr>`))[0];
    assert.match(row, new RegExp(`<td class="num">${value.replace('.', '\\.')}</td><td>${unit}</td><td>2025</td>`), key);
    assert.match(row, /正式公告/, `${key}: official`);
  }
  assert.match(elec.text, /<option value="electricity" selected>電力排碳係數<\/option>/);
  assert.match(elec.text, /非政策用的排放係數/);

  // A provisional heat value says 暫用; a factor with an interval shows it, one without says 未評估.
  const heat = await admin.get('/admin/factors?category=heat_value&year=2024');
  const prov = heat.text.match(/<code>lhv113_provisional_gasoline_per_L<\/code>[\s\S]*?<\/tr>/)[0];
  assert.match(prov, /<span class="status s1">暫用<\/span>/);
  const [[ciKey, lo, hi]] = sql('SELECT fkey, ci_lower_milli, ci_upper_milli FROM factors WHERE ci_lower_milli IS NOT NULL AND ci_lower_milli = ci_upper_milli ORDER BY fkey LIMIT 1');
  const ci = (await admin.get('/admin/factors')).text.match(new RegExp(`<code>${ciKey}</code>[\\s\\S]*?</tr>`))[0];
  assert.match(ci, new RegExp(`±${Math.floor(lo / 1000)}\\.${String(lo % 1000).padStart(3, '0')} %`), `${ciKey}: ±${lo} / ${hi}`);
  const [[noCi]] = sql('SELECT fkey FROM factors WHERE ci_lower_milli IS NULL ORDER BY fkey LIMIT 1');
  assert.match((await admin.get('/admin/factors')).text.match(new RegExp(`<code>${noCi}</code>[\\s\\S]*?</tr>`))[0], /未評估/);

  for (const bad of ['1800', 'abc', '2020.5', '9'.repeat(20)]) {
    const r = await admin.get(`/admin/factors?year=${bad}`);
    assert.equal(r.status, 200, bad);
    assert.match(r.text, /id="f-year"[^>]*aria-invalid="true"/, `${bad}: marked`);
    assert.match(r.text, /年度須為 1990 至 2100 的西元年/);
    assert.equal(rows(r.text).length, Number(q1('SELECT COUNT(*) FROM factors')), `${bad}: every year listed`);
  }
  const none = await admin.get('/admin/factors?category=conversion&year=1990');
  assert.match(none.text, /沒有符合的係數|<code>/);
  assert.equal((await admin.get('/admin/factors?category=nope')).status, 200, 'an unknown category lists every one');
});
