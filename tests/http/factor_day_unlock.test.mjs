// factor_day_unlock.test.mjs: a factor change made while a county-year is locked leaves every figure
// of it as signed, with a 重算值 beside it (issue 15, SPEC-2 §3).  Once the team unlocks the year, the
// figures nobody confirmed are no longer signed ones: the exporter's run that 解除鎖定 queues writes
// them in place at the factors in force (an unconfirmed report, the county's non-agency line), each
// with an audit line 係數更新 and a notice, while a confirmed report keeps its figures and its 重算值.
// Rollups equal independent sums; an unlock with nothing of the kind queues nothing.
// On 連江縣 (Z) 2016's electricity factor (0.53), put back at the end by a second change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, loginAs, outboxDrained, rollupMismatches, sql, waitFor } from '../lib.mjs';
import { aSavedBConfirmed, runChange, saveReport, threeAgencies } from './factor_day_fixture.mjs';

const Y = 2016;
const KEY = 'elec_grid_2016';
const q1 = (s) => sql(s)[0]?.[0];
const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
const TAG = `FU${Date.now() % 1000000}`;
const three = threeAgencies(Z, TAG, '解鎖測試', Y);
let A, B, team, admin;

before(async () => {
  assert.equal(q1(`SELECT IFNULL(lock_id, '-') FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`), '-', 'the year is not locked before the test');
  assert.equal(q1(`SELECT value FROM factors WHERE fkey = '${KEY}'`), '0.53');
  ({ A, B } = three);
  team = await loginAs('Z', 'TEAM');
  admin = await loginAs('', 'admin');
});

after(async () => {
  // Unlocked (a failed assertion may have left it locked), the factor put back by a change (so every figure
  // the test moved comes back), the team's line gone (the agencies go by threeAgencies).
  sql(`UPDATE inventory_years SET lock_id = NULL WHERE county_id = ${Z} AND year = ${Y};
       UPDATE factor_changes SET status = 'cancelled' WHERE fkey = '${KEY}' AND status = 'draft'`);
  await outboxDrained();
  if (q1(`SELECT value FROM factors WHERE fkey = '${KEY}'`) !== '0.53')
    await changeOf({ key: KEY, value: '0.53', confidence: 'official', source: '測試結束：回復 105 年電力排碳係數' });
  sql(`DELETE FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '路燈${TAG}'`);
});

const changeOf = (fields) => runChange(admin, fields);

// 年度鎖定 through its page: every agency not 已確認 listed with a reason.  The lock's id.
async function lock() {
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const form = { csrf: csrfOf(page.text), action: 'lock', year: String(Y) };
  for (const m of page.text.matchAll(/name="st_(\d+)" value="(\d)"/g)) {
    form[`st_${m[1]}`] = m[2];
    form[`reason_${m[1]}`] = `例外理由 ${m[1]}`;
  }
  const r = await team.post('/team/years/lock', form);
  assert.equal(r.status, 303, 'locked');
  return q1(`SELECT lock_id FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`);
}

async function unlock(lockId) {
  const page = await team.get(`/team/years/lock?year=${Y}`);
  const r = await team.post('/team/years/lock', { csrf: csrfOf(page.text), action: 'unlock', year: String(Y), lock: String(lockId), reason: '更正係數後重新檢視' });
  assert.equal(r.status, 303, 'unlocked');
}

const report = (agency) => sql(`SELECT own_total_milli, IFNULL(restated_own_milli, '-'), confirmed_version IS NOT NULL FROM reports
  WHERE agency_id = ${agency} AND year = ${Y}`)[0];
const unlockRuns = () => Number(q1(`SELECT COUNT(*) FROM factor_changes WHERE kind = 'unlock' AND county_id = ${Z} AND first_year = ${Y}`));

