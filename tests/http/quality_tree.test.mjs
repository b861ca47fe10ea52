// quality_tree.test.mjs: the quality job after saves (issue 13, SPEC-2 §2b, §2c): the review page
// shows a subtree's grade computed independently from its lines within 5 s of a save; a quality
// worker killed with SIGKILL mid-run loses nothing and counts nothing twice.
//
// The saves write every line's A1–A3 (the item's defaults) and its gases with the factors' intervals;
// the schools' lines are then given other levels and an activity-data interval in SQL, and a save of
// their parent (教育處) asks for the run, which reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { VAR, csrfOf, dbSecret, sql, stack, waitFor, loginAs as login } from '../lib.mjs';

const Y = 2016;   // a year no other suite writes in 連江縣 (Z)
const county = () => +sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];
const idOf = (code) => +sql(`SELECT id FROM agencies WHERE code = '${code}'`)[0][0];

async function save(c, fields) {
  const f = await c.get(`/report/edit?year=${Y}`);
  const revision = f.text.match(/name="revision" value="(\d+)"/)[1];
  const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), revision, action: 'save', scope_text: '辦公廳舍', ...fields });
  assert.equal(r.status, 303, 'saved');
}

// Every request so far served by a run.
const quiet = () => waitFor('the quality job to catch up', () => {
  const r = sql(`SELECT requests, done_for FROM quality_queue WHERE county_id = ${county()} AND year = ${Y}`);
  return r.length && r[0][0] === r[0][1] && +r[0][0] > 0;
}, 30000, 100);

// Excel's ROUND, half away from zero, of n / d (integers; d > 0).
const rdiv = (n, d) => (n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d)));

// The subtree's grade from its covered own lines, in hundredths: Σ ROUND(ROUND(|E|/ΣE, 4) × level, 2).
function expectedGrade(code) {
  const lines = sql(`SELECT l.kg_milli, l.a1 * l.a2 * l.a3 FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id AND a.active = 1
    JOIN reports r ON r.agency_id = a.id AND r.year = ${Y} JOIN report_lines l ON l.report_id = r.id AND l.part = 'own'
    WHERE t.ancestor_id = ${idOf(code)} AND l.a1 > 0`).map(([e, lv]) => [BigInt(e) < 0n ? -BigInt(e) : BigInt(e), BigInt(lv)]);
  const total = lines.reduce((s, [e]) => s + e, 0n);
  if (!total) return null;
  // share in ten-thousandths, × level, rounded to hundredths (÷ 100)
  return lines.reduce((s, [e, lv]) => s + rdiv(rdiv(e * 10000n, total) * lv, 100n), 0n);
}

const text = (h) => `${h / 100n}.${String(h % 100n).padStart(2, '0')}`;

// The 教育處 row of the county hall's review page: its grade cell's text.
async function rowGrade(c) {
  const page = await c.get(`/review?year=${Y}`);
  assert.equal(page.status, 200);
  const row = page.text.match(new RegExp(`<tr data-agency="${idOf('371030000A')}">(.*?)</tr>`, 's'));
  assert.ok(row, 'the row of 教育處');
  const cell = row[1].match(/<td class="num grade">(.*?)<\/td><td class="num uncertainty">(.*?)<\/td>/s);
  const plain = (h) => h.replace(/<[^>]*>/g, '');
  return { grade: plain(cell[1]), unc: plain(cell[2]) };
}

function setLevels(code, a1, a2, a3) {
  sql(`UPDATE report_lines l JOIN reports r ON r.id = l.report_id SET l.a1 = ${a1}, l.a2 = ${a2}, l.a3 = ${a3},
    l.ad_lower_milli = 1500, l.ad_upper_milli = 1500 WHERE r.agency_id = ${idOf(code)} AND r.year = ${Y} AND l.part = 'own'`);
  sql(`INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli, ef_lower_milli, ef_upper_milli)
    SELECT l.report_id, l.part, l.item, l.seq, 'CO2', l.kg_milli, 7000, 7000 FROM report_lines l JOIN reports r ON r.id = l.report_id
    WHERE r.agency_id = ${idOf(code)} AND r.year = ${Y} AND l.part = 'own'
    ON DUPLICATE KEY UPDATE kg_milli = VALUES(kg_milli), ef_lower_milli = 7000, ef_upper_milli = 7000`);
}

let hall, bureau;

