// factor_day_unlock_kill.test.mjs: the run 解除鎖定 queues, SIGKILLed half-way (issue 15).  6,000
// agency-years of 宜蘭縣 2025 at the 暫用 0.474, the year locked; the official 0.467 applied leaves every
// report as signed with its 重算值 beside it.  The team unlocks the year: the unlock's run writes each
// report in place; the exporter killed once a batch has committed and before the last; started
// again, it resumes after its last commit: every report at 467 kg exactly once (one 係數更新 audit
// line, one notice of the unlock's run each), no 重算值 left, every rollup equal to an independent sum.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { alive, csrfOf, loginAs, pidOf, rollupMismatches, sql, stack, waitFor } from '../lib.mjs';
import { N, Y, applyOfficial, atFirstCommit, factorDayCounty, q1 } from './factor_day_lib.mjs';

const { X, mine } = factorDayCounty('G', 'FU');
const LOGIN = `FUTEAM${Date.now() % 100000}`;
const drained = () => waitFor('the outbox to drain', () => q1('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL') === '0', 120000, 200);

after(() => {
  sql(`UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${X} AND year = ${Y};
       DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE login = '${LOGIN}');
       UPDATE accounts SET active = 0 WHERE login = '${LOGIN}'`);
});

test('the unlock\'s run SIGKILLed after a committed batch resumes after it: every report in place once, every rollup exact', async () => {
  sql(`INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password)
       SELECT 'team', ${X}, '${LOGIN}', password_hash, 0 FROM accounts WHERE kind = 'team' AND password_hash <> '' LIMIT 1`);
  // The year locked as 年度鎖定 leaves it (its 6,000 exceptions are more than one form lists: written here).
  const change = await applyOfficial(X, () => {
    sql(`INSERT INTO year_locks (county_id, year, locked_at, locked_by) SELECT ${X}, ${Y}, NOW(3), id FROM accounts WHERE login = '${LOGIN}';
         UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = ${X} AND year = ${Y};
         INSERT INTO year_lock_agencies (lock_id, agency_id, parent_id, level)
           SELECT y.lock_id, a.id, a.parent_id, a.level FROM inventory_years y JOIN agencies a ON a.county_id = y.county_id AND a.active = 1
           WHERE y.county_id = ${X} AND y.year = ${Y}`);
  });
  await waitFor('the change', () => q1(`SELECT status FROM factor_changes WHERE id = ${change}`) === 'done', 120000, 200);
  const restated = `SELECT COUNT(*) FROM reports WHERE agency_id IN (${mine}) AND year = ${Y}`;
  assert.equal(q1(`${restated} AND own_total_milli = 474000 AND restated_own_milli = 467000 AND restated_change_id = ${change}`), String(N),
    'locked: every report kept, its 重算值 beside it');
  await drained();

  const team = await loginAs('G', LOGIN);
  const lockId = q1(`SELECT lock_id FROM inventory_years WHERE county_id = ${X} AND year = ${Y}`);
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const r = await team.post('/team/years/lock', { csrf: csrfOf(page.text), action: 'unlock', year: String(Y), lock: lockId, reason: '係數公告後重新計算' });
  assert.equal(r.status, 303, 'unlocked');
  const run = q1(`SELECT id FROM factor_changes WHERE kind = 'unlock' AND county_id = ${X} AND first_year = ${Y} AND fkey = 'unlock#${lockId}'`);
  assert.ok(run, 'the unlock queued its run');
  const pid = pidOf('exporter');
  const killedAt = await atFirstCommit(run, () => process.kill(pid, 'SIGKILL'));
  assert.ok(killedAt !== null, 'the run was caught half-way');
  await waitFor('the exporter to die', () => !alive(pid), 10000, 50);
  const [status, done, cursor] = sql(`SELECT status, done_reports, cursor_report_id FROM factor_changes WHERE id = ${run}`)[0];
  assert.equal(status, 'running', 'left running, its lease to run out');
  assert.ok(Number(done) < N, `killed half-way (${done} of ${N} done)`);
  const written = q1(`${restated} AND own_total_milli = 467000 AND restated_change_id IS NULL`);
  assert.equal(written, q1(`${restated} AND id <= ${cursor}`), 'exactly the committed batches are written');
  assert.ok(Number(written) > 0 && Number(written) < N, `half-way: ${written} of ${N}`);

  stack('start-service', 'exporter');
  await waitFor('the run to finish', () => q1(`SELECT status FROM factor_changes WHERE id = ${run}`) === 'done', 120000, 200);
  assert.equal(q1(`SELECT attempts FROM factor_changes WHERE id = ${run}`), '2', 'claimed again once');
  assert.equal(q1(`${restated} AND own_total_milli = 467000 AND restated_change_id IS NULL`), String(N), 'every report in place, no 重算值 left');
  assert.equal(q1(`SELECT COUNT(*) FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.agency_id IN (${mine})
    AND l.kg_milli = 467000 AND l.factor_text = '0.467'`), String(N));
  assert.equal(q1(`SELECT COUNT(*) FROM (SELECT agency_id FROM audit_log WHERE agency_id IN (${mine}) AND field = '係數更新'
    GROUP BY agency_id HAVING COUNT(*) = 1) x`), String(N), 'one audit line 係數更新 each');
  assert.equal(q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id IN (${mine}) AND field = '係數更新'`), String(N), 'and no more');
  assert.equal(q1(`SELECT COUNT(*) FROM factor_notices WHERE change_id = ${run} AND agency_id IN (${mine}) AND old_own_milli = 474000
    AND new_own_milli = 467000 AND restated = 0`), String(N), 'one notice each');
  assert.equal(q1(`SELECT changed_reports FROM factor_changes WHERE id = ${run}`), String(N), 'counted once');
  await drained();
  assert.deepEqual(rollupMismatches(Y), []);
  assert.equal(q1(`SELECT total_milli FROM county_rollups WHERE county_id = ${X} AND year = ${Y}`),
    q1(`SELECT SUM(r.own_total_milli) FROM reports r JOIN agencies a ON a.id = r.agency_id AND a.active = 1 WHERE a.county_id = ${X} AND r.year = ${Y}`));
});
