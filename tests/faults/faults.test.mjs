// faults.test.mjs: a burst of saves by several agencies while the worker is SIGKILLed, a FastCGI
// process is SIGKILLed, Redis is stopped and started and MariaDB is restarted.  Afterwards:
// every save answered with success is in the database exactly once, every save refused by the
// application left nothing behind, every rollup equals an independent SQL sum of its subtree,
// and every service is back without a manual step.  Bounded: about a minute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, STACK, csrfOf, healthz, pidOf, alive, sql, sleep, waitFor, rollupMismatches } from '../lib.mjs';

const run = promisify(execFile);
const stackAsync = (...args) => run(STACK, args, { env: process.env, timeout: 180000 });
const Y = 2020;
const AGENCIES = [['W', '397020000A'], ['W', '397030000A'], ['Z', '371036500X'], ['Z', '371036600X']];

async function login(county, account) {
  for (let i = 0; i < 30; i++) {
    try {
      const c = new Client();
      const home = await c.get('/');
      const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password: 'cityinv-demo' });
      if (r.status === 303) return c;
    } catch { /* the stack may be restarting */ }
    await sleep(500);
  }
  throw new Error(`cannot log in as ${account}`);
}

test('saves under faults: nothing lost, nothing doubled, rollups exact, services recovered', { timeout: 300000 }, async () => {
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '02-12345678', contact_email = 'x@example.gov.tw' WHERE code IN ('397020000A', '397030000A', '371036500X', '371036600X')");
  sql(`UPDATE inventory_years SET is_open = 1, published_at = NULL WHERE year = ${Y}`);
  const ids = Object.fromEntries(AGENCIES.map(([, code]) => [code, sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0]]));
  const auditBefore = Number(sql("SELECT IFNULL(MAX(id), 0) FROM audit_log")[0][0]);
  const outcomes = Object.fromEntries(AGENCIES.map(([, code]) => [code, { ok: [], refused: [], unknown: [] }]));
  const statusOf = {};
  let stop = false, n = 0;

  // Each agency saves again and again, each time a value never used before.
  const loops = AGENCIES.map(async ([county, code], k) => {
    let c = await login(county, code);
    while (!stop) {
      const value = String(100000 + k * 100000 + (n++));
      try {
        const f = await c.get(`/report/edit?year=${Y}`, { timeout: 15000 });
        if (f.status === 401) { c = await login(county, code); continue; }
        const revision = (f.text.match(/name="revision" value="(\d+)"/) || [])[1];
        if (f.status !== 200 || !revision) { await sleep(100); continue; }
        const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍', own_electricity: value }, { timeout: 15000 });
        if (r.status === 303) outcomes[code].ok.push(value);
        else if (r.status === 502 || r.status === 504) outcomes[code].unknown.push(value);   // the process died mid-request
        else if (r.status === 503 && /無法確認是否已存檔/.test(r.text)) outcomes[code].unknown.push(value);   // lost at COMMIT, said so
        else if (r.status >= 500 || r.status === 409) { outcomes[code].refused.push(value); statusOf[value] = r.status; }   // the app answered: rolled back
        else outcomes[code].unknown.push(value);
      } catch {
        outcomes[code].unknown.push(value);   // no answer at all
      }
    }
  });

  // The faults, while the saves go on.
  await sleep(2000);
  await stackAsync('kill-service', 'worker', 'KILL');
  await sleep(1500);
  await stackAsync('start-service', 'worker');
  await sleep(1500);
  const web = pidOf('web');
  const children = (await run('pgrep', ['-P', String(web)])).stdout.trim().split('\n').map(Number);
  process.kill(children[0], 'SIGKILL');
  await sleep(2000);
  await stackAsync('stop-service', 'redis');
  await sleep(3000);
  await stackAsync('start-service', 'redis');
  await sleep(2000);
  await stackAsync('stop-service', 'mariadb');
  await sleep(2000);
  await stackAsync('start-service', 'mariadb');
  await sleep(4000);
  stop = true;
  await Promise.all(loops);

  // Recovered without a manual step.
  await waitFor('healthz 200', async () => (await healthz()).status === 200, 60000, 500);
  assert.ok(alive(pidOf('worker')), 'the worker runs');
  assert.ok((await run('pgrep', ['-P', String(pidOf('web'))])).stdout.trim().split('\n').length >= 2, 'the FastCGI processes are all there');
  await waitFor('every outbox row done', () => sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0', 90000, 500);

  let total = 0;
  for (const [, code] of AGENCIES) {
    const o = outcomes[code];
    total += o.ok.length;
    // The audit trail has one row per saved change of the field: each success exactly once.
    const saved = sql(`SELECT new_value FROM audit_log WHERE id > ${auditBefore} AND agency_id = ${ids[code]} AND year = ${Y} AND field = '不含委外 電力'`).map((r) => r[0].replace(/,/g, ''));
    const count = (v) => saved.filter((s) => Number(s) === Number(v)).length;
    for (const v of o.ok) assert.equal(count(v), 1, `${code}: the successful save ${v} is there exactly once`);
    for (const v of o.refused) assert.equal(count(v), 0, `${code}: the save ${v} refused with ${statusOf[v]} left nothing`);
    for (const v of o.unknown) assert.ok(count(v) <= 1, `${code}: the unanswered save ${v} is there at most once`);
    // The report holds the last saved value, and its total matches its stored line.
    const [[qty, kg, total2]] = sql(`SELECT l.quantity_milli, l.kg_milli, r.own_total_milli FROM reports r JOIN report_lines l ON l.report_id = r.id AND l.part = 'own' AND l.item = 'electricity' WHERE r.agency_id = ${ids[code]} AND r.year = ${Y}`);
    assert.equal(Number(qty) / 1000, Number(saved.at(-1)), `${code}: the report holds the last saved value`);
    assert.equal(kg, total2, `${code}: the total is its line`);
  }
  assert.ok(total >= 20, `${total} successful saves during the faults`);
  // Every rollup equals an independent SQL sum of its subtree (active agencies, own totals).
  assert.deepEqual(rollupMismatches(Y), [], 'rollups and county totals that differ from their sums');
  // And a save after it all works end to end.
  const c = await login('W', '397020000A');
  const f = await c.get(`/report/edit?year=${Y}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  assert.equal((await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍', own_electricity: '1234' })).status, 303);
  await waitFor('its rollup', () => sql(`SELECT COUNT(*) FROM outbox WHERE done_at IS NULL`)[0][0] === '0', 30000, 200);
  console.log(`# ${total} successful saves; refused ${AGENCIES.reduce((a, [, code]) => a + outcomes[code].refused.length, 0)}; unanswered ${AGENCIES.reduce((a, [, code]) => a + outcomes[code].unknown.length, 0)}`);
});
