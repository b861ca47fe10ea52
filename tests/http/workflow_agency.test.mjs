// workflow_agency.test.mjs: issue 12 from the agency's side (docs/workflow.md): the save in a locked
// county-year and on a 已確認 report (refused, nothing written), 退回 with its comment on the form, the
// year list and the home page until the next save, filed_at, 申請更正 (its checks, its audit line, the
// lock), a reopened report's last confirmed total beside its live one, the versions and their diff,
// who may do and see each of it, and a save racing a 確認 (never a confirmed report whose rows are not
// its version's), first against a 確認 on a second connection, then against the parent's real POST /review.
//
// Rows of its own: agencies of county U (花蓮縣, which no other suite uses) under codes made for this
// run: G 一級, P 二級 under G, S and T 三級 under P (S the agency under test, T its sibling), R under P
// for the race; a team account of U.  A confirmed report's versions cannot be deleted: at the end
// the agencies and accounts are deactivated, their sessions ended.
//
// The parent's 確認 / 退回 / 重新開放 and the team's 年度鎖定 are other pages' (not this suite's): the
// state they leave is set up below by SQL that does what shared/store_workflow.c does, statement
// for statement (TEST SETUP, labelled as such), so that these checks depend on nothing of theirs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, STACK, csrfOf, loginAs, sql } from '../lib.mjs';

const YEAR = 2023;
const TAG = 'WFA' + Date.now().toString(36).slice(-6).toUpperCase();
const code = (k) => `${TAG}${k}`;
let U;                  // county U's id
const id = {};          // agency ids: G, P, S, T, R
const acct = {};        // account ids: G, P, S, T, R, TEAM
const client = {};      // logged-in clients

const q1 = (query) => sql(query)[0]?.[0];
const esc = (s) => s.replace(/\\/g, '\\\\').replace(/'/g, "''");
const rid = (k) => q1(`SELECT id FROM reports WHERE agency_id = ${id[k]} AND year = ${YEAR}`);
const state = (k) => {
  const [r] = sql(`SELECT revision, filed, IFNULL(confirmed_version, 0), last_version, returned, IFNULL(return_comment, ''),
    IFNULL(filed_at, ''), IFNULL(correction_reason, '') FROM reports WHERE agency_id = ${id[k]} AND year = ${YEAR}`);
  return r && { revision: +r[0], filed: +r[1], confirmed: +r[2], last: +r[3], returned: +r[4], comment: r[5], filedAt: r[6], correction: r[7] };
};
const audits = (k, field) => +q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${id[k]} AND year = ${YEAR} AND field = '${field}'`);
const items = (k) => sql(`SELECT i.part, i.item, i.seq, IFNULL(i.quantity_milli, '-') FROM report_items i JOIN reports r ON r.id = i.report_id
  WHERE r.agency_id = ${id[k]} AND r.year = ${YEAR} ORDER BY i.part, i.item, i.seq`).map((r) => r.join(':')).join(' ');

// 1234567 thousandths as the pages write them: 1,234.567.
function fmt(m) {
  let v = BigInt(m);
  const neg = v < 0n;
  if (neg) v = -v;
  const whole = (v / 1000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${whole}.${(v % 1000n).toString().padStart(3, '0')}`;
}

// ---- TEST SETUP: the other pages' transitions, as shared/store_workflow.c and the lock do them ----

// 確認 (store_workflow_confirm): the county-year's row in share mode, the report row FOR UPDATE, the checks
// on the locked row (the revision the page showed, filed, not confirmed), the version copied, the state set;
// one transaction.  `hold` seconds are spent holding the row lock, to widen a race's window.
function confirmSql(report, revision, account, hold = 0) {
  return `START TRANSACTION;
SELECT @locked := y.lock_id IS NOT NULL FROM inventory_years y WHERE y.county_id = ${U} AND y.year = ${YEAR} LOCK IN SHARE MODE;
SELECT @rev := revision, @filed := filed, @conf := confirmed_version, @v := last_version + 1 FROM reports WHERE id = ${report} FOR UPDATE;
DO SLEEP(${hold});
SET @ok := (@locked = 0 AND @rev = ${revision} AND @filed = 1 AND @conf IS NULL);
INSERT INTO report_versions (report_id, version_no, agency_id, year, revision, own_total_milli, outsourced_total_milli, scope_text,
  outsourced_scope_text, confirmed_by, confirmed_at, reopen_reason, reopened_by, reopened_at)
  SELECT id, @v, agency_id, year, revision, own_total_milli, outsourced_total_milli, scope_text, outsourced_scope_text, ${account}, NOW(),
  reopen_reason, reopened_by, reopened_at FROM reports WHERE id = ${report} AND @ok;
INSERT INTO report_version_items (report_id, version_no, part, item, seq, refrigerant, name, unit, quantity_milli)
  SELECT report_id, @v, part, item, seq, refrigerant, name, unit, quantity_milli FROM report_items WHERE report_id = ${report} AND @ok;
INSERT INTO report_version_lines (report_id, version_no, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set,
  method, sources, provisional)
  SELECT report_id, @v, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources, provisional
  FROM report_lines WHERE report_id = ${report} AND @ok;
UPDATE reports SET confirmed_version = @v, last_version = @v, reopen_reason = NULL, reopened_by = NULL, reopened_at = NULL
  WHERE id = ${report} AND @ok;
COMMIT;
SELECT 'RESULT', IF(@ok, @v, IF(@rev <> ${revision}, 'STALE', 'REFUSED'));`;
}
const result = (rows) => rows.find((r) => r[0] === 'RESULT')[1];
const confirm = (k, revision, by = 'P') => result(sql(confirmSql(rid(k), revision, acct[by])));

