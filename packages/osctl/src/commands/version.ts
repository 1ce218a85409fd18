import { Command } from 'commander';
import { formatVersion, replyMessages, versionInfo, type machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition } from '../output/node-errors.ts';
import { withNodeClient } from './node-command.ts';

function serverText(node: string, v: machineApi.Version, short: boolean): string {
  const info = v.version;
  if (short) return `\t${`NODE:`.padEnd(12)} ${node}\n\t${'Tag:'.padEnd(12)} ${info?.tag ?? ''}\n`;
  const body = formatVersion({
    tag: info?.tag ?? '',
    sha: info?.sha ?? '',
    built: info?.built ?? '',
    runtime: info?.goVersion ?? '',
    os: info?.os ?? '',
    arch: info?.arch ?? '',
  });
  const rbac = v.features?.rbac === true ? `\n\t${'Enabled:'.padEnd(12)} RBAC` : '';
  return `\t${'NODE:'.padEnd(12)} ${node}\n${body}${rbac}\n`;
}

export function versionCommand(io: Io): Command {
  return new Command('version')
    .summary('print client and server versions')
    .description(
      'Print the version of osctl and of every targeted node (Version over the machine API, one call per ' +
        'node). With --client only the local version is printed and no node is contacted.',
    )
    .option('--client', 'print the client version only')
    .option('--short', 'print the tag only')
    .helpGroup(Group.Node)
    .action(async (opts: { client?: boolean; short?: boolean }, cmd: Command) => {
      const short = opts.short === true;
      const info = versionInfo(io.env);
      io.out(short ? `Client ${info.tag}\n` : `Client:\n${formatVersion(info)}\n`);
      if (opts.client === true) return;
      await withNodeClient(cmd, io, async (client, signal) => {
        const results = replyMessages(await client.each((o) => client.machine.version({}, o), { signal }));
        const ok = partition(io, results);
        io.out('Server:\n');
        for (const { node, value } of ok) io.out(serverText(node, value, short));
        finish(results, client.targets.length);
      });
    });
}
