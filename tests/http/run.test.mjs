// run.test.mjs: `make run` as a person uses it: it serves the site and /healthz, Ctrl-C
// (SIGINT to its process group) or SIGTERM stops every process it started, and a second
// run keeps the data.  Runs its own stack in its own directory on another free port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT, TMP, alive, onInterrupt, sleep, waitFor } from '../lib.mjs';

const VAR2 = path.join(TMP, 'run-var');
const SERVICES = ['mariadb', 'redis', 'web', 'worker', 'exporter', 'quality', 'nginx'];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

function startRun(port) {
  const out = [];
  const child = spawn('setsid', ['make', '--no-print-directory', 'run'], {
    cwd: ROOT, env: { ...process.env, PORT: String(port), CITYINV_VAR: VAR2 },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => out.push(d.toString()));
  child.stderr.on('data', (d) => out.push(d.toString()));
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  const offInterrupt = onInterrupt(() => process.kill(-child.pid, 'SIGTERM'));
  return { child, out, exited, offInterrupt };
}

const pids = () => SERVICES.map((s) => {
  const f = path.join(VAR2, 'run', `${s}.pid`);
  return fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : null;
});

async function get(port, p) {
  const r = await fetch(`http://127.0.0.1:${port}${p}`, { signal: AbortSignal.timeout(5000) });
  return { status: r.status, text: await r.text() };
}

async function upAndMark(port, run) {
  await waitFor('make run to serve /healthz', async () => (await get(port, '/healthz')).status === 200, 240000, 500);
  await waitFor('the banner', () => run.out.join('').includes('Ctrl-C stops everything'), 10000);
  const text = run.out.join('');
  assert.match(text, new RegExp(`http://127\\.0\\.0\\.1:${port}/`), 'prints the URL');
  assert.match(text, /371036500X/, 'prints the demo accounts');
  assert.match(text, /cityinv-demo/, 'prints the demo password');
  const home = await get(port, '/');
  assert.equal(home.status, 200);
  assert.match(home.text, /系統登入/);
  const p = pids();
  assert.ok(p.every((x) => x && alive(x)), `all services running: ${p}`);
  return p;
}

test('make run serves the site; Ctrl-C stops every process; a second run keeps the data; SIGTERM too', async () => {
  const port = await freePort();
  fs.rmSync(VAR2, { recursive: true, force: true });
  let run = startRun(port);
  try {
    const first = await upAndMark(port, run);
    // Something to find after a restart: a row written straight to the database.
    const marker = 'persist-' + Date.now();
    const { execFileSync } = await import('node:child_process');
    execFileSync(path.join(ROOT, 'scripts/stack.sh'), ['sql', '-e',
      `INSERT INTO worker_pings (token, runs, worker, processed_at) VALUES ('${marker}', 1, 'test', NOW())`],
    { env: { ...process.env, CITYINV_VAR: VAR2 } });

    process.kill(-run.child.pid, 'SIGINT'); // what the terminal does on Ctrl-C
    const ex = await Promise.race([run.exited, sleep(90000).then(() => 'timeout')]);
    assert.notEqual(ex, 'timeout', 'make run ended');
    for (const [i, pid] of first.entries()) assert.ok(!alive(pid), `${SERVICES[i]} (${pid}) stopped`);
    assert.match(run.out.join(''), /stopped/);

    run.offInterrupt();
    run = startRun(port);
    const second = await upAndMark(port, run);
    assert.doesNotMatch(run.out.join(''), /creating the MariaDB data directory/, 'the data directory was reused');
    const rows = execFileSync(path.join(ROOT, 'scripts/stack.sh'), ['sql', '-N', '-e',
      `SELECT COUNT(*) FROM worker_pings WHERE token = '${marker}'`],
    { env: { ...process.env, CITYINV_VAR: VAR2 }, encoding: 'utf8' });
    assert.equal(rows.trim(), '1', 'the data survived the restart');

    process.kill(run.child.pid, 'SIGTERM'); // SIGTERM to make alone
    const ex2 = await Promise.race([run.exited, sleep(90000).then(() => 'timeout')]);
    assert.notEqual(ex2, 'timeout', 'make run ended on SIGTERM');
    for (const [i, pid] of second.entries()) assert.ok(!alive(pid), `${SERVICES[i]} (${pid}) stopped after SIGTERM`);
  } finally {
    // Whatever happened, leave nothing behind.
    run.offInterrupt();
    try { process.kill(-run.child.pid, 'SIGKILL'); } catch { /* gone */ }
    for (const pid of pids()) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  }
});
