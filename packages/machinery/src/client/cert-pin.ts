// apply-config --insecure --cert-fingerprint: a node in maintenance mode serves a certificate no CA
// vouches for, so the client pins it instead. The certificate is fetched once over TLS, its SHA-256
// fingerprint (of the DER) must be one of those given, and the gRPC channel then trusts only that
// certificate (or, when it is not self-signed, the issuer the node presented with it).
import { ChannelCredentials } from '@grpc/grpc-js';
import { connect, createSecureContext, type DetailedPeerCertificate } from 'node:tls';
import type { Endpoint } from './endpoints.ts';

/** `AB:CD:...` or `abcd...` → lowercase hex without colons; undefined when not a SHA-256. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replaceAll(':', '').trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

export class FingerprintMismatchError extends Error {
  override readonly name = 'FingerprintMismatchError' as const;
}

export function isFingerprintMismatchError(err: unknown): err is FingerprintMismatchError {
  return err instanceof Error && err.name === 'FingerprintMismatchError';
}

/** Channel credentials that accept only the endpoint's certificate, after checking its fingerprint. */
export async function pinnedChannelCredentials(
  endpoint: Endpoint,
  options: { fingerprints: readonly string[]; signal?: AbortSignal; timeoutMs?: number },
): Promise<ChannelCredentials> {
  const wanted = new Set(options.fingerprints.map((f) => normalizeFingerprint(f) ?? f));
  const cert = await peerCertificate(endpoint, options);
  const got = normalizeFingerprint(cert.fingerprint256) ?? cert.fingerprint256;
  if (!wanted.has(got)) {
    throw new FingerprintMismatchError(
      `${endpoint.address} presents a certificate with fingerprint ${got}, not one of --cert-fingerprint ${[...wanted].join(', ')}: check that this is the node you mean`,
    );
  }
  const trusted = [pem(cert.raw)];
  const issuer = cert.issuerCertificate as DetailedPeerCertificate | undefined;
  if (issuer !== undefined && issuer.fingerprint256 !== cert.fingerprint256) trusted.push(pem(issuer.raw));
  return ChannelCredentials.createFromSecureContext(createSecureContext({ minVersion: 'TLSv1.3', ca: trusted }), {
    checkServerIdentity: () => undefined,
  });
}

function peerCertificate(
  endpoint: Endpoint,
  options: { signal?: AbortSignal; timeoutMs?: number },
): Promise<DetailedPeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: endpoint.host,
      port: endpoint.port,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      ALPNProtocols: ['h2'],
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    socket.setTimeout(options.timeoutMs ?? 10_000, () => {
      socket.destroy(new Error(`${endpoint.address} did not complete a TLS handshake in time`));
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(true);
      socket.destroy();
      resolve(cert);
    });
    socket.once('error', reject);
  });
}

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
