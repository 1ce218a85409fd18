import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventRing } from '../events/event-ring.ts';
import type { RuntimeEvent } from '../events/runtime-event.ts';
import { phase, task, type Sequence } from './sequence.ts';
import { Sequencer } from './sequencer.ts';
import { isSequenceCanceledError, isSequenceFailedError, isSequenceLockedError } from './sequencer-errors.ts';

function describeEvent(e: RuntimeEvent): string {
  const p = e.payload;
  switch (p.type) {
    case 'sequence':
      return `${p.action} sequence ${p.sequence}${p.error === undefined ? '' : ' !'}`;
    case 'phase':
      return `${p.action} phase ${p.phase}${p.error === undefined ? '' : ' !'}`;
    case 'task':
      return `${p.action} task ${p.task}${p.error === undefined ? '' : ' !'}`;
    case 'service-state':
    case 'config-load-error':
    case 'config-validation-error':
    case 'address':
    case 'machine-status':
    case 'restart':
      return p.type;
  }
}

/** A task that waits until aborted, then rejects with the signal's reason. */
const blocking = (name: string) =>
  task(
    name,
    ({ signal }) =>
      new Promise((_, reject) => {
        signal.addEventListener(
          'abort',
          () => {
            reject(signal.reason as Error);
          },
          { once: true },
        );
      }),
  );

test('an invalid sequence is refused before anything runs', async () => {
  const seq = new Sequencer();
  const bad: Sequence = {
    name: 'boot',
    phases: [
      phase(
        'a',
        task('x', async () => {}),
        task('x', async () => {}),
      ),
      phase('a'),
    ],
  };
  await assert.rejects(seq.run(bad), /task "x" appears twice in phase "a"; phase "a" appears twice/);
  assert.equal(seq.running, undefined);
});

test('a failed task fails its phase and the sequence, naming the task; later phases do not run', async () => {
  const events = new EventRing();
  const seq = new Sequencer({ events });
  let later = false;
  let siblingAborted = false;
  const boot: Sequence = {
    name: 'boot',
    phases: [
      phase(
        'config',
        task('loadConfig', async () => {}),
      ),
      phase(
        'services',
        task('startEtcd', async () => {
          await sleep(5);
          throw new Error('etcd: data dir /var/lib/etcd is not writable');
        }),
        task('startKubelet', async ({ signal }) => {
          await sleep(5_000, undefined, { signal }).catch(() => {
            siblingAborted = true;
          });
        }),
      ),
      phase(
        'late',
        task('never', () => {
          later = true;
          return Promise.resolve();
        }),
      ),
    ],
  };
  await assert.rejects(seq.run(boot), (err: unknown) => {
    assert.ok(isSequenceFailedError(err));
    assert.equal(
      err.message,
      'sequence "boot" failed: phase "services": task "startEtcd" failed: etcd: data dir /var/lib/etcd is not writable',
    );
    assert.deepEqual([err.phase, err.task], ['services', 'startEtcd']);
    return true;
  });
  assert.ok(!later);
  assert.ok(siblingAborted, 'the sibling task was told to stop');
  assert.equal(seq.running, undefined);
  const got = events.list({ tailEvents: -1 }).map(describeEvent);
  assert.deepEqual(got.slice(0, 5), [
    'start sequence boot',
    'start phase config',
    'start task loadConfig',
    'stop task loadConfig',
    'stop phase config',
  ]);
  assert.deepEqual(got.slice(-3), ['stop task startKubelet', 'stop phase services !', 'stop sequence boot !']);
  assert.ok(got.includes('stop task startEtcd !'));
});

test('tasks of a phase run in parallel; events carry durations and the actor', async () => {
  const events = new EventRing();
  const seq = new Sequencer({ events });
  // Each task waits until all three have started: run one after another, they would never end.
  let startedCount = 0;
  let allStarted: () => void = () => undefined;
  const barrier = new Promise<void>((r) => (allStarted = r));
  const together = (n: string) =>
    task(n, async () => {
      if (++startedCount === 3) allStarted();
      await barrier;
      await sleep(20);
    });
  const { durationMs } = await seq.run(
    { name: 'boot', phases: [phase('p', together('a'), together('b'), together('c'))] },
    { actorId: 'req-1' },
  );
  assert.ok(durationMs >= 15);
  const all = events.list({ tailEvents: -1 });
  assert.ok(all.every((e) => e.actorId === 'req-1'));
  const stops = all.filter((e) => e.payload.type === 'task' && e.payload.action === 'stop');
  assert.equal(stops.length, 3);
  for (const e of stops) assert.ok(e.payload.type === 'task' && (e.payload.durationMs ?? 0) >= 15);
});

test('cancellation through the signal stops the running phase and rejects with a cancellation', async () => {
  const seq = new Sequencer();
  const ac = new AbortController();
  const run = seq.run({ name: 'boot', phases: [phase('wait', blocking('forever'))] }, { signal: ac.signal });
  await sleep(5);
  ac.abort();
  await assert.rejects(
    run,
    (e: unknown) => isSequenceCanceledError(e) && /sequence "boot" was cancelled/.test(e.message),
  );
  assert.equal(seq.running, undefined);
});

test('only one sequence at a time: a second is refused with a clear error', async () => {
  const events = new EventRing();
  const seq = new Sequencer({ events });
  const ac = new AbortController();
  const shutdown = seq.run(
    { name: 'shutdown', phases: [phase('stop', blocking('stopServices'))] },
    { signal: ac.signal },
  );
  await sleep(1);
  await assert.rejects(
    seq.run({ name: 'boot', phases: [] }),
    (e: unknown) =>
      isSequenceLockedError(e) &&
      e.running === 'shutdown' &&
      e.message === 'sequence "shutdown" is running; "boot" cannot take over, try again when it ends',
  );
  assert.ok(events.list({ tailEvents: 1 }).some((e) => e.payload.type === 'sequence' && e.payload.action === 'noop'));
  ac.abort();
  await assert.rejects(shutdown, isSequenceCanceledError);
  await seq.run({ name: 'boot', phases: [] });
});

test('a reboot takes over a running boot: the boot is cancelled first, then the reboot runs', async () => {
  const events = new EventRing();
  const seq = new Sequencer({ events });
  const order: string[] = [];
  const boot = seq.run({
    name: 'boot',
    phases: [
      phase(
        'services',
        task('startAll', async ({ signal }) => {
          await sleep(10_000, undefined, { signal }).catch(() => order.push('boot task stopped'));
          throw new Error('stopped');
        }),
      ),
    ],
  });
  await sleep(5);
  const reboot = seq.run({
    name: 'reboot',
    phases: [
      phase(
        'reboot',
        task('reboot', () => {
          order.push('reboot ran');
          return Promise.resolve();
        }),
      ),
    ],
  });
  await assert.rejects(
    boot,
    (e: unknown) => isSequenceCanceledError(e) && e.message === 'sequence "boot" was taken over by "reboot"',
  );
  await reboot;
  assert.deepEqual(order, ['boot task stopped', 'reboot ran']);
  const seqEvents = events
    .list({ tailEvents: -1 })
    .filter((e) => e.payload.type === 'sequence')
    .map(describeEvent);
  assert.deepEqual(seqEvents, [
    'start sequence boot',
    'stop sequence boot !',
    'start sequence reboot',
    'stop sequence reboot',
  ]);
});
