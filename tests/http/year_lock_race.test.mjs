// year_lock_race.test.mjs: 年度鎖定 and a change of the county's agencies at once. A lock takes the
// county's row before the county-year's (store_year_lock_begin), as an agency's create, edit, move,
// import and deactivation do, so the two come one after the other. Taken the other way round, a
// move holding its agency's row waited for the year's row while the lock held that and waited for
// the agency's row: InnoDB broke the deadlock and the team got a 503 (2 of 20 rounds here).
// On 連江縣 (Z) 2014, with an agency of this run's own; the year is unlocked again at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkTree, csrfOf, holdUntilWaited, loginAs, outboxDrained, rollupMismatches, sql } from '../lib.mjs';

const Y = 2014, ROUNDS = 20;
const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
const CODE = `LR${Date.now() % 100000000}`;
const lockOf = () => sql(`SELECT IFNULL(lock_id, 0) FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`)[0][0];
let team, mover, X;

// The lock's form as the page draws it: every agency listed with its state and a reason.
async function lockForm() {
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const form = { csrf: csrfOf(page.text), action: 'lock', year: String(Y) };
  for (const [, id, st] of page.text.matchAll(/name="st_(\d+)" value="(\d)"/g)) {
    form[`st_${id}`] = st;
    form[`reason_${id}`] = '競態測試';
  }
  return form;
}

async function unlockIfLocked() {
  const id = lockOf();
  if (id === '0') return;
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const r = await team.post('/team/years/lock', { csrf: csrfOf(page.text), action: 'unlock', year: String(Y), lock: id, reason: '競態測試解除' });
  assert.equal(r.status, 303, r.text);
}

before(async () => {
  assert.equal(lockOf(), '0', `${Y} of Z is not locked before the test`);
  team = await loginAs('Z', 'TEAM');
  mover = await loginAs('Z', 'TEAM');
  const page = await team.get('/team/agencies');
  const r = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: CODE, name: '鎖定競態測試機關', parent: '371000000A' });
  assert.equal(r.status, 200, r.text);
  [[X]] = sql(`SELECT id FROM agencies WHERE code = '${CODE}'`);
  // A report of Y at 5,000 kgCO2e, so that where the agency hangs moves the year's rollups.
  sql(`INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, computed_at)
       VALUES (${X}, ${Y}, 1, 1, '測試', 5000000, 0, NOW());
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
  await outboxDrained();
});

after(async () => {
  await unlockIfLocked();
  await outboxDrained();
});

test('a lock waits for the county\'s row, which an agency\'s change holds first (and then goes on)', async () => {
  const form = await lockForm();
  // The county's row held FOR UPDATE, as an agency's create or move holds it.
  const h = holdUntilWaited(`SELECT id FROM counties WHERE id = ${Z} FOR UPDATE;`,
    `FROM information_schema.INNODB_TRX t JOIN information_schema.INNODB_LOCKS l ON l.lock_id = t.trx_requested_lock_id
      WHERE t.trx_state = 'LOCK WAIT' AND l.lock_table LIKE '%\`counties\`' AND l.lock_data = '${Z}'
        AND t.trx_query LIKE '%FOR UPDATE'`);   // not the quality job's share of the row
  await h.held;
  const r = await team.post('/team/years/lock', form);
  const { code, out } = await h.done;
  assert.equal(code, 0, out);
  assert.match(out, /waiters\t1/, 'the lock waited for the county\'s row');
  assert.equal(r.status, 303, r.text);
  assert.notEqual(lockOf(), '0', 'and then locked the year');
  await unlockIfLocked();
  await outboxDrained();
});

test(`a lock and a move at once, ${ROUNDS} rounds: each is done or refused with its reason, never a 503; unlocked, the year's rollups equal independent sums`, async () => {
  const seen = {};
  for (let i = 0; i < ROUNDS; i++) {
    await outboxDrained();
    const form = await lockForm();
    const page = await mover.get('/team/agencies');
    const [l, m] = await Promise.all([
      team.post('/team/years/lock', form),
      mover.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: String(X), parent: i % 2 ? '371000000A' : '' }),
    ]);
    seen[`${l.status}/${m.status}`] = (seen[`${l.status}/${m.status}`] || 0) + 1;
    // Locked, or refused because the move's recalculation was still pending (409, its reason above the list).
    assert.ok(l.status === 303 || (l.status === 409 && /未鎖定：/.test(l.text)), `round ${i}: the lock: ${l.status} ${l.text.slice(0, 300)}`);
    assert.equal(m.status, 303, `round ${i}: the move: ${m.text.slice(0, 300)}`);
    await unlockIfLocked();
  }
  await outboxDrained();
  checkTree();
  assert.deepEqual(rollupMismatches(Y), [], `rounds ${JSON.stringify(seen)}`);
  const [[p]] = sql(`SELECT IFNULL(parent_id, 0) FROM agencies WHERE id = ${X}`);
  assert.notEqual(p, '0', 'the last move (under 連江縣政府) stands');
});
