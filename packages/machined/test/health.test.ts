import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { access, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portAnswers, tcpAnswers } from '../src/services/conditions.ts';
import { probe } from '../src/services/health.ts';
import { Supervisor } from '../src/services/supervisor.ts';
import { eventually, nodeProgram, sleeper } from './helpers.ts';

const fast = { initialDelayMs: 10, periodMs: 25, timeoutMs: 200 };

test('a probe that hangs times out; one that throws reports why', async () => {
  const never = (s: AbortSignal): Promise<void> =>
    new Promise((_, reject) => {
      s.addEventListener('abort', () => {
        reject(new Error('aborted'));
      });
    });
  assert.deepEqual(await probe(never, 30, new AbortController().signal), {
    healthy: false,
    message: 'health check timed out after 30 ms',
  });
  const fails = (): Promise<void> => Promise.reject(new Error('connection refused'));
  assert.deepEqual(await probe(fails, 30, new AbortController().signal), {
    healthy: false,
    message: 'health check failed: connection refused',
  });
});

test('health turns unhealthy and healthy again; a dependant waits for healthy', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-health-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const flag = join(dir, 'healthy');
  const sup = new Supervisor({ conditionPollMs: 20 });
  t.after(() => sup.close());
  sup.register({ id: 'db', runner: nodeProgram(sleeper), health: { check: () => access(flag), settings: fast } });
  sup.register({ id: 'app', runner: nodeProgram(sleeper), dependsOn: ['db'] });
  sup.startAll();
  const signal = AbortSignal.timeout(10_000);
  await sup.waitFor('db', ['Running'], { signal });
  const unhealthy = await eventually(() => {
    const h = sup.get('db').health;
    return !h.unknown && !h.healthy ? h : undefined;
  });
  assert.match(unhealthy.lastMessage, /health check failed: ENOENT/);
  assert.equal(sup.get('app').state, 'Waiting');
  await writeFile(flag, '');
  await sup.waitUp('db', { signal });
  assert.equal(sup.get('db').health.lastMessage, 'health check successful');
  await sup.waitFor('app', ['Running'], { signal });
  const changedAt = sup.get('db').health.lastChange;
  await unlink(flag);
  await eventually(() => (sup.get('db').health.healthy ? undefined : true));
  assert.ok(sup.get('db').health.lastChange > changedAt);
  const msgs = sup.get('db').events.map((e) => e.message);
  assert.equal(msgs.filter((m) => m === 'health check successful').length, 1, 'only changes are recorded');
});

test('port conditions and tcp probes see a listening port, and not a closed one', async (t) => {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) =>
        server.close(() => {
          r();
        }),
      ),
  );
  const addr = server.address();
  assert.ok(addr !== null && typeof addr === 'object');
  const signal = new AbortController().signal;
  assert.equal(await portAnswers({ host: '127.0.0.1', port: addr.port }).check(signal), true);
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedAddr = closed.address();
  await new Promise<void>((r) =>
    closed.close(() => {
      r();
    }),
  );
  assert.ok(closedAddr !== null && typeof closedAddr === 'object');
  assert.equal(await tcpAnswers({ host: '127.0.0.1', port: closedAddr.port, timeoutMs: 500, signal }), false);
  assert.equal(
    await tcpAnswers({ host: '127.0.0.1', port: addr.port, timeoutMs: 500, signal: AbortSignal.abort() }),
    false,
  );
});
