// year_lock.test.mjs: 年度鎖定 (/team/years/lock) — the agencies not 已確認 listed, each needing a reason
// (refused beside the field, typed back, nothing written); a report that changed state between the
// page and the POST, or an agency the page did not list, is a 409 naming it; the lock with its
// exceptions and audit line; the non-agency lines refused while locked; publishing only when locked;
// no unlocking while published; unlocking with a reason; 確認期限 on 年度管理; who may do it.
// On 連江縣 (Z) 2013, which no other suite writes; everything is put back at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, holdUntilWaited, loginAs, outboxDrained, sql, waitFor } from '../lib.mjs';

const Y = 2013;
const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
const [[SCHOOL]] = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371036500X'`);
const [[HALL]] = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371000000A'`);
const TAG = '鎖定測試路燈';
let DAYS;   // the year's 確認期限 before the test

// The year's row as the lock leaves it: lock_id (or -), published (0/1).
const yearRow = () => sql(`SELECT IFNULL(lock_id, '-'), published_at IS NOT NULL FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`)[0].join('/');
const locks = () => sql(`SELECT COUNT(*) FROM year_locks WHERE county_id = ${Z} AND year = ${Y}`)[0][0];
const audits = () => sql(`SELECT COUNT(*) FROM audit_log WHERE county_id = ${Z} AND year = ${Y}`)[0][0];
// Active agencies of Z whose report of Y is not 已確認, by an independent query: id -> state number.
const notConfirmed = () => Object.fromEntries(sql(`SELECT a.id, IF(r.id IS NULL, 0, IF(r.filed, 2, 1)) FROM agencies a
  LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ${Y} WHERE a.county_id = ${Z} AND a.active = 1 AND r.confirmed_version IS NULL`));
// The agencies the lock form lists: id -> the state it shows.
const listed = (html) => Object.fromEntries([...html.matchAll(/name="st_(\d+)" value="(\d)"/g)].map((m) => [m[1], m[2]]));
// A lock POST built from the page: every listed agency with its state and reason(id).
function lockForm(html, reason = (id) => `例外理由 ${id}`, drop = null) {
  const form = { csrf: csrfOf(html), action: 'lock', year: String(Y) };
  for (const [id, st] of Object.entries(listed(html))) {
    if (id === drop) continue;
    form[`st_${id}`] = st;
    form[`reason_${id}`] = reason(id);
  }
  return form;
}
const fieldError = (html, id) => (html.match(new RegExp(`<p class="field-error" id="e-r-${id}">([^<]*)</p>`)) || [])[1];

let team, lockId, lineId;

before(async () => {
  assert.equal(yearRow(), '-/0', `${Y} of Z is neither locked nor published before the test`);
  [[DAYS]] = sql(`SELECT confirm_within_days FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`);
  sql(`DELETE FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '${TAG}';
       DELETE FROM reports WHERE agency_id = ${SCHOOL} AND year = ${Y};
       INSERT INTO reports (agency_id, year, filed) VALUES (${SCHOOL}, ${Y}, 0)`);
  team = await loginAs('Z', 'TEAM');
});

after(() => {
  sql(`UPDATE inventory_years SET lock_id = NULL, published_at = NULL, published_by = NULL, confirm_within_days = ${DAYS}
         WHERE county_id = ${Z} AND year = ${Y};
       DELETE x FROM year_lock_exceptions x JOIN year_locks l ON l.id = x.lock_id WHERE l.county_id = ${Z} AND l.year = ${Y};
       DELETE FROM year_locks WHERE county_id = ${Z} AND year = ${Y};
       DELETE FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '${TAG}';
       DELETE FROM reports WHERE agency_id = ${SCHOOL} AND year = ${Y}`);
});

