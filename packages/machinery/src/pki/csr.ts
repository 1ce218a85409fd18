import { createPublicKey, type KeyObject } from 'node:crypto';
import { x509 } from './x509.ts';
import type { Certificate, ExtKeyUsage } from './certificate.ts';
import { issueCertificate, type CertificateAndKey, type SubjectOptions, type ValidityOptions } from './issue.ts';
import { publicCryptoKey, signatureAlgorithm, signingCryptoKey, type PrivateKey } from './keys.ts';
import { pemBlock } from './pem.ts';
import { PkiError } from './pki-error.ts';

export interface CsrOptions extends SubjectOptions {
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

/** What a verified certificate signing request asks for. */
export interface CertificateRequest {
  pem: string;
  publicKey: KeyObject;
  commonName: string | undefined;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
}

/** Creates a PKCS#10 request signed by `key`; returns its PEM (`CERTIFICATE REQUEST`). */
export async function createCsr(key: PrivateKey, options: CsrOptions = {}): Promise<string> {
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const name: x509.JsonName = [];
  if ((options.organizations ?? []).length > 0) name.push({ O: [...(options.organizations ?? [])] });
  if (options.commonName !== undefined && options.commonName !== '') name.push({ CN: [options.commonName] });
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys: { privateKey: signingCryptoKey(key), publicKey: publicCryptoKey(key.publicKey) },
    signingAlgorithm: signatureAlgorithm(key.algorithm),
    extensions: names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [],
  });
  return csr.toString('pem') + '\n';
}

/** Parses a request and checks its self-signature (proof that the sender holds the key). */
export async function parseCsrPem(pem: string, what = 'certificate request'): Promise<CertificateRequest> {
  const block = pemBlock(pem, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'], what);
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(block.der);
  } catch (err) {
    throw new PkiError('invalid-csr', `${what}: not a valid PKCS#10 request`, { cause: err });
  }
  const valid = await csr.verify().catch(() => false);
  if (!valid) throw new PkiError('invalid-csr', `${what}: the request's signature does not verify`);
  const san = csr.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  return {
    pem,
    publicKey: createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' }),
    commonName: csr.subjectName.getField('CN')[0],
    organizations: csr.subjectName.getField('O'),
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}

export interface SignCsrOptions extends ValidityOptions {
  extKeyUsage: readonly ExtKeyUsage[];
  /** Replaces the requested Organization (trustd strips it so a worker cannot mint a role). */
  organizations?: readonly string[];
}

/** Verifies a request and issues the certificate it asks for, with the usages the signer decides. */
export async function signCsr(
  issuer: CertificateAndKey,
  csrPem: string,
  options: SignCsrOptions,
): Promise<Certificate> {
  const request = await parseCsrPem(csrPem);
  return issueCertificate(issuer, request.publicKey, {
    ...options,
    organizations: options.organizations ?? request.organizations,
    ...(request.commonName === undefined ? {} : { commonName: request.commonName }),
    dnsNames: request.dnsNames,
    ipAddresses: request.ipAddresses,
  });
}
