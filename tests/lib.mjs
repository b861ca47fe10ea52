// lib.mjs: what the integration tests share: the stack's address, HTTP with
// cookies, SQL and Redis on the private stack, bounded waiting.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BASE = process.env.BASE_URL;
export const VAR = process.env.CITYINV_VAR;
export const TMP = process.env.CITYINV_TEST_TMP || '/tmp';
if (!BASE || !VAR) throw new Error('run through tests/run.sh (BASE_URL and CITYINV_VAR unset)');
if (!/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d+$/.test(BASE)) throw new Error('tests talk to loopback only');

export const STACK = path.join(ROOT, 'scripts/stack.sh');
export const BIN = path.join(ROOT, 'build');

// A client that keeps cookies like a browser (one jar per client); `base` for another stack,
// `headers` sent with every request (X-Forwarded-For of a client behind a proxy).
export class Client {
  constructor(base = BASE, headers = {}) { this.jar = new Map(); this.base = base; this.headers = headers; }
  cookieHeader() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  async req(p, opts = {}) {
    const headers = { ...this.headers, ...(opts.headers || {}) };
    if (this.jar.size && !headers.Cookie) headers.Cookie = this.cookieHeader();
    let body = opts.body;
    if (opts.form) {
      body = new URLSearchParams(opts.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(this.base + p, {
      method: opts.method || (body !== undefined ? 'POST' : 'GET'),
      headers, body, redirect: 'manual', signal: AbortSignal.timeout(opts.timeout || 20000),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    const text = opts.raw ? null : await res.text();
    return { status: res.status, headers: res.headers, text, res };
  }
  get(p, opts = {}) { return this.req(p, opts); }
  post(p, form, opts = {}) { return this.req(p, { ...opts, method: 'POST', form }); }
}

// A client logged in as a demo account (every demo account has the same password).
export async function loginAs(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  if (r.status !== 303) throw new Error(`login ${account}: ${r.status}`);
  return c;
}

// The rollups and county totals of a year that differ from an independent SQL sum of the
// active agencies' own totals in their subtree: [] when every one is exact.
export function rollupMismatches(year) {
  const agencies = sql(`SELECT ro.agency_id, ro.subtree_milli, IFNULL(s.t, 0) FROM rollups ro JOIN agencies a ON a.id = ro.agency_id
    LEFT JOIN (SELECT t.ancestor_id, SUM(r.own_total_milli) t FROM agency_tree t JOIN agencies d ON d.id = t.descendant_id AND d.active = 1
      JOIN reports r ON r.agency_id = d.id AND r.year = ${year} GROUP BY t.ancestor_id) s ON s.ancestor_id = ro.agency_id
    WHERE ro.year = ${year} AND a.active = 1 AND ro.subtree_milli <> IFNULL(s.t, 0)`);
  const counties = sql(`SELECT c.county_id FROM county_rollups c LEFT JOIN (SELECT a.county_id, SUM(r.own_total_milli) t FROM reports r
    JOIN agencies a ON a.id = r.agency_id AND a.active = 1 WHERE r.year = ${year} GROUP BY a.county_id) s ON s.county_id = c.county_id
    WHERE c.year = ${year} AND c.total_milli <> IFNULL(s.t, 0)`).map(([c]) => ['county', c]);
  return [...agencies, ...counties];
}

// The first sheet of an .xlsx (or the sheet named `sheet`), read by an independent reader
// (openpyxl), as rows of values.
export function readXlsx(file, sheet) {
  const py = `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb[sys.argv[2]] if len(sys.argv) > 2 else wb.worksheets[0]
print(json.dumps([[c for c in row] for row in ws.iter_rows(values_only=True)], ensure_ascii=False, default=str))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file, ...(sheet ? [sheet] : [])], { encoding: 'utf8' }));
}

// Uploads a file to 批次匯入機關 as the logged-in team client c (multipart, with the page's token).
export async function uploadImport(c, name, bytes, timeout = 20000) {
  const page = await c.get('/team/agencies/import');
  if (page.status !== 200) throw new Error(`the import page: ${page.status}`);
  const fd = new FormData();
  fd.append('csrf', csrfOf(page.text));
  fd.append('file', new Blob([bytes]), name);
  return c.req('/team/agencies/import', { method: 'POST', body: fd, timeout });
}

// The hidden csrf field of the first form on a page.
export function csrfOf(html) {
  const m = html.match(/name="csrf" value="([0-9a-f]{64})"/);
  return m ? m[1] : null;
}

// The local stack's database password (kept in var/secrets.env, never in the settings file).
export function dbSecret() {
  const m = fs.readFileSync(path.join(VAR, 'secrets.env'), 'utf8').match(/CITYINV_DB_PASSWORD=(\S+)/);
  return m[1];
}

export function stack(...args) {
  return execFileSync(STACK, args, { env: process.env, encoding: 'utf8', timeout: 120000 });
}

/*
 * A transaction of MariaDB's root (who reads InnoDB's lock waits) that runs `hold` (statements taking a
 * row's lock and making a change under it), then commits as soon as a connection waits for a lock in
 * the way `waiting` finds (a FROM clause over information_schema.INNODB_TRX t JOIN INNODB_LOCKS l),
 * at most 10 s, so that a request which meets the row waits and then goes on.  It looks every 150 ms:
 * InnoDB refreshes what information_schema shows of its locks only when it was last read more than
 * 100 ms before.  Waiters are counted by their connection (InnoDB shows every transaction that has
 * written nothing as trx_id 0).  held: resolves once the row is held; done: the client's output
 * (with "waiters\tN") and exit code.
 */
export function holdUntilWaited(hold, waiting) {
  const p = spawn(STACK, ['sql-root', '-n', '-N', '-B', 'cityinv'], { env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const held = new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => { out += d; if (out.includes('held')) resolve(); });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', () => reject(new Error(`the holder ended before holding the row: ${out}`)));
  });
  held.catch(() => {});
  const done = new Promise((resolve) => p.on('exit', (code) => resolve({ code, out })));
  p.stdin.end(`BEGIN;
${hold}
SELECT 'held';
DELIMITER //
BEGIN NOT ATOMIC
  DECLARE i INT DEFAULT 0;
  WHILE i < 70 AND NOT EXISTS (SELECT 1 ${waiting}) DO
    DO SLEEP(0.15);
    SET i = i + 1;
  END WHILE;
END //
DELIMITER ;
SELECT 'waiters', COUNT(DISTINCT t.trx_mysql_thread_id) ${waiting};
COMMIT;
`);
  return { held, done };
}

// Rows of a query on the stack's database, as arrays of strings.
export function sql(query) {
  const out = execFileSync(STACK, ['sql', '-N', '-B', '-e', query],
    { env: process.env, encoding: 'utf8', timeout: 30000 });
  return out.split('\n').filter((l) => l.length).map((l) => l.split('\t'));
}

// What "nothing written" compares: a line per table, "name rows digest", the digest the sum of
// each row's CRC32 over every column's value.  Not CHECKSUM TABLE: that also hashes how InnoDB
// holds a row, and moved with no value changed (tests/http/console.test.mjs, the general log
// showing only reads, locking reads and rollbacks between two CHECKSUM TABLE accounts that
// differed while SELECT * gave the same rows).
const digestColumns = new Map();
export function tableDigest(tables) {
  const missing = tables.filter((t) => !digestColumns.has(t));
  if (missing.length) {
    for (const t of missing) digestColumns.set(t, []);
    for (const [t, c] of sql(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE()
      AND table_name IN (${missing.map((t) => `'${t}'`).join(', ')}) ORDER BY table_name, ordinal_position`)) digestColumns.get(t).push(c);
  }
  const one = (t) => {
    const cols = digestColumns.get(t);
    if (!cols.length) throw new Error(`tableDigest: no table ${t}`);
    const row = cols.map((c) => `IFNULL(HEX(CONCAT(\`${c}\`)), 'N')`).join(', ');
    return `SELECT '${t}', COUNT(*), IFNULL(SUM(CRC32(CONCAT_WS(',', ${row}))), 0) FROM \`${t}\``;
  };
  return sql(tables.map(one).join(' UNION ALL ')).map((r) => r.join(' ')).join('\n');
}

export function redis(...args) {
  return execFileSync(STACK, ['redis-cli', ...args], { env: process.env, encoding: 'utf8', timeout: 30000 }).trim();
}

export function pidOf(name) {
  const r = spawnSync(STACK, ['pid', name], { env: process.env, encoding: 'utf8' });
  const p = parseInt(r.stdout, 10);
  return Number.isFinite(p) ? p : null;
}

export function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A test that starts processes of its own (a stack under `stack.sh run`, `make run`): stop() is
// called if the test itself is sent SIGTERM or SIGINT (tests/run.sh interrupted, or its
// `timeout`), which would otherwise end node at once and leave them running. The handler's
// remover.
export function onInterrupt(stop) {
  const h = (sig) => {
    try { stop(); } catch { /* gone */ }
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGTERM', h);
  process.once('SIGINT', h);
  return () => { process.off('SIGTERM', h); process.off('SIGINT', h); };
}

// Polls fn() until it returns a truthy value; throws after ms.
export async function waitFor(what, fn, ms = 15000, step = 100) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(step);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
}

/*
 * Waits (bounded) until every outbox row is done: every change has its totals.  Rows a test wrote
 * by SQL have no job in Redis, so the worker would find them at its next poll (up to
 * worker_poll_seconds, 5 s, later): a rollup job is pushed for each county-year pending, as the
 * web pushes one after a save.  Where a test is about the poll itself (Redis stopped), it waits
 * for the outbox by its own means.
 */
export async function outboxDrained(ms = 60000) {
  const pending = () => sql('SELECT DISTINCT county_id, year FROM outbox WHERE done_at IS NULL');
  const jobs = pending().map(([c, y]) => `rollup ${c} ${y}`);
  if (jobs.length) redis('LPUSH', 'cityinv:jobs', ...jobs);
  return waitFor('the outbox to drain', () => pending().length === 0, ms, 200);
}

export async function healthz() {
  const r = await new Client().get('/healthz');
  return r;
}

// The agency tree's invariant: every closure row equals the tree walked from parent_id, and
// every level is its depth + 1 (used after moves, imports and deletions).
export function checkTree() {
  const rows = sql('SELECT id, IFNULL(parent_id, 0), level FROM agencies');
  const parent = Object.fromEntries(rows.map(([i, p]) => [i, p]));
  const want = new Set();
  for (const [i, , level] of rows) {
    let d = 0, a = i;
    while (a !== '0') { want.add(`${a}>${i}:${d}`); a = parent[a]; d++; }
    if (Number(level) !== d) throw new Error(`level of ${i}: ${level}, depth ${d}`);
  }
  const got = new Set(sql('SELECT ancestor_id, descendant_id, depth FROM agency_tree').map(([a, b, d]) => `${a}>${b}:${d}`));
  const missing = [...want].filter((x) => !got.has(x)), extra = [...got].filter((x) => !want.has(x));
  if (missing.length || extra.length) throw new Error(`closure table: missing ${missing.join(' ')}; extra ${extra.join(' ')}`);
}
