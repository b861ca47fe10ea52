// passwords.test.mjs: the one-time-password workbook is atomic.  The process that builds it is
// SIGKILLed half-way (its progress polled, not guessed); afterwards every account still logs in
// with the password of the last finished workbook (a first workbook: no account has a password
// yet — none half-set), no workbook is offered that does not match the hashes, the export is
// taken up again within 2 × worker_heartbeat_seconds of the export worker's return (or marked
// 失敗 within that bound when it has been interrupted too often), and every sampled row of the
// finished workbook, the first and the last included, logs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, TMP, VAR, alive, csrfOf, pidOf, sql, stack, waitFor, readXlsx } from '../lib.mjs';

const N = 100;
const P = `3978${String(Date.now() % 10000).padStart(4, '0')}`;
// The export worker of the stack (the worker itself where exports have no process of their own).
const BUILDER = pidOf('exporter') ? 'exporter' : 'worker';
const HEARTBEAT = Number(fs.readFileSync(path.join(VAR, 'cityinv.conf'), 'utf8').match(/^worker_heartbeat_seconds = (\d+)/m)[1]);

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, r };
}

const exportRow = (id) => {
  const [[status, progress, error]] = sql(`SELECT status, progress, IFNULL(error, '') FROM exports WHERE id = ${id}`);
  return { status, progress: Number(progress), error };
};
const hashes = (importId) => Object.fromEntries(sql(`SELECT login, password_hash FROM accounts WHERE import_id = ${importId} ORDER BY login`));

async function passwordRows(c, exportId) {
  const dl = await c.req(`/download?id=${exportId}`, { raw: true });
  assert.equal(dl.status, 200, `workbook ${exportId} is offered`);
  const file = path.join(TMP, `otp-kill-${exportId}.xlsx`);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  return readXlsx(file).slice(3).filter((x) => typeof x[0] === 'number');
}

// The first, the last and every 20th row log in with their one-time password.
async function sampleLogsIn(rows, what) {
  for (const [i, row] of rows.entries()) {
    if (i !== 0 && i !== rows.length - 1 && i % 20) continue;
    const r = (await login('W', row[5], row[6])).r;
    assert.equal(r.status, 303, `${what}: row ${row[0]} (${row[5]}) logs in`);
    assert.equal(r.headers.get('location'), '/password');
  }
}

// SIGKILLs the export worker once the export shows it is half-way; returns when it is dead.
async function killHalfWay(exportId) {
  await waitFor(`export ${exportId} half-way`, () => {
    const e = exportRow(exportId);
    assert.notEqual(e.status, 'done', 'killed before it finished');
    return e.status === 'running' && e.progress >= 30 && e.progress <= 80;
  }, 120000, 50);
  const pid = pidOf(BUILDER);
  process.kill(pid, 'SIGKILL');
  await waitFor('the export worker to die', () => !alive(pid), 5000, 20);
  return exportRow(exportId).progress;
}

// Starts the export worker again; returns how long until the export was claimed anew (or failed).
async function restartAndTime(exportId, attemptsBefore) {
  const t0 = Date.now();
  stack('start-service', BUILDER);
  await waitFor(`export ${exportId} taken up again`, () => {
    const [[status, attempts]] = sql(`SELECT status, attempts FROM exports WHERE id = ${exportId}`);
    return status === 'failed' || status === 'done' || Number(attempts) > attemptsBefore;
  }, 60000, 50);
  return Date.now() - t0;
}

