// factor_day.test.mjs: factor day (issue 15, SPEC-2 §3) over HTTP with the real exporter worker: the
// provisional 2025 electricity factor replaced by the official one.  The preview counts what it
// will change; applied, an unconfirmed report is recomputed in place (audit 係數更新, a notice with
// its old and new totals, rollups equal to independent sums), a confirmed one keeps its figures and
// gets a 重算值 beside them; nothing of another year moves.  The form's refusals, and the console's
// routes refused to everyone but the admin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, loginAs, outboxDrained, rollupMismatches, sql, waitFor, tableDigest } from '../lib.mjs';
import { aSavedBConfirmed, proposeChange, runChange, saveReport, threeAgencies } from './factor_day_fixture.mjs';

const Y = 2025;
const KEY = 'elec_grid_2025_public_average';
const q1 = (s) => sql(s)[0]?.[0];
const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
const TAG = `FD${Date.now() % 1000000}`;
const code = (k) => `${TAG}${k}`;
const idOf = (k) => q1(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '${code(k)}'`);
const settled = () => outboxDrained();
// This file's own agencies: a 二級 P under the demo county hall, its schools A and B.
const three = threeAgencies(Z, TAG, '係數日測試', Y);
let A, B;

before(() => {
  ({ A, B } = three);
  // 2025's factor as it stood before 能源署 announced it: 2024's value, 暫用.
  sql(`UPDATE factors SET value = '0.474', confidence = 'provisional', change_id = NULL WHERE fkey = '${KEY}'`);
});
after(() => {
  sql(`UPDATE factors SET value = '0.467', confidence = 'official', change_id = NULL WHERE fkey = '${KEY}';
       UPDATE factor_changes SET status = 'cancelled' WHERE fkey = '${KEY}' AND status = 'draft'`);
});

const save = (c, fields) => saveReport(c, Y, fields);
const propose = proposeChange;
const changeOf = runChange;

test('the provisional 2025 electricity factor replaced by the official one: preview, then in place or 重算值', async () => {
  const { a, b, parent } = await aSavedBConfirmed(three, TAG, Y);
  // The county team's own line: street lighting, 1,000 kWh.
  const team = await loginAs('Z', 'TEAM');
  const af = await team.get(`/team/activities?year=${Y}&method=elec_street`);
  const saved = await team.post('/team/activities', { csrf: csrfOf(af.text), action: 'save', method: 'elec_street', year: String(Y), id: '0',
    version: '0', description: `路燈${TAG}`, q: '1000' });
  assert.equal(saved.status, 303, 'the non-agency line saved');
  const [[act, actVersion]] = sql(`SELECT id, version FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '路燈${TAG}'`);
  assert.equal(q1(`SELECT kg_milli FROM county_activities WHERE id = ${act}`), '474000');
  await settled();
  assert.deepEqual(sql(`SELECT agency_id, own_total_milli, confirmed_version IS NOT NULL FROM reports WHERE year = ${Y} AND agency_id IN (${A}, ${B}) ORDER BY agency_id`),
    [[A, '4740000', '0'], [B, '9480000', '1']], 'computed with the 暫用 0.474');
  assert.match(q1(`SELECT l.method FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.agency_id = ${A} AND r.year = ${Y}`), /0\.474/);
  const otherYears = () => sql(`SELECT CONCAT(COUNT(*), ':', IFNULL(SUM(own_total_milli), 0)) FROM reports WHERE year <> ${Y}`)[0][0]
    + sql(`SELECT COUNT(*), IFNULL(SUM(kg_milli), 0) FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.year <> ${Y}`)[0].join(':');
  const before = otherYears();

  const admin = await loginAs('', 'admin');
  const made = await propose(admin, { key: KEY, value: '0.467', confidence: 'official', source: '能源署115.6.2公布114年電力排碳係數' });
  assert.equal(made.status, 303);
  const id = made.headers.get('location').match(/id=(\d+)$/)[1];
  assert.equal(q1(`SELECT value FROM factors WHERE fkey = '${KEY}'`), '0.474', 'a draft changes nothing');
  // What rests on the 暫用 factor is said beside the inventory's total, counted as an independent query counts it.
  const provisional = () => sql(`SELECT COUNT(*), IFNULL(SUM(k), 0) FROM (SELECT l.kg_milli k FROM report_lines l JOIN reports r ON r.id = l.report_id
      JOIN agencies g ON g.id = r.agency_id WHERE g.county_id = ${Z} AND g.active = 1 AND r.year = ${Y} AND l.part = 'own' AND l.provisional = 1 AND l.kg_milli > 0
    UNION ALL SELECT kg_milli FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND provisional = 1 AND kg_milli > 0) p`)[0].map(Number);
  const provShown = async () => ((await team.get(`/team/inventory?year=${Y}`)).text.match(/id="inv-provisional-lines">(\d+)</) || [])[1];
  const [provLines] = provisional();
  assert.ok(provLines >= 2, 'A\'s and B\'s electricity at least');
  assert.equal(await provShown(), String(provLines));
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
  const page = await admin.get(`/admin/factors/change?id=${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /草稿（已預覽）/);
  const body = page.text.match(/<table id="effects">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/)[1];
  const shown = [...body.matchAll(/<tr><td>([^<]+)<\/td><td>(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">([-\d,.]+)<\/td><td class="num">(\d+)<\/td><td class="num">([-\d,.]+)<\/td><\/tr>/g)]
    .map((m) => [m[1], m[2], m[3], m[4], m[5], m[6].replace(/,/g, ''), m[7], m[8].replace(/,/g, '')]);
  const acts = Object.fromEntries(sql(`SELECT k.name, COUNT(*), FORMAT(SUM(ROUND(a.quantity * 467) - a.kg_milli) / 1000, 3, 'en_US')
    FROM county_activities a JOIN counties k ON k.id = a.county_id WHERE a.year = ${Y} AND a.method LIKE 'elec%'
    AND a.override_factor IS NULL GROUP BY k.id`).map(([k, n, d]) => [k, [n, d.replace(/,/g, '')]]));
  // The same, straight from the stored rows: every active agency's 2025 report with an electricity line, its lines, and
  // the change of its own total (each electricity line again at 0.467, rounded half up, in place of the stored one).
  const want = sql(`SELECT k.name, r.year, COUNT(*), SUM(r.confirmed_version IS NOT NULL OR iy.lock_id IS NOT NULL OR iy.published_at IS NOT NULL),
      SUM(e.n), FORMAT(SUM(e.new_own - e.old_own) / 1000, 3, 'en_US')
    FROM reports r JOIN agencies a ON a.id = r.agency_id AND a.active = 1 JOIN counties k ON k.id = a.county_id
    LEFT JOIN inventory_years iy ON iy.county_id = a.county_id AND iy.year = r.year
    JOIN (SELECT i.report_id, COUNT(*) n, SUM(IF(i.part = 'own', ROUND(i.quantity_milli * 0.467), 0)) new_own,
            SUM(IF(i.part = 'own', l.kg_milli, 0)) old_own
          FROM report_items i JOIN report_lines l ON l.report_id = i.report_id AND l.part = i.part AND l.item = i.item AND l.seq = i.seq
          WHERE i.item = 'electricity' AND i.quantity_milli IS NOT NULL GROUP BY i.report_id) e ON e.report_id = r.id
    WHERE r.year = ${Y} GROUP BY k.id, r.year ORDER BY k.letter`).map((r) => [...r.slice(0, 5), r[5].replace(/,/g, ''), ...(acts[r[0]] || ['0', '0.000'])]);
  assert.deepEqual(shown, want, 'the preview equals an independent count');
  const z = shown.find((r) => r[0] === '連江縣');
  // This file's part of Z 2025: A and B (B confirmed), two lines, (4,670 − 4,740) + (9,340 − 9,480) kg.
  assert.ok(Number(z[2]) >= 2 && Number(z[3]) >= 1 && Number(z[5]) <= -210, JSON.stringify(z));

  // County W's street lighting of the year, its year then locked: kept through the change, its 重算值 beside it.
  const [[W]] = sql("SELECT id FROM counties WHERE letter = 'W'");
  const wteam = await loginAs('W', 'TEAM');
  const wf = await wteam.get(`/team/activities?year=${Y}&method=elec_street`);
  assert.equal((await wteam.post('/team/activities', { csrf: csrfOf(wf.text), action: 'save', method: 'elec_street', year: String(Y), id: '0',
    version: '0', description: `路燈W${TAG}`, q: '1000' })).status, 303, 'W\'s line saved');
  const [[wact]] = sql(`SELECT id FROM county_activities WHERE county_id = ${W} AND year = ${Y} AND description = '路燈W${TAG}'`);
  sql(`INSERT INTO year_locks (county_id, year, locked_at, locked_by) SELECT ${W}, ${Y}, NOW(), MIN(id) FROM accounts
       WHERE kind = 'team' AND county_id = ${W}; UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = ${W} AND year = ${Y}`);

  const apply = await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'apply', id });
  assert.equal(apply.status, 303);
  await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'done', 60000, 200);
  await settled();

  assert.deepEqual(sql(`SELECT value, confidence, change_id FROM factors WHERE fkey = '${KEY}'`)[0], ['0.467', 'official', id]);
  const [provAfter] = provisional();
  assert.ok(provAfter < provLines, `the official factor: fewer lines on a 暫用 one (${provAfter} of ${provLines}), B's confirmed one kept`);
  assert.equal(await provShown(), provAfter ? String(provAfter) : undefined);
  // A, unconfirmed: in place.
  assert.equal(q1(`SELECT own_total_milli FROM reports WHERE agency_id = ${A} AND year = ${Y}`), '4670000');
  const [kg, ftext, method] = sql(`SELECT l.kg_milli, l.factor_text, l.method FROM report_lines l JOIN reports r ON r.id = l.report_id
    WHERE r.agency_id = ${A} AND r.year = ${Y}`)[0];
  assert.equal(kg, '4670000');
  assert.equal(ftext, '0.467');
  assert.doesNotMatch(method, /暫用/);
  assert.equal(q1(`SELECT SUM(g.kg_milli) FROM report_line_gases g JOIN reports r ON r.id = g.report_id WHERE r.agency_id = ${A} AND r.year = ${Y}`), '4670000', 'the gases add up');
  const [field, oldV, newV] = sql(`SELECT field, old_value, new_value FROM audit_log WHERE agency_id = ${A} AND year = ${Y} ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(field, '係數更新');
  assert.match(oldV, /0\.474（暫用）：自有 4740\.000/, 'the basis with its confidence, which the change moves');
  assert.match(newV, /0\.467（正式公告）：自有 4670\.000/);
  // B, confirmed: its figures kept, the 重算值 beside them.
  assert.deepEqual(sql(`SELECT own_total_milli, restated_own_milli, restated_change_id FROM reports WHERE agency_id = ${B} AND year = ${Y}`)[0],
    ['9480000', '9340000', id]);
  assert.equal(q1(`SELECT kg_milli FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.agency_id = ${B} AND r.year = ${Y}`), '9480000', 'its lines kept');
  assert.equal(q1(`SELECT field FROM audit_log WHERE agency_id = ${B} AND year = ${Y} ORDER BY id DESC LIMIT 1`), '係數更新（重算值）');
  assert.deepEqual(sql(`SELECT agency_id, old_own_milli, new_own_milli, restated FROM factor_notices WHERE change_id = ${id} ORDER BY agency_id`),
    [[A, '4740000', '4670000', '0'], [B, '9480000', '9340000', '1']]);
  assert.deepEqual(rollupMismatches(Y), [], 'every rollup equals an independent sum');
  assert.equal(otherYears(), before, 'nothing of another year moved');
  assert.match((await admin.get(`/admin/factors/change?id=${id}`)).text, /已完成[\s\S]*\d+ \/ \d+ 份填報；就地更新 \d+，重算值 \d+；非機關活動更新 \d+ 筆/);
  // The team's line too: 467 kg, its version moved on (an edit form open on the old one is refused), an audit line of the county.
  assert.deepEqual(sql(`SELECT kg_milli, factor_text, version FROM county_activities WHERE id = ${act}`)[0], ['467000', '0.467', String(Number(actVersion) + 1)]);
  assert.match(q1(`SELECT new_value FROM audit_log WHERE county_id = ${Z} AND year = ${Y} AND field = '係數更新（非機關活動）' ORDER BY id DESC LIMIT 1`), /0\.467（正式公告）：467\.000 kgCO₂e/);

  // W's line, of a locked year: its figures kept, the 重算值 beside them, on the team's page with the totals'.
  assert.deepEqual(sql(`SELECT kg_milli, restated_kg_milli, restated_change_id FROM county_activities WHERE id = ${wact}`)[0],
    ['474000', '467000', id]);
  assert.match(q1(`SELECT new_value FROM audit_log WHERE county_id = ${W} AND year = ${Y} AND field = '係數更新（非機關活動重算值）'
    ORDER BY id DESC LIMIT 1`), /0\.467（正式公告）：467\.000 kgCO₂e/);
  const wpage = (await wteam.get(`/team/activities?year=${Y}`)).text;
  assert.match(wpage, new RegExp(`data-activity="${wact}"[\\s\\S]*?474\\.000<br><span class="restated">重算值 467\\.000</span>`));
  const wsum = (col) => Number(q1(`SELECT IFNULL(SUM(IFNULL(${col}, kg_milli)), 0) FROM county_activities WHERE county_id = ${W} AND year = ${Y} AND kg_milli >= 0`));
  assert.equal(wsum('restated_kg_milli') - wsum('kg_milli'), -7000, 'the restated total 7 kg below the kept one');
  assert.match(wpage, new RegExp(`id="na-restated-emissions">${(wsum('restated_kg_milli') / 1000).toLocaleString('en-US', { minimumFractionDigits: 3 })
    .replace(/[.]/g, '\\.')}<`));
  sql(`UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${W} AND year = ${Y}; DELETE FROM year_locks WHERE county_id = ${W} AND year = ${Y};
       DELETE FROM county_activities WHERE id = ${wact}`);

  // Each agency sees its notice.
  const pa = (await a.get(`/report/edit?year=${Y}`)).text;
  assert.match(pa, /id="factor-notices"[\s\S]*elec_grid_2025_public_average<\/code> 由 0\.474（暫用） 改為 0\.467（正式公告）：自有 4,740\.000 → 4,670\.000[\s\S]*已依新係數重新計算/);
  const pb = (await b.get(`/report/edit?year=${Y}`)).text;
  assert.match(pb, /id="factor-notices"[\s\S]*自有 9,480\.000 → 9,340\.000[\s\S]*<strong>重算值<\/strong>：已確認或已鎖定的數值不覆寫；如需採用新數字，請「申請更正」/,
    'the notice says how the new figures are adopted (a confirmed report cannot simply be saved)');
  // Its page shows the figures it was confirmed with, computed at 0.474 then, not today's 0.467: the 重算值 is the notice's.
  assert.match(pb, /id="total-own">9,480\.000</, 'the confirmed total in 四、排放量小計');
  assert.doesNotMatch(pb, /id="total-own">9,340\.000</);
  const parentView = (await parent.get(`/report/view?year=${Y}&agency=${idOf('B')}`)).text;
  assert.match(parentView, /id="total-own">9,480\.000</, 'and on the parent\'s view of it');
  assert.doesNotMatch((await a.get('/report/edit?year=2024')).text, /id="factor-notices"/, 'not another year');
});

test('the change form: each refusal beside its field with what was typed; one unfinished change per factor', async () => {
  const admin = await loginAs('', 'admin');
  const snapshot = () => tableDigest(['factor_changes', 'factors']);
  const before = snapshot();
  for (const [fields, field, msg] of [
    [{ key: 'Elec Grid', value: '0.5', confidence: 'official', source: 'x' }, 'key', '係數代碼為 3 至 64 個英文字母'],
    [{ key: 'ELEC_GRID_2024', value: '0.5', confidence: 'official', source: 'x', category: 'electricity', unit: 'kgCO2e/kWh' }, 'key',
      '係數表已有只差大小寫的代碼 elec_grid_2024'],
    // One year typed (full-width digits too), the factor's own other: still a range (its own is 2024-2024).
    [{ key: 'elec_grid_2024', value: '0.48', confidence: 'official', source: 'x', valid_from: '２１００' }, 'valid_from',
      '適用年度起不可晚於這個係數現行的適用年度迄（2024）'],
    [{ key: 'elec_grid_2024', value: '0.48', confidence: 'official', source: 'x', valid_to: '2020' }, 'valid_to',
      '適用年度迄不可早於這個係數現行的適用年度起（2024）'],
    [{ key: 'elec_grid_2024', value: '0.48', confidence: 'derived', source: 'x' }, 'confidence', '請選擇信度'],
    [{ key: 'elec_variant_10_2025', value: '0.5', confidence: 'official', source: 'x' }, 'key', 'elec_variant_ 開頭的代碼保留給縣市'],
    [{ key: 'elec_grid_2024', value: '-1', confidence: 'official', source: 'x' }, 'value', '請填寫係數數值'],
    [{ key: 'elec_grid_2024', value: 'abc', confidence: 'official', source: 'x' }, 'value', '請填寫係數數值'],
    [{ key: 'elec_grid_2024', value: '100001', confidence: 'official', source: 'x' }, 'value', '請填寫係數數值'],
    [{ key: 'elec_grid_2024', value: '0.48', confidence: 'official', source: '' }, 'source', '請填寫來源'],
    [{ key: 'elec_grid_2024', value: '0.474', confidence: 'official', source: 'x' }, 'value', '數值與信度都與現行相同'],
    [{ key: 'elec_grid_2027', value: '0.45', confidence: 'official', source: 'x' }, 'category', '新係數須填類別'],
    [{ key: 'elec_grid_2024', value: '0.48', confidence: 'official', source: 'x', valid_from: '2024', valid_to: '2020' }, 'valid_to', '適用年度迄不可早於起'],
  ]) {
    const r = await propose(admin, fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(r.text, new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`), `${field} marked`);
    assert.match(r.text, new RegExp(msg), msg);
    assert.match(r.text, new RegExp(`name="value"[^>]*value="${fields.value.replace('.', '\\.')}"`), 'the value typed comes back');
  }
  assert.equal(snapshot(), before, 'nothing written');
  const first = await propose(admin, { key: 'elec_grid_2024', value: '0.48', confidence: 'official', source: '測試' });
  assert.equal(first.status, 303);
  const id = first.headers.get('location').match(/id=(\d+)$/)[1];
  const second = await propose(admin, { key: 'elec_grid_2024', value: '0.49', confidence: 'official', source: '測試' });
  assert.equal(second.status, 400);
  assert.match(second.text, /這個係數已有一筆尚未完成的變更/);
  // Withdrawn: cancelled, never run; the factor as it was.
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
  const page = await admin.get(`/admin/factors/change?id=${id}`);
  assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'cancel', id })).status, 303);
  assert.equal(q1(`SELECT status FROM factor_changes WHERE id = ${id}`), 'cancelled');
  const again = await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'apply', id });
  assert.equal(again.status, 409);
  assert.match(again.text, /只有已預覽的草稿可以套用/);
  assert.equal(q1("SELECT value FROM factors WHERE fkey = 'elec_grid_2024'"), '0.474');
  assert.equal((await admin.get('/admin/factors/change?id=999999')).status, 404);
  assert.equal((await admin.get('/admin/factors/change?id=abc')).status, 404);
});

