import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { generateConfigs } from '@bronze/machinery';
import { processPlatform } from '../platform/process-platform.ts';
import type { Platform } from '../platform/platform.ts';
import { checkConfig, findConfig } from './config-source.ts';

async function tempPlatform(t: { after: (fn: () => Promise<void>) => void }, userData?: string): Promise<Platform> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const base = processPlatform({ stateDir: dir, address: '127.0.0.1' });
  return { ...base, userData: () => userData };
}

test('no source at all is maintenance; an unreadable --config is reported, not skipped', async (t) => {
  const platform = await tempPlatform(t);
  assert.deepEqual(await findConfig(platform, undefined), { kind: 'none' });
  const missing = join(platform.paths.root, 'nope.yaml');
  const found = await findConfig(platform, missing);
  assert.ok(found.kind === 'unreadable', found.kind);
  assert.match(found.error, /ENOENT/);
});

test('sources in order: --config, then STATE, then USERDATA', async (t) => {
  const platform = await tempPlatform(t, Buffer.from('from: userdata\n').toString('base64'));
  const userdata = await findConfig(platform, undefined);
  assert.ok(userdata.kind === 'found' && userdata.origin === 'userdata' && userdata.text === 'from: userdata\n');
  await mkdir(dirname(platform.paths.configFile), { recursive: true });
  await writeFile(platform.paths.configFile, 'from: state\n');
  const state = await findConfig(platform, undefined);
  assert.ok(state.kind === 'found' && state.origin === 'state' && state.text === 'from: state\n');
  const flag = join(platform.paths.root, 'flag.yaml');
  await writeFile(flag, 'from: flag\n');
  const fromFlag = await findConfig(platform, flag);
  assert.ok(fromFlag.kind === 'found' && fromFlag.origin === 'flag' && fromFlag.text === 'from: flag\n');
});

test('a config that does not load or validate is refused with where and why', async () => {
  const broken = checkConfig('machine: [', { source: 'cp.yaml', mode: 'container' });
  assert.ok(!broken.ok);
  assert.ok(broken.errors.some((e) => e.includes('cp.yaml')));
  const invalid = checkConfig('version: v1alpha1\nmachine:\n  type: banana\n', {
    source: 'cp.yaml',
    mode: 'container',
  });
  assert.ok(!invalid.ok && invalid.errors.join('\n').includes('banana'), JSON.stringify(invalid));
  const good = await generateConfigs({ clusterName: 'c', endpoint: 'https://10.0.0.1:6443' });
  const ok = checkConfig(good.controlplane, { source: 'cp.yaml', mode: 'container' });
  assert.ok(ok.ok && ok.config.isControlPlane());
});
