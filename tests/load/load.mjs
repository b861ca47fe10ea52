// load.mjs: a mixed workload through nginx — page views, 計算 previews and saves by many agencies at
// once — and the checks that nothing was lost or doubled and the rollups converged.  Used by
// tests/load/load.test.mjs (a short run in make test) and bench/loadtest.sh (make loadtest).
import fs from 'node:fs';
import path from 'node:path';
import { Client, VAR, csrfOf, sql, waitFor } from '../lib.mjs';

const YEAR = 2022;

// Agencies LQ…… of 嘉義縣 (letter Q) in 3 levels — a county hall, 10 bureaus, the schools under
// them — with accounts sharing the demo password; idempotent.  The schools' codes, n of them.
export function seed(n) {
  const county = sql("SELECT id FROM counties WHERE letter = 'Q'")[0][0];
  sql(`INSERT IGNORE INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
         VALUES (${county}, 'LQ000000', '負載測試縣政府', 1, NULL, '承辦', '05-1234567', 'load@example.gov.tw');
       INSERT IGNORE INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
         SELECT ${county}, CONCAT('LQ', LPAD(s.n, 2, '0'), '0000'), CONCAT('負載測試局處', s.n), 2, p.id, '承辦', '05-1234567', 'load@example.gov.tw'
         FROM agencies p JOIN (WITH RECURSIVE q (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM q WHERE n < 10) SELECT n FROM q) s
         WHERE p.code = 'LQ000000';
       INSERT IGNORE INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
         SELECT ${county}, CONCAT(LEFT(p.code, 4), LPAD(s.n, 4, '0')), CONCAT(p.name, '學校', s.n), 3, p.id, '承辦', '05-1234567', 'load@example.gov.tw'
         FROM agencies p JOIN (WITH RECURSIVE q (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM q WHERE n < ${Math.ceil(n / 10)}) SELECT n FROM q) s
         WHERE p.code LIKE 'LQ__0000' AND p.level = 2;
       INSERT IGNORE INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
         SELECT 'agency', a.county_id, a.id, a.code, (SELECT password_hash FROM accounts WHERE kind = 'admin' AND login = 'admin'), 0
         FROM agencies a WHERE a.code LIKE 'LQ%';
       UPDATE inventory_years SET is_open = 1 WHERE county_id = ${county} AND year = ${YEAR}`);
  return sql("SELECT code FROM agencies WHERE code LIKE 'LQ%' AND level = 3 ORDER BY code").map((r) => r[0]).slice(0, n);
}

// The web's and MariaDB's logs from here on: what a failed run's message adds (web errors and
// warnings, MariaDB's own).  Not MariaDB's deadlock dumps: they print the rows, password hashes too.
export function logMark() {
  const size = (f) => { try { return fs.statSync(path.join(VAR, 'log', f)).size; } catch { return 0; } };
  const at = { 'web.log': size('web.log'), 'mariadb.log': size('mariadb.log') };
  return () => Object.entries(at).flatMap(([f, from]) => {
    let text = '';
    try {
      const fd = fs.openSync(path.join(VAR, 'log', f), 'r');
      const buf = Buffer.alloc(Math.min(1 << 20, Math.max(0, fs.fstatSync(fd).size - from)));
      fs.readSync(fd, buf, 0, buf.length, from);
      fs.closeSync(fd);
      text = buf.toString('utf8');
    } catch { /* no such log */ }
    const seen = new Map();   // a message once, with how many times it came (time and process left out)
    for (const l of text.split('\n').filter((x) => /error|warning/i.test(x))) {
      const key = l.replace(/^\S+ \S+ \S+\[\d+\] /, '').slice(0, 300);
      seen.set(key, (seen.get(key) || 0) + 1);
    }
    return [...seen].slice(0, 40).map(([l, n]) => `${f}: ${l}${n > 1 ? ` (×${n})` : ''}`);
  }).join('\n');
}

