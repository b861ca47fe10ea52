// content.test.mjs: the public site's content kept by the platform admin: news on the home page,
// glossary, cases, downloads (files through nginx), FAQ; Markdown rendered without script;
// validation beside the field; versioned edits; only the admin may change it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql } from '../lib.mjs';

async function admin() {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county: '', account: 'admin', password: 'cityinv-demo' });
  assert.equal(r.status, 303);
  return c;
}

async function save(c, kind, fields, file) {
  const page = await c.get(`/admin/content?kind=${kind}`);
  assert.equal(page.status, 200);
  const fd = new FormData();
  fd.append('csrf', csrfOf(page.text));
  fd.append('action', 'save');
  fd.append('kind', kind);
  fd.append('id', fields.id || '0');
  fd.append('version', fields.version || '0');
  for (const [k, v] of Object.entries(fields)) if (k !== 'id' && k !== 'version') fd.append(k, v);
  if (file) fd.append('file', new Blob([file.bytes]), file.name);
  return c.req('/admin/content', { method: 'POST', body: fd });
}

test('the demo content is on the public pages', async () => {
  const c = new Client();
  const home = await c.get('/');
  assert.match(home.text, /<a href="\/news#c-1">114 年度政府機關溫室氣體盤查填報開始<\/a>/);
  const g = await c.get('/glossary');
  assert.match(g.text, /全球暖化潛勢 <span class="en" lang="en">Global Warming Potential \(GWP\)<\/span>/);
  const faq = await c.get('/faq');
  assert.match(faq.text, /忘記密碼怎麼辦？/);
  const cases = await c.get('/cases');
  assert.match(cases.text, /<li>盤點耗電設備<\/li>/, 'Markdown lists rendered');
});

test('news in Markdown: rendered, never script; validation beside the field; edit with its version; delete', async () => {
  const c = await admin();
  const bad = await save(c, 'news', { title: '', posted_on: '2026-13-01', body: '內容' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /請填寫標題/);
  assert.match(bad.text, /日期不正確：請依「年-月-日」格式/);
  const body = '**重要** 通知\n\n<script>alert(1)</script>\n\n[點我](javascript:alert(1)) 與 [指引](https://example.gov.tw/guide)\n\n<img src=x onerror=alert(1)>';
  assert.equal((await save(c, 'news', { title: '<b>系統維護</b>', posted_on: '2026-11-20', body })).status, 303);
  const [id, version] = sql("SELECT id, version FROM site_content WHERE title = '<b>系統維護</b>'")[0];
  const anon = new Client();
  const news = await anon.get('/news');
  const art = news.text.match(new RegExp(`<article class="content news" id="c-${id}">[\\s\\S]*?</article>`))[0];
  assert.match(art, /&lt;b&gt;系統維護&lt;\/b&gt;/, 'the title escaped');
  assert.match(art, /<strong>重要<\/strong>/);
  assert.doesNotMatch(art, /<script|onerror|javascript:/i, 'no script, no handler, no script URL');
  assert.match(art, /href="https:\/\/example.gov.tw\/guide"/);
  assert.match((await anon.get('/')).text, /系統維護/, 'on the home page');
  // Edit with the version; a stale edit is refused and keeps the input.
  const form = await c.get(`/admin/content?kind=news&edit=${id}`);
  assert.match(form.text, /\*\*重要\*\* 通知/);
  assert.equal((await save(c, 'news', { id, version, title: '系統維護', posted_on: '2026-11-21', body: '更新' })).status, 303);
  const stale = await save(c, 'news', { id, version, title: '舊的', posted_on: '2026-11-21', body: '舊' });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /value="舊的"/);
  assert.equal(sql(`SELECT title FROM site_content WHERE id = ${id}`)[0][0], '系統維護');
  const list = await c.get('/admin/content?kind=news');
  const fd = new FormData();
  for (const [k, v] of Object.entries({ csrf: csrfOf(list.text), action: 'delete', kind: 'news', id, version: String(Number(version) + 1) })) fd.append(k, v);
  assert.equal((await c.req('/admin/content', { method: 'POST', body: fd })).status, 303);
  assert.equal(sql(`SELECT COUNT(*) FROM site_content WHERE id = ${id}`)[0][0], '0');
});

test('資訊下載: a file uploaded by the admin is served by nginx under its name; other types refused', async () => {
  const c = await admin();
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x41)]);
  const refused = await save(c, 'download', { title: '惡意', posted_on: '2026-11-01', body: 'x' }, { name: 'run.html', bytes: Buffer.from('<script>') });
  assert.equal(refused.status, 400);
  assert.match(refused.text, /只接受 PDF/);
  assert.equal((await save(c, 'download', { title: '填報操作手冊', posted_on: '2026-11-01', body: '操作說明。' }, { name: '填報手冊.PDF', bytes: pdf })).status, 303);
  const id = sql("SELECT id FROM site_content WHERE title = '填報操作手冊' ORDER BY id DESC LIMIT 1")[0][0];
  const anon = new Client();
  const page = await anon.get('/downloads');
  assert.match(page.text, new RegExp(`href="/downloads/file\\?id=${id}">下載 填報手冊.PDF（3 KB）`));
  const dl = await anon.req(`/downloads/file?id=${id}`, { raw: true });
  assert.equal(dl.status, 200);
  assert.match(dl.headers.get('content-disposition'), /filename\*=UTF-8''%E5%A1%AB/);
  assert.equal(dl.headers.get('x-accel-redirect'), null, 'nginx consumed the internal redirect');
  assert.deepEqual(Buffer.from(await dl.res.arrayBuffer()), pdf);
  assert.equal((await anon.get('/downloads/file?id=999999')).status, 404);
  assert.match(sql(`SELECT file FROM site_content WHERE id = ${id}`)[0][0], /^[0-9a-f]{24}\.pdf$/, 'stored under a random name');
});

test('only the platform admin keeps the content', async () => {
  const anon = new Client();
  assert.equal((await anon.get('/admin/content')).status, 401);
  const home = new Client();
  const h = await home.get('/');
  await home.post('/login', { csrf: csrfOf(h.text), county: 'Z', account: 'TEAM', password: 'cityinv-demo' });
  assert.equal((await home.get('/admin/content')).status, 403);
  const c = await admin();
  assert.match((await c.get('/')).text, /href="\/admin\/content">網站內容管理/);
  assert.equal((await c.get('/admin/content?kind=nonsense')).status, 404);
});
