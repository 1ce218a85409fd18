import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pruneCache } from './cache.ts';

test('pruneCache keeps the current entry and the newest others, and drops dead work directories', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imager-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const now = Date.now();
  const key = (c: string): string => c.repeat(64);
  const ages: [string, number][] = [
    [key('a'), 50],
    [key('b'), 10],
    [key('c'), 20],
    [key('d'), 30],
    ['work-dead', 7 * 3600],
    ['work-live', 60],
    ['notes', 99999],
  ];
  for (const [name, ageS] of ages) {
    await mkdir(join(dir, name));
    const at = new Date(now - ageS * 1000);
    await utimes(join(dir, name), at, at);
  }
  const removed = await pruneCache(dir, { current: key('a'), keep: 3, now });
  assert.deepEqual(removed.sort(), [key('d'), 'work-dead'].sort());
  assert.deepEqual((await readdir(dir)).sort(), [key('a'), key('b'), key('c'), 'notes', 'work-live'].sort());
});
