// factor_day_hang.test.mjs: factor day's run while MariaDB hangs (issue 15).  3,000 agency-years of
// 南投縣 2025 at the 暫用 0.474; the official 0.467 applied; MariaDB SIGSTOPped once a batch has
// committed, for 70 s (longer than the worker's 60 s statement timeout), then SIGCONTed: the
// worker gives the run up when its statement times out, claims it again and resumes after its
// last commit: every report recomputed exactly once, every rollup equal to an independent sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pidOf, sleep } from '../lib.mjs';
import { applyOfficial, atFirstCommit, checkOnce, factorDayCounty } from './factor_day_lib.mjs';

const { X, mine } = factorDayCounty('M', 'FH');

test('MariaDB hung half-way: the run given up at its statement timeout, resumed after its last commit: every report once, rollups exact', async () => {
  const id = await applyOfficial(X);
  // MariaDB hung (SIGSTOP) for 70 s once a batch has committed: longer than the worker's 60 s statement timeout.
  const mpid = pidOf('mariadb');
  const stoppedAt = await atFirstCommit(id, () => process.kill(mpid, 'SIGSTOP'));
  assert.ok(stoppedAt !== null, 'caught half-way');
  try {
    await sleep(70000);
  } finally {
    process.kill(mpid, 'SIGCONT');
  }
  await checkOnce(id, X, mine, 'given up once, claimed again once');
});
