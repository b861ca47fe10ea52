// inventory.test.mjs: 盤查清冊 — totals by category, scope and level equal to independent SQL sums
// of the agencies' lines and the non-agency lines (outsourced and removals apart); server-drawn
// SVG charts; publication only of a closed year; the public sees published county-years only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, csrfOf, sql, waitFor } from '../lib.mjs';

async function login(county, account, password = 'cityinv-demo') {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password });
  assert.equal(r.status, 303);
  return c;
}
const Y = 2021;
const W = () => sql("SELECT id FROM counties WHERE letter = 'W'")[0][0];
const num = (s) => Number(s.replace(/,/g, ''));
const cell = (html, id) => html.match(new RegExp(`id="${id}">([-\\d,.]+)`))[1];

async function setYearOpen(team, open) {
  const p = await team.get('/team/years');
  const form = { csrf: csrfOf(p.text), year: String(Y), deadline: '' };
  if (open) form.is_open = '1';
  return team.post('/team/years', form);
}

test('the inventory of a year: totals equal independent sums of its parts; charts drawn on the server', async () => {
  const w = W();
  sql(`UPDATE agencies SET contact_name = '承辦', contact_phone = '082-123456', contact_email = 'x@example.gov.tw' WHERE county_id = ${w}`);
  // Agencies' data: the county hall and its bureau save reports (own and outsourced).
  for (const [code, kwh] of [['397020000A', '12000'], ['397030000A', '3000']]) {
    const c = await login('W', code);
    const f = await c.get(`/report/edit?year=${Y}`);
    const version = f.text.match(/name="version" value="(\d+)"/)[1];
    const r = await c.post('/report/edit', { csrf: csrfOf(f.text), year: String(Y), version, action: 'save', scope_text: '辦公廳舍',
      own_electricity: kwh, own_vehicle_gasoline: '250', outsourced_electricity: '500' });
    assert.equal(r.status, 303, r.text);
  }
  // Non-agency lines: street lighting, a landfill, a forest (removal).
  const team = await login('W', 'TEAM');
  sql(`DELETE FROM county_activities WHERE county_id = ${w} AND year = ${Y}`);
  for (const [method, fields] of [['elec_street', { q: '50000' }], ['landfill', { q: '100', opt1: 'food', opt2: 'managed_anaerobic' }],
    ['landuse', { q: '10', q2: '-3', note: '示例係數' }]]) {
    const f = await team.get(`/team/activities?year=${Y}&method=${method}`);
    const r = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method, year: String(Y), id: '0', version: '0', ...fields });
    assert.equal(r.status, 303, r.text);
  }
  const page = await team.get(`/team/inventory?year=${Y}`);
  assert.equal(page.status, 200);
  // Independent sums.
  const [[agOwn, agOut]] = sql(`SELECT IFNULL(SUM(IF(l.part = 'own', l.kg_milli, 0)), 0), IFNULL(SUM(IF(l.part = 'outsourced', l.kg_milli, 0)), 0)
    FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ${w} AND a.active = 1 AND r.year = ${Y}`);
  const [[naPos, naNeg]] = sql(`SELECT IFNULL(SUM(IF(kg_milli > 0, kg_milli, 0)), 0), IFNULL(SUM(IF(kg_milli < 0, kg_milli, 0)), 0)
    FROM county_activities WHERE county_id = ${w} AND year = ${Y}`);
  const m = (x) => Math.round(num(x) * 1000);
  assert.equal(m(cell(page.text, 'inv-agencies')), Number(agOwn));
  assert.equal(m(cell(page.text, 'inv-nonagency')), Number(naPos));
  assert.equal(m(cell(page.text, 'inv-total')), Number(agOwn) + Number(naPos), 'total = agencies + non-agency');
  assert.equal(m(cell(page.text, 'inv-outsourced')), Number(agOut), 'outsourced apart');
  assert.equal(m(cell(page.text, 'inv-removals')), Number(naNeg), 'removals apart');
  assert.ok(Number(agOwn) > 0 && Number(naPos) > 0 && Number(agOut) > 0 && Number(naNeg) < 0);
  // Categories and scopes each add up to the total.
  const catRows = [...page.text.split('id="inv-category"')[1].split('</tbody>')[0].matchAll(/<td class="num">([-\d,.]+)<\/td><\/tr>/g)].map((x) => m(x[1]));
  assert.equal(catRows.length, 7);
  assert.equal(catRows.reduce((a, b) => a + b, 0), m(cell(page.text, 'inv-total')));
  const scopeRows = [...page.text.split('id="inv-scope"')[1].split('</table>')[0].matchAll(/<td class="num">([-\d,.]+)<\/td>/g)].map((x) => m(x[1]));
  assert.equal(scopeRows.reduce((a, b) => a + b, 0), m(cell(page.text, 'inv-total')));
  // By category against SQL: 交通運輸 is the agencies' gasoline only; 廢棄物 the landfill only.
  const [[transport]] = sql(`SELECT SUM(l.kg_milli) FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id
    WHERE a.county_id = ${w} AND r.year = ${Y} AND l.part = 'own' AND l.category = 'transport'`);
  assert.match(page.text, new RegExp(`data-category="transport"><th>交通運輸</th><td class="num">[^<]+</td><td class="num">0.000</td><td class="num">${(Number(transport) / 1000).toLocaleString('en-US', { minimumFractionDigits: 3 })}<`));
  // 100 t food: 100,000 x 0.15 x 0.5 x 1.0 x 0.5 x 16/12 x GWP 25 (AR4 in 2021) = 125,000.
  assert.match(page.text, /data-category="waste"><th>廢棄物<\/th><td class="num">0.000<\/td><td class="num">125,000.000<\/td>/);
  // The largest emitters and the levels.
  assert.match(page.text, /id="inv-top"[\s\S]*金門縣政府[\s\S]*金門縣環境保護局/);
  // Charts: SVG made by the server, one bar per category; no script.
  const svg = page.text.match(/<svg[^>]*id="chart-category"[\s\S]*?<\/svg>/)[0];
  assert.equal((svg.match(/<rect class="bar"/g) || []).length, 7);
  assert.match(page.text, /id="chart-scope"/);
  assert.match(page.text, /id="chart-level"/);
  assert.match(page.text, /id="chart-top"/);
  assert.match(page.text, /id="chart-trend"/);
  assert.doesNotMatch(page.text, /<script/);
});

