import { Command, Option } from 'commander';
import { replyMessages, type machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition } from '../output/node-errors.ts';
import { formatTable } from '../output/table.ts';
import { humanBytes } from '../output/units.ts';
import { withNodeClient } from './node-command.ts';

function command(p: machineApi.ProcessInfo): string {
  return p.args !== '' ? p.args : p.executable !== '' ? p.executable : p.command;
}

export function formatProcesses(rows: { node: string; p: machineApi.ProcessInfo }[], sort: 'rss' | 'cpu'): string {
  const sorted = [...rows].sort((a, b) =>
    sort === 'cpu' ? b.p.cpuTime - a.p.cpuTime : Number(b.p.residentMemory - a.p.residentMemory),
  );
  return formatTable(
    ['NODE', 'PID', 'STATE', 'THREADS', 'CPU-TIME', 'VIRTMEM', 'RESMEM', 'LABEL', 'COMMAND'],
    sorted.map(({ node, p }) => [
      node,
      String(p.pid),
      p.state,
      String(p.threads),
      p.cpuTime.toFixed(2),
      humanBytes(p.virtualMemory),
      humanBytes(p.residentMemory),
      p.label,
      command(p),
    ]),
  );
}

export function processesCommand(io: Io): Command {
  return new Command('processes')
    .aliases(['ps'])
    .summary('list processes')
    .description('List the processes of every target node, largest resident memory first (or --sort cpu).')
    .addOption(
      new Option('-s, --sort <column>', 'sort by resident memory or CPU time').choices(['rss', 'cpu']).default('rss'),
    )
    .helpGroup(Group.Node)
    .action(async (opts: { sort: 'rss' | 'cpu' }, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        const results = replyMessages(await client.each((o) => client.machine.processes({}, o), { signal }));
        const ok = partition(io, results);
        io.out(
          formatProcesses(
            ok.flatMap(({ node, value }) => value.processes.map((p) => ({ node, p }))),
            opts.sort,
          ),
        );
        finish(results, client.targets.length);
      });
    });
}
