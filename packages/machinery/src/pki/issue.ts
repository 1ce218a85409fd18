import { randomBytes, type KeyObject } from 'node:crypto';
import { x509 } from './x509.ts';
import { certificateFromDer, ExtKeyUsage, type Certificate } from './certificate.ts';
import {
  encodePrivateKeyPem,
  generatePrivateKey,
  publicCryptoKey,
  signatureAlgorithm,
  signingCryptoKey,
  type KeyAlgorithm,
  type PrivateKey,
} from './keys.ts';

/** A certificate with its private key: a CA that can issue, or a leaf to present. */
export interface CertificateAndKey {
  certificate: Certificate;
  key: PrivateKey;
}

const hour = 3_600_000;
/** Lifetime of the CAs in the secrets bundle (Talos: 87600 h, ten years). */
export const CaLifetimeMs = 87_600 * hour;
/** Lifetime of the admin client certificate in a generated talosconfig (one year). */
export const ClientCertificateLifetimeMs = 8_760 * hour;
/** Certificates start this far in the past, so a node whose clock is a little behind accepts them. */
export const NotBeforeSkewMs = 5 * 60_000;

export interface ValidityOptions {
  /** Defaults to the current time. */
  now?: Date;
  /** How long from `now` the certificate is valid; ignored when `notAfter` is given. */
  lifetimeMs?: number;
  notAfter?: Date;
}

export interface SubjectOptions {
  commonName?: string;
  /** Organization values; for client certificates these are the roles. */
  organizations?: readonly string[];
}

export interface CaOptions extends SubjectOptions, ValidityOptions {
  algorithm?: KeyAlgorithm;
  rsaBits?: number;
  /** SANs for a CA that also serves (talosctl gen keypair --ip). */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

export interface LeafOptions extends SubjectOptions, ValidityOptions {
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  extKeyUsage: readonly ExtKeyUsage[];
}

/** Creates a self-signed CA: BasicConstraints CA (critical), KeyUsage cert-sign, ExtKeyUsage server+client. */
export async function createSelfSignedCa(options: CaOptions = {}): Promise<CertificateAndKey> {
  const key = await generatePrivateKey(options.algorithm ?? 'ed25519', withRsaBits(options.rsaBits));
  const { notBefore, notAfter } = validity(options, CaLifetimeMs);
  const publicKey = publicCryptoKey(key.publicKey);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subjectName(options),
    notBefore,
    notAfter,
    keys: { privateKey: signingCryptoKey(key), publicKey },
    signingAlgorithm: signatureAlgorithm(key.algorithm),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([ExtKeyUsage.serverAuth, ExtKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      ...sanExtension(options),
    ],
  });
  return { certificate: certificateFromDer(new Uint8Array(cert.rawData)), key };
}

/** Issues a leaf certificate for `publicKey`, signed by `issuer`. */
export async function issueCertificate(
  issuer: CertificateAndKey,
  publicKey: KeyObject,
  options: LeafOptions,
): Promise<Certificate> {
  const { notBefore, notAfter } = validity(options, 24 * hour);
  const subjectKey = publicCryptoKey(publicKey);
  // RSA keys may also encipher (key transport). KeyUsageFlags is a bit set: the union of two flags
  // is a valid value that the enum does not name.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- a bit set of flags
  const usage = (
    publicKey.asymmetricKeyType === 'rsa'
      ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
      : x509.KeyUsageFlags.digitalSignature
  ) as x509.KeyUsageFlags;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    new x509.ExtendedKeyUsageExtension(options.extKeyUsage.map((u) => ExtKeyUsage[u])),
    await x509.SubjectKeyIdentifierExtension.create(subjectKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.cert),
  ];
  extensions.push(...sanExtension(options));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: subjectName(options),
    issuer: issuer.certificate.cert.subjectName,
    notBefore,
    notAfter,
    publicKey: subjectKey,
    signingKey: signingCryptoKey(issuer.key),
    signingAlgorithm: signatureAlgorithm(issuer.key.algorithm),
    extensions,
  });
  return certificateFromDer(new Uint8Array(cert.rawData));
}

/** Generates a key of `algorithm` and issues a certificate for it. */
export async function issueCertificateAndKey(
  issuer: CertificateAndKey,
  options: LeafOptions & { algorithm?: KeyAlgorithm },
): Promise<CertificateAndKey> {
  const key = await generatePrivateKey(options.algorithm ?? 'ed25519');
  const certificate = await issueCertificate(issuer, key.publicKey, options);
  return { certificate, key };
}

/** PEM texts of a certificate and its key, as files and config fields carry them. */
export function encodeCertificateAndKey(pair: CertificateAndKey): { crt: string; key: string } {
  return { crt: pair.certificate.pem, key: encodePrivateKeyPem(pair.key) };
}

function sanExtension(options: { dnsNames?: readonly string[]; ipAddresses?: readonly string[] }): x509.Extension[] {
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  return names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [];
}

function subjectName(options: SubjectOptions): x509.JsonName {
  const name: x509.JsonName = [];
  const orgs = options.organizations ?? [];
  if (orgs.length > 0) name.push({ O: [...orgs] });
  if (options.commonName !== undefined && options.commonName !== '') name.push({ CN: [options.commonName] });
  return name;
}

function validity(options: ValidityOptions, defaultLifetimeMs: number): { notBefore: Date; notAfter: Date } {
  const now = options.now ?? new Date();
  const notAfter = options.notAfter ?? new Date(now.getTime() + (options.lifetimeMs ?? defaultLifetimeMs));
  return { notBefore: new Date(now.getTime() - NotBeforeSkewMs), notAfter };
}

/** 128 random bits as a positive serial number (hex), as RFC 5280 asks. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function withRsaBits(rsaBits: number | undefined): { rsaBits?: number } {
  return rsaBits === undefined ? {} : { rsaBits };
}
