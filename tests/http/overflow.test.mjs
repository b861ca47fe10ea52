// overflow.test.mjs: issue 10 item 4 — no figure can wrap.  Twenty other-refrigerant rows of R404A
// at 10^12 kg are refused beside each field (400, the input back, nothing written); a report one
// gram above the report bound (10^10 kgCO2e a part) likewise; reports at exactly that bound in three
// agencies and non-agency lines at theirs add up, after the worker's rollups, to the BigInt sum this
// test computes from the factor CSV — on the inventory page, the overview, the review page and the
// workbook, positive and unwrapped; rows written before the bounds (what the old save stored) make the
// inventory refuse rather than show a wrapped total; a county-year holds at most 1,000 non-agency
// lines and a county at most 20,000 agencies.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, ROOT, TMP, csrfOf, sql, waitFor, loginAs as login } from '../lib.mjs';

const Y = 2017;                                   // a year no other suite writes in 連江縣 (Z)
const TAG = `OVF${Date.now() % 1000000}`;         // unique codes: a rerun on the same stack still works
const X = 21;                                     // 澎湖縣: no demo data; the destructive cases live there
const XTEAM = `${TAG}TEAM`;

// "10,000,000,000.000" (html_milli: always three decimals) -> 10000000000000n thousandths.
function milli(text) {
  assert.match(text, /^-?[\d,]+\.\d{3}$/, `a figure with three decimals: ${text}`);
  return BigInt(text.replace(/[,.]/g, ''));
}
const cell = (html, id) => {
  const m = html.match(new RegExp(`id="${id}">([-\\d,.]+)`));
  assert.ok(m, `#${id} on the page`);
  return m[1];
};
const show = (m) => `${m < 0n ? '-' : ''}${(m < 0n ? -m : m) / 1000n}.${String((m < 0n ? -m : m) % 1000n).padStart(3, '0')}`;

// The reference table, read here independently of the C code: key -> [mantissa, scale].
const factors = (() => {
  const out = {};
  for (const line of fs.readFileSync(path.join(ROOT, 'migrations/data/emission-factors.csv'), 'utf8').split('\n').slice(1)) {
    const cols = line.split(',');                  // the key and value columns come before any quoted one
    if (cols.length < 6) continue;
    const [int, frac = ''] = cols[5].split('.');
    if (!/^\d+$/.test(int + frac)) continue;
    out[cols[0]] = [BigInt(int + frac), frac.length];
  }
  return out;
})();
// q (whole units) x factor `key`, in thousandths of a kgCO2e, rounded half up once (as SPEC 4 says).
function lineMilli(q, key) {
  const [m, s] = factors[key];
  const num = q * m * 1000n, den = 10n ** BigInt(s);
  return (num + den / 2n) / den;
}

// A report part at exactly the bound in 2017: 10^10 kWh x 0.554, then R134a (AR4: 1,430) as far as it
// goes in whole kg, the rest in kg of CO2 extinguisher (1 x GWP 1).  Computed here, not by the server.
const BOUND = 10000000000n * 1000n;
const E = 10000000000n;
const kgE = lineMilli(E, `elec_grid_${Y}`);
const R134 = (BOUND - kgE) / lineMilli(1n, 'gwp_AR4_HFC-134a');
const kgR = lineMilli(R134, 'gwp_AR4_HFC-134a');
const CO2 = (BOUND - kgE - kgR) / lineMilli(1n, 'fire_ext_CO2_refill');
// grouped: typed with thousands separators ("10,000,000,000"), as people do.
const atBound = (p, grouped = false) => {
  const t = (v) => (grouped ? BigInt(v).toLocaleString('en-US') : String(v));
  return { [`${p}_electricity`]: t(E), [`${p}_ref_R134a`]: t(R134), [`${p}_ext_co2`]: t(CO2) };
};

const agencies = [];                               // [code, id, client]
let team;

