// quality_yield.test.mjs: full recomputes first.  While the rollup worker has a county-wide outbox row
// to take (a startup check's, an import's, factor day's rollups), the quality worker waits for it and
// runs as soon as it is done; a save's row (an agency's) does not hold it back.  The rollup worker is
// stopped while the rows are made, so they stay pending for as long as the test needs; it is started
// again in any case.  On 連江縣 (Z) 2016, whose full recompute the rows ask for (done at the end).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, sql, stack, waitFor } from '../lib.mjs';

const Y = 2016;
const [[Z]] = sql("SELECT id FROM counties WHERE letter = 'Z'");
const [[AGENCY]] = sql(`SELECT id FROM agencies WHERE county_id = ${Z} AND code = '371036500X'`);
const queue = () => sql(`SELECT requests, done_for FROM quality_queue WHERE county_id = ${Z} AND year = ${Y}`)[0].map(Number);
const pending = () => Number(sql(`SELECT COUNT(*) FROM outbox WHERE county_id = ${Z} AND year = ${Y} AND done_at IS NULL`)[0][0]);
const request = () => sql(`INSERT INTO quality_queue (county_id, year, requests, requested_at) VALUES (${Z}, ${Y}, 1, NOW(3))
  ON DUPLICATE KEY UPDATE requests = requests + 1, requested_at = NOW(3)`);
const served = () => { const [r, d] = queue(); return d >= r; };

async function settled() {
  await waitFor('the outbox and the quality queue to drain', () => sql(`SELECT (SELECT COUNT(*) FROM outbox WHERE done_at IS NULL)
    + (SELECT COUNT(*) FROM quality_queue WHERE done_for < requests)`)[0][0] === '0', 60000, 200);
}

after(() => stack('start-service', 'worker'));

test('a county-wide row pending: the quality worker waits for it, then runs once it is done', async () => {
  await settled();
  stack('stop-service', 'worker');
  try {
    sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, NULL, NOW(3))`);
    request();
    // Without the wait the quality worker would have run it by now: it looks every second (its poll),
    // and a county-year it ran just before waits its gap, 3 s at most after that run (quality_pace.c).
    await sleep(5000);
    assert.ok(!served(), `the request waits while the full recompute is pending (${queue()})`);
  } finally {
    stack('start-service', 'worker');
  }
  await waitFor('the full recompute', () => pending() === 0, 30000, 100);
  await waitFor('the quality run after it', served, 30000, 100);
});

test('an agency\'s row pending (a save\'s): the quality worker does not wait for it', async () => {
  await settled();
  stack('stop-service', 'worker');
  try {
    sql(`INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (${Z}, ${Y}, ${AGENCY}, NOW(3))`);
    request();
    await waitFor('the quality run beside the pending save', served, 15000, 100);
    assert.equal(pending(), 1, 'the save\'s row still pending: the run did not wait for it');
  } finally {
    stack('start-service', 'worker');
  }
  await settled();
});
