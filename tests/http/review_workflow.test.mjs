// review_workflow.test.mjs: issue 12, the parent's side of 所屬機關填報確認 (/review): 確認, 退回 (a
// comment, required, at most 500 characters), 重新開放 (a reason) and 全部確認, by the direct parent
// agency, or the county team for a 一級 agency.  Every action is tried by the agency itself, its
// parent, its grandparent, a sibling, the parent's sibling, the team, another county's agency and
// team and the admin: the expected status, and nothing changed in the database but by the parent.
// A stale revision is a 409; a bulk 確認 leaves out and names the child changed since; the counts
// per state; an audit line per transition; a locked county-year refuses everything and shows no
// button; the cached page shows every transition at once, on every process.
//
// The agencies are this run's own (codes RW<n>…), in 連江縣 (Z) in 2013, a year no other suite
// writes there: a parent P under the demo 連江縣政府 with five children A-E, P's sibling Q, and a
// 一級 agency R; confirmed reports cannot be deleted (their versions are immutable), so at the end
// they are deactivated with their accounts, and Z's 2013 recomputed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, outboxDrained, sql, waitFor, loginAs as login } from '../lib.mjs';

const Y = 2013;
const ROC = Y - 1911;
const TAG = `RW${Date.now() % 1000000}`;
const EVERY_PROCESS = 12;                          // as rollup.test.mjs: enough requests to meet every web process
const Z = sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];
const code = (k) => `${TAG}${k}`;
const ids = {};
const id = (k) => ids[k];
const demo = (c) => sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '${c}'`)[0][0];
const HALL = demo('371000000A');
const q = (s) => (s === null ? 'NULL' : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`);

before(() => {
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES
         (${Z}, '${code('P')}', '審核測試處${TAG}', 2, ${HALL}), (${Z}, '${code('Q')}', '審核測試處二${TAG}', 2, ${HALL}),
         (${Z}, '${code('R')}', '審核測試一級${TAG}', 1, NULL)`);
  for (const k of ['P', 'Q', 'R']) ids[k] = demo(code(k));
  const kids = ['A', 'B', 'C', 'D', 'E'].map((k, i) => `(${Z}, '${code(k)}', '審核測試學校${k}${TAG}', 3, ${ids.P})`).join(', ');
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES ${kids}`);
  for (const k of ['A', 'B', 'C', 'D', 'E']) ids[k] = demo(code(k));
  // Accounts with the demo password (the team's hash), no password change due.
  sql(`INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
       SELECT 'agency', ${Z}, a.id, a.code, (SELECT password_hash FROM accounts WHERE kind = 'team' AND county_id = ${Z}), 0
       FROM agencies a WHERE a.county_id = ${Z} AND a.code LIKE '${TAG}%'`);
});

after(async () => {
  sql(`UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${Z} AND year = ${Y};
       DELETE FROM year_locks WHERE county_id = ${Z} AND year = ${Y}`);
  const mine = `SELECT id FROM agencies WHERE county_id = ${Z} AND code LIKE '${TAG}%'`;
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id IN (${mine}));
       UPDATE accounts SET active = 0 WHERE agency_id IN (${mine});
       UPDATE agencies SET active = 0 WHERE county_id = ${Z} AND code LIKE '${TAG}%';
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
  await outboxDrained();
});

// A report of k in Y as the agency would have left it (never a confirmed one: that is done by 確認).
function setReport(k, { filed = 0, revision = 1, returned = 0, comment = null } = {}) {
  sql(`INSERT INTO reports (agency_id, year, revision, filed, returned, return_comment, filed_at)
       VALUES (${id(k)}, ${Y}, ${revision}, ${filed}, ${returned}, ${q(comment)}, IF(${filed}, NOW(), NULL))
       ON DUPLICATE KEY UPDATE revision = VALUES(revision), filed = VALUES(filed), returned = VALUES(returned),
         return_comment = VALUES(return_comment), filed_at = VALUES(filed_at)`);
}

