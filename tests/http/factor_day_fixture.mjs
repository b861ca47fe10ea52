// factor_day_fixture.mjs: what the factor-day suites over HTTP share (factor_day, factor_day_unlock):
// a 二級 P under 連江縣's county hall with its schools A and B, each with an agency account and the
// demo password; a report saved through its form; a factor change proposed, and run through the
// console to its end.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, loginAs, outboxDrained, sql, waitFor } from '../lib.mjs';

const q1 = (s) => sql(s)[0]?.[0];

/*
 * Registers the file's before and after for county id Z: P, A and B coded TAG + 'P', 'A', 'B' and named
 * `name` + 處 / 學校A / 學校B; after the file they leave the tree and year Y's rollups are asked
 * for again.  Returns an object whose P, A and B are set once before has run.
 */
export function threeAgencies(Z, TAG, name, Y) {
  const ids = {};
  const idOf = (k) => q1(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '${TAG}${k}'`);
  const mine = `SELECT id FROM agencies WHERE county_id = ${Z} AND code LIKE '${TAG}%'`;
  before(() => {
    const hall = q1(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371000000A'`);
    const contact = "'承辦', '0836-22381', 'fd@example.gov.tw'";
    sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
         VALUES (${Z}, '${TAG}P', '${name}處${TAG}', 2, ${hall}, ${contact})`);
    ids.P = idOf('P');
    sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email) VALUES
         (${Z}, '${TAG}A', '${name}學校A${TAG}', 3, ${ids.P}, ${contact}), (${Z}, '${TAG}B', '${name}學校B${TAG}', 3, ${ids.P}, ${contact})`);
    ids.A = idOf('A');
    ids.B = idOf('B');
    sql(`INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
         SELECT 'agency', ${Z}, a.id, a.code, (SELECT password_hash FROM accounts WHERE kind = 'team' AND county_id = ${Z}), 0
         FROM agencies a WHERE a.county_id = ${Z} AND a.code LIKE '${TAG}%'`);
  });
  after(async () => {
    sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id IN (${mine}));
         UPDATE accounts SET active = 0 WHERE agency_id IN (${mine});
         UPDATE agencies SET active = 0 WHERE county_id = ${Z} AND code LIKE '${TAG}%';
         INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
    await outboxDrained();
  });
  return ids;
}

/*
 * The agencies of threeAgencies(…, TAG, …) logged in; A's report of Y saved with 10,000 kWh, B's with
 * 20,000 kWh and 已登錄完成, then confirmed by P on its review page: { a, b, parent } (the clients).
 */
export async function aSavedBConfirmed(ids, TAG, Y) {
  const a = await loginAs('Z', `${TAG}A`);
  const b = await loginAs('Z', `${TAG}B`);
  await saveReport(a, Y, { own_electricity: '10000' });
  await saveReport(b, Y, { own_electricity: '20000', filed: '1' });
  const parent = await loginAs('Z', `${TAG}P`);
  const review = await parent.get(`/review?year=${Y}`);
  const rev = q1(`SELECT revision FROM reports WHERE agency_id = ${ids.B} AND year = ${Y}`);
  const conf = await parent.post('/review', { csrf: csrfOf(review.text), action: 'confirm', year: String(Y), agency: String(ids.B), revision: rev,
    at: String(ids.P) });
  assert.equal(conf.status, 303, 'B confirmed by its parent');
  return { a, b, parent };
}

// Client c's report of `year` saved through the form with `fields` (303 asserted).
export async function saveReport(c, year, fields) {
  const f = await c.get(`/report/edit?year=${year}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(year), revision, action: 'save', scope_text: '辦公廳舍', ...fields });
  assert.equal(r.status, 303, 'saved');
}

// The console's 新增或取代係數 posted by the admin client with `fields`: the answer.
export async function proposeChange(admin, fields) {
  const page = await admin.get('/admin/factors');
  return admin.post('/admin/factors', { csrf: csrfOf(page.text), action: 'propose', ...fields });
}

// A change proposed, previewed, applied and run to its end, its rollups done: its id.
export async function runChange(admin, fields) {
  const made = await proposeChange(admin, fields);
  assert.equal(made.status, 303, JSON.stringify(fields));
  const id = made.headers.get('location').match(/id=(\d+)$/)[1];
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
  const page = await admin.get(`/admin/factors/change?id=${id}`);
  assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'apply', id })).status, 303);
  await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'done', 60000, 200);
  await outboxDrained();
  return id;
}