test('a factor change while the year is locked: 重算值; unlocked, the unconfirmed figures are written in place, the confirmed keep theirs', async () => {
  const { a, b, parent } = await aSavedBConfirmed(three, TAG, Y);
  const af = await team.get(`/team/activities?year=${Y}&method=elec_street`);
  assert.equal((await team.post('/team/activities', { csrf: csrfOf(af.text), action: 'save', method: 'elec_street', year: String(Y), id: '0',
    version: '0', description: `路燈${TAG}`, q: '1000' })).status, 303, 'the non-agency line saved');
  const [[act]] = sql(`SELECT id FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '路燈${TAG}'`);
  await outboxDrained();
  assert.deepEqual(report(A), ['5300000', '-', '0']);
  assert.deepEqual(report(B), ['10600000', '-', '1']);

  const lockId = await lock();
  const runsBefore = unlockRuns();
  const change = await changeOf({ key: KEY, value: '0.531', confidence: 'official', source: '105 年電力排碳係數更正（測試）' });
  // Locked: nothing overwritten, the 重算值 beside each figure.
  assert.deepEqual(report(A), ['5300000', '5310000', '0'], 'A, not confirmed but of a locked year: kept, its 重算值 beside it');
  assert.deepEqual(report(B), ['10600000', '10620000', '1']);
  assert.deepEqual(sql(`SELECT kg_milli, restated_kg_milli FROM county_activities WHERE id = ${act}`)[0], ['530000', '531000']);
  assert.deepEqual(rollupMismatches(Y), []);
  // The team's overview counts them, confirmed and not apart, as independent counts do.
  const [[n, nc]] = sql(`SELECT COUNT(*), SUM(r.confirmed_version IS NOT NULL) FROM reports r JOIN agencies g ON g.id = r.agency_id AND g.active = 1
    WHERE g.county_id = ${Z} AND r.year = ${Y} AND r.restated_own_milli IS NOT NULL`);
  assert.ok(Number(nc) >= 1 && Number(n) > Number(nc), 'B confirmed, A not');
  assert.match((await team.get(`/team?year=${Y}`)).text, new RegExp(`id="county-restated">[^<]*<br><span class="muted">${n} 份填報依新係數重算；已確認 ${nc} 份：`
    + `[^<]*；未確認 ${Number(n) - Number(nc)} 份：年度鎖定中的數值不覆寫，解除鎖定後由系統依現行係數就地更新</span>`));
  // A's notice says what its 重算值 waits for: not a 申請更正 (it is not confirmed), the unlocking.
  const held = (await a.get(`/report/edit?year=${Y}`)).text;
  assert.match(held, /id="factor-notices"[\s\S]*自有 5,300\.000 → 5,310\.000[\s\S]*年度鎖定中的數值不覆寫；縣市盤查小組解除鎖定後，系統依現行係數就地更新/);
  assert.doesNotMatch(held, /申請更正/);

  // What the unlock's run is to write in place, counted independently: the county-year's reports not confirmed holding a 重算值.
  const [[pending]] = sql(`SELECT COUNT(*) FROM reports r JOIN agencies g ON g.id = r.agency_id AND g.active = 1
    WHERE g.county_id = ${Z} AND r.year = ${Y} AND r.confirmed_version IS NULL AND r.restated_change_id IS NOT NULL`);
  assert.ok(Number(pending) >= 1, 'A at least');
  const [[lines]] = sql(`SELECT COUNT(*) FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND restated_change_id IS NOT NULL`);
  assert.ok(Number(lines) >= 1, 'the team\'s line at least');
  // Another change running (of 2025 only, its lease alive): the unlock's run waits in the queue behind it.
  sql(`INSERT INTO factor_changes (fkey, is_new, category, unit, value, source, confidence, status, first_year, last_year, preview_status,
       created_at, queued_at, claim, lease_until) VALUES ('unlocktest_${TAG}', 0, 'electricity', '', '0.5', '測試', 'official', 'running',
       2025, 2025, 'done', NOW(), NOW(), 'unlocktest', NOW() + INTERVAL 60 SECOND)`);
  // B, confirmed, is not the run's to write: an item no calculation accepts (planted; no form saves it) must not fail the run.
  const bogus = `SELECT id, 'own', 'refrigerant', 9, 'ZZZ', 1000 FROM reports WHERE agency_id = ${B} AND year = ${Y}`;
  sql(`INSERT INTO report_items (report_id, part, item, seq, refrigerant, quantity_milli) ${bogus}`);
  let run;
  try {
    await unlock(lockId);
    assert.equal(unlockRuns(), runsBefore + 1, 'the unlock queued a run of its own');
    const [[id, status, y0, y1]] = sql(`SELECT id, status, first_year, last_year FROM factor_changes WHERE kind = 'unlock' AND county_id = ${Z}
      AND first_year = ${Y} ORDER BY id DESC LIMIT 1`);
    run = id;
    assert.deepEqual([status, y0, y1], ['queued', String(Y), String(Y)]);
    // Meanwhile the year cannot be signed again: its figures would have two bases.
    const page = await team.get(`/team/years/lock?year=${Y}`);
    assert.match(page.text, /id="unlock-run"[\s\S]*id="unlock-status">排隊中/);
    const refused = await team.post('/team/years/lock', { csrf: csrfOf(page.text), action: 'lock', year: String(Y) });
    assert.equal(refused.status, 409);
    assert.match(refused.text, /未鎖定：解除鎖定後的重新計算尚未完成（更新中，或失敗待重新執行），完成後才能鎖定。/);
    assert.equal(q1(`SELECT IFNULL(lock_id, 0) FROM inventory_years WHERE county_id = ${Z} AND year = ${Y}`), '0');
    assert.deepEqual(report(A), ['5300000', '5310000', '0'], 'nothing written before the run');
  } finally {
    sql(`DELETE FROM factor_changes WHERE fkey = 'unlocktest_${TAG}'`);
  }
  await waitFor('the unlock\'s run', () => /done|failed/.test(q1(`SELECT status FROM factor_changes WHERE id = ${run}`)), 60000, 200);
  sql(`DELETE i FROM report_items i JOIN reports r ON r.id = i.report_id WHERE r.agency_id = ${B} AND r.year = ${Y} AND i.refrigerant = 'ZZZ'`);
  assert.deepEqual(sql(`SELECT status, IFNULL(error, '-') FROM factor_changes WHERE id = ${run}`)[0], ['done', '-']);
  await outboxDrained();

  // A: in place at 0.531, its lines and gases with it, its 重算值 gone; an audit line 係數更新 and a notice.
  assert.deepEqual(report(A), ['5310000', '-', '0']);
  assert.deepEqual(sql(`SELECT l.kg_milli, l.factor_text FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.agency_id = ${A} AND r.year = ${Y}`),
    [['5310000', '0.531']]);
  assert.equal(q1(`SELECT SUM(g.kg_milli) FROM report_line_gases g JOIN reports r ON r.id = g.report_id WHERE r.agency_id = ${A} AND r.year = ${Y}`), '5310000');
  const [field, oldV, newV] = sql(`SELECT field, old_value, new_value FROM audit_log WHERE agency_id = ${A} AND year = ${Y} ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(field, '係數更新');
  assert.match(oldV, /^年度鎖定期間保留的數值：自有 5300\.000/);
  assert.match(newV, /^解除年度鎖定後依現行係數：自有 5310\.000/);
  assert.deepEqual(sql(`SELECT agency_id, old_own_milli, new_own_milli, restated FROM factor_notices WHERE change_id = ${run} AND agency_id IN (${A}, ${B})`),
    [[A, '5300000', '5310000', '0']], 'a notice for A, none for B: it is confirmed');
  assert.equal(q1(`SELECT COUNT(*) FROM factor_notices WHERE change_id = ${run}`), pending, 'one for each report written in place');
  assert.equal(q1(`SELECT COUNT(*) FROM reports r JOIN agencies g ON g.id = r.agency_id WHERE g.county_id = ${Z} AND r.year = ${Y}
    AND r.confirmed_version IS NULL AND r.restated_change_id IS NOT NULL`), '0', 'no report not confirmed holds a 重算值');
  // B: confirmed, its figures and its 重算值 kept.
  assert.deepEqual(report(B), ['10600000', '10620000', '1']);
  assert.equal(q1(`SELECT kg_milli FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.agency_id = ${B} AND r.year = ${Y}`), '10600000');
  // The team's line: in place, its 重算值 gone, an audit line of the county.
  assert.deepEqual(sql(`SELECT kg_milli, IFNULL(restated_kg_milli, '-'), factor_text FROM county_activities WHERE id = ${act}`)[0], ['531000', '-', '0.531']);
  assert.match(q1(`SELECT new_value FROM audit_log WHERE county_id = ${Z} AND year = ${Y} AND field = '係數更新（非機關活動）' ORDER BY id DESC LIMIT 1`),
    /^解除年度鎖定後依現行係數：531\.000 kgCO₂e/);
  assert.deepEqual(rollupMismatches(Y), [], 'every rollup equals an independent sum');
  assert.deepEqual(sql(`SELECT changed_reports, restated_reports, changed_activities FROM factor_changes WHERE id = ${run}`)[0], [pending, '0', lines]);

  // What each one sees: A's notice, B's unchanged advice, the team's account of the run, the console's.
  const pa = (await a.get(`/report/edit?year=${Y}`)).text;
  assert.match(pa, /id="factor-notices"[\s\S]*年度解除鎖定，鎖定期間保留的數值依現行係數重新計算：自有 5,300\.000 → 5,310\.000[\s\S]*已依新係數重新計算/);
  assert.match(pa, /id="total-own">5,310\.000</);
  assert.match(pa, /自有 5,300\.000 → 5,310\.000[\s\S]*當時已確認或年度鎖定，數值未覆寫；重新存檔時即依現行係數計算/, 'the lock\'s notice, the year open again');
  const pb = (await b.get(`/report/edit?year=${Y}`)).text;
  assert.doesNotMatch(pb, /年度解除鎖定/);
  assert.match(pb, /自有 10,600\.000 → 10,620\.000[\s\S]*<strong>重算值<\/strong>/);
  const lp = (await team.get(`/team/years/lock?year=${Y}`)).text;
  assert.match(lp, new RegExp(`id="unlock-run"[\\s\\S]*id="unlock-status">已完成<[\\s\\S]*(\\d+) / \\1 份填報；就地更新 ${pending}，重算值 0；非機關活動更新 ${lines} 筆`));
  const cp = (await admin.get(`/admin/factors/change?id=${run}`)).text;
  assert.match(cp, /id="unlock">連江縣 2016 年解除年度鎖定/);
  assert.match(cp, /解除理由<\/dt><dd>更正係數後重新檢視</);
  assert.match((await admin.get('/admin/factors')).text, new RegExp(`#${run}</a></td><td>連江縣 2016 年解除鎖定後重新計算`));
  assert.ok(Number(change) < Number(run));

  // The run is the platform's: the team cannot run it again as if it were its choice of variant.
  const ep = await team.get(`/team/elec?year=${Y}`);
  const retry = await team.post('/team/elec', { csrf: csrfOf(ep.text), action: 'retry', year: String(Y), id: String(run) });
  assert.equal(retry.status, 404);
  assert.equal(q1(`SELECT status FROM factor_changes WHERE id = ${run}`), 'done');

  // Locked and unlocked again with nothing but a confirmed 重算值 left: no run queued.
  const again = await lock();
  await unlock(again);
  assert.equal(unlockRuns(), runsBefore + 1, 'nothing not confirmed holds a 重算值: no run');
  assert.doesNotMatch((await team.get(`/team/years/lock?year=${Y}`)).text, /id="unlock-run"/, 'the earlier unlocking\'s run is not this one\'s');
  // B reopened by P, its year open: its 重算值 waits for B's next save, not for an unlocking.
  const rp = await parent.get(`/review?year=${Y}`);
  assert.equal((await parent.post('/review', { csrf: csrfOf(rp.text), action: 'reopen', year: String(Y), agency: String(B), at: String(three.P),
    revision: q1(`SELECT revision FROM reports WHERE agency_id = ${B} AND year = ${Y}`), reason: '測試：重新開放' })).status, 303, 'B reopened');
  const reopened = (await b.get(`/report/edit?year=${Y}`)).text;
  assert.match(reopened, /自有 10,600\.000 → 10,620\.000[\s\S]*當時已確認或年度鎖定，數值未覆寫；重新存檔時即依現行係數計算/);
  assert.doesNotMatch(reopened, /解除鎖定後，系統依現行係數就地更新|申請更正」/);
});

test('a 暫用 value announced as it stood while the year is locked: no 重算值, yet once unlocked the unconfirmed lines lose their 暫用 mark', async () => {
  // 0.531 made 暫用 while the year is open: A's line, not confirmed, carries the mark.
  await changeOf({ key: KEY, value: '0.531', confidence: 'provisional', source: '105 年電力排碳係數（暫用，測試）' });
  const mark = (agency) => q1(`SELECT GROUP_CONCAT(l.provisional) FROM report_lines l JOIN reports r ON r.id = l.report_id
    WHERE r.agency_id = ${agency} AND r.year = ${Y}`);
  assert.equal(mark(A), '1');
  assert.equal(mark(B), '1', 'B too: reopened in the test before, it is written in place');
  const runs = unlockRuns();
  const lockId = await lock();
  await changeOf({ key: KEY, value: '0.531', confidence: 'official', source: '105 年電力排碳係數正式公告（測試）' });
  assert.deepEqual(report(A), ['5310000', '-', '0'], 'the same total: no 重算值');
  assert.equal(mark(A), '1', 'and its line kept as locked');
  await unlock(lockId);
  assert.equal(unlockRuns(), runs + 1, 'held back all the same: a run');
  const run = q1(`SELECT MAX(id) FROM factor_changes WHERE kind = 'unlock' AND county_id = ${Z} AND first_year = ${Y}`);
  await waitFor('the unlock\'s run', () => q1(`SELECT status FROM factor_changes WHERE id = ${run}`) === 'done', 60000, 200);
  await outboxDrained();
  assert.equal(mark(A), '0', 'A\'s line no longer 暫用');
  assert.deepEqual(report(A), ['5310000', '-', '0']);
  assert.match(q1(`SELECT method FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.agency_id = ${A} AND r.year = ${Y}`), /0\.531/);
  assert.doesNotMatch(q1(`SELECT method FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.agency_id = ${A} AND r.year = ${Y}`), /暫用/);
  assert.equal(q1(`SELECT COUNT(*) FROM reports r JOIN agencies g ON g.id = r.agency_id WHERE g.county_id = ${Z} AND r.year = ${Y}
    AND r.confirmed_version IS NULL AND r.restated_change_id IS NOT NULL`), '0', 'nothing not confirmed held back any more');
  assert.deepEqual(rollupMismatches(Y), []);
});

test('a change made and undone while the year is locked: once unlocked, the figures already as computed are only no longer marked', async () => {
  // After the test before: 0.531 official, A and B not confirmed at 5,310 and 10,620, the team's line at 531.
  const [[act]] = sql(`SELECT id FROM county_activities WHERE county_id = ${Z} AND year = ${Y} AND description = '路燈${TAG}'`);
  const state = (agency) => sql(`SELECT own_total_milli, IFNULL(restated_own_milli, '-'), restated_change_id IS NOT NULL, revision
    FROM reports WHERE agency_id = ${agency} AND year = ${Y}`)[0];
  const [, , , revA] = state(A);
  const [, , , revB] = state(B);
  assert.deepEqual(state(A).slice(0, 3), ['5310000', '-', '0']);
  assert.deepEqual(state(B).slice(0, 3), ['10620000', '-', '0']);
  // The audit lines factor day writes (the lock and the unlock write their own).
  const audits = () => q1(`SELECT COUNT(*) FROM audit_log WHERE year = ${Y} AND (agency_id IN (${A}, ${B}) OR county_id = ${Z})
    AND client_addr = 'factor-day'`);
  const a = await loginAs('Z', `${TAG}A`);
  const unlockNotices = async () => ((await a.get(`/report/edit?year=${Y}`)).text.match(/年度解除鎖定，/g) || []).length;
  const unlockNoticesBefore = await unlockNotices();
  assert.ok(unlockNoticesBefore >= 1, 'the earlier runs\' notices are there');
  const runs = unlockRuns();
  const lockId = await lock();
  await changeOf({ key: KEY, value: '0.532', confidence: 'official', source: '105 年電力排碳係數更正（測試，誤植）' });
  assert.deepEqual(state(A).slice(0, 3), ['5310000', '5320000', '1'], 'locked: a 重算值');
  // Put back as it was, its source too (a line's sources name it: another text would be a line to rewrite).
  await changeOf({ key: KEY, value: '0.531', confidence: 'official', source: '105 年電力排碳係數正式公告（測試）' });
  assert.deepEqual(state(A).slice(0, 3), ['5310000', '-', '1'], 'undone: no 重算值, still one a change held back');
  assert.deepEqual(state(B).slice(0, 3), ['10620000', '-', '1']);
  assert.equal(q1(`SELECT CONCAT(kg_milli, '/', IFNULL(restated_kg_milli, '-'), '/', restated_change_id IS NOT NULL) FROM county_activities WHERE id = ${act}`),
    '531000/-/1');
  const auditsLocked = audits();
  await unlock(lockId);
  assert.equal(unlockRuns(), runs + 1, 'marked: a run');
  const run = q1(`SELECT MAX(id) FROM factor_changes WHERE kind = 'unlock' AND county_id = ${Z} AND first_year = ${Y}`);
  await waitFor('the unlock\'s run', () => q1(`SELECT status FROM factor_changes WHERE id = ${run}`) === 'done', 60000, 200);
  await outboxDrained();
  // Nothing moved: no new revision (a form drawn before still saves), no audit line, no notice "5,310 → 5,310".
  assert.deepEqual(state(A), ['5310000', '-', '0', revA]);
  assert.deepEqual(state(B), ['10620000', '-', '0', revB]);
  assert.equal(q1(`SELECT CONCAT(kg_milli, '/', IFNULL(restated_kg_milli, '-'), '/', restated_change_id IS NOT NULL) FROM county_activities WHERE id = ${act}`),
    '531000/-/0');
  assert.equal(audits(), auditsLocked, 'the unlock\'s run wrote no audit line for them');
  assert.equal(q1(`SELECT COUNT(*) FROM factor_notices WHERE change_id = ${run} AND agency_id IN (${A}, ${B})`), '0');
  const [changed, notices] = sql(`SELECT changed_reports, (SELECT COUNT(*) FROM factor_notices WHERE change_id = ${run}) FROM factor_changes
    WHERE id = ${run}`)[0];
  assert.equal(changed, notices, 'the run counts as written in place only the reports it wrote, each with its notice');
  assert.equal(q1(`SELECT changed_activities FROM factor_changes WHERE id = ${run}`), '0');
  assert.doesNotMatch((await team.get(`/team/years/lock?year=${Y}`)).text, /非機關活動更新 [1-9]/);
  assert.equal(await unlockNotices(), unlockNoticesBefore, 'A\'s page shows no notice of this run');
  assert.deepEqual(rollupMismatches(Y), []);
});

test('確認 waits for the unlock\'s run: figures the platform said it would rewrite are not confirmed before it has', async () => {
  // A 已登錄完成 and not confirmed when the year is locked; a change while locked gives it a 重算值.
  const a = await loginAs('Z', `${TAG}A`);
  const parent = await loginAs('Z', `${TAG}P`);
  await saveReport(a, Y, { own_electricity: '10000', filed: '1' });
  await saveReport(await loginAs('Z', `${TAG}B`), Y, { own_electricity: '20000', filed: '1' });
  const lockId = await lock();
  await changeOf({ key: KEY, value: '0.532', confidence: 'official', source: '105 年電力排碳係數更正（測試，確認等待）' });
  assert.deepEqual(report(A), ['5310000', '5320000', '0']);
  // B held back with no 重算值 to show, as a 暫用 value announced as it stood leaves a report (the second test): planted.
  sql(`UPDATE reports SET restated_own_milli = NULL, restated_outsourced_milli = NULL, restated_at = NULL WHERE agency_id = ${B} AND year = ${Y}`);
  assert.deepEqual(report(B), ['10620000', '-', '0']);
  const rowOf = (text, agency = A) => text.match(new RegExp(`<tr data-agency="${agency}">[\\s\\S]*?</tr>`))[0];
  assert.match(rowOf((await parent.get(`/review?year=${Y}`)).text), /未確認：年度鎖定中的數值不覆寫，解除鎖定後由系統依現行係數就地更新/);
  assert.match((await team.get(`/team?year=${Y}`)).text, /id="county-restated">[\s\S]*?未確認 \d+ 份：年度鎖定中的數值不覆寫/);
  sql(`INSERT INTO factor_changes (fkey, is_new, category, unit, value, source, confidence, status, first_year, last_year, preview_status,
       created_at, queued_at, claim, lease_until) VALUES ('unlockwait_${TAG}', 0, 'electricity', '', '0.5', '測試', 'official', 'running',
       2025, 2025, 'done', NOW(), NOW(), 'unlockwait', NOW() + INTERVAL 60 SECOND)`);
  let run;
  try {
    await unlock(lockId);
    run = q1(`SELECT MAX(id) FROM factor_changes WHERE kind = 'unlock' AND county_id = ${Z} AND first_year = ${Y}`);
    assert.equal(q1(`SELECT status FROM factor_changes WHERE id = ${run}`), 'queued');
    // The row says what it waits for and offers no 確認; the bulk form leaves it out.
    const page = (await parent.get(`/review?year=${Y}`)).text;
    assert.match(rowOf(page), /未確認：解除年度鎖定後的重新計算尚未完成，完成後就地更新，才能確認/);
    assert.match(rowOf(page), /解除年度鎖定後的重新計算完成後才能確認/);
    assert.doesNotMatch(rowOf(page), /value="confirm"/);
    assert.match(rowOf(page), /value="return"/, '退回 does not wait');
    assert.doesNotMatch(page, new RegExp(`name="rev-${A}"`));
    // B too, though it has no 重算值 to show: the run is to rewrite it all the same.
    assert.doesNotMatch(rowOf(page, B), /重算值|value="confirm"/);
    assert.match(rowOf(page, B), /解除年度鎖定後的重新計算完成後才能確認/);
    assert.doesNotMatch(page, new RegExp(`name="rev-${B}"`));
    const revB = q1(`SELECT revision FROM reports WHERE agency_id = ${B} AND year = ${Y}`);
    assert.equal((await parent.post('/review', { csrf: csrfOf(page), action: 'confirm', year: String(Y), agency: String(B), revision: revB })).status,
      409);
    // A's own list, as its parent sees it: A's report offers no 確認 there either.
    const own = (await parent.get(`/review?year=${Y}&agency=${A}`)).text;
    assert.match(own, /class="own-report"[\s\S]*解除年度鎖定後的重新計算完成後才能確認[\s\S]*<\/section>/);
    assert.doesNotMatch(own.match(/class="own-report"[\s\S]*?<\/section>/)[0], /value="confirm"/);
    assert.match((await team.get(`/team?year=${Y}`)).text, /未確認 \d+ 份：解除年度鎖定後的重新計算尚未完成，完成後就地更新/);
    // A's own notice says the run is under way, not only that a save would do it.
    assert.match((await a.get(`/report/edit?year=${Y}`)).text,
      /自有 5,310\.000 → 5,320\.000[^<]*<strong>重算值<\/strong>：當時已確認或年度鎖定，數值未覆寫；年度已解除鎖定，系統將依現行係數就地重新計算/);
    // A 確認 posted all the same (a page drawn before, or by hand) is refused, and so is 全部確認 of it: nothing written.
    const rev = q1(`SELECT revision FROM reports WHERE agency_id = ${A} AND year = ${Y}`);
    const one = await parent.post('/review', { csrf: csrfOf(page), action: 'confirm', year: String(Y), agency: String(A), revision: rev });
    assert.equal(one.status, 409);
    assert.match(one.text, /系統正依現行係數就地重新計算（或計算失敗，待平臺管理者重新執行）。重新計算完成前不能確認，未執行。/);
    const all = await parent.post('/review', { csrf: csrfOf(page), action: 'confirm_all', year: String(Y), [`rev-${A}`]: rev });
    assert.equal(all.status, 409);
    assert.match(all.text, /未確認：[\s\S]*解除年度鎖定後的重新計算尚未完成，完成後才能確認/);
    assert.deepEqual(report(A), ['5310000', '5320000', '0'], 'not confirmed, its 重算值 kept for the run');
    assert.equal(q1(`SELECT COUNT(*) FROM report_versions v JOIN reports r ON r.id = v.report_id WHERE r.agency_id = ${A} AND r.year = ${Y}`), '0');
  } finally {
    sql(`DELETE FROM factor_changes WHERE fkey = 'unlockwait_${TAG}'`);
  }
  await waitFor('the unlock\'s run', () => q1(`SELECT status FROM factor_changes WHERE id = ${run}`) === 'done', 60000, 200);
  await outboxDrained();
  // Written in place; the page (drawn again: the run's batch moved its stamp) offers 確認, which is taken.
  assert.deepEqual(report(A), ['5320000', '-', '0']);
  const after = (await parent.get(`/review?year=${Y}`)).text;
  assert.doesNotMatch(rowOf(after), /重算值|重新計算完成後才能確認/);
  assert.match(rowOf(after), /value="confirm"/);
  const rev = q1(`SELECT revision FROM reports WHERE agency_id = ${A} AND year = ${Y}`);
  assert.equal((await parent.post('/review', { csrf: csrfOf(after), action: 'confirm', year: String(Y), agency: String(A), revision: rev })).status, 303);
  assert.deepEqual(report(A), ['5320000', '-', '1']);
  assert.deepEqual(rollupMismatches(Y), []);
});
