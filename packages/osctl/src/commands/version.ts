import { Command } from 'commander';
import { formatVersion, versionInfo } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';

export function versionCommand(io: Io): Command {
  return new Command('version')
    .summary('print client and server versions')
    .description(
      'Print the version of osctl and, unless --client is given, of every targeted node.\n' +
        'Server versions need the machine API; use --client to print only the local one.',
    )
    .option('--client', 'print the client version only')
    .option('--short', 'print the tag only')
    .helpGroup(Group.Node)
    .action((opts: { client?: boolean; short?: boolean }) => {
      const info = versionInfo(io.env);
      if (opts.short === true) {
        io.out(`Client ${info.tag}\n`);
      } else {
        io.out(`Client:\n${formatVersion(info)}\n`);
      }
      if (opts.client !== true) {
        throw new Error(
          'server versions need the machine API, which this build of osctl does not reach yet: pass --client',
        );
      }
    });
}