test('any factor of the table can be changed, its key as the table writes it; the years recomputed are those it leaves and takes', async () => {
  const admin = await loginAs('', 'admin');
  const withdraw = async (id) => {
    await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
    const page = await admin.get(`/admin/factors/change?id=${id}`);
    assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'cancel', id })).status, 303);
  };
  const served = Number(q1('SELECT MIN(year) FROM inventory_years'));
  for (const [fields, first] of [
    // A gas's factor, its key in capitals as the table holds it (2016-2023).
    [{ key: 'ef604_gasoline_stationary_N2O', value: '0.00002', confidence: 'official', source: '測試' }, Math.max(2016, served)],
    // Moved a year later: the reports of 2024, which leave it, are recomputed too.
    [{ key: 'elec_grid_2024', value: '0.48', confidence: 'official', source: '測試', valid_from: '2025', valid_to: '2025' }, 2024],
    // Moved earlier: from the earlier year.
    [{ key: 'elec_grid_2024', value: '0.48', confidence: 'official', source: '測試', valid_from: '２０２３' }, Math.max(2023, served)],
    // A GWP, its key with a hyphen as the table holds it.
    [{ key: 'gwp_AR5_HFC-32', value: '680', confidence: 'official', source: '測試' }, Math.max(2024, served)],
    // A factor open at its start given a first year: the years before it leave it, from the first served.
    [{ key: 'ipcc_compost_N2O_wet_604', value: '0.31', confidence: 'official', source: '測試', valid_from: '2020' }, served],
  ]) {
    const r = await propose(admin, fields);
    assert.equal(r.status, 303, `${JSON.stringify(fields)}: ${r.status}`);
    const id = r.headers.get('location').match(/id=(\d+)$/)[1];
    assert.deepEqual(sql(`SELECT fkey, is_new, first_year FROM factor_changes WHERE id = ${id}`)[0], [fields.key, '0', String(first)]);
    await withdraw(id);
  }
});

