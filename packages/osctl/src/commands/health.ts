import { Command } from 'commander';
import {
  clusterHealthChecks,
  isHealthCheckError,
  learnNodeRoles,
  splitList,
  waitHealthy,
  type HealthNodes,
  type HealthProgress,
  type NodeClient,
} from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { Group } from '../groups.ts';
import { NodesFailedError } from '../output/node-errors.ts';
import { parseGoDuration } from '../output/units.ts';
import { withNodeClient } from './node-command.ts';

interface HealthOptions {
  controlPlaneNodes?: string[];
  workerNodes?: string[];
  waitTimeout: string;
  server: boolean;
  k8sEndpoint?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...splitList([value])];
}

function parseBool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`--server=${value}: give true or false`);
}

/** Prints "waiting for CHECK: ..." when a check starts, each new error, and ": OK" when it passes. */
function progressPrinter(io: Io): (event: HealthProgress) => void {
  let last = '';
  return (event) => {
    const line =
      event.kind === 'start' ? '...' : event.kind === 'pass' ? 'OK' : event.error.message.replace(/\n/g, ' ');
    if (event.kind === 'retry' && line === last) return;
    last = line;
    io.out(`waiting for ${event.check}: ${line}\n`);
  };
}

async function nodesOf(client: NodeClient, opts: HealthOptions, signal: AbortSignal): Promise<HealthNodes> {
  const controlPlanes = opts.controlPlaneNodes ?? [];
  const workers = opts.workerNodes ?? [];
  if (controlPlanes.length > 0 || workers.length > 0) {
    if (controlPlanes.length === 0) throw new UsageError('--worker-nodes needs --control-plane-nodes too');
    return { controlPlanes, workers };
  }
  // the context's nodes (or the endpoint itself), each asked for its machine type
  const nodes = client.targets.map((t) => (t.node === 'self' ? '' : t.node)).filter((n) => n !== '');
  const given = nodes.length > 0 ? nodes : [client.connection.endpoint.host];
  const learned = await learnNodeRoles(client, given, { signal });
  if (learned.controlPlanes.length === 0) {
    throw new UsageError(`none of ${given.join(', ')} is a control plane: pass --control-plane-nodes`);
  }
  return learned;
}

export function healthCommand(io: Io): Command {
  return new Command('health')
    .summary('check the health of a cluster')
    .description(
      'Wait until the cluster is healthy, checking from this client over the machine API: apid answers ' +
        'on every node, every node finished booting, every service is healthy, etcd answers on every ' +
        'control plane, and every control plane lists the same etcd members, which are exactly the ' +
        'control planes (no learner left, none missing, none extra). Each check is retried until it passes ' +
        'or --wait-timeout runs out; the command then exits 1 naming the check and its last error. ' +
        'Without --control-plane-nodes the nodes are those of the talosconfig context (-n), each ' +
        'asked for its machine type. When the first control plane runs Kubernetes (a kubelet service that is not skipped), ' +
        'the Kubernetes checks follow, through an admin kubeconfig fetched from it: every node ' +
        'registered, the control-plane static pods running and ready, every node Ready, kube-proxy and ' +
        'CoreDNS ready, no node cordoned.',
    )
    .option('--control-plane-nodes <nodes>', 'control-plane node addresses (comma-separated, repeatable)', collect)
    .option('--worker-nodes <nodes>', 'worker node addresses (comma-separated, repeatable)', collect)
    .option('--k8s-endpoint <url>', "reach the Kubernetes API here instead of the kubeconfig's server")
    .option('--wait-timeout <d>', 'how long to wait for the whole cluster to be healthy', '20m')
    .option('--server [bool]', 'run the checks on the server (not available: only false)', parseBool, false)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl health -n 10.5.0.2,10.5.0.3\n' +
        '  osctl health --control-plane-nodes 10.5.0.2,10.5.0.3,10.5.0.4 --worker-nodes 10.5.0.5\n' +
        '  osctl health --wait-timeout 5m\n',
    )
    .helpGroup(Group.Node)
    .action(async (opts: HealthOptions, cmd: Command) => {
      if (opts.server) {
        throw new UsageError('--server: server-side health checks are not available yet; run without --server');
      }
      const timeout = parseGoDuration(opts.waitTimeout);
      if (timeout === undefined || timeout <= 0) {
        throw new UsageError(`--wait-timeout ${JSON.stringify(opts.waitTimeout)}: give a duration such as 20m`);
      }
      await withNodeClient(cmd, io, async (client, signal) => {
        const nodes = await nodesOf(client, opts, signal);
        const { checks, close } = await clusterHealthChecks(client, nodes, {
          signal,
          ...(opts.k8sEndpoint === undefined ? {} : { k8sEndpoint: opts.k8sEndpoint }),
        });
        try {
          await waitHealthy(client, { ...nodes, timeout, signal, checks, onProgress: progressPrinter(io) });
        } catch (err) {
          // an interrupted wait has not shown health: exit 1, not the quiet Ctrl-C of other commands
          if (isHealthCheckError(err) && err.interrupted) throw new NodesFailedError(err.message);
          throw err;
        } finally {
          close();
        }
      });
    });
}
