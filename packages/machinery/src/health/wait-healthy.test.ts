import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthClient } from './health-client.ts';
import { isHealthCheckError } from './health-error.ts';
import { waitHealthy, type HealthCheck, type HealthProgress } from './wait-healthy.ts';

// the checks below never touch the client
const client = {} as HealthClient;
const nodes = { controlPlanes: ['10.5.0.2'], workers: [] };

function flaky(failures: number): HealthCheck & { calls: number } {
  const check = {
    name: 'flaky thing',
    calls: 0,
    run: () => {
      check.calls++;
      return check.calls <= failures ? Promise.reject(new Error(`not yet ${String(check.calls)}`)) : Promise.resolve();
    },
  };
  return check;
}

test('a check that never passes fails after the timeout, naming it with its last error', async () => {
  const check = flaky(Infinity);
  const started = Date.now();
  const err = await waitHealthy(client, { ...nodes, timeout: 200, interval: 20, checks: [check] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isHealthCheckError(err));
  assert.equal(err.check, 'flaky thing');
  assert.equal(err.interrupted, false);
  assert.match(err.message, /^waiting for flaky thing: timed out after 200ms/);
  assert.match((err.cause as Error).message, /^not yet \d+$/);
  assert.ok(Date.now() - started < 1000);
});

test('an aborted signal interrupts the wait at once', async () => {
  const controller = new AbortController();
  setTimeout(() => {
    controller.abort();
  }, 50);
  const err = await waitHealthy(client, {
    ...nodes,
    timeout: 60_000,
    interval: 10_000,
    signal: controller.signal,
    checks: [flaky(Infinity)],
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isHealthCheckError(err) && err.interrupted);
});

test('checks run in order, retried until they pass, each reported as it starts, retries and passes', async () => {
  const events: HealthProgress[] = [];
  const first = flaky(2);
  const second = { ...flaky(0), name: 'second' };
  await waitHealthy(client, {
    ...nodes,
    timeout: 5000,
    interval: 5,
    checks: [first, second],
    onProgress: (e) => events.push(e),
  });
  assert.deepEqual(
    events.map((e) => `${e.kind} ${e.check}${e.kind === 'retry' ? ` ${e.error.message}` : ''}`),
    [
      'start flaky thing',
      'retry flaky thing not yet 1',
      'retry flaky thing not yet 2',
      'pass flaky thing',
      'start second',
      'pass second',
    ],
  );
});

test('an attempt that hangs is cut by the attempt timeout and retried', async () => {
  let calls = 0;
  const hanging: HealthCheck = {
    name: 'hanging',
    run: (ctx) =>
      ++calls === 1
        ? new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => {
              reject(new Error('aborted'));
            });
          })
        : Promise.resolve(),
  };
  const events: string[] = [];
  await waitHealthy(client, {
    ...nodes,
    timeout: 5000,
    interval: 5,
    attemptTimeout: 50,
    checks: [hanging],
    onProgress: (e) => events.push(e.kind === 'retry' ? e.error.message : e.kind),
  });
  assert.deepEqual(events, ['start', 'no answer within 50ms', 'pass']);
});
