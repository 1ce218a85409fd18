// Mutual TLS for the API: TLS 1.3 only, the peer's certificate verified against one CA on both sides,
// and the client certificate's subject handed to handlers (its Organization carries the roles).
import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';
import { createSecureContext, type PeerCertificate, type SecureContextOptions } from 'node:tls';

/** PEM-encoded trust anchor and identity of one side of a connection. */
export interface TlsMaterial {
  /** The CA (bundle) that the peer's certificate must chain to. */
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
}

export interface ServerTlsOptions {
  /** Ask for and verify a client certificate (default true); false only for maintenance mode. */
  requireClientCertificate?: boolean;
}

function contextOptions(material: TlsMaterial): SecureContextOptions {
  return { ca: material.ca, cert: material.cert, key: material.key, minVersion: 'TLSv1.3' };
}

/**
 * Server credentials whose certificate, key and CA can be replaced while the server runs
 * (`update`): new handshakes use the new material, open connections and streams continue.
 */
export class MutualTlsServerCredentials extends ServerCredentials {
  constructor(material: TlsMaterial, options: ServerTlsOptions = {}) {
    const requestCert = options.requireClientCertificate ?? true;
    super({ requestCert, rejectUnauthorized: requestCert, minVersion: 'TLSv1.3' }, contextOptions(material));
  }

  update(material: TlsMaterial): void {
    this.updateSecureContextOptions(contextOptions(material));
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

export function mutualTlsServerCredentials(
  material: TlsMaterial,
  options?: ServerTlsOptions,
): MutualTlsServerCredentials {
  return new MutualTlsServerCredentials(material, options);
}

/** Client credentials: present `cert`, and accept only a server whose certificate chains to `ca`. */
export function mutualTlsChannelCredentials(material: TlsMaterial): ChannelCredentials {
  return ChannelCredentials.createFromSecureContext(createSecureContext(contextOptions(material)), {
    rejectUnauthorized: true,
  });
}

/** Who is calling, from the verified client certificate. */
export interface PeerIdentity {
  commonName: string;
  /** Subject Organization values: the roles (`os:admin`, `os:reader`, ...). */
  organizations: string[];
  /** Extended key usage OIDs of the certificate (1.3.6.1.5.5.7.3.2 is client authentication). */
  extKeyUsage: string[];
  /** SHA-256 fingerprint as colon-separated hex, as Node prints it. */
  fingerprint256: string;
  validTo: Date;
  /** The certificate in DER. */
  raw: Buffer;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The verified client certificate of a call, or undefined on a connection without one. */
export function peerIdentityOf(call: {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}): PeerIdentity | undefined {
  const cert: PeerCertificate | undefined = call.getAuthContext().sslPeerCertificate;
  if (cert === undefined || Object.keys(cert).length === 0) return undefined;
  const subject = cert.subject as Partial<Record<string, string | string[]>> | undefined;
  return {
    commonName: asList(subject?.['CN']).join(','),
    organizations: asList(subject?.['O']),
    extKeyUsage: cert.ext_key_usage ?? [],
    fingerprint256: cert.fingerprint256,
    validTo: new Date(cert.valid_to),
    raw: cert.raw,
  };
}