test('publishing an unlocked year is refused: 請先完成年度鎖定; a non-agency line can be added meanwhile', async () => {
  const inv = await team.get(`/team/inventory?year=${Y}`);
  assert.match(inv.text, /本年度尚未鎖定/);
  const r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'publish' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /must_lock=1/);
  assert.match((await team.get(r.headers.get('location'))).text, /請先完成年度鎖定/);
  assert.equal(yearRow(), '-/0', 'not published');
  const f = await team.get(`/team/activities?year=${Y}&method=elec_street`);
  const add = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'elec_street', year: String(Y), id: '0', version: '0', description: TAG, q: '1000' });
  assert.equal(add.status, 303, 'unlocked: a line is added');
  [[lineId]] = sql(`SELECT id FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '${TAG}'`);
});

test('the lock page lists every agency not 已確認 with its state; missing or too long reasons are refused beside each, typed back, nothing written', async () => {
  const page = await team.get(`/team/years/lock?year=${Y}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /id="lock-state">未鎖定/);
  const want = notConfirmed();
  assert.ok(Object.keys(want).length >= 5, 'the demo agencies');
  assert.deepEqual(listed(page.text), want, 'every agency not 已確認, each with its state');
  assert.equal(want[SCHOOL], '1');
  assert.match(page.text, new RegExp(`<tr data-agency="${SCHOOL}"><td>371036500X</td><td>連江縣介壽國中小</td><td><span class="status s1">登錄中</span>`));
  const before = [yearRow(), locks(), audits()].join(' ');
  const long = '長'.repeat(501);
  const r = await team.post('/team/years/lock', lockForm(page.text, (id) => (id === SCHOOL ? '' : id === HALL ? long : `<b>理由</b> ${id}`)));
  assert.equal(r.status, 400);
  assert.match(r.text, /未鎖定：請為每個列為例外的機關說明理由。/);
  assert.equal(fieldError(r.text, SCHOOL), '請說明列為例外的理由，500 字以內。', 'missing: beside its field');
  assert.equal(fieldError(r.text, HALL), '請說明列為例外的理由，500 字以內。', 'too long: beside its field');
  assert.equal([...r.text.matchAll(/<p class="field-error" id="e-r-/g)].length, 2, 'no other field refused');
  assert.ok(r.text.includes(`aria-describedby="e-r-${SCHOOL}"></textarea>`), 'the missing one is empty and marked');
  assert.ok(r.text.includes(`aria-describedby="e-r-${HALL}">${long}</textarea>`), 'the too long one comes back');
  const other = Object.keys(want).find((id) => id !== SCHOOL && id !== HALL);
  assert.ok(r.text.includes(`>&lt;b&gt;理由&lt;/b&gt; ${other}</textarea>`), 'the valid ones come back, escaped');
  assert.deepEqual(listed(r.text), want, 'the same agencies listed again');
  assert.equal([yearRow(), locks(), audits()].join(' '), before, 'nothing written');
});

test('stale: a report filed or confirmed after the page, or an agency the page did not list, is a 409 naming it; nothing written', async () => {
  const before = [yearRow(), locks(), audits()].join(' ');
  let page = await team.get(`/team/years/lock?year=${Y}`);
  sql(`UPDATE reports SET filed = 1, filed_at = NOW() WHERE agency_id = ${SCHOOL} AND year = ${Y}`);   // filed meanwhile
  let r = await team.post('/team/years/lock', lockForm(page.text));
  assert.equal(r.status, 409);
  assert.match(r.text, /<ul id="stale"><li>371036500X 連江縣介壽國中小：頁面顯示為登錄中，現為已登錄完成<\/li><\/ul>/);
  assert.equal(listed(r.text)[SCHOOL], '2', 'the page again, as it is now');
  assert.ok(r.text.includes(`>例外理由 ${HALL}</textarea>`), 'with the reasons typed');
  assert.match(r.text, /href="\/team\/years"/, 'a link back');
  assert.equal([yearRow(), locks(), audits()].join(' '), before, 'nothing written');

  page = await team.get(`/team/years/lock?year=${Y}`);
  sql(`UPDATE reports SET confirmed_version = 1, last_version = 1 WHERE agency_id = ${SCHOOL} AND year = ${Y}`);   // confirmed meanwhile
  r = await team.post('/team/years/lock', lockForm(page.text));
  assert.equal(r.status, 409);
  assert.match(r.text, /<li>371036500X 連江縣介壽國中小：頁面顯示為已登錄完成，現為已確認<\/li>/);
  assert.equal(listed(r.text)[SCHOOL], undefined, 'a confirmed agency is no exception');
  assert.equal([yearRow(), locks(), audits()].join(' '), before, 'nothing written');

  page = await team.get(`/team/years/lock?year=${Y}`);
  r = await team.post('/team/years/lock', lockForm(page.text, undefined, HALL));
  assert.equal(r.status, 409, 'an agency not listed');
  assert.match(r.text, /<ul id="stale"><li>371000000A 連江縣政府：頁面未列出，現為未登錄<\/li><\/ul>/);
  r = await team.post('/team/years/lock', { ...lockForm(page.text), [`st_${HALL}`]: '3' });
  assert.equal(r.status, 409, 'a state that is no state of the form');
  assert.match(r.text, /<li>371000000A 連江縣政府：頁面的狀態不明，現為未登錄<\/li>/);
  assert.equal([yearRow(), locks(), audits()].join(' '), before, 'nothing written');
});

test('the lock: its exceptions with their reasons, the audit line, the page and 年度管理 show it; a second lock is refused', async () => {
  await outboxDrained();   // the filings of the test before: a year with totals still pending is not locked
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const want = notConfirmed();
  assert.deepEqual(listed(page.text), want);
  const auditsBefore = Number(audits());
  const r = await team.post('/team/years/lock', lockForm(page.text, (id) => `　例外理由 ${id}\n第二行 `));
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), `/team/years/lock?year=${Y}&locked=1`);
  [[lockId]] = sql(`SELECT lock_id FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`);
  const [[by, at]] = sql(`SELECT a.login, l.locked_at > NOW() - INTERVAL 1 MINUTE FROM year_locks l JOIN accounts a ON a.id = l.locked_by WHERE l.id = ${lockId}`);
  assert.deepEqual([by, at], ['TEAM', '1'], 'locked by the team, now');
  const exceptions = Object.fromEntries(sql(`SELECT agency_id, reason FROM year_lock_exceptions WHERE lock_id = ${lockId}`));
  assert.deepEqual(Object.keys(exceptions).sort(), Object.keys(want).sort(), 'every agency not 已確認 is an exception');
  assert.equal(exceptions[HALL], `例外理由 ${HALL}\\n第二行`, 'its reason, trimmed and normalised (NFKC), newlines kept');
  assert.equal(Number(audits()), auditsBefore + 1, 'one audit line');
  assert.deepEqual(sql(`SELECT a.login, l.field, IFNULL(l.old_value, '-'), l.new_value FROM audit_log l JOIN accounts a ON a.id = l.account_id
    WHERE l.county_id = ${Z} AND l.year = ${Y} ORDER BY l.id DESC LIMIT 1`)[0], ['TEAM', '年度鎖定', '-', `鎖定 #${lockId}（例外 ${Object.keys(want).length} 個機關）`]);
  const shown = await team.get(r.headers.get('location'));
  assert.match(shown.text, /已鎖定本年度。/);
  assert.match(shown.text, new RegExp(`id="lock-state">已鎖定</span>（[-\\d :]+，TEAM；例外 ${Object.keys(want).length} 個機關）`));
  assert.match(shown.text, /id="unlock-form"/);
  assert.match(shown.text, new RegExp(`<li data-lock="${lockId}"><p>鎖定：[^<]*（TEAM），例外 \\d+ 個機關。<br><strong>鎖定中</strong></p><ul class="exceptions">`));
  assert.match(shown.text, new RegExp(`<li data-agency="${HALL}">371000000A 連江縣政府：例外理由 ${HALL}\n第二行</li>`), 'the history: each exception with its reason');
  const years = await team.get('/team/years');
  assert.match(years.text, new RegExp(`<tr data-year="${Y}">[\\s\\S]*?<span class="status s2">已鎖定</span><br><span class="muted">TEAM，[-\\d :]+；例外 ${Object.keys(want).length} 個機關</span><br><a href="/team/years/lock\\?year=${Y}">年度鎖定</a>`));
  const again = await team.post('/team/years/lock', lockForm(page.text));
  assert.equal(again.status, 409, 'the same lock posted again');
  assert.match(again.text, /本年度已經鎖定/);
  assert.equal(locks(), '1', 'one lock');
});

test('locked: the non-agency lines are shown read-only, and every write is refused (409) with nothing written', async () => {
  const rows = () => sql(`SELECT COUNT(*), IFNULL(MAX(CONCAT(kg_milli, '/', version)), '-') FROM county_activities WHERE county_id = ${Z} AND year = ${Y}`)[0].join(' ');
  const before = [rows(), audits()].join(' ');
  const [[version]] = sql(`SELECT version FROM county_activities WHERE id = ${lineId}`);
  for (const p of [`/team/activities?year=${Y}`, `/team/activities?year=${Y}&method=septic`, `/team/activities?year=${Y}&edit=${lineId}`]) {
    const page = await team.get(p);
    assert.equal(page.status, 200, p);
    assert.match(page.text, /<p class="notice" id="frozen">本年度已鎖定，非機關活動資料不可修改/, p);
    assert.match(page.text, new RegExp(`<tr data-activity="${lineId}">`), `${p}: the line is listed`);
    assert.doesNotMatch(page.text, /name="action" value="(save|delete)"|class="methods"/, `${p}: no form, no button`);
  }
  const csrf = csrfOf((await team.get(`/team/activities?year=${Y}`)).text);
  const attempts = {
    add: { action: 'save', method: 'septic', year: String(Y), id: '0', version: '0', q: '10' },
    edit: { action: 'save', method: 'elec_street', year: String(Y), id: lineId, version, description: TAG, q: '2000' },
    delete: { action: 'delete', year: String(Y), id: lineId, version },
  };
  for (const [what, form] of Object.entries(attempts)) {
    const r = await team.post('/team/activities', { csrf, ...form });
    assert.equal(r.status, 409, what);
    assert.match(r.text, /未變更：本年度已鎖定，非機關活動資料不可修改；須先解除<a href="\/team\/years\/lock\?year=2013">年度鎖定<\/a>/, what);
  }
  assert.equal([rows(), audits()].join(' '), before, 'nothing written');
});

test('publishing a locked year is accepted; it cannot be unlocked while published; withdrawal is allowed', async () => {
  let inv = await team.get(`/team/inventory?year=${Y}`);
  assert.doesNotMatch(inv.text, /本年度尚未鎖定/);
  let r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'publish' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /published=1/);
  assert.equal(yearRow(), `${lockId}/1`, 'published, still locked');
  // Published again (a second tab): nothing written, the first publication's time kept.
  const once = [sql(`SELECT published_at FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`)[0][0], audits()].join(' ');
  await new Promise((res) => setTimeout(res, 1100));
  r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'publish' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /already=1/);
  assert.match((await team.get(r.headers.get('location'))).text, /本年度已是公開狀態（可能剛由他人完成），未重複公開。/);
  assert.equal([sql(`SELECT published_at FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`)[0][0], audits()].join(' '), once);
  const page = await team.get(`/team/years/lock?year=${Y}`);
  assert.match(page.text, /id="unlock-blocked">本年度盤查成果已公開：須先於「<a href="\/team\/inventory\?year=2013">盤查清冊<\/a>」撤回公開，才能解除鎖定。/);
  assert.doesNotMatch(page.text, /id="unlock-form"/, 'no unlock form');
  const before = [yearRow(), locks(), audits()].join(' ');
  r = await team.post('/team/years/lock', { csrf: csrfOf(page.text), action: 'unlock', year: String(Y), lock: lockId, reason: '想要修改' });
  assert.equal(r.status, 409);
  assert.match(r.text, /本年度盤查成果已公開，不能解除鎖定；請先於「盤查清冊」撤回公開。/);
  assert.equal([yearRow(), locks(), audits()].join(' '), before, 'nothing written');
  const act = await team.get(`/team/activities?year=${Y}`);
  assert.match(act.text, /本年度已鎖定且盤查成果已公開/);
  inv = await team.get(`/team/inventory?year=${Y}`);
  r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'withdraw' });
  assert.equal(r.status, 303);
  assert.equal(yearRow(), `${lockId}/0`, 'withdrawn, still locked');
  const withdrawn = audits();
  r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'withdraw' });
  assert.match(r.headers.get('location'), /already=1/, 'withdrawing what is not published');
  assert.match((await team.get(r.headers.get('location'))).text, /本年度目前未公開，沒有可撤回的公開。/);
  assert.equal(audits(), withdrawn, 'no second 撤回公開 line');
});

