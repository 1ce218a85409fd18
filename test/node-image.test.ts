// scripts/node-image.ts: its lock keeps parallel callers (test files, scripts/dev cluster) from
// building into one directory at once, and a lock left by a killed process does not block forever.
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { withLock } from '../scripts/node-image.ts';

void test('a held lock makes the next caller wait, and an aborted wait gives up', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'out');
  const order: string[] = [];
  const first = withLock(out, async () => {
    order.push('first in');
    await sleep(400);
    order.push('first out');
  });
  await sleep(50);
  await assert.rejects(
    withLock(out, () => Promise.resolve(), AbortSignal.timeout(100)),
    (e: unknown) => e instanceof Error && e.name === 'TimeoutError',
  );
  const second = withLock(out, () => {
    order.push('second');
    return Promise.resolve();
  });
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first in', 'first out', 'second']);
});

void test('a lock older than the longest build is taken over', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'out');
  await writeFile(`${out}.lock`, '999999');
  const old = new Date(Date.now() - 60 * 60_000);
  await utimes(`${out}.lock`, old, old);
  assert.equal(await withLock(out, () => Promise.resolve('ran'), AbortSignal.timeout(5000)), 'ran');
});
