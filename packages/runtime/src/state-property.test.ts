// Random sequences of operations against a simple model: both backends must give the same results,
// and a kind watcher must see every change, in order, with nothing missed or repeated.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { DurableState } from './durable-state.ts';
import { MemoryState } from './memory-state.ts';
import { newResource, withSpec, type Pointer, type Resource } from './resource.ts';
import type { State, WatchEvent } from './state.ts';

type Op =
  | { op: 'create' | 'destroy' | 'teardown'; id: string; owner: string; n: number }
  | { op: 'update'; id: string; owner: string; n: number; stale: boolean }
  | { op: 'add' | 'remove'; id: string; finalizer: string };

interface Entry {
  version: number;
  owner: string;
  phase: 'running' | 'tearingDown';
  finalizers: string[];
  n: number;
}

const kind = { namespace: 'config', type: 'Props.test.bronze.dev' };
const at = (id: string): Pointer => ({ ...kind, id });
const id = fc.constantFrom('a', 'b', 'c');
const owner = fc.constantFrom('', 'ctl');
const n = fc.integer({ min: 0, max: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('create', 'destroy', 'teardown'), id, owner, n }),
  fc.record({ op: fc.constant('update'), id, owner, n, stale: fc.boolean() }),
  fc.record({ op: fc.constantFrom('add', 'remove'), id, finalizer: fc.constantFrom('f1', 'f2') }),
);

/** Applies an op to the model: the outcome (an error name or "ok") and the change it makes, if any. */
function model(m: Map<string, Entry>, o: Op): { outcome: string; change?: string } {
  const cur = m.get(o.id);
  if (o.op === 'create') {
    if (cur !== undefined) return { outcome: 'ConflictError' };
    m.set(o.id, { version: 1, owner: o.owner, phase: 'running', finalizers: [], n: o.n });
    return { outcome: 'ok', change: `created:${o.id}@1` };
  }
  if (cur === undefined) return { outcome: 'NotFoundError' };
  const bump = (patch: Partial<Entry>) => {
    Object.assign(cur, patch, { version: cur.version + 1 });
    return { outcome: 'ok', change: `updated:${o.id}@${cur.version}` };
  };
  if ('finalizer' in o) {
    // Finalizers are not bound to the owner: anyone may add or remove them.
    const has = cur.finalizers.includes(o.finalizer);
    if (o.op === 'add' && has) return { outcome: 'ok' };
    if (o.op === 'remove' && !has) return { outcome: 'ok' };
    if (o.op === 'add' && cur.phase !== 'running') return { outcome: 'PhaseConflictError' };
    const finalizers =
      o.op === 'add' ? [...cur.finalizers, o.finalizer] : cur.finalizers.filter((f) => f !== o.finalizer);
    return bump({ finalizers });
  }
  if (cur.owner !== o.owner) return { outcome: 'OwnerConflictError' };
  switch (o.op) {
    case 'update':
      if (o.stale) return { outcome: 'ConflictError' };
      if (cur.phase !== 'running') return { outcome: 'PhaseConflictError' };
      return bump({ n: o.n });
    case 'teardown':
      return cur.phase === 'running' ? bump({ phase: 'tearingDown' }) : { outcome: 'ok' };
    case 'destroy':
      if (cur.finalizers.length > 0) return { outcome: 'PendingFinalizersError' };
      m.delete(o.id);
      return { outcome: 'ok', change: `destroyed:${o.id}@${cur.version}` };
  }
}

async function apply(s: State, o: Op): Promise<string> {
  try {
    switch (o.op) {
      case 'create':
        await s.create(newResource(at(o.id), { n: o.n }), { owner: o.owner });
        break;
      case 'update': {
        const cur = await s.get<{ n: number }>(at(o.id)).catch(() => newResource(at(o.id), { n: 0 }));
        const res: Resource<{ n: number }> = withSpec(cur, { n: o.n });
        const stale = o.stale ? { ...res, metadata: { ...res.metadata, version: res.metadata.version - 1 } } : res;
        await s.update(stale, { owner: o.owner });
        break;
      }
      case 'destroy':
        await s.destroy(at(o.id), { owner: o.owner });
        break;
      case 'teardown':
        await s.teardown(at(o.id), { owner: o.owner });
        break;
      case 'add':
        await s.addFinalizer(at(o.id), o.finalizer);
        break;
      case 'remove':
        await s.removeFinalizer(at(o.id), o.finalizer);
        break;
    }
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.name : String(err);
  }
}

function summary(ev: WatchEvent): string {
  return 'resource' in ev ? `${ev.type}:${ev.resource.metadata.id}@${ev.resource.metadata.version}` : ev.type;
}

async function check(s: State, ops: readonly Op[]): Promise<void> {
  const m = new Map<string, Entry>();
  const w = s.watchKind(kind);
  const changes: string[] = [];
  try {
    for (const o of ops) {
      const want = model(m, o);
      if (want.change !== undefined) changes.push(want.change);
      assert.equal(await apply(s, o), want.outcome, JSON.stringify(o));
    }
    const seen: string[] = [];
    while (seen.length < changes.length) {
      const r = await w.next();
      if (r.done === true) break;
      seen.push(summary(r.value));
    }
    assert.deepEqual(seen, changes);
    const listed = (await s.list<{ n: number }>(kind)).map((r) => ({
      id: r.metadata.id,
      version: r.metadata.version,
      owner: r.metadata.owner,
      phase: r.metadata.phase,
      finalizers: [...r.metadata.finalizers],
      n: r.spec.n,
    }));
    const expected = [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, e]) => ({ id: k, ...e }));
    assert.deepEqual(listed, expected);
  } finally {
    w.close();
  }
}

test('MemoryState matches the model and its watchers see every change in order', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), (ops) => check(new MemoryState(), ops)),
    { numRuns: 300 },
  );
});

test('DurableState matches the model, before and after a restart', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bronze-prop-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
      const dir = join(root, String(run++));
      const s = await DurableState.open({ dir, namespaces: ['config'] });
      await check(s, ops);
      const reopened = await DurableState.open({ dir, namespaces: ['config'] });
      assert.deepEqual(await reopened.list(kind), await s.list(kind));
    }),
    { numRuns: 25 },
  );
});

test("concurrent writers never make a watcher miss, repeat or reorder a resource's changes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(id, fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 12 }),
      async (plan) => {
        const s = new MemoryState({ historySize: 1024 });
        const w = s.watchKind(kind);
        try {
          // Each writer updates its resource `times` times; all writers run at once.
          const writers = new Map<string, number>();
          for (const [rid, times] of plan) writers.set(rid, (writers.get(rid) ?? 0) + times);
          await Promise.all(
            [...writers].map(async ([rid, times]) => {
              let r = await s.create(newResource(at(rid), { n: 0 }));
              for (let i = 1; i <= times; i++) r = await s.update(withSpec(r, { n: i }));
            }),
          );
          const total = [...writers.values()].reduce((a, b) => a + b + 1, 0);
          const last = new Map<string, number>();
          let revision = 0;
          for (let i = 0; i < total; i++) {
            const r = await w.next();
            assert.ok(r.done !== true && 'resource' in r.value);
            const ev = r.value;
            assert.equal(ev.revision, ++revision, 'revisions count up by one');
            const m = ev.resource.metadata;
            assert.equal(m.version, (last.get(m.id) ?? 0) + 1, `${m.id}: versions in order, none missing`);
            last.set(m.id, m.version);
          }
          for (const [rid, times] of writers) assert.equal(last.get(rid), times + 1);
        } finally {
          w.close();
        }
      },
    ),
    { numRuns: 100 },
  );
});