test('password workbooks: killed half-way, no half-set passwords, retried promptly, every row logs in', { timeout: 600000 }, async () => {
  const c = (await login('W', 'TEAM')).c;
  const csv = '機關代碼,機關單位名稱,上級機關代碼\n' +
    Array.from({ length: N }, (_, i) => `${P}D${String(i).padStart(3, '0')},中斷測試機關${i},397020000A`).join('\n') + '\n';
  const page = await c.get('/team/agencies/import');
  const fd = new FormData();
  fd.append('csrf', csrfOf(page.text));
  fd.append('file', new Blob([Buffer.from(csv)]), 'kill.csv');
  const up = await c.req('/team/agencies/import', { method: 'POST', body: fd });
  assert.equal(up.status, 303);
  const importId = up.headers.get('location').split('=')[1];
  const pv = await c.get(up.headers.get('location'));
  const plan = pv.text.match(/name="plan" value="([0-9a-f]{16})"/)[1];
  const conf = await c.post('/team/agencies/import', { csrf: csrfOf(pv.text), action: 'confirm', id: importId, plan });
  assert.equal(conf.status, 303);
  const done = await c.get(conf.headers.get('location'));
  const first = done.text.match(/href="\/exports\?id=(\d+)"/)[1];

  // 1. The first workbook, killed half-way: no account has a password yet, nothing is offered.
  const at1 = await killHalfWay(first);
  const set = Object.values(hashes(importId)).filter((h) => h !== '!');
  assert.equal(set.length, 0, `killed at ${at1} %: ${set.length} of ${N} accounts have a password no workbook holds`);
  assert.equal((await c.get(`/download?id=${first}`)).status, 404, 'no workbook offered');
  // What a crash between the file's rename and the commit that records it would leave: a complete
  // file that no row names.  The next attempt deletes it; only the recorded file is offered.
  const stray = path.join(VAR, 'files', 'exports', `${first}-00000000deadbeef.xlsx`);
  fs.writeFileSync(stray, 'not recorded');
  const took1 = await restartAndTime(first, 1);
  console.log(`# first workbook killed at ${at1} %; taken up again ${took1} ms after the export worker started`);
  assert.ok(took1 <= 2 * HEARTBEAT * 1000, `taken up again after ${took1} ms (at most 2 × ${HEARTBEAT} s)`);
  await waitFor('the first workbook', () => exportRow(first).status === 'done', 120000, 200);
  const rows1 = await passwordRows(c, first);
  assert.equal(rows1.length, N);
  await sampleLogsIn(rows1, 'first workbook');
  assert.ok(!fs.existsSync(stray), 'the unrecorded file was deleted');
  assert.deepEqual(sql(`SELECT COUNT(*) FROM export_passwords WHERE export_id = ${first}`), [['0']], 'nothing left staged');
  const after1 = hashes(importId);

  // 2. 重新產生, killed half-way: every account keeps the first workbook's password.
  const again = await c.post('/team/agencies/import', { csrf: csrfOf(done.text), action: 'passwords', id: importId });
  assert.equal(again.status, 303);
  const second = again.headers.get('location').split('=')[1];
  assert.notEqual(second, first);
  const at2 = await killHalfWay(second);
  assert.deepEqual(hashes(importId), after1, `killed at ${at2} %: every account still has the first workbook's password`);
  await sampleLogsIn(rows1, 'first workbook while the second is interrupted');
  assert.equal((await c.get(`/download?id=${first}`)).status, 200, 'the first workbook is still offered');
  assert.equal((await c.get(`/download?id=${second}`)).status, 404, 'the unfinished one is not');
  const took2 = await restartAndTime(second, 1);
  console.log(`# second workbook killed at ${at2} %; taken up again ${took2} ms after the export worker started`);
  assert.ok(took2 <= 2 * HEARTBEAT * 1000, `taken up again after ${took2} ms (at most 2 × ${HEARTBEAT} s)`);
  await waitFor('the second workbook', () => exportRow(second).status === 'done', 120000, 200);
  const rows2 = await passwordRows(c, second);
  assert.equal(rows2.length, N);
  await sampleLogsIn(rows2, 'second workbook');
  const after2 = hashes(importId);
  assert.equal(Object.keys(after2).filter((k) => after2[k] === after1[k]).length, 0, 'every account has its new password');
  assert.equal((await c.get(`/download?id=${first}`)).status, 404, 'the first workbook, no longer valid, is not offered');

  // 3. Interrupted once too often (the third time): 失敗 within the same bound, nothing changed.
  const third = (await c.post('/team/agencies/import', { csrf: csrfOf(done.text), action: 'passwords', id: importId })).headers.get('location').split('=')[1];
  await killHalfWay(third);
  sql(`UPDATE exports SET attempts = 3 WHERE id = ${third}`);   // as if killed twice before
  const took3 = await restartAndTime(third, 3);
  const e3 = exportRow(third);
  console.log(`# third workbook marked ${e3.status} ${took3} ms after the export worker started`);
  assert.equal(e3.status, 'failed');
  assert.match(e3.error, /中斷/);
  assert.ok(took3 <= 2 * HEARTBEAT * 1000, `marked failed after ${took3} ms (at most 2 × ${HEARTBEAT} s)`);
  assert.match((await c.get(`/exports?id=${third}`)).text, /status s0">失敗/);
  assert.deepEqual(hashes(importId), after2, 'the second workbook still holds every password');
  assert.deepEqual(sql(`SELECT COUNT(*) FROM export_passwords WHERE export_id = ${third}`), [['0']], 'its staged passwords dropped');
  await sampleLogsIn(rows2, 'second workbook after the failed third');
  assert.equal((await c.get(`/download?id=${second}`)).status, 200);

  // Remove this run's agencies.
  const ids = sql(`SELECT id FROM agencies WHERE code LIKE '${P}D%'`).map((r) => r[0]).join(',');
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id IN (${ids}));
       DELETE FROM accounts WHERE agency_id IN (${ids}); DELETE FROM rollups WHERE agency_id IN (${ids});
       DELETE FROM agency_tree WHERE descendant_id IN (${ids}); DELETE FROM agencies WHERE id IN (${ids})`);
  await waitFor('the outbox to drain', () => sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0', 60000, 200);
});

test('MariaDB restarted while a password workbook is made: nothing half-set, the workbook is finished afterwards and logs in', { timeout: 300000 }, async () => {
  const c = (await login('W', 'TEAM')).c;
  const Q = `${P}E`;
  const csv = '機關代碼,機關單位名稱,上級機關代碼\n' +
    Array.from({ length: 60 }, (_, i) => `${Q}${String(i).padStart(3, '0')},資料庫重啟機關${i},397020000A`).join('\n') + '\n';
  const page = await c.get('/team/agencies/import');
  const fd = new FormData();
  fd.append('csrf', csrfOf(page.text));
  fd.append('file', new Blob([Buffer.from(csv)]), 'restart.csv');
  const up = await c.req('/team/agencies/import', { method: 'POST', body: fd });
  const importId = up.headers.get('location').split('=')[1];
  const pv = await c.get(up.headers.get('location'));
  const plan = pv.text.match(/name="plan" value="([0-9a-f]{16})"/)[1];
  const conf = await c.post('/team/agencies/import', { csrf: csrfOf(pv.text), action: 'confirm', id: importId, plan });
  const exportId = (await c.get(conf.headers.get('location'))).text.match(/href="\/exports\?id=(\d+)"/)[1];
  await waitFor(`export ${exportId} under way`, () => {
    const e = exportRow(exportId);
    return e.status === 'running' && e.progress >= 20;
  }, 120000, 50);
  stack('stop-service', 'mariadb');
  stack('start-service', 'mariadb');
  assert.equal(Object.values(hashes(importId)).filter((h) => h !== '!').length, 0, 'no account has a password yet');
  await waitFor('the workbook after the restart', () => exportRow(exportId).status === 'done', 120000, 200);
  const rows = await passwordRows(c, exportId);
  assert.equal(rows.length, 60);
  await sampleLogsIn(rows, 'workbook made across a MariaDB restart');
  assert.equal(Object.values(hashes(importId)).filter((h) => h === '!').length, 0, 'every account has its password');
  const ids = sql(`SELECT id FROM agencies WHERE code LIKE '${Q}%'`).map((r) => r[0]).join(',');
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id IN (${ids}));
       DELETE FROM accounts WHERE agency_id IN (${ids}); DELETE FROM rollups WHERE agency_id IN (${ids});
       DELETE FROM agency_tree WHERE descendant_id IN (${ids}); DELETE FROM agencies WHERE id IN (${ids})`);
  await waitFor('the outbox to drain', () => sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0', 60000, 200);
});