test('who may: an agency is refused (403), anonymous 401; another county\'s team reaches only its own year (409, nothing changes)', async () => {
  const agency = await loginAs('Z', '371000000A');
  const home = await agency.get('/');
  assert.equal((await agency.get(`/team/years/lock?year=${Y}`)).status, 403);
  for (const action of ['lock', 'unlock']) {
    const r = await agency.post('/team/years/lock', { csrf: csrfOf(home.text), action, year: String(Y), lock: lockId, reason: 'x' });
    assert.equal(r.status, 403, action);
  }
  assert.equal((await new Client().get(`/team/years/lock?year=${Y}`)).status, 401);
  const [[W]] = sql("SELECT id FROM counties WHERE letter = 'W'");
  const wRow = () => sql(`SELECT IFNULL(lock_id, '-') FROM inventory_years WHERE county_id = ${W} AND year = ${Y}`)[0][0];
  const before = [yearRow(), locks(), audits(), wRow()].join(' ');
  const w = await loginAs('W', 'TEAM');
  const wPage = await w.get(`/team/years/lock?year=${Y}`);
  assert.match(wPage.text, /id="lock-state">未鎖定/, 'W\'s page is W\'s year: not locked');
  assert.doesNotMatch(wPage.text, /371036500X|連江縣/, 'nothing of Z');
  const zPage = await team.get(`/team/years/lock?year=${Y}`);
  const zForm = { ...lockForm(zPage.text), csrf: csrfOf(wPage.text) };
  let r = await w.post('/team/years/lock', zForm);
  assert.equal(r.status, 409, 'W posting Z\'s listed agencies: W\'s own are not listed');
  assert.match(r.text, /<li>397020000A 金門縣政府：頁面未列出/);
  r = await w.post('/team/years/lock', { csrf: csrfOf(wPage.text), action: 'unlock', year: String(Y), lock: lockId, reason: '他縣' });
  assert.equal(r.status, 409, 'W naming Z\'s lock: not W\'s lock');
  assert.equal([yearRow(), locks(), audits(), wRow()].join(' '), before, 'nothing changed in Z or W');
});