test('a save: the parent sees its child\'s subtree grade, equal to an independent computation, within 5 s', async () => {
  sql("UPDATE agencies a JOIN counties c ON c.id = a.county_id SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw' WHERE c.letter = 'Z'");
  await save(await login('Z', '371036500X'), { own_electricity: '1000' });
  await save(await login('Z', '371036600X'), { own_electricity: '500' });
  await quiet();
  setLevels('371036500X', 2, 1, 3);   // level 6
  setLevels('371036600X', 1, 1, 1);   // level 1
  bureau = await login('Z', '371030000A');
  hall = await login('Z', '371000000A');
  const t0 = Date.now();
  await save(bureau, { own_vehicle_gasoline: '10' });
  let want = expectedGrade('371030000A');
  assert.ok(want !== null && want > 0n, 'the schools\' lines are covered');
  await waitFor('the review page to show the grade', async () => (await rowGrade(hall)).grade.includes(`${text(want)} 第一級`), 5000, 100);
  const first = Date.now() - t0;
  // Each gas with both intervals known is assessed at U = ROUND(√(AD² + EF²), 5) (fractions), lower and
  // upper apart; U = √Σ(E·U)² / ΣE over them; the share is Σ|E| assessed over Σ|E| of every own line.
  const gases = sql(`SELECT g.kg_milli, l.ad_lower_milli, l.ad_upper_milli, g.ef_lower_milli, g.ef_upper_milli
    FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id AND a.active = 1
    JOIN reports r ON r.agency_id = a.id AND r.year = ${Y}
    JOIN report_line_gases g ON g.report_id = r.id AND g.part = 'own' JOIN report_lines l USING (report_id, part, item, seq)
    WHERE t.ancestor_id = ${idOf('371030000A')} AND l.a1 > 0`)
    .filter((r) => r.slice(1).every((v) => v !== null && v !== 'NULL'))
    .map(([e, adl, adu, efl, efu]) => ({ e: Number(e) / 1000,
      lo: Math.round(Math.hypot(adl / 1e5, efl / 1e5) * 1e5) / 1e5, up: Math.round(Math.hypot(adu / 1e5, efu / 1e5) * 1e5) / 1e5 }));
  const all = +sql(`SELECT SUM(ABS(l.kg_milli)) FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id AND a.active = 1
    JOIN reports r ON r.agency_id = a.id AND r.year = ${Y}
    JOIN report_lines l ON l.report_id = r.id AND l.part = 'own' WHERE t.ancestor_id = ${idOf('371030000A')}`)[0][0] / 1000;
  const sum = gases.reduce((a, g) => a + g.e, 0);
  assert.ok(gases.length > 0 && sum > 0, 'some gases are assessed');
  const lo = Math.sqrt(gases.reduce((a, g) => a + (g.e * g.lo) ** 2, 0)) / sum * 100;
  const up = Math.sqrt(gases.reduce((a, g) => a + (g.e * g.up) ** 2, 0)) / sum * 100;
  assert.equal(lo.toFixed(3), up.toFixed(3), 'this tree\'s intervals are symmetric');
  const u = lo;
  const { unc } = await rowGrade(hall);
  assert.ok(unc.includes(`±${u.toFixed(3)} %`), `the interval ±${u.toFixed(3)} %: ${unc}`);
  assert.ok(unc.includes(`評估占比 ${(sum / all * 100).toFixed(2)} %`), `the share assessed: ${unc}`);

  // A change of level in one child: the parent's row moves to the new figure.
  setLevels('371036600X', 3, 3, 3);   // level 27
  const t1 = Date.now();
  await save(bureau, { own_vehicle_gasoline: '11' });
  const before = want;
  want = expectedGrade('371030000A');
  assert.notEqual(want, before, 'the planted change changes the grade');
  await waitFor('the review page to show the new grade', async () => (await rowGrade(hall)).grade.includes(text(want)), 5000, 100);
  console.log(`# save -> grade on the review page: ${first} ms, then ${Date.now() - t1} ms`);
  const county_ = sql(`SELECT grade_hundredths FROM county_quality WHERE county_id = ${county()} AND year = ${Y}`)[0][0];
  assert.equal(BigInt(county_), want, 'the county (one 一級 agency with reports only under 教育處): the same grade');
});

test('a quality worker killed with SIGKILL mid-run: the restarted worker completes, nothing counted twice', async () => {
  await quiet();
  const runs = () => +sql(`SELECT runs FROM quality_queue WHERE county_id = ${county()} AND year = ${Y}`)[0][0];
  const before = runs();
  // Hold the county's figures row: the run is caught inside its transaction, after its reads.
  const holder = spawn('mariadb', ['--no-defaults', `--socket=${path.join(VAR, 'run/mysql.sock')}`, '-ucityinv', `-p${dbSecret()}`, 'cityinv'],
    { stdio: ['pipe', 'ignore', 'ignore'] });
  holder.stdin.write(`BEGIN; SELECT * FROM county_quality WHERE county_id = ${county()} AND year = ${Y} FOR UPDATE; SELECT SLEEP(120); COMMIT;\n`);
  holder.stdin.end();
  try {
    const root = (q) => stack('sql-root', '-N', '-B', '-e', q).trim();
    const hid = await waitFor('the lock to be held', () => root("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(120)%'"));
    setLevels('371036500X', 1, 1, 1);
    await save(bureau, { own_vehicle_gasoline: '12' });
    await waitFor('the quality run to wait for the lock', () => root("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO county_quality%'") !== '0', 30000);
    // The page meanwhile (and so in every process's cache that serves it): the old figure, 計算中.
    // Asked many times, so every web process keeps it in its cache: the quality job's end must move the stamp.
    for (let i = 0; i < 16; i++) assert.match((await rowGrade(hall)).grade, /計算中/, 'the row says its grade is being computed');
    stack('kill-service', 'quality', 'KILL');
    root(`KILL ${hid}`);
    await waitFor('the lock holder to finish', () => holder.exitCode !== null, 15000);
  } finally {
    if (holder.exitCode === null) holder.kill('SIGKILL');
  }
  const q = sql(`SELECT requests, done_for, runs FROM quality_queue WHERE county_id = ${county()} AND year = ${Y}`)[0];
  assert.ok(+q[0] > +q[1], 'the killed run left its request pending');
  assert.equal(+q[2], before, 'and committed nothing');
  stack('start-service', 'quality');
  await quiet();
  assert.equal(runs(), before + 1, 'one run completed it');
  const want = expectedGrade('371030000A');
  await waitFor('the page to show it', async () => (await rowGrade(hall)).grade.includes(text(want)), 5000, 100);
  const sub = sql(`SELECT grade_hundredths FROM quality_rollups WHERE agency_id = ${idOf('371030000A')} AND year = ${Y} AND scope = 'subtree'`)[0][0];
  assert.equal(BigInt(sub), want, 'the stored subtree grade equals the independent computation');
});
