import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UpstreamComponent } from './upstream-component.ts';
import { kubernetesVersion, upstreamComponent, upstreamComponents } from './upstream-list.ts';
import { validateUpstreamList } from './validate-list.ts';

const good: UpstreamComponent = {
  name: 'kube-scheduler',
  version: 'v1.34.10',
  binary: 'kube-scheduler',
  reason: 'test',
  source: { kind: 'go-module', module: 'k8s.io/kubernetes', package: 'k8s.io/kubernetes/cmd/kube-scheduler' },
};

function paths(list: readonly UpstreamComponent[]): string[] {
  return validateUpstreamList(list).errors.map((e) => e.path);
}

test('a duplicate name, a package outside its module and a bad version are errors with their paths', () => {
  const bad: UpstreamComponent = {
    ...good,
    version: '1.34',
    source: { kind: 'go-module', module: 'k8s.io/kubernetes', package: 'k8s.io/other/cmd/x' },
  };
  assert.deepEqual(paths([good, bad]), ['components[1].name', 'components[1].source.package', 'components[1].source']);
});

test('malformed flags, tags, checksums, C sources and Debian paths are errors', () => {
  const list: UpstreamComponent[] = [
    {
      ...good,
      source: {
        ...good.source,
        kind: 'go-module',
        module: 'k8s.io/kubernetes',
        package: 'k8s.io/kubernetes/cmd/kubelet',
        versionFlags: ['no-equals'],
        tags: ['a b'],
      },
    },
    {
      ...good,
      name: 'pause',
      built: { sha256: 'abc', toolchain: 'gcc 12' },
      source: { kind: 'c-in-module', module: 'k8s.io/kubernetes', files: ['/etc/passwd'], cflags: [] },
    },
    { ...good, name: 'runc', source: { kind: 'debian', package: 'runc', path: 'usr/sbin/runc' } },
    { ...good, name: 'Bad/Name', binary: 'a/b' },
  ];
  assert.deepEqual(paths(list), [
    'components[0].source.versionFlags[0]',
    'components[0].source.tags[0]',
    'components[1].source.module',
    'components[1].source.files[0]',
    'components[1].built.sha256',
    'components[2].source.path',
    'components[3].name',
    'components[3].binary',
  ]);
});

test('a component built with cgo or without a recorded checksum is a warning, not an error', () => {
  const v = validateUpstreamList([
    {
      ...good,
      source: {
        ...good.source,
        kind: 'go-module',
        module: 'k8s.io/kubernetes',
        package: 'k8s.io/kubernetes',
        cgo: true,
      },
    },
  ]);
  assert.deepEqual(v.errors, []);
  assert.deepEqual(
    v.warnings.map((w) => w.path),
    ['components[0].source.cgo', 'components[0].built'],
  );
});

test('the pinned list is valid and pins one Kubernetes version for every Kubernetes program', () => {
  assert.deepEqual(validateUpstreamList(upstreamComponents).errors, []);
  for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy']) {
    const c = upstreamComponent(name);
    assert.equal(c?.version, kubernetesVersion, name);
    assert.equal(c.source.kind === 'go-module' && c.source.localReplaceVersion, 'v0.34.10');
  }
  assert.match(kubernetesVersion, /^v1\.34\.\d+$/, 'kubelet 1.35+ refuses cgroup v1 hosts by default');
  for (const name of ['pause', 'coredns', 'flanneld', 'flannel-cni', 'etcd', 'containerd', 'runc'])
    assert.ok(upstreamComponent(name), name);
});