async function form(c) {
  const f = await c.get(`/report/edit?year=${Y}`);
  assert.equal(f.status, 200);
  return { csrf: csrfOf(f.text), revision: f.text.match(/name="revision" value="(-?\d+)"/)[1] };
}
const reportCount = (id) => sql(`SELECT COUNT(*) FROM reports WHERE agency_id = ${id} AND year = ${Y}`)[0][0];
const pendingZ = () => sql(`SELECT COUNT(*) FROM outbox o JOIN counties c ON c.id = o.county_id WHERE c.letter = 'Z' AND o.done_at IS NULL`)[0][0] === '0';

test('setup: three new agencies under 連江縣政府 with accounts and contacts', async () => {
  assert.equal(kgE + kgR + BigInt(CO2) * 1000n, BOUND, 'the chosen quantities add up to the bound exactly');
  assert.ok(E <= 10000000000n && R134 <= 10000000n && CO2 <= 10000000n, 'each within its field bound');
  team = await login('Z', 'TEAM');
  for (let i = 1; i <= 3; i++) {
    const code = `${TAG}A${i}`;
    const page = await team.get('/team/agencies');
    const r = await team.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code, name: `上限測試機關${i}`, parent: '371000000A' });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    sql(`UPDATE accounts SET password_hash = (SELECT h FROM (SELECT password_hash h FROM accounts WHERE kind = 'admin' AND login = 'admin') x), must_change_password = 0
         WHERE login = '${code}'; UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-22381', contact_email = 'o@example.gov.tw' WHERE code = '${code}'`);
    agencies.push([code, sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0], await login('Z', code)]);
  }
});

