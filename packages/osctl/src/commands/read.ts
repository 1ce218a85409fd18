import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { failIfAny, printNodeError } from '../output/node-errors.ts';
import { singleNode, withNodeClient, writeBytes } from './node-command.ts';

export function readCommand(io: Io): Command {
  return new Command('read')
    .aliases(['cat'])
    .summary('read a file on a node')
    .description('Print the contents of PATH on the target node, byte for byte. Works on one node at a time.')
    .argument('<path>', 'file to read')
    .helpGroup(Group.Node)
    .action(async (path: string, _opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        singleNode(client.targets, 'read');
        let failed = 0;
        for await (const item of client.stream((o) => client.machine.read({ path }, o), { signal })) {
          if (item.ok) writeBytes(io, item.value.bytes);
          else {
            failed++;
            printNodeError(io, item.node, item.error);
          }
        }
        failIfAny(failed, 1);
      });
    });
}
