// year_lock_frozen.test.mjs: a locked county-year keeps its figures as they were signed. An agency
// moved after the lock leaves the year's rollups as they were (the rollup worker sets the change
// aside, worker/rollup.c) while a year not locked takes it, and unlocking recomputes the year with
// what changed meanwhile; an agency with a report in a locked year cannot be deactivated (its
// report would leave the signed totals); a year with totals still pending is not locked. On 連江縣 (Z) 2015
// and 2016, with an agency of this run's own under 連江縣政府; the year is unlocked again at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, holdUntilWaited, loginAs, outboxDrained, rollupMismatches, sql, stack, waitFor } from '../lib.mjs';

const Y = 2015, OTHER = 2016;
const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
const CODE = `LF${Date.now() % 100000000}`;
// The county row of a year: total / agencies counted.
const county = (y) => sql(`SELECT total_milli, n_agencies FROM county_rollups WHERE county_id = ${Z} AND year = ${y}`)[0].join('/');
const pending = () => sql(`SELECT COUNT(*) FROM outbox WHERE county_id = ${Z} AND year = ${Y} AND done_at IS NULL`)[0][0];
let team, X, lockId;

// The lock as the page asks for it: every agency listed with its state and a reason.
async function postLock() {
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const form = { csrf: csrfOf(page.text), action: 'lock', year: String(Y) };
  for (const [, id, st] of page.text.matchAll(/name="st_(\d+)" value="(\d)"/g)) {
    form[`st_${id}`] = st;
    form[`reason_${id}`] = '凍結測試';
  }
  return team.post('/team/years/lock', form);
}

async function lock() {
  await outboxDrained();   // a year with totals still being computed is not locked (the last test)
  const r = await postLock();
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
  // Its reports of Y and OTHER at 7,000 kgCO2e, as a save leaves them, and the totals with them.
  for (const y of [Y, OTHER])
    sql(`INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, computed_at)
         VALUES (${X}, ${y}, 1, 1, '測試', 7000000, 0, NOW());
         INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${y}, NULL, NOW(3))`);
  await outboxDrained();
});

after(async () => {
  if (sql(`SELECT lock_id IS NOT NULL FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`)[0][0] === '1') await unlock();
  sql(`DELETE FROM reports WHERE agency_id = ${X}`);
  await outboxDrained();
});

test('two at once: a deactivation that meets a lock being taken waits for it, then is refused (409), nothing written', async () => {
  const [[teamId]] = sql(`SELECT id FROM accounts WHERE county_id = ${Z} AND login = 'TEAM'`);
  const page = await team.get('/team/agencies');
  // 年度鎖定 in progress: the year's row held FOR UPDATE, the lock written under it, until the deactivation waits.
  const h = holdUntilWaited(`SELECT lock_id FROM inventory_years WHERE county_id = ${Z} AND year = ${Y} FOR UPDATE;
INSERT INTO year_locks (county_id, year, locked_at, locked_by) VALUES (${Z}, ${Y}, NOW(3), ${teamId});
UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = ${Z} AND year = ${Y};`,
  `FROM information_schema.INNODB_TRX t JOIN information_schema.INNODB_LOCKS l ON l.lock_id = t.trx_requested_lock_id
    WHERE t.trx_state = 'LOCK WAIT' AND l.lock_table LIKE '%\`inventory_years\`' AND t.trx_query LIKE 'SELECT IFNULL(MIN(r.year)%'`);
  await h.held;
  try {
    const d = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'deactivate', agency: X });
    const { code, out } = await h.done;
    assert.equal(code, 0, out);
    assert.match(out, /waiters\t1/, 'the deactivation waited for the lock being taken');
    assert.equal(d.status, 409, 'then saw the year locked');
    assert.match(d.text, /在已鎖定的民國 104 年有填報資料/);
    assert.equal(sql(`SELECT active FROM agencies WHERE id = ${X}`)[0][0], '1', 'nothing written');
  } finally {
    sql(`UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${Z} AND year = ${Y};
         DELETE FROM year_locks WHERE county_id = ${Z} AND year = ${Y} AND unlocked_at IS NULL`);
  }
});

