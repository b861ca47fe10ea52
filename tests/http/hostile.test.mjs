// hostile.test.mjs: hostile input: an XSS payload (also SQL and formula-like) in every text field
// that a page or a workbook shows back — stored literally, escaped on every page, a string cell in
// every workbook; SQL metacharacters in parameters; malformed cookies and multipart bodies;
// numbers such as -0, 1e309, NaN, 0x10, 10^13 refused with a message and nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, TMP, csrfOf, outboxDrained, sql, waitFor, loginAs as login } from '../lib.mjs';

const P = `<script>alert(1)</script>"'><img src=x onerror=alert(1)>'; DROP TABLE agencies; -- =HYPERLINK("http://e.example","x")`;
const CODE = `HOSTILE${Date.now() % 10000000}`;   // unique: a rerun on the same stack still works
const SHORT = `<b onmouseover=alert(1)>'--=1+1`;   // fits the 50-character fields

function clean(html, where) {
  assert.doesNotMatch(html, /<script>alert|<img src=x|<b onmouseover/, `${where}: raw markup came back`);
}
function cells(file) {
  const py = `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(json.dumps([[c.value, c.data_type] for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None], ensure_ascii=False, default=str))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}
async function workbook(c, location, name) {
  const id = location.match(/id=(\d+)/)[1];
  await waitFor(`${name}`, async () => /status s2">完成/.test((await c.get(`/exports?id=${id}`)).text), 60000, 300);
  const dl = await c.req(`/download?id=${id}`, { raw: true });
  const file = path.join(TMP, name);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  return cells(file);
}

test('the payload in every shown text field: stored as typed, escaped on pages, a string in workbooks', async () => {
  const agenciesBefore = sql('SELECT COUNT(*) FROM agencies')[0][0];
  // The team names a new agency with it.
  const team = await login('Z', 'TEAM');
  let page = await team.get('/team/agencies');
  const created = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: CODE, name: P, parent: '371000000A' });
  assert.equal(created.status, 200);
  clean(created.text, 'agency created');
  const hid = sql(`SELECT id FROM agencies WHERE code = '${CODE}'`)[0][0];
  assert.equal(sql(`SELECT name FROM agencies WHERE id = ${hid}`)[0][0], P, 'stored literally');
  // The agency's own contact data and its report's scope.
  const otp = created.text.match(/<strong id="otp">([A-Za-z0-9]{12})<\/strong>/)[1];
  sql(`UPDATE accounts SET password_hash = (SELECT h FROM (SELECT password_hash h FROM accounts WHERE kind = 'admin' AND login = 'admin') x), must_change_password = 0 WHERE login = '${CODE}'`);
  assert.ok(otp);
  const a = await login('Z', CODE);
  const acc = await a.get('/account');
  const saved = await a.post('/account', { csrf: csrfOf(acc.text), full_name: P, contact_name: SHORT, contact_phone: '0836-22381', contact_email: 'h@example.gov.tw' });
  assert.equal(saved.status, 303, saved.text);
  const f = await a.get('/report/edit?year=2023');
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  assert.equal((await a.post('/report/edit', { csrf: csrfOf(f.text), year: '2023', revision, action: 'save', scope_text: P, own_electricity: '100' })).status, 303);
  // Non-agency line and site content.
  const act = await team.get('/team/activities?year=2023&method=septic');
  assert.equal((await team.post('/team/activities', { csrf: csrfOf(act.text), action: 'save', method: 'septic', year: '2023', id: '0', version: '0', description: P.slice(0, 200), note: P.slice(0, 300), q: '10' })).status, 303);
  await outboxDrained();
  // Every page that shows them.
  const hall = sql("SELECT id FROM agencies WHERE code = '371000000A'")[0][0];
  for (const [c, p] of [[team, '/team/agencies'], [team, '/team?year=2023'], [team, `/team/agencies?edit=${hid}`],
    [team, '/team/activities?year=2023'], [team, '/team/inventory?year=2023'], [await login('Z', '371000000A'), `/report/view?year=2023&agency=${hid}`],
    [a, '/account'], [a, '/report/edit?year=2023'], [a, '/report/history?year=2023'], [a, '/'],
    [await login('Z', '371000000A'), `/review?year=2023&agency=${hall}`]]) {
    const r = await c.get(p);
    assert.equal(r.status, 200, p);
    clean(r.text, p);
  }
  // Workbooks: the reminder list (contacts), the review table, the inventory detail.
  page = await team.get('/team?year=2023');
  const rem = await team.post('/team/reminders', { csrf: csrfOf(page.text), year: '2023' });
  const inv = await team.get('/team/inventory?year=2023');
  const det = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: '2023', action: 'export_detail' });
  const hallc = await login('Z', '371000000A');
  const rv = await hallc.get(`/review?year=2023&agency=${hall}`);
  const rex = await hallc.post('/review/export', { csrf: csrfOf(rv.text), year: '2023', agency: hall });
  for (const [c, r, name] of [[team, rem, 'h-reminders.xlsx'], [team, det, 'h-detail.xlsx'], [hallc, rex, 'h-review.xlsx']]) {
    if (r.status !== 303) continue;   // a year without anything to remind (already complete) has no list
    const all = await workbook(c, r.headers.get('location'), name);
    const hits = all.filter(([v]) => typeof v === 'string' && (v.includes('<script>') || v.startsWith('=HYPERLINK') || v.includes('=HYPERLINK')));
    assert.ok(hits.length >= 1, `${name}: the payload is there`);
    for (const [, type] of hits) assert.equal(type, 's', `${name}: a string cell, never a formula`);
    assert.ok(!all.some(([, type]) => type === 'f'), `${name}: no formula at all`);
    assert.ok(!all.some(([v]) => typeof v === 'string' && /\$argon2|cityinv_session/.test(v)), `${name}: no hash or session`);
  }
  assert.equal(sql('SELECT COUNT(*) FROM agencies')[0][0], String(Number(agenciesBefore) + 1), 'the tables are intact');
  // Remove the hostile agency for the suites that follow.
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id = ${hid});
       DELETE FROM audit_log WHERE agency_id = ${hid} OR account_id IN (SELECT id FROM accounts WHERE agency_id = ${hid});
       DELETE FROM report_lines WHERE report_id IN (SELECT id FROM reports WHERE agency_id = ${hid});
       DELETE FROM report_items WHERE report_id IN (SELECT id FROM reports WHERE agency_id = ${hid});
       DELETE FROM reports WHERE agency_id = ${hid};
       DELETE FROM accounts WHERE agency_id = ${hid}; DELETE FROM rollups WHERE agency_id = ${hid};
       DELETE FROM agency_tree WHERE descendant_id = ${hid}; DELETE FROM agencies WHERE id = ${hid};
       DELETE FROM county_activities WHERE description LIKE '<script>%'`);
});

