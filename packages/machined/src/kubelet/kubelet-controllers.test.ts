// The kubelet's controllers over in-memory state, writing into a temporary node root: the files the
// kubelet reads, the shared run state, and a restart when the spec of a running kubelet changes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import 'reflect-metadata';
import { applyConfigPatches, generateConfigs, parsePatch } from '@bronze/machinery';
import { startHarness, type State } from '@bronze/runtime';
import { hostnameController } from '../controllers/hostname-controller.ts';
import { nodeAddressController } from '../controllers/node-address-controller.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { kubeletControllers } from './kubelet-controllers.ts';
import { KubeletSpec, Nodename, NodenameId, type NodenameSpec } from './kubelet-resources.ts';
import { KubeletRun } from './kubelet-run.ts';

const configs = await generateConfigs({ clusterName: 'unit', endpoint: 'https://10.5.0.2:6443', rsaBits: 2048 });

async function setConfig(state: State, text: string): Promise<void> {
  const current = await state.get<string>(MachineConfig.pointer(MachineConfigId)).catch(() => undefined);
  if (current === undefined) await state.create(MachineConfig.make(MachineConfigId, text));
  else await state.update({ metadata: current.metadata, spec: text }, { owner: current.metadata.owner });
}

async function startNode(t: { after: (fn: () => Promise<void>) => void }) {
  const root = await mkdtemp(join(tmpdir(), 'bronze-kubelet-'));
  const run = new KubeletRun();
  const restarts: string[] = [];
  const h = startHarness({
    controllers: [
      hostnameController({ defaultHostname: () => 'w-1' }),
      nodeAddressController({ address: () => '10.5.0.3' }),
      ...kubeletControllers({
        root,
        run,
        restart: () => {
          restarts.push(run.digest);
          return Promise.resolve();
        },
      }),
    ],
  });
  t.after(() => h.stop());
  t.after(() => rm(root, { recursive: true, force: true }));
  return { h, root, run, restarts };
}

test('without a machine config nothing is rendered or written', async (t) => {
  const node = await startNode(t);
  await sleep(300);
  assert.deepEqual(await node.h.state.list(KubeletSpec.kind()), []);
  assert.equal(node.run.spec, undefined);
  await assert.rejects(stat(join(node.root, 'etc/kubernetes/kubelet.yaml')), { code: 'ENOENT' });
});

test('a worker gets its kubelet files; a changed spec restarts a running kubelet', async (t) => {
  const node = await startNode(t);
  await setConfig(node.h.state, configs.worker);
  await node.h.eventually(() => {
    assert.ok(node.run.spec !== undefined);
  });
  const config = JSON.parse(await readFile(join(node.root, 'etc/kubernetes/kubelet.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.equal(config['kind'], 'KubeletConfiguration');
  assert.deepEqual(config['clusterDNS'], ['10.96.0.10']);
  const bootstrap = await readFile(join(node.root, 'system/secrets/kubelet/bootstrap-kubeconfig'), 'utf8');
  assert.match(bootstrap, /server: https:\/\/10\.5\.0\.2:6443/);
  assert.equal((await stat(join(node.root, 'system/secrets/kubelet/bootstrap-kubeconfig'))).mode & 0o777, 0o600);
  assert.match(await readFile(join(node.root, 'system/secrets/kubelet/ca.crt'), 'utf8'), /BEGIN CERTIFICATE/);
  assert.match(await readFile(join(node.root, 'etc/machine-id'), 'utf8'), /^[0-9a-f]{32}\n$/);
  assert.deepEqual(node.restarts, [], 'nothing runs yet: no restart');

  node.run.running = node.run.digest;
  const first = node.run.digest;
  await setConfig(
    node.h.state,
    applyConfigPatches(configs.worker, [parsePatch('machine:\n  kubelet:\n    extraArgs:\n      v: "3"\n', 'test')]),
  );
  await node.h.eventually(() => {
    assert.equal(node.restarts.length, 1);
  });
  assert.notEqual(node.run.digest, first);
  assert.ok(node.run.spec?.args.includes('--v=3'));
});

test('Nodename is the lower-case hostname, or its FQDN with registerWithFQDN, and the kubelet registers it', async (t) => {
  const node = await startNode(t);
  const withHost = (extra: string): string =>
    applyConfigPatches(configs.worker, [
      parsePatch(`machine:\n  network:\n    hostname: Node-A.Example.org\n${extra}`, 'test patch'),
    ]);
  await setConfig(node.h.state, withHost(''));
  const first = await node.h.eventually(async () => {
    const n = await node.h.state.get<NodenameSpec>(Nodename.pointer(NodenameId));
    assert.equal(n.spec.nodename, 'node-a');
    return n;
  });
  assert.equal(first.spec.skipNodeRegistration, false);
  await node.h.eventually(() => {
    assert.ok(node.run.spec?.args.includes('--hostname-override=node-a'), JSON.stringify(node.run.spec?.args));
  });
  await setConfig(node.h.state, withHost('  kubelet:\n    registerWithFQDN: true\n'));
  await node.h.eventually(async () => {
    const n = await node.h.state.get<NodenameSpec>(Nodename.pointer(NodenameId));
    assert.equal(n.spec.nodename, 'node-a.example.org');
    assert.ok(node.run.spec?.args.includes('--hostname-override=node-a.example.org'));
  });
});
