// onboarding.test.mjs: in Chromium, a county onboarded without a shell (issue 15): the platform
// admin hosts 屏東縣 (taken off the platform first, as a county not yet on it), creates a team
// member's personal account and reads its one-time password; the member logs in with it in a
// browser of their own, is sent to 變更密碼, sets a password, and creates the county's first
// agency under 機關管理.  axe-core checks each console page as it opens.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, sql } from '../lib.mjs';
import { checkA11y, launch, newPage, shotPath } from './chromium.mjs';

const TAG = String(Date.now() % 100000);
const LOGIN = `chen.${TAG}`;
const CODE = `T${TAG}000A`;
let browser;
let T;
before(async () => {
  browser = await launch();
  T = sql("SELECT id FROM counties WHERE letter = 'T'")[0][0];
  sql(`UPDATE counties SET hosted = 0 WHERE id = ${T}`);
});
after(async () => {
  sql(`UPDATE counties SET hosted = 1 WHERE id = ${T};
       UPDATE accounts SET active = 0 WHERE (county_id = ${T} AND login = '${LOGIN}')
         OR agency_id IN (SELECT id FROM agencies WHERE county_id = ${T} AND code = '${CODE}');
       UPDATE agencies SET active = 0 WHERE county_id = ${T} AND code = '${CODE}'`);
  await browser?.close();
});

async function login(page, county, account, password) {
  await page.goto(BASE + '/');
  const box = page.getByRole('complementary', { name: '系統登入' });
  if (county) await box.getByLabel('縣市', { exact: true }).selectOption({ label: county });
  await box.getByLabel('帳號', { exact: true }).fill(account);
  await box.getByLabel('密碼', { exact: true }).fill(password);
  await box.getByRole('button', { name: '登入' }).click();
}

test('the admin onboards 屏東縣 and its team member logs in, changes the password and creates an agency', async () => {
  const admin = await newPage(browser);
  await login(admin, '', 'admin', 'cityinv-demo');
  await admin.waitForURL(BASE + '/');
  await admin.getByRole('link', { name: '平台管理', exact: true }).click();
  await admin.waitForURL(BASE + '/admin');
  await checkA11y(admin, '平台管理');
  const row = admin.locator('#county-T');
  await assert.doesNotReject(row.getByText('未託管').waitFor());
  await row.getByRole('button', { name: '開始託管' }).click();
  await admin.waitForURL(BASE + '/admin?done=hosted');
  await admin.locator('#county-T').getByText('託管中').waitFor();
  assert.equal(sql(`SELECT hosted FROM counties WHERE id = ${T}`)[0][0], '1');

  await admin.locator('#county-T').getByRole('link', { name: '盤查小組帳號' }).click();
  await admin.waitForURL(BASE + '/admin/accounts?county=T');
  await checkA11y(admin, '盤查小組帳號');
  const form = admin.locator('#create-account');
  await form.getByLabel('帳號（英文字母、數字或 . _ -）').fill(LOGIN);
  await form.getByLabel('使用者姓名').fill('陳美玲');
  await form.getByRole('button', { name: '建立帳號' }).click();
  const otp = (await admin.locator('#otp').textContent()).trim();
  assert.match(otp, /^[A-Za-z0-9]{12}$/);
  await admin.locator('#accounts').getByText(LOGIN).waitFor();
  await admin.locator('#accounts').getByText('待變更密碼').waitFor();
  await checkA11y(admin, '盤查小組帳號 with a one-time password');
  await admin.goto(BASE + '/admin/factors?category=electricity&year=2025');
  await admin.locator('#factors').getByText('elec_grid_2025_industry').waitFor();
  await checkA11y(admin, '係數表');
  await admin.goto(BASE + '/admin/audit');
  await admin.locator('#console-audit').getByText('建立帳號').first().waitFor();
  await checkA11y(admin, '管理紀錄');
  assert.deepEqual(admin.problems, []);

  // The member, in a browser of their own.
  const member = await newPage(browser);
  await login(member, '屏東縣', LOGIN, otp);
  await member.waitForURL(BASE + '/password');
  await member.goto(BASE + '/team');
  await member.waitForURL(BASE + '/password');
  await member.getByText('這是您第一次登入').waitFor();
  const pw = `pingtung-${TAG}-pw`;
  await member.getByLabel('目前密碼').fill(otp);
  await member.getByLabel('新密碼（至少 10 個字元）').fill(pw);
  await member.getByLabel('再輸入一次新密碼').fill(pw);
  await member.getByRole('button', { name: '變更密碼' }).click();
  await member.getByText('密碼已變更').waitFor();
  await member.getByRole('complementary', { name: '已登入' }).getByText('屏東縣盤查小組　陳美玲').waitFor();

  await member.getByRole('link', { name: '機關管理', exact: true }).click();
  await member.waitForURL(BASE + '/team/agencies');
  await checkA11y(member, '機關管理 of a new county');
  const add = member.getByRole('group', { name: '新增機關' });
  await add.getByRole('textbox', { name: '機關代碼', exact: true }).fill(CODE);
  await add.getByRole('textbox', { name: '機關單位名稱', exact: true }).fill(`屏東縣政府${TAG}`);
  await add.getByRole('button', { name: '新增' }).click();
  await member.locator('#otp').waitFor();
  await member.getByRole('cell', { name: CODE, exact: true }).waitFor();
  await member.screenshot({ path: shotPath('onboarding-agency.png'), fullPage: true });
  assert.deepEqual(sql(`SELECT level, parent_id IS NULL, active FROM agencies WHERE county_id = ${T} AND code = '${CODE}'`)[0], ['1', '1', '1']);
  const [[by]] = sql(`SELECT a.login FROM audit_log l JOIN accounts a ON a.id = l.account_id
    JOIN agencies g ON g.id = l.agency_id WHERE g.code = '${CODE}' AND l.field = '新增機關'`);
  assert.equal(by, LOGIN, 'the agency\'s audit line names the member');
  assert.deepEqual(member.problems, []);
});
