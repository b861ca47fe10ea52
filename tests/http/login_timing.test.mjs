// login_timing.test.mjs: how long a failed login takes says nothing about the account: a locked,
// unknown or deactivated account and a wrong county each cost one argon2id verification, like a
// wrong password. A security property, measured with medians of interleaved attempts (robust on
// a loaded machine), not a speed requirement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Client, csrfOf, sql } from '../lib.mjs';

// Team accounts of county A (臺北市, no demo data), made for this test and removed after it.
const LOGINS = ['TIMEWRONG', 'TIMELOCKED', 'TIMEGONE'];
const ROUNDS = 7;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('every kind of failed login costs the same as a wrong password (one argon2id verification)', async () => {
  const hash = sql("SELECT password_hash FROM accounts WHERE login = 'TEAM' AND county_id = 22")[0][0];
  for (const login of LOGINS)
    sql(`INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password, active) VALUES ('team', 1, '${login}', '${hash}', 0, ${login === 'TIMEGONE' ? 0 : 1})`);
  const reset = (login) => sql(`UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE county_id = 1 AND login = '${login}'`);
  try {
    // Each kind with its own client (its own login form token), all sent the same way.
    const kinds = {
      'wrong password': { county: 'A', account: 'TIMEWRONG', password: 'not-the-password' },
      'locked account': { county: 'A', account: 'TIMELOCKED', password: 'cityinv-demo' },
      'unknown account': { county: 'A', account: 'NOSUCHACCOUNT', password: 'cityinv-demo' },
      'deactivated account': { county: 'A', account: 'TIMEGONE', password: 'cityinv-demo' },
      'wrong county': { county: 'B', account: 'TIMEWRONG', password: 'cityinv-demo' },
    };
    const clients = {};
    for (const k of Object.keys(kinds)) {
      const c = new Client();
      clients[k] = { c, csrf: csrfOf((await c.get('/')).text) };
    }
    // Lock TIMELOCKED the way it happens: five wrong passwords.
    for (let i = 0; i < 5; i++) {
      const r = await clients['locked account'].c.post('/login', { csrf: clients['locked account'].csrf, county: 'A', account: 'TIMELOCKED', password: `wrong-${i}` });
      assert.equal(r.status, 200);
    }
    assert.deepEqual(sql("SELECT locked_until > NOW() FROM accounts WHERE county_id = 1 AND login = 'TIMELOCKED'"), [['1']], 'locked');

    const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      reset('TIMEWRONG');   // (outside the timing) so the wrong-password account never locks
      for (const [k, form] of Object.entries(kinds)) {
        const { c, csrf } = clients[k];
        const t0 = performance.now();
        const r = await c.post('/login', { csrf, ...form });
        const ms = performance.now() - t0;
        assert.equal(r.status, 200, `${k}: refused`);
        assert.match(r.text, /登入失敗：縣市、帳號或密碼不正確/, `${k}: the one message`);
        times[k].push(ms);
      }
    }
    const med = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
    const report = Object.entries(med).map(([k, m]) => `${k} ${m.toFixed(1)} ms`).join(', ');
    console.log(`# median of ${ROUNDS} attempts: ${report}`);
    for (const k of Object.keys(kinds)) {
      if (k === 'wrong password') continue;
      assert.ok(med[k] >= med['wrong password'] / 2,
        `${k}: its median (${med[k].toFixed(1)} ms) is less than half the wrong password's (${med['wrong password'].toFixed(1)} ms): ${report}`);
    }
    assert.deepEqual(sql("SELECT locked_until > NOW() FROM accounts WHERE county_id = 1 AND login = 'TIMELOCKED'"), [['1']], 'still locked: the right password was not let in');
  } finally {
    sql(`DELETE FROM accounts WHERE county_id = 1 AND login IN (${LOGINS.map((l) => `'${l}'`).join(', ')})`);
  }
});
