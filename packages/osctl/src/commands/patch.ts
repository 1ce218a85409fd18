import { Command } from 'commander';
import { applyPatches } from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { Group } from '../groups.ts';
import { failIfAny, printNodeError } from '../output/node-errors.ts';
import {
  addLiveApplyFlags,
  checkResourceName,
  fetchMachineConfig,
  liveApplier,
  type LiveApplyFlags,
} from './live-config.ts';
import { withNodeClient } from './node-command.ts';

interface PatchFlags extends LiveApplyFlags {
  patch?: string[];
}

export function patchCommand(io: Io): Command {
  const cmd = new Command('patch')
    .summary('patch the machine config of a node')
    .description(
      'Read the machine config each target node runs, apply the patches (-p, in order: strategic ' +
        'merge or RFC 6902 JSON patches, inline or @file) and apply the result with --mode, as ' +
        'apply-config does. A patch that changes nothing applies nothing. --dry-run shows the diff.',
    )
    .argument('<resource>', 'machineconfig (or mc)')
    .option('-p, --patch <patch>', 'a patch: @file.yaml, a file name or inline YAML/JSON (repeatable)', collect)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl patch machineconfig -n 10.5.0.2 -p @hostname.yaml\n' +
        '  osctl patch mc -n 10.5.0.2 -p \'[{"op":"add","path":"/machine/network/hostname","value":"w1"}]\' --dry-run\n',
    )
    .helpGroup(Group.Node);
  return addLiveApplyFlags(cmd).action(async (resource: string, flags: PatchFlags, command: Command) => {
    checkResourceName(resource);
    const patches = flags.patch ?? [];
    if (patches.length === 0) throw new UsageError('no patch given: pass -p @FILE or an inline patch');
    const apply = liveApplier(flags);
    await withNodeClient(command, io, async (client, signal) => {
      const results = await client.each(
        async (o) => {
          const text = await fetchMachineConfig(client, o);
          const patched = await applyPatches(text, patches, { cwd: io.cwd, source: 'the running config', signal });
          if (patched === text) return { details: 'no changes: the patch leaves the config as it is', warnings: [] };
          return apply(client, patched, o);
        },
        { signal },
      );
      let failed = 0;
      for (const r of results) {
        if (!r.ok) {
          failed++;
          printNodeError(io, r.node, r.error);
          continue;
        }
        for (const w of r.value.warnings) io.err(`${r.node}: warning: ${w}\n`);
        io.out(`${r.node}: ${r.value.details || 'patched the machine config'}\n`);
      }
      failIfAny(failed, client.targets.length);
    });
  });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
