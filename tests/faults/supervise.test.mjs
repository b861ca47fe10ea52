// supervise.test.mjs: `scripts/stack.sh run` (what `make run` runs) restarts a service that dies.
// On its own stack (its own directory, port and program directory, started and stopped by PID):
// the worker SIGKILLed, then the total of a save made after the kill arrives by itself; the
// FastCGI supervisor SIGKILLed, then the site answers again by itself; a worker that dies at
// once on every start is restarted with growing waits (not in a tight loop), each logged, and
// comes back once it can start again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BIN, Client, ROOT, STACK, TMP, alive, csrfOf, onInterrupt, sleep, waitFor } from '../lib.mjs';

const VAR3 = path.join(TMP, 'supervise-var');
const BIN3 = path.join(TMP, 'supervise-bin');
const STARTS = path.join(BIN3, 'worker-starts');
const CRASH = path.join(BIN3, 'crash');
const Y = 2021;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// The real programs, except that the worker is started through a script that records each
// start and, while the test asks it to (the file `crash`), exits at once with status 3.
function programs() {
  fs.rmSync(BIN3, { recursive: true, force: true });
  fs.mkdirSync(BIN3, { recursive: true });
  for (const p of ['cityinv-web', 'cityinv-admin']) fs.symlinkSync(path.join(BIN, p), path.join(BIN3, p));
  fs.writeFileSync(path.join(BIN3, 'cityinv-worker'), `#!/bin/sh
date +%s.%N >>'${STARTS}'
[ -e '${CRASH}' ] && exit 3
exec '${path.join(BIN, 'cityinv-worker')}' "$@"
`, { mode: 0o755 });
}

const env = () => ({ ...process.env, CITYINV_VAR: VAR3, CITYINV_BIN: BIN3 });
const sqlIn = (q) => execFileSync(STACK, ['sql', '-N', '-B', '-e', q], { env: env(), encoding: 'utf8', timeout: 30000 })
  .split('\n').filter((l) => l).map((l) => l.split('\t'));
const pidOf = (name) => {
  const f = path.join(VAR3, 'run', `${name}.pid`);
  return fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) || null : null;
};
const starts = () => (fs.existsSync(STARTS) ? fs.readFileSync(STARTS, 'utf8').trim().split('\n').map(Number) : []);
const supervised = () => fs.readFileSync(path.join(VAR3, 'log', 'supervise.log'), 'utf8');

async function login(base, county, account) {
  const c = new Client(base);
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password: 'cityinv-demo' });
  assert.equal(r.status, 303, `login ${account}`);
  return c;
}

