// hang.test.mjs: Redis and MariaDB that hang (SIGSTOP: they accept connections and never
// answer, as on a network partition).  With Redis frozen every save answers 303 within 1 s and
// its total still arrives (the outbox is the record); with MariaDB frozen every request answers
// 503 with the Chinese page within 3 s and nothing is half-written; /healthz answers within
// 1.5 s naming the part, whatever hangs.  After SIGCONT: every save answered 303 is recorded
// exactly once, every refused one not at all, and the rollups equal independent sums.  A review
// page a process kept a moment before (the write epoch) still answers in the hang's first second.  These
// bounds are the one place where the suite asserts a time (SPEC-2 §7), with those margins.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql, pidOf, alive, waitFor, healthz, loginAs as login, rollupMismatches } from '../lib.mjs';

const Y = 2019;
const AGENCIES = [['W', '397020000A'], ['W', '397030000A'], ['Z', '371036500X'], ['Z', '371036600X']];
const frozen = new Set();

function freeze(name) {
  const pid = pidOf(name);
  assert.ok(pid && alive(pid), `${name} runs`);
  process.kill(pid, 'SIGSTOP');
  frozen.add(pid);
  return pid;
}
function thaw(pid) {
  process.kill(pid, 'SIGCONT');
  frozen.delete(pid);
}
// Whatever happens, nothing stays stopped after this file.
after(() => { for (const pid of frozen) try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ } });

const slowest = {};
async function timed(fn, kind = 'request') {
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  slowest[kind] = Math.max(slowest[kind] || 0, ms);
  return { ...r, ms };
}
after(() => console.log(`# slowest answers (ms): ${Object.entries(slowest).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`));

// The form's revision and token, read while everything answers.
async function form(c) {
  const f = await c.get(`/report/edit?year=${Y}`);
  assert.equal(f.status, 200);
  return { csrf: csrfOf(f.text), revision: f.text.match(/name="revision" value="(\d+)"/)[1] };
}

function save(c, csrf, revision, value) {
  return c.post('/report/edit', { csrf, year: String(Y), revision, action: 'save', scope_text: '辦公廳舍', own_electricity: value }, { timeout: 20000 });
}

const ids = {};
function auditValues(code, since) {
  return sql(`SELECT new_value FROM audit_log WHERE id > ${since} AND agency_id = ${ids[code]} AND year = ${Y} AND field = '不含委外 電力'`)
    .map((r) => Number(r[0].replace(/,/g, '')));
}

// Every rollup and county total of the year equals an independent SQL sum of its subtree.
const assertRollupsExact = () => assert.deepEqual(rollupMismatches(Y), [], 'rollups and county totals that differ from their sums');

const pending = () => Number(sql(`SELECT COUNT(*) FROM outbox WHERE done_at IS NULL AND year = ${Y}`)[0][0]);

test('setup: contacts and an open year', () => {
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '02-12345678', contact_email = 'x@example.gov.tw' WHERE code IN ('397020000A', '397030000A', '371036500X', '371036600X')");
  sql(`UPDATE inventory_years SET is_open = 1, published_at = NULL WHERE year = ${Y}`);
  for (const [, code] of AGENCIES) ids[code] = sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
});

