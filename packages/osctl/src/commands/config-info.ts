import { Command } from 'commander';
import { describeCurrentContext, formatContextInfo, loadClientConfig } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { talosconfigPath } from './config-file.ts';

export function configInfoCommand(io: Io): Command {
  return new Command('info')
    .summary('show the current context')
    .description('Show the current context: its nodes, endpoints, roles and when its certificate expires.')
    .action(async (_opts: unknown, cmd: Command) => {
      const config = await loadClientConfig(talosconfigPath(cmd, io));
      io.out(formatContextInfo(describeCurrentContext(config)));
    });
}