test('issue 10: twenty R404A rows of 10^12 kg — refused beside each field (400, not 503), the input back, nothing written', async () => {
  const [, id, c] = agencies[0];
  const rows = {};
  for (let i = 1; i <= 20; i++) Object.assign(rows, { [`own_ref_type_${i}`]: 'R404A', [`own_ref_qty_${i}`]: '1000000000000' });
  for (const action of ['calc', 'save']) {
    const f = await form(c);
    const r = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action, scope_text: '辦公廳舍', ...rows });
    assert.equal(r.status, 400, `${action}: refused as the user's mistake`);
    for (let i = 1; i <= 20; i++) {
      assert.match(r.text, new RegExp(`name="own_ref_qty_${i}" type="text" value="1000000000000"[^>]*aria-invalid="true"`), `${action}: row ${i} comes back, marked`);
      assert.match(r.text, new RegExp(`id="e-own_ref_qty_${i}">數值過大（上限 10,000,000 公斤）。</p>`), `${action}: row ${i}: the message beside it`);
      assert.match(r.text, new RegExp(`id="f-own_ref_type_${i}" name="own_ref_type_${i}">[\\s\\S]*?<option value="R404A" selected>`), `${action}: row ${i}'s type kept`);
    }
    assert.doesNotMatch(r.text, /id="total-own">-|78,856,000/, `${action}: no total shown from the refused rows`);
  }
  assert.equal(reportCount(id), '0', 'nothing written');
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${id} AND year = ${Y}`)[0][0], '0', 'no audit row either');
});

test('the report bound: 0.001 kg above 10^10 kgCO2e is refused beside the largest line; exactly 10^10 is saved', async () => {
  const [, id, c] = agencies[0];
  let f = await form(c);
  const over = { ...atBound('own'), own_ext_co2: `${CO2}.001` };
  for (const action of ['calc', 'save']) {
    const r = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action, scope_text: '辦公廳舍', ...over });
    assert.equal(r.status, 400, `${action}: refused`);
    // Electricity (5,540,000,000 kg) is the largest line: the message is beside it.
    assert.match(r.text, /id="e-own_electricity">不含委外部分的排放量合計 10,000,000,000\.001 kgCO₂e，超過一個機關一年的上限 10,000,000,000 kgCO₂e/);
    assert.match(r.text, new RegExp(`name="own_ext_co2" type="text" value="${CO2}\\.001"`), `${action}: the input comes back`);
  }
  assert.equal(reportCount(id), '0', 'nothing written');
  f = await form(c);
  const ok = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'save', scope_text: '辦公廳舍', ...atBound('own'), ...atBound('outsourced') });
  assert.equal(ok.status, 303, ok.text.slice(0, 400));
  const page = await c.get(`/report/edit?year=${Y}`);
  assert.equal(milli(cell(page.text, 'total-own')), BOUND);
  assert.equal(milli(cell(page.text, 'total-outsourced')), BOUND);
  assert.deepEqual(sql(`SELECT own_total_milli, outsourced_total_milli FROM reports WHERE agency_id = ${id} AND year = ${Y}`)[0], [String(BOUND), String(BOUND)]);
});

test('reports at the bound in three agencies and non-agency lines at theirs: every total is the BigInt sum, after the rollups', async () => {
  // The baseline: whatever the county already has in this year, settled.
  await waitFor('the outbox of Z to drain', pendingZ, 60000, 200);
  const inv0 = (await team.get(`/team/inventory?year=${Y}`)).text;
  const base = Object.fromEntries(['inv-total', 'inv-agencies', 'inv-nonagency', 'inv-outsourced', 'inv-removals'].map((k) => [k, milli(cell(inv0, k))]));
  const county0 = milli(cell((await team.get(`/team?year=${Y}`)).text, 'county-total'));

  for (const [code, , c] of agencies.slice(1)) {
    const f = await form(c);
    const grouped = code.endsWith('3');
    const r = await c.post('/report/edit', { csrf: f.csrf, year: String(Y), revision: f.revision, action: 'save', scope_text: '辦公廳舍',
      ...atBound('own', grouped), ...atBound('outsourced', grouped) });
    assert.equal(r.status, 303, `${code}: ${r.text.slice(0, 300)}`);
  }
  // The third typed "10,000,000,000": its quantities are stored as typed (the old save stored 0 for text
  // it could not convert), so the form shows them again and the view recomputes the same total.
  {
    const [, id, c] = agencies[2];
    assert.deepEqual(sql(`SELECT i.quantity_milli FROM report_items i JOIN reports r ON r.id = i.report_id
      WHERE r.agency_id = ${id} AND r.year = ${Y} AND i.part = 'own' AND i.item IN ('electricity', 'ext_co2') ORDER BY i.item`).map((x) => x[0]),
    [String(E * 1000n), String(BigInt(CO2) * 1000n)]);
    const again = (await c.get(`/report/edit?year=${Y}`)).text;
    assert.match(again, new RegExp(`name="own_electricity" type="text" value="${E}"`));
    assert.equal(milli(cell((await c.get(`/report/view?year=${Y}`)).text, 'total-own')), BOUND, 'the stored quantities give the same total');
  }
  // Non-agency lines: 10^8 t of process emissions (10^11 kg, the line bound), 10^11 kWh of street lighting (its
  // field bound), a 10^7 ha forest removing 10 t/ha (-10^11 kg); beyond: 0.001 t more, a landfill over the line bound.
  const na = async (method, fields) => {
    const f = await team.get(`/team/activities?year=${Y}&method=${method}`);
    return team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method, year: String(Y), id: '0', version: '0', description: TAG, ...fields });
  };
  const linesBefore = sql(`SELECT COUNT(*) FROM county_activities WHERE description = '${TAG}'`)[0][0];
  let r = await na('process', { q: '100,000,000.001', note: '上限測試' });
  assert.equal(r.status, 400);
  assert.match(r.text, /name="q" type="text" value="100,000,000.001"[^>]*aria-invalid="true"/);
  assert.match(r.text, /id="e-q">數值過大（上限 100,000,000 公噸CO₂e）。/);
  r = await na('landfill', { q: '1000000000', opt1: 'food', opt2: 'managed_anaerobic' });
  assert.equal(r.status, 400, 'a landfill line of 1.25 x 10^12 kg');
  assert.match(r.text, /id="e-q">此筆排放量 1,250,000,000,000\.000 kgCO₂e 超過單筆上限 100,000,000,000 kgCO₂e/);
  assert.equal(sql(`SELECT COUNT(*) FROM county_activities WHERE description = '${TAG}'`)[0][0], linesBefore, 'nothing written');
  for (const [method, fields] of [['process', { q: '100000000', note: '上限測試' }], ['elec_street', { q: '100000000000' }],
    ['landuse', { q: '10000000', q2: '-10', note: '上限測試' }]]) {
    r = await na(method, fields);
    assert.equal(r.status, 303, `${method}: ${r.text.slice(0, 300)}`);
  }
  const process = 100000000n * 1000n * 1000n, street = lineMilli(100000000000n, `elec_grid_${Y}`), forest = -100000000000n * 1000n;
  // The first agency's report (the previous test) is in the baseline already: two more here.
  const want = {
    'inv-agencies': base['inv-agencies'] + 2n * BOUND,
    'inv-outsourced': base['inv-outsourced'] + 2n * BOUND,
    'inv-nonagency': base['inv-nonagency'] + process + street,
    'inv-removals': base['inv-removals'] + forest,
  };
  want['inv-total'] = want['inv-agencies'] + want['inv-nonagency'];

  // The inventory page sums the stored lines; the overview and the review page read the worker's rollups.
  const inv = (await team.get(`/team/inventory?year=${Y}`)).text;
  for (const [k, v] of Object.entries(want)) assert.equal(milli(cell(inv, k)), v, `${k}: ${show(v)}`);
  assert.ok(want['inv-total'] > 0n && !/id="inv-total">-/.test(inv), 'positive');
  await waitFor('the county total after the rollups', async () =>
    milli(cell((await team.get(`/team?year=${Y}`)).text, 'county-total')) === county0 + 2n * BOUND, 60000, 300);
  const hall = sql("SELECT id FROM agencies WHERE code = '371000000A'")[0][0];
  const review = await login('Z', '371000000A');
  await waitFor('the review page to show the three subtrees', async () => {
    const page = (await review.get(`/review?year=${Y}&agency=${hall}`)).text;
    return agencies.every(([, id]) => {
      const m = page.match(new RegExp(`data-agency="${id}"><td>\\d+</td><td>[^<]*</td><td class="num">([-\\d,.]+)<br>[\\s\\S]*?</span></td><td class="num">([-\\d,.]+)</td>`));
      return m && milli(m[1]) === BOUND && milli(m[2]) === BOUND;
    });
  }, 60000, 300);

  // The workbook prints the same sums.
  const page = await team.get(`/team/inventory?year=${Y}`);
  const ex = await team.post('/team/inventory', { csrf: csrfOf(page.text), year: String(Y), action: 'export_detail' });
  assert.equal(ex.status, 303);
  const eid = ex.headers.get('location').match(/id=(\d+)/)[1];
  await waitFor('the workbook', async () => /status s2">完成/.test((await team.get(`/exports?id=${eid}`)).text), 90000, 300);
  const dl = await team.req(`/download?id=${eid}`, { raw: true });
  const file = path.join(TMP, `${TAG}-detail.xlsx`);
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  const summary = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps({str(r[0].value): r[1].value for r in ws.iter_rows(min_row=3, max_row=7)}, ensure_ascii=False))`, file], { encoding: 'utf8' }));
  const near = (got, m) => Math.abs(got - Number(m) / 1000) <= 0.01;
  assert.ok(near(summary['排放總量(KgCO₂e)'], want['inv-total']), `workbook total ${summary['排放總量(KgCO₂e)']} = ${show(want['inv-total'])}`);
  assert.ok(near(summary['機關填報(KgCO₂e)'], want['inv-agencies']), 'workbook agencies');
  assert.ok(near(summary['委外操作(KgCO₂e，不納入總量)'], want['inv-outsourced']), 'workbook outsourced');
  assert.ok(near(summary['碳吸收(KgCO₂e，另列)'], want['inv-removals']), 'workbook removals');
  assert.ok(summary['排放總量(KgCO₂e)'] > 0);
});

