// factor_day_takeover.test.mjs: factor day's run on a worker that hangs, not dies (issue 15).
// 6,000 agency-years of 雲林縣 2025 at the 暫用 0.474; the official 0.467 applied; the exporter
// SIGSTOPped once a batch has committed, a second exporter started beside it: once the first's
// lease has run out (and, when it was stopped inside a batch's transaction, once the server has
// rolled that back: idle_transaction_timeout, the worker's 60 s statement timeout, frees its
// locks) the second claims the run and resumes after the last commit.  The first, SIGCONTed,
// finds its claim gone or its transaction lost: nothing of its batch is written and it claims
// nothing.  Every report recomputed exactly once, every rollup exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, VAR, alive, dbSecret, pidOf, sleep, waitFor } from '../lib.mjs';
import { applyOfficial, atFirstCommit, checkOnce, factorDayCounty, q1 } from './factor_day_lib.mjs';

const { X, mine } = factorDayCounty('P', 'FT');

test('a hung worker\'s run taken over by a second worker once its lease ran out; the first, continued, writes nothing', { timeout: 400000 }, async () => {
  const id = await applyOfficial(X);
  const first = pidOf('exporter');
  let second = null, stopped = false;
  try {
    const stoppedAt = await atFirstCommit(id, () => { process.kill(first, 'SIGSTOP'); stopped = true; });
    assert.ok(stoppedAt !== null, 'caught half-way');
    // A second exporter, as a platform with two would have: the same program, configuration, secret and queue.
    const log = fs.openSync(path.join(VAR, 'log', 'exporter-second.log'), 'a');
    const child = spawn(path.join(BIN, 'cityinv-worker'), ['-c', path.join(VAR, 'cityinv.conf'), '-q', 'exports'],
      { stdio: ['ignore', log, log], env: { ...process.env, CITYINV_DB_PASSWORD: dbSecret() } });
    fs.closeSync(log);
    child.unref();
    second = child.pid;
    await waitFor('the second worker to claim the run (the first\'s lease of 6 s run out, its transaction rolled back)',
      () => q1(`SELECT attempts FROM factor_changes WHERE id = ${id}`) === '2', 150000, 200);
    const logAt = fs.statSync(path.join(VAR, 'log', 'exporter.log')).size;
    process.kill(first, 'SIGCONT');
    stopped = false;
    // The first finds its claim gone at its batch's end (or the run's), or its transaction lost, and says so.
    await waitFor('the first worker to find its claim gone', () => /factor change \d+: (another worker took the run over|.*the next claim resumes)/
      .test(fs.readFileSync(path.join(VAR, 'log', 'exporter.log')).subarray(logAt).toString('utf8')), 60000, 200);
    await checkOnce(id, X, mine, 'claimed twice: by the first worker, then by the second, never again by the first');
    assert.ok(alive(first), 'the first worker carried on (it is not killed for losing a claim)');
    await sleep(500);
    assert.equal(q1(`SELECT attempts FROM factor_changes WHERE id = ${id}`), '2', 'nobody claimed it again after the run');
  } finally {
    if (stopped) process.kill(first, 'SIGCONT');
    if (second && alive(second)) {
      process.kill(second, 'SIGTERM');
      await waitFor('the second worker to stop', () => !alive(second), 15000, 100);
    }
  }
});
