import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pemToBase64 } from '../pki/pem.ts';
import { generateSecretsBundle, issueClientCertificate } from '../secrets/secrets-bundle.ts';
import { isClientConfigError, type ClientConfig } from './client-config.ts';
import { loadClientConfig, resolveClientConfigPath, saveClientConfig } from './client-config-file.ts';
import { parseClientConfig, serializeClientConfig } from './codec.ts';
import { addContext, mergeClientConfigs, removeContext, setEndpoints, setNodes, useContext } from './edit.ts';
import { describeCurrentContext, formatContextInfo, formatContextsTable } from './info.ts';

let fixture: string;
before(async () => {
  const bundle = await generateSecretsBundle({ rsaBits: 2048 });
  const admin = await issueClientCertificate(bundle, { roles: ['os:admin', 'os:etcd:backup'] });
  // The layout talosctl writes, with a comment and the legacy "target" field in a second context.
  fixture = [
    '# written by talosctl',
    'context: prod',
    'contexts:',
    '    prod:',
    '        endpoints:',
    '            - 10.5.0.2',
    '            - 10.5.0.3',
    '        nodes:',
    '            - 10.5.0.4',
    `        ca: ${pemToBase64(bundle.certs.os.crt)}`,
    `        crt: ${pemToBase64(admin.crt)}`,
    `        key: ${pemToBase64(admin.key)}`,
    '    old:',
    '        target: 192.168.1.1',
    '',
  ].join('\n');
});

const sample = (): ClientConfig => parseClientConfig(fixture);

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-talosconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function clientError(pattern: RegExp) {
  return (err: unknown) => isClientConfigError(err) && pattern.test(err.message);
}

test('empty, malformed and unknown-field talosconfigs get clear errors with the place', () => {
  assert.throws(() => parseClientConfig('', 'cfg'), clientError(/^cfg is empty: generate one/));
  assert.throws(() => parseClientConfig('context: [', 'cfg'), clientError(/^cfg:\d+:\d+: /));
  assert.throws(
    () => parseClientConfig('contexts:\n  a:\n    endpoint: [x]\n', 'cfg'),
    clientError(/^cfg:3:5: contexts\.a\.endpoint: unknown field/),
  );
  assert.throws(
    () => parseClientConfig('contexts:\n  a:\n    endpoints: x\n', 'cfg'),
    clientError(/contexts\.a\.endpoints: want a list/),
  );
  assert.throws(() => parseClientConfig('colour: red\n', 'cfg'), clientError(/colour: unknown field/));
});

test('a talosconfig in talosctl format loads; legacy target becomes endpoints', () => {
  const config = sample();
  assert.equal(config.context, 'prod');
  assert.deepEqual(config.contexts['prod']?.endpoints, ['10.5.0.2', '10.5.0.3']);
  assert.deepEqual(config.contexts['old']?.endpoints, ['192.168.1.1']);
  assert.deepEqual(parseClientConfig(serializeClientConfig(config)), config);
  assert.match(
    serializeClientConfig(config),
    /^context: prod\ncontexts:\n {4}prod:\n {8}endpoints:\n {12}- 10\.5\.0\.2\n/,
  );
});

test('lookup order is --talosconfig, then $TALOSCONFIG, then ~/.talos/config', () => {
  assert.equal(resolveClientConfigPath({ flag: '/a', env: { TALOSCONFIG: '/b' }, home: '/h' }), '/a');
  assert.equal(resolveClientConfigPath({ env: { TALOSCONFIG: '/b' }, home: '/h' }), '/b');
  assert.equal(resolveClientConfigPath({ flag: '', env: {}, home: '/h' }), '/h/.talos/config');
});

test('missing and unreadable files are errors that say what to do', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(loadClientConfig(join(dir, 'nope')), clientError(/no talosconfig at .*nope: create one/));
  assert.deepEqual(await loadClientConfig(join(dir, 'nope'), { allowMissing: true }), { context: '', contexts: {} });
  await mkdir(join(dir, 'a-directory'));
  await assert.rejects(loadClientConfig(join(dir, 'a-directory')), clientError(/failed to read talosconfig/));
});

