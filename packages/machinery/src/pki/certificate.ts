import { createHash, X509Certificate as NativeCertificate } from 'node:crypto';
import { x509 } from './x509.ts';
import { encodePem, parsePemBlocks } from './pem.ts';
import { PkiError } from './pki-error.ts';

/** A parsed certificate: its PEM text plus both views of it (the X.509 library's and Node's). */
export interface Certificate {
  pem: string;
  cert: x509.X509Certificate;
  native: NativeCertificate;
}

export const ExtKeyUsage = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;
export type ExtKeyUsage = keyof typeof ExtKeyUsage;

/** What a certificate says, in plain values. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  commonName: string | undefined;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  extKeyUsage: ExtKeyUsage[];
  serialNumber: string;
}

export function certificateFromDer(der: Uint8Array, what = 'certificate'): Certificate {
  try {
    const cert = new x509.X509Certificate(Buffer.from(der));
    const native = new NativeCertificate(Buffer.from(der));
    return { pem: encodePem('CERTIFICATE', der), cert, native };
  } catch (err) {
    throw new PkiError('invalid-certificate', `${what}: the CERTIFICATE block is not a valid X.509 certificate`, {
      cause: err,
    });
  }
}

/** The first certificate of a PEM text. */
export function parseCertificatePem(pem: string, what = 'certificate'): Certificate {
  const [first] = parseCertificateBundlePem(pem, what);
  if (first === undefined) throw new PkiError('invalid-pem', `${what}: no CERTIFICATE block found`);
  return first;
}

/** Every certificate of a PEM text (a CA bundle), in order; at least one. */
export function parseCertificateBundlePem(pem: string, what = 'certificate'): Certificate[] {
  const blocks = parsePemBlocks(pem).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) {
    throw new PkiError('invalid-pem', `${what}: want a PEM CERTIFICATE block, found none`);
  }
  return blocks.map((b, i) => certificateFromDer(b.der, blocks.length > 1 ? `${what} #${i + 1}` : what));
}

export function certificateInfo(certificate: Certificate): CertificateInfo {
  const { cert } = certificate;
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const usages = (eku?.usages ?? []).map(String);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    commonName: cert.subjectName.getField('CN')[0],
    organizations: cert.subjectName.getField('O'),
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCA: basic?.ca ?? false,
    extKeyUsage: (Object.keys(ExtKeyUsage) as ExtKeyUsage[]).filter((k) => usages.includes(ExtKeyUsage[k])),
    serialNumber: cert.serialNumber,
  };
}

/** `sha256:<hex>` of the certificate's SubjectPublicKeyInfo, the form kubeadm and talosctl print. */
export function certificatePublicKeyHash(certificate: Certificate): string {
  const spki = certificate.native.publicKey.export({ format: 'der', type: 'spki' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}
