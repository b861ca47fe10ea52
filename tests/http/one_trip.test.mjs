// one_trip.test.mjs: issue 14, item 1: the review page (所屬機關填報確認) asks MariaDB once
// per request when it answers from its cache: the session and the county-year's stamp are one
// statement (store_review_session).  The report form reads the factor table's stamp with the
// session (ROUTE_FACTORS): one statement fewer than before.  Counted with MariaDB's own counter of executed statements
// (Com_stmt_execute: every statement of the platform is a prepared one) over 200 requests of the
// team and of an agency, the fewest of three rounds; the worker's once-a-second polls run
// meanwhile, so the bound leaves room for them (the two statements a page asked before would be 400).  A logout and a deactivated
// account are refused at once: the session is still read on every request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, loginAs, waitFor } from '../lib.mjs';

const N = 200;
const FORM_STATEMENTS = 4;                        // the form's GET of this report: 5 before the factor stamp came with the session
const WARM = 12;                                   // as rollup.test.mjs: enough requests to meet every web process
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

test('the review page asks MariaDB once a request once cached, for the team and for an agency', async () => {
  const team = await loginAs('Z', 'TEAM');
  const perTeam = await statementsPerPage(team, `/review?year=${Y}`);
  assert.ok(perTeam <= 1.25, `the team's page: ${perTeam} statements a request`);
  const hall = await loginAs('Z', '371000000A');
  const perAgency = await statementsPerPage(hall, `/review?year=${Y}`);
  assert.ok(perAgency <= 1.25, `an agency's page: ${perAgency} statements a request`);
  const hallId = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371000000A'`)[0][0];
  const perNamed = await statementsPerPage(team, `/review?year=${Y}&agency=${hallId}`);
  assert.ok(perNamed <= 1.25, `the team's page of a named agency: ${perNamed} statements a request`);
});

test('the report form reads the factor stamp with its session', async () => {
  const bureau = await loginAs('Z', '371030000A');
  const per = await statementsPerPage(bureau, `/report/edit?year=${Y}`);
  assert.ok(per <= FORM_STATEMENTS + 0.25, `the form: ${per} statements a request`);
});

test('a logout and a deactivated account are refused at once', async () => {
  const team = await loginAs('Z', 'TEAM');
  assert.equal((await team.get(`/review?year=${Y}`)).status, 200);
  const home = await team.get('/');
  const csrf = home.text.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  assert.equal((await team.post('/logout', { csrf })).status, 303);
  assert.equal((await team.get(`/review?year=${Y}`)).status, 401, 'logged out: refused on the next request');

  const bureau = await loginAs('Z', '371030000A');
  assert.equal((await bureau.get(`/review?year=${Y}`)).status, 200);
  sql("UPDATE accounts SET active = 0 WHERE login = '371030000A'");
  try {
    assert.equal((await bureau.get(`/review?year=${Y}`)).status, 401, 'deactivated: refused on the next request');
  } finally {
    sql("UPDATE accounts SET active = 1 WHERE login = '371030000A'");
  }
});
