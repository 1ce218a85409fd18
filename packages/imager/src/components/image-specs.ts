import { kubernetesVersion, upstreamComponent } from './upstream-list.ts';

/**
 * One container image the cluster needs, built here from a pinned component: scratch plus the
 * static binary at the path the upstream image uses, under the upstream reference (docs/KUBERNETES.md).
 */
export interface ComponentImageSpec {
  /** Short name: the archive is NAME.tar in /usr/share/bronze/images. */
  name: string;
  /** The exact reference it imports under, e.g. registry.k8s.io/kube-apiserver:v1.34.10. */
  ref: string;
  /** The upstream component (upstream-list.ts) whose binary the image holds. */
  component: string;
  /** Absolute path of the binary inside the image. */
  path: string;
  entrypoint: string[];
  cmd?: string[];
  /** `uid:gid` the image runs as; root when absent. */
  user?: string;
  /** Adds /etc/ssl/certs/ca-certificates.crt (the node image's pinned copy). */
  caCertificates: boolean;
  /** Adds the host's iptables (iptables-files.ts): the image programs the node's packet filter. */
  iptables?: boolean;
  /** Host programs the image carries with their libraries (host-programs.ts). */
  programs?: readonly { from: string; to: string }[];
}

/** Where a node keeps the archives, relative to its root. */
export const ComponentImagesDir = 'usr/share/bronze/images';

function versionOf(component: string): string {
  const c = upstreamComponent(component);
  if (c === undefined) throw new Error(`component images name ${component}, which is not in the pinned list`);
  return c.version;
}

function kubeImage(name: string, iptables = false): ComponentImageSpec {
  // build/server-image/Dockerfile: COPY ${BINARY} /usr/local/bin/${BINARY}.
  const path = `/usr/local/bin/${name}`;
  return {
    name,
    ref: `registry.k8s.io/${name}:${kubernetesVersion}`,
    component: name,
    path,
    entrypoint: [path],
    caCertificates: true,
    ...(iptables ? { iptables } : {}),
  };
}

/** Every image in docs/KUBERNETES.md, in the order the size report lists them. */
export const componentImageSpecs: readonly ComponentImageSpec[] = [
  kubeImage('kube-apiserver'),
  kubeImage('kube-controller-manager'),
  kubeImage('kube-scheduler'),
  // Upstream's kube-proxy is distroless-iptables: iptables mode execs iptables-restore.
  kubeImage('kube-proxy', true),
  {
    // build/pause/Dockerfile: ADD pause /pause, USER 65535:65535, ENTRYPOINT ["/pause"].
    name: 'pause',
    ref: `registry.k8s.io/pause:${versionOf('pause')}`,
    component: 'pause',
    path: '/pause',
    entrypoint: ['/pause'],
    user: '65535:65535',
    caCertificates: false,
  },
  {
    // CoreDNS's Dockerfile: COPY coredns /coredns, ENTRYPOINT ["/coredns"]. Upstream runs as nonroot
    // with a file capability to bind :53; a scratch layer carries no xattrs, so this one runs as root
    // and the Deployment's NET_BIND_SERVICE capability does the rest.
    name: 'coredns',
    ref: `registry.k8s.io/coredns/coredns:${versionOf('coredns')}`,
    component: 'coredns',
    path: '/coredns',
    entrypoint: ['/coredns'],
    caCertificates: true,
  },
  {
    // flannel's images/Dockerfile: /opt/bin/flanneld, ENTRYPOINT ["/opt/bin/flanneld"].
    name: 'flannel',
    ref: `ghcr.io/flannel-io/flannel:${versionOf('flanneld')}`,
    component: 'flanneld',
    path: '/opt/bin/flanneld',
    entrypoint: ['/opt/bin/flanneld'],
    caCertificates: true,
    // flanneld writes its masquerade and forward rules with iptables (go-iptables execs it).
    iptables: true,
    // kube-flannel.yml's install-cni init container runs `cp -f` in this image (upstream's is alpine).
    programs: [{ from: '/usr/bin/cp', to: '/bin/cp' }],
  },
  {
    // test/images/agnhost/Dockerfile: ENTRYPOINT ["/agnhost"], CMD ["pause"].
    name: 'agnhost',
    ref: `registry.k8s.io/e2e-test-images/agnhost:${versionOf('agnhost')}`,
    component: 'agnhost',
    path: '/agnhost',
    entrypoint: ['/agnhost'],
    cmd: ['pause'],
    caCertificates: true,
  },
];

/** The spec named `name` (or whose ref is `name`), or undefined. */
export function componentImageSpec(name: string): ComponentImageSpec | undefined {
  return componentImageSpecs.find((s) => s.name === name || s.ref === name);
}
