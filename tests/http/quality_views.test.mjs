// quality_views.test.mjs: issue 13 in the county team's pages (SPEC-2 §2a-2c): the team overview
// shows the county-year's grade (two decimals, 第一級) and uncertainty (three decimals, with the
// share assessed) equal to an independent computation from the stored lines, the lines saved
// before the quality fields (uncovered), and 計算中 while the quality job has requests not yet in
// its figures; the inventory page's table by 類別 (未分類 for a line saved before 類別) and its
// per-gas table (未分氣體 for a line not split) add up to the totals and equal independent sums.
//
// Two schools of 連江縣 (Z) save through the real form (A1-A3 and an interval typed on one line);
// a line of 教育處 is then put back to what a save before migration 0023 left (no 類別, no A1-A3,
// no gases), as a county upgraded mid-year has.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, sql, stack, waitFor, loginAs as login } from '../lib.mjs';

const Y = 2015;   // a year no other suite writes lines for in 連江縣 (Z)
const Z = () => +sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];
const idOf = (code) => +sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];
const CODES = ['371036500X', '371036600X', '371030000A'];

after(() => {
  sql(`DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code IN ('${CODES.join("','")}') AND r.year = ${Y}`);
});

async function save(c, fields) {
  const f = await c.get(`/report/edit?year=${Y}`);
  assert.equal(f.status, 200);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '校舍', ...fields });
  assert.equal(r.status, 303, r.text.slice(0, 2000));
}

// Every request so far served by a run.
const quiet = () => waitFor('the quality job to catch up', () => {
  const r = sql(`SELECT requests, done_for FROM quality_queue WHERE county_id = ${Z()} AND year = ${Y}`);
  return r.length && r[0][0] === r[0][1] && +r[0][0] > 0 && !+sql(`SELECT COUNT(*) FROM outbox WHERE county_id = ${Z()} AND year = ${Y} AND done_at IS NULL`)[0][0];
}, 30000, 100);

const rdiv = (n, d) => (n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d)));
// The own lines of Z's active agencies in Y (with more joins before the WHERE).
const FROM = (join = '') => `FROM agencies a JOIN reports r ON r.agency_id = a.id AND r.year = ${Y} JOIN report_lines l ON l.report_id = r.id AND l.part = 'own'
  ${join} WHERE a.county_id = ${Z()} AND a.active = 1`;
const LINES = FROM();
const GASES = (on = '') => FROM(`JOIN report_line_gases g ON g.report_id = l.report_id AND g.part = l.part AND g.item = l.item AND g.seq = l.seq ${on}`);

// The county's grade from its covered own lines (the form's formula), as "8.46 第一級".
function expectedGrade() {
  const lines = sql(`SELECT l.kg_milli, l.a1 * l.a2 * l.a3 ${LINES} AND l.a1 > 0`)
    .map(([e, lv]) => [BigInt(e) < 0n ? -BigInt(e) : BigInt(e), BigInt(lv)]);
  const total = lines.reduce((s, [e]) => s + e, 0n);
  const h = lines.reduce((s, [e, lv]) => s + rdiv(rdiv(e * 10000n, total) * lv, 100n), 0n);
  const cls = h < 1000n ? '第一級' : h < 1900n ? '第二級' : '第三級';
  return `${h / 100n}.${String(h % 100n).padStart(2, '0')} ${cls}`;
}

// The county's interval: per gas ROUND(√(AD² + EF²), 5), combined √Σ(E·U)² / ΣE, lower and upper apart.
function expectedInterval() {
  const rows = sql(`SELECT g.kg_milli, l.ad_lower_milli, l.ad_upper_milli, g.ef_lower_milli, g.ef_upper_milli ${GASES()} AND l.a1 > 0`);
  let sl = 0, su = 0, e = 0, abs = 0;
  for (const [kg, adl, adu, efl, efu] of rows) {
    const E = Number(kg) / 1000;
    if (adl === 'NULL' || efl === 'NULL') continue;
    const u = (a, b) => Math.round(Math.sqrt((a / 1e5) ** 2 + (b / 1e5) ** 2) * 1e5) / 1e5;
    sl += (E * u(+adl, +efl)) ** 2;
    su += (E * u(+adu, +efu)) ** 2;
    e += E;
    abs += Math.abs(E);
  }
  // Of every own line: a line saved before the quality fields counts as not assessed (worker/quality_job.c).
  const all = Number(sql(`SELECT SUM(ABS(l.kg_milli)) ${LINES}`)[0][0]) / 1000;
  const lo = (Math.sqrt(sl) / e * 100).toFixed(3), hi = (Math.sqrt(su) / e * 100).toFixed(3);
  return { text: lo === hi ? `±${lo} %` : `−${lo} % / +${hi} %`, assessed: `${(abs / all * 100).toFixed(2)} %` };
}

