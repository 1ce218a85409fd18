import { Command } from 'commander';
import { useContext } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { editTalosconfig } from './config-file.ts';

export function configContextCommand(io: Io): Command {
  return new Command('context')
    .alias('use-context')
    .summary('switch the current context')
    .description('Make NAME the current context of the talosconfig ("osctl config contexts" lists them).')
    .argument('<name>', 'context name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      await editTalosconfig(cmd, io, (c) => useContext(c, name));
    });
}