// 退回 (store_workflow_return): at the revision shown, filed, not confirmed; moves the revision on.
function returnReport(k, revision, comment, by = 'P') {
  return q1(`UPDATE reports SET revision = revision + 1, filed = 0, returned = 1, return_comment = '${esc(comment)}', returned_at = NOW(),
    returned_by = ${acct[by]} WHERE id = ${rid(k)} AND revision = ${revision} AND filed = 1 AND confirmed_version IS NULL; SELECT ROW_COUNT()`);
}

// 重新開放 (store_workflow_reopen): a confirmed report back to 登錄中, last_version kept, the reason kept, the revision moved on.
function reopen(k, reason, by = 'P') {
  return q1(`UPDATE reports SET revision = revision + 1, confirmed_version = NULL, filed = 0, reopen_reason = '${esc(reason)}',
    reopened_by = ${acct[by]}, reopened_at = NOW(), correction_reason = NULL, correction_at = NULL
    WHERE id = ${rid(k)} AND confirmed_version IS NOT NULL; SELECT ROW_COUNT()`);
}

// 年度鎖定 and 解除鎖定 of U's year (migration 0018: a year_locks row named by inventory_years.lock_id).
function lockYear() {
  sql(`INSERT INTO year_locks (county_id, year, locked_at, locked_by) VALUES (${U}, ${YEAR}, NOW(), ${acct.TEAM});
       UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = ${U} AND year = ${YEAR}`);
}
function unlockYear() {
  sql(`UPDATE year_locks l JOIN inventory_years y ON y.lock_id = l.id SET l.unlocked_at = NOW(), l.unlocked_by = ${acct.TEAM},
         l.unlock_reason = '測試結束' WHERE y.county_id = ${U} AND y.year = ${YEAR};
       UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${U} AND year = ${YEAR}`);
}

// ---- The agency's side, through HTTP ----

async function form(c) {
  const r = await c.get(`/report/edit?year=${YEAR}`);
  return { page: r, csrf: csrfOf(r.text), revision: (r.text.match(/name="revision" value="(\d+)"/) || [])[1] };
}

function save(c, f, fields = {}) {
  return c.post('/report/edit', { csrf: f.csrf, year: String(YEAR), revision: f.revision, action: 'save', scope_text: '校舍', ...fields });
}

async function saveOk(k, fields) {
  const r = await save(client[k], await form(client[k]), fields);
  assert.equal(r.status, 303, `${k} saves`);
}

before(async () => {
  U = q1("SELECT id FROM counties WHERE letter = 'U'");
  const hash = esc(q1("SELECT password_hash FROM accounts WHERE login = '371036500X'"));
  const add = (k, name, level, parent) => {
    sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
         VALUES (${U}, '${code(k)}', '${name}', ${level}, ${parent ? id[parent] : 'NULL'}, '測試', '03-8000000', 't@example.gov.tw')`);
    id[k] = q1(`SELECT id FROM agencies WHERE county_id = ${U} AND code = '${code(k)}'`);
    sql(`INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
         VALUES ('agency', ${U}, ${id[k]}, '${code(k)}', '${hash}', 0)`);
    acct[k] = q1(`SELECT id FROM accounts WHERE agency_id = ${id[k]}`);
  };
  add('G', '流程測試縣政府', 1, null);
  add('P', '流程測試教育處', 2, 'G');
  add('S', '流程測試甲國小', 3, 'P');
  add('T', '流程測試乙國小', 3, 'P');
  add('R', '流程測試競賽國小', 3, 'P');
  sql(`INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password) VALUES ('team', ${U}, '${code('TM')}', '${hash}', 0)`);
  acct.TEAM = q1(`SELECT id FROM accounts WHERE county_id = ${U} AND login = '${code('TM')}'`);
  sql(`UPDATE inventory_years SET is_open = 1, lock_id = NULL WHERE county_id = ${U} AND year = ${YEAR}`);
  for (const k of ['G', 'P', 'S', 'T', 'R']) client[k] = await loginAs('U', code(k));
  client.TEAM = await loginAs('U', code('TM'));
  client.W = await loginAs('W', '397020000A');
  client.WTEAM = await loginAs('W', 'TEAM');
  client.admin = await loginAs('', 'admin');
});

after(() => {
  if (!U) return;
  const ids = Object.values(id).join(',');
  if (!ids) return;
  unlockYear();
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id IN (${ids}) OR login = '${code('TM')}');
       UPDATE accounts SET active = 0 WHERE agency_id IN (${ids}) OR (county_id = ${U} AND login = '${code('TM')}');
       UPDATE agencies SET active = 0 WHERE id IN (${ids})`);
});

