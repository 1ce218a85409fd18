import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clampUlimits, NodeUlimits, parseHardLimits, readHardLimits } from './ulimits.ts';

const limits = `Limit                     Soft Limit           Hard Limit           Units
Max stack size            8388608              unlimited            bytes
Max processes             96365                96365                processes
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

void test('a ulimit the host does not report is dropped, not guessed', () => {
  assert.deepEqual(clampUlimits([{ Name: 'rtprio', Soft: 1, Hard: 1 }], parseHardLimits(limits)), []);
});

void test('limits above the host hard limits are lowered to them; soft never exceeds hard', () => {
  const hard = parseHardLimits(limits);
  assert.equal(hard.get('stack'), Infinity);
  assert.deepEqual(clampUlimits(NodeUlimits, hard), [
    { Name: 'nofile', Soft: 20000, Hard: 20000 },
    { Name: 'nproc', Soft: 65536, Hard: 65536 },
  ]);
  assert.deepEqual(clampUlimits([{ Name: 'nofile', Soft: 50000, Hard: 10000 }], hard), [
    { Name: 'nofile', Soft: 10000, Hard: 10000 },
  ]);
});

void test('nproc is also capped at kernel.pid_max', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-ulimits-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'limits'), limits);
  await writeFile(join(dir, 'pid_max'), '32768\n');
  const hard = readHardLimits({ limits: join(dir, 'limits'), pidMax: join(dir, 'pid_max') });
  assert.equal(hard.get('nproc'), 32768);
  assert.equal(readHardLimits({ limits: join(dir, 'limits'), pidMax: join(dir, 'none') }).get('nproc'), 96365);
});
