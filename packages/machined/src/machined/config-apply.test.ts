import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyPatches, generateConfigs, isApiError, loadConfig, type ConfigBundle } from '@bronze/machinery';
import { nullLogger } from '../log/logger.ts';
import { ConfigApplier, refuseNotLive, type ApplyHost } from './config-apply.ts';
import { persistConfig, previousConfigPath, removeStaleTemps } from './config-store.ts';

async function fixture(
  t: test.TestContext,
  options: { controlPlane?: boolean } = {},
): Promise<{
  host: ApplyHost & { health: string | undefined; running: () => string };
  config: string;
  dir: string;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-apply-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const generated = await generateConfigs({ clusterName: 'unit', endpoint: 'https://127.0.0.1:6443' });
  const worker = options.controlPlane === true ? generated.controlplane : generated.worker;
  let running = bundle(worker);
  const host = {
    configFile: join(dir, 'config.yaml'),
    validationMode: 'container' as const,
    logger: nullLogger(),
    health: undefined as string | undefined,
    active: () => running,
    activate: (c: ConfigBundle) => {
      running = c;
      return Promise.resolve();
    },
    persisted: () => undefined,
    unhealthy: () => Promise.resolve(host.health),
    running: () => running.text,
  };
  return { host, config: worker, dir };
}

function bundle(text: string): ConfigBundle {
  const loaded = loadConfig(text, { source: 'test' });
  assert.ok(loaded.config !== undefined);
  return loaded.config;
}

test('an until-healthy try rolls back as soon as the node is unhealthy, before its timeout', async (t) => {
  const { host, config } = await fixture(t);
  const applier = new ConfigApplier(host);
  const tried = await applyPatches(config, ['machine:\n  network:\n    hostname: tried\n']);
  const reply = await applier.apply({
    text: tried,
    mode: 'try',
    dryRun: false,
    untilHealthy: true,
    tryTimeoutMs: 60_000,
  });
  assert.match(reply.details, /unhealthy/);
  assert.equal(host.running(), tried);
  await sleep(700);
  assert.equal(host.running(), tried, 'healthy: kept');
  host.health = 'services unhealthy: apid';
  await sleep(900);
  assert.equal(host.running(), config);
  assert.equal(applier.trying, false);
});

test('a try without until-healthy ignores health until its timer', async (t) => {
  const { host, config } = await fixture(t);
  const applier = new ConfigApplier(host);
  const tried = await applyPatches(config, ['machine:\n  network:\n    hostname: tried\n']);
  host.health = 'not ready';
  await applier.apply({ text: tried, mode: 'try', dryRun: false, untilHealthy: false, tryTimeoutMs: 400 });
  await sleep(200);
  assert.equal(host.running(), tried);
  await sleep(500);
  assert.equal(host.running(), config);
});

test('machine.type and cluster.id cannot change live, but can be staged', async (t) => {
  const { host, config } = await fixture(t);
  const applier = new ConfigApplier(host);
  const newId = await applyPatches(config, [`cluster:\n  id: ${Buffer.alloc(32, 7).toString('base64')}\n`]);
  assert.throws(
    () => {
      refuseNotLive(bundle(config), bundle(newId.replace('type: worker', 'type: controlplane')));
    },
    (err: unknown) => isApiError(err, 'invalid-argument') && /^machine\.type, cluster\.id cannot/.test(err.message),
  );
  await assert.rejects(
    applier.apply({ text: newId, mode: 'try', dryRun: false, untilHealthy: false }),
    (err: unknown) => isApiError(err, 'invalid-argument') && /cluster\.id/.test(err.message),
  );
  await applier.apply({ text: newId, mode: 'staged', dryRun: false, untilHealthy: false });
  assert.equal(await readFile(host.configFile, 'utf8'), newId);
  assert.equal(host.running(), config);
});

test('persistConfig keeps the previous file and leaves no temp file; stale temps are removed', async (t) => {
  const { dir } = await fixture(t);
  const file = join(dir, 'config.yaml');
  await persistConfig(file, 'one\n');
  await persistConfig(file, 'two\n');
  assert.equal(await readFile(file, 'utf8'), 'two\n');
  assert.equal(await readFile(previousConfigPath(file), 'utf8'), 'one\n');
  assert.deepEqual((await readdir(dir)).sort(), ['config.yaml', 'config.yaml.prev']);
  await writeFile(join(dir, '.config.yaml.abc.tmp'), 'tw');
  assert.deepEqual(await removeStaleTemps(file), ['.config.yaml.abc.tmp']);
  assert.deepEqual((await readdir(dir)).sort(), ['config.yaml', 'config.yaml.prev']);
});
