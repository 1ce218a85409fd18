// Kubernetes on a 1 + 1 docker cluster of the node image, end to end: both nodes run the `cri` and
// `kubelet` services, the control plane's static pods run, both kubelets join with the bootstrap
// token and their Nodes turn Ready, flannel, kube-proxy and CoreDNS run; then the cluster is
// destroyed. Part of `npm run test:e2e`; skips only without an engine.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  loadClientConfig,
  nodeKubeSource,
  nodeMetadata,
  openNodeClient,
  resolveClientTarget,
  type KubeClient,
  type KubeObject,
  type NodeClient,
} from '@bronze/machinery';
import { bootstrapCluster, dockerProvisioner, type ClusterInfo } from '../src/index.ts';
import { nodeImageTarget } from './node-image-fixture.ts';

const { engine, image, skip } = await nodeImageTarget();
const name = 'e2ek8s';
// The API server must accept the kubelets' bootstrap token (harmless once it does by default).
const bootstrapTokenAuth = '{"cluster":{"apiServer":{"extraArgs":{"enable-bootstrap-token-auth":"true"}}}}';

async function clientOf(info: ClusterInfo): Promise<NodeClient> {
  if (info.talosconfig === undefined) throw new Error('the cluster has no talosconfig context');
  const config = await loadClientConfig(info.talosconfig.path);
  return openNodeClient(resolveClientTarget(config, { context: info.talosconfig.context }));
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; the last failure is in the error. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${String(timeoutMs)} ms: ${last}`);
    await sleep(1000);
  }
}

function field(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

function ready(node: KubeObject): boolean {
  const conditions = field(node, 'status', 'conditions');
  return (
    Array.isArray(conditions) && conditions.some((c) => field(c, 'type') === 'Ready' && field(c, 'status') === 'True')
  );
}

async function runningPods(kube: KubeClient): Promise<Map<string, string>> {
  const pods = await kube.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'kube-system' });
  return new Map(pods.map((p) => [String(field(p, 'metadata', 'name')), String(field(p, 'status', 'phase'))]));
}

void test(
  'a 1 + 1 docker cluster runs kubernetes: cri and kubelet up, nodes Ready, static pods running',
  { skip },
  async (t) => {
    const started = Date.now();
    const root = await mkdtemp(join(tmpdir(), 'bronze-kubernetes-e2e-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const provisioner = dockerProvisioner({
      stateRoot: root,
      socketPath: engine.socketPath,
      image,
      cidr: '10.213.41.0/28',
    });
    t.after(() => provisioner.destroy(name).catch(() => undefined));
    const info = await provisioner.create({
      name,
      controlPlanes: 1,
      workers: 1,
      talosconfig: join(root, 'talosconfig'),
      rsaBits: 2048,
      waitTimeoutMs: 120_000,
      patches: { controlPlane: [bootstrapTokenAuth] },
    });
    await bootstrapCluster(info, { timeoutMs: 120_000 });
    const client = await clientOf(info);
    t.after(() => {
      client.close();
    });
    const [cp, worker] = info.nodes;
    assert.ok(cp !== undefined && worker !== undefined);

    for (const node of [cp, worker]) {
      await eventually(`cri and kubelet Running and healthy on ${node.address}`, 120_000, async () => {
        const reply = await client.machine.serviceList({}, { metadata: nodeMetadata(node.address) });
        const services = reply.messages[0]?.services ?? [];
        const bad = ['cri', 'kubelet'].filter((id) => {
          const s = services.find((x) => x.id === id);
          return s?.state !== 'Running' || s.health?.healthy !== true;
        });
        if (bad.length > 0) throw new Error(`not up: ${bad.join(', ')}`);
        return true;
      });
    }

    const source = nodeKubeSource(client, cp.address, { timeoutMs: 10_000 });
    t.after(() => {
      source.close();
    });
    const kube = await source.kube(AbortSignal.timeout(60_000));
    const nodes = await eventually('both nodes Ready', 180_000, async () => {
      const list = await kube.list({ apiVersion: 'v1', kind: 'Node' });
      const names = list.filter(ready).map((n) => String(field(n, 'metadata', 'name')));
      if (names.length < 2) throw new Error(`Ready: ${JSON.stringify(names)} of ${String(list.length)}`);
      return names;
    });
    t.diagnostic(`nodes Ready ${String(Date.now() - started)} ms after create: ${nodes.join(', ')}`);
    assert.deepEqual(nodes.sort(), info.nodes.map((n) => n.name).sort());

    const pods = await eventually('the control plane, flannel, kube-proxy and CoreDNS running', 180_000, async () => {
      const phases = await runningPods(kube);
      const want = [
        'kube-apiserver-',
        'kube-controller-manager-',
        'kube-scheduler-',
        'kube-flannel-',
        'kube-proxy-',
        'coredns-',
      ];
      const missing = want.filter(
        (prefix) => ![...phases].some(([n, phase]) => n.startsWith(prefix) && phase === 'Running'),
      );
      if (missing.length > 0) throw new Error(`not running: ${missing.join(', ')} (${JSON.stringify([...phases])})`);
      return phases;
    });
    t.diagnostic(`kube-system running ${String(Date.now() - started)} ms after create: ${String(pods.size)} pods`);
    const cpNode = await eventually('the control plane labelled with its role', 60_000, async () => {
      const n = await kube.get({ apiVersion: 'v1', kind: 'Node', name: cp.name });
      const labels = field(n, 'metadata', 'labels') as Record<string, string> | undefined;
      if (labels?.['node-role.kubernetes.io/control-plane'] === undefined) throw new Error(JSON.stringify(labels));
      return n;
    });
    const taints = JSON.stringify(field(cpNode, 'spec', 'taints') ?? []);
    assert.match(taints, /node-role\.kubernetes\.io\/control-plane/, 'the control plane is tainted NoSchedule');
  },
);
