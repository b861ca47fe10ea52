// elec_variant.test.mjs: a county's choice of electricity factor for a year (issue 15, SPEC-2 §3):
// 2025 has 公用售電業整體 0.467, 產業 0.466 and 民生 0.471.  The county team of 新竹縣 (J, this
// file's own county) changes its 2025 choice to 產業: a preview over its county-year only, then the
// run through factor day's walk (an unconfirmed report in place with 係數更新, a confirmed one with
// its 重算值, the team's own line, notices, rollups equal to independent sums, no other county
// moved); a save after it computes with 0.466; a save whose transaction meets the run's write
// computes again.  The page's refusals, and its routes for every role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { Client, STACK, alive, csrfOf, loginAs, outboxDrained, rollupMismatches, sql, waitFor, tableDigest } from '../lib.mjs';

const Y = 2025;
const q1 = (s) => sql(s)[0]?.[0];
const [[J]] = sql("SELECT id FROM counties WHERE letter = 'J'");
const TAG = `EV${Date.now() % 1000000}`;
const code = (k) => `${TAG}${k}`;
const idOf = (k) => q1(`SELECT id FROM agencies WHERE county_id = ${J} AND code = '${code(k)}'`);
let H, A, B;
const settled = () => outboxDrained();
const hash = () => q1("SELECT password_hash FROM accounts WHERE kind = 'team' AND county_id = (SELECT id FROM counties WHERE letter = 'Z') LIMIT 1");

before(() => {
  const contact = "'承辦', '03-5518101', 'ev@example.gov.tw'";
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
       VALUES (${J}, '${code('H')}', '電力係數測試府${TAG}', 1, NULL, ${contact})`);
  H = idOf('H');
  sql(`INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email) VALUES
       (${J}, '${code('A')}', '電力係數測試處A${TAG}', 2, ${H}, ${contact}), (${J}, '${code('B')}', '電力係數測試處B${TAG}', 2, ${H}, ${contact})`);
  A = idOf('A');
  B = idOf('B');
  sql(`INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
       SELECT 'agency', ${J}, a.id, a.code, '${hash()}', 0 FROM agencies a WHERE a.county_id = ${J} AND a.code LIKE '${TAG}%';
       INSERT INTO accounts (kind, county_id, login, password_hash, must_change_password, display_name)
       VALUES ('team', ${J}, 'TEAM', '${hash()}', 0, '測試員') ON DUPLICATE KEY UPDATE active = 1;
       UPDATE counties SET hosted = 1 WHERE id = ${J}`);
});
after(async () => {
  const mine = `SELECT id FROM agencies WHERE county_id = ${J} AND code LIKE '${TAG}%'`;
  sql(`DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE county_id = ${J});
       UPDATE accounts SET active = 0 WHERE agency_id IN (${mine}) OR (county_id = ${J} AND kind = 'team' AND login = 'TEAM');
       UPDATE agencies SET active = 0 WHERE county_id = ${J} AND code LIKE '${TAG}%';
       UPDATE factor_changes SET status = 'cancelled' WHERE county_id = ${J} AND status = 'draft';
       UPDATE inventory_years SET elec_variant = 'overall' WHERE county_id = ${J};
       DELETE FROM county_activities WHERE county_id = ${J} AND description LIKE '路燈${TAG}%';
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${J}, ${Y}, NULL, NOW(3))`);
  await settled();
});

async function save(c, fields, year = Y) {
  const f = await c.get(`/report/edit?year=${year}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  return c.post('/report/edit', { csrf: csrfOf(f.text), year: String(year), revision, action: 'save', scope_text: '辦公廳舍', ...fields });
}

const elecLine = (agency) => sql(`SELECT l.kg_milli, l.factor_text, l.method FROM report_lines l JOIN reports r ON r.id = l.report_id
  WHERE r.agency_id = ${agency} AND r.year = ${Y} AND l.item = 'electricity' AND l.part = 'own'`)[0];

