// npm run bench -- controlplane [--apply N]: process clusters from `cluster create` to healthy (etcd
// bootstrapped, every check of osctl health passing) with 1 and 3 control planes (plus one worker
// each), the time for the fresh control planes to join etcd after the bootstrap and for an empty
// control plane replacing one to be a voting member again, and the
// ApplyConfiguration round trip through apid (no-reboot, to a worker). The peer in the same run is
// Version through the same apid: what an apply costs over the cheapest call on the same path.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  loadClientConfig,
  machineApi,
  nodeMetadata,
  openNodeClient,
  resolveClientTarget,
  waitHealthy,
} from '@bronze/machinery';
import { bootstrapCluster, killNodesUnder, processProvisioner, type ClusterInfo } from '@bronze/provision';
import { benchLine, percentile } from './lib-stats.ts';

const { values } = parseArgs({ options: { apply: { type: 'string', default: '30' } } });
const applies = Math.max(5, Number(values.apply));
const root = await mkdtemp(join(tmpdir(), 'bronze-bench-cp-'));
const provisioner = processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 });
const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

interface Formed {
  info: ClusterInfo;
  startedMs: number;
  healthyMs: number;
  joinMs: number;
}

/** create → nodes answer → Bootstrap → healthy; join = bootstrap start to every control plane voting. */
async function form(name: string, controlPlanes: number): Promise<Formed> {
  const t0 = performance.now();
  const info = await provisioner.create({
    name,
    controlPlanes,
    workers: 1,
    talosconfig: join(root, 'talosconfig'),
    progress: say,
  });
  const started = performance.now();
  await bootstrapCluster(info, { timeoutMs: 5 * 60_000, progress: say });
  const healthy = performance.now();
  return { info, startedMs: started - t0, healthyMs: healthy - t0, joinMs: healthy - started };
}

async function applyRoundTrips(info: ClusterInfo): Promise<{ apply: number[]; version: number[] }> {
  const target = resolveClientTarget(await loadClientConfig(join(root, 'talosconfig')), { context: info.name });
  const client = await openNodeClient(target);
  try {
    const worker = info.nodes.find((n) => n.role === 'worker')?.address ?? '';
    const o = { metadata: nodeMetadata(worker) };
    const ref = { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' };
    const text = (await client.state.get(ref, o)).resource?.spec?.yamlSpec ?? '';
    const apply: number[] = [];
    const version: number[] = [];
    for (let i = 0; i < applies; i++) {
      const data = Buffer.from(`${text.trimEnd()}\n# bench ${String(i)}\n`);
      let t = performance.now();
      await client.machine.applyConfiguration({ data, mode: machineApi.ApplyConfigurationRequest_Mode.NO_REBOOT }, o);
      apply.push(performance.now() - t);
      t = performance.now();
      await client.machine.version({}, o);
      version.push(performance.now() - t);
    }
    // The node stays healthy through the applies (each is a live config change).
    const controlPlanes = info.nodes.filter((n) => n.role === 'controlplane').map((n) => n.address);
    await waitHealthy(client, { controlPlanes, workers: [worker], timeout: 60_000 });
    return { apply: apply.sort((a, b) => a - b), version: version.sort((a, b) => a - b) };
  } finally {
    client.close();
  }
}

/** A control plane replaced by an empty machine: from its start to three voting members again. */
async function rejoin(info: ClusterInfo): Promise<number> {
  const target = resolveClientTarget(await loadClientConfig(join(root, 'talosconfig')), { context: info.name });
  const client = await openNodeClient(target);
  try {
    const [first, , last] = info.nodes.filter((n) => n.role === 'controlplane');
    if (first === undefined || last === undefined) throw new Error('rejoin needs three control planes');
    const o = { metadata: nodeMetadata(first.address) };
    const voters = async (): Promise<{ id: bigint; hostname: string }[]> => {
      const r = await client.machine.etcdMemberList({}, o);
      return (r.messages[0]?.members ?? []).filter((m) => !m.isLearner);
    };
    const old = (await voters()).find((m) => m.hostname === last.name)?.id;
    await provisioner.stopNode(info.name, last.name);
    const t0 = performance.now();
    await provisioner.startNode(info.name, last.name, { wipe: true });
    for (;;) {
      const now = await voters().catch(() => []);
      if (now.length === 3 && now.every((m) => m.id !== old)) return performance.now() - t0;
      if (performance.now() - t0 > 180_000) throw new Error('the replaced control plane did not rejoin in 3 min');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.close();
  }
}

try {
  const one = await form('bench1', 1);
  const rtt = await applyRoundTrips(one.info);
  await provisioner.destroy('bench1');
  const three = await form('bench3', 3);
  const rejoinMs = await rejoin(three.info);
  await provisioner.destroy('bench3');
  const s = (ms: number): number => ms / 1000;
  process.stdout.write(
    `1 control plane + 1 worker: nodes answer ${s(one.startedMs).toFixed(1)} s, healthy ${s(one.healthyMs).toFixed(1)} s\n` +
      `3 control planes + 1 worker: nodes answer ${s(three.startedMs).toFixed(1)} s, healthy ${s(three.healthyMs).toFixed(1)} s; ` +
      `bootstrap to 3 voting members and health ${s(three.joinMs).toFixed(1)} s\n` +
      `an empty control plane replacing one: start to voting member ${s(rejoinMs).toFixed(1)} s\n` +
      `apply-config no-reboot through apid: p50 ${percentile(rtt.apply, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(rtt.apply, 99).toFixed(1)} ms over ${String(applies)}; Version on the same path p50 ` +
      `${percentile(rtt.version, 50).toFixed(2)} ms\n`,
  );
  process.stdout.write(
    benchLine('controlplane', {
      create_to_healthy_1cp_s: s(one.healthyMs),
      create_to_healthy_3cp_s: s(three.healthyMs),
      bootstrap_to_healthy_1cp_s: s(one.joinMs),
      bootstrap_to_healthy_3cp_s: s(three.joinMs),
      fresh_node_join_s: s(rejoinMs),
      apply_p50_ms: percentile(rtt.apply, 50),
      apply_p99_ms: percentile(rtt.apply, 99),
      version_p50_ms: percentile(rtt.version, 50),
      apply_vs_version_p50: percentile(rtt.apply, 50) / percentile(rtt.version, 50),
    }) + '\n',
  );
} finally {
  await killNodesUnder(root);
  await rm(root, { recursive: true, force: true });
}