test('an agency moved after the lock: the locked year keeps its rollups, another year takes the move; unlocking recomputes; no deactivation meanwhile', async () => {
  const [[edu]] = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371030000A'`);
  const sub = (a, y) => Number(sql(`SELECT subtree_milli FROM rollups WHERE agency_id = ${a} AND year = ${y}`)[0][0]);
  const signed = county(Y), eduY = sub(edu, Y), eduOther = sub(edu, OTHER);
  const quality = () => Number(sql(`SELECT IFNULL(MAX(requests), 0) FROM quality_queue WHERE county_id = ${Z} AND year = ${Y}`)[0][0]);
  assert.deepEqual(rollupMismatches(Y), [], 'the year adds up before the lock');
  await lock();

  let page = await team.get('/team/agencies');
  const d = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'deactivate', agency: X });
  assert.equal(d.status, 409, 'its report is in a locked year');
  assert.match(d.text, new RegExp(`class="flash error"[^>]*>未停用：${CODE} 鎖定凍結測試機關 在已鎖定的民國 104 年有填報資料，停用會改變該年度已簽署的數字`));
  assert.equal(sql(`SELECT active FROM agencies WHERE id = ${X}`)[0][0], '1', 'nothing written');

  const asked = quality();
  const m = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: X, parent: '371030000A' });
  assert.equal(m.status, 303, m.text);
  await outboxDrained();
  assert.equal(county(Y), signed, 'the locked year: the county as signed');
  assert.equal(sub(edu, Y), eduY, 'and 教育處\'s subtree as signed, without the agency moved under it');
  assert.equal(pending(), '0', 'its change set aside, nothing left pending');
  assert.ok(quality() > asked, 'the quality job still asked for (a board\'s thresholds may have changed)');
  assert.equal(sub(edu, OTHER), eduOther + 7000000, 'a year not locked took the move');

  await unlock();
  await outboxDrained();
  assert.equal(sub(edu, Y), eduY + 7000000, 'unlocked: recomputed with what changed while it was locked');
  assert.equal(county(Y), signed);
  assert.deepEqual(rollupMismatches(Y), []);

  page = await team.get('/team/agencies');
  assert.equal((await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'deactivate', agency: X })).status, 303, 'unlocked, it may go');
  await outboxDrained();
  const [total, n] = signed.split('/').map(Number);
  assert.equal(county(Y), `${total - 7000000}/${n - 1}`);
});

