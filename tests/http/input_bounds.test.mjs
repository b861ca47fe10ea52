// input_bounds.test.mjs: values the database's columns cannot hold (impossible dates, text longer
// than its column, options a form does not have, numbers beyond a column, a tree deeper than 20
// levels) are refused with a Traditional Chinese message beside the field and the input given
// back, never a 503, and nothing is written. The last test posts such a value to every field of
// every POST route that reaches MySQL and compares every table's checksum before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, checkTree, csrfOf, outboxDrained, sql, uploadImport, waitFor, tableDigest } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  assert.equal(r.status, 303, `login ${county} ${account}`);
  return c;
}

function multipart(fields) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v && typeof v === 'object') fd.append(k, new Blob([v.bytes]), v.name);
    else fd.append(k, v);
  }
  return fd;
}

const settled = () => outboxDrained();

// Every table a form can write (sessions aside: any page view touches them). tableDigest
// covers every column of every row, so an UPDATE shows as well as an INSERT or a DELETE.
const TABLES = ['agencies', 'agency_tree', 'accounts', 'reports', 'report_items', 'report_lines', 'audit_log', 'inventory_years',
  'county_activities', 'site_content', 'exports', 'agency_imports', 'outbox', 'rollups'];
const checksum = () => tableDigest(TABLES);
// Which tables a checksum's change is in, for the failure's message.
const changed = (a, b) => {
  const was = new Set(a.split('\n'));
  return b.split('\n').filter((l) => !was.has(l)).map((l) => l.split(' ')[0]).join(', ');
};

test('年度管理: an impossible or malformed deadline is refused beside the year\'s field, typed value back, nothing written', async () => {
  const team = await login('Z', 'TEAM');
  const page = await team.get('/team/years');
  const row = () => sql("SELECT is_open, IFNULL(deadline, '-') FROM inventory_years WHERE county_id = 22 AND year = 2024")[0].join('/');
  const before = row();
  for (const deadline of ['2024-02-31', '2024-06-30junk', '2023-02-29', '2024-13-01', '2024-6-30']) {
    const r = await team.post('/team/years', { csrf: csrfOf(page.text), year: '2024', deadline, is_open: '1' });
    assert.equal(r.status, 400, deadline);
    const tr = r.text.match(/<tr[^>]*><td>民國 113 年（2024）<\/td>[\s\S]*?<\/tr>/)[0];
    assert.ok(tr.includes(`<input type="date" id="dl-2024" name="deadline" value="${deadline}" aria-invalid="true" aria-describedby="e-dl-2024">`),
      `${deadline}: the typed value back in 2024's field`);
    assert.match(tr, /<p class="field-error" id="e-dl-2024">日期不正確：請依「年-月-日」格式輸入實際存在的日期/, `${deadline}: the reason beside it`);
    assert.match(tr, /name="is_open" value="1" checked>/, `${deadline}: the ticked box back`);
    assert.doesNotMatch(r.text.replace(tr, ''), /field-error/, `${deadline}: no other year is marked`);
    assert.equal(row(), before, `${deadline}: nothing written`);
  }
  // The deadline's years: from the first served to the most the years module serves from it (YEARS_MAX, 100).
  const first = Number(sql('SELECT MIN(year) FROM inventory_years')[0][0]);
  const far = await team.post('/team/years', { csrf: csrfOf(page.text), year: '2024', deadline: `${first + 100}-01-01` });
  assert.equal(far.status, 400);
  assert.match(far.text, new RegExp(`<p class="field-error" id="e-dl-2024">期限的年份須在 ${first} 至 ${first + 99} 年之間`));
  const unknown = await team.post('/team/years', { csrf: csrfOf(page.text), year: '2030', deadline: '2030-01-01' });
  assert.equal(unknown.status, 404, 'a year not in the county\'s list is not "saved"');
  assert.equal(row(), before);
});