test('a locked county-year: the form is read-only and says so; a save is refused (409), nothing written', async () => {
  await saveOk('S', { own_electricity: '1000' });
  const open = await form(client.S);
  const before = state('S'), itemsBefore = items('S'), trail = +q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${id.S}`);
  lockYear();
  try {
    const page = await client.S.get(`/report/edit?year=${YEAR}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="readonly">本年度盤查已由縣市盤查小組鎖定（年度鎖定），無法修改，資料僅供檢視。/);
    assert.doesNotMatch(page.text, /name="action" value="save"/, 'no 存檔 button');
    assert.doesNotMatch(page.text, /action="\/report\/edit"/, 'no form to post');
    assert.doesNotMatch(page.text, /action="\/report\/correction"/, 'no 申請更正 either while locked');
    assert.match(page.text, /name="own_electricity" type="text" value="1000"[^>]*readonly/, 'the stored value, read-only');
    const list = await client.S.get('/report');
    const row = list.text.match(new RegExp(`<tr id="year-${YEAR}">.*?</tr>`))[0];
    assert.match(row, /已鎖定（唯讀）/);
    assert.doesNotMatch(row, />填報</, 'no 填報 link for a locked year');

    const r = await save(client.S, open, { own_electricity: '4321', filed: '1' });
    assert.equal(r.status, 409);
    assert.match(r.text, /未存檔：本年度盤查已由縣市盤查小組鎖定（年度鎖定），無法修改。/);
    assert.match(r.text, /name="own_electricity" type="text" value="4321"[^>]*readonly/, 'what was typed comes back, read-only');
    assert.doesNotMatch(r.text, /name="action" value="save"/);
    assert.deepEqual(state('S'), before, 'the report row as it was');
    assert.equal(items('S'), itemsBefore, 'its items as they were');
    assert.equal(+q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${id.S}`), trail, 'no audit line');
  } finally {
    unlockYear();
  }
  const after = await save(client.S, open, { own_electricity: '4321' });
  assert.equal(after.status, 303, 'unlocked: the same form saves');
});

test('filed_at: set when the report is filed, kept while it stays filed', async () => {
  sql(`UPDATE reports SET filed = 0, filed_at = NULL WHERE id = ${rid('S')}`);   // TEST SETUP: a report never filed
  await saveOk('S', { own_electricity: '1000' });
  assert.equal(state('S').filedAt, '', 'not filed: no filed_at');
  await saveOk('S', { own_electricity: '1000', filed: '1' });
  const first = state('S').filedAt;
  assert.notEqual(first, '', 'filed: filed_at set');
  assert.equal(q1(`SELECT filed_at >= NOW() - INTERVAL 1 MINUTE FROM reports WHERE id = ${rid('S')}`), '1', 'to now');
  sql(`UPDATE reports SET filed_at = '2020-01-01 00:00:00' WHERE id = ${rid('S')}`);
  await saveOk('S', { own_electricity: '1100', filed: '1' });
  assert.equal(state('S').filedAt, '2020-01-01 00:00:00', 'saved again while filed: kept');
});

test('退回: a form opened before it is stale (409, the comment shown); the comment is on the form, the year list and the home page until the next save', async () => {
  const comment = '<b>請補附</b> 電費單 & 加油單';
  const shown = '&lt;b&gt;請補附&lt;/b&gt; 電費單 &amp; 加油單';
  await saveOk('S', { own_electricity: '1100', filed: '1' });
  const old = await form(client.S);
  assert.equal(returnReport('S', +old.revision, comment), '1', 'TEST SETUP: the parent returns it');
  const before = state('S');
  assert.equal(before.returned, 1);
  assert.equal(before.revision, +old.revision + 1, 'the 退回 moved the revision on');

  const stale = await save(client.S, old, { own_electricity: '2222', filed: '1' });
  assert.equal(stale.status, 409, 'the form opened before the 退回 is stale');
  assert.match(stale.text, /上級機關退回/);
  assert.match(stale.text, new RegExp(`id="return-comment">${shown}<`), 'the comment is on the refusal');
  assert.match(stale.text, /name="own_electricity" type="text" value="2222"/, 'the input kept');
  assert.deepEqual(state('S'), before, 'nothing written');

  const page = await client.S.get(`/report/edit?year=${YEAR}`);
  assert.match(page.text, /id="report-status">登錄中（退回）</);
  assert.match(page.text, new RegExp(`id="return-comment">${shown}<`), 'the comment on the form, escaped');
  assert.match(page.text, new RegExp(`退回者：流程測試教育處（${code('P')}），\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`), 'who and when');
  assert.match(page.text, /name="action" value="save"/, 'a returned report can be saved');
  const list = await client.S.get('/report');
  assert.match(list.text, new RegExp(`<tr id="year-${YEAR}">.*?登錄中（退回）</span><br><span class="return-comment">退回意見：${shown}</span>`));
  const home = await client.S.get('/');
  assert.match(home.text, new RegExp(`<li id="returned-${YEAR}"><a href="/report/edit\\?year=${YEAR}">民國 ${YEAR - 1911} 年（${YEAR}）報表</a>：${shown}`));
  assert.match(home.text, new RegExp(`退回者：流程測試教育處（${code('P')}）`));
  assert.doesNotMatch((await client.T.get('/')).text, /退回通知/, 'the sibling has nothing returned');

  const f = await form(client.S);
  assert.equal((await save(client.S, f, { own_electricity: '1200' })).status, 303, 'the agency saves again');
  const now = state('S');
  assert.equal(now.returned, 0, 'the flag is cleared');
  assert.equal(now.comment, comment, 'the comment stays on record');
  assert.equal(q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${id.S} AND year = ${YEAR} AND field = '退回'
    AND old_value = '${esc(comment)}' AND new_value = '已重新存檔（退回標記解除）' AND account_id = ${acct.S}`), '1', 'the audit trail says so');
  const again = await client.S.get(`/report/edit?year=${YEAR}`);
  assert.match(again.text, /id="report-status">登錄中</);
  assert.doesNotMatch(again.text, /id="returned"|退回者/, 'gone from the form');
  assert.doesNotMatch((await client.S.get('/report')).text, /退回意見/, 'from the year list');
  assert.doesNotMatch((await client.S.get('/')).text, /退回通知|id="returned/, 'and from the home page');
});

