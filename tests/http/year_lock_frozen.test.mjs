// year_lock_frozen.test.mjs: a locked county-year keeps its figures as they were signed. An agency
// deactivated after the lock leaves the year's totals as they were (the rollup worker sets the
// change aside, worker/rollup.c), while a year not locked takes it; unlocking recomputes the year
// with what changed meanwhile. A save the lock saw is still computed. On 連江縣 (Z) 2015, with
// an agency of this run's own under 連江縣政府; the year is unlocked again at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, loginAs, outboxDrained, rollupMismatches, sql, stack } from '../lib.mjs';

const Y = 2015, OTHER = 2016;
const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
const CODE = `LF${Date.now() % 100000000}`;
// The county row of a year: total / agencies counted.
const county = (y) => sql(`SELECT total_milli, n_agencies FROM county_rollups WHERE county_id = ${Z} AND year = ${y}`)[0].join('/');
const pending = () => sql(`SELECT COUNT(*) FROM outbox WHERE county_id = ${Z} AND year = ${Y} AND done_at IS NULL`)[0][0];
let team, X, lockId;

async function lock() {
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const form = { csrf: csrfOf(page.text), action: 'lock', year: String(Y) };
  for (const [, id, st] of page.text.matchAll(/name="st_(\d+)" value="(\d)"/g)) {
    form[`st_${id}`] = st;
    form[`reason_${id}`] = '凍結測試';
  }
  const r = await team.post('/team/years/lock', form);
  assert.equal(r.status, 303, r.text);
  [[lockId]] = sql(`SELECT lock_id FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`);
}

async function unlock() {
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const r = await team.post('/team/years/lock', { csrf: csrfOf(page.text), action: 'unlock', year: String(Y), lock: lockId, reason: '凍結測試解除' });
  assert.equal(r.status, 303, r.text);
}

before(async () => {
  assert.equal(sql(`SELECT IFNULL(lock_id, '-'), published_at IS NULL FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`)[0].join('/'), '-/1',
    `${Y} of Z is neither locked nor published before the test`);
  team = await loginAs('Z', 'TEAM');
  const page = await team.get('/team/agencies');
  const r = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: CODE, name: '鎖定凍結測試機關', parent: '371000000A' });
  assert.equal(r.status, 200, r.text);
  [[X]] = sql(`SELECT id FROM agencies WHERE code = '${CODE}'`);
  // Its report of Y at 7,000 kgCO2e, as a save leaves it, and the totals with it.
  sql(`INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, computed_at)
       VALUES (${X}, ${Y}, 1, 1, '測試', 7000000, 0, NOW());
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
  await outboxDrained();
});

after(async () => {
  if (sql(`SELECT lock_id IS NOT NULL FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`)[0][0] === '1') await unlock();
  sql(`DELETE FROM reports WHERE agency_id = ${X}`);
  await outboxDrained();
});

test('an agency deactivated after the lock: the locked year keeps its totals, another year takes it; unlocking recomputes', async () => {
  const signed = county(Y), other = county(OTHER);
  const [total, n] = signed.split('/').map(Number);
  assert.deepEqual(rollupMismatches(Y), [], 'the year adds up before the lock');
  await lock();
  const agencies = await team.get('/team/agencies');
  const d = await team.post('/team/agencies', { csrf: csrfOf(agencies.text), action: 'deactivate', agency: X });
  assert.equal(d.status, 303, d.text);
  await outboxDrained();
  assert.equal(county(Y), signed, 'the locked year: its totals and its count as signed');
  assert.equal(sql(`SELECT subtree_milli FROM rollups WHERE agency_id = ${X} AND year = ${Y}`)[0][0], '7000000', 'and the agency\'s own row');
  assert.equal(pending(), '0', 'its change set aside, nothing left pending');
  const [ot, on] = other.split('/').map(Number);
  assert.equal(county(OTHER), `${ot}/${on - 1}`, 'a year not locked took the deactivation');

  await unlock();
  await outboxDrained();
  assert.equal(county(Y), `${total - 7000000}/${n - 1}`, 'unlocked: recomputed with what changed while it was locked');
  assert.deepEqual(rollupMismatches(Y), []);
});

test('a change written before the lock is still computed; one after it is not, even with the worker stopped meanwhile', async () => {
  const before = county(Y);
  const [total] = before.split('/').map(Number);
  const [[school]] = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371036500X'`);
  const [[had]] = sql(`SELECT IFNULL(MAX(own_total_milli), '-') FROM reports WHERE agency_id = ${school} AND year = ${Y}`);
  stack('stop-service', 'worker');
  try {
    // A save the lock saw (its outbox row pending, the worker down), then the lock, then a change of the tree.
    if (had === '-') sql(`INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, computed_at)
                          VALUES (${school}, ${Y}, 1, 0, '測試', 0, 0, NOW())`);
    sql(`UPDATE reports SET own_total_milli = own_total_milli + 1234 WHERE agency_id = ${school} AND year = ${Y};
         INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT county_id, ${Y}, id, NOW(3) FROM agencies WHERE id = ${school}`);
    await new Promise((r) => setTimeout(r, 5));
    await lock();
    await new Promise((r) => setTimeout(r, 5));
    sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
  } finally {
    stack('start-service', 'worker');
  }
  await outboxDrained();
  assert.equal(Number(county(Y).split('/')[0]), total + 1234, 'the save before the lock is in the totals');
  assert.deepEqual(rollupMismatches(Y), []);
  await unlock();
  sql(`UPDATE reports SET own_total_milli = own_total_milli - 1234 WHERE agency_id = ${school} AND year = ${Y}`);
  if (had === '-') sql(`DELETE FROM reports WHERE agency_id = ${school} AND year = ${Y}`);
  sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
  await outboxDrained();
  assert.equal(county(Y), before);
});
