import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

const cps = ['127.0.1.1', '127.0.1.2', '127.0.1.3'];
const worker = '127.0.1.4';

interface Member {
  id: bigint;
  hostname: string;
  peerUrls: string[];
  isLearner: boolean;
}

function member(ip: string, learner = false): Member {
  return {
    id: BigInt(ip.split('.').join('')),
    hostname: `cp-${ip}`,
    peerUrls: [`https://${ip}:2380`],
    isLearner: learner,
  };
}

/** A healthy cluster; a test breaks one part of it. */
interface Scenario {
  down: Set<string>;
  stage: Record<string, string>;
  services: (
    node: string,
  ) => { id: string; state: string; health: { unknown: boolean; healthy: boolean; lastMessage: string } }[];
  members: (node: string) => Member[];
  etcdErrors: (node: string) => string[];
}

function healthy(): Scenario {
  return {
    down: new Set(),
    stage: {},
    services: () => [
      { id: 'apid', state: 'Running', health: { unknown: false, healthy: true, lastMessage: '' } },
      { id: 'machined', state: 'Running', health: { unknown: true, healthy: false, lastMessage: '' } },
      { id: 'kubelet', state: 'Skipped', health: { unknown: true, healthy: false, lastMessage: '' } },
    ],
    members: () => cps.map((ip) => member(ip)),
    etcdErrors: () => [],
  };
}

async function fakeCluster(t: Parameters<typeof startFakeNode>[0], s: Scenario, nodes: string[] = []) {
  const up = (ctx: Parameters<typeof nodeOf>[0]): string => {
    const node = nodeOf(ctx);
    if (s.down.has(node)) throw new Error('connection refused');
    return node;
  };
  return startFakeNode(
    t,
    {
      machine: {
        version: (_r, ctx) => ({ messages: [{ metadata: { hostname: up(ctx) }, version: { tag: 'v1.0.0' } }] }),
        serviceList: (_r, ctx) => ({ messages: [{ services: s.services(up(ctx)) }] }),
        etcdStatus: (_r, ctx) => {
          const node = up(ctx);
          return { messages: [{ memberStatus: { memberId: 1n, errors: s.etcdErrors(node) } }] };
        },
        etcdMemberList: (_r, ctx) => ({ messages: [{ members: s.members(up(ctx)) }] }),
      },
      state: {
        get: (r, ctx) => {
          const node = up(ctx);
          const yamlSpec =
            r.type === 'MachineTypes.config.talos.dev'
              ? `machineType: ${cps.includes(node) ? 'controlplane' : 'worker'}\n`
              : `stage: ${s.stage[node] ?? 'running'}\nstatus:\n  ready: ${String(s.stage[node] === undefined)}\n  unmetConditions: []\n`;
          return { resource: { metadata: { namespace: r.namespace, type: r.type, id: r.id }, spec: { yamlSpec } } };
        },
      },
    },
    nodes,
  );
}

const explicit = ['--control-plane-nodes', cps.join(','), '--worker-nodes', worker];
const checks = [
  'apid to be ready',
  'all nodes to finish boot sequence',
  'all services to be healthy',
  'etcd to be healthy',
  'etcd members to be consistent across nodes',
  'etcd members to be control plane nodes',
];

test('a healthy cluster passes every check, each printed as it starts and passes', async (t) => {
  const node = await fakeCluster(t, healthy());
  const run = await osctl(node, ['health', ...explicit]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, checks.map((c) => `waiting for ${c}: ...\nwaiting for ${c}: OK\n`).join(''));
});

test('without node flags the roles come from each node of the context (MachineType)', async (t) => {
  const node = await fakeCluster(t, healthy(), [...cps, worker]);
  const run = await osctl(node, ['health']);
  assert.equal(run.code, 0, run.stderr);
  const node2 = await fakeCluster(t, healthy(), [worker]);
  const none = await osctl(node2, ['health']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /none of 127\.0\.1\.4 is a control plane: pass --control-plane-nodes/);
});

async function failing(t: Parameters<typeof startFakeNode>[0], s: Scenario) {
  const node = await fakeCluster(t, s);
  const started = Date.now();
  const run = await osctl(node, ['health', ...explicit, '--wait-timeout', '1200ms']);
  const ms = Date.now() - started;
  assert.equal(run.code, 1, run.stdout);
  assert.ok(ms >= 1000 && ms < 5000, `the wait took ${String(ms)}ms`);
  return run;
}

test('a node down fails apid readiness with its error after the timeout', async (t) => {
  const s = healthy();
  s.down.add('127.0.1.2');
  const run = await failing(t, s);
  assert.match(
    run.stdout,
    /^waiting for apid to be ready: \.\.\.\nwaiting for apid to be ready: 127\.0\.1\.2: .*connection refused\n$/,
  );
  assert.match(
    run.stderr,
    /^error: waiting for apid to be ready: timed out after 1s: raise --wait-timeout.*: 127\.0\.1\.2: .*connection refused\n$/,
  );
});