// County X: a team account of its own for the cases below.
function xteam() {
  sql(`INSERT IGNORE INTO accounts (kind, county_id, login, password_hash, must_change_password)
       SELECT 'team', ${X}, '${XTEAM}', password_hash, 0 FROM accounts WHERE kind = 'admin' AND login = 'admin'`);
  return login('X', XTEAM);
}

test('rows stored before the bounds (twenty 3.9 x 10^18 lines, the total stored as 0) make the inventory refuse, never wrap', async () => {
  const t = await xteam();
  sql(`INSERT INTO agencies (county_id, code, name, level) VALUES (${X}, '${TAG}L', '舊資料機關', 1);
       INSERT INTO reports (agency_id, year, revision, filed, own_total_milli, outsourced_total_milli)
         SELECT id, 2020, 1, 0, 0, 0 FROM agencies WHERE code = '${TAG}L' AND county_id = ${X};
       INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources)
         SELECT r.id, 'own', 'refrigerant', 10 + s.n, 'fugitive', 1, 1000000000000000, 3942800000000000000, '3942.8', 'AR5', 'x', 'x'
         FROM reports r JOIN agencies a ON a.id = r.agency_id
         JOIN (WITH RECURSIVE q (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM q WHERE n < 19) SELECT n FROM q) s
         WHERE a.code = '${TAG}L' AND r.year = 2020;
       INSERT INTO county_activities (county_id, year, method, description, quantity, kg_milli, category, scope, factor_text, unit_text,
         method_text, sources, created_by, updated_by, created_at, updated_at)
         SELECT ${X}, 2020, 'process', '${TAG}', 1, 5000000000000000000, 3, 1, '1000', '公噸CO₂e', 'x', 'x', id, id, NOW(3), NOW(3)
         FROM accounts WHERE login = '${XTEAM}' UNION ALL
         SELECT ${X}, 2020, 'process', '${TAG}', 1, 5000000000000000000, 3, 1, '1000', '公噸CO₂e', 'x', 'x', id, id, NOW(3), NOW(3)
         FROM accounts WHERE login = '${XTEAM}'`);
  const inv = await t.get('/team/inventory?year=2020');
  assert.equal(inv.status, 500, 'refused, not a 503 and not a figure');
  assert.match(inv.text, /超出系統可計算的範圍/);
  assert.doesNotMatch(inv.text, /-9,223|id="inv-total"/, 'no wrapped (or any) total');
  // The team's own list of lines adds them up checked too.
  const acts = await t.get('/team/activities?year=2020');
  assert.equal(acts.status, 200);
  assert.match(acts.text, /id="na-emissions">超出可計算範圍/);
  assert.doesNotMatch(acts.text, /-\d{1,3}(,\d{3}){5,}/, 'no wrapped figure on the activities page');
});

