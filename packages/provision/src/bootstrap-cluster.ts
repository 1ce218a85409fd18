// After the nodes answer: bootstrap etcd on the first control plane and wait until the cluster is
// healthy, as `talosctl cluster create` does. Every provider runs this the same way, through the
// machine API and the cluster's talosconfig context, so it is tested once against real nodes.
import {
  clusterHealthChecks,
  isApiError,
  kubeconfigFromNode,
  loadClientConfig,
  nodeMetadata,
  openNodeClient,
  resolveClientTarget,
  waitHealthy,
} from '@bronze/machinery';
import type { ClusterInfo, Progress } from './provisioner.ts';
import { ProvisionError, ProvisionErrorCode } from './provision-error.ts';

export interface BootstrapClusterOptions {
  /** How long the whole health wait may take. */
  timeoutMs: number;
  progress?: Progress;
  signal?: AbortSignal;
}

export interface BootstrapClusterResult {
  /** Whether the nodes run Kubernetes (a kubelet): then its checks passed too. */
  kubernetes: boolean;
  /** A fresh admin kubeconfig from the first control plane, when the nodes run Kubernetes. */
  kubeconfig: string | undefined;
}

/**
 * Bootstraps etcd once (an already bootstrapped cluster is fine) and waits for `osctl health`,
 * with its Kubernetes checks (every node Ready, control plane, kube-proxy, CoreDNS) when the nodes
 * run a kubelet.
 */
export async function bootstrapCluster(
  info: ClusterInfo,
  options: BootstrapClusterOptions,
): Promise<BootstrapClusterResult> {
  const say = options.progress ?? (() => undefined);
  if (info.talosconfig === undefined) {
    throw new ProvisionError(ProvisionErrorCode.invalid, `cluster ${info.name} has no talosconfig context to reach it`);
  }
  const controlPlanes = info.nodes.filter((n) => n.role === 'controlplane').map((n) => n.address);
  const workers = info.nodes.filter((n) => n.role === 'worker').map((n) => n.address);
  const first = controlPlanes[0];
  if (first === undefined) {
    throw new ProvisionError(ProvisionErrorCode.invalid, `cluster ${info.name} has no control-plane node`);
  }
  const config = await loadClientConfig(info.talosconfig.path);
  const target = resolveClientTarget(config, { context: info.talosconfig.context });
  const signal = options.signal;
  const client = await openNodeClient(target, signal === undefined ? {} : { signal });
  try {
    say(`bootstrapping etcd on ${first}`);
    try {
      await client.machine.bootstrap({}, { metadata: nodeMetadata(first), ...(signal ? { signal } : {}) });
    } catch (err) {
      if (!isApiError(err, 'already-exists')) throw err;
      say(`etcd on ${first} is bootstrapped already`);
    }
    const healthSignal = signal ?? new AbortController().signal;
    const { checks, kubernetes, close } = await clusterHealthChecks(
      client,
      { controlPlanes },
      { signal: healthSignal },
    );
    if (kubernetes) say('the nodes run Kubernetes: health waits for it too');
    try {
      await waitHealthy(client, {
        controlPlanes,
        workers,
        checks,
        timeout: options.timeoutMs,
        ...(signal ? { signal } : {}),
        onProgress: (e) => {
          if (e.kind === 'pass') say(`  ${e.check}: OK`);
          else if (e.kind === 'start') say(`  waiting for ${e.check}`);
        },
      });
    } finally {
      close();
    }
    return { kubernetes, kubeconfig: kubernetes ? await kubeconfigFromNode(client, first, healthSignal) : undefined };
  } finally {
    client.close();
  }
}
