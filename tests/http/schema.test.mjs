// schema.test.mjs: migrations (ordered, recorded, each once), utf8mb4/InnoDB, counties, demo data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, VAR, dbSecret, sql } from '../lib.mjs';

const admin = (...args) => spawnSync(path.join(BIN, 'cityinv-admin'), ['-c', path.join(VAR, 'cityinv.conf'), ...args],
  { encoding: 'utf8', timeout: 60000, env: { ...process.env, CITYINV_DB_PASSWORD: dbSecret() } });


test('every migration file is recorded once, in order', () => {
  const files = fs.readdirSync(path.join(ROOT, 'migrations')).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort();
  assert.ok(files.length >= 2);
  const rows = sql('SELECT version, name FROM schema_migrations ORDER BY version');
  assert.deepEqual(rows.map((r) => r[1]), files);
  assert.deepEqual(rows.map((r) => Number(r[0])), files.map((f) => parseInt(f, 10)));
});

test('migrate again applies nothing and changes nothing', () => {
  const before = sql('SELECT COUNT(*) FROM schema_migrations')[0][0];
  const r = admin('migrate');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /migrations: 0 applied/);
  assert.equal(sql('SELECT COUNT(*) FROM schema_migrations')[0][0], before);
});

test('a new migration is applied once, then recorded; a failing one stops and is not recorded', () => {
  const dir = path.join(ROOT, 'migrations');
  const ok = path.join(dir, '9998_test_tmp.sql');
  const bad = path.join(dir, '9999_test_bad.sql');
  try {
    fs.writeFileSync(ok, '-- test\nCREATE TABLE test_tmp (id INT PRIMARY KEY) ENGINE=InnoDB;\nINSERT INTO test_tmp VALUES (1);\n');
    fs.writeFileSync(bad, 'INSERT INTO test_tmp VALUES (2);\nTHIS IS NOT SQL;\n');
    const r = admin('migrate');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /applied 9998_test_tmp\.sql/);
    assert.match(r.stderr, /9999_test_bad\.sql failed/);
    assert.deepEqual(sql('SELECT version FROM schema_migrations WHERE version >= 9998'), [['9998']]);
    fs.unlinkSync(bad);
    const again = admin('migrate');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /migrations: 0 applied/);
    assert.equal(sql('SELECT COUNT(*) FROM test_tmp WHERE id = 1')[0][0], '1', 'not run twice');
  } finally {
    for (const f of [ok, bad]) if (fs.existsSync(f)) fs.unlinkSync(f);
    sql('DROP TABLE IF EXISTS test_tmp; DELETE FROM schema_migrations WHERE version >= 9998');
  }
});

test('every table is InnoDB in utf8mb4', () => {
  const rows = sql("SELECT table_name, engine, table_collation FROM information_schema.tables WHERE table_schema = 'cityinv'");
  assert.ok(rows.length >= 5);
  for (const [t, engine, coll] of rows) {
    assert.equal(engine, 'InnoDB', t);
    assert.match(coll, /^utf8mb4_/, t);
  }
  const cols = sql("SELECT table_name, column_name, character_set_name FROM information_schema.columns WHERE table_schema = 'cityinv' AND character_set_name IS NOT NULL AND character_set_name NOT IN ('utf8mb4', 'ascii')");
  assert.deepEqual(cols, [], 'text columns are utf8mb4 (codes and hashes: ascii)');
});

// SPEC-2 §1: "version" is a confirmed snapshot and "confirmed" a parent's 已確認, so the report's
// save counter is `revision` and the agency's 已登錄完成 tick is `filed` (0016_report_revision.sql).
test('reports: the save counter is revision, the 已登錄完成 tick is filed; no version or confirmed column', () => {
  const cols = sql(`SELECT column_name, column_type, is_nullable, column_default FROM information_schema.columns
    WHERE table_schema = 'cityinv' AND table_name = 'reports' ORDER BY ordinal_position`);
  const named = Object.fromEntries(cols.map(([n, ...rest]) => [n, rest]));
  assert.deepEqual(named.revision, ['int(10) unsigned', 'NO', '1'], 'revision: INT UNSIGNED NOT NULL DEFAULT 1');
  assert.deepEqual(named.filed, ['tinyint(1)', 'NO', '0'], 'filed: TINYINT(1) NOT NULL DEFAULT 0');
  assert.deepEqual(cols.map(([n]) => n).filter((n) => /^(version|confirmed)$/i.test(n)), [], 'no version, no confirmed');
  assert.deepEqual(cols.slice(3, 5).map(([n]) => n), ['revision', 'filed'], 'in the place of the old columns');
  // The rename kept the keys: one report per agency and year, and the agency it belongs to.
  const keys = sql(`SELECT constraint_name, constraint_type FROM information_schema.table_constraints
    WHERE table_schema = 'cityinv' AND table_name = 'reports' ORDER BY constraint_name`);
  assert.deepEqual(keys, [['PRIMARY', 'PRIMARY KEY'], ['reports_agency', 'FOREIGN KEY'], ['reports_agency_year', 'UNIQUE'],
    ['reports_reopened_by', 'FOREIGN KEY'], ['reports_returned_by', 'FOREIGN KEY'], ['reports_updated_by', 'FOREIGN KEY']]);
});

