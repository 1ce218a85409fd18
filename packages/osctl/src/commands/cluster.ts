import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { clusterCreateCommand } from './cluster-create.ts';
import { clusterDestroyCommand } from './cluster-destroy.ts';
import { clusterShowCommand } from './cluster-show.ts';

export function clusterCommand(io: Io): Command {
  return new Command('cluster')
    .summary('create, show and destroy local clusters')
    .description(
      'Local clusters for development and tests. The process provisioner runs each node as ordinary processes on its own loopback address (127.0.N.x); state lives in ~/.bronze/clusters/NAME unless --state.',
    )
    .helpGroup(Group.Cluster)
    .addCommand(clusterCreateCommand(io))
    .addCommand(clusterShowCommand(io))
    .addCommand(clusterDestroyCommand(io));
}
