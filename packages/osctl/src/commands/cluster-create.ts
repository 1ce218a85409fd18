import { Command } from 'commander';
import { resolve } from 'node:path';
import { bootstrapCluster, DefaultWaitTimeoutMs, formatClusterSummary, parseDuration } from '@bronze/provision';
import { UsageError, type Io } from '../io.ts';
import { asUsage, DefaultClusterName, provisionerOf, type ClusterFlags } from './cluster-flags.ts';
import { talosconfigPath } from './config-file.ts';
import { collect } from './gen-files.ts';
import { kubeconfigTarget, mergeIntoKubeconfig } from './kubeconfig-file.ts';

interface CreateFlags extends ClusterFlags {
  controlplanes: string;
  workers: string;
  waitTimeout: string;
  skipBootstrap?: boolean;
  skipKubeconfig?: boolean;
  configPatch?: string[];
  configPatchControlPlane?: string[];
  configPatchWorker?: string[];
}

export function clusterCreateCommand(io: Io): Command {
  return new Command('create')
    .summary('create a local cluster')
    .description(
      'Create a local cluster and wait until every node answers on the machine API.\n\n' +
        'The process provisioner runs each node as a machined process (with its apid, and trustd on control planes) on its own loopback address 127.0.N.x, N picked free, with its state, config and log under --state/NAME. No root is needed. Secrets and configs are generated as "osctl gen config" does (the Kubernetes endpoint is the first control plane, port 6443), then patched with --config-patch*, then per node (hostname, address).\n\n' +
        'The talosconfig gets a context NAME (or NAME-1 when taken) with the control planes as endpoints and every node as nodes, and it becomes the current context. Once every node answers, etcd is bootstrapped on the first control plane and the command waits until the checks of "osctl health" pass, with the Kubernetes checks when the nodes run a kubelet (docker); then it merges an admin kubeconfig into $KUBECONFIG or ~/.kube/config as "osctl kubeconfig" does (--skip-kubeconfig does not). --skip-bootstrap stops after the nodes answer. A failure while starting stops what was started and names the node and its log; a cluster that started but does not become healthy is left running for you to inspect (osctl health, osctl logs) or destroy.',
    )
    .argument('[provisioner]', 'process or docker, as talosctl\'s "cluster create docker" (same as --provisioner)')
    .option('--provisioner <name>', 'process or docker (qemu comes later)', 'process')
    .option(
      '--docker-host <url>',
      'docker: the engine socket, unix:///PATH (default $DOCKER_HOST, /var/run/docker.sock, then /run/bronze/podman.sock)',
    )
    .option('--image <ref>', 'docker: the node image')
    .option('--cidr <subnet>', 'docker: the cluster network (default 10.5.0.0/24)')
    .option('--cpus <n>', 'docker: CPUs per node, e.g. 2 or 0.5')
    .option('--memory <MiB>', 'docker: memory per node in MiB')
    .option('--name <name>', 'cluster name', DefaultClusterName)
    .option('--controlplanes <n>', 'control-plane nodes', '1')
    .option('--workers <n>', 'worker nodes', '1')
    .option('--state <dir>', 'directory of local clusters (default ~/.bronze/clusters)')
    .option(
      '--wait-timeout <duration>',
      'how long to wait for the nodes, e.g. 90s, 5m',
      `${DefaultWaitTimeoutMs / 1000}s`,
    )
    .option('--skip-bootstrap', 'do not bootstrap etcd or wait for health; stop once every node answers')
    .option('--skip-kubeconfig', 'do not merge the admin kubeconfig into $KUBECONFIG or ~/.kube/config')
    .option('--config-patch <patch>', 'patch every machine config (@file or inline; repeatable)', collect)
    .option('--config-patch-control-plane <patch>', 'patch the control-plane configs (repeatable)', collect)
    .option('--config-patch-worker <patch>', 'patch the worker configs (repeatable)', collect)
    .action(async (positional: string | undefined, opts: CreateFlags, cmd: Command) => {
      if (positional !== undefined) opts.provisioner = positional;
      const waitTimeoutMs = parseDuration(opts.waitTimeout);
      if (waitTimeoutMs === undefined)
        throw new UsageError(`--wait-timeout ${opts.waitTimeout} is not a duration like 90s or 5m`);
      const provisioner = provisionerOf(opts, io);
      const abort = new AbortController();
      const onSignal = (): void => {
        io.err('interrupted: stopping the nodes started so far\n');
        abort.abort(new Error('interrupted'));
      };
      process.once('SIGINT', onSignal);
      try {
        const info = await asUsage(() =>
          provisioner.create({
            name: opts.name,
            controlPlanes: count(opts.controlplanes, '--controlplanes'),
            workers: count(opts.workers, '--workers'),
            patches: {
              all: opts.configPatch ?? [],
              controlPlane: opts.configPatchControlPlane ?? [],
              worker: opts.configPatchWorker ?? [],
            },
            cwd: io.cwd,
            waitTimeoutMs,
            talosconfig: resolve(io.cwd, talosconfigPath(cmd, io)),
            progress: (line) => {
              io.err(`${line}\n`);
            },
            signal: abort.signal,
          }),
        );
        let kubernetes = false;
        if (opts.skipBootstrap !== true) {
          const booted = await bootstrapCluster(info, {
            timeoutMs: waitTimeoutMs,
            signal: abort.signal,
            progress: (line) => {
              io.err(`${line}\n`);
            },
          });
          kubernetes = booted.kubernetes;
          if (booted.kubeconfig !== undefined && opts.skipKubeconfig !== true) {
            await mergeIntoKubeconfig(io, booted.kubeconfig, { path: await kubeconfigTarget(io, undefined) });
          }
        }
        io.out(formatClusterSummary(info));
        io.out(
          opts.skipBootstrap === true
            ? '\nready: every node answers on the machine API (etcd not bootstrapped: run osctl bootstrap)\n'
            : kubernetes
              ? '\nhealthy: etcd is bootstrapped, osctl health passes and every Kubernetes node is Ready (kubectl get nodes)\n'
              : '\nhealthy: etcd is bootstrapped and osctl health passes (this platform runs no Kubernetes)\n',
        );
        io.out(`try:   osctl --context ${info.talosconfig?.context ?? info.name} version\n`);
      } finally {
        process.removeListener('SIGINT', onSignal);
      }
    });
}

function count(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} ${value} is not a whole number`);
  return Number(value);
}