test('unlocking needs a reason (beside the field, typed back); a stale lock is 409; then the lines may change again', async () => {
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const csrf = csrfOf(page.text);
  const before = [yearRow(), locks(), audits()].join(' ');
  const unlock = (fields) => team.post('/team/years/lock', { csrf, action: 'unlock', year: String(Y), lock: lockId, ...fields });
  for (const reason of ['', '   ', '解'.repeat(501)]) {
    const r = await unlock({ reason });
    assert.equal(r.status, 400, `reason of ${reason.length}`);
    assert.ok(r.text.includes('<p class="field-error" id="e-reason">請說明解除鎖定的理由，500 字以內。</p>'), 'beside the field');
    assert.ok(r.text.includes(`aria-describedby="e-reason">${reason}</textarea>`), 'typed back');
  }
  let r = await unlock({ lock: String(Number(lockId) + 1000), reason: '更正' });
  assert.equal(r.status, 409, 'another lock than the one in force');
  assert.match(r.text, /本年度的鎖定在此頁顯示後已變更/);
  assert.equal([yearRow(), locks(), audits()].join(' '), before, 'nothing written');
  r = await unlock({ reason: '環境資源局更正資料' });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), `/team/years/lock?year=${Y}&unlocked=1`);
  assert.equal(yearRow(), '-/0', 'unlocked');
  assert.deepEqual(sql(`SELECT a.login, l.unlock_reason FROM year_locks l JOIN accounts a ON a.id = l.unlocked_by WHERE l.id = ${lockId}`)[0],
    ['TEAM', '環境資源局更正資料'], 'the lock keeps who unlocked it and why');
  assert.deepEqual(sql(`SELECT field, old_value, new_value FROM audit_log WHERE county_id = ${Z} AND year = ${Y} ORDER BY id DESC LIMIT 1`)[0],
    ['解除鎖定', `鎖定 #${lockId}`, '環境資源局更正資料']);
  const shown = await team.get(r.headers.get('location'));
  assert.match(shown.text, /已解除鎖定。/);
  assert.match(shown.text, /id="lock-state">未鎖定/);
  assert.match(shown.text, new RegExp(`<li data-lock="${lockId}"><p>鎖定：[^<]*<br>解除鎖定：[^<]*（TEAM），理由：<span class="unlock-reason">環境資源局更正資料</span>`), 'the history');
  assert.match(shown.text, /id="lock-form"/, 'it may be locked again');
  const again = await unlock({ reason: '再一次' });
  assert.equal(again.status, 409, 'unlocked already: stale');
  const f = await team.get(`/team/activities?year=${Y}&edit=${lineId}`);
  assert.match(f.text, /id="activity-form"/, 'the form is back');
  const version = f.text.match(/name="version" value="(\d+)"/)[1];
  const edit = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'elec_street', year: String(Y), id: lineId, version, description: TAG, q: '2000' });
  assert.equal(edit.status, 303, 'unlocked: the line changes');
});

