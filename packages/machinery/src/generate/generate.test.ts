import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseClientConfig } from '../client-config/codec.ts';
import { describeCurrentContext } from '../client-config/info.ts';
import { loadConfig } from '../config/load.ts';
import { formatIssue } from '../config/issue.ts';
import { validateConfig } from '../config/validate/validate.ts';
import { parsePatch } from '../patch/patch-load.ts';
import { certificateInfo, parseCertificatePem } from '../pki/certificate.ts';
import { base64ToPem } from '../pki/pem.ts';
import { verifyCertificate } from '../pki/verify.ts';
import { isOutputExistsError } from '../secrets/output-files.ts';
import { generateSecretsBundle, type SecretsBundle } from '../secrets/secrets-bundle.ts';
import { parseClusterEndpoint } from './endpoint.ts';
import { generateConfigs, type GeneratedConfigs } from './generate-configs.ts';
import { isGenerateError } from './generate-error.ts';
import { parseOutputTypes, writeGeneratedConfigs } from './write-configs.ts';

let secrets: SecretsBundle;
let configs: GeneratedConfigs;
before(async () => {
  secrets = await generateSecretsBundle({ rsaBits: 2048 });
  configs = await generateConfigs({
    clusterName: 'demo',
    endpoint: 'https://10.5.0.2:6443',
    secrets,
    additionalSans: ['api.example.com', '10.5.0.2'],
  });
});

type Tree = Record<string, Record<string, unknown>>;
const tree = (text: string): Tree => parse(text) as Tree;

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-gen-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('bad endpoints, names, versions and output types are refused with what to try', async () => {
  assert.throws(() => parseClusterEndpoint('10.5.0.2'), /no scheme: try "https:\/\/10\.5\.0\.2:6443"/);
  assert.throws(() => parseClusterEndpoint('10.5.0.2:6443'), /try "https:\/\/10\.5\.0\.2:6443"/);
  assert.throws(() => parseClusterEndpoint('http://lb:6443'), /must use https:\/\/: try "https:\/\/lb:6443"/);
  assert.deepEqual(parseClusterEndpoint('https://[fd00::1]:6443/'), { url: 'https://[fd00::1]:6443', host: 'fd00::1' });
  assert.deepEqual(parseClusterEndpoint('https://0:6443'), { url: 'https://0:6443', host: '0' });
  const base = { clusterName: 'demo', endpoint: 'https://lb:6443', secrets };
  await assert.rejects(generateConfigs({ ...base, clusterName: 'bad name' }), isGenerateError);
  await assert.rejects(generateConfigs({ ...base, kubernetesVersion: 'latest' }), /kubernetes version "latest"/);
  assert.throws(() => parseOutputTypes(['controlplane,kubeconfig']), /invalid output type "kubeconfig"/);
  assert.deepEqual(parseOutputTypes(['worker', 'talosconfig,worker']), ['worker', 'talosconfig']);
});

test('the control-plane config has the v1alpha1 layout and every CA with its key', () => {
  assert.ok(
    configs.controlplane.startsWith(
      'version: v1alpha1\ndebug: false\npersist: true\nmachine:\n    type: controlplane\n',
    ),
  );
  const cp = tree(configs.controlplane);
  const machine = cp['machine'] ?? {};
  const cluster = cp['cluster'] ?? {};
  assert.deepEqual(Object.keys(machine), [
    'type',
    'token',
    'ca',
    'certSANs',
    'kubelet',
    'network',
    'install',
    'features',
    'nodeLabels',
  ]);
  assert.equal(machine['token'], secrets.trustdInfo.token);
  assert.deepEqual(machine['certSANs'], ['api.example.com', '10.5.0.2']);
  assert.deepEqual(Object.keys(cluster).slice(0, 6), [
    'id',
    'secret',
    'controlPlane',
    'clusterName',
    'network',
    'token',
  ]);
  assert.deepEqual(cluster['controlPlane'], { endpoint: 'https://10.5.0.2:6443' });
  assert.equal(cluster['secretboxEncryptionSecret'], secrets.secrets.secretboxEncryptionSecret);
  const apiServer = cluster['apiServer'] as Record<string, unknown>;
  assert.deepEqual(apiServer['certSANs'], ['10.5.0.2', 'api.example.com']);
  assert.equal(apiServer['image'], 'registry.k8s.io/kube-apiserver:v1.34.10');
  for (const path of [['ca'], ['aggregatorCA'], ['etcd', 'ca']]) {
    let node: unknown = cluster;
    for (const p of path) node = (node as Record<string, unknown>)[p];
    const pair = node as { crt: string; key: string };
    assert.match(base64ToPem(pair.key, path.join('.')), /PRIVATE KEY/);
  }
  assert.match(configs.controlplane, /\n {8}node\.kubernetes\.io\/exclude-from-external-load-balancers: ""\n/);
});

