// security.test.mjs: the route table's authorization for every role and another county, CSRF on
// every form route, session fixation refused, a password change ending the other sessions,
// concurrent login attempts held to the lockout threshold, no hash or secret in pages or logs,
// nginx's login limit per client, and the client's address behind a trusted proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BIN, Client, ROOT, VAR, csrfOf, dbSecret, sql } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo', c = new Client()) {
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, r };
}

// The route table, read from web/routes.c: path, methods, role, flags.
function routeTable() {
  const src = fs.readFileSync(path.join(ROOT, 'web/routes.c'), 'utf8');
  // A route may go on with its declared input and, for a POST split by action, the action.
  return [...src.matchAll(/\[PAGE_\w+\]\s*=\s*\{\s*"([^"]+)",\s*([^,]+),\s*(ROLE_\w+),\s*([^,]+),\s*\w+\s*(?:,\s*([^,}]+?)\s*(?:,\s*"(\w+)"\s*)?)?\}/g)]
    .map((m) => ({ path: m[1], get: /GET_HEAD/.test(m[2]), post: /METHOD_POST/.test(m[2]), role: m[3], csrf: /ROUTE_CSRF/.test(m[4]),
      action: m[6] || null }));
}

test('the route table: every POST route demands a CSRF token', () => {
  const routes = routeTable();
  assert.ok(routes.length >= 30, `${routes.length} routes`);
  for (const r of routes.filter((x) => x.post)) assert.ok(r.csrf, `${r.path} accepts POST without ROUTE_CSRF`);
});

test('every route answers each role as the table says: 401 without a session, 403 for another role', async () => {
  const roles = {
    anonymous: new Client(),
    agency: (await login('Z', '371036500X')).c,
    team: (await login('Z', 'TEAM')).c,
    admin: (await login('', 'admin')).c,
  };
  const allowed = (role, who) => role === 'ROLE_PUBLIC' || (role === 'ROLE_LOGGED_IN' && who !== 'anonymous') ||
    (role === 'ROLE_AGENCY' && who === 'agency') || (role === 'ROLE_TEAM' && who === 'team') || (role === 'ROLE_ADMIN' && who === 'admin') ||
    (role === 'ROLE_COUNTY' && (who === 'agency' || who === 'team'));
  let checked = 0;
  for (const r of routeTable()) {
    for (const [who, c] of Object.entries(roles)) {
      if (r.get) {
        const res = await c.get(r.path);
        if (allowed(r.role, who)) assert.ok(![401, 403, 405].includes(res.status), `GET ${r.path} as ${who}: ${res.status}`);
        else assert.equal(res.status, who === 'anonymous' ? 401 : 403, `GET ${r.path} as ${who}`);
        checked++;
      }
      if (r.post && r.path !== '/logout') {
        // A valid token of this client, so only the role decides.
        const page = await c.get('/');
        const res = await c.post(r.path, { csrf: csrfOf(page.text) || '', probe: '1', ...(r.action ? { action: r.action } : {}) });
        if (!allowed(r.role, who)) assert.equal(res.status, who === 'anonymous' ? 401 : 403, `POST ${r.path} as ${who}`);
        const forged = await c.post(r.path, { csrf: 'f'.repeat(64), probe: '1', ...(r.action ? { action: r.action } : {}) });
        assert.ok([401, 403].includes(forged.status), `POST ${r.path} as ${who} with a forged token: ${forged.status}`);
        checked++;
      } else if (!r.get && !routeTable().some((x) => x.path === r.path && x.get)) {
        assert.equal((await c.get(r.path)).status, 405, `GET ${r.path} is not allowed`);
      }
    }
  }
  assert.ok(checked > 100, `${checked} checks`);
});

test('another county: its agencies, reports, reviews and imports are not found', async () => {
  const w = (await login('W', 'TEAM')).c;
  const z = sql("SELECT id FROM agencies WHERE code = '371036500X'")[0][0];
  for (const p of [`/team/agencies?edit=${z}`, `/report/view?year=2023&agency=${z}`, `/team/activities?year=2023&edit=1`]) {
    const r = await w.get(p);
    assert.equal(r.status, 404, `${p} as W's team`);
  }
  // W's team reads W's reports (linked from its console), never Z's.
  const own = sql("SELECT id FROM agencies WHERE code = '397020000A'")[0][0];
  assert.equal((await w.get(`/report/view?year=2023&agency=${own}`)).status, 200);
  assert.equal((await w.get('/report/view?year=2023')).status, 404, 'the team names the agency');
  const wa = (await login('W', '397020000A')).c;
  assert.equal((await wa.get(`/review?year=2023&agency=${z}`)).status, 404);
  assert.equal((await wa.get(`/report/view?year=2023&agency=${z}`)).status, 404);
});

test('session fixation: a session token chosen by someone else is never adopted', async () => {
  const c = new Client();
  const planted = 'a'.repeat(64);
  c.jar.set('cityinv_session', planted);
  const { r } = await login('Z', '371036500X', 'cityinv-demo', c);
  assert.equal(r.status, 303);
  assert.notEqual(c.jar.get('cityinv_session'), planted, 'a new token at login');
  const attacker = new Client();
  attacker.jar.set('cityinv_session', planted);
  assert.equal((await attacker.get('/report')).status, 401);
  assert.equal(sql(`SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('${planted}', 256))`)[0][0], '0');
});

test('a password change ends the account\'s other sessions, not the one that changed it', async () => {
  const a = (await login('Z', '371040000A')).c;
  const b = (await login('Z', '371040000A')).c;
  assert.equal((await b.get('/report')).status, 200);
  const form = await a.get('/password');
  const r = await a.post('/password', { csrf: csrfOf(form.text), old: 'cityinv-demo', new: 'Kx8-new-pass-2026', new2: 'Kx8-new-pass-2026' });
  assert.equal(r.status, 303, r.text);
  assert.equal((await b.get('/report')).status, 401, 'the other session ended');
  assert.equal((await a.get('/report')).status, 200, 'this one continues');
  // Restore the demo password.
  sql("UPDATE accounts t JOIN accounts s ON s.login = 'TEAM' AND s.county_id = t.county_id SET t.password_hash = s.password_hash WHERE t.login = '371040000A'");
});

test('20 concurrent wrong passwords: exactly 5 are tried, then the account is locked', async () => {
  sql("UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE login = '397030000A'");
  const clients = await Promise.all(Array.from({ length: 20 }, async () => { const c = new Client(); const h = await c.get('/'); return [c, csrfOf(h.text)]; }));
  const answers = await Promise.all(clients.map(([c, csrf], i) => c.post('/login', { csrf, county: 'W', account: '397030000A', password: `wrong-${i}` })));
  assert.ok(answers.every((r) => r.status === 200 && /登入失敗/.test(r.text)), 'one generic refusal for all');
  const [[failed, locked]] = sql("SELECT failed_logins, locked_until > NOW() FROM accounts WHERE login = '397030000A'");
  assert.equal(failed, '5', 'no more than the threshold were counted (and tried)');
  assert.equal(locked, '1');
  assert.equal((await login('W', '397030000A')).r.status, 200, 'even the right password is refused now');
  sql("UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE login = '397030000A'");
});

test('no password hash, database password or session token in any page or log', async () => {
  const secret = dbSecret();
  const { c } = await login('Z', 'TEAM');
  const token = c.jar.get('cityinv_session');
  const pages = ['/', '/team', '/team/agencies', '/team/accounts', '/team/years', '/team/inventory?year=2023', '/team/activities?year=2023'];
  for (const p of pages) {
    const r = await c.get(p);
    assert.doesNotMatch(r.text, /\$argon2/, `${p}: a hash`);
    assert.ok(!r.text.includes(secret), `${p}: the database password`);
    assert.ok(!r.text.includes(token), `${p}: the session token`);
  }
  for (const f of fs.readdirSync(path.join(VAR, 'log'))) {
    const text = fs.readFileSync(path.join(VAR, 'log', f), 'utf8');
    assert.doesNotMatch(text, /\$argon2id\$v=/, `${f}: a hash`);
    assert.ok(!text.includes(secret), `${f}: the database password`);
    assert.ok(!text.includes(token), `${f}: a session token`);
  }
});

// A client of the stack connecting from a loopback address of its choice, sending headers of
// its own with every request (a proxy's X-Forwarded-For); cookies kept like a browser.
function from(localAddress, headers = {}) {
  const jar = new Map();
  const send = (method, p, form) => new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const h = { ...headers };
    if (jar.size) h.Cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) Object.assign(h, { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) });
    const req = http.request(`${process.env.BASE_URL}${p}`, { method, localAddress, headers: h, timeout: 20000 }, (res) => {
      for (const c of res.headers['set-cookie'] || []) {
        const [pair] = c.split(';');
        jar.set(pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim());
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${p}: no answer`)));
    req.end(body);
  });
  return { jar, get: (p) => send('GET', p), post: (p, form) => send('POST', p, form) };
}

// n login attempts (refused by the app's CSRF check when they get through, so no account locks).
async function attempts(c, n) {
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await c.post('/login', { csrf: 'x', county: 'Z', account: '371036500X', password: 'wrong' }));
  return answers;
}

test('nginx limits login attempts per client address (429 with a Chinese page); the app never sees the excess', async () => {
  const answers = await attempts(from('127.0.0.2'), 40);
  const limited = answers.filter((r) => r.status === 429);
  assert.ok(limited.length >= 15, `${limited.length} of 40 refused by nginx`);
  assert.match(limited[0].text, /登入嘗試過於頻繁/);
  assert.ok(answers.every((r) => r.status === 403 || r.status === 429), 'the rest reach the app (and its CSRF check)');
  // Another address (the suite's own 127.0.0.1) is not affected.
  assert.equal((await login('Z', '371036500X')).r.status, 303);
});

// The test stack trusts 127.0.0.1 as a proxy (TRUSTED_PROXIES in tests/run.sh): nginx's real_ip
// and the application take the client's address from its X-Forwarded-For, nobody else's.
function trustsLoopbackProxy() {
  assert.match(fs.readFileSync(path.join(VAR, 'cityinv.conf'), 'utf8'), /^trusted_proxies = 127\.0\.0\.1$/m, 'the test stack trusts 127.0.0.1');
  assert.match(fs.readFileSync(path.join(VAR, 'nginx/cityinv-site.conf'), 'utf8'),
    /^set_real_ip_from 127\.0\.0\.1; real_ip_header X-Forwarded-For; real_ip_recursive on;$/m, 'rendered into nginx');
}

test('behind a trusted proxy each client has its own login limit; a forged X-Forwarded-For from elsewhere is ignored', async () => {
  trustsLoopbackProxy();
  // Client A behind the proxy: limited as itself (the proxy's own 127.0.0.1 is exempt in the test stack).
  const a = (await attempts(from('127.0.0.1', { 'X-Forwarded-For': '203.0.113.10' }), 40)).filter((r) => r.status === 429).length;
  assert.ok(a >= 15, `client A behind the proxy: ${a} of 40 refused`);
  // Client B behind the same proxy, right after: A's attempts are not counted against it.
  const b = (await attempts(from('127.0.0.1', { 'X-Forwarded-For': '198.51.100.9, 203.0.113.20' }), 10)).filter((r) => r.status === 429).length;
  assert.equal(b, 0, 'client B has a limit of its own');
  // An untrusted address claiming a new client each time shares one limit: the header is ignored.
  const forged = [];
  for (let i = 0; i < 40; i++) forged.push(...await attempts(from('127.0.0.3', { 'X-Forwarded-For': `192.0.2.${i + 1}` }), 1));
  const f = forged.filter((r) => r.status === 429).length;
  assert.ok(f >= 15, `forged X-Forwarded-For from 127.0.0.3: ${f} of 40 refused`);
});

test('the audit trail and the session record the client behind a trusted proxy, never a forged address', async () => {
  trustsLoopbackProxy();
  const Y = 2018;
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE code IN ('371030000A', '371000000A')");
  sql(`UPDATE inventory_years SET is_open = 1, published_at = NULL WHERE year = ${Y}`);
  const saveAs = async (c, code) => {
    const home = await c.get('/');
    assert.equal((await c.post('/login', { csrf: csrfOf(home.text), county: 'Z', account: code, password: 'cityinv-demo' })).status, 303, `login ${code}`);
    const before = sql('SELECT IFNULL(MAX(id), 0) FROM audit_log')[0][0];
    const form = await c.get(`/report/edit?year=${Y}`);
    const revision = form.text.match(/name="revision" value="(\d+)"/)[1];
    const r = await c.post('/report/edit', { csrf: csrfOf(form.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍', own_electricity: String(1000 + (Date.now() % 100000)) });
    assert.equal(r.status, 303, `save by ${code}`);
    const agency = sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
    return {
      audit: sql(`SELECT DISTINCT client_addr FROM audit_log WHERE id > ${before} AND agency_id = ${agency}`).map((x) => x[0]),
      session: sql(`SELECT client_addr FROM sessions WHERE token_hash = UNHEX(SHA2('${c.jar.get('cityinv_session')}', 256))`)[0][0],
    };
  };
  const proxied = await saveAs(from('127.0.0.1', { 'X-Forwarded-For': '198.51.100.77' }), '371030000A');
  assert.deepEqual(proxied.audit, ['198.51.100.77'], 'the audit trail names the client behind the proxy');
  assert.equal(proxied.session, '198.51.100.77');
  const forged = await saveAs(from('127.0.0.4', { 'X-Forwarded-For': '198.51.100.88' }), '371000000A');
  assert.deepEqual(forged.audit, ['127.0.0.4'], 'a header from an untrusted address is not believed');
  assert.equal(forged.session, '127.0.0.4');
});

// The application's own reading, without nginx in between: a front end that passes the proxy's
// address as REMOTE_ADDR (one CGI request of the web binary with the stack's settings).
test('the application itself takes the client from X-Forwarded-For only when REMOTE_ADDR is a trusted proxy', () => {
  trustsLoopbackProxy();
  const loginAs = (remote, xff) => {
    const csrf = 'c'.repeat(64);
    const body = `csrf=${csrf}&county=Z&account=371036600X&password=cityinv-demo`;
    const r = spawnSync(path.join(BIN, 'cityinv-web'), ['-c', path.join(VAR, 'cityinv.conf')], {
      input: body, encoding: 'utf8', timeout: 20000,
      env: { ...process.env, CITYINV_DB_PASSWORD: dbSecret(), GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'POST',
        REQUEST_URI: '/login', DOCUMENT_URI: '/login', CONTENT_TYPE: 'application/x-www-form-urlencoded',
        CONTENT_LENGTH: String(Buffer.byteLength(body)), HTTP_COOKIE: `cityinv_csrf=${csrf}`, REMOTE_ADDR: remote, HTTP_X_FORWARDED_FOR: xff },
    });
    assert.match(r.stdout, /^Status: 303/, r.stderr);
    const token = r.stdout.match(/Set-Cookie: cityinv_session=([0-9a-f]{64});/)[1];
    return sql(`SELECT client_addr FROM sessions WHERE token_hash = UNHEX(SHA2('${token}', 256))`)[0][0];
  };
  assert.equal(loginAs('127.0.0.1', '203.0.113.9, 127.0.0.1'), '203.0.113.9', 'through the trusted proxy: the client');
  assert.equal(loginAs('127.0.0.6', '203.0.113.9'), '127.0.0.6', 'from anyone else: the header is ignored');
});
