// Three real control-plane machined processes: one Bootstrap call makes a three-member etcd with no
// other step (the other two join as learners through the control-plane endpoint and promote
// themselves); a snapshot streams after a put; a second bootstrap is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DefaultEtcdPath, etcdVersion } from '../src/etcd/etcd-binary.ts';
import {
  clusterConfigs,
  collect,
  expectApiError,
  nextAddress,
  roleMetadata,
  soon,
  startNode,
  waitFor,
} from './machined-fixture.ts';

const skip = (await etcdVersion(DefaultEtcdPath).catch(() => undefined)) === undefined ? 'no etcd binary' : false;

test('one bootstrap forms a three-member etcd of three control planes', { skip, timeout: 60_000 }, async (t) => {
  process.env.BRONZE_ETCD_HEALTH_PERIOD_MS = '500';
  t.after(() => {
    delete process.env.BRONZE_ETCD_HEALTH_PERIOD_MS;
  });
  const first = nextAddress();
  const configs = await clusterConfigs(first);
  const nodes = await Promise.all([
    startNode(t, { config: configs.controlplane, address: first }),
    startNode(t, { config: configs.controlplane }),
    startNode(t, { config: configs.controlplane }),
  ]);
  const [a, b, c] = nodes;
  const admin = { metadata: roleMetadata('os:admin') };
  const output = () => nodes.map((n) => n.output()).join('\n');

  // Before bootstrap no etcd answers: the service waits in Preparing for its launch.
  await expectApiError(a.machine.etcdMemberList({}, { deadline: soon(3000), ...admin }), 'unavailable');

  await a.machine.bootstrap({}, { deadline: soon(30_000), ...admin });

  const members = await waitFor(
    async () => {
      const r = await a.machine.etcdMemberList({}, { deadline: soon(), ...admin });
      const list = r.messages[0]?.members ?? [];
      if (list.length !== 3 || list.some((m) => m.isLearner || m.hostname === '')) {
        throw new Error(`members: ${JSON.stringify(list.map((m) => [m.hostname, m.isLearner]))}`);
      }
      return list;
    },
    { what: 'three voting etcd members', timeoutMs: 45_000, output },
  );
  assert.deepEqual(members.map((m) => m.peerUrls[0]).sort(), nodes.map((n) => `https://${n.address}:2380`).sort());

  const again = await expectApiError(b.machine.bootstrap({}, { deadline: soon(10_000), ...admin }), 'already-exists');
  assert.match(again.message, /already running|bootstrapped/);

  const status = await c.machine.etcdStatus({}, { deadline: soon(), ...admin });
  assert.notEqual(status.messages[0]?.memberStatus?.leader, 0n);

  const chunks = await collect(a.machine.etcdSnapshot({}, { deadline: soon(20_000), ...admin }));
  const size = chunks.reduce((n, ch) => n + ch.bytes.length, 0);
  assert.ok(size > 0, 'the snapshot has data');
});
