// The conformance suite every State backend runs (memory-state.test.ts, durable-state.test.ts):
// one function, so that the backends cannot drift apart.
import assert from 'node:assert/strict';
import { suite, test, type TestContext } from 'node:test';
import {
  isConflictError,
  isNotFoundError,
  isOwnerConflictError,
  isPendingFinalizersError,
  isPhaseConflictError,
  isWatchOverflowError,
} from './errors.ts';
import { newResource, withSpec, type Pointer, type Resource } from './resource.ts';
import type { State, WatchEvent, Watcher } from './state.ts';

export interface ConformanceOptions {
  historySize?: number;
}

/** Makes a fresh, empty state for one test; the suite registers clean-up on `t`. */
export type StateFactory = (t: TestContext, options: ConformanceOptions) => Promise<State>;

interface Spec {
  n: number;
  bytes?: Uint8Array;
}

/** A kind in a namespace that a durable backend under test persists. */
const ns = 'config';
const type = 'Things.test.bronze.dev';
const ptr = (id: string): Pointer => ({ namespace: ns, type, id });
const make = (id: string, n = 0, labels: Record<string, string> = {}): Resource<Spec> =>
  newResource(ptr(id), { n }, { labels });

async function take<S>(w: Watcher<S>, count: number): Promise<WatchEvent<S>[]> {
  const out: WatchEvent<S>[] = [];
  while (out.length < count) {
    const r = await w.next();
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

function summary(ev: WatchEvent<Spec>): string {
  if (ev.type === 'bootstrapped') return 'bootstrapped';
  if (ev.type === 'errored') return `errored:${ev.error.name}`;
  return `${ev.type}:${ev.resource.metadata.id}@${ev.resource.metadata.version}`;
}

export function stateConformance(name: string, factory: StateFactory): void {
  void suite(`${name} conforms to State`, () => {
    void test('unhappy paths fail with domain errors that name the resource', async (t) => {
      const s = await factory(t, {});
      await assert.rejects(s.get(ptr('a')), (e) => isNotFoundError(e) && e.message.includes(`${ns}/${type}/a`));
      await assert.rejects(s.update(make('a')), isNotFoundError);
      await assert.rejects(s.destroy(ptr('a')), isNotFoundError);
      await assert.rejects(s.teardown(ptr('a')), isNotFoundError);
      await assert.rejects(s.addFinalizer(ptr('a'), 'f'), isNotFoundError);
      await s.create(make('a'));
      await assert.rejects(s.create(make('a')), isConflictError);
      await assert.rejects(s.update(make('a')), (e) => isConflictError(e) && /version 0/.test(e.message));
    });

    void test('create, update and destroy keep versions and timestamps', async (t) => {
      const s = await factory(t, {});
      const created = await s.create(make('a', 1, { app: 'x' }), { owner: 'ctrl' });
      assert.equal(created.metadata.version, 1);
      assert.equal(created.metadata.owner, 'ctrl');
      assert.equal(created.metadata.phase, 'running');
      assert.equal(created.metadata.created, created.metadata.updated);
      const got = await s.get<Spec>(ptr('a'));
      assert.deepEqual(got, created);
      assert.ok(Object.isFrozen(got.spec) && Object.isFrozen(got.metadata), 'stored resources are frozen');
      const updated = await s.update(withSpec(got, { n: 2 }), { owner: 'ctrl' });
      assert.equal(updated.metadata.version, 2);
      assert.equal(updated.metadata.created, created.metadata.created);
      assert.deepEqual(updated.metadata.labels, { app: 'x' });
      await assert.rejects(s.update(withSpec(got, { n: 3 }), { owner: 'ctrl' }), isConflictError);
      await s.destroy(ptr('a'), { owner: 'ctrl' });
      await assert.rejects(s.get(ptr('a')), isNotFoundError);
      assert.equal((await s.create(make('a'))).metadata.version, 1, 'a re-created resource starts again');
    });

    void test('only the owner changes a resource', async (t) => {
      const s = await factory(t, {});
      const r = await s.create(make('a'), { owner: 'ctrl' });
      await assert.rejects(s.update(r), (e) => isOwnerConflictError(e) && e.message.includes('"ctrl"'));
      await assert.rejects(s.update(r, { owner: 'other' }), isOwnerConflictError);
      await assert.rejects(s.destroy(ptr('a')), isOwnerConflictError);
      await assert.rejects(s.teardown(ptr('a'), { owner: 'other' }), isOwnerConflictError);
      await s.addFinalizer(ptr('a'), 'anyone-may');
    });

    void test('finalizers hold a teardown until they are removed', async (t) => {
      const s = await factory(t, {});
      await s.create(make('a'));
      const f = await s.addFinalizer(ptr('a'), 'f1', 'f2', 'f1');
      assert.deepEqual(f.metadata.finalizers, ['f1', 'f2']);
      assert.equal(f.metadata.version, 2);
      assert.equal((await s.addFinalizer(ptr('a'), 'f1')).metadata.version, 2, 'no change, no new version');
      await assert.rejects(s.destroy(ptr('a')), (e) => isPendingFinalizersError(e) && e.message.includes('f1'));
      assert.equal(await s.teardown(ptr('a')), false);
      const torn = await s.get(ptr('a'));
      assert.equal(torn.metadata.phase, 'tearingDown');
      await assert.rejects(s.update(torn), isPhaseConflictError);
      await assert.rejects(s.addFinalizer(ptr('a'), 'f3'), isPhaseConflictError);
      await s.removeFinalizer(ptr('a'), 'f1', 'f2');
      assert.equal(await s.teardown(ptr('a')), true);
      await s.destroy(ptr('a'));
    });

    void test('list sorts by id and filters by labels', async (t) => {
      const s = await factory(t, {});
      await s.create(make('b', 0, { tier: 'web', zone: 'a' }));
      await s.create(make('a', 0, { tier: 'db' }));
      await s.create(make('c', 0, {}));
      await s.create(newResource({ namespace: 'elsewhere', type, id: 'x' }, { n: 0 }));
      const ids = async (labels?: Parameters<State['list']>[1]) =>
        (await s.list({ namespace: ns, type }, labels)).map((r) => r.metadata.id);
      assert.deepEqual(await ids(), ['a', 'b', 'c']);
      assert.deepEqual(await ids({ labels: [{ key: 'tier', op: 'exists' }] }), ['a', 'b']);
      assert.deepEqual(await ids({ labels: [{ key: 'tier', op: 'equal', value: 'web' }] }), ['b']);
      assert.deepEqual(await ids({ labels: [{ key: 'tier', op: 'not-in', values: ['web'] }] }), ['a', 'c']);
      assert.deepEqual(await ids({ labels: [{ key: 'zone', op: 'not-exists' }] }), ['a', 'c']);
    });

    void test('label terms compare, invert, and ids filter by pattern', async (t) => {
      const s = await factory(t, {});
      await s.create(make('n-2', 0, { size: '2', name: 'b' }));
      await s.create(make('n-10', 0, { size: '10', name: 'a' }));
      await s.create(make('x-1', 0, { size: 'big' }));
      const ids = async (options: Parameters<State['list']>[1]) =>
        (await s.list({ namespace: ns, type }, options)).map((r) => r.metadata.id);
      assert.deepEqual(await ids({ labels: [{ key: 'size', op: 'lt-numeric', value: '5' }] }), ['n-2']);
      assert.deepEqual(await ids({ labels: [{ key: 'size', op: 'lte-numeric', value: '10' }] }), ['n-10', 'n-2']);
      assert.deepEqual(await ids({ labels: [{ key: 'size', op: 'lt', value: '2' }] }), ['n-10']);
      assert.deepEqual(await ids({ labels: [{ key: 'name', op: 'lte', value: 'b' }] }), ['n-10', 'n-2']);
      assert.deepEqual(await ids({ labels: [{ key: 'name', op: 'exists', invert: true }] }), ['x-1']);
      assert.deepEqual(await ids({ idPattern: /^n-/g }), ['n-10', 'n-2']);
      const w = s.watchKind<Spec>({ namespace: ns, type }, { bootstrap: true, idPattern: /^x-/ });
      t.after(() => {
        w.close();
      });
      await s.create(make('n-3'));
      await s.create(make('x-2'));
      assert.deepEqual((await take(w, 3)).map(summary), ['created:x-1@1', 'bootstrapped', 'created:x-2@1']);
    });

    void test('an update may expect another phase than running', async (t) => {
      const s = await factory(t, {});
      await s.create(make('a'), { owner: 'ctl' });
      await s.addFinalizer(ptr('a'), 'f');
      await s.teardown(ptr('a'), { owner: 'ctl' });
      const cur = await s.get<Spec>(ptr('a'));
      await assert.rejects(
        s.update(cur, { owner: 'ctl' }),
        (e) => isPhaseConflictError(e) && /tearingDown/.test(e.message),
      );
      const next = await s.update(withSpec(cur, { n: 9 }), { owner: 'ctl', expectedPhase: 'tearingDown' });
      assert.equal(next.metadata.phase, 'tearingDown');
      assert.deepEqual(next.metadata.finalizers, ['f']);
      await assert.rejects(s.update(next, { owner: 'ctl', expectedPhase: 'running' }), isPhaseConflictError);
    });

    void test('a watch can start with the last changes of its resource or kind', async (t) => {
      const s = await factory(t, {});
      const kind = { namespace: ns, type };
      await s.create(make('a'));
      await s.create(make('b'));
      await s.addFinalizer(ptr('a'), 'f');
      await s.create(make('c'));
      const one = s.watch<Spec>(ptr('a'), { tailEvents: 5 });
      const all = s.watchKind<Spec>(kind, { tailEvents: 2 });
      t.after(() => {
        one.close();
        all.close();
      });
      assert.deepEqual((await take(one, 2)).map(summary), ['created:a@1', 'updated:a@2']);
      assert.deepEqual((await take(all, 2)).map(summary), ['updated:a@2', 'created:c@1']);
    });

    void test('specs with bytes come back equal', async (t) => {
      const s = await factory(t, {});
      await s.create(newResource(ptr('k'), { n: 1, bytes: new Uint8Array([0, 1, 255]) }));
      const got = await s.get<Spec>(ptr('k'));
      assert.deepEqual(got.spec.bytes, new Uint8Array([0, 1, 255]));
    });

    void test('a kind watch bootstraps, then delivers changes with old and new', async (t) => {
      const s = await factory(t, {});
      await s.create(make('a'));
      const w = s.watchKind<Spec>({ namespace: ns, type }, { bootstrap: true });
      t.after(() => {
        w.close();
      });
      const a = await s.get<Spec>(ptr('a'));
      await s.update(withSpec(a, { n: 5 }));
      await s.create(make('b'));
      await s.destroy(ptr('a'));
      const evs = await take(w, 5);
      assert.deepEqual(evs.map(summary), [
        'created:a@1',
        'bootstrapped',
        'updated:a@2',
        'created:b@1',
        'destroyed:a@2',
      ]);
      const upd = evs[2];
      assert.ok(upd?.type === 'updated');
      assert.equal(upd.old.spec.n, 0);
      assert.equal(upd.resource.spec.n, 5);
    });

    void test('a resource watch sees only its resource, from its current state', async (t) => {
      const s = await factory(t, {});
      await s.create(make('a'));
      const ac = new AbortController();
      const w = s.watch<Spec>(ptr('a'), { bootstrap: true, signal: ac.signal });
      t.after(() => {
        ac.abort();
      });
      await s.create(make('b'));
      await s.addFinalizer(ptr('a'), 'f');
      const evs = await take(w, 3);
      assert.deepEqual(evs.map(summary), ['created:a@1', 'bootstrapped', 'updated:a@2']);
      ac.abort();
      assert.equal((await w.next()).done, true, 'aborting ends the watch');
    });

    void test('a watch tails from a revision kept in the history', async (t) => {
      const s = await factory(t, { historySize: 4 });
      const kind = { namespace: ns, type };
      await s.create(make('a'));
      const since = s.revision(kind);
      await s.create(make('b'));
      await s.create(make('c'));
      const w = s.watchKind<Spec>(kind, { sinceRevision: since });
      t.after(() => {
        w.close();
      });
      assert.deepEqual((await take(w, 2)).map(summary), ['created:b@1', 'created:c@1']);
      for (const id of ['d', 'e', 'f', 'g']) await s.create(make(id));
      const old = s.watchKind<Spec>(kind, { sinceRevision: since });
      t.after(() => {
        old.close();
      });
      const [err] = await take(old, 1);
      assert.ok(err?.type === 'errored' && isWatchOverflowError(err.error));
      assert.match(err.error.message, /history keeps/);
      assert.equal((await old.next()).done, true);
    });

    void test('a slow watcher gets an error event and is closed; writers go on', async (t) => {
      const s = await factory(t, { historySize: 8 });
      const w = s.watchKind<Spec>({ namespace: ns, type });
      t.after(() => {
        w.close();
      });
      for (let i = 0; i < 20; i++) await s.create(make(`r${String(i).padStart(2, '0')}`));
      const evs = await take(w, 10);
      assert.equal(evs.length, 1);
      assert.ok(evs[0]?.type === 'errored' && isWatchOverflowError(evs[0].error));
      assert.match(evs[0].error.message, /fell behind/);
      assert.equal((await s.list({ namespace: ns, type })).length, 20);
    });

    void test('a waiting watcher is woken by a write and ended by close', async (t) => {
      const s = await factory(t, {});
      const w = s.watchKind<Spec>({ namespace: ns, type });
      t.after(() => {
        w.close();
      });
      const pending = w.next();
      await s.create(make('a'));
      const r = await pending;
      assert.ok(r.done !== true && summary(r.value) === 'created:a@1');
      const second = w.next();
      w.close();
      assert.equal((await second).done, true);
    });
  });
}
