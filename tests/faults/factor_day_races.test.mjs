// factor_day_races.test.mjs: people acting while factor day's run rewrites their reports (found
// by a reviewer's attack).  Around one run (the exporter SIGSTOPped after its first batch):
//   - a parent's 確認 posted from a review page drawn before the run rewrote the report is refused
//     as stale (the run moves the report's revision, as a save does), never confirming figures
//     the page did not show;
//   - a report saved at the new factor while the run is half-way, before the walk reaches it, gets
//     no 係數更新 line and no notice of "X → X" when the walk gets there: nothing of it changes;
//   - so does the county team's non-agency line saved then: its version stays the save's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { VAR, csrfOf, loginAs, outboxDrained, pidOf, rollupMismatches, sql, waitFor } from '../lib.mjs';
import { Y, applyOfficial, atFirstCommit, factorDayCounty, q1 } from './factor_day_lib.mjs';

const { X } = factorDayCounty('K', 'FR');
const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
const TAG = `FQ${Date.now() % 100000}`;

// A 二級 agency P under county Z's hall, A its 三級 subordinate, C another 二級: each with an account.
function plant() {
  const hall = q1(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371000000A'`);
  const contact = "'承辦', '0836-22381', 'fd@example.gov.tw'";
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email) VALUES
       (${Z}, '${TAG}P', '係數競態處${TAG}', 2, ${hall}, ${contact}), (${Z}, '${TAG}C', '係數競態C${TAG}', 2, ${hall}, ${contact})`);
  const P = q1(`SELECT id FROM agencies WHERE code = '${TAG}P'`);
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email) VALUES
       (${Z}, '${TAG}A', '係數競態學校${TAG}', 3, ${P}, ${contact})`);
  sql(`INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
       SELECT 'agency', ${Z}, a.id, a.code, (SELECT password_hash FROM accounts WHERE kind = 'team' AND county_id = ${Z}), 0
       FROM agencies a WHERE a.county_id = ${Z} AND a.code LIKE '${TAG}%'`);
  const id = (k) => q1(`SELECT id FROM agencies WHERE code = '${TAG}${k}'`);
  // E: a report an earlier run never reached, computed a day ago when 0.467 was still 暫用: its totals
  // already the official value's, its line still marked provisional and without the source.
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email) VALUES
       (${Z}, '${TAG}E', '係數競態E${TAG}', 2, ${hall}, ${contact})`);
  sql(`INSERT INTO reports (agency_id, year, own_total_milli, outsourced_total_milli, computed_at)
       VALUES (${id('E')}, ${Y}, 467000, 0, NOW() - INTERVAL 1 DAY)`);
  const re = q1(`SELECT id FROM reports WHERE agency_id = ${id('E')} AND year = ${Y}`);
  sql(`INSERT INTO report_items (report_id, part, item, seq, quantity_milli) VALUES (${re}, 'own', 'electricity', 0, 1000000);
       INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources,
         provisional, iso_category) VALUES (${re}, 'own', 'electricity', 0, 'stationary', 2, 1000000, 467000, '0.467', '', '暫用', '', 1, 2)`);
  return { P, A: id('A'), C: id('C'), E: id('E') };
}

async function save(c, fields) {
  const f = await c.get(`/report/edit?year=${Y}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  return c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍', ...fields });
}

