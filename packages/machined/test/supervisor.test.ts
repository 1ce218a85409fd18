import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventRing } from '../src/events/event-ring.ts';
import { fileExists } from '../src/services/conditions.ts';
import { isServiceNotFoundError, isServiceSpecError } from '../src/services/service.ts';
import { Supervisor } from '../src/services/supervisor.ts';
import { taskRunner } from '../src/services/task-runner.ts';
import { activeHandles, alive, eventually, nodeProgram, pidFrom, sleeper } from './helpers.ts';

function newSupervisor(t: { after: (fn: () => Promise<void>) => void }, events?: EventRing): Supervisor {
  const sup = new Supervisor({ conditionPollMs: 20, ...(events ? { events } : {}) });
  t.after(() => sup.close());
  return sup;
}

const signal = (): AbortSignal => AbortSignal.timeout(10_000);

test('unknown ids, duplicates, bad ids and unknown dependencies are refused clearly', (t) => {
  const sup = newSupervisor(t);
  assert.throws(
    () => {
      sup.start('nope');
    },
    (e: unknown) => isServiceNotFoundError(e) && /service "nope" not found; known services: \(none\)/.test(e.message),
  );
  sup.register({ id: 'a', runner: nodeProgram(sleeper) });
  assert.throws(() => {
    sup.register({ id: 'a', runner: nodeProgram(sleeper) });
  }, isServiceSpecError);
  assert.throws(() => {
    sup.register({ id: 'Bad Id', runner: nodeProgram(sleeper) });
  }, /"Bad Id" is not valid/);
  assert.throws(() => {
    sup.register({ id: 'b', dependsOn: ['c'], runner: nodeProgram(sleeper) });
  }, /depends on "c", which is not registered/);
  assert.throws(() => sup.logs('zzz'), /known services: a/);
});

test('a program that cannot start fails with the reason', async (t) => {
  const sup = newSupervisor(t);
  sup.register({ id: 'missing', restart: 'never', runner: nodeProgram('', { command: '/nonexistent/bin/x' }) });
  sup.start('missing');
  const info = await sup.waitFor('missing', ['Failed'], { signal: signal() });
  assert.match(
    info.events.at(-1)!.message,
    /failed to start \/nonexistent\/bin\/x: spawn \/nonexistent\/bin\/x ENOENT/,
  );
});

test('a service runs, logs, and a killed one is restarted and returns to Running', async (t) => {
  const events = new EventRing();
  const sup = newSupervisor(t, events);
  sup.register({ id: 'web', runner: nodeProgram(sleeper), backoff: { initialMs: 50 } });
  sup.start('web');
  const first = await sup.waitFor('web', ['Running'], { signal: signal() });
  const pid = pidFrom(first.events.at(-1)!.message);
  await eventually(() => (sup.logs('web').tail(1)[0] === 'ready' ? true : undefined));
  process.kill(pid, 'SIGKILL');
  // Failed is passed in the same tick as Waiting: wait for the new process instead.
  const again = await eventually(() => {
    const i = sup.get('web');
    return i.state === 'Running' && pidFrom(i.events.at(-1)!.message) !== pid ? i : undefined;
  });
  const pid2 = pidFrom(again.events.at(-1)!.message);
  const states = again.events.map((e) => e.state);
  assert.deepEqual(states.slice(-4), ['Failed', 'Waiting', 'Preparing', 'Running']);
  assert.match(again.events.at(-4)!.message, /was killed by SIGKILL/);
  await eventually(() => (sup.logs('web').tail(2).join() === 'ready,ready' ? true : undefined));
  const published = events.list({ tailEvents: -1 }).filter((e) => e.payload.type === 'service-state');
  assert.ok(published.length >= 6);
  await sup.stop('web');
  assert.equal(sup.get('web').state, 'Finished');
  assert.ok(!alive(pid2));
});