test('新竹縣 chooses 產業 for 2025: a preview of its county-year, then in place or 重算值, notices, exact rollups', async () => {
  const a = await loginAs('J', code('A'));
  const b = await loginAs('J', code('B'));
  assert.equal((await save(a, { own_electricity: '10000' })).status, 303);
  assert.equal((await save(b, { own_electricity: '20000', filed: '1' })).status, 303);
  const hall = await loginAs('J', code('H'));
  const review = await hall.get(`/review?year=${Y}`);
  const rev = q1(`SELECT revision FROM reports WHERE agency_id = ${B} AND year = ${Y}`);
  assert.equal((await hall.post('/review', { csrf: csrfOf(review.text), action: 'confirm', year: String(Y), agency: String(B), revision: rev, at: String(H) })).status,
    303, 'B confirmed by its parent');
  const team = await loginAs('J', 'TEAM');
  const af = await team.get(`/team/activities?year=${Y}&method=elec_street`);
  assert.equal((await team.post('/team/activities', { csrf: csrfOf(af.text), action: 'save', method: 'elec_street', year: String(Y), id: '0',
    version: '0', description: `路燈${TAG}`, q: '1000' })).status, 303, 'the team\'s own line');
  const act = q1(`SELECT id FROM county_activities WHERE county_id = ${J} AND year = ${Y} AND description = '路燈${TAG}'`);
  await settled();
  assert.deepEqual(elecLine(A).slice(0, 2), ['4670000', '0.467'], 'the overall factor by default');
  assert.equal(q1(`SELECT kg_milli FROM county_activities WHERE id = ${act}`), '467000');
  const others = () => sql(`SELECT COUNT(*), IFNULL(SUM(r.own_total_milli), 0), IFNULL(SUM(r.restated_own_milli), 0) FROM reports r
    JOIN agencies g ON g.id = r.agency_id WHERE g.county_id <> ${J}`)[0].join(':')
    + sql(`SELECT COUNT(*), IFNULL(SUM(kg_milli), 0) FROM county_activities WHERE county_id <> ${J}`)[0].join(':');
  const before = others();

  const years = await team.get('/team/years');
  assert.match(years.text, /<th>電力排碳係數<\/th>/);
  assert.match(years.text, /公用售電業整體<br><a href="\/team\/elec\?year=2025">電力排碳係數<\/a>/);
  const page = await team.get(`/team/elec?year=${Y}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /目前採用：<strong>公用售電業整體 0\.467 kgCO₂e\/度<\/strong>/);
  assert.match(page.text, /<option value="industry">產業 0\.466 kgCO₂e\/度<\/option>/);
  assert.match(page.text, /<option value="residential">民生 0\.471 kgCO₂e\/度<\/option>/);
  const made = await team.post('/team/elec', { csrf: csrfOf(page.text), action: 'propose', year: String(Y), variant: 'industry' });
  assert.equal(made.status, 303);
  const id = q1(`SELECT id FROM factor_changes WHERE county_id = ${J} AND first_year = ${Y} ORDER BY id DESC LIMIT 1`);
  assert.equal(q1(`SELECT elec_variant FROM inventory_years WHERE county_id = ${J} AND year = ${Y}`), 'overall', 'a draft changes nothing');
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
  const previewed = await team.get(`/team/elec?year=${Y}`);
  assert.match(previewed.text, /草稿（已預覽）/);
  const rows = [...previewed.text.match(/<table id="effects">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/)[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .map((m) => [...m[1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]));
  // Only 新竹縣 2025, as an independent count of the stored rows: every active agency's report with an electricity line,
  // its lines, the change of its own total (each line again at 0.466, rounded half up); the team's electricity lines.
  // This file's part: A and B (B confirmed), (4,660 − 4,670) + (9,320 − 9,340); the street light 466 − 467.
  const [ay, conf, lines, delta] = sql(`SELECT COUNT(*), SUM(r.confirmed_version IS NOT NULL), SUM(e.n), FORMAT(SUM(e.d) / 1000, 3, 'en_US')
    FROM reports r JOIN agencies g ON g.id = r.agency_id AND g.active = 1 AND g.county_id = ${J}
    JOIN (SELECT i.report_id, COUNT(*) n, SUM(IF(i.part = 'own', ROUND(i.quantity_milli * 0.466) - l.kg_milli, 0)) d
          FROM report_items i JOIN report_lines l ON l.report_id = i.report_id AND l.part = i.part AND l.item = i.item AND l.seq = i.seq
          WHERE i.item = 'electricity' AND i.quantity_milli IS NOT NULL GROUP BY i.report_id) e ON e.report_id = r.id
    WHERE r.year = ${Y}`)[0];
  const [alines, adelta] = sql(`SELECT COUNT(*), FORMAT(SUM(ROUND(quantity * 466) - kg_milli) / 1000, 3, 'en_US') FROM county_activities
    WHERE county_id = ${J} AND year = ${Y} AND method LIKE 'elec%' AND override_factor IS NULL`)[0];
  assert.deepEqual(rows, [['新竹縣', '2025', ay, conf, lines, delta, alines, adelta]]);
  assert.ok(Number(ay) >= 2 && Number(conf) >= 1 && Number(delta.replace(/,/g, '')) <= -30 && Number(adelta) <= -1, rows.join());
  assert.doesNotMatch(previewed.text, /id="elec-choose"/, 'no second change while one is open');

  const applied = await team.post('/team/elec', { csrf: csrfOf(previewed.text), action: 'apply', year: String(Y), id });
  assert.equal(applied.status, 303);
  await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'done', 60000, 200);
  await settled();
  assert.equal(q1(`SELECT elec_variant FROM inventory_years WHERE county_id = ${J} AND year = ${Y}`), 'industry');
  // A, unconfirmed: in place at 0.466, its method naming 產業; the gases add up.
  const [kg, ftext, method] = elecLine(A);
  assert.deepEqual([kg, ftext], ['4660000', '0.466']);
  assert.match(method, /2025 年電力排碳係數（產業） 0\.466/);
  assert.equal(q1(`SELECT own_total_milli FROM reports WHERE agency_id = ${A} AND year = ${Y}`), '4660000');
  assert.equal(q1(`SELECT SUM(g.kg_milli) FROM report_line_gases g JOIN reports r ON r.id = g.report_id WHERE r.agency_id = ${A} AND r.year = ${Y}`), '4660000');
  const [field, oldV, newV] = sql(`SELECT field, old_value, new_value FROM audit_log WHERE agency_id = ${A} AND year = ${Y} ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(field, '係數更新');
  assert.equal(oldV, '2025 年電力排碳係數（公用售電業整體）：自有 4670.000、委外 0.000 kgCO₂e');
  assert.equal(newV, '2025 年電力排碳係數（產業）：自有 4660.000、委外 0.000 kgCO₂e');
  // B, confirmed: kept, with its 重算值.
  assert.deepEqual(sql(`SELECT own_total_milli, restated_own_milli, restated_change_id FROM reports WHERE agency_id = ${B} AND year = ${Y}`)[0],
    ['9340000', '9320000', id]);
  assert.deepEqual(sql(`SELECT agency_id, old_own_milli, new_own_milli, restated FROM factor_notices WHERE change_id = ${id} AND agency_id IN (${A}, ${B}) ORDER BY agency_id`),
    [[A, '4670000', '4660000', '0'], [B, '9340000', '9320000', '1']]);
  assert.equal(q1(`SELECT kg_milli FROM county_activities WHERE id = ${act}`), '466000', 'the team\'s line too');
  assert.deepEqual(rollupMismatches(Y), [], 'every rollup equals an independent sum');
  assert.equal(others(), before, 'no other county moved');
  assert.match((await a.get(`/report/edit?year=${Y}`)).text, /id="factor-notices"[\s\S]*縣市的電力排碳係數由公用售電業整體改採產業：自有 4,670\.000 → 4,660\.000/);
  assert.match((await team.get(`/team/elec?year=${Y}`)).text, /目前採用：<strong>產業 0\.466[\s\S]*已完成/);
  assert.match(q1(`SELECT new_value FROM audit_log WHERE county_id = ${J} AND year = ${Y} AND field = '電力排碳係數（套用）' ORDER BY id DESC LIMIT 1`), /產業/);
  // The platform admin sees it among the factor changes, in the county's words.
  const admin = await loginAs('', 'admin');
  assert.match((await admin.get(`/admin/factors/change?id=${id}`)).text, /id="choice">新竹縣 2025 年電力排碳係數：公用售電業整體 → <strong>產業<\/strong>/);

  // A save from now on computes with 產業.
  assert.equal((await save(a, { own_electricity: '20000' })).status, 303);
  assert.deepEqual(elecLine(A).slice(0, 2), ['9320000', '0.466']);
  // 2024 has one factor: nothing to choose, and a choice of it refused.
  const y24 = await team.get('/team/elec?year=2024');
  assert.match(y24.text, /id="no-variants"/);
  assert.doesNotMatch(y24.text, /id="elec-choose"/);
  const r24 = await team.post('/team/elec', { csrf: csrfOf(y24.text), action: 'propose', year: '2024', variant: 'industry' });
  assert.equal(r24.status, 409);
  await settled();
});

test('a save whose transaction meets a run\'s write of the choice, or of a factor, computes again with it', async () => {
  const a = await loginAs('J', code('A'));
  const f = await a.get(`/report/edit?year=${Y}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  // Another session holds the county-year's row as the run's claim does (writing 民生) for 0.8 s (the web waits up to 1 s), then commits.
  const holder = spawn(STACK, ['sql', '-e',
    `BEGIN; UPDATE inventory_years SET elec_variant = 'residential' WHERE county_id = ${J} AND year = ${Y}; SELECT SLEEP(0.8); COMMIT;`],
  { env: process.env, stdio: 'ignore' });
  const exited = new Promise((resolve) => holder.on('exit', resolve));
  // Held when a locking read that does not wait is refused.
  const held = () => spawnSync(STACK, ['sql', '-N', '-e', `SELECT 1 FROM inventory_years WHERE county_id = ${J} AND year = ${Y} FOR UPDATE NOWAIT`],
    { env: process.env, stdio: 'ignore' }).status !== 0;
  await waitFor('the holder\'s lock', held, 10000, 50);
  try {
    // The page reads the year without a lock (still 產業), computes, then waits for the row in its transaction.
    const r = await a.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍', own_electricity: '10000' });
    assert.equal(r.status, 303);
  } finally {
    await exited;
    if (alive(holder.pid)) holder.kill('SIGKILL');
  }
  assert.deepEqual(elecLine(A).slice(0, 2), ['4710000', '0.471'], 'computed again with 民生, not stored at 產業');

  // The same with a factor: a run's claim writing 民生's 2025 factor while the save is under way.
  const KEY = 'elec_grid_2025_residential';
  const g = await a.get(`/report/edit?year=${Y}`);
  const rev2 = g.text.match(/name="revision" value="(\d+)"/)[1];
  const factorHolder = spawn(STACK, ['sql', '-e',
    `BEGIN; UPDATE factors SET value = '0.472', change_id = 2000000000 WHERE fkey = '${KEY}'; SELECT SLEEP(0.8); COMMIT;`],
  { env: process.env, stdio: 'ignore' });
  const done = new Promise((resolve) => factorHolder.on('exit', resolve));
  const factorHeld = () => spawnSync(STACK, ['sql', '-N', '-e', `SELECT 1 FROM factors WHERE fkey = '${KEY}' FOR UPDATE NOWAIT`],
    { env: process.env, stdio: 'ignore' }).status !== 0;
  try {
    await waitFor('the factor\'s lock', factorHeld, 10000, 50);
    const r = await a.post('/report/edit', { csrf: csrfOf(g.text), year: String(Y), revision: rev2, action: 'save', scope_text: '辦公廳舍', own_electricity: '10000' });
    assert.equal(r.status, 303);
  } finally {
    await done;
    if (alive(factorHolder.pid)) factorHolder.kill('SIGKILL');
  }
  try {
    assert.deepEqual(elecLine(A).slice(0, 2), ['4720000', '0.472'], 'computed again with the factor the claim wrote');
  } finally {
    sql(`UPDATE factors SET value = '0.471', change_id = NULL WHERE fkey = '${KEY}';
         UPDATE inventory_years SET elec_variant = 'industry' WHERE county_id = ${J} AND year = ${Y}`);
  }
});

test('only confirmed reports moved: 重算值 on the parent\'s review page (cached before the run) and on the team\'s overview', async () => {
  const a = await loginAs('J', code('A'));
  assert.equal((await save(a, { own_electricity: '10000', filed: '1' })).status, 303);
  const hall = await loginAs('J', code('H'));
  const review = await hall.get(`/review?year=${Y}`);
  const rev = q1(`SELECT revision FROM reports WHERE agency_id = ${A} AND year = ${Y}`);
  assert.equal((await hall.post('/review', { csrf: csrfOf(review.text), action: 'confirm', year: String(Y), agency: String(A), revision: rev, at: String(H) })).status, 303);
  // The team's own lines go (their change would move the page's stamp by a quality run): only the reports' 重算值 must.
  sql(`UPDATE reports SET restated_own_milli = NULL, restated_outsourced_milli = NULL, restated_change_id = NULL, restated_at = NULL
       WHERE agency_id IN (${A}, ${B}) AND year = ${Y};
       DELETE FROM county_activities WHERE county_id = ${J} AND year = ${Y};
       INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${J}, ${Y}, NULL, NOW(3))`);
  await settled();
  await waitFor('the quality run', () => q1(`SELECT requests = figures_for FROM quality_queue WHERE county_id = ${J} AND year = ${Y}`) !== '0', 30000, 200);
  // Enough requests to meet every web process (as review_workflow.test.mjs): each caches the page with this stamp.
  for (let i = 0; i < 12; i++) assert.doesNotMatch((await hall.get(`/review?year=${Y}`)).text, /class="restated"/);
  // Every report of 新竹縣 2025 confirmed, or not this file's: the run changes nothing in place here.
  const unconfirmed = q1(`SELECT COUNT(*) FROM reports r JOIN agencies g ON g.id = r.agency_id AND g.active = 1
    WHERE g.county_id = ${J} AND r.year = ${Y} AND r.confirmed_version IS NULL`);
  const team = await loginAs('J', 'TEAM');
  const page = await team.get(`/team/elec?year=${Y}`);
  assert.match(page.text, /目前採用：<strong>產業/);
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(page.text), action: 'propose', year: String(Y), variant: 'residential' })).status, 303);
  const id = q1(`SELECT id FROM factor_changes WHERE county_id = ${J} AND status = 'draft'`);
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(page.text), action: 'apply', year: String(Y), id })).status, 303);
  await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'done', 60000, 200);
  await settled();
  // A (confirmed at 產業 0.466) and B (at the overall 0.467) keep their figures, each with its 重算值 at 民生 (0.471).
  assert.deepEqual(sql(`SELECT agency_id, own_total_milli, restated_own_milli FROM reports WHERE agency_id IN (${A}, ${B}) AND year = ${Y} ORDER BY agency_id`),
    [[A, '4660000', '4710000'], [B, '9340000', '9420000']]);
  if (unconfirmed === '0')
    assert.equal(q1(`SELECT changed_reports FROM factor_changes WHERE id = ${id}`), '0', 'nothing changed in place');
  for (let i = 0; i < 12; i++) {
    const shown = await hall.get(`/review?year=${Y}`);
    assert.match(shown.text, new RegExp(`data-agency="${A}"[\\s\\S]*?重算值：本機關 4,660\\.000 → 4,710\\.000 kgCO₂e（係數更新後；已確認的數字不變，經申請更正、重新開放後`),
      'on every process at once, with how it is adopted');
    assert.match(shown.text, new RegExp(`data-agency="${B}"[\\s\\S]*?重算值：本機關 9,340\\.000 → 9,420\\.000`));
  }
  const overview = await team.get(`/team?year=${Y}`);
  assert.match(overview.text, /4,660\.000<br><span class="restated">重算值 4,710\.000<\/span>/);
  const [total, delta] = sql(`SELECT c.total_milli, (SELECT SUM(r.restated_own_milli - r.own_total_milli) FROM reports r JOIN agencies g
    ON g.id = r.agency_id AND g.active = 1 WHERE g.county_id = ${J} AND r.year = ${Y} AND r.restated_own_milli IS NOT NULL)
    FROM county_rollups c WHERE c.county_id = ${J} AND c.year = ${Y}`)[0];
  const fmt = (m) => (Number(m) / 1000).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  assert.match(overview.text, new RegExp(`id="county-restated">${fmt(Number(total) + Number(delta)).replace(/[.]/g, '\\.')}`));

  // A reopened since (not confirmed any more): the next change moves it in place, and its old 重算值 goes.  The change
  // recorded a stale "before" (another change finished in between): its run takes the choice as it is at its claim.
  sql(`UPDATE reports SET confirmed_version = NULL, filed = 0 WHERE agency_id = ${A} AND year = ${Y}`);
  await settled();
  const back = await team.get(`/team/elec?year=${Y}`);
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(back.text), action: 'propose', year: String(Y), variant: 'industry' })).status, 303);
  const id2 = q1(`SELECT id FROM factor_changes WHERE county_id = ${J} AND status = 'draft'`);
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id2}`) === 'done', 30000, 200);
  sql(`UPDATE factor_changes SET old_value = 'overall' WHERE id = ${id2}`);
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(back.text), action: 'apply', year: String(Y), id: id2 })).status, 303);
  await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id2}`) === 'done', 60000, 200);
  await settled();
  assert.equal(q1(`SELECT old_value FROM factor_changes WHERE id = ${id2}`), 'residential', 'the before as it was at the claim');
  assert.deepEqual(sql(`SELECT own_total_milli, restated_own_milli IS NULL FROM reports WHERE agency_id = ${A} AND year = ${Y}`)[0],
    ['4660000', '1'], 'A in place at 產業, its 重算值 gone');
  assert.equal(q1(`SELECT old_value FROM audit_log WHERE agency_id = ${A} AND year = ${Y} AND field = '係數更新' ORDER BY id DESC LIMIT 1`),
    '2025 年電力排碳係數（民生）：自有 4660.000、委外 0.000 kgCO₂e');
  assert.deepEqual(sql(`SELECT own_total_milli, restated_own_milli FROM reports WHERE agency_id = ${B} AND year = ${Y}`)[0], ['9340000', '9320000']);
  assert.deepEqual(rollupMismatches(Y), []);

  // Back to 整體, the basis B was confirmed with: its figures come to the confirmed ones, so its 重算值 goes and it gets no notice.
  const trailB = () => q1(`SELECT COUNT(*) FROM audit_log WHERE agency_id = ${B} AND year = ${Y} AND field LIKE '係數更新%'`);
  const trailBefore = trailB();
  const again = await team.get(`/team/elec?year=${Y}`);
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(again.text), action: 'propose', year: String(Y), variant: 'overall' })).status, 303);
  const id3 = q1(`SELECT id FROM factor_changes WHERE county_id = ${J} AND status = 'draft'`);
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id3}`) === 'done', 30000, 200);
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(again.text), action: 'apply', year: String(Y), id: id3 })).status, 303);
  await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id3}`) === 'done', 60000, 200);
  await settled();
  assert.deepEqual(sql(`SELECT agency_id, own_total_milli, IFNULL(restated_own_milli, 'none') FROM reports WHERE agency_id IN (${A}, ${B})
    AND year = ${Y} ORDER BY agency_id`), [[A, '4670000', 'none'], [B, '9340000', 'none']], 'A in place at 整體; B as confirmed, no 重算值');
  assert.equal(q1(`SELECT COUNT(*) FROM factor_notices WHERE change_id = ${id3} AND agency_id = ${B}`), '0', 'no notice to B');
  assert.equal(trailB(), trailBefore, 'no audit line for B: its figures did not move');
  assert.equal(q1(`SELECT COUNT(*) FROM factor_notices WHERE change_id = ${id3} AND agency_id = ${A}`), '1', 'A told');
  assert.doesNotMatch((await team.get(`/team?year=${Y}`)).text, /9,340\.000<br><span class="restated">/);
  assert.deepEqual(rollupMismatches(Y), []);
});

test('the choice\'s refusals: beside the field with the choice back, a locked year, another county\'s change; nothing written', async () => {
  const team = await loginAs('J', 'TEAM');
  sql(`UPDATE inventory_years SET elec_variant = 'industry' WHERE county_id = ${J} AND year = ${Y}`);
  const snapshot = () => JSON.stringify([sql('SELECT id, fkey, status, preview_status, value FROM factor_changes ORDER BY id'),
    tableDigest(['inventory_years'])]);
  const before = snapshot();
  const page = await team.get(`/team/elec?year=${Y}`);
  const csrf = csrfOf(page.text);
  let r = await team.post('/team/elec', { csrf, action: 'propose', year: String(Y) });
  assert.equal(r.status, 400);
  assert.match(r.text, /id="variant"[^>]*aria-invalid="true"[\s\S]*請選擇要採用的電力排碳係數/);
  r = await team.post('/team/elec', { csrf, action: 'propose', year: String(Y), variant: 'industry' });
  assert.equal(r.status, 400);
  assert.match(r.text, /與目前採用的相同/);
  r = await team.post('/team/elec', { csrf, action: 'propose', year: String(Y), variant: 'residential', });
  assert.equal(r.status, 303, 'a real change is a draft');
  const id = q1(`SELECT id FROM factor_changes WHERE county_id = ${J} AND status = 'draft'`);
  r = await team.post('/team/elec', { csrf, action: 'propose', year: String(Y), variant: 'overall' });
  assert.equal(r.status, 409);
  assert.match(r.text, /已有一筆尚未完成的變更/);
  assert.equal((await team.post('/team/elec', { csrf, action: 'cancel', year: String(Y), id })).status, 303);
  assert.equal(q1(`SELECT status FROM factor_changes WHERE id = ${id}`), 'cancelled');
  sql(`UPDATE factor_changes SET status = 'cancelled' WHERE id = ${id}`);
  // A published year keeps its choice: no proposal; a draft previewed before is not applied, from the page or by the worker.
  r = await team.post('/team/elec', { csrf, action: 'propose', year: String(Y), variant: 'overall' });
  assert.equal(r.status, 303);
  const late = q1(`SELECT id FROM factor_changes WHERE county_id = ${J} AND status = 'draft'`);
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${late}`) === 'done', 30000, 200);
  sql(`UPDATE inventory_years SET published_at = NOW() WHERE county_id = ${J} AND year = ${Y}`);
  try {
    const frozen = await team.get(`/team/elec?year=${Y}`);
    assert.doesNotMatch(frozen.text, /id="elec-choose"|name="action" value="apply"/, 'no form, no 套用');
    r = await team.post('/team/elec', { csrf, action: 'apply', year: String(Y), id: late });
    assert.equal(r.status, 409);
    assert.match(r.text, /未套用：本年度已鎖定或已公開/);
    sql(`UPDATE factor_changes SET status = 'queued' WHERE id = ${late}`);   // queued before the year was published
    await waitFor('the worker to refuse it', () => q1(`SELECT status FROM factor_changes WHERE id = ${late}`) === 'failed', 30000, 200);
    assert.match(q1(`SELECT error FROM factor_changes WHERE id = ${late}`), /已鎖定或已公開/);
    assert.equal(q1(`SELECT elec_variant FROM inventory_years WHERE county_id = ${J} AND year = ${Y}`), 'industry', 'the choice kept');
    const frozen2 = await team.get(`/team/elec?year=${Y}`);
    assert.match(frozen2.text, /id="frozen"/);
    r = await team.post('/team/elec', { csrf, action: 'propose', year: String(Y), variant: 'overall' });
    assert.equal(r.status, 409);
  } finally {
    sql(`UPDATE inventory_years SET published_at = NULL WHERE county_id = ${J} AND year = ${Y};
         DELETE FROM factor_change_effects WHERE change_id = ${late}; DELETE FROM factor_changes WHERE id = ${late}`);
  }
  // Another county's team cannot reach this county's change, nor a factor change of the admin's.
  const z = await loginAs('Z', 'TEAM');
  const zp = await z.get(`/team/elec?year=${Y}`);
  assert.equal((await z.post('/team/elec', { csrf: csrfOf(zp.text), action: 'apply', year: String(Y), id })).status, 404);
  const fid = q1('SELECT id FROM factor_changes WHERE county_id IS NULL ORDER BY id LIMIT 1');
  if (fid) assert.equal((await team.post('/team/elec', { csrf, action: 'apply', year: String(Y), id: fid })).status, 404);
  assert.equal((await team.get('/team/elec?year=1999')).status, 404);
  assert.equal((await team.get('/team/elec')).status, 404);
  // Cancelled drafts are rows of their own; beyond them nothing changed.
  sql(`DELETE FROM factor_change_effects WHERE change_id = ${id}; DELETE FROM factor_changes WHERE id = ${id}`);
  assert.equal(snapshot(), before, 'nothing else written');
});

