// Test-only certificates for the API tests: an Ed25519 CA and leaves signed by it, as PEM.
// (The product's PKI lives in src/pki; this helper keeps the API tests independent of it.)
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';

const ed25519 = { name: 'Ed25519' };
const serverAuth = '1.3.6.1.5.5.7.3.1';
const clientAuth = '1.3.6.1.5.5.7.3.2';

export interface TestCa {
  pem: string;
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

export interface TestLeaf {
  cert: string;
  key: string;
}

function validity(expired = false): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  if (expired) return { notBefore: new Date(now - 7_200_000), notAfter: new Date(now - 3_600_000) };
  return { notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000) };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ed25519, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

export async function createTestCa(commonName: string): Promise<TestCa> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: new x509.Name([{ CN: [commonName] }]),
    ...validity(),
    keys,
    signingAlgorithm: ed25519,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  return { pem: certificate.toString('pem'), certificate, keys };
}

export async function issueTestCertificate(
  ca: TestCa,
  options: { commonName: string; organizations?: string[]; usage: 'server' | 'client'; expired?: boolean },
): Promise<TestLeaf> {
  const keys = await generateKeys();
  const subject = [...(options.organizations ?? []).map((o) => ({ O: [o] })), { CN: [options.commonName] }];
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex'),
    subject: new x509.Name(subject),
    issuer: ca.certificate.subjectName,
    ...validity(options.expired),
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ed25519,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([options.usage === 'server' ? serverAuth : clientAuth]),
      ...(options.usage === 'server'
        ? [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])]
        : []),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  return { cert: certificate.toString('pem'), key };
}
