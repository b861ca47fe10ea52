// site.test.mjs: the public pages through nginx: layout, menu, login box, headers,
// static files, errors, limits; the CGI mode and the settings check of the binaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, Client, ROOT, TMP, VAR, csrfOf, dbSecret, loginAs } from '../lib.mjs';

const MENU = ['首頁', '國際資訊', '專用名詞', '案例分享', '資訊下載', '常見問題', '公開資訊'];
const COUNTIES = [['A', '臺北市'], ['B', '臺中市'], ['C', '基隆市'], ['D', '臺南市'], ['E', '高雄市'],
  ['F', '新北市'], ['G', '宜蘭縣'], ['H', '桃園市'], ['I', '嘉義市'], ['J', '新竹縣'], ['K', '苗栗縣'],
  ['M', '南投縣'], ['N', '彰化縣'], ['O', '新竹市'], ['P', '雲林縣'], ['Q', '嘉義縣'], ['T', '屏東縣'],
  ['U', '花蓮縣'], ['V', '臺東縣'], ['W', '金門縣'], ['X', '澎湖縣'], ['Z', '連江縣']];

test('home page: Traditional Chinese layout with the menu of seed 001', async () => {
  const r = await new Client().get('/');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(r.text, /^<!DOCTYPE html>\n<html lang="zh-Hant-TW">/);
  const nav = r.text.match(/<nav class="menu"[^>]*>([\s\S]*?)<\/nav>/)[1];
  const labels = [...nav.matchAll(/<a href="[^"]+"[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
  assert.deepEqual(labels, MENU);
  assert.match(r.text, /<h2 id="news-title">公告欄<\/h2>/);
  assert.match(r.text, /縣市成果展現/);
});

test('home page: the 系統登入 box with all 22 counties, 帳號, 密碼, 登入', async () => {
  const r = await new Client().get('/');
  const box = r.text.match(/<aside class="login"[\s\S]*?<\/aside>/)[0];
  assert.match(box, /<h2 id="login-title">系統登入<\/h2>/);
  const sel = box.match(/<select id="login-county" name="county">([\s\S]*?)<\/select>/)[1];
  const opts = [...sel.matchAll(/<option value="([^"]*)">([^<]*)<\/option>/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(opts[0], ['', '請選擇']);
  assert.deepEqual(opts.slice(1), COUNTIES);
  assert.match(box, /<label for="login-county">縣市<\/label>/);
  assert.match(box, /<label for="login-account">帳號<\/label><input id="login-account" name="account"/);
  assert.match(box, /<label for="login-password">密碼<\/label><input id="login-password" name="password" type="password"/);
  assert.match(box, /<button type="submit">登入<\/button>/);
  assert.ok(csrfOf(box), 'the form carries a CSRF token');
});

test('the CSRF token is also a strict HttpOnly cookie, stable for the client', async () => {
  const c = new Client();
  const r1 = await c.get('/');
  const set = r1.headers.getSetCookie().find((s) => s.startsWith('cityinv_csrf='));
  assert.ok(set, 'cookie set on first visit');
  assert.match(set, /; Path=\/; HttpOnly; SameSite=Strict/);
  assert.equal(c.jar.get('cityinv_csrf'), csrfOf(r1.text));
  const r2 = await c.get('/faq');
  assert.equal(r2.headers.getSetCookie().length, 0, 'no new cookie when one is held');
  assert.equal(csrfOf(r2.text), csrfOf(r1.text));
  const other = await new Client().get('/');
  assert.notEqual(csrfOf(other.text), csrfOf(r1.text), 'each client gets its own token');
});

test('every menu page answers inside the layout, with its item marked current', async () => {
  const c = new Client();
  const paths = { '/intl': '國際資訊', '/glossary': '專用名詞', '/cases': '案例分享',
    '/downloads': '資訊下載', '/faq': '常見問題', '/public': '公開資訊' };
  for (const [p, label] of Object.entries(paths)) {
    const r = await c.get(p);
    assert.equal(r.status, 200, p);
    assert.ok(r.text.includes(`<a href="${p}" aria-current="page">${label}</a>`), `${p} current in menu`);
    assert.ok(r.text.includes(`<h1>${label}</h1>`), `${p} heading`);
    assert.ok(r.text.includes('現在位置：<a href="/">首頁</a> &gt; ' + label), `${p} breadcrumb`);
  }
});

test('security headers on pages, errors and static files', async () => {
  const c = new Client();
  for (const p of ['/', '/nope', '/static/cityinv.css', '/healthz']) {
    const r = await c.get(p);
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/, p);
    assert.match(csp, /frame-ancestors 'none'/, p);
    assert.match(csp, /script-src 'self'/, p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(r.headers.get('referrer-policy'), 'same-origin', p);
    assert.equal(r.headers.get('server'), 'nginx', `${p}: no version disclosed`);
  }
});

test('pages are not cached; the stylesheet is served by nginx with an expiry', async () => {
  const c = new Client();
  const page = await c.get('/');
  assert.equal(page.headers.get('cache-control'), 'no-store');
  const css = await c.get('/static/cityinv.css');
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('content-type'), 'text/css');
  assert.match(css.headers.get('cache-control') || '', /max-age=3600/);
  const onDisk = fs.readFileSync(path.join(ROOT, 'web/static/cityinv.css'), 'utf8');
  assert.equal(css.text, onDisk, 'the file itself');
  assert.equal((await c.get('/static/nope.css')).status, 404);
  assert.equal((await c.get('/static/../Makefile')).status, 404, 'no escape from the static root');
});

