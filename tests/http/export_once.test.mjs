// export_once.test.mjs: `cityinv-worker -e ID` (export_once) queues a failed export again,
// builds it in the foreground and prints its outcome, time and peak memory; an export that
// does not exist is reported, not built.  The stack's export worker is stopped meanwhile, so
// the export is certainly built by the command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, VAR, pidOf, sql, stack } from '../lib.mjs';

function once(id) {
  const env = { ...process.env };
  for (const line of fs.readFileSync(path.join(VAR, 'secrets.env'), 'utf8').split('\n')) {
    const m = line.match(/^([A-Z_]+)=(.*)$/);
    if (m) env[m[1]] = m[2];
  }
  return spawnSync(path.join(BIN, 'cityinv-worker'), ['-c', path.join(VAR, 'cityinv.conf'), '-e', String(id)],
    { env, encoding: 'utf8', timeout: 60000 });
}

test('cityinv-worker -e: a failed export built again in the foreground, its outcome printed', async () => {
  const builder = pidOf('exporter') ? 'exporter' : 'worker';
  const [[team]] = sql("SELECT id FROM accounts WHERE kind = 'team' AND county_id = 22");
  const [[year]] = sql('SELECT MAX(year) FROM inventory_years');
  stack('stop-service', builder);
  try {
    const [[id]] = sql(`INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at, status, error, attempts)
      VALUES ('reminders', 22, ${year}, ${team}, 'export-once.xlsx', NOW(3), 'failed', '無法寫入檔案', 3); SELECT LAST_INSERT_ID()`);
    const r = once(id);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^export ${id}: done in \\d+ ms, peak resident \\d+ KiB\\n$`));
    const [[status, attempts, error, file]] = sql(`SELECT status, attempts, IFNULL(error, '-'), file FROM exports WHERE id = ${id}`);
    assert.deepEqual([status, attempts, error], ['done', '1', '-'], 'queued again with its attempts forgotten, built once');
    assert.ok(fs.statSync(path.join(VAR, 'files', file)).size > 0, 'its file is there');

    const none = once(4000000000);
    assert.equal(none.status, 1);
    assert.match(none.stdout, /^export 4000000000: \? in \d+ ms/);
  } finally {
    stack('start-service', builder);
  }
});
