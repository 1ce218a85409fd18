// npm run bench -- kubernetes [--cold-go] [--components-only]: Kubernetes on docker clusters of the node image.
// - Component builds: cold = kube-scheduler built into a fresh, empty component cache (Go's own
//   build cache is left as it is, so shared packages may come from it; --cold-go empties that too);
//   cached = every component of the pinned list asked again from the shared cache (.cache/components).
// - Time from `cluster create` to every Node Ready (polled through the Kubernetes API with the
//   admin kubeconfig from the Kubeconfig RPC) for 1 + 1 and 3 + 1 clusters.
// - Memory per node at idle once Ready (after a settle), read on the host from /proc of every
//   process in each node container (RSS and PSS, lib-node-procs.ts), and the container's memory
//   cgroup usage when readable; broken down per program.
// - Pod start latency: N pause pods (imagePullPolicy Never) created at once on the 1 + 1 cluster,
//   create call → phase Running seen by polling every 100 ms; p50/p95.
// Talos peer: its documented minimum memory (2 GiB control plane, 1 GiB worker;
// talos.dev/v1.10/introduction/system-requirements): ratio = our idle PSS / that minimum.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildComponent, upstreamComponent, upstreamComponents } from '@bronze/imager';
import {
  loadClientConfig,
  nodeKubeSource,
  openNodeClient,
  resolveClientTarget,
  type KubeClient,
  type KubeObject,
} from '@bronze/machinery';
import {
  bootstrapCluster,
  dockerProvisioner,
  engineClient,
  resolveDockerHost,
  type ClusterInfo,
} from '@bronze/provision';
import { benchLine, percentile } from './lib-stats.ts';
import { nodeProcMemory, type NodeProcMemory } from './lib-node-procs.ts';

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const engine = engineClient(resolveDockerHost());
if ((await engine.ping().catch(() => '')) !== 'OK') {
  say(`bench kubernetes: no container engine answers on ${engine.socketPath}: start one with scripts/podman-service`);
  process.exit(1);
}
const repoRoot = resolve(import.meta.dirname, '..');
const root = await mkdtemp(join(tmpdir(), 'bronze-bench-kubernetes-'));
const seconds = (t0: number): number => (performance.now() - t0) / 1000;
const PODS = 10;
// --cold-go: the cold build also gets an empty Go build cache (GOCACHE), so every package compiles;
// --components-only: only that cold build.
const coldGo = process.argv.includes('--cold-go');
const componentsOnly = process.argv.includes('--components-only');
const goCache = coldGo ? 'empty Go build cache' : 'Go build cache as is';
const names = { small: 'bk8s-11', large: 'bk8s-31' };

async function componentFigures(): Promise<{ coldS: number; cachedS: number; count: number }> {
  const scheduler = upstreamComponent('kube-scheduler');
  if (scheduler === undefined) throw new Error('the pinned list has no kube-scheduler');
  say(`building kube-scheduler cold into an empty component cache (${goCache})`);
  const savedGoCache = process.env['GOCACHE'];
  if (coldGo) process.env['GOCACHE'] = join(root, 'gocache');
  let t = performance.now();
  try {
    await buildComponent(scheduler, { cacheRoot: join(root, 'components'), force: true, onProgress: say });
  } finally {
    if (savedGoCache === undefined) delete process.env['GOCACHE'];
    else process.env['GOCACHE'] = savedGoCache;
  }
  const coldS = seconds(t);
  if (componentsOnly) {
    process.stdout.write(`kube-scheduler cold (${goCache}): ${coldS.toFixed(1)} s\n`);
    process.stdout.write(
      `${benchLine('kubernetes', { component_cold_s: coldS, go_cache: coldGo ? 'empty' : 'as-is' })}\n`,
    );
    await rm(root, { recursive: true, force: true });
    process.exit(0);
  }
  t = performance.now();
  for (const c of upstreamComponents) await buildComponent(c, { onProgress: say });
  return { coldS, cachedS: seconds(t), count: upstreamComponents.length };
}

async function nodeImage(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(repoRoot, 'scripts/node-image.ts'), '--socket', engine.socketPath],
    { cwd: repoRoot, timeout: 30 * 60_000, maxBuffer: 16 << 20 },
  );
  return stdout.trim().split(' ')[0] ?? '';
}

