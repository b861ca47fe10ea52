// activities.test.mjs: 填報非機關單位耗用之活動 — the county team's non-agency lines: computed with
// the factor, method and source shown, validated beside each field with the input kept,
// audited, protected against concurrent edits, and kept to the team's own county.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  return { c, r };
}
const Y = 2023;
const rows = (html) => [...html.matchAll(/<tr data-activity="(\d+)">([\s\S]*?)<\/tr>/g)]
  .map((m) => ({ id: m[1], kg: m[2].match(/<td class="num kg">([^<]*)<\/td>/)[1], factor: m[2].match(/<strong class="factor">([^<]*)</)[1], html: m[2] }));

async function add(c, method, fields) {
  const form = await c.get(`/team/activities?year=${Y}&method=${method}`);
  assert.equal(form.status, 200);
  return c.post('/team/activities', { csrf: csrfOf(form.text), action: 'save', method, year: String(Y), id: '0', version: '0', ...fields });
}

test('lines of several methods: computed, shown with factor, method and source; totals by category, removals apart', async () => {
  const { c } = await login('Z', 'TEAM');
  sql(`DELETE FROM county_activities WHERE county_id = 22 AND year = ${Y}`);   // this file's own data: rerunnable
  const base = 0;
  assert.equal((await add(c, 'elec_street', { description: '路燈', q: '10,000' })).status, 303);
  assert.equal((await add(c, 'rice', { description: '公有農場', q: '10', q2: '120', opt1: 'intermittent_single_aeration' })).status, 303);
  assert.equal((await add(c, 'landfill', { description: '衛生掩埋場', q: '100', opt1: 'food', opt2: 'managed_anaerobic' })).status, 303);
  assert.equal((await add(c, 'landuse', { description: '公有林', q: '20', q2: '-5.5', note: '林務局碳吸存係數（示例）' })).status, 303);
  assert.equal((await add(c, 'process', { description: '焚化廠石灰', q: '12.5', note: '設施申報 112 年' })).status, 303);
  const page = await c.get(`/team/activities?year=${Y}`);
  const got = rows(page.text);
  assert.equal(got.length, base + 5);
  const kgs = got.slice(-5).map((r) => r.kg).sort();
  // 10,000 kWh x 0.494; 10 ha x 120 d x 1.3 x 0.6 x 28; 100 t food x ... = 140,000; 20 ha x -5.5 t; 12.5 t.
  assert.deepEqual(kgs, ['-110,000.000', '12,500.000', '140,000.000', '26,208.000', '4,940.000'].sort());
  const street = got.find((r) => r.kg === '4,940.000');
  assert.equal(street.factor, '0.494');
  assert.match(street.html, /來源：[^<]*Taipower/);
  assert.match(page.text, /吸收量合計（另列，不與排放量相抵）<\/th><td class="num" id="na-removals">-110,000.000/);
  assert.match(page.text, /data-category="agriculture"/);
  assert.match(page.text, /data-category="waste"/);
  assert.ok(Number(sql(`SELECT COUNT(*) FROM audit_log WHERE county_id = 22 AND year = ${Y} AND field LIKE '非機關活動%'`)[0][0]) >= 5);
});

test('refusals beside the field, with what was typed; nothing written', async () => {
  const { c } = await login('Z', 'TEAM');
  const before = sql('SELECT COUNT(*) FROM county_activities')[0][0];
  let r = await add(c, 'elec_street', { description: '<script>alert(1)</script>', q: 'abc' });
  assert.equal(r.status, 400);
  assert.match(r.text, /請輸入數字/);
  assert.match(r.text, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/, 'the description comes back, escaped');
  assert.doesNotMatch(r.text, /<script>alert/);
  r = await add(c, 'rice', { q: '10', q2: '120' });
  assert.equal(r.status, 400);
  assert.match(r.text, /請選擇水分管理/);
  r = await add(c, 'incineration', { q: '1000', q2: '1.5' });
  assert.match(r.text, /化石碳比例須介於 0 與 1 之間/);
  r = await add(c, 'process', { q: '1' });
  assert.match(r.text, /請說明資料內容與來源/);
  r = await add(c, 'compost', { q: '50', override: '2' });
  assert.match(r.text, /請說明理由/);
  r = await add(c, 'compost', { q: '1e309' });
  assert.equal(r.status, 400);
  r = await add(c, 'septic', { q: '-5' });
  assert.match(r.text, /不可為負數/);
  const bogus = await c.get(`/team/activities?year=${Y}&method=nonsense`);
  assert.equal(bogus.status, 404);
  assert.equal(sql('SELECT COUNT(*) FROM county_activities')[0][0], before);
});

