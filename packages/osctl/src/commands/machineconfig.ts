import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { machineconfigDiffCommand } from './machineconfig-diff.ts';
import { machineconfigPatchCommand } from './machineconfig-patch.ts';

export function machineconfigCommand(io: Io): Command {
  return new Command('machineconfig')
    .alias('mc')
    .summary('patch and diff machine configs offline')
    .description(
      'Work on machine config files without a node: apply patches to a config, compare two ' +
        'configs document by document, or compute the patch that turns one into the other.',
    )
    .helpGroup(Group.Config)
    .addCommand(machineconfigPatchCommand(io))
    .addCommand(machineconfigDiffCommand(io));
}
