import { Command } from 'commander';
import { replyMessages, type machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition } from '../output/node-errors.ts';
import { formatTable } from '../output/table.ts';
import { withNodeClient } from './node-command.ts';

const gb = (bytes: bigint): string => (Number(bytes) / 1e9).toFixed(2);

export function formatMounts(rows: { node: string; m: machineApi.MountStat }[]): string {
  return formatTable(
    ['NODE', 'FILESYSTEM', 'SIZE(GB)', 'USED(GB)', 'AVAILABLE(GB)', 'PERCENT USED', 'MOUNTED ON'],
    rows.map(({ node, m }) => {
      const used = m.size - m.available;
      const percent = m.size === 0n ? '-' : `${((Number(used) * 100) / Number(m.size)).toFixed(2)}%`;
      return [node, m.filesystem, gb(m.size), gb(used), gb(m.available), percent, m.mountedOn];
    }),
  );
}

export function mountsCommand(io: Io): Command {
  return new Command('mounts')
    .summary('list mounts')
    .description('List the mounted filesystems of every target node with their size and use.')
    .helpGroup(Group.Node)
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        const results = replyMessages(await client.each((o) => client.machine.mounts({}, o), { signal }));
        const ok = partition(io, results);
        io.out(formatMounts(ok.flatMap(({ node, value }) => value.stats.map((m) => ({ node, m })))));
        finish(results, client.targets.length);
      });
    });
}
