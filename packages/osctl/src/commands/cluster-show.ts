import { Command } from 'commander';
import { formatClusterSummary } from '@bronze/provision';
import type { Io } from '../io.ts';
import { DefaultClusterName, provisionerOf, type ClusterFlags } from './cluster-flags.ts';

export function clusterShowCommand(io: Io): Command {
  return new Command('show')
    .summary('show the nodes of a local cluster')
    .description(
      'Print the nodes of local cluster NAME (name, role, address, pid, whether its machined runs), its endpoints, its talosconfig context and where its state and logs are.',
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
      io.out(formatClusterSummary(await provisionerOf(opts, io).show(opts.name)));
    });
}
