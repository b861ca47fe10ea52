// factor_day_kill.test.mjs: factor day's run SIGKILLed half-way (issue 15).  6,000 agency-years of
// 苗栗縣 2025, each 1,000 kWh at the 暫用 0.474; the official 0.467 applied; the exporter worker
// killed once a batch or more has committed and before the last; started again, it resumes after
// its last commit: every report recomputed exactly once (one audit line, one notice each), every
// total 467 kg, every rollup equal to an independent sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alive, pidOf, sql, stack, waitFor } from '../lib.mjs';
import { N, Y, applyOfficial, atFirstCommit, checkOnce, factorDayCounty, q1 } from './factor_day_lib.mjs';

const { X, mine } = factorDayCounty('K', 'FK');

test('the run SIGKILLed after a committed batch resumes after it: every report once, every rollup exact', async () => {
  const id = await applyOfficial(X);
  // Killed as soon as one batch has committed (its cursor moved) and the run is not over.
  const pid = pidOf('exporter');
  const killedAt = await atFirstCommit(id, () => process.kill(pid, 'SIGKILL'));
  assert.ok(killedAt !== null, 'the run was caught half-way');
  await waitFor('the exporter to die', () => !alive(pid), 10000, 50);
  const [status, done, cursor] = sql(`SELECT status, done_reports, cursor_report_id FROM factor_changes WHERE id = ${id}`)[0];
  assert.equal(status, 'running', 'left running, its lease to run out');
  assert.ok(Number(done) < N, `killed half-way (${done} of ${N} done)`);
  // The batches walk every 2025 report by id (other files' too): this file's written are exactly those up to the cursor.
  const changedSoFar = q1(`SELECT COUNT(*) FROM reports WHERE agency_id IN (${mine}) AND year = ${Y} AND own_total_milli = 467000`);
  assert.equal(changedSoFar, q1(`SELECT COUNT(*) FROM reports WHERE agency_id IN (${mine}) AND year = ${Y} AND id <= ${cursor}`),
    'exactly the committed batches are written');
  assert.ok(Number(changedSoFar) > 0 && Number(changedSoFar) < N, `half-way: ${changedSoFar} of ${N}`);
  stack('start-service', 'exporter');
  await checkOnce(id, X, mine, 'claimed again once');
});
