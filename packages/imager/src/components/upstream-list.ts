import type { UpstreamComponent } from './upstream-component.ts';

/**
 * Kubernetes 1.34 is the newest minor whose kubelet starts on a cgroup v1 host with its defaults:
 * 1.35 turns `failCgroupV1` on (KEP-5573, kubernetes#134298), so its kubelet refuses cgroup v1 unless
 * the config says `failCgroupV1: false`. v1.34.10 is the newest 1.34 patch the module proxy serves
 * with a checksum-database entry (v1.34.11 and v1.34.12 are listed but their sums are not served).
 */
export const kubernetesVersion = 'v1.34.10';
const kubeStaging = 'v0.34.10';
/** The module's publish time (`go mod download -json` .Info), as upstream's buildDate. */
const kubeBuildDate = '2026-07-22T22:05:06Z';

function kubeVersionFlags(): string[] {
  const values: Record<string, string> = {
    gitVersion: kubernetesVersion,
    gitMajor: '1',
    gitMinor: '34',
    gitTreeState: 'clean',
    buildDate: kubeBuildDate,
  };
  const pkgs = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'];
  return pkgs.flatMap((p) => Object.entries(values).map(([k, v]) => `${p}.${k}=${v}`));
}

function kube(name: string, built?: UpstreamComponent['built'], reason?: string): UpstreamComponent {
  return {
    name,
    version: kubernetesVersion,
    binary: name,
    source: {
      kind: 'go-module',
      module: 'k8s.io/kubernetes',
      package: `k8s.io/kubernetes/cmd/${name}`,
      localReplaceVersion: kubeStaging,
      // hack/lib/golang.sh: release builds use these tags and -trimpath -s -w.
      tags: ['selinux', 'notest', 'grpcnotrace'],
      versionFlags: kubeVersionFlags(),
    },
    reason: reason ?? 'newest Kubernetes whose kubelet runs on cgroup v1 hosts by default (1.35 refuses them)',
    ...(built === undefined ? {} : { built }),
  };
}

/**
 * containerd 2.1 (the line Talos 1.11 ships with Kubernetes 1.34): Debian's 1.6 is end of life and
 * Kubernetes 1.36 drops containerd 1.x. Built without cgo and without the btrfs, devmapper and zfs
 * snapshotters (the node uses overlayfs), as upstream's static build does.
 */
function containerd(name: string): UpstreamComponent {
  return {
    name,
    version: 'v2.1.9',
    binary: name,
    source: {
      kind: 'go-module',
      module: 'github.com/containerd/containerd/v2',
      package: `github.com/containerd/containerd/v2/cmd/${name}`,
      tags: ['no_btrfs', 'no_devmapper', 'no_zfs', 'urfave_cli_no_docs'],
      versionFlags: [
        'github.com/containerd/containerd/v2/version.Version=v2.1.9',
        'github.com/containerd/containerd/v2/version.Package=github.com/containerd/containerd/v2',
      ],
    },
    reason:
      "containerd 2.1 for the node's system and CRI instances: Debian's 1.6 is end of life, Kubernetes 1.36 drops 1.x",
    built: {
      sha256:
        name === 'containerd'
          ? '084be7e14783da0dd698df4e8d3e36091d49842699defa04f99b6b3197568aa1'
          : '6bffd4a6064dea2cc86684ca192d5ab6ec4c40cdf4364487a721841452cc9612',
      toolchain: 'go1.26.8',
    },
  };
}

