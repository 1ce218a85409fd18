import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defineResource } from './definition.ts';
import { DurableState } from './durable-state.ts';
import { isPendingFinalizersError } from './errors.ts';
import { startHarness } from './harness.ts';
import { withSpec } from './resource.ts';
import { transformController } from './transform-controller.ts';

interface Config {
  clusterName?: string;
}
const MachineConfig = defineResource<Config>({
  type: 'MachineConfigs.config.test.dev',
  defaultNamespace: 'config',
  empty: () => ({}),
});
const ClusterInfo = defineResource({
  type: 'ClusterInfos.cluster.test.dev',
  defaultNamespace: 'cluster',
  empty: () => ({ clusterName: '' }),
});
const ActiveId = 'v1alpha1';

const clusterInfoController = transformController({
  name: 'cluster.InfoController',
  input: MachineConfig,
  output: ClusterInfo,
  map: (cfg) => (cfg.metadata.id === ActiveId ? 'current' : undefined),
  transform: (cfg, info) => {
    info.clusterName = cfg.spec.clusterName ?? '';
  },
});

test('transformController maps inputs to outputs, follows changes and removes orphans', async (t) => {
  const h = startHarness({ controllers: [clusterInfoController] });
  t.after(() => h.stop());
  const cfg = await h.state.create(MachineConfig.make(ActiveId, { clusterName: 'one' }));
  await h.state.create(MachineConfig.make('persistent', { clusterName: 'ignored' }));
  await h.eventually(async () => {
    assert.equal((await h.state.get<{ clusterName: string }>(ClusterInfo.pointer('current'))).spec.clusterName, 'one');
  });
  await h.state.update(withSpec(cfg, { clusterName: 'two' }));
  await h.eventually(async () => {
    const info = await h.state.get<{ clusterName: string }>(ClusterInfo.pointer('current'));
    assert.equal(info.spec.clusterName, 'two');
    assert.equal(info.metadata.version, 2);
  });
  await h.state.destroy(MachineConfig.pointer(ActiveId));
  await h.eventually(async () => {
    assert.deepEqual(await h.state.list(ClusterInfo.kind()), []);
  });
});

test('with input finalizers, tearing an input down waits until its output is gone', async (t) => {
  const guarded = transformController({
    name: 'cluster.GuardedController',
    input: MachineConfig,
    output: ClusterInfo,
    map: (cfg) => cfg.metadata.id,
    transform: (cfg, info) => {
      info.clusterName = cfg.spec.clusterName ?? '';
    },
    inputFinalizers: true,
  });
  const h = startHarness({ controllers: [guarded] });
  t.after(() => h.stop());
  const ptr = MachineConfig.pointer('a');
  await h.state.create(MachineConfig.make('a', { clusterName: 'x' }));
  await h.eventually(async () => {
    assert.deepEqual((await h.state.get(ptr)).metadata.finalizers, ['cluster.GuardedController']);
    await h.state.get(ClusterInfo.pointer('a'));
  });
  await assert.rejects(h.state.destroy(ptr), isPendingFinalizersError);
  // Someone else holds the output: the input must stay until they let go.
  await h.state.addFinalizer(ClusterInfo.pointer('a'), 'other');
  assert.equal(await h.state.teardown(ptr), false);
  await h.eventually(async () => {
    assert.equal((await h.state.get(ClusterInfo.pointer('a'))).metadata.phase, 'tearingDown');
  });
  assert.deepEqual((await h.state.get(ptr)).metadata.finalizers, ['cluster.GuardedController']);
  await h.state.removeFinalizer(ClusterInfo.pointer('a'), 'other');
  await h.eventually(async () => {
    assert.deepEqual(await h.state.list(ClusterInfo.kind()), []);
    assert.deepEqual((await h.state.get(ptr)).metadata.finalizers, []);
  });
  await h.state.destroy(ptr);
});

test('over a durable state, a restarted engine finds its outputs and leaves them alone', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-transform-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const open = () => DurableState.open({ dir, namespaces: ['config', 'cluster'] });
  const first = startHarness({ controllers: [clusterInfoController], state: await open() });
  await first.state.create(MachineConfig.make(ActiveId, { clusterName: 'kept' }));
  await first.eventually(async () => {
    assert.equal((await first.state.get(ClusterInfo.pointer('current'))).metadata.version, 1);
  });
  await first.stop();
  const second = startHarness({ controllers: [clusterInfoController], state: await open() });
  t.after(() => second.stop());
  const cfg = await second.state.get<Config>(MachineConfig.pointer(ActiveId));
  await second.state.update(withSpec(cfg, { clusterName: 'changed' }));
  await second.eventually(async () => {
    const info = await second.state.get<{ clusterName: string }>(ClusterInfo.pointer('current'));
    assert.equal(info.spec.clusterName, 'changed');
    assert.equal(info.metadata.version, 2, 'one write for the change, none for the restart');
  });
});
