import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exclusive, weak } from './controller.ts';
import { defineResource } from './definition.ts';
import { startHarness } from './harness.ts';
import { queueController } from './queue-controller.ts';
import type { Pointer } from './resource.ts';

const Job = defineResource({ type: 'Jobs.test.bronze.dev', defaultNamespace: 'test', empty: () => ({ n: 0 }) });
const Result = defineResource({ type: 'Results.test.bronze.dev', defaultNamespace: 'test', empty: () => ({ n: 0 }) });

test('queueController reconciles each changed item, retries a failing one and requeues on request', async (t) => {
  const calls = new Map<string, number>();
  const count = (p: Pointer): number => {
    const n = (calls.get(p.id) ?? 0) + 1;
    calls.set(p.id, n);
    return n;
  };
  const c = queueController({
    name: 'test.JobController',
    inputs: [weak(Job)],
    outputs: [exclusive(Result)],
    retry: { initialMs: 1, maxMs: 4 },
    concurrency: 2,
    async reconcile(ctx, item) {
      const n = count(item);
      if (item.id === 'flaky' && n < 3) throw new Error(`attempt ${n} failed`);
      const job = await ctx.find<{ n: number }>(Job, item.id);
      if (job === undefined) return undefined;
      await ctx.modify({ type: Result, id: item.id }, (s) => void (s.n = job.spec.n));
      return item.id === 'poll' && n < 4 ? { requeueAfterMs: 2 } : undefined;
    },
  });
  const h = startHarness({ controllers: [c] });
  t.after(() => h.stop());
  await h.state.create(Job.make('plain', { n: 1 }));
  await h.state.create(Job.make('flaky', { n: 2 }));
  await h.state.create(Job.make('poll', { n: 3 }));
  await h.eventually(async () => {
    const results = (await h.state.list<{ n: number }>(Result.kind())).map((r) => `${r.metadata.id}=${r.spec.n}`);
    assert.deepEqual(results, ['flaky=2', 'plain=1', 'poll=3']);
    assert.equal(calls.get('poll'), 4);
  });
  assert.equal(calls.get('flaky'), 3);
  const failures = h.logger.entries.filter((e) => e.level === 'error');
  assert.equal(failures.length, 2);
  assert.equal(failures[0]?.fields['item'], 'test/Jobs.test.bronze.dev/flaky');
});

test('queueController maps changes to the items they concern and stops its timers on stop', async () => {
  const seen: string[] = [];
  const c = queueController({
    name: 'test.MappedController',
    inputs: [weak(Job)],
    outputs: [],
    map: (p) => [{ ...p, id: p.id.split('-')[0] ?? p.id }],
    reconcile(_ctx, item) {
      seen.push(item.id);
      return Promise.resolve({ requeueAfterMs: 60_000 });
    },
  });
  const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const h = startHarness({ controllers: [c] });
  await h.state.create(Job.make('a-1'));
  await h.eventually(() => {
    assert.ok(seen.includes('a'));
  });
  await h.stop();
  assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, before);
});
