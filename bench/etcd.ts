// npm run bench -- etcd: real etcd members (Debian's etcd-server) on loopback. Time for a fresh
// member to join a 1- and a 2-member cluster as a learner and be promoted (our join); snapshot
// throughput; put latency. The peer is etcd's own CLI, etcdctl, doing the same operations: a
// snapshot save, and puts. etcdctl is one process per put (start, TLS handshake, put), so our client
// is measured both on a kept connection (how machined uses it) and opening a connection per put
// (the same work as one etcdctl call).
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { bootstrap } from '../packages/machined/src/etcd/etcd-bootstrap.ts';
import { DefaultEtcdctlPath } from '../packages/machined/src/etcd/etcd-binary.ts';
import { join } from '../packages/machined/src/etcd/etcd-join.ts';
import { etcdPkiFiles } from '../packages/machined/src/etcd/etcd-paths.ts';
import { saveSnapshot } from '../packages/machined/src/etcd/etcd-snapshot.ts';
import { EtcdNode, logger, loopbackSubnet, newEtcdCa } from '../packages/machined/test/etcd-fixture.ts';
import { benchLine, percentile } from './lib-stats.ts';

const run = promisify(execFile);
const rounds = 3;
const net = loopbackSubnet();
const ca = await newEtcdCa();
const nodes: EtcdNode[] = [];
const signal = AbortSignal.timeout(300_000);
let next = 30;

async function node(): Promise<EtcdNode> {
  const n = await EtcdNode.create(ca, { name: `n${next}`, address: `${net}.${next}` });
  next++;
  nodes.push(n);
  return n;
}

async function bootstrapped(): Promise<EtcdNode> {
  const a = await node();
  await bootstrap({
    name: a.name,
    peerUrl: a.peerUrl,
    dataDir: a.paths.dataDir,
    running: () => Promise.resolve(false),
    start: (l, s) => a.start(l, s),
    logger,
    signal,
  });
  return a;
}

async function joined(n: EtcdNode, peers: readonly EtcdNode[]): Promise<number> {
  const r = await join({
    name: n.name,
    peerUrl: n.peerUrl,
    discover: () => Promise.resolve(peers.map((p) => p.clientUrl)),
    connect: (e) => n.client(e),
    start: (l, s) => n.start(l, s),
    logger,
    signal,
    retryMs: 100,
  });
  return r.promotedAfterMs;
}

function etcdctlArgs(n: EtcdNode): string[] {
  const f = etcdPkiFiles(n.paths.pkiDir);
  return [`--endpoints=${n.clientUrl}`, `--cacert=${f.ca}`, `--cert=${f.adminCert}`, `--key=${f.adminKey}`];
}

const sorted = (xs: number[]): number[] => [...xs].sort((x, y) => x - y);
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

try {
  // Joins: a fresh member into a 1-member cluster, then another into the 2-member cluster once it
  // is steady (etcd refuses membership changes for 5 s after a promotion: quorum protection).
  const join1: number[] = [];
  const join2: number[] = [];
  let main: EtcdNode | undefined;
  for (let r = 0; r < rounds; r++) {
    const a = await bootstrapped();
    const b = await node();
    join1.push(await joined(b, [a]));
    await sleep(5500);
    const c = await node();
    join2.push(await joined(c, [a, b]));
    main = a;
    if (r < rounds - 1) for (const n of [a, b, c]) await n.kill('SIGTERM');
  }
  if (main === undefined) throw new Error('no cluster');

  // Data for the snapshot: 16k keys of 1 KiB, 32 puts in flight.
  const client = main.client();
  const value = 'x'.repeat(1024);
  for (let i = 0; i < 16_384; i += 32) {
    await Promise.all(Array.from({ length: 32 }, (_, j) => client.put(`/bench/${i + j}`, value)));
  }
  const ours: number[] = [];
  const peer: number[] = [];
  let snapBytes = 0;
  for (let r = 0; r < 5; r++) {
    const file = joinPath(main.root, `ours-${r}.db`);
    const t0 = performance.now();
    const s = await saveSnapshot(client, file, { signal });
    ours.push(performance.now() - t0);
    snapBytes = s.bytes;
    const pfile = joinPath(main.root, `peer-${r}.db`);
    const t1 = performance.now();
    await run(DefaultEtcdctlPath, [...etcdctlArgs(main), 'snapshot', 'save', pfile], { env: { ETCDCTL_API: '3' } });
    peer.push(performance.now() - t1);
    if ((await stat(pfile)).size === 0) throw new Error('etcdctl wrote an empty snapshot');
  }
  const mib = snapBytes / (1 << 20);
  // Medians: the disk is shared with whatever else runs on the machine.
  const oursMibS = mib / (percentile(sorted(ours), 50) / 1000);
  const peerMibS = mib / (percentile(sorted(peer), 50) / 1000);

  // Put latency: our client on a kept connection, our client connecting per put, etcdctl per put.
  const warm: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    await client.put(`/lat/${i % 100}`, 'v');
    warm.push(performance.now() - t0);
  }
  const cold: number[] = [];
  const ctl: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const c = main.client();
    await c.put(`/cold/${i}`, 'v');
    c.close();
    cold.push(performance.now() - t0);
    const t1 = performance.now();
    await run(DefaultEtcdctlPath, [...etcdctlArgs(main), 'put', `/ctl/${i}`, 'v'], { env: { ETCDCTL_API: '3' } });
    ctl.push(performance.now() - t1);
  }
  const [w, c, p] = [sorted(warm), sorted(cold), sorted(ctl)];
  const f = (x: number): string => x.toFixed(2);
  process.stdout.write(
    [
      `join a 1-member cluster (learner, start, promotion): mean ${f(mean(join1))} ms (${join1.map(f).join(', ')})`,
      `join a 2-member cluster: mean ${f(mean(join2))} ms (${join2.map(f).join(', ')})`,
      `snapshot ${mib.toFixed(1)} MiB to a file, fsynced, median of 5: ours ${f(oursMibS)} MiB/s, etcdctl snapshot save ${f(peerMibS)} MiB/s`,
      `put, kept connection: p50 ${f(percentile(w, 50))} ms p99 ${f(percentile(w, 99))} ms (2000 puts)`,
      `put, connection per put: ours p50 ${f(percentile(c, 50))} ms p99 ${f(percentile(c, 99))} ms; etcdctl put p50 ${f(percentile(p, 50))} ms p99 ${f(percentile(p, 99))} ms (100 each)`,
      '',
    ].join('\n'),
  );
  process.stdout.write(
    `${benchLine('etcd', {
      join_1member_ms: mean(join1),
      join_2member_ms: mean(join2),
      snapshot_mib: mib,
      snapshot_mib_s: oursMibS,
      snapshot_etcdctl_mib_s: peerMibS,
      snapshot_vs_etcdctl: oursMibS / peerMibS,
      put_p50_ms: percentile(w, 50),
      put_p99_ms: percentile(w, 99),
      put_cold_p50_ms: percentile(c, 50),
      put_cold_p99_ms: percentile(c, 99),
      put_etcdctl_p50_ms: percentile(p, 50),
      put_etcdctl_p99_ms: percentile(p, 99),
      put_cold_vs_etcdctl_p50: percentile(c, 50) / percentile(p, 50),
    })}\n`,
  );
} finally {
  await Promise.all(nodes.map((n) => n.destroy()));
}
