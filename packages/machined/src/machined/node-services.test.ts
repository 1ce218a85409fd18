import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { containerPlatform } from '../platform/container-platform.ts';
import { processPlatform } from '../platform/process-platform.ts';
import { nodeServices } from './node-services.ts';

test('the process platform skips containerd; a control plane also runs trustd', () => {
  const ids = (cp: boolean) =>
    nodeServices({ platform: processPlatform({ stateDir: '/tmp/n', address: '127.0.1.2' }), controlPlane: cp }).map(
      (s) => [s.id, s.unsupported?.() !== undefined] as const,
    );
  assert.deepEqual(
    ids(false).find(([id]) => id === 'containerd'),
    ['containerd', true],
  );
  assert.ok(ids(true).some(([id]) => id === 'trustd'));
  assert.ok(!ids(false).some(([id]) => id === 'trustd'));
});

test('node containers run the system containerd with its CRI plugin off, its data under EPHEMERAL', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bronze-services-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const services = nodeServices({
    platform: containerPlatform({ root, address: '10.5.0.2', env: {} }),
    controlPlane: false,
  });
  const containerd = services.find((s) => s.id === 'containerd');
  assert.ok(containerd !== undefined && containerd.unsupported === undefined);
  assert.deepEqual(containerd.dependsOn, ['machined']);
  await containerd.prepare?.(AbortSignal.timeout(5000));
  const config = await readFile(join(root, 'system/run/containerd/config.toml'), 'utf8');
  assert.match(config, /disabled_plugins = \["io\.containerd\.grpc\.v1\.cri"\]/);
  assert.match(config, new RegExp(`path = "${join(root, 'var/system/lib/containerd/opt')}"`));
});
