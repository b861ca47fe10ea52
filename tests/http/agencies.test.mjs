// agencies.test.mjs: the county team creates, moves and deactivates agencies; the account,
// the closure table, the levels and the rollups follow; a cycle is refused; history stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, outboxDrained, sql, waitFor, checkTree } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, r };
}
const settled = () => outboxDrained();
const id = (code) => sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];


test('create an agency: its account logs in with the one-time password and must change it', async () => {
  const { c } = await login('Z', 'TEAM');
  const page = await c.get('/team/agencies');
  const bad = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: 'a b', name: '', parent: 'NOPE' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /機關代碼為 4 至 20 個英數字/);
  assert.match(bad.text, /找不到此上級機關/);
  const r = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: '371036700X', name: '連江縣敬恆國中小', parent: '371030000A' });
  assert.equal(r.status, 200);
  const otp = r.text.match(/<strong id="otp">([A-Za-z0-9]{12})<\/strong>/)[1];
  const dup = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: '371036700X', name: 'x', parent: '' });
  assert.match(dup.text, /此機關代碼已存在/);
  const first = await login('Z', '371036700X', otp);
  assert.equal(first.r.headers.get('location'), '/password');
  assert.deepEqual(sql("SELECT level FROM agencies WHERE code = '371036700X'"), [['3']]);
  checkTree();
});

test('move: the subtree follows, levels change, rollups follow; a cycle is refused', async () => {
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE county_id = 22");
  const a = (await login('Z', '371036600X')).c;
  const f = await a.get('/report/edit?year=2018');
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  assert.equal((await a.post('/report/edit', { csrf: csrfOf(f.text), year: '2018', revision, action: 'save', scope_text: '校舍', own_electricity: '1000' })).status, 303);
  await settled();
  const sub = (code) => sql(`SELECT subtree_milli FROM rollups WHERE year = 2018 AND agency_id = ${id(code)}`)[0][0];
  assert.equal(sub('371030000A'), '533000', '2018: 1000 kWh x 0.533 under 教育處');
  const { c } = await login('Z', 'TEAM');
  const page = await c.get('/team/agencies');
  const mv = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: id('371036600X'), parent: '371040000A' });
  assert.equal(mv.status, 303);
  await settled();
  assert.equal(sub('371030000A'), '0', 'gone from the old parent');
  assert.equal(sub('371040000A'), '533000', 'arrived at the new one');
  assert.equal(sub('371000000A'), '533000', 'the county hall still counts it once');
  checkTree();
  const cyc = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: id('371000000A'), parent: '371036600X' });
  assert.equal(cyc.status, 400);
  assert.match(cyc.text, /循環/);
  checkTree();
  // Move a whole branch: 教育處 with its schools under 環境資源局; levels deepen by one.
  assert.equal((await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: id('371030000A'), parent: '371040000A' })).status, 303);
  assert.deepEqual(sql("SELECT level FROM agencies WHERE code = '371036500X'"), [['4']]);
  checkTree();
  assert.equal((await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: id('371030000A'), parent: '371000000A' })).status, 303);
  checkTree();
  await settled();
});

test('deactivate: no login, out of the totals, its history kept', async () => {
  const { c } = await login('Z', 'TEAM');
  const page = await c.get('/team/agencies');
  const before = sql("SELECT COUNT(*) FROM reports WHERE agency_id = (SELECT id FROM agencies WHERE code = '371036600X')")[0][0];
  // An agency with active subordinates: refused, or their reports would have no one to confirm them.
  const refused = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'deactivate', agency: id('371000000A') });
  assert.equal(refused.status, 409);
  assert.match(refused.text, /class="flash error"[^>]*>未停用：371000000A 連江縣政府 尚有 \d+ 個啟用中的所屬機關/);
  assert.equal(sql("SELECT active FROM agencies WHERE code = '371000000A'")[0][0], '1', 'nothing written');
  assert.equal((await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'deactivate', agency: id('371036600X') })).status, 303);
  await settled();
  assert.equal((await login('Z', '371036600X')).r.status, 200, 'its account cannot log in');
  assert.equal(sql(`SELECT subtree_milli FROM rollups WHERE year = 2018 AND agency_id = ${id('371040000A')}`)[0][0], '0');
  assert.equal(sql("SELECT COUNT(*) FROM reports WHERE agency_id = (SELECT id FROM agencies WHERE code = '371036600X')")[0][0], before, 'history kept');
  const w = (await login('W', 'TEAM')).c;
  const wp = await w.get('/team/agencies');
  assert.equal((await w.post('/team/agencies', { csrf: csrfOf(wp.text), action: 'deactivate', agency: id('371036500X') })).status, 404, 'another county cannot');
});

