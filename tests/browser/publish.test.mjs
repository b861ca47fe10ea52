// publish.test.mjs: in Chromium, the county team finds 公開 refused until the year is locked, locks
// it from 年度管理 (年度鎖定, a reason for each agency not 已確認), opens 盤查清冊 and publishes it;
// a visitor (a fresh browser context) then finds it under 公開資訊 with its charts; after the
// team withdraws it the visitor no longer can, and the team unlocks the year with a reason.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, outboxDrained, sql, waitFor } from '../lib.mjs';
import { checkA11y, launch, newPage, shotPath } from './chromium.mjs';

const Y = 2019;
let browser;
before(async () => {
  browser = await launch();
  const w = sql("SELECT id FROM counties WHERE letter = 'W'")[0][0];
  sql(`UPDATE inventory_years SET is_open = 0, published_at = NULL, lock_id = NULL WHERE county_id = ${w} AND year = ${Y};
       DELETE FROM county_activities WHERE county_id = ${w} AND year = ${Y};
       INSERT INTO county_activities (county_id, year, method, description, quantity, kg_milli, category, scope, factor_text,
         unit_text, method_text, sources, created_by, updated_by, created_at, updated_at)
       SELECT ${w}, ${Y}, 'elec_street', '路燈', 1000, 554000, 0, 2, '0.554', '度', '示例', '示例',
         (SELECT id FROM accounts WHERE login = 'TEAM' AND county_id = ${w}), (SELECT id FROM accounts WHERE login = 'TEAM' AND county_id = ${w}), NOW(3), NOW(3)`);
});
after(async () => {
  const w = sql("SELECT id FROM counties WHERE letter = 'W'")[0][0];
  sql(`UPDATE inventory_years SET is_open = 1, published_at = NULL, lock_id = NULL WHERE county_id = ${w} AND year = ${Y};
       DELETE x FROM year_lock_exceptions x JOIN year_locks l ON l.id = x.lock_id WHERE l.county_id = ${w} AND l.year = ${Y};
       DELETE FROM year_locks WHERE county_id = ${w} AND year = ${Y};
       DELETE FROM county_activities WHERE county_id = ${w} AND year = ${Y}`);
  await browser?.close();
});

async function loginTeam(page) {
  await page.goto(BASE + '/');
  const login = page.getByRole('complementary', { name: '系統登入' });
  await login.getByLabel('縣市', { exact: true }).selectOption({ label: '金門縣' });
  await login.getByLabel('帳號', { exact: true }).fill('TEAM');
  await login.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
  await login.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(BASE + '/');
}

