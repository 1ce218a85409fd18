import { Command } from 'commander';
import type { Io } from '../io.ts';
import { DefaultClusterName, provisionerOf, type ClusterFlags } from './cluster-flags.ts';

export function clusterDestroyCommand(io: Io): Command {
  return new Command('destroy')
    .summary('stop a local cluster and remove its state')
    .description(
      'Stop every node of local cluster NAME and remove its state directory and its talosconfig context. Each recorded machined gets SIGTERM (only if that pid is still our machined) and whatever of the node remains gets SIGKILL after the timeout. A half-created cluster is destroyed the same way.',
    )
    .option(
      '--provisioner <name>',
      'process or docker; by default the one that created the cluster (docker finds its engine as create does)',
    )
    .option('--name <name>', 'cluster name', DefaultClusterName)
    .option('--state <dir>', 'directory of local clusters (default ~/.bronze/clusters)')
    .option(
      '--docker-host <url>',
      'docker clusters: the engine socket (unix://PATH); default $DOCKER_HOST, /var/run/docker.sock, then the Podman service socket',
    )
    .action(async (opts: ClusterFlags) => {
      const result = await provisionerOf(opts, io).destroy(opts.name, {
        progress: (line) => {
          io.err(`${line}\n`);
        },
      });
      if (result.leftovers.length > 0) {
        throw new Error(
          `cluster ${opts.name} was destroyed, but some things were left behind:\n  ${result.leftovers.join('\n  ')}`,
        );
      }
      io.out(`destroyed cluster ${opts.name}\n`);
    });
}
