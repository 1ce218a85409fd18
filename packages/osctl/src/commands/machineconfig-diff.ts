import { Command, Option } from 'commander';
import { diffConfigs, strategicPatchBetween } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { readConfigFile } from './machineconfig-read.ts';

interface DiffOptions {
  patch?: boolean;
  color: 'auto' | 'always' | 'never';
}

export function machineconfigDiffCommand(io: Io): Command {
  return new Command('diff')
    .summary('compare two machine configs, or print the patch between them')
    .description(
      'Print a unified diff of two machine configs, document by document: documents are matched by ' +
        'apiVersion, kind and name (not by position), and added or removed documents are shown whole.\n\n' +
        'With --patch, print instead the smallest strategic merge patch that turns OLD into NEW (empty ' +
        'when they hold the same data); "osctl mc patch OLD -p @that-patch" gives NEW back. Lists that ' +
        'cannot be changed by appending, or by merge key, are replaced with "- $patch: replace", which ' +
        'Bronze reads and talosctl does not.\n\n' +
        'Exits 0 whether or not the configs differ (unlike diff(1)); 1 when a file cannot be read or parsed.',
    )
    .argument('<old>', 'the config before')
    .argument('<new>', 'the config after')
    .option('--patch', 'print the strategic merge patch from OLD to NEW instead of a diff')
    .addOption(
      new Option('--color <when>', 'colour the diff: auto (on a terminal, unless NO_COLOR is set), always, never')
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .action(async (oldFile: string, newFile: string, opts: DiffOptions) => {
      const [oldText, newText] = await Promise.all([readConfigFile(io, oldFile), readConfigFile(io, newFile)]);
      const sources = { oldSource: oldFile, newSource: newFile };
      if (opts.patch === true) {
        io.out(strategicPatchBetween(oldText, newText, sources));
        return;
      }
      const color =
        opts.color === 'always' || (opts.color === 'auto' && process.stdout.isTTY && io.env.NO_COLOR === undefined);
      io.out(diffConfigs(oldText, newText, { ...sources, color }));
    });
}
