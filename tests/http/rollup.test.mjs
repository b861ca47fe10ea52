// rollup.test.mjs: the worker's rollups after saves at every level, equal to independent SQL
// sums; idempotent when run twice or by two workers; nothing lost when a worker is killed
// mid-job or Redis is down; pages say 計算中 while work is pending; parents see their subtree only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, Client, VAR, alive, csrfOf, dbSecret, pidOf, redis, sql, stack, waitFor, loginAs as login } from '../lib.mjs';

async function save(c, year, fields) {
  const f = await c.get(`/report/edit?year=${year}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(year), revision, action: 'save', scope_text: '辦公廳舍', ...fields });
  assert.equal(r.status, 303, `save ${year}`);
}

const pending = () => Number(sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0]);
// The totals, then the quality job's grades (the review page says 計算中 while either has work).
const settled = () => waitFor('the outbox and the quality queue to drain', () => pending() === 0 &&
  sql('SELECT COUNT(*) FROM quality_queue WHERE done_for < requests')[0][0] === '0', 30000, 200);

// The expected figures, straight from the reports, independent of the worker's SQL.
function expected(year) {
  const agencies = sql('SELECT id, county_id, IFNULL(parent_id, 0), active FROM agencies').map(([id, c, p, a]) => ({ id: +id, c: +c, p: +p, a: +a }));
  const rep = Object.fromEntries(sql(`SELECT agency_id, own_total_milli, outsourced_total_milli FROM reports WHERE year = ${year}`)
    .map(([id, o, x]) => [+id, [BigInt(o), BigInt(x)]]));
  const kids = (id) => agencies.filter((a) => a.p === id);
  const sub = (id) => {
    const me = agencies.find((a) => a.id === id);
    let [o, x] = me.a && rep[id] ? rep[id] : [0n, 0n];
    for (const k of kids(id)) { const [ko, kx] = sub(k.id); o += ko; x += kx; }
    return [o, x];
  };
  return { agencies, sub };
}

function checkAll(year) {
  const { agencies, sub } = expected(year);
  const got = Object.fromEntries(sql(`SELECT agency_id, subtree_milli, subtree_outsourced_milli FROM rollups WHERE year = ${year}`)
    .map(([id, s, x]) => [+id, [BigInt(s), BigInt(x)]]));
  for (const a of agencies) {
    assert.deepEqual(got[a.id] || [0n, 0n], sub(a.id), `agency ${a.id} ${year}`);
  }
  for (const [county, total, out] of sql(`SELECT county_id, total_milli, outsourced_milli FROM county_rollups WHERE year = ${year}`)) {
    const roots = agencies.filter((a) => a.c === +county && a.p === 0);
    const t = roots.reduce((s, r) => s + sub(r.id)[0], 0n);
    const x = roots.reduce((s, r) => s + sub(r.id)[1], 0n);
    assert.equal(BigInt(total), t, `county ${county} ${year}`);
    assert.equal(BigInt(out), x, `county ${county} ${year} outsourced`);
  }
}

test('saves at every level roll up to every ancestor and the county', async () => {
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw'");
  await save(await login('Z', '371036500X'), 2020, { own_electricity: '1000', outsourced_electricity: '10' });
  await save(await login('Z', '371036600X'), 2020, { own_electricity: '2000.5' });
  await save(await login('Z', '371030000A'), 2020, { own_vehicle_gasoline: '100' });
  await save(await login('Z', '371000000A'), 2020, { own_electricity: '3333.333', own_ref_R134a: '1' });
  await save(await login('W', '397020000A'), 2020, { own_electricity: '999' });
  await settled();
  checkAll(2020);
  const [[county]] = sql("SELECT total_milli FROM county_rollups c JOIN counties k ON k.id = c.county_id WHERE k.letter = 'Z' AND c.year = 2020");
  // 502 + 1004.251 + 265.0334 (AR4 gasoline 100 L) + 1673.333 + 1430: the lines as stored
  const [[sum]] = sql("SELECT SUM(own_total_milli) FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = 22 AND r.year = 2020");
  assert.equal(county, sum);
});

test('county-wide rows of several years of one county: recomputed together by the poll, equal to independent sums', async () => {
  await settled();
  const [[z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
  const years = sql(`SELECT year FROM inventory_years WHERE county_id = ${z} ORDER BY year`).map(([y]) => +y);
  assert.ok(years.length >= 2 && years.length <= 16, `${years.length} years`);
  // Every rollup of the county wrong (as after a bulk load or a restore), then the rows the startup check
  // queues, a county-wide one a year, older than a second so that the outbox poll takes them (no job is pushed).
  sql(`UPDATE rollups r JOIN agencies a ON a.id = r.agency_id SET r.subtree_milli = r.subtree_milli + 7 WHERE a.county_id = ${z}`);
  const log = path.join(VAR, 'log/worker.log');
  const before = fs.statSync(log).size;
  sql(`INSERT INTO outbox (county_id, year, agency_id, created_at)
    SELECT county_id, year, NULL, NOW(3) - INTERVAL 2 SECOND FROM inventory_years WHERE county_id = ${z}`);
  await settled();
  for (const y of years) checkAll(y);
  const tail = fs.readFileSync(log).subarray(before).toString();
  assert.match(tail, new RegExp(`rollup county ${z} years ${years[0]}-${years.at(-1)} \\(${years.length}\\): ${years.length} change\\(s\\), full`),
    'one transaction for all of them');
});

// Transactions waiting for a lock on county_rollups (the row a test holds), not on another suite's rows.
const WAITING_ROLLUPS = `SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN information_schema.INNODB_LOCKS l
  ON l.lock_id = t.trx_requested_lock_id WHERE t.trx_state = 'LOCK WAIT' AND l.lock_table LIKE '%county_rollups%'`;

test('a worker killed inside a several-year job loses nothing and counts nothing twice', async () => {
  await settled();
  const [[z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
  const years = sql(`SELECT year FROM inventory_years WHERE county_id = ${z} ORDER BY year`).map(([y]) => +y);
  const last = years.at(-1);
  const requests = () => sql(`SELECT IFNULL(SUM(requests), 0) FROM quality_queue WHERE county_id = ${z}`)[0][0];
  // Hold the last year's county row: the job locks the years in order, so it is caught holding
  // the others, their claims and their quality requests.
  const holder = spawn('mariadb', ['--no-defaults', `--socket=${path.join(VAR, 'run/mysql.sock')}`, '-ucityinv', `-p${dbSecret()}`, 'cityinv'],
    { stdio: ['pipe', 'ignore', 'ignore'] });
  holder.stdin.write(`BEGIN; SELECT * FROM county_rollups WHERE county_id = ${z} AND year = ${last} FOR UPDATE; SELECT SLEEP(120); COMMIT;\n`);
  holder.stdin.end();
  let asked;
  try {
    const root = (q) => stack('sql-root', '-N', '-B', '-e', q).trim();
    const hid = await waitFor('the lock to be held', () => root("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(120)%'"));
    sql(`UPDATE rollups r JOIN agencies a ON a.id = r.agency_id SET r.subtree_milli = r.subtree_milli + 11 WHERE a.county_id = ${z}`);
    asked = requests();
    sql(`INSERT INTO outbox (county_id, year, agency_id, created_at)
      SELECT county_id, year, NULL, NOW(3) - INTERVAL 2 SECOND FROM inventory_years WHERE county_id = ${z}`);
    await waitFor('the worker to wait for the lock', () => root(WAITING_ROLLUPS) !== '0', 30000);
    stack('kill-service', 'worker', 'KILL');
    root(`KILL ${hid}`);
    await waitFor('the lock holder to finish', () => holder.exitCode !== null, 15000);
  } finally {
    if (holder.exitCode === null) holder.kill('SIGKILL');
  }
  await waitFor('the killed job rolled back', () => sql(`SELECT COUNT(*) FROM outbox WHERE county_id = ${z} AND done_at IS NULL
    AND claim IS NULL AND agency_id IS NULL`)[0][0] === String(years.length), 15000);
  assert.equal(requests(), asked, 'its quality requests rolled back with it');
  const log = path.join(VAR, 'log/worker.log');
  const before = fs.statSync(log).size;
  stack('start-service', 'worker');
  await settled();
  for (const y of years) checkAll(y);
  assert.equal(Number(requests()), Number(asked) + years.length, 'one quality request a year, once');
  assert.match(fs.readFileSync(log).subarray(before).toString(), new RegExp(`rollup county ${z} years ${years[0]}-${last} `),
    'done again by one job after the restart');
});

test('the review page shows the totals, the computed time and the counts', async () => {
  const c = await login('Z', '371000000A');
  const r = await c.get('/review?year=2020');
  assert.equal(r.status, 200);
  const [[edu]] = sql("SELECT subtree_milli FROM rollups r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371030000A' AND r.year = 2020");
  const shown = (BigInt(edu) / 1000n).toLocaleString('en-US') + '.' + String(BigInt(edu) % 1000n).padStart(3, '0');
  assert.match(r.text, new RegExp(`連江縣政府教育處</td><td class="num">${shown.replace(/[.]/g, '\\.')}<br><span class="muted computed">\\d{4}-\\d\\d-\\d\\d `));
  assert.doesNotMatch(r.text, /計算中/);
  const edu3 = await c.get(`/review?year=2020&agency=${sql("SELECT id FROM agencies WHERE code = '371030000A'")[0][0]}`);
  assert.match(edu3.text, /連江縣介壽國中小/);
  assert.match(edu3.text, /<strong id="n-s1">2<\/strong>/, 'two 三級 agencies 登錄中');
  assert.match(edu3.text, /連江縣政府<\/a> › <a[^>]*>連江縣政府教育處<\/a>/, 'breadcrumb back up');
  const leaf = await c.get(`/review?year=2020&agency=${sql("SELECT id FROM agencies WHERE code = '371036500X'")[0][0]}`);
  assert.match(leaf.text, /目前並沒有下轄機關/);
});

// Each FastCGI process keeps the pages it rendered: ask often enough that every process has
// the page before the change, then every answer after it must be fresh.
const EVERY_PROCESS = 12;
async function everyAnswer(c, path) {
  const texts = [];
  for (let i = 0; i < EVERY_PROCESS; i++) texts.push((await c.get(path)).text);
  return texts;
}

test('計算中 while work is pending, never a silently stale total (in every process)', async () => {
  const hall = await login('Z', '371000000A');
  await settled();
  for (const t of await everyAnswer(hall, '/review?year=2020')) assert.doesNotMatch(t, /計算中/);
  stack('stop-service', 'worker');
  try {
    await save(await login('Z', '371036500X'), 2020, { own_electricity: '1500', outsourced_electricity: '10' });
    for (const t of await everyAnswer(hall, '/review?year=2020')) {
      assert.match(t, /連江縣政府教育處<\/td><td class="num">[^<]*<span class="status s1 pending">計算中<\/span>/);
      assert.match(t, /連江縣環境資源局<\/td><td class="num">0\.000<br>/, 'an unaffected branch is not marked');
    }
  } finally {
    stack('start-service', 'worker');
  }
  await settled();
  checkAll(2020);
  const [[edu]] = sql("SELECT subtree_milli FROM rollups r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371030000A' AND r.year = 2020");
  const shown = (BigInt(edu) / 1000n).toLocaleString('en-US') + '.' + String(BigInt(edu) % 1000n).padStart(3, '0');
  for (const t of await everyAnswer(hall, '/review?year=2020')) {
    assert.doesNotMatch(t, /計算中/);
    assert.ok(t.includes(`連江縣政府教育處</td><td class="num">${shown}<br>`), 'the new total everywhere');
  }
});

// Renames 371040000A (連江縣環境資源局) as the county team: rename(name) answers the POST.
async function renamer() {
  const team = await login('Z', 'TEAM');
  const id = sql("SELECT id FROM agencies WHERE code = '371040000A'")[0][0];
  const form = await team.get(`/team/agencies?edit=${id}`);
  return (name) => team.post('/team/agencies', { csrf: csrfOf(form.text), action: 'edit', agency: id, code: '371040000A', name });
}

test('a rename shows at once on every process\'s review page', async () => {
  const hall = await login('Z', '371000000A');
  await everyAnswer(hall, '/review?year=2020');
  const rename = await renamer();
  assert.equal((await rename('連江縣環境資源局改名後')).status, 303);
  try {
    for (const t of await everyAnswer(hall, '/review?year=2020')) assert.match(t, /連江縣環境資源局改名後/);
  } finally {
    assert.equal((await rename('連江縣環境資源局')).status, 303);
  }
  await settled();
});

// Only the county's inventory years have their stamp moved by every change (a rename queues an
// outbox row for each of them), so a year outside them must never be served from a cache.
test('a year outside the inventory years is refused on every process, before and after a change', async () => {
  const hall = await login('Z', '371000000A');
  const answers = async (path) => {
    const out = [];
    for (let i = 0; i < EVERY_PROCESS; i++) out.push(await hall.get(path));
    return out;
  };
  const refused = (r, y) => r.status === 404 && r.text.includes(`民國 ${y - 1911} 年（${y}）不是盤查年度，請從下列年度中選擇。`)
    && r.text.includes('<a href="/review?year=2025">民國 114 年（2025）</a>');
  for (const y of [2030, 2012])
    for (const r of await answers(`/review?year=${y}`)) assert.ok(refused(r, y), `${y}: ${r.status}`);
  const rename = await renamer();
  assert.equal((await rename('連江縣環境資源局改名後')).status, 303);
  try {
    for (const r of await answers('/review?year=2030')) {
      assert.ok(refused(r, 2030) || r.text.includes('連江縣環境資源局改名後'), 'refused, or (if ever served) with the change');
      assert.ok(!r.text.includes('連江縣環境資源局</td>'), 'never the old name');
    }
    for (const r of await answers('/review?year=2025')) assert.match(r.text, /連江縣環境資源局改名後/, 'a served year shows it');
  } finally {
    assert.equal((await rename('連江縣環境資源局')).status, 303);
  }
  await settled();
});

test('a job run twice, and two workers at once, never double count', async () => {
  const before = sql('SELECT agency_id, subtree_milli FROM rollups WHERE year = 2020 ORDER BY agency_id');
  // A change done is done once: no later job, of this worker or another, claims it or marks it again.
  const doneRows = () => sql('SELECT id, claim, DATE_FORMAT(done_at, \'%Y-%m-%d %H:%i:%s.%f\') FROM outbox WHERE done_at IS NOT NULL ORDER BY id');
  const doneBefore = doneRows();
  assert.ok(doneBefore.length > 0, 'some changes already done');
  redis('LPUSH', 'cityinv:jobs', 'rollup 22 2020', 'rollup 22 2020', 'rollup 22 2020');
  await waitFor('the jobs to run', () => redis('LLEN', 'cityinv:jobs') === '0');
  // Claimed is not finished: wait until no worker holds one either.
  await waitFor('the jobs to finish', () => redis('KEYS', 'cityinv:processing:*').split('\n').filter(Boolean)
    .every((k) => redis('LLEN', k) === '0'));
  assert.deepEqual(sql('SELECT agency_id, subtree_milli FROM rollups WHERE year = 2020 ORDER BY agency_id'), before);
  // A second worker beside the first, and a burst of saves.
  const second = spawn(path.join(BIN, 'cityinv-worker'), ['-c', path.join(VAR, 'cityinv.conf'), '-i', 'second'],
    { env: { ...process.env, CITYINV_DB_PASSWORD: dbSecret() }, stdio: 'ignore' });
  try {
    const a = await login('Z', '371036500X');
    const b = await login('Z', '371036600X');
    for (let i = 0; i < 10; i++) {
      await Promise.all([save(a, 2020, { own_electricity: String(1000 + i) }), save(b, 2020, { own_electricity: String(2000 + 7 * i) })]);
    }
    await settled();
    checkAll(2020);
    const doneAfter = doneRows();
    const after = new Map(doneAfter.map((r) => [r[0], r]));
    assert.deepEqual(doneBefore.map((r) => after.get(r[0])), doneBefore, 'the rows done before kept their claim and done_at');
    assert.ok(doneAfter.length >= doneBefore.length + 20, `the 20 saves' changes done (${doneAfter.length - doneBefore.length})`);
  } finally {
    second.kill('SIGTERM');
    await waitFor('the second worker to stop', () => !alive(second.pid), 15000);
  }
});

