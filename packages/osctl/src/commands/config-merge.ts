import { Command } from 'commander';
import { resolve } from 'node:path';
import { loadClientConfig, mergeClientConfigs } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { editTalosconfig } from './config-file.ts';

export function configMergeCommand(io: Io): Command {
  return new Command('merge')
    .summary('merge another talosconfig into this one')
    .description(
      'Merge the contexts of FILE into the talosconfig (created if missing). A context whose name is\n' +
        "taken is renamed NAME-1, NAME-2, ...; FILE's current context becomes the current one.",
    )
    .argument('<file>', 'talosconfig to merge from')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const from = await loadClientConfig(resolve(io.cwd, file));
      let renames: [string, string][] = [];
      await editTalosconfig(
        cmd,
        io,
        (into) => {
          const merged = mergeClientConfigs(into, from);
          renames = merged.renames;
          return merged.config;
        },
        { allowMissing: true },
      );
      for (const [was, now] of renames) io.err(`renamed talosconfig context "${was}" -> "${now}"\n`);
    });
}