function pct(v, p) {
  if (!v.length) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

// Runs `users` virtual users for `seconds`; each logs in as its own agency and loops over a mix.
export async function run({ seconds, users, codes }) {
  const stats = { view: [], calc: [], save: [], review: [], errors5xx: 0, other: 0 };
  const start = performance.now();
  const odd = [];   // the first few answers that were not 200 or 303: what, when, how long
  const note = (what, res, t0) => { if (odd.length < 10) odd.push(`${what} ${res.status} at +${Math.round(performance.now() - start)} ms after ${Math.round(performance.now() - t0)} ms`); };
  const saved = {};   // code -> values answered with success, in order
  // The audit trail's last id before this run: a run again on the same stack counts only its own saves.
  const since = Number(sql('SELECT IFNULL(MAX(id), 0) FROM audit_log')[0][0]);
  const end = Date.now() + seconds * 1000;
  let counter = 0;
  async function user(code) {
    const c = new Client();
    const home = await c.get('/');
    const r = await c.post('/login', { csrf: csrfOf(home.text), county: 'Q', account: code, password: 'cityinv-demo' });
    if (r.status !== 303) throw new Error(`login ${code}: ${r.status}`);
    saved[code] = [];
    while (Date.now() < end) {
      const dice = Math.random();
      const t0 = performance.now();
      let res, kind;
      if (dice < 0.35) {
        kind = 'view';
        res = await c.get(['/', '/report', `/report/view?year=${YEAR}`, '/public', '/faq'][counter++ % 5]);
      } else if (dice < 0.5) {
        kind = 'review';
        res = await c.get(`/review?year=${YEAR}`);
      } else {
        const f = await c.get(`/report/edit?year=${YEAR}`);
        if (f.status >= 500) { stats.errors5xx++; note(`${code} GET /report/edit`, f, t0); }
        const revision = (f.text.match(/name="revision" value="(\d+)"/) || [])[1];
        const value = String(1000 + (counter++));
        kind = dice < 0.75 ? 'calc' : 'save';
        res = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(YEAR), revision: revision || '0', action: kind,
          scope_text: '負載測試', own_electricity: value, own_vehicle_gasoline: '12.5' });
        if (kind === 'save' && res.status === 303) saved[code].push(value);
      }
      stats[kind].push(performance.now() - t0);
      if (res.status >= 500) stats.errors5xx++;
      else if (![200, 303].includes(res.status)) stats.other++;
      if (![200, 303].includes(res.status)) note(`${code} ${kind}`, res, t0);
    }
  }
  const t0 = Date.now();
  await Promise.all(codes.slice(0, users).map(user));
  const elapsed = (Date.now() - t0) / 1000;
  const all = [...stats.view, ...stats.calc, ...stats.save, ...stats.review];
  const summary = {
    seconds: elapsed, users, requests: all.length, rps: all.length / elapsed, errors5xx: stats.errors5xx, other: stats.other, odd,
    p50: pct(all, 0.5), p99: pct(all, 0.99),
    byKind: Object.fromEntries(['view', 'review', 'calc', 'save'].map((k) => [k, { n: stats[k].length, p50: pct(stats[k], 0.5), p99: pct(stats[k], 0.99) }])),
  };
  return { summary, saved: { since, values: saved } };
}

// Every success of the run saved exactly once (audit rows after `since`), the last one in the report, and rollups equal to SQL sums.
export async function verify({ since, values: saved }) {
  const problems = [];
  await waitFor('the outbox to drain', () => sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0', 120000, 500);
  for (const [code, values] of Object.entries(saved)) {
    if (!values.length) continue;
    const id = sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
    const audit = sql(`SELECT new_value FROM audit_log WHERE id > ${since} AND agency_id = ${id} AND year = ${YEAR} AND field = '不含委外 電力'`).map((r) => Number(r[0].replace(/,/g, '')));
    for (const v of values) {
      const n = audit.filter((a) => a === Number(v)).length;
      if (n !== 1) problems.push(`${code}: save ${v} recorded ${n} times`);
    }
    const [[q]] = sql(`SELECT l.quantity_milli FROM reports r JOIN report_lines l ON l.report_id = r.id AND l.part = 'own' AND l.item = 'electricity' WHERE r.agency_id = ${id} AND r.year = ${YEAR}`);
    if (Number(q) / 1000 !== Number(values.at(-1))) problems.push(`${code}: report holds ${Number(q) / 1000}, last saved ${values.at(-1)}`);
  }
  const bad = sql(`SELECT ro.agency_id FROM rollups ro JOIN agencies a ON a.id = ro.agency_id
    LEFT JOIN (SELECT t.ancestor_id, SUM(r.own_total_milli) t FROM agency_tree t JOIN agencies d ON d.id = t.descendant_id AND d.active = 1
      JOIN reports r ON r.agency_id = d.id AND r.year = ${YEAR} GROUP BY t.ancestor_id) s ON s.ancestor_id = ro.agency_id
    WHERE ro.year = ${YEAR} AND a.active = 1 AND ro.subtree_milli <> IFNULL(s.t, 0)`);
  if (bad.length) problems.push(`${bad.length} rollups differ from their subtree sums`);
  return problems;
}
