import { Command } from 'commander';
import { removeContext } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { editTalosconfig } from './config-file.ts';

export function configRemoveCommand(io: Io): Command {
  return new Command('remove')
    .alias('rm')
    .summary('remove a context from the talosconfig')
    .description(
      'Remove context NAME. The current context cannot be removed: switch first. osctl does not prompt; --noconfirm is accepted for talosctl compatibility.',
    )
    .argument('<name>', 'context name')
    .option('-y, --noconfirm', 'do not ask for confirmation (osctl never asks)')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      await editTalosconfig(cmd, io, (c) => removeContext(c, name));
    });
}
