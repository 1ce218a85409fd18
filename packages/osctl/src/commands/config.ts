import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { configAddCommand } from './config-add.ts';
import { configContextCommand } from './config-context.ts';
import { configContextsCommand } from './config-contexts.ts';
import { configEndpointCommand } from './config-endpoint.ts';
import { configInfoCommand } from './config-info.ts';
import { configMergeCommand } from './config-merge.ts';
import { configNodeCommand } from './config-node.ts';
import { configNewCommand } from './config-new.ts';
import { configRemoveCommand } from './config-remove.ts';

export function configCommand(io: Io): Command {
  return new Command('config')
    .summary('manage the client config (talosconfig)')
    .description(
      'Read and edit the talosconfig: contexts, each with endpoints, nodes and client credentials. The file is --talosconfig, else $TALOSCONFIG, else ~/.talos/config; it is rewritten atomically with mode 0600.',
    )
    .helpGroup(Group.Config)
    .addCommand(configEndpointCommand(io))
    .addCommand(configNodeCommand(io))
    .addCommand(configContextCommand(io))
    .addCommand(configContextsCommand(io))
    .addCommand(configAddCommand(io))
    .addCommand(configRemoveCommand(io))
    .addCommand(configMergeCommand(io))
    .addCommand(configInfoCommand(io))
    .addCommand(configNewCommand(io));
}