test('網站內容: posted_on 2024-02-31 and a body beyond its TEXT column are refused beside the field, nothing written', async () => {
  const admin = await login('', 'admin');
  const page = await admin.get('/admin/content?kind=news');
  const count = () => sql('SELECT COUNT(*), IFNULL(MAX(updated_at), 0) FROM site_content')[0].join('/');
  const before = count();
  const post = (fields) => admin.req('/admin/content', { method: 'POST', body: multipart({ csrf: csrfOf(page.text), action: 'save', kind: 'news', id: '0', version: '0', title: '日期測試', body: '內容', ...fields }) });
  for (const posted_on of ['2024-02-31', '2024-1-015', '2024-02-30x']) {
    const r = await post({ posted_on });
    assert.equal(r.status, 400, posted_on);
    assert.ok(r.text.includes(`<input id="f-posted_on" name="posted_on" type="date" value="${posted_on}" required aria-invalid="true" aria-describedby="e-posted_on">`
      + '<p class="field-error" id="e-posted_on">日期不正確'), `${posted_on}: beside the field, typed value back`);
    assert.match(r.text, /<input id="f-title" name="title" type="text" value="日期測試"/, 'the title back');
    assert.equal(count(), before, `${posted_on}: nothing written`);
  }
  // 16,384 four-byte characters: fewer than the 20,000 allowed, but 65,536 bytes for a 65,535-byte TEXT.
  const r = await post({ posted_on: '2024-03-01', body: '😀'.repeat(16384) });
  assert.equal(r.status, 400);
  assert.match(r.text, /<p class="field-error">內容過長：超過可儲存的 65,535 位元組/);
  assert.equal(count(), before);
  const ok = await post({ posted_on: '2024-03-01', body: '😀'.repeat(16383) });
  assert.equal(ok.status, 303, 'just under the column\'s size is stored');
  assert.equal(sql("SELECT CHAR_LENGTH(body_md) FROM site_content WHERE title = '日期測試'")[0][0], '16383');
  sql("DELETE FROM audit_log WHERE field = '網站內容新增' AND new_value LIKE '%日期測試'; DELETE FROM site_content WHERE title = '日期測試'");
});

test('非機關活動: a 300-character option is refused (one the method lacks, or not one of its choices), nothing written', async () => {
  const team = await login('Z', 'TEAM');
  const page = await team.get('/team/activities?year=2024&method=elec_street');
  const count = () => sql('SELECT COUNT(*) FROM county_activities')[0][0];
  const before = count();
  const post = (fields) => team.post('/team/activities', { csrf: csrfOf(page.text), action: 'save', year: '2024', id: '0', version: '0', q: '10', description: '選項測試', ...fields });
  for (const opt of ['opt1', 'opt2', 'opt3']) {
    const r = await post({ method: 'elec_street', [opt]: 'x'.repeat(300) });
    assert.equal(r.status, 400, `${opt} of a method without options`);
    assert.match(r.text, new RegExp(`資料未存檔：「街道照明與交通號誌用電」沒有第 ${opt.slice(3)} 個選項`));
    assert.match(r.text, /id="f-description" name="description" type="text" value="選項測試"/, 'the description back');
    assert.match(r.text, /id="f-q" name="q" type="text" value="10"/, 'the quantity back');
  }
  const listed = await post({ method: 'fuel_stationary', opt1: 'x'.repeat(300) });
  assert.equal(listed.status, 400, 'an option the method has, with a value that is none of its choices');
  assert.match(listed.text, /<select id="f-opt1" name="opt1" aria-invalid="true">[\s\S]*?<\/select><p class="field-error">燃料的選項不正確<\/p>/, 'beside the select');
  const mobile = await post({ method: 'fuel_mobile', opt1: 'vehicle_diesel', opt2: '柴油' });
  assert.equal(mobile.status, 400, 'a non-ASCII value for an option the method lacks (an ASCII column)');
  assert.equal(count(), before, 'nothing written');
});

