import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { EventRing } from './event-ring.ts';
import { isEventQueryError, isEventsLaggedError } from './event-errors.ts';
import type { RuntimeEvent, RuntimeEventPayload } from './runtime-event.ts';

const cfg = (n: number): RuntimeEventPayload => ({ type: 'config-load-error', error: `e${n}` });
const errs = (events: RuntimeEvent[]): string[] =>
  events.map((e) => (e.payload.type === 'config-load-error' ? e.payload.error : '?'));

async function take(it: AsyncIterator<RuntimeEvent>, n: number): Promise<RuntimeEvent[]> {
  const out: RuntimeEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

test('a malformed id or a negative age is refused with a clear error', () => {
  const ring = new EventRing();
  assert.throws(
    () => ring.list({ sinceId: 'nope' }),
    (e: unknown) => isEventQueryError(e) && /"nope" is not an event id/.test(e.message),
  );
  assert.throws(() => ring.list({ tailSeconds: -1 }), isEventQueryError);
  assert.throws(() => ring.subscribe({ signal: AbortSignal.abort(), sinceId: '' }), isEventQueryError);
});

test('the ring keeps the last 1000 events with increasing ids', () => {
  const ring = new EventRing();
  for (let i = 0; i < 1500; i++) ring.publish(cfg(i));
  assert.equal(ring.size, 1000);
  const all = ring.list({ tailEvents: -1 });
  assert.equal(all.length, 1000);
  assert.deepEqual(errs(all.slice(0, 1)), ['e500']);
  const ids = all.map((e) => e.id);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, 1000);
});

test('tail N, since id, tail seconds and actor', () => {
  let now = 1_000_000;
  const ring = new EventRing({ now: () => now });
  const published: RuntimeEvent[] = [];
  for (let i = 0; i < 10; i++) {
    published.push(ring.publish(cfg(i), { actorId: i % 2 === 0 ? 'even' : '' }));
    now += 1000;
  }
  assert.deepEqual(ring.list({}), []);
  assert.deepEqual(errs(ring.list({ tailEvents: 3 })), ['e7', 'e8', 'e9']);
  assert.deepEqual(errs(ring.list({ tailEvents: 99 })).length, 10);
  assert.deepEqual(errs(ring.list({ sinceId: published[6]!.id })), ['e7', 'e8', 'e9']);
  assert.deepEqual(errs(ring.list({ sinceId: published[9]!.id })), []);
  // now is 1_010_000: events at 1_007_000.. are at most 3 s old.
  assert.deepEqual(errs(ring.list({ tailSeconds: 3 })), ['e7', 'e8', 'e9']);
  assert.deepEqual(errs(ring.list({ tailEvents: -1, actorId: 'even' })), ['e0', 'e2', 'e4', 'e6', 'e8']);
  assert.deepEqual(errs(ring.list({ sinceId: published[0]!.id, tailEvents: 1 })).length, 9);
});

test('subscribe yields history then live events, and ends on abort leaving nothing behind', async () => {
  const ring = new EventRing();
  ring.publish(cfg(0));
  ring.publish(cfg(1));
  const ac = new AbortController();
  const it = ring.subscribe({ signal: ac.signal, tailEvents: 1 });
  ring.publish(cfg(2));
  assert.deepEqual(errs(await take(it, 2)), ['e1', 'e2']);
  const pending = take(it, 1);
  await new Promise((r) => setImmediate(r));
  assert.equal(ring.waiting, 1);
  ring.publish(cfg(3));
  assert.deepEqual(errs(await pending), ['e3']);
  const end = it.next();
  ac.abort();
  assert.deepEqual(await end, { done: true, value: undefined });
  assert.equal(ring.waiting, 0);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('a slow subscriber never blocks publishers and gets a clear error naming where to resume', async (t) => {
  const ring = new EventRing({ capacity: 100 });
  const ac = new AbortController();
  t.after(() => {
    ac.abort();
  });
  const it = ring.subscribe({ signal: ac.signal, maxLag: 10 });
  ring.publish(cfg(0));
  const [first] = await take(it, 1);
  for (let i = 1; i <= 50; i++) ring.publish(cfg(i));
  await assert.rejects(
    it.next(),
    (e: unknown) =>
      isEventsLaggedError(e) &&
      e.lastId === first!.id &&
      /fell 50 events behind \(limit 10\); resubscribe with sinceId/.test(e.message),
  );
  assert.deepEqual(errs(ring.list({ sinceId: first!.id })).slice(0, 1), ['e1']);
  assert.equal(ring.waiting, 0);
});

test('a thousand subscribers that go away leave no waiters and no listeners', async () => {
  const ring = new EventRing();
  const ac = new AbortController();
  const its = Array.from({ length: 1000 }, () => ring.subscribe({ signal: ac.signal }));
  const nexts = its.map((it) => it.next());
  await new Promise((r) => setImmediate(r));
  assert.equal(ring.waiting, 1000);
  ac.abort();
  const done = await Promise.all(nexts);
  assert.ok(done.every((r) => r.done === true));
  assert.equal(ring.waiting, 0);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});
