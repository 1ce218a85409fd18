import { Command } from 'commander';
import { setEndpoints } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { editTalosconfig } from './config-file.ts';

export function configEndpointCommand(io: Io): Command {
  return new Command('endpoint')
    .alias('endpoints')
    .summary('set the endpoints of the current context')
    .description(
      'Set the API endpoints (addresses of control-plane nodes or a load balancer; port 50000 is implied) of the current context. osctl connects to one of them and forwards to --nodes.',
    )
    .argument('[endpoints...]', 'addresses; none clears the list')
    .action(async (endpoints: string[], _opts: unknown, cmd: Command) => {
      await editTalosconfig(cmd, io, (c) => setEndpoints(c, endpoints));
    });
}