// Two people at once: the clerk logs in while the team deactivates, or renames, the clerk's
// agency.  Whichever comes first, neither gets a 503, and the session is as the agency is: a
// session of a deactivated agency is logged out, and a page shows the agency's name as it is (a
// request reads its session joined to its account, agency and county: migration 0037).
test('a login racing its agency\'s deactivation or rename: never a 503, the session as the agency is', async () => {
  const { c } = await login('Z', 'TEAM');
  const page = await c.get('/team/agencies');
  const x = id('371036600X');
  const answers = [];
  for (let round = 0; round < 8; round++) {
    sql(`UPDATE agencies SET active = 1 WHERE id = ${x}; UPDATE accounts SET failed_logins = 0, first_failed_at = NULL WHERE agency_id = ${x}`);
    const late = (ms) => new Promise((res) => setTimeout(res, ms));
    // Either side started late by up to 48 ms: the login ahead in some rounds, the deactivation in others.
    const d = (round - 4) * 12;
    const [clerk, team] = await Promise.all([late(Math.max(-d, 0)).then(() => login('Z', '371036600X')),
      late(Math.max(d, 0)).then(() => c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'deactivate', agency: x }))]);
    assert.ok([303, 200].includes(clerk.r.status), `round ${round}: the login answered ${clerk.r.status}`);
    assert.equal(team.status, 303, `round ${round}: the deactivation`);
    answers.push(clerk.r.status);
    if (clerk.r.status === 303) assert.doesNotMatch((await clerk.c.get('/report/edit?year=2018')).text, /name="revision"/, `round ${round}: its cookie is logged out`);
  }
  // A login that got in before the deactivation is what the logout check above is for.
  assert.ok(answers.includes(303), `some login got in first (${answers.join(' ')})`);
  sql(`UPDATE agencies SET active = 1 WHERE id = ${x}`);
  const name = sql(`SELECT name FROM agencies WHERE id = ${x}`)[0][0];
  for (let round = 0; round < 6; round++) {
    const to = `${name}${round % 2 ? '' : '（改名）'}`;
    const [clerk, team] = await Promise.all([login('Z', '371036600X'),
      c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'edit', agency: x, code: '371036600X', name: to })]);
    assert.equal(clerk.r.status, 303, `round ${round}: the login`);
    assert.ok([303, 200].includes(team.status), `round ${round}: the rename answered ${team.status}`);
    const now = sql(`SELECT name FROM agencies WHERE id = ${x}`)[0][0];
    const shown = (await clerk.c.get('/report/edit?year=2018')).text;
    assert.ok(shown.includes(`<p class="who">${now}<br>`), `round ${round}: the page shows the agency as it is named now (${now})`);
  }
  sql(`UPDATE agencies SET name = '${name}', active = 0 WHERE id = ${x}`);
});

test('(restore the demo tree for the suites that follow)', async () => {
  sql("UPDATE agencies SET active = 1 WHERE code = '371036600X'");
  const { c } = await login('Z', 'TEAM');
  const page = await c.get('/team/agencies');
  assert.equal((await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: id('371036600X'), parent: '371030000A' })).status, 303);
  const x = id('371036700X');
  await settled();   // the move's rollup done first: it would write x's rollup row again after the DELETE
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id = ${x});
       DELETE FROM accounts WHERE agency_id = ${x}; DELETE FROM rollups WHERE agency_id = ${x};
       DELETE FROM agency_tree WHERE descendant_id = ${x}; DELETE FROM agencies WHERE id = ${x};
       UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL`);
  await settled();
  checkTree();
  assert.deepEqual(sql("SELECT code, level FROM agencies WHERE county_id = 22 ORDER BY code"),
    [['371000000A', '1'], ['371030000A', '2'], ['371036500X', '3'], ['371036600X', '3'], ['371040000A', '2']]);
});
