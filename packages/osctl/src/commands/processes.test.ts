import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

test("processes lists every node's processes, largest memory first, or by CPU with -s cpu", async (t) => {
  const node = await startFakeNode(t, {
    machine: {
      processes: (_r, ctx) => ({
        messages: [
          {
            processes: [
              {
                pid: 1,
                state: 'S',
                threads: 9,
                cpuTime: 1.5,
                virtualMemory: 2_000_000n,
                residentMemory: 40_000n,
                executable: '/sbin/init',
                args: `/sbin/init ${nodeOf(ctx)}`,
              },
              {
                pid: 42,
                state: 'R',
                threads: 1,
                cpuTime: 9.25,
                virtualMemory: 1_234_567_890n,
                residentMemory: 82_000_000n,
                executable: '/usr/bin/etcd',
              },
            ],
          },
        ],
      }),
    },
  });
  const run = await osctl(node, ['ps', '-n', 'a']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    'NODE   PID   STATE   THREADS   CPU-TIME   VIRTMEM   RESMEM   LABEL   COMMAND\n' +
      'a      42    R       1         9.25       1.2 GB    82 MB            /usr/bin/etcd\n' +
      'a      1     S       9         1.50       2.0 MB    40 kB            /sbin/init a\n',
  );
  const cpu = await osctl(node, ['processes', '--sort', 'cpu', '-n', 'a']);
  assert.match(cpu.stdout, /\na +42 /);
  assert.equal((await osctl(node, ['ps', '-s', 'pid'])).code, 2);
});