test('the team locks a year and publishes it, and a visitor sees it; withdrawn, it is gone; then unlocked', async () => {
  const team = await newPage(browser);
  await loginTeam(team);
  // The team's other pages, each checked by axe-core as it first opens.
  for (const [name, label] of [['填報情形總覽', '填報情形總覽'], ['機關管理', '機關管理'], ['非機關活動', '非機關活動 (the years)'], ['機關帳號', '機關帳號'], ['盤查清冊', '盤查清冊 (the years)']]) {
    await team.getByRole('link', { name, exact: true }).click();
    await checkA11y(team, label);
  }
  await team.goto(BASE + `/team/activities?year=${Y}`);
  await checkA11y(team, '非機關活動 of 108');
  await team.getByRole('link', { name: '盤查清冊' }).click();
  await team.getByRole('link', { name: /民國 108 年/ }).click();
  assert.match(await team.locator('#published').textContent(), /未公開/);
  assert.match(await team.locator('#publication').textContent(), /本年度尚未鎖定：請先完成年度鎖定/);
  assert.ok(await team.getByRole('button', { name: '公開' }).isDisabled(), 'not locked: 公開 cannot be pressed');
  await checkA11y(team, '盤查清冊, not locked');

  // 年度管理 → 年度鎖定 of 108: every agency not 已確認 listed, each with its reason.
  await team.goto(BASE + '/team/years');
  const yearRow = team.locator(`tr[data-year="${Y}"]`);
  assert.match(await yearRow.locator('td.lock').textContent(), /未鎖定/);
  await checkA11y(team, '年度管理');
  // 電力排碳係數 of 2025 (the year with variants): the page, and the current choice sent again, refused beside the field.
  await team.goto(BASE + '/team/elec?year=2025');
  await checkA11y(team, '電力排碳係數');
  await team.getByRole('button', { name: '預覽變更' }).click();
  assert.match(await team.locator('#variant-error').textContent(), /與目前採用的相同/);
  assert.equal(await team.getByLabel('電力排碳係數').inputValue(), 'overall', 'the choice comes back');
  await checkA11y(team, '電力排碳係數, refused');
  assert.deepEqual(team.problems.splice(0), ['Failed to load resource: the server responded with a status of 400 (Bad Request)'],
    'the refusal\'s 400, and nothing else');
  await outboxDrained();   // a year with totals still pending is not locked
  await team.goto(BASE + '/team/years');
  await yearRow.getByRole('link', { name: '年度鎖定' }).click();
  await team.waitForURL(new RegExp(`/team/years/lock\\?year=${Y}$`));
  const agencies = sql(`SELECT a.name FROM agencies a JOIN counties c ON c.id = a.county_id AND c.letter = 'W'
    LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ${Y} WHERE a.active = 1 AND r.confirmed_version IS NULL ORDER BY a.level, a.code`).map(([n]) => n);
  assert.ok(agencies.includes('金門縣政府'));
  assert.deepEqual(await team.locator('#exceptions tbody tr td:nth-child(2)').allTextContents(), agencies, 'the agencies not 已確認 in 108');
  await checkA11y(team, '年度鎖定');
  for (const name of agencies) await team.getByRole('textbox', { name: `${name}的例外理由` }).fill(`${name} 108 年未辦理確認`);
  await team.getByRole('button', { name: '鎖定本年度' }).click();
  await team.waitForURL(/locked=1/);
  assert.match(await team.locator('#lock-state').textContent(), /已鎖定/);
  await checkA11y(team, '年度鎖定, locked');
  assert.match(await team.locator('#lock-history').textContent(), /397020000A 金門縣政府：金門縣政府 108 年未辦理確認/);

  await team.getByRole('link', { name: '盤查清冊' }).click();
  await team.getByRole('link', { name: /民國 108 年/ }).click();
  assert.match(await team.locator('#published').textContent(), /未公開/);
  const total = (await team.locator('#inv-total').textContent()).trim();
  assert.match(total, /^[\d,]+\.\d{3} KgCO₂e$/);
  await team.getByRole('button', { name: '公開' }).click();
  await team.waitForURL(/published=1/);
  assert.match(await team.locator('#published').textContent(), /已公開/);
  await checkA11y(team, '盤查清冊, published');

  const visitor = await newPage(browser);
  await visitor.goto(BASE + '/');
  await visitor.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '公開資訊' }).click();
  const row = visitor.getByRole('row', { name: /金門縣/ });
  assert.match(await row.textContent(), /民國 108 年/);
  await checkA11y(visitor, '公開資訊');
  await row.getByRole('link', { name: '盤查成果' }).click();
  assert.match(await visitor.getByRole('heading', { level: 1 }).textContent(), /金門縣 政府機關溫室氣體盤查成果　民國 108 年/);
  assert.equal((await visitor.locator('#inv-total').textContent()).trim(), total, 'the visitor sees the team\'s total');
  assert.equal(await visitor.locator('#chart-category rect.bar').count(), 7, 'the category chart, drawn by the server');
  assert.ok(await visitor.locator('#chart-category').isVisible());
  await visitor.screenshot({ path: shotPath('public-inventory.png'), fullPage: true });
  await checkA11y(visitor, 'the public 盤查成果 with its charts');
  assert.deepEqual(visitor.problems, []);

  await team.getByRole('button', { name: '撤回公開' }).click();
  await team.waitForURL(/withdrawn=1/);
  const again = await visitor.goto(BASE + `/public?county=W&year=${Y}`);
  assert.equal(again.status(), 404);
  await visitor.goto(BASE + '/public');
  assert.equal(await visitor.getByRole('row', { name: /金門縣/ }).count(), 0);

  // Withdrawn, the year may be unlocked again, with a reason.  The street lighting holds a 重算值 (as a
  // factor change made while the year was locked leaves it): the unlocking has it computed again in place.
  const w = sql("SELECT id FROM counties WHERE letter = 'W'")[0][0];
  sql(`UPDATE county_activities SET restated_kg_milli = 1, restated_change_id = 1, restated_at = NOW() WHERE county_id = ${w} AND year = ${Y}`);
  await team.goto(BASE + `/team/years/lock?year=${Y}`);
  await team.getByRole('textbox', { name: /解除鎖定的理由/ }).fill('更正路燈用電量');
  await team.getByRole('button', { name: '解除鎖定' }).click();
  await team.waitForURL(/unlocked=1/);
  await waitFor('the unlock\'s run', () => sql(`SELECT status FROM factor_changes WHERE kind = 'unlock' AND county_id = ${w} AND first_year = ${Y}
    ORDER BY id DESC LIMIT 1`)[0]?.[0] === 'done', 30000, 200);
  await team.reload();
  const run = team.getByRole('region', { name: '解除鎖定後的重新計算' });
  assert.match(await run.locator('#unlock-status').textContent(), /已完成/);
  assert.match(await run.textContent(), /非機關活動更新 1 筆/);
  assert.deepEqual(sql(`SELECT restated_kg_milli IS NULL, kg_milli <> 554000 FROM county_activities WHERE county_id = ${w} AND year = ${Y}`), [['1', '1']],
    'the line computed again at the factor in force, its 重算值 gone');
  assert.match(await team.locator('#lock-state').textContent(), /未鎖定/);
  assert.match(await team.locator('#lock-history').textContent(), /理由：更正路燈用電量/);
  await team.screenshot({ path: shotPath('year-lock.png'), fullPage: true });
  await checkA11y(team, '年度鎖定, unlocked');
  assert.deepEqual(team.problems, []);
});