test('Redis frozen: every save answers 303 within 1 s, healthz names redis within 1.5 s, totals still arrive', { timeout: 120000 }, async () => {
  const clients = await Promise.all(AGENCIES.map(([county, code]) => login(county, code)));
  const since = Number(sql('SELECT IFNULL(MAX(id), 0) FROM audit_log')[0][0]);
  const saved = Object.fromEntries(AGENCIES.map(([, code]) => [code, []]));
  const pid = freeze('redis');
  try {
    // Four agencies at once, five saves each: more saves than FastCGI processes, so every
    // process meets the hang, and each one again after its pause.
    await Promise.all(AGENCIES.map(async ([, code], k) => {
      for (let i = 0; i < 5; i++) {
        const { csrf, revision } = await form(clients[k]);
        const value = String(50000 + k * 1000 + i);
        const r = await timed(() => save(clients[k], csrf, revision, value), 'save, Redis frozen');
        assert.equal(r.status, 303, `${code}: save ${value} with Redis frozen answered ${r.status}`);
        assert.ok(r.ms < 1000, `${code}: save ${value} took ${r.ms.toFixed(0)} ms with Redis frozen (bound 1000)`);
        saved[code].push(Number(value));
      }
    }));
    const h = await timed(() => healthz(), 'healthz, Redis frozen');
    assert.equal(h.status, 503);
    assert.match(h.text, /redis: unavailable/);
    assert.doesNotMatch(h.text, /mariadb/);
    assert.ok(h.ms < 1500, `healthz took ${h.ms.toFixed(0)} ms with Redis frozen (bound 1500)`);
    // Nobody wakes the worker through Redis now; its poll of the outbox finds the work.
    await waitFor('the totals computed while Redis is still frozen', () => pending() === 0, 60000, 250);
    // A workbook asked for now: nobody wakes the exporter either; its poll of the exports table
    // finds the request and builds it.
    const hall = await login('Z', '371000000A');
    const hallId = sql("SELECT id FROM agencies WHERE code = '371000000A'")[0][0];
    const review = await hall.get(`/review?year=${Y}&agency=${hallId}`);
    const ask = await timed(() => hall.post('/review/export', { csrf: csrfOf(review.text), year: String(Y), agency: hallId }), 'export request, Redis frozen');
    assert.equal(ask.status, 303);
    assert.ok(ask.ms < 1000, `the export request took ${ask.ms.toFixed(0)} ms with Redis frozen (bound 1000)`);
    const exportId = ask.headers.get('location').match(/id=(\d+)/)[1];
    await waitFor('the workbook built while Redis is still frozen',
      () => sql(`SELECT status FROM exports WHERE id = ${exportId}`)[0][0] === 'done', 60000, 250);
    assert.ok(alive(pid), 'redis is still there (frozen)');
  } finally {
    thaw(pid);
  }
  await waitFor('healthz 200 after SIGCONT', async () => (await healthz()).status === 200, 15000, 100);
  for (const [, code] of AGENCIES) {
    const got = auditValues(code, since);
    for (const v of saved[code]) assert.equal(got.filter((x) => x === v).length, 1, `${code}: save ${v} recorded exactly once`);
    assert.equal(got.length, saved[code].length, `${code}: no other change recorded`);
  }
  assertRollupsExact();
});

test('MariaDB frozen: every request answers 503 in Chinese within 3 s, healthz within 1.5 s, nothing half-written', { timeout: 180000 }, async () => {
  const clients = await Promise.all(AGENCIES.map(([county, code]) => login(county, code)));
  const forms = await Promise.all(clients.map((c) => form(c)));
  const since = Number(sql('SELECT IFNULL(MAX(id), 0) FROM audit_log')[0][0]);
  const before = sql(`SELECT r.agency_id, r.revision, r.own_total_milli FROM reports r WHERE r.year = ${Y} ORDER BY r.agency_id`);
  const refused = [];
  const pid = freeze('mariadb');
  try {
    // Saves and page views by every agency at once, twice over: the first meets the hang
    // (and waits out the timeout), the later ones find the process already knows.
    await Promise.all(AGENCIES.map(async ([, code], k) => {
      for (let i = 0; i < 3; i++) {
        const value = String(70000 + k * 1000 + i);
        const r = await timed(() => save(clients[k], forms[k].csrf, forms[k].revision, value), 'save, MariaDB frozen');
        assert.equal(r.status, 503, `${code}: save ${value} with MariaDB frozen answered ${r.status}`);
        assert.match(r.text, /系統暫時無法服務|無法確認是否已存檔/, 'the Chinese page');
        assert.ok(r.ms < 3000, `${code}: save ${value} took ${r.ms.toFixed(0)} ms with MariaDB frozen (bound 3000)`);
        refused.push([code, Number(value)]);
        const p = await timed(() => clients[k].get(`/report/edit?year=${Y}`), 'page, MariaDB frozen');
        assert.equal(p.status, 503, `${code}: the form with MariaDB frozen answered ${p.status}`);
        assert.ok(p.ms < 3000, `${code}: the form took ${p.ms.toFixed(0)} ms (bound 3000)`);
      }
    }));
    for (let i = 0; i < 3; i++) {
      const h = await timed(() => healthz(), 'healthz, MariaDB frozen');
      assert.equal(h.status, 503);
      assert.match(h.text, /mariadb: unavailable/);
      assert.ok(h.ms < 1500, `healthz took ${h.ms.toFixed(0)} ms with MariaDB frozen (bound 1500)`);
    }
    // Static files do not need the database.
    const css = await timed(() => new Client().get('/static/cityinv.css'));
    assert.equal(css.status, 200);
    assert.ok(css.ms < 1000, 'static files are served while MariaDB hangs');
  } finally {
    thaw(pid);
  }
  await waitFor('healthz 200 after SIGCONT', async () => (await healthz()).status === 200, 30000, 100);
  // Nothing of the refused saves is there, and the reports are as they were.
  for (const [code, v] of refused) assert.equal(auditValues(code, since).filter((x) => x === v).length, 0, `${code}: refused save ${v} left nothing`);
  assert.deepEqual(sql(`SELECT r.agency_id, r.revision, r.own_total_milli FROM reports r WHERE r.year = ${Y} ORDER BY r.agency_id`), before, 'the reports are as before the freeze');
  // And the same clients work again at once (their sessions are intact).
  for (const [k, [, code]] of AGENCIES.entries()) {
    const { csrf, revision } = await form(clients[k]);
    assert.equal((await save(clients[k], csrf, revision, String(90000 + k))).status, 303, `${code} saves again`);
  }
  await waitFor('every outbox row done', () => pending() === 0, 60000, 250);
  assertRollupsExact();
});

