// npm run bench -- cluster: the node image and docker clusters of it. A cold image build (fresh
// cache, forced) and a cached one, the SquashFS size with the five largest components, the load into
// the engine, docker clusters from `cluster create` to healthy (etcd bootstrapped, osctl health
// passing) with 1 node and with 3 control planes + 1 worker, and machined + apid memory per node of
// the 3 + 1 cluster, read on the host from /proc of each container's processes (RSS and PSS, see
// lib-node-rss.ts). The peer is a 1-node process cluster (the same machined and apid as host
// processes): ratio = docker / process, create to healthy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildImage, hasTool, imageRef, ociArchive, type BuildResult } from '@bronze/imager';
import {
  bootstrapCluster,
  dockerProvisioner,
  engineClient,
  killNodesUnder,
  processProvisioner,
  resolveDockerHost,
  type ClusterInfo,
  type Provisioner,
} from '@bronze/provision';
import { benchLine } from './lib-stats.ts';
import { nodeMemory, type NodeMemory } from './lib-node-rss.ts';

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const engine = engineClient(resolveDockerHost());
if ((await engine.ping().catch(() => '')) !== 'OK') {
  say(`bench cluster: no container engine answers on ${engine.socketPath}: start one with scripts/podman-service`);
  process.exit(1);
}
if (!(await hasTool('mksquashfs', '-version'))) {
  say('bench cluster: mksquashfs is missing; install it with scripts/setup-host (squashfs-tools)');
  process.exit(1);
}

const root = await mkdtemp(join(tmpdir(), 'bronze-bench-cluster-'));
const seconds = (t0: number): number => (performance.now() - t0) / 1000;

/** Cold (own fresh cache, forced) and cached builds; the cached one is loaded into the engine. */
async function images(): Promise<{ cold: BuildResult; coldS: number; cachedS: number; loadS: number }> {
  const cache = join(root, 'image-cache');
  let t = performance.now();
  say('building the node image cold (fresh cache)');
  const cold = await buildImage({ outDir: join(root, 'cold'), cacheDir: cache, force: true });
  const coldS = seconds(t);
  t = performance.now();
  const cached = await buildImage({ outDir: join(root, 'cached'), cacheDir: cache });
  const cachedS = seconds(t);
  if (!cached.cached || cached.sha256 !== cold.sha256) throw new Error('the second build did not come from the cache');
  t = performance.now();
  await engine.loadImage(ociArchive(cached.oci));
  const loadS = seconds(t);
  return { cold, coldS, cachedS, loadS };
}

interface Formed {
  info: ClusterInfo;
  healthyS: number;
}

async function form(p: Provisioner, name: string, shape: { cps: number; workers: number }): Promise<Formed> {
  const t0 = performance.now();
  const info = await p.create({
    name,
    controlPlanes: shape.cps,
    workers: shape.workers,
    talosconfig: join(root, 'talosconfig'),
    progress: say,
  });
  await bootstrapCluster(info, { timeoutMs: 5 * 60_000, progress: say });
  return { info, healthyS: seconds(t0) };
}

async function memories(info: ClusterInfo): Promise<{ node: string; m: NodeMemory }[]> {
  return Promise.all(
    info.nodes.map(async (n) => ({
      node: n.name,
      m: await nodeMemory((await engine.inspectContainer(n.name)).State.Pid),
    })),
  );
}

const mib = (b: number): number => b / 1048576;
const kib = (k: number): number => k / 1024;
const docker = dockerProvisioner({
  stateRoot: join(root, 'docker'),
  socketPath: engine.socketPath,
  image: imageRef(),
  cidr: '10.213.50.0/28',
});
const proc = processProvisioner({ stateRoot: join(root, 'process'), stopTimeoutMs: 5000 });
try {
  const img = await images();
  const one = await form(docker, 'bench-c1', { cps: 1, workers: 0 });
  await docker.destroy('bench-c1');
  const peer = await form(proc, 'bench-p1', { cps: 1, workers: 0 });
  await proc.destroy('bench-p1');
  const four = await form(docker, 'bench-c31', { cps: 3, workers: 1 });
  const mem = await memories(four.info);
  await docker.destroy('bench-c31');

  const r = img.cold.sizeReport;
  const top5 = r.components.slice(0, 5);
  const rows = mem.map(({ node, m }) => {
    const a = m.apid;
    return (
      `  ${node.padEnd(22)} machined RSS ${kib(m.machined.rssKiB).toFixed(1)} MiB PSS ${kib(m.machined.pssKiB).toFixed(1)} MiB, ` +
      `apid RSS ${a ? kib(a.rssKiB).toFixed(1) : '-'} MiB PSS ${a ? kib(a.pssKiB).toFixed(1) : '-'} MiB`
    );
  });
  const sum = (f: (m: NodeMemory) => number): number => mem.reduce((s, x) => s + f(x.m), 0) / mem.length;
  const rssAvg = kib(sum((m) => m.machined.rssKiB + (m.apid?.rssKiB ?? 0)));
  const pssAvg = kib(sum((m) => m.machined.pssKiB + (m.apid?.pssKiB ?? 0)));
  process.stdout.write(
    `image: cold build ${img.coldS.toFixed(1)} s, cached ${img.cachedS.toFixed(1)} s, load into the engine ${img.loadS.toFixed(1)} s\n` +
      `squashfs ${mib(r.squashfsBytes).toFixed(1)} MiB (root file system ${mib(r.rootfsBytes).toFixed(1)} MiB); largest components (uncompressed):\n` +
      top5.map((c) => `  ${c.component.padEnd(16)} ${mib(c.bytes).toFixed(1)} MiB\n`).join('') +
      `docker cluster create to healthy: 1 node ${one.healthyS.toFixed(1)} s, 3 control planes + 1 worker ${four.healthyS.toFixed(1)} s\n` +
      `process cluster (peer), 1 node: ${peer.healthyS.toFixed(1)} s\n` +
      `machined + apid memory per node (host /proc of the container's processes), 3 + 1 cluster:\n${rows.join('\n')}\n`,
  );
  process.stdout.write(
    benchLine('cluster', {
      image_cold_s: img.coldS,
      image_cached_s: img.cachedS,
      image_load_s: img.loadS,
      squashfs_mib: mib(r.squashfsBytes),
      largest_mib: top5.map((c) => `${c.component.replaceAll(' ', '-')}:${mib(c.bytes).toFixed(1)}`).join(','),
      create_to_healthy_1_s: one.healthyS,
      create_to_healthy_3p1_s: four.healthyS,
      process_1_s: peer.healthyS,
      ratio_docker_vs_process_1: one.healthyS / peer.healthyS,
      node_rss_mib: rssAvg,
      node_pss_mib: pssAvg,
    }) + '\n',
  );
} finally {
  for (const name of ['bench-c1', 'bench-c31']) await docker.destroy(name).catch(() => undefined);
  await proc.destroy('bench-p1').catch(() => undefined);
  await killNodesUnder(join(root, 'process'));
  await rm(root, { recursive: true, force: true });
}
