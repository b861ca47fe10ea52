// import_hostile.test.mjs: hostile .xlsx files uploaded to 批次匯入 (workbooks built here with
// Python's zipfile): each is refused beside the file field with a 400 and its reason, nothing is
// stored, and the FastCGI processes' resident memory stays below RSS_BOUND while they read them;
// a urlencoded POST after an upload, in the same process, sees no file of the earlier request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, TMP, csrfOf, sql, pidOf, uploadImport, loginAs } from '../lib.mjs';

// The bound asserted on every FastCGI process, peak (VmHWM) and after (VmRSS). Measured on the
// test stack: a process serving these uploads peaks at 10-14 MB (2-6 MB before) and holds 6 MB
// after; one that served a 3.2 MB workbook (28 MB of sheet XML), its preview and a login (argon2
// takes 19 MB) peaked at 40 MB and held 21 MB after. The old reader held 737-756 MB after one
// of these files.
const RSS_BOUND_KB = 64 * 1024;

const team = () => loginAs('W', 'TEAM');

const upload = (c, name, bytes) => uploadImport(c, name, bytes, 60000);

// A workbook: the parts of a minimal valid one, some replaced. A part is a string or
// [prefix, unit, count, suffix] (built in Python: 80 MB are no JSON to pass).
// lie: { part, size } writes `size` as the part's uncompressed size in both zip headers.
const BUILD = String.raw`
import json, struct, sys, zipfile
spec = json.load(sys.stdin)
parts = {
    '[Content_Types].xml': '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/workbook.xml': '<workbook xmlns:r="r"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/sharedStrings.xml': '<sst><si><t>ABCD0001</t></si></sst>',
    'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
}
for k, v in spec['parts'].items():
    parts[k] = v if isinstance(v, str) else v[0] + v[1] * v[2] + v[3]
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for k, v in parts.items():
        z.writestr(k, v.encode())
lie = spec.get('lie')
if lie:
    data = bytearray(open(sys.argv[1], 'rb').read())
    z = zipfile.ZipFile(sys.argv[1])
    info = z.getinfo(lie['part'])
    struct.pack_into('<I', data, info.header_offset + 22, lie['size'])
    cd = struct.unpack_from('<I', data, len(data) - 6)[0]
    while True:
        name_len = struct.unpack_from('<H', data, cd + 28)[0]
        extra, comment = struct.unpack_from('<HH', data, cd + 30)
        if data[cd + 46:cd + 46 + name_len].decode() == lie['part']:
            struct.pack_into('<I', data, cd + 24, lie['size'])
            break
        cd += 46 + name_len + extra + comment
    open(sys.argv[1], 'wb').write(data)
`;

let serial = 0;
function workbook(parts, lie) {
  const file = path.join(TMP, `hostile-${process.pid}-${serial++}.xlsx`);
  execFileSync('/usr/bin/python3', ['-c', BUILD, file], { input: JSON.stringify({ parts, lie }) });
  const bytes = fs.readFileSync(file);
  fs.unlinkSync(file);
  return bytes;
}

