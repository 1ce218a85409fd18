// npm run bench -- api [--nodes N]: the machine API through apid on a real process cluster
// (1 control plane + N-1 workers, N = 20 by default). Version p50/p99 and calls/s over mutual TLS,
// the same forwarded to a second node, client-side fan-out to 1, 5 and N nodes (one call per node,
// all through the first control plane), logs follow throughput, idle RSS of machined and apid, and
// grpc-js's own echo over the same TLS as the floor (ratios = ours / floor).
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Metadata } from '@grpc/grpc-js';
import {
  createClient,
  dial,
  encodeCertificateAndKey,
  issueCertificateAndKey,
  loadClientConfig,
  loadSecretsBundle,
  machineApi,
  mutualTlsChannelCredentials,
  parseCertificateAndKey,
  type ClientOf,
  type TlsMaterial,
} from '@bronze/machinery';
import { opensslTls, processProvisioner, type ClusterInfo } from '@bronze/provision';
import { startEchoFloor } from './lib-echo.ts';
import { benchLine, percentile } from './lib-stats.ts';

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '20' }, seconds: { type: 'string', default: '3' } },
});
const wanted = Math.max(2, Number(values.nodes));
const seconds = Number(values.seconds);
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface Timing {
  p50: number;
  p99: number;
  perSecond: number;
  count: number;
}

/**
 * Runs each function back to back in turns of a quarter second for `seconds` each (after a short
 * warm-up), so that they all see the same load from the rest of the machine, and times each run.
 */
async function timedTogether(fns: readonly (() => Promise<unknown>)[]): Promise<Timing[]> {
  for (const fn of fns) for (let i = 0; i < 50; i++) await fn();
  const samples: number[][] = fns.map(() => []);
  const spent: number[] = fns.map(() => 0);
  const turn = 250;
  for (let round = 0; round < (seconds * 1000) / turn; round++) {
    for (const [i, fn] of fns.entries()) {
      const start = performance.now();
      while (performance.now() < start + turn) {
        const t0 = performance.now();
        await fn();
        samples[i]?.push(performance.now() - t0);
      }
      spent[i] = (spent[i] ?? 0) + performance.now() - start;
    }
  }
  return samples.map((list, i) => {
    list.sort((a, b) => a - b);
    const p50 = percentile(list, 50);
    const p99 = percentile(list, 99);
    return { p50, p99, perSecond: list.length / ((spent[i] ?? 1) / 1000), count: list.length };
  });
}

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const [t] = await timedTogether([fn]);
  if (t === undefined) throw new Error('no timing');
  return t;
}

const show = (name: string, t: Timing, unit = 'calls'): void => {
  say(
    `${name.padEnd(34)} p50 ${t.p50.toFixed(3)} ms  p99 ${t.p99.toFixed(3)} ms  ${t.perSecond.toFixed(0)} ${unit}/s  (${t.count})`,
  );
};

const nodeMd = (address: string): { metadata: Metadata } => {
  const metadata = new Metadata();
  metadata.set('node', address);
  return { metadata };
};

async function rssMb(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

async function pidOf(stateDir: string, role: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = args.indexOf('--state-dir');
    if (at > 0 && args[at + 1] === stateDir && args.includes(role)) return Number(entry);
  }
  return undefined;
}

type Machine = ClientOf<typeof machineApi.MachineService>;

/** Follows a service's log from its start: lines received per second until the stream goes idle. */
async function logsFollow(machine: Machine, id: string): Promise<{ lines: number; perSecond: number }> {
  const abort = new AbortController();
  let lines = 0;
  let last = performance.now();
  const start = last;
  let idle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      abort.abort();
    }, 300);
  };
  arm();
  try {
    for await (const chunk of machine.logs(
      { namespace: 'system', id, follow: true, tailLines: -1 },
      { signal: abort.signal },
    )) {
      for (const b of chunk.bytes) if (b === 10) lines++;
      last = performance.now();
      arm();
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(idle);
  }
  return { lines, perSecond: lines / Math.max((last - start) / 1000, 1e-3) };
}

/** CPU ticks (user + system) used so far by every process of the cluster under `dir`. */
async function clusterTicks(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = args.indexOf('--state-dir');
    if (at < 0 || args[at + 1]?.startsWith(`${dir}/`) !== true) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return total;
}

/**
 * Waits until the freshly booted nodes are idle: their processes together use under 5% of one CPU
 * over a second (at most 90 s). The host may be busy with other work; that is reported, not waited on.
 */
async function settle(dir: string): Promise<void> {
  const started = performance.now();
  let share = 1;
  while (performance.now() - started < 90_000) {
    const a = await clusterTicks(dir);
    await new Promise((r) => setTimeout(r, 1000));
    share = ((await clusterTicks(dir)) - a) / 100;
    if (share < 0.05) break;
  }
  const load = (await readFile('/proc/loadavg', 'utf8')).split(' ')[0] ?? '?';
  say(
    `nodes idle after ${((performance.now() - started) / 1000).toFixed(0)} s (they use ${(share * 100).toFixed(0)}% of a CPU; host load ${load} on ${availableParallelism()} CPUs)`,
  );
}

/** The wanted cluster, or as many nodes as fit on this machine (halving down to 5), saying which. */
async function createFitting(root: string): Promise<ClusterInfo> {
  for (let nodes = wanted; ; nodes = Math.max(5, Math.floor(nodes / 2))) {
    try {
      return await createCluster(root, nodes);
    } catch (err) {
      if (nodes <= 5) throw err;
      say(`a ${nodes}-node cluster did not come up (${String(err).split('\n')[0] ?? ''}); trying fewer nodes`);
    }
  }
}

