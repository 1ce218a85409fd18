// Three real control-plane machined processes: one Bootstrap call makes a three-member etcd with no
// other step (the other two join as learners through the control-plane endpoint and promote
// themselves); a snapshot streams after a put; a second bootstrap is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DefaultEtcdPath, etcdVersion } from '../src/etcd/etcd-binary.ts';
import { openEtcdClient, type EtcdClient } from '../src/etcd/etcd-client.ts';
import { etcdPaths, etcdPkiFiles } from '../src/etcd/etcd-paths.ts';
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

/** machined's own admin client of a node's member, from the PKI it wrote. */
async function adminClient(dir: string, address: string): Promise<EtcdClient> {
  const files = etcdPkiFiles(etcdPaths(dir).pkiDir);
  return openEtcdClient(`https://${address}:2379`, {
    tls: { ca: await readFile(files.ca), cert: await readFile(files.adminCert), key: await readFile(files.adminKey) },
  });
}

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
  const worker = await startNode(t, { config: configs.worker });
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
  assert.match(again.message, /already running/);

  const status = await c.machine.etcdStatus({}, { deadline: soon(), ...admin });
  assert.notEqual(status.messages[0]?.memberStatus?.leader, 0n);

  const workerCall = worker.machine.etcdMemberList({}, { deadline: soon(), ...admin });
  const refused = await expectApiError(workerCall, 'failed-precondition');
  assert.match(refused.message, /control-plane nodes only/);

  const own = members.find((m) => m.peerUrls[0] === `https://${c.address}:2380`);
  await waitFor(
    async () => {
      const member = await c.state.get(
        { namespace: 'etcd', type: 'EtcdMembers.etcd.talos.dev', id: 'local' },
        { deadline: soon(), ...admin },
      );
      assert.match(member.resource?.spec?.yamlSpec ?? '', new RegExp(`memberId: ${own?.id.toString(16) ?? '?'}`));
    },
    { what: 'the EtcdMember resource', timeoutMs: 10_000 },
  );

  const etcd = await adminClient(a.dir, a.address);
  t.after(() => {
    etcd.close();
  });
  await etcd.put('/bronze/kept', 'before the snapshot');
  const chunks = await collect(a.machine.etcdSnapshot({}, { deadline: soon(20_000), ...admin }));
  const size = chunks.reduce((n, ch) => n + ch.bytes.length, 0);
  assert.ok(size > 0, 'the snapshot has data');

  // A fresh control plane restores the snapshot with Bootstrap(recover_etcd).
  const freshAddress = nextAddress();
  const fresh = await startNode(t, {
    config: (await clusterConfigs(freshAddress)).controlplane,
    address: freshAddress,
  });
  const freshAdmin = { metadata: roleMetadata('os:admin') };
  await expectApiError(
    fresh.machine.bootstrap({ recoverEtcd: true }, { deadline: soon(), ...freshAdmin }),
    'failed-precondition',
  );
  const upload = Readable.from(chunks.map((ch) => ({ bytes: ch.bytes })));
  await fresh.machine.etcdRecover(upload, { deadline: soon(10_000), ...freshAdmin });
  await fresh.machine.bootstrap({ recoverEtcd: true }, { deadline: soon(30_000), ...freshAdmin });
  const restored = await adminClient(fresh.dir, fresh.address);
  t.after(() => {
    restored.close();
  });
  const value = await waitFor(() => restored.get('/bronze/kept'), {
    what: 'the restored key',
    timeoutMs: 15_000,
    output: fresh.output,
  });
  assert.equal(new TextDecoder().decode(value), 'before the snapshot');
});
