import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, type webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { encodePem, pemBlock } from './pem.ts';
import { PkiError } from './pki-error.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The key types Bronze issues: Ed25519 for the OS PKI, ECDSA P-256 and RSA where Kubernetes needs them. */
export type KeyAlgorithm = 'ed25519' | 'ecdsa-p256' | 'rsa';

export interface PrivateKey {
  algorithm: KeyAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** RSA size Talos uses for its RSA keys (service-account key, `gen ca --rsa`). */
export const DefaultRsaBits = 4096;

/** Generates a key pair; RSA runs on the thread pool, so it does not block the event loop. */
export async function generatePrivateKey(
  algorithm: KeyAlgorithm,
  options: { rsaBits?: number } = {},
): Promise<PrivateKey> {
  switch (algorithm) {
    case 'ed25519': {
      const pair = await generateKeyPairAsync('ed25519');
      return { algorithm, ...pair };
    }
    case 'ecdsa-p256': {
      const pair = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
      return { algorithm, ...pair };
    }
    case 'rsa': {
      const pair = await generateKeyPairAsync('rsa', { modulusLength: options.rsaBits ?? DefaultRsaBits });
      return { algorithm, ...pair };
    }
  }
}

const keyLabels = ['PRIVATE KEY', 'ED25519 PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'] as const;

/**
 * Parses a private key in any PEM form Talos writes or reads: PKCS#8 (`PRIVATE KEY`, and Talos's
 * `ED25519 PRIVATE KEY` label on a PKCS#8 body), SEC 1 (`EC PRIVATE KEY`) and PKCS#1 (`RSA PRIVATE KEY`).
 */
export function parsePrivateKeyPem(pem: string, what = 'private key'): PrivateKey {
  const block = pemBlock(pem, keyLabels, what);
  let privateKey: KeyObject;
  try {
    switch (block.label) {
      case 'EC PRIVATE KEY':
        privateKey = createPrivateKey({ key: block.der, format: 'der', type: 'sec1' });
        break;
      case 'RSA PRIVATE KEY':
        privateKey = createPrivateKey({ key: block.der, format: 'der', type: 'pkcs1' });
        break;
      default:
        privateKey = createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8' });
    }
  } catch (err) {
    throw new PkiError('invalid-key', `${what}: the ${block.label} block does not hold a valid key`, { cause: err });
  }
  return { algorithm: algorithmOf(privateKey, what), privateKey, publicKey: createPublicKey(privateKey) };
}

/** The algorithm of a key object, or a PkiError when Bronze does not use that kind of key. */
export function algorithmOf(key: KeyObject, what = 'key'): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519' || type === 'rsa') return type;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ecdsa-p256';
    throw new PkiError('invalid-key', `${what}: EC curve ${String(curve)} is not supported, use P-256`);
  }
  throw new PkiError(
    'invalid-key',
    `${what}: key type ${String(type)} is not supported (use Ed25519, ECDSA P-256 or RSA)`,
  );
}

/** PEM text of a private key with the labels Talos writes, so talosctl reads it back. */
export function encodePrivateKeyPem(key: PrivateKey): string {
  switch (key.algorithm) {
    case 'ed25519':
      return encodePem('ED25519 PRIVATE KEY', key.privateKey.export({ format: 'der', type: 'pkcs8' }));
    case 'ecdsa-p256':
      return encodePem('EC PRIVATE KEY', key.privateKey.export({ format: 'der', type: 'sec1' }));
    case 'rsa':
      return encodePem('RSA PRIVATE KEY', key.privateKey.export({ format: 'der', type: 'pkcs1' }));
  }
}

/** PEM `PUBLIC KEY` (SubjectPublicKeyInfo) of a key. */
export function encodePublicKeyPem(key: PrivateKey): string {
  return encodePem('PUBLIC KEY', key.publicKey.export({ format: 'der', type: 'spki' }));
}

/** The WebCrypto algorithm that imports a key of this kind. */
export function importAlgorithm(
  algorithm: KeyAlgorithm,
): webcrypto.Algorithm | webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams {
  switch (algorithm) {
    case 'ed25519':
      return { name: 'Ed25519' };
    case 'ecdsa-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'rsa':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  }
}

/** The signature algorithm a key of this kind signs certificates with (SHA-256 where there is a hash). */
export function signatureAlgorithm(algorithm: KeyAlgorithm): webcrypto.Algorithm | webcrypto.EcdsaParams {
  switch (algorithm) {
    case 'ed25519':
      return { name: 'Ed25519' };
    case 'ecdsa-p256':
      return { name: 'ECDSA', hash: 'SHA-256' };
    case 'rsa':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  }
}

export function signingCryptoKey(key: PrivateKey): webcrypto.CryptoKey {
  return key.privateKey.toCryptoKey(importAlgorithm(key.algorithm), true, ['sign']);
}

export function publicCryptoKey(publicKey: KeyObject, what = 'public key'): webcrypto.CryptoKey {
  return publicKey.toCryptoKey(importAlgorithm(algorithmOf(publicKey, what)), true, ['verify']);
}
