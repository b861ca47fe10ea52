// one_trip.test.mjs: issue 14, item 1: the review page (所屬機關填報確認) asks MariaDB at most
// once per request when it answers from its cache: the session and the county-year's stamp are
// one statement (store_review_session), and a web process answers again from what that statement
// read while the write epoch has not moved (shared/epoch.h, web/session.c), a second at most: so
// a page asked again and again asks MariaDB nothing.  The report form reads the factor table's
// stamp with the session (ROUTE_FACTORS), kept the same way.  Counted with MariaDB's own counter
// of executed statements (Com_stmt_execute: every statement of the platform is a prepared one)
// over 200 requests of the team and of an agency, the fewest of three rounds; the worker's
// once-a-second polls run meanwhile, so the bound leaves room for them.  A logout, a lock by the
// admin and a save are seen at once by every web process (the epoch moved); a deactivation by
// hand in SQL, which does not move it, within the second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { VAR, csrfOf, dbSecret, sql, loginAs, sleep, waitFor } from '../lib.mjs';

const N = 200;
const FORM_STATEMENTS = 3;                        // the form's GET of this report: 5 before the factor stamp came with the session, 4 before it was kept
const WARM = 12;                                   // as rollup.test.mjs: enough requests to meet every web process
// SQL by hand, as an operator's own client would run it: not through scripts/stack.sh sql (which
// moves the epoch after it, as cityinv-admin epoch does), so the web's processes are not told.
const byHand = (query) => execFileSync('mariadb', ['--no-defaults', `--socket=${path.join(VAR, 'run/mysql.sock')}`, '-ucityinv',
  `-p${dbSecret()}`, 'cityinv', '-e', query], { encoding: 'utf8', timeout: 30000 });
