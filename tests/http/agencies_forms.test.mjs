// agencies_forms.test.mjs: the declared input of 機關管理 and 批次匯入 (issue 11): an id is digits
// and nothing else (never the number its first digits make), an action the page does not have
// is refused, and each bad field is refused beside itself with what was typed; nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql, checkTree, uploadImport } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  assert.equal(r.status, 303, `login ${account}`);
  return c;
}
const id = (code) => sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
const zTree = () => JSON.stringify(sql('SELECT code, name, level, IFNULL(parent_id, 0), active FROM agencies WHERE county_id = 22 ORDER BY id'));
const imports = () => sql('SELECT COUNT(*) FROM agency_imports')[0][0];

test('an agency id with anything after its digits is no agency: its edit form is not found', async () => {
  const c = await login('Z', 'TEAM');
  const x = id('371040000A');
  for (const bad of [`${x}abc`, `${x} `, '99999999999999999999', '', '-1', `+${x}`, `${x}.0`]) {
    assert.equal((await c.get(`/team/agencies?edit=${encodeURIComponent(bad)}`)).status, 404, `edit=${bad}`);
  }
  // The same id as digits only is its form.
  assert.equal((await c.get(`/team/agencies?edit=${x}`)).status, 200);
});

test('an agency id with anything after its digits is no agency: not renamed, moved or deactivated (404)', async () => {
  const c = await login('Z', 'TEAM');
  const x = id('371040000A');
  const before = zTree();
  const page = await c.get('/team/agencies');
  const csrf = csrfOf(page.text);
  const failures = [];
  for (const bad of [`${x}abc`, `+${x}`, `${x}.0`, `${x} `, '99999999999999999999']) {
    for (const [action, fields] of [['edit', { code: '371040000A', name: '不該改名' }], ['move', { parent: '371030000A' }], ['deactivate', {}]]) {
      const r = await c.post('/team/agencies', { csrf, action, agency: bad, ...fields });
      if (r.status !== 404) failures.push(`${action} agency=${bad}: ${r.status}`);
      if (zTree() !== before) failures.push(`${action} agency=${bad}: written`);
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(zTree(), before, 'no agency renamed, moved or deactivated');
  checkTree();
});

test('an action /team/agencies does not have: 400, nothing written', async () => {
  const c = await login('Z', 'TEAM');
  const page = await c.get('/team/agencies');
  const before = zTree();
  for (const action of ['bogus', 'Create', '']) {
    const r = await c.post('/team/agencies', { csrf: csrfOf(page.text), action, code: 'FORMS001', name: '不該新增', parent: '' });
    assert.equal(r.status, 400, `action=${action}`);
  }
  const r = await c.post('/team/agencies', { csrf: csrfOf(page.text), code: 'FORMS001', name: '不該新增', parent: '' });
  assert.equal(r.status, 400, 'no action');
  assert.equal(zTree(), before);
});

test('create and edit: every bad field says why beside itself, with what was typed back', async () => {
  const c = await login('Z', 'TEAM');
  const page = await c.get('/team/agencies');
  const before = zTree();
  const long = '機'.repeat(201), longCode = 'P'.repeat(21);
  const r = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: 'AB', name: long, parent: longCode });
  assert.equal(r.status, 400);
  assert.match(r.text, /<p class="flash error" role="status">資料未存檔：請修正標示的欄位。<\/p>/);
  assert.ok(r.text.includes('<input id="f-code" name="code" type="text" value="AB" maxlength="20" required aria-invalid="true" aria-describedby="e-code">'
    + '<p class="field-error" id="e-code">機關代碼為 4 至 20 個英數字。</p>'), 'the code, and why');
  assert.ok(r.text.includes(`<input id="f-name" name="name" type="text" value="${long}" maxlength="200" required aria-invalid="true" aria-describedby="e-name">`
    + '<p class="field-error" id="e-name">請填寫機關單位名稱（200 字以內）。</p>'), 'the name, and why');
  assert.ok(r.text.includes(`<input id="f-parent" name="parent" type="text" value="${longCode}" maxlength="20" aria-invalid="true" aria-describedby="e-parent">`
    + '<p class="field-error" id="e-parent">上級機關代碼為 4 至 20 個英數字（一級機關免填）。</p>'), 'the parent, and why');
  const blank = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: '  ', name: '名稱', parent: '' });
  assert.equal(blank.status, 400);
  assert.match(blank.text, /<p class="field-error" id="e-code">機關代碼為 4 至 20 個英數字。<\/p>/, 'a blank code');
  assert.match(blank.text, /<input id="f-name" name="name" type="text" value="名稱"/, 'the other field back as typed');

  const x = id('371040000A');
  const e = await c.post('/team/agencies', { csrf: csrfOf(page.text), action: 'edit', agency: x, code: 'a b c d', name: '\u0007名' });
  assert.equal(e.status, 400);
  assert.match(e.text, /<input id="f-code" name="code" type="text" value="a b c d"[^>]*aria-invalid="true"/);
  assert.match(e.text, /<p class="field-error" id="e-code">機關代碼為 4 至 20 個英數字。<\/p>/);
  assert.match(e.text, /<p class="field-error" id="e-name">請填寫機關單位名稱（200 字以內）。<\/p>/, 'a control character in the name');
  assert.match(e.text, new RegExp(`<input type="hidden" name="agency" value="${x}">`), 'the same agency');
  assert.equal(zTree(), before);
});

