// Real etcd (Debian's etcd-server) on loopback: bootstrap, self-join as learners with automatic
// promotion, crash and restart from data, stale member removal, leadership, leave, maintenance.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { bootstrap } from '../src/etcd/etcd-bootstrap.ts';
import { etcdVersion, supportsLearners, DefaultEtcdPath } from '../src/etcd/etcd-binary.ts';
import { isEtcdError } from '../src/etcd/etcd-error.ts';
import { ensurePromoted, join } from '../src/etcd/etcd-join.ts';
import { isQuorumGuard, type EtcdClient } from '../src/etcd/etcd-client.ts';
import { RestartFromData } from '../src/etcd/etcd-spec.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { forfeitLeadership, leave } from '../src/etcd/etcd-membership.ts';
import { alarmDisarm, alarmList, defragment } from '../src/etcd/etcd-maintenance.ts';
import { EtcdNode, logger, loopbackSubnet, newEtcdCa } from './etcd-fixture.ts';

const version = await etcdVersion(DefaultEtcdPath).catch(() => undefined);
const skip = version === undefined ? `no etcd at ${DefaultEtcdPath}: run scripts/setup-host` : false;

async function running(node: EtcdNode): Promise<boolean> {
  try {
    await node.client().status({ signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

function joinOptions(node: EtcdNode, peers: () => EtcdNode[], signal: AbortSignal) {
  return {
    name: node.name,
    peerUrl: node.peerUrl,
    discover: () => Promise.resolve(peers().map((p) => p.clientUrl)),
    connect: (endpoint: string) => node.client(endpoint),
    start: (launch: Parameters<EtcdNode['start']>[0], s: AbortSignal) => node.start(launch, s),
    logger: logger.child({ node: node.name }),
    signal,
    retryMs: 200,
  };
}

test('a three-member cluster forms by itself and heals', { skip, timeout: 90_000 }, async (t) => {
  assert.ok(version !== undefined && supportsLearners(version));
  const ca = await newEtcdCa();
  const net = loopbackSubnet();
  const nodes = await Promise.all(
    [1, 2, 3].map((i) => EtcdNode.create(ca, { name: `cp-${i}`, address: `${net}.${i}` })),
  );
  t.after(() => Promise.all(nodes.map((n) => n.destroy())));
  const [a, b, c] = nodes as [EtcdNode, EtcdNode, EtcdNode];
  const signal = AbortSignal.timeout(80_000);

  await t.test('bootstrap starts a single-member cluster', async () => {
    const launch = await bootstrap({
      name: a.name,
      peerUrl: a.peerUrl,
      dataDir: a.paths.dataDir,
      running: () => running(a),
      start: (l, s) => a.start(l, s),
      logger,
      signal,
    });
    assert.equal(launch.state, 'new');
    const members = await a.client().memberList();
    assert.deepEqual(
      members.map((m) => [m.name, m.isLearner]),
      [[a.name, false]],
    );
    await a.client().put('/bronze/before-join', 'one');
  });

  await t.test('bootstrap refuses a second time while etcd runs', async () => {
    await assert.rejects(
      bootstrap({
        name: a.name,
        peerUrl: a.peerUrl,
        dataDir: a.paths.dataDir,
        running: () => running(a),
        start: () => Promise.reject(new Error('must not start')),
        logger,
        signal,
      }),
      (err) => isEtcdError(err, 'already-bootstrapped') && /bootstrap runs once/.test(err.message),
    );
  });

  await t.test('two more members join as learners and are promoted with no manual step', async () => {
    // Both at once: etcd 3.4 takes one learner at a time, so one of them waits for the other.
    const results = await Promise.all([
      join(joinOptions(b, () => [a], signal)),
      join(joinOptions(c, () => [a, b], signal)),
    ]);
    assert.equal(results[0].launch.state, 'existing');
    const members = await a.client().memberList();
    assert.deepEqual(members.map((m) => m.name).sort(), ['cp-1', 'cp-2', 'cp-3']);
    assert.ok(
      members.every((m) => !m.isLearner),
      'every member is a voter',
    );
    assert.equal(new TextDecoder().decode(await c.client().get('/bronze/before-join')), 'one');
  });

  await t.test('a member killed with SIGKILL restarts from its data and catches up', async () => {
    await b.kill('SIGKILL');
    await a.client().put('/bronze/while-down', 'two');
    await b.start({ state: 'existing', initialCluster: [] }, signal);
    const bc = b.client();
    const deadline = Date.now() + 10_000;
    let value: Uint8Array | undefined;
    while (value === undefined && Date.now() < deadline)
      value = await bc.get('/bronze/while-down').catch(() => undefined);
    assert.equal(new TextDecoder().decode(value), 'two');
    assert.equal((await a.client().memberList()).length, 3);
  });

  await t.test('a node that comes back empty removes its stale member and joins again', async () => {
    const before = (await a.client().memberList()).find((m) => m.name === c.name);
    await c.kill('SIGKILL');
    await rm(c.paths.dataDir, { recursive: true, force: true });
    const r = await join(joinOptions(c, () => [a, b], signal));
    assert.notEqual(r.memberId, before?.id);
    const members = await a.client().memberList();
    assert.deepEqual(members.map((m) => m.name).sort(), ['cp-1', 'cp-2', 'cp-3']);
    assert.ok(members.every((m) => !m.isLearner));
  });

  await t.test('forfeit leadership moves the leader to another voter', async () => {
    const leaderId = (await a.client().status()).leader;
    const leader = await findByMemberId(nodes, leaderId);
    const r = await forfeitLeadership(leader.client(), { signal });
    assert.equal(r.previousLeader, leaderId);
    assert.ok(r.movedTo !== undefined && r.movedTo !== leaderId);
    assert.equal((await leader.client().status()).leader, r.movedTo);
  });

  await t.test('status, defragment and alarms on a member', async () => {
    const s = await a.client().status();
    assert.match(s.version, /^3\.\d+\.\d+/);
    assert.ok(s.dbSize > 0n);
    await defragment(a.client(), { signal });
    assert.deepEqual(await alarmList(a.client(), { signal }), []);
    assert.deepEqual(await alarmDisarm(a.client(), { signal }), []);
  });

  await t.test('leave removes the member, stops etcd and wipes its data', async () => {
    const r = await leave({
      local: c.client(),
      connect: (e) => c.client(e),
      stop: () => c.kill('SIGTERM'),
      dataDir: c.paths.dataDir,
      logger,
      signal,
    });
    const members = await a.client().memberList();
    assert.deepEqual(members.map((m) => m.name).sort(), ['cp-1', 'cp-2']);
    assert.ok(!members.some((m) => m.id === r.memberId));
    assert.equal(await running(c), false);
  });

  await t.test('a learner that went down before its promotion is promoted after its restart', async () => {
    let added: Awaited<ReturnType<EtcdClient['memberAdd']>> | undefined;
    while (added === undefined) {
      added = await a
        .client()
        .memberAdd([c.peerUrl], { learner: true })
        .catch(async (err: unknown) => {
          if (!isQuorumGuard(err)) throw err;
          await sleep(200);
          return undefined;
        });
    }
    const initialCluster = added.members.map((m) => ({ name: m.name || c.name, peerUrl: m.peerUrls[0] ?? '' }));
    await c.start({ state: 'existing', initialCluster }, signal);
    await c.kill('SIGKILL');
    await c.start(RestartFromData, signal);
    assert.equal((await c.client().status()).isLearner, true);
    assert.equal(
      await ensurePromoted(
        c.client(),
        joinOptions(c, () => [a, b], signal),
      ),
      true,
    );
    assert.ok((await a.client().memberList()).every((m) => !m.isLearner));
  });
});

async function findByMemberId(nodes: readonly EtcdNode[], id: bigint): Promise<EtcdNode> {
  for (const n of nodes) {
    if (n.proc === undefined) continue;
    const s = await n
      .client()
      .status()
      .catch(() => undefined);
    if (s?.memberId === id) return n;
  }
  throw new Error(`no node runs member ${id.toString(16)}`);
}
