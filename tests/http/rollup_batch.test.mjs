// rollup_batch.test.mjs: issue 14 item 2, a batch of changes takes the incremental path whatever
// its size. 520 agencies of this run's own (codes RB<n>…) under 金門縣政府 (W): 20 二級, 25 三級
// under each. After a full computation, 500 of their reports change in one transaction with 500
// outbox rows; the worker takes them as one claim, says "incremental" in its log, and every
// figure it stores equals sums computed here from the values the test wrote (not from the
// worker's SQL). The reports are deleted and the agencies removed at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { VAR, redis, sql, waitFor } from '../lib.mjs';

const Y = 2017;
const TAG = `RB${Date.now() % 1000000}`;
const W = sql("SELECT id FROM counties WHERE letter = 'W'")[0][0];
const HALL = sql(`SELECT id FROM agencies WHERE county_id = ${W} AND code = '397020000A'`)[0][0];
const MID = 20, LEAVES = 25;
const own = {};   // agency id -> own total (thousandths), as this test wrote it

// The worker woken as a save wakes it (its poll would take up to 5 s more).
const wake = () => redis('LPUSH', 'cityinv:jobs', `rollup ${W} ${Y}`);
const drained = () => wake() && waitFor('the outbox and the quality queue to drain', () =>
  sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0' &&
  sql('SELECT COUNT(*) FROM quality_queue WHERE done_for < requests')[0][0] === '0', 120000, 200);
const rollup = (id) => sql(`SELECT subtree_milli, n_agencies FROM rollups WHERE agency_id = ${id} AND year = ${Y}`)[0];
const county = () => BigInt(sql(`SELECT total_milli FROM county_rollups WHERE county_id = ${W} AND year = ${Y}`)[0][0]);
const mine = () => sql(`SELECT id, code, level FROM agencies WHERE county_id = ${W} AND code LIKE '${TAG}%'`);

