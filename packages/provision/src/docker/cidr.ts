// The cluster's --cidr: an IPv4 subnet; the gateway takes the first host address, nodes the next.
import { ProvisionError, ProvisionErrorCode } from '../provision-error.ts';

export const DefaultCidr = '10.5.0.0/24';

export interface ClusterSubnet {
  cidr: string;
  gateway: string;
  /** Node addresses in order (gateway + 1, + 2, ...). */
  addresses: string[];
}

export function planSubnet(cidr: string, nodes: number): ClusterSubnet {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(m?.[5]);
  if (m === null || octets.some((o) => o > 255) || prefix < 8 || prefix > 30) {
    throw new ProvisionError(
      ProvisionErrorCode.invalid,
      `--cidr ${cidr} is not an IPv4 subnet like 10.5.0.0/24 (prefix between /8 and /30)`,
    );
  }
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const base = (octets.reduce((a, o) => (a << 8) + o, 0) & mask) >>> 0;
  const hosts = 2 ** (32 - prefix) - 2;
  if (nodes + 1 > hosts) {
    throw new ProvisionError(
      ProvisionErrorCode.invalid,
      `--cidr ${cidr} has ${hosts} host addresses: ${nodes} nodes and the gateway do not fit, give a larger subnet`,
    );
  }
  const ip = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  return {
    cidr: `${ip(base)}/${prefix}`,
    gateway: ip(base + 1),
    addresses: Array.from({ length: nodes }, (_, i) => ip(base + 2 + i)),
  };
}
