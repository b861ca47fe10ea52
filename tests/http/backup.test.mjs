// backup.test.mjs: docs/operations.md's backup and restore, rehearsed: a dump taken while the
// stack runs (scripts/stack.sh backup) loads into an empty database (scripts/stack.sh restore)
// with every table's rows and checksum equal, the trigger, the procedures and the migrations' record included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { STACK, TMP, sql, stack, waitFor } from '../lib.mjs';

const root = (q) => execFileSync(STACK, ['sql-root', '-N', '-B', '-e', q], { env: process.env, encoding: 'utf8', timeout: 60000 })
  .split('\n').filter((l) => l.length).map((l) => l.split('\t'));

test('backup while running, restore into an empty database: every table equal', async () => {
  // Nothing left for the worker: the rollups, and the quality runs and board that follow them.
  await waitFor('no pending work', () => sql(`SELECT (SELECT COUNT(*) FROM outbox WHERE done_at IS NULL)
    + (SELECT COUNT(*) FROM quality_queue WHERE done_for < requests)`)[0][0] === '0', 60000, 200);
  const file = path.join(TMP, 'backup.sql');
  stack('backup', file);
  assert.ok(fs.statSync(file).size > 10000);
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /CREATE TABLE `reports`/);
  assert.match(text, /TRIGGER/, 'the closure-table trigger is in the dump');
  assert.match(text, /PROCEDURE `rollup_changes`/, "the rollups' procedure is in the dump (migrations/0040)");
  assert.doesNotMatch(text, /CITYINV_DB_PASSWORD|IDENTIFIED BY/, 'no credentials in the dump');
  root('DROP DATABASE IF EXISTS cityinv_restore');
  try {
    stack('restore', file, 'cityinv_restore');
    const tables = root("SELECT table_name FROM information_schema.tables WHERE table_schema = 'cityinv' AND table_type = 'BASE TABLE' ORDER BY 1").map((r) => r[0]);
    assert.ok(tables.length >= 15, `${tables.length} tables`);
    for (const t of tables) {
      const [[a], [b]] = [root(`SELECT COUNT(*) FROM cityinv.\`${t}\``), root(`SELECT COUNT(*) FROM cityinv_restore.\`${t}\``)];
      assert.deepEqual(b, a, `${t}: rows`);
      // Every row, every column, in a total order (CHECKSUM TABLE also hashes the row format).
      const cols = root(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'cityinv' AND table_name = '${t}' ORDER BY ordinal_position`)
        .map((r) => `\`${r[0]}\``).join(', ');
      const dump = (db) => execFileSync(STACK, ['sql-root', '-N', '-B', '-e', `SELECT ${cols} FROM ${db}.\`${t}\` ORDER BY ${cols}`],
        { env: process.env, timeout: 60000, maxBuffer: 64 << 20 });
      assert.ok(dump('cityinv').equals(dump('cityinv_restore')), `${t}: every row equal`);
    }
    assert.deepEqual(root("SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'cityinv_restore'"),
      root("SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'cityinv'"));
    // The procedures, body and all (the worker cannot move a save's totals without rollup_changes).
    const routines = (db) => root(`SELECT routine_name, MD5(routine_definition), security_type, sql_mode FROM information_schema.routines
      WHERE routine_schema = '${db}' ORDER BY 1`);
    assert.ok(routines('cityinv').length >= 1, 'the procedures');
    assert.deepEqual(routines('cityinv_restore'), routines('cityinv'));
  } finally {
    root('DROP DATABASE IF EXISTS cityinv_restore');
  }
});