// docs/workflow.md (0017_confirmation.sql): the state columns of a report, its versions, and the
// triggers that make the versions immutable.
test('reports: the confirmation columns; the version tables; a trigger refuses UPDATE and DELETE on each', () => {
  const cols = (t) => Object.fromEntries(sql(`SELECT column_name, column_type, is_nullable, IFNULL(column_default, 'NULL')
    FROM information_schema.columns WHERE table_schema = 'cityinv' AND table_name = '${t}' ORDER BY ordinal_position`)
    .map(([n, ...rest]) => [n, rest]));
  const r = cols('reports');
  assert.deepEqual(r.confirmed_version, ['smallint(5) unsigned', 'YES', 'NULL']);
  assert.deepEqual(r.last_version, ['smallint(5) unsigned', 'NO', '0']);
  assert.deepEqual(r.returned, ['tinyint(1)', 'NO', '0']);
  for (const c of ['return_comment', 'correction_reason', 'reopen_reason']) assert.deepEqual(r[c], ['varchar(500)', 'YES', 'NULL'], c);
  for (const c of ['returned_at', 'filed_at', 'correction_at', 'reopened_at']) assert.deepEqual(r[c], ['datetime', 'YES', 'NULL'], c);
  for (const c of ['returned_by', 'reopened_by']) assert.deepEqual(r[c], ['int(10) unsigned', 'YES', 'NULL'], c);
  const v = cols('report_versions');
  assert.deepEqual(Object.keys(v), ['report_id', 'version_no', 'agency_id', 'year', 'revision', 'own_total_milli',
    'outsourced_total_milli', 'scope_text', 'outsourced_scope_text', 'confirmed_by', 'confirmed_at', 'reopen_reason',
    'reopened_by', 'reopened_at']);
  // The copies have the live tables' columns, with version_no after report_id, of the same types.
  for (const [copy, live] of [['report_version_items', 'report_items'], ['report_version_lines', 'report_lines'],
    ['report_version_line_gases', 'report_line_gases']]) {
    const c = cols(copy);
    const l = cols(live);
    assert.deepEqual(Object.keys(c), ['report_id', 'version_no', ...Object.keys(l).slice(1)], copy);
    for (const k of Object.keys(l)) assert.deepEqual(c[k], l[k], `${copy}.${k}`);
  }
  const pk = (t) => sql(`SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM information_schema.statistics
    WHERE table_schema = 'cityinv' AND table_name = '${t}' AND index_name = 'PRIMARY'`)[0][0];
  assert.equal(pk('report_versions'), 'report_id,version_no');
  assert.equal(pk('report_version_items'), 'report_id,version_no,part,item,seq');
  assert.equal(pk('report_version_lines'), 'report_id,version_no,part,item,seq');
  assert.equal(pk('report_version_line_gases'), 'report_id,version_no,part,item,seq,gas');
  const triggers = sql(`SELECT event_object_table, action_timing, event_manipulation, action_statement
    FROM information_schema.triggers WHERE trigger_schema = 'cityinv' AND event_object_table LIKE 'report_version%'
    `).sort((a, b) => (`${a[0]} ${a[2]}` < `${b[0]} ${b[2]}` ? -1 : 1));
  assert.deepEqual(triggers.map((t) => t.slice(0, 3)), [
    ['report_version_exclusions', 'BEFORE', 'DELETE'], ['report_version_exclusions', 'BEFORE', 'UPDATE'],
    ['report_version_items', 'BEFORE', 'DELETE'], ['report_version_items', 'BEFORE', 'UPDATE'],
    ['report_version_line_gases', 'BEFORE', 'DELETE'], ['report_version_line_gases', 'BEFORE', 'UPDATE'],
    ['report_version_lines', 'BEFORE', 'DELETE'], ['report_version_lines', 'BEFORE', 'UPDATE'],
    ['report_versions', 'BEFORE', 'DELETE'], ['report_versions', 'BEFORE', 'UPDATE'],
  ]);
  for (const t of triggers) assert.match(t[3], /^SIGNAL SQLSTATE '45000'/, t.join(' '));
  // No cascade would delete a version without its trigger: the foreign keys restrict.
  assert.deepEqual(sql(`SELECT constraint_name FROM information_schema.referential_constraints
    WHERE constraint_schema = 'cityinv' AND table_name LIKE 'report_version%' AND delete_rule <> 'RESTRICT'`), []);
});