test('MariaDB frozen in the middle of saves: each answered within 3 s; each success once, each refusal nothing', { timeout: 180000 }, async () => {
  const clients = await Promise.all(AGENCIES.map(([county, code]) => login(county, code)));
  const since = Number(sql('SELECT IFNULL(MAX(id), 0) FROM audit_log')[0][0]);
  const out = Object.fromEntries(AGENCIES.map(([, code]) => [code, { ok: [], refused: [], unknown: [] }]));
  let stop = false, n = 0, pid = null;
  // Each agency saves again and again (a new value each time), so the freeze lands inside
  // some transactions: between statements, at COMMIT, or before the first.  While the form
  // cannot be read (503), the save is sent with the last form's revision all the same.
  const loops = AGENCIES.map(async ([, code], k) => {
    let last = null;
    while (!stop) {
      const f = await timed(() => clients[k].get(`/report/edit?year=${Y}`), 'page, MariaDB freezing');
      assert.ok(f.ms < 3000, `${code}: the form took ${f.ms.toFixed(0)} ms (bound 3000)`);
      if (f.status === 200) last = { csrf: csrfOf(f.text), revision: f.text.match(/name="revision" value="(\d+)"/)[1] };
      else assert.equal(f.status, 503, `${code}: the form`);
      const value = 200000 + k * 10000 + (n++);
      const r = await timed(() => save(clients[k], last.csrf, last.revision, String(value)), 'save, MariaDB freezing');
      assert.ok(r.ms < 3000, `${code}: save ${value} took ${r.ms.toFixed(0)} ms (bound 3000)`);
      if (r.status === 303) out[code].ok.push(value);
      else if (r.status === 503 && /無法確認是否已存檔/.test(r.text)) out[code].unknown.push(value);
      else if (r.status === 409) out[code].refused.push(value);   // a revision read before an unknown outcome
      else { assert.equal(r.status, 503, `${code}: save ${value}`); assert.match(r.text, /系統暫時無法服務/); out[code].refused.push(value); }
    }
  });
  try {
    await waitFor('a few saves before the freeze', () => AGENCIES.every(([, code]) => out[code].ok.length >= 2), 30000, 20);
    pid = freeze('mariadb');
    await waitFor('saves refused during the freeze', () => AGENCIES.every(([, code]) => out[code].refused.length + out[code].unknown.length >= 2), 60000, 50);
    // Every site process busy with the hang: /healthz, served by a process of its own, is not
    // queued behind them.
    for (let i = 0; i < 3; i++) {
      const h = await timed(() => healthz(), 'healthz, MariaDB frozen, site busy');
      assert.equal(h.status, 503);
      assert.ok(h.ms < 1500, `healthz took ${h.ms.toFixed(0)} ms with MariaDB frozen and the site busy (bound 1500)`);
    }
  } finally {
    if (pid) thaw(pid);
  }
  await waitFor('saves going through again', () => AGENCIES.every(([, code]) => out[code].ok.length >= 4), 60000, 100);
  stop = true;
  await Promise.all(loops);
  for (const [, code] of AGENCIES) {
    const got = auditValues(code, since);
    for (const v of out[code].ok) assert.equal(got.filter((x) => x === v).length, 1, `${code}: save ${v} (303) recorded exactly once`);
    for (const v of out[code].refused) assert.equal(got.filter((x) => x === v).length, 0, `${code}: save ${v} (503) left nothing`);
    for (const v of out[code].unknown) assert.ok(got.filter((x) => x === v).length <= 1, `${code}: save ${v} (unknown) at most once`);
    const [[qty]] = sql(`SELECT l.quantity_milli FROM reports r JOIN report_lines l ON l.report_id = r.id AND l.part = 'own' AND l.item = 'electricity' WHERE r.agency_id = ${ids[code]} AND r.year = ${Y}`);
    assert.equal(Number(qty) / 1000, got.at(-1), `${code}: the report holds its last recorded value`);
  }
  await waitFor('every outbox row done', () => pending() === 0, 60000, 250);
  assertRollupsExact();
  console.log(`# mid-save freeze: ${AGENCIES.map(([, code]) => `${code} ${out[code].ok.length} ok / ${out[code].refused.length} refused / ${out[code].unknown.length} unknown`).join('; ')}`);
});

