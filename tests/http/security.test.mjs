// security.test.mjs: the route table's authorization for every role and another county, CSRF on
// every form route, session fixation refused, a password change ending the other sessions,
// concurrent login attempts held to the lockout threshold, no hash or secret in pages or logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Client, ROOT, VAR, csrfOf, dbSecret, sql } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo', c = new Client()) {
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, r };
}

// The route table, read from web/routes.c: path, methods, role, flags.
function routeTable() {
  const src = fs.readFileSync(path.join(ROOT, 'web/routes.c'), 'utf8');
  return [...src.matchAll(/\[PAGE_\w+\]\s*=\s*\{\s*"([^"]+)",\s*([^,]+),\s*(ROLE_\w+),\s*([^,]+),\s*\w+\s*\}/g)]
    .map((m) => ({ path: m[1], get: /GET_HEAD/.test(m[2]), post: /METHOD_POST/.test(m[2]), role: m[3], csrf: /ROUTE_CSRF/.test(m[4]) }));
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
    (role === 'ROLE_AGENCY' && who === 'agency') || (role === 'ROLE_TEAM' && who === 'team') || (role === 'ROLE_ADMIN' && who === 'admin');
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
        const res = await c.post(r.path, { csrf: csrfOf(page.text) || '', probe: '1' });
        if (!allowed(r.role, who)) assert.equal(res.status, who === 'anonymous' ? 401 : 403, `POST ${r.path} as ${who}`);
        const forged = await c.post(r.path, { csrf: 'f'.repeat(64), probe: '1' });
        assert.ok([401, 403].includes(forged.status), `POST ${r.path} as ${who} with a forged token: ${forged.status}`);
        checked++;
      } else if (!r.get) {
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

test('nginx limits login attempts per client address (429 with a Chinese page); the app never sees the excess', async () => {
  const http = await import('node:http');
  const post = () => new Promise((resolve, reject) => {
    const body = 'csrf=x&county=Z&account=371036500X&password=wrong';
    const req = http.request(`${process.env.BASE_URL}/login`, {
      method: 'POST', localAddress: '127.0.0.2', timeout: 20000,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => { let text = ''; res.setEncoding('utf8'); res.on('data', (d) => { text += d; }); res.on('end', () => resolve({ status: res.statusCode, text })); });
    req.on('error', reject);
    req.end(body);
  });
  const answers = [];
  for (let i = 0; i < 40; i++) answers.push(await post());
  const limited = answers.filter((r) => r.status === 429);
  assert.ok(limited.length >= 15, `${limited.length} of 40 refused by nginx`);
  assert.match(limited[0].text, /登入嘗試過於頻繁/);
  assert.ok(answers.every((r) => r.status === 403 || r.status === 429), 'the rest reach the app (and its CSRF check)');
  // Another address (the suite's own 127.0.0.1) is not affected.
  assert.equal((await login('Z', '371036500X')).r.status, 303);
});
