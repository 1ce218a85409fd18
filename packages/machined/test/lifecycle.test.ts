import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventRing } from '../src/events/event-ring.ts';
import { Sequencer } from '../src/sequencer/sequencer.ts';
import { lifecycleSequences, type LifecycleActions } from '../src/sequencer/lifecycle.ts';
import { phase, task } from '../src/sequencer/sequence.ts';
import { Supervisor } from '../src/services/supervisor.ts';
import { alive, nodeProgram, pidFrom, sleeper } from './helpers.ts';

function recorder(): LifecycleActions & { done: string[] } {
  const done: string[] = [];
  const act = (what: string): Promise<void> => {
    done.push(what);
    return Promise.resolve();
  };
  return {
    done,
    reboot: () => act('reboot'),
    shutdown: () => act('shutdown'),
    wipe: () => act('wipe'),
  };
}

test('boot starts the services and waits for them; reset stops them, wipes and reboots', async (t) => {
  const events = new EventRing();
  const sup = new Supervisor({ events });
  t.after(() => sup.close());
  sup.register({ id: 'machined', runner: nodeProgram(sleeper) });
  sup.register({
    id: 'apid',
    runner: nodeProgram(sleeper),
    dependsOn: ['machined'],
    health: { check: async () => {}, settings: { initialDelayMs: 5 } },
  });
  const actions = recorder();
  const loaded: string[] = [];
  const seqs = lifecycleSequences({
    supervisor: sup,
    actions,
    bootPhases: [
      phase(
        'config',
        task('loadConfig', () => {
          loaded.push('config');
          return Promise.resolve();
        }),
      ),
    ],
    waitUp: ['apid'],
  });
  const sequencer = new Sequencer({ events });
  await sequencer.run(seqs.boot, { signal: AbortSignal.timeout(10_000) });
  assert.deepEqual(loaded, ['config']);
  assert.equal(sup.get('apid').health.healthy, true);
  const pids = ['machined', 'apid'].map((id) =>
    pidFrom(sup.get(id).events.find((e) => e.state === 'Running')!.message),
  );

  await sequencer.run(seqs.reset({ reboot: true }));
  assert.deepEqual(actions.done, ['wipe', 'reboot']);
  assert.deepEqual(
    sup.list().map((s) => s.state),
    ['Finished', 'Finished'],
  );
  for (const pid of pids) assert.ok(!alive(pid));
  const tasks = events
    .list({ tailEvents: -1 })
    .flatMap((e) => (e.payload.type === 'task' && e.payload.action === 'stop' ? [e.payload.task] : []));
  assert.deepEqual(tasks, ['loadConfig', 'startAllServices', 'waitUp:apid', 'stopAllServices', 'wipe', 'reboot']);
});

test('shutdown during boot takes over: boot stops waiting, services stop, the node shuts down', async (t) => {
  const sup = new Supervisor();
  t.after(() => sup.close());
  sup.register({
    id: 'never-healthy',
    runner: nodeProgram(sleeper),
    health: { check: () => Promise.reject(new Error('no')), settings: { initialDelayMs: 5, periodMs: 10 } },
  });
  const actions = recorder();
  const seqs = lifecycleSequences({ supervisor: sup, actions, waitUp: ['never-healthy'] });
  const sequencer = new Sequencer();
  const boot = sequencer.run(seqs.boot);
  await sup.waitFor('never-healthy', ['Running'], { signal: AbortSignal.timeout(10_000) });
  const bootEnd = assert.rejects(boot, /taken over by "shutdown"/);
  await sequencer.run(seqs.shutdown);
  await bootEnd;
  assert.deepEqual(actions.done, ['shutdown']);
  assert.equal(sup.get('never-healthy').state, 'Finished');
});
