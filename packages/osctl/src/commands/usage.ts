import { Command } from 'commander';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import { Group } from '../groups.ts';
import { failIfAny, printNodeError } from '../output/node-errors.ts';
import { formatTable } from '../output/table.ts';
import { humanBytes } from '../output/units.ts';
import { withNodeClient } from './node-command.ts';

function integer(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${flag} ${JSON.stringify(text)}: give a whole number`);
  return Number(text);
}

export function usageCommand(io: Io): Command {
  return new Command('usage')
    .aliases(['du'])
    .summary('show disk usage')
    .description('Show the disk usage of PATHS (default /) on every target node, as du(1) does.')
    .argument('[paths...]', 'paths to measure', ['/'])
    .option('-a, --all', 'list files too, not only directories')
    .option('-d, --depth <n>', 'how deep to list (0: only PATHS)')
    .option('-t, --threshold <bytes>', 'leave out entries smaller than this (negative: larger)')
    .option('-H, --humanize', 'print sizes as 1.2 MB instead of bytes')
    .helpGroup(Group.Node)
    .action(
      async (
        paths: string[],
        opts: { all?: boolean; depth?: string; threshold?: string; humanize?: boolean },
        cmd: Command,
      ) => {
        const request = {
          paths,
          all: opts.all === true,
          recursionDepth: integer('--depth', opts.depth, 0),
          threshold: BigInt(integer('--threshold', opts.threshold, 0)),
        };
        await withNodeClient(cmd, io, async (client, signal) => {
          const rows: string[][] = [];
          const failed = new Set<string>();
          for await (const item of client.stream((o) => client.machine.diskUsage(request, o), { signal })) {
            if (!item.ok || item.value.error !== '') {
              failed.add(item.node);
              printNodeError(io, item.node, item.ok ? `${item.value.name}: ${item.value.error}` : item.error);
              continue;
            }
            const size = opts.humanize === true ? humanBytes(item.value.size) : String(item.value.size);
            rows.push([item.node, item.value.name, size]);
          }
          io.out(formatTable(['NODE', 'NAME', 'SIZE'], rows));
          failIfAny(failed.size, client.targets.length);
        });
      },
    );
}
