// report.test.mjs: the agency's whole flow in Chromium, by the labels a person reads:
// log in as 371036500X of 連江縣, fill 帳號維護, open the 2023 form, fill it, 計算 and check
// the subtotals, 存檔, tick 我已確認完整填報各欄位, 存檔 again and see 已登錄完成.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, sql } from '../lib.mjs';
import { launch, newPage, shotPath } from './chromium.mjs';

let browser;
before(async () => {
  browser = await launch();
  sql("DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = '371036500X' AND r.year = 2023");
});
after(async () => { await browser?.close(); });

test('an agency logs in, files its 2023 report and completes it', async () => {
  const page = await newPage(browser);
  await page.goto(BASE + '/');
  const login = page.getByRole('complementary', { name: '系統登入' });
  await login.getByLabel('縣市', { exact: true }).selectOption({ label: '連江縣' });
  await login.getByLabel('帳號', { exact: true }).fill('371036500X');
  await login.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
  await login.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(BASE + '/');
  assert.ok(await page.getByText('連江縣介壽國中小').first().isVisible());

  // 帳號維護 first: contact data is required before data entry.
  await page.getByRole('link', { name: '帳號維護' }).click();
  await page.getByLabel('機關/單位名稱(全名)').fill('連江縣立介壽國民中小學');
  await page.getByLabel('姓名').fill('林承辦');
  await page.getByLabel('連絡電話').fill('0836-22381');
  await page.getByLabel('Email').fill('lin@example.gov.tw');
  await page.getByRole('button', { name: '存檔' }).click();
  assert.ok(await page.getByText('已存檔。').isVisible());

  await page.getByRole('link', { name: '機關單位登錄' }).click();
  await page.getByRole('row', { name: /民國 112 年/ }).getByRole('link', { name: '填報' }).click();
  await page.getByRole('textbox', { name: '盤查範圍', exact: true }).fill('校本部與宿舍');
  const own = page.getByRole('group', { name: '二、能資源耗用量' });
  await own.getByLabel('電力', { exact: true }).fill('10,000');
  await own.getByLabel('汽油', { exact: true }).fill('１００');
  await own.getByLabel('冷媒型號R410a，補充', { exact: true }).fill('2');
  await own.getByLabel('二氧化碳滅火器補充', { exact: true }).fill('5');
  const out = page.getByRole('group', { name: '三、委外操作/營運活動數據' });
  await out.getByLabel('委外操作範圍說明').fill('學生宿舍委外管理');
  await out.getByLabel('電力', { exact: true }).fill('1000');

  await page.getByRole('button', { name: '計算' }).click();
  assert.equal(await page.locator('#total-own').textContent(), '9,027.523');
  assert.equal(await page.locator('#total-outsourced').textContent(), '494.000');
  const sub = page.locator('#sub-own td');
  assert.deepEqual(await sub.allTextContents(), ['4,940.000', '235.523', '3,852.000', '4,087.523', '4,940.000', '0.000'], 'categories, 範疇一, 範疇二, no 範疇三 (委外 only)');
  assert.deepEqual(await page.locator('#sub-outsourced td').allTextContents(), ['494.000', '0.000', '0.000', '0.000', '0.000', '494.000'], '委外 is 範疇三');
  assert.deepEqual(await page.locator('#iso-own td').allTextContents(), ['4,087.523', '4,940.000', '0.000', '0.000'], '類別一, 類別二');
  assert.equal(await page.locator('#report-status').textContent(), '未登錄', '計算 saved nothing');
  await page.screenshot({ path: shotPath('report-calc.png'), fullPage: true });

  await page.getByRole('button', { name: '存檔' }).click();
  await page.waitForURL(/saved=1/);
  assert.equal(await page.locator('#report-status').textContent(), '登錄中');
  assert.equal(await own.getByLabel('汽油', { exact: true }).inputValue(), '100', 'full-width digits stored as a number');

  await page.getByLabel('我已確認完整填報各欄位').check();
  await page.getByRole('button', { name: '存檔' }).click();
  await page.waitForURL(/saved=1/);
  assert.equal(await page.locator('#report-status').textContent(), '已登錄完成');
  await page.getByRole('link', { name: '回上一頁' }).click();
  assert.ok(await page.getByRole('row', { name: /民國 112 年/ }).getByText('已登錄完成').isVisible());
  assert.deepEqual(page.problems, [], 'no console errors or failed requests');
});

test('every visible input of the report form has a real label', async () => {
  const page = await newPage(browser);
  await page.goto(BASE + '/');
  const login = page.getByRole('complementary', { name: '系統登入' });
  await login.getByLabel('帳號', { exact: true }).fill('z371036500X');
  await login.getByLabel('密碼', { exact: true }).fill('cityinv-demo');
  await login.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(BASE + '/');
  await page.goto(BASE + '/report/edit?year=2024');
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
    .filter((el) => !el.labels || el.labels.length === 0 || !el.labels[0].textContent.trim()).map((el) => el.name));
  assert.deepEqual(unlabelled, []);
  const count = await page.locator('main input:not([type=hidden]), main select, main textarea').count();
  assert.ok(count > 40, `the form has its fields (${count})`);
});