const Z = sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];
const Y = sql(`SELECT MAX(year) FROM inventory_years WHERE county_id = ${Z}`)[0][0];
const executed = () => Number(sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'")[0][1]);

// Statements a request, the fewest of three rounds of N, each once the worker is idle: the
// rollups and quality runs that other suites' saves left behind run on the same server.
async function statementsPerPage(c, url) {
  let fewest = Infinity;
  for (let i = 0; i < WARM; i++) assert.equal((await c.get(url)).status, 200, `warm-up ${url}`);
  for (let round = 0; round < 3; round++) {
    await waitFor('the worker idle', () => sql(`SELECT (SELECT COUNT(*) FROM outbox WHERE done_at IS NULL)
      + (SELECT COUNT(*) FROM quality_queue WHERE done_for < requests)`)[0][0] === '0', 60000, 200);
    const before = executed();
    for (let i = 0; i < N; i++) {
      const r = await c.get(url);
      assert.equal(r.status, 200, url);
    }
    fewest = Math.min(fewest, (executed() - before) / N);
  }
  return fewest;
}

test('the review page asked again asks MariaDB nothing, for the team and for an agency', async () => {
  const team = await loginAs('Z', 'TEAM');
  const perTeam = await statementsPerPage(team, `/review?year=${Y}`);
  assert.ok(perTeam <= 0.25, `the team's page: ${perTeam} statements a request`);
  const hall = await loginAs('Z', '371000000A');
  const perAgency = await statementsPerPage(hall, `/review?year=${Y}`);
  assert.ok(perAgency <= 0.25, `an agency's page: ${perAgency} statements a request`);
  const hallId = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371000000A'`)[0][0];
  const perNamed = await statementsPerPage(team, `/review?year=${Y}&agency=${hallId}`);
  assert.ok(perNamed <= 0.25, `the team's page of a named agency: ${perNamed} statements a request`);
});

test('the report form reads the factor stamp with its session', async () => {
  const bureau = await loginAs('Z', '371030000A');
  const per = await statementsPerPage(bureau, `/report/edit?year=${Y}`);
  assert.ok(per <= FORM_STATEMENTS + 0.25, `the form: ${per} statements a request`);
});

// Every web process has the session kept (WARM requests meet them all) before the change; then
// WARM requests right after it, each to whichever process takes it.
async function everyProcess(c, url, want, what) {
  for (let i = 0; i < WARM; i++) {
    const r = await c.get(url);
    assert.equal(r.status, want, `${what} (request ${i + 1} of ${WARM})`);
  }
}

test('a logout and an admin\'s lock are refused at once by every web process', async () => {
  const team = await loginAs('Z', 'TEAM');
  await everyProcess(team, `/review?year=${Y}`, 200, 'kept');
  const home = await team.get('/');
  // The token itself after the logout, as a copy of the cookie would send it (the client's jar
  // is cleared by the logout's answer, and an empty cookie is refused before any session is read).
  const token = team.jar.get('cityinv_session');
  assert.equal((await team.post('/logout', { csrf: csrfOf(home.text) })).status, 303);
  for (let i = 0; i < WARM; i++) {
    const r = await team.get(`/review?year=${Y}`, { headers: { Cookie: `cityinv_session=${token}` } });
    assert.equal(r.status, 401, `logged out: the old token refused at once (request ${i + 1} of ${WARM})`);
  }

  // The admin locks the team account of county Z: its session ends in the lock's transaction.
  const admin = await loginAs('', 'admin');
  const member = await loginAs('Z', 'TEAM');
  const [[acc]] = sql("SELECT a.id FROM accounts a JOIN counties c ON c.id = a.county_key WHERE c.letter = 'Z' AND a.kind = 'team' AND a.login = 'TEAM'");
  await everyProcess(member, `/review?year=${Y}`, 200, 'kept');
  const page = await admin.get('/admin/accounts?county=Z');
  assert.equal((await admin.post('/admin/accounts', { csrf: csrfOf(page.text), action: 'lock', county: 'Z', account: acc })).status, 303);
  try {
    await everyProcess(member, `/review?year=${Y}`, 401, 'locked: refused at once');
  } finally {
    const again = await admin.get('/admin/accounts?county=Z');
    assert.equal((await admin.post('/admin/accounts', { csrf: csrfOf(again.text), action: 'unlock', county: 'Z', account: acc })).status, 303);
  }
});

test('a deactivation by hand in SQL is refused within a second, a POST at once', async () => {
  const bureau = await loginAs('Z', '371030000A');
  await everyProcess(bureau, `/review?year=${Y}`, 200, 'kept');
  const form = await bureau.get(`/report/edit?year=${Y}`);
  byHand("UPDATE accounts SET active = 0 WHERE login = '371030000A'");
  try {
    const t0 = Date.now();
    // A POST reads its session from the database whatever was kept: refused at once.
    const post = await bureau.post('/report/edit', { csrf: csrfOf(form.text), year: String(Y), action: 'save' });
    assert.equal(post.status, 401, 'a POST right after the deactivation');
    await sleep(Math.max(0, 1100 - (Date.now() - t0)));
    await everyProcess(bureau, `/review?year=${Y}`, 401, 'a second later: refused by every process');
  } finally {
    sql("UPDATE accounts SET active = 1 WHERE login = '371030000A'");
  }
});

test('a rename is in the next review page of every web process', async () => {
  const team = await loginAs('Z', 'TEAM');
  const url = `/review?year=${Y}`;
  const [[id, code, name]] = sql(`SELECT id, code, name FROM agencies WHERE county_id = ${Z} AND parent_id IS NULL AND active = 1 ORDER BY code LIMIT 1`);
  const rename = async (to) => {
    const page = await team.get('/team/agencies');
    const r = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'edit', agency: id, code, name: to });
    assert.equal(r.status, 303, `renamed to ${to}`);
  };
  await everyProcess(team, url, 200, 'kept');
  const to = `${name}一次往返`;
  await rename(to);
  try {
    // The rename moved the county-year's stamp and the epoch: no process answers the page it kept.
    for (let i = 0; i < WARM; i++) assert.ok((await team.get(url)).text.includes(to), `request ${i + 1}: the new name`);
  } finally {
    await rename(name);
  }
});