test('a NUL or a superscript digit is refused beside its field, the input back, nothing written (not a value cut at the NUL, not 10² read as 102)', async () => {
  // The agency's report: a quantity typed as 10², a scope with a NUL.
  const a = await login('Z', '371036600X');
  const f = await a.get('/report/edit?year=2024');
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const report = () => sql(`SELECT IFNULL(MAX(CONCAT(r.revision, '/', r.scope_text)), '-') FROM reports r JOIN agencies g ON g.id = r.agency_id
    WHERE g.code = '371036600X' AND r.year = 2024`)[0][0];
  const before = report();
  let r = await a.post('/report/edit', { csrf: csrfOf(f.text), year: '2024', revision, action: 'save', scope_text: '辦公室', own_electricity: '10²' });
  assert.equal(r.status, 400, 'a superscript two is not a 2');
  assert.match(r.text, /name="own_electricity"[^>]*value="10²"[\s\S]*?<p class="field-error"[^>]*>請輸入數字/, 'beside the field, the input back');
  r = await a.post('/report/edit', { csrf: csrfOf(f.text), year: '2024', revision, action: 'save', scope_text: '範圍\0尾巴', own_electricity: '100' });
  assert.equal(r.status, 400, 'a NUL in a text');
  assert.match(r.text, /含有不允許的控制字元/);
  assert.equal(report(), before, 'the report as it was');
  // The team's non-agency lines: the same.
  const team = await login('Z', 'TEAM');
  const page = await team.get('/team/activities?year=2024&method=compost');
  const count = () => sql("SELECT COUNT(*) FROM county_activities WHERE description LIKE 'NUL測試%'")[0][0];
  const post = (fields) => team.post('/team/activities', { csrf: csrfOf(page.text), action: 'save', method: 'compost', year: '2024', id: '0', version: '0', ...fields });
  r = await post({ description: 'NUL測試', q: '10²' });
  assert.equal(r.status, 400);
  assert.match(r.text, /id="f-q" name="q" type="text" value="10²"[^>]*>[\s\S]*?<p class="field-error"[^>]*>請輸入數字/);
  r = await post({ description: 'NUL測試\0<b>隱藏</b>', q: '10' });
  assert.equal(r.status, 400);
  assert.match(r.text, /說明過長（200 字以內）或含有不允許的字元/);
  assert.equal(count(), '0', 'nothing written');
  // The agency import: a NUL in a cell, a quote never closed.
  const agencies = () => sql("SELECT COUNT(*) FROM agencies WHERE code IN ('ZZA00005', 'ZZA00007', 'ZZA00008')")[0][0];
  r = await uploadImport(team, 'nul.csv', Buffer.from('ZZA00005,名稱\0<b>hidden</b>,371000000A\n'));
  assert.match(r.text, /檔案不是 UTF-8 編碼/, 'a file with a NUL byte is no UTF-8 text');
  r = await uploadImport(team, 'quote.csv', Buffer.from('ZZA00007,"名稱七,371000000A\nZZA00008,x,\n'));
  assert.match(r.text, /CSV 格式錯誤（第 1 列起）：請確認引號成對/, 'a quote never closed');
  assert.equal(agencies(), '0', 'no agency');
});