// Saves a value never used before and waits (bounded) for the worker's rollup to show it.
async function saveAndWaitForTotal(c, agencyId, value, what) {
  const f = await c.get(`/report/edit?year=${Y}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍', own_electricity: String(value) });
  assert.equal(r.status, 303, 'saved');
  const [[own]] = sqlIn(`SELECT own_total_milli FROM reports WHERE agency_id = ${agencyId} AND year = ${Y}`);
  assert.notEqual(own, '0');
  await waitFor(what, () => {
    const row = sqlIn(`SELECT subtree_milli FROM rollups WHERE agency_id = ${agencyId} AND year = ${Y}`)[0];
    return row && row[0] === own;
  }, 60000, 250);
}

test('stack.sh run restarts the killed worker and web supervisor, backs off a crash loop, logs it all', { timeout: 420000 }, async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  fs.rmSync(VAR3, { recursive: true, force: true });
  programs();
  const out = [];
  const run = spawn('setsid', [STACK, 'run'], { cwd: ROOT, env: { ...env(), PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  run.stdout.on('data', (d) => out.push(d.toString()));
  run.stderr.on('data', (d) => out.push(d.toString()));
  const exited = new Promise((resolve) => run.on('exit', (code, sig) => resolve({ code, sig })));
  const offInterrupt = onInterrupt(() => process.kill(-run.pid, 'SIGTERM'));
  try {
    await waitFor('stack.sh run to serve /healthz', async () => (await new Client(base).get('/healthz')).status === 200, 240000, 500);
    await waitFor('the banner', () => out.join('').includes('Ctrl-C stops everything'), 10000);
    sqlIn("UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE code = '371036500X'");
    sqlIn(`UPDATE inventory_years SET is_open = 1, published_at = NULL WHERE year = ${Y}`);
    const [[agency]] = sqlIn("SELECT id FROM agencies WHERE code = '371036500X'");
    const c = await login(base, 'Z', '371036500X');
    await saveAndWaitForTotal(c, agency, 1000, 'the first total (the worker runs)');

    // 1. The worker killed: a save made afterwards gets its total without anyone's help.
    const worker = pidOf('worker');
    process.kill(worker, 'SIGKILL');
    await saveAndWaitForTotal(c, agency, 2345, 'the total of a save made after the worker was killed');
    const worker2 = pidOf('worker');
    assert.ok(worker2 && worker2 !== worker && alive(worker2), `a new worker runs (${worker} -> ${worker2})`);
    assert.match(supervised(), new RegExp(`worker \\(${worker}\\) was killed by signal 9 after \\d+s; restarting it`));
    assert.match(supervised(), new RegExp(`worker restarted \\(pid ${worker2}\\)`));
    // The terminal's pipe is read by this process's event loop: the line may be there before it is read.
    await waitFor('told on the terminal too', () => new RegExp(`worker \\(${worker}\\) was killed by signal 9`).test(out.join('')), 5000);

    // 2. The FastCGI supervisor killed (its children follow it): the site answers again by itself.
    const web = pidOf('web');
    process.kill(web, 'SIGKILL');
    await waitFor('the site to answer again', async () => {
      const p = pidOf('web');
      if (!p || p === web || !alive(p)) return false;
      const r = await new Client(base).get('/');
      return r.status === 200 && /系統登入/.test(r.text);
    }, 60000, 200);
    assert.match(supervised(), new RegExp(`web \\(${web}\\) was killed by signal 9 after \\d+s; restarting it`));
    assert.equal((await c.get(`/report/edit?year=${Y}`)).status, 200, 'the session survives (it is in MySQL)');

    // 3. A worker that dies at once on every start: restarted after growing waits, each logged.
    fs.writeFileSync(CRASH, '');
    const before = starts().length;
    process.kill(pidOf('worker'), 'SIGKILL');
    await waitFor('four starts of the crashing worker', () => starts().length >= before + 4, 90000, 250);
    const t = starts().slice(before, before + 4);
    const gaps = t.slice(1).map((x, i) => x - t[i]);
    assert.ok(gaps[1] > gaps[0] && gaps[2] > gaps[1] && gaps[2] >= 3.5,
      `the waits between restarts grow (not a tight loop): ${gaps.map((g) => g.toFixed(1)).join(' s, ')} s`);
    const delays = [...supervised().matchAll(/worker \(\d+\) exited with status 3 after \d+s \(died within \d+s of its start, \d+ in a row\); restarting it in (\d+)s/g)].map((m) => Number(m[1]));
    assert.ok(delays.length >= 2 && delays.every((d, i) => i === 0 || d > delays[i - 1]),
      `each wait logged, longer each time: ${delays.join(', ')} s`);
    console.log(`# crash loop: starts ${gaps.map((g) => g.toFixed(1)).join(' s, ')} s apart; logged waits ${delays.join(', ')} s`);

    // It can start again: it is back at its next attempt, and totals arrive again.
    fs.rmSync(CRASH);
    await waitFor('the worker back after its wait', () => {
      const p = pidOf('worker');
      try { return p && alive(p) && fs.readlinkSync(`/proc/${p}/exe`) === fs.realpathSync(path.join(BIN, 'cityinv-worker')); } catch { return false; }
    }, 90000, 250);
    await saveAndWaitForTotal(c, agency, 3456, 'the total of a save after the crash loop ended');
  } finally {
    offInterrupt();
    const pids = ['nginx', 'worker', 'web', 'redis', 'mariadb'].map(pidOf);
    try { process.kill(run.pid, 'SIGTERM'); } catch { /* gone */ }
    const ex = await Promise.race([exited, sleep(90000).then(() => 'timeout')]);
    for (const p of [...pids, ...['nginx', 'worker', 'web', 'redis', 'mariadb'].map(pidOf)]) {
      if (p && alive(p)) process.kill(p, 'SIGKILL');
    }
    assert.notEqual(ex, 'timeout', 'stack.sh run ended on SIGTERM');
  }
});
