// export.test.mjs: 轉出明細 (轉excel) of 所屬機關填報確認: queued for the worker, progress on a
// page, downloaded through nginx by X-Accel-Redirect for the requester only, and the
// workbook's cells — read by an independent reader (openpyxl) — equal to the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, TMP, VAR, csrfOf, pidOf, sql, stack, waitFor, readXlsx } from '../lib.mjs';

async function login(county, account) {
  const c = new Client();
  const home = await c.get('/');
  const r = await c.post('/login', { csrf: csrfOf(home.text), county, account, password: 'cityinv-demo' });
  assert.equal(r.status, 303);
  return c;
}

async function requestExport(c, year, agency) {
  const page = await c.get(`/review?year=${year}&agency=${agency}`);
  const r = await c.post('/review/export', { csrf: csrfOf(page.text), year: String(year), agency: String(agency) });
  assert.equal(r.status, 303);
  return { page, status: r.headers.get('location') };
}

test('轉excel: queued, built by the worker, downloaded through nginx, cells equal to the page', async () => {
  sql("UPDATE agencies SET contact_name = '承辦', contact_phone = '0836-123456', contact_email = 'x@example.gov.tw'");
  const hall = sql("SELECT id FROM agencies WHERE code = '371000000A'")[0][0];
  const c = await login('Z', '371000000A');
  // No pending work, the quality job's included: the page and the workbook show its grades (尚未計算 before its run).
  await waitFor('no pending work', () => sql('SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')[0][0] === '0' &&
    sql('SELECT COUNT(*) FROM quality_queue WHERE done_for < requests')[0][0] === '0', 30000);
  const { page, status } = await requestExport(c, 2020, hall);
  assert.match(status, /^\/exports\?id=\d+$/);
  const done = await waitFor('the export to finish', async () => {
    const s = await c.get(status);
    return /status s2">完成/.test(s.text) ? s : null;
  }, 30000, 300);
  const link = done.text.match(/href="(\/download\?id=\d+)"/)[1];
  const dl = await c.req(link, { raw: true });
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(dl.headers.get('content-disposition'), /filename\*=UTF-8''371000000A_109_/);
  assert.equal(dl.headers.get('x-accel-redirect'), null, 'nginx consumed the internal redirect');
  const file = path.join(TMP, 'review.xlsx');
  fs.writeFileSync(file, Buffer.from(await dl.res.arrayBuffer()));
  const rows = readXlsx(file);
  assert.match(rows[0][0], /連江縣政府 之所屬機關/);
  assert.deepEqual(rows[1].slice(0, 6), ['序號', '機關單位名稱', '機關代碼', '排放量小計(KgCO₂e)(包含所屬機關)', '委外操作排放量小計(KgCO₂e)不納入總量計算', '登錄狀況']);
  // The page's rows: name, total, outsourced, the subtree's grade (issue 13), status.
  const plain = (h) => h.replace(/<br>.*/s, '').replace(/<[^>]*>/g, '').replace(/計算中/, '').trim();
  const pageRows = [...page.text.matchAll(/<tr data-agency="\d+"><td>(\d+)<\/td><td>([^<]+)<\/td><td class="num">([\d,.]+)[\s\S]*?<td class="num">([\d,.]+)<\/td><td class="num grade">([\s\S]*?)<\/td><td class="num uncertainty">[\s\S]*?<\/td><td><span class="status s\d">([^<]+)<\/span>/g)]
    .map((m) => [Number(m[1]), m[2], Number(m[3].replace(/,/g, '')), Number(m[4].replace(/,/g, '')), plain(m[5]), m[6]]);
  assert.ok(pageRows.length >= 2);
  assert.equal(rows[1][8], '數據品質等級(包含所屬機關)');
  const sheetRows = rows.slice(2).map((r) => [r[0], r[1], r[3], r[4], [r[8], r[9]].filter((x) => x !== null && x !== undefined).join(' '), r[5]]);
  assert.deepEqual(sheetRows, pageRows);
});

test('only the requester may download; direct /_files/ access is refused', async () => {
  const [[id, file]] = sql("SELECT id, file FROM exports WHERE status = 'done' ORDER BY id DESC LIMIT 1");
  const other = await login('Z', '371030000A');
  assert.equal((await other.get(`/download?id=${id}`)).status, 404);
  assert.equal((await other.get(`/exports?id=${id}`)).status, 404);
  assert.equal((await new Client().get(`/download?id=${id}`)).status, 401);
  assert.equal((await new Client().get(`/_files/${file}`)).status, 404);
});

test('a full disk for generated files fails the export with a reason, never a corrupt download', async () => {
  const hall = sql("SELECT id FROM agencies WHERE code = '371000000A'")[0][0];
  const dir = path.join(VAR, 'files', 'exports');
  // Not writable: what a full disk looks like to the worker (the worker may run as root, so a file stands in for the directory).
  fs.rmSync(dir, { recursive: true, force: true });
  fs.writeFileSync(dir, 'not a directory');
  try {
    const c = await login('Z', '371000000A');
    const { status } = await requestExport(c, 2020, hall);
    const failed = await waitFor('the export to fail', async () => {
      const s = await c.get(status);
      return /失敗/.test(s.text) ? s : null;
    }, 30000, 300);
    assert.match(failed.text, /無法/);
    assert.doesNotMatch(failed.text, /download\?id=/);
  } finally {
    fs.rmSync(dir, { force: true });
  }
});

test('an export asked for while Redis is down is built all the same (the worker polls for it)', async () => {
  const { stack } = await import('../lib.mjs');
  const hall = sql("SELECT id FROM agencies WHERE code = '371000000A'")[0][0];
  const c = await login('Z', '371000000A');
  stack('stop-service', 'redis');
  let status;
  try {
    ({ status } = await requestExport(c, 2020, hall));
  } finally {
    stack('start-service', 'redis');
  }
  await waitFor('the export to finish', async () => /status s2">完成/.test((await c.get(status)).text), 30000, 300);
});

test('轉excel pressed twice while the first is still queued: one export, built once', async () => {
  const hall = sql("SELECT id FROM agencies WHERE code = '371000000A'")[0][0];
  const c = await login('Z', '371000000A');
  // No export worker for a moment, so the first request is certainly still queued.
  const builder = pidOf('exporter') ? 'exporter' : 'worker';
  stack('stop-service', builder);
  let first, second;
  try {
    ({ status: first } = await requestExport(c, 2020, hall));
    ({ status: second } = await requestExport(c, 2020, hall));
    assert.match((await c.get(first)).text, /排隊中/);
  } finally {
    stack('start-service', builder);
  }
  assert.equal(second, first, 'the second request follows the first');
  const id = first.split('=')[1];
  await waitFor('the export to finish', async () => /status s2">完成/.test((await c.get(first)).text), 30000, 300);
  assert.deepEqual(sql(`SELECT COUNT(*) FROM exports WHERE kind = 'review' AND agency_id = ${hall} AND id >= ${id}`), [['1']]);
  assert.deepEqual(sql(`SELECT attempts FROM exports WHERE id = ${id}`), [['1']], 'built once');
  // Once it is done, asking again makes a new one.
  const { status: third } = await requestExport(c, 2020, hall);
  assert.notEqual(third, first);
});