const SHEET = 'xl/worksheets/sheet1.xml';
const HOSTILE = [
  { what: '5.2 million elements nested in sheet1.xml (16 KB)', parts: { [SHEET]: ['<worksheet>', '<a>', 5200000, ''] },
    message: /xl\/worksheets\/sheet1\.xml 的 XML 巢狀超過 64 層/ },
  { what: '5.2 million elements nested in workbook.xml', parts: { 'xl/workbook.xml': ['<workbook>', '<a>', 5200000, ''] },
    message: /xl\/workbook\.xml 的 XML 巢狀超過 64 層/ },
  { what: '3.1 million empty shared strings (24 KB)', parts: { 'xl/sharedStrings.xml': ['<sst>', '<si/>', 3100000, '</sst>'] },
    message: /共用字串超過 200000 個/ },
  { what: 'a zip bomb: a sheet inflating to 80 MB', parts: { [SHEET]: ['<worksheet><sheetData><row><c t="inlineStr"><is><t>', 'x', 80 << 20, '</t></is></c></row></sheetData></worksheet>'] },
    message: /xl\/worksheets\/sheet1\.xml 解壓縮後超過 64 MB/ },
  { what: 'the same bomb, its headers saying 2,000 bytes', parts: { [SHEET]: ['<worksheet><sheetData><row><c t="inlineStr"><is><t>', 'x', 80 << 20, '</t></is></c></row></sheetData></worksheet>'] },
    lie: { part: SHEET, size: 2000 }, message: /xl\/worksheets\/sheet1\.xml 解壓縮後超過 64 MB/ },
  { what: 'billion laughs (entities in a DOCTYPE) in the sheet',
    parts: { [SHEET]: '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
      + '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
      + '<worksheet><sheetData><row><c t="inlineStr"><is><t>&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;</t></is></c></row></sheetData></worksheet>' },
    message: /xl\/worksheets\/sheet1\.xml 含有 DOCTYPE/ },
  { what: 'a DOCTYPE in workbook.xml', parts: { 'xl/workbook.xml': '<!DOCTYPE workbook><workbook/>' }, message: /xl\/workbook\.xml 含有 DOCTYPE/ },
  { what: '400,000 distinct element names in the sheet', parts: { [SHEET]: '<worksheet>' + Array.from({ length: 400000 }, (_, i) => `<n${i}/>`).join('') + '</worksheet>' },
    message: /xl\/worksheets\/sheet1\.xml 的 XML 結構過於複雜/ },
  { what: 'more than a million elements in the sheet', parts: { [SHEET]: ['<worksheet>', '<x/>', 1000001, '</worksheet>'] },
    message: /xl\/worksheets\/sheet1\.xml 含有超過 1000000 個 XML 元素/ },
  ...['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', SHEET].map((part) => ({
    what: `malformed XML in ${part}`, parts: { [part]: '<a>\n<b></a>' },
    message: new RegExp(`${part.replace(/[.[\]]/g, '\\$&')} 第 2 行不是正確的 XML`),
  })),
];

// The FastCGI processes (children of the web supervisor): pid -> { rss, hwm } in kB.
function children() {
  const web = pidOf('web');
  assert.ok(web, 'the web supervisor runs');
  const pids = execFileSync('pgrep', ['-P', String(web)], { encoding: 'utf8' }).trim().split('\n').map(Number);
  assert.ok(pids.length >= 2, 'several FastCGI processes');
  return Object.fromEntries(pids.map((pid) => {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(status.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))[1]);
    return [pid, { rss: kb('VmRSS'), hwm: kb('VmHWM') }];
  }));
}

const imports = () => Number(sql('SELECT COUNT(*) FROM agency_imports')[0][0]);

test('hostile workbooks are refused beside the file field, nothing stored, every process stays under the bound', async () => {
  const c = await team();
  const files = HOSTILE.map((h) => ({ ...h, bytes: workbook(h.parts, h.lie) }));
  for (const f of files) assert.ok(f.bytes.length < 4 << 20, `${f.what}: ${f.bytes.length} bytes, within the upload limit`);
  // Peaks from now on only (Linux: "5" resets VmHWM to VmRSS).
  const before = children();
  for (const pid of Object.keys(before)) fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const stored = imports();
  // Each file several times, so every process reads some (the report: four previews, four processes).
  const procs = Object.keys(before).length;
  for (let round = 0; round < procs; round++) {
    for (const f of files) {
      const t0 = Date.now();
      const r = await upload(c, 'hostile.xlsx', f.bytes);
      const ms = Date.now() - t0;
      assert.equal(r.status, 400, `${f.what}: ${r.status}`);
      const field = r.text.match(/<p class="field-error" id="file-error">([^<]*)<\/p>/);
      assert.ok(field, `${f.what}: the reason is beside the file field`);
      assert.match(field[1], f.message, f.what);
      assert.match(r.text, /<input id="file" name="file" type="file"[^>]* aria-invalid="true" aria-describedby="file-error">/);
      assert.ok(ms < 10000, `${f.what}: answered in ${ms} ms`);
    }
  }
  assert.equal(imports(), stored, 'nothing stored');
  const after = children();
  for (const [pid, m] of Object.entries(after)) {
    const was = before[pid] ? `${before[pid].rss} kB before` : 'started since';
    console.log(`# process ${pid}: ${was}, peak ${m.hwm} kB, now ${m.rss} kB`);
    assert.ok(m.hwm < RSS_BOUND_KB, `process ${pid} peaked at ${m.hwm} kB (bound ${RSS_BOUND_KB} kB)`);
    assert.ok(m.rss < RSS_BOUND_KB, `process ${pid} holds ${m.rss} kB (bound ${RSS_BOUND_KB} kB)`);
  }
  assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort(), 'no process died or was replaced');
});

