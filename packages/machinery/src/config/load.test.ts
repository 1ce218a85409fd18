import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './load.ts';
import { type ConfigIssue, formatIssue } from './issue.ts';
import { HostnameConfigKind, ResolverConfigKind, TimeSyncConfigKind } from './kinds/network-kinds.ts';
import { EnvironmentConfigKind, SysctlConfigKind } from './kinds/runtime-kinds.ts';
import { fixture, mustLoad } from './testdata/read-fixture.ts';
import { defineKind } from './kinds/kind.ts';
import { KindRegistry } from './kinds/registry.ts';
import { int, object, string } from './schema/builder.ts';

function only(text: string): readonly ConfigIssue[] {
  const r = loadConfig(text, { source: 'bad.yaml' });
  assert.equal(r.config, undefined, 'a broken config must not load');
  assert.ok(r.errors.length > 0);
  return r.errors;
}

function first(text: string): ConfigIssue {
  const e = only(text)[0];
  assert.ok(e !== undefined);
  return e;
}

test('yaml syntax errors are positioned and do not throw', () => {
  const e = first('version: v1alpha1\nmachine:\n  type: [worker\n');
  assert.equal(e.code, 'yaml-syntax');
  assert.equal(e.source, 'bad.yaml');
  assert.ok((e.line ?? 0) >= 3);
});

test('duplicate keys are an error with the line of the second one', () => {
  const errors = only('version: v1alpha1\nmachine:\n  type: worker\n  type: controlplane\n');
  assert.deepEqual([errors[0]!.code, errors[0]!.line], ['yaml-syntax', 4]);
});

test('an unknown field names the path, the line:column, the value and a suggestion', () => {
  const e = first(
    'version: v1alpha1\nmachine:\n  network:\n    interfaces:\n      - interface: eth0\n        adresses: [10.0.0.1/24]\n',
  );
  assert.equal(e.code, 'unknown-field');
  assert.equal(e.path, 'machine.network.interfaces[0].adresses');
  assert.equal(e.line, 6);
  assert.equal(e.column, 9);
  assert.equal(e.value, '"adresses"');
  assert.deepEqual(e.document, { index: 0, kind: 'v1alpha1' });
  assert.match(e.message, /did you mean "addresses"/);
  assert.match(
    formatIssue(e),
    /^bad\.yaml:6:9: \[document 0 v1alpha1\] machine\.network\.interfaces\[0\]\.adresses: unknown field/,
  );
});

test('wrong types are errors at the value', () => {
  const errors = only(
    'version: v1alpha1\nmachine:\n  type: worker\n  certSANs: example.com\n  features:\n    rbac: maybe\n',
  );
  assert.deepEqual(
    errors.map((e) => [e.code, e.path, e.line]),
    [
      ['wrong-type', 'machine.certSANs', 4],
      ['wrong-type', 'machine.features.rbac', 6],
    ],
  );
  assert.match(errors[0]!.message, /expected a list, got a string/);
});

test('a bad enum value lists what is allowed', () => {
  const e = first('version: v1alpha1\nmachine:\n  type: master\n');
  assert.match(e.message, /"controlplane", "worker", "init", "join"/);
  assert.equal(e.value, '"master"');
});

test('unknown kinds, wrong apiVersion, unknown versions and documents without identity are errors', () => {
  assert.equal(first('apiVersion: v1alpha1\nkind: NoSuchConfig\n').code, 'unknown-kind');
  assert.match(first('apiVersion: v1alpha1\nkind: NoSuchConfig\n').message, /known kinds: .*HostnameConfig/);
  assert.equal(first('apiVersion: v1beta9\nkind: HostnameConfig\nauto: stable\n').code, 'unknown-version');
  assert.equal(first('version: v2\nmachine: {}\n').code, 'unknown-version');
  assert.equal(first('machine: {}\n').code, 'missing-field');
  assert.equal(first('- a\n- b\n').code, 'not-a-mapping');
  assert.equal(first('').code, 'missing-document');
});

test('identity errors point at the field that is wrong', () => {
  const kind = first('apiVersion: v1alpha1\nkind: NoSuchConfig\n');
  assert.deepEqual([kind.path, kind.line, kind.column, kind.value], ['kind', 2, 7, '"NoSuchConfig"']);
  const api = first('kind: HostnameConfig\napiVersion: v2\n');
  assert.deepEqual([api.path, api.line, api.column, api.value], ['apiVersion', 2, 13, '"v2"']);
});

test('an unknown field in a multi-document kind is an error in that document', () => {
  const e = first('version: v1alpha1\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nautomatic: stable\n');
  assert.equal(e.code, 'unknown-field');
  assert.deepEqual(e.document, { index: 1, kind: 'HostnameConfig' });
  assert.equal(e.line, 5);
});

