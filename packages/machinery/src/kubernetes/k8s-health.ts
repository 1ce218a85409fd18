// The Kubernetes half of `osctl health`, as Talos's cluster checks: every node registered and Ready
// and schedulable, the control-plane static pods running and ready, kube-proxy and CoreDNS ready.
// Nodes are matched to the health wait's nodes by address (Node.status.addresses).
import { hostOf, type CheckContext } from '../health/health-client.ts';
import type { KubeClient, KubeObject } from './k8s-client.ts';

/** What the checks use of a KubeClient. */
export type KubeReader = Pick<KubeClient, 'list' | 'find'>;

export interface KubeCheckContext extends CheckContext {
  kube: KubeReader;
}

interface NodeStatus {
  addresses?: { type?: string; address?: string }[];
  conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
}

interface K8sNode {
  name: string;
  addresses: string[];
  ready: { status: string; reason: string };
  unschedulable: boolean;
}

export const ControlPlaneComponents = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

function nodeOf(o: KubeObject): K8sNode {
  const status = (o['status'] ?? {}) as NodeStatus;
  const ready = (status.conditions ?? []).find((c) => c.type === 'Ready');
  return {
    name: o.metadata.name,
    addresses: (status.addresses ?? []).map((a) => a.address ?? ''),
    ready: { status: ready?.status ?? 'Unknown', reason: ready?.reason ?? ready?.message ?? '' },
    unschedulable: (o['spec'] as { unschedulable?: boolean } | undefined)?.unschedulable === true,
  };
}

/** The registered nodes by expected node; throws naming missing ones and, unless `only` is given, extra ones. */
async function registeredNodes(ctx: KubeCheckContext, only?: readonly string[]): Promise<Map<string, K8sNode>> {
  const nodes = (await ctx.kube.list({ apiVersion: 'v1', kind: 'Node' }, { signal: ctx.signal })).map(nodeOf);
  const byExpected = new Map<string, K8sNode>();
  const missing: string[] = [];
  for (const expected of only ?? [...ctx.controlPlanes, ...ctx.workers]) {
    const found = nodes.find((n) => n.addresses.includes(hostOf(expected)));
    if (found === undefined) missing.push(expected);
    else byExpected.set(expected, found);
  }
  const matched = new Set([...byExpected.values()].map((n) => n.name));
  const extra =
    only === undefined
      ? nodes.filter((n) => !matched.has(n.name)).map((n) => `${n.name} (${n.addresses.join(', ')})`)
      : [];
  const problems = [
    ...(missing.length > 0 ? [`nodes not registered: ${missing.join(', ')}`] : []),
    ...(extra.length > 0 ? [`unexpected nodes: ${extra.join(', ')}`] : []),
  ];
  if (problems.length > 0) throw new Error(problems.join('; '));
  return byExpected;
}

/** all k8s nodes to report: each node of the wait is a registered Node, and no other is. */
export async function checkK8sNodesReport(ctx: KubeCheckContext): Promise<void> {
  await registeredNodes(ctx);
}

/** all k8s nodes to report ready: condition Ready is True on every node. */
export async function checkK8sNodesReady(ctx: KubeCheckContext): Promise<void> {
  const nodes = await registeredNodes(ctx);
  const notReady = [...nodes.values()]
    .filter((n) => n.ready.status !== 'True')
    .map((n) => `${n.name} Ready=${n.ready.status}${n.ready.reason === '' ? '' : ` (${n.ready.reason})`}`);
  if (notReady.length > 0) throw new Error(`nodes not ready: ${notReady.join(', ')}`);
}

/** all k8s nodes to report schedulable: no node is cordoned. */
export async function checkK8sNodesSchedulable(ctx: KubeCheckContext): Promise<void> {
  const nodes = await registeredNodes(ctx);
  const cordoned = [...nodes.values()].filter((n) => n.unschedulable).map((n) => n.name);
  if (cordoned.length > 0) throw new Error(`nodes not schedulable: ${cordoned.join(', ')}`);
}

interface PodStatus {
  phase?: string;
  conditions?: { type?: string; status?: string }[];
}

/** Each control plane's three static pods (mirror pods COMPONENT-NODENAME in kube-system). */
async function controlPlanePods(ctx: KubeCheckContext, judge: (pod: PodStatus) => string | undefined): Promise<void> {
  const nodes = await registeredNodes(ctx, ctx.controlPlanes);
  const pods = await ctx.kube.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'kube-system', signal: ctx.signal });
  const problems: string[] = [];
  for (const node of nodes.values()) {
    for (const component of ControlPlaneComponents) {
      const name = `${component}-${node.name}`;
      const pod = pods.find((p) => p.metadata.name === name);
      const problem = pod === undefined ? 'not found' : judge(pod['status'] ?? {});
      if (problem !== undefined) problems.push(`${name} ${problem}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join(', '));
}

/** all control plane static pods to be running: phase Running on every control plane. */
export async function checkStaticPodsRunning(ctx: KubeCheckContext): Promise<void> {
  await controlPlanePods(ctx, (s) => (s.phase === 'Running' ? undefined : `is ${s.phase ?? 'Unknown'}`));
}

/** all control plane components to be ready: condition Ready True. */
export async function checkControlPlaneReady(ctx: KubeCheckContext): Promise<void> {
  await controlPlanePods(ctx, (s) =>
    s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true ? undefined : 'is not ready',
  );
}

/** kube-proxy to report ready: every scheduled pod of the DaemonSet ready (passes when it is absent: disabled). */
export async function checkKubeProxyReady(ctx: KubeCheckContext): Promise<void> {
  const ds = await ctx.kube.find(
    { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy', namespace: 'kube-system' },
    { signal: ctx.signal },
  );
  if (ds === undefined) return;
  const s = (ds['status'] ?? {}) as {
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
  };
  const desired = s.desiredNumberScheduled ?? 0;
  const ready = s.numberReady ?? 0;
  if (desired === 0 || ready < desired)
    throw new Error(`kube-proxy: ${String(ready)} of ${String(desired)} pods ready`);
}

/** coredns to report ready: every replica of the Deployment ready (passes when it is absent: disabled). */
export async function checkCoreDnsReady(ctx: KubeCheckContext): Promise<void> {
  const d = await ctx.kube.find(
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'coredns', namespace: 'kube-system' },
    { signal: ctx.signal },
  );
  if (d === undefined) return;
  const want = (d['spec'] as { replicas?: number } | undefined)?.replicas ?? 1;
  const ready = (d['status'] as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0;
  if (ready < want) throw new Error(`coredns: ${String(ready)} of ${String(want)} replicas ready`);
}