// The versions of S below: v1 electricity 10000 and gasoline 100; v2 electricity 12000 and natural gas 50.
let formBeforeConfirm;

test('已確認: the form is read-only with the confirmed figures; a save is refused (409), nothing written', async () => {
  await saveOk('S', { own_electricity: '10000', own_vehicle_gasoline: '100', filed: '1' });
  formBeforeConfirm = await form(client.S);
  assert.equal(confirm('S', +formBeforeConfirm.revision), '1', 'TEST SETUP: the parent confirms version 1');
  const before = state('S'), itemsBefore = items('S');
  const versions = +q1(`SELECT COUNT(*) FROM report_versions WHERE report_id = ${rid('S')}`);

  const page = await client.S.get(`/report/edit?year=${YEAR}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /id="report-status">已確認</);
  assert.match(page.text, /id="readonly">此報表已確認，資料僅供檢視，無法修改；如需修改，請於下方「申請更正」/);
  assert.doesNotMatch(page.text, /name="action" value="(save|calc)"/, 'no 存檔 or 計算 button');
  assert.doesNotMatch(page.text, /action="\/report\/edit"/, 'no form that posts the report');
  const inputs = [...page.text.matchAll(/<input id="f-[^"]*"[^>]*>/g)].map((m) => m[0]);
  assert.ok(inputs.length > 20 && inputs.every((i) => / readonly/.test(i)), 'every field read-only');
  const own = q1(`SELECT own_total_milli FROM report_versions WHERE report_id = ${rid('S')} AND version_no = 1`);
  assert.match(page.text, new RegExp(`已確認：第 1 版，排放量 <strong id="confirmed-total">${fmt(own)}</strong> kgCO₂e`), 'the confirmed total');
  assert.match(page.text, new RegExp(`id="total-own">${fmt(own)}<`), 'the figures are the confirmed ones');
  assert.match(page.text, /<form method="post" action="\/report\/correction"/, 'a 申請更正 form');
  const row = (await client.S.get('/report')).text.match(new RegExp(`<tr id="year-${YEAR}">.*?</tr>`))[0];
  assert.match(row, /已確認/);
  assert.match(row, /申請更正/);
  assert.doesNotMatch(row, />填報</);

  const r = await save(client.S, formBeforeConfirm, { own_electricity: '99999', filed: '1' });
  assert.equal(r.status, 409);
  assert.match(r.text, /未存檔：此報表已由上級機關確認，無法修改。/);
  assert.match(r.text, /name="own_electricity" type="text" value="99999"[^>]*readonly/, 'what was typed comes back, read-only');
  assert.match(r.text, /action="\/report\/correction"/, 'with the way to 申請更正');
  assert.deepEqual(state('S'), before, 'the row as it was');
  assert.equal(items('S'), itemsBefore, 'its items as they were');
  assert.equal(+q1(`SELECT COUNT(*) FROM report_versions WHERE report_id = ${rid('S')}`), versions, 'no version written');
  assert.equal(q1(`SELECT COUNT(*) FROM report_lines l JOIN report_version_lines v ON v.report_id = l.report_id AND v.version_no = 1
    AND v.part = l.part AND v.item = l.item AND v.seq = l.seq AND v.quantity_milli = l.quantity_milli AND v.kg_milli = l.kg_milli
    WHERE l.report_id = ${rid('S')}`), q1(`SELECT COUNT(*) FROM report_lines WHERE report_id = ${rid('S')}`), 'the live lines are the version\'s');
});

test('申請更正: the reason is required (≤ 500), beside the field with the input back; then recorded, audited and shown', async () => {
  const page = await client.S.get(`/report/edit?year=${YEAR}`);
  const csrf = csrfOf(page.text);
  const post = (fields) => client.S.post('/report/correction', { csrf, year: String(YEAR), ...fields });

  const blank = await post({ reason: '   ' });
  assert.equal(blank.status, 400);
  assert.match(blank.text, /<textarea id="f-reason" name="reason"[^>]*aria-invalid="true"[^>]*>   <\/textarea><p class="field-error" id="e-reason">請填寫申請更正的原因（必填）。<\/p>/);
  const long = '長'.repeat(501);
  const tooLong = await post({ reason: long });
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.text, new RegExp(`>${long}</textarea><p class="field-error" id="e-reason">原因請在 500 字以內`), 'the message beside it, the input back');
  assert.equal((await post({})).status, 400, 'no reason at all');
  assert.equal(state('S').correction, '', 'nothing recorded');
  assert.equal(audits('S', '申請更正'), 0);
  assert.equal((await client.S.post('/report/correction', { year: String(YEAR), reason: 'x' })).status, 403, 'no CSRF token: 403');

  const reason = '電費單位填錯 <script>x</script>';
  const ok = await post({ reason: reason + '\n第二行' });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `/report/edit?year=${YEAR}&requested=1`);
  // (mariadb -B writes a newline as \n: compared in SQL)
  const isReason = (r) => q1(`SELECT correction_reason = '${esc(r)}' FROM reports WHERE id = ${rid('S')}`);
  assert.equal(isReason(reason + '\n第二行'), '1', 'recorded');
  assert.equal(q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${id.S} AND year = ${YEAR} AND field = '申請更正'
    AND old_value IS NULL AND new_value = '${esc(reason)}\n第二行' AND account_id = ${acct.S}`), '1', 'the audit line');
  const shown = await client.S.get(`/report/edit?year=${YEAR}&requested=1`);
  assert.match(shown.text, /已送出申請更正/);
  assert.match(shown.text, /id="correction-pending"><p>已申請更正（\d{4}-\d\d-\d\d \d\d:\d\d），待上級機關/);
  assert.match(shown.text, /id="correction-reason">電費單位填錯 &lt;script&gt;x&lt;\/script&gt;\n第二行</, 'escaped');

  // A locked county-year refuses it too.
  lockYear();
  try {
    const locked = await post({ reason: '再次申請' });
    assert.equal(locked.status, 409);
    assert.match(locked.text, /未送出申請更正：本年度盤查已由縣市盤查小組鎖定/);
    assert.match(locked.text, /id="readonly">本年度盤查已由縣市盤查小組鎖定/);
    assert.doesNotMatch(locked.text, /action="\/report\/correction"/, 'no 申請更正 form while locked');
    assert.equal(isReason(reason + '\n第二行'), '1', 'nothing changed');
    assert.equal(audits('S', '申請更正'), 1);
  } finally {
    unlockYear();
  }
});

