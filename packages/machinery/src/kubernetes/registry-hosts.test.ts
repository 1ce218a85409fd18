import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRegistryName, registryHostFiles } from './registry-hosts.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const dir = '/system/etc/cri/conf.d/hosts';

test('no registries: no files and no credentials', () => {
  assert.deepEqual(registryHostFiles(undefined, dir), { files: {}, auth: {} });
  assert.deepEqual(registryHostFiles({}, dir), { files: {}, auth: {} });
});

test('mirrors become hosts in order, then the registry itself; docker.io falls back to its API host', () => {
  const { files } = registryHostFiles(
    {
      mirrors: {
        'docker.io': { endpoints: ['http://10.5.0.1:5000', 'https://mirror.example:443'] },
        'registry.k8s.io': { endpoints: ['http://10.5.0.1:5001'], overridePath: true, skipFallback: true },
        '*': { endpoints: ['http://10.5.0.1:5002'] },
      },
    },
    dir,
  );
  assert.deepEqual(Object.keys(files).sort(), [
    '_default/hosts.toml',
    'docker.io/hosts.toml',
    'registry.k8s.io/hosts.toml',
  ]);
  assert.equal(
    files['docker.io/hosts.toml']?.content,
    'server = "https://registry-1.docker.io"\n\n' +
      '[host."http://10.5.0.1:5000"]\n  capabilities = ["pull", "resolve"]\n\n' +
      '[host."https://mirror.example:443"]\n  capabilities = ["pull", "resolve"]\n',
  );
  assert.equal(
    files['registry.k8s.io/hosts.toml']?.content,
    'server = "http://10.5.0.1:5001"\n\n[host."http://10.5.0.1:5001"]\n' +
      '  capabilities = ["pull", "resolve"]\n  override_path = true\n',
    'skipFallback: the last mirror is the server, registry.k8s.io is never asked',
  );
  assert.doesNotMatch(files['_default/hosts.toml']?.content ?? '', /^server/m, '* has no registry of its own');
});

test('TLS settings go to the host whose host:port they name; keys are 0600; credentials go apart', () => {
  const { files, auth } = registryHostFiles(
    {
      mirrors: { 'ghcr.io': { endpoints: ['https://cache.internal:5443'] } },
      config: {
        'cache.internal:5443': {
          tls: { ca: b64('CA PEM'), clientIdentity: { crt: b64('CRT PEM'), key: b64('KEY PEM') } },
          auth: { username: 'u', password: 'p' },
        },
        'private.example': { tls: { insecureSkipVerify: true } },
      },
    },
    dir,
  );
  const ghcr = files['ghcr.io/hosts.toml']?.content ?? '';
  assert.match(ghcr, new RegExp(`  ca = "${dir}/ghcr.io/cache.internal_5443-ca.crt"`));
  assert.match(
    ghcr,
    new RegExp(
      `  client = \\[\\["${dir}/ghcr.io/cache.internal_5443-client.crt", "${dir}/ghcr.io/cache.internal_5443-client.key"\\]\\]`,
    ),
  );
  assert.deepEqual(files['ghcr.io/cache.internal_5443-client.key'], { content: 'KEY PEM', mode: 0o600 });
  assert.equal(files['ghcr.io/cache.internal_5443-ca.crt']?.content, 'CA PEM');
  assert.doesNotMatch(ghcr, /password|KEY PEM/);
  // a registry with settings and no mirror: itself, with its TLS at the top level
  assert.equal(
    files['private.example/hosts.toml']?.content,
    'server = "https://private.example"\nskip_verify = true\n',
  );
  assert.deepEqual(auth, { 'cache.internal:5443': { username: 'u', password: 'p' } });
});

test('a name that is not a registry never becomes a path', () => {
  for (const bad of ['../../etc', 'a/b', '', '.hidden', 'host:port', 'x:123456'])
    assert.equal(isRegistryName(bad), false, bad);
  for (const good of ['*', 'docker.io', '10.5.0.1:5000', 'registry.k8s.io', 'localhost'])
    assert.equal(isRegistryName(good), true, good);
  const { files } = registryHostFiles({ mirrors: { '../../etc': { endpoints: ['http://x'] } } }, dir);
  assert.deepEqual(files, {});
});