test('saving writes 0600 atomically and leaves no temp file', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'config');
  await writeFile(path, fixture);
  await saveClientConfig(path, setNodes(await loadClientConfig(path), ['10.5.0.9']));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), ['config']);
  assert.deepEqual((await loadClientConfig(path)).contexts['prod']?.nodes, ['10.5.0.9']);
  assert.match(await readFile(path, 'utf8'), /nodes:\n {12}- 10\.5\.0\.9/);
});

test('edits need a current context and existing names', () => {
  const none: ClientConfig = { context: '', contexts: {} };
  assert.throws(() => setEndpoints(none, ['x']), clientError(/no context is selected/));
  assert.throws(() => useContext(sample(), 'staging'), clientError(/"staging" is not defined .*prod, old/));
  assert.throws(() => removeContext(sample(), 'prod'), clientError(/is the current context/));
  assert.throws(() => addContext(sample(), 'prod', { endpoints: [] }), clientError(/already exists/));
  const edited = setEndpoints(useContext(sample(), 'old'), ['1.1.1.1']);
  assert.deepEqual(edited.contexts['old']?.endpoints, ['1.1.1.1']);
  assert.deepEqual(setNodes(sample(), []).contexts['prod']?.nodes, undefined);
  assert.deepEqual(Object.keys(removeContext(sample(), 'old').contexts), ['prod']);
  assert.equal(addContext(none, 'first', { endpoints: [] }).context, 'first');
});

test('merge renames clashing contexts NAME-1, NAME-2 and selects the merged current context', () => {
  const base = sample();
  const once = mergeClientConfigs(base, base);
  assert.deepEqual(once.renames, [
    ['prod', 'prod-1'],
    ['old', 'old-1'],
  ]);
  assert.equal(once.config.context, 'prod-1');
  const twice = mergeClientConfigs(once.config, base);
  assert.deepEqual(twice.renames, [
    ['prod', 'prod-2'],
    ['old', 'old-2'],
  ]);
  const fresh = mergeClientConfigs({ context: '', contexts: {} }, base);
  assert.deepEqual(fresh.renames, []);
  assert.equal(fresh.config.context, 'prod');
});

test('info shows roles and certificate expiry; contexts marks the current one', () => {
  const info = describeCurrentContext(sample());
  assert.deepEqual(info.roles, ['os:admin', 'os:etcd:backup']);
  const text = formatContextInfo(info);
  assert.match(text, /^Current context: {5}prod\n/);
  assert.match(text, /Nodes: {15}10\.5\.0\.4\n/);
  assert.match(text, /Certificate expires: 1 year\(s\) from now/);
  const expired = formatContextInfo({ ...info, certificateExpires: new Date(Date.now() - 3 * 86_400_000) });
  assert.match(expired, /EXPIRED 3 days ago/);
  const table = formatContextsTable(sample());
  assert.match(
    table,
    /^CURRENT +NAME +ENDPOINTS +NODES\n +old +192\.168\.1\.1\n\* +prod +10\.5\.0\.2,10\.5\.0\.3 +10\.5\.0\.4\n$/,
  );
  assert.throws(
    () => describeCurrentContext({ context: 'x', contexts: { x: { endpoints: [], crt: 'bad' } } }),
    /contexts\.x\.crt/,
  );
});

test('merging keeps every context and the counts add up (property)', () => {
  const name = fc.constantFrom('a', 'b', 'a-1', 'c');
  const config = fc.uniqueArray(name, { maxLength: 4 }).map((names): ClientConfig => ({
    context: names[0] ?? '',
    contexts: Object.fromEntries(names.map((n) => [n, { endpoints: [n] }])),
  }));
  fc.assert(
    fc.property(config, config, (a, b) => {
      const { config: merged, renames } = mergeClientConfigs(a, b);
      const count = (c: ClientConfig) => Object.keys(c.contexts).length;
      assert.equal(count(merged), count(a) + count(b));
      for (const [from, to] of renames) assert.deepEqual(merged.contexts[to], b.contexts[from]);
      assert.deepEqual(parseClientConfig(serializeClientConfig(merged)), merged);
    }),
  );
});

test('random text never crashes the talosconfig parser (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 120 }), (text) => {
      try {
        parseClientConfig(text);
      } catch (err) {
        assert.ok(isClientConfigError(err), String(err));
      }
    }),
  );
});
