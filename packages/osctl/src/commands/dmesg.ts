import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { withNodeClient } from './node-command.ts';
import { printLineStreams } from './stream-output.ts';

export function dmesgCommand(io: Io): Command {
  return new Command('dmesg')
    .summary('print the kernel log')
    .description(
      'Print the kernel log of every target node, each line prefixed with its node. ' +
        'With -f, keep following until Ctrl-C; with --tail and -f, start from the end instead of the beginning.',
    )
    .option('-f, --follow', 'keep printing new messages until Ctrl-C')
    .option('--tail', 'with --follow, print only messages that arrive from now on')
    .helpGroup(Group.Node)
    .action(async (opts: { follow?: boolean; tail?: boolean }, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        const request = { follow: opts.follow === true, tail: opts.tail === true };
        await printLineStreams(
          client,
          io,
          client.stream((o) => client.machine.dmesg(request, o), { signal }),
        );
      });
    });
}