before(async () => {
  const mids = Array.from({ length: MID }, (_, i) => `(${W}, '${TAG}M${i}', '批次測試${TAG}二級${i}', 2, ${HALL})`);
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES ${mids.join(',')}`);
  const leaves = [];
  for (const [id, code] of mine()) {
    for (let j = 0; j < LEAVES; j++) leaves.push(`(${W}, '${code}L${j}', '批次測試${code}三級${j}', 3, ${id})`);
  }
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES ${leaves.join(',')}`);
  const reports = mine().map(([id], k) => { own[id] = 7n * BigInt(k) + 1n; return `(${id}, ${Y}, ${own[id]})`; });
  sql(`INSERT INTO reports (agency_id, year, own_total_milli) VALUES ${reports.join(',')}`);
  // New agencies have no rollups: the next change computes the county-year in full.
  sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${W}, ${Y}, NULL, NOW(3))`);
  await drained();
});

after(async () => {
  const ids = mine().map(([id]) => id).join(',');
  if (!ids) return;
  sql(`DELETE FROM reports WHERE agency_id IN (${ids}); UPDATE agencies SET active = 0 WHERE id IN (${ids});
       DELETE FROM board_findings WHERE county_id = ${W} AND year = ${Y}; DELETE FROM board_runs WHERE county_id = ${W} AND year = ${Y};
       DELETE FROM board_level_medians WHERE county_id = ${W} AND year = ${Y};
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${W}, ${Y}, NULL, NOW(3))`);
  await drained();
  // Deepest first: agency_tree and rollups, then the 三級, then the 二級 (parent_id refers to them).
  sql(`DELETE FROM rollups WHERE agency_id IN (${ids}); DELETE FROM agency_tree WHERE descendant_id IN (${ids}) OR ancestor_id IN (${ids});
       DELETE FROM agencies WHERE id IN (${ids}) AND level = 3; DELETE FROM agencies WHERE id IN (${ids})`);
});

test('a batch of 500 changes takes the incremental path and ends equal to independent sums', async () => {
  const file = path.join(VAR, 'log', 'worker.log');
  const start = fs.statSync(file).size;   // only what the worker logs from now on
  const hallBefore = BigInt(rollup(HALL)[0]), countyBefore = county();
  const leaves = mine().filter(([, , level]) => level === '3').map(([id]) => id).slice(0, 500);
  assert.equal(leaves.length, 500);
  let delta = 0n;
  const sets = leaves.map((id, k) => { const d = 1000n + BigInt(k); own[id] += d; delta += d; return `WHEN ${id} THEN ${own[id]}`; });
  // One transaction: the worker's claim sees all 500 rows or none.
  sql(`START TRANSACTION;
       UPDATE reports SET own_total_milli = CASE agency_id ${sets.join(' ')} END WHERE year = ${Y} AND agency_id IN (${leaves.join(',')});
       INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT ${W}, ${Y}, id, NOW(3) FROM agencies WHERE id IN (${leaves.join(',')});
       COMMIT`);
  await drained();

  const log = fs.readFileSync(file).subarray(start).toString('utf8');
  const runs = [...log.matchAll(new RegExp(`rollup county ${W} year ${Y}: (\\d+) change\\(s\\), (\\w+)`, 'g'))];
  assert.ok(runs.length >= 1, 'the worker ran the county-year');
  assert.deepEqual(runs.map((m) => m[2]), runs.map(() => 'incremental'), 'every run took the incremental path');
  assert.ok(runs.some((m) => Number(m[1]) >= 500), `one claim took the 500 changes (${runs.map((m) => m[1]).join(', ')})`);

  // Every row of this test's agencies and their parents in one query each (a query an agency took 45 s).
  const stored = new Map(sql(`SELECT r.agency_id, r.subtree_milli, r.n_agencies FROM rollups r JOIN agencies a ON a.id = r.agency_id
    WHERE a.county_id = ${W} AND a.code LIKE '${TAG}%' AND r.year = ${Y}`).map(([id, s, n]) => [id, [s, n]]));
  const parent = new Map(sql(`SELECT id, parent_id FROM agencies WHERE county_id = ${W} AND code LIKE '${TAG}%'`));
  const agencies = mine();
  assert.equal(stored.size, agencies.length, 'a rollup for each');
  for (const [id, , level] of agencies) {
    const [subtree, n] = stored.get(id);
    if (level === '3') {
      assert.equal(BigInt(subtree), own[id], `三級 ${id}`);
      continue;
    }
    const kids = agencies.filter(([k]) => parent.get(k) === id).map(([k]) => k);
    assert.equal(kids.length, LEAVES);
    assert.equal(BigInt(subtree), kids.reduce((s, k) => s + own[k], own[id]), `二級 ${id}: its own and its 25 三級`);
    assert.equal(n, String(LEAVES + 1));
  }
  assert.equal(BigInt(rollup(HALL)[0]) - hallBefore, delta, 'the county hall moved by the batch');
  assert.equal(county() - countyBefore, delta, 'the county total likewise');
});

test('rows spoilt by hand refuse the move, and the worker recomputes the county-year in full instead of failing', async () => {
  const file = path.join(VAR, 'log', 'worker.log');
  const start = fs.statSync(file).size;
  const [mid] = mine().find(([, , level]) => level === '2');
  const leaf = sql(`SELECT id FROM agencies WHERE parent_id = ${mid} ORDER BY id LIMIT 1`)[0][0];
  const inProgress = () => sql(`SELECT COUNT(*) FROM agencies a JOIN reports p ON p.agency_id = a.id AND p.year = ${Y}
    WHERE a.active = 1 AND p.filed = 0 AND (a.id = ${mid} OR a.parent_id = ${mid})`)[0][0];
  assert.equal(sql(`SELECT filed FROM reports WHERE agency_id = ${leaf} AND year = ${Y}`)[0][0], '0', 'the leaf is 登錄中');
  // The 二級 row counts no report in progress and 5 too much; then the leaf's report is completed, which moves that count below zero.
  sql(`UPDATE rollups SET n_in_progress = 0, subtree_milli = subtree_milli + 5 WHERE agency_id = ${mid} AND year = ${Y};
       START TRANSACTION; UPDATE reports SET filed = 1 WHERE agency_id = ${leaf} AND year = ${Y};
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${W}, ${Y}, ${leaf}, NOW(3)); COMMIT`);
  await drained();   // the outbox empty: the job did not fail and stay pending

  const log = fs.readFileSync(file).subarray(start).toString('utf8');
  assert.match(log, new RegExp(`rollup county ${W} year ${Y}: the changes could not be moved`), 'the refusal logged');
  assert.match(log, new RegExp(`rollup county ${W} year ${Y}: 1 change\\(s\\), full`), 'then the full recompute');
  const kids = sql(`SELECT id FROM agencies WHERE parent_id = ${mid}`).map(([k]) => k);
  const [subtree] = rollup(mid);
  assert.equal(BigInt(subtree), kids.reduce((s, k) => s + own[k], own[mid]), 'the 二級 subtree mended: its own and its 三級');
  assert.equal(sql(`SELECT n_in_progress, n_complete FROM rollups WHERE agency_id = ${mid} AND year = ${Y}`)[0].join('/'),
    `${inProgress()}/1`, 'its counts mended: the leaf complete, the rest in progress');
});