test('申請更正 only by the agency itself: parent, grandparent, sibling, other county act on their own report; the teams get 403', async () => {
  const before = state('S');
  const wid = q1("SELECT id FROM agencies WHERE code = '397020000A'");
  // The other county's demo agency acts on its own 2023 report: it must not be one that could take a correction.
  assert.equal(q1(`SELECT COUNT(*) FROM reports WHERE agency_id = ${wid} AND year = ${YEAR} AND confirmed_version IS NOT NULL`), '0',
    'precondition: 397020000A has no confirmed 2023 report');
  for (const k of ['P', 'G', 'T', 'W']) {
    const page = await client[k].get('/');
    const r = await client[k].post('/report/correction', { csrf: csrfOf(page.text), year: String(YEAR), reason: '冒名申請', agency: id.S });
    assert.equal(r.status, 409, `${k}: its own report is not 已確認 (409)`);
    assert.match(r.text, /此報表目前不是「已確認」狀態/);
  }
  for (const k of ['TEAM', 'WTEAM']) {
    const page = await client[k].get('/');
    const r = await client[k].post('/report/correction', { csrf: csrfOf(page.text), year: String(YEAR), reason: '冒名申請', agency: id.S });
    assert.equal(r.status, 403, `${k}: not an agency (403)`);
  }
  assert.equal((await new Client().post('/report/correction', { year: String(YEAR), reason: 'x' })).status, 401, 'anonymous: 401');
  assert.deepEqual(state('S'), before, "S's report untouched");
  assert.equal(+q1(`SELECT COUNT(*) FROM reports WHERE correction_reason = '冒名申請'`), 0, 'no report took the request');
  assert.equal(+q1("SELECT COUNT(*) FROM audit_log WHERE field = '申請更正' AND new_value = '冒名申請'"), 0, 'no audit line');
});

