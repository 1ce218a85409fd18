import { isIP } from 'node:net';

/** The address of a CIDR as a bigint and its prefix length, or undefined if it is not a CIDR. */
function parse(cidr: string): { family: number; base: bigint; bits: number } | undefined {
  const [addr = '', len = ''] = cidr.split('/');
  const family = isIP(addr);
  if (family === 0 || !/^\d+$/.test(len)) return undefined;
  const width = family === 4 ? 32 : 128;
  const bits = Number(len);
  if (bits > width) return undefined;
  const value = family === 4 ? v4(addr) : v6(addr);
  const shift = BigInt(width - bits);
  return { family, base: (value >> shift) << shift, bits };
}

function v4(addr: string): bigint {
  return addr.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6(addr: string): bigint {
  const [head = '', tail] = addr.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const size = (gs: string[]): number => gs.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - size(h) - size(t))).fill('0'), ...t];
  return groups.reduce((acc, g) => {
    if (g.includes('.')) return (acc << 32n) | v4(g);
    return (acc << 16n) | BigInt(parseInt(g, 16));
  }, 0n);
}

/** True when two CIDRs of the same family share any address. */
export function overlaps(a: string, b: string): boolean {
  const x = parse(a);
  const y = parse(b);
  if (x === undefined || y === undefined || x.family !== y.family) return false;
  const width = x.family === 4 ? 32 : 128;
  const bits = Math.min(x.bits, y.bits);
  const shift = BigInt(width - bits);
  return x.base >> shift === y.base >> shift;
}
