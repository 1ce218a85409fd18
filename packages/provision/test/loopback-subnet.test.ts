import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { allocateSubnet, firstUnbindable, releaseSubnet } from '../src/loopback-subnet.ts';

test('concurrent allocations get different subnets, and a bound address is skipped', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-subnet-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const first = await allocateSubnet(2, { clusterDir: join(dir, 'a') });
  t.after(() => releaseSubnet(first.index, join(dir, 'a')));
  // Occupy the next subnet's first node address, as an unrelated program would.
  const busyIndex = first.index + 1;
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host: `127.0.${busyIndex}.2`, port: 50000 }, () => {
      resolve(true);
    });
  });
  t.after(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );
  const [b, c] = await Promise.all([
    allocateSubnet(2, { clusterDir: join(dir, 'b') }),
    allocateSubnet(2, { clusterDir: join(dir, 'c') }),
  ]);
  t.after(() => releaseSubnet(b.index, join(dir, 'b')));
  t.after(() => releaseSubnet(c.index, join(dir, 'c')));
  assert.equal(new Set([first.index, b.index, c.index]).size, 3);
  if (bound) assert.ok(b.index !== busyIndex && c.index !== busyIndex, 'the subnet with a bound address is skipped');
  assert.deepEqual(b.addresses, [`127.0.${b.index}.2`, `127.0.${b.index}.3`]);
  assert.equal(await firstUnbindable(first.addresses), undefined);
});

test('a subnet is refused for more nodes than a /24 holds', async () => {
  await assert.rejects(allocateSubnet(251, { clusterDir: '/nonexistent' }), /do not fit in one \/24/);
});
