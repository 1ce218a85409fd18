import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { test } from 'node:test';
import { destroyReady, exclusive, shared, weak, type Controller } from './controller.ts';
import { defineResource } from './definition.ts';
import { Engine } from './engine.ts';
import { isAccessError } from './errors.ts';
import { eventually, startHarness } from './harness.ts';
import { MemoryState } from './memory-state.ts';
import { withSpec } from './resource.ts';

const Source = defineResource({ type: 'Sources.test.bronze.dev', defaultNamespace: 'test', empty: () => ({ n: 0 }) });
const Target = defineResource({ type: 'Targets.test.bronze.dev', defaultNamespace: 'test', empty: () => ({ n: 0 }) });
const Other = defineResource({ type: 'Others.test.bronze.dev', defaultNamespace: 'test', empty: () => ({ n: 0 }) });

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

test('a write outside the declared outputs is refused, and the failure is logged and retried', async (t) => {
  let runs = 0;
  const rogue: Controller = {
    name: 'test.RogueController',
    inputs: [weak(Source)],
    outputs: [exclusive(Target)],
    async run(ctx) {
      runs++;
      for await (const _ of ctx.changes()) await ctx.modify({ type: Other, id: 'x' }, (s) => void (s.n = 1));
    },
  };
  const h = startHarness({ controllers: [rogue] });
  t.after(() => h.stop());
  await h.eventually(() => {
    assert.ok(runs >= 3, `restarted with backoff (runs ${runs})`);
  });
  const entry = h.logger.entries.find((e) => e.level === 'error');
  assert.ok(entry !== undefined);
  assert.equal(entry.fields['controller'], 'test.RogueController');
  assert.ok(isAccessError(entry.fields['error']));
  assert.match(String(entry.fields['error']), /not among its outputs; declare it/);
  assert.deepEqual(await h.state.list(Other.kind()), []);
});

test('bursts of input changes coalesce into few passes', async (t) => {
  const seen: number[] = [];
  const counter: Controller = {
    name: 'test.CountController',
    inputs: [weak(Source)],
    outputs: [exclusive(Target)],
    async run(ctx) {
      for await (const batch of ctx.changes()) {
        seen.push(batch.size);
        const all = await ctx.list<{ n: number }>(Source);
        await ctx.modify({ type: Target, id: 'sum' }, (s) => void (s.n = all.reduce((a, r) => a + r.spec.n, 0)));
      }
    },
  };
  const h = startHarness({ controllers: [counter] });
  t.after(() => h.stop());
  for (let i = 0; i < 200; i++) await h.state.create(Source.make(`s${i}`, { n: 1 }));
  await h.eventually(async () => {
    assert.equal((await h.state.get<{ n: number }>(Target.pointer('sum'))).spec.n, 200);
  });
  assert.ok(seen.length < 200, `200 changes woke the controller ${seen.length} times`);
});

test('register refuses duplicate names and two writers of an exclusive output', () => {
  const mk = (name: string, kind: 'exclusive' | 'shared'): Controller => ({
    name,
    inputs: [],
    outputs: [kind === 'exclusive' ? exclusive(Target) : shared(Target)],
    run: () => Promise.resolve(),
  });
  const e = new Engine(new MemoryState());
  e.register(mk('a', 'shared'), mk('b', 'shared'));
  assert.throws(() => {
    e.register(mk('a', 'shared'));
  }, /controller a is registered twice/);
  assert.throws(() => {
    e.register(mk('c', 'exclusive'));
  }, /an exclusive output has one writer/);
});

test('stop ends waiting, failing and sleeping controllers and leaves no timers', async () => {
  const before = timers();
  const state = new MemoryState();
  const engine = new Engine(state, { backoff: { initialMs: 60_000 } });
  const waiting: Controller = {
    name: 'test.Waiting',
    inputs: [weak(Source)],
    outputs: [],
    async run(ctx) {
      for await (const _ of ctx.changes()) await ctx.list(Source);
    },
  };
  const failed = { yes: false };
  const failing: Controller = {
    name: 'test.Failing',
    inputs: [],
    outputs: [],
    run() {
      failed.yes = true;
      return Promise.reject(new Error('boom'));
    },
  };
  engine.register(waiting, failing);
  engine.start();
  await state.create(Source.make('a'));
  while (!failed.yes) await new Promise((r) => setImmediate(r));
  assert.ok(timers() > before, 'the failing controller waits on a backoff timer');
  await engine.stop();
  assert.equal(timers(), before);
});

