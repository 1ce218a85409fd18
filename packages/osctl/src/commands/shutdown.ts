import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { runLifecycle } from './lifecycle-output.ts';
import { withNodeClient } from './node-command.ts';

export function shutdownCommand(io: Io): Command {
  return new Command('shutdown')
    .summary('shut a node down')
    .description(
      'Shut every target node down: cordon and drain it, stop its services, power off. ' +
        'With --force, skip the cordon and drain.',
    )
    .option('--force', 'skip cordoning and draining the node')
    .helpGroup(Group.Node)
    .action(async (opts: { force?: boolean }, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        await runLifecycle(client, io, (o) => client.machine.shutdown({ force: opts.force === true }, o), signal);
      });
    });
}
