// quality_data.test.mjs: `cityinv-admin migrate` loads factor-uncertainty.csv, quality-defaults.csv and
// nonagency-quality-defaults.csv (SPEC-2 §2b, §2c): the values, idempotent, and a malformed row refused
// with its reason, nothing changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, VAR, dbSecret, sql } from '../lib.mjs';

const admin = (...args) => spawnSync(path.join(BIN, 'cityinv-admin'), ['-c', path.join(VAR, 'cityinv.conf'), ...args],
  { encoding: 'utf8', timeout: 60000, env: { ...process.env, CITYINV_DB_PASSWORD: dbSecret() } });
const DATA = path.join(ROOT, 'migrations', 'data');
const snapshot = () => JSON.stringify([
  sql('SELECT fkey, IFNULL(ci_lower_milli, -1), IFNULL(ci_upper_milli, -1), IFNULL(ci_source, \'\') FROM factors ORDER BY fkey'),
  sql('SELECT item, a1, a2, a3, dq_note, IFNULL(ad_lower_milli, -1), IFNULL(ad_upper_milli, -1), ad_basis, source FROM item_quality_defaults ORDER BY item'),
  sql('SELECT method, a1, a2, a3, dq_note, IFNULL(ad_lower_milli, -1), IFNULL(ad_upper_milli, -1), ad_basis, source FROM nonagency_quality_defaults ORDER BY method'),
]);

test('the factors carry 附表一\'s intervals, normalised to thousandths of a percent', () => {
  assert.deepEqual(sql("SELECT ci_lower_milli, ci_upper_milli FROM factors WHERE fkey = 'elec_grid_2024'"), [['7000', '7000']],
    'electricity: the fraction 0.07 (shown -7.0%) is 7.0 % both sides');
  assert.match(sql("SELECT ci_source FROM factors WHERE fkey = 'elec_grid_2024'")[0][0], /附表一.*normalised/);
  assert.deepEqual(sql("SELECT ci_lower_milli, ci_upper_milli FROM factors WHERE fkey = 'ef113_natural_gas_stationary_CO2'"),
    [['3209', '3922']], 'natural gas CO2: -3.209 / 3.922 percent');
  assert.deepEqual(sql("SELECT ci_lower_milli, ci_upper_milli FROM factors WHERE fkey = 'ef113_diesel_mobile_CH4'"),
    [['58974', '143590']]);
  assert.deepEqual(sql("SELECT COUNT(*) FROM factors WHERE fkey = 'ef113_lpg_mobile_CH4' AND ci_lower_milli IS NULL"), [['1']],
    'NULL in 附表一: no interval (未評估)');
  assert.deepEqual(sql("SELECT COUNT(*) FROM factors WHERE fkey LIKE 'elec_grid\\_%' AND ci_lower_milli IS NULL"), [['0']],
    'every grid year has one');
  const rows = fs.readFileSync(path.join(DATA, 'factor-uncertainty.csv'), 'utf8').trim().split('\n').length - 1;
  assert.equal(Number(sql('SELECT COUNT(*) FROM factors WHERE ci_lower_milli IS NOT NULL')[0][0]), rows, 'one per row of the file');
});

test('the items\' data-quality defaults', () => {
  assert.deepEqual(sql("SELECT a1, a2, a3, ad_lower_milli, ad_upper_milli FROM item_quality_defaults WHERE item = 'electricity'"),
    [['2', '1', '3', '1500', '1500']], '電力 from 台電 bills: 2/1/3, ±1.5 %');
  assert.equal(sql('SELECT COUNT(*) FROM item_quality_defaults')[0][0], '10', 'one per form item');
  assert.deepEqual(sql("SELECT a1, ad_lower_milli IS NULL FROM item_quality_defaults WHERE item = 'refrigerant'"), [['3', '1']],
    'refrigerant top-ups are estimates (A1 3), no AD default');
});

