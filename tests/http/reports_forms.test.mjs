// reports_forms.test.mjs: issue 11 — the declared input of the report pages and the review page.
// A bad form revision is refused with a message (never taken as 0 or -1: the old code saved a new
// report posted with revision=abc), an action no button sends is a 400, a year outside the inventory
// years is a 404 on every report page (the old history page served 2030), an agency id that is not
// one is a 404, and a review year that is not a number is refused (the old page read "2023x" as 2023).
// The per-item quantities keep their messages beside their fields.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, sql, loginAs as login } from '../lib.mjs';

const Y = 2016;                        // a year no other suite writes for 金門縣環境保護局
const CODE = '397030000A';
const HUGE = '99999999999999999999';   // 20 digits
const id = (code) => sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
const written = () => sql(`SELECT (SELECT COUNT(*) FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '${CODE}' AND r.year = ${Y}),
  (SELECT COUNT(*) FROM audit_log l JOIN agencies a ON a.id = l.agency_id WHERE a.code = '${CODE}' AND l.year = ${Y}),
  (SELECT COUNT(*) FROM outbox o JOIN agencies a ON a.id = o.agency_id WHERE a.code = '${CODE}' AND o.year = ${Y})`)[0].join('/');

const contact = sql(`SELECT IFNULL(contact_name, ''), IFNULL(contact_phone, ''), IFNULL(contact_email, '') FROM agencies WHERE code = '${CODE}'`)[0];
sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '082-123456', contact_email = 'x@example.gov.tw' WHERE code = '${CODE}'`);
after(() => {
  const v = (s) => (s ? `'${s}'` : 'NULL');
  sql(`UPDATE agencies SET contact_name = ${v(contact[0])}, contact_phone = ${v(contact[1])}, contact_email = ${v(contact[2])} WHERE code = '${CODE}'`);
});

test('存檔 with a revision that is missing or not one is refused: 400, the message, the input back, nothing written', async () => {
  assert.equal(written(), '0/0/0', 'no report of that year yet');
  const c = await login('W', CODE);
  const page = await c.get(`/report/edit?year=${Y}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /name="revision" value="0"/, 'a new report is at revision 0');
  for (const revision of ['abc', '', '-1', HUGE, '4294967296', '1.0', undefined]) {
    const form = { csrf: csrfOf(page.text), year: String(Y), action: 'save', scope_text: '辦公廳舍', own_electricity: '321' };
    if (revision !== undefined) form.revision = revision;
    const r = await c.post('/report/edit', form);
    assert.equal(r.status, 400, `revision ${revision}`);
    assert.match(r.text, /未存檔：表單缺少版本資訊或版本不正確/, `revision ${revision}: the message`);
    assert.match(r.text, /name="own_electricity" type="text" value="321"/, `revision ${revision}: the input back`);
    assert.ok(r.text.includes(`name="revision" value="${revision ?? ''}"`), `revision ${revision}: sent back as it came`);
    assert.equal(written(), '0/0/0', `revision ${revision}: nothing written`);
  }
  // 計算 stores nothing and needs no revision; the one sent goes back as it came (escaped).
  const calc = await c.post('/report/edit', { csrf: csrfOf(page.text), year: String(Y), revision: '<b>', action: 'calc', own_electricity: '321' });
  assert.equal(calc.status, 200);
  assert.match(calc.text, /計算完成（尚未存檔）/);
  assert.ok(calc.text.includes('name="revision" value="&lt;b&gt;"'), 'the revision as sent, escaped');
  assert.equal(written(), '0/0/0');
});

test('an action no button sends is a 400; a closed year still answers 403 first', async () => {
  const c = await login('W', CODE);
  const page = await c.get(`/report/edit?year=${Y}`);
  for (const action of ['delete', 'SAVE', 'save ']) {
    const r = await c.post('/report/edit', { csrf: csrfOf(page.text), year: String(Y), revision: '0', action, scope_text: '辦公廳舍', own_electricity: '1' });
    assert.equal(r.status, 400, action);
    assert.match(r.text, /請求格式錯誤/, action);
  }
  // Without an action (Enter in a field of an old browser) the form is computed, as before.
  const none = await c.post('/report/edit', { csrf: csrfOf(page.text), year: String(Y), revision: '0', own_electricity: '1' });
  assert.equal(none.status, 200);
  assert.match(none.text, /計算完成（尚未存檔）/);
  const W = "(SELECT id FROM counties WHERE letter = 'W')";
  const [[open]] = sql(`SELECT is_open FROM inventory_years WHERE county_id = ${W} AND year = ${Y}`);
  sql(`UPDATE inventory_years SET is_open = 0 WHERE county_id = ${W} AND year = ${Y}`);
  try {
    const closed = await c.post('/report/edit', { csrf: csrfOf(page.text), year: String(Y), revision: 'abc', action: 'delete', own_electricity: '1' });
    assert.equal(closed.status, 403, 'a closed year: 403 whatever the action and revision');
  } finally {
    sql(`UPDATE inventory_years SET is_open = ${open} WHERE county_id = ${W} AND year = ${Y}`);
  }
  assert.equal(written(), '0/0/0');
});