test('SQL metacharacters in parameters change nothing; malformed cookies and multipart bodies are refused cleanly', async () => {
  const before = sql('SELECT (SELECT COUNT(*) FROM agencies), (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM reports)')[0].join('/');
  const team = await login('Z', 'TEAM');
  for (const p of [`/team?year=2023&q=${encodeURIComponent("' OR 1=1 -- ")}`, `/team?year=2023&q=${encodeURIComponent('%')}&level=1'`,
    `/review?year=2023'&agency=1 OR 1=1`, `/team/activities?year=2023;DROP TABLE reports`, `/public?county=${encodeURIComponent("Z' OR '1'='1")}&year=2023`,
    `/exports?id=${encodeURIComponent('1 OR 1=1')}`, `/download?id=${encodeURIComponent("1' UNION SELECT password_hash FROM accounts --")}`]) {
    const r = await team.get(p);
    assert.ok(r.status < 500, `${p}: ${r.status}`);
    assert.doesNotMatch(r.text, /\$argon2/);
  }
  const q = await team.get(`/team?year=2023&q=${encodeURIComponent("' OR 1=1 -- ")}`);
  assert.doesNotMatch(q.text, /data-agency|<td>371/, 'the search is literal: nothing matches');
  for (const cookie of ['cityinv_session=%%%; ;;=;', `cityinv_session=${'a'.repeat(5000)}`, 'cityinv_session="unterminated', '=;=;=', 'cityinv_csrf=<script>']) {
    const r = await new Client().get('/', { headers: { Cookie: cookie } });
    assert.equal(r.status, 200, `cookie ${cookie.slice(0, 30)}`);
  }
  // The import preview shows a file's names escaped too (nothing is written by a preview).
  const up = await team.get('/team/agencies/import');
  const fd = new FormData();
  fd.append('csrf', csrfOf(up.text));
  fd.append('file', new Blob([Buffer.from(`HOSTILEIMP1,"${P.replace(/"/g, '""')}",371000000A\n`)]), '<img src=x onerror=alert(1)>.csv');
  const sent = await team.req('/team/agencies/import', { method: 'POST', body: fd });
  assert.equal(sent.status, 303);
  const preview = await team.get(sent.headers.get('location'));
  assert.match(preview.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  clean(preview.text, 'import preview');
  const imp = await team.get('/team/agencies/import');
  for (const [ctype, body] of [['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + csrfOf(imp.text) + '\r\n--x\r\nbroken'],
    ['multipart/form-data;', 'anything'], ['multipart/form-data; boundary=' + 'b'.repeat(200), '--b--']]) {
    const r = await team.req('/team/agencies/import', { method: 'POST', body, headers: { 'Content-Type': ctype } });
    assert.ok([400, 403].includes(r.status), `${ctype.slice(0, 40)}: ${r.status}`);
  }
  assert.equal(sql('SELECT (SELECT COUNT(*) FROM agencies), (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM reports)')[0].join('/'), before);
});

test('numbers: -0, 1e309, NaN, 0x10, 10^13 and full-width tricks are refused with a message; nothing written', async () => {
  const team = await login('Z', 'TEAM');
  const before = sql('SELECT COUNT(*) FROM county_activities')[0][0];
  for (const q of ['-0', '1e309', 'NaN', '0x10', '10000000000000', 'Infinity', '1.2.3', '１e5', ' ', '0,1']) {
    const f = await team.get('/team/activities?year=2023&method=compost');
    const r = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'compost', year: '2023', id: '0', version: '0', q });
    assert.equal(r.status, 400, `q=${q}`);
    assert.match(r.text, /class="field-error"/, `q=${q}: a message beside the field`);
  }
  assert.equal(sql('SELECT COUNT(*) FROM county_activities')[0][0], before);
});