test('publication: only a closed year; the public sees published county-years only; withdrawal hides it again', async () => {
  const team = await login('W', 'TEAM');
  const anon = new Client();
  assert.equal((await anon.get(`/public?county=W&year=${Y}`)).status, 404, 'unpublished: not found');
  assert.doesNotMatch((await anon.get('/public')).text, /county=W&amp;year=/);
  // Open year: publishing is refused.
  assert.equal((await setYearOpen(team, true)).status, 303);
  let inv = await team.get(`/team/inventory?year=${Y}`);
  let r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'publish' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /must_close=1/);
  assert.equal(sql(`SELECT published_at IS NULL FROM inventory_years WHERE county_id = ${W()} AND year = ${Y}`)[0][0], '1');
  // Closed: published.
  assert.equal((await setYearOpen(team, false)).status, 303);
  inv = await team.get(`/team/inventory?year=${Y}`);
  r = await team.post('/team/inventory', { csrf: csrfOf(inv.text), year: String(Y), action: 'publish' });
  assert.equal(r.status, 303);
  const teamPage = await team.get(`/team/inventory?year=${Y}`);
  assert.match(teamPage.text, /id="published">已公開/);
  const list = await anon.get('/public');
  assert.match(list.text, new RegExp(`href="/public\\?county=W&amp;year=${Y}"`));
  const pub = await anon.get(`/public?county=W&year=${Y}`);
  assert.equal(pub.status, 200);
  assert.equal(cell(pub.text, 'inv-total'), cell(teamPage.text, 'inv-total'), 'the public sees the team\'s figures');
  assert.match(pub.text, /id="chart-category"/);
  assert.doesNotMatch(pub.text, /name="csrf"[^>]*>[^<]*<input type="hidden" name="action" value="withdraw"/);
  // Another county's year is not published: not found; nor is a year never opened.
  assert.equal((await anon.get(`/public?county=Z&year=${Y}`)).status, 404);
  assert.equal((await anon.get('/public?county=W&year=1999')).status, 404);
  // While published: non-agency lines and reopening are refused.
  const f = await team.get(`/team/activities?year=${Y}&method=septic`);
  const refused = await team.post('/team/activities', { csrf: csrfOf(f.text), action: 'save', method: 'septic', year: String(Y), id: '0', version: '0', q: '1' });
  assert.equal(refused.status, 409);
  assert.match(refused.text, /已公開/);
  const reopen = await setYearOpen(team, true);
  assert.equal(reopen.status, 400);
  assert.match(reopen.text, /須先於「盤查清冊」撤回公開/);
  // Withdraw: gone from the public again.
  r = await team.post('/team/inventory', { csrf: csrfOf(teamPage.text), year: String(Y), action: 'withdraw' });
  assert.equal(r.status, 303);
  assert.equal((await anon.get(`/public?county=W&year=${Y}`)).status, 404);
  assert.doesNotMatch((await anon.get('/public')).text, new RegExp(`county=W&amp;year=${Y}`));
  // Leave the year open again for the suites that follow.
  assert.equal((await setYearOpen(team, true)).status, 303);
  // Only the team may publish; an agency is refused.
  const agency = await login('W', '397020000A');
  assert.equal((await agency.get(`/team/inventory?year=${Y}`)).status, 403);
  await waitFor('nothing pending', () => sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0', 30000);
});
