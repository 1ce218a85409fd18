import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../config/load.ts';
import type { ConfigBundle } from '../config/bundle.ts';
import { generateConfigs } from '../generate/generate-configs.ts';
import { adminKubeconfig, isKubeconfigError } from './admin-kubeconfig.ts';
import { mergeKubeconfig } from './kubeconfig-merge.ts';

let controlplane: ConfigBundle;
let worker: ConfigBundle;
const bundle = (text: string): ConfigBundle => {
  const r = loadConfig(text);
  assert.ok(r.config !== undefined, JSON.stringify(r.errors));
  return r.config;
};

before(async () => {
  const configs = await generateConfigs({ clusterName: 'demo', endpoint: 'https://10.5.0.2:6443', rsaBits: 2048 });
  controlplane = bundle(configs.controlplane);
  worker = bundle(configs.worker);
});

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace: string } }[];
  'current-context': string;
}

test('the admin kubeconfig: system:masters client certificate from cluster.ca, named as Talos names it', async () => {
  const now = new Date('2026-11-22T00:00:00Z');
  const kc = parse(await adminKubeconfig(controlplane, { now })) as Kubeconfig;
  assert.equal(kc['current-context'], 'admin@demo');
  assert.deepEqual(kc.contexts, [
    { name: 'admin@demo', context: { cluster: 'demo', namespace: 'default', user: 'admin@demo' } },
  ]);
  const [cluster] = kc.clusters;
  const [user] = kc.users;
  assert.ok(cluster !== undefined && user !== undefined);
  assert.equal(cluster.cluster.server, 'https://10.5.0.2:6443');
  const ca = new X509Certificate(Buffer.from(cluster.cluster['certificate-authority-data'], 'base64'));
  const cert = new X509Certificate(Buffer.from(user.user['client-certificate-data'], 'base64'));
  assert.ok(cert.verify(ca.publicKey));
  assert.match(cert.subject, /O=system:masters/);
  assert.match(cert.subject, /CN=admin/);
  assert.equal(new Date(cert.validTo).getUTCFullYear(), 2027);
});

test('a worker config (no CA key) or a bad lifetime is refused, saying what to do', async () => {
  await assert.rejects(adminKubeconfig(worker), (e) => isKubeconfigError(e) && /control-plane node/.test(e.message));
  const bad = bundle(
    (
      await generateConfigs({ clusterName: 'demo', endpoint: 'https://10.5.0.2:6443', rsaBits: 2048 })
    ).controlplane.replace(/\ncluster:\n/, '\ncluster:\n    adminKubeconfig:\n        certLifetime: 0s\n'),
  );
  await assert.rejects(adminKubeconfig(bad), (e) => isKubeconfigError(e) && /certLifetime: "0s"/.test(e.message));
});

test('merge adds the cluster, replaces it when it is the same cluster, renames a different one', async () => {
  const other =
    'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: https://prod:6443}\ncurrent-context: prod\n';
  const first = mergeKubeconfig(other, await adminKubeconfig(controlplane));
  assert.equal(first.context, 'admin@demo');
  assert.deepEqual(first.renamed, []);
  const merged = parse(first.text) as Kubeconfig;
  assert.deepEqual(
    merged.clusters.map((c) => c.name),
    ['prod', 'demo'],
  );
  // the same cluster again, with a fresh certificate: replaced, not renamed
  const again = mergeKubeconfig(first.text, await adminKubeconfig(controlplane));
  assert.deepEqual(again.renamed, []);
  assert.equal((parse(again.text) as Kubeconfig).users.length, 1);
  // another cluster called demo: kept, the new one is demo-1
  const otherDemo = bundle(
    (await generateConfigs({ clusterName: 'demo', endpoint: 'https://10.9.0.2:6443', rsaBits: 2048 })).controlplane,
  );
  const renamed = mergeKubeconfig(again.text, await adminKubeconfig(otherDemo));
  assert.equal(renamed.context, 'admin@demo-1');
  const r = parse(renamed.text) as Kubeconfig;
  assert.deepEqual(
    r.contexts.map((c) => [c.name, c.context.cluster, c.context.user]),
    [
      ['admin@demo', 'demo', 'admin@demo'],
      ['admin@demo-1', 'demo-1', 'admin@demo-1'],
    ],
  );
  assert.equal(renamed.renamed.length, 3);
  // --force replaces the clashing entries instead
  const forced = mergeKubeconfig(again.text, await adminKubeconfig(otherDemo), { force: true });
  assert.deepEqual(
    (parse(forced.text) as Kubeconfig).clusters.map((c) => [c.name, c.cluster.server]),
    [
      ['prod', 'https://prod:6443'],
      ['demo', 'https://10.9.0.2:6443'],
    ],
  );
});

test('merge refuses a kubeconfig that is not YAML or not a mapping, naming it', () => {
  assert.throws(
    () => mergeKubeconfig('a: [', 'kind: Config\n', { source: '/root/.kube/config' }),
    /\/root\/\.kube\/config is not valid YAML/,
  );
  assert.throws(() => mergeKubeconfig('- 1\n', 'kind: Config\n', { source: 'K' }), /K is not a kubeconfig/);
  assert.throws(() => mergeKubeconfig('clusters: 3\n', 'kind: Config\n', { source: 'K' }), /K: clusters is not a list/);
});

test('a forced context name replaces admin@CLUSTER and becomes current', async () => {
  const r = mergeKubeconfig(undefined, await adminKubeconfig(controlplane), { contextName: 'lab' });
  assert.equal(r.context, 'lab');
  const kc = parse(r.text) as Kubeconfig;
  assert.deepEqual(
    kc.contexts.map((c) => [c.name, c.context.user]),
    [['lab', 'admin@demo']],
  );
});
