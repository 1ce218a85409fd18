// The first address of a service subnet: the ClusterIP of the `kubernetes` Service, which the API
// server's serving certificate must carry (10.96.0.1 for 10.96.0.0/12).
import { isIPv4, isIPv6 } from 'node:net';

/** The first host address of `cidr`, or undefined when it is not a CIDR. */
export function firstServiceIp(cidr: string): string | undefined {
  const [address = '', bitsText = ''] = cidr.split('/');
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (isIPv4(address) && Number.isInteger(bits) && bits >= 0 && bits <= 32) {
    const value = address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
    return formatV4(network(value, bits, 32) + 1n);
  }
  if (isIPv6(address) && Number.isInteger(bits) && bits >= 0 && bits <= 128) {
    return formatV6(network(parseV6(address), bits, 128) + 1n);
  }
  return undefined;
}

function network(value: bigint, bits: number, width: number): bigint {
  const host = BigInt(width - bits);
  return (value >> host) << host;
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function parseV6(address: string): bigint {
  const [head = '', tail] = address.split('::');
  const groups = (text: string): string[] => (text === '' ? [] : text.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

function formatV6(value: bigint): string {
  const parts: string[] = [];
  for (let i = 7; i >= 0; i--) parts.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return parts.join(':');
}