test('the agencies a locked year counts are those it was locked with: created, moved, deactivated after the lock, its counts and figures by level stay as signed', async () => {
  // The inventory's 填報情形 and 依機關層級, as the team's page (and /public, the workbooks) shows them.
  const shown = async (y) => {
    const t = (await team.get(`/team/inventory?year=${y}`)).text;
    return { filing: t.split('id="inv-filing">')[1].split('</dd>')[0], levels: t.split('id="inv-level">')[1].split('</table>')[0] };
  };
  let page = await team.get('/team/agencies');
  const mk = async (code, name) => {
    const r = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code, name, parent: '371000000A' });
    assert.equal(r.status, 200, r.text);
    return sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
  };
  const before = await mk(`${CODE}B`, '鎖定前新增機關');   // 未登錄 when the year is locked (an exception)
  const mover = await mk(`${CODE}M`, '鎖定後移動機關');     // a 二級 agency with reports of 5,000 kgCO2e in both years
  // Each with one electricity line of A1-A3 1/1/3, ±2 %, so that the line counts in 連江縣政府's subtree grade.
  for (const y of [Y, OTHER])
    sql(`INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, computed_at)
         VALUES (${mover}, ${y}, 1, 1, '測試', 5000000, 0, NOW());
         INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources,
           a1, a2, a3, ad_lower_milli, ad_upper_milli)
         SELECT id, 'own', 'electricity', 0, 'stationary', 2, 10000000, 5000000, '0.5', 'AR5', 'm', 's', 1, 1, 3, 2000, 2000
           FROM reports WHERE agency_id = ${mover} AND year = ${y};
         INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${y}, NULL, NOW(3))`);
  await outboxDrained();
  // 連江縣政府's subtree figures as the quality job wrote them, once it has served every request.
  const [[hall]] = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371000000A'`);
  const graded = async (y) => {
    await waitFor('the quality job', () => {
      const q = sql(`SELECT requests, done_for FROM quality_queue WHERE county_id = ${Z} AND year = ${y}`);
      return q.length && q[0][0] === q[0][1];
    }, 30000, 100);
    return sql(`SELECT CONCAT_WS('/', covered_milli, IFNULL(grade_hundredths, '-'), IFNULL(unc_lower_milli, '-'), assessed_bp)
      FROM quality_rollups WHERE agency_id = ${hall} AND year = ${y} AND scope = 'subtree'`)[0][0];
  };
  await lock();
  const signed = await shown(Y), other = await shown(OTHER), gradedY = await graded(Y), gradedOther = await graded(OTHER);
  assert.match(signed.filing, /機關 \d+ 個/);

  page = await team.get('/team/agencies');
  const after = await mk(`${CODE}A`, '鎖定後新增機關');
  await outboxDrained();
  assert.deepEqual(await shown(Y), signed, 'an agency created: the locked year as signed');
  assert.notEqual((await shown(OTHER)).filing, other.filing, 'a year not locked counts it');
  let r = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: mover, parent: '' });
  assert.equal(r.status, 303, 'a 二級 agency with a report in the year moved to 一級');
  await outboxDrained();
  assert.deepEqual(await shown(Y), signed, 'an agency moved: the locked year as signed');
  assert.notDeepEqual((await shown(OTHER)).levels, other.levels, 'a year not locked counts it at its new level');
  assert.equal(await graded(Y), gradedY, 'and 連江縣政府\'s subtree grade as signed, the moved line in it');
  assert.notEqual(await graded(OTHER), gradedOther, 'a year not locked grades the subtree without it');
  r = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'deactivate', agency: before });
  assert.equal(r.status, 303, 'the exception without a report deactivated');
  await outboxDrained();
  assert.deepEqual(await shown(Y), signed, 'an agency deactivated: the locked year as signed');
  assert.deepEqual(rollupMismatches(OTHER), []);

  await unlock();
  await outboxDrained();
  assert.notDeepEqual(await shown(Y), signed, 'unlocked: the year counts the agencies as they are');
  sql(`DELETE FROM reports WHERE agency_id = ${mover}`);
  page = await team.get('/team/agencies');
  for (const agency of [mover, after]) {
    r = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'deactivate', agency });
    assert.equal(r.status, 303, r.text);
  }
  await outboxDrained();
});

test('a year whose totals are still being computed is not locked: 409, nothing written; once they are, it is', async () => {
  const before = county(Y);
  const [total] = before.split('/').map(Number);
  const [[school]] = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371036500X'`);
  const [[had]] = sql(`SELECT IFNULL(MAX(own_total_milli), '-') FROM reports WHERE agency_id = ${school} AND year = ${Y}`);
  const locks = () => sql(`SELECT COUNT(*) FROM year_locks WHERE county_id = ${Z} AND year = ${Y}`)[0][0];
  const n = locks();
  stack('stop-service', 'worker');
  try {
    // A save's change, its outbox row pending (the worker down): the lock would leave it out of the signed totals.
    if (had === '-') sql(`INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, computed_at)
                          VALUES (${school}, ${Y}, 1, 0, '測試', 0, 0, NOW())`);
    sql(`UPDATE reports SET own_total_milli = own_total_milli + 1234 WHERE agency_id = ${school} AND year = ${Y};
         INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT county_id, ${Y}, id, NOW(3) FROM agencies WHERE id = ${school}`);
    const r = await postLock();
    assert.equal(r.status, 409);
    assert.match(r.text, /未鎖定：本年度的總計仍在計算中（剛有存檔、確認或機關變動），請稍候幾秒再鎖定。/);
    assert.match(r.text, /id="lock-form"/, 'the form again');
    assert.equal(locks(), n, 'nothing written');
  } finally {
    stack('start-service', 'worker');
  }
  await lock();
  assert.equal(Number(county(Y).split('/')[0]), total + 1234, 'the save in the signed totals');
  assert.deepEqual(rollupMismatches(Y), []);
  await unlock();
  sql(`UPDATE reports SET own_total_milli = own_total_milli - 1234 WHERE agency_id = ${school} AND year = ${Y}`);
  if (had === '-') sql(`DELETE FROM reports WHERE agency_id = ${school} AND year = ${Y}`);
  sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
  await outboxDrained();
  assert.equal(county(Y), before);
});
