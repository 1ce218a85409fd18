// What apid serves and forwards with, read from the ApiCertificates resource machined publishes
// (secrets namespace, id `api`): the accepted OS CAs, apid's server certificate and, on control planes
// only, the os:impersonator client certificate apid forwards with. Workers have no client certificate,
// so they cannot forward. In maintenance mode with no certificates yet, apid makes itself a
// short-lived self-signed server certificate: clients connect with --insecure then.
import {
  createSelfSignedCa,
  encodeCertificateAndKey,
  issueCertificateAndKey,
  parsePrivateKeyPem,
  type TlsMaterial,
} from '@bronze/machinery';
import { pemOf } from './resource-watch.ts';

export const ApiCertificatesRef = {
  namespace: 'secrets',
  type: 'ApiCertificates.secrets.talos.dev',
  id: 'api',
} as const;

export interface ApiTls {
  /** The server side: accepted CAs (bundle), server certificate and key. */
  server: TlsMaterial;
  /** The client side for forwarding; undefined on workers. */
  client: TlsMaterial | undefined;
}

function pair(value: unknown): { crt: string; key: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const crt = pemOf(record['crt']);
  const key = pemOf(record['key']);
  return crt === undefined || key === undefined ? undefined : { crt, key: opensslKeyPem(key) };
}

/**
 * A private key as OpenSSL reads it: PKCS#8 `PRIVATE KEY`. Talos labels Ed25519 keys
 * `ED25519 PRIVATE KEY`, which TLS contexts refuse.
 */
export function opensslKeyPem(pem: string): string {
  return parsePrivateKeyPem(pem).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The TLS material of an ApiCertificates spec; undefined when it lacks the CAs or the server pair. */
export function apiTlsOf(spec: unknown): ApiTls | undefined {
  if (typeof spec !== 'object' || spec === null) return undefined;
  const record = spec as Record<string, unknown>;
  const accepted = Array.isArray(record['acceptedCAs']) ? (record['acceptedCAs'] as unknown[]) : [];
  const cas = accepted
    .map((ca) => (typeof ca === 'object' && ca !== null ? pemOf((ca as Record<string, unknown>)['crt']) : pemOf(ca)))
    .filter((pem): pem is string => pem !== undefined);
  const server = pair(record['server']);
  if (cas.length === 0 || server === undefined) return undefined;
  const ca = cas.map((pem) => pem.trimEnd() + '\n').join('');
  const client = pair(record['client']);
  return {
    server: { ca, cert: server.crt, key: server.key },
    client: client === undefined ? undefined : { ca, cert: client.crt, key: client.key },
  };
}

/** A self-signed server identity for maintenance mode, valid for a day. */
export async function maintenanceTls(address: string): Promise<ApiTls> {
  const ca = await createSelfSignedCa({ commonName: 'maintenance', lifetimeMs: 24 * 3_600_000 });
  const leaf = await issueCertificateAndKey(ca, {
    commonName: address,
    ipAddresses: isIp(address) ? [address] : [],
    dnsNames: isIp(address) ? [] : [address],
    extKeyUsage: ['serverAuth'],
    lifetimeMs: 24 * 3_600_000,
  });
  const { crt, key } = encodeCertificateAndKey(leaf);
  return {
    server: { ca: ca.certificate.pem, cert: crt + ca.certificate.pem, key: opensslKeyPem(key) },
    client: undefined,
  };
}

function isIp(address: string): boolean {
  return /^[0-9.]+$/.test(address) || address.includes(':');
}
