import { Command } from 'commander';
import { setNodes } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { editTalosconfig } from './config-file.ts';

export function configNodeCommand(io: Io): Command {
  return new Command('node')
    .alias('nodes')
    .summary('set the default target nodes of the current context')
    .description('Set the nodes commands act on when --nodes is not given; none clears them.')
    .argument('[nodes...]', 'node addresses')
    .action(async (nodes: string[], _opts: unknown, cmd: Command) => {
      await editTalosconfig(cmd, io, (c) => setNodes(c, nodes));
    });
}
