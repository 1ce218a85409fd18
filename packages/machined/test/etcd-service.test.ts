// The etcd service under machined's real supervisor: it starts from the spec, turns healthy through
// the Status health check, and a SIGKILLed etcd is restarted by the supervisor from its data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DefaultEtcdPath, etcdVersion } from '../src/etcd/etcd-binary.ts';
import { etcdCommand, etcdServiceSpec, RestartFromData, type EtcdLaunch } from '../src/etcd/etcd-spec.ts';
import { hasEtcdData } from '../src/etcd/etcd-data.ts';
import type { ServiceInfo } from '../src/services/service.ts';
import { Supervisor } from '../src/services/supervisor.ts';
import { EtcdNode, loopbackSubnet, newEtcdCa } from './etcd-fixture.ts';
import { alive, pidFrom } from './helpers.ts';

function lastPid(info: ServiceInfo): number {
  return pidFrom(info.events.findLast((e) => e.message.includes('with pid'))?.message ?? '');
}

const skip = (await etcdVersion(DefaultEtcdPath).catch(() => undefined)) === undefined ? 'no etcd binary' : false;

test('the supervisor runs etcd healthy and heals a killed etcd', { skip, timeout: 60_000 }, async (t) => {
  const node = await EtcdNode.create(await newEtcdCa(), { name: 'cp-1', address: `${loopbackSubnet()}.21` });
  const supervisor = new Supervisor({});
  t.after(async () => {
    await supervisor.close();
    await node.destroy();
  });
  let launch: EtcdLaunch = { state: 'new', initialCluster: [{ name: node.name, peerUrl: node.peerUrl }] };
  const client = node.client();
  supervisor.register(
    etcdServiceSpec({
      command: () =>
        etcdCommand({
          binary: DefaultEtcdPath,
          name: node.name,
          address: node.address,
          dataDir: node.paths.dataDir,
          pkiDir: node.paths.pkiDir,
          launch,
          listenLocalhost: false,
        }),
      prepare: async () => {
        if (await hasEtcdData(node.paths.dataDir)) launch = RestartFromData;
      },
      client: () => client,
      health: { initialDelayMs: 100, periodMs: 200, timeoutMs: 2000 },
      backoff: { initialMs: 100 },
    }),
  );
  const signal = AbortSignal.timeout(50_000);
  supervisor.start('etcd');
  const info = await supervisor.waitUp('etcd', { signal });
  assert.equal(info.health.healthy, true);
  await client.put('/bronze/service', 'kept');

  const pid = lastPid(info);
  process.kill(pid, 'SIGKILL');
  let newPid = pid;
  while (newPid === pid) {
    await sleep(100, undefined, { signal });
    newPid = lastPid(await supervisor.waitUp('etcd', { signal }));
  }
  await supervisor.waitUp('etcd', { signal });
  assert.ok(supervisor.get('etcd').events.some((e) => e.message.includes('killed by SIGKILL')));
  assert.equal(alive(pid), false);
  assert.equal(launch, RestartFromData);
  assert.equal(new TextDecoder().decode(await client.get('/bronze/service')), 'kept');
});