test('both frozen: healthz names both within 1.5 s; then everything recovers', { timeout: 60000 }, async () => {
  const r = freeze('redis');
  const m = freeze('mariadb');
  try {
    for (let i = 0; i < 3; i++) {
      const h = await timed(() => healthz(), 'healthz, both frozen');
      assert.equal(h.status, 503);
      assert.match(h.text, /mariadb: unavailable/);
      assert.match(h.text, /redis: unavailable/);
      assert.ok(h.ms < 1500, `healthz took ${h.ms.toFixed(0)} ms with both frozen (bound 1500)`);
    }
  } finally {
    thaw(m);
    thaw(r);
  }
  await waitFor('healthz 200 after SIGCONT', async () => (await healthz()).status === 200, 30000, 100);
});

// A review page a web process kept (web/session.c: the same page of the same cookie read under a
// second before, and no write since, by the write epoch) asks MariaDB nothing: asked again in the
// first second of a hang it still answers, from that process; any other process meets the hang
// and answers 503 within the bound.  So at least one answer is the page, and none waits longer.
test('MariaDB frozen: a review page asked again within the second answers from what its process kept', { timeout: 60000 }, async () => {
  const team = await login('Z', 'TEAM');
  const url = `/review?year=${Y}`;
  await waitFor('the workers idle (no write moves the epoch meanwhile)', () => sql(`SELECT (SELECT COUNT(*) FROM outbox WHERE done_at IS NULL)
    + (SELECT COUNT(*) FROM quality_queue WHERE done_for < requests)`)[0][0] === '0', 60000, 200);
  for (let i = 0; i < 4; i++) assert.equal((await team.get(url)).status, 200, 'the page, kept');
  const page = await team.get(url);
  const pid = freeze('mariadb');
  const answers = [];
  try {
    for (let i = 0; i < 4; i++) {
      const r = await timed(() => team.get(url), 'review page kept, MariaDB frozen');
      answers.push(r.status);
      assert.ok(r.ms < 3000, `the review page took ${r.ms.toFixed(0)} ms with MariaDB frozen (bound 3000)`);
      if (r.status === 200) assert.equal(r.text, page.text, 'the page as kept');
      else assert.equal(r.status, 503);
      if (r.status === 200) break;
    }
  } finally {
    thaw(pid);
  }
  assert.ok(answers.includes(200), `some process answered from what it kept (${answers.join(' ')})`);
  await waitFor('healthz 200 after SIGCONT', async () => (await healthz()).status === 200, 30000, 100);
});