test('duplicate documents are an error naming the first one', () => {
  const doc = 'apiVersion: v1alpha1\nkind: SysctlConfig\nparams:\n  a.b: "1"\n';
  const errors = only(`version: v1alpha1\n---\n${doc}---\n${doc}`);
  assert.equal(errors[0]!.code, 'duplicate-document');
  assert.match(errors[0]!.message, /document 1 is already a SysctlConfig/);
  assert.equal(first('version: v1alpha1\n---\nversion: v1alpha1\n').code, 'duplicate-document');
});

test('the fixtures in talosctl format load, with typed access to every document', () => {
  const cp = mustLoad(fixture('controlplane.yaml'), 'controlplane.yaml');
  assert.equal(cp.machineType(), 'controlplane');
  assert.ok(cp.isControlPlane());
  const v1 = cp.v1alpha1()!;
  assert.equal(v1.cluster!.controlPlane!.endpoint, 'https://10.5.0.2:6443');
  assert.deepEqual(v1.cluster!.network!.podSubnets, ['10.244.0.0/16']);
  assert.equal(v1.machine!.features!.kubePrism!.port, 7445);
  assert.equal(v1.machine!.nodeLabels!['node.kubernetes.io/exclude-from-external-load-balancers'], '');
  assert.equal(cp.get(HostnameConfigKind)!.auto, 'stable');
  assert.equal(cp.documents.length, 2);
  const worker = mustLoad(fixture('worker.yaml'), 'worker.yaml');
  assert.equal(worker.machineType(), 'worker');
  assert.equal(worker.v1alpha1()!.machine!.ca!.key, '');
});

test('the multi-document kinds decode to typed values', () => {
  const cfg = mustLoad(`version: v1alpha1
---
apiVersion: v1alpha1
kind: ResolverConfig
nameservers:
  - address: 1.1.1.1
  - address: fd00::53
    protocol: DoT
searchDomains:
  domains: [example.com]
  disableDefault: true
---
apiVersion: v1alpha1
kind: TimeSyncConfig
bootTimeout: 2m
ntp:
  servers: [time.cloudflare.com]
---
apiVersion: v1alpha1
kind: SysctlConfig
params:
  net.ipv4.ip_forward: "1"
---
apiVersion: v1alpha1
kind: EnvironmentConfig
variables:
  https_proxy: http://proxy:3128
`);
  assert.equal(cfg.get(ResolverConfigKind)!.nameservers![1]!.protocol, 'DoT');
  assert.deepEqual(cfg.get(TimeSyncConfigKind)!.ntp!.servers, ['time.cloudflare.com']);
  assert.deepEqual(cfg.get(SysctlConfigKind)!.params, { 'net.ipv4.ip_forward': '1' });
  assert.deepEqual(cfg.get(EnvironmentConfigKind)!.variables, { https_proxy: 'http://proxy:3128' });
  assert.deepEqual(cfg.locate(1, ['nameservers', 1, 'protocol']), { line: 8, column: 15, exact: true });
});

test('deprecated fields that old configs carry still load', () => {
  const cfg = mustLoad(`version: v1alpha1
persist: true
machine:
  type: init
  install: {bootloader: true, extensions: [{image: ghcr.io/x/y:1}], extraKernelArgs: [console=ttyS0]}
  network:
    interfaces:
      - interface: eth0
        cidr: 10.0.0.2/24
  files:
    - {content: x, permissions: 0644, path: /var/x, op: create}
cluster:
  allowSchedulingOnMasters: true
  etcd: {subnet: 10.0.0.0/8}
  controlPlane: {endpoint: https://a:6443, localAPIServerPort: 6443}
`);
  assert.equal(cfg.v1alpha1()!.machine!.files![0]!.permissions, 0o644);
  assert.equal(cfg.machineType(), 'controlplane');
});

test('named kinds are told apart by name; a missing name and a repeated name are errors', () => {
  const NamedKind = defineKind({
    apiVersion: 'v1alpha1',
    kind: 'ExampleNamedConfig',
    named: true,
    schema: object({ apiVersion: string(), kind: string(), name: string(), value: int() }),
  });
  const kinds = new KindRegistry([NamedKind]);
  const doc = (name: string): string =>
    `---\napiVersion: v1alpha1\nkind: ExampleNamedConfig\nname: ${name}\nvalue: 1\n`;
  const ok = loadConfig(`version: v1alpha1\n${doc('a')}${doc('b')}`, { kinds });
  assert.deepEqual(
    ok.config!.documents.map((d) => d.name),
    [undefined, 'a', 'b'],
  );
  assert.equal(ok.config!.get(NamedKind, 'b')!.value, 1);
  const dup = loadConfig(`version: v1alpha1\n${doc('a')}${doc('a')}`, { kinds });
  assert.match(dup.errors[0]!.message, /document 1 is already a ExampleNamedConfig named a/);
  const unnamed = loadConfig('apiVersion: v1alpha1\nkind: ExampleNamedConfig\nvalue: 1\n', { kinds });
  assert.equal(unnamed.errors[0]!.code, 'missing-field');
});
