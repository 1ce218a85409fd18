import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../log/logger.ts';
import { bootstrap } from './etcd-bootstrap.ts';
import { isEtcdError } from './etcd-error.ts';
import { ensurePromoted, join, type JoinOptions } from './etcd-join.ts';
import { forfeitLeadership, leave } from './etcd-membership.ts';
import type { EtcdLaunch } from './etcd-spec.ts';
import { FakeEtcdCluster } from './fake-etcd-client.ts';

function recorder(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ sink: { write: (l) => lines.push(l) }, level: 'debug', format: 'logfmt' }) };
}

function joinOf(
  cluster: FakeEtcdCluster,
  overrides: Partial<JoinOptions> = {},
): JoinOptions & { launches: EtcdLaunch[] } {
  const launches: EtcdLaunch[] = [];
  const peerUrl = 'https://10.0.0.3:2380';
  return {
    name: 'cp-3',
    peerUrl,
    discover: () => Promise.resolve(['https://10.0.0.1:2379', 'https://10.0.0.2:2379']),
    connect: (e) => cluster.client(e),
    start: (launch) => {
      launches.push(launch);
      const m = cluster.members.find((x) => x.peerUrls.includes(peerUrl));
      if (m !== undefined) Object.assign(m, { name: 'cp-3', clientUrls: ['https://10.0.0.3:2379'] });
      return Promise.resolve();
    },
    logger: recorder().logger,
    signal: AbortSignal.timeout(5000),
    retryMs: 1,
    launches,
    ...overrides,
  };
}

test('join refuses to wait past its signal and says how to unblock it', async () => {
  const cluster = new FakeEtcdCluster();
  cluster.down.add('https://10.0.0.1:2379').add('https://10.0.0.2:2379');
  const { lines, logger } = recorder();
  await assert.rejects(join({ ...joinOf(cluster), logger, signal: AbortSignal.timeout(50) }), {
    name: 'AbortError',
  });
  assert.ok(lines.some((l) => l.includes('run `osctl bootstrap` on exactly one control-plane node')));
  assert.ok(
    lines.some((l) => l.includes('10.0.0.1:2379')),
    'the awaited endpoints are named',
  );
});

test('join with no known endpoint says it waits for another control-plane node', async () => {
  const { lines, logger } = recorder();
  const opts = joinOf(new FakeEtcdCluster(), {
    discover: () => Promise.resolve([]),
    logger,
    signal: AbortSignal.timeout(30),
  });
  await assert.rejects(join(opts));
  assert.ok(lines.some((l) => l.includes('no other control-plane endpoint is known yet')));
});

test('join removes a stale member, adds a learner, starts existing and promotes after it caught up', async () => {
  const cluster = new FakeEtcdCluster({ promoteNotReady: 3 });
  cluster.addVoter('cp-1', '10.0.0.1');
  cluster.addVoter('cp-2', '10.0.0.2');
  const stale = cluster.addVoter('cp-3', '10.0.0.3');
  cluster.down.add('https://10.0.0.1:2379');
  const { lines, logger } = recorder();
  const opts = joinOf(cluster, { logger });
  const r = await join(opts);
  assert.notEqual(r.memberId, stale.id);
  assert.ok(!cluster.members.some((m) => m.id === stale.id), 'the stale member is gone');
  assert.deepEqual(opts.launches, [
    {
      state: 'existing',
      initialCluster: [
        { name: 'cp-1', peerUrl: 'https://10.0.0.1:2380' },
        { name: 'cp-2', peerUrl: 'https://10.0.0.2:2380' },
        { name: 'cp-3', peerUrl: 'https://10.0.0.3:2380' },
      ],
    },
  ]);
  assert.ok(cluster.members.every((m) => !m.isLearner));
  assert.equal(cluster.calls.filter((c) => c === 'promote https://10.0.0.2:2379').length, 4);
  assert.ok(lines.some((l) => l.includes('waiting for the etcd learner to catch up')));
  assert.ok(lines.some((l) => l.includes('removing a stale etcd member')));
});

test('join leaves out members added but not started from the initial cluster', async () => {
  const cluster = new FakeEtcdCluster();
  cluster.addVoter('cp-1', '10.0.0.1');
  const pending = cluster.addVoter('', '10.0.0.9');
  pending.clientUrls = [];
  const opts = joinOf(cluster);
  await join(opts);
  assert.deepEqual(
    opts.launches[0]?.initialCluster.map((m) => m.name),
    ['cp-1', 'cp-3'],
  );
});

