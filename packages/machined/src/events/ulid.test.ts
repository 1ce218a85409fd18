import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UlidFactory, isUlid, ulidTime } from './ulid.ts';

test('ids sort in the order they were made, even when the clock stands still or steps back', () => {
  const times = [1000, 1000, 1000, 999, 5, 2000];
  let i = 0;
  const f = new UlidFactory({ now: () => times[Math.min(i++, times.length - 1)]! });
  const ids = times.map(() => f.next());
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ulidTime(ids[0]!), 1000);
  assert.equal(ulidTime(ids[4]!), 1000);
  assert.equal(ulidTime(ids[5]!), 2000);
});

test('ids are 26 Crockford base32 characters and carry the time', () => {
  const now = Date.UTC(2026, 0, 1);
  const id = new UlidFactory({ now: () => now }).next();
  assert.ok(isUlid(id), id);
  assert.equal(ulidTime(id), now);
  assert.ok(!isUlid('not-an-id'));
  assert.ok(!isUlid(id.toLowerCase().replace(/./, 'u')));
});