test('a crash-looping service backs off exponentially up to the cap', async (t) => {
  const sup = newSupervisor(t);
  sup.register({
    id: 'crash',
    runner: nodeProgram('process.exit(3)'),
    backoff: { initialMs: 20, factor: 2, maxMs: 80 },
  });
  sup.start('crash');
  const info = await eventually(() => {
    const i = sup.get('crash');
    return i.events.filter((e) => e.message.startsWith('restarting in')).length >= 5 ? i : undefined;
  }, 15_000);
  const delays = info.events
    .filter((e) => e.message.startsWith('restarting in'))
    .map((e) => Number(/in (\d+) ms/.exec(e.message)?.[1]));
  assert.deepEqual(delays.slice(0, 5), [20, 40, 80, 80, 80]);
  assert.ok(info.events.some((e) => e.state === 'Failed' && e.message.endsWith('exited with code 3')));
  assert.ok(info.events.length <= 64);
});

test('restart policies: on-failure leaves a clean exit Finished, never leaves a failure Failed', async (t) => {
  const sup = newSupervisor(t);
  sup.register({ id: 'ok', restart: 'on-failure', runner: nodeProgram('process.exit(0)') });
  sup.register({ id: 'bad', restart: 'never', runner: nodeProgram('process.exit(1)') });
  sup.startAll();
  await sup.waitFor('ok', ['Finished'], { signal: signal() });
  await sup.waitFor('bad', ['Failed'], { signal: signal() });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(sup.get('ok').events.filter((e) => e.state === 'Running').length, 1);
  assert.equal(sup.get('bad').state, 'Failed');
});

test('dependencies and conditions hold a service in Waiting; stopAll goes in reverse order', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-sup-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const flag = join(dir, 'flag');
  const sup = newSupervisor(t);
  sup.register({ id: 'db', runner: nodeProgram(sleeper), conditions: [fileExists(flag)] });
  sup.register({ id: 'app', runner: nodeProgram(sleeper), dependsOn: ['db'] });
  sup.start('app');
  sup.start('db');
  const waiting = await sup.waitFor('db', ['Waiting'], { signal: signal() });
  assert.match(waiting.events.at(-1)!.message, /waiting for file .*flag to exist/);
  assert.match(
    (await sup.waitFor('app', ['Waiting'], { signal: signal() })).events.at(-1)!.message,
    /waiting for service "db"/,
  );
  await writeFile(flag, '');
  await sup.waitFor('app', ['Running'], { signal: signal() });
  await sup.stopAll();
  const appStop = sup.get('app').events.find((e) => e.state === 'Stopping')!.time;
  const dbStop = sup.get('db').events.find((e) => e.state === 'Stopping')!.time;
  assert.ok(appStop <= dbStop);
  assert.equal(sup.get('app').state, 'Finished');
});

test('a service without platform support is Skipped with the reason', async (t) => {
  const sup = newSupervisor(t);
  sup.register({
    id: 'udevd',
    runner: nodeProgram(sleeper),
    unsupported: () => 'udevd needs the metal platform; this is the process platform',
  });
  sup.register({ id: 'asroot', runner: nodeProgram(sleeper, { uid: 12345, gid: 12345 }) });
  sup.startAll();
  const info = await sup.waitFor('udevd', ['Skipped'], { signal: signal() });
  assert.equal(info.events.at(-1)!.message, 'udevd needs the metal platform; this is the process platform');
  if (process.getuid?.() !== 0) {
    const root = await sup.waitFor('asroot', ['Skipped'], { signal: signal() });
    assert.match(root.events.at(-1)!.message, /needs root/);
  }
});

test('restart by id returns the service to Running with a new process', async (t) => {
  const sup = newSupervisor(t);
  sup.register({ id: 'svc', runner: nodeProgram(sleeper) });
  sup.register({
    id: 'inproc',
    runner: taskRunner(
      'inproc',
      ({ signal: s }) =>
        new Promise((r) => {
          s.addEventListener('abort', () => {
            r();
          });
        }),
    ),
  });
  sup.startAll();
  const pid = pidFrom((await sup.waitFor('svc', ['Running'], { signal: signal() })).events.at(-1)!.message);
  await sup.restart('svc');
  const pid2 = pidFrom((await sup.waitFor('svc', ['Running'], { signal: signal() })).events.at(-1)!.message);
  assert.notEqual(pid, pid2);
  assert.ok(!alive(pid));
  await sup.restart('inproc');
  await sup.waitFor('inproc', ['Running'], { signal: signal() });
  assert.ok(sup.get('inproc').events.some((e) => e.message === 'service stopped: task inproc stopped'));
});