// Everything an action could change of k's report: its row, its versions, its audit lines, its outbox rows.
const state = (k) => sql(`SELECT r.revision, r.filed, r.returned, IFNULL(r.return_comment, '-'), IFNULL(r.confirmed_version, 0),
    r.last_version, IFNULL(r.reopen_reason, '-'), IFNULL(r.correction_reason, '-'),
    (SELECT COUNT(*) FROM report_versions v WHERE v.report_id = r.id),
    (SELECT COUNT(*) FROM audit_log l WHERE l.agency_id = r.agency_id AND l.year = r.year),
    (SELECT COUNT(*) FROM outbox o WHERE o.agency_id = r.agency_id AND o.year = r.year)
  FROM reports r WHERE r.agency_id = ${id(k)} AND r.year = ${Y}`)[0]?.join('|') ?? 'none';
const audits = (k) => sql(`SELECT l.field, IFNULL(l.old_value, '-'), IFNULL(l.new_value, '-'), a.login FROM audit_log l
  JOIN accounts a ON a.id = l.account_id WHERE l.agency_id = ${id(k)} AND l.year = ${Y} ORDER BY l.id`);

// A logged-in client by role (kept for the file): `agency:K` is the account of this run's agency K.
const clients = {};
async function as(who) {
  const logins = {
    parent: ['Z', code('P')], grandparent: ['Z', '371000000A'], uncle: ['Z', code('Q')], team: ['Z', 'TEAM'],
    otherCounty: ['W', '397020000A'], otherTeam: ['W', 'TEAM'], admin: ['', 'admin'],
  };
  clients[who] ||= await login(...(who.startsWith('agency:') ? ['Z', code(who.slice(7))] : logins[who]));
  return clients[who];
}
const token = async (c) => csrfOf((await c.get('/')).text);
const post = async (c, fields) => c.post('/review', { csrf: await token(c), year: String(Y), ...fields });
const page = async (c, agency) => (await c.get(`/review?year=${Y}${agency ? `&agency=${agency}` : ''}`)).text;

