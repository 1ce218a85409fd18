// What the kubelet runs with, as pure functions: KubeletConfig from the machine config (Talos's
// KubeletConfig resource: machine.kubelet with the cluster's DNS facts), then KubeletSpec (the
// command line and the KubeletConfiguration document) from it and the node's address and hostname.
// Paths are under the platform root (docs/KUBERNETES.md).
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { nthAddress, type ConfigBundle } from '@bronze/machinery';
import { criContainerdSocket } from '../containerd/containerd-paths.ts';

/** Talos's defaults for cluster.network (as machinery's manifest input uses them). */
const DefaultServiceSubnet = '10.96.0.0/12';
const DefaultDnsDomain = 'cluster.local';

export interface KubeletConfigSpec {
  clusterDNS: string[];
  clusterDomain: string;
  extraArgs: Record<string, string | string[]>;
  extraConfig: Record<string, unknown>;
  /** machine.kubelet.nodeIP.validSubnets: CIDRs, `!CIDR` excludes. */
  validSubnets: string[];
  controlPlane: boolean;
  /** Whether a control plane also runs workloads (no NoSchedule taint). */
  allowSchedulingOnControlPlanes: boolean;
  skipNodeRegistration: boolean;
}

export interface KubeletSpecSpec {
  args: string[];
  /** The KubeletConfiguration written to etc/kubernetes/kubelet.yaml. */
  config: Record<string, unknown>;
  expectedNodename: string;
  nodeIP: string;
}

export interface KubeletPaths {
  configFile: string;
  kubeconfig: string;
  bootstrapKubeconfig: string;
  clientCAFile: string;
  certDir: string;
  rootDir: string;
  staticPodDir: string;
  machineId: string;
}

export function kubeletPaths(root: string): KubeletPaths {
  return {
    configFile: join(root, 'etc/kubernetes/kubelet.yaml'),
    kubeconfig: join(root, 'var/lib/kubelet/kubeconfig'),
    bootstrapKubeconfig: join(root, 'system/secrets/kubelet/bootstrap-kubeconfig'),
    clientCAFile: join(root, 'system/secrets/kubelet/ca.crt'),
    certDir: join(root, 'var/lib/kubelet/pki'),
    rootDir: join(root, 'var/lib/kubelet'),
    staticPodDir: join(root, 'etc/kubernetes/manifests'),
    machineId: join(root, 'etc/machine-id'),
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function kubeletConfigOf(config: ConfigBundle): KubeletConfigSpec {
  const v = config.v1alpha1();
  const kubelet = v?.machine?.kubelet;
  const network = v?.cluster?.network;
  const serviceSubnet = network?.serviceSubnets?.[0] ?? DefaultServiceSubnet;
  const dns = kubelet?.clusterDNS ?? [];
  const tenth = nthAddress(serviceSubnet, 10);
  return {
    clusterDNS: dns.length > 0 ? [...dns] : tenth === undefined ? [] : [tenth],
    clusterDomain: network?.dnsDomain ?? DefaultDnsDomain,
    extraArgs: { ...(kubelet?.extraArgs ?? {}) },
    extraConfig: { ...record(kubelet?.extraConfig) },
    validSubnets: [...(kubelet?.nodeIP?.validSubnets ?? [])],
    controlPlane: config.isControlPlane(),
    allowSchedulingOnControlPlanes: v?.cluster?.allowSchedulingOnControlPlanes ?? false,
    skipNodeRegistration: kubelet?.skipNodeRegistration ?? false,
  };
}

function v4Number(ip: string): number {
  return ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Whether IPv4 `ip` is in `cidr` (IPv6 subnets match only the same literal network). */
export function inSubnet(ip: string, cidr: string): boolean {
  const [net = '', bitsText = '32'] = cidr.split('/');
  if (!isIPv4(ip) || !isIPv4(net)) return ip === net;
  const bits = Number(bitsText);
  const size = 2 ** (32 - bits);
  return Math.floor(v4Number(ip) / size) === Math.floor(v4Number(net) / size);
}

/** The first address allowed by `validSubnets` (all are, when it is empty), else undefined. */
export function pickNodeIP(addresses: readonly string[], validSubnets: readonly string[]): string | undefined {
  const include = validSubnets.filter((s) => !s.startsWith('!'));
  const exclude = validSubnets.filter((s) => s.startsWith('!')).map((s) => s.slice(1));
  return addresses.find(
    (a) => (include.length === 0 || include.some((s) => inSubnet(a, s))) && !exclude.some((s) => inSubnet(a, s)),
  );
}

function merge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] =
      typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null
        ? merge(record(b), record(v))
        : v;
  }
  return out;
}

/** The KubeletConfiguration: the spike's values for a node in a container, then extraConfig on top. */
export function kubeletConfiguration(cfg: KubeletConfigSpec, root: string): Record<string, unknown> {
  const paths = kubeletPaths(root);
  const base: Record<string, unknown> = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    cgroupDriver: 'cgroupfs',
    cgroupsPerQOS: true,
    cgroupRoot: '/',
    failSwapOn: false,
    failCgroupV1: false,
    staticPodPath: paths.staticPodDir,
    volumePluginDir: join(paths.rootDir, 'volumeplugins'),
    containerRuntimeEndpoint: `unix://${criContainerdSocket(root)}`,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: paths.clientCAFile },
    },
    authorization: { mode: 'Webhook' },
    rotateCertificates: true,
    serverTLSBootstrap: false,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    clusterDNS: cfg.clusterDNS,
    clusterDomain: cfg.clusterDomain,
    enforceNodeAllocatable: ['pods'],
    protectKernelDefaults: false,
    resolvConf: '/etc/resolv.conf',
    fileCheckFrequency: '5s',
    // No registry to pull from: never evict the imported images on a full disk.
    evictionHard: {
      'memory.available': '100Mi',
      'nodefs.available': '1%',
      'imagefs.available': '1%',
      'nodefs.inodesFree': '1%',
    },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
  };
  return merge(base, cfg.extraConfig);
}

function flagValue(v: string | string[]): string {
  return Array.isArray(v) ? v.join(',') : v;
}

/** The kubelet's spec for this node, or undefined while it has no usable address. */
export function kubeletSpecOf(
  cfg: KubeletConfigSpec,
  node: { addresses: readonly string[]; hostname: string; root: string },
): KubeletSpecSpec | undefined {
  const nodeIP = pickNodeIP(node.addresses, cfg.validSubnets);
  if (nodeIP === undefined || node.hostname === '') return undefined;
  const paths = kubeletPaths(node.root);
  const flags = new Map<string, string>([
    ['config', paths.configFile],
    ['kubeconfig', paths.kubeconfig],
    ['bootstrap-kubeconfig', paths.bootstrapKubeconfig],
    ['cert-dir', paths.certDir],
    ['root-dir', paths.rootDir],
    ['hostname-override', node.hostname],
    ['node-ip', nodeIP],
  ]);
  // The kubelet refuses node-role.kubernetes.io labels of its own (NodeRestriction); the taint is allowed.
  if (cfg.controlPlane && !cfg.allowSchedulingOnControlPlanes)
    flags.set('register-with-taints', 'node-role.kubernetes.io/control-plane=:NoSchedule');
  if (cfg.skipNodeRegistration) flags.set('register-node', 'false');
  for (const [k, v] of Object.entries(cfg.extraArgs)) flags.set(k, flagValue(v));
  return {
    args: [...flags].map(([k, v]) => `--${k}=${v}`),
    config: kubeletConfiguration(cfg, node.root),
    expectedNodename: node.hostname,
    nodeIP,
  };
}
