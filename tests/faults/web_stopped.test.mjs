// web_stopped.test.mjs: a FastCGI process stopped (SIGSTOP) in the middle of a request's
// transaction.  Its connection keeps the transaction's locks; the server rolls it back once it
// has been idle idle_transaction_timeout (web/main.c: ten statement timeouts, 20 s on the test
// stack), not after the server's eight-hour wait_timeout, so a writer that needs those rows (a
// 年度鎖定, factor day's batch, the report's next save) goes on within that bound.  Once let go, the
// process answers again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { STACK, alive, csrfOf, loginAs, pidOf, sleep, sql, waitFor } from '../lib.mjs';

const q1 = (s) => sql(s)[0]?.[0];

test('a web process stopped inside a save: its locks go within idle_transaction_timeout, and it serves again', { timeout: 120000 }, async () => {
  const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
  const Y = Number(q1(`SELECT MAX(year) FROM inventory_years WHERE county_id = ${Z}`));
  // An agency of the test's own, with no history a save of its form must answer to.
  const code = `WS${Date.now() % 100000}`;
  sql(`INSERT INTO agencies (county_id, code, name, level, contact_name, contact_phone, contact_email)
       VALUES (${Z}, '${code}', '停頓測試機關${code}', 1, '承辦', '0836-22381', 'ws@example.gov.tw')`);
  sql(`INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
       SELECT 'agency', ${Z}, a.id, a.code, (SELECT password_hash FROM accounts WHERE kind = 'team' AND county_id = ${Z}), 0
       FROM agencies a WHERE a.county_id = ${Z} AND a.code = '${code}'`);
  const clerk = await loginAs('Z', code);
  const f = await clerk.get(`/report/edit?year=${Y}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const kids = spawnSync('pgrep', ['-P', String(pidOf('web'))], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number).filter(Boolean);
  assert.ok(kids.length >= 2, 'the FastCGI processes');

  // The county-year's row held a moment, so that the save waits on it inside its transaction (it
  // reads the row in share mode first); meanwhile every FastCGI process is stopped.
  const holder = spawn(STACK, ['sql', '-e', `BEGIN; SELECT lock_id FROM inventory_years WHERE county_id = ${Z} AND year = ${Y} FOR UPDATE;
    SELECT SLEEP(0.6); ROLLBACK;`], { env: process.env, stdio: 'ignore' });
  await waitFor('the holder\'s lock', () => spawnSync(STACK, ['sql', '-N', '-e',
    `SELECT 1 FROM inventory_years WHERE county_id = ${Z} AND year = ${Y} FOR UPDATE NOWAIT`], { env: process.env, stdio: 'ignore' }).status !== 0,
  10000, 20);
  // Its answer comes once the process goes on (after the wait below): longer than a client's usual 20 s.
  const saving = clerk.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍',
    own_electricity: '10000' }, { timeout: 90000 });
  let stopped = false;
  try {
    await sleep(250);
    for (const k of kids) process.kill(k, 'SIGSTOP');
    stopped = true;
    await waitFor('the holder to end', () => !alive(holder.pid), 10000, 50);
    // The save's statement has its share lock now, in a transaction of a stopped process.
    await sleep(500);
    const t0 = Date.now();
    const r = spawnSync(STACK, ['sql', '-N', '-e', `SET SESSION innodb_lock_wait_timeout = 60; BEGIN;
      SELECT lock_id FROM inventory_years WHERE county_id = ${Z} AND year = ${Y} FOR UPDATE; ROLLBACK;`],
    { env: process.env, encoding: 'utf8', timeout: 90000 });
    const waited = Date.now() - t0;
    assert.equal(r.status, 0, `the row could not be locked: ${r.stderr}`);
    assert.ok(waited >= 5000, `it was held by the stopped process (${waited} ms)`);
    assert.ok(waited < 40000, `and let go within idle_transaction_timeout (${waited} ms)`);
  } finally {
    if (stopped) for (const k of kids) process.kill(k, 'SIGCONT');
  }
  // The stopped request answers (its transaction is gone: not saved), and the next is served.
  const s = await saving;
  assert.ok([303, 503].includes(s.status), `the stopped save answered ${s.status}`);
  const again = await clerk.get(`/report/edit?year=${Y}`);
  assert.equal(again.status, 200);
  assert.match(again.text, /name="revision"/);
  sql(`UPDATE agencies SET active = 0 WHERE county_id = ${Z} AND code = '${code}';
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
});