test('an import id with anything after its digits is no import: 404, nothing applied', async () => {
  const c = await login('W', 'TEAM');
  const code = `FORMS${String(Date.now() % 1000000).padStart(6, '0')}`;
  const up = await uploadImport(c, 'forms.csv', Buffer.from(`${code},宣告表單測試,397020000A\n`));
  assert.equal(up.status, 303);
  const loc = up.headers.get('location');
  const imp = loc.split('=')[1];
  const preview = await c.get(loc);
  assert.equal(preview.status, 200);
  const plan = preview.text.match(/name="plan" value="([0-9a-f]{16})"/)[1];
  for (const bad of [`${imp}x`, `${imp} `, '', '0', '99999999999999999999']) {
    assert.equal((await c.get(`/team/agencies/import?id=${encodeURIComponent(bad)}`)).status, 404, `id=${bad}`);
    const r = await c.post('/team/agencies/import', { csrf: csrfOf(preview.text), action: 'confirm', id: bad, plan });
    assert.equal(r.status, 404, `confirm id=${bad}`);
    const p = await c.post('/team/agencies/import', { csrf: csrfOf(preview.text), action: 'passwords', id: bad });
    assert.equal(p.status, 404, `passwords id=${bad}`);
  }
  assert.equal(sql(`SELECT status FROM agency_imports WHERE id = ${imp}`)[0][0], 'preview', 'not applied');
  assert.equal(sql(`SELECT COUNT(*) FROM agencies WHERE code = '${code}'`)[0][0], '0');
  // A plan that is not a plan is a plan that changed: the preview again, nothing applied.
  const odd = await c.post('/team/agencies/import', { csrf: csrfOf(preview.text), action: 'confirm', id: imp, plan: 'x'.repeat(300) });
  assert.equal(odd.status, 409);
  assert.match(odd.text, /資料已在預覽後變動/);
  assert.equal(sql(`SELECT COUNT(*) FROM agencies WHERE code = '${code}'`)[0][0], '0');
});

test('an action the import does not have is refused (400) and its file not kept; without one, a POST is the upload', async () => {
  const c = await login('W', 'TEAM');
  const page = await c.get('/team/agencies/import');
  const send = (action) => {
    const fd = new FormData();
    fd.append('csrf', csrfOf(page.text));
    if (action !== undefined) fd.append('action', action);
    fd.append('file', new Blob([Buffer.from('FORMSACT1,動作測試,397020000A\n')]), 'action.csv');
    return c.req('/team/agencies/import', { method: 'POST', body: fd });
  };
  const before = imports();
  for (const action of ['bogus', 'CONFIRM', 'upload']) {
    const r = await send(action);
    assert.equal(r.status, 400, `action=${action}`);
  }
  assert.equal(imports(), before, 'no upload kept');
  const blank = await send('');
  assert.equal(blank.status, 303, 'a blank action is no action: the upload');
  assert.equal(imports(), String(Number(before) + 1));
  assert.equal(sql("SELECT COUNT(*) FROM agencies WHERE code = 'FORMSACT1'")[0][0], '0', 'kept for its preview, nothing applied');
});