test('a county-year holds at most 1,000 non-agency lines: the 1,001st is refused (409), nothing written', async () => {
  const t = await xteam();
  sql(`INSERT INTO county_activities (county_id, year, method, description, quantity, kg_milli, category, scope, factor_text, unit_text,
         method_text, sources, created_by, updated_by, created_at, updated_at)
       SELECT ${X}, 2019, 'septic', '${TAG}', 1, 1000, 6, 1, '1', '人日', 'x', 'x', a.id, a.id, NOW(3), NOW(3)
       FROM accounts a JOIN (WITH RECURSIVE q (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM q WHERE n < 1000) SELECT n FROM q) s
       WHERE a.login = '${XTEAM}'`);
  const count = () => sql(`SELECT COUNT(*) FROM county_activities WHERE county_id = ${X} AND year = 2019`)[0][0];
  assert.equal(count(), '1000');
  const f = await t.get('/team/activities?year=2019&method=septic');
  const r = await t.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'septic', year: '2019', id: '0', version: '0', q: '10' });
  assert.equal(r.status, 409);
  assert.match(r.text, /已有 1000 筆，已達上限 1000 筆，未存檔/);
  assert.match(r.text, /name="q" type="text" value="10"/, 'the input comes back');
  assert.equal(count(), '1000', 'nothing written');
  // One place freed: the line is saved.
  sql(`DELETE FROM county_activities WHERE county_id = ${X} AND year = 2019 ORDER BY id DESC LIMIT 1`);
  const f2 = await t.get('/team/activities?year=2019&method=septic');
  const r2 = await t.post('/team/activities', { csrf: csrfOf(f2.text), action: 'save', method: 'septic', year: '2019', id: '0', version: '0', q: '10' });
  assert.equal(r2.status, 303);
  assert.equal(count(), '1000');
});

