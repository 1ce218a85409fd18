import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cacheKey, driverGoMod, goBuildArgs, goBuildEnv, localReplaces } from './build-plan.ts';
import type { GoModuleSource } from './upstream-component.ts';
import { upstreamComponent } from './upstream-list.ts';

const kubeGoMod = `module k8s.io/kubernetes

go 1.24.0

require (
	github.com/spf13/cobra v1.9.1
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0 // indirect
)

require k8s.io/kubelet v0.0.0

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/kubelet => ./staging/src/k8s.io/kubelet
	k8s.io/sample-controller => ./staging/src/k8s.io/sample-controller
	github.com/spf13/cobra => github.com/spf13/cobra v1.9.0
)
`;

const etcdGoMod = `module go.etcd.io/etcd/server/v3

go 1.24

require (
	go.etcd.io/etcd/api/v3 v3.6.5
	go.etcd.io/etcd/pkg/v3 v3.6.5
)

replace (
	go.etcd.io/etcd/api/v3 => ../api
	go.etcd.io/etcd/pkg/v3 => ../pkg
)

// Bad imports are sometimes causing attempts to pull that code.
replace go.etcd.io/etcd => ./FORBIDDEN_DEPENDENCY
`;

test('a replace to a version, or of a module not required, is not a local replace', () => {
  assert.deepEqual(localReplaces(kubeGoMod), ['k8s.io/api', 'k8s.io/client-go', 'k8s.io/kubelet']);
  assert.deepEqual(localReplaces(etcdGoMod), ['go.etcd.io/etcd/api/v3', 'go.etcd.io/etcd/pkg/v3']);
  assert.deepEqual(localReplaces(''), []);
});

test('every required module replaced by a directory is found, whatever the order and layout', () => {
  const mod = fc.stringMatching(/^[a-z]{1,8}\.io\/[a-z]{1,8}$/);
  fc.assert(
    fc.property(fc.uniqueArray(mod, { maxLength: 6 }), fc.boolean(), (mods, blocks) => {
      const req = mods.map((m) => `${m} v0.0.0`);
      const rep = mods.map((m) => `${m} => ./staging/${m}`);
      const text = blocks
        ? `module x\n\nrequire (\n\t${req.join('\n\t')}\n)\n\nreplace (\n\t${rep.join('\n\t')}\n)\n`
        : `module x\n${rep.map((r) => `replace ${r}\n`).join('')}${req.map((r) => `require ${r}\n`).join('')}`;
      assert.deepEqual(localReplaces(text), mods);
    }),
  );
});

test('the driver module requires the upstream version and pins each local replace to the staging version', () => {
  const src: GoModuleSource = {
    kind: 'go-module',
    module: 'k8s.io/kubernetes',
    package: 'k8s.io/kubernetes/cmd/kubelet',
    localReplaceVersion: 'v0.34.10',
  };
  assert.equal(
    driverGoMod(src, 'v1.34.10', kubeGoMod),
    'module bronze.local/component-build\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes v1.34.10\n\nreplace (\n\tk8s.io/api => k8s.io/api v0.34.10\n\tk8s.io/client-go => k8s.io/client-go v0.34.10\n\tk8s.io/kubelet => k8s.io/kubelet v0.34.10\n)\n',
  );
  const extra: GoModuleSource = {
    kind: 'go-module',
    module: 'k8s.io/kubernetes',
    package: 'k8s.io/kubernetes/cmd/kubelet',
    replaces: ['a.io/b => a.io/b v1.2.4'],
  };
  assert.match(driverGoMod(extra, 'v1.34.10', kubeGoMod), /\nreplace \(\n\ta\.io\/b => a\.io\/b v1\.2\.4\n\)\n$/);
  const plain: GoModuleSource = {
    kind: 'go-module',
    module: 'github.com/coredns/coredns',
    package: 'github.com/coredns/coredns',
  };
  assert.equal(
    driverGoMod(plain, 'v1.12.1', kubeGoMod),
    'module bronze.local/component-build\n\ngo 1.24.0\n\nrequire github.com/coredns/coredns v1.12.1\n',
  );
});

test('go build is reproducible, gentle and passes the upstream tags and version flags', () => {
  const c = upstreamComponent('kube-scheduler');
  assert.ok(c?.source.kind === 'go-module');
  const args = goBuildArgs(c.source, '/tmp/out', { jobs: 1, procs: 2 });
  assert.deepEqual(args.slice(0, 7), [
    'build',
    '-p',
    '1',
    '-trimpath',
    '-buildvcs=false',
    '-tags',
    'selinux,notest,grpcnotrace',
  ]);
  assert.deepEqual(args.slice(-3), ['-o', '/tmp/out', 'k8s.io/kubernetes/cmd/kube-scheduler']);
  const ldflags = args[args.indexOf('-ldflags') + 1] ?? '';
  assert.match(ldflags, /^-s -w -X k8s\.io\/component-base\/version\.gitVersion=v1\.34\.10 /);
  assert.match(ldflags, /-X k8s\.io\/client-go\/pkg\/version\.gitMinor=34/);
  assert.deepEqual(goBuildEnv(c.source, { jobs: 1, procs: 2 }), {
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    GOMAXPROCS: '2',
    CGO_ENABLED: '0',
  });
  assert.equal(goBuildEnv({ ...c.source, cgo: true }).CGO_ENABLED, '1');
  const cgoArgs = goBuildArgs({ ...c.source, cgo: true }, '/tmp/out');
  assert.match(cgoArgs[cgoArgs.indexOf('-ldflags') + 1] ?? '', / -extldflags=-static$/);
});

test('the cache key changes with the toolchain, the version and the flags, and only with them', () => {
  const c = upstreamComponent('kubelet');
  assert.ok(c?.source.kind === 'go-module');
  const k = cacheKey(c, 'go1.26.8');
  assert.match(k, /^[0-9a-f]{16}$/);
  assert.equal(cacheKey({ ...c }, 'go1.26.8'), k);
  assert.equal(cacheKey({ ...c, reason: 'other words' }, 'go1.26.8'), k);
  assert.notEqual(cacheKey(c, 'go1.26.9'), k);
  assert.notEqual(cacheKey({ ...c, version: 'v1.34.9' }, 'go1.26.8'), k);
  assert.notEqual(cacheKey({ ...c, source: { ...c.source, tags: ['selinux'] } }, 'go1.26.8'), k);
});