test('a controller keeps outputs it wrote this pass and cleans up the rest', async (t) => {
  const mirror: Controller = {
    name: 'test.MirrorController',
    inputs: [weak(Source)],
    outputs: [exclusive(Target)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        for (const s of await ctx.list<{ n: number }>(Source)) {
          await ctx.modify({ type: Target, id: s.metadata.id }, (spec) => void (spec.n = s.spec.n));
        }
        await ctx.cleanupOutputs();
      }
    },
  };
  const h = startHarness({ controllers: [mirror] });
  t.after(() => h.stop());
  await h.state.create(Source.make('a', { n: 1 }));
  const b = await h.state.create(Source.make('b', { n: 2 }));
  await h.eventually(async () => {
    assert.equal((await h.state.list(Target.kind())).length, 2);
  });
  await h.state.update(withSpec(b, { n: 3 }));
  await h.state.destroy(Source.pointer('a'));
  await h.eventually(async () => {
    const ids = (await h.state.list<{ n: number }>(Target.kind())).map((r) => `${r.metadata.id}=${r.spec.n}`);
    assert.deepEqual(ids, ['b=3']);
  });
  const out = await h.state.get(Target.pointer('b'));
  assert.equal(out.metadata.owner, 'test.MirrorController');
});

test('stop leaves no pending promise behind', async () => {
  // Promises made by runtime code (not by this test) while the engine runs, until they resolve.
  const pending = new Map<number, string>();
  let seen = 0;
  const hook = createHook({
    init(id, type) {
      if (type !== 'PROMISE') return;
      const frames = (new Error().stack ?? '').split('\n').slice(4);
      const first = frames.find((f) => f.includes('/packages/runtime/src/'));
      if (first === undefined || first.includes('.test.ts')) return;
      pending.set(id, first.trim());
      seen++;
    },
    promiseResolve(id) {
      pending.delete(id);
    },
  });
  hook.enable();
  try {
    const state = new MemoryState();
    const engine = new Engine(state, { backoff: { initialMs: 60_000 } });
    const chain: Controller = {
      name: 'test.Chain',
      inputs: [weak(Source)],
      outputs: [exclusive(Target)],
      async run(ctx) {
        for await (const _ of ctx.changes()) {
          for (const s of await ctx.list<{ n: number }>(Source)) {
            await ctx.modify({ type: Target, id: s.metadata.id }, (spec) => void (spec.n = s.spec.n));
          }
        }
      },
    };
    engine.register(chain);
    engine.start();
    await state.create(Source.make('a', { n: 1 }));
    await eventually(() => state.get(Target.pointer('a')));
    await engine.stop();
  } finally {
    hook.disable();
  }
  assert.ok(seen > 10, `the hook saw the runtime's promises (${seen})`);
  assert.deepEqual([...pending.values()], [], 'promises made while the engine ran are still pending');
});

test('a destroy-ready input wakes only when a resource is torn down with no finalizers left', async (t) => {
  const woken: string[][] = [];
  const reaper: Controller = {
    name: 'test.Reaper',
    inputs: [destroyReady(Source)],
    outputs: [],
    async run(ctx) {
      for await (const batch of ctx.changes()) woken.push([...batch.values()].map((p) => p.id));
    },
  };
  const h = startHarness({ controllers: [reaper] });
  t.after(() => h.stop());
  await h.eventually(() => {
    assert.deepEqual(woken, [[]], 'the first pass at start');
  });
  const a = await h.state.create(Source.make('a'));
  await h.state.update(withSpec(a, { n: 1 }));
  await h.state.addFinalizer(Source.pointer('a'), 'hold');
  await h.state.teardown(Source.pointer('a'));
  await h.state.create(Source.make('b'));
  await h.state.teardown(Source.pointer('b'));
  await h.eventually(() => {
    assert.deepEqual(woken, [[], ['b']]);
  });
  await h.state.removeFinalizer(Source.pointer('a'), 'hold');
  await h.eventually(() => {
    assert.deepEqual(woken, [[], ['b'], ['a']]);
  });
});
