// factor_day_hang.test.mjs: factor day's run while MariaDB hangs (issue 15).  6,000 agency-years of
// 南投縣 2025 at the 暫用 0.474; the official 0.467 applied; MariaDB SIGSTOPped once a batch has
// committed, for longer than the worker's statement timeout, then SIGCONTed: the worker gives the
// run up when its statement times out, claims it again and resumes after its last commit: every
// report recomputed exactly once, every rollup equal to an independent sum.  The run is the
// stack's exporter program with the stack's settings but a statement timeout of 10 s instead of
// 60 (worker_db_timeout), so that the hang lasts 16 s instead of 70.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, TMP, VAR, alive, dbSecret, pidOf, sleep, stack, waitFor } from '../lib.mjs';
import { applyOfficial, atFirstCommit, checkOnce, factorDayCounty } from './factor_day_lib.mjs';

const { X, mine } = factorDayCounty('M', 'FH');
const TIMEOUT = 10;

test('MariaDB hung half-way: the run given up at its statement timeout, resumed after its last commit: every report once, rollups exact', async () => {
  const conf = path.join(TMP, 'factor-day-hang.conf');
  const settings = fs.readFileSync(path.join(VAR, 'cityinv.conf'), 'utf8');
  assert.doesNotMatch(settings, /^worker_db_timeout/m, 'the stack leaves the statement timeout at its default');
  fs.writeFileSync(conf, `${settings}\nworker_db_timeout = ${TIMEOUT}\n`);
  stack('stop-service', 'exporter');
  const exporter = spawn(path.join(BIN, 'cityinv-worker'), ['-c', conf, '-q', 'exports', '-i', 'hang-exporter'],
    { env: { ...process.env, CITYINV_DB_PASSWORD: dbSecret() }, stdio: 'ignore' });
  try {
    const id = await applyOfficial(X);
    // MariaDB hung (SIGSTOP) once a batch has committed: longer than the exporter's statement timeout.
    const mpid = pidOf('mariadb');
    const stoppedAt = await atFirstCommit(id, () => process.kill(mpid, 'SIGSTOP'));
    assert.ok(stoppedAt !== null, 'caught half-way');
    try {
      await sleep((TIMEOUT + 6) * 1000);
    } finally {
      process.kill(mpid, 'SIGCONT');
    }
    await checkOnce(id, X, mine, 'given up once, claimed again once');
  } finally {
    exporter.kill('SIGTERM');
    await waitFor("the test's exporter to stop", () => !alive(exporter.pid), 15000);
    stack('start-service', 'exporter');
  }
});