/** Every upstream program a Bronze node runs, pinned. Order: smallest build first. */
export const upstreamComponents: readonly UpstreamComponent[] = [
  {
    name: 'pause',
    version: '3.10.1',
    binary: 'pause',
    source: {
      kind: 'c-in-module',
      module: `k8s.io/kubernetes@${kubernetesVersion}`,
      files: ['build/pause/linux/pause.c'],
      // build/pause/Makefile CFLAGS (REV there is the git describe of the tree).
      cflags: ['-Os', '-Wall', '-Werror', '-static', `-DVERSION=v3.10.1-${kubernetesVersion}`],
    },
    reason: 'upstream pause is C (build/pause/linux/pause.c at the pinned Kubernetes tag), built static with gcc',
    built: { sha256: 'bb4df56ba0a2c96db9b4f0ff1328adcb312aebf753c5b1a7c5d0e7a4a10799f6', toolchain: 'gcc 12.2.0' },
  },
  kube('kube-scheduler', {
    sha256: 'b7146a05e341af731832d040d12ad6435920c310f79d7db0fe1d458bcebe8f2b',
    toolchain: 'go1.26.8',
  }),
  kube('kube-proxy', {
    sha256: '1e7447772d448941e10bc7339bcf26aa3c25cde15e2afb8b7c64e3b7a5df5739',
    toolchain: 'go1.26.8',
  }),
  kube('kubelet', {
    sha256: '862869127a68bc4276fb83fd93e8b37de6eb2dac0c7385f770d32e7d1d4c2a6e',
    toolchain: 'go1.26.8',
  }),
  kube('kube-controller-manager', {
    sha256: '161be440a728def80bec39d35384b1efcc2834293a014bc9f09ec6bf9f8ebe38',
    toolchain: 'go1.26.8',
  }),
  kube('kube-apiserver', {
    sha256: '8a49200b193af3e61d2f87eb1f93e5eac70c77a87611d61953c9927ee7db7d02',
    toolchain: 'go1.26.8',
  }),
  {
    name: 'coredns',
    version: 'v1.12.1',
    binary: 'coredns',
    source: { kind: 'go-module', module: 'github.com/coredns/coredns', package: 'github.com/coredns/coredns' },
    reason: 'the CoreDNS version kubeadm 1.34 deploys (cmd/kubeadm/app/constants CoreDNSVersion)',
    built: { sha256: 'b0c0732cc156d95527d210dfcb3a4ec88c367a0d34c356f070f7d400986054c8', toolchain: 'go1.26.8' },
  },
  {
    name: 'flanneld',
    version: 'v0.28.4',
    binary: 'flanneld',
    source: {
      kind: 'go-module',
      module: 'github.com/flannel-io/flannel',
      package: 'github.com/flannel-io/flannel',
      // The tencentvpc backend's SDK at v1.3.79 is not served here; v1.3.103 is (v0.28.10 pins
      // vpc v1.3.188, which is not served at all, hence v0.28.4).
      replaces: [
        'github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common => github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common v1.3.103',
      ],
      versionFlags: ['github.com/flannel-io/flannel/pkg/version.Version=v0.28.4'],
      // On amd64 the UDP backend is cgo (pkg/backend/udp/cproxy_amd64.go): upstream's Makefile
      // builds with CGO_ENABLED=1 and -extldflags "-static", and so does this.
      cgo: true,
    },
    reason: "flannel is Talos's default CNI; the newest release whose dependencies the module proxy serves",
    built: { sha256: '429e61602b08a326cdf7a93dea8f2c618225fa2eaa49e43872b6fcd8c120cccd', toolchain: 'go1.26.8' },
  },
  {
    name: 'flannel-cni',
    version: 'v0.9.1',
    binary: 'flannel',
    source: {
      kind: 'go-module',
      module: 'github.com/containernetworking/plugins',
      package: 'github.com/containernetworking/plugins/plugins/meta/flannel',
      versionFlags: ['github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=v0.9.1'],
    },
    reason:
      'github.com/flannel-io/cni-plugin is not served by the module proxy; v0.9.1 is the last containernetworking/plugins release with the flannel plugin (CNI spec up to 0.4.0)',
    built: { sha256: '1a21b0f962e14862cb40980d9cfda7ee2ce254b53f5fd9d5e37db220e741f8e1', toolchain: 'go1.26.8' },
  },
  {
    name: 'etcd',
    version: 'v3.6.5',
    binary: 'etcd',
    source: {
      kind: 'go-module',
      module: 'go.etcd.io/etcd/server/v3',
      package: 'go.etcd.io/etcd/server/v3',
      localReplaceVersion: 'v3.6.5',
    },
    reason: "kubeadm 1.34 needs etcd >= 3.5.24 and defaults to 3.6.5; Debian's etcd-server is 3.4.23",
    built: { sha256: '9fc6c586590119a131275343986fa4da2072947ee4bde8c71dfee29ea26a2eb2', toolchain: 'go1.26.8' },
  },
  {
    name: 'etcdutl',
    version: 'v3.6.5',
    binary: 'etcdutl',
    source: {
      kind: 'go-module',
      module: 'go.etcd.io/etcd/etcdutl/v3',
      package: 'go.etcd.io/etcd/etcdutl/v3',
      localReplaceVersion: 'v3.6.5',
    },
    reason:
      "etcd 3.6's offline tool: `etcdutl snapshot restore` for bootstrap --recover-from (etcdctl 3.6 no longer restores)",
    built: { sha256: '343a7d222762d5753ee7a5cd80fd7ea80985a55f374533518a3ca31f7fdb3dad', toolchain: 'go1.26.8' },
  },
  {
    name: 'agnhost',
    version: '2.56',
    binary: 'agnhost',
    source: {
      kind: 'go-module',
      module: 'k8s.io/kubernetes',
      package: 'k8s.io/kubernetes/test/images/agnhost',
      moduleVersion: kubernetesVersion,
      localReplaceVersion: kubeStaging,
    },
    reason: 'the e2e test image (test/images/agnhost/VERSION is 2.56 at the pinned Kubernetes tag), for cluster tests',
    built: { sha256: '050aec775e131113c3b7cebe0cc64033a5be1b7ae56f6ba4776a82c7dde86700', toolchain: 'go1.26.8' },
  },
  kube(
    'kubectl',
    { sha256: 'd060663e5875a97392c67282430efc3aa3f52f05013fb691e0be163841a8aa53', toolchain: 'go1.26.8' },
    'the client for tests and operators, same release as the cluster (not put into the node image)',
  ),
  containerd('containerd'),
  containerd('containerd-shim-runc-v2'),
  {
    name: 'runc',
    version: '1.1.5+ds1-1+deb12u1',
    binary: 'runc',
    source: { kind: 'debian', package: 'runc', path: '/usr/sbin/runc' },
    reason: "the runtime containerd's shim runs; cgroup v1 hosts need nothing newer",
  },
  {
    name: 'cni-plugins',
    version: '1.1.1+ds1-3+b5',
    binary: 'bridge',
    source: { kind: 'debian', package: 'containernetworking-plugins', path: '/usr/lib/cni/bridge' },
    reason: 'bridge, host-local, loopback and portmap, which the flannel plugin delegates to',
  },
];

/** The pinned component named `name`, or undefined. */
export function upstreamComponent(name: string): UpstreamComponent | undefined {
  return upstreamComponents.find((c) => c.name === name);
}
