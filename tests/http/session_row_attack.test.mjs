// session_row_attack.test.mjs: a login meets the writers of its account, agency and county in the
// middle of their transactions, and answers as it would alone.  Written against migration 0036
// (a session row kept by triggers, created from those rows read in share mode), which failed both
// tests; 0037 undid it, and a request reads its session joined to the live rows again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { Client, STACK, alive, csrfOf, sql, sleep, waitFor } from '../lib.mjs';

const id = (code) => sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];

// hold(sqlText, check): another MariaDB session runs sqlText (a BEGIN, a lock, a SLEEP, a
// ROLLBACK); resolves once check() says the lock is held, to a promise of that session's end.
async function hold(sqlText, check) {
  const holder = spawn(STACK, ['sql', '-e', sqlText], { env: process.env, stdio: 'ignore' });
  const exited = new Promise((resolve) => holder.on('exit', resolve));
  try {
    await waitFor('the holder\'s lock', () => spawnSync(STACK, ['sql', '-N', '-e', check],
      { env: process.env, stdio: 'ignore' }).status !== 0, 10000, 20);
  } catch (e) {
    if (alive(holder.pid)) holder.kill('SIGKILL');
    throw e;
  }
  return async () => {
    await exited;
    if (alive(holder.pid)) holder.kill('SIGKILL');
  };
}

// A team's rename locks the county, then the agency, then the account (its login follows the
// code).  Under 0036 the agency's UPDATE also updated the agency's sessions (a trigger), and a login
// read the account in share mode, then the county: a login between the rename's county and its
// account waited for the one while holding the other, InnoDB ended it (1213), and it answered 503.
// Here another session holds the clerk's session rows 0.5 s (under the web's 1 s lock wait), which
// under 0036 stopped the rename inside that trigger, so the login landed in the window every time.
test('a login meeting its agency\'s rename mid-transaction: neither answers 503', async () => {
  const x = id('371036600X');
  sql(`UPDATE agencies SET active = 1 WHERE id = ${x}; UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE agency_id = ${x}`);
  const account = sql(`SELECT id FROM accounts WHERE agency_id = ${x}`)[0][0];
  const name = sql(`SELECT name FROM agencies WHERE id = ${x}`)[0][0];
  const team = new Client();
  const home = await team.get('/');
  assert.equal((await team.post('/login', { csrf: csrfOf(home.text), county: 'Z', account: 'TEAM', password: 'cityinv-demo' })).status, 303);
  const page = await team.get('/team/agencies');
  // A session of the clerk's: the rows the holder below holds.
  const first = new Client();
  const fh = await first.get('/');
  assert.equal((await first.post('/login', { csrf: csrfOf(fh.text), county: 'Z', account: '371036600X', password: 'cityinv-demo' })).status, 303);
  const seen = [];
  try {
    for (let round = 0; round < 3; round++) {
      const clerk = new Client();
      const front = await clerk.get('/');
      const done = await hold(`BEGIN; SELECT 1 FROM sessions WHERE account_id = ${account} FOR UPDATE; SELECT SLEEP(0.5); ROLLBACK;`,
        `SELECT 1 FROM sessions WHERE account_id = ${account} FOR UPDATE NOWAIT`);
      try {
        const to = `${name}${round % 2 ? '' : '（改名）'}`;
        const rename = team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'edit', agency: x, code: '371036600X', name: to });
        await sleep(120);
        const r = await clerk.post('/login', { csrf: csrfOf(front.text), county: 'Z', account: '371036600X', password: 'cityinv-demo' });
        seen.push([round, r.status, (await rename).status, to, clerk]);
      } finally {
        await done();
      }
    }
    for (const [round, l, e, to, clerk] of seen) {
      assert.equal(l, 303, `round ${round}: the login answered ${l} (the rename ${e})`);
      assert.ok([303, 200].includes(e), `round ${round}: the rename answered ${e}`);
      if (round === seen.length - 1) {
        const now = sql(`SELECT name FROM agencies WHERE id = ${x}`)[0][0];   // as stored (NFKC: （） become ())
        assert.ok(now.startsWith(name) && now !== name, `the last rename (to ${to}) was stored: ${now}`);
        assert.ok((await clerk.get('/')).text.includes(`<p class="who">${now}<br>`), 'the clerk\'s page shows the agency as named now');
      }
    }
  } finally {
    sql(`UPDATE agencies SET name = '${name}' WHERE id = ${x}; UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE agency_id = ${x}`);
  }
});

// An import's confirmation holds the county's row (store_agency_lock_county) for its whole
// transaction: seconds for thousands of rows (6,000 rows: 5.3 s).  A login must not wait for it:
// under 0036 its share-mode read of the county waited past the web's 1 s lock wait, and every login
// in the county answered 503 until the import committed.  The holder stands for the confirmation
// (1.5 s), without adding thousands of agencies to the demo county.
test('a login while the county\'s row is held by a long agency transaction (an import\'s confirmation): not a 503', async () => {
  const x = id('371036600X');
  sql(`UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE agency_id = ${x}`);
  const clerk = new Client();
  const home = await clerk.get('/');
  const done = await hold('BEGIN; SELECT id FROM counties WHERE id = 22 FOR UPDATE; SELECT SLEEP(1.5); ROLLBACK;',
    'SELECT 1 FROM counties WHERE id = 22 FOR UPDATE NOWAIT');
  try {
    const r = await clerk.post('/login', { csrf: csrfOf(home.text), county: 'Z', account: '371036600X', password: 'cityinv-demo' });
    assert.equal(r.status, 303, `the login answered ${r.status}`);
    assert.match((await clerk.get('/report/edit?year=2018')).text, /name="revision"/, 'and the session serves the form');
  } finally {
    await done();
  }
});
