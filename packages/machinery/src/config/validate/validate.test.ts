import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { ConfigBundle } from '../bundle.ts';
import { type ConfigEdit, editConfig } from '../edit.ts';
import type { ConfigIssue } from '../issue.ts';
import { fixture, mustLoad } from '../testdata/read-fixture.ts';
import { validateConfig } from './validate.ts';
import { validationModes } from './mode.ts';

const controlPlane = mustLoad(fixture('controlplane.yaml'), 'controlplane.yaml');
const worker = mustLoad(fixture('worker.yaml'), 'worker.yaml');

function edited(base: ConfigBundle, ...edits: ConfigEdit[]): ConfigBundle {
  const r = editConfig(base, edits);
  assert.ok(r.config, JSON.stringify(r.errors));
  return r.config;
}

function errorsOf(cfg: ConfigBundle, mode: 'metal' | 'container' | 'cloud' = 'metal'): readonly ConfigIssue[] {
  return validateConfig(cfg, { mode }).errors;
}

function theError(cfg: ConfigBundle, path: string, mode: 'metal' | 'container' | 'cloud' = 'metal'): ConfigIssue {
  const found = errorsOf(cfg, mode).filter((e) => e.path === path);
  assert.equal(found.length, 1, `want one error at ${path}, got ${JSON.stringify(errorsOf(cfg, mode), null, 1)}`);
  return found[0]!;
}

test('a bad CIDR in a network device is an error at its path and line', () => {
  const cfg = edited(controlPlane, {
    path: ['machine', 'network', 'interfaces'],
    value: [{ interface: 'eth0', addresses: ['10.0.0.2/24', '10.0.0.1/33'] }],
  });
  const e = theError(cfg, 'machine.network.interfaces[0].addresses[1]');
  assert.match(e.message, /prefix length must be 0 to 32/);
  assert.equal(e.value, '"10.0.0.1/33"');
  assert.equal(e.source, 'controlplane.yaml');
  assert.ok(e.line !== undefined && e.column !== undefined);
});

test('the control-plane endpoint must be https with a port', () => {
  for (const endpoint of ['http://10.5.0.2:6443', 'https://10.5.0.2', '10.5.0.2:6443']) {
    const cfg = edited(controlPlane, { path: ['cluster', 'controlPlane', 'endpoint'], value: endpoint });
    const e = theError(cfg, 'cluster.controlPlane.endpoint');
    assert.equal(e.value, JSON.stringify(endpoint));
  }
  const missing = edited(worker, { path: ['cluster', 'controlPlane'], value: undefined });
  assert.match(theError(missing, 'cluster').message, /controlPlane.endpoint is required/);
});

test('a key that does not belong to its certificate is an error', () => {
  const k8sKey = controlPlane.v1alpha1()!.cluster!.ca!.key!;
  const cfg = edited(controlPlane, { path: ['cluster', 'etcd', 'ca', 'key'], value: k8sKey });
  const e = theError(cfg, 'cluster.etcd.ca.key');
  assert.equal(e.code, 'key-mismatch');
  assert.match(e.message, /does not match its certificate/);
});

test('tokens of the wrong form are errors', () => {
  const cfg = edited(
    worker,
    { path: ['machine', 'token'], value: 'ABC.def' },
    { path: ['cluster', 'token'], value: 'abcdef-0123456789abcdef' },
  );
  assert.match(theError(cfg, 'machine.token').message, /not a valid token/);
  assert.match(theError(cfg, 'cluster.token').message, /not a valid token/);
});

test('a control-plane config without an etcd CA is an error', () => {
  const cfg = edited(controlPlane, { path: ['cluster', 'etcd'], value: undefined });
  assert.match(theError(cfg, 'cluster').message, /etcd CA/);
  const noKey = edited(controlPlane, { path: ['cluster', 'etcd', 'ca', 'key'], value: '' });
  assert.match(theError(noKey, 'cluster.etcd.ca.key').message, /private key is required/);
});

test('metal mode needs an install disk; container and cloud do not', () => {
  const cfg = edited(worker, { path: ['machine', 'install', 'disk'], value: undefined });
  const e = theError(cfg, 'machine.install', 'metal');
  assert.equal(e.code, 'mode');
  assert.match(e.message, /install disk is required in metal mode/);
  assert.deepEqual(errorsOf(cfg, 'container'), []);
  assert.deepEqual(errorsOf(cfg, 'cloud'), []);
});

