import { certificateInfo, type Certificate, type ExtKeyUsage } from './certificate.ts';
import type { CertificateAndKey } from './issue.ts';
import { parsePrivateKeyPem, type PrivateKey } from './keys.ts';
import { parseCertificatePem } from './certificate.ts';
import { PkiError } from './pki-error.ts';

export interface VerifyOptions {
  /** Trusted CAs (for the OS PKI: the issuing CA plus any accepted CAs). */
  roots: readonly Certificate[];
  intermediates?: readonly Certificate[];
  /** The time to check validity at; defaults to now. */
  at?: Date;
  /** Every certificate below the root must allow this usage. */
  usage?: ExtKeyUsage;
  maxDepth?: number;
}

/**
 * Verifies that `leaf` chains to one of `roots` through `intermediates`: signatures, validity
 * periods, CA constraints of every issuer and (when asked) the extended key usage. Returns the chain
 * from leaf to root; throws a PkiError whose code says which check failed.
 */
export function verifyCertificate(leaf: Certificate, options: VerifyOptions): Certificate[] {
  const at = options.at ?? new Date();
  const chain: Certificate[] = [leaf];
  const pool = [...(options.intermediates ?? []), ...options.roots];
  const maxDepth = options.maxDepth ?? 5;
  let current = leaf;
  for (let depth = 0; depth <= maxDepth; depth++) {
    checkValidity(current, at);
    if (options.usage !== undefined && !isRoot(current, options.roots)) checkUsage(current, options.usage);
    if (isRoot(current, options.roots)) return chain;
    const issuer = pool.find((c) => c !== current && issued(c, current));
    if (issuer === undefined) {
      const info = certificateInfo(current);
      throw new PkiError(
        'untrusted',
        `certificate "${info.subject}" (issuer "${info.issuer}") is not signed by a trusted CA: check that the talosconfig and the node share the same OS CA`,
      );
    }
    if (!certificateInfo(issuer).isCA) {
      throw new PkiError(
        'not-a-ca',
        `certificate "${certificateInfo(issuer).subject}" signed another certificate but is not a CA`,
      );
    }
    chain.push(issuer);
    current = issuer;
  }
  throw new PkiError('untrusted', `certificate chain is longer than ${maxDepth}`);
}

function isRoot(cert: Certificate, roots: readonly Certificate[]): boolean {
  return roots.some((r) => r.native.fingerprint256 === cert.native.fingerprint256);
}

function issued(issuer: Certificate, subject: Certificate): boolean {
  if (subject.cert.issuer !== issuer.cert.subject) return false;
  try {
    return subject.native.verify(issuer.native.publicKey);
  } catch {
    return false;
  }
}

function checkValidity(cert: Certificate, at: Date): void {
  const info = certificateInfo(cert);
  if (at < info.notBefore) {
    throw new PkiError(
      'not-yet-valid',
      `certificate "${info.subject}" is not valid before ${info.notBefore.toISOString()} (now ${at.toISOString()}): check the clock`,
    );
  }
  if (at > info.notAfter) {
    throw new PkiError(
      'expired',
      `certificate "${info.subject}" expired at ${info.notAfter.toISOString()}: issue a new one (osctl config new, or osctl gen config)`,
    );
  }
}

function checkUsage(cert: Certificate, usage: ExtKeyUsage): void {
  const info = certificateInfo(cert);
  if (info.extKeyUsage.length > 0 && !info.extKeyUsage.includes(usage)) {
    throw new PkiError(
      'wrong-usage',
      `certificate "${info.subject}" allows ${info.extKeyUsage.join(', ')} but is used for ${usage}`,
    );
  }
}

/** Whether `key` is the private half of the key in `certificate`. */
export function keyMatchesCertificate(key: PrivateKey, certificate: Certificate): boolean {
  try {
    return certificate.native.checkPrivateKey(key.privateKey);
  } catch {
    return false;
  }
}

/**
 * Parses a certificate and key pair from PEM and checks that they belong together. `what` names
 * the pair in errors, e.g. `certs.os`.
 */
export function parseCertificateAndKey(crtPem: string, keyPem: string, what: string): CertificateAndKey {
  const certificate = parseCertificatePem(crtPem, `${what}.crt`);
  const key = parsePrivateKeyPem(keyPem, `${what}.key`);
  if (!keyMatchesCertificate(key, certificate)) {
    throw new PkiError(
      'key-mismatch',
      `${what}: the key does not match the certificate "${certificateInfo(certificate).subject}": both must come from the same generation`,
    );
  }
  return { certificate, key };
}
