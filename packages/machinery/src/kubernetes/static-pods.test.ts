import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadConfig } from '../config/load.ts';
import type { ConfigBundle } from '../config/bundle.ts';
import { generateConfigs } from '../generate/generate-configs.ts';
import { applyConfigPatches } from '../patch/apply-patches.ts';
import { parsePatch } from '../patch/patch-load.ts';
import { parse } from 'yaml';
import { apiServerConfigFiles } from './api-server-files.ts';
import { apiServerConfigOf, controllerManagerConfigOf, schedulerConfigOf } from './control-plane-config.ts';
import { apiServerPod, componentArgs, controllerManagerPod, schedulerPod, type PodManifest } from './static-pods.ts';

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

interface Container {
  image: string;
  resources: unknown;
  command: string[];
  env: { name: string; value: string }[];
  volumeMounts: { name: string; mountPath: string; readOnly: boolean }[];
}
interface Pod {
  metadata: { name: string; namespace: string };
  spec: {
    hostNetwork: boolean;
    priorityClassName: string;
    containers: Container[];
    volumes: { name: string; hostPath: { path: string } }[];
  };
}
const container = (pod: PodManifest): Container => {
  const c = (pod as unknown as Pod).spec.containers[0];
  assert.ok(c !== undefined);
  return c;
};

test('a worker config renders no control-plane component', () => {
  assert.equal(apiServerConfigOf(worker, { address: '10.5.0.3' }), undefined);
  assert.equal(controllerManagerConfigOf(worker), undefined);
  assert.equal(schedulerConfigOf(worker), undefined);
});

test('extraArgs replace the default of the same name; lists repeat the flag; flags are sorted', () => {
  assert.deepEqual(componentArgs({ b: '1', a: '2' }, { b: '3', c: ['x', 'y'] }), ['--a=2', '--b=3', '--c=x', '--c=y']);
});

test('kube-apiserver: host network, critical priority, the flags Talos passes, the PKI mounted read-only', () => {
  const spec = apiServerConfigOf(controlplane, { address: '10.5.0.2' });
  assert.ok(spec !== undefined);
  const pod = apiServerPod(spec, { hostSecretsDir: '/state/system/secrets/kubernetes' }) as unknown as Pod;
  assert.equal(pod.metadata.name, 'kube-apiserver');
  assert.equal(pod.metadata.namespace, 'kube-system');
  assert.equal(pod.spec.hostNetwork, true);
  assert.equal(pod.spec.priorityClassName, 'system-cluster-critical');
  const c = container(pod as unknown as PodManifest);
  assert.equal(c.image, 'registry.k8s.io/kube-apiserver:v1.34.10');
  assert.equal(c.command[0], '/usr/local/bin/kube-apiserver');
  for (const flag of [
    '--enable-admission-plugins=NodeRestriction',
    '--authorization-mode=Node,RBAC',
    '--enable-bootstrap-token-auth=true',
    '--service-account-issuer=https://10.5.0.2:6443',
    '--api-audiences=https://10.5.0.2:6443',
    '--encryption-provider-config=/system/secrets/kubernetes/encryptionconfig.yaml',
    '--etcd-servers=https://10.5.0.2:2379',
    '--advertise-address=10.5.0.2',
    '--secure-port=6443',
    '--allow-privileged=true',
    '--service-cluster-ip-range=10.96.0.0/12',
    '--tls-cert-file=/system/secrets/kubernetes/apiserver.crt',
    '--admission-control-config-file=/system/config/kubernetes/kube-apiserver/admission-control-config.yaml',
    '--audit-policy-file=/system/config/kubernetes/kube-apiserver/auditpolicy.yaml',
    '--audit-log-path=/var/log/audit/kube/kube-apiserver.log',
  ]) {
    assert.ok(c.command.includes(flag), flag);
  }
  assert.deepEqual(c.volumeMounts[0], { name: 'secrets', mountPath: '/system/secrets/kubernetes', readOnly: true });
  assert.equal(pod.spec.volumes[0]?.hostPath.path, '/state/system/secrets/kubernetes');
  assert.deepEqual(c.volumeMounts.slice(1), [
    { name: 'config', mountPath: '/system/config/kubernetes/kube-apiserver', readOnly: true },
    { name: 'audit', mountPath: '/var/log/audit/kube', readOnly: false },
  ]);
});

test('the config honoured: image, extraArgs, extraVolumes, env, subnets', () => {
  const patch = [
    'cluster:',
    '  network: { podSubnets: [10.32.0.0/16], serviceSubnets: [10.100.0.0/16] }',
    '  controllerManager:',
    '    image: example.org/kcm:v1',
    '    extraArgs: { v: "4", controllers: "*" }',
    '    extraVolumes: [{ hostPath: /var/lib/extra, mountPath: /extra, readonly: true }]',
    '    env: { GODEBUG: x509sha1=1 }',
    '    resources: { requests: { cpu: 1 }, limits: { memory: 1Gi } }',
  ].join('\n');
  const config = bundle(applyConfigPatches(controlplane.text, [parsePatch(patch, 'patch')]));
  const spec = controllerManagerConfigOf(config);
  assert.ok(spec !== undefined);
  const pod = controllerManagerPod(spec) as unknown as Pod;
  const c = container(pod as unknown as PodManifest);
  assert.equal(c.image, 'example.org/kcm:v1');
  assert.ok(c.command.includes('--v=4'));
  assert.ok(c.command.includes('--controllers=*'));
  assert.ok(!c.command.includes('--controllers=*,bootstrapsigner,tokencleaner'));
  assert.ok(c.command.includes('--cluster-cidr=10.32.0.0/16'));
  assert.ok(c.command.includes('--service-cluster-ip-range=10.100.0.0/16'));
  assert.ok(c.command.includes('--cluster-signing-key-file=/system/secrets/kubernetes/ca.key'));
  assert.deepEqual(c.env, [{ name: 'GODEBUG', value: 'x509sha1=1' }]);
  assert.deepEqual(c.resources, { requests: { cpu: '1', memory: '256Mi' }, limits: { memory: '1Gi' } });
  assert.deepEqual(c.volumeMounts[1], { name: 'extra-0', mountPath: '/extra', readOnly: true });
  assert.deepEqual(pod.spec.volumes[1], { name: 'extra-0', hostPath: { path: '/var/lib/extra' } });
});

test('kube-scheduler: its kubeconfig and leader election', () => {
  const spec = schedulerConfigOf(controlplane);
  assert.ok(spec !== undefined);
  const c = container(schedulerPod(spec));
  assert.ok(c.command.includes('--kubeconfig=/system/secrets/kubernetes/scheduler.kubeconfig'));
  assert.ok(c.command.includes('--leader-elect=true'));
});

test('the admission configuration and audit policy from the config (PodSecurity and Metadata in a generated one)', () => {
  const spec = apiServerConfigOf(controlplane, { address: '10.5.0.2' });
  assert.ok(spec !== undefined);
  const files = apiServerConfigFiles(spec);
  const admission = parse(files['admission-control-config.yaml'] ?? '') as {
    kind: string;
    plugins: { name: string; configuration: { defaults: { enforce: string } } }[];
  };
  assert.equal(admission.kind, 'AdmissionConfiguration');
  const [plugin] = admission.plugins;
  assert.ok(plugin !== undefined);
  assert.equal(plugin.name, 'PodSecurity');
  assert.equal(plugin.configuration.defaults.enforce, 'baseline');
  assert.deepEqual(parse(files['auditpolicy.yaml'] ?? ''), {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    rules: [{ level: 'Metadata' }],
  });
});