function field(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

const isReady = (node: KubeObject): boolean => {
  const cs = field(node, 'status', 'conditions');
  return Array.isArray(cs) && cs.some((c) => field(c, 'type') === 'Ready' && field(c, 'status') === 'True');
};

interface Formed {
  info: ClusterInfo;
  kube: KubeClient;
  readyS: number;
  healthyS: number;
  close: () => void;
}

/** Polls the Nodes until all `count` are Ready; the KubeClient that saw it. */
async function untilReady(
  source: { kube: (signal: AbortSignal) => Promise<KubeClient> },
  count: number,
  label: string,
): Promise<KubeClient> {
  const deadline = Date.now() + 10 * 60_000;
  let last: string;
  for (;;) {
    try {
      const kube = await source.kube(AbortSignal.timeout(30_000));
      const list = await kube.list({ apiVersion: 'v1', kind: 'Node' });
      const ready = list.filter(isReady).length;
      last = `${String(ready)} of ${String(list.length)} Ready`;
      if (ready === count) return kube;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`${label}: nodes not Ready within 10 min: ${last}`);
    await sleep(500);
  }
}

/**
 * Creates the cluster, then bootstraps it while polling its Nodes (the Kubeconfig RPC answers once
 * etcd and the API server are up): readyS when every Node is Ready, healthyS when the bootstrap's
 * health checks (Kubernetes ones included) pass, both from the start of create.
 */
async function form(
  image: string,
  name: string,
  shape: { cps: number; workers: number; cidr: string },
): Promise<Formed> {
  const p = dockerProvisioner({ stateRoot: join(root, name), socketPath: engine.socketPath, image, cidr: shape.cidr });
  const t0 = performance.now();
  const info = await p.create({
    name,
    controlPlanes: shape.cps,
    workers: shape.workers,
    talosconfig: join(root, `${name}.talosconfig`),
    progress: say,
  });
  if (info.talosconfig === undefined) throw new Error(`${name} has no talosconfig context`);
  const config = await loadClientConfig(info.talosconfig.path);
  const client = await openNodeClient(resolveClientTarget(config, { context: info.talosconfig.context }));
  const cp = info.nodes[0];
  if (cp === undefined) throw new Error(`${name} has no nodes`);
  const source = nodeKubeSource(client, cp.address, { timeoutMs: 10_000 });
  const close = (): void => {
    source.close();
    client.close();
  };
  try {
    let readyS = 0;
    const ready = untilReady(source, info.nodes.length, name).then((kube) => {
      readyS = seconds(t0);
      return kube;
    });
    ready.catch(() => undefined); // awaited below; a failed bootstrap must not leave it unhandled
    await bootstrapCluster(info, { timeoutMs: 5 * 60_000, progress: say });
    const healthyS = seconds(t0);
    const kube = await ready;
    return { info, kube, readyS, healthyS, close };
  } catch (err) {
    close();
    throw err;
  }
}

async function memories(info: ClusterInfo): Promise<{ node: string; role: string; m: NodeProcMemory }[]> {
  return Promise.all(
    info.nodes.map(async (n) => ({
      node: n.name,
      role: n.role,
      m: await nodeProcMemory((await engine.inspectContainer(n.name)).State.Pid),
    })),
  );
}

function pausePod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'bench-pause' } },
    spec: {
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10.1', imagePullPolicy: 'Never' }],
    },
  };
}

/** Seconds from each create call to phase Running. */
async function podStarts(kube: KubeClient): Promise<number[]> {
  for (let i = 0; ; i++) {
    const sa = await kube.find({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: 'default' });
    if (sa !== undefined) break;
    if (i > 120) throw new Error('no default service account after 60 s');
    await sleep(500);
  }
  const created = new Map<string, number>();
  const running = new Map<string, number>();
  await Promise.all(
    Array.from({ length: PODS }, async (_, i) => {
      const name = `bench-pause-${String(i)}`;
      const t = performance.now();
      await kube.create(pausePod(name));
      created.set(name, t);
    }),
  );
  const deadline = Date.now() + 5 * 60_000;
  while (running.size < PODS) {
    if (Date.now() > deadline) throw new Error(`only ${String(running.size)} of ${String(PODS)} pods Running in 5 min`);
    const pods = await kube.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'default' });
    const now = performance.now();
    for (const p of pods) {
      const n = String(field(p, 'metadata', 'name'));
      if (field(p, 'status', 'phase') === 'Running' && !running.has(n)) running.set(n, now);
    }
    await sleep(100);
  }
  return [...running].map(([n, t]) => (t - (created.get(n) ?? t)) / 1000).sort((a, b) => a - b);
}

