import { Command } from 'commander';
import { replyMessages, type machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition } from '../output/node-errors.ts';
import { formatTable } from '../output/table.ts';
import { withNodeClient } from './node-command.ts';

const mib = (kib: bigint): string => String(kib / 1024n);

export function formatMemory(rows: { node: string; m: machineApi.MemInfo }[]): string {
  return formatTable(
    ['NODE', 'TOTAL', 'USED', 'FREE', 'SHARED', 'BUFFERS', 'CACHE', 'AVAILABLE'],
    rows.map(({ node, m }) => {
      const used = m.memtotal - m.memfree - m.cached - m.buffers;
      return [
        node,
        mib(m.memtotal),
        mib(used < 0n ? 0n : used),
        mib(m.memfree),
        mib(m.shmem),
        mib(m.buffers),
        mib(m.cached),
        mib(m.memavailable),
      ];
    }),
  );
}

export function memoryCommand(io: Io): Command {
  return new Command('memory')
    .aliases(['free'])
    .summary('show memory usage')
    .description('Show the memory of every target node in MiB, as free(1) does: used = total - free - buffers - cache.')
    .helpGroup(Group.Node)
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        const results = replyMessages(await client.each((o) => client.machine.memory({}, o), { signal }));
        const ok = partition(io, results);
        io.out(formatMemory(ok.flatMap(({ node, value }) => (value.meminfo ? [{ node, m: value.meminfo }] : []))));
        finish(results, client.targets.length);
      });
    });
}