// The requests waiting for a lock on the county-year's row (see holder).
const WAITING = `FROM information_schema.INNODB_TRX t
    JOIN information_schema.INNODB_LOCKS l ON l.lock_id = t.trx_requested_lock_id
    WHERE t.trx_state = 'LOCK WAIT' AND l.lock_table LIKE '%\`inventory_years\`'
      AND t.trx_query LIKE 'SELECT %FROM inventory_years WHERE county_id = % AND year = %'`;

/*
 * Another transaction holding the county-year's row (`mode`: FOR UPDATE as 年度鎖定 does, or in share
 * mode as a save or a 確認 does) and making `change` in it, until a request waits for the row
 * (holdUntilWaited).  `waiters` counts the requests waiting in a SELECT of the county-year's row by its
 * key, as a save and a lock do.  Others may wait on the row too and are not counted, nor do they end
 * the wait: the worker's data-quality board making sure of its thresholds' row after a rollup (an
 * INSERT with a foreign key to the row: its check takes it in share mode, queued behind a waiting
 * lock), a factor-day run (every county's rows of its years in share mode).
 */
const holder = (mode, change) => holdUntilWaited(`SELECT lock_id FROM inventory_years WHERE county_id = ${Z} AND year = ${Y} ${mode};
${change}`, WAITING);

