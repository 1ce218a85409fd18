// What `edit machineconfig` and `patch machineconfig` share: reading the node's running config
// (MachineConfig through COSI Get) and the apply flags and request of apply-config.
import { Option, type Command } from 'commander';
import { durationFromMs, type CallOptions, type NodeClient } from '@bronze/machinery';
import { UsageError } from '../io.ts';
import { parseGoDuration } from '../output/units.ts';
import { modes, withUntilHealthy } from './apply-config.ts';

export const MachineConfigRef = { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' };
/** The names talosctl accepts for the machine config resource. */
export const MachineConfigNames = ['machineconfig', 'machineconfigs', 'mc', 'machineconfigs.config.talos.dev'];

export interface LiveApplyFlags {
  mode: keyof typeof modes;
  dryRun?: boolean;
  timeout: string;
  untilHealthy?: boolean;
}

/** --mode, --dry-run, --timeout and --until-healthy, as apply-config has them. */
export function addLiveApplyFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('-m, --mode <mode>', 'how to apply').choices(Object.keys(modes)).default('auto'))
    .option('--dry-run', 'show what would change, without applying')
    .option('--timeout <d>', 'with --mode try, roll back after this long', '1m')
    .option('--until-healthy', 'with --mode try, also roll back as soon as the node is unhealthy');
}

export function checkResourceName(resource: string): void {
  if (!MachineConfigNames.includes(resource.toLowerCase())) {
    throw new UsageError(`${JSON.stringify(resource)}: only the machine config can be changed; use machineconfig`);
  }
}

export type LiveApply = (
  client: NodeClient,
  text: string,
  o: CallOptions,
) => Promise<{ details: string; warnings: string[] }>;

/** Checks the flags and returns the function that applies a config text with them. */
export function liveApplier(flags: LiveApplyFlags): LiveApply {
  const timeout = parseGoDuration(flags.timeout);
  if (timeout === undefined)
    throw new UsageError(`--timeout ${JSON.stringify(flags.timeout)}: give a duration such as 1m`);
  const untilHealthy = flags.untilHealthy === true;
  if (untilHealthy && flags.mode !== 'try') throw new UsageError('--until-healthy needs --mode try');
  return async (client, text, o) => {
    const reply = await client.machine.applyConfiguration(
      {
        data: Buffer.from(text),
        mode: modes[flags.mode],
        dryRun: flags.dryRun === true,
        ...(flags.mode === 'try' ? { tryModeTimeout: durationFromMs(timeout) } : {}),
      },
      withUntilHealthy(o, untilHealthy),
    );
    const first = reply.messages[0];
    return { details: first?.modeDetails ?? '', warnings: first?.warnings ?? [] };
  };
}

/** The config text the node runs now. */
export async function fetchMachineConfig(client: NodeClient, o: CallOptions): Promise<string> {
  const reply = await client.state.get(MachineConfigRef, o);
  const text = reply.resource?.spec?.yamlSpec;
  if (text === undefined || text === '') throw new Error('the node has no machine config (maintenance mode?)');
  return text;
}