// A save's job is one statement in MariaDB, the procedure rollup_changes (migrations/0040). Hold
// the county-year's quality_queue row, so the worker is caught inside it after its claim has
// written (the claim, then the quality request, which waits).  Every step waits for its condition,
// never for a time, so a busy machine only makes it slower.  Returns the lock holder's and the
// worker's sessions, the holder's process and the county-year's quality requests before.
const WAITING_QUALITY = `SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN information_schema.INNODB_LOCKS l
  ON l.lock_id = t.trx_requested_lock_id WHERE t.trx_state = 'LOCK WAIT' AND l.lock_table LIKE '%quality_queue%'`;
const requests = () => Number(sql('SELECT requests FROM quality_queue WHERE county_id = 22 AND year = 2020')[0][0]);
let caughtSaves = 0;
async function catchJob(root) {
  await settled();
  const before = requests();
  const holder = spawn('mariadb', ['--no-defaults', `--socket=${path.join(VAR, 'run/mysql.sock')}`, '-ucityinv', `-p${dbSecret()}`, 'cityinv'],
    { stdio: ['pipe', 'ignore', 'ignore'] });
  holder.stdin.write("BEGIN; SELECT * FROM quality_queue WHERE county_id = 22 AND year = 2020 FOR UPDATE; SELECT SLEEP(120); COMMIT;\n");
  holder.stdin.end();
  let hid;
  try {
    hid = await waitFor('the lock to be held', () => root("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(120)%'"));
    const c = await login('Z', '371036600X');
    await save(c, 2020, { own_electricity: String(4100 + ++caughtSaves) });
    redis('LPUSH', 'cityinv:jobs', 'rollup 22 2020');
    await waitFor('the worker to wait for the lock, its claim written', () => root(WAITING_QUALITY) !== '0', 30000);
    // Its session: the one whose statement is the procedure's request (the quality worker's would be an UPDATE).
    const wid = await waitFor("the worker's statement", () => root(`SELECT ID FROM information_schema.PROCESSLIST
      WHERE INFO LIKE 'CALL rollup_changes%' OR INFO LIKE 'INSERT INTO quality_queue%'`));
    return { holder, hid, wid, before };
  } catch (e) {
    release(root, { holder, hid });
    throw e;
  }
}