test('concurrency: a line\'s save that waited for a lock being taken is refused once it is; a lock that waited for a filing sees it (409)', async () => {
  const [[teamId]] = sql(`SELECT id FROM accounts WHERE county_id = ${Z} AND login = 'TEAM'`);
  // A save of a line meets a 年度鎖定 in progress: its first look saw the year unlocked; under the row lock it is locked.
  const f = await team.get(`/team/activities?year=${Y}&edit=${lineId}`);
  const version = f.text.match(/name="version" value="(\d+)"/)[1];
  const line = () => sql(`SELECT kg_milli, version FROM county_activities WHERE id = ${lineId}`)[0].join('/');
  const before = line();
  let h = holder('FOR UPDATE', `INSERT INTO year_locks (county_id, year, locked_at, locked_by) VALUES (${Z}, ${Y}, NOW(), ${teamId});
UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = ${Z} AND year = ${Y};`);
  await h.held;
  const r = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'elec_street', year: String(Y), id: lineId, version, description: TAG, q: '3000' });
  let { code, out } = await h.done;
  assert.equal(code, 0, out);
  assert.match(out, /waiters\t1/, 'the save waited for the lock being taken');
  assert.equal(r.status, 409, 'then found the year locked');
  assert.match(r.text, /本年度已鎖定/);
  assert.equal(line(), before, 'nothing written');
  sql(`UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${Z} AND year = ${Y};
       DELETE FROM year_locks WHERE county_id = ${Z} AND year = ${Y} AND id > ${lockId}`);

  // A lock meets a filing in progress (holding the row in share mode, as a save does): it waits, then sees it.
  sql(`UPDATE reports SET filed = 0, confirmed_version = NULL, last_version = 0 WHERE agency_id = ${SCHOOL} AND year = ${Y}`);
  const page = await team.get(`/team/years/lock?year=${Y}`);
  assert.equal(listed(page.text)[SCHOOL], '1', 'the page shows the school 登錄中');
  const counts = [yearRow(), locks(), audits()].join(' ');
  h = holder('LOCK IN SHARE MODE', `UPDATE reports SET filed = 1, filed_at = NOW() WHERE agency_id = ${SCHOOL} AND year = ${Y};`);
  await h.held;
  const lock = await team.post('/team/years/lock', lockForm(page.text));
  ({ code, out } = await h.done);
  assert.equal(code, 0, out);
  assert.match(out, /waiters\t1/, 'the lock waited for the filing');
  assert.equal(lock.status, 409, 'then found the school filed');
  assert.match(lock.text, /<li>371036500X 連江縣介壽國中小：頁面顯示為登錄中，現為已登錄完成<\/li>/);
  assert.equal([yearRow(), locks(), audits()].join(' '), counts, 'nothing written');
});

