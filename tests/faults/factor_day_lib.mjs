// factor_day_lib.mjs: what the factor-day fault tests share (factor_day_kill: the exporter
// SIGKILLed half-way; factor_day_hang: MariaDB SIGSTOPped half-way; factor_day_takeover: the
// exporter SIGSTOPped, a second one taking over; factor_day_retry: a run failed half-way, mended
// and resumed).  N 一級 agencies of one
// county, each a 2025 report of 1,000 kWh at the 暫用 0.474; the official 0.467 proposed and
// applied through the console; the moment a batch has committed; what must hold once the run
// is over: every report recomputed exactly once (one audit line, one notice), rollups exact.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { alive, csrfOf, loginAs, pidOf, rollupMismatches, sleep, sql, stack, waitFor } from '../lib.mjs';

export const Y = 2025;
export const N = 6000;
const KEY = 'elec_grid_2025_public_average';
export const q1 = (s) => sql(s)[0]?.[0];
const drained = () => waitFor('the outbox to drain', () => q1('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL') === '0', 120000, 200);

// The county of `letter`, its N agencies tagged `prefix`: registers the file's before and after.
export function factorDayCounty(letter, prefix) {
  const [[X]] = sql(`SELECT id FROM counties WHERE letter = '${letter}'`);
  const TAG = `${prefix}${Date.now() % 100000}`;
  const mine = `SELECT id FROM agencies WHERE county_id = ${X} AND code LIKE '${TAG}%'`;
  before(() => {
    sql(`UPDATE factors SET value = '0.474', confidence = 'provisional', change_id = NULL WHERE fkey = '${KEY}'`);
    // N 一級 agencies, each with a 2025 report of 1,000 kWh computed at 0.474 (as a save would have stored it).
    sql(`INSERT INTO agencies (county_id, code, name, level)
         WITH RECURSIVE d (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 9),
           s (n) AS (SELECT 1 + a.n + 10 * b.n + 100 * c.n + 1000 * e.n FROM d a, d b, d c, d e WHERE 1 + a.n + 10 * b.n + 100 * c.n + 1000 * e.n <= ${N})
         SELECT ${X}, CONCAT('${TAG}', LPAD(n, 5, '0')), CONCAT('係數日壓力測試機關', n), 1 FROM s`);
    sql(`INSERT INTO reports (agency_id, year, own_total_milli, outsourced_total_milli, computed_at)
         SELECT id, ${Y}, 474000, 0, NOW() FROM agencies WHERE county_id = ${X} AND code LIKE '${TAG}%'`);
    sql(`INSERT INTO report_items (report_id, part, item, seq, quantity_milli)
         SELECT r.id, 'own', 'electricity', 0, 1000000 FROM reports r WHERE r.agency_id IN (${mine}) AND r.year = ${Y}`);
    sql(`INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources,
           provisional, iso_category)
         SELECT r.id, 'own', 'electricity', 0, 'stationary', 2, 1000000, 474000, '0.474', '', '暫用', '', 1, 2
         FROM reports r WHERE r.agency_id IN (${mine}) AND r.year = ${Y}`);
    sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${X}, ${Y}, NULL, NOW(3))`);
  });
  after(async () => {
    sql(`UPDATE factors SET value = '0.467', confidence = 'official', change_id = NULL WHERE fkey = '${KEY}';
         UPDATE factor_changes SET status = 'cancelled' WHERE fkey = '${KEY}' AND status = 'draft'`);
    sql(`UPDATE agencies SET active = 0 WHERE county_id = ${X} AND code LIKE '${TAG}%';
         INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${X}, ${Y}, NULL, NOW(3))`);
    if (!alive(pidOf('exporter'))) stack('start-service', 'exporter');
    await drained();
  });
  return { X, mine };
}

// The official value proposed, previewed (N agency-years of county X), beforeApply() run, and applied: the change's id.
export async function applyOfficial(X, beforeApply = () => {}) {
  await drained();
  const admin = await loginAs('', 'admin');
  const page = await admin.get('/admin/factors');
  const made = await admin.post('/admin/factors', { csrf: csrfOf(page.text), action: 'propose', key: KEY, value: '0.467',
    confidence: 'official', source: '能源署115.6.2公布' });
  assert.equal(made.status, 303);
  const id = made.headers.get('location').match(/id=(\d+)$/)[1];
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 120000, 200);
  assert.equal(q1(`SELECT agency_years FROM factor_change_effects WHERE change_id = ${id} AND county_id = ${X}`), String(N));
  beforeApply();
  const cp = await admin.get(`/admin/factors/change?id=${id}`);
  assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(cp.text), action: 'apply', id })).status, 303);
  return id;
}

// Runs act() once a batch of change id has committed and the run is not over: the reports done then, or null.
export async function atFirstCommit(id, act) {
  for (let i = 0; i < 3000; i++) {
    const [status, done] = sql(`SELECT status, done_reports FROM factor_changes WHERE id = ${id}`)[0];
    if (status === 'running' && Number(done) > 0) {
      act();
      return Number(done);
    }
    if (status === 'done') return null;
    await sleep(5);
  }
  return null;
}

// Once the run is over: claimed `attempts` times (twice), every report of the county's N once at 0.467, rollups exact.
export async function checkOnce(id, X, mine, attemptsWhy, attempts = '2') {
  await waitFor('the run to finish', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'done', 120000, 200);
  assert.equal(q1(`SELECT attempts FROM factor_changes WHERE id = ${id}`), attempts, attemptsWhy);
  assert.equal(q1(`SELECT COUNT(*) FROM reports WHERE agency_id IN (${mine}) AND year = ${Y} AND own_total_milli = 467000`), String(N));
  assert.equal(q1(`SELECT COUNT(*) FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.agency_id IN (${mine})
    AND l.kg_milli = 467000 AND l.factor_text = '0.467'`), String(N));
  assert.equal(q1(`SELECT COUNT(*) FROM (SELECT agency_id FROM audit_log WHERE agency_id IN (${mine}) AND field = '係數更新'
    GROUP BY agency_id HAVING COUNT(*) = 1) x`), String(N), 'one audit line each');
  assert.equal(q1(`SELECT COUNT(*) FROM factor_notices WHERE change_id = ${id} AND agency_id IN (${mine})`), String(N), 'one notice each');
  await drained();
  assert.deepEqual(rollupMismatches(Y), []);
  assert.equal(q1(`SELECT total_milli FROM county_rollups WHERE county_id = ${X} AND year = ${Y}`),
    q1(`SELECT SUM(r.own_total_milli) FROM reports r JOIN agencies a ON a.id = r.agency_id AND a.active = 1 WHERE a.county_id = ${X} AND r.year = ${Y}`));
}