test('generated files are reachable only through X-Accel-Redirect', async () => {
  fs.mkdirSync(path.join(VAR, 'files'), { recursive: true });
  fs.writeFileSync(path.join(VAR, 'files', 'secret.txt'), 'not for you');
  const r = await new Client().get('/_files/secret.txt');
  assert.equal(r.status, 404, 'the internal location refuses direct requests');
  assert.ok(!r.text.includes('not for you'));
  fs.unlinkSync(path.join(VAR, 'files', 'secret.txt'));
});

test('unknown pages: 404 in the layout; wrong method: 405; HEAD has no body', async () => {
  const c = new Client();
  const r = await c.get('/no/such/page');
  assert.equal(r.status, 404);
  assert.match(r.text, /找不到您要的頁面/);
  assert.match(r.text, /系統登入/, 'inside the layout');
  const p = await c.req('/', { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(p.status, 405);
  assert.equal(p.headers.get('allow'), 'GET, HEAD');
  const h = await c.req('/', { method: 'HEAD' });
  assert.equal(h.status, 200);
  assert.equal(h.text, '');
});

test('a malformed query string gets 400, not a crash', async () => {
  const c = new Client();
  for (const q of ['/?a=%zz', '/?a=%', '/?=x', '/faq?x=%4']) {
    const r = await c.get(q);
    assert.equal(r.status, 400, q);
    assert.match(r.text, /請求格式錯誤/);
  }
  assert.equal((await c.get('/')).status, 200, 'still serving');
});

test('the request-body limit is enforced by nginx', async () => {
  const big = 'a='.concat('x'.repeat(9 * 1024 * 1024));
  const r = await new Client().req('/', { method: 'POST', body: big,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 413);
  assert.match(r.text, /<html lang="zh-Hant-TW">[\s\S]*送出的資料過大（上傳檔案以 4 MB 為限）[\s\S]*沒有寫入任何資料/, 'its page in Chinese, not nginx\'s own, with the limit the upload form states');
});

test('a body over the application\'s own limit: 413 in Chinese, and a logged-in user is not shown the login box', async () => {
  const c = await loginAs('Z', '371036500X');
  const r = await c.req('/account', { method: 'POST', body: 'a='.concat('x'.repeat(5 * 1024 * 1024)),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 413);
  assert.match(r.text, /送出的資料過大（上傳檔案以 4 MB 為限），沒有寫入任何資料/, 'the same limit as the upload form and nginx\'s page');
  assert.doesNotMatch(r.text, /系統登入/, 'no login box: the session was not read, not absent');
  assert.match((await c.get('/account')).text, /已登入/, 'still logged in');
});

test('nginx -t accepts the generated configuration', () => {
  const r = spawnSync('nginx', ['-t', '-p', path.join(VAR, 'nginx'), '-e', path.join(TMP, 'nginx-t.log'),
    '-c', path.join(VAR, 'nginx/nginx.conf')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /syntax is ok/);
  assert.match(r.stderr, /test is successful/);
});

function cgi(uri, extra = {}) {
  const [p, q = ''] = uri.split('?');
  return spawnSync(path.join(BIN, 'cityinv-web'), ['-c', path.join(VAR, 'cityinv.conf')], {
    encoding: 'utf8', timeout: 20000,
    env: { ...process.env, CITYINV_DB_PASSWORD: dbSecret(), GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', REQUEST_URI: uri,
      DOCUMENT_URI: p, QUERY_STRING: q, REMOTE_ADDR: '127.0.0.1', ...extra },
  });
}

test('the web binary serves one request as a plain CGI', () => {
  const home = cgi('/');
  assert.equal(home.status, 0, home.stderr);
  assert.match(home.stdout, /^Status: 200 OK\r\nContent-Type: text\/html; charset=utf-8\r\n/);
  assert.match(home.stdout, /\r\n\r\n<!DOCTYPE html>/);
  assert.match(home.stdout, /<option value="Z">連江縣<\/option>/);
  const h = cgi('/healthz');
  assert.match(h.stdout, /^Status: 200 OK\r\nContent-Type: text\/plain; charset=utf-8\r\n[\s\S]*\r\n\r\nok\n$/);
  const nf = cgi('/missing');
  assert.match(nf.stdout, /^Status: 404 Not Found/);
  const tls = cgi('/', { HTTPS: 'on' });
  assert.match(tls.stdout, /Set-Cookie: cityinv_csrf=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Secure\r\n/, 'cookies are Secure over https');
  assert.doesNotMatch(home.stdout, /; Secure/, 'and not over plain http');
});

test('a bad settings file stops each program, naming the file, line and reason', () => {
  const bad = path.join(TMP, 'bad.conf');
  fs.writeFileSync(bad, 'db_socket = /x\nweb_processes = 500\nredis_socket = /y\n');
  for (const prog of ['cityinv-web', 'cityinv-worker', 'cityinv-admin']) {
    const args = prog === 'cityinv-admin' ? ['-c', bad, 'migrate'] : ['-c', bad];
    const r = spawnSync(path.join(BIN, prog), args, { encoding: 'utf8', timeout: 10000, env: { PATH: process.env.PATH } });
    assert.equal(r.status, 1, prog);
    assert.match(r.stderr, new RegExp(`fatal: ${bad.replace(/[.]/g, '\\.')}:2: web_processes: must be between 1 and 64`), prog);
  }
  fs.writeFileSync(bad, 'db_socket = /x\nredis_socket = /y\ncolour = blue\n');
  const r = spawnSync(path.join(BIN, 'cityinv-worker'), ['-c', bad], { encoding: 'utf8', timeout: 10000 });
  assert.match(r.stderr, /bad\.conf:3: unknown setting 'colour'/);
});

test('no secret in the settings file: the database password comes from the environment', () => {
  const conf = fs.readFileSync(path.join(VAR, 'cityinv.conf'), 'utf8');
  assert.doesNotMatch(conf, /password/i);
  const secrets = fs.statSync(path.join(VAR, 'secrets.env'));
  assert.equal(secrets.mode & 0o077, 0, 'secrets.env is private to its owner');
  const r = spawnSync(path.join(BIN, 'cityinv-admin'), ['-c', path.join(VAR, 'cityinv.conf'), 'migrate'],
    { encoding: 'utf8', timeout: 20000, env: { PATH: process.env.PATH } });
  assert.equal(r.status, 1, 'without CITYINV_DB_PASSWORD the database refuses');
  assert.match(r.stderr, /cannot connect to the database: Access denied/);
});
