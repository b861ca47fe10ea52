// review_gzip.test.mjs: issue 14: the review page (所屬機關填報確認) goes gzipped to a client that
// takes gzip (every browser does), compressed once and served as kept while its bytes are the
// same (web/compress.c).  Read here with node:http, which does not decompress, and inflated by
// node's zlib: the inflated page equals the page sent to a client that takes no gzip, for the
// team and for an agency; a refusal (q=0) and a HEAD are answered right; and a change in the
// county-year is in the next gzipped page (never a compression kept from before).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { BASE, sql, loginAs, waitFor } from '../lib.mjs';

const Z = sql("SELECT id FROM counties WHERE letter = 'Z'")[0][0];
const Y = sql(`SELECT MAX(year) FROM inventory_years WHERE county_id = ${Z}`)[0][0];

// One request with the client's cookies and the given Accept-Encoding; the raw bytes.
function raw(c, path, encoding, method = 'GET') {
  const headers = { Cookie: c.cookieHeader() };
  if (encoding !== null) headers['Accept-Encoding'] = encoding;
  return new Promise((resolve, reject) => {
    const req = http.request(BASE + path, { method, headers, timeout: 20000 }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

const idle = () => waitFor('the worker idle', () => sql(`SELECT (SELECT COUNT(*) FROM outbox WHERE done_at IS NULL)
  + (SELECT COUNT(*) FROM quality_queue WHERE done_for < requests)`)[0][0] === '0', 60000, 200);

async function samePage(c, path) {
  await idle();
  const plain = await raw(c, path, null);
  assert.equal(plain.status, 200, path);
  assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: identity');
  assert.match(plain.headers.vary || '', /Accept-Encoding/, 'Vary names Accept-Encoding');
  for (let i = 0; i < 3; i++) {
    const gz = await raw(c, path, 'gzip, deflate, br');
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip', `request ${i + 1}: gzipped`);
    assert.match(gz.headers.vary || '', /Accept-Encoding/);
    assert.equal(Number(gz.headers['content-length']), gz.body.length, 'Content-Length is the gzipped length');
    const page = zlib.gunzipSync(gz.body);
    assert.ok(page.equals(plain.body), `request ${i + 1}: the inflated page is the page itself`);
    assert.ok(gz.body.length < plain.body.length, `gzipped ${gz.body.length} of ${plain.body.length} bytes`);
  }
  return plain.body.toString();
}

test('the team and an agency get the same page, gzipped when they take it', async () => {
  const team = await loginAs('Z', 'TEAM');
  const page = await samePage(team, `/review?year=${Y}`);
  assert.match(page, /之一級機關/);
  const hall = await loginAs('Z', '371000000A');
  await samePage(hall, `/review?year=${Y}`);
});

test('gzip refused, and HEAD', async () => {
  const team = await loginAs('Z', 'TEAM');
  await idle();
  const plain = await raw(team, `/review?year=${Y}`, null);
  for (const refused of ['gzip;q=0', 'identity', 'br, deflate', '*;q=0']) {
    const r = await raw(team, `/review?year=${Y}`, refused);
    assert.equal(r.headers['content-encoding'], undefined, `${refused}: not gzipped`);
    assert.ok(r.body.equals(plain.body), `${refused}: the page as it is`);
  }
  const gz = await raw(team, `/review?year=${Y}`, 'gzip');
  const head = await raw(team, `/review?year=${Y}`, 'gzip', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.headers['content-length'], String(gz.body.length), 'HEAD: the length GET sends');
  assert.equal(head.body.length, 0, 'HEAD: no body');
});

test('a change in the county-year is in the next gzipped page', async () => {
  const team = await loginAs('Z', 'TEAM');
  const rows = sql(`SELECT id, name FROM agencies WHERE county_id = ${Z} AND parent_id IS NULL AND active = 1 ORDER BY id LIMIT 1`);
  assert.equal(rows.length, 1, 'a 一級 agency in county Z');
  const [id, name] = rows[0];
  const page = `/review?year=${Y}`;
  // The same bytes in another order: a page of the same length, so only its bytes tell them apart.
  const mark = [...name].slice(1).concat([...name][0]).join('');
  assert.notEqual(mark, name);
  const before = await samePage(team, page);
  assert.ok(before.includes(name) && !before.includes(mark));
  // A rename as the agencies page does it: the name, and an outbox row for the county-year.
  const rename = (to) => sql(`UPDATE agencies SET name = '${to}' WHERE id = ${id};
    INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, ${id}, NOW(3))`);
  rename(mark);
  try {
    const after = await samePage(team, page);
    assert.ok(after.includes(mark), 'the new name is in the inflated page');
  } finally {
    rename(name);
  }
  const back = await samePage(team, page);
  assert.ok(back.includes(name) && !back.includes(mark), 'and the old one again once it was taken back');
});