test('an expired CA and an unparsable certificate are errors', () => {
  const expired = parse(fixture('expired-ca.yaml')) as { crt: string; key: string };
  const cfg = edited(controlPlane, { path: ['machine', 'ca'], value: expired });
  assert.match(theError(cfg, 'machine.ca.crt').message, /expired on/);
  const garbage = Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('base64');
  const bad = edited(controlPlane, { path: ['machine', 'ca', 'crt'], value: garbage });
  assert.match(theError(bad, 'machine.ca.crt').message, /cannot be parsed/);
  const notPem = edited(controlPlane, { path: ['cluster', 'ca', 'crt'], value: 'bm90IHBlbQ==' });
  assert.ok(errorsOf(notPem).some((e) => e.path === 'cluster.ca.crt' && /base64-encoded PEM/.test(e.message)));
});

test('strict turns warnings into errors', () => {
  const old = edited(worker, { path: ['cluster', 'allowSchedulingOnMasters'], value: true });
  const loose = validateConfig(old, { mode: 'metal' });
  assert.deepEqual(loose.errors, []);
  assert.equal(loose.warnings.length, 1);
  assert.match(loose.warnings[0]!.message, /allowSchedulingOnMasters is deprecated/);
  const strict = validateConfig(old, { mode: 'metal', strict: true });
  assert.deepEqual(strict.warnings, []);
  assert.deepEqual(strict.errors, loose.warnings);
});

test('workers must not carry CA keys, shared IPs or etcd settings', () => {
  const cpCluster = controlPlane.v1alpha1()!.cluster!;
  const cfg = edited(
    worker,
    { path: ['cluster', 'ca', 'key'], value: cpCluster.ca!.key! },
    { path: ['machine', 'network', 'interfaces'], value: [{ interface: 'eth0', vip: { ip: '10.5.0.100' } }] },
    { path: ['cluster', 'etcd'], value: { ca: cpCluster.etcd!.ca! } },
  );
  assert.match(theError(cfg, 'cluster.ca.key').message, /not allowed on worker nodes/);
  assert.match(theError(cfg, 'machine.network.interfaces[0].vip').message, /only on control-plane nodes/);
  assert.match(theError(cfg, 'cluster.etcd').message, /only on control-plane nodes/);
  const accepted = edited(
    worker,
    { path: ['machine', 'acceptedCAs'], value: [{ crt: worker.v1alpha1()!.machine!.ca!.crt! }] },
    { path: ['machine', 'ca'], value: undefined },
  );
  assert.deepEqual(errorsOf(accepted), [], 'a worker may trust accepted CAs instead of machine.ca');
});

test('bonds, bridges and links that contradict each other are errors', () => {
  const cfg = edited(controlPlane, {
    path: ['machine', 'network', 'interfaces'],
    value: [
      {
        interface: 'bond0',
        bond: { mode: 'active-backup', interfaces: ['eth0', 'eth1'], lacpRate: 'fast', miimon: 100, updelay: 150 },
      },
      { interface: 'br0', bridge: { interfaces: ['eth1'] } },
      { interface: 'eth2', vlans: [{ vlanId: 10 }, { vlanId: 10 }] },
      { deviceSelector: {} },
    ],
  });
  assert.match(theError(cfg, 'machine.network.interfaces[0].bond.lacpRate').message, /802\.3ad/);
  assert.match(theError(cfg, 'machine.network.interfaces[0].bond.updelay').message, /multiple of miimon/);
  assert.match(theError(cfg, 'machine.network.interfaces[1].bridge.interfaces[0]').message, /already part of bond0/);
  assert.match(theError(cfg, 'machine.network.interfaces[2].vlans[1].vlanId').message, /used twice/);
  assert.match(theError(cfg, 'machine.network.interfaces[3].deviceSelector').message, /matches nothing/);
});

test('features, taints and discovery that depend on other fields', () => {
  const cfg = edited(
    worker,
    { path: ['machine', 'features', 'hostDNS', 'enabled'], value: false },
    { path: ['machine', 'nodeTaints'], value: { dedicated: 'gpu' } },
    { path: ['cluster', 'id'], value: undefined },
  );
  assert.match(theError(cfg, 'machine.features.hostDNS.forwardKubeDNSToHost').message, /hostDNS.enabled/);
  assert.match(theError(cfg, 'machine.nodeTaints.dedicated').message, /VALUE:EFFECT/);
  assert.match(theError(cfg, 'cluster').message, /discovery service needs cluster.id/);
  const fine = edited(worker, {
    path: ['machine', 'nodeTaints'],
    value: { dedicated: 'gpu:NoSchedule', other: ':NoExecute' },
  });
  assert.deepEqual(errorsOf(fine), []);
});

test('documents that contradict the v1alpha1 fields they replace are errors', () => {
  const cfg = edited(
    controlPlane,
    { path: ['machine', 'network', 'hostname'], value: 'node-1' },
    { document: 'HostnameConfig', path: ['auto'], value: undefined },
    { document: 'HostnameConfig', path: ['hostname'], value: 'node-2' },
  );
  const e = theError(cfg, 'hostname');
  assert.equal(e.code, 'conflict');
  assert.deepEqual(e.document, { index: 1, kind: 'HostnameConfig' });
});