test('年度鎖定 waits for a choice being applied: refused while it is queued or running; nothing written', async () => {
  const team = await loginAs('J', 'TEAM');
  const page = await team.get(`/team/years/lock?year=${Y}`);
  assert.equal(page.status, 200);
  const lockOf = () => q1(`SELECT IFNULL(lock_id, 0) FROM inventory_years WHERE county_id = ${J} AND year = ${Y}`);
  const change = (fkey, year, status) => sql(`INSERT INTO factor_changes (fkey, is_new, kind, county_id, category, unit, value, old_value,
      source, confidence, status, first_year, last_year, preview_status, created_at, queued_at, claim, lease_until)
    VALUES ('${fkey}', 0, 'choice', ${J}, 'electricity', '', 'residential', 'industry', '縣市選擇', 'official', '${status}', ${year}, ${year}, 'done',
      NOW(), NOW(), ${status === 'running' ? "'locktest', NOW() + INTERVAL 60 SECOND" : 'NULL, NULL'})`);
  assert.equal(lockOf(), '0');
  try {
    // Another year's change running (its lease alive): the worker claims nothing queued meanwhile.
    change('elec_variant_locktest_other', Y - 1, 'running');
    for (const status of ['queued', 'running']) {
      change('elec_variant_locktest', Y, status);
      const r = await team.post('/team/years/lock', { csrf: csrfOf(page.text), action: 'lock', year: String(Y) });
      assert.equal(r.status, 409, status);
      assert.match(r.text, /未鎖定：本年度的電力排碳係數變更尚未完成（重新計算中，或失敗待重新執行），完成後才能鎖定/);
      assert.equal(lockOf(), '0', `not locked (${status})`);
      assert.equal(q1("SELECT status FROM factor_changes WHERE fkey = 'elec_variant_locktest'"), status, 'the change left as it was');
      sql("DELETE FROM factor_changes WHERE fkey = 'elec_variant_locktest'");
    }
  } finally {
    sql(`DELETE FROM factor_changes WHERE fkey LIKE 'elec_variant_locktest%';
         UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${J} AND year = ${Y}`);   // had a lock got through
  }
});

