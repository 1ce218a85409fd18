import { Command } from 'commander';
import { replyMessages, type machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition } from '../output/node-errors.ts';
import { formatTable } from '../output/table.ts';
import { byId, containerTarget, displayId } from './containers.ts';
import { withNodeClient } from './node-command.ts';

/** talosctl's table: memory in MB with two decimals, CPU time in nanoseconds, pod members indented. */
export function formatStats(replies: readonly { node: string; stats: machineApi.Stat[] }[]): string {
  const rows = replies.flatMap(({ node, stats }) =>
    byId(stats).map((s) => [
      node,
      s.namespace,
      displayId(s),
      (Number(s.memoryUsage) / 1e6).toFixed(2),
      s.cpuUsage.toString(),
    ]),
  );
  return formatTable(['NODE', 'NAMESPACE', 'ID', 'MEMORY(MB)', 'CPU'], rows);
}

export function statsCommand(io: Io): Command {
  return new Command('stats')
    .summary('show the resource use of containers')
    .description(
      "Show the memory (MB, without the inactive file cache) and CPU time (nanoseconds) of every target node's " +
        'running containers in the system containerd, or with -k of the Kubernetes containers (k8s.io, CRI).',
    )
    .option('-k, --kubernetes', 'use the k8s.io containerd namespace (CRI) instead of system')
    .addHelpText('after', '\nExamples:\n  osctl stats -n 10.5.0.2\n  osctl stats -k\n')
    .helpGroup(Group.Node)
    .action(async (opts: { kubernetes?: boolean }, cmd: Command) => {
      const request = containerTarget(opts.kubernetes === true);
      await withNodeClient(cmd, io, async (client, signal) => {
        const results = replyMessages(await client.each((o) => client.machine.stats(request, o), { signal }));
        const ok = partition(io, results);
        io.out(formatStats(ok.map(({ node, value }) => ({ node, stats: value.stats }))));
        finish(results, client.targets.length);
      });
    });
}