test('the worker config carries no CA key, only certificates, the tokens and the endpoint', () => {
  const w = tree(configs.worker);
  const machine = w['machine'] ?? {};
  const cluster = w['cluster'] ?? {};
  assert.equal(machine['type'], 'worker');
  assert.deepEqual((machine['ca'] as Record<string, string>)['key'], '');
  assert.deepEqual((cluster['ca'] as Record<string, string>)['key'], '');
  for (const field of ['aggregatorCA', 'serviceAccount', 'etcd', 'apiServer', 'secretboxEncryptionSecret']) {
    assert.equal(cluster[field], undefined, field);
  }
  assert.equal(cluster['token'], secrets.secrets.bootstrapToken);
  assert.doesNotMatch(configs.worker, /key: LS0t/);
});

test('the talosconfig holds an admin client certificate signed by the OS CA', () => {
  const client = parseClientConfig(configs.talosconfig);
  assert.equal(client.context, 'demo');
  assert.deepEqual(client.contexts['demo']?.endpoints, []);
  assert.deepEqual(describeCurrentContext(client).roles, ['os:admin']);
  const demo = client.contexts['demo'];
  assert.ok(demo);
  const crt = parseCertificatePem(base64ToPem(demo.crt ?? '', 'crt'));
  verifyCertificate(crt, { roots: [parseCertificatePem(secrets.certs.os.crt)], usage: 'clientAuth' });
  const years = (certificateInfo(crt).notAfter.getTime() - Date.now()) / (365 * 86_400_000);
  assert.ok(years > 0.99 && years < 1.01);
});

test('generated configs load and validate in container and metal modes', () => {
  for (const [name, text] of [
    ['controlplane.yaml', configs.controlplane],
    ['worker.yaml', configs.worker],
  ] as const) {
    const loaded = loadConfig(text, { source: name });
    assert.deepEqual(
      loaded.errors.map((i) => formatIssue(i)),
      [],
      name,
    );
    assert.ok(loaded.config);
    for (const mode of ['container', 'metal'] as const) {
      const result = validateConfig(loaded.config, { mode });
      assert.deepEqual(
        result.errors.map((i) => formatIssue(i)),
        [],
        `${name} in ${mode} mode`,
      );
    }
  }
});

test('patches apply to all configs, then per machine type', async () => {
  const all = parsePatch('machine:\n  network:\n    hostname: common\n', 'all.yaml');
  const cp = parsePatch('cluster:\n  allowSchedulingOnControlPlanes: true\n', 'cp.yaml');
  const worker = parsePatch('machine:\n  install:\n    disk: /dev/vda\n', 'worker.yaml');
  const out = await generateConfigs({
    clusterName: 'demo',
    endpoint: 'https://lb:6443',
    secrets,
    patches: { all: [all], controlPlane: [cp], worker: [worker] },
  });
  const c = tree(out.controlplane);
  const w = tree(out.worker);
  assert.deepEqual((c['machine'] ?? {})['network'], { hostname: 'common' });
  assert.deepEqual((w['machine'] ?? {})['network'], { hostname: 'common' });
  assert.equal((c['cluster'] ?? {})['allowSchedulingOnControlPlanes'], true);
  assert.equal((w['cluster'] ?? {})['allowSchedulingOnControlPlanes'], undefined);
  assert.equal(((w['machine'] ?? {})['install'] as Record<string, unknown>)['disk'], '/dev/vda');
  assert.equal(((c['machine'] ?? {})['install'] as Record<string, unknown>)['disk'], '/dev/sda');
});

test('writing refuses existing files without force and writes nothing; with force it replaces', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'worker.yaml'), 'mine');
  await assert.rejects(writeGeneratedConfigs(configs, { cwd: dir }), isOutputExistsError);
  assert.deepEqual(await readdir(dir), ['worker.yaml']);
  assert.equal(await readFile(join(dir, 'worker.yaml'), 'utf8'), 'mine');
  const done = await writeGeneratedConfigs(configs, { cwd: dir, force: true });
  assert.equal(done.kind, 'files');
  assert.deepEqual((await readdir(dir)).sort(), ['controlplane.yaml', 'talosconfig', 'worker.yaml']);
  for (const f of ['controlplane.yaml', 'talosconfig', 'worker.yaml'])
    assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600);
});

test('one output type writes to the -o file, or to stdout with -o -', async (t) => {
  const dir = await tempDir(t);
  const file = await writeGeneratedConfigs(configs, { cwd: dir, types: ['talosconfig'], output: 'my-talosconfig' });
  assert.deepEqual(file, { kind: 'files', paths: [join(dir, 'my-talosconfig')] });
  const out = await writeGeneratedConfigs(configs, { cwd: dir, types: ['worker'], output: '-' });
  assert.deepEqual(out, { kind: 'stdout', text: configs.worker });
  await assert.rejects(writeGeneratedConfigs(configs, { cwd: dir, output: '-' }), /exactly one output type/);
});