test('factor day\'s routes: 401 anonymous, 403 to an agency and to a team account, nothing written', async () => {
  const before = tableDigest(['factor_changes', 'factors']);
  for (const [who, c] of [['anonymous', new Client()], ['agency', await loginAs('Z', '371036500X')], ['team', await loginAs('Z', 'TEAM')]]) {
    const csrf = csrfOf((await c.get('/')).text);
    for (const [method, path, form] of [['GET', '/admin/factors/change?id=1'],
      ['POST', '/admin/factors', { action: 'propose', key: 'elec_grid_2024', value: '0.5', confidence: 'official', source: 'x' }],
      ['POST', '/admin/factors/change', { action: 'apply', id: '1' }], ['POST', '/admin/factors/change', { action: 'cancel', id: '1' }]]) {
      const r = method === 'GET' ? await c.get(path) : await c.post(path, { csrf, ...form });
      assert.equal(r.status, who === 'anonymous' ? 401 : 403, `${who} ${method} ${path} ${form?.action || ''}`);
    }
  }
  assert.equal(tableDigest(['factor_changes', 'factors']), before);
});

test('a second change waits while one runs, and runs when it is over', async () => {
  const admin = await loginAs('', 'admin');
  const keys = ['elec_grid_2016', 'elec_grid_2017'];
  const ids = [];
  try {
    for (const key of keys) {
      // Its confidence only: the figures stay as they are (the test leaves every report alone).
      const r = await propose(admin, { key, value: q1(`SELECT value FROM factors WHERE fkey = '${key}'`), confidence: 'provisional', source: '測試：等候' });
      assert.equal(r.status, 303, key);
      ids.push(r.headers.get('location').match(/id=(\d+)$/)[1]);
    }
    for (const id of ids)
      await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
    // The first one held as running by another worker (a lease far ahead).
    sql(`UPDATE factor_changes SET status = 'running', claim = 'another-worker', lease_until = NOW() + INTERVAL 1 HOUR, started_at = NOW() WHERE id = ${ids[0]}`);
    const page = await admin.get(`/admin/factors/change?id=${ids[1]}`);
    assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'apply', id: ids[1] })).status, 303);
    assert.match((await admin.get(`/admin/factors/change?id=${ids[1]}`)).text, /排隊中（等候其他變更完成）/);
    await new Promise((r) => setTimeout(r, 3000));   // three of the exporter's polls
    assert.equal(q1(`SELECT status FROM factor_changes WHERE id = ${ids[1]}`), 'queued', 'waits while the other runs');
    assert.equal(q1(`SELECT confidence FROM factors WHERE fkey = '${keys[1]}'`), 'official', 'its factor not written yet');
    sql(`UPDATE factor_changes SET status = 'done', claim = NULL, lease_until = NULL, finished_at = NOW() WHERE id = ${ids[0]}`);
    await waitFor('the second to run', () => q1(`SELECT status FROM factor_changes WHERE id = ${ids[1]}`) === 'done', 30000, 200);
    assert.equal(q1(`SELECT confidence FROM factors WHERE fkey = '${keys[1]}'`), 'provisional', 'then written');
  } finally {
    // The first never ran (its factor as it was); the second marked every line of its year 暫用: undone by a change too.
    sql(`UPDATE factors SET confidence = 'official', change_id = NULL WHERE fkey = '${keys[0]}'`);
    if (q1(`SELECT confidence FROM factors WHERE fkey = '${keys[1]}'`) === 'provisional')
      await changeOf(admin, { key: keys[1], value: q1(`SELECT value FROM factors WHERE fkey = '${keys[1]}'`), confidence: 'official', source: '測試：還原' });
  }
});