test('a hostile workbook stored before the reader refused it: its preview is refused too, quickly and in bounded memory', async () => {
  const c = await team();
  const bytes = workbook({ 'xl/workbook.xml': ['<workbook>', '<a>', 5200000, ''] });
  const [county, account] = sql("SELECT county_id, id FROM accounts WHERE login = 'TEAM' AND county_id = (SELECT id FROM counties WHERE letter = 'W')")[0];
  sql(`INSERT INTO agency_imports (county_id, account_id, filename, content, created_at) VALUES (${county}, ${account}, 'old.xlsx', 0x${bytes.toString('hex')}, NOW(3))`);
  const id = sql('SELECT MAX(id) FROM agency_imports')[0][0];
  for (let i = 0; i < 8; i++) {
    const t0 = Date.now();
    const r = await c.get(`/team/agencies/import?id=${id}`);
    assert.equal(r.status, 400);
    assert.match(r.text, /<p class="field-error" id="file-error">[^<]*xl\/workbook\.xml 的 XML 巢狀超過 64 層/);
    assert.ok(Date.now() - t0 < 5000);
  }
  for (const [pid, m] of Object.entries(children())) assert.ok(m.rss < RSS_BOUND_KB, `process ${pid} holds ${m.rss} kB`);
  sql(`DELETE FROM agency_imports WHERE id = ${id}`);
});

test('a urlencoded POST after an upload, in the same process, sees no file of the earlier request', async () => {
  const c = await team();
  // A valid file large enough to sit in an arena block of its own (freed at the end of its request).
  const csv = Buffer.from('機關代碼,機關單位名稱,上級機關代碼\n' + Array.from({ length: 3000 }, (_, i) => `RST${String(i).padStart(6, '0')},暫存機關${i},`).join('\n'));
  assert.ok(csv.length > 64 * 1024);
  const stored = imports();
  // Every process serves uploads, then every process serves form posts: the old code read the
  // freed upload as the form post's file (and stored it again, or crashed).
  const procs = Object.keys(children()).length;
  for (let i = 0; i < 3 * procs; i++) {
    const r = await upload(c, 'reset.csv', csv);
    assert.equal(r.status, 303, 'the upload is stored');
  }
  const ids = sql(`SELECT id FROM agency_imports ORDER BY id DESC LIMIT ${3 * procs}`).map((r) => r[0]);
  assert.equal(imports(), stored + 3 * procs);
  for (let i = 0; i < 3 * procs; i++) {
    const page = await c.get('/team/agencies/import');
    const r = await c.post('/team/agencies/import', { csrf: csrfOf(page.text) });
    assert.equal(r.status, 400, `form post ${i}: ${r.status}`);
    assert.match(r.text, /<p class="field-error" id="file-error">請選擇要上傳的 \.csv 或 \.xlsx 檔案。<\/p>/);
  }
  assert.equal(imports(), stored + 3 * procs, 'nothing more stored');
  sql(`DELETE FROM agency_imports WHERE id IN (${ids.join(',')})`);
});
