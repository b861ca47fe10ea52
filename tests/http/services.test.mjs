// services.test.mjs: /healthz as MariaDB and Redis come and go; the persistent FastCGI
// processes (a killed one is replaced); static files served by nginx alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Client, alive, csrfOf, healthz, pidOf, sql, stack, waitFor } from '../lib.mjs';

// The FastCGI processes of the site under a supervisor (the /healthz one, named
// cityinv-health, apart: healthChild).
const ps = (pid) => execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
  .split('\n').map((l) => l.trim().split(/\s+/)).filter(([p]) => Number.isFinite(parseInt(p, 10)));
const children = (pid) => ps(pid).filter(([, c]) => c !== 'cityinv-health').map(([p]) => parseInt(p, 10));
const healthChild = (pid) => ps(pid).filter(([, c]) => c === 'cityinv-health').map(([p]) => parseInt(p, 10));

test('/healthz: 200 ok when MariaDB and Redis answer', async () => {
  const r = await healthz();
  assert.equal(r.status, 200);
  assert.equal(r.text, 'ok\n');
  assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
});

test('/healthz: 503 naming Redis while it is down, 200 again when it is back', async () => {
  stack('stop-service', 'redis');
  try {
    const r = await healthz();
    assert.equal(r.status, 503);
    assert.equal(r.text, 'redis: unavailable\n');
  } finally {
    stack('start-service', 'redis');
  }
  await waitFor('healthz 200 after Redis restart', async () => (await healthz()).status === 200);
});

test('/healthz: 503 naming MariaDB while it is down, 200 again when it is back', async () => {
  stack('stop-service', 'mariadb');
  try {
    const r = await healthz();
    assert.equal(r.status, 503);
    assert.equal(r.text, 'mariadb: unavailable\n');
  } finally {
    stack('start-service', 'mariadb');
  }
  await waitFor('healthz 200 after MariaDB restart', async () => (await healthz()).status === 200, 30000);
  assert.equal((await new Client().get('/')).status, 200, 'pages work again');
  // Every FastCGI process had a connection to the old server: none may fail its first query.
  for (let i = 0; i < 16; i++) {
    const c = new Client();
    const home = await c.get('/');
    const r = await c.post('/login', { csrf: csrfOf(home.text), county: 'Z', account: '371040000A', password: 'wrong-on-purpose' });
    assert.equal(r.status, 200, `request ${i} after the restart`);
  }
  sql("UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE login = '371040000A'");
});

test('several persistent FastCGI processes; a killed one is replaced at once', async () => {
  const master = pidOf('web');
  assert.ok(master && alive(master));
  const kids = children(master);
  assert.equal(kids.length, 4, 'WEB_PROCESSES default');
  // Persistent: the same processes serve many requests.
  for (let i = 0; i < 20; i++) assert.equal((await new Client().get('/')).status, 200);
  assert.deepEqual(children(master).sort(), kids.sort(), 'no process was started per request');
  process.kill(kids[0], 'SIGKILL');
  const now = await waitFor('a replacement process', () => {
    const k = children(master);
    return k.length === 4 && !k.includes(kids[0]) ? k : null;
  });
  assert.ok(now.includes(kids[1]) && now.includes(kids[2]) && now.includes(kids[3]), 'the others kept running');
  for (let i = 0; i < 10; i++) assert.equal((await new Client().get('/healthz')).status, 200);
});

test('/healthz has a process of its own, replaced when killed', async () => {
  const master = pidOf('web');
  const [h] = healthChild(master);
  assert.ok(h && alive(h), 'the health process runs');
  assert.equal((await new Client().get('/healthz')).text, 'ok\n');
  process.kill(h, 'SIGKILL');
  const h2 = await waitFor('a new health process', () => { const k = healthChild(master); return k.length === 1 && k[0] !== h ? k[0] : null; });
  assert.ok(alive(h2));
  await waitFor('healthz 200 again', async () => (await new Client().get('/healthz')).status === 200);
  assert.equal(children(master).length, 4, 'the site processes were not touched');
});

test('static files come from nginx directly: they work with every FastCGI process stopped', async () => {
  stack('stop-service', 'web');
  try {
    const c = new Client();
    const css = await c.get('/static/cityinv.css');
    assert.equal(css.status, 200);
    const page = await c.get('/');
    assert.equal(page.status, 502, 'pages need the FastCGI processes');
  } finally {
    stack('start-service', 'web');
  }
  await waitFor('pages back', async () => (await new Client().get('/')).status === 200);
});

test('SIGTERM stops the web supervisor and all its children', async () => {
  const master = pidOf('web');
  const kids = children(master);
  process.kill(master, 'SIGTERM');
  await waitFor('web processes gone', () => !alive(master) && kids.every((k) => !alive(k)), 15000);
  stack('start-service', 'web');
  await waitFor('pages back', async () => (await new Client().get('/')).status === 200);
});