test('join waits while another learner catches up', async () => {
  const cluster = new FakeEtcdCluster();
  cluster.addVoter('cp-1', '10.0.0.1');
  const other = (await cluster.client('https://10.0.0.1:2379').memberAdd(['https://10.0.0.4:2380'], { learner: true }))
    .member;
  const { lines, logger } = recorder();
  const opts = joinOf(cluster, { logger, retryMs: 5 });
  const done = join(opts);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(opts.launches.length, 0, 'not started while the other learner waits');
  cluster.members = cluster.members.map((m) => (m.id === other.id ? { ...m, name: 'cp-4', isLearner: false } : m));
  await done;
  assert.ok(lines.some((l) => l.includes('another learner is catching up')));
});

test('bootstrap refuses when etcd runs or when data exists, and then starts nothing', async (t) => {
  const dir = await mkdtemp(joinPath(tmpdir(), 'bronze-etcd-unit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const started: EtcdLaunch[] = [];
  const base = {
    name: 'cp-1',
    peerUrl: 'https://10.0.0.1:2380',
    dataDir: joinPath(dir, 'etcd'),
    start: (l: EtcdLaunch) => {
      started.push(l);
      return Promise.resolve();
    },
    logger: recorder().logger,
    signal: AbortSignal.timeout(1000),
  };
  await assert.rejects(bootstrap({ ...base, running: () => Promise.resolve(true) }), (err) =>
    isEtcdError(err, 'already-bootstrapped'),
  );
  await writeFile(joinPath(dir, 'marker'), 'x');
  await assert.rejects(
    bootstrap({ ...base, dataDir: dir, running: () => Promise.resolve(false) }),
    (err) => isEtcdError(err, 'data-exists') && err.message.includes(dir),
  );
  assert.deepEqual(started, []);
  const launch = await bootstrap({ ...base, running: () => Promise.resolve(false) });
  assert.deepEqual(launch, { state: 'new', initialCluster: [{ name: 'cp-1', peerUrl: 'https://10.0.0.1:2380' }] });
  assert.deepEqual(started, [launch]);
});

test('forfeit leadership: nothing to do for a follower, refused for the only voter', async () => {
  const cluster = new FakeEtcdCluster();
  cluster.addVoter('cp-1', '10.0.0.1');
  await assert.rejects(
    forfeitLeadership(cluster.client('https://10.0.0.1:2379')),
    (err) => isEtcdError(err, 'member') && err.message.includes('only voting etcd member'),
  );
  const b = cluster.addVoter('cp-2', '10.0.0.2');
  assert.deepEqual(await forfeitLeadership(cluster.client('https://10.0.0.2:2379')), {
    previousLeader: cluster.leader,
    movedTo: undefined,
  });
  const r = await forfeitLeadership(cluster.client('https://10.0.0.1:2379'));
  assert.equal(r.movedTo, b.id);
  assert.equal(cluster.leader, b.id);
});

test('leave refuses to remove the only member and keeps its data', async () => {
  const cluster = new FakeEtcdCluster();
  cluster.addVoter('cp-1', '10.0.0.1');
  let stopped = false;
  await assert.rejects(
    leave({
      local: cluster.client('https://10.0.0.1:2379'),
      connect: (e) => cluster.client(e),
      stop: () => {
        stopped = true;
        return Promise.resolve();
      },
      dataDir: '/nonexistent',
      logger: recorder().logger,
      signal: AbortSignal.timeout(1000),
    }),
    (err) => isEtcdError(err, 'member') && err.message.includes('take a snapshot'),
  );
  assert.equal(stopped, false);
  assert.equal(cluster.members.length, 1);
});

test('a member that restarted as a learner is promoted; a voter is left alone', async () => {
  const cluster = new FakeEtcdCluster({ promoteNotReady: 1 });
  cluster.addVoter('cp-1', '10.0.0.1');
  const learner = (
    await cluster.client('https://10.0.0.1:2379').memberAdd(['https://10.0.0.3:2380'], { learner: true })
  ).member;
  Object.assign(cluster.members.find((m) => m.id === learner.id) ?? {}, {
    name: 'cp-3',
    clientUrls: ['https://10.0.0.3:2379'],
  });
  const opts = joinOf(cluster);
  assert.equal(await ensurePromoted(cluster.client('https://10.0.0.3:2379'), opts), true);
  assert.ok(cluster.members.every((m) => !m.isLearner));
  assert.equal(await ensurePromoted(cluster.client('https://10.0.0.3:2379'), opts), false);
});