test('the non-agency methods\' defaults: the Tier 1 estimates and process their own; electricity and fuels the agency form\'s', () => {
  const rows = Object.fromEntries(sql("SELECT method, CONCAT_WS('/', a1, a2, a3), IFNULL(ad_lower_milli, 'none') FROM nonagency_quality_defaults")
    .map(([m, a, ad]) => [m, `${a} ${ad}`]));
  assert.deepEqual(rows, {
    process: '2/2/3 none', rice: '2/3/3 none', enteric: '2/3/3 none', manure: '2/3/3 none', landuse: '3/3/3 none',
    landfill: '2/3/3 none', compost: '2/3/3 none', incineration: '2/3/3 none', septic: '3/3/3 none', wastewater: '2/3/3 none',
  }, 'A1 2 for a record (3 for an estimate), A2 3, A3 3, no AD default; no row for elec_* or fuel_*');
  const rows2 = fs.readFileSync(path.join(DATA, 'nonagency-quality-defaults.csv'), 'utf8').trim().split('\n').length - 1;
  assert.equal(Object.keys(rows).length, rows2, 'one per row of the file');
});

test('migrate again changes nothing', () => {
  const before = snapshot();
  const r = admin('migrate');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /quality: \d+ rows from .*factor-uncertainty\.csv/);
  assert.match(r.stdout, /quality: 10 rows from .*\/quality-defaults\.csv/);
  assert.match(r.stdout, /quality: 10 rows from .*nonagency-quality-defaults\.csv/);
  assert.equal(snapshot(), before);
});

// Each bad file: the message migrate must print, and nothing of the reference data changes.
const bad = [
  ['factor-uncertainty.csv', (t) => t.replace(/^elec_grid_2024,7\.0,7\.0,/m, 'elec_grid_2024,7.0x,7.0,'),
    /factor-uncertainty\.csv: row \d+ \(elec_grid_2024\): the bounds must be percents/],
  ['factor-uncertainty.csv', (t) => t.replace(/^elec_grid_2024,7\.0,7\.0,/m, 'elec_grid_2024,-7.0,7.0,'),
    /row \d+ \(elec_grid_2024\): the bounds must be percents/],
  ['factor-uncertainty.csv', (t) => t.replace(/^elec_grid_2024,7\.0,7\.0,/m, 'elec_grid_2024,7.0001,7.0,'),
    /the bounds must be percents with at most 3 decimals/],
  ['factor-uncertainty.csv', (t) => t + 'no_such_factor,1.0,1.0,x\n', /no factor 'no_such_factor'/],
  ['factor-uncertainty.csv', (t) => t + 'elec_grid_2024,1.0,1.0\n', /factor-uncertainty\.csv: row \d+ has 3 fields, not 4/],
  ['quality-defaults.csv', (t) => t.replace(/^electricity,2,1,3,/m, 'electricity,4,1,3,'), /A1, A2 and A3 must be 1, 2 or 3/],
  ['quality-defaults.csv', (t) => t.replace(/^electricity,2,1,3,(.*?),1\.5,1\.5,/m, 'electricity,2,1,3,$1,1.5,,'),
    /both or neither/],
  ['quality-defaults.csv', (t) => t + 'gasoline_car,2,2,3,,,,,x\n', /'gasoline_car' is not a form item/],
  ['nonagency-quality-defaults.csv', (t) => t + 'elec_street,2,1,3,,,,,x\n', /'elec_street' takes the agency form's defaults/],
  ['nonagency-quality-defaults.csv', (t) => t + 'rice_paddy,2,3,3,,,,,x\n', /'rice_paddy' is not a non-agency method/],
  ['nonagency-quality-defaults.csv', (t) => t.replace(/^septic,3,3,3,/m, 'septic,3,0,3,'), /\(septic\): A1, A2 and A3 must be 1, 2 or 3/],
  ['nonagency-quality-defaults.csv', (t) => t.replace(/^septic,.*\n/m, ''), /nonagency-quality-defaults\.csv: no row for the method 'septic'/],
];

for (const [file, edit, message] of bad) {
  test(`a malformed ${file} is refused: ${message}`, () => {
    const p = path.join(DATA, file);
    const orig = fs.readFileSync(p, 'utf8');
    const before = snapshot();
    try {
      const changed = edit(orig);
      assert.notEqual(changed, orig, 'the edit applies');
      fs.writeFileSync(p, changed);
      const r = admin('migrate');
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
    } finally {
      fs.writeFileSync(p, orig);
    }
    assert.equal(snapshot(), before, 'nothing half-written');
  });
}
