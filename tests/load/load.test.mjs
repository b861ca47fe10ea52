// load.test.mjs: the short version of make loadtest: 24 agencies at once for 20 s, a mix of page
// views, reviews, 計算 previews and saves; no 5xx, nothing lost or doubled, rollups converge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logMark, seed, run, verify } from './load.mjs';

test('a mixed load for 20 s: no 5xx, every save once, rollups converge', { timeout: 240000 }, async () => {
  const codes = seed(100);
  const logs = logMark();
  const { summary, saved } = await run({ seconds: 20, users: 24, codes });
  console.log(`# ${JSON.stringify(summary)}`);
  const why = () => `${summary.odd.join('; ')}\n${logs()}`;
  assert.equal(summary.errors5xx, 0, `no 5xx: ${summary.errors5xx ? why() : ''}`);
  assert.equal(summary.other, 0, `no unexpected answer: ${summary.other ? why() : ''}`);
  assert.ok(summary.byKind.save.n > 20, `${summary.byKind.save.n} saves`);
  assert.deepEqual(await verify(saved), []);
});