test('年度管理: 確認期限 from 1 to 365, refused beside the field with the value typed back; not sent, left as it is', async () => {
  const page = await team.get('/team/years');
  assert.ok(page.text.includes(`name="confirm_within_days" min="1" max="365" required class="days" value="${DAYS}"`));
  const csrf = csrfOf(page.text);
  const [[open]] = sql(`SELECT is_open FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`);
  const save = (fields) => team.post('/team/years', { csrf, year: String(Y), deadline: '', ...(open === '1' ? { is_open: '1' } : {}), ...fields });
  const days = () => sql(`SELECT confirm_within_days FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`)[0][0];
  const before = [days(), audits()].join(' ');
  for (const v of ['0', '366', '-1', 'abc', '1.5', '', '9'.repeat(20)]) {
    const r = await save({ confirm_within_days: v });
    assert.equal(r.status, 400, `days=${v}`);
    assert.ok(r.text.includes(`<p class="field-error" id="e-days-${Y}">確認期限須為 1 至 365 之間的整數（天）。</p>`), `days=${v}: beside the field`);
    assert.ok(r.text.includes(`value="${v}" aria-invalid="true" aria-describedby="e-days-${Y}"`), `days=${v}: typed back`);
    assert.equal([days(), audits()].join(' '), before, `days=${v}: nothing written`);
  }
  // Full-width digits and white space around, as every number field takes them.
  for (const [v, want] of [['1', '1'], ['365', '365'], [' ３０ ', '30']]) {
    assert.equal((await save({ confirm_within_days: v })).status, 303, v);
    assert.equal(days(), want);
  }
  assert.deepEqual(sql(`SELECT field, new_value FROM audit_log WHERE county_id = ${Z} AND year = ${Y} ORDER BY id DESC LIMIT 1`)[0], ['確認期限', '30 天']);
  assert.equal((await save({})).status, 303, 'a form without the field');
  assert.equal(days(), '30', 'left as it was');
  assert.equal((await save({ confirm_within_days: DAYS })).status, 303, 'put back');
});