test('重新開放: editable again; a form from before the 確認 is stale; the last confirmed total beside the live one; version 2', async () => {
  assert.equal(reopen('S', '依申請更正電費'), '1', 'TEST SETUP: the parent reopens it');
  const stale = await save(client.S, formBeforeConfirm, { own_electricity: '11111', filed: '1' });
  assert.equal(stale.status, 409, 'a form opened before the 確認 is stale after the reopening');
  assert.equal(state('S').confirmed, 0);

  const v1 = q1(`SELECT own_total_milli FROM report_versions WHERE report_id = ${rid('S')} AND version_no = 1`);
  const page = await client.S.get(`/report/edit?year=${YEAR}`);
  assert.match(page.text, /id="report-status">登錄中</);
  assert.match(page.text, /name="action" value="save"/, 'editable again');
  assert.match(page.text, /id="reopen-reason">依申請更正電費</);
  assert.match(page.text, new RegExp(`重新開放者：流程測試教育處（${code('P')}）`));
  assert.doesNotMatch(page.text, /id="correction-pending"/, 'the request was answered');
  await saveOk('S', { own_electricity: '12000', own_natural_gas: '50' });
  const live = q1(`SELECT own_total_milli FROM reports WHERE id = ${rid('S')}`);
  assert.notEqual(live, v1);
  const after = await client.S.get(`/report/edit?year=${YEAR}`);
  assert.match(after.text, new RegExp(`最近一次確認：第 1 版，排放量 <strong id="last-version-total">${fmt(v1)}</strong> kgCO₂e`));
  assert.match(after.text, new RegExp(`目前存檔（尚未確認）：排放量 <strong id="live-total">${fmt(live)}</strong> kgCO₂e`));

  await saveOk('S', { own_electricity: '12000', own_natural_gas: '50', filed: '1' });
  assert.equal(confirm('S', state('S').revision), '2', 'TEST SETUP: confirmed again, version 2');
  assert.doesNotMatch((await client.S.get(`/report/edit?year=${YEAR}`)).text, /id="last-version"/, 'confirmed: no live total beside');
});

function diffRows(html) {
  return Object.fromEntries([...html.matchAll(/<tr data-change="(\w+)" data-line="([^"]+)">(.*?)<\/tr>/g)].map(([, change, line, row]) => {
    const cell = (c) => (row.match(new RegExp(`class="num ${c}">([^<]*)<`)) || [])[1];
    return [line, { change, qa: cell('q-a'), qb: cell('q-b'), ka: cell('kg-a'), kb: cell('kg-b'), kd: cell('kg-d') }];
  }));
}

test('versions: listed on the report page (who, when, why reopened); the diff of two: added, removed, changed, both figures, the totals', async () => {
  const r = rid('S');
  const page = await client.S.get(`/report/edit?year=${YEAR}`);
  const list = page.text.match(/<section id="versions".*?<\/section>/)[0];
  assert.match(list, /<tr id="version-1"><td>第 1 版<\/td>.*?<td>—<\/td>/, 'version 1: no reopening before it');
  assert.match(list, new RegExp(`<tr id="version-2"><td>第 2 版</td>.*?流程測試教育處（${code('P')}）</td><td>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d</td>`
    + `<td>依申請更正電費<br><span class="muted">流程測試教育處（${code('P')}），\\d{4}-`), 'version 2: who, when, why it was reopened');
  assert.match(list, new RegExp(`href="/report/versions\\?year=${YEAR}&amp;agency=${id.S}&amp;a=1&amp;b=2"`), 'a link to the diff');

  const d = await client.S.get(`/report/versions?year=${YEAR}&agency=${id.S}&a=1&b=2`);
  assert.equal(d.status, 200);
  const rows = diffRows(d.text);
  const line = (v, item) => sql(`SELECT quantity_milli, kg_milli FROM report_version_lines WHERE report_id = ${r} AND version_no = ${v}
    AND part = 'own' AND item = '${item}'`)[0];
  const [e1, e2, g1, n2] = [line(1, 'electricity'), line(2, 'electricity'), line(1, 'vehicle_gasoline'), line(2, 'natural_gas')];
  assert.deepEqual(rows['own.electricity.0'], { change: 'changed', qa: fmt(e1[0]), qb: fmt(e2[0]), ka: fmt(e1[1]), kb: fmt(e2[1]),
    kd: (BigInt(e2[1]) > BigInt(e1[1]) ? '+' : '') + fmt(BigInt(e2[1]) - BigInt(e1[1])) }, 'electricity changed: both quantities and kgCO₂e');
  assert.deepEqual(rows['own.vehicle_gasoline.0'], { change: 'removed', qa: fmt(g1[0]), qb: '', ka: fmt(g1[1]), kb: '', kd: fmt(-BigInt(g1[1])) }, 'gasoline removed');
  assert.deepEqual(rows['own.natural_gas.0'], { change: 'added', qa: '', qb: fmt(n2[0]), ka: '', kb: fmt(n2[1]), kd: '+' + fmt(n2[1]) }, 'natural gas added');
  assert.equal(Object.keys(rows).length, 3, 'nothing else differs');
  const [t1, t2] = [1, 2].map((v) => q1(`SELECT own_total_milli FROM report_versions WHERE report_id = ${r} AND version_no = ${v}`));
  assert.match(d.text, new RegExp(`<tr id="total-own"><th colspan="6">合計（不含委外）</th><td class="num">${fmt(t1)}</td><td class="num">${fmt(t2)}</td>`));
  const same = await client.S.get(`/report/versions?year=${YEAR}&agency=${id.S}&a=2&b=2`);
  assert.match(same.text, /id="no-diff"/, 'a version against itself: no difference');
  assert.match(same.text, /id="unchanged">其餘 2 項未變更/);

  for (const bad of ['a=1&b=9', 'a=0&b=1', 'a=x&b=1', 'a=1']) {
    const b = await client.S.get(`/report/versions?year=${YEAR}&agency=${id.S}&${bad}`);
    assert.equal(b.status, 404, bad);
    assert.match(b.text, /沒有這個版本/, bad);
    assert.doesNotMatch(b.text, /data-change=/, bad);
  }
  const listOnly = await client.S.get(`/report/versions?year=${YEAR}`);
  assert.equal(listOnly.status, 200, 'the agency\'s own list without naming itself');
  assert.match(listOnly.text, /id="version-2"/);
});

