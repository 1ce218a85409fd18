import { test } from 'node:test';
import assert from 'node:assert/strict';
import { osctl, startFakeNode } from '../../test/fake-node.ts';

test('memory prints free(1) columns in MiB per node, and mounts their filesystems', async (t) => {
  const node = await startFakeNode(t, {
    machine: {
      memory: () => ({
        messages: [
          {
            meminfo: {
              memtotal: 4_008_960n,
              memfree: 2_586_624n,
              memavailable: 3_300_352n,
              buffers: 26_624n,
              cached: 849_920n,
              shmem: 6_144n,
            },
          },
        ],
      }),
      mounts: () => ({
        messages: [
          {
            stats: [
              { filesystem: 'overlay', size: 10_240_000_000n, available: 7_680_000_000n, mountedOn: '/' },
              { filesystem: 'proc', size: 0n, available: 0n, mountedOn: '/proc' },
            ],
          },
        ],
      }),
    },
  });
  const free = await osctl(node, ['free', '-n', 'a']);
  assert.equal(free.code, 0, free.stderr);
  assert.equal(
    free.stdout,
    'NODE   TOTAL   USED   FREE   SHARED   BUFFERS   CACHE   AVAILABLE\n' +
      'a      3915    533    2526   6        26        830     3223\n',
  );
  const mounts = await osctl(node, ['mounts', '-n', 'a']);
  assert.equal(mounts.code, 0, mounts.stderr);
  assert.equal(
    mounts.stdout,
    'NODE   FILESYSTEM   SIZE(GB)   USED(GB)   AVAILABLE(GB)   PERCENT USED   MOUNTED ON\n' +
      'a      overlay      10.24      2.56       7.68            25.00%         /\n' +
      'a      proc         0.00       0.00       0.00            -              /proc\n',
  );
});