test('all 22 counties with their ROC letters', () => {
  const rows = sql('SELECT letter, name FROM counties ORDER BY letter');
  assert.equal(rows.length, 22);
  assert.deepEqual(rows.map((r) => r[0]).join(''), 'ABCDEFGHIJKMNOPQTUVWXZ');
  const m = Object.fromEntries(rows);
  assert.equal(m.A, '臺北市');
  assert.equal(m.W, '金門縣');
  assert.equal(m.X, '澎湖縣');
  assert.equal(m.Z, '連江縣');
});

// Active rows only: a suite that confirms reports (review_workflow, the browser's review walk) cannot
// delete its agencies and accounts afterwards (a confirmed version is immutable and names them), so it
// deactivates them.
test('demo data: the agency trees of 連江縣 and 金門縣', () => {
  const rows = sql(`SELECT c.letter, a.code, a.name, a.level, IFNULL(p.code, '-')
    FROM agencies a JOIN counties c ON c.id = a.county_id LEFT JOIN agencies p ON p.id = a.parent_id
    WHERE a.active = 1 ORDER BY c.letter, a.level, a.code`);
  assert.deepEqual(rows, [
    ['W', '397020000A', '金門縣政府', '1', '-'],
    ['W', '397030000A', '金門縣環境保護局', '2', '397020000A'],
    ['Z', '371000000A', '連江縣政府', '1', '-'],
    ['Z', '371030000A', '連江縣政府教育處', '2', '371000000A'],
    ['Z', '371040000A', '連江縣環境資源局', '2', '371000000A'],
    ['Z', '371036500X', '連江縣介壽國中小', '3', '371030000A'],
    ['Z', '371036600X', '連江縣中正國中小', '3', '371030000A'],
  ]);
});

test('demo accounts: one per agency, TEAM in each county, the admin; argon2id hashes', () => {
  const rows = sql(`SELECT kind, IFNULL(c.letter, '-'), login, must_change_password, LEFT(password_hash, 10)
    FROM accounts a LEFT JOIN counties c ON c.id = a.county_id WHERE a.active = 1 ORDER BY kind, c.letter, login`);
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), [
    ['agency', 'W', '397020000A'], ['agency', 'W', '397030000A'],
    ['agency', 'Z', '371000000A'], ['agency', 'Z', '371030000A'], ['agency', 'Z', '371036500X'],
    ['agency', 'Z', '371036600X'], ['agency', 'Z', '371040000A'],
    ['team', 'W', 'TEAM'], ['team', 'Z', 'TEAM'],
    ['admin', '-', 'admin'],
  ]);
  for (const r of rows) assert.equal(r[4], '$argon2id$');
});

test('loading the demo data twice changes nothing', () => {
  const count = () => sql('SELECT (SELECT COUNT(*) FROM agencies), (SELECT COUNT(*) FROM accounts)')[0].join('/');
  const before = count();
  const r = admin('demo');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(count(), before);
});

test('the schema refuses a cross-kind account and a root with a parent', () => {
  const bad = [
    "INSERT INTO accounts (kind, county_id, agency_id, login, password_hash) VALUES ('team', NULL, NULL, 'x', 'h')",
    "INSERT INTO accounts (kind, county_id, agency_id, login, password_hash) VALUES ('admin', 1, NULL, 'y', 'h')",
    "INSERT INTO agencies (county_id, code, name, level, parent_id) SELECT county_id, 'BADROOT', 'x', 1, id FROM agencies WHERE code = '371000000A'",
    "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (22, '371000000a', 'dup', 1, NULL)",
  ];
  for (const q of bad) {
    assert.throws(() => sql(q), /ERROR/, q);
  }
});
