// account_quality.test.mjs: the forced password change at first login, the password rules,
// last year's values and the data-quality warnings, the provisional mark, bounded text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, r };
}

test('an account flagged so must change its password first; the rules are enforced', async () => {
  sql("UPDATE accounts SET must_change_password = 1 WHERE login = '371040000A'");
  const { c, r } = await login('Z', '371040000A');
  assert.equal(r.headers.get('location'), '/password');
  const other = await login('Z', '371040000A');
  for (const p of ['/report', '/account', '/report/edit?year=2023']) {
    const g = await c.get(p);
    assert.equal(g.status, 303, p);
    assert.equal(g.headers.get('location'), '/password');
  }
  const page = await c.get('/password');
  assert.match(page.text, /請先設定新密碼/);
  const csrf = csrfOf(page.text);
  const cases = [
    [{ old: 'wrong', new: 'long-enough-pw', new2: 'long-enough-pw' }, /目前密碼不正確/],
    [{ old: 'cityinv-demo', new: 'short', new2: 'short' }, /至少需 10 個字元/],
    [{ old: 'cityinv-demo', new: 'long-enough-pw', new2: 'long-enough-pX' }, /不一致/],
    [{ old: 'cityinv-demo', new: 'cityinv-demo', new2: 'cityinv-demo' }, /不可與目前密碼相同/],
  ];
  for (const [body, msg] of cases) {
    const x = await c.post('/password', { csrf, ...body });
    assert.equal(x.status, 400);
    assert.match(x.text, msg);
  }
  const ok = await c.post('/password', { csrf, old: 'cityinv-demo', new: '新的密碼-2026-secure', new2: '新的密碼-2026-secure' });
  assert.equal(ok.status, 303);
  assert.equal((await c.get('/report')).status, 200, 'free to work now');
  assert.equal((await other.c.get('/report')).status, 401, 'the other session was ended by the change');
  const again = await login('Z', '371040000A', '新的密碼-2026-secure');
  assert.equal(again.r.status, 303);
  assert.equal(again.r.headers.get('location'), '/');
  const hist = sql("SELECT field, IFNULL(old_value, '-'), new_value FROM audit_log WHERE field = '密碼' ORDER BY id DESC LIMIT 1");
  assert.deepEqual(hist, [['密碼', '-', '已變更']], 'the audit trail records the change, never the password');
  // Back to the demo password for the tests that follow.
  sql("UPDATE accounts a JOIN (SELECT password_hash FROM accounts WHERE kind = 'admin' AND login = 'admin') d SET a.password_hash = d.password_hash WHERE a.login = '371040000A'");
});

async function fill(c, year, fields) {
  const f = await c.get(`/report/edit?year=${year}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  return c.post('/report/edit', { csrf: csrfOf(f.text), year: String(year), revision, ...fields });
}

test("last year's value beside each field; warnings on a ±50% jump and on missing electricity", async () => {
  sql("UPDATE agencies SET contact_name = '測試', contact_phone = '0836-123456', contact_email = 't@example.gov.tw' WHERE code = '371030000A'");
  const { c } = await login('Z', '371030000A');
  const saved = await fill(c, 2021, { action: 'save', scope_text: '教育處辦公室', own_electricity: '20000', own_natural_gas: '100' });
  assert.equal(saved.status, 303);
  const calc = await fill(c, 2022, { action: 'calc', own_electricity: '35000', own_natural_gas: '110' });
  assert.equal(calc.status, 200);
  const elec = calc.text.match(/name="own_electricity"[\s\S]*?<\/div><\/div>/)[0];
  assert.match(elec, /去年：20000/);
  assert.match(elec, /與去年相差超過 ±50%/, '+75% warns');
  const gas = calc.text.match(/name="own_natural_gas"[\s\S]*?<\/div><\/div>/)[0];
  assert.match(gas, /去年：100/);
  assert.doesNotMatch(gas, /相差超過/, '+10% does not');
  const noElec = await fill(c, 2022, { action: 'calc', own_natural_gas: '110' });
  assert.equal(noElec.status, 200, 'a warning, not an error');
  assert.match(noElec.text, /電力為空白或 0/);
  const zero = await fill(c, 2022, { action: 'calc', own_electricity: '0', own_lpg: '3' });
  assert.match(zero.text, /電力為空白或 0/);
});

test('a provisional (暫用) value is marked where it is used; derived values say so', async () => {
  const { c } = await login('Z', '371030000A');
  const r = await fill(c, 2024, { action: 'calc', own_vehicle_gasoline: '100', own_ext_bc: '10', own_ref_R410a: '1' });
  assert.equal(r.status, 200);
  const gasoline = r.text.match(/<tr><td>不含委外<\/td><td>公務車用油 汽油[\s\S]*?<\/tr>/)[0];
  assert.match(gasoline, /<span class="status s1">暫用<\/span>/);
  assert.match(gasoline, /PROVISIONAL/, 'the source of the provisional heat value is shown');
  assert.match(gasoline, /229\.061/);
  assert.match(r.text, /部分係數為暫用值/);
  const bc = r.text.match(/<tr><td>不含委外<\/td><td>BC乾粉滅火器[\s\S]*?<\/tr>/)[0];
  assert.match(bc, /推估：化學計量/);
  assert.match(bc, /DERIVED stoichiometry/);
  const r410 = r.text.match(/<tr><td>不含委外<\/td><td>冷媒 R410a[\s\S]*?<\/tr>/)[0];
  assert.match(r410, /<td>AR5<\/td>/);
  assert.match(r410, /1,923\.500/);
});

test('text is bounded and must be valid UTF-8; nothing is saved on refusal', async () => {
  const { c } = await login('Z', '371030000A');
  const long = await fill(c, 2021, { action: 'save', scope_text: '長'.repeat(1001), own_electricity: '1' });
  assert.equal(long.status, 400);
  assert.match(long.text, /內容過長/);
  const f = await c.get('/report/edit?year=2021');
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const body = `csrf=${csrfOf(f.text)}&year=2021&revision=${revision}&action=save&scope_text=%FF%FEbad&own_electricity=1`;
  const bad = await c.req('/report/edit', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /無法辨識的字元/);
  const [[elec]] = sql("SELECT i.quantity_milli FROM report_items i JOIN reports r ON r.id = i.report_id JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371030000A' AND r.year = 2021 AND i.item = 'electricity'");
  assert.equal(elec, '20000000', 'the stored report is unchanged');
});