test('around a run: a stale 確認 refused, a report saved mid-run at the new factor left as saved', { timeout: 300000 }, async () => {
  const { P, A, C, E } = plant();
  const total = (agency) => q1(`SELECT own_total_milli FROM reports WHERE agency_id = ${agency} AND year = ${Y}`);
  const a = await loginAs('Z', `${TAG}A`);
  const c = await loginAs('Z', `${TAG}C`);
  assert.equal((await save(a, { own_electricity: '10000', filed: '1' })).status, 303);
  assert.equal((await save(c, { own_electricity: '10000' })).status, 303);
  await outboxDrained();
  assert.equal(total(A), '4740000', 'A at the 暫用 0.474');
  assert.equal(total(C), '4740000', 'C too');

  // The parent draws its review page: A 已登錄完成 at 4,740.000 kg.
  const parent = await loginAs('Z', `${TAG}P`);
  const review = await parent.get(`/review?year=${Y}`);
  assert.match(review.text, /4,740\.000/);
  const shown = review.text.match(new RegExp(`name="agency" value="${A}"><input type="hidden" name="revision" value="(\\d+)"`));
  assert.ok(shown, 'the page has A\'s 確認 form');

  // The county team's street lighting, 1,000 kWh at the 暫用 0.474.
  const team = await loginAs('Z', 'TEAM');
  const lineForm = async () => csrfOf((await team.get(`/team/activities?year=${Y}&method=elec_street`)).text);
  const saveLine = (csrf, id, version) => team.post('/team/activities', { csrf, action: 'save', method: 'elec_street', year: String(Y),
    id: String(id), version: String(version), description: `路燈${TAG}`, q: '1000' });
  assert.equal((await saveLine(await lineForm(), 0, 0)).status, 303);
  const [[act, actVersion, actKg]] = sql(`SELECT id, version, kg_milli FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '路燈${TAG}'`);
  assert.equal(actKg, '474000');
  const line = () => sql(`SELECT kg_milli, version FROM county_activities WHERE id = ${act}`)[0];

  const id = await applyOfficial(X);
  const ex = pidOf('exporter');
  let stopped = false;
  try {
    const done = await atFirstCommit(id, () => { process.kill(ex, 'SIGSTOP'); stopped = true; });
    assert.ok(done !== null && stopped, 'the run caught after its first batch');
    const cursor = Number(q1(`SELECT cursor_report_id FROM factor_changes WHERE id = ${id}`));
    assert.ok(Number(q1(`SELECT id FROM reports WHERE agency_id = ${C} AND year = ${Y}`)) > cursor, 'C not walked yet');
    assert.doesNotThrow(() => sql(`BEGIN; SELECT id FROM reports WHERE agency_id = ${C} AND year = ${Y} FOR UPDATE NOWAIT; ROLLBACK`),
      'nor in the batch the run was stopped in');
    // C saves again, the same quantity: the save computes with the factor now in force.
    const r = await save(c, { own_electricity: '10000' });
    // Should it wait (a lock of the stopped run's batch): what InnoDB says about it, in the failure.
    assert.equal(r.status, 303, r.status === 303 ? '' : spawnSync('mariadb', ['--no-defaults', `--socket=${VAR}/run/mysql.sock`, '-uroot',
      '-e', 'SHOW ENGINE INNODB STATUS\\G'], { encoding: 'utf8' }).stdout);
    assert.equal(total(C), '4670000', 'C saved at the official 0.467');
    // The team saves its line again, the same quantity.  The save waits for the county-year's row, which the
    // stopped batch holds in share mode; once the exporter goes on and commits that batch, the save's lock,
    // asked for first, is granted before the next batch's: the line is saved before the walk gets to the
    // non-agency lines (were it walked first, the save would be refused as stale: 409).
    assert.equal(q1(`SELECT activity_cursor FROM factor_changes WHERE id = ${id}`), '0', 'no non-agency line walked yet');
    const csrf = await lineForm();
    const pending = saveLine(csrf, act, actVersion);
    await new Promise((r) => setTimeout(r, 150));
    process.kill(ex, 'SIGCONT');
    stopped = false;
    assert.equal((await pending).status, 303, 'the team\'s line saved again');
    assert.deepEqual(line(), ['467000', String(Number(actVersion) + 1)], 'at the official 0.467');
  } finally {
    if (stopped) process.kill(ex, 'SIGCONT');
  }
  await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) !== 'running', 120000, 200);
  assert.equal(q1(`SELECT status FROM factor_changes WHERE id = ${id}`), 'done');
  await outboxDrained();

  // C: as saved; no 係數更新 line nor notice claiming its figures were 4,670.000 at 0.474.
  assert.equal(total(C), '4670000');
  assert.deepEqual(sql(`SELECT field, old_value FROM audit_log WHERE agency_id = ${C} AND year = ${Y} AND field LIKE '係數更新%'`), []);
  assert.deepEqual(sql(`SELECT old_own_milli, new_own_milli FROM factor_notices WHERE change_id = ${id} AND agency_id = ${C}`), []);
  // The team's line: as saved, not written again (its version the save's).
  assert.deepEqual(line(), ['467000', String(Number(actVersion) + 1)], 'the line left as saved');
  // E: its totals were already the new table's, but it was computed before the run: rewritten, its line official now.
  assert.deepEqual(sql(`SELECT l.kg_milli, l.provisional, l.sources <> '' FROM report_lines l JOIN reports r ON r.id = l.report_id
    WHERE r.agency_id = ${E} AND r.year = ${Y}`), [['467000', '0', '1']]);
  assert.equal(q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${E} AND year = ${Y} AND field = '係數更新'`), '1');
  // A: rewritten in place, with its 係數更新 line and notice.
  assert.equal(total(A), '4670000', 'A rewritten at 0.467');
  assert.equal(q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${A} AND year = ${Y} AND field = '係數更新'`), '1');
  assert.deepEqual(sql(`SELECT old_own_milli, new_own_milli FROM factor_notices WHERE change_id = ${id} AND agency_id = ${A}`),
    [['4740000', '4670000']]);

  // The parent's 確認 from the page drawn before: refused, nothing confirmed.
  const r = await parent.post('/review', { csrf: csrfOf(review.text), action: 'confirm', year: String(Y), agency: String(A),
    revision: shown[1], at: String(P) });
  assert.equal(r.status, 409, 'a 確認 of figures the page did not show');
  assert.match(r.text, /因係數更新而重新計算/);
  assert.equal(q1(`SELECT COUNT(*) FROM report_versions WHERE agency_id = ${A} AND year = ${Y}`), '0', 'no version confirmed');
  // Drawn again, the page shows the figures as they are, and its 確認 goes through.
  const again = await parent.get(`/review?year=${Y}`);
  assert.match(again.text, /4,670\.000/);
  const rev = again.text.match(new RegExp(`name="agency" value="${A}"><input type="hidden" name="revision" value="(\\d+)"`))[1];
  assert.notEqual(rev, shown[1], 'the revision moved');
  assert.equal((await parent.post('/review', { csrf: csrfOf(again.text), action: 'confirm', year: String(Y), agency: String(A),
    revision: rev, at: String(P) })).status, 303);
  assert.deepEqual(sql(`SELECT own_total_milli FROM report_versions WHERE agency_id = ${A} AND year = ${Y}`), [['4670000']]);
  assert.deepEqual(rollupMismatches(Y), []);
  sql(`DELETE FROM county_activities WHERE id = ${act};
       UPDATE agencies SET active = 0 WHERE county_id = ${Z} AND code LIKE '${TAG}%';
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
});