// County A (臺北市) has no demo data: a 20-level chain and a school are built there for this test
// and removed after it, so no other suite sees them.
test('機關管理: no agency below level 20, no move that would put a subtree below it; the field says why', async () => {
  const hash = sql("SELECT password_hash FROM accounts WHERE login = 'TEAM' AND county_id = 22")[0][0];
  sql(`INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password) VALUES ('team', 1, 'TEAM', '${hash}', 0)`);
  // DEPTH01 (level 1) > DEPTH02 > ... > DEPTH20 (level 20); HALL (1) > BUREAU (2) > SCHOOL (3); ROOTB (1).
  sql("INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (1, 'DEPTH01', '深度測試 1', 1, NULL)");
  for (let i = 2; i <= 20; i++) {
    const c = `DEPTH${String(i).padStart(2, '0')}`, p = `DEPTH${String(i - 1).padStart(2, '0')}`;
    sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) SELECT 1, '${c}', '深度測試 ${i}', ${i}, id FROM agencies WHERE county_id = 1 AND code = '${p}'`);
  }
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (1, 'HALL0001', '測試市政府', 1, NULL), (1, 'ROOTB001', '另一個一級機關', 1, NULL);
       INSERT INTO agencies (county_id, code, name, level, parent_id) SELECT 1, 'BUREAU01', '測試教育局', 2, id FROM agencies WHERE county_id = 1 AND code = 'HALL0001';
       INSERT INTO agencies (county_id, code, name, level, parent_id) SELECT 1, 'SCHOOL01', '測試國小', 3, id FROM agencies WHERE county_id = 1 AND code = 'BUREAU01'`);
  const id = (code) => sql(`SELECT id FROM agencies WHERE county_id = 1 AND code = '${code}'`)[0][0];
  const levels = () => sql('SELECT code, level, IFNULL(parent_id, 0) FROM agencies WHERE county_id = 1 ORDER BY code').map((r) => r.join(':')).join(' ');
  try {
    checkTree();
    const team = await login('A', 'TEAM');
    const page = await team.get('/team/agencies');
    const before = levels(), nAgencies = sql('SELECT COUNT(*) FROM agencies')[0][0], nAccounts = sql('SELECT COUNT(*) FROM accounts')[0][0];

    const below = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: 'DEPTH21', name: '第二十一級', parent: 'DEPTH20' });
    assert.equal(below.status, 400, 'an agency below level 20');
    assert.ok(below.text.includes('<input id="f-parent" name="parent" type="text" value="DEPTH20" maxlength="20" aria-invalid="true" aria-describedby="e-parent">'
      + '<p class="field-error" id="e-parent">此上級機關已是第 20 級，機關最多 20 級，其下不能再新增機關。</p>'), 'beside the parent field');
    assert.match(below.text, /<input id="f-code" name="code" type="text" value="DEPTH21"/, 'the code back');
    assert.match(below.text, /<input id="f-name" name="name" type="text" value="第二十一級"/, 'the name back');

    // DEPTH02's subtree is 19 levels deep: under a school (level 3) its bottom would be level 22.
    const x = id('DEPTH02');
    const deep = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: x, parent: 'SCHOOL01' });
    assert.equal(deep.status, 400, 'a 19-level subtree under a school');
    assert.ok(deep.text.includes(`<input id="mv-${x}" name="parent" maxlength="20" size="12" value="SCHOOL01" aria-invalid="true" aria-describedby="e-mv-${x}">`
      + ` <button type="submit" class="secondary">移動</button><p class="field-error" id="e-mv-${x}">無法移動：移到此上級機關之下，最下層的所屬機關將成為第 22 級，超過 20 級的上限。</p>`),
    'beside that row\'s field, with what was typed');
    assert.match(deep.text, /<input id="f-parent" name="parent" type="text" value="" maxlength="20">/, 'the create form is not marked');
    const long = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: x, parent: 'X'.repeat(21) });
    assert.equal(long.status, 400, 'a code longer than any code is not "no parent" (which would make it 一級)');
    assert.match(long.text, new RegExp(`<p class="field-error" id="e-mv-${x}">上級機關代碼為 4 至 20 個英數字`));
    const wide = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: 'WIDE0001', name: '寬字元', parent: '教育局代碼' });
    assert.equal(wide.status, 400, 'a parent code outside ASCII');
    assert.equal(levels(), before, 'nothing moved or created');
    assert.equal(sql('SELECT COUNT(*) FROM agencies')[0][0], nAgencies);
    assert.equal(sql('SELECT COUNT(*) FROM accounts')[0][0], nAccounts);
    checkTree();

    // Exactly 20 levels is allowed: DEPTH02's subtree under another 一級 agency ends at level 20.
    const fits = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'move', agency: x, parent: 'ROOTB001' });
    assert.equal(fits.status, 303);
    assert.deepEqual(sql(`SELECT MAX(level) FROM agencies WHERE county_id = 1 AND code LIKE 'DEPTH%' AND code <> 'DEPTH01'`), [['20']]);
    checkTree();
    const twenty = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: 'LEVEL020', name: '第二十級', parent: 'DEPTH19' });
    assert.equal(twenty.status, 200, 'an agency at level 20 may be created');
    assert.deepEqual(sql("SELECT level FROM agencies WHERE county_id = 1 AND code = 'LEVEL020'"), [['20']]);
    checkTree();
  } finally {
    await settled();
    const ids = sql('SELECT id FROM agencies WHERE county_id = 1').map((r) => r[0]).join(',') || '0';
    sql(`DELETE FROM audit_log WHERE agency_id IN (${ids}) OR account_id IN (SELECT id FROM accounts WHERE county_id = 1);
         DELETE FROM accounts WHERE county_id = 1; DELETE FROM rollups WHERE agency_id IN (${ids});
         DELETE FROM agency_tree WHERE descendant_id IN (${ids});
         DELETE FROM agencies WHERE county_id = 1 ORDER BY level DESC`);
  }
});