test('a run that fails (a report it cannot compute) goes on once mended: 重新執行, the before kept; no other change or lock meanwhile', async () => {
  const team = await loginAs('J', 'TEAM');
  sql(`UPDATE inventory_years SET elec_variant = 'industry' WHERE county_id = ${J} AND year = ${Y}`);
  const page = await team.get(`/team/elec?year=${Y}`);
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(page.text), action: 'propose', year: String(Y), variant: 'residential' })).status, 303);
  const id = q1(`SELECT id FROM factor_changes WHERE county_id = ${J} AND status = 'draft'`);
  await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
  // A's report given more rows than any form saves (as a broken import might): the run cannot compute it.
  const rid = q1(`SELECT id FROM reports WHERE agency_id = ${A} AND year = ${Y}`);
  const wasA = elecLine(A);
  sql(`INSERT INTO report_items (report_id, part, item, seq, refrigerant, quantity_milli)
       WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 150) SELECT ${rid}, 'own', 'refrigerant', 100 + n, 'R134a', 1000 FROM s`);
  try {
    assert.equal((await team.post('/team/elec', { csrf: csrfOf(page.text), action: 'apply', year: String(Y), id })).status, 303);
    await waitFor('the run to fail', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'failed', 60000, 200);
    assert.match(q1(`SELECT error FROM factor_changes WHERE id = ${id}`), /明細超過/);
    assert.equal(q1(`SELECT elec_variant FROM inventory_years WHERE county_id = ${J} AND year = ${Y}`), 'residential', 'the choice written at the claim');
    assert.deepEqual(elecLine(A), wasA, 'the failed batch rolled back');
    const failed = await team.get(`/team/elec?year=${Y}`);
    assert.match(failed.text, /id="retry-note"[\s\S]*name="action" value="retry"/);
    // Half recomputed: the year cannot be locked (signed) until the run goes on.
    const lockPage = await team.get(`/team/years/lock?year=${Y}`);
    const lr = await team.post('/team/years/lock', { csrf: csrfOf(lockPage.text), action: 'lock', year: String(Y) });
    assert.equal(lr.status, 409);
    assert.match(lr.text, /失敗待重新執行/);
    assert.equal(q1(`SELECT IFNULL(lock_id, 0) FROM inventory_years WHERE county_id = ${J} AND year = ${Y}`), '0');
    // Nor another change before this one is finished.
    const other = await team.post('/team/elec', { csrf: csrfOf(failed.text), action: 'propose', year: String(Y), variant: 'overall' });
    assert.equal(other.status, 409);
    assert.match(other.text, /已有一筆尚未完成的變更/);
  } finally {
    sql(`DELETE FROM report_items WHERE report_id = ${rid} AND item = 'refrigerant' AND seq > 100`);
  }
  const mended = await team.get(`/team/elec?year=${Y}`);
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(mended.text), action: 'retry', year: String(Y), id })).status, 303);
  await waitFor('the run', () => q1(`SELECT status FROM factor_changes WHERE id = ${id}`) === 'done', 60000, 200);
  await settled();
  assert.deepEqual(sql(`SELECT old_value, attempts, error IS NULL FROM factor_changes WHERE id = ${id}`)[0], ['industry', '2', '1'],
    'claimed again, the before kept (not the choice it had itself written)');
  assert.deepEqual(elecLine(A).slice(0, 2), ['4710000', '0.471'], 'A in place at 民生');
  assert.equal(q1(`SELECT new_value FROM audit_log WHERE county_id = ${J} AND year = ${Y} AND field = '電力排碳係數（重新執行）' ORDER BY id DESC LIMIT 1`),
    '民生');
  // Done: no second retry.
  const r = await team.post('/team/elec', { csrf: csrfOf(mended.text), action: 'retry', year: String(Y), id });
  assert.equal(r.status, 409);
  assert.match(r.text, /只有已寫入本年度選擇、重新計算未完成的變更可以重新執行/);
  assert.deepEqual(rollupMismatches(Y), []);
});