test('an interval alone: the change sets the factor\'s 95 % interval, and the lines\' gases carry it; refusals beside the fields', async () => {
  const admin = await loginAs('', 'admin');
  const [ciL, ciU, ciS] = sql(`SELECT IFNULL(ci_lower_milli, -1), IFNULL(ci_upper_milli, -1), IFNULL(ci_source, '') FROM factors WHERE fkey = '${KEY}'`)[0];
  const value = q1(`SELECT value FROM factors WHERE fkey = '${KEY}'`);
  const conf = q1(`SELECT confidence FROM factors WHERE fkey = '${KEY}'`);
  const before = tableDigest(['factor_changes', 'factors']);
  for (const [lo, hi, field] of [['5', '', 'ci_upper'], ['', '5', 'ci_lower'], ['abc', '5', 'ci_lower'], ['5', '1000.001', 'ci_upper'], ['-1', '5', 'ci_lower']]) {
    const r = await propose(admin, { key: KEY, value, confidence: conf, source: '區間', ci_lower: lo, ci_upper: hi });
    assert.equal(r.status, 400, `${lo} / ${hi}`);
    assert.match(r.text, new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`), `${lo} / ${hi}: ${field} marked`);
    assert.match(r.text, /不確定性為 0 至 1000 的百分比/);
  }
  assert.equal(tableDigest(['factor_changes', 'factors']), before, 'nothing written');
  try {
    const made = await propose(admin, { key: KEY, value, confidence: conf, source: '測試：區間', ci_lower: '9.999', ci_upper: '9.999' });
    assert.equal(made.status, 303);
    const id = made.headers.get('location').match(/id=(\d+)$/)[1];
    await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
    const page = await admin.get(`/admin/factors/change?id=${id}`);
    assert.match(page.text, /不確定性（95 %）<\/dt><dd>[^<]*→ −9\.999 % \/ \+9\.999 %/);
    assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'apply', id })).status, 303);
    await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'done', 60000, 200);
    assert.deepEqual(sql(`SELECT value, ci_lower_milli, ci_upper_milli FROM factors WHERE fkey = '${KEY}'`)[0], [value, '9999', '9999']);
    // A's line: the same amount, its gas with the new interval.
    assert.deepEqual(sql(`SELECT g.kg_milli, g.ef_lower_milli, g.ef_upper_milli FROM report_line_gases g JOIN reports r ON r.id = g.report_id
      WHERE r.agency_id = ${A} AND r.year = ${Y}`)[0], ['4670000', '9999', '9999']);
    assert.equal(q1(`SELECT own_total_milli FROM reports WHERE agency_id = ${A} AND year = ${Y}`), '4670000', 'the amount unchanged');
  } finally {
    sql(`UPDATE factors SET ci_lower_milli = NULLIF(${ciL}, -1), ci_upper_milli = NULLIF(${ciU}, -1), ci_source = NULLIF('${ciS.replace(/'/g, "''")}', '')
      WHERE fkey = '${KEY}'`);
  }
});

test('a 暫用 value announced as it stood: no figure moves, every line loses its 暫用 mark and gets the announcement as its source', async () => {
  const admin = await loginAs('', 'admin');
  const value = q1(`SELECT value FROM factors WHERE fkey = '${KEY}'`);
  const OFFICIAL = '能源署115.6.2公布114年電力排碳係數';
  const lineOf = (agency) => sql(`SELECT l.kg_milli, l.provisional, l.sources FROM report_lines l JOIN reports r ON r.id = l.report_id
    WHERE r.agency_id = ${agency} AND r.year = ${Y} AND l.item = 'electricity'`)[0];
  const totals = () => sql(`SELECT agency_id, own_total_milli, IFNULL(restated_own_milli, '') FROM reports WHERE year = ${Y} AND agency_id IN (${A}, ${B})
    ORDER BY agency_id`);
  const [[act]] = sql(`SELECT id FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '路燈${TAG}'`);
  assert.equal(value, '0.467');
  const was = totals();
  const bLine = lineOf(B);
  try {
    // The value made 暫用 again (as it stood before 能源署's announcement), then announced as it stood.
    const toProvisional = await changeOf(admin, { key: KEY, value, confidence: 'provisional', source: '測試暫用值' });
    assert.deepEqual(lineOf(A), ['4670000', '1', '測試暫用值'], 'A\'s line marked 暫用, its source the 暫用 value\'s');
    assert.equal(q1(`SELECT provisional FROM county_activities WHERE id = ${act}`), '1');
    const made = await propose(admin, { key: KEY, value, confidence: 'official', source: OFFICIAL });
    assert.equal(made.status, 303);
    const id = made.headers.get('location').match(/id=(\d+)$/)[1];
    await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
    const page = await admin.get(`/admin/factors/change?id=${id}`);
    const z = page.text.match(/<tr><td>連江縣<\/td><td>2025<\/td><td class="num">(\d+)<\/td><td class="num">\d+<\/td><td class="num">(\d+)<\/td><td class="num">([-\d,.]+)<\/td>/);
    assert.ok(z, 'the preview lists 連江縣 2025');
    assert.ok(Number(z[1]) >= 2 && Number(z[2]) >= 2, `A and B counted, and their lines: ${z[0]}`);
    // No figure moves: the Δ is only that of the confirmed reports' 重算值 already beside their figures (B's −140 kg).
    const restatedDelta = Number(q1(`SELECT IFNULL(SUM(r.restated_own_milli - r.own_total_milli), 0) FROM reports r
      JOIN agencies g ON g.id = r.agency_id AND g.active = 1 WHERE g.county_id = ${Z} AND r.year = ${Y} AND r.restated_own_milli IS NOT NULL`));
    assert.ok(restatedDelta <= -140000, `B's 重算值 among them: ${restatedDelta}`);
    assert.equal(Number(z[3].replace(/,/g, '')) * 1000, restatedDelta, 'no figure moves but the 重算值 already shown');
    assert.equal((await admin.post('/admin/factors/change', { csrf: csrfOf(page.text), action: 'apply', id })).status, 303);
    await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'done', 60000, 200);
    await settled();

    assert.deepEqual(lineOf(A), ['4670000', '0', OFFICIAL], 'A\'s line: the same amount, 正式, the announcement its source');
    assert.deepEqual(totals(), was, 'no total moved, B\'s 重算值 as it was');
    assert.deepEqual(lineOf(B), bLine, 'B\'s confirmed line kept');
    const [field, oldV, newV] = sql(`SELECT field, old_value, new_value FROM audit_log WHERE agency_id = ${A} AND year = ${Y} ORDER BY id DESC LIMIT 1`)[0];
    assert.equal(field, '係數更新');
    assert.match(oldV, /0\.467（暫用）：自有 4670\.000/);
    assert.match(newV, /0\.467（正式公告）：自有 4670\.000/);
    assert.deepEqual(sql(`SELECT kg_milli, provisional, sources FROM county_activities WHERE id = ${act}`)[0], ['467000', '0', OFFICIAL],
      'the team\'s line too');
    const a = await loginAs('Z', code('A'));
    const pa = (await a.get(`/report/edit?year=${Y}`)).text;
    assert.match(pa, /id="factor-notices"[\s\S]*?由 0\.467（暫用） 改為 0\.467（正式公告）：自有 4,670\.000 → 4,670\.000/);
    assert.deepEqual(rollupMismatches(Y), [], 'every rollup equals an independent sum');
    assert.notEqual(toProvisional, id);
  } finally {
    sql(`UPDATE factors SET confidence = 'official', source = '${OFFICIAL}' WHERE fkey = '${KEY}'`);
  }
});
