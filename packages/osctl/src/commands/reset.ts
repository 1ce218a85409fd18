import { Command, Option } from 'commander';
import { machineApi, splitList } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import { Group } from '../groups.ts';
import { runLifecycle, waitForRestart } from './lifecycle-output.ts';
import { withNodeClient } from './node-command.ts';
import { timeoutMs } from './reboot.ts';

const wipeModes = {
  all: machineApi.ResetRequest_WipeMode.ALL,
  'system-disk': machineApi.ResetRequest_WipeMode.SYSTEM_DISK,
  'user-disks': machineApi.ResetRequest_WipeMode.USER_DISKS,
} as const;

function bool(flag: string): (text: string) => boolean {
  return (text) => {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new UsageError(`${flag} ${JSON.stringify(text)}: use true or false`);
  };
}

interface ResetOptions {
  graceful: boolean;
  reboot: boolean;
  wipeMode: keyof typeof wipeModes;
  systemLabelsToWipe?: string[];
  userDisksToWipe?: string[];
  wait?: boolean;
  timeout: string;
}

export function resetCommand(io: Io): Command {
  return new Command('reset')
    .summary('wipe a node and reboot')
    .description(
      'Reset every target node: leave etcd and drain it (unless --graceful=false), wipe the chosen ' +
        'disks or partitions, then power off, or reboot with --reboot (into maintenance mode).',
    )
    .addOption(
      new Option('--graceful [bool]', 'leave etcd and drain first').argParser(bool('--graceful')).default(true),
    )
    .addOption(
      new Option('--reboot [bool]', 'reboot after the reset instead of powering off')
        .argParser(bool('--reboot'))
        .default(false),
    )
    .addOption(new Option('--wipe-mode <mode>', 'what to wipe').choices(Object.keys(wipeModes)).default('all'))
    .option('--system-labels-to-wipe <labels...>', 'only these system partitions (STATE, EPHEMERAL)')
    .option('--user-disks-to-wipe <disks...>', 'user disks to wipe')
    .option('--wait', 'with --reboot, wait for the nodes to come back')
    .option('--timeout <d>', 'how long --wait waits', '10m')
    .helpGroup(Group.Node)
    .action(async (opts: ResetOptions, cmd: Command) => {
      const wait = timeoutMs(opts.timeout);
      const request = {
        graceful: opts.graceful,
        reboot: opts.reboot,
        mode: wipeModes[opts.wipeMode],
        systemPartitionsToWipe: splitList(opts.systemLabelsToWipe).map((label) => ({ label, wipe: true })),
        userDisksToWipe: splitList(opts.userDisksToWipe),
      };
      await withNodeClient(cmd, io, async (client, signal) => {
        const nodes = await runLifecycle(client, io, (o) => client.machine.reset(request, o), signal);
        if (opts.wait === true && opts.reboot) await waitForRestart(client, io, nodes, { timeoutMs: wait, signal });
      });
    });
}
