// factor_day_retry.test.mjs: factor day's run failing half-way, then mended (issue 15).  6,000
// agency-years of 臺南市 2025 at the 暫用 0.474; one report in the middle has more rows than any form
// saves (as a broken import might leave it), so the official 0.467's run fails at its batch, after
// the batches before it have committed.  The admin's 重新執行 before the mend fails again and writes
// nothing; after the mend the run goes on after its last commit: every report once, rollups exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, loginAs, sql, waitFor } from '../lib.mjs';
import { N, Y, applyOfficial, checkOnce, factorDayCounty, q1 } from './factor_day_lib.mjs';

const { X, mine } = factorDayCounty('D', 'FR');

test('a run failed half-way by a report it cannot compute goes on from its last commit once mended (重新執行)', async () => {
  // The report of the middle agency: its batch comes after at least one that commits.
  const [[rid]] = sql(`SELECT r.id FROM reports r WHERE r.agency_id IN (${mine}) AND r.year = ${Y} ORDER BY r.id LIMIT 1 OFFSET ${N / 2}`);
  const broken = `INSERT INTO report_items (report_id, part, item, seq, refrigerant, quantity_milli)
    WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 150) SELECT ${rid}, 'own', 'refrigerant', 100 + n, 'R134a', 1000 FROM s`;
  const mend = () => sql(`DELETE FROM report_items WHERE report_id = ${rid} AND item = 'refrigerant' AND seq > 100`);
  const status = (id) => q1(`SELECT status FROM factor_changes WHERE id = ${id}`);
  let id;
  try {
    id = await applyOfficial(X, () => sql(broken));
    await waitFor('the run to fail', () => status(id) === 'failed', 120000, 200);
    assert.match(q1(`SELECT error FROM factor_changes WHERE id = ${id}`), new RegExp(`填報 ${rid} 的明細超過`));
    const [cursor, done] = sql(`SELECT cursor_report_id, done_reports FROM factor_changes WHERE id = ${id}`)[0];
    assert.ok(Number(done) > 0 && Number(cursor) < Number(rid), `failed after ${done} reports, before the broken one`);
    assert.equal(q1(`SELECT COUNT(*) FROM reports WHERE agency_id IN (${mine}) AND year = ${Y} AND own_total_milli = 467000`),
      q1(`SELECT COUNT(*) FROM reports WHERE agency_id IN (${mine}) AND year = ${Y} AND id <= ${cursor}`), 'exactly the committed batches');

    // Half recomputed: no county can lock (sign) 2025 until the run goes on.
    const team = await loginAs('Z', 'TEAM');
    const lockPage = await team.get(`/team/years/lock?year=${Y}`);
    const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
    try {
      const lr = await team.post('/team/years/lock', { csrf: csrfOf(lockPage.text), action: 'lock', year: String(Y) });
      assert.equal(lr.status, 409);
      assert.match(lr.text, /未鎖定：平台的係數變更尚未完成（重新計算中，或失敗待重新執行）/);
      assert.equal(q1(`SELECT IFNULL(lock_id, 0) FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`), '0');
    } finally {
      sql(`UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${Z} AND year = ${Y}`);   // had a lock got through
    }

    const admin = await loginAs('', 'admin');
    const page = await admin.get(`/admin/factors/change?id=${id}`);
    assert.match(page.text, /id="retry-note"[\s\S]*name="action" value="retry"/);
    // Not mended yet: it fails again at the same batch, nothing more written.
    assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'retry', id })).status, 303);
    await waitFor('the second failure', () => status(id) === 'failed' && q1(`SELECT attempts FROM factor_changes WHERE id = ${id}`) === '2', 120000, 200);
    assert.equal(q1(`SELECT cursor_report_id FROM factor_changes WHERE id = ${id}`), cursor, 'not a batch further');
  } finally {
    mend();
  }
  const admin = await loginAs('', 'admin');
  const again = await admin.get(`/admin/factors/change?id=${id}`);
  assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(again.text), action: 'retry', id })).status, 303);
  await waitFor('the run to finish', () => status(id) === 'done', 120000, 200);
  await checkOnce(id, X, mine, 'claimed three times: the failure, the failure again, the run', '3');
  assert.equal(q1(`SELECT COUNT(*) FROM audit_log WHERE field = '重新執行係數變更' AND new_value = '#${id}'`), '2', 'each 重新執行 audited');
  // Done: no more 重新執行.
  const last = await admin.get(`/admin/factors/change?id=${id}`);
  assert.doesNotMatch(last.text, /value="retry"/);
  const r = await admin.post('/admin/factors/change', { csrf: csrfOf(last.text), action: 'retry', id });
  assert.equal(r.status, 409);
  assert.match(r.text, /只有寫入係數後才失敗的變更可以重新執行/);
});
