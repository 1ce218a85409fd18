// What trustd signs with: the OS issuing CA (certificate and key), the accepted CAs it hands back,
// the SANs of its own server certificate and the machine token. They come from machined's
// OSRootSecrets resource (secrets/os), or before machined publishes it, from the control-plane config
// in STATE (system/state/config.yaml).
import { createHash } from 'node:crypto';
import { parseCertificateAndKey, secretsBundleFromControlPlaneConfig, type CertificateAndKey } from '@bronze/machinery';
import { pemOf } from '../apid/resource-watch.ts';

export const OSRootSecretsRef = { namespace: 'secrets', type: 'OSRootSecrets.secrets.talos.dev', id: 'os' } as const;

export interface TrustdSecrets {
  issuer: CertificateAndKey;
  /** PEM bundle of every accepted CA (the issuing CA first). */
  acceptedCAs: string;
  /** SHA-256 of the machine token. */
  tokenHash: Buffer;
  ips: string[];
  dnsNames: string[];
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function bundle(pems: readonly string[]): string {
  return [...new Set(pems.map((p) => p.trimEnd() + '\n'))].join('');
}

/** From an OSRootSecrets spec; undefined when it holds no CA key (a worker) or no token. */
export function trustdSecretsOf(spec: unknown): TrustdSecrets | undefined {
  if (typeof spec !== 'object' || spec === null) return undefined;
  const s = spec as Record<string, unknown>;
  const ca = s['issuingCA'] as Record<string, unknown> | undefined;
  const crt = pemOf(ca?.['crt']);
  const key = pemOf(ca?.['key']);
  const token = typeof s['token'] === 'string' ? s['token'] : '';
  if (crt === undefined || key === undefined || token === '') return undefined;
  const accepted = Array.isArray(s['acceptedCAs']) ? (s['acceptedCAs'] as unknown[]) : [];
  const acceptedPems = accepted
    .map((a) => pemOf(typeof a === 'object' && a !== null ? (a as Record<string, unknown>)['crt'] : a))
    .filter((p): p is string => p !== undefined);
  return {
    issuer: parseCertificateAndKey(crt, key, 'OSRootSecrets issuingCA'),
    acceptedCAs: bundle([crt, ...acceptedPems]),
    tokenHash: sha256(token),
    ips: strings(s['certSANIPs']),
    dnsNames: strings(s['certSANDNSNames']),
  };
}

/** From the text of a control-plane machine config (the OS CA and machine.token). */
export function trustdSecretsFromConfig(text: string, source: string): TrustdSecrets {
  const secrets = secretsBundleFromControlPlaneConfig(text, source);
  const { crt, key } = secrets.certs.os;
  return {
    issuer: parseCertificateAndKey(crt, key, `${source} machine.ca`),
    acceptedCAs: bundle([crt]),
    tokenHash: sha256(secrets.trustdInfo.token),
    ips: [],
    dnsNames: [],
  };
}