test('who sees the versions and the diff: self, parent, grandparent, team 200; sibling, other county, admin 404; anonymous 401', async () => {
  const p = `/report/versions?year=${YEAR}&agency=${id.S}&a=1&b=2`;
  for (const k of ['S', 'P', 'G', 'TEAM']) {
    const r = await client[k].get(p);
    assert.equal(r.status, 200, k);
    assert.match(r.text, /data-change="changed"/, k);
  }
  for (const k of ['T', 'W', 'WTEAM', 'admin']) {
    const r = await client[k].get(p);
    assert.equal(r.status, 404, k);
    assert.doesNotMatch(r.text, /流程測試甲國小|data-change/, k);
  }
  assert.equal((await new Client().get(p)).status, 401, 'anonymous');
  assert.equal((await client.TEAM.get(`/report/versions?year=${YEAR}&a=1&b=2`)).status, 404, 'the team names the agency');
  // From where they read a subordinate's report (/review → /report/view): the list and its links.
  for (const k of ['P', 'G', 'TEAM']) {
    const v = await client[k].get(`/report/view?year=${YEAR}&agency=${id.S}`);
    assert.equal(v.status, 200, k);
    assert.match(v.text, /<section id="versions"/, k);
    assert.match(v.text, new RegExp(`href="/report/versions\\?year=${YEAR}&amp;agency=${id.S}&amp;a=1&amp;b=2"`), k);
    assert.doesNotMatch(v.text, /action="\/report\/correction"/, `${k}: no 申請更正 on another's report`);
  }
  for (const k of ['T', 'W']) assert.equal((await client[k].get(`/report/view?year=${YEAR}&agency=${id.S}`)).status, 404, k);
});

// A save racing a 確認: each round ends in one order or the other, never a confirmed report whose rows are not its version's.
test('a save racing a 確認: refused after it, or the 確認 stale; never a confirmed report with other rows', async (t) => {
  const run = promisify(execFile);
  const sqlAsync = async (query) => (await run(STACK, ['sql', '-N', '-B', '-e', query], { env: process.env, timeout: 30000 }))
    .stdout.split('\n').filter((l) => l.length).map((l) => l.split('\t'));
  const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
  const ROUNDS = 16, HOLD = 0.1;
  const seen = { confirmFirst: 0, saveFirst: 0 };
  // How long the 確認's client takes to reach the server: the save is sent at offsets spread over that
  // time plus the moment the 確認 holds the row, so that rounds end in either order and some collide.
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await sqlAsync('SELECT 1');
    times.push(Date.now() - t0);
  }
  const latency = times.sort((a, b) => a - b)[1];
  await saveOk('R', { own_electricity: '100', filed: '1' });
  for (let i = 0; i < ROUNDS; i++) {
    const s0 = state('R');
    if (s0.confirmed) {
      assert.equal(reopen('R', `第 ${i} 輪`), '1');
      await saveOk('R', { own_electricity: String(100 + i), filed: '1' });
    }
    const f = await form(client.R);
    const report = rid('R');
    const offset = Math.round((i / (ROUNDS - 1)) * (latency + HOLD * 1000 + 50));
    const [saved, confirmed] = await Promise.all([
      (async () => { await sleep(offset); return save(client.R, f, { own_electricity: String(5000 + i), filed: '1' }); })(),
      (async () => result(await sqlAsync(confirmSql(report, +f.revision, acct.P, HOLD))))(),
    ]);
    const s = state('R');
    const lines = q1(`SELECT COUNT(*) FROM report_lines WHERE report_id = ${report}`);
    if (s.confirmed) {
      assert.equal(saved.status, 409, `round ${i}: confirmed first, the save is refused`);
      assert.match(saved.text, /此報表已由上級機關確認/);
      assert.equal(confirmed, String(s.confirmed), `round ${i}: the 確認 wrote the version in force`);
      const same = q1(`SELECT COUNT(*) FROM report_lines l JOIN report_version_lines v ON v.report_id = l.report_id AND v.version_no = ${s.confirmed}
        AND v.part = l.part AND v.item = l.item AND v.seq = l.seq AND v.quantity_milli = l.quantity_milli AND v.kg_milli = l.kg_milli
        AND v.factor_text = l.factor_text WHERE l.report_id = ${report}`);
      const vlines = q1(`SELECT COUNT(*) FROM report_version_lines WHERE report_id = ${report} AND version_no = ${s.confirmed}`);
      assert.ok(lines === same && vlines === lines && +lines > 0, `round ${i}: the live lines are the version's (${lines}, ${same}, ${vlines})`);
      const sameItems = q1(`SELECT COUNT(*) FROM report_items i JOIN report_version_items v ON v.report_id = i.report_id
        AND v.version_no = ${s.confirmed} AND v.part = i.part AND v.item = i.item AND v.seq = i.seq AND v.quantity_milli <=> i.quantity_milli
        WHERE i.report_id = ${report}`);
      assert.equal(sameItems, q1(`SELECT COUNT(*) FROM report_items WHERE report_id = ${report}`), `round ${i}: and its items`);
      assert.equal(q1(`SELECT revision FROM report_versions WHERE report_id = ${report} AND version_no = ${s.confirmed}`), String(s.revision),
        `round ${i}: the version is of the revision in force`);
      seen.confirmFirst++;
    } else {
      assert.equal(saved.status, 303, `round ${i}: saved first`);
      assert.equal(confirmed, 'STALE', `round ${i}: the 確認 from the older page is stale`);
      assert.equal(s.revision, +f.revision + 1, `round ${i}: the save's revision`);
      assert.equal(q1(`SELECT quantity_milli FROM report_items WHERE report_id = ${report} AND item = 'electricity'`), String((5000 + i) * 1000));
      seen.saveFirst++;
    }
  }
  t.diagnostic(`race: ${seen.confirmFirst} rounds confirmed first, ${seen.saveFirst} saved first (the 確認's client: ${latency} ms)`);
  assert.equal(seen.confirmFirst + seen.saveFirst, ROUNDS);
  // The first rounds send the save long before the 確認 arrives, the last ones after it committed: both orders ran.
  assert.ok(seen.confirmFirst > 0 && seen.saveFirst > 0, `both orders (${JSON.stringify(seen)})`);
});

