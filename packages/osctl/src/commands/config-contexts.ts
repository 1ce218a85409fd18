import { Command } from 'commander';
import { formatContextsTable, loadClientConfig } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { talosconfigPath } from './config-file.ts';

export function configContextsCommand(io: Io): Command {
  return new Command('contexts')
    .summary('list the contexts of the talosconfig')
    .description('List every context with its endpoints and nodes; * marks the current one.')
    .action(async (_opts: unknown, cmd: Command) => {
      io.out(formatContextsTable(await loadClientConfig(talosconfigPath(cmd, io))));
    });
}