const mib = (k: number): number => k / 1024;
const fmt = (k: number): string => mib(k).toFixed(1);
const BREAKDOWN = ['machined', 'apid', 'trustd', 'containerd', 'cri-containerd', 'kubelet', 'etcd', 'kube-apiserver'];
const formed: Formed[] = [];
try {
  const comp = await componentFigures();
  say('building or loading the node image');
  const image = await nodeImage();
  const small = await form(image, names.small, { cps: 1, workers: 1, cidr: '10.213.50.0/24' });
  formed.push(small);
  say(`${names.small}: all nodes Ready ${small.readyS.toFixed(1)} s after create; idling 30 s`);
  await sleep(30_000);
  const mem = await memories(small.info);
  const starts = await podStarts(small.kube);
  small.close();
  await dockerProvisioner({ stateRoot: join(root, names.small), socketPath: engine.socketPath, image }).destroy(
    names.small,
  );
  formed.pop();
  const large = await form(image, names.large, { cps: 3, workers: 1, cidr: '10.213.51.0/24' });
  formed.push(large);
  say(`${names.large}: all nodes Ready ${large.readyS.toFixed(1)} s after create; idling 30 s`);
  await sleep(30_000);
  const memLarge = await memories(large.info);

  const row = ({ node, role, m }: { node: string; role: string; m: NodeProcMemory }): string => {
    const parts = m.groups.map((g) => `${g.name}${g.count > 1 ? `×${String(g.count)}` : ''} ${fmt(g.pssKiB)}`);
    const cg = m.cgroupBytes === undefined ? 'n/a' : (m.cgroupBytes / 1048576).toFixed(1);
    return `  ${node} (${role}): RSS ${fmt(m.rssKiB)} MiB, PSS ${fmt(m.pssKiB)} MiB, cgroup ${cg} MiB; PSS MiB by program: ${parts.join(', ')}`;
  };
  process.stdout.write(
    `components: kube-scheduler cold (empty component cache, ${goCache}) ${comp.coldS.toFixed(1)} s; ` +
      `all ${String(comp.count)} cached ${comp.cachedS.toFixed(2)} s\n` +
      `docker cluster create to all nodes Ready: 1+1 ${small.readyS.toFixed(1)} s, 3+1 ${large.readyS.toFixed(1)} s; ` +
      `to healthy (bootstrap's checks incl. kubernetes): 1+1 ${small.healthyS.toFixed(1)} s, 3+1 ${large.healthyS.toFixed(1)} s\n` +
      `idle memory per node (host /proc of every process in the container), 1+1:\n${mem.map(row).join('\n')}\n` +
      `3+1:\n${memLarge.map(row).join('\n')}\n` +
      `pod start (${String(PODS)} pause pods at once, create → Running): ${starts.map((s) => s.toFixed(2)).join(' ')} s\n`,
  );
  const byRole = (role: string): NodeProcMemory | undefined => mem.find((x) => x.role === role)?.m;
  const cpM = byRole('controlplane');
  const wM = byRole('worker');
  const figures: Record<string, number | string> = {
    component_cold_s: comp.coldS,
    go_cache: coldGo ? 'empty' : 'as-is',
    components_cached_s: comp.cachedS,
    ready_1p1_s: small.readyS,
    ready_3p1_s: large.readyS,
    healthy_1p1_s: small.healthyS,
    healthy_3p1_s: large.healthyS,
  };
  for (const [role, m] of [
    ['cp', cpM],
    ['worker', wM],
  ] as const) {
    if (m === undefined) continue;
    figures[`${role}_rss_mib`] = mib(m.rssKiB);
    figures[`${role}_pss_mib`] = mib(m.pssKiB);
    if (m.cgroupBytes !== undefined) figures[`${role}_cgroup_mib`] = m.cgroupBytes / 1048576;
    for (const name of BREAKDOWN) {
      const g = m.groups.find((x) => x.name === name);
      if (g !== undefined) figures[`${role}_${name.replace(/-/g, '_')}_pss_mib`] = mib(g.pssKiB);
    }
  }
  figures['pod_start_p50_s'] = percentile(starts, 50);
  figures['pod_start_p95_s'] = percentile(starts, 95);
  if (cpM !== undefined) figures['ratio_cp_pss_vs_talos_min_2gib'] = mib(cpM.pssKiB) / 2048;
  if (wM !== undefined) figures['ratio_worker_pss_vs_talos_min_1gib'] = mib(wM.pssKiB) / 1024;
  process.stdout.write(`${benchLine('kubernetes', figures)}\n`);
} finally {
  for (const f of formed) f.close();
  for (const name of [names.small, names.large]) {
    await dockerProvisioner({ stateRoot: join(root, name), socketPath: engine.socketPath, image: 'unused' })
      .destroy(name)
      .catch(() => undefined);
  }
  await rm(root, { recursive: true, force: true });
}