// The hidden fields of the first form on a page posting `action` (for `agency`, when given).
function formOf(html, action, agency) {
  for (const part of html.split('<form ').slice(1)) {
    const f = part.slice(0, part.indexOf('</form>'));
    if (!f.includes(`name="action" value="${action}"`)) continue;
    if (agency !== undefined && !f.includes(`name="agency" value="${agency}"`)) continue;
    return Object.fromEntries([...f.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  }
  return null;
}
const rowOf = (html, k) => (html.match(new RegExp(`<tr data-agency="${id(k)}">[\\s\\S]*?</tr>`)) || [''])[0];
const count = (html, key) => (html.match(new RegExp(`<strong id="n-${key}">(\\d+)</strong>`)) || [])[1];

// Everyone but the parent P, with the answer each gets for the report of P's child k: the agency
// itself, its grandparent (the demo 連江縣政府) and the team see it (403); a sibling, P's sibling Q and
// another county never do (404); the admin is no party (403).
const others = (k) => [[`agency:${k}`, 403], ['grandparent', 403], [`agency:${k === 'A' ? 'B' : 'A'}`, 404], ['uncle', 404],
  ['team', 403], ['otherCounty', 404], ['otherTeam', 404], ['admin', 403]];

async function refusedToAll(k, fields) {
  const before = state(k);
  for (const [who, status] of others(k)) {
    const r = await post(await as(who), fields);
    assert.equal(r.status, status, `${fields.action} by ${who}`);
    assert.equal(state(k), before, `${fields.action} by ${who}: nothing changed`);
  }
}

test('P\'s list: each state by its name, the counts, and the forms only where P is the direct parent', async () => {
  setReport('A', { filed: 1, revision: 3 });
  setReport('B', { revision: 2, returned: 1, comment: '請補上<電費單>' });
  setReport('C', { filed: 1, revision: 5 });
  setReport('E', { revision: 1 });
  const parent = await as('parent');
  const c = await post(parent, { action: 'confirm', agency: id('C'), revision: '5' });
  assert.equal(c.status, 303, 'C confirmed by its parent');
  // The agency's 申請更正 (its own page's work; here set as it leaves the row).
  sql(`UPDATE reports SET correction_reason = '第二季電費漏填', correction_at = '2026-11-30 09:15:00' WHERE agency_id = ${id('C')} AND year = ${Y}`);

  const html = await page(parent);
  assert.match(rowOf(html, 'A'), /<span class="status s2">已登錄完成<\/span>/);
  assert.match(rowOf(html, 'B'), /<span class="status s1">登錄中（退回）<\/span><p class="muted return-comment">退回原因：請補上&lt;電費單&gt;<\/p>/);
  assert.match(rowOf(html, 'C'), /<span class="status s3">已確認<\/span> <span class="muted version">第 1 版<\/span>/);
  assert.match(rowOf(html, 'C'), /<p class="correction"><strong>申請更正<\/strong>（2026-11-30 09:15:00）：第二季電費漏填<\/p>/,
    'the pending correction with its time');
  assert.match(rowOf(html, 'D'), /<span class="status s0">未登錄<\/span>/);
  assert.match(rowOf(html, 'E'), /<span class="status s1">登錄中<\/span><\/td>/);
  assert.deepEqual(['s0', 's1', 'ret', 's2', 's3'].map((k) => count(html, k)), ['1', '2', '1', '1', '1'],
    '未登錄 1, 登錄中 2 of which 退回 1, 已登錄完成 1, 已確認 1');
  assert.deepEqual(formOf(rowOf(html, 'A'), 'confirm'),
    { csrf: csrfOf(html), action: 'confirm', year: String(Y), agency: id('A'), revision: '3', at: id('P') },
    '確認 carries the revision shown (and the list to go back to)');
  assert.equal(formOf(rowOf(html, 'A'), 'return').revision, '3', '退回 too');
  assert.equal(formOf(rowOf(html, 'C'), 'reopen').agency, id('C'), '重新開放 on the confirmed row');
  for (const k of ['B', 'D', 'E']) assert.doesNotMatch(rowOf(html, k), /name="action"/, `no form on ${k}`);
  assert.deepEqual(formOf(html, 'confirm_all'), { csrf: csrfOf(html), action: 'confirm_all', year: String(Y), at: id('P'), [`rev-${id('A')}`]: '3' },
    '全部確認: the one 已登錄完成 row, at its revision');

  // The grandparent and the team see the states, and no form.
  for (const who of ['grandparent', 'team']) {
    const seen = await page(await as(who), id('P'));
    assert.match(rowOf(seen, 'A'), /已登錄完成/, `${who} sees the state`);
    assert.match(rowOf(seen, 'C'), /申請更正/, `${who} sees the correction`);
    assert.doesNotMatch(seen, /<th>確認作業<\/th>|name="action" value="(confirm|return|reopen|confirm_all)"/, `${who}: no button`);
    assert.equal(count(seen, 's3'), '1', `${who}: the same counts`);
  }
  for (const who of ['uncle', 'otherCounty', 'agency:A']) {
    assert.equal((await (await as(who)).get(`/review?year=${Y}&agency=${id('P')}`)).status, 404, `${who} does not see P's list`);
  }
  assert.equal((await (await as('admin')).get(`/review?year=${Y}`)).status, 403, 'the admin is no party');
});

test('確認: the direct parent only (403 or 404 to the others, nothing changes); a stale revision is a 409; an audit line', async () => {
  setReport('D', { filed: 1, revision: 4 });
  const fields = { action: 'confirm', agency: id('D'), revision: '4' };
  await refusedToAll('D', fields);
  const parent = await as('parent');
  const before = state('D');
  const stale = await post(parent, { ...fields, revision: '3' });
  assert.equal(stale.status, 409, 'the page showed revision 3, the report is at 4');
  assert.match(stale.text, /已有變更/);
  assert.ok(stale.text.includes(`<a href="/review?year=${Y}">回所屬機關填報確認</a>`), 'a link back');
  assert.equal(state('D'), before, 'nothing changed');
  const lines = audits('D').length;

  const ok = await post(parent, fields);
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `/review?year=${Y}&done=confirm&of=${id('D')}`);
  assert.deepEqual(sql(`SELECT confirmed_version, last_version, filed, (SELECT COUNT(*) FROM report_versions v WHERE v.report_id = r.id)
    FROM reports r WHERE agency_id = ${id('D')} AND year = ${Y}`)[0], ['1', '1', '1', '1'], 'version 1 written and in force');
  assert.deepEqual(audits('D').slice(lines), [['確認', '已登錄完成', '已確認（第 1 版）', code('P')]], 'one audit line: who, old and new state');
  const back = await parent.get(ok.headers.get('location'));
  assert.match(back.text, new RegExp(`已確認「審核測試學校D${TAG}」的填報資料。`), 'the page says what was done');
  assert.match(rowOf(back.text, 'D'), /已確認/);

  const again = state('D');
  assert.equal((await post(parent, fields)).status, 409, 'confirmed already: the page was stale');
  assert.equal(state('D'), again, 'nothing changed');
  assert.equal((await post(parent, { ...fields, agency: id('Q') })).status, 404, 'P\'s sibling Q: not P\'s to confirm');
  assert.equal((await post(parent, { action: 'confirm', agency: id('A') })).status, 400, 'no revision');
  assert.equal((await post(parent, { action: 'confirm', agency: id('A'), revision: 'x3' })).status, 400, 'a revision that is no number');
});

test('退回: the comment is required and at most 500 characters; a bad one comes back beside its field, nothing written', async () => {
  setReport('E', { filed: 1, revision: 2 });
  const parent = await as('parent');
  const head = '電費單<b>&"2月"</b>';
  const good = head + '補'.repeat(500 - [...head].length);
  assert.equal([...good].length, 500);
  await refusedToAll('E', { action: 'return', agency: id('E'), revision: '2', comment: '請補件' });
  const before = state('E');
  for (const [what, comment] of [['missing', undefined], ['blank', '   \n '], ['501 characters', `${good}x`]]) {
    const fields = { action: 'return', agency: id('E'), revision: '2' };
    if (comment !== undefined) fields.comment = comment;
    const r = await post(parent, fields);
    assert.equal(r.status, 400, what);
    assert.match(r.text, /<p class="flash error" role="status">未退回：請填寫退回原因，500 字以內。<\/p>/, `${what}: said above the table too`);
    const row = rowOf(r.text, 'E');
    assert.match(row, /<details class="act" open><summary>退回<\/summary>/, `${what}: the form open`);
    assert.ok(row.includes(`<textarea id="rt-${id('E')}" name="comment" rows="3" maxlength="500" required aria-invalid="true"`
      + ` aria-describedby="e-rt-${id('E')}">\n`), `${what}: the field marked`);
    assert.ok(row.includes(`<p class="field-error" id="e-rt-${id('E')}">請填寫退回原因，500 字以內。</p>`), `${what}: the message beside it`);
    if (comment) {
      const shown = comment.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      assert.ok(row.includes(`>\n${shown}</textarea>`), `${what}: what was typed comes back`);
    }
    assert.equal(state('E'), before, `${what}: nothing written`);
  }
  assert.equal((await post(parent, { action: 'return', agency: id('E'), revision: '1', comment: good })).status, 409, 'stale');
  assert.equal(state('E'), before, 'nothing written');

  const lines = audits('E').length;
  const r = await post(parent, { action: 'return', agency: id('E'), revision: '2', comment: good });
  assert.equal(r.status, 303, '500 characters are accepted');
  assert.deepEqual(sql(`SELECT filed, returned, return_comment = ${q(good)}, revision, IFNULL(confirmed_version, 0)
    FROM reports WHERE agency_id = ${id('E')} AND year = ${Y}`)[0], ['0', '1', '1', '3', '0'],
    '登錄中（退回） with the comment; the revision moved on (a form opened before the 退回 is stale)');
  assert.deepEqual(audits('E').slice(lines), [['退回', '已登錄完成', `登錄中（退回）；退回原因：${good}`, code('P')]]);
  const html = await page(parent);
  assert.match(rowOf(html, 'E'), /登錄中（退回）<\/span><p class="muted return-comment">退回原因：電費單&lt;b&gt;&amp;&quot;2月&quot;&lt;\/b&gt;補/);
  assert.equal(count(html, 'ret'), '2', 'two 退回 now');
});

test('重新開放 of a 已確認 report: the same party, a reason required; 登錄中 again, the last version kept, the correction cleared', async () => {
  const parent = await as('parent');
  assert.match(rowOf(await page(parent), 'C'), /申請更正/, 'C is confirmed and its agency asks for a correction');
  await refusedToAll('C', { action: 'reopen', agency: id('C'), revision: '5', reason: '機關申請更正' });
  const before = state('C');
  const bad = await post(parent, { action: 'reopen', agency: id('C'), revision: '5', reason: '' });
  assert.equal(bad.status, 400);
  assert.ok(rowOf(bad.text, 'C').includes(`<p class="field-error" id="e-ro-${id('C')}">請填寫重新開放原因，500 字以內。</p>`));
  assert.equal(state('C'), before, 'nothing written');
  assert.equal((await post(parent, { action: 'reopen', agency: id('C'), revision: '4', reason: '更正' })).status, 409,
    'a revision other than the one shown');
  assert.equal(state('C'), before, 'nothing written');
  const lines = audits('C').length;
  const r = await post(parent, { action: 'reopen', agency: id('C'), revision: '5', reason: '機關申請更正第二季電費' });
  assert.equal(r.status, 303);
  assert.deepEqual(sql(`SELECT IFNULL(confirmed_version, 0), last_version, filed, reopen_reason, IFNULL(correction_reason, '-')
    FROM reports WHERE agency_id = ${id('C')} AND year = ${Y}`)[0], ['0', '1', '0', '機關申請更正第二季電費', '-']);
  assert.deepEqual(audits('C').slice(lines), [['重新開放', '已確認', '登錄中；重新開放原因：機關申請更正第二季電費', code('P')]]);
  const row = rowOf(await page(parent), 'C');
  assert.match(row, /<span class="status s1">登錄中<\/span>/);
  assert.doesNotMatch(row, /申請更正/, 'the correction is acted on');
  assert.equal((await post(parent, { action: 'reopen', agency: id('C'), revision: '5', reason: 'x' })).status, 409, 'not confirmed any more');
});

test('全部確認: every 已登錄完成 child shown, each at its revision; one saved since is left out and named, the others confirmed', async () => {
  setReport('B', { filed: 1, revision: 7 });
  setReport('E', { filed: 1, revision: 4 });
  setReport('C', { filed: 1, revision: 6 });
  const parent = await as('parent');
  const form = formOf(await page(parent), 'confirm_all');
  assert.deepEqual(Object.keys(form).filter((k) => k.startsWith('rev-')).sort(), ['A', 'B', 'C', 'E'].map((k) => `rev-${id(k)}`).sort(),
    'A (filed since the first test), B, C and E; D is confirmed');
  assert.equal(form[`rev-${id('B')}`], '7');
  // Forged by the others: the list is not theirs to confirm.
  const before = ['A', 'B', 'C', 'E'].map(state);
  for (const [who, status] of [['grandparent', 403], ['team', 403], ['uncle', 404], ['agency:A', 404], ['otherCounty', 404],
    ['otherTeam', 404], ['admin', 403]]) {
    const c = await as(who);
    const r = await c.post('/review', { ...form, csrf: await token(c), at: id('P') });
    assert.equal(r.status, status, `全部確認 by ${who}`);
  }
  assert.deepEqual(['A', 'B', 'C', 'E'].map(state), before, 'nothing changed');
  // B's agency saves again after the page was shown (B comes second: the rows after it are still done).
  sql(`UPDATE reports SET revision = 8 WHERE agency_id = ${id('B')} AND year = ${Y}`);
  const r = await parent.post('/review', form);
  assert.equal(r.status, 409, 'one was left out');
  assert.match(r.text, new RegExp(`<ul class="bulk-left"><li>審核測試學校B${TAG}：在您開啟頁面之後已有變更`), 'B named, and why');
  assert.match(r.text, /已確認 3 個機關的填報資料。/);
  for (const k of ['A', 'C', 'E']) assert.match(r.text, new RegExp(`<li>審核測試學校${k}${TAG}（第 \\d 版）</li>`), `${k} listed as confirmed`);
  assert.ok(r.text.includes(`<a href="/review?year=${Y}&amp;agency=${id('P')}">回所屬機關填報確認</a>`), 'a link back');
  assert.deepEqual(['A', 'B', 'C', 'E'].map((k) => sql(`SELECT IFNULL(confirmed_version, 0) FROM reports WHERE agency_id = ${id(k)} AND year = ${Y}`)[0][0]),
    ['1', '0', '2', '1'], 'A and E version 1, C version 2 (after its reopening), B not');
  for (const k of ['A', 'E']) assert.deepEqual(audits(k).at(-1), ['確認', '已登錄完成', '已確認（第 1 版）', code('P')], `${k}'s audit line`);
  assert.deepEqual(audits('C').at(-1), ['確認', '已登錄完成', '已確認（第 2 版）', code('P')]);
  assert.equal(audits('B').filter(([f]) => f === '確認').length, 0, 'none for B');
  assert.equal(sql(`SELECT v.reopen_reason FROM report_versions v JOIN reports r ON r.id = v.report_id
    WHERE r.agency_id = ${id('C')} AND r.year = ${Y} AND v.version_no = 2`)[0][0], '機關申請更正第二季電費', 'version 2 keeps why it was reopened');
  const html = await page(parent);
  assert.deepEqual(['s0', 's1', 'ret', 's2', 's3'].map((k) => count(html, k)), ['0', '0', '0', '1', '4'], 'B 已登錄完成; A, C, D, E 已確認');
  assert.deepEqual(formOf(html, 'confirm_all'), { csrf: csrfOf(html), action: 'confirm_all', year: String(Y), at: id('P'), [`rev-${id('B')}`]: '8' });
});

// A lock of Z's 2013 as 年度鎖定 leaves it (a year_locks row named by inventory_years.lock_id); fn runs under it.
async function locked(fn) {
  sql(`INSERT INTO year_locks (county_id, year, locked_at, locked_by)
         SELECT ${Z}, ${Y}, NOW(), id FROM accounts WHERE kind = 'team' AND county_id = ${Z};
       UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = ${Z} AND year = ${Y}`);
  try {
    await fn();
  } finally {
    sql(`UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${Z} AND year = ${Y};
         DELETE FROM year_locks WHERE county_id = ${Z} AND year = ${Y}`);
  }
}

test('a locked county-year: no button, every action refused (409) with the reason, nothing changes', async () => {
  const parent = await as('parent');
  const shown = await page(parent);
  const confirmB = formOf(rowOf(shown, 'B'), 'confirm'), reopenA = formOf(rowOf(shown, 'A'), 'reopen'), all = formOf(shown, 'confirm_all');
  setReport('R', { filed: 1, revision: 2 });
  const team = await as('team');
  const root = formOf(rowOf(await page(team), 'R'), 'confirm');
  assert.ok(confirmB && reopenA && all && root, 'the forms while it is open');
  await locked(async () => {
    const html = await page(parent);
    assert.match(html, new RegExp(`民國 ${ROC} 年已年度鎖定：不能確認、退回或重新開放。`));
    assert.doesNotMatch(html, /<th>確認作業<\/th>|name="action" value="(confirm|return|reopen|confirm_all)"/, 'no button');
    assert.match(rowOf(html, 'B'), /已登錄完成/, 'the states still shown');
    assert.doesNotMatch(await page(team), /name="action" value="confirm"/, 'none on the team\'s list either');
    const before = ['A', 'B', 'R'].map(state);
    for (const [c, f] of [[parent, confirmB], [parent, { ...confirmB, action: 'return', comment: '請補件' }], [parent, { ...reopenA, reason: '更正' }],
      [parent, all], [team, root]]) {
      const r = await c.post('/review', f);
      assert.equal(r.status, 409, f.action);
      assert.match(r.text, new RegExp(`民國 ${ROC} 年已年度鎖定`), `${f.action}: says why`);
    }
    assert.deepEqual(['A', 'B', 'R'].map(state), before, 'nothing changed');
  });
  const again = await page(parent);
  assert.ok(formOf(rowOf(again, 'B'), 'confirm'), 'unlocked: the buttons again');
});

test('the cached page shows every transition at once, on every process', async () => {
  const parent = await as('parent');
  const everyAnswer = async () => {
    const texts = [];
    for (let i = 0; i < EVERY_PROCESS; i++) texts.push(await page(parent));
    return texts;
  };
  const form = formOf(rowOf(await page(parent), 'B'), 'confirm');
  for (const t of await everyAnswer()) assert.match(rowOf(t, 'B'), /已登錄完成/, 'every process has the page cached');
  assert.equal((await parent.post('/review', form)).status, 303);
  for (const t of await everyAnswer()) {
    assert.match(rowOf(t, 'B'), /<span class="status s3">已確認<\/span>/, 'at once');
    assert.equal(count(t, 's3'), '5');
  }
  // The agency's 申請更正, written by its own page (here as it leaves the row): at once too.
  sql(`UPDATE reports SET correction_reason = '漏填冷媒', correction_at = NOW() WHERE agency_id = ${id('B')} AND year = ${Y}`);
  for (const t of await everyAnswer()) assert.match(rowOf(t, 'B'), /申請更正<\/strong>（[\d-]+ [\d:]+）：漏填冷媒/);
  await locked(async () => {
    for (const t of await everyAnswer()) assert.doesNotMatch(t, /name="action" value="reopen"/, 'a lock hides the buttons at once');
  });
  for (const t of await everyAnswer()) assert.match(rowOf(t, 'B'), /name="action" value="reopen"/, 'and the unlock shows them');
  // Another session of the same account gets the cached table with its own token in every form.
  const other = await login('Z', code('P'));
  for (let i = 0; i < EVERY_PROCESS; i++) {
    const t = await page(other);
    assert.notEqual(csrfOf(t), csrfOf(await page(parent)), 'two sessions, two tokens');
    assert.equal(formOf(rowOf(t, 'B'), 'reopen').csrf, csrfOf(t), 'the form carries this session\'s token');
  }
  const reopen = formOf(rowOf(await page(other), 'B'), 'reopen');
  assert.equal((await other.post('/review', { ...reopen, reason: '漏填冷媒' })).status, 303, 'and works');
});

test('the team confirms and returns its county\'s 一級 agencies, on its own list; no other account may', async () => {
  const team = await as('team');
  const top = await page(team);
  assert.match(top, /<h1>連江縣 之一級機關/);
  assert.match(rowOf(top, 'R'), /已登錄完成/);
  const form = formOf(rowOf(top, 'R'), 'confirm');
  assert.deepEqual(form, { csrf: csrfOf(top), action: 'confirm', year: String(Y), agency: id('R'), revision: '2' });
  assert.doesNotMatch(rowOf(top, 'R'), /name="at"/, 'no page agency: the team\'s own list');
  const before = state('R');
  for (const [who, status] of [['agency:R', 403], ['grandparent', 404], ['parent', 404], ['otherTeam', 404], ['otherCounty', 404]]) {
    const c = await as(who);
    assert.equal((await c.post('/review', { ...form, csrf: await token(c) })).status, status, `confirm of R by ${who}`);
    assert.equal(state('R'), before, `${who}: nothing changed`);
  }
  const r = await team.post('/review', { ...form, action: 'return', comment: '範疇二資料不完整' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/review?year=${Y}&done=return&of=${id('R')}`);
  assert.deepEqual(audits('R').at(-1), ['退回', '已登錄完成', '登錄中（退回）；退回原因：範疇二資料不完整', 'TEAM']);
  setReport('R', { filed: 1, revision: 3 });
  const again = formOf(rowOf(await page(team), 'R'), 'confirm');
  assert.equal((await team.post('/review', again)).status, 303);
  assert.deepEqual(audits('R').at(-1), ['確認', '已登錄完成', '已確認（第 1 版）', 'TEAM']);
  assert.match(rowOf(await page(team), 'R'), /已確認[\s\S]*name="action" value="reopen"/, '重新開放 offered to the team');
  // The team is not the parent of a 二級 agency.
  setReport('Q', { filed: 1, revision: 1 });
  assert.equal((await post(team, { action: 'confirm', agency: id('Q'), revision: '1' })).status, 403);
});

test('the drill-down: the parent confirms a child from the child\'s own list', async () => {
  setReport('P', { filed: 1, revision: 9 });
  const hall = await as('grandparent');
  const html = await page(hall, id('P'));
  assert.match(html, /<section class="own-report" aria-label="本機關填報狀況"><p>本機關填報狀況：<span class="status s2">已登錄完成<\/span>/);
  const form = formOf(html, 'confirm', id('P'));
  assert.deepEqual(form, { csrf: csrfOf(html), action: 'confirm', year: String(Y), agency: id('P'), revision: '9', at: id('P') });
  assert.doesNotMatch(await page(await as('parent')), /own-report/, 'P\'s own list: not its own box');
  const r = await hall.post('/review', form);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/review?year=${Y}&agency=${id('P')}&done=confirm&of=${id('P')}`, 'back to the same list');
  const back = await hall.get(r.headers.get('location'));
  assert.match(back.text, new RegExp(`已確認「審核測試處${TAG}」的填報資料。`));
  assert.match(back.text, /本機關填報狀況：<span class="status s3">已確認<\/span>/);
  assert.deepEqual(audits('P').at(-1), ['確認', '已登錄完成', '已確認（第 1 版）', '371000000A']);
  // The team drills down to a 一級 agency: its box, with the team's buttons.
  const team = await as('team');
  const rview = await page(team, id('R'));
  assert.match(rview, /本機關填報狀況：<span class="status s3">已確認/);
  assert.ok(formOf(rview, 'reopen', id('R')), '重新開放 from the drill-down');
});