const plain = (h) => h.replace(/<[^>]*>/g, '').trim();
const byId = (html, id) => { const m = html.match(new RegExp(`id="${id}"[^>]*>(.*?)</(span|dd)>`, 's')); return m ? plain(m[1]) : null; };
const milli = (s) => BigInt(Math.round(Number(s.replace(/,/g, '')) * 1000));

test('the team overview and the inventory: grade, uncertainty, 類別 and gases equal the stored lines', async () => {
  sql(`UPDATE inventory_years SET is_open = 1 WHERE year = ${Y}`);
  sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE code IN ('${CODES.join("','")}')`);
  // A school with metered electricity (A1 1, meter class 2) and its cars; another with the defaults.
  await save(await login('Z', '371036500X'), { own_electricity: '12000', own_vehicle_gasoline: '300',
    own_electricity_a1: '1', own_electricity_dq_note: '智慧電表連續量測', own_electricity_ad_lower: '2', own_electricity_ad_upper: '2',
    own_electricity_ad_basis: '電表精度 2.0 級', own_ref_R410a: '1.5' });
  await save(await login('Z', '371036600X'), { own_electricity: '5000', outsourced_vehicle_diesel: '40' });
  await save(await login('Z', '371030000A'), { own_natural_gas: '80', own_electricity: '3000' });
  // 教育處's natural gas as a save before 0023 left it: no 類別, no A1-A3, no gases.
  sql(`UPDATE report_lines l JOIN reports r ON r.id = l.report_id SET l.iso_category = 0, l.a1 = 0, l.a2 = 0, l.a3 = 0,
    l.ad_lower_milli = NULL, l.ad_upper_milli = NULL WHERE r.agency_id = ${idOf('371030000A')} AND r.year = ${Y} AND l.item = 'natural_gas'`);
  sql(`DELETE g FROM report_line_gases g JOIN reports r ON r.id = g.report_id WHERE r.agency_id = ${idOf('371030000A')} AND r.year = ${Y} AND g.item = 'natural_gas'`);
  // A save of another report asks for the next run, which reads the planted line.
  await save(await login('Z', '371036600X'), { own_electricity: '5100', outsourced_vehicle_diesel: '40' });
  await quiet();

  const team = await login('Z', 'TEAM');
  let page = await team.get(`/team?year=${Y}`);
  assert.equal(page.status, 200);
  const grade = expectedGrade(), unc = expectedInterval();
  assert.equal(`${byId(page.text, 'team-grade')} ${byId(page.text, 'team-class')}`, grade, 'the county grade, two decimals');
  assert.equal(byId(page.text, 'team-uncertainty'), unc.text, 'the county uncertainty, three decimals');
  assert.equal(byId(page.text, 'team-assessed'), unc.assessed, 'the share assessed');
  assert.match(byId(page.text, 'team-uncovered'), /^1 筆（[\d,.]+ KgCO₂e）於數據品質欄位啟用前存檔/, 'the line saved before the quality fields, said');
  assert.doesNotMatch(page.text, /id="team-pending"/, 'current: no 計算中');

  // The inventory page: the same figures, and the tables by 類別 and by gas.
  page = await team.get(`/team/inventory?year=${Y}`);
  assert.equal(page.status, 200);
  assert.equal(`${byId(page.text, 'inv-grade')} ${byId(page.text, 'inv-class')}`, grade, 'the inventory: the same grade');
  assert.equal(byId(page.text, 'inv-uncertainty'), unc.text, 'and interval');
  const table = (id) => Object.fromEntries([...page.text.split(`id="${id}"`)[1].split('</table>')[0].matchAll(/<tr data-(?:iso|row)="(\w+)">(.*?)<\/tr>/gs)]
    .map(([, k, row]) => [k, [...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => milli(m[1]))]));
  const iso = table('inv-iso');
  const total = milli(byId(page.text, 'inv-total').replace(/ KgCO₂e$/, ''));
  const sumOf = (q) => BigInt(sql(q)[0][0] === 'NULL' ? 0 : sql(q)[0][0]);
  for (const k of ['1', '2', '0']) {
    assert.equal(iso[k][0], sumOf(`SELECT IFNULL(SUM(l.kg_milli), 0) ${LINES} AND l.iso_category = ${k}`), `類別 ${k}: the agencies' own lines`);
    assert.equal(iso[k][1], sumOf(`SELECT IFNULL(SUM(kg_milli), 0) FROM county_activities WHERE county_id = ${Z()} AND year = ${Y} AND kg_milli > 0 AND iso_category = ${k}`),
      `類別 ${k}: the non-agency lines`);
  }
  assert.ok(iso['0'][0] > 0n, 'the planted line is 未分類');
  assert.match(page.text, /id="inv-iso-note">「未分類」為類別欄位啟用前存檔之明細/, 'and said so');
  assert.equal(Object.values(iso).reduce((s, r) => s + r[2], 0n), total, 'the 類別 column adds up to the total');
  assert.equal(iso['3'][3], sumOf(`SELECT SUM(l.kg_milli) FROM agencies a JOIN reports r ON r.agency_id = a.id AND r.year = ${Y}
    JOIN report_lines l ON l.report_id = r.id AND l.part = 'outsourced' WHERE a.county_id = ${Z()} AND a.active = 1 AND l.iso_category = 3`),
  '委外 公務車 diesel: 類別三, beside the total');

  const gas = table('inv-gas');
  assert.match(page.text, /<th class="num" data-gas="none">未分氣體<\/th>/, 'the planted line: 未分氣體, a column of its own');
  assert.match(page.text, /id="inv-gas-note">「未分氣體」/);
  for (const k of ['agencies', 'nonagency', 'total']) {
    const r = gas[k];
    assert.equal(r.slice(0, -1).reduce((s, v) => s + v, 0n), r[r.length - 1], `${k}: the gases add up to the row's total`);
  }
  assert.equal(gas.total[gas.total.length - 1], total, 'the per-gas table\'s total is the inventory\'s');
  const own = (g) => sumOf(`SELECT IFNULL(SUM(g.kg_milli), 0) ${GASES(`AND g.gas = '${g}'`)}`);
  assert.equal(gas.agencies[0], own('CO2'), 'CO₂ of the agencies equals report_line_gases');
  assert.equal(gas.agencies[3], own('HFCs'), 'HFCs (R410a) of the agencies');
  assert.ok(gas.agencies[3] > 0n, 'the refrigerant is HFCs');
  assert.equal(gas.agencies[7], sumOf(`SELECT IFNULL(SUM(l.kg_milli), 0) ${LINES} AND l.item = 'natural_gas'`), '未分氣體: the planted line');

  // 計算中 while the quality job has a request not in its figures (its worker stopped), gone once it ran.
  stack('stop-service', 'quality');
  try {
    sql(`UPDATE quality_queue SET requests = requests + 1 WHERE county_id = ${Z()} AND year = ${Y}`);
    page = await team.get(`/team?year=${Y}`);
    assert.equal(byId(page.text, 'team-pending'), '計算中', 'the figures are older than the data: 計算中');
    assert.equal(`${byId(page.text, 'team-grade')} ${byId(page.text, 'team-class')}`, grade, 'beside the last figures');
  } finally {
    stack('start-service', 'quality');
  }
  await quiet();
  page = await team.get(`/team?year=${Y}`);
  assert.doesNotMatch(page.text, /id="team-pending"/, 'the run done: no 計算中');
});