test('edit with its version, a stale edit refused, delete; another county cannot touch the line; agencies are refused', async () => {
  const { c } = await login('Z', 'TEAM');
  assert.equal((await add(c, 'septic', { description: '公廁', q: '10000' })).status, 303);
  const [id, version] = sql("SELECT id, version FROM county_activities WHERE description = '公廁' ORDER BY id DESC LIMIT 1")[0];
  const form = await c.get(`/team/activities?year=${Y}&edit=${id}`);
  assert.match(form.text, /value="10000.000"/);
  const ok = await c.post('/team/activities', { csrf: csrfOf(form.text), action: 'save', method: 'septic', year: String(Y), id, version, description: '公廁', q: '20000' });
  assert.equal(ok.status, 303);
  assert.deepEqual(sql(`SELECT kg_milli, version FROM county_activities WHERE id = ${id}`), [['6720000', '2']]);
  const stale = await c.post('/team/activities', { csrf: csrfOf(form.text), action: 'save', method: 'septic', year: String(Y), id, version, description: '公廁', q: '1' });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /已被他人修改/);
  assert.equal(sql(`SELECT kg_milli FROM county_activities WHERE id = ${id}`)[0][0], '6720000');
  // Another county's team.
  const w = (await login('W', 'TEAM')).c;
  assert.equal((await w.get(`/team/activities?year=${Y}&edit=${id}`)).status, 404);
  const wp = await w.get(`/team/activities?year=${Y}`);
  assert.doesNotMatch(wp.text, new RegExp(`data-activity="${id}"`));
  const wd = await w.post('/team/activities', { csrf: csrfOf(wp.text), action: 'delete', year: String(Y), id, version: '2' });
  assert.equal(wd.status, 409);
  const wu = await w.post('/team/activities', { csrf: csrfOf(wp.text), action: 'save', method: 'septic', year: String(Y), id, version: '2', q: '1' });
  assert.equal(wu.status, 409);
  assert.equal(sql(`SELECT COUNT(*) FROM county_activities WHERE id = ${id}`)[0][0], '1');
  // An agency account.
  const a = (await login('Z', '371000000A')).c;
  assert.equal((await a.get(`/team/activities?year=${Y}`)).status, 403);
  // Delete.
  const page = await c.get(`/team/activities?year=${Y}`);
  assert.equal((await c.post('/team/activities', { csrf: csrfOf(page.text), action: 'delete', year: String(Y), id, version: '2' })).status, 303);
  assert.equal(sql(`SELECT COUNT(*) FROM county_activities WHERE id = ${id}`)[0][0], '0');
  assert.match(sql(`SELECT old_value FROM audit_log WHERE county_id = 22 AND field = '非機關活動（刪除）' ORDER BY id DESC LIMIT 1`)[0][0], /septic 公廁 6720000/);
});

test('類別 and the amount of each gas of every line, stored and shown; the gases add up to the line', async () => {
  const { c } = await login('Z', 'TEAM');
  assert.equal((await add(c, 'compost', { description: '堆肥場（氣體）', q: '50' })).status, 303);
  assert.equal((await add(c, 'elec_water', { description: '抽水站（氣體）', q: '10000' })).status, 303);
  assert.equal((await add(c, 'fuel_mobile', { description: '清潔車（氣體）', q: '1000', opt1: 'vehicle_diesel' })).status, 303);
  const db = (d) => sql(`SELECT id, iso_category, kg_milli, IFNULL(co2_milli, 'N'), IFNULL(ch4_milli, 'N'), IFNULL(n2o_milli, 'N'),
    IFNULL(hfcs_milli, 'N') FROM county_activities WHERE county_id = 22 AND year = ${Y} AND description = '${d}' ORDER BY id DESC LIMIT 1`)[0];
  const compost = db('堆肥場（氣體）');
  // 2023 (AR5): CH4 50 t x 4 kg/t x 28 = 5,600; N2O 50 x 0.3 x 265 = 3,975.
  assert.deepEqual(compost.slice(1), ['1', '9575000', 'N', '5600000', '3975000', 'N']);
  const elec = db('抽水站（氣體）');
  assert.deepEqual(elec.slice(1), ['2', '4940000', '4940000', 'N', 'N', 'N'], 'electricity: 類別二, all CO2');
  const diesel = db('清潔車（氣體）');
  assert.equal(diesel[1], '1');
  assert.equal(Number(diesel[3]) + Number(diesel[4]) + Number(diesel[5]), Number(diesel[2]), 'diesel: CO2 + CH4 + N2O = the line');
  const page = await c.get(`/team/activities?year=${Y}`);
  const row = rows(page.text).find((r) => r.id === compost[0]);
  assert.match(row.html, /<span class="iso">類別一<\/span>/);
  assert.match(row.html, /<span data-gas="CH4">CH₄ 5,600\.000<\/span><br><span data-gas="N2O">N₂O 3,975\.000<\/span>/);
  assert.match(rows(page.text).find((r) => r.id === elec[0]).html, /類別二[\s\S]*data-gas="CO2">CO₂ 4,940\.000/);
  // A line saved before 0024 (gases NULL) says so instead of showing nothing.
  sql(`UPDATE county_activities SET co2_milli = NULL, ch4_milli = NULL, n2o_milli = NULL, iso_category = 0 WHERE id = ${diesel[0]}`);
  const again = await c.get(`/team/activities?year=${Y}`);
  assert.match(rows(again.text).find((r) => r.id === diesel[0]).html, /未分氣體（重新存檔後計算）/);
  // Every line the page saved adds up.
  assert.deepEqual(sql(`SELECT COUNT(*) FROM county_activities WHERE (co2_milli IS NOT NULL OR ch4_milli IS NOT NULL OR n2o_milli IS NOT NULL)
    AND IFNULL(co2_milli, 0) + IFNULL(ch4_milli, 0) + IFNULL(n2o_milli, 0) + IFNULL(hfcs_milli, 0) + IFNULL(pfcs_milli, 0)
      + IFNULL(sf6_milli, 0) + IFNULL(nf3_milli, 0) <> kg_milli`), [['0']]);
});

test('a fuel line shows its fuel\'s unit beside the quantity, not the method\'s list of them', async () => {
  const { c } = await login('Z', 'TEAM');
  assert.equal((await add(c, 'fuel_stationary', { description: '抽水站發電機', q: '777.7', opt1: 'generator_diesel' })).status, 303);
  const row = rows((await c.get(`/team/activities?year=${Y}`)).text).find((r) => r.html.includes('抽水站發電機'));
  assert.match(row.html, /777\.7\d* 公升/);
  assert.doesNotMatch(row.html, /立方公尺／公斤／公升/);
  sql(`DELETE FROM county_activities WHERE county_id = 22 AND year = ${Y} AND description = '抽水站發電機'`);
});