// The holder's session ends with it (a killed client's SLEEP would hold the lock two minutes).
function release(root, caught) {
  if (!caught) return;
  if (caught.holder.exitCode === null) {
    if (caught.hid) root(`KILL ${caught.hid}`);
    caught.holder.kill('SIGKILL');
  }
}

test('a worker killed mid-job loses nothing and counts nothing twice', async () => {
  // As MariaDB's root: other sessions' transactions need the PROCESS privilege.
  const root = (q) => stack('sql-root', '-N', '-B', '-e', q).trim();
  let caught;
  try {
    caught = await catchJob(root);
    stack('kill-service', 'worker', 'KILL');
    root(`KILL ${caught.hid}`);
    await waitFor('the lock holder to finish', () => caught.holder.exitCode !== null, 15000);
    // The worker is gone, its statement is not: MariaDB runs it to its end, which commits the job whole.
    await waitFor("the dead worker's statement to end", () => root(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${caught.wid}`) === '0', 30000);
    assert.equal(pending(), 0, 'its work done, whole, by its one statement');
    assert.equal(requests(), caught.before + 1, 'its quality request counted once');
    checkAll(2020);
  } finally {
    release(root, caught);
    stack('start-service', 'worker');
  }
  await settled();
  checkAll(2020);
});

test("a job whose MariaDB session dies mid-statement rolls back whole, and the worker does it again", async () => {
  const root = (q) => stack('sql-root', '-N', '-B', '-e', q).trim();
  const log = path.join(VAR, 'log/worker.log');
  const size = fs.statSync(log).size;
  let caught;
  try {
    caught = await catchJob(root);
    // The worker's session killed inside the procedure, its claim written: rolled back.  Then the lock let go.
    root(`KILL ${caught.wid}`);
    await waitFor("the killed session's transaction to be gone", () => root(`SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ${caught.wid}`) === '0', 15000);
    root(`KILL ${caught.hid}`);
    await waitFor('the lock holder to finish', () => caught.holder.exitCode !== null, 15000);
  } finally {
    release(root, caught);
  }
  await settled();
  checkAll(2020);
  // Had the killed statement's claim and request stayed, the change would count twice or its request would.
  assert.equal(requests(), caught.before + 1, 'one quality request: the killed one rolled back with its claim');
  // The worker makes the statement again on a new connection (db_stmt.c), or its job fails and is tried again.
  assert.match(fs.readFileSync(log).subarray(size).toString(), /rollup county 22 year 2020: \d+ change\(s\), incremental/, 'the job done again');
});

test('with Redis stopped, saves still succeed and the worker catches up from the outbox', async () => {
  stack('stop-service', 'redis');
  try {
    const c = await login('Z', '371036500X');
    await save(c, 2020, { own_electricity: '7777' });
    await save(c, 2019, { own_electricity: '555' });
    await settled();
    checkAll(2020);
    checkAll(2019);
  } finally {
    stack('start-service', 'redis');
  }
});

test('a parent sees its subtree only; siblings, children and other counties see nothing', async () => {
  const id = (code) => sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
  const edu = id('371030000A'), leaf = id('371036500X'), env = id('371040000A'), hall = id('371000000A');
  const parent = await login('Z', '371030000A');
  assert.equal((await parent.get(`/report/view?year=2020&agency=${leaf}`)).status, 200, 'parent reads a child report');
  assert.match((await parent.get(`/report/view?year=2020&agency=${leaf}`)).text, /連江縣介壽國中小/);
  assert.equal((await parent.get(`/review?year=2020&agency=${hall}`)).status, 404, 'not its own parent');
  assert.equal((await parent.get(`/review?year=2020&agency=${env}`)).status, 404, 'not a sibling');
  const sibling = await login('Z', '371040000A');
  assert.equal((await sibling.get(`/review?year=2020&agency=${edu}`)).status, 404);
  assert.equal((await sibling.get(`/report/view?year=2020&agency=${leaf}`)).status, 404);
  const child = await login('Z', '371036500X');
  assert.equal((await child.get(`/report/view?year=2020&agency=${edu}`)).status, 404, 'a child does not read its parent');
  const w = await login('W', '397020000A');
  assert.equal((await w.get(`/review?year=2020&agency=${hall}`)).status, 404, 'another county');
  assert.equal((await w.get(`/report/view?year=2020&agency=${leaf}`)).status, 404);
});
