import { Command, Option } from 'commander';
import { machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import { Group } from '../groups.ts';
import { parseGoDuration } from '../output/units.ts';
import { runLifecycle, waitForRestart } from './lifecycle-output.ts';
import { withNodeClient } from './node-command.ts';

const modes = {
  default: machineApi.RebootRequest_Mode.DEFAULT,
  powercycle: machineApi.RebootRequest_Mode.POWERCYCLE,
  force: machineApi.RebootRequest_Mode.FORCE,
} as const;

export function timeoutMs(text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--timeout ${JSON.stringify(text)}: give a duration such as 5m`);
  return ms;
}

export function rebootCommand(io: Io): Command {
  return new Command('reboot')
    .summary('reboot a node')
    .description(
      'Reboot every target node. With --wait, wait until each node has gone down and answers again. ' +
        'Modes: default (run the shutdown sequence), powercycle (also power-cycle on metal), force ' +
        '(skip the graceful steps).',
    )
    .addOption(new Option('-m, --mode <mode>', 'reboot mode').choices(Object.keys(modes)).default('default'))
    .option('--wait', 'wait for the nodes to come back')
    .option('--timeout <d>', 'how long --wait waits', '10m')
    .helpGroup(Group.Node)
    .action(async (opts: { mode: keyof typeof modes; wait?: boolean; timeout: string }, cmd: Command) => {
      const wait = timeoutMs(opts.timeout);
      await withNodeClient(cmd, io, async (client, signal) => {
        const nodes = await runLifecycle(
          client,
          io,
          (o) => client.machine.reboot({ mode: modes[opts.mode] }, o),
          signal,
        );
        if (opts.wait === true) await waitForRestart(client, io, nodes, { timeoutMs: wait, signal });
      });
    });
}
