// The Kubernetes checks as HealthChecks for waitHealthy, after the node and etcd checks. They reach
// the API with an admin kubeconfig fetched once from a control plane (MachineService.Kubeconfig);
// `runsKubernetes` tells whether a cluster runs Kubernetes at all (its control plane runs a kubelet).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTarGz } from '../client/tar-extract.ts';
import { callTo, type CheckContext, type HealthClient } from '../health/health-client.ts';
import { defaultHealthChecks, type HealthCheck } from '../health/wait-healthy.ts';
import { KubeClient } from './k8s-client.ts';
import { kubeEndpointFromKubeconfig } from './k8s-client-kubeconfig.ts';
import {
  checkControlPlaneReady,
  checkCoreDnsReady,
  checkK8sNodesReady,
  checkK8sNodesReport,
  checkK8sNodesSchedulable,
  checkKubeProxyReady,
  checkStaticPodsRunning,
  type KubeCheckContext,
  type KubeReader,
} from './k8s-health.ts';

/** Where the checks get their client; asked at every attempt until it gives one. */
export interface KubeClientSource {
  kube: (signal: AbortSignal) => Promise<KubeReader>;
}

/** The checks in Talos's order and wording. */
export function kubernetesHealthChecks(source: KubeClientSource): HealthCheck[] {
  const withKube =
    (check: (ctx: KubeCheckContext) => Promise<void>) =>
    async (ctx: CheckContext): Promise<void> => {
      await check({ ...ctx, kube: await source.kube(ctx.signal) });
    };
  return [
    { name: 'all k8s nodes to report', run: withKube(checkK8sNodesReport) },
    { name: 'all control plane static pods to be running', run: withKube(checkStaticPodsRunning) },
    { name: 'all control plane components to be ready', run: withKube(checkControlPlaneReady) },
    { name: 'all k8s nodes to report ready', run: withKube(checkK8sNodesReady) },
    { name: 'kube-proxy to report ready', run: withKube(checkKubeProxyReady) },
    { name: 'coredns to report ready', run: withKube(checkCoreDnsReady) },
    { name: 'all k8s nodes to report schedulable', run: withKube(checkK8sNodesSchedulable) },
  ];
}

/** The admin kubeconfig a node hands out (a tar.gz holding `kubeconfig`). */
export async function kubeconfigFromNode(client: HealthClient, node: string, signal: AbortSignal): Promise<string> {
  const chunks = async function* (): AsyncGenerator<Uint8Array> {
    for await (const m of client.machine.kubeconfig({}, callTo(node, signal))) yield m.bytes;
  };
  return kubeconfigFromTarGz(chunks(), signal);
}

/** The `kubeconfig` file of the tar.gz a Kubeconfig call streams. */
export async function kubeconfigFromTarGz(chunks: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-kubeconfig-'));
  try {
    await extractTarGz(chunks, dir, { signal });
    return await readFile(join(dir, 'kubeconfig'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A source that fetches the kubeconfig from `node` once and keeps the client; `server` replaces the
 * kubeconfig's server (when the endpoint is not reachable from here). close() when done.
 */
export function nodeKubeSource(
  client: HealthClient,
  node: string,
  options: { server?: string; timeoutMs?: number } = {},
): { kube: (signal: AbortSignal) => Promise<KubeClient>; close: () => void } {
  let kube: KubeClient | undefined;
  return {
    kube: async (signal) => {
      if (kube !== undefined) return kube;
      const endpoint = kubeEndpointFromKubeconfig(await kubeconfigFromNode(client, node, signal), {
        source: `the kubeconfig of ${node}`,
      });
      if (options.server !== undefined) endpoint.server = options.server.replace(/\/+$/, '');
      kube = new KubeClient(endpoint, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
      return kube;
    },
    close: () => {
      kube?.close();
    },
  };
}

/**
 * Whether `node` (a control plane) runs Kubernetes: its service list has a `kubelet` that is not
 * Skipped (a platform without Kubernetes, such as process nodes, skips it or has none); a node
 * that cannot answer counts as not running it.
 */
export async function runsKubernetes(client: HealthClient, node: string, signal: AbortSignal): Promise<boolean> {
  try {
    const reply = await client.machine.serviceList({}, callTo(node, signal));
    return reply.messages.some((m) => m.services.some((s) => s.id === 'kubelet' && s.state !== 'Skipped'));
  } catch (err) {
    // a node that cannot answer yet: the node checks that follow will say why
    signal.throwIfAborted();
    if (err instanceof Error) return false;
    throw err;
  }
}

/**
 * The checks for a cluster: the default node and etcd checks, then the Kubernetes ones when its
 * first control plane runs Kubernetes. close() releases the Kubernetes client.
 */
export async function clusterHealthChecks(
  client: HealthClient,
  nodes: { controlPlanes: readonly string[] },
  options: { signal: AbortSignal; k8sEndpoint?: string },
): Promise<{ checks: HealthCheck[]; kubernetes: boolean; close: () => void }> {
  const first = nodes.controlPlanes[0];
  if (first === undefined || !(await runsKubernetes(client, first, options.signal))) {
    return { checks: [...defaultHealthChecks], kubernetes: false, close: () => undefined };
  }
  const source = nodeKubeSource(
    client,
    first,
    options.k8sEndpoint === undefined ? {} : { server: options.k8sEndpoint },
  );
  return { checks: [...defaultHealthChecks, ...kubernetesHealthChecks(source)], kubernetes: true, close: source.close };
}