test('closing the supervisor leaves no process, timer or pipe behind', async () => {
  await new Promise((r) => setTimeout(r, 50));
  const before = activeHandles();
  const sup = new Supervisor({ conditionPollMs: 20 });
  sup.register({
    id: 'a',
    runner: nodeProgram(sleeper),
    health: { check: async () => {}, settings: { initialDelayMs: 1, periodMs: 10 } },
  });
  sup.register({ id: 'b', runner: nodeProgram(sleeper), dependsOn: ['a'] });
  sup.register({ id: 'c', runner: nodeProgram('process.exit(1)'), backoff: { initialMs: 60_000 } });
  sup.register({ id: 'd', runner: nodeProgram(sleeper), conditions: [fileExists('/nonexistent/bronze')] });
  sup.startAll();
  const pids = [
    pidFrom((await sup.waitFor('a', ['Running'], { signal: signal() })).events.at(-1)!.message),
    pidFrom((await sup.waitFor('b', ['Running'], { signal: signal() })).events.at(-1)!.message),
  ];
  await eventually(() => (sup.get('c').events.at(-1)?.message.startsWith('restarting in') === true ? true : undefined));
  await eventually(() => (sup.logs('a').tail(1)[0] === 'ready' ? true : undefined));
  const follower = sup.logs('a').follow({ signal: new AbortController().signal });
  const next = follower.next();
  await sup.close();
  assert.deepEqual(await next, { done: false, value: 'ready' });
  assert.deepEqual(await follower.next(), { done: true, value: undefined });
  assert.deepEqual(
    sup.list().map((s) => s.state),
    ['Finished', 'Finished', 'Finished', 'Finished'],
  );
  for (const pid of pids) assert.ok(!alive(pid));
  // libuv closes process and pipe handles one loop turn after the exit has been reported.
  await eventually(() => (JSON.stringify(activeHandles()) === JSON.stringify(before) ? true : undefined), 1000).catch(
    () => {
      assert.deepEqual(activeHandles(), before);
    },
  );
  assert.throws(() => {
    sup.start('a');
  }, /supervisor is closed/);
});

test('killAllSync reaches every running program at once, for machined exiting in a hurry', async (t) => {
  const sup = newSupervisor(t);
  const stubborn = `process.on('SIGTERM', () => {}); ${sleeper}`;
  sup.register({ id: 'a', runner: nodeProgram(stubborn), restart: 'never' });
  sup.register({ id: 'b', runner: nodeProgram(stubborn), restart: 'never' });
  sup.startAll();
  const pids = await Promise.all(
    ['a', 'b'].map(async (id) =>
      pidFrom((await sup.waitFor(id, ['Running'], { signal: signal() })).events.at(-1)!.message),
    ),
  );
  sup.killAllSync();
  await eventually(() => (pids.every((p) => !alive(p)) ? true : undefined), 2000);
  await sup.waitFor('a', ['Failed'], { signal: signal() });
  assert.match(sup.get('a').events.at(-1)!.message, /killed by SIGKILL/);
});

test('an aborted wait for a stop ends the wait, not the stop', async (t) => {
  const sup = newSupervisor(t);
  sup.register({
    id: 'slow',
    runner: nodeProgram(`process.on('SIGTERM', () => {}); ${sleeper}`, { killTimeoutMs: 300 }),
  });
  sup.start('slow');
  const pid = pidFrom((await sup.waitFor('slow', ['Running'], { signal: signal() })).events.at(-1)!.message);
  await eventually(() => (sup.logs('slow').tail(1)[0] === 'ready' ? true : undefined));
  await assert.rejects(sup.stop('slow', { signal: AbortSignal.timeout(20) }), /TimeoutError|timeout/i);
  assert.equal(sup.get('slow').state, 'Stopping');
  await sup.waitFor('slow', ['Finished'], { signal: signal() });
  assert.ok(!alive(pid));
});
