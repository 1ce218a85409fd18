// ApplyConfiguration on a running machined process: modes, dry run, refusals, one at a time, and the
// persisted config's crash safety (docs/NODE.md, "Applying a config").
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Metadata } from '@grpc/grpc-js';
import { applyPatches, isApiError, machineApi } from '@bronze/machinery';
import { clusterConfigs, expectApiError, soon, startNode, waitFor, type TestNode } from './machined-fixture.ts';

const Mode = machineApi.ApplyConfigurationRequest_Mode;
const machineConfigRef = { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' };
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

async function workerNode(t: test.TestContext): Promise<{ node: TestNode; config: string }> {
  const { worker } = await clusterConfigs('127.0.0.1');
  const node = await startNode(t, { config: worker });
  return { node, config: worker };
}

async function active(node: TestNode): Promise<{ version: string; text: string }> {
  const res = await node.state.get(machineConfigRef, { deadline: soon() });
  return { version: res.resource?.metadata?.version ?? '', text: res.resource?.spec?.yamlSpec ?? '' };
}

const withHostname = (config: string, name: string): Promise<string> =>
  applyPatches(config, [`machine:\n  network:\n    hostname: ${name}\n`]);

test('no-reboot persists and changes the MachineConfig resource; dry run changes nothing', async (t) => {
  const { node, config } = await workerNode(t);
  const before = await active(node);
  const next = await withHostname(config, 'applied-host');

  const dry = await node.machine.applyConfiguration(
    { data: encode(next), mode: Mode.NO_REBOOT, dryRun: true },
    { deadline: soon() },
  );
  assert.match(dry.messages[0]?.modeDetails ?? '', /hostname: applied-host/);
  assert.match(dry.messages[0]?.modeDetails ?? '', /dry run/i);
  assert.equal((await active(node)).version, before.version);
  await assert.rejects(readFile(join(node.dir, 'system/state/config.yaml'), 'utf8'), /ENOENT/);

  const reply = await node.machine.applyConfiguration({ data: encode(next), mode: Mode.AUTO }, { deadline: soon() });
  assert.equal(reply.messages[0]?.mode, Mode.NO_REBOOT);
  assert.equal(await readFile(join(node.dir, 'system/state/config.yaml'), 'utf8'), next);
  const after = await active(node);
  assert.notEqual(after.version, before.version);
  assert.match(after.text, /applied-host/);
});

test('staged persists only; reboot mode is refused outside maintenance', async (t) => {
  const { node, config } = await workerNode(t);
  const before = await active(node);
  const next = await withHostname(config, 'staged-host');
  const reply = await node.machine.applyConfiguration({ data: encode(next), mode: Mode.STAGED }, { deadline: soon() });
  assert.match(reply.messages[0]?.modeDetails ?? '', /next reboot/);
  assert.equal(await readFile(join(node.dir, 'system/state/config.yaml'), 'utf8'), next);
  assert.equal((await active(node)).version, before.version);
  const err = await expectApiError(
    node.machine.applyConfiguration({ data: encode(next), mode: Mode.REBOOT }, { deadline: soon() }),
    'invalid-argument',
  );
  assert.match(err.message, /deprecated/);
});

test('try applies live and rolls back on its timer; a later apply cancels the rollback', async (t) => {
  const { node, config } = await workerNode(t);
  const tried = await withHostname(config, 'tried-host');
  const tryTimeout = { seconds: 2n, nanos: 0 };
  await node.machine.applyConfiguration(
    { data: encode(tried), mode: Mode.TRY, tryModeTimeout: tryTimeout },
    { deadline: soon() },
  );
  assert.match((await active(node)).text, /tried-host/);
  await assert.rejects(readFile(join(node.dir, 'system/state/config.yaml'), 'utf8'), /ENOENT/);
  await waitFor(
    async () => {
      assert.doesNotMatch((await active(node)).text, /tried-host/);
    },
    { what: 'the rollback', timeoutMs: 6000, output: node.output },
  );
  assert.equal((await active(node)).text, config);

  await node.machine.applyConfiguration(
    { data: encode(tried), mode: Mode.TRY, tryModeTimeout: tryTimeout },
    { deadline: soon() },
  );
  const kept = await withHostname(config, 'kept-host');
  await node.machine.applyConfiguration({ data: encode(kept), mode: Mode.NO_REBOOT }, { deadline: soon() });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.match((await active(node)).text, /kept-host/);
});

test('an invalid config is refused with every issue; a field that cannot change live is named', async (t) => {
  const { node, config } = await workerNode(t);
  const before = await active(node);
  const invalid = await applyPatches(config, ['machine:\n  type: banana\n  kubelet:\n    image: ""\n']);
  const err = await expectApiError(
    node.machine.applyConfiguration({ data: encode(invalid), mode: Mode.NO_REBOOT }, { deadline: soon() }),
    'invalid-argument',
  );
  assert.match(err.message, /banana/);
  const other = (await clusterConfigs('127.0.0.1')).worker;
  const notLive = await expectApiError(
    node.machine.applyConfiguration({ data: encode(other), mode: Mode.NO_REBOOT }, { deadline: soon() }),
    'invalid-argument',
  );
  assert.match(notLive.message, /cluster\.id/);
  assert.match(notLive.message, /cannot change on a running node/);
  assert.equal((await active(node)).version, before.version);
  await assert.rejects(readFile(join(node.dir, 'system/state/config.yaml'), 'utf8'), /ENOENT/);
});

test('only one apply runs at a time', async (t) => {
  const { node, config } = await workerNode(t);
  const texts = await Promise.all([1, 2, 3, 4, 5].map((n) => withHostname(config, `host-${String(n)}`)));
  const results = await Promise.allSettled(
    texts.map((text) =>
      node.machine.applyConfiguration({ data: encode(text), mode: Mode.NO_REBOOT }, { deadline: soon() }),
    ),
  );
  const refused = results.filter((r) => r.status === 'rejected');
  assert.ok(results.some((r) => r.status === 'fulfilled'));
  assert.ok(refused.length > 0, 'five simultaneous applies all ran');
  for (const r of refused) {
    assert.ok(isApiError(r.reason, 'failed-precondition'), String(r.reason));
    assert.match(String(r.reason), /another ApplyConfiguration is in progress/);
  }
});

test('an until-healthy try rolls back as soon as the node is unhealthy', async (t) => {
  // A worker without a control plane never gets its API certificates: MachineStatus stays not ready.
  const { node, config } = await workerNode(t);
  const tried = await withHostname(config, 'gated-host');
  const metadata = new Metadata();
  metadata.set('bronze-until-healthy', 'true');
  const started = Date.now();
  const reply = await node.machine.applyConfiguration(
    { data: encode(tried), mode: Mode.TRY, tryModeTimeout: { seconds: 60n, nanos: 0 } },
    { deadline: soon(), metadata },
  );
  assert.match(reply.messages[0]?.modeDetails ?? '', /as soon as the node is unhealthy/);
  await waitFor(
    async () => {
      assert.equal((await active(node)).text, config);
    },
    { what: 'the health-gated rollback', timeoutMs: 10_000, output: node.output },
  );
  assert.ok(Date.now() - started < 10_000);
  assert.match(
    node.output(),
    /rolling back the config applied in try mode: the node is unhealthy: MachineStatus is not ready/,
  );
});

test('until-healthy is refused outside try mode', async (t) => {
  const { node, config } = await workerNode(t);
  const metadata = new Metadata();
  metadata.set('bronze-until-healthy', 'true');
  await expectApiError(
    node.machine.applyConfiguration({ data: encode(config), mode: Mode.NO_REBOOT }, { deadline: soon(), metadata }),
    'invalid-argument',
  );
});

test('a damaged config.yaml boots with config.yaml.prev, loudly; stale temp files are removed', async (t) => {
  const { node, config } = await workerNode(t);
  const next = await withHostname(config, 'second-host');
  await node.machine.applyConfiguration({ data: encode(config), mode: Mode.NO_REBOOT }, { deadline: soon() });
  await node.machine.applyConfiguration({ data: encode(next), mode: Mode.NO_REBOOT }, { deadline: soon() });
  const file = join(node.dir, 'system/state/config.yaml');
  assert.equal(await readFile(`${file}.prev`, 'utf8'), config);
  // The crash: config.yaml cut in the middle, and a temp file of an interrupted write left behind.
  await writeFile(file, next.slice(0, Math.floor(next.length / 3)));
  await writeFile(join(node.dir, 'system/state/.config.yaml.deadbeef0000.tmp'), next.slice(0, 10));
  await node.machine.reboot({}, { deadline: soon() });
  await waitFor(
    async () => {
      assert.match(node.output(), /booting with the previous good config/);
      const status = await node.state.get(
        { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' },
        { deadline: soon() },
      );
      assert.match(status.resource?.spec?.yamlSpec ?? '', /stage: running/);
    },
    { what: 'the fallback boot', timeoutMs: 15_000, output: node.output },
  );
  assert.equal((await active(node)).text, config);
  assert.match(node.output(), /removed a config temp file/);
});

test('a dry run in maintenance mode shows the whole config and leaves the node in maintenance', async (t) => {
  const node = await startNode(t);
  const { worker } = await clusterConfigs('127.0.0.1');
  const reply = await node.machine.applyConfiguration(
    { data: encode(worker), mode: Mode.AUTO, dryRun: true },
    { deadline: soon() },
  );
  assert.match(reply.messages[0]?.modeDetails ?? '', /would leave maintenance mode/);
  assert.match(reply.messages[0]?.modeDetails ?? '', /^\+machine:$/m);
  await assert.rejects(readFile(join(node.dir, 'system/state/config.yaml'), 'utf8'), /ENOENT/);
  const status = await node.state.get(
    { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' },
    { deadline: soon() },
  );
  assert.match(status.resource?.spec?.yamlSpec ?? '', /stage: maintenance/);
});