test('/team/elec: 401 anonymous, 403 to an agency and to the admin, CSRF refused, nothing written; the admin cannot apply a county\'s draft', async () => {
  const before = tableDigest(['factor_changes', 'inventory_years']);
  const admin = await loginAs('', 'admin');
  for (const [who, c, want] of [['anonymous', new Client(), 401], ['agency', await loginAs('J', code('A')), 403], ['admin', admin, 403]]) {
    assert.equal((await c.get(`/team/elec?year=${Y}`)).status, want, `${who} GET`);
    const home = await c.get('/');
    const token = csrfOf(home.text) || 'x';
    for (const action of ['propose', 'apply', 'cancel'])
      assert.ok([401, 403].includes((await c.post('/team/elec', { csrf: token, action, year: String(Y), variant: 'overall', id: '1' })).status), `${who} ${action}`);
  }
  const team = await loginAs('J', 'TEAM');
  assert.equal((await team.post('/team/elec', { csrf: 'forged', action: 'propose', year: String(Y), variant: 'overall' })).status, 403, 'CSRF');
  assert.equal(tableDigest(['factor_changes', 'inventory_years']), before);

  // The county's draft on the admin's console: shown, but the admin can neither apply nor cancel it.
  const page = await team.get(`/team/elec?year=${Y}`);
  const other = q1(`SELECT elec_variant FROM inventory_years WHERE county_id = ${J} AND year = ${Y}`) === 'residential' ? 'industry' : 'residential';
  assert.equal((await team.post('/team/elec', { csrf: csrfOf(page.text), action: 'propose', year: String(Y), variant: other })).status, 303);
  const id = q1(`SELECT id FROM factor_changes WHERE county_id = ${J} AND status = 'draft'`);
  try {
    await waitFor('the preview', () => q1(`SELECT preview_status FROM factor_changes WHERE id = ${id}`) === 'done', 30000, 200);
    const cp = await admin.get(`/admin/factors/change?id=${id}`);
    assert.equal(cp.status, 200);
    assert.match(cp.text, /由該縣市團隊套用、取消或重新執行/);
    assert.doesNotMatch(cp.text, /name="action" value="(apply|cancel|retry)"/, 'no 套用, 取消 or 重新執行 for the admin');
    for (const action of ['apply', 'cancel', 'retry']) {
      const r = await admin.post('/admin/factors/change', { csrf: csrfOf(cp.text), action, id });
      assert.equal(r.status, 409, action);
      assert.match(r.text, /只能由該縣市團隊套用、取消或重新執行/);
      assert.equal(q1(`SELECT status FROM factor_changes WHERE id = ${id}`), 'draft', `${action}: still the team's draft`);
    }
  } finally {
    sql(`DELETE FROM factor_change_effects WHERE change_id = ${id}; DELETE FROM factor_changes WHERE id = ${id}`);
  }
});
