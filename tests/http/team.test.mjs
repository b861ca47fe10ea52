// team.test.mjs: the county team's console: the county's agencies with status, totals and
// contacts, filters and search, counts under each 一級 agency; years opened and closed with
// a deadline; 解鎖機關帳號 and password resets with a one-time password; only its own county.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql, waitFor } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, r };
}

const rowOf = (html, code) => (html.match(new RegExp(`<tr><td>${code}</td>[\\s\\S]*?</tr>`)) || [null])[0];

test('the console lists every agency of the county with status, totals and contact', async () => {
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE county_id = 22");
  // A report to count: 介壽 files 2020.
  const a = (await login('Z', '371036500X')).c;
  const f = await a.get('/report/edit?year=2020');
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const saved = await a.post('/report/edit', { csrf: csrfOf(f.text), year: '2020', revision, action: 'save', scope_text: '校舍', own_electricity: '1234.5' });
  assert.equal(saved.status, 303);
  await waitFor('no pending work', () => sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0', 30000);
  const { c } = await login('Z', 'TEAM');
  const r = await c.get('/team?year=2020');
  assert.equal(r.status, 200);
  for (const code of ['371000000A', '371030000A', '371040000A', '371036500X', '371036600X']) assert.ok(rowOf(r.text, code), code);
  assert.ok(!rowOf(r.text, '397020000A'), 'nothing of county W');
  const [[total]] = sql("SELECT total_milli FROM county_rollups WHERE county_id = 22 AND year = 2020");
  const shown = (BigInt(total) / 1000n).toLocaleString('en-US') + '.' + String(BigInt(total) % 1000n).padStart(3, '0');
  assert.match(r.text, new RegExp(`id="county-total">${shown.replace(/[.]/g, '\\.')}`));
  // Named for what it is: the agencies' own figures, the inventory's 排放總量 (with the non-agency lines) linked.
  assert.match(r.text, /<th>各機關填報合計 \(KgCO₂e\)<br><span class="muted">不含非機關單位活動；全縣市的排放總量見<a href="\/team\/inventory\?year=2020">盤查清冊<\/a>/);
  assert.match(rowOf(r.text, '371036500X'), /承辦<\/td><td>0836-123456<\/td><td>x@example\.gov\.tw/);
  assert.match(r.text, /<caption>各一級機關（含所屬機關）填報狀況<\/caption>/);
  // 檢視: the team opens the agency's report, read-only.
  const link = rowOf(r.text, '371036500X').match(/href="(\/report\/view\?year=2020&amp;agency=\d+)"/)[1].replace(/&amp;/g, '&');
  const view = await c.get(link);
  assert.equal(view.status, 200);
  assert.match(view.text, /連江縣介壽國中小/);
  assert.doesNotMatch(view.text, /name="action" value="save"/, 'read-only');
});

test('filters by level and status, and search by name or code (literal, not a pattern)', async () => {
  const { c } = await login('Z', 'TEAM');
  const l3 = await c.get('/team?year=2020&level=3');
  assert.ok(rowOf(l3.text, '371036500X') && !rowOf(l3.text, '371000000A'));
  const none = await c.get('/team?year=2020&status=0');
  for (const m of none.text.matchAll(/<span class="status s(\d)">/g)) assert.equal(m[1], '0');
  const q = await c.get('/team?year=2020&q=' + encodeURIComponent('介壽'));
  assert.ok(rowOf(q.text, '371036500X') && !rowOf(q.text, '371036600X'));
  const code = await c.get('/team?year=2020&q=3710365');
  assert.ok(rowOf(code.text, '371036500X'));
  const wild = await c.get('/team?year=2020&q=' + encodeURIComponent('%'));
  assert.match(wild.text, /沒有符合條件的機關/, '% is searched for literally');
  const xss = await c.get('/team?year=2020&q=' + encodeURIComponent('"><script>alert(1)</script>'));
  assert.doesNotMatch(xss.text, /<script>alert/);
  assert.match(xss.text, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
});

test('a year closed by the team is read-only for agencies; the deadline shows in the year list', async () => {
  const { c } = await login('Z', 'TEAM');
  const page = await c.get('/team/years');
  const r = await c.post('/team/years', { csrf: csrfOf(page.text), year: '2015', deadline: '2016-06-30' });
  assert.equal(r.status, 303);
  const agency = (await login('Z', '371036500X')).c;
  const years = await agency.get('/report');
  assert.match(years.text, /民國 104 年（2015）<\/td><td><span[^>]*>[^<]*<\/span><\/td><td>105年6月30日<\/td><td>已關閉（唯讀）/);
  const form = await agency.get('/report/edit?year=2015');
  assert.match(form.text, /此年度已關閉/);
  const reopen = await c.post('/team/years', { csrf: csrfOf(page.text), year: '2015', is_open: '1', deadline: '2016-06-30' });
  assert.equal(reopen.status, 303);
  assert.match((await agency.get('/report')).text, /105年6月30日<\/td><td>開放填報/);
  const bad = await c.post('/team/years', { csrf: csrfOf(page.text), year: '2015', is_open: '1', deadline: '2016-13-45' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /日期不正確：請依「年-月-日」格式/);
});

test('解鎖機關帳號, and a reset gives a one-time password that must be changed', async () => {
  sql("UPDATE accounts SET failed_logins = 5, first_failed_at = NOW(), locked_until = NOW() + INTERVAL 30 MINUTE WHERE login = '371036600X'");
  const { c } = await login('Z', 'TEAM');
  let page = await c.get('/team/accounts');
  const [[acc]] = sql("SELECT id FROM accounts WHERE login = '371036600X'");
  assert.match(page.text, /已鎖定/);
  const u = await c.post('/team/accounts', { csrf: csrfOf(page.text), account: acc, action: 'unlock' });
  assert.equal(u.status, 303);
  assert.equal((await login('Z', '371036600X')).r.status, 303, 'unlocked');
  page = await c.get('/team/accounts');
  const reset = await c.post('/team/accounts', { csrf: csrfOf(page.text), account: acc, action: 'reset' });
  const otp = reset.text.match(/<strong id="otp">([A-Za-z0-9]{12})<\/strong>/)[1];
  assert.equal((await login('Z', '371036600X')).r.status, 200, 'the old password no longer works');
  const first = await login('Z', '371036600X', otp);
  assert.equal(first.r.headers.get('location'), '/password', 'change forced at first login');
  assert.doesNotMatch((await c.get('/team/accounts')).text, new RegExp(otp), 'shown once only');
  sql("UPDATE accounts a JOIN (SELECT password_hash FROM accounts WHERE kind = 'admin' AND login = 'admin') d SET a.password_hash = d.password_hash, a.must_change_password = 0 WHERE a.login = '371036600X'");
});

test("a team sees and changes nothing of another county; agencies cannot use the console", async () => {
  const { c } = await login('W', 'TEAM');
  const r = await c.get('/team?year=2020');
  assert.ok(!rowOf(r.text, '371036500X'));
  const page = await c.get('/team/accounts');
  const [[acc]] = sql("SELECT id FROM accounts WHERE login = '371036500X'");
  const x = await c.post('/team/accounts', { csrf: csrfOf(page.text), account: acc, action: 'reset' });
  assert.equal(x.status, 404);
  const agency = (await login('Z', '371036500X')).c;
  for (const p of ['/team', '/team/years', '/team/accounts']) assert.equal((await agency.get(p)).status, 403, p);
});

test('the reminder list (未登錄 / 登錄中 with contacts) as .xlsx, checked with openpyxl', async () => {
  const { execFileSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { TMP } = await import('../lib.mjs');
  const { c } = await login('Z', 'TEAM');
  const page = await c.get('/team?year=2020');
  const r = await c.post('/team/reminders', { csrf: csrfOf(page.text), year: '2020' });
  assert.equal(r.status, 303);
  const done = await waitFor('the list', async () => {
    const s = await c.get(r.headers.get('location'));
    return /status s2">完成/.test(s.text) ? s : null;
  }, 30000, 300);
  const dl = await c.req(done.text.match(/href="(\/download\?id=\d+)"/)[1], { raw: true });
  assert.equal(dl.status, 200);
  const file = path.join(TMP, 'reminders.xlsx');
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  const rows = JSON.parse(execFileSync('/usr/bin/python3', ['-c',
    'import json,sys,openpyxl; ws=openpyxl.load_workbook(sys.argv[1]).worksheets[0]; print(json.dumps([list(r) for r in ws.iter_rows(values_only=True)], ensure_ascii=False))', file],
  { encoding: 'utf8' }));
  const want = sql(`SELECT a.code, IF(r.id IS NULL, '未登錄', '登錄中') FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = 2020
    WHERE a.county_id = 22 AND a.active = 1 AND (r.id IS NULL OR r.filed = 0) ORDER BY a.level, a.code`);
  assert.deepEqual(rows.slice(2).map((x) => [x[1], x[4]]), want);
  assert.deepEqual(rows[1], ['序號', '機關代碼', '機關單位名稱', '上級機關', '登錄狀況', '聯絡人', '連絡電話', 'Email']);
  assert.ok(rows.slice(2).every((x) => x[5] === '承辦' && x[6] === '0836-123456'), 'contacts included');
  assert.ok(!rows.some((x) => String(x[1]).startsWith('397')), 'nothing of county W');
});