test('a county holds at most 20,000 agencies (deactivated ones count): one more is refused (409), nothing written', async () => {
  const t = await xteam();
  const have = Number(sql(`SELECT COUNT(*) FROM agencies WHERE county_id = ${X}`)[0][0]);
  sql(`SET SESSION max_recursive_iterations = 100000;
       INSERT INTO agencies (county_id, code, name, level, active)
       SELECT ${X}, CONCAT('${TAG}D', n), '停用測試', 1, 0
       FROM (WITH RECURSIVE q (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM q WHERE n < ${20000 - have}) SELECT n FROM q) s`);
  assert.equal(sql(`SELECT COUNT(*) FROM agencies WHERE county_id = ${X}`)[0][0], '20000');
  const page = await t.get('/team/agencies');
  const r = await t.post('/team/agencies', { csrf: csrfOf(page.text), action: 'create', code: `${TAG}N`, name: '第兩萬零一個', parent: '' });
  assert.equal(r.status, 409);
  assert.match(r.text, /本縣市已有 20000 個機關（含已停用），已達上限 20000 個，不能再新增。/);
  assert.equal(sql(`SELECT COUNT(*) FROM agencies WHERE county_id = ${X}`)[0][0], '20000', 'nothing written');
  assert.equal(sql(`SELECT COUNT(*) FROM accounts WHERE login = '${TAG}N'`)[0][0], '0');
});

after(async () => {
  // County X back to empty; the three Z agencies and their lines removed (once the worker is done with them),
  // Z's year recomputed.
  await waitFor('the outbox of Z to drain', pendingZ, 120000, 300);
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE login = '${XTEAM}');
       DELETE FROM audit_log WHERE county_id = ${X} OR account_id IN (SELECT id FROM accounts WHERE login = '${XTEAM}');
       DELETE FROM county_activities WHERE county_id = ${X};
       DELETE FROM report_lines WHERE report_id IN (SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ${X});
       DELETE FROM reports WHERE agency_id IN (SELECT id FROM agencies WHERE county_id = ${X});
       DELETE FROM accounts WHERE login = '${XTEAM}';
       DELETE FROM agency_tree WHERE descendant_id IN (SELECT id FROM agencies WHERE county_id = ${X});
       DELETE FROM agencies WHERE county_id = ${X}`);
  for (const [code, id] of agencies) {
    sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE agency_id = ${id});
         DELETE FROM audit_log WHERE agency_id = ${id} OR account_id IN (SELECT id FROM accounts WHERE agency_id = ${id});
         DELETE FROM report_lines WHERE report_id IN (SELECT id FROM reports WHERE agency_id = ${id});
         DELETE FROM report_items WHERE report_id IN (SELECT id FROM reports WHERE agency_id = ${id});
         DELETE FROM reports WHERE agency_id = ${id}; DELETE FROM accounts WHERE agency_id = ${id};
         DELETE FROM rollups WHERE agency_id = ${id};
         DELETE FROM agency_tree WHERE descendant_id = ${id}; DELETE FROM agencies WHERE code = '${code}'`);
  }
  sql(`DELETE FROM county_activities WHERE description = '${TAG}';
       INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT id, ${Y}, NULL, NOW(3) FROM counties WHERE letter = 'Z'`);
});