async function createCluster(root: string, nodes: number): Promise<ClusterInfo> {
  const started = performance.now();
  const info = await processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 }).create({
    name: 'bench',
    controlPlanes: 1,
    workers: nodes - 1,
    rsaBits: 2048,
    waitTimeoutMs: 300_000,
    talosconfig: join(root, 'talosconfig'),
    progress: (l) => {
      if (!l.startsWith('  ')) say(`  ${l}`);
    },
  });
  say(
    `cluster of ${info.nodes.length} nodes (1 control plane) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return info;
}

async function adminTls(root: string): Promise<TlsMaterial> {
  const context = (await loadClientConfig(join(root, 'talosconfig'))).contexts['bench'];
  const pem = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');
  return opensslTls({ ca: pem(context?.ca), cert: pem(context?.crt), key: pem(context?.key) });
}

/** A server certificate from the cluster's OS CA, so the floor uses the very same TLS. */
async function floorServerTls(info: ClusterInfo, address: string): Promise<TlsMaterial> {
  const secrets = await loadSecretsBundle(join(info.dir, 'secrets.yaml'));
  const ca = parseCertificateAndKey(secrets.certs.os.crt, secrets.certs.os.key, 'os ca');
  const leaf = encodeCertificateAndKey(
    await issueCertificateAndKey(ca, { ipAddresses: [address], extKeyUsage: ['serverAuth'] }),
  );
  return opensslTls({ ca: secrets.certs.os.crt, cert: leaf.crt, key: leaf.key });
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'bronze-bench-api-'));
  let info: ClusterInfo | undefined;
  try {
    info = await createFitting(root);
    const [cp, second] = info.nodes;
    if (cp === undefined || second === undefined) throw new Error('the cluster has fewer than 2 nodes');
    const tls = await adminTls(root);
    const channel = dial(`${cp.address}:50000`, { credentials: mutualTlsChannelCredentials(tls) });
    const machine = createClient(machineApi.MachineService, channel);

    await settle(info.dir);
    const machinedIdle = await rssMb(cp.pid);
    const apidIdle = await rssMb(await pidOf(cp.stateDir, 'apid'));
    say(
      `idle RSS on ${cp.name} before any load: machined ${machinedIdle.toFixed(1)} MiB, apid ${apidIdle.toFixed(1)} MiB`,
    );

    const floorAddress = '127.0.0.1';
    const echo = await startEchoFloor(floorAddress, await floorServerTls(info, floorAddress), tls);
    const payload = Buffer.alloc(64, 1);
    const [direct, forwarded, floor] = await timedTogether([
      () => machine.version({}),
      () => machine.version({}, nodeMd(second.address)),
      () => echo.call(payload),
    ]);
    if (direct === undefined || forwarded === undefined || floor === undefined) throw new Error('no timing');
    await echo.close();
    show('Version through apid (mTLS)', direct);
    show(`Version forwarded to ${second.name}`, forwarded);
    show('floor: grpc-js echo, same mTLS', floor);
    const fan: Record<number, Timing> = {};
    for (const k of [...new Set([1, 5, info.nodes.length])].filter((n) => n <= info!.nodes.length)) {
      const targets = info.nodes.slice(0, k).map((n) => n.address);
      fan[k] = await timed(() => Promise.all(targets.map((a) => machine.version({}, nodeMd(a)))));
      show(`fan-out to ${k} nodes (one call each)`, fan[k], 'rounds');
    }
    const logs = await logsFollow(machine, 'machined').catch((err: unknown) => {
      say(`logs -f machined failed: ${String(err)}`);
      return { lines: 0, perSecond: Number.NaN };
    });
    say(`logs -f machined (its whole ring, then idle): ${logs.lines} lines, ${logs.perSecond.toFixed(0)} lines/s`);

    await new Promise((r) => setTimeout(r, 1000));
    const machinedRss = await rssMb(cp.pid);
    const apidRss = await rssMb(await pidOf(cp.stateDir, 'apid'));
    say(`RSS on ${cp.name} after the load: machined ${machinedRss.toFixed(1)} MiB, apid ${apidRss.toFixed(1)} MiB`);

    channel.close();

    const last = fan[info.nodes.length] ?? fan[5];
    say(
      benchLine('api', {
        version_p50_ms: direct.p50,
        version_p99_ms: direct.p99,
        version_calls_s: direct.perSecond,
        fwd_p50_ms: forwarded.p50,
        fwd_p99_ms: forwarded.p99,
        fwd_calls_s: forwarded.perSecond,
        fanout1_p50_ms: fan[1]?.p50 ?? Number.NaN,
        fanout5_p50_ms: fan[5]?.p50 ?? Number.NaN,
        fanout_nodes: info.nodes.length,
        fanoutN_p50_ms: last?.p50 ?? Number.NaN,
        fanoutN_p99_ms: last?.p99 ?? Number.NaN,
        logs_follow_lines: logs.lines,
        logs_follow_lines_s: logs.perSecond,
        machined_idle_rss_mb: machinedIdle,
        apid_idle_rss_mb: apidIdle,
        machined_loaded_rss_mb: machinedRss,
        apid_loaded_rss_mb: apidRss,
        echo_p50_ms: floor.p50,
        echo_calls_s: floor.perSecond,
        version_vs_echo_p50: direct.p50 / floor.p50,
        fwd_vs_echo_p50: forwarded.p50 / floor.p50,
        echo_vs_version_calls: floor.perSecond / direct.perSecond,
      }),
    );
  } finally {
    if (info !== undefined) await processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 }).destroy('bench');
    await rm(root, { recursive: true, force: true });
  }
}

await main();
