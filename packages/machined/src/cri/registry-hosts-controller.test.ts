import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startHarness } from '@bronze/runtime';
import { configText, setConfig } from '../kubernetes/manifest-config-fixture.ts';
import { registryHostsController } from './registry-hosts-controller.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('machine.registries becomes the hosts directory, follows config changes and removes what is gone', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bronze-registries-'));
  const hostsDir = join(root, 'hosts');
  const h = startHarness({ controllers: [registryHostsController({ hostsDir })] });
  t.after(async () => {
    await h.stop();
    await rm(root, { recursive: true, force: true });
  });
  const withRegistries = (registries: string): string =>
    configText('worker').replace(
      'machine:\n  type: worker\n',
      `machine:\n  type: worker\n  registries:\n${registries}`,
    );

  await setConfig(
    h.state,
    withRegistries(
      '    mirrors:\n      docker.io:\n        endpoints: [https://cache.internal:5443]\n' +
        `    config:\n      cache.internal:5443:\n        tls:\n          clientIdentity:\n            crt: ${b64('CRT')}\n            key: ${b64('KEY')}\n`,
    ),
  );
  const hosts = await h.eventually(() => readFile(join(hostsDir, 'docker.io/hosts.toml'), 'utf8'));
  assert.match(hosts, /^server = "https:\/\/registry-1\.docker\.io"\n\n\[host\."https:\/\/cache\.internal:5443"\]/);
  assert.match(hosts, new RegExp(`client = \\[\\["${hostsDir}/docker.io/cache.internal_5443-client.crt"`));
  const key = join(hostsDir, 'docker.io/cache.internal_5443-client.key');
  assert.equal(await readFile(key, 'utf8'), 'KEY');
  assert.equal((await stat(key)).mode & 0o777, 0o600);

  await setConfig(h.state, withRegistries('    mirrors:\n      "*":\n        endpoints: [http://10.5.0.1:5000]\n'));
  await h.eventually(async () => {
    assert.deepEqual(await readdir(hostsDir), ['_default']);
  });
  assert.deepEqual(await readdir(join(hostsDir, '_default')), ['hosts.toml']);

  await setConfig(h.state, configText('worker'));
  await h.eventually(async () => {
    assert.deepEqual(await readdir(hostsDir), []);
  });
});