// Every POST route's fields that reach MySQL, each with a value its column or its meaning cannot
// take. Numeric quantities of the report form and of non-agency lines are checked by their own suites.
test('every POST field with a value its column cannot hold: a 4xx (the login page for /login), never a 5xx, nothing written', async () => {
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE county_id = 22 AND contact_name IS NULL");
  // Nothing else may be writing meanwhile: the worker idle (no pending rollup, no export being built).
  await settled();
  await waitFor('no export queued or running', () => sql("SELECT COUNT(*) FROM exports WHERE status IN ('queued', 'running')")[0][0] === '0', 60000, 200);
  // Nor the exporter's sweep of expired workbooks (a superseded one expires at once): none due now or during the test.
  await waitFor('no workbook due for the sweep', () =>
    sql("SELECT COUNT(*) FROM exports WHERE file IS NOT NULL AND expires_at < NOW() + INTERVAL 30 SECOND")[0][0] === '0', 60000, 200);
  const team = await login('Z', 'TEAM'), admin = await login('', 'admin'), school = await login('Z', '371036500X'), hall = await login('Z', '371000000A');
  const anon = new Client();
  const A = (code) => sql(`SELECT id FROM agencies WHERE county_id = 22 AND code = '${code}'`)[0][0];
  const schoolId = A('371036500X'), hallId = A('371000000A'), account = sql("SELECT id FROM accounts WHERE county_id = 22 AND login = '371036500X'")[0][0];
  const huge = '99999999999999999999', L = (n, ch = 'x') => ch.repeat(n), E = '😀';
  const contact = { full_name: '介壽國中小', contact_name: '承辦', contact_phone: '0836-123456', contact_email: 'x@example.gov.tw' };
  const report = { year: '2024', action: 'save', scope_text: '校舍' };
  const activity = { action: 'save', method: 'elec_street', year: '2024', id: '0', version: '0', q: '10' };
  const content = { action: 'save', kind: 'news', id: '0', version: '0', title: '標題', posted_on: '2024-01-01', body: '內容' };
  // [who, page with the form, route, valid fields, field, bad value, multipart]
  const cases = [
    [anon, '/', '/login', { county: 'Z', account: '371036500X', password: 'x' }, 'account', '帳號'],
    [anon, '/', '/login', { county: '', account: '371036500X', password: 'x' }, 'account', 'é371036500X'],
    [anon, '/', '/login', { county: 'Z', account: '371036500X', password: 'x' }, 'account', L(41)],
    [anon, '/', '/login', { county: 'Z', account: '371036500X', password: 'x' }, 'county', 'é'],
    [anon, '/', '/login', { county: 'Z', account: '371036500X', password: 'x' }, 'county', 'ZZ'],
    [anon, '/', '/login', { county: 'Z', account: '371036500X', password: 'x' }, 'password', L(201)],
    ...['full_name', 'contact_name', 'contact_phone', 'contact_fax', 'contact_email'].map((f) => [school, '/account', '/account', contact, f, L(255, E)]),
    // (no current password: a wrong one is a counted, audited failure, tested in password_limit.test.mjs)
    [school, '/password', '/password', { old: '', new: 'abcdefghijk', new2: 'abcdefghijk' }, 'new', L(201)],
    [school, '/password', '/password', { old: '', new: 'abcdefghijk', new2: 'abcdefghijk' }, 'new', 'abc\u0001defghijk'],
    ...['scope_text', 'outsourced_scope_text'].map((f) => [school, '/report/edit?year=2024', '/report/edit', report, f, L(1001, E)]),
    [school, '/report/edit?year=2024', '/report/edit', { ...report, own_generator_diesel: '1' }, 'own_generator_name', L(101, E)],
    [school, '/report/edit?year=2024', '/report/edit', { ...report, own_ref_qty_1: '1' }, 'own_ref_type_1', '冷媒'],
    [school, '/report/edit?year=2024', '/report/edit', { ...report, own_ref_qty_1: '1' }, 'own_ref_type_1', L(17)],
    [school, '/report/edit?year=2024', '/report/edit', { ...report, own_other_qty_1: '1', own_other_unit_1: '度' }, 'own_other_name_1', L(101, E)],
    [school, '/report/edit?year=2024', '/report/edit', { ...report, own_other_qty_1: '1', own_other_name_1: '能源' }, 'own_other_unit_1', L(21, E)],
    [school, '/report/edit?year=2024', '/report/edit', report, 'revision', huge],
    [school, '/report/edit?year=2024', '/report/edit', report, 'year', '99999'],
    [school, '/report/edit?year=2024', '/report/edit', report, 'year', '2030'],
    [hall, '/review?year=2024', '/review/export', { year: '2024', agency: hallId }, 'year', '99999'],
    [hall, '/review?year=2024', '/review/export', { year: '2024', agency: hallId }, 'agency', huge],
    [team, '/team/years', '/team/years', { year: '2024', deadline: '' }, 'deadline', '2024-02-31'],
    [team, '/team/years', '/team/years', { year: '2024', deadline: '' }, 'deadline', '2024-06-30junk'],
    [team, '/team/years', '/team/years', { year: '2024', deadline: '' }, 'deadline', '9999-12-31'],
    [team, '/team/years', '/team/years', { year: '2024', deadline: '' }, 'year', '99999'],
    [team, '/team/years', '/team/years', { year: '2024', deadline: '' }, 'year', '-1'],
    [team, '/team/accounts', '/team/accounts', { action: 'unlock', account }, 'account', huge],
    [team, '/team', '/team/reminders', { year: '2024' }, 'year', '99999'],
    [team, '/team/agencies', '/team/agencies', { action: 'create', code: 'BOUND001', name: '機關', parent: '' }, 'code', L(21)],
    [team, '/team/agencies', '/team/agencies', { action: 'create', code: 'BOUND001', name: '機關', parent: '' }, 'code', '機關代碼'],
    [team, '/team/agencies', '/team/agencies', { action: 'create', code: 'BOUND001', name: '機關', parent: '' }, 'name', L(201, E)],
    [team, '/team/agencies', '/team/agencies', { action: 'create', code: 'BOUND001', name: '機關', parent: '' }, 'parent', L(21)],
    [team, '/team/agencies', '/team/agencies', { action: 'create', code: 'BOUND001', name: '機關', parent: '' }, 'parent', '上級機關'],
    [team, '/team/agencies', '/team/agencies', { action: 'edit', agency: schoolId, code: '371036500X', name: '機關' }, 'code', L(21)],
    [team, '/team/agencies', '/team/agencies', { action: 'edit', agency: schoolId, code: '371036500X', name: '機關' }, 'name', L(201, E)],
    [team, '/team/agencies', '/team/agencies', { action: 'edit', agency: schoolId, code: '371036500X', name: '機關' }, 'agency', huge],
    [team, '/team/agencies', '/team/agencies', { action: 'move', agency: schoolId, parent: '371030000A' }, 'parent', L(21)],
    [team, '/team/agencies', '/team/agencies', { action: 'move', agency: schoolId, parent: '371030000A' }, 'parent', '上級機關'],
    [team, '/team/agencies', '/team/agencies', { action: 'move', agency: schoolId, parent: '371030000A' }, 'agency', huge],
    [team, '/team/agencies', '/team/agencies', { action: 'deactivate', agency: schoolId }, 'agency', huge],
    [team, '/team/agencies/import', '/team/agencies/import', { action: 'confirm', id: '1' }, 'id', huge],
    [team, '/team/agencies/import', '/team/agencies/import', { action: 'passwords', id: '1' }, 'id', huge],
    ...['description', 'note'].map((f) => [team, '/team/activities?year=2024', '/team/activities', activity, f, L(301, E)]),
    ...['opt1', 'opt2', 'opt3'].map((f) => [team, '/team/activities?year=2024', '/team/activities', activity, f, L(300)]),
    [team, '/team/activities?year=2024', '/team/activities', { ...activity, method: 'fuel_mobile' }, 'opt1', L(300)],
    [team, '/team/activities?year=2024', '/team/activities', { ...activity, method: 'landfill', opt1: 'paper', opt2: 'managed_anaerobic' }, 'opt3', L(300)],
    [team, '/team/activities?year=2024', '/team/activities', { ...activity, override: '1' }, 'reason', L(301, E)],
    [team, '/team/activities?year=2024', '/team/activities', activity, 'method', L(300)],
    [team, '/team/activities?year=2024', '/team/activities', activity, 'id', huge],
    [team, '/team/activities?year=2024', '/team/activities', activity, 'year', '99999'],
    [team, '/team/activities?year=2024', '/team/activities', { action: 'delete', year: '2024', id: '1', version: '1' }, 'version', huge],
    [team, '/team/inventory?year=2024', '/team/inventory', { action: 'export_detail', year: '2024' }, 'year', '99999'],
    [team, '/team/inventory?year=2024', '/team/inventory', { action: 'publish', year: '2024' }, 'action', L(300)],
    [admin, '/admin/content', '/admin/content', content, 'title', L(201, E), true],
    [admin, '/admin/content', '/admin/content', { ...content, kind: 'glossary', title_en: 'term' }, 'title_en', L(201, E), true],
    [admin, '/admin/content', '/admin/content', content, 'body', L(16384, E), true],
    [admin, '/admin/content', '/admin/content', content, 'posted_on', '2024-02-31', true],
    [admin, '/admin/content', '/admin/content', content, 'posted_on', '2024-06-30junk', true],
    [admin, '/admin/content', '/admin/content', content, 'posted_on', '1999-12-31', true],
    [admin, '/admin/content', '/admin/content', content, 'id', huge, true],
    [admin, '/admin/content', '/admin/content', content, 'kind', L(300), true],
    [admin, '/admin/content', '/admin/content', { action: 'delete', kind: 'news', id: '1', version: '1' }, 'version', huge, true],
  ];
  const failures = [];
  for (const [who, formPage, route, valid, field, value, isMultipart] of cases) {
    const page = await who.get(formPage);
    const fields = { csrf: csrfOf(page.text), ...valid, [field]: value };
    if (route === '/report/edit' && field !== 'revision') fields.revision = page.text.match(/name="revision" value="(-?\d+)"/)[1];
    const before = checksum();
    const r = isMultipart ? await who.req(route, { method: 'POST', body: multipart(fields) }) : await who.post(route, fields);
    const what = `${route} ${valid.action || ''} ${field}=${value.length > 24 ? `${[...value][0]}×${[...value].length}` : value}`;
    const want = route === '/login' ? r.status === 200 && /登入失敗/.test(r.text) : r.status >= 400 && r.status < 500;
    if (!want) failures.push(`${what}: ${r.status}`);
    const after = checksum();
    if (after !== before) failures.push(`${what}: something was written (${changed(before, after)})`);
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});