test('a year outside the inventory years, or not a year, is a 404 on every report page', async () => {
  const c = await login('W', CODE);
  const team = await login('W', 'TEAM');
  const me = id(CODE);
  const [[first, last]] = sql('SELECT MIN(year), MAX(year) FROM inventory_years');
  for (const year of [String(Number(first) - 1), String(Number(last) + 1), '2030', 'abc', `${last}x`, ` ${last}`, HUGE]) {
    const q = encodeURIComponent(year);
    for (const [who, p] of [[c, `/report/edit?year=${q}`], [c, `/report/view?year=${q}`], [c, `/report/history?year=${q}`],
      [team, `/report/view?year=${q}&agency=${me}`]]) {
      const r = await who.get(p);
      assert.equal(r.status, 404, `${p}: ${r.status}`);
    }
  }
  for (const p of [`/report/edit?year=${last}`, `/report/view?year=${last}`, `/report/history?year=${last}`]) {
    assert.equal((await c.get(p)).status, 200, p);
  }
  assert.equal((await team.get(`/report/view?year=${last}&agency=${me}`)).status, 200, 'the team names an agency of its county');
});

test('/report/view: an agency id that is not one is a 404, for an agency and for the team', async () => {
  const c = await login('W', CODE);
  const team = await login('W', 'TEAM');
  for (const agency of [HUGE, 'abc', '0', '', '-1', `${id(CODE)}x`]) {
    for (const who of [c, team]) {
      const r = await who.get(`/report/view?year=${Y}&agency=${encodeURIComponent(agency)}`);
      assert.equal(r.status, 404, `agency=${agency}`);
    }
  }
  assert.equal((await team.get(`/report/view?year=${Y}`)).status, 404, 'the team must name the agency');
  assert.equal((await c.get(`/report/view?year=${Y}`)).status, 200, 'an agency sees its own without naming it');
});

test('/review: a year that is not a number is refused, a number outside the years gets the list, a bad agency a 404', async () => {
  const hall = await login('W', '397020000A');
  const me = id('397020000A');
  const [[last]] = sql('SELECT MAX(year) FROM inventory_years');
  assert.equal((await hall.get('/review')).status, 200, 'no year: the list of years');
  assert.equal((await hall.get('/review?year=')).status, 200, 'a blank year: the list of years');
  for (const year of ['abc', `${last}x`, `${last}'`, HUGE, '-5']) {
    const r = await hall.get(`/review?year=${encodeURIComponent(year)}`);
    assert.equal(r.status, 404, `year=${year}`);
    assert.doesNotMatch(r.text, /data-agency/, `year=${year}: no table`);
  }
  const out = await hall.get(`/review?year=${Number(last) + 5}`);
  assert.equal(out.status, 404);
  assert.ok(out.text.includes(`民國 ${Number(last) + 5 - 1911} 年（${Number(last) + 5}）不是盤查年度，請從下列年度中選擇。`));
  for (const agency of [HUGE, 'abc', '0', `${me}x`]) {
    const r = await hall.get(`/review?year=${last}&agency=${encodeURIComponent(agency)}`);
    assert.equal(r.status, 404, `agency=${agency}`);
  }
  const ok = await hall.get(`/review?year=${last}&agency=${me}`);
  assert.equal(ok.status, 200);
  assert.match(ok.text, /data-agency=/);
});

test('the quantities, rows and texts of the form keep their messages beside their fields', async () => {
  const c = await login('W', CODE);
  const page = await c.get(`/report/edit?year=${Y}`);
  const r = await c.post('/report/edit', { csrf: csrfOf(page.text), year: String(Y), revision: '0', action: 'save',
    scope_text: '字'.repeat(1001), own_electricity: '10000000001', outsourced_lpg: '１，０００，０００，００１',
    own_ref_type_1: 'R32', own_ref_qty_1: '12ab', own_ref_qty_2: '3', outsourced_ref_type_1: 'R404A',
    own_other_name_1: '蒸汽', own_other_qty_1: '1000000000001', outsourced_other_unit_1: '噸' });
  assert.equal(r.status, 400);
  const beside = (name, msg) => assert.ok(r.text.includes(`id="e-${name}">${msg}</p>`), `${name}: ${msg}`);
  beside('own_electricity', '數值過大（上限 10,000,000,000 度）。');
  beside('outsourced_lpg', '數值過大（上限 1,000,000,000 公斤）。');
  beside('own_ref_qty_1', '請輸入數字，例如 1234.5 或 1,234.5。');
  beside('own_other_qty_1', '數值過大（上限 1,000,000,000,000）。');
  assert.ok(r.text.includes('<textarea id="f-scope_text" name="scope_text" rows="3" maxlength="1000" aria-invalid="true">'), 'scope_text marked');
  assert.ok(r.text.includes('</textarea><p class="field-error">內容過長。</p>'), 'scope_text: its message');
  assert.match(r.text, /請選擇冷媒型號。/, 'a quantity without its type');
  assert.match(r.text, /請填寫補充量（公斤）；/, 'a type without its quantity');
  assert.match(r.text, /請填寫能源資源名稱。/, 'an 其他能源 row without its name');
  assert.match(r.text, /name="outsourced_lpg" type="text" value="１，０００，０００，００１"/, 'the input back as typed');
  assert.equal(written(), '0/0/0');
});
