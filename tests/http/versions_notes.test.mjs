// versions_notes.test.mjs: issue 13 items 4 and 7 through the real pages — a school files with an NE mark
// and an exclusion, its parent confirms (第 1 版), reopens with a reason; the school replaces the mark by
// a quantity, changes the exclusion's reason and adds one, files again; the parent confirms (第 2 版).
// The versions page's diff lists the notation keys and the exclusions of both versions, each marked
// 刪除 / 變更 / 新增 (an extra refrigerant row's mark matched by its type, wherever its row moved), and
// version 1 still holds what it held (immutable).
//
// Rows of its own in county U (花蓮縣): a 一級 parent and a school under it, with accounts, under codes
// made for this run; confirmed versions cannot be deleted, so at the end the agencies and accounts are
// deactivated and their sessions ended.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, loginAs, sql } from '../lib.mjs';

const YEAR = 2022;
const TAG = 'VN' + Date.now().toString(36).slice(-6).toUpperCase();
const q1 = (query) => sql(query)[0]?.[0];
const id = {};
const client = {};
let U;

before(async () => {
  U = q1("SELECT id FROM counties WHERE letter = 'U'");
  const hash = q1("SELECT password_hash FROM accounts WHERE login = '371036500X'").replace(/'/g, "''");
  const add = (k, name, level, parent) => {
    sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
         VALUES (${U}, '${TAG}${k}', '${name}', ${level}, ${parent ? id[parent] : 'NULL'}, '測試', '03-8000000', 't@example.gov.tw')`);
    id[k] = q1(`SELECT id FROM agencies WHERE county_id = ${U} AND code = '${TAG}${k}'`);
    sql(`INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
         VALUES ('agency', ${U}, ${id[k]}, '${TAG}${k}', '${hash}', 0)`);
  };
  add('P', '版本註記測試處', 1, null);
  add('S', '版本註記測試國小', 2, 'P');
  sql(`UPDATE inventory_years SET is_open = 1, lock_id = NULL WHERE county_id = ${U} AND year = ${YEAR}`);
  client.P = await loginAs('U', `${TAG}P`);
  client.S = await loginAs('U', `${TAG}S`);
});

after(() => {
  const ids = Object.values(id).join(',');
  if (!ids) return;
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id IN (${ids}));
       UPDATE accounts SET active = 0 WHERE agency_id IN (${ids}); UPDATE agencies SET active = 0 WHERE id IN (${ids})`);
});

async function save(fields) {
  const f = await client.S.get(`/report/edit?year=${YEAR}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const r = await client.S.post('/report/edit', { csrf: csrfOf(f.text), year: String(YEAR), revision, action: 'save',
    scope_text: '辦公廳舍', filed: '1', ...fields });
  assert.equal(r.status, 303, `saved: ${(r.text || '').match(/field-error[^<]*/g)?.join(' | ')}`);
}

async function review(action, extra = {}) {
  const page = await client.P.get(`/review?year=${YEAR}`);
  assert.equal(page.status, 200);
  const revision = q1(`SELECT revision FROM reports WHERE agency_id = ${id.S} AND year = ${YEAR}`);
  const r = await client.P.post('/review', { csrf: csrfOf(page.text), action, year: String(YEAR), agency: id.S, revision, ...extra });
  assert.ok(r.status === 303 || r.status === 200, `${action}: ${r.status}`);
}

const rowsOf = (html, table) => [...(html.split(`id="${table}"`)[1]?.split('</table>')[0] ?? '')
  .matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1));

test('two confirmed versions: the diff lists their NE / IE marks and exclusions, 刪除 / 變更 / 新增', async () => {
  await save({ own_electricity: '1000', own_lpg_mark: 'NE', own_lpg_mark_text: '瓦斯由房東代付無帳單',
    own_ref_type_1: 'R22', own_ref_qty_1_mark: 'NE', own_ref_qty_1_mark_text: '冰水主機停用',
    excl_name_1: '宿舍瓦斯', excl_reason_1: '非機關使用' });
  await review('confirm');
  assert.equal(q1(`SELECT confirmed_version FROM reports WHERE agency_id = ${id.S} AND year = ${YEAR}`), '1', '第 1 版');
  await review('reopen', { reason: '瓦斯已取得帳單' });
  // The R22 row moves down a row (an R404A row above it): the diff follows its type, not its line number.
  await save({ own_electricity: '1000', own_lpg: '12', own_ref_type_1: 'R404A', own_ref_qty_1: '0.1',
    own_ref_type_2: 'R22', own_ref_qty_2_mark: 'NE', own_ref_qty_2_mark_text: '冰水主機已拆除',
    outsourced_ref_type_1: 'R32', outsourced_ref_qty_1_mark: 'IE', outsourced_ref_qty_1_mark_text: '併入縣府大樓',
    excl_name_1: '宿舍瓦斯', excl_reason_1: '宿舍非機關辦公使用', excl_name_2: '員工餐廳', excl_reason_2: '委外經營自行申報' });
  await review('confirm');
  assert.equal(q1(`SELECT confirmed_version FROM reports WHERE agency_id = ${id.S} AND year = ${YEAR}`), '2', '第 2 版');

  const page = await client.S.get(`/report/versions?year=${YEAR}&a=1&b=2`);
  assert.equal(page.status, 200);
  assert.match(page.text, /id="notes-diff"/, 'the notes section');
  const noted = rowsOf(page.text, 'notes-table');
  assert.deepEqual(noted, [
    ['刪除', '瓦斯', 'NE：瓦斯由房東代付無帳單', '—'],
    ['變更', '冷媒 R22', 'NE：冰水主機停用', 'NE：冰水主機已拆除'],
    ['新增', '委外 冷媒 R32', '—', 'IE：併入縣府大樓'],
  ], 'the NE mark removed in 第 2 版; the extra rows\' marks by their type');
  const ex = rowsOf(page.text, 'exclusions-table');
  assert.deepEqual(ex, [['變更', '宿舍瓦斯', '非機關使用', '宿舍非機關辦公使用'], ['新增', '員工餐廳', '—', '委外經營自行申報']]);

  // Version 1 as it was: its mark and its exclusion, whatever 第 2 版 did; and the rows refuse changes.
  const rid = q1(`SELECT id FROM reports WHERE agency_id = ${id.S} AND year = ${YEAR}`);
  assert.equal(q1(`SELECT CONCAT(notation, ':', notation_text) FROM report_version_items WHERE report_id = ${rid} AND version_no = 1 AND item = 'lpg'`),
    'NE:瓦斯由房東代付無帳單');
  assert.equal(q1(`SELECT CONCAT(refrigerant, ' ', notation, ':', notation_text) FROM report_version_items WHERE report_id = ${rid} AND version_no = 1
      AND item = 'refrigerant'`), 'R22 NE:冰水主機停用', 'the extra row\'s mark in 第 1 版');
  assert.equal(q1(`SELECT GROUP_CONCAT(CONCAT(seq, ' ', refrigerant, ' ', IFNULL(notation, '-')) ORDER BY seq) FROM report_version_items
      WHERE report_id = ${rid} AND version_no = 2 AND item = 'refrigerant' AND part = 'own'`), '10 R404A -,11 R22 NE', 'and in 第 2 版');
  assert.equal(q1(`SELECT GROUP_CONCAT(reason ORDER BY seq) FROM report_version_exclusions WHERE report_id = ${rid} AND version_no = 1`), '非機關使用');
  assert.throws(() => sql(`UPDATE report_version_exclusions SET reason = 'x' WHERE report_id = ${rid}`), /immutable/);
});
