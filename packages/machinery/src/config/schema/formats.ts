// Content checks for the string formats that configs carry. Each returns what is wrong, in words
// that tell the user what a good value looks like, or undefined when the value is fine.
import { isIP } from 'node:net';
/** A check that only ever reports errors (assignable wherever a ErrorCheck is expected). */
export type ErrorCheck = (value: string) => string | undefined;

export const ip: ErrorCheck = (v) =>
  isIP(v) === 0 ? 'not an IP address: use a form like 10.0.0.1 or fd00::1' : undefined;

/** An address with a prefix length, `10.0.0.0/8` or `fd00::/64`. */
export const cidr: ErrorCheck = (v) => {
  const slash = v.lastIndexOf('/');
  if (slash < 0) return 'not a CIDR: add a prefix length, e.g. 10.0.0.0/8 or fd00::/64';
  const addr = v.slice(0, slash);
  const bits = v.slice(slash + 1);
  const family = isIP(addr);
  if (family === 0) return `not a CIDR: "${addr}" is not an IP address`;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `not a CIDR: the prefix length must be 0 to ${String(max)}`;
  return undefined;
};

/** A CIDR that may be negated with a leading `!` (kubelet and etcd subnet filters). */
export const subnetFilter: ErrorCheck = (v) => cidr(v.startsWith('!') ? v.slice(1) : v);

export const ipOrCidr: ErrorCheck = (v) => (v.includes('/') ? cidr(v) : ip(v));

const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** A DNS name (RFC 1123): labels of letters, digits and hyphens, at most 253 characters. */
export const dnsName: ErrorCheck = (v) => {
  const name = v.endsWith('.') ? v.slice(0, -1) : v;
  if (name === '' || name.length > 253 || !name.split('.').every((l) => label.test(l)))
    return 'not a valid DNS name: use letters, digits, hyphens and dots (RFC 1123)';
  return undefined;
};

/** A certificate subject alternative name: an IP address or a DNS name (wildcards allowed). */
export const san: ErrorCheck = (v) =>
  isIP(v) !== 0
    ? undefined
    : dnsName(v.startsWith('*.') ? v.slice(2) : v) === undefined
      ? undefined
      : 'not an IP address or DNS name';

export function url(schemes: readonly string[], opts: { port?: boolean } = {}): ErrorCheck {
  return (v) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return `not a URL: use a form like ${schemes[0] ?? 'https'}://host:port`;
    }
    const scheme = u.protocol.slice(0, -1);
    if (!schemes.includes(scheme)) return `the URL scheme must be ${schemes.join(' or ')}, not ${scheme}`;
    if (u.hostname === '') return 'the URL has no host';
    if (opts.port === true && !/^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]+\]|[^/:?#[\]]+):\d+([/?#]|$)/i.test(v))
      return `the URL needs an explicit port, e.g. ${scheme}://${u.hostname}:6443`;
    return undefined;
  };
}

const goDuration = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^0$/;

/** A Go duration: `10s`, `1h30m`, `500ms`. */
export const duration: ErrorCheck = (v) =>
  goDuration.test(v) ? undefined : 'not a duration: use a Go duration such as 30s, 5m or 1h30m';

// Both alphabets: Talos writes the cluster id in the URL-safe one.
const base64Text = /^[A-Za-z0-9+/_-]*={0,2}$/;

export const base64: ErrorCheck = (v) => {
  const clean = v.replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !base64Text.test(clean)) return 'not valid base64';
  return undefined;
};

/** Base64 of exactly `bytes` bytes (encryption secrets, discovery identities). */
export function base64Bytes(bytes: number): ErrorCheck {
  return (v) => {
    const bad = base64(v);
    if (bad !== undefined) return bad;
    const n = Buffer.from(v, 'base64').length;
    return n === bytes ? undefined : `must be base64 of ${String(bytes)} bytes, got ${String(n)} bytes`;
  };
}

/** The join tokens Talos uses (trustd and Kubernetes bootstrap): `[a-z0-9]{6}.[a-z0-9]{16}`. */
export const token: ErrorCheck = (v) =>
  /^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(v)
    ? undefined
    : 'not a valid token: it must look like abcdef.0123456789abcdef (6 and 16 lowercase letters or digits); osctl gen secrets makes one';

export const absolutePath: ErrorCheck = (v) =>
  v.startsWith('/') ? undefined : 'must be an absolute path (start with /)';

/** `host:port` or `[v6]:port`. */
export const hostPort: ErrorCheck = (v) => {
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(v);
  if (m === null || Number(m[2]) > 65535) return 'must be host:port, e.g. 10.0.0.1:5000';
  return undefined;
};

export const nonEmpty: ErrorCheck = (v) => (v.trim() === '' ? 'must not be empty' : undefined);

/** Keeps the first problem of several checks. */
export function all(...checks: readonly ErrorCheck[]): ErrorCheck {
  return (v) => {
    for (const c of checks) {
      const p = c(v);
      if (p !== undefined) return p;
    }
    return undefined;
  };
}
