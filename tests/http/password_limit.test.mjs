// password_limit.test.mjs: 變更密碼 shares login's lockout: a wrong current password counts as a
// failed login, five within 15 minutes lock the account for 30 minutes (then not even the right
// current password is checked, and login is refused too); each refusal is beside the field, in
// Traditional Chinese, and in the audit trail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql } from '../lib.mjs';

// A team account of county A (臺北市, no demo data), made for this test and removed after it.
const LOGIN = 'PWLIMIT';

async function login(password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county: 'A', account: LOGIN, password });
  return { c, r };
}

test('five wrong current passwords lock the account; the right one is then refused too; all audited', async () => {
  const hash = sql("SELECT password_hash FROM accounts WHERE login = 'TEAM' AND county_id = 22")[0][0];
  sql(`INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password) VALUES ('team', 1, '${LOGIN}', '${hash}', 0)`);
  const [[id]] = sql(`SELECT id FROM accounts WHERE county_id = 1 AND login = '${LOGIN}'`);
  const audit = () => sql(`SELECT field, new_value FROM audit_log WHERE account_id = ${id} ORDER BY id`).map((r) => r.join(': '));
  try {
    const { c, r } = await login();
    assert.equal(r.status, 303);
    const page = await c.get('/password');
    const change = (old) => c.post('/password', { csrf: csrfOf(page.text), old, new: 'Kx8-new-pass-2026', new2: 'Kx8-new-pass-2026' });

    // A right current password clears earlier failures (as a right login does).
    sql(`UPDATE accounts SET failed_logins = 3, first_failed_at = NOW() WHERE id = ${id}`);
    const mismatch = await c.post('/password', { csrf: csrfOf(page.text), old: 'cityinv-demo', new: 'Kx8-new-pass-2026', new2: 'different-one-2026' });
    assert.equal(mismatch.status, 400);
    assert.doesNotMatch(mismatch.text, /目前密碼不正確/);
    assert.deepEqual(sql(`SELECT failed_logins, first_failed_at IS NULL FROM accounts WHERE id = ${id}`), [['0', '1']]);

    for (let i = 1; i <= 4; i++) {
      const w = await change(`wrong-${i}`);
      assert.equal(w.status, 400, `wrong ${i}`);
      assert.ok(w.text.includes('<input id="f-old" name="old" type="password" maxlength="200" required autocomplete="current-password" aria-invalid="true" aria-describedby="e-old">'
        + `<p class="field-error" id="e-old">目前密碼不正確。再錯 ${5 - i} 次，帳號將鎖定 30 分鐘。</p>`), `wrong ${i}: beside the field, with what is left`);
    }
    const fifth = await change('wrong-5');
    assert.equal(fifth.status, 400);
    assert.match(fifth.text, /<p class="field-error" id="e-old">目前密碼連續輸入錯誤，帳號已暫時鎖定 30 分鐘/);
    assert.deepEqual(sql(`SELECT failed_logins, locked_until > NOW() + INTERVAL 29 MINUTE FROM accounts WHERE id = ${id}`), [['5', '1']], 'locked for 30 minutes');

    // Locked: the right current password is not even checked, the password stays, login is refused.
    const right = await change('cityinv-demo');
    assert.equal(right.status, 400);
    assert.match(right.text, /<p class="field-error" id="e-old">目前密碼連續輸入錯誤，帳號已暫時鎖定 30 分鐘/);
    assert.equal(sql(`SELECT password_hash FROM accounts WHERE id = ${id}`)[0][0], hash, 'the password is unchanged');
    assert.equal((await login()).r.status, 200, 'login refused while locked');
    assert.equal((await c.get('/password')).status, 200, 'the session itself goes on');

    assert.deepEqual(audit(), [
      '變更密碼: 目前密碼錯誤（15 分鐘內第 1 次）', '變更密碼: 目前密碼錯誤（15 分鐘內第 2 次）',
      '變更密碼: 目前密碼錯誤（15 分鐘內第 3 次）', '變更密碼: 目前密碼錯誤（15 分鐘內第 4 次）',
      '變更密碼: 目前密碼錯誤，連續 5 次，帳號鎖定 30 分鐘', '變更密碼: 帳號鎖定中，未檢查目前密碼',
    ]);

    // The lock lifts by itself (as login's): then the right current password changes it.
    sql(`UPDATE accounts SET locked_until = NOW() - INTERVAL 1 SECOND, first_failed_at = NOW() - INTERVAL 31 MINUTE WHERE id = ${id}`);
    const ok = await change('cityinv-demo');
    assert.equal(ok.status, 303);
    assert.deepEqual(sql(`SELECT failed_logins, locked_until IS NULL FROM accounts WHERE id = ${id}`), [['0', '1']]);
    assert.equal((await login('Kx8-new-pass-2026')).r.status, 303);
  } finally {
    sql(`DELETE FROM audit_log WHERE account_id = ${id}; DELETE FROM accounts WHERE id = ${id}`);
  }
});

test('wrong current passwords and failed logins count together', async () => {
  const hash = sql("SELECT password_hash FROM accounts WHERE login = 'TEAM' AND county_id = 22")[0][0];
  sql(`INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password) VALUES ('team', 1, '${LOGIN}', '${hash}', 0)`);
  const [[id]] = sql(`SELECT id FROM accounts WHERE county_id = 1 AND login = '${LOGIN}'`);
  try {
    const { c } = await login();
    for (let i = 0; i < 3; i++) assert.equal((await login(`wrong-${i}`)).r.status, 200);
    const page = await c.get('/password');
    const change = (old) => c.post('/password', { csrf: csrfOf(page.text), old, new: 'Kx8-new-pass-2026', new2: 'Kx8-new-pass-2026' });
    assert.match((await change('wrong-a')).text, /目前密碼不正確。再錯 1 次/);
    assert.match((await change('wrong-b')).text, /帳號已暫時鎖定 30 分鐘/);
    assert.equal((await login()).r.status, 200, 'login refused after 3 + 2 failures');
  } finally {
    sql(`DELETE FROM audit_log WHERE account_id = ${id}; DELETE FROM accounts WHERE id = ${id}`);
  }
});