test('a node still booting fails the boot check', async (t) => {
  const s = healthy();
  s.stage[worker] = 'booting';
  const run = await failing(t, s);
  assert.match(
    run.stderr,
    /waiting for all nodes to finish boot sequence: timed out.*127\.0\.1\.4: stage is booting, not running/,
  );
});

test('an unhealthy service fails the services check; skipped ones are fine', async (t) => {
  const s = healthy();
  const base = s.services;
  s.services = (node) =>
    node === '127.0.1.3'
      ? [
          ...base(node),
          {
            id: 'trustd',
            state: 'Running',
            health: { unknown: false, healthy: false, lastMessage: 'port 50001 refused' },
          },
        ]
      : base(node);
  const run = await failing(t, s);
  assert.match(
    run.stderr,
    /waiting for all services to be healthy: .*127\.0\.1\.3: service trustd is unhealthy \(port 50001 refused\)/,
  );
});

test('etcd errors on a member fail the etcd health check', async (t) => {
  const s = healthy();
  s.etcdErrors = (node) => (node === '127.0.1.1' ? ['NOSPACE alarm'] : []);
  const run = await failing(t, s);
  assert.match(run.stderr, /waiting for etcd to be healthy: .*127\.0\.1\.1: etcd reports: NOSPACE alarm/);
});

test('nodes listing different members fail the consistency check', async (t) => {
  const s = healthy();
  s.members = (node) => (node === '127.0.1.3' ? cps.slice(0, 2).map((ip) => member(ip)) : cps.map((ip) => member(ip)));
  const run = await failing(t, s);
  assert.match(
    run.stderr,
    /waiting for etcd members to be consistent across nodes: .*127\.0\.1\.1 lists \[cp-127\.0\.1\.1, cp-127\.0\.1\.2, cp-127\.0\.1\.3\] but 127\.0\.1\.3 lists \[cp-127\.0\.1\.1, cp-127\.0\.1\.2\]/,
  );
});

test('a learner left, a member missing and an extra member fail the control-plane check', async (t) => {
  const learner = healthy();
  learner.members = () => [member('127.0.1.1'), member('127.0.1.2'), member('127.0.1.3', true)];
  const run = await failing(t, learner);
  assert.match(
    run.stderr,
    /etcd members to be control plane nodes: .*member cp-127\.0\.1\.3 \(127\.0\.1\.3\) is still a learner/,
  );
  const missing = healthy();
  missing.members = () => [member('127.0.1.1'), member('127.0.1.2'), member('127.0.9.9')];
  const run2 = await failing(t, missing);
  assert.match(
    run2.stderr,
    /member cp-127\.0\.9\.9 \(https:\/\/127\.0\.9\.9:2380\) is not a control-plane node; control plane 127\.0\.1\.3 is not an etcd member/,
  );
});

test('a check that recovers within the timeout passes after printing its error once', async (t) => {
  const s = healthy();
  let calls = 0;
  s.members = () =>
    ++calls <= 4 ? [member('127.0.1.1'), member('127.0.1.2'), member('127.0.1.3', true)] : cps.map((ip) => member(ip));
  const node = await fakeCluster(t, s);
  const run = await osctl(node, ['health', ...explicit]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /etcd members to be control plane nodes: member cp-127\.0\.1\.3 \(127\.0\.1\.3\) is still a learner\nwaiting for etcd members to be control plane nodes: OK\n$/,
  );
});

test('ctrl-c stops the wait and exits 1 naming the check', async (t) => {
  const s = healthy();
  s.down.add(worker);
  const node = await fakeCluster(t, s);
  const controller = new AbortController();
  setTimeout(() => {
    controller.abort();
  }, 300);
  const run = await osctl(node, ['health', ...explicit], { signal: controller.signal });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: waiting for apid to be ready: interrupted\n$/);
});

test('bad flags are usage errors', async (t) => {
  const node = await fakeCluster(t, healthy());
  const bad = await osctl(node, ['health', '--wait-timeout', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--wait-timeout "soon": give a duration such as 20m/);
  const server = await osctl(node, ['health', '--server']);
  assert.equal(server.code, 2);
  assert.match(server.stderr, /server-side health checks are not available yet/);
  const off = await osctl(node, ['health', '--server=false', ...explicit]);
  assert.equal(off.code, 0, off.stderr);
  const workersOnly = await osctl(node, ['health', '--worker-nodes', worker]);
  assert.equal(workersOnly.code, 2);
});

test('--help explains the checks and the flags', async (t) => {
  const node = await fakeCluster(t, healthy());
  const run = await osctl(node, ['health', '--help']);
  assert.equal(run.code, 0);
  for (const flag of ['--control-plane-nodes', '--worker-nodes', '--wait-timeout', '--server']) {
    assert.ok(run.stdout.includes(flag), flag);
  }
  assert.match(run.stdout, /no learner left/);
});
