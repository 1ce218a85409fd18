import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { LogRing } from './log-ring.ts';

const line = (i: number): string =>
  `2026-01-01T00:00:00Z level=info msg="request served" n=${i} path=/v1/items/${i % 97}`;

async function take(it: AsyncIterator<string>, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

test('tail of an empty ring, of zero and of more lines than exist', () => {
  const ring = new LogRing();
  assert.deepEqual(ring.tail(10), []);
  ring.write('a\nb\n');
  assert.deepEqual(ring.tail(0), []);
  assert.deepEqual(ring.tail(-1), ['a', 'b'], 'negative means all, as tail_lines -1 in Talos');
  assert.deepEqual(ring.tail(Number.NaN), []);
  assert.deepEqual(ring.tail(99), ['a', 'b']);
});

test('overlong lines are cut and marked', () => {
  const ring = new LogRing({ maxLineLength: 5 });
  ring.append('0123456789');
  assert.deepEqual(ring.tail(1), ['01234…']);
});

test('the ring stays within its byte budget and keeps the newest lines, across compressed chunks', () => {
  const ring = new LogRing({ maxBytes: 64 << 10, chunkBytes: 4 << 10 });
  for (let i = 0; i < 20_000; i++) ring.append(line(i));
  const s = ring.stats();
  assert.ok(s.storedBytes <= 64 << 10, `stored ${s.storedBytes}`);
  assert.ok(s.dropped > 0 && s.lines + s.dropped === 20_000);
  assert.ok(s.rawBytes > 2 * s.storedBytes, `compression keeps more: raw ${s.rawBytes} stored ${s.storedBytes}`);
  const tail = ring.tail(3000);
  assert.equal(tail.length, 3000);
  assert.deepEqual(tail.slice(-2), [line(19_998), line(19_999)]);
  assert.equal(tail[0], line(17_000));
  const all = ring.tail(Number.MAX_SAFE_INTEGER);
  assert.equal(all.length, s.lines);
  assert.equal(all[0], line(s.dropped));
});

test('utf-8 and empty lines survive compression', () => {
  const ring = new LogRing({ maxBytes: 4096, chunkBytes: 64 });
  const lines = ['', 'héllo wörld ✓', '', '日本語のログ', 'tab\there'];
  for (let i = 0; i < 5; i++) for (const l of lines) ring.append(l);
  assert.deepEqual(ring.tail(5), lines);
  assert.equal(ring.tail(25).length, 25);
});

test('follow yields the tail, then new lines as they come, and ends on abort', async (t) => {
  const ring = new LogRing({ maxBytes: 8192, chunkBytes: 256 });
  for (let i = 0; i < 50; i++) ring.append(line(i));
  const ac = new AbortController();
  t.after(() => {
    ac.abort();
  });
  const it = ring.follow({ signal: ac.signal, tailLines: 2 });
  assert.deepEqual(await take(it, 2), [line(48), line(49)]);
  const pending = take(it, 3);
  await new Promise((r) => setImmediate(r));
  assert.equal(ring.stats().waiting, 1);
  ring.write(`${line(50)}\n${line(51)}\n`);
  ring.append(line(52));
  assert.deepEqual(await pending, [line(50), line(51), line(52)]);
  const ending = it.next();
  ac.abort();
  assert.deepEqual(await ending, { done: true, value: undefined });
  assert.equal(ring.stats().waiting, 0);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('follow with no tail yields only new lines; without tailLines it yields all history', async (t) => {
  const ring = new LogRing();
  ring.append('old');
  const ac = new AbortController();
  t.after(() => {
    ac.abort();
  });
  const fresh = ring.follow({ signal: ac.signal, tailLines: 0 });
  const all = ring.follow({ signal: ac.signal });
  const p = take(fresh, 1);
  ring.append('new');
  assert.deepEqual(await p, ['new']);
  assert.deepEqual(await take(all, 2), ['old', 'new']);
});

test('a follower that falls behind skips to the oldest retained line; writers never wait', async (t) => {
  const ring = new LogRing({ maxBytes: 4096, chunkBytes: 512 });
  const ac = new AbortController();
  t.after(() => {
    ac.abort();
  });
  const it = ring.follow({ signal: ac.signal, tailLines: 0 });
  ring.append(line(0));
  assert.deepEqual(await take(it, 1), [line(0)]);
  for (let i = 1; i < 5000; i++) ring.append(line(i));
  const [next] = await take(it, 1);
  assert.equal(next, line(ring.first));
  assert.ok(ring.first > 1);
});

test('a follower that disappears without abort leaves nothing registered', async () => {
  const ring = new LogRing();
  const ac = new AbortController();
  const it = ring.follow({ signal: ac.signal, tailLines: 0 });
  const p = it.next();
  await new Promise((r) => setImmediate(r));
  assert.equal(ring.stats().waiting, 1);
  ring.append('x');
  assert.deepEqual(await p, { done: false, value: 'x' });
  // The reader stops calling next() and drops the iterator: it is parked at a yield, not waiting.
  assert.equal(ring.stats().waiting, 0);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  await it.return();
});

test('close ends followers and ignores later writes', async () => {
  const ring = new LogRing();
  const ac = new AbortController();
  const it = ring.follow({ signal: ac.signal, tailLines: 0 });
  const p = it.next();
  ring.close();
  assert.deepEqual(await p, { done: true, value: undefined });
  ring.append('late');
  assert.deepEqual(ring.tail(1), []);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('property: tail returns the newest lines as written, and the ring stays within budget', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'grapheme', maxLength: 200 }), { maxLength: 400 }),
      fc.integer({ min: 256, max: 8192 }),
      fc.integer({ min: 0, max: 500 }),
      (raw, maxBytes, n) => {
        const lines = raw.map((l) => l.replaceAll('\n', ' '));
        const ring = new LogRing({ maxBytes, chunkBytes: Math.max(64, maxBytes >> 3) });
        for (const l of lines) ring.append(l);
        const s = ring.stats();
        assert.ok(s.storedBytes <= maxBytes, `stored ${s.storedBytes} > ${maxBytes}`);
        assert.equal(s.lines + s.dropped, lines.length);
        const want = lines.slice(s.dropped).slice(-n);
        assert.deepEqual(ring.tail(n), n === 0 ? [] : want);
      },
    ),
  );
});
