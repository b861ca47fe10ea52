// worker.test.mjs: the worker's reliable queue end to end: a ping job, the requeue of a
// dead worker's claimed jobs, finishing the job in hand on SIGTERM, and reconnecting
// after Redis and MariaDB restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { alive, pidOf, redis, sleep, sql, stack, waitFor } from '../lib.mjs';

const token = () => 't' + randomBytes(8).toString('hex');
const runs = (t) => {
  const r = sql(`SELECT runs FROM worker_pings WHERE token = '${t}'`);
  return r.length ? Number(r[0][0]) : 0;
};

test('a job pushed to Redis is claimed, run against MariaDB and acknowledged', async () => {
  const t = token();
  redis('LPUSH', 'cityinv:jobs', `ping ${t}`);
  await waitFor('the ping to be recorded', () => runs(t) === 1);
  await waitFor('the queue to drain', () => redis('LLEN', 'cityinv:jobs') === '0');
  const workers = redis('SMEMBERS', 'cityinv:workers').split('\n').filter(Boolean);
  assert.equal(workers.length, 1, 'one registered worker');
  assert.equal(redis('LLEN', `cityinv:processing:${workers[0]}`), '0', 'acknowledged');
  await sleep(500);
  assert.equal(runs(t), 1, 'run once');
});

test("a dead worker's claimed jobs are requeued and run", async () => {
  const t = token();
  // A worker that claimed a job and died: the job in its list, registered, no heartbeat.
  // (In that order: a real worker registers before it claims, and a reaper running between
  // the two calls must not find an empty list and forget the worker.)
  redis('LPUSH', 'cityinv:processing:ghost-1', `ping ${t}`);
  redis('SADD', 'cityinv:workers', 'ghost-1');
  await waitFor('the orphaned job to run', () => runs(t) === 1, 20000);
  assert.equal(redis('LLEN', 'cityinv:processing:ghost-1'), '0');
  assert.equal(redis('SISMEMBER', 'cityinv:workers', 'ghost-1'), '0', 'the dead worker is forgotten');
});

test('SIGTERM: the worker finishes the job in hand, acknowledges it and exits', async () => {
  const pid = pidOf('worker');
  const id = redis('SMEMBERS', 'cityinv:workers').split('\n').filter(Boolean)[0];
  const t = token();
  redis('LPUSH', 'cityinv:jobs', `ping ${t} 2000`);
  await waitFor('the job to be claimed', () => redis('LLEN', `cityinv:processing:${id}`) === '1');
  process.kill(pid, 'SIGTERM');
  await waitFor('the worker to exit', () => !alive(pid), 15000);
  assert.equal(runs(t), 1, 'the job was finished');
  assert.equal(redis('LLEN', `cityinv:processing:${id}`), '0', 'and acknowledged');
  assert.equal(redis('SISMEMBER', 'cityinv:workers', id), '0', 'the worker unregistered');
  stack('start-service', 'worker');
});

test('a worker killed mid-job loses nothing: another one runs the job again', async () => {
  await waitFor('the new worker to register', () => redis('SCARD', 'cityinv:workers') === '1');
  const pid = pidOf('worker');
  const id = redis('SMEMBERS', 'cityinv:workers').split('\n').filter(Boolean)[0];
  const t = token();
  redis('LPUSH', 'cityinv:jobs', `ping ${t} 1500`);
  await waitFor('the job to be claimed', () => redis('LLEN', `cityinv:processing:${id}`) === '1');
  stack('kill-service', 'worker', 'KILL');
  assert.ok(!alive(pid));
  assert.equal(runs(t), 0, 'killed before it finished');
  stack('start-service', 'worker');
  // The new worker reaps the dead one once its heartbeat (6 s in the test stack) expires.
  await waitFor('the job to run on the new worker', () => runs(t) >= 1, 30000);
});

test('the worker reconnects after Redis restarts', async () => {
  const pid = pidOf('worker');
  stack('stop-service', 'redis');
  await sleep(1500);
  stack('start-service', 'redis');
  const t = token();
  redis('LPUSH', 'cityinv:jobs', `ping ${t}`);
  await waitFor('the job after the Redis restart', () => runs(t) === 1, 20000);
  assert.equal(pidOf('worker'), pid, 'the same worker process');
  assert.ok(alive(pid));
});

test('the worker reconnects after MariaDB restarts', async () => {
  const pid = pidOf('worker');
  stack('stop-service', 'mariadb');
  const t = token();
  redis('LPUSH', 'cityinv:jobs', `ping ${t}`);
  await sleep(1500);
  stack('start-service', 'mariadb');
  await waitFor('the job after the MariaDB restart', () => runs(t) === 1, 30000);
  assert.ok(alive(pid), 'the same worker process');
});