test('overlapping pod and service subnets, and KubeSpan without discovery', () => {
  const cfg = edited(
    controlPlane,
    { path: ['cluster', 'network', 'serviceSubnets'], value: ['10.244.128.0/20'] },
    { path: ['machine', 'network', 'kubespan'], value: { enabled: true } },
    { path: ['cluster', 'discovery', 'enabled'], value: false },
  );
  assert.match(theError(cfg, 'cluster.network.podSubnets[0]').message, /overlaps/);
  assert.match(theError(cfg, 'machine.network.kubespan.enabled').message, /cluster discovery/);
});

test('a config without machine and cluster sections, or without a v1alpha1 document', () => {
  const bare = mustLoad('version: v1alpha1\n');
  assert.deepEqual(
    errorsOf(bare).map((e) => e.message),
    ['the v1alpha1 document needs a machine section', 'the v1alpha1 document needs a cluster section'],
  );
  const none = mustLoad('apiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n');
  assert.equal(errorsOf(none)[0]?.code, 'missing-document');
});

test('the fixtures in talosctl format are valid in every mode, even strictly', () => {
  for (const cfg of [controlPlane, worker]) {
    for (const mode of validationModes) {
      assert.deepEqual(
        validateConfig(cfg, { mode, strict: true }),
        { errors: [], warnings: [] },
        `${cfg.source} ${mode}`,
      );
    }
  }
});

test('the newer documents stand in for the v1alpha1 fields they replace', () => {
  const base = edited(
    worker,
    { path: ['machine', 'install'], value: undefined },
    { path: ['cluster', 'id'], value: undefined },
    { path: ['cluster', 'secret'], value: undefined },
  );
  const identity = worker.v1alpha1()!.cluster!;
  const docs = `---
apiVersion: v1alpha1
kind: UnattendedInstallConfig
installer:
    image: ghcr.io/siderolabs/installer:v1.11.3
provisioning:
    diskSelector:
        match: disk.dev_path == "/dev/vda"
---
apiVersion: v1alpha1
kind: DiscoveryIdentityConfig
clusterID: ${identity.id!}
clusterSecret: ${identity.secret!}
---
apiVersion: v1alpha1
kind: RegistryMirrorConfig
name: docker.io
endpoints:
    - url: https://mirror.example.com
---
apiVersion: v1alpha1
kind: RegistryMirrorConfig
name: ghcr.io
endpoints:
    - url: https://mirror.example.com
      overridePath: true
---
apiVersion: v1alpha1
kind: VolumeConfig
name: EPHEMERAL
mount:
    secure: true
`;
  const before = errorsOf(base, 'metal').map((e) => e.message);
  assert.ok(before.some((m) => /install disk is required/.test(m)));
  assert.ok(before.some((m) => /discovery service needs cluster.id/.test(m)));
  const cfg = mustLoad(base.text + docs);
  assert.deepEqual(errorsOf(cfg, 'metal'), []);
  assert.deepEqual(
    cfg.documents.map((d) => d.name ?? d.kind),
    [
      'v1alpha1',
      'HostnameConfig',
      'UnattendedInstallConfig',
      'DiscoveryIdentityConfig',
      'docker.io',
      'ghcr.io',
      'EPHEMERAL',
    ],
  );
});

test('an inline manifest whose contents are not Kubernetes objects is an error at its contents', () => {
  const cfg = edited(controlPlane, {
    path: ['cluster', 'inlineManifests'],
    value: [
      { name: 'good', contents: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: good\n' },
      { name: 'bad', contents: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' },
    ],
  });
  const e = theError(cfg, 'cluster.inlineManifests[1].contents');
  assert.equal(e.code, 'invalid-value');
  assert.match(e.message, /document 1 \(ConfigMap\) has no metadata\.name/);
});

test('registry mirrors: a name that is not a registry, and a mirror without endpoints, are errors', () => {
  const cfg = edited(controlPlane, {
    path: ['machine', 'registries'],
    value: { mirrors: { '../etc': { endpoints: ['http://10.5.0.1:5000'] }, 'docker.io': {} }, config: { '*': {} } },
  });
  assert.match(theError(cfg, 'machine.registries.mirrors["../etc"]').message, /not a registry name/);
  assert.match(theError(cfg, 'machine.registries.mirrors["docker.io"].endpoints').message, /at least one endpoint/);
  assert.match(theError(cfg, 'machine.registries.config["*"]').message, /not a registry host/);
});
