import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { before, test } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../config/load.ts';
import type { ConfigBundle } from '../config/bundle.ts';
import { generateConfigs } from '../generate/generate-configs.ts';
import { applyConfigPatches } from '../patch/apply-patches.ts';
import { parsePatch } from '../patch/patch-load.ts';
import { isKubernetesPkiError, kubernetesRootSecretsOf } from './kubernetes-root-secrets.ts';
import { issueKubernetesSecrets, KubernetesSecretFile as F } from './kubernetes-secrets.ts';
import { firstServiceIp } from './service-ip.ts';
import { kubeletBootstrapKubeconfig } from './kubelet-bootstrap-kubeconfig.ts';

let controlplane: ConfigBundle;
let worker: ConfigBundle;
const bundle = (text: string): ConfigBundle => {
  const r = loadConfig(text);
  assert.ok(r.config !== undefined, JSON.stringify(r.errors));
  return r.config;
};
const patched = (config: ConfigBundle, patch: string): ConfigBundle =>
  bundle(applyConfigPatches(config.text, [parsePatch(patch, 'test patch')]));

before(async () => {
  const configs = await generateConfigs({ clusterName: 'demo', endpoint: 'https://10.5.0.2:6443', rsaBits: 2048 });
  controlplane = bundle(configs.controlplane);
  worker = bundle(configs.worker);
});

test('a worker config has no Kubernetes root secrets', () => {
  assert.equal(kubernetesRootSecretsOf(worker), undefined);
});

test('a control-plane config without the CA key is an error naming cluster.ca.key', () => {
  const config = patched(controlplane, '[{"op": "remove", "path": "/cluster/ca/key"}]');
  assert.throws(
    () => kubernetesRootSecretsOf(config),
    (err: unknown) => isKubernetesPkiError(err) && err.message.includes('cluster.ca.key'),
  );
});

test('a control-plane config without the etcd CA or service-account key names the field', () => {
  for (const [path, field] of [
    ['/cluster/etcd/ca', 'cluster.etcd.ca.crt'],
    ['/cluster/serviceAccount', 'cluster.serviceAccount.key'],
    ['/cluster/aggregatorCA/key', 'cluster.aggregatorCA.key'],
  ] as const) {
    const config = patched(controlplane, `[{"op": "remove", "path": "${path}"}]`);
    assert.throws(
      () => kubernetesRootSecretsOf(config),
      (err: unknown) => isKubernetesPkiError(err) && err.message.includes(field),
      field,
    );
  }
});

test('the first service IP of v4 and v6 subnets; not a CIDR is undefined', () => {
  assert.equal(firstServiceIp('10.96.0.0/12'), '10.96.0.1');
  assert.equal(firstServiceIp('10.96.5.7/12'), '10.96.0.1');
  assert.equal(firstServiceIp('fd00:10:96::/112'), 'fd00:10:96:0:0:0:0:1');
  assert.equal(firstServiceIp('10.96.0.0'), undefined);
  assert.equal(firstServiceIp('nope/12'), undefined);
});

test('every PKI file of the table, issued from the config CAs with the names the API server needs', async () => {
  const config = patched(controlplane, 'cluster:\n  apiServer:\n    certSANs: [api.example.com, 10.9.9.9]\n');
  const root = kubernetesRootSecretsOf(config);
  assert.ok(root !== undefined);
  const files = await issueKubernetesSecrets(root, { addresses: ['10.5.0.2'], hostname: 'cp-1' });
  assert.deepEqual(Object.keys(files).sort(), Object.values(F).sort());
  const ca = new X509Certificate(files[F.ca] ?? '');
  const cert = (name: string) => new X509Certificate(files[name] ?? '');

  const api = cert(F.apiServerCrt);
  assert.ok(api.verify(ca.publicKey));
  assert.match(api.subject, /CN=kube-apiserver/);
  for (const name of [
    'DNS:kubernetes.default.svc.cluster.local',
    'DNS:api.example.com',
    'DNS:cp-1',
    'DNS:localhost',
    'IP Address:10.5.0.2',
    'IP Address:10.96.0.1',
    'IP Address:10.9.9.9',
    'IP Address:127.0.0.1',
  ]) {
    assert.ok(api.subjectAltName?.includes(name), `${name} in ${api.subjectAltName ?? ''}`);
  }
  const lifetime = Date.parse(api.validTo) - Date.parse(api.validFrom);
  assert.ok(lifetime > 364 * 86_400_000 && lifetime < 367 * 86_400_000, `lifetime ${String(lifetime)}`);

  assert.match(cert(F.kubeletClientCrt).subject, /O=system:masters/);
  assert.ok(cert(F.frontProxyClientCrt).verify(cert(F.frontProxyCa).publicKey));
  assert.ok(cert(F.etcdClientCrt).verify(cert(F.etcdCa).publicKey));
  assert.equal(files[F.caKey], root.ca.key);
  const pub = createPublicKey(files[F.serviceAccountPub] ?? '');
  assert.equal(pub.asymmetricKeyType, 'rsa');

  const enc = parse(files[F.encryptionConfig] ?? '') as {
    kind: string;
    resources: { resources: string[]; providers: Record<string, unknown>[] }[];
  };
  assert.equal(enc.kind, 'EncryptionConfiguration');
  assert.deepEqual(enc.resources[0]?.resources, ['secrets']);
  assert.deepEqual(
    enc.resources[0].providers.map((p) => Object.keys(p)[0]),
    ['secretbox', 'identity'],
  );

  const kc = parse(files[F.schedulerKubeconfig] ?? '') as {
    clusters: { cluster: { server: string } }[];
    users: { name: string; user: { 'client-certificate-data': string } }[];
  };
  assert.equal(kc.clusters[0]?.cluster.server, 'https://127.0.0.1:6443');
  const client = new X509Certificate(
    Buffer.from(kc.users[0]?.user['client-certificate-data'] ?? '', 'base64').toString('utf8'),
  );
  assert.match(client.subject, /CN=system:kube-scheduler/);
  assert.ok(client.verify(ca.publicKey));
  const boot = parse(files[F.kubeletBootstrapKubeconfig] ?? '') as { users: { user: { token: string } }[] };
  assert.match(boot.users[0]?.user.token ?? '', /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
});

test('the bootstrap kubeconfig: a worker config without cluster.token is an error naming it', () => {
  const config = patched(worker, '[{"op": "remove", "path": "/cluster/token"}]');
  assert.throws(
    () => kubeletBootstrapKubeconfig(config),
    (err: unknown) => isKubernetesPkiError(err) && err.message.includes('cluster.token'),
  );
});

test('the bootstrap kubeconfig of a worker equals the one a control plane writes', async () => {
  const root = kubernetesRootSecretsOf(controlplane);
  assert.ok(root !== undefined);
  const files = await issueKubernetesSecrets(root, { addresses: ['10.5.0.2'] });
  assert.equal(kubeletBootstrapKubeconfig(worker), files[F.kubeletBootstrapKubeconfig]);
  assert.equal(kubeletBootstrapKubeconfig(controlplane), files[F.kubeletBootstrapKubeconfig]);
});
