// What the bootstrap manifests are rendered from: the cluster section of the machine config with
// Talos's defaults filled in.
import { isIPv4, isIPv6 } from 'node:net';
import type { ConfigBundle } from '../config/bundle.ts';

export const KubernetesVersion = 'v1.34.10';
export const DefaultKubeProxyImage = `registry.k8s.io/kube-proxy:${KubernetesVersion}`;
export const DefaultCoreDnsImage = 'registry.k8s.io/coredns/coredns:v1.12.1';
export const DefaultFlannelImage = 'ghcr.io/flannel-io/flannel:v0.28.4';
export const DefaultPodSubnets: readonly string[] = ['10.244.0.0/16'];
export const DefaultServiceSubnets: readonly string[] = ['10.96.0.0/12'];
export const DefaultDnsDomain = 'cluster.local';

export interface ManifestInput {
  /** cluster.controlPlane.endpoint, e.g. https://10.5.0.2:6443 */
  endpoint: string;
  /** cluster.token: ID.SECRET (6 and 16 characters of [a-z0-9]) */
  token: string;
  podSubnets: readonly string[];
  serviceSubnets: readonly string[];
  dnsDomain: string;
  /** The kube-dns Service's ClusterIP: the 10th address of the first service subnet. */
  dnsServiceIp: string;
  cni: 'flannel' | 'custom' | 'none';
  flannelImage: string;
  flannelExtraArgs: readonly string[];
  proxy: {
    disabled: boolean;
    image: string;
    mode: string;
    extraArgs: Readonly<Record<string, string | readonly string[]>>;
  };
  coreDns: { disabled: boolean; image: string };
}

export class ManifestInputError extends Error {
  override readonly name = 'ManifestInputError';
}

export function isManifestInputError(err: unknown): err is ManifestInputError {
  return err instanceof Error && err.name === 'ManifestInputError';
}

/** The manifest input of a control-plane config; throws ManifestInputError naming what is missing. */
export function manifestInputFromConfig(config: ConfigBundle): ManifestInput {
  const cluster = config.v1alpha1()?.cluster;
  const endpoint = cluster?.controlPlane?.endpoint ?? '';
  const token = cluster?.token ?? '';
  if (endpoint === '')
    throw new ManifestInputError('cluster.controlPlane.endpoint is empty: generate the config with `osctl gen config`');
  if (!/^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(token)) {
    throw new ManifestInputError(`cluster.token "${token.slice(0, 7)}..." is not ID.SECRET ([a-z0-9]{6}.[a-z0-9]{16})`);
  }
  const network = cluster?.network;
  const serviceSubnets = nonEmpty(network?.serviceSubnets, DefaultServiceSubnets);
  const first = serviceSubnets[0] ?? '';
  const dnsServiceIp = nthAddress(first, 10);
  if (dnsServiceIp === undefined)
    throw new ManifestInputError(`cluster.network.serviceSubnets[0] "${first}" is not a CIDR`);
  return {
    endpoint,
    token,
    podSubnets: nonEmpty(network?.podSubnets, DefaultPodSubnets),
    serviceSubnets,
    dnsDomain: network?.dnsDomain ?? DefaultDnsDomain,
    dnsServiceIp,
    cni: network?.cni?.name ?? 'flannel',
    flannelImage: DefaultFlannelImage,
    flannelExtraArgs: network?.cni?.flannel?.extraArgs ?? [],
    proxy: {
      disabled: cluster?.proxy?.disabled ?? false,
      image: cluster?.proxy?.image ?? DefaultKubeProxyImage,
      mode: cluster?.proxy?.mode ?? 'iptables',
      extraArgs: cluster?.proxy?.extraArgs ?? {},
    },
    coreDns: { disabled: cluster?.coreDNS?.disabled ?? false, image: cluster?.coreDNS?.image ?? DefaultCoreDnsImage },
  };
}

function nonEmpty(list: readonly string[] | undefined, fallback: readonly string[]): readonly string[] {
  return list === undefined || list.length === 0 ? fallback : list;
}

/** The address `n` after the network address of `cidr` (10.96.0.0/12, 10 → 10.96.0.10). */
export function nthAddress(cidr: string, n: number): string | undefined {
  const [address = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const v4 = isIPv4(address);
  if ((!v4 && !isIPv6(address)) || !/^\d{1,3}$/.test(bitsText) || bits < 0 || bits > (v4 ? 32 : 128)) return undefined;
  const width = v4 ? 32 : 128;
  const value = v4 ? parseV4(address) : parseV6(address);
  const host = BigInt(width - bits);
  const result = ((value >> host) << host) + BigInt(n);
  if (v4) return [24n, 16n, 8n, 0n].map((s) => String((result >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((result >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function parseV4(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
}

function parseV6(address: string): bigint {
  const [head = '', tail] = address.split('::');
  const groups = (text: string): string[] => (text === '' ? [] : text.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}