// The same race through the real pages: the agency's 存檔 against the parent's 確認 (POST /review,
// action=confirm, with the revision its page showed), sent at offsets from 40 ms apart one way to
// 40 ms the other.  Each round ends in one order: the 確認 first (303) and the save refused (409) with
// the live rows the version's, or the save first (303) and the 確認 stale (409) with nothing written.
test('a save racing the parent\'s 確認 on /review: exactly one of the two orders, every round', async (t) => {
  const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
  const ROUNDS = 12, SPREAD = 40;
  const seen = { confirmFirst: 0, saveFirst: 0 };
  const report = () => rid('R');
  for (let i = 0; i < ROUNDS; i++) {
    const s0 = state('R');
    if (s0.confirmed) assert.equal(reopen('R', `HTTP 第 ${i} 輪`), '1');
    if (!state('R').filed) await saveOk('R', { own_electricity: String(200 + i), filed: '1' });
    const f = await form(client.R);
    const token = csrfOf((await client.P.get('/')).text);
    const versions = q1(`SELECT COUNT(*) FROM report_versions WHERE report_id = ${report()}`);
    const offset = Math.round(-SPREAD + (2 * SPREAD * i) / (ROUNDS - 1));   // < 0: the save waits; > 0: the 確認 waits
    const [saved, confirmed] = await Promise.all([
      (async () => { if (offset < 0) await sleep(-offset); return save(client.R, f, { own_electricity: String(7000 + i), filed: '1' }); })(),
      (async () => {
        if (offset > 0) await sleep(offset);
        return client.P.post('/review', { csrf: token, year: String(YEAR), agency: String(id.R), revision: f.revision, action: 'confirm' });
      })(),
    ]);
    const s = state('R');
    const nowVersions = q1(`SELECT COUNT(*) FROM report_versions WHERE report_id = ${report()}`);
    if (s.confirmed) {
      assert.equal(confirmed.status, 303, `round ${i}: confirmed first`);
      assert.equal(saved.status, 409, `round ${i}: then the save is refused`);
      assert.equal(+nowVersions, +versions + 1, `round ${i}: one version written`);
      const differ = q1(`SELECT COUNT(*) FROM report_lines l LEFT JOIN report_version_lines v ON v.report_id = l.report_id
        AND v.version_no = ${s.confirmed} AND v.part = l.part AND v.item = l.item AND v.seq = l.seq AND v.quantity_milli = l.quantity_milli
        AND v.kg_milli = l.kg_milli WHERE l.report_id = ${report()} AND v.report_id IS NULL`);
      assert.equal(differ, '0', `round ${i}: every live line is the version's`);
      assert.equal(q1(`SELECT quantity_milli FROM report_items WHERE report_id = ${report()} AND item = 'electricity'`),
        q1(`SELECT quantity_milli FROM report_version_items WHERE report_id = ${report()} AND version_no = ${s.confirmed} AND item = 'electricity'`),
        `round ${i}: and the version holds what was confirmed, not the refused save`);
      seen.confirmFirst++;
    } else {
      assert.equal(saved.status, 303, `round ${i}: saved first`);
      assert.equal(confirmed.status, 409, `round ${i}: then the 確認 from the older page is stale`);
      assert.equal(nowVersions, versions, `round ${i}: no version written`);
      assert.equal(q1(`SELECT quantity_milli FROM report_items WHERE report_id = ${report()} AND item = 'electricity'`), String((7000 + i) * 1000));
      seen.saveFirst++;
    }
  }
  t.diagnostic(`HTTP race: ${seen.confirmFirst} rounds confirmed first, ${seen.saveFirst} saved first`);
  assert.equal(seen.confirmFirst + seen.saveFirst, ROUNDS);
  // The first rounds send the save 40 ms ahead, the last ones the 確認: both orders ran.
  assert.ok(seen.confirmFirst > 0 && seen.saveFirst > 0, `both orders (${JSON.stringify(seen)})`);
});
